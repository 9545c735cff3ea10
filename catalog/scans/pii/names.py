"""Recognise personal data from a column's name (and its table's name): `customer_email`,
`DateOfBirth`, `ssn`; words such as `_id`, `_count` or `_sent_at` around the match turn it off."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from unidecode import unidecode

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Words that make a column about the PII rather than the PII itself (email_sent_at, phone_type).
NEGATING_WORDS = frozenset(
    """
    id ids key hash hashed sha md5 count cnt flag is has type status brand domain template verified
    valid validated confirmed sent opened bounced opt optin opted consent at on updated created
    changed length len format country prefix last4 token tokenized encrypted enc salt policy
    source provider pref preference required hint label template visible public
    """.split()
)

PERSON_TABLE_WORDS = frozenset(
    """
    customer customers client clients employee employees staff person persons people user users
    member members contact contacts patient patients student students applicant applicants
    passenger passengers guest guests candidate candidates
    """.split()
)

_ROLE_WORDS = (
    "contact|recipient|customer|client|employee|person|patient|member|holder|account_holder|"
    "card_holder|cardholder|beneficiary|payer|payee|sender|receiver|manager|guardian|spouse|"
    "passenger|applicant|candidate|student|author|driver|buyer|seller|signatory|emergency_contact|"
    "parent|child|next_of_kin|agent|assignee|reporter|requester|owner|subscriber|guest|teacher"
)


# Columns named for things that are not people: their values may read like names ("Lake
# Jennifer", "Smith-Jones") without being anyone's name.
NOT_A_PERSON_WORDS = frozenset(
    """
    city town village country region state county place company organisation organization org
    business supplier vendor brand product item sku category department team project campaign
    title subject street hotel school shop store file filename path
    """.split()
)


@dataclass(frozen=True)
class NameRule:
    kind: str
    pattern: re.Pattern[str]
    confidence: float
    reading: str  # "an email address", used in the evidence text


def _rule(kind: str, pattern: str, confidence: float, reading: str) -> NameRule:
    return NameRule(kind, re.compile(rf"(?:^|_)(?:{pattern})(?:_|$)"), confidence, reading)


NAME_RULES: tuple[NameRule, ...] = (
    _rule("email", r"e_?mail(?:_?addr(?:ess)?)?|mail_?addr(?:ess)?", 0.75, "an email address"),
    _rule(
        "phone",
        r"(?:tele)?phone(?:_?(?:no|number|num|nr))?|tel|mobile(?:_?(?:no|number|phone))?|"
        r"cell(?:_?phone)?|fax|msisdn|contact_?number|telefon|telefono|telephone",
        0.7,
        "a phone number",
    ),
    _rule(
        "person_name",
        r"(?:first|given|fore|middle|last|family|sur|maiden|full|birth)_?name|surname|forename|"
        rf"firstname|lastname|fullname|vorname|nachname|nom|prenom|(?:{_ROLE_WORDS})_?name",
        0.75,
        "a person's name",
    ),
    _rule(
        "national_id",
        r"national_?(?:id|identity|insurance)(?:_?(?:no|number|num|nr))?|nat_?id|ssn|"
        r"social_?security(?:_?(?:no|number|num|nr))?|sin|nin|nino|ni_?(?:no|number)|bsn|nir|"
        r"insee|personnummer|dni|nie|cpr|pesel|codice_?fiscale|aadhaar|rvnr|"
        r"rentenversicherungsnummer|sozialversicherungsnummer|svnr|"
        r"(?:id_?card|identity|citizen|personal)_?(?:id|no|number|num|nr)",
        0.8,
        "a national id number",
    ),
    _rule("passport_number", r"passport(?:_?(?:no|number|num|nr|id))?", 0.8, "a passport number"),
    _rule(
        "tax_id",
        r"tax_?(?:id|no|number|num|nr|identification(?:_?number)?)|tin|taxpayer_?id|utr|"
        r"steuer_?(?:id|nummer)|steuernummer|nif",
        0.75,
        "a tax id",
    ),
    _rule(
        "driving_licence",
        r"driv(?:er|ing)s?_?licen[cs]e(?:_?(?:no|number|num|nr))?|dl_?(?:no|number)",
        0.75,
        "a driving licence number",
    ),
    _rule(
        "date_of_birth",
        r"date_?of_?birth|birth_?date|birthdate|dob|birthday|born(?:_?on)?|geburtsdatum|"
        r"date_?(?:de_?)?naissance|fecha_?(?:de_?)?nacimiento",
        0.8,
        "a date of birth",
    ),
    _rule("age", r"age|age_?(?:years|in_?years)|(?:customer|patient|person)_?age", 0.55, "an age"),
    _rule("gender", r"gender|sex|geschlecht|sexe", 0.75, "a gender"),
    _rule(
        "salary",
        r"salary|salaries|wage|wages|pay_?rate|base_?pay|gross_?pay|net_?pay|compensation|"
        r"remuneration|(?:annual_?)?income|bonus|gehalt|payroll_?amount",
        0.75,
        "a salary",
    ),
    _rule("iban", r"iban(?:_?(?:no|number))?", 0.8, "an IBAN"),
    _rule(
        "bank_account_number",
        r"(?:bank_?)?account_?(?:no|number|num|nr)|acct_?(?:no|number|num)|kontonummer|"
        r"routing_?number|sort_?code",
        0.65,
        "a bank account number",
    ),
    _rule(
        "card_number",
        r"(?:credit_?|debit_?|payment_?)?card_?(?:no|number|num|nr|pan)|pan|cc_?(?:no|number|num)|"
        r"credit_?card",
        0.75,
        "a payment card number",
    ),
    _rule(
        "masked_card_number",
        r"masked_?(?:card|pan)(?:_?(?:no|number|num))?|(?:card|pan)_?masked",
        0.8,
        "a masked card number",
    ),
    _rule(
        "street_address",
        r"(?<!ip_)(?<!mail_)(?<!mac_)(?<!web_)(?<!url_)(?<!wallet_)"
        r"(?:street|home|postal|mailing|billing|shipping|delivery|residential)?_?address"
        r"(?:_?line_?\d?)?|street(?:_?name)?|address_?line_?\d?|addr|strasse|anschrift",
        0.7,
        "a street address",
    ),
    _rule(
        "postcode",
        r"post_?code|postal_?code|zip(?:_?code)?|plz|postleitzahl|code_?postal",
        0.75,
        "a postal code",
    ),
    _rule(
        "geo_location",
        r"lat|latitude|lon|lng|longitude|geo(?:_?location)?|geo_?point|coordinates|coords|gps",
        0.6,
        "a geo location",
    ),
    _rule(
        "ip_address",
        r"ip(?:_?addr(?:ess)?)?|ip_?v?[46]|client_?ip|remote_?addr|x_?forwarded_?for",
        0.75,
        "an IP address",
    ),
    _rule("mac_address", r"mac(?:_?addr(?:ess)?)?", 0.7, "a MAC address"),
    _rule("user_agent", r"user_?agent|ua|browser_?string", 0.7, "a user agent"),
    _rule(
        "username",
        r"user_?name|login(?:_?name)?|screen_?name|nickname",
        0.6,
        "a username",
    ),
    _rule("device_id", r"device_?id|idfa|gaid|advertising_?id|imei", 0.7, "a device id"),
    _rule(
        "health_data",
        r"diagnos[ie]s|medical_?(?:condition|history|record|notes?)|medication|allerg(?:y|ies)|"
        r"disabilit(?:y|ies)|blood_?type|icd_?1?0?_?code",
        0.7,
        "health data",
    ),
    _rule("ethnic_origin", r"ethnicity|ethnic_?origin|race", 0.7, "an ethnic origin"),
    _rule(
        "religious_belief",
        r"religion|religious_?(?:belief|affiliation)?|faith",
        0.7,
        "a religious belief",
    ),
)


@dataclass(frozen=True)
class NameMatch:
    kind: str
    confidence: float
    evidence: str


def normalise_name(name: str) -> str:
    """`CustomerEMail`, `customer-e-mail`, `Kunden_E-Mail` -> `customer_e_mail` style tokens."""
    spaced = _CAMEL_BOUNDARY.sub("_", unidecode(name))
    return _NON_WORD.sub("_", spaced.lower()).strip("_")


def _is_negated(normalised: str, match: re.Match[str]) -> bool:
    rest = normalised[: match.start()] + "_" + normalised[match.end() :]
    return any(word in NEGATING_WORDS for word in rest.split("_"))


@lru_cache(maxsize=8_192)
def match_column_name(name: str, table: str = "") -> tuple[NameMatch, ...]:
    normalised = normalise_name(name)
    matches: list[NameMatch] = []
    for rule in NAME_RULES:
        match = rule.pattern.search(normalised)
        if match and not _is_negated(normalised, match):
            evidence = f"the column name '{name}' suggests {rule.reading}"
            matches.append(NameMatch(rule.kind, rule.confidence, evidence))
    if normalised in ("name", "display_name") and _is_person_table(table):
        evidence = f"a '{name}' column in table '{table}' suggests a person's name"
        matches.append(NameMatch("person_name", 0.6, evidence))
    return tuple(matches)


def kinds_ruled_out_by_name(name: str) -> frozenset[str]:
    """Kinds whose values alone should not be suggested for a column of this name."""
    words = set(normalise_name(name).split("_"))
    return frozenset({"person_name"}) if words & NOT_A_PERSON_WORDS else frozenset()


def _is_person_table(table: str) -> bool:
    return any(word in PERSON_TABLE_WORDS for word in normalise_name(table).split("_"))
