"""The claim mapping a fresh install starts with: standard OIDC claim names, one group per role."""

from __future__ import annotations

from workbench.accounts.roles import Role

# (attribute, claim, is_required)
DEFAULT_CLAIMS: tuple[tuple[str, str, bool], ...] = (
    ("username", "preferred_username", True),
    ("email", "email", True),
    ("first_name", "given_name", False),
    ("last_name", "family_name", False),
    ("department", "department", True),
    ("job_title", "job_title", False),
    ("manager", "manager", False),
    ("region", "region", True),
    ("clearance", "clearance", True),
    ("groups", "groups", False),
)

DEFAULT_GROUP_ROLES: tuple[tuple[str, str], ...] = (
    ("workbench-business-users", Role.BUSINESS_USER.value),
    ("workbench-data-stewards", Role.DATA_STEWARD.value),
    ("workbench-data-owners", Role.DATA_OWNER.value),
    ("workbench-ai-reviewers", Role.AI_REVIEWER.value),
    ("workbench-hr", Role.HR.value),
    ("workbench-platform-admins", Role.PLATFORM_ADMIN.value),
    ("workbench-auditors", Role.AUDITOR.value),
)
