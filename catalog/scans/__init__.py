"""Background scans of data sources: connect, introspect metadata, profile, classify, check quality.

The modules here are plain Python over SQLAlchemy (no Django models), so that they can be tested and
benchmarked on their own; `catalog.services` turns their results into catalog rows.
"""
