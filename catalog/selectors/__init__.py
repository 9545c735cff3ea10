"""Reads from the catalog, one module per area; lists filter in the database."""
