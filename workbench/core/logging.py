"""Logging helpers: every record carries the request id of the work it belongs to."""

import logging

from workbench.core.request_context import request_context_get


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context_get()
        record.request_id = context.request_id if context else "-"
        return True
