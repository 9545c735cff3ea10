"""Profiling one table on a bounded sample, with OpenMetadata's profiler metrics pushed down to the
source, so that the source's own engine does the counting and only a handful of figures travel back.

openmetadata-ingestion is imported inside the functions (its import takes seconds): this module is
loaded by workers, never on the request path.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from catalog.scans.snapshot import ColumnSnapshot, TableSnapshot

# Up to this many rows a table is counted exactly; beyond, the engine's own statistics are used
# where it keeps them (PostgreSQL, MySQL), so a 10M-row table is never read end to end.
EXACT_COUNT_LIMIT = 1_000_000
# SQLite and DuckDB keep no row estimate, but count without decoding rows: a full COUNT(*) there
# reads B-tree pages (SQLite) or column-chunk metadata (DuckDB tables), not the data.
DIALECTS_WITH_CHEAP_COUNT = frozenset({"sqlite", "duckdb"})
TOP_VALUE_MAX_CHARS = 200

JsonScalar = str | int | float | bool | None


class ProfileError(Exception):
    """The table could not be profiled; the message says why in words a steward understands."""


class TableGoneError(ProfileError):
    """The table (or view) no longer exists in the source: dropped or renamed during the scan."""


@dataclass(frozen=True)
class ValueCount:
    value: JsonScalar
    count: int


@dataclass(frozen=True)
class HistogramBin:
    lower: JsonScalar  # None: open below (the first bin of a date histogram)
    upper: JsonScalar  # None: open above (the last bin)
    count: int


@dataclass(frozen=True)
class ColumnProfile:
    """What the sample says about one column; `skipped` says why when it was not profiled."""

    name: str
    data_type: str
    value_count: int = 0  # non-null values in the sample
    null_count: int = 0
    null_percent: float = 0.0
    distinct_count: int | None = None
    min: JsonScalar = None
    max: JsonScalar = None
    mean: float | None = None
    stddev: float | None = None
    min_length: int | None = None  # text columns
    max_length: int | None = None
    mean_length: float | None = None
    top_values: tuple[ValueCount, ...] = ()
    histogram: tuple[HistogramBin, ...] = ()
    skipped: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "data_type": self.data_type,
            "value_count": self.value_count,
            "null_count": self.null_count,
            "null_percent": self.null_percent,
            "distinct_count": self.distinct_count,
            "min": self.min,
            "max": self.max,
            "mean": self.mean,
            "stddev": self.stddev,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "mean_length": self.mean_length,
            "top_values": [{"value": v.value, "count": v.count} for v in self.top_values],
            "histogram": [
                {"lower": b.lower, "upper": b.upper, "count": b.count} for b in self.histogram
            ],
            "skipped": self.skipped,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class TableProfile:
    """One profiling run of a table: exact or estimated row count and per-column figures."""

    schema: str
    name: str
    row_count: int
    row_count_is_estimate: bool
    sample_size: int  # rows the column figures were computed on
    sample_method: str  # e.g. "first 10000 rows", "TABLESAMPLE SYSTEM (0.2%) up to 10000 rows"
    columns: tuple[ColumnProfile, ...]
    profiled_at: datetime
    duration_ms: int
    notes: tuple[str, ...] = field(default=())

    def column(self, name: str) -> ColumnProfile:
        return next(column for column in self.columns if column.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "name": self.name,
            "row_count": self.row_count,
            "row_count_is_estimate": self.row_count_is_estimate,
            "sample_size": self.sample_size,
            "sample_method": self.sample_method,
            "columns": [column.to_dict() for column in self.columns],
            "profiled_at": self.profiled_at.isoformat(),
            "duration_ms": self.duration_ms,
            "notes": list(self.notes),
        }


def profile_table(
    engine: Engine,
    table: TableSnapshot,
    *,
    sample_rows: int = 10_000,
    top_n: int = 10,
    bins: int = 10,
    exact_count_limit: int = EXACT_COUNT_LIMIT,
    redacted_columns: Collection[str] = (),
) -> TableProfile:
    """Profile `table` on at most `sample_rows` rows.

    Values of `redacted_columns` (columns classified as personal data) never leave the source:
    their min/max and top values are not kept, only counts.
    """
    for label, bound in (("sample_rows", sample_rows), ("top_n", top_n), ("bins", bins)):
        if bound < 1:
            raise ValueError(f"{label} must be at least 1, got {bound}.")
    started = time.monotonic()
    try:
        with engine.connect() as connection:
            source = reflect_table(connection, table)
            row_count, is_estimate = _row_count(connection, table, source, exact_count_limit)
            sample, method = _sample(connection, table, source, row_count, sample_rows)
            sample_size, columns = _profile_columns(
                connection, table, sample, top_n, bins, frozenset(redacted_columns)
            )
    except sa_exc.DBAPIError as error:
        raise source_error(engine, table, error) from error
    return TableProfile(
        schema=table.schema,
        name=table.name,
        row_count=row_count,
        row_count_is_estimate=is_estimate,
        sample_size=sample_size,
        sample_method=method,
        columns=columns,
        profiled_at=datetime.now(tz=UTC),
        duration_ms=round((time.monotonic() - started) * 1000),
    )


# --- The table in the source ---


def reflect_table(connection: Connection, table: TableSnapshot) -> sa.Table:
    """The table as SQLAlchemy sees it now, with the source's own column types."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sa_exc.SAWarning)  # "did not recognize type ..."
            return sa.Table(
                table.name, sa.MetaData(), schema=table.schema or None, autoload_with=connection
            )
    except sa_exc.NoSuchTableError as error:
        raise TableGoneError(_gone_message(table)) from error


