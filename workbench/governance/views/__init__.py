"""Governance pages, one module per area (policies, simulator, heat-map, overview, requests...)."""
