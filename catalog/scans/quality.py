"""Data-quality checks that stewards define on a table or column, run against the source itself.

Where OpenMetadata has a validator for the rule, its validator decides (not null, unique, accepted
values, numeric range, regex, row count): it compiles its own metric into one query that the source
answers. Freshness, ranges over dates and custom SQL are ours. openmetadata-ingestion is imported
inside the functions: only workers load this module's heavy half.
"""

from __future__ import annotations

import json
import re
import time
import uuid
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote_plus

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from catalog.scans.profile import (
    ProfileError,
    json_scalar,
    reflect_table,
    source_error,
)
from catalog.scans.profile import (
    fetch_rows as _fetch,
)
from catalog.scans.snapshot import TableSnapshot

CHECK_KINDS = (
    "not_null",
    "unique",
    "accepted_values",
    "range",
    "regex",
    "freshness",
    "row_count",
    "custom_sql",
)
COLUMN_KINDS = frozenset({"not_null", "unique", "accepted_values", "range", "regex", "freshness"})
FAILING_ROWS_LIMIT = 5
REGEX_SAMPLE_ROWS = 100_000  # where the source has no regex operator, Python checks this many rows
# Sources whose regex operator SQLAlchemy's regexp_match compiles to (PostgreSQL ~, MySQL REGEXP,
# SQLite through its Python function, DuckDB ~); elsewhere Python checks a bounded sample.
REGEX_DIALECTS = frozenset({"postgresql", "mysql", "mariadb", "sqlite", "duckdb"})
SQLGLOT_DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


class InvalidCheckError(ValueError):
    """The check's definition is unusable (unknown kind, missing or bad parameter, unsafe SQL)."""


@dataclass(frozen=True)
class QualityCheckSpec:
    """One rule as plain values. `params` per kind:

    not_null, unique: none. accepted_values: {"values": [...]} (NULL counts as not accepted).
    range: {"min": x, "max": y} (either may be left out; numbers, or ISO dates for date columns).
    regex: {"pattern": "..."} (searched, not anchored: write ^...$ to match whole values).
    freshness: {"max_age_hours": n} on a date/timestamp column (naive timestamps are read as UTC).
    row_count: {"min": a, "max": b}. custom_sql: {"sql": "SELECT ...", "returns": "rows" | "count"}
    (rows: the query returns failing rows, passes when none; count: it returns one number, passes
    when it is 0).
    """

    kind: str
    table: TableSnapshot
    column: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QualityResult:
    status: str  # "passed" | "failed" | "error" (the source could not answer)
    observed: dict[str, Any]
    message: str
    failing_rows_sample: tuple[dict[str, Any], ...] = ()
    duration_ms: int = 0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "passed": self.passed,
            "observed": self.observed,
            "message": self.message,
            "failing_rows_sample": list(self.failing_rows_sample),
            "duration_ms": self.duration_ms,
        }


def check_spec_validate(spec: QualityCheckSpec, *, dialect: str = "") -> None:
    """Raise InvalidCheckError with a clear message when the definition cannot run."""
    if spec.kind not in CHECK_KINDS:
        raise InvalidCheckError(f"Unknown check kind {spec.kind!r}; use one of {CHECK_KINDS}.")
    if spec.kind in COLUMN_KINDS and not spec.column:
        raise InvalidCheckError(f"A {spec.kind} check needs a column.")
    if spec.column and spec.column not in {column.name for column in spec.table.columns}:
        raise InvalidCheckError(f"{spec.table.qualified_name} has no column {spec.column!r}.")
    validator = _PARAM_VALIDATORS.get(spec.kind)
    if validator:
        validator(spec.params, dialect)


def run_check(engine: Engine, spec: QualityCheckSpec) -> QualityResult:
    """Run one check against the source. A bad definition raises InvalidCheckError; a source that
    cannot answer (table gone, query refused) gives status "error" with the reason."""
    check_spec_validate(spec, dialect=engine.dialect.name)
    started = time.monotonic()
    try:
        with engine.connect() as connection:
            result = _RUNNERS[spec.kind](connection, spec)
    except sa_exc.DBAPIError as error:
        result = _error(str(source_error(engine, spec.table, error)))
    except ProfileError as error:
        result = _error(str(error))
    elapsed = round((time.monotonic() - started) * 1000)
    return QualityResult(
        result.status, result.observed, result.message, result.failing_rows_sample, elapsed
    )


def _error(message: str) -> QualityResult:
    return QualityResult("error", {}, message)


# --- Parameters ---


def _number(params: Mapping[str, Any], key: str) -> float | None:
    value = params.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidCheckError(f"{key} must be a number, got {value!r}.")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidCheckError(f"{key} must be a number, got {value!r}.") from None


