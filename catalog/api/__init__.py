"""The catalog REST API (DRF), one module per area."""
