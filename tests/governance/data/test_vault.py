"""The token vault: same value → same token, values kept encrypted, tokenising safe under
concurrency, detokenising only with its permission and a purpose, every attempt audited."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.factories import UserFactory
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.governance.models import VaultToken
from workbench.governance.vault import (
    DetokenizeDenied,
    VaultTokenNotFound,
    vault_detokenize,
    vault_tokenize,
)

PURPOSE = "Refund a customer's payment"


@pytest.mark.django_db
def test_same_value_same_token_and_the_value_is_encrypted() -> None:
    first = vault_tokenize(["nl91abna0417164300", "de89370400440532013000"], "iban")
    again = vault_tokenize(["nl91abna0417164300"], "iban")
    assert again["nl91abna0417164300"] == first["nl91abna0417164300"]
    assert first["nl91abna0417164300"] != first["de89370400440532013000"]
    assert VaultToken.objects.count() == 2
    row = VaultToken.objects.get(token=first["nl91abna0417164300"])
    assert "nl91abna" not in row.value_encrypted + row.value_digest
    assert row.pii_kind == "iban"


@pytest.mark.django_db
def test_detokenize_round_trip_is_audited_without_the_value(admin: User) -> None:
    token = vault_tokenize(["ada@example.org"], "email")["ada@example.org"]
    found = vault_detokenize(
        user=admin, token=token, purpose=PURPOSE, purpose_category="customer_service"
    )
    assert found.value == "ada@example.org"
    assert found.pii_kind == "email"
    event = AuditEvent.objects.get(action="governance.detokenize")
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.target_id == token
    assert event.purpose == PURPOSE
    assert event.detail == {"purpose_category": "customer_service", "pii_kind": "email"}
    assert "ada@example.org" not in str(event.detail) + event.reason + event.target_label


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward", "auditor"])
def test_detokenize_needs_its_own_permission(request: pytest.FixtureRequest, persona: str) -> None:
    user: User = request.getfixturevalue(persona)
    token = vault_tokenize(["secret value"], "")["secret value"]
    with pytest.raises(DetokenizeDenied) as refused:
        vault_detokenize(user=user, token=token, purpose=PURPOSE)
    assert "secret value" not in refused.value.message
    assert "role" in refused.value.message
    event = AuditEvent.objects.get(action="governance.detokenize")
    assert event.outcome == AuditOutcome.DENIED


@pytest.mark.django_db
def test_detokenize_anonymous_is_refused() -> None:
    from django.contrib.auth.models import AnonymousUser

    token = vault_tokenize(["secret value"], "")["secret value"]
    with pytest.raises(DetokenizeDenied, match="Sign in"):
        vault_detokenize(user=AnonymousUser(), token=token, purpose=PURPOSE)  # type: ignore[arg-type]
    assert AuditEvent.objects.get(action="governance.detokenize").outcome == AuditOutcome.DENIED


@pytest.mark.django_db
def test_detokenize_needs_a_purpose_and_a_real_token(admin: User) -> None:
    token = vault_tokenize(["secret value"], "")["secret value"]
    with pytest.raises(DetokenizeDenied, match="Say why"):
        vault_detokenize(user=admin, token=token, purpose="   ")
    with pytest.raises(VaultTokenNotFound):
        vault_detokenize(user=admin, token="tok_" + "0" * 24, purpose=PURPOSE)
    outcomes = list(
        AuditEvent.objects.filter(action="governance.detokenize").values_list("outcome", flat=True)
    )
    assert outcomes == [AuditOutcome.DENIED, AuditOutcome.DENIED]


@pytest.mark.django_db
def test_a_user_given_the_permission_may_detokenize(roles: None) -> None:
    from django.contrib.auth.models import Permission

    officer = UserFactory(username="dpo", roles=[])
    officer.user_permissions.add(Permission.objects.get(codename="detokenize"))
    officer = User.objects.get(pk=officer.pk)  # fresh permission cache
    token = vault_tokenize(["x@y.org"], "email")["x@y.org"]
    assert vault_detokenize(user=officer, token=token, purpose=PURPOSE).value == "x@y.org"


@pytest.mark.django_db(transaction=True)
def test_concurrent_tokenisation_of_one_value_makes_one_token() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    threads, barrier, tokens, errors = 6, threading.Barrier(6), [], []

    def tokenise() -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            tokens.append(
                vault_tokenize(["same value", f"own {threading.get_ident()}"], "")["same value"]
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=tokenise) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not errors
    assert len(tokens) == threads
    assert len(set(tokens)) == 1
    assert VaultToken.objects.filter(token=tokens[0]).count() == 1
    assert VaultToken.objects.count() == threads + 1


@pytest.mark.django_db
def test_detokenize_gives_back_the_original_not_the_canonical_form(admin: User) -> None:
    token = vault_tokenize({"nl91 abna 0417": "NL91 ABNA 0417"}, "iban")["nl91 abna 0417"]
    assert vault_detokenize(user=admin, token=token, purpose=PURPOSE).value == "NL91 ABNA 0417"