def _validate_accepted(params: Mapping[str, Any], _: str) -> None:
    values = params.get("values")
    if not isinstance(values, list | tuple) or not values:
        raise InvalidCheckError("accepted_values needs a non-empty list of values.")
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        raise InvalidCheckError("Accepted values must be strings or numbers.")


def _validate_bounds(params: Mapping[str, Any], _: str) -> None:
    low, high = params.get("min"), params.get("max")
    if low in (None, "") and high in (None, ""):
        raise InvalidCheckError("Give a minimum, a maximum or both.")
    for key, value in (("min", low), ("max", high)):
        if value not in (None, "") and _as_date(value) is None:
            _number(params, key)
    if _comparable(low) is not None and _comparable(high) is not None:
        if _comparable(low) > _comparable(high):
            raise InvalidCheckError(f"The minimum {low!r} is above the maximum {high!r}.")


def _comparable(value: Any) -> Any:
    if value in (None, ""):
        return None
    parsed = _as_date(value)
    return parsed if parsed is not None else float(value)


def _as_date(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCheckError(f"{value!r} is not a valid ISO date.") from None
    return None


def _validate_regex(params: Mapping[str, Any], _: str) -> None:
    pattern = params.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise InvalidCheckError("regex needs a pattern.")
    try:
        re.compile(pattern)
    except re.error as error:
        raise InvalidCheckError(f"The pattern {pattern!r} is not a valid regex: {error}.") from None


def _validate_freshness(params: Mapping[str, Any], _: str) -> None:
    hours = _number(params, "max_age_hours")
    if hours is None or hours <= 0:
        raise InvalidCheckError("freshness needs max_age_hours, a positive number.")


def _validate_custom_sql(params: Mapping[str, Any], dialect: str) -> None:
    if params.get("returns", "rows") not in ("rows", "count"):
        raise InvalidCheckError('returns must be "rows" or "count".')
    select_only_sql(params.get("sql"), dialect=dialect)


_PARAM_VALIDATORS = {
    "accepted_values": _validate_accepted,
    "range": _validate_bounds,
    "row_count": _validate_bounds,
    "regex": _validate_regex,
    "freshness": _validate_freshness,
    "custom_sql": _validate_custom_sql,
}


def select_only_sql(sql: Any, *, dialect: str = "") -> str:
    """The statement without its trailing semicolon, if it is exactly one read-only SELECT."""
    import sqlglot
    from sqlglot import exp

    if not isinstance(sql, str) or not sql.strip():
        raise InvalidCheckError("custom_sql needs a SELECT statement.")
    try:
        statements = [s for s in sqlglot.parse(sql, read=_sqlglot_dialect(dialect)) if s]
    except sqlglot.errors.ParseError as error:
        raise InvalidCheckError(f"The SQL does not parse: {str(error).splitlines()[0]}") from None
    if len(statements) != 1:
        raise InvalidCheckError(f"Give exactly one statement (found {len(statements)}).")
    statement = statements[0]
    writes = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter)
    if not isinstance(statement, exp.Query) or any(statement.find_all(*writes, exp.Command)):
        raise InvalidCheckError("Only a SELECT is allowed: the check must not change data.")
    if statement.find(exp.Into) is not None or statement.find(exp.Lock) is not None:
        raise InvalidCheckError("SELECT ... INTO and locking reads are not allowed.")
    return sql.strip().rstrip(";").strip()


def _sqlglot_dialect(dialect: str) -> str | None:
    if not dialect:
        return None
    return SQLGLOT_DIALECTS.get(dialect, dialect)


# --- Running with OpenMetadata's validators ---


def _om_validate(
    connection: Connection, spec: QualityCheckSpec, validator_path: str, params: dict[str, str]
) -> tuple[bool, str, dict[str, Any]]:
    """Run one OpenMetadata validator against the table; its verdict, message and figures."""
    import importlib

    from metadata.generated.schema.tests.basic import TestCaseStatus
    from metadata.generated.schema.type.basic import Timestamp
    from metadata.profiler.processor.runner import QueryRunner
    from sqlalchemy.orm import Session

    module_name, class_name = validator_path.rsplit(".", 1)
    validator_class = getattr(importlib.import_module(module_name), class_name)
    source = reflect_table(connection, spec.table)
    with Session(bind=connection) as session, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Dialect sqlite.*Decimal", sa_exc.SAWarning)
        runner = QueryRunner(session=session, dataset=source, raw_dataset=source)
        now = Timestamp.model_validate(int(time.time() * 1000))
        outcome = validator_class(runner, _om_test_case(spec, params), now).run_validation()
    if outcome.testCaseStatus == TestCaseStatus.Aborted:
        raise ProfileError(outcome.result or "The source could not compute the check.")
    observed = {value.name: _om_value(value.value) for value in outcome.testResultValue or []}
    return outcome.testCaseStatus == TestCaseStatus.Success, outcome.result or "", observed


