"""Row filters in the SQL sent to the source: only rows whose column equals the reader's attribute.

The filter becomes a WHERE clause with a bound parameter in a SQLAlchemy Core SELECT (never string
formatting), so a bounded read transfers only the permitted rows. A filter that cannot be applied
(the asset lacks its column, the reader lacks the attribute) refuses the read: fail closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from django.db.models import Q

from catalog.models import Asset
from workbench.governance.models import RowFilter, RowFilterAttribute


class RowFilterRefused(Exception):
    """A row filter applies to the asset but cannot be enforced; the message says which and why."""

    def __init__(self, message: str, *, filter_name: str) -> None:
        super().__init__(message)
        self.message = message
        self.filter_name = filter_name


@dataclass(frozen=True)
class AppliedRowFilter:
    """One enforced filter: `column = value`, where value is the reader's attribute."""

    name: str
    column: str
    attribute: str
    value: str

    def describe(self) -> str:
        label = RowFilterAttribute(self.attribute).label.lower()
        return f"{self.name}: only rows where {self.column} is {label} ({self.value})"


def row_filters_for(asset: Asset) -> list[RowFilter]:
    """Active filters on the asset itself or on its domain."""
    scope = Q(asset_id=asset.pk)
    if asset.domain_id is not None:
        scope |= Q(asset__isnull=True, domain_id=asset.domain_id)
    return list(RowFilter.objects.filter(scope, is_active=True).order_by("name"))


def user_attribute_value(user: Any, attribute: str) -> str:
    """The reader's value of a filter attribute ("" when their profile has none)."""
    if attribute == RowFilterAttribute.REGION:
        return str(getattr(user, "region", "") or "")
    if attribute == RowFilterAttribute.DEPARTMENT:
        department = getattr(user, "department", None)
        return str(department.code) if department is not None else ""
    return ""


def row_filters_resolve(
    *, user: Any, filters: Sequence[RowFilter], column_names: Sequence[str]
) -> list[AppliedRowFilter]:
    """The filters with the reader's values; RowFilterRefused when one cannot be enforced."""
    known = set(column_names)
    applied = []
    for row_filter in filters:
        if row_filter.column not in known:
            raise RowFilterRefused(
                f"Row filter “{row_filter.name}” needs column {row_filter.column!r}, which this "
                "asset does not have; the read is refused until a steward fixes the filter.",
                filter_name=row_filter.name,
            )
        value = user_attribute_value(user, row_filter.user_attribute)
        if not value:
            label = RowFilterAttribute(row_filter.user_attribute).label.lower()
            raise RowFilterRefused(
                f"Rows of this asset are filtered by {label} (“{row_filter.name}”) and your "
                "profile has none; ask an admin to set it.",
                filter_name=row_filter.name,
            )
        applied.append(
            AppliedRowFilter(row_filter.name, row_filter.column, row_filter.user_attribute, value)
        )
    return applied


def governed_select(
    *,
    schema: str,
    table: str,
    columns: Sequence[str],
    filters: Sequence[AppliedRowFilter],
    limit: int | None,
) -> sa.sql.Select:
    """SELECT columns FROM schema.table WHERE col = :value ... LIMIT n, identifiers quoted by the
    dialect and every filter value a bound parameter."""
    names = list(dict.fromkeys([*columns, *(applied.column for applied in filters)]))
    source = sa.table(table, *(sa.column(name) for name in names), schema=schema or None)
    statement = sa.select(*(source.c[name] for name in columns)).select_from(source)
    for index, applied in enumerate(filters):
        value = sa.bindparam(f"row_filter_{index}", applied.value)
        statement = statement.where(source.c[applied.column] == value)
    if limit is not None:
        statement = statement.limit(limit)
    return statement
