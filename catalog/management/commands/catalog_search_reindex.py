"""Rebuild every asset's search document (and SQLite's FTS table) from the catalog rows.

Services keep the index in step as they change assets; run this after a bulk load or a restore.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from catalog.models import Asset
from catalog.search import asset_search_refresh


class Command(BaseCommand):
    help = "Rebuild the catalog search index for all assets."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
        count = asset_search_refresh(asset_ids=ids)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Reindexed {count} assets in {elapsed:.1f} s.")
