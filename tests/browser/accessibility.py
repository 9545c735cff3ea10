"""Accessibility checks for browser tests: axe-core (bundled in the axe-playwright-python wheel,
so nothing is downloaded at test time) run on the page as it is now.

Call `assert_no_serious_axe_violations(page)` after a page (or an htmx update) has settled, in
every browser test that opens a main page. It fails on violations of impact "serious" or
"critical" of WCAG 2.0/2.1/2.2 A and AA and axe's best practices, naming each rule, the elements
and the fix axe suggests. Minor and moderate findings are not failures.

    from tests.browser.accessibility import assert_no_serious_axe_violations

    page.goto(f"{live_server.url}/catalog/")
    assert_no_serious_axe_violations(page)
    # a part of the page only, or a rule left out with the reason said in the test:
    assert_no_serious_axe_violations(page, include="#results", skip_rules={"region": "..."})
"""

from __future__ import annotations

from functools import cache
from typing import Any

from playwright.sync_api import Page

BLOCKING_IMPACTS = frozenset({"serious", "critical"})
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_run(page: Page, *, include: str | None = None) -> dict[str, Any]:
    """axe-core's results for the page (or the part matched by the CSS selector `include`)."""
    page.wait_for_load_state("load")
    # Injected through the DevTools protocol, so the page's CSP (no inline scripts) still holds.
    page.evaluate(_axe_script())
    options = {"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": RULE_TAGS}}
    result: dict[str, Any] = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [include, options]
    )
    return result


def serious_axe_violations(
    page: Page, *, include: str | None = None, skip_rules: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    skipped = skip_rules or {}
    return [
        violation
        for violation in axe_run(page, include=include)["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS and violation["id"] not in skipped
    ]


def axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def assert_no_serious_axe_violations(
    page: Page, *, include: str | None = None, skip_rules: dict[str, str] | None = None
) -> None:
    """Fail when axe-core finds a serious or critical accessibility violation on the page.

    `skip_rules` maps a rule id to the reason it does not apply here (say why; keep it rare).
    """
    violations = serious_axe_violations(page, include=include, skip_rules=skip_rules)
    assert not violations, (
        f"Accessibility (axe-core) on {page.url}: {len(violations)} serious or critical "
        f"violation(s):\n{axe_report(violations)}"
    )
