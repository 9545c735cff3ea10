"""Governance in a browser: an admin edits a policy with a mistake (sees the line, keeps the
text), fixes it and reads the new version's diff; the what-if simulator round trip with its
search-as-you-type pickers; the heat-map's legend."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.browser.conftest import Login
from tests.governance.pages.conftest import (
    OversightWorld,
    oversight_world_build,
    policies_install,
)
from workbench.accounts.models import User

MISTAKE = "\nallow if {\n  input.subject.clearance >=\n"
FIX = "\n# Reviewed by the data council: no change in behaviour.\n"


@pytest.fixture
def oversight(steward: User, owner: User) -> OversightWorld:
    return oversight_world_build(policies=policies_install(), steward=steward, owner=owner)


def test_admin_fixes_a_broken_policy_and_reads_the_diff(
    page: Page, live_server: Any, login: Login, admin: User, oversight: OversightWorld
) -> None:
    original = oversight.access.versions.get(number=1).source
    login("admin")
    page.goto(f"{live_server.url}/governance/")
    page.get_by_role("link", name="Policies", exact=True).first.click()
    page.get_by_role("link", name="access.rego", exact=True).click()
    expect(page.get_by_test_id("policy-source")).to_contain_text("package workbench.access")
    page.get_by_role("link", name="Edit policy").click()

    editor = page.get_by_label("Rego source")
    editor.fill(original + MISTAKE)
    page.get_by_label("What changed and why").fill("Tighten discovery")
    page.get_by_role("button", name="Save new version").click()

    problems = page.get_by_test_id("policy-problems")
    broken_line = len((original + MISTAKE).splitlines()) - 1
    expect(problems).to_contain_text(f"line {broken_line}, column")
    expect(editor).to_have_value(original + MISTAKE)
    expect(page.get_by_label("What changed and why")).to_have_value("Tighten discovery")
    assert_no_serious_axe_violations(page)
    assert oversight.access.versions.count() == 1

    editor.fill(original + FIX)
    page.get_by_label("What changed and why").fill("Council review note")
    page.get_by_role("button", name="Save new version").click()

    diff = page.get_by_test_id("policy-diff")
    expect(diff).to_contain_text("+# Reviewed by the data council: no change in behaviour.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("v1 → v2")
    assert_no_serious_axe_violations(page)
    assert_no_serious_axe_violations(page)
    assert oversight.access.versions.get(number=2).comment == "Council review note"


def test_steward_asks_the_simulator_about_an_analyst(
    page: Page,
    live_server: Any,
    login: Login,
    steward: User,
    analyst: User,
    oversight: OversightWorld,
) -> None:
    login("steward")
    page.goto(f"{live_server.url}/governance/simulator/")
    page.get_by_label("Find a person").fill("analy")
    expect(page.locator("#sim-user option")).to_have_count(1)
    page.get_by_label("Find an asset").fill("custom")
    expect(page.locator("#sim-asset option")).to_have_count(1)
    page.locator("#sim-user").select_option(
        label=f"analyst — {analyst.get_full_name()} ({analyst.department.name})"
    )  # type: ignore[union-attr]
    page.locator("#sim-asset").select_option(str(oversight.confidential.pk))
    page.get_by_label("Action", exact=True).select_option("preview")
    page.get_by_role("button", name="Ask").click()

    answer = page.get_by_test_id("decision-answer")
    expect(answer).to_contain_text("May analyst")
    expect(answer.get_by_test_id("decision")).to_have_attribute("data-allowed", "false")
    expect(answer).to_contain_text("Confidential data needs an approved access request.")
    expect(answer.get_by_test_id("needs-request")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Who may do this action on this asset?").check()
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_test_id("who-table")).to_contain_text("owner")


def test_heatmap_legend_reads_without_colour(
    page: Page, live_server: Any, login: Login, auditor: User, oversight: OversightWorld
) -> None:
    login("auditor")
    page.goto(f"{live_server.url}/governance/heatmap/")
    legend = page.get_by_test_id("heatmap-legend")
    for word in ("None", "Discover", "Masked", "Full"):
        expect(legend).to_contain_text(word)
    expect(page.get_by_test_id("heatmap").locator("td[data-level]").first).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_label("Rows").select_option("departments")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("heatmap")).to_contain_text("Department")
    assert_no_serious_axe_violations(page)
