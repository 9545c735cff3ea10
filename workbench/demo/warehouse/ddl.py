"""DDL for the warehouse: CREATE TABLE / VIEW, foreign keys and indexes, per engine."""

from workbench.demo.warehouse.schema import ORDER_MONTH_SQL, Column, Table, View


def create_table_sql(table: Table, *, inline_foreign_keys: bool) -> str:
    columns = ",\n    ".join(column_sql(column, inline_foreign_keys) for column in table.columns)
    return f"CREATE TABLE {table.name} (\n    {columns}\n)"


def column_sql(column: Column, inline_foreign_keys: bool) -> str:
    parts = [column.name, column.sql_type]
    if column.primary_key:
        parts.append("PRIMARY KEY")
    elif not column.nullable:
        parts.append("NOT NULL")
    if column.references and inline_foreign_keys:
        parts.append(f"REFERENCES {column.references}")
    return " ".join(parts)


def foreign_key_sql(table: Table) -> list[str]:
    return [
        f"ALTER TABLE {table.name} ADD CONSTRAINT fk_{table.name}_{column.name} "
        f"FOREIGN KEY ({column.name}) REFERENCES {column.references}"
        for column in table.columns
        if column.references
    ]


def index_sql(table: Table) -> list[str]:
    return [
        f"CREATE INDEX ix_{table.name}_{column.name} ON {table.name} ({column.name})"
        for column in table.columns
        if column.references
    ]


def create_view_sql(view: View, engine: str) -> str:
    return f"CREATE VIEW {view.name} AS {view.sql.format(order_month=ORDER_MONTH_SQL[engine])}"