def source_error(engine: Engine, table: TableSnapshot, error: sa_exc.DBAPIError) -> ProfileError:
    """Turn a database error into a clear one, telling a vanished table from other failures."""
    if not table_exists(engine, table):
        return TableGoneError(_gone_message(table))
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    return ProfileError(f"The source refused a query on {table.qualified_name}: {detail}")


def table_exists(engine: Engine, table: TableSnapshot) -> bool:
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            schema = table.schema or None
            names = inspector.get_table_names(schema=schema) + inspector.get_view_names(schema)
    except sa_exc.DBAPIError:
        return True  # cannot tell: keep the original error
    return table.name in names


def _gone_message(table: TableSnapshot) -> str:
    return (
        f"{table.kind.capitalize()} {table.qualified_name} no longer exists in the source "
        "(dropped or renamed since the metadata scan)."
    )


def fetch_rows(connection: Connection, statement: Any) -> list[Any]:
    with warnings.catch_warnings(), connection.begin():
        # SQLite hands NUMERIC back as floats; the figures are floats anyway.
        warnings.filterwarnings("ignore", "Dialect sqlite.*Decimal", sa_exc.SAWarning)
        return list(connection.execute(statement).fetchall())


def _row_count(
    connection: Connection, table: TableSnapshot, source: sa.Table, exact_limit: int
) -> tuple[int, bool]:
    """Exact up to `exact_limit` rows (a bounded count), else the engine's estimate."""
    bounded = sa.select(sa.literal_column("1")).select_from(source).limit(exact_limit + 1)
    capped = fetch_rows(connection, sa.select(sa.func.count()).select_from(bounded.subquery()))[0][
        0
    ]
    if capped <= exact_limit:
        return int(capped), False
    estimate = _estimated_row_count(connection, source)
    if estimate is not None and estimate >= capped:
        return estimate, True
    if connection.dialect.name in DIALECTS_WITH_CHEAP_COUNT and table.kind == "table":
        from metadata.profiler.metrics.registry import Metrics

        count = Metrics.ROW_COUNT.value().fn()
        return int(fetch_rows(connection, sa.select(count).select_from(source))[0][0]), False
    return int(capped), True  # a lower bound: "more than exact_limit"


def _estimated_row_count(connection: Connection, source: sa.Table) -> int | None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        qualified = connection.dialect.identifier_preparer.format_table(source)
        query = sa.text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)")
        rows = fetch_rows(connection, query.bindparams(name=qualified))
    elif dialect in ("mysql", "mariadb"):
        query = sa.text(
            "SELECT table_rows FROM information_schema.tables "
            "WHERE table_schema = COALESCE(:schema, DATABASE()) AND table_name = :name"
        )
        rows = fetch_rows(connection, query.bindparams(schema=source.schema, name=source.name))
    else:
        return None
    if not rows or rows[0][0] is None or rows[0][0] < 0:
        return None
    return int(rows[0][0])


def _sample(
    connection: Connection,
    table: TableSnapshot,
    source: sa.Table,
    row_count: int,
    sample_rows: int,
) -> tuple[Any, str]:
    """A subquery of at most `sample_rows` rows: random pages on PostgreSQL, else the first rows."""
    if row_count <= sample_rows:
        return sa.select(*source.c).limit(sample_rows).subquery("profile_sample"), "whole table"
    if connection.dialect.name == "postgresql" and table.kind == "table":
        # SYSTEM reads only the chosen pages; twice the share needed, so the LIMIT usually fills.
        percent = round(min(100.0, 200.0 * sample_rows / row_count), 4)
        sampled = sa.tablesample(source, sa.func.system(percent), name="sampled")
        query = sa.select(*sampled.c).limit(sample_rows)
        return query.subquery("profile_sample"), (
            f"TABLESAMPLE SYSTEM ({percent}%) up to {sample_rows} rows"
        )
    query = sa.select(*source.c).limit(sample_rows)
    return query.subquery("profile_sample"), f"first {sample_rows} rows"


