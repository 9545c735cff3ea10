"""The fixed set of roles. A role is a Django group; this module says what each one may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    BUSINESS_USER = "Business user"
    DATA_STEWARD = "Data steward"
    DATA_OWNER = "Data owner"
    AI_REVIEWER = "AI council reviewer"
    HR = "HR"
    PLATFORM_ADMIN = "Platform admin"
    AUDITOR = "Auditor"


@dataclass(frozen=True)
class RoleSpec:
    role: Role
    # What the role does here, addressed to its holder: the one description of the role, shown
    # on the home page and the profile (anything else describing a role should show this too).
    summary: str
    permissions: frozenset[str]
    is_staff: bool = False


# Every permission in the system except these goes to platform admins: nobody edits the trail.
ADMIN_EXCLUDED_PERMISSIONS = frozenset(
    {"audit.add_auditevent", "audit.change_auditevent", "audit.delete_auditevent"}
)
ALL_PERMISSIONS = frozenset({"*"})
# Seeing the catalog's metadata (what each asset shows is still filtered by Asset.visible_to).
CATALOG_DISCOVER = frozenset({"catalog.view_asset"})
# Curating assets of one's own domains: descriptions, tags, terms, certification, PII, checks.
CATALOG_STEWARDSHIP = CATALOG_DISCOVER | frozenset(
    {
        "catalog.curate_asset",
        "catalog.certify_asset",
        "catalog.review_pii",
        "catalog.add_qualitycheck",
        "catalog.change_qualitycheck",
        "catalog.delete_qualitycheck",
        "catalog.add_glossaryterm",
        "catalog.change_glossaryterm",
        "catalog.delete_glossaryterm",
        # Deciding who may use the domain's data (scoped to their domains by the services).
        "governance.decide_accessrequest",
        "governance.revoke_grant",
        "governance.view_accessrequest",
        "governance.view_grant",
        # How their data is masked and filtered (the masking page).
        "governance.view_maskingrule",
        "governance.view_rowfilter",
    }
)
# Reading the governance record: policies, requests, grants (auditors and stewards).
GOVERNANCE_READ = frozenset(
    {
        "governance.view_policy",
        "governance.view_policyversion",
        "governance.view_accessrequest",
        "governance.view_grant",
        "governance.view_maskingrule",
        "governance.view_rowfilter",
    }
)

# Taking literacy courses and quizzes, earning badges, following one's team OKRs (and the
# company's): everyone with a role.
LITERACY_LEARNER = frozenset({"literacy.take_course", "literacy.view_okrs"})
# HR / L&D: author courses, award badges, pair data buddies, see everyone's literacy progress.
LITERACY_HR = LITERACY_LEARNER | frozenset(
    {
        "literacy.author_course",
        "literacy.award_badge",
        "literacy.assign_buddy",
        "literacy.view_literacy_dashboard",
        # Every team's OKRs and the data/AI key-result check.
        "literacy.view_all_okrs",
    }
)

ROLE_SPECS: dict[Role, RoleSpec] = {
    spec.role: spec
    for spec in (
        RoleSpec(
            Role.BUSINESS_USER,
            "Find trusted data, preview it masked, request access and try AI on it.",
            CATALOG_DISCOVER | LITERACY_LEARNER,
        ),
        RoleSpec(
            Role.DATA_STEWARD,
            "Curate your domain's assets and decide who may use them.",
            CATALOG_STEWARDSHIP | LITERACY_LEARNER,
        ),
        RoleSpec(
            Role.DATA_OWNER,
            "Stay accountable for your domain's data and its access decisions.",
            CATALOG_STEWARDSHIP | LITERACY_LEARNER,
        ),
        RoleSpec(
            Role.AI_REVIEWER,
            "Review citizen models and decide what goes live.",
            CATALOG_DISCOVER | LITERACY_LEARNER,
        ),
        RoleSpec(
            Role.HR,
            "Follow literacy progress across departments and award badges.",
            LITERACY_HR,
        ),
        RoleSpec(
            Role.PLATFORM_ADMIN,
            "Connect data sources and manage users, policies, providers and schedules.",
            ALL_PERMISSIONS,
            is_staff=True,
        ),
        RoleSpec(
            Role.AUDITOR,
            "Read and export the audit trail and check that nobody has tampered with it.",
            frozenset({"audit.view_audit_trail", "audit.view_auditevent"})
            | GOVERNANCE_READ
            | LITERACY_LEARNER,
        ),
    )
}


def roles_granting(permission: str) -> list[Role]:
    """The roles that include `permission`; platform admins hold every permission anyway."""
    named = [spec.role for spec in ROLE_SPECS.values() if permission in spec.permissions]
    return named or [Role.PLATFORM_ADMIN]


def access_hint(*, page: str, roles: list[Role]) -> str:
    """Tells someone refused a page which role opens it and who can give them that role."""
    names = " or ".join(role.value for role in roles)
    return (
        f"{page} is for people with the {names} role. If you need it for your work, ask a "
        "platform admin to give you that role."
    )
