"""Every line real keepalived 2.2.7 wrote in the lab captures is typed."""

from __future__ import annotations

import pytest

import kalog
from kalog.errors import InputWarning
from tests.conftest import LAB


def test_every_lab_capture_line_is_typed() -> None:
    logs = sorted(LAB.glob("*/*.log"))
    assert len(logs) >= 16
    # every scenario's node-a and node-b (and node-c) are other machines: kept apart
    with pytest.warns(InputWarning, match=r"host node-[abc] is (11|2) machines") as caught:
        events = kalog.read_events(logs)
    assert len(caught) == 3  # node-c: three-stop's and catalogue-lines'
    unknown = events[events["kind"] == "unknown"]
    assert unknown["body"].tolist() == []
    assert events.attrs["stats"]["keepalived_lines"] == len(events)
    # the parent's data dump and its CPU line, and the 2.2.7 reload line
    bodies = set(events["body"])
    assert "Reload complete" in bodies
    assert any(b.startswith("Printing parent data for process(") for b in bodies)
