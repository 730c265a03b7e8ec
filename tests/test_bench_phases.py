"""bench/phases.py: the peak RSS of each phase of `kalog analyze`, on a real capture."""

from __future__ import annotations

import re
import sys

import pytest

from bench import phases
from tests.conftest import LAB

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc/self/status")


def test_every_phase_is_measured(capsys: pytest.CaptureFixture[str]) -> None:
    assert phases.main([str(LAB / "script-failover" / "node-a.log"), "sarif"]) == 0
    lines = capsys.readouterr().err.splitlines()
    names = [re.split(r"\s{2,}| \d", line)[0] for line in lines]
    assert names == [
        "imports",
        "read (0.0 MB frame)",
        "replay and rules",
        "frame dropped",
        "report (sarif)",
    ]
    for line in lines:
        rss, peak = map(int, re.findall(r"(?:rss|peak)\s+([\d,]+) MB", line.replace(",", "")))
        assert 0 < rss <= peak or line.startswith(("frame dropped", "report"))


def test_without_a_file_it_says_how_to_run_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert phases.main([]) == 2
    assert "python -m bench.phases" in capsys.readouterr().err
