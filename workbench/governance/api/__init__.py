"""Governance REST API, mounted at /api/governance/."""
