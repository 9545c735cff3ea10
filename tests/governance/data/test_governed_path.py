"""The governed data path end to end: decide, row filters in the SQL, masking per rule, audit of
allowed, denied and failed reads, unmasked reads under a grant, and CSV export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from catalog.models import AssetStatus
from tests.governance.data.conftest import DataWorld, assert_no_canary, grant_for
from workbench.accounts.models import Region, User
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.governance.models import MaskingRule, RowFilter, VaultToken
from workbench.governance.rowfilters import AppliedRowFilter, governed_select
from workbench.governance.services import (
    DataRequestInvalid,
    data_export_csv,
    data_preview,
    data_rows,
)

pytestmark = pytest.mark.django_db

EXPECTED_OPERATORS = {
    "full_name": "surrogate",
    "email": "hash",
    "phone": "partial",
    "iban": "tokenize",
    "date_of_birth": "generalize",
    "postcode": "generalize",
}


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_preview_masks_every_pii_column_by_its_rule(analyst: User, data_world: DataWorld) -> None:
    preview = data_preview(user=analyst, asset=data_world.customers, purpose="churn study")
    assert preview.is_allowed, preview.reason
    assert preview.columns == ["id", *EXPECTED_OPERATORS, "region"]
    assert preview.column_operators == EXPECTED_OPERATORS
    assert preview.masked_columns == list(EXPECTED_OPERATORS)
    assert len(preview.rows) == 6
    by_name = [dict(zip(preview.columns, row, strict=True)) for row in preview.rows]
    assert [row["region"] for row in by_name] == ["EU", "EU", "US", "APAC", "EU", "US"]
    assert all(row["iban"].startswith("tok_") for row in by_name)
    assert {row["date_of_birth"] for row in by_name} <= {str(1950 + i) for i in range(6)}
    assert all(row["postcode"] == "CA…" for row in by_name)
    assert all(len(row["email"]) == 24 for row in by_name)
    assert_no_canary(json.dumps(preview.rows), data_world.canaries)
    [event] = events("governance.preview")
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.purpose == "churn study"
    assert event.detail["operators"] == dict(sorted(EXPECTED_OPERATORS.items()))
    assert event.detail["rows"] == 6
    assert event.detail["rules"] == ["access.allow.open_content"]
    assert event.detail["policy_version"]
    assert_no_canary(json.dumps(event.detail) + event.reason, data_world.canaries)


def test_keyed_hash_and_tokens_join_across_tables(steward: User, data_world: DataWorld) -> None:
    customers = data_preview(user=steward, asset=data_world.customers)
    ledger = data_preview(user=steward, asset=data_world.ledger)  # the steward's own domain
    assert ledger.is_allowed, ledger.reason
    email, iban = customers.columns.index("email"), customers.columns.index("iban")
    assert [row[email] for row in customers.rows] == [row[email] for row in ledger.rows]
    assert [row[iban] for row in customers.rows] == [row[iban] for row in ledger.rows]
    assert VaultToken.objects.count() == 6  # one token per distinct value, reused
    stored = json.dumps(list(VaultToken.objects.values()), default=str)
    assert_no_canary(stored, data_world.canaries)


def test_a_masking_rule_change_takes_effect(analyst: User, data_world: DataWorld) -> None:
    MaskingRule.objects.filter(pii_kind="email").update(operator="redact")
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert preview.column_operators["email"] == "redact"
    assert {row[preview.columns.index("email")] for row in preview.rows} == {"••••••"}


def test_pii_kind_without_rule_is_redacted(analyst: User, data_world: DataWorld) -> None:
    MaskingRule.objects.filter(pii_kind="phone").delete()
    MaskingRule.objects.filter(pii_kind="").delete()  # no classification floor either
    preview = data_preview(user=analyst, asset=data_world.customers)
    phone = preview.columns.index("phone")
    assert {row[phone] for row in preview.rows} == {"••••••"}


@pytest.mark.parametrize(
    ("region", "expected"),
    [(Region.EU, ["EU", "EU", "EU"]), (Region.US, ["US", "US"]), (Region.APAC, ["APAC"])],
    ids=["eu", "us", "apac"],
)
def test_row_filter_keeps_the_readers_region(
    analyst: User, data_world: DataWorld, region_filter: RowFilter, region: str, expected: list
) -> None:
    analyst.region = region
    analyst.save(update_fields=["region"])
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert [row[-1] for row in preview.rows] == expected
    assert any("Customers by region" in text for text in preview.row_filters)
    [event] = events("governance.preview")
    assert event.detail["row_filters"] == [
        {"name": "Customers by region", "column": "region", "attribute": "region"}
    ]


def test_row_filter_is_a_bound_parameter_in_the_sql() -> None:
    import sqlalchemy as sa

    statement = governed_select(
        schema="main",
        table="customers",
        columns=["id", "region"],
        filters=[AppliedRowFilter("f", "region", "region", "EU' OR '1'='1")],
        limit=1000,
    )
    engine = sa.create_engine("sqlite://")
    compiled = statement.compile(engine)
    text = str(compiled)
    assert "WHERE main.customers.region = ?" in text
    assert "OR '1'='1" not in text
    assert compiled.params["row_filter_0"] == "EU' OR '1'='1"
    assert "LIMIT" in text


def test_row_filter_reads_only_permitted_rows_from_the_source(
    analyst: User, data_world: DataWorld, region_filter: RowFilter
) -> None:
    import sqlite3

    statements: list[str] = []
    original = sqlite3.connect

    def tracing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        connection = original(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    sqlite3.connect = tracing
    try:
        data_preview(user=analyst, asset=data_world.customers)
    finally:
        sqlite3.connect = original
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert selects, statements
    assert all("WHERE" in s and "region" in s for s in selects)


def test_row_filter_on_a_missing_column_fails_closed(analyst: User, data_world: DataWorld) -> None:
    RowFilter.objects.create(
        name="By department", domain=data_world.domain, column="dept", user_attribute="department"
    )
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert not preview.is_allowed
    assert preview.rows == []
    assert "dept" in preview.reason
    [event] = events("governance.preview")
    assert event.outcome == AuditOutcome.DENIED
    assert event.detail["row_filter"] == "By department"


def test_reader_without_the_filter_attribute_is_refused(
    analyst: User, data_world: DataWorld
) -> None:
    RowFilter.objects.create(
        name="By department",
        asset=data_world.customers,
        column="region",
        user_attribute="department",
    )
    analyst.department = None
    analyst.save(update_fields=["department"])
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert not preview.is_allowed
    assert "profile has none" in preview.reason


def test_confidential_asset_is_denied_with_a_request_offer(
    analyst: User, data_world: DataWorld
) -> None:
    preview = data_preview(user=analyst, asset=data_world.ledger, purpose="look")
    assert not preview.is_allowed
    assert preview.needs_request
    assert preview.rows == []
    [event] = events("governance.preview")
    assert event.outcome == AuditOutcome.DENIED
    assert event.reason == preview.reason
    assert event.detail["rules"] == ["access.request.confidential_content"]
    assert event.detail["policy_version"]


def test_outsider_is_denied_without_a_request_offer(outsider: User, data_world: DataWorld) -> None:
    preview = data_preview(user=outsider, asset=data_world.customers)
    assert not preview.is_allowed
    assert not preview.needs_request
    assert events("governance.preview")[0].outcome == AuditOutcome.DENIED


def test_unmasked_rows_need_an_unmasked_grant_and_a_purpose(
    analyst: User, steward: User, data_world: DataWorld
) -> None:
    grant = grant_for(
        user=analyst, asset=data_world.ledger, action="query", approver=steward, unmasked=True
    )
    unmasked = data_rows(
        user=analyst,
        asset=data_world.ledger,
        action="query",
        purpose="Reconcile the ledger with finance",
        purpose_category="compliance",
        limit=10,
    )
    assert unmasked.is_allowed, unmasked.reason
    assert not unmasked.is_masked
    assert unmasked.masked_columns == []
    assert unmasked.grant_id == grant.pk
    values = json.dumps(unmasked.rows)
    assert all(canary in values for canary in data_world.canaries)
    event = events("governance.query")[-1]
    assert event.detail["masked"] is False
    assert event.detail["grant_id"] == grant.pk
    assert event.purpose == "Reconcile the ledger with finance"
    assert_no_canary(json.dumps(event.detail), data_world.canaries)
    # The same grant without a declared purpose reads masked.
    masked = data_rows(user=analyst, asset=data_world.ledger, action="query", purpose="", limit=10)
    assert masked.is_allowed
    assert masked.is_masked
    assert_no_canary(json.dumps(masked.rows), data_world.canaries)


def test_a_masked_grant_opens_the_asset_but_keeps_masking(
    analyst: User, steward: User, data_world: DataWorld
) -> None:
    grant_for(user=analyst, asset=data_world.ledger, action="preview", approver=steward)
    preview = data_preview(user=analyst, asset=data_world.ledger, purpose="churn study")
    assert preview.is_allowed
    assert preview.is_masked
    assert_no_canary(json.dumps(preview.rows), data_world.canaries)


def test_an_unreachable_source_is_a_recorded_failure(analyst: User, data_world: DataWorld) -> None:
    data_world.path.unlink()
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert not preview.is_allowed
    assert preview.outcome == "failed"
    assert "could not be read" in preview.reason
    [event] = events("governance.preview")
    assert event.outcome == AuditOutcome.FAILED


def test_a_removed_asset_is_refused(analyst: User, data_world: DataWorld) -> None:
    data_world.customers.status = AssetStatus.REMOVED
    data_world.customers.save(update_fields=["status"])
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert "removed" in preview.reason
    assert events("governance.preview")[0].outcome == AuditOutcome.DENIED


def test_data_rows_refuses_bad_requests(analyst: User, data_world: DataWorld) -> None:
    with pytest.raises(DataRequestInvalid, match="action"):
        data_rows(user=analyst, asset=data_world.customers, action="export", purpose="x", limit=1)
    with pytest.raises(DataRequestInvalid, match="limit"):
        data_rows(user=analyst, asset=data_world.customers, action="query", purpose="x", limit=0)
    assert not AuditEvent.objects.filter(action="governance.query").exists()


def test_sandbox_use_goes_through_the_policies(analyst: User, data_world: DataWorld) -> None:
    result = data_rows(
        user=analyst,
        asset=data_world.customers,
        action="use_in_sandbox",
        purpose="Try a summary prompt",
        limit=5,
        context={"endpoint": {"network": "public", "approved_classification": 3}},
    )
    assert not result.is_allowed  # no literacy badge, and PII to a public endpoint
    assert "access.deny.pii_public_endpoint" in result.rules
    assert events("governance.use_in_sandbox")[0].outcome == AuditOutcome.DENIED


def read_csv(export) -> list[list[str]]:  # noqa: ANN001
    return list(csv.reader(io.StringIO("".join(export.lines()))))


def test_export_streams_masked_filtered_csv_and_records_it(
    analyst: User, data_world: DataWorld, region_filter: RowFilter
) -> None:
    export = data_export_csv(
        user=analyst,
        asset=data_world.customers,
        purpose="Campaign list",
        purpose_category="analytics",
    )
    assert export.result.is_allowed
    assert export.filename.startswith("main.customers-")
    [decision] = events("governance.export")
    assert decision.outcome == AuditOutcome.ALLOWED
    assert not events("governance.export.finished")  # nothing streamed yet
    rows = read_csv(export)
    assert rows[0] == ["id", *EXPECTED_OPERATORS, "region"]
    assert [row[-1] for row in rows[1:]] == ["EU", "EU", "EU"]
    assert_no_canary(json.dumps(rows), data_world.canaries)
    [finished] = events("governance.export.finished")
    assert finished.outcome == AuditOutcome.DONE
    assert finished.detail == {"rows": 3, "complete": True, "row_limit": 100_000}


def test_export_is_bounded_by_the_setting(analyst: User, data_world: DataWorld, settings) -> None:  # noqa: ANN001
    settings.EXPORT_MAX_ROWS = 2
    rows = read_csv(data_export_csv(user=analyst, asset=data_world.customers, purpose="sample"))
    assert len(rows) == 3  # header and two rows


def test_export_masks_like_preview(analyst: User, data_world: DataWorld) -> None:
    preview = data_preview(user=analyst, asset=data_world.customers)
    rows = read_csv(data_export_csv(user=analyst, asset=data_world.customers, purpose="compare"))
    assert rows[1:] == [["" if v is None else str(v) for v in row] for row in preview.rows]


def test_export_needs_a_purpose_and_permission(analyst: User, data_world: DataWorld) -> None:
    with pytest.raises(DataRequestInvalid, match="purpose"):
        data_export_csv(user=analyst, asset=data_world.customers, purpose="  ")
    refused = data_export_csv(user=analyst, asset=data_world.ledger, purpose="take it home")
    assert not refused.result.is_allowed
    assert refused.result.needs_request
    assert list(refused.lines()) == []
    assert events("governance.export")[0].outcome == AuditOutcome.DENIED


def test_an_interrupted_download_is_recorded(analyst: User, data_world: DataWorld) -> None:
    export = data_export_csv(user=analyst, asset=data_world.customers, purpose="sample")
    lines = export.lines()
    next(lines)
    next(lines)
    lines.close()  # the client went away
    [finished] = events("governance.export.finished")
    assert finished.outcome == AuditOutcome.FAILED
    assert finished.detail["complete"] is False


def test_export_cells_cannot_run_as_spreadsheet_formulas() -> None:
    from workbench.governance.services import _csv_line

    assert _csv_line(["=HYPERLINK(1)", "+1", "ok", None]) == "'=HYPERLINK(1),'+1,ok,\r\n"


def test_an_asset_never_scanned_for_pii_is_redacted_but_its_key(
    analyst: User, data_world: DataWorld
) -> None:
    from catalog.models import Column

    Column.objects.filter(asset=data_world.customers).update(pii_kinds=[])
    Column.objects.filter(asset=data_world.customers, name="id").update(is_primary_key=True)
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert preview.is_allowed
    assert preview.masked_columns == preview.columns[1:]  # region too: nobody has looked yet
    assert {row[-1] for row in preview.rows} == {"••••••"}
    assert [row[0] for row in preview.rows] == [1, 2, 3, 4, 5, 6]
    assert "Not scanned for personal data yet" in preview.column_notes["region"]
    assert_no_canary(json.dumps(preview.rows), data_world.canaries)


def test_a_profiled_asset_without_pii_is_shown_as_it_is(
    analyst: User, data_world: DataWorld
) -> None:
    from catalog.models import Column, ScanRun, TableProfile

    Column.objects.filter(asset=data_world.customers, name="region").update(classification=0)
    Column.objects.filter(asset=data_world.customers).exclude(name__in=["id", "region"]).update(
        status=AssetStatus.REMOVED
    )
    Column.objects.filter(asset=data_world.customers).update(pii_kinds=[])
    run = ScanRun.objects.create(source=data_world.customers.source, status="succeeded")
    TableProfile.objects.create(run=run, asset=data_world.customers, row_count=6)
    preview = data_preview(user=analyst, asset=data_world.customers)
    assert preview.masked_columns == []
    assert [row[1] for row in preview.rows] == ["EU", "EU", "US", "APAC", "EU", "US"]
