"""Public credential endpoints answer without sign-in."""

from __future__ import annotations

import pytest

from literacy.models import BadgeAward

pytestmark = pytest.mark.django_db


def test_status_list_is_public(client) -> None:
    response = client.get("/api/literacy/status-list/")
    assert response.status_code == 200, response.content


def test_credential_verification_is_public(client, bronze_user) -> None:
    award = BadgeAward.objects.get(user=bronze_user)
    response = client.get(f"/api/literacy/credentials/{award.credential_id}/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "valid"
