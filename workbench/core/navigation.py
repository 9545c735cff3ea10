"""What the navigation and the home page offer a user: only pages that exist and they may use.

Later features add their entries here; a user sees an entry only when its check passes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from workbench.accounts.models import User
from workbench.accounts.roles import Role


@dataclass(frozen=True)
class Destination:
    key: str
    title: str
    description: str
    url_name: str
    permission: str = ""
    staff_only: bool = False
    in_navbar: bool = True

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
    ),
    Destination(
        "profile",
        "Your profile",
        "Your roles, the attributes policies read about you, and your API token.",
        "accounts:profile",
        in_navbar=False,
    ),
)

# What each role will do here, in its own words; shown on the home page beside what exists today.
ROLE_PURPOSE: dict[Role, str] = {
    Role.BUSINESS_USER: "Find trusted data, preview it masked, request access and try AI on it.",
    Role.DATA_STEWARD: "Curate your domain's assets and decide who may use them.",
    Role.DATA_OWNER: "Stay accountable for your domain's data and its access decisions.",
    Role.AI_REVIEWER: "Review citizen models and decide what goes live.",
    Role.HR: "Follow literacy progress across departments.",
    Role.PLATFORM_ADMIN: "Connect sources and manage users, policies and schedules.",
    Role.AUDITOR: "Read and export the audit trail and check that it is intact.",
}


def destinations_for(user: User) -> list[Destination]:
    return [destination for destination in DESTINATIONS if destination.is_open_to(user)]
