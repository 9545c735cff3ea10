"""Celery tasks of the literacy app; Celery's autodiscovery imports this module.

Each feature keeps its tasks in its own module and is imported here.
"""

from literacy.okrs.tasks import okr_key_result_refresh_task, okr_key_results_refresh_task
from literacy.snapshot_tasks import literacy_snapshot_task

__all__ = ["literacy_snapshot_task", "okr_key_result_refresh_task", "okr_key_results_refresh_task"]
