"""PII canaries: unique canary values sit in the warehouse's personal-data columns; every persona
without a grant previews and exports them (pages and API). No canary may appear in any response,
any log record (DEBUG and up), or any row of any table of the app's own database."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.urls import reverse

from tests.governance.data.conftest import DataWorld, assert_no_canary

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "analyst",
    "steward",
    "owner",
    "reviewer",
    "hr",
    "auditor",
    "admin",
]
PURPOSE = "Canary check of the governed path"


def _app_database_text() -> str:
    """Every column (cast to text) of every table of the app's database, as one string: a
    superset of its text columns, so no place to hide a value is missed."""
    chunks: list[str] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            selected = ", ".join(f"CAST({quote(column.name)} AS TEXT)" for column in description)
            cursor.execute(f"SELECT {selected} FROM {quote(table)}")  # noqa: S608
            chunks.extend(str(value) for row in cursor.fetchall() for value in row if value)
    assert chunks, "the app database cannot be empty here"
    return "\n".join(chunks)


def _exercise_everything(request: pytest.FixtureRequest, world: DataWorld) -> list[str]:
    from django.test import Client
    from rest_framework.test import APIClient

    bodies: list[str] = []
    for persona in PERSONAS:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        page, api = Client(), APIClient()
        if user is not None:
            page.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            api.force_authenticate(user)
        for asset in (world.customers, world.ledger):
            bodies.extend(_page_bodies(page, asset.pk))
            bodies.extend(_api_bodies(api, asset.pk))
    return bodies


def _page_bodies(client, asset_id: int) -> list[str]:  # noqa: ANN001
    preview = reverse("catalog:asset_preview", args=[asset_id])
    export = reverse("governance:asset_export", args=[asset_id])
    responses = [
        client.get(preview, {"purpose": PURPOSE}),
        client.get(preview, {"purpose": PURPOSE}, headers={"HX-Request": "true"}),
        client.get(reverse("catalog:asset_detail", args=[asset_id])),
        client.get(export),
        client.post(export, {"purpose": PURPOSE, "purpose_category": "analytics"}),
    ]
    return [_body(response) for response in responses]


def _api_bodies(client, asset_id: int) -> list[str]:  # noqa: ANN001
    responses = [
        client.get(reverse("api-governance-data-preview", args=[asset_id]), {"limit": 100}),
        client.get(reverse("api-governance-data-rows", args=[asset_id]), {"purpose": PURPOSE}),
        client.post(
            reverse("api-governance-data-export", args=[asset_id]),
            {"purpose": PURPOSE},
            format="json",
        ),
        client.get(reverse("catalog-asset-preview", args=[asset_id]), {"limit": 100}),
    ]
    return [_body(response) for response in responses]


def _body(response) -> str:  # noqa: ANN001
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_canary_never_leaves_the_warehouse_without_a_grant(
    request: pytest.FixtureRequest,
    data_world: DataWorld,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = _exercise_everything(request, data_world)
    assert len(bodies) >= len(PERSONAS) * 2 * 8
    for body in bodies:
        assert_no_canary(body, data_world.canaries)
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert_no_canary(logged, data_world.canaries)
    assert_no_canary(_app_database_text(), data_world.canaries)


def test_canary_reads_were_really_attempted_and_recorded(
    request: pytest.FixtureRequest, data_world: DataWorld
) -> None:
    """The canary test above must not pass because nothing was read: allowed masked reads, denied
    ones and exports all happened and are in the trail."""
    from workbench.audit.models import AuditEvent

    _exercise_everything(request, data_world)
    outcomes = set(
        AuditEvent.objects.filter(action__in=["governance.preview", "governance.export"])
        .values_list("action", "outcome")
        .distinct()
    )
    assert ("governance.preview", "allowed") in outcomes
    assert ("governance.preview", "denied") in outcomes
    assert ("governance.export", "allowed") in outcomes
    assert ("governance.export", "denied") in outcomes


def test_canary_control_the_check_would_catch_a_leak(data_world: DataWorld) -> None:
    """The detector itself works: an unmasked read (what a grant would allow) contains canaries."""
    import sqlite3

    with sqlite3.connect(data_world.path) as warehouse:
        raw = str(warehouse.execute("SELECT * FROM customers").fetchall())
    with pytest.raises(AssertionError, match="canary values leaked"):
        assert_no_canary(raw, data_world.canaries)