# --- Column figures ---


@dataclass(frozen=True)
class _Plan:
    """The metric expressions of one column inside the batched statistics query."""

    snapshot: ColumnSnapshot
    column: sa.Column
    metrics: tuple[tuple[str, Any], ...]


def _profile_columns(
    connection: Connection,
    table: TableSnapshot,
    sample: Any,
    top_n: int,
    bins: int,
    redacted: frozenset[str],
) -> tuple[int, tuple[ColumnProfile, ...]]:
    plans: list[_Plan] = []
    skipped: dict[str, ColumnProfile] = {}
    for snapshot in table.columns:
        reason = _skip_reason(sample, snapshot)
        if reason:
            skipped[snapshot.name] = ColumnProfile(
                snapshot.name, snapshot.data_type, skipped=reason
            )
        else:
            plans.append(_plan(connection, snapshot, sample.c[snapshot.name]))
    sample_size, figures, failures = _run_statistics(connection, sample, plans)
    profiles = dict(skipped)
    for plan in plans:
        if plan.snapshot.name in failures:
            reason = failures[plan.snapshot.name]
            profiles[plan.snapshot.name] = ColumnProfile(
                plan.snapshot.name, plan.snapshot.data_type, skipped=reason
            )
            continue
        profiles[plan.snapshot.name] = _column_profile(
            connection, sample, plan, figures[plan.snapshot.name], sample_size, top_n, bins,
            is_redacted=plan.snapshot.name in redacted,
        )  # fmt: skip
    return sample_size, tuple(profiles[column.name] for column in table.columns)


def _skip_reason(sample: Any, snapshot: ColumnSnapshot) -> str:
    from metadata.profiler.orm.registry import NOT_COMPUTE

    column = sample.c.get(snapshot.name)
    if column is None:
        return "The column is no longer in the table."
    column_type = column.type
    if isinstance(column_type, sa.LargeBinary | sa.JSON | sa.ARRAY | sa.PickleType):
        return f"Binary and structured values ({snapshot.data_type}) are not profiled."
    if type(column_type).__name__ in NOT_COMPUTE - {"NullType"}:
        return f"The profiler does not compute metrics for {snapshot.data_type}."
    return ""


def _plan(connection: Connection, snapshot: ColumnSnapshot, column: sa.Column) -> _Plan:
    from metadata.profiler.metrics.registry import Metrics
    from metadata.profiler.orm.registry import is_concatenable, is_date_time, is_quantifiable

    kind = _kind(column.type)
    metrics = [("value_count", Metrics.COUNT), ("null_count", Metrics.NULL_COUNT)]
    metrics.append(("distinct_count", Metrics.DISTINCT_COUNT))
    if is_quantifiable(column.type) and kind == "number":
        metrics += [("min", Metrics.MIN), ("max", Metrics.MAX), ("mean", Metrics.MEAN)]
        if connection.dialect.name != "sqlite":
            metrics.append(("stddev", Metrics.STDDEV))
    elif is_date_time(column.type) and kind == "datetime":
        # Not TIME: OpenMetadata turns MySQL TIME into seconds that SQLAlchemy then misreads.
        metrics += [("min", Metrics.MIN), ("max", Metrics.MAX)]
    elif is_concatenable(column.type):
        metrics += [("min_length", Metrics.MIN_LENGTH), ("max_length", Metrics.MAX_LENGTH)]
        metrics.append(("mean_length", Metrics.MEAN))
    if isinstance(column.type, sa.types.NullType):
        metrics = metrics[:3]  # type unknown (e.g. a SQLite view's column): counts only
    expressions = [(key, metric.value(column).fn()) for key, metric in metrics]
    if connection.dialect.name == "sqlite" and kind == "number":
        # SQLite has no STDDEV_POP (OpenMetadata's SQLite form needs a SQRT extension): the
        # mean of squares comes back and the root is taken here.
        square = sa.func.avg(sa.cast(column, sa.Float) * sa.cast(column, sa.Float))
        expressions.append(("mean_square", square))
    return _Plan(snapshot, column, tuple((k, e) for k, e in expressions if e is not None))


