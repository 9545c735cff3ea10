"""Governance: the one governed path to the contents of data sources (policies, masking, grants)."""
