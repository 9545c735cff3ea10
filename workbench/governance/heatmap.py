"""The access heat-map: people (or departments) × datasets, each cell the effective access.

Computed with the policy engine's database filters, never one Rego call per cell: for each person
on the page, `assets_permitted` for discover and for preview over the page's assets (two SQL
queries; the engine evaluates the policy once per attribute class and caches it), plus one query
for the unmasked grants of everyone on the page. Rows and columns are paginated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from catalog.models import Asset
from workbench.accounts.models import Department, User
from workbench.governance.actions import Action
from workbench.governance.models import Grant
from workbench.governance.selectors import GovernanceScope

ROWS_PER_PAGE = 25
ASSETS_PER_PAGE = 30
# A department row evaluates each active member; past this many on one page the page shrinks.
MEMBERS_PER_PAGE = 400
UNMASKED_ACTIONS = (Action.PREVIEW.value, Action.QUERY.value)


class AccessLevel(IntEnum):
    """Effective access, ordered: each level includes the ones below."""

    NONE = 0
    DISCOVER = 1
    MASKED = 2
    FULL = 3

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def letter(self) -> str:
        return "NDMF"[self.value]

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]

    @property
    def description(self) -> str:
        return LEVEL_DESCRIPTIONS[self]


LEVEL_LABELS = {
    AccessLevel.NONE: "None",
    AccessLevel.DISCOVER: "Discover",
    AccessLevel.MASKED: "Masked",
    AccessLevel.FULL: "Full",
}
LEVEL_DESCRIPTIONS = {
    AccessLevel.NONE: "Cannot even find it in the catalog.",
    AccessLevel.DISCOVER: "Sees its metadata, cannot read its rows.",
    AccessLevel.MASKED: "Reads rows with personal and classified values masked.",
    AccessLevel.FULL: "Reads rows unmasked, under a grant with a declared purpose.",
}


def access_level(*, discover: bool, preview: bool, masked: bool) -> AccessLevel:
    """The level from the decisions for discover and preview (masked: the preview's flag)."""
    if preview:
        return AccessLevel.MASKED if masked else AccessLevel.FULL
    return AccessLevel.DISCOVER if discover else AccessLevel.NONE


@dataclass(frozen=True)
class HeatmapFilters:
    mode: str = "users"  # "users" or "departments"
    domain: str = ""  # domain code
    classification: int | None = None
    text: str = ""  # people: username or name contains; departments: name contains
    page: int = 1
    assets_page: int = 1


@dataclass(frozen=True)
class HeatmapCell:
    """One person's level, or a department's highest level with how many members hold each."""

    level: AccessLevel
    spread: tuple[int, ...] = ()  # members per level (NONE..FULL); one person: a single 1

    @classmethod
    def of_person(cls, level: AccessLevel) -> HeatmapCell:
        return cls(level, tuple(int(level == each) for each in AccessLevel))

    @property
    def count(self) -> int:
        """How many hold the cell's level (1 for a person)."""
        return self.spread[self.level] if self.spread else 0

    @property
    def members(self) -> int:
        return sum(self.spread)


@dataclass(frozen=True)
class HeatmapRow:
    id: int
    label: str
    detail: str
    cells: list[HeatmapCell]


@dataclass
class Heatmap:
    mode: str
    columns: list[Asset]
    rows: list[HeatmapRow]
    rows_total: int
    assets_total: int
    page: int
    pages: int
    assets_page: int
    assets_pages: int
    column_counts: list[dict[AccessLevel, int]] = field(default_factory=list)

    @property
    def levels(self) -> list[AccessLevel]:
        return list(AccessLevel)


def heatmap_build(*, scope: GovernanceScope, filters: HeatmapFilters) -> Heatmap:
    """The page of the heat-map the filters ask for (pages past the end give the last page)."""
    assets = _assets(scope, filters)
    assets_total = assets.count()
    assets_pages = max(1, math.ceil(assets_total / ASSETS_PER_PAGE))
    assets_page = min(max(filters.assets_page, 1), assets_pages)
    start = (assets_page - 1) * ASSETS_PER_PAGE
    columns = list(assets[start : start + ASSETS_PER_PAGE])
    if filters.mode == "departments":
        rows, total, pages, page = _department_rows(filters, columns)
    else:
        rows, total, pages, page = _user_rows(filters, columns)
    return Heatmap(
        mode=filters.mode,
        columns=columns,
        rows=rows,
        rows_total=total,
        assets_total=assets_total,
        page=page,
        pages=pages,
        assets_page=assets_page,
        assets_pages=assets_pages,
        column_counts=_column_counts(rows, len(columns)),
    )


def _assets(scope: GovernanceScope, filters: HeatmapFilters) -> QuerySet[Asset]:
    assets = scope.stewarded_assets().select_related("source", "domain")
    if filters.domain:
        assets = assets.filter(domain__code=filters.domain)
    if filters.classification is not None:
        assets = assets.filter(classification=filters.classification)
    return assets.order_by("-classification", "name", "pk")


def _paged(total: int, page: int, per_page: int) -> tuple[int, int, int]:
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    return pages, page, (page - 1) * per_page


def _user_rows(
    filters: HeatmapFilters, columns: list[Asset]
) -> tuple[list[HeatmapRow], int, int, int]:
    people = (
        User.objects.filter(is_active=True)
        .select_related("department")
        .prefetch_related("groups")  # the policies read roles: one query for the page
    )
    if filters.text:
        people = people.filter(
            Q(username__icontains=filters.text)
            | Q(first_name__icontains=filters.text)
            | Q(last_name__icontains=filters.text)
        )
    total = people.count()
    pages, page, start = _paged(total, filters.page, ROWS_PER_PAGE)
    users = list(people.order_by("username", "pk")[start : start + ROWS_PER_PAGE])
    levels = user_levels(users=users, assets=columns)
    rows = [
        HeatmapRow(
            id=user.pk,
            label=user.username,
            detail=user.department.name if user.department else "",
            cells=[HeatmapCell.of_person(levels[user.pk][asset.pk]) for asset in columns],
        )
        for user in users
    ]
    return rows, total, pages, page


def _department_rows(
    filters: HeatmapFilters, columns: list[Asset]
) -> tuple[list[HeatmapRow], int, int, int]:
    departments = Department.objects.annotate(
        active_members=Count("members", filter=Q(members__is_active=True))
    ).filter(active_members__gt=0)
    if filters.text:
        departments = departments.filter(name__icontains=filters.text)
    total = departments.count()
    pages, page, start = _paged(total, filters.page, ROWS_PER_PAGE)
    chosen = _within_member_budget(list(departments.order_by("name", "pk")[start:]))
    members = list(
        User.objects.filter(is_active=True, department__in=chosen)
        .select_related("department")
        .prefetch_related("groups")
        .order_by("pk")[:MEMBERS_PER_PAGE]
    )
    levels = user_levels(users=members, assets=columns)
    rows = [_department_row(department, members, levels, columns) for department in chosen]
    return rows, total, pages, page


def _within_member_budget(departments: list[Department]) -> list[Department]:
    """Up to a page of departments whose members fit the per-page evaluation budget."""
    chosen: list[Department] = []
    budget = MEMBERS_PER_PAGE
    for department in departments[:ROWS_PER_PAGE]:
        size: int = department.active_members  # type: ignore[attr-defined]
        if chosen and size > budget:
            break
        chosen.append(department)
        budget -= size
    return chosen


def _department_row(
    department: Department,
    members: list[User],
    levels: dict[int, dict[int, AccessLevel]],
    columns: list[Asset],
) -> HeatmapRow:
    own = [user.pk for user in members if user.department_id == department.pk]
    cells = []
    for asset in columns:
        held = [levels[pk][asset.pk] for pk in own]
        top = max(held, default=AccessLevel.NONE)
        cells.append(HeatmapCell(top, tuple(held.count(each) for each in AccessLevel)))
    return HeatmapRow(
        id=department.pk,
        label=department.name,
        detail=f"{len(own)} member{'s' if len(own) != 1 else ''}",
        cells=cells,
    )


def user_levels(*, users: Iterable[User], assets: list[Asset]) -> dict[int, dict[int, AccessLevel]]:
    """Effective access of each user to each asset, by user id then asset id."""
    from workbench.governance.policy import assets_permitted

    users = list(users)
    asset_ids = [asset.pk for asset in assets]
    if not asset_ids:
        return {user.pk: {} for user in users}
    page_assets = Asset.objects.filter(pk__in=asset_ids)
    unmasked = _unmasked_grants(users, asset_ids)
    result: dict[int, dict[int, AccessLevel]] = {}
    for user in users:
        discover = set(assets_permitted(user, "discover", page_assets).values_list("pk", flat=True))
        preview = set(assets_permitted(user, "preview", page_assets).values_list("pk", flat=True))
        result[user.pk] = {
            pk: access_level(
                discover=pk in discover,
                preview=pk in preview,
                masked=(user.pk, pk) not in unmasked,
            )
            for pk in asset_ids
        }
    return result


def _unmasked_grants(users: list[User], asset_ids: list[int]) -> set[tuple[int, int]]:
    """(user id, asset id) pairs holding a live grant to read unmasked."""
    now = timezone.now()
    pairs = Grant.objects.filter(
        user__in=users,
        asset_id__in=asset_ids,
        action__in=UNMASKED_ACTIONS,
        unmasked=True,
        revoked_at__isnull=True,
        starts_at__lte=now,
        expires_at__gt=now,
    ).values_list("user_id", "asset_id")
    return set(pairs)


def _column_counts(rows: list[HeatmapRow], width: int) -> list[dict[AccessLevel, int]]:
    """Per column, how many people (or department members) on the page hold each level."""
    counts = [dict.fromkeys(AccessLevel, 0) for _ in range(width)]
    for row in rows:
        for index, cell in enumerate(row.cells):
            for level, held in zip(AccessLevel, cell.spread, strict=True):
                counts[index][level] += held
    return counts
