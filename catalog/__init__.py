"""Data catalog: sources, assets, glossary, classification, lineage and scans."""
