"""Run every lab scenario on the real keepalived and check its key facts exactly.

Needs root, keepalived, rsyslogd, ip and unshare (CI has them); elsewhere the module is
skipped with the reason. All scenarios are recorded once per module into a temporary
directory (about five minutes), then each is checked by tests/lab/facts.py, the same
checks that guard the committed captures in samples/lab.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from .facts import CHECKS, Capture
from .netns import (
    RUN_ROOT,
    LabError,
    acquire_lock,
    cleanup_leftovers,
    lab_namespaces,
    missing_requirements,
    namespace_pids,
)
from .scenarios import SCENARIOS

REASON = missing_requirements()
pytestmark = [pytest.mark.lab, pytest.mark.skipif(REASON is not None, reason=REASON or "")]


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """Record all scenarios; a failed one maps to its error text instead of a directory."""
    root = tmp_path_factory.mktemp("lab")
    results: dict[str, Path | str] = {}
    for name, scenario in SCENARIOS.items():
        try:
            scenario.record(root / name)
        except LabError as exc:
            results[name] = f"{name}: {exc}"
        else:
            results[name] = root / name
    return results


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_facts(recorded: dict[str, Path | str], name: str) -> None:
    result = recorded[name]
    if isinstance(result, str):
        pytest.fail(result)
    capture = Capture(result)
    assert all(not bad for bad in capture.unparsed.values()), capture.unparsed
    CHECKS[name](capture)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_model_replays_the_fresh_capture(recorded: dict[str, Path | str], name: str) -> None:
    """kalog's model against keepalived itself, on logs nobody here wrote (issue 3)."""
    from tests.model_checks import (
        LabCapture,
        check_dumps,
        check_inferred_priorities,
        check_states,
    )

    result = recorded[name]
    if isinstance(result, str):
        pytest.fail(result)
    capture = LabCapture(result)
    check_states(capture)
    check_inferred_priorities(capture)
    check_dumps(capture)


def _pids_in_capture(directory: Path) -> set[int]:
    """Every keepalived PID that logged (parent and VRRP child) in a capture."""
    pids: set[int] = set()
    for log in directory.glob("*.log"):
        pids.update(int(p) for p in re.findall(r"Keepalived(?:_vrrp)?\[(\d+)\]", log.read_text()))
    return pids


def test_everything_cleaned_up(recorded: dict[str, Path | str]) -> None:
    assert lab_namespaces() == []
    assert not (RUN_ROOT).exists()
    started: set[int] = set()
    for result in recorded.values():
        if isinstance(result, Path):
            started |= _pids_in_capture(result)
    assert started
    alive = [
        pid
        for pid in started
        if Path(f"/proc/{pid}").exists() and "keepalived" in Path(f"/proc/{pid}/comm").read_text()
    ]
    assert alive == []


def test_leftovers_of_a_crashed_run_are_removed() -> None:
    """A namespace with a live process, as a killed lab would leave it, is cleaned up."""
    netns = "kalab-crashed-test"
    subprocess.run(["ip", "netns", "add", netns], check=True)
    sleeper = subprocess.Popen(["ip", "netns", "exec", netns, "sleep", "300"])
    try:
        deadline = time.monotonic() + 5
        while sleeper.pid not in namespace_pids(netns) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sleeper.pid in namespace_pids(netns)
        with acquire_lock():
            removed = cleanup_leftovers()
        assert netns in removed
        assert sleeper.wait(timeout=5) != 0
        assert netns not in lab_namespaces()
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
        subprocess.run(["ip", "netns", "delete", netns], check=False, capture_output=True)
