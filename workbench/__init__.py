"""Workbench: project wiring and the cross-cutting parts (accounts, audit, core)."""

from workbench.celery import app as celery_app

__all__ = ["celery_app"]
