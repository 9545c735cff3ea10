"""Exports of the catalog to other tools' formats."""
