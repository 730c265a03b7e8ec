"""The replay model against real keepalived 2.2.7 (the committed lab captures)."""

from __future__ import annotations

import pytest

from tests.conftest import LAB
from tests.model_checks import LabCapture, check_dumps, check_inferred_priorities, check_states

SCENARIOS = sorted(p.parent.name for p in LAB.glob("*/scenario.json"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_replayed_states_follow_the_logged_state_lines(scenario: str) -> None:
    check_states(LabCapture(LAB / scenario))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_inferred_priority_equals_every_logged_change(scenario: str) -> None:
    check_inferred_priorities(LabCapture(LAB / scenario))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_data_dumps_agree_with_the_timeline(scenario: str) -> None:
    check_dumps(LabCapture(LAB / scenario))


def test_the_checks_cover_real_changes_and_dumps() -> None:
    changes = sum(check_inferred_priorities(LabCapture(LAB / s)) for s in SCENARIOS)
    dumps = sum(check_dumps(LabCapture(LAB / s)) for s in SCENARIOS)
    assert changes >= 8
    assert dumps >= 29
