"""Structured logs: JSON lines that carry the request id of the work they belong to."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from copy import deepcopy

import pytest
from django.conf import settings
from django.test import Client

from workbench.core.request_context import (
    RequestContext,
    request_context_bind,
    request_context_reset,
)


@pytest.fixture
def json_log() -> io.StringIO:
    stream = io.StringIO()
    config = deepcopy(settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    config["root"]["level"] = "INFO"
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(settings.LOGGING)


def test_log_lines_are_json_with_request_id(json_log: io.StringIO) -> None:
    token = request_context_bind(RequestContext(request_id="req-123", ip="10.0.0.1"))
    try:
        logging.getLogger("workbench.test").info("hello %s", "world")
    finally:
        request_context_reset(token)
    line = json.loads(json_log.getvalue().strip().splitlines()[-1])
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-123"
    assert line["level"] == "INFO"
    assert line["logger"] == "workbench.test"


@pytest.mark.django_db
def test_request_logs_carry_the_response_request_id(json_log: io.StringIO, client: Client) -> None:
    response = client.get("/no-such-page/")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    not_found = [line for line in lines if "Not Found" in line["message"]]
    assert not_found
    assert not_found[0]["request_id"] == response["X-Request-ID"]
