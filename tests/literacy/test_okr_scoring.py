"""OKR scoring: progress per key result (linear, clamped), weighted per objective, lights."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from literacy.okrs.scoring import (
    Light,
    Weighted,
    kr_progress,
    light_for,
    objective_progress,
    raw_ratio,
)


@pytest.mark.parametrize(
    ("start", "target", "current", "expected"),
    [
        pytest.param("0", "10", "0", "0", id="at-start"),
        pytest.param("0", "10", "4", "0.4", id="part-way"),
        pytest.param("0", "10", "10", "1", id="at-target"),
        pytest.param("20", "70", "45", "0.5", id="non-zero-start"),
        pytest.param("0", "10", "-5", "0", id="below-start-clamps-to-0"),
        pytest.param("12", "4", "8", "0.5", id="target-below-start-half-way"),
        pytest.param("12", "4", "4", "1", id="target-below-start-reached"),
        pytest.param("12", "4", "14", "0", id="target-below-start-worse-than-start"),
        pytest.param("12", "4", "2", "1", id="target-below-start-beaten-clamps"),
    ],
)
def test_key_result_progress_is_linear_and_clamped(
    start: str, target: str, current: str, expected: str
) -> None:
    assert kr_progress(start=D(start), target=D(target), current=D(current)) == D(expected)


def test_over_achievement_clamps_to_one_but_keeps_the_raw_ratio() -> None:
    values = {"start": D(0), "target": D(100), "current": D(125)}
    assert kr_progress(**values) == 1
    assert raw_ratio(**values) == D("1.25")


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        pytest.param("99.9", "1", id="at-threshold"),
        pytest.param("100", "1", id="above-threshold"),
        pytest.param("99.8", "0", id="below-threshold"),
    ],
)
def test_zero_range_is_a_threshold_to_hold(current: str, expected: str) -> None:
    values = {"start": D("99.9"), "target": D("99.9"), "current": D(current)}
    assert kr_progress(**values) == D(expected)
    assert raw_ratio(**values) == D(expected)


def test_objective_progress_is_weighted() -> None:
    progress = objective_progress(
        [Weighted(progress=D(1), weight=D(3)), Weighted(progress=D(0), weight=D(1))]
    )
    assert progress == D("0.75")


def test_weights_summing_to_zero_count_every_key_result_equally() -> None:
    progress = objective_progress(
        [Weighted(progress=D("0.2"), weight=D(0)), Weighted(progress=D("0.6"), weight=D(0))]
    )
    assert progress == D("0.4")


def test_a_zero_weight_key_result_does_not_count_when_others_weigh() -> None:
    progress = objective_progress(
        [Weighted(progress=D("0.2"), weight=D(0)), Weighted(progress=D("0.6"), weight=D(2))]
    )
    assert progress == D("0.6")


def test_an_objective_without_key_results_has_no_progress() -> None:
    assert objective_progress([]) is None
    assert light_for(None) is Light.NONE


@pytest.mark.parametrize(
    ("progress", "light"),
    [
        pytest.param("1", Light.GREEN, id="done"),
        pytest.param("0.7", Light.GREEN, id="green-from-0.7"),
        pytest.param("0.6999", Light.AMBER, id="just-below-green"),
        pytest.param("0.4", Light.AMBER, id="amber-from-0.4"),
        pytest.param("0.3999", Light.RED, id="just-below-amber"),
        pytest.param("0", Light.RED, id="nothing"),
    ],
)
def test_traffic_lights(progress: str, light: Light) -> None:
    assert light_for(D(progress)) is light
    assert light.label  # a word, so the light reads without colour
