"""Catalog search: full text over names, descriptions, columns, tags and terms, with facets.

Everything is filtered in the database, permission filter included (`Asset.objects.visible_to`).
Two backends share one ranking: PostgreSQL full text + pg_trgm (typo tolerance on names), and
SQLite FTS5 with the trigram tokenizer on the embedded default. Services that change what an asset's
document holds call `asset_search_refresh` (there are no signals or triggers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from catalog.models import Asset, Classification, Column, Tag

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8
MAX_QUERY_LENGTH = 200
FACET_LIMIT = 20
# pg_trgm's word similarity above which a misspelt name still matches ("custmer" ~ "customers").
NAME_WORD_SIMILARITY = 0.5


class SearchError(ValueError):
    """The search request is invalid (too long, unknown filter value)."""


@dataclass(frozen=True)
class SearchQuery:
    """What a user asked for: free text plus facet filters (empty means no filter)."""

    text: str = ""
    sources: tuple[int, ...] = ()
    domains: tuple[str, ...] = ()  # domain codes
    tags: tuple[str, ...] = ()  # tag names
    classifications: tuple[int, ...] = ()
    owners: tuple[str, ...] = ()  # usernames
    certified: bool | None = None

    def __post_init__(self) -> None:
        if len(self.text) > MAX_QUERY_LENGTH:
            raise SearchError(f"Search text is limited to {MAX_QUERY_LENGTH} characters.")
        valid = {choice.value for choice in Classification}
        if any(value not in valid for value in self.classifications):
            raise SearchError("Unknown classification.")

    @property
    def words(self) -> list[str]:
        return [word.lower() for word in WORD.findall(self.text)][:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    assets: list[Asset]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    is_fuzzy: bool = False  # nothing matched exactly; these are near matches


# --- Keeping the search document in step ------------------------------------------------------


def asset_search_document(asset: Asset) -> str:
    """The text search reads for one asset (columns, tags and terms prefetched by the caller)."""
    parts: list[str] = [asset.name, asset.schema_name, asset.database_name, asset.comment]
    parts.append(asset.description)
    for column in asset.columns.all():
        parts += [column.name, column.description, column.comment]
        parts += [tag.name for tag in column.tags.all()]
        parts += [term.name for term in column.terms.all()]
    parts += [tag.name for tag in asset.tags.all()]
    for term in asset.terms.all():
        parts += [term.name, *[str(synonym) for synonym in term.synonyms]]
    text = " ".join(part for part in parts if part)
    # Snake and dotted names also match word by word ("customer_orders" -> "customer orders").
    return f"{text} {re.sub(r'[_.]+', ' ', text)}"


def asset_search_refresh(*, asset_ids: Iterable[int]) -> int:
    """Rewrite the search document (and the SQLite FTS row) of these assets; returns how many."""
    ids = sorted(set(asset_ids))
    refreshed = 0
    for start in range(0, len(ids), 500):
        assets = _assets_with_document_parts(ids[start : start + 500])
        for asset in assets:
            asset.search_document = asset_search_document(asset)
        Asset.objects.bulk_update(assets, ["search_document"])
        _fts_sync([(asset.pk, asset.search_document) for asset in assets])
        refreshed += len(assets)
    return refreshed


def _assets_with_document_parts(ids: list[int]) -> list[Asset]:
    columns = Column.objects.prefetch_related("tags", "terms").order_by("ordinal")
    return list(
        Asset.objects.filter(pk__in=ids).prefetch_related(
            Prefetch("columns", queryset=columns), "tags", "terms"
        )
    )


def _fts_sync(rows: list[tuple[int, str]]) -> None:
    if connection.vendor != "sqlite" or not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            "DELETE FROM catalog_asset_fts WHERE rowid = %s", [(r[0],) for r in rows]
        )
        cursor.executemany("INSERT INTO catalog_asset_fts(rowid, document) VALUES (%s, %s)", rows)


# --- Searching --------------------------------------------------------------------------------


def asset_search(
    *, user: Any, query: SearchQuery, limit: int = 20, offset: int = 0, with_facets: bool = True
) -> SearchResults:
    """Assets the user may discover that match the query, best first, with facet counts."""
    base = Asset.objects.visible_to(user, "discover")
    filtered = _apply_filters(base, query)
    matched, is_fuzzy, count = _match_text(filtered, query)
    total = matched.order_by().count() if count is None else count
    page = _page(_rank(matched, query), offset, limit)
    facets = asset_search_facets(matched) if with_facets else {}
    return SearchResults(assets=page, total=total, facets=facets, is_fuzzy=is_fuzzy)


def _page(ranked: QuerySet[Asset], offset: int, limit: int) -> list[Asset]:
    # Rank narrow rows (ids and sort keys only), then load the page's assets with their relations.
    rows = list(ranked.values_list("pk", "name_tier", "certified_now")[offset : offset + limit])  # type: ignore[misc]
    assets = (
        Asset.objects.filter(pk__in=[row[0] for row in rows])
        .defer("search_document")
        .select_related("source", "domain", "owner")
        .prefetch_related("tags")
        .in_bulk()
    )
    page = []
    for pk, name_tier, certified_now in rows:
        asset = assets[pk]
        asset.name_tier, asset.certified_now = name_tier, certified_now  # type: ignore[attr-defined]
        page.append(asset)
    return page


def _apply_filters(queryset: QuerySet[Asset], query: SearchQuery) -> QuerySet[Asset]:
    if query.sources:
        queryset = queryset.filter(source_id__in=query.sources)
    if query.domains:
        queryset = queryset.filter(domain__code__in=query.domains)
    if query.classifications:
        queryset = queryset.filter(classification__in=query.classifications)
    if query.owners:
        queryset = queryset.filter(owner__username__in=query.owners)
    if query.certified is not None:
        current = _certified_q()
        queryset = queryset.filter(current if query.certified else ~current)
    for tag in query.tags:  # every chosen tag must be on the asset
        queryset = queryset.filter(
            pk__in=Asset.tags.through.objects.filter(tag__name=tag).values("asset_id")
        )
    return queryset


def _certified_q() -> Q:
    now = timezone.now()
    return Q(is_certified=True) & (
        Q(certification_expires_at__isnull=True) | Q(certification_expires_at__gt=now)
    )


def _certified_case() -> Case:
    return Case(When(_certified_q(), then=Value(1)), default=Value(0), output_field=IntegerField())


def _match_text(
    queryset: QuerySet[Asset], query: SearchQuery
) -> tuple[QuerySet[Asset], bool, int | None]:
    """The matching assets, whether they are near matches, and their count when already known."""
    words = query.words
    if not words:
        return queryset, False, None
    backend = POSTGRES if connection.vendor == "postgresql" else SQLITE
    strict = queryset.filter(backend.strict(words))
    # A count, not exists(): under LIMIT 1 the planner may scan every row for a rare word.
    count = strict.order_by().count()
    if count:
        return strict, False, count
    fuzzy = backend.fuzzy(words)
    return (queryset.filter(fuzzy), True, None) if fuzzy is not None else (strict, False, 0)


def _rank(queryset: QuerySet[Asset], query: SearchQuery) -> QuerySet[Asset]:
    """Best name match first; within it certified, then frequently used assets."""
    text = " ".join(query.words)
    name_tier: Any = Value(0)
    if text:
        name_tier = Case(
            When(name__iexact=text.replace(" ", "_"), then=Value(3)),
            When(name__iexact=text, then=Value(3)),
            When(name__istartswith=query.words[0], then=Value(2)),
            When(name__icontains=query.words[0], then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return queryset.annotate(name_tier=name_tier, certified_now=_certified_case()).order_by(
        "-name_tier", "-certified_now", "-usage_count", "name", "pk"
    )


class _Predicate(Func):
    """`left <operator> right` as a boolean SQL expression; column references follow aliases."""

    output_field = BooleanField()
    template = "%(expressions)s"

    def __init__(self, left: Any, operator: str, right: Any) -> None:
        super().__init__(left, right, arg_joiner=f" {operator} ")


class _StoredVector(Func):
    """The PostgreSQL-only generated column `search_vector` (migration 0003) of the asset row.

    Compiled from the search_document column so that it follows the query's table alias.
    """

    template = "%(expressions)s"

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self.as_sql(compiler, connection, **extra)
        return sql.replace('"search_document"', '"search_vector"'), params


class _Postgres:
    """Full text over the stored vector (prefix per word) or a near match of the name (pg_trgm)."""

    @staticmethod
    def strict(words: list[str]) -> Q:
        tsquery = " & ".join(f"{word}:*" for word in words)
        wanted = Func(Value("simple"), Value(tsquery), function="to_tsquery")
        return Q(_Predicate(_StoredVector(F("search_document")), "@@", _regconfig(wanted)))

    @staticmethod
    def fuzzy(words: list[str]) -> Q | None:
        # `<%` is pg_trgm's word-similarity operator; the GIN trigram index on name serves it.
        condition = Q()
        for word in words:
            condition &= Q(_Predicate(Value(word), "<%%", F("name")))
        return condition


def _regconfig(call: Func) -> Func:
    call.template = "%(function)s(%(expressions)s)"
    call.arg_joiner = "::regconfig, "
    return call


class _Sqlite:
    """FTS5 with the trigram tokenizer: every word a substring; near matches by word halves."""

    @staticmethod
    def strict(words: list[str]) -> Q:
        condition = Q()
        long_words = [word for word in words if len(word) >= 3]
        if long_words:
            match = " AND ".join(f'"{word}"' for word in long_words)
            condition &= Q(pk__in=RawSQL(FTS_IDS, [match]))
        for word in words:
            if len(word) < 3:  # too short for trigrams: a plain substring test
                condition &= Q(search_document__icontains=word)
        return condition

    @staticmethod
    def fuzzy(words: list[str]) -> Q | None:
        # One typo leaves one half of a word intact, so either half (>= 3 letters) must match.
        clauses = []
        for word in words:
            halves = {word[: (len(word) + 1) // 2 + 1], word[len(word) // 2 - 1 :]}
            halves = {half for half in halves if len(half) >= 3}
            if len(word) >= 5 and halves:
                clauses.append("(" + " OR ".join(f'"{half}"' for half in sorted(halves)) + ")")
        if not clauses:
            return None
        return Q(pk__in=RawSQL(FTS_IDS, [" AND ".join(clauses)]))


FTS_IDS = "SELECT rowid FROM catalog_asset_fts WHERE catalog_asset_fts MATCH %s"
POSTGRES = _Postgres()
SQLITE = _Sqlite()


# --- Facets -----------------------------------------------------------------------------------


def asset_search_facets(queryset: QuerySet[Asset]) -> dict[str, list[FacetValue]]:
    """How many matching assets each facet value holds, counted in the database."""
    ids = queryset.order_by().values("pk")
    facets = _grouped_facets(queryset) if connection.vendor == "postgresql" else None
    if facets is None:
        facets = _facets_one_query_each(Asset.objects.filter(pk__in=ids).order_by())
    facets["tag"] = [
        FacetValue(row["name"], row["name"], row["n"])
        for row in Tag.objects.filter(assets__in=ids)
        .values("name")
        .annotate(n=Count("assets"))
        .order_by("-n", "name")[:FACET_LIMIT]
    ]
    return facets


def _facets_one_query_each(rows: QuerySet[Asset]) -> dict[str, list[FacetValue]]:
    labels = dict(Classification.choices)
    return {
        "source": _facet(rows, "source_id", "source__name"),
        "domain": _facet(rows, "domain__code", "domain__name"),
        "owner": _facet(rows, "owner__username", "owner__username"),
        "classification": [
            FacetValue(str(row["classification"]), str(labels[row["classification"]]), row["n"])
            for row in rows.values("classification")
            .annotate(n=Count("pk"))
            .order_by("classification")
        ],
        "certified": [
            FacetValue(*_certified_label(row["now"]), row["n"])
            for row in rows.annotate(now=_certified_case())
            .values("now")
            .annotate(n=Count("pk"))
            .order_by("-now")
        ],
    }


GROUPED_FACETS = ("source_id", "domain_id", "owner_id", "classification", "now")


def _grouped_facets(queryset: QuerySet[Asset]) -> dict[str, list[FacetValue]]:
    """PostgreSQL: the five column facets in one pass over the matches (GROUPING SETS)."""
    inner = queryset.order_by().annotate(now=_certified_case()).values(*GROUPED_FACETS)
    try:
        sql, params = inner.query.sql_with_params()
    except EmptyResultSet:  # the user may discover nothing at all
        return _label_grouped({column: {} for column in GROUPED_FACETS})
    columns = ", ".join(GROUPED_FACETS)
    sets = ", ".join(f"({column})" for column in GROUPED_FACETS)
    flags = ", ".join(f"GROUPING({column})" for column in GROUPED_FACETS)
    statement = (
        f"SELECT {columns}, {flags}, COUNT(*) FROM ({sql}) AS matched "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    counts: dict[str, dict[Any, int]] = {column: {} for column in GROUPED_FACETS}
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        for row in cursor.fetchall():
            values, flags_row, n = row[:5], row[5:10], row[10]
            for column, value, rolled_up in zip(GROUPED_FACETS, values, flags_row, strict=True):
                if not rolled_up and value is not None:
                    counts[column][value] = n
    return _label_grouped(counts)


def _label_grouped(counts: dict[str, dict[Any, int]]) -> dict[str, list[FacetValue]]:
    from catalog.models import DataSource, Domain
    from workbench.accounts.models import User

    sources = dict(DataSource.objects.filter(pk__in=counts["source_id"]).values_list("pk", "name"))
    domains = {
        pk: (code, name)
        for pk, code, name in Domain.objects.filter(pk__in=counts["domain_id"]).values_list(
            "pk", "code", "name"
        )
    }
    owners = dict(User.objects.filter(pk__in=counts["owner_id"]).values_list("pk", "username"))
    labels = dict(Classification.choices)

    def top(values: list[FacetValue]) -> list[FacetValue]:
        return sorted(values, key=lambda v: (-v.count, v.label))[:FACET_LIMIT]

    return {
        "source": top([FacetValue(str(k), sources[k], n) for k, n in counts["source_id"].items()]),
        "domain": top([FacetValue(*domains[k], n) for k, n in counts["domain_id"].items()]),
        "owner": top([FacetValue(owners[k], owners[k], n) for k, n in counts["owner_id"].items()]),
        "classification": [
            FacetValue(str(k), str(labels[k]), counts["classification"][k])
            for k in sorted(counts["classification"])
        ],
        "certified": [
            FacetValue(*_certified_label(k), counts["now"][k])
            for k in sorted(counts["now"], reverse=True)
        ],
    }


def _certified_label(now: int) -> tuple[str, str]:
    return ("true", "Certified") if now else ("false", "Not certified")


def _facet(rows: QuerySet[Asset], value: str, label: str) -> list[FacetValue]:
    grouped = (
        rows.exclude(**{f"{value}__isnull": True})
        .values(value, label)
        .annotate(n=Count("pk"))
        .order_by("-n", label)[:FACET_LIMIT]
    )
    return [FacetValue(str(row[value]), str(row[label]), row["n"]) for row in grouped]