def _om_test_case(spec: QualityCheckSpec, params: dict[str, str]) -> Any:
    from metadata.generated.schema.tests.testCase import TestCase

    link = "<#E::table::workbench.source.schema.table"
    link += f"::columns::{quote_plus(spec.column)}>" if spec.column else ">"
    return TestCase.model_validate(
        {
            "id": str(uuid.uuid4()),
            "name": spec.kind,
            "fullyQualifiedName": f"workbench.source.schema.table.{spec.kind}",
            "entityLink": link,
            "testDefinition": {"id": str(uuid.uuid4()), "type": "testDefinition"},
            "testSuite": {"id": str(uuid.uuid4()), "type": "testSuite"},
            "parameterValues": [{"name": k, "value": v} for k, v in params.items()],
        }
    )


def _om_value(value: Any) -> Any:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    return int(number) if number.is_integer() else number


_OM = "metadata.data_quality.validations"


def _check_with_om(
    connection: Connection,
    spec: QualityCheckSpec,
    validator: str,
    params: dict[str, str],
    failing: Any = None,
) -> QualityResult:
    passed, message, observed = _om_validate(connection, spec, f"{_OM}.{validator}", params)
    rows = () if passed or failing is None else _failing_values(connection, spec, failing)
    return QualityResult("passed" if passed else "failed", observed, message, rows)


def _failing_values(
    connection: Connection, spec: QualityCheckSpec, predicate: Any
) -> tuple[dict[str, Any], ...]:
    """Up to FAILING_ROWS_LIMIT offending values of the checked column (never whole rows)."""
    source = reflect_table(connection, spec.table)
    column = source.c[spec.column]
    query = sa.select(column).where(predicate(column)).distinct().limit(FAILING_ROWS_LIMIT)
    rows = _fetch(connection, query)
    return tuple({spec.column: json_scalar(row[0], clip=True)} for row in rows)


