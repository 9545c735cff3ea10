"""The Rego unit tests shipped in policies/*_test.rego pass (OPA's convention: test_ rules),
each reported by name."""

from __future__ import annotations

import pytest

from workbench.governance.policy.documents import folder_sources
from workbench.governance.policy.rego import RegoTestResult, rego_test_names, run_tests

SOURCES = folder_sources()
TEST_NAMES = [f"{path}::{name}" for path, text in SOURCES.items() for name in rego_test_names(text)]


@pytest.fixture(scope="module")
def results() -> dict[str, RegoTestResult]:
    return {f"{r.path}::{r.name}": r for r in run_tests(SOURCES)}


def test_the_policies_folder_ships_rego_tests() -> None:
    assert any(path.endswith("_test.rego") for path in SOURCES)
    assert len(TEST_NAMES) >= 20


def test_every_rego_test_ran(results: dict[str, RegoTestResult]) -> None:
    assert set(results) == set(TEST_NAMES)


@pytest.mark.parametrize("name", TEST_NAMES)
def test_rego(name: str, results: dict[str, RegoTestResult]) -> None:
    assert results[name].passed, results[name].message


def test_a_broken_rule_fails_the_test_that_covers_it() -> None:
    broken = SOURCES["access.rego"].replace("\tclassification <= 2\n", "\tclassification <= 1\n", 1)
    assert broken != SOURCES["access.rego"]
    failed = {
        r.name: r.message for r in run_tests({**SOURCES, "access.rego": broken}) if not r.passed
    }
    assert "test_every_catalog_role_discovers_confidential" in failed
    assert "not true" in failed["test_every_catalog_role_discovers_confidential"]
