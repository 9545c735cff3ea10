"""Search over assets: a search document per asset, indexed by the database in use.

PostgreSQL: pg_trgm (trigram typo tolerance) and GIN indexes over the full-text vector and
the asset name's trigrams. SQLite (the embedded default): an FTS5 table with the trigram tokenizer,
rowid = asset id, kept in step by `catalog.search.asset_search_refresh` (no triggers, no signals).
"""

from typing import Any

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS catalog_asset_search_fts ON catalog_asset "
    "USING GIN (to_tsvector('simple'::regconfig, search_document))",
    "CREATE INDEX IF NOT EXISTS catalog_asset_name_trgm ON catalog_asset "
    "USING GIN (name gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_asset_search_fts",
    "DROP INDEX IF EXISTS catalog_asset_name_trgm",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_asset_fts USING fts5(document, tokenize='trigram')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS catalog_asset_fts"]


def _run(statements_by_vendor: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_catalog")]

    operations = [
        migrations.AddField(
            model_name="asset",
            name="search_document",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Names, descriptions, column names, tags and terms, as search reads "
                "them; rewritten by catalog.search.asset_search_refresh whenever a service "
                "changes them.",
            ),
        ),
        # Runs only on PostgreSQL (Django's extension operations skip other databases).
        TrigramExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