def _not_null(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    validator = "column.sqlalchemy.columnValuesToBeNotNull.ColumnValuesToBeNotNullValidator"
    return _check_with_om(connection, spec, validator, {}, lambda column: column.is_(None))


def _unique(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    validator = "column.sqlalchemy.columnValuesToBeUnique.ColumnValuesToBeUniqueValidator"

    def duplicated(column: Any) -> Any:
        repeated = sa.select(column).where(column.isnot(None)).group_by(column)
        return column.in_(repeated.having(sa.func.count() > 1).scalar_subquery())

    return _check_with_om(connection, spec, validator, {}, duplicated)


def _accepted_values(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    validator = "column.sqlalchemy.columnValuesToBeInSet.ColumnValuesToBeInSetValidator"
    values = list(spec.params["values"])
    params = {"allowedValues": json.dumps(values), "matchEnum": "true"}
    return _check_with_om(
        connection, spec, validator, params, lambda c: sa.or_(c.is_(None), c.notin_(values))
    )


def _range(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    low, high = spec.params.get("min"), spec.params.get("max")
    source = reflect_table(connection, spec.table)
    column_type = source.c[spec.column].type
    if isinstance(column_type, sa.Date | sa.DateTime):
        return _date_range(connection, spec, source.c[spec.column], low, high)
    validator = "column.sqlalchemy.columnValuesToBeBetween.ColumnValuesToBeBetweenValidator"
    minimum, maximum = _number(spec.params, "min"), _number(spec.params, "max")
    bounds = (("minValue", minimum), ("maxValue", maximum))
    params = {key: str(value) for key, value in bounds if value is not None}

    def outside(column: Any) -> Any:
        parts = [column < minimum] if minimum is not None else []
        return sa.or_(*parts, *([column > maximum] if maximum is not None else []))

    return _check_with_om(connection, spec, validator, params, outside)


def _date_range(
    connection: Connection, spec: QualityCheckSpec, column: Any, low: Any, high: Any
) -> QualityResult:
    is_date = not isinstance(column.type, sa.DateTime)
    bounds = []
    for bound in (_as_date(low), _as_date(high)):
        value = None if bound is None else bound.date() if is_date else bound.replace(tzinfo=None)
        bounds.append(value)

    def outside(column: Any) -> Any:
        parts = [column < bounds[0]] if bounds[0] is not None else []
        return sa.or_(*parts, *([column > bounds[1]] if bounds[1] is not None else []))

    failing = _fetch(connection, sa.select(sa.func.count()).where(outside(column)))[0][0]
    rows = _failing_values(connection, spec, outside) if failing else ()
    message = f"Found {failing} value(s) outside [{low or '…'}, {high or '…'}]."
    status = "failed" if failing else "passed"
    return QualityResult(status, {"failing_count": int(failing)}, message, rows)


def _regex(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    pattern = spec.params["pattern"]
    if connection.dialect.name in REGEX_DIALECTS:
        validator = "column.sqlalchemy.columnValuesToMatchRegex.ColumnValuesToMatchRegexValidator"
        return _check_with_om(
            connection, spec, validator, {"regex": pattern},
            lambda column: sa.not_(column.regexp_match(pattern)),
        )  # fmt: skip
    return _regex_in_python(connection, spec, pattern)


def _regex_in_python(connection: Connection, spec: QualityCheckSpec, pattern: str) -> QualityResult:
    """For sources without a regex operator: Python's re over a bounded sample, said so."""
    source = reflect_table(connection, spec.table)
    column = source.c[spec.column]
    query = sa.select(column).where(column.isnot(None)).limit(REGEX_SAMPLE_ROWS)
    with connection.begin():
        values = [row[0] for row in connection.execute(query)]
    compiled = re.compile(pattern)
    failing = [value for value in values if not compiled.search(str(value))]
    message = (
        f"{len(failing)} of {len(values)} sampled value(s) do not match {pattern!r} "
        f"(checked in Python on up to {REGEX_SAMPLE_ROWS} rows: the source has no regex operator)."
    )
    rows = tuple({spec.column: json_scalar(v, clip=True)} for v in failing[:FAILING_ROWS_LIMIT])
    observed = {"checked": len(values), "failing_count": len(failing)}
    return QualityResult("failed" if failing else "passed", observed, message, rows)


def _row_count(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    validator = "table.sqlalchemy.tableRowCountToBeBetween.TableRowCountToBeBetweenValidator"
    bounds = (("minValue", _number(spec.params, "min")), ("maxValue", _number(spec.params, "max")))
    params = {key: str(int(value)) for key, value in bounds if value is not None}
    return _check_with_om(connection, spec, validator, params)


def _freshness(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    source = reflect_table(connection, spec.table)
    column = source.c[spec.column]
    if not isinstance(column.type, sa.Date | sa.DateTime):
        raise InvalidCheckError(f"Freshness needs a date or timestamp column, not {column.type}.")
    with connection.begin():
        latest = connection.execute(sa.select(sa.func.max(column))).scalar_one()
    max_hours = _number(spec.params, "max_age_hours") or 0.0
    if latest is None:
        return QualityResult("failed", {"latest": None}, "The column has no values at all.")
    moment = _as_date(latest) if not isinstance(latest, datetime) else latest
    assert moment is not None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    age_hours = round((datetime.now(tz=UTC) - moment).total_seconds() / 3600, 2)
    passed = age_hours <= max_hours
    message = f"Newest value {moment.isoformat()} is {age_hours} h old (limit {max_hours:g} h)."
    observed = {"latest": moment.isoformat(), "age_hours": age_hours}
    return QualityResult("passed" if passed else "failed", observed, message)


def _custom_sql(connection: Connection, spec: QualityCheckSpec) -> QualityResult:
    sql = select_only_sql(spec.params["sql"], dialect=connection.dialect.name)
    returns = spec.params.get("returns", "rows")
    with connection.begin():
        _read_only(connection)
        if returns == "count":
            value = connection.execute(sa.text(sql)).scalar()
            try:
                failing = int(value or 0)
            except (TypeError, ValueError):
                raise InvalidCheckError(f"The query returned {value!r}, not a count.") from None
            sample: tuple[dict[str, Any], ...] = ()
        else:
            counted = sa.text(f"SELECT COUNT(*) FROM ({sql}) AS failing_rows")  # noqa: S608
            failing = int(connection.execute(counted).scalar_one())
            result = connection.execute(sa.text(sql))
            sample = tuple(
                {key: json_scalar(value, clip=True) for key, value in row._mapping.items()}
                for row in result.fetchmany(FAILING_ROWS_LIMIT)
            )
            result.close()
    message = f"The query found {failing} failing row(s)." if failing else "No failing rows."
    return QualityResult(
        "failed" if failing else "passed", {"failing_count": failing}, message, sample
    )


def _read_only(connection: Connection) -> None:
    """Defence in depth behind the SELECT-only parse: the source itself refuses writes."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")


_RUNNERS = {
    "not_null": _not_null,
    "unique": _unique,
    "accepted_values": _accepted_values,
    "range": _range,
    "regex": _regex,
    "freshness": _freshness,
    "row_count": _row_count,
    "custom_sql": _custom_sql,
}