def _kind(column_type: Any) -> str:
    if isinstance(column_type, sa.Boolean):
        return "boolean"
    if isinstance(column_type, sa.Integer | sa.Numeric | sa.Float):
        return "number"
    if isinstance(column_type, sa.DateTime | sa.Date):
        return "datetime"
    return "other"


def _run_statistics(
    connection: Connection, sample: Any, plans: Sequence[_Plan]
) -> tuple[int, dict[str, dict[str, Any]], dict[str, str]]:
    """One SELECT over the sample for every column; a column whose metric the source rejects is
    retried alone and, if it fails again, skipped with the source's reason."""
    try:
        return (*_statistics_query(connection, sample, plans), {})
    except sa_exc.DBAPIError:
        if len(plans) <= 1:
            raise
    sample_size, figures, failures = 0, {}, {}
    last_error: sa_exc.DBAPIError | None = None
    for plan in plans:
        try:
            sample_size, one = _statistics_query(connection, sample, [plan])
            figures.update(one)
        except sa_exc.DBAPIError as error:
            detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            failures[plan.snapshot.name] = f"The source could not compute its metrics: {detail}"
            last_error = error
    if last_error is not None and len(failures) == len(plans):
        raise last_error  # nothing worked: the table itself is the problem (gone, locked...)
    return sample_size, figures, failures


def _statistics_query(
    connection: Connection, sample: Any, plans: Sequence[_Plan]
) -> tuple[int, dict[str, dict[str, Any]]]:
    labelled: list[Any] = [sa.func.count().label("sample_size")]
    keys: list[tuple[str, str]] = []
    for plan in plans:
        for key, expression in plan.metrics:
            element = getattr(expression, "element", expression)  # OM labels with metric names
            labelled.append(element.label(f"m{len(keys)}"))
            keys.append((plan.snapshot.name, key))
    row = fetch_rows(connection, sa.select(*labelled).select_from(sample))[0]
    figures: dict[str, dict[str, Any]] = {plan.snapshot.name: {} for plan in plans}
    for (name, key), value in zip(keys, row[1:], strict=True):
        figures[name][key] = value
    return int(row[0]), figures


def _column_profile(
    connection: Connection,
    sample: Any,
    plan: _Plan,
    figures: dict[str, Any],
    sample_size: int,
    top_n: int,
    bins: int,
    *,
    is_redacted: bool,
) -> ColumnProfile:
    kind = _kind(plan.column.type)
    value_count = int(figures.get("value_count") or 0)
    null_count = int(figures.get("null_count") or 0)
    distinct = figures.get("distinct_count")
    notes: list[str] = []
    mean = _float(figures.get("mean")) if kind == "number" else None
    stddev = _stddev(figures, mean)
    low, high = figures.get("min"), figures.get("max")
    histogram = _histogram(connection, sample, plan.column, kind, value_count, low, high, bins)
    top_values = _top_values(connection, sample, plan.column, value_count, distinct, top_n, notes)
    if isinstance(plan.column.type, sa.types.NullType):
        notes.append("The source reports no type for this column: counts only.")
    if is_redacted:
        notes.append("Values withheld: the column holds personal data.")
        low, high, top_values = None, None, ()
    return ColumnProfile(
        name=plan.snapshot.name,
        data_type=plan.snapshot.data_type,
        value_count=value_count,
        null_count=null_count,
        null_percent=round(100.0 * null_count / sample_size, 4) if sample_size else 0.0,
        distinct_count=int(distinct) if distinct is not None else None,
        min=json_scalar(low),
        max=json_scalar(high),
        mean=mean,
        stddev=stddev,
        min_length=_int(figures.get("min_length")),
        max_length=_int(figures.get("max_length")),
        mean_length=_float(figures.get("mean_length")),
        top_values=top_values,
        histogram=histogram,
        notes=tuple(notes),
    )


def _stddev(figures: dict[str, Any], mean: float | None) -> float | None:
    if "stddev" in figures:
        return _float(figures["stddev"])
    mean_square = _float(figures.get("mean_square"))
    if mean is None or mean_square is None:
        return None
    return round(math.sqrt(max(mean_square - mean * mean, 0.0)), 10)


def _top_values(
    connection: Connection,
    sample: Any,
    column: sa.Column,
    value_count: int,
    distinct: Any,
    top_n: int,
    notes: list[str],
) -> tuple[ValueCount, ...]:
    if value_count == 0:
        return ()
    if distinct is not None and int(distinct) == value_count:
        notes.append("Every sampled value is distinct: no top values.")
        return ()
    frequency = sa.func.count().label("frequency")
    query = (
        sa.select(column, frequency)
        .where(column.isnot(None))
        .group_by(column)
        .order_by(frequency.desc(), column)
        .limit(top_n)
    )
    rows = fetch_rows(connection, query)
    return tuple(ValueCount(json_scalar(value, clip=True), int(count)) for value, count in rows)


