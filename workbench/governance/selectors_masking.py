"""Reads for the masking page: the rules with an example of what each does, the row filters, and
what each operator turns a sample value into (with the real key, on made-up sample values)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from catalog.models import Classification
from workbench.governance.masking import ColumnMask, value_operator
from workbench.governance.models import MaskingOperator, MaskingRule, RowFilter
from workbench.governance.rowfilters import user_attribute_value
from workbench.governance.vault import masking_key

VIEW_MASKING_PERMISSION = "governance.view_maskingrule"

# Made-up values, one per kind of personal data, to show what a rule does (never real data).
SAMPLE_VALUES: dict[str, str] = {
    "person_name": "Ada Lovelace",
    "email": "ada.lovelace@example.org",
    "phone": "+44 20 7946 0958",
    "street_address": "12 Analytical Row",
    "postcode": "SW1A 1AA",
    "date_of_birth": "1985-12-10",
    "age": "37",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "bank_account_number": "31926819",
    "card_number": "4111 1111 1111 1111",
    "masked_card_number": "XXXX XXXX XXXX 1111",
    "national_id": "QQ 12 34 56 C",
    "passport_number": "925076473",
    "tax_id": "123-45-6789",
    "driving_licence": "LOVEL851105AA9IJ",
    "salary": "52000.00",
    "username": "ada_l",
    "ip_address": "192.0.2.17",
    "device_id": "38400000-8cf0-11bd-b23e-10b96e40000d",
    "mac_address": "00:1B:44:11:3A:B7",
    "health_data": "Asthma, inhaler",
    "ethnic_origin": "(special category)",
    "religious_belief": "(special category)",
    "gender": "female",
}
CLASSIFIED_SAMPLE = "Q3 margin 18.4 %"
OPERATOR_EXAMPLES: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    ("redact", "email", "", {}),
    ("partial", "card_number", "", {"keep_last": 4}),
    ("hash", "email", "", {}),
    ("tokenize", "iban", "", {}),
    ("generalize", "date_of_birth", "date of birth → year", {"kind": "date"}),
    ("generalize", "age", "age → band of 10", {"kind": "age", "band": 10}),
    ("generalize", "postcode", "postcode → prefix", {"kind": "postcode", "prefix": 2}),
    ("surrogate", "person_name", "names", {}),
    ("surrogate", "email", "emails", {}),
    ("surrogate", "phone", "phone numbers", {}),
    ("surrogate", "street_address", "addresses", {}),
    ("null", "salary", "", {}),
)
TOKEN_EXAMPLE = "tok_… (a vault token; the value is kept encrypted)"


@dataclass(frozen=True)
class MaskingExample:
    operator: str
    operator_label: str
    note: str
    sample: str
    masked: str


@dataclass(frozen=True)
class RuleRow:
    rule: MaskingRule
    target: str
    example: MaskingExample


@dataclass(frozen=True)
class RowFilterRow:
    row_filter: RowFilter
    scope: str
    condition: str
    your_value: str


def masking_example(
    operator: str, pii_kind: str, params: dict[str, Any], note: str = ""
) -> MaskingExample:
    """What `operator` makes of the sample value of `pii_kind` (tokens are only described: a page
    view must not write to the vault)."""
    sample = SAMPLE_VALUES.get(pii_kind, CLASSIFIED_SAMPLE)
    if operator == MaskingOperator.TOKENIZE:
        masked: Any = TOKEN_EXAMPLE
    else:
        mask = ColumnMask("example", operator, params, "", "", pii_kind)
        masked = value_operator(mask, key=masking_key())(sample)
    label = MaskingOperator(operator).label if operator in MaskingOperator.values else operator
    return MaskingExample(operator, label, note, sample, "null" if masked is None else str(masked))


def operator_examples() -> list[MaskingExample]:
    return [
        masking_example(operator, kind, params, note)
        for operator, kind, note, params in OPERATOR_EXAMPLES
    ]


def masking_rule_rows() -> list[RuleRow]:
    rows = []
    for rule in MaskingRule.objects.all():
        if rule.pii_kind:
            target = f"Personal data: {_pii_label(rule.pii_kind)}"
        else:
            level = Classification(rule.classification or 0).label
            target = f"Columns classified {level} or above"
        example = masking_example(rule.operator, rule.pii_kind, dict(rule.params or {}))
        rows.append(RuleRow(rule, target, example))
    return rows


def _pii_label(kind: str) -> str:
    from catalog.scans.pii.kinds import PII_KINDS

    known = PII_KINDS.get(kind)
    return known.label if known else kind


def row_filter_list() -> QuerySet[RowFilter]:
    return RowFilter.objects.select_related("asset", "domain").order_by("name")


def row_filter_rows(*, user: Any) -> list[RowFilterRow]:
    rows = []
    for row_filter in row_filter_list():
        if row_filter.asset_id is not None and row_filter.asset is not None:
            scope = f"Asset {row_filter.asset.qualified_name}"
        else:
            scope = f"Every asset of domain {row_filter.domain.name if row_filter.domain else '—'}"
        label = row_filter.get_user_attribute_display().lower()
        condition = f"{row_filter.column} = {label}"
        value = user_attribute_value(user, row_filter.user_attribute)
        rows.append(RowFilterRow(row_filter, scope, condition, value))
    return rows
