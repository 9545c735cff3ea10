"""Browser tests: headless Chromium (Debian's, no Playwright download) against a live server.

Every test here is marked `browser`, signs in through the real login form, and fails if the page
logs a console error: the app's Content-Security-Policy forbids inline scripts and styles, and a
page that breaks it (or throws a JavaScript error) is a bug.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, Response

from tests.factories import TEST_PASSWORD

# Playwright's sync API runs an event loop in the main thread; without this, ORM calls in the test
# body (reading a persona's name, say) raise SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder `browser` (the hook sees the whole session's items)."""
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium headless; WORKBENCH_CHROMIUM points at another binary.

    A missing browser fails the run instead of skipping it, so CI cannot pass without these tests.
    Command-line options of pytest-playwright (--headed, --slowmo) still apply.
    """
    executable = os.environ.get("WORKBENCH_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(executable).is_file():
        pytest.fail(
            f"Chromium not found at {executable!r}: install it (apt-get install chromium) or set "
            "WORKBENCH_CHROMIUM to its path. Browser tests never download a browser.",
            pytrace=False,
        )
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
    }


class Login(Protocol):
    def __call__(self, username: str, password: str = TEST_PASSWORD) -> None: ...


@pytest.fixture
def login(page: Page, live_server: Any) -> Login:
    """Sign in through the login form, as a person would, and wait for the next page."""

    def sign_in(username: str, password: str = TEST_PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()

    return sign_in


@pytest.fixture(autouse=True)
def browser_console_errors(page: Page) -> Iterator[list[str]]:
    """Collect console errors (CSP violations included) and uncaught exceptions; none may occur.

    Chromium also logs "Failed to load resource" for a page whose status is an error. Tests visit
    such pages on purpose (the 403 page, the throttled login) and assert on the status themselves,
    so that message is ignored for top-level documents only: a missing script or stylesheet still
    fails the test.
    """
    errors: list[str] = []
    error_documents: set[str] = set()

    def on_response(response: Response) -> None:
        if response.request.resource_type == "document" and response.status >= 400:
            error_documents.add(response.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if message.text.startswith("Failed to load resource") and url in error_documents:
            return
        errors.append(f"{message.text} (at {url or page.url})")

    def on_page_error(error: Error) -> None:
        errors.append(f"Uncaught {error.name}: {error.message} (on {page.url})")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield errors
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)