def _histogram(
    connection: Connection,
    sample: Any,
    column: sa.Column,
    kind: str,
    value_count: int,
    low: Any,
    high: Any,
    bins: int,
) -> tuple[HistogramBin, ...]:
    if value_count == 0 or low is None or high is None:
        return ()
    if kind == "number":
        return _number_histogram(connection, sample, column, value_count, low, high, bins)
    if kind == "datetime" and not isinstance(low, time_of_day):
        return _date_histogram(connection, sample, column, low, high, bins)
    return ()


def _number_histogram(
    connection: Connection,
    sample: Any,
    column: sa.Column,
    value_count: int,
    low: Any,
    high: Any,
    bins: int,
) -> tuple[HistogramBin, ...]:
    """OpenMetadata's HISTOGRAM metric builds the one CASE-per-bin query; the number of equal-width
    bins is ours (it would pick one by the Freedman-Diaconis rule, which needs quartiles)."""
    from metadata.profiler.metrics.registry import Metrics
    from sqlalchemy.orm import Session

    low, high = float(low), float(high)
    count = bins if high > low else 1
    width = (high - low) / bins if high > low else 1.0

    class EqualWidthHistogram(Metrics.HISTOGRAM.value):  # type: ignore[name-defined]
        def _get_bins(self, *_: float) -> tuple[int, float]:
            return count, width

    figures = {"valuesCount": value_count, "min": low, "max": high}
    with Session(bind=connection) as session:
        result = EqualWidthHistogram(column).fn(sample, figures, session)
    if not result:
        return ()
    frequencies = [int(f) for f in result["frequencies"]]
    edges = [round(low + i * width, 10) for i in range(count)]
    return tuple(
        HistogramBin(json_scalar(edges[i]), json_scalar(edges[i + 1]) if i + 1 < count else None, f)
        for i, f in enumerate(frequencies)
    )


def _date_histogram(
    connection: Connection, sample: Any, column: sa.Column, low: Any, high: Any, bins: int
) -> tuple[HistogramBin, ...]:
    """Equal-width bins over dates and timestamps (OpenMetadata histograms numbers only)."""
    edges = _date_edges(low, high, bins)
    if not edges:
        counts = fetch_rows(connection, sa.select(sa.func.count(column)))[0]
        return (HistogramBin(json_scalar(low), None, int(counts[0])),)
    conditions = [column < edges[0]]
    conditions += [sa.and_(column >= a, column < b) for a, b in zip(edges, edges[1:], strict=False)]
    conditions.append(column >= edges[-1])
    counts = [sa.func.count(sa.case([(condition, 1)])) for condition in conditions]
    row = fetch_rows(connection, sa.select(*counts).select_from(sample))[0]
    lowers: list[Any] = [low, *edges]
    uppers: list[Any] = [*edges, None]
    return tuple(
        HistogramBin(json_scalar(lower), json_scalar(upper), int(n))
        for lower, upper, n in zip(lowers, uppers, row, strict=True)
    )


def _date_edges(low: Any, high: Any, bins: int) -> list[Any]:
    """The inner edges between `bins` equal bins (whole days for dates); [] for a single value."""
    if not isinstance(low, date) or not isinstance(high, date) or high <= low:
        return []
    span = high - low
    steps: list[Any]
    if isinstance(low, datetime):
        steps = [low + span * i / bins for i in range(1, bins)]
    else:
        steps = [low + timedelta(days=round(span.days * i / bins)) for i in range(1, bins)]
    return sorted({step for step in steps if low < step <= high})


# --- Values as JSON ---


def json_scalar(value: Any, *, clip: bool = False) -> JsonScalar:
    text_value: JsonScalar
    if value is None or isinstance(value, bool | int | str):
        text_value = value
    elif isinstance(value, float):
        text_value = value if math.isfinite(value) else None
    elif isinstance(value, Decimal):
        text_value = int(value) if value == value.to_integral_value() else float(value)
    elif isinstance(value, datetime | date | time_of_day):
        text_value = value.isoformat()
    elif isinstance(value, bytes | bytearray | memoryview):
        text_value = bytes(value).hex()
    else:
        text_value = str(value)
    if clip and isinstance(text_value, str) and len(text_value) > TOP_VALUE_MAX_CHARS:
        return text_value[: TOP_VALUE_MAX_CHARS - 1] + "…"
    return text_value


def _float(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return round(number, 10) if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    return None if value is None else int(value)
