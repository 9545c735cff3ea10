"""Policy documents in the database: validate, save a version (with its diff), load policies/.

A document is saved only when every document still parses, the decision compiles and evaluates,
and every Rego unit test passes with the new text in place. Every version is kept.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max

from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.governance.models import Policy, PolicyKind, PolicyVersion
from workbench.governance.policy import rego
from workbench.governance.policy.rego import PolicyCompileError, PolicyProblem, PolicyRuntimeError

logger = logging.getLogger(__name__)

MANAGE_PERMISSION = "governance.manage_policies"
MAX_SOURCE_CHARS = 200_000
_PATH_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,150}\.rego$")

# A request every policy set must answer without error (shape check of `decision`).
_PROBE_INPUT: dict[str, Any] = {
    "subject": {
        "id": 0,
        "authenticated": True,
        "roles": ["Business user"],
        "department": "",
        "region": "EU",
        "clearance": 1,
        "job_title": "",
        "literacy_tier": "none",
        "is_platform_admin": False,
    },
    "action": "preview",
    "resource": {
        "id": 0,
        "classification": 1,
        "domain": "",
        "residency": "EU",
        "is_certified": False,
        "pii_kinds": ["email"],
        "status": "active",
    },
    "relation": {"steward": False},
    "grants": [],
    "context": {"purpose": "", "purpose_category": "", "time": "2026-01-01T00:00:00+00:00"},
}
_DECISION_KEYS = {"allow", "deny", "reasons", "rules", "masked", "needs_request"}


class PolicyInvalid(Exception):
    """A policy document was refused; `problems` say where and why."""

    def __init__(self, problems: list[PolicyProblem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def policies_dir() -> Path:
    return Path(getattr(settings, "WORKBENCH_POLICIES_DIR", settings.BASE_DIR / "policies"))


def kind_of(path: str) -> str:
    return PolicyKind.TEST if path.endswith("_test.rego") else PolicyKind.POLICY


def current_sources(*, active_only: bool = True) -> dict[str, str]:
    """`{path: source}` of the newest version of every (active) document."""
    latest = PolicyVersion.objects.filter(policy__is_active=True) if active_only else None
    versions = latest if latest is not None else PolicyVersion.objects.all()
    newest_ids = versions.values("policy_id").annotate(newest=Max("id")).values("newest")
    rows = PolicyVersion.objects.filter(id__in=newest_ids).values_list("policy__path", "source")
    return dict(sorted(rows))


def policies_validate(sources: dict[str, str]) -> list[PolicyProblem]:
    """Everything wrong with this set of documents: names, parse errors (with line and column),
    a decision that does not compile or evaluate, and failing Rego unit tests."""
    problems = _name_problems(sources)
    if problems:
        return problems
    try:
        decision_sources = {p: t for p, t in sources.items() if kind_of(p) == PolicyKind.POLICY}
        compiled = rego.compile_decision(decision_sources)
        problems.extend(_probe_problems(compiled))
        results = rego.run_tests(sources)
    except PolicyCompileError as error:
        return error.problems
    for result in results:
        if not result.passed:
            line = rego.rego_test_line(sources[result.path], result.name)
            problems.append(
                PolicyProblem(
                    result.path, line, 1, f"Rego test {result.name} failed: {result.message}"
                )
            )
    return problems


def _name_problems(sources: dict[str, str]) -> list[PolicyProblem]:
    problems = []
    for path, source in sources.items():
        if not _PATH_RE.match(path):
            message = "File names are lower-case letters, digits, - and _, ending in .rego."
            problems.append(PolicyProblem(path, 0, 0, message))
        elif len(source) > MAX_SOURCE_CHARS:
            problems.append(
                PolicyProblem(path, 0, 0, f"Longer than {MAX_SOURCE_CHARS} characters.")
            )
        elif not rego.package_of(source):
            problems.append(PolicyProblem(path, 1, 1, "The document declares no package."))
        else:
            problems.extend(_unsupported_constructs(path, source))
    return problems


# rego-cpp (inside regopy 1.5) aborts the whole process when `with input as` replaces the entire
# input of a rule that calls a built-in; replacing input key by key works. Refuse it up front.
_WHOLE_INPUT_WITH = re.compile(r"\bwith\s+input\s+as\b")


def _unsupported_constructs(path: str, source: str) -> list[PolicyProblem]:
    problems = []
    for match in _WHOLE_INPUT_WITH.finditer(source):
        line, column = rego.line_column(source, len(source[: match.start()].encode("utf-8")))
        message = (
            "`with input as` (the whole input) is not supported by the embedded interpreter; "
            "replace each part: `with input.subject as ... with input.action as ...`."
        )
        problems.append(PolicyProblem(path, line, column, message))
    return problems


def _probe_problems(compiled: rego.CompiledPolicies) -> list[PolicyProblem]:
    try:
        decision = compiled.evaluate(_PROBE_INPUT)
    except PolicyRuntimeError as error:
        return [PolicyProblem("", 0, 0, f"The decision cannot be evaluated: {error}")]
    if not isinstance(decision, dict) or not _DECISION_KEYS <= decision.keys():
        message = f"data.{rego.DECISION_PACKAGE}.decision must be an object with " + ", ".join(
            sorted(_DECISION_KEYS)
        )
        return [PolicyProblem("", 0, 0, message)]
    return []


def _checksum(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def version_diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    return "".join(lines)


@dataclass(frozen=True)
class SaveResult:
    version: PolicyVersion
    created: bool


def policy_version_save(
    *, path: str, source: str, author: Any, comment: str = "", loaded_from: str = "ui"
) -> PolicyVersion:
    """Save `source` as the newest version of `policies/<path>` (unchanged text: the current
    version, nothing new). Refused (PolicyInvalid, audited) when any document then fails."""
    return policy_version_save_if_changed(
        path=path, source=source, author=author, comment=comment, loaded_from=loaded_from
    ).version


def policy_version_save_if_changed(
    *, path: str, source: str, author: Any, comment: str = "", loaded_from: str = "ui"
) -> SaveResult:
    _check_may_manage(author, path)
    source = source.replace("\r\n", "\n")
    current = current_sources()
    if current.get(path) == source and _latest(path) is not None:
        return SaveResult(_latest(path), False)  # type: ignore[arg-type]
    problems = policies_validate({**current, path: source})
    if problems:
        _audit_refused(author, path, problems, loaded_from)
        raise PolicyInvalid(problems)
    with transaction.atomic():
        version = _version_create(path, source, author, comment, loaded_from)
        transaction.on_commit(_forget_compiled)
    _forget_compiled()
    return SaveResult(version, True)


def _check_may_manage(author: Any, path: str) -> None:
    if author is None:  # the policies_load command and the first load of a fresh database
        return
    if author.is_authenticated and author.is_active and author.has_perm(MANAGE_PERMISSION):
        return
    audit_record(
        actor=author if author.is_authenticated else None,
        action="governance.policy.refused",
        outcome=AuditOutcome.DENIED,
        target_type="governance.policy",
        target_label=path[:200],
        reason="Only platform admins may change access policies.",
    )
    raise PermissionDenied("Only platform admins may change access policies.")


def _latest(path: str) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(policy__path=path).order_by("-number").first()


def _version_create(
    path: str, source: str, author: Any, comment: str, loaded_from: str
) -> PolicyVersion:
    package = rego.package_of(source)
    policy, _ = Policy.objects.get_or_create(
        path=path, defaults={"package": package, "kind": kind_of(path)}
    )
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.package != package:
        policy.package = package
        policy.save(update_fields=["package"])
    previous = policy.versions.order_by("-number").first()
    version = PolicyVersion.objects.create(
        policy=policy,
        number=(previous.number + 1) if previous else 1,
        source=source,
        checksum=_checksum(source),
        diff=version_diff(path, previous.source if previous else "", source),
        comment=comment[:300],
        author=author,
        loaded_from=loaded_from[:16],
    )
    if loaded_from == INSTALL:
        # The shipped defaults installed by `migrate` into an empty database: the version row
        # (loaded_from "install", its time) is the record; the audit trail starts with people.
        return version
    audit_record(
        actor=author,
        action="governance.policy.saved",
        outcome=AuditOutcome.DONE,
        target=version,
        target_label=str(version),
        reason=comment[:200],
        detail={
            "path": path,
            "number": version.number,
            "checksum": version.checksum[:12],
            "loaded_from": loaded_from,
        },
    )
    return version


def _audit_refused(author: Any, path: str, problems: list[PolicyProblem], origin: str) -> None:
    audit_record(
        actor=author,
        action="governance.policy.refused",
        outcome=AuditOutcome.FAILED,
        target_type="governance.policy",
        target_label=path[:200],
        reason=str(problems[0])[:200],
        detail={"problems": [str(problem) for problem in problems[:20]], "loaded_from": origin},
    )


def _forget_compiled() -> None:
    from workbench.governance.policy.engine import policy_cache_clear

    policy_cache_clear()


def folder_sources(directory: Path | None = None) -> dict[str, str]:
    directory = directory or policies_dir()
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(directory.glob("*.rego"))
        if path.is_file()
    }


@dataclass(frozen=True)
class LoadReport:
    created: list[str]
    unchanged: list[str]
    problems: list[PolicyProblem]


def policies_load(
    *,
    directory: Path | None = None,
    author: Any = None,
    loaded_from: str = "command",
    missing_only: bool = False,
) -> LoadReport:
    """Load every document of the folder together: all are checked as one set (documents of a
    package depend on each other), then each changed one gets a new version (`missing_only`:
    only documents the database does not hold yet, so edits made in the UI stay). Nothing is
    saved when any problem is found."""
    sources = folder_sources(directory)
    if not sources:
        where = directory or policies_dir()
        return LoadReport([], [], [PolicyProblem(str(where), 0, 0, "No .rego documents here.")])
    current = current_sources()
    changed = {path: text for path, text in sources.items() if current.get(path) != text}
    if missing_only:
        changed = {path: text for path, text in changed.items() if path not in current}
    problems = policies_validate({**current, **changed}) if changed else []
    if problems:
        for path in sorted({p.path for p in problems if p.path in changed} or changed):
            _audit_refused(
                author, path, [p for p in problems if p.path in (path, "")] or problems, loaded_from
            )
        return LoadReport([], sorted(set(sources) - set(changed)), problems)
    with transaction.atomic():
        for path, text in changed.items():
            comment = f"Loaded from policies/{path}"
            _version_create(path, text, author, comment, loaded_from)
        transaction.on_commit(_forget_compiled)
    _forget_compiled()
    return LoadReport(sorted(changed), sorted(set(sources) - set(changed)), [])


INSTALL = "install"


def policies_load_if_empty(*, loaded_from: str = "auto") -> bool:
    """A fresh database gets the shipped policies/ folder; True when it loaded them."""
    if PolicyVersion.objects.exists():
        return False
    try:
        report = policies_load(loaded_from=loaded_from)
    except IntegrityError:  # another process loaded them at the same moment
        return False
    if report.problems:
        logger.error(
            "The shipped policies were refused: %s", "; ".join(map(str, report.problems[:5]))
        )
        return False
    return True


def policies_after_migrate(*, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: a fresh database (or a test flush) starts with the shipped policies."""
    from django.db import connections

    if "governance_policyversion" not in connections[using].introspection.table_names():
        return
    policies_load_if_empty(loaded_from=INSTALL)
