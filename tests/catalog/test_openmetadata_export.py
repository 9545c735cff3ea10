"""The catalog as OpenMetadata entity JSON, validated by openmetadata-ingestion's own models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from sqlalchemy.engine import Engine

from catalog.export.openmetadata import (
    ColumnCuration,
    OwnerInput,
    TableCuration,
    TagInput,
    openmetadata_entities,
    openmetadata_jsonl,
)
from catalog.scans.introspect import introspect
from catalog.scans.profile import TableProfile, profile_table
from catalog.scans.snapshot import ColumnSnapshot, SourceSnapshot, TableSnapshot
from tests.catalog.profiling_sources import sqlite_source
from workbench.demo.warehouse import warehouse_build


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("export-warehouse") / "warehouse.sqlite3"
    warehouse_build(url=f"sqlite:///{path}", scale=0.01)
    engine = sqlite_source(str(path))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def snapshot(warehouse: Engine) -> SourceSnapshot:
    return introspect(warehouse)


@pytest.fixture(scope="module")
def payments_profile(warehouse: Engine, snapshot: SourceSnapshot) -> TableProfile:
    table = next(t for t in snapshot.tables if t.name == "payments")
    return profile_table(warehouse, table, sample_rows=500)


CURATION = {
    "main.payments": TableCuration(
        description="Payments for orders.",
        owners=(OwnerInput("steward"), OwnerInput("Finance", kind="team")),
        tags=(TagInput("Tier.Tier1"),),
        columns={
            "iban": ColumnCuration(
                "Payer's bank account.",
                (TagInput("PII.Sensitive", is_confirmed=False, is_automated=True),),
            ),
            "method": ColumnCuration(tags=(TagInput("Glossary.PaymentMethod", source="Glossary"),)),
        },
    )
}


def model_for(kind: str) -> Any:
    from metadata.generated.schema.entity.data.database import Database
    from metadata.generated.schema.entity.data.databaseSchema import DatabaseSchema
    from metadata.generated.schema.entity.data.table import Table

    return {"database": Database, "databaseSchema": DatabaseSchema, "table": Table}[kind]


def export(snapshot: SourceSnapshot, profile: TableProfile) -> list[dict[str, Any]]:
    return openmetadata_entities(
        snapshot=snapshot,
        service_name="demo warehouse",
        service_type="SQLite",
        profiles={"main.payments": profile},
        curation=CURATION,
    )


def test_every_entity_validates_against_openmetadata_models(
    snapshot: SourceSnapshot, payments_profile: TableProfile
) -> None:
    entities = export(snapshot, payments_profile)
    kinds = [entity["entityType"] for entity in entities]
    assert kinds[:2] == ["database", "databaseSchema"]
    assert kinds.count("table") == len(snapshot.tables)
    for entity in entities:
        model = model_for(entity["entityType"]).model_validate(entity["entity"])
        again = model.model_dump(mode="json", exclude_none=True)
        assert {key: again[key] for key in entity["entity"] if key != "columns"} == {
            key: value for key, value in entity["entity"].items() if key != "columns"
        }
    database = entities[0]["entity"]
    assert snapshot.database == "warehouse.sqlite3"
    assert database["fullyQualifiedName"] == 'demo warehouse."warehouse.sqlite3"'
    assert database["service"]["type"] == "databaseService"


def test_table_carries_columns_constraints_curation_and_profile(
    snapshot: SourceSnapshot, payments_profile: TableProfile
) -> None:
    tables = {e["entity"]["name"]: e["entity"] for e in export(snapshot, payments_profile)[2:]}
    payments = tables["payments"]
    prefix = 'demo warehouse."warehouse.sqlite3".main.payments'
    assert payments["fullyQualifiedName"] == prefix
    assert payments["description"] == "Payments for orders."
    assert [o["name"] for o in payments["owners"]] == ["steward", "Finance"]
    assert [o["type"] for o in payments["owners"]] == ["user", "team"]
    assert payments["tags"][0]["tagFQN"] == "Tier.Tier1"
    columns = {c["name"]: c for c in payments["columns"]}
    assert columns["payment_id"]["dataType"] == "INT"
    assert columns["method"]["dataType"] == "VARCHAR"
    assert columns["method"]["dataLength"] == 20
    assert columns["amount"]["dataType"] == "NUMERIC"
    assert columns["iban"]["fullyQualifiedName"] == f"{prefix}.iban"
    assert columns["iban"]["tags"][0] | {"tagFQN": "PII.Sensitive"} == {
        "tagFQN": "PII.Sensitive",
        "source": "Classification",
        "labelType": "Automated",
        "state": "Suggested",
    }
    assert columns["method"]["tags"][0]["source"] == "Glossary"
    constraints = {c["constraintType"]: c for c in payments["tableConstraints"]}
    assert constraints["PRIMARY_KEY"]["columns"] == ["payment_id"]
    assert constraints["FOREIGN_KEY"]["referredColumns"] == [
        'demo warehouse."warehouse.sqlite3".main.orders.order_id'
    ]

    assert payments["profile"]["rowCount"] == payments_profile.row_count
    assert payments["profile"]["profileSample"] == payments_profile.sample_size
    ours = payments_profile.column("iban")
    theirs = columns["iban"]["profile"]
    assert theirs["nullCount"] == ours.null_count
    assert theirs["nullProportion"] == pytest.approx(ours.null_percent / 100, abs=1e-6)
    amount = columns["amount"]["profile"]
    assert amount["mean"] == pytest.approx(payments_profile.column("amount").mean)
    assert sum(amount["histogram"]["frequencies"]) == payments_profile.sample_size
    assert "profile" not in tables["orders"]  # not profiled: nothing invented


def test_views_keep_their_sql(snapshot: SourceSnapshot, payments_profile: TableProfile) -> None:
    tables = {e["entity"]["name"]: e["entity"] for e in export(snapshot, payments_profile)[2:]}
    view = tables["v_monthly_revenue"]
    assert view["tableType"] == "View"
    assert "revenue" in view["schemaDefinition"].lower()


def test_ids_are_stable_and_jsonl_round_trips(
    snapshot: SourceSnapshot, payments_profile: TableProfile
) -> None:
    first, second = export(snapshot, payments_profile), export(snapshot, payments_profile)
    assert [e["entity"]["id"] for e in first] == [e["entity"]["id"] for e in second]
    assert len({e["entity"]["id"] for e in first}) == len(first)
    lines = openmetadata_jsonl(
        snapshot=snapshot, service_name="demo warehouse", profiles={}, curation=CURATION
    ).splitlines()
    assert len(lines) == len(first)
    table = json.loads(lines[2])
    assert model_for(table["entityType"]).model_validate(table["entity"]).name.root


def odd_snapshot(tmp_path: Path) -> SourceSnapshot:
    columns = (
        ColumnSnapshot("a.b", 1, "integer", False),
        ColumnSnapshot('quo"te', 2, "character varying(12)", True),
        ColumnSnapshot("naïve", 3, "mystery_type", True),
    )
    table = TableSnapshot(schema="sales.eu", name="Order Détails", kind="table", columns=columns)
    return SourceSnapshot(database=tmp_path.name, schemas=("sales.eu",), tables=(table,))


def test_odd_names_are_quoted_in_fully_qualified_names(tmp_path: Path) -> None:
    entities = openmetadata_entities(snapshot=odd_snapshot(tmp_path), service_name="svc")
    table = entities[-1]["entity"]
    assert table["fullyQualifiedName"] == f'svc.{tmp_path.name}."sales.eu".Order Détails'
    columns = {c["name"]: c for c in table["columns"]}
    assert columns["a.b"]["fullyQualifiedName"].endswith('Order Détails."a.b"')
    assert columns['quo"te']["fullyQualifiedName"].endswith("Order Détails.quo'te")
    assert columns["naïve"]["dataType"] == "UNKNOWN"
    assert columns["naïve"]["dataTypeDisplay"] == "mystery_type"


def test_values_openmetadata_refuses_are_reported(tmp_path: Path) -> None:
    snapshot = odd_snapshot(tmp_path)
    bad_tag = {
        "sales.eu.Order Détails": TableCuration(tags=(TagInput("PII.Sensitive", source="Rumour"),))
    }
    with pytest.raises(pydantic.ValidationError, match="source"):
        openmetadata_entities(snapshot=snapshot, service_name="svc", curation=bad_tag)
    bad_owner = {"sales.eu.Order Détails": TableCuration(owners=(OwnerInput("x", kind="robot"),))}
    with pytest.raises(ValueError, match="user or a team"):
        openmetadata_entities(snapshot=snapshot, service_name="svc", curation=bad_owner)
