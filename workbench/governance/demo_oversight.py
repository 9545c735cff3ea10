"""The oversight pages in the demo: a policy history with a reviewed second version (so the diff
page has something to show), and a few governed previews by the personas, allowed and denied,
so the decisions page, the heat-map and the violation-rate metric show governance at work.

Idempotent: the second version is saved once (found by its comment), the previews run once
(found by their declared purpose).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.demo import DEMO_SOURCE_NAME
from catalog.models import Asset, AssetStatus
from workbench.accounts.models import User
from workbench.audit.models import AuditEvent
from workbench.governance.models import PolicyVersion

DEMO_POLICY_PATH = "access.rego"
DEMO_POLICY_COMMENT = "Data council review: document who answers for each rule"
DEMO_POLICY_NOTE = (
    "\n# Reviewed by the data council. Owners of the rules above: discovery and open content, "
    "the\n# platform team; stewardship and grants, the data stewards of each domain; the "
    "sandbox and\n# training denies, the AI council. Change them here, with a comment, so the "
    "history says why.\n"
)
DEMO_PURPOSE = "Demo: first look at the data"
# (persona, table) pairs previewed once: a mix the policies allow (masked) and refuse.
DEMO_PREVIEWS: tuple[tuple[str, str], ...] = (
    ("analyst", "orders"),
    ("analyst", "customers"),
    ("steward", "customers"),
    ("reviewer", "customers"),
    ("hr", "employees"),
    ("contractor", "orders"),
)


@dataclass(frozen=True)
class OversightDemo:
    policy_version: PolicyVersion | None
    previews_run: int


def governance_oversight_demo_load() -> OversightDemo:
    return OversightDemo(policy_version=_policy_history(), previews_run=_previews())


def _policy_history() -> PolicyVersion | None:
    """Version 2 of access.rego, saved by the demo admin through the same validation as the UI."""
    from workbench.governance.policy import policy_version_save
    from workbench.governance.policy.documents import policies_load_if_empty

    policies_load_if_empty()
    versions = PolicyVersion.objects.filter(policy__path=DEMO_POLICY_PATH)
    done = versions.filter(comment=DEMO_POLICY_COMMENT).first()
    current = versions.order_by("-number").first()
    admin = User.objects.filter(username="admin", is_active=True).first()
    if done is not None or current is None or admin is None:
        return done
    return policy_version_save(
        path=DEMO_POLICY_PATH,
        source=current.source.rstrip("\n") + "\n" + DEMO_POLICY_NOTE,
        author=admin,
        comment=DEMO_POLICY_COMMENT,
        loaded_from="ui",
    )


def _previews() -> int:
    """Governed previews by the personas (each decision lands in the audit trail)."""
    from workbench.governance.services import data_preview

    if AuditEvent.objects.filter(action="governance.preview", purpose=DEMO_PURPOSE).exists():
        return 0
    assets = {
        asset.name: asset
        for asset in Asset.objects.filter(
            source__name=DEMO_SOURCE_NAME, status=AssetStatus.ACTIVE
        ).select_related("source")
    }
    people = {user.username: user for user in User.objects.filter(is_active=True)}
    run = 0
    for username, table in DEMO_PREVIEWS:
        if username in people and table in assets:
            data_preview(user=people[username], asset=assets[table], purpose=DEMO_PURPOSE, limit=5)
            run += 1
    return run
