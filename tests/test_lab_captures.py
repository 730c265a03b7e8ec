"""The committed lab captures (samples/lab) are complete and show what they claim.

No root needed: these read the files recorded by `python3 -m tests.lab.record` and apply
the same exact checks as the live lab test (tests/lab/facts.py).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from lab.facts import CHECKS, LINE_RE, Capture
from lab.scenarios import SCENARIOS

LAB = Path(__file__).resolve().parent.parent / "samples" / "lab"
VERSION = "Keepalived v2.2.7 (01/16,2022)"


def test_every_scenario_has_a_capture() -> None:
    committed = sorted(p.name for p in LAB.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert committed == sorted(SCENARIOS)
    assert set(CHECKS) == set(SCENARIOS)


@pytest.fixture(params=sorted(SCENARIOS))
def capture_dir(request: pytest.FixtureRequest) -> Path:
    return LAB / request.param


def test_capture_is_complete(capture_dir: Path) -> None:
    meta = json.loads((capture_dir / "scenario.json").read_text())
    assert meta["scenario"] == capture_dir.name
    assert meta["keepalived_version"] == VERSION
    assert meta["failure"] is None
    assert meta["description"] and meta["shows"]
    for host, info in meta["hosts"].items():
        log = capture_dir / f"{host}.log"
        assert info["log"] == log.name and log.stat().st_size > 0
        assert info["configs"][0] == f"{host}.conf"
        for name in info["configs"] + info["dumps"] + [info["console"]]:
            assert (capture_dir / name).is_file(), name
        text = log.read_text()
        assert f"Keepalived[{info['pids'][0]}]: Starting {VERSION}" in text
        conf = (capture_dir / f"{host}.conf").read_text()
        assert "vrrp_instance vi_1 {" in conf or "virtual_server" in conf  # catalogue-lines' node-c
    for script in meta["scripts"]:
        assert (capture_dir / "scripts" / script).is_file()
    stray = {p.name.split(".")[0] for p in capture_dir.glob("*.log")} - set(meta["hosts"])
    assert not stray


def test_lines_name_their_host_and_parse(capture_dir: Path) -> None:
    for log in capture_dir.glob("*.log"):
        for line in log.read_text().splitlines():
            match = LINE_RE.match(line)
            assert match, line
            assert match["host"] == log.stem, line


def _log_times(capture_dir: Path) -> list[float]:
    times = []
    for log in capture_dir.glob("*.log"):
        for line in log.read_text().splitlines():
            times.append(datetime.fromisoformat(line.split(" ", 1)[0]).timestamp())
    return times


def test_actions_are_ordered_and_within_the_logs(capture_dir: Path) -> None:
    meta = json.loads((capture_dir / "scenario.json").read_text())
    actions = meta["actions"]
    assert actions[0]["action"] == "start"
    epochs = [a["epoch"] for a in actions]
    assert epochs == sorted(epochs)
    for action in actions:
        assert datetime.fromisoformat(action["time"]).timestamp() == pytest.approx(
            action["epoch"], abs=1e-6
        )
    times = _log_times(capture_dir)
    # A start precedes its first line by a few ms; nothing happens after the last line.
    assert min(times) - 1.0 <= epochs[0] <= min(times)
    assert epochs[-1] <= max(times)
    started = {a["host"] for a in actions if a["action"] == "start"}
    assert started == set(meta["hosts"])


def test_capture_facts(capture_dir: Path) -> None:
    capture = Capture(capture_dir)
    assert all(not bad for bad in capture.unparsed.values())
    CHECKS[capture.name](capture)


def test_readme_lists_every_scenario() -> None:
    readme = (LAB / "README.md").read_text()
    for name in SCENARIOS:
        assert re.search(rf"`{re.escape(name)}`", readme), name
