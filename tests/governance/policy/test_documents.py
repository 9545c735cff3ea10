"""Policy documents: saved as versions with author, time, comment and diff; a document that does
not parse, breaks the decision or fails a Rego test is refused with file, line and reason;
decisions follow the newest version at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import Classification
from tests.governance.policy.helpers import asset_of
from workbench.audit.models import AuditEvent
from workbench.governance.models import Policy, PolicyKind, PolicyVersion
from workbench.governance.policy import (
    PolicyInvalid,
    decide,
    policies_validate,
    policy_cache_clear,
    policy_version_save,
)
from workbench.governance.policy.documents import (
    folder_sources,
    policies_dir,
    policies_load_if_empty,
)

pytestmark = pytest.mark.django_db

SHIPPED = folder_sources()
DENY_FINANCE = """package workbench.access

import rego.v1

# Finance data is discovered only by the finance department.
denies contains {"rule": "finance.deny.discover",
	"reason": "Finance data is for the finance department."} if {
\tinput.resource.domain == "finance"
\tinput.subject.department != "finance"
}
"""


@pytest.fixture(autouse=True)
def shipped_policies() -> None:
    """What the first decision in an empty database does (migrate loads nothing, so that a fresh
    audit trail starts with what people did)."""
    policies_load_if_empty()


def test_the_first_decision_in_an_empty_database_loads_the_shipped_policies(
    analyst: Any,
) -> None:
    PolicyVersion.objects.all().delete()
    Policy.objects.all().delete()
    policy_cache_clear()
    decide(user=analyst, action="discover", asset=asset_of(Classification.INTERNAL))
    event = AuditEvent.objects.filter(action="governance.policy.saved").latest("pk")
    assert event.actor is None
    assert set(Policy.objects.values_list("path", flat=True)) == set(SHIPPED)
    assert Policy.objects.get(path="access_test.rego").kind == PolicyKind.TEST
    access = Policy.objects.get(path="access.rego")
    assert access.package == "workbench.access"
    assert access.versions.get().source == SHIPPED["access.rego"]


def test_a_fresh_database_holds_the_shipped_policies() -> None:
    assert set(Policy.objects.values_list("path", flat=True)) == set(SHIPPED)
    assert Policy.objects.get(path="access_test.rego").kind == PolicyKind.TEST
    access = Policy.objects.get(path="access.rego")
    assert access.package == "workbench.access"
    assert access.versions.get().source == SHIPPED["access.rego"]


def test_saving_keeps_every_version_with_author_comment_and_diff(admin) -> None:
    changed = SHIPPED["access.rego"].replace(
        "# Every rule that allows", "# Reviewed by the AI council.\n# Every rule that allows"
    )
    version = policy_version_save(
        path="access.rego", source=changed, author=admin, comment="Council review"
    )
    assert version.number == 2
    assert (version.author, version.comment, version.loaded_from) == (admin, "Council review", "ui")
    assert version.diff.startswith("--- a/access.rego\n+++ b/access.rego\n")
    assert "+# Reviewed by the AI council.\n" in version.diff
    assert list(version.policy.versions.values_list("number", flat=True)) == [2, 1]
    event = AuditEvent.objects.filter(action="governance.policy.saved").latest("pk")
    assert event.actor == admin


def test_saving_the_same_text_makes_no_new_version(admin) -> None:
    version = policy_version_save(path="access.rego", source=SHIPPED["access.rego"], author=admin)
    assert version.number == 1
    assert PolicyVersion.objects.filter(policy__path="access.rego").count() == 1


def test_a_new_document_joins_the_decision(admin, analyst) -> None:
    from tests.catalog.factories import DomainFactory

    finance = DomainFactory(code="finance", name="Finance")
    asset = asset_of(Classification.INTERNAL, domain=finance)
    before = decide(user=analyst, action="discover", asset=asset)
    assert before.allowed
    policy_version_save(path="finance.rego", source=DENY_FINANCE, author=admin, comment="Finance")
    after = decide(user=analyst, action="discover", asset=asset)
    assert not after.allowed
    assert after.rules == ("finance.deny.discover",)
    assert after.reasons == ("Finance data is for the finance department.",)
    assert after.policy_version != before.policy_version
    assert asset not in type(asset).objects.visible_to(analyst)  # lists follow at once


def test_a_parse_error_is_refused_with_line_and_column(admin) -> None:
    broken = DENY_FINANCE.replace('\tinput.subject.department != "finance"', "\tinput.subject ==")
    with pytest.raises(PolicyInvalid) as refused:
        policy_version_save(path="finance.rego", source=broken, author=admin)
    problem = refused.value.problems[0]
    assert (problem.path, problem.line) == ("finance.rego", 9)
    assert problem.column > 1
    assert str(problem).startswith("finance.rego:9:")
    assert not Policy.objects.filter(path="finance.rego").exists()
    event = AuditEvent.objects.filter(action="governance.policy.refused").latest("pk")
    assert "finance.rego:9" in event.reason


def test_a_change_that_fails_a_rego_test_is_refused(admin) -> None:
    weaker = SHIPPED["access.rego"].replace("\tclassification <= 2\n", "\tclassification <= 1\n", 1)
    with pytest.raises(PolicyInvalid) as refused:
        policy_version_save(path="access.rego", source=weaker, author=admin)
    messages = [str(problem) for problem in refused.value.problems]
    assert any(
        "access_test.rego" in m and "test_every_catalog_role_discovers_confidential failed" in m
        for m in messages
    )
    assert PolicyVersion.objects.filter(policy__path="access.rego").count() == 1


def test_a_failing_test_document_is_refused_at_its_line(admin) -> None:
    tests = SHIPPED["access_test.rego"] + "\ntest_impossible if {\n\tfalse\n}\n"
    with pytest.raises(PolicyInvalid) as refused:
        policy_version_save(path="access_test.rego", source=tests, author=admin)
    problem = refused.value.problems[0]
    assert problem.path == "access_test.rego"
    assert problem.line == tests.splitlines().index("test_impossible if {") + 1
    assert "test_impossible failed: test_impossible is undefined, not true" in problem.message


def test_a_document_that_breaks_the_decision_is_refused(admin) -> None:
    clash = "package workbench.access\n\nimport rego.v1\n\nallow := true\n"
    with pytest.raises(PolicyInvalid) as refused:
        policy_version_save(path="clash.rego", source=clash, author=admin)
    assert refused.value.problems


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("../escape.rego", DENY_FINANCE, "File names are"),
        ("Finance.rego", DENY_FINANCE, "File names are"),
        ("finance.txt", DENY_FINANCE, "File names are"),
        ("nopackage.rego", "import rego.v1\n", "declares no package"),
    ],
    ids=["traversal", "capitals", "extension", "no-package"],
)
def test_bad_names_and_documents_are_refused(admin, path: str, source: str, expected: str) -> None:
    problems = policies_validate({**SHIPPED, path: source})
    assert any(expected in problem.message for problem in problems)


def test_only_policy_managers_may_save(analyst) -> None:
    with pytest.raises(PermissionDenied):
        policy_version_save(path="finance.rego", source=DENY_FINANCE, author=analyst)
    assert not Policy.objects.filter(path="finance.rego").exists()
    event = AuditEvent.objects.filter(action="governance.policy.refused").latest("pk")
    assert event.outcome == "denied"


# --- policies_load ------------------------------------------------------------------------------


def _folder(tmp_path: Path, extra: dict[str, str]) -> Path:
    for name, text in {**SHIPPED, **extra}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_policies_load_is_idempotent(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, {"finance.rego": DENY_FINANCE})
    call_command("policies_load", dir=str(folder))
    assert "loaded    finance.rego" in capsys.readouterr().out
    call_command("policies_load", dir=str(folder))
    out = capsys.readouterr().out
    assert "0 new version(s), 3 unchanged." in out
    version = PolicyVersion.objects.get(policy__path="finance.rego")
    assert (version.number, version.loaded_from, version.author) == (1, "command", None)


def test_policies_load_refuses_a_bad_folder_and_saves_nothing(tmp_path: Path, capsys) -> None:
    broken = DENY_FINANCE.replace("if {", "if {{", 1)
    folder = _folder(
        tmp_path, {"finance.rego": broken, "ok.rego": DENY_FINANCE.replace("finance", "hr")}
    )
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("policies_load", dir=str(folder))
    assert "refused  finance.rego:" in capsys.readouterr().err
    assert not Policy.objects.filter(path__in=["finance.rego", "ok.rego"]).exists()


def test_policies_load_of_the_shipped_folder_changes_nothing(capsys) -> None:
    call_command("policies_load")
    assert "0 new version(s)" in capsys.readouterr().out
    assert policies_dir().is_dir()


def test_policies_test_command_reports_each_test(capsys) -> None:
    call_command("policies_test", list_all=True)
    out = capsys.readouterr().out
    assert "PASS access_test.rego: test_confidential_preview_needs_request" in out
    assert " 0 failed." in out


def test_whole_input_with_is_refused_before_it_reaches_the_interpreter(admin) -> None:
    tests = SHIPPED["access_test.rego"] + (
        '\ntest_whole_input if {\n\taccess.allow with input as {"action": "discover"}\n}\n'
    )
    with pytest.raises(PolicyInvalid) as refused:
        policy_version_save(path="access_test.rego", source=tests, author=admin)
    problem = refused.value.problems[0]
    assert problem.line == tests.splitlines().index("test_whole_input if {") + 2
    assert problem.column == 15
    assert "not supported" in problem.message
