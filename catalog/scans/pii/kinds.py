"""The vocabulary of personal-data kinds the classifier suggests, with the default sensitivity that
governance maps to masking: restricted > confidential > internal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Sensitivity = Literal["internal", "confidential", "restricted"]
SENSITIVITY_LEVELS: tuple[Sensitivity, ...] = ("internal", "confidential", "restricted")


@dataclass(frozen=True)
class PiiKind:
    code: str
    label: str
    sensitivity: Sensitivity
    description: str


_KINDS = (
    PiiKind("person_name", "Person name", "confidential", "First, last or full names of people."),
    PiiKind("email", "Email address", "confidential", "Personal or work email addresses."),
    PiiKind("phone", "Phone number", "confidential", "Landline, mobile or fax numbers."),
    PiiKind(
        "national_id",
        "National id number",
        "restricted",
        "Social security, national insurance, citizen service or pension insurance numbers.",
    ),
    PiiKind("passport_number", "Passport number", "restricted", "Passport document numbers."),
    PiiKind("tax_id", "Tax id", "restricted", "Taxpayer identification numbers."),
    PiiKind("driving_licence", "Driving licence number", "restricted", "Driving licence numbers."),
    PiiKind("date_of_birth", "Date of birth", "confidential", "Birth dates of people."),
    PiiKind("age", "Age", "confidential", "Ages of people in years."),
    PiiKind("gender", "Gender", "confidential", "Gender or sex of people."),
    PiiKind("salary", "Salary", "confidential", "Pay, wages, bonuses and income of people."),
    PiiKind("iban", "IBAN", "restricted", "International bank account numbers."),
    PiiKind(
        "bank_account_number", "Bank account number", "restricted", "Domestic account numbers."
    ),
    PiiKind("card_number", "Payment card number", "restricted", "Full card numbers (PAN)."),
    PiiKind(
        "masked_card_number",
        "Masked card number",
        "internal",
        "Card numbers with all but the last digits hidden.",
    ),
    PiiKind("street_address", "Street address", "confidential", "Street, house number, flat."),
    PiiKind("postcode", "Postal code", "confidential", "Postcodes and ZIP codes of addresses."),
    PiiKind("geo_location", "Geo location", "confidential", "Latitude/longitude of people."),
    PiiKind("ip_address", "IP address", "internal", "IPv4 or IPv6 addresses of visitors."),
    PiiKind("mac_address", "MAC address", "internal", "Hardware addresses of devices."),
    PiiKind("user_agent", "User agent", "internal", "Browser user-agent strings."),
    PiiKind("device_id", "Device id", "internal", "Advertising ids, IMEIs and device ids."),
    PiiKind("username", "Username", "confidential", "Login names and handles."),
    PiiKind(
        "health_data",
        "Health data",
        "restricted",
        "Diagnoses, medication, disabilities (a special category under GDPR art. 9).",
    ),
    PiiKind(
        "ethnic_origin",
        "Ethnic origin",
        "restricted",
        "Race or ethnic origin (a special category under GDPR art. 9).",
    ),
    PiiKind(
        "religious_belief",
        "Religious belief",
        "restricted",
        "Religion or philosophical beliefs (a special category under GDPR art. 9).",
    ),
    PiiKind(
        "free_text",
        "Free text with PII",
        "confidential",
        "Notes, messages or bodies that contain personal data among other text.",
    ),
)

PII_KINDS: dict[str, PiiKind] = {kind.code: kind for kind in _KINDS}
