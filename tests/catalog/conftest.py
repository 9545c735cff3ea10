"""Catalog test fixtures shared by the catalog's page, API and preview tests."""

from tests.catalog.catalog_fixtures import world

__all__ = ["world"]
