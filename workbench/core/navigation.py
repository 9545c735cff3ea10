"""What the navigation and the home page offer a user: only pages that exist and they may use.

Later features add their entries here; a user sees an entry only when its check passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from workbench.accounts.models import User


@dataclass(frozen=True)
class Destination:
    key: str
    title: str
    description: str
    url_name: str
    permission: str = ""
    staff_only: bool = False
    in_navbar: bool = True
    # Offered only to people holding at least one role (a page open to all with nothing in it
    # for someone who has no role yet).
    needs_role: bool = False

    def is_open_to(self, user: User) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if self.staff_only and not user.is_staff:
            return False
        return not self.permission or user.has_perm(self.permission)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


DESTINATIONS: tuple[Destination, ...] = (
    Destination("home", "Home", "What you can do here.", "core:home", in_navbar=True),
    Destination(
        "catalog",
        "Catalog",
        "Search trusted tables and views by name, column, tag or glossary term; preview them "
        "masked; stewards curate, certify and review personal data.",
        "catalog:search",
        permission="catalog.view_asset",
    ),
    Destination(
        "governance",
        "Governance",
        "Ask the what-if simulator what you (or, for stewards, anyone) may do with an asset and "
        "why; policies as code, the access heat-map, decisions and metrics for overseers.",
        "governance:overview",
        needs_role=True,
    ),
    Destination(
        "access",
        "Access",
        "Request access to data you cannot use yet, follow your requests and their decisions.",
        "governance:request_list",
        permission="catalog.view_asset",
    ),
    Destination(
        "approvals",
        "Approval queue",
        "Approve or deny access requests on the data you steward, within the SLA.",
        "governance:request_queue",
        permission="governance.decide_accessrequest",
        in_navbar=False,
    ),
    Destination(
        "grants",
        "Access grants",
        "Who holds time-bound access to the data you oversee, until when; revoke what is no "
        "longer needed.",
        "governance:grant_list",
        permission="governance.view_grant",
        in_navbar=False,
    ),
    Destination(
        "audit",
        "Audit trail",
        "Search every login, decision and change; export it as CSV or JSON and check that "
        "nobody has tampered with it.",
        "audit:event_list",
        permission="audit.view_audit_trail",
    ),
    Destination(
        "sources",
        "Data sources",
        "Connect databases and folders of files, test them, schedule scans and follow their runs.",
        "catalog:source_list",
        permission="catalog.view_datasource",
    ),
    Destination(
        "learning",
        "Learning",
        "Courses and quizzes on data and AI, badges you can share as verifiable credentials, "
        "the leaderboard and your data buddy.",
        "literacy:home",
        permission="literacy.take_course",
    ),
    Destination(
        "literacy_dashboard",
        "Literacy dashboard",
        "Literacy by department and tier against the 70/25/5 targets, the trend, individuals "
        "and a CSV export.",
        "literacy:dashboard",
        permission="literacy.view_literacy_dashboard",
    ),
    Destination(
        "okrs",
        "OKRs",
        "Your team's objectives and key results for the quarter: progress with traffic lights, "
        "check-ins, key results that update themselves from platform metrics.",
        "literacy:okr_teams",
        permission="literacy.view_okrs",
    ),
    Destination(
        "admin",
        "Administration",
        "Manage users, departments, roles, API tokens and background schedules.",
        "admin:index",
        staff_only=True,
    ),
    Destination(
        "api",
        "API",
        "Every page's action is in the REST API, with interactive documentation.",
        "api-docs",
        needs_role=True,
    ),
    Destination(
        "notifications",
        "Notifications",
        "Requests waiting for you, decisions, expiring grants, reviews and failures; choose "
        "which also reach you by email or chat.",
        "notifications:list",
        in_navbar=False,
        needs_role=True,
    ),
    Destination(
        "chat_webhooks",
        "Chat webhooks",
        "Webhooks that keep failing, and the organisation's chat channels.",
        "notifications:failing_webhooks",
        permission="notifications.manage_organisation_webhooks",
        in_navbar=False,
    ),
    Destination(
        "profile",
        "Your profile",
        "Your roles, the attributes policies read about you, and your API token.",
        "accounts:profile",
        in_navbar=False,
    ),
)


def destinations_for(user: User) -> list[Destination]:
    """What the user may open; someone with no role yet is offered only their profile."""
    open_to_user = [destination for destination in DESTINATIONS if destination.is_open_to(user)]
    if any(d.needs_role for d in open_to_user) and not _has_role(user, open_to_user):
        return [destination for destination in open_to_user if not destination.needs_role]
    return open_to_user


def _has_role(user: User, open_to_user: list[Destination]) -> bool:
    # A permission-guarded page already open means a role; only role-less users cost a query.
    if user.is_staff or any(d.permission for d in open_to_user):
        return True
    cached: bool | None = getattr(user, "_workbench_has_role", None)
    if cached is None:
        cached = user.groups.exists()
        user._workbench_has_role = cached  # type: ignore[attr-defined]
    return cached
