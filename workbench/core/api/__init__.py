"""Shared REST API pieces: one error format, pagination, permission helpers."""
