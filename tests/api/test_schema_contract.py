"""The API holds to its OpenAPI schema: schemathesis runs every operation, with all its checks, as
each persona (with a real API token), in-process through the WSGI app.

Generic by design: an endpoint added later is tested here without anyone listing it. To pass, it
needs a truthful schema (drf-spectacular's inference plus `extend_schema` where it guesses wrong:
a filter that is a date-time or a choice says so). Error responses (400/401/403/404/429, 409 on
writes) with the error schema are documented for every operation by
`workbench.core.api.schema.document_error_responses`.

Deterministic: derandomized Hypothesis, a few examples per operation and generation mode.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
)

from workbench.accounts import services

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "outsider", "analyst", "auditor", "admin"]
EXAMPLES_PER_MODE = 3
# Invalid input is refused before permissions matter only for those who pass authentication;
# anonymous callers get 401 for every negative case, so these personas carry the negative run.
NEGATIVE_PERSONAS = {"analyst", "admin"}

# Checks an operation is let off, each with the reason; whoever fixes the operation removes its
# entry. Each entry is a known lie in the schema or a bug: keep this short, add nothing.
VALID_INPUT_REJECTED = positive_data_acceptance
KNOWN_GAPS: dict[str, tuple[tuple[Any, ...], str]] = {
    "GET /api/audit/events/": (
        (VALID_INPUT_REJECTED,),
        "a page past the last one answers the documented 404, which counts as a rejection",
    ),
    "GET /api/catalog/search/": (
        (VALID_INPUT_REJECTED,),
        "domain, tag and owner values with control characters are refused by the search form",
    ),
    # Which fields a body needs depends on another field (a range check needs min or max, a files
    # source a path); the schema documents the fields, the service explains the rule in a 400.
    "POST /api/catalog/quality-checks/": (
        (VALID_INPUT_REJECTED,),
        "params required per kind are checked by the service, not expressible per field",
    ),
    "POST /api/catalog/sources/": (
        (VALID_INPUT_REJECTED,),
        "required connection fields depend on the kind; owner/domain ids must exist",
    ),
}


@functools.cache
def _load_schema() -> Any:
    # The same document /api/schema/ serves, built without a request (and without the database).
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    loaded.app = get_wsgi_application()
    return loaded


@pytest.fixture(autouse=True)
def connections_kept_open() -> Iterator[None]:
    """Like Django's test client: the WSGI app must not close the test's (transaction's) connection
    between requests, which it does on PostgreSQL when it sees autocommit off."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_headers(request: pytest.FixtureRequest, persona: str, settings: Any) -> dict[str, str]:
    settings.ALLOWED_HOSTS = ["*"]
    if persona == "anonymous":
        return {}
    user = request.getfixturevalue(persona)
    key = services.api_token_create(user=user, name="schemathesis").key
    return {"Authorization": f"Token {key}"}


def _check_operation(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> None:
    excluded = list(KNOWN_GAPS[operation.label][0]) if operation.label in KNOWN_GAPS else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_MODE,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    run()


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_conforms_to_its_schema(persona: str, auth_headers: dict[str, str]) -> None:
    schema = _load_schema()
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if persona in NEGATIVE_PERSONAS:
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            try:
                _check_operation(operation, mode, auth_headers)
            except Unsatisfiable:
                # Nothing to get wrong: an operation without parameters or body has no negatives.
                assert mode is GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure
                failures.append(f"{operation.label} [{mode.value}] as {persona}:\n{exc}")
    assert not failures, "\n\n".join(failures)


def test_known_gaps_name_real_operations() -> None:
    labels = {result.ok().label for result in _load_schema().get_all_operations()}
    assert set(KNOWN_GAPS) <= labels
    assert all(checks and reason for checks, reason in KNOWN_GAPS.values())
