"""Policy pages and API four ways (anonymous, outsider, analyst without the permission, admin or
auditor with it), IDOR on policy and version ids, invalid documents refused with the line (the
page keeps the typed text; the API answers 400 JSON with the problems), new versions and diffs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.governance.pages.conftest import OversightWorld, version_add
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.models import Policy, PolicyVersion

pytestmark = pytest.mark.django_db

BROKEN_TAIL = "\nallow if {\n  input.x ==\n"


def versions_snapshot() -> list[tuple[int, int]]:
    return list(PolicyVersion.objects.order_by("pk").values_list("policy_id", "number"))


def current_source(policy: Policy) -> str:
    return policy.versions.order_by("-number").first().source  # type: ignore[union-attr]


def edited(policy: Policy) -> str:
    return current_source(policy) + "\n# Reviewed by the data council.\n"


# --- pages, four ways -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["governance:policy_list", "governance:policy_detail", "governance:policy_diff"]
)
def test_policy_pages_send_anonymous_to_login(client_for, oversight: OversightWorld, url_name):
    args = [] if url_name == "governance:policy_list" else [oversight.access.pk]
    response = client_for(None).get(reverse(url_name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["outsider", "analyst", "steward"])
@pytest.mark.parametrize(
    "url_name", ["governance:policy_list", "governance:policy_detail", "governance:policy_diff"]
)
def test_policy_pages_refuse_people_without_the_permission(
    request, client_for, oversight: OversightWorld, persona: str, url_name: str
) -> None:
    args = [] if url_name == "governance:policy_list" else [oversight.access.pk]
    response = client_for(request.getfixturevalue(persona)).get(reverse(url_name, args=args))
    assert response.status_code == 403
    html = response.content.decode()
    assert "package workbench.access" not in html
    assert "Auditor" in html  # the refusal names a role that opens the page


@pytest.mark.parametrize("persona", ["auditor", "admin"])
def test_policy_list_and_source_for_auditors_and_admins(
    request, client_for, oversight: OversightWorld, persona: str
) -> None:
    client = client_for(request.getfixturevalue(persona))
    listing = client.get(reverse("governance:policy_list")).content.decode()
    assert 'data-policy="access.rego"' in listing
    assert 'data-policy="access_test.rego"' in listing
    detail = client.get(reverse("governance:policy_detail", args=[oversight.access.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert '<tr id="L1"><th scope="row" class="wb-line-number">1</th>' in html
    assert "package workbench.access" in html
    assert ('data-action="edit-policy"' in html) is (persona == "admin")


def test_policy_list_query_count_does_not_grow_with_versions(
    client_for, admin: User, oversight: OversightWorld, django_assert_max_num_queries
) -> None:
    for number in range(3):
        version_add(
            "access.rego", current_source(oversight.access) + f"\n# {number}\n", author=admin
        )
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("governance:policy_list"))
    assert response.status_code == 200


def test_unknown_policy_ids_are_404(client_for, admin: User, oversight: OversightWorld) -> None:
    client = client_for(admin)
    missing = Policy.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
    for url_name in ("policy_detail", "policy_diff", "policy_edit"):
        assert client.get(reverse(f"governance:{url_name}", args=[missing])).status_code == 404
    detail = reverse("governance:policy_detail", args=[oversight.access.pk])
    assert client.get(detail + "?version=99").status_code == 404


# --- editing ----------------------------------------------------------------------------------


def test_policy_edit_refuses_everyone_but_admins_and_changes_nothing(
    client_for, analyst: User, auditor: User, steward: User, oversight: OversightWorld
) -> None:
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    before = versions_snapshot()
    anonymous = client_for(None).post(url, {"source": "package x"})
    assert anonymous.status_code == 302
    for user in (analyst, auditor, steward):
        client = client_for(user)
        assert client.get(url).status_code == 403
        response = client.post(url, {"source": edited(oversight.access), "comment": "mine"})
        assert response.status_code == 403
    assert versions_snapshot() == before
    refusals = AuditEvent.objects.filter(action="governance.policy.edit_refused")
    assert refusals.filter(actor_username="auditor").exists()


def test_admin_saves_a_new_version_and_lands_on_its_diff(
    client_for, admin: User, oversight: OversightWorld
) -> None:
    client = client_for(admin)
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    form = client.get(url).content.decode()
    assert 'name="base_version" value="1"' in form
    response = client.post(
        url, {"source": edited(oversight.access), "comment": "Council review", "base_version": 1}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?from=1&to=2")
    version = oversight.access.versions.get(number=2)
    assert (version.author, version.comment, version.loaded_from) == (admin, "Council review", "ui")
    diff = client.get(response["Location"]).content.decode()
    assert "+# Reviewed by the data council." in diff
    assert AuditEvent.objects.filter(action="governance.policy.saved", actor=admin).exists()


def test_unchanged_source_saves_no_version(client_for, admin, oversight: OversightWorld) -> None:
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    response = client_for(admin).post(url, {"source": current_source(oversight.access)})
    assert response.status_code == 302
    assert oversight.access.versions.count() == 1


def test_a_policy_that_does_not_parse_is_refused_with_the_line_and_the_text_kept(
    client_for, admin: User, oversight: OversightWorld
) -> None:
    source = current_source(oversight.access) + BROKEN_TAIL
    broken_line = len(source.splitlines()) - 1  # the unclosed `allow if {`
    before = versions_snapshot()
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    response = client_for(admin).post(url, {"source": source, "comment": "oops", "base_version": 1})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="policy-problems"' in html
    assert f"line {broken_line}, column" in html
    assert "input.x ==" in html  # the typed text is still in the textarea
    assert 'value="oops"' in html
    assert versions_snapshot() == before
    assert AuditEvent.objects.filter(action="governance.policy.refused").exists()


def test_a_policy_that_fails_its_rego_tests_is_refused_naming_the_test(
    client_for, admin: User, oversight: OversightWorld
) -> None:
    # Discovery of confidential data narrowed: the shipped Rego unit tests catch it.
    source = current_source(oversight.access).replace(
        "classification <= 2\n", "classification <= 1\n", 1
    )
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    response = client_for(admin).post(url, {"source": source, "base_version": 1})
    assert response.status_code == 400
    html = response.content.decode()
    assert "access_test.rego" in html
    assert "test_every_catalog_role_discovers_confidential" in html
    assert oversight.access.versions.count() == 1


def test_a_stale_editor_is_told_someone_saved_meanwhile(
    client_for, admin: User, oversight: OversightWorld
) -> None:
    version_add("access.rego", edited(oversight.access), author=admin)
    url = reverse("governance:policy_edit", args=[oversight.access.pk])
    mine = current_source(oversight.access) + "\n# my own note\n"
    response = client_for(admin).post(url, {"source": mine, "base_version": 1})
    assert response.status_code == 409
    html = response.content.decode()
    assert "version 2 was saved by admin" in html
    assert "# my own note" in html
    assert oversight.access.versions.count() == 2


def test_diff_between_any_two_versions(client_for, admin: User, oversight: OversightWorld):
    first = current_source(oversight.access)
    version_add("access.rego", first + "\n# two\n", author=admin)
    version_add("access.rego", first + "\n# two\n# three\n", author=admin)
    url = reverse("governance:policy_diff", args=[oversight.access.pk])
    html = client_for(admin).get(url + "?from=1&to=3").content.decode()
    assert "+# two" in html
    assert "+# three" in html
    backwards = client_for(admin).get(url + "?from=3&to=2").content.decode()
    assert "-# three" in backwards
    same = client_for(admin).get(url + "?from=2&to=2").content.decode()
    assert 'data-testid="diff-empty"' in same
    assert client_for(admin).get(url + "?from=1&to=9").status_code == 404


# --- API --------------------------------------------------------------------------------------


def test_policy_api_four_ways(api_client_for, analyst, auditor, admin, outsider, oversight):
    url = reverse("api-governance-policy-list")
    assert api_client_for(None).get(url).status_code in (401, 403)
    for user in (outsider, analyst):
        response = api_client_for(user).get(url)
        assert response.status_code == 403
        assert "Auditor" in response.json()["error"]["message"]
    for user in (auditor, admin):
        body = api_client_for(user).get(url).json()
        paths = [row["path"] for row in body["results"]]
        assert paths == ["access.rego", "access_test.rego"]
        assert body["results"][0]["current_version"]["number"] == 1


def test_policy_api_detail_versions_and_diff(api_client_for, admin, auditor, oversight):
    version_add("access.rego", edited(oversight.access), author=admin)
    client = api_client_for(auditor)
    pk = oversight.access.pk
    detail = client.get(reverse("api-governance-policy-detail", args=[pk])).json()
    assert detail["versions"] == 2
    assert detail["source"].endswith("# Reviewed by the data council.\n")
    versions = client.get(reverse("api-governance-policy-versions", args=[pk])).json()
    assert [row["number"] for row in versions["results"]] == [2, 1]
    one = client.get(reverse("api-governance-policy-version-detail", args=[pk, 1])).json()
    assert one["source"].startswith("#")
    assert one["number"] == 1
    diff = client.get(reverse("api-governance-policy-diff", args=[pk])).json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert "+# Reviewed by the data council." in diff["diff"]
    bad = client.get(reverse("api-governance-policy-diff", args=[pk]) + "?from=zero")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"from": [bad.json()["error"]["fields"]["from"][0]]}


def test_policy_api_idor_on_policy_and_version_ids(api_client_for, admin, oversight) -> None:
    client = api_client_for(admin)
    missing = Policy.objects.order_by("-pk").first().pk + 50  # type: ignore[union-attr]
    assert client.get(reverse("api-governance-policy-detail", args=[missing])).status_code == 404
    assert client.get(reverse("api-governance-policy-versions", args=[missing])).status_code == 404
    version_url = reverse("api-governance-policy-version-detail", args=[oversight.access.pk, 7])
    assert client.get(version_url).status_code == 404
    post = client.post(
        reverse("api-governance-policy-versions", args=[missing]), {"source": "package x"}
    )
    assert post.status_code == 404
    assert not Policy.objects.filter(pk=missing).exists()


def test_policy_api_post_needs_manage_permission(api_client_for, auditor, analyst, oversight):
    url = reverse("api-governance-policy-versions", args=[oversight.access.pk])
    before = versions_snapshot()
    for user in (auditor, analyst):
        response = api_client_for(user).post(url, {"source": edited(oversight.access)})
        assert response.status_code == 403
        assert "Platform admin" in response.json()["error"]["message"]
    assert api_client_for(None).post(url, {"source": "x"}).status_code in (401, 403)
    assert versions_snapshot() == before


def test_policy_api_post_saves_a_version(api_client_for, admin, oversight) -> None:
    url = reverse("api-governance-policy-versions", args=[oversight.access.pk])
    source = edited(oversight.access)
    response = api_client_for(admin).post(
        url, {"source": source, "comment": "via API", "base_version": 1}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["author"], body["loaded_from"]) == (2, "admin", "api")
    assert "+# Reviewed by the data council." in body["diff"]
    again = api_client_for(admin).post(url, {"source": source})
    assert again.status_code == 200
    assert again.json()["number"] == 2
    stale = api_client_for(admin).post(url, {"source": source + "#", "base_version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


def test_policy_api_refuses_an_invalid_document_with_its_problems(api_client_for, admin, oversight):
    source = current_source(oversight.access) + BROKEN_TAIL
    broken_line = len(source.splitlines()) - 1
    url = reverse("api-governance-policy-versions", args=[oversight.access.pk])
    response = api_client_for(admin).post(url, {"source": source})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "policy_invalid"
    assert f"line {broken_line}" in error["message"]
    first = error["problems"][0]
    assert (first["path"], first["line"]) == ("access.rego", broken_line)
    assert first["column"] >= 1
    assert first["message"]
    assert error["fields"]["source"]
    assert oversight.access.versions.count() == 1
    empty = api_client_for(admin).post(url, {"comment": "no source"})
    assert empty.status_code == 400
    assert "source" in empty.json()["error"]["fields"]
