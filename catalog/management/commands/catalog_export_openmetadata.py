"""`manage.py catalog_export_openmetadata SOURCE_NAME [-o FILE]`: a source's catalog as
OpenMetadata entity JSON lines, built at once in this process (the same service as the worker's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.models import DataSource
from catalog.services.exports import ExportError, catalog_export_unattended


class Command(BaseCommand):
    help = (
        "Export a data source's catalog (tables, columns, profiles, owners, tags) as OpenMetadata "
        "entity JSON lines, validated by openmetadata-ingestion's models; to standard output "
        "unless -o names a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source_name", metavar="SOURCE_NAME", help="The data source's name.")
        parser.add_argument(
            "-o", "--output", type=Path, metavar="FILE", help="Write the JSON lines to FILE."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["source_name"]
        source = DataSource.objects.filter(name=name).first()
        if source is None:
            known = ", ".join(DataSource.objects.values_list("name", flat=True)[:20]) or "none"
            raise CommandError(f"No data source named {name!r} (known: {known}).")
        output: Path | None = options["output"]
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"Cannot write {output}: folder {output.parent} does not exist.")
        try:
            content = catalog_export_unattended(source=source, actor_username="manage.py")
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        entities = content.count("\n")
        if output is None:
            self.stdout.write(content, ending="")
            self.stderr.write(f"Exported {entities} OpenMetadata entities of {source.name}.")
            return
        output.write_text(content, encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {entities} OpenMetadata entities of {source.name} to {output}."
            )
        )
