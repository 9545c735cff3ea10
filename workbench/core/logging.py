"""Logging helpers: every record carries the request id of the work it belongs to."""

import logging

from workbench.core.request_context import request_context_get


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = request_context_get()
        record.request_id = context.request_id if context else "-"
        return True


class RefusalWithoutTracebackFilter(logging.Filter):
    """Django logs a refused request (403, 404, 400) with the exception's full traceback.

    A refusal is the app working as intended: one line with the status and path says enough.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
