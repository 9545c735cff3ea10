"""PostgreSQL keeps the search vector stored (a generated column), so matching never recomputes
to_tsvector per row, whatever plan the planner picks; the GIN index moves onto the stored column.

The column is PostgreSQL-only and unknown to the Django model: it is generated from
search_document, never written, and read only by `catalog.search`.
"""

from typing import Any

from django.db import migrations

FORWARD = [
    "ALTER TABLE catalog_asset ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_document)) STORED",
    "CREATE INDEX IF NOT EXISTS catalog_asset_search_vector ON catalog_asset "
    "USING GIN (search_vector)",
    "DROP INDEX IF EXISTS catalog_asset_search_fts",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_asset_search_fts ON catalog_asset "
    "USING GIN (to_tsvector('simple'::regconfig, search_document))",
    "DROP INDEX IF EXISTS catalog_asset_search_vector",
    "ALTER TABLE catalog_asset DROP COLUMN IF EXISTS search_vector",
]


def _postgresql_only(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_asset_search_document")]

    operations = [migrations.RunPython(_postgresql_only(FORWARD), _postgresql_only(BACKWARD))]
