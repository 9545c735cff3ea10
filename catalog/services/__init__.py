"""Writes to the catalog, one module per area (sources and scans, curation, glossary, ...)."""
