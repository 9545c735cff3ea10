"""The policies in the demo: the documents of the shipped policies/ folder the database lacks
(edits made in the UI are kept), and every catalog asset in its policy attribute class, so lists
are filtered by the policies from the first page. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import Asset
from workbench.governance.models import Policy
from workbench.governance.policy.documents import policies_load
from workbench.governance.policy.filters import assets_access_refresh, registry_forget


@dataclass(frozen=True)
class PolicyDemo:
    documents: int
    loaded: list[str]
    assets_reclassed: int


def policy_demo_load() -> PolicyDemo:
    report = policies_load(loaded_from="command", missing_only=True)
    if report.problems:  # the shipped folder is tested; say what is wrong rather than half-load
        raise RuntimeError("; ".join(str(problem) for problem in report.problems[:3]))
    changed = assets_access_refresh(Asset.objects.all())
    registry_forget()
    return PolicyDemo(Policy.objects.count(), report.created, changed)
