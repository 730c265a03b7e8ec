"""The replay model on real users' logs (tests/data/corpus): no config, no lab.

Without configs nothing can be inferred, so what must hold is that the
model follows every state line the log has, that the priorities a host
logged never contradict each other silently, and a few stories told
exactly as the threads describe them.
"""

from __future__ import annotations

import pandas as pd
import pytest

import kalog
from kalog.model import replay
from kalog.model.timeline import untimed_line
from tests.conftest import CORPUS
from tests.model_checks import _collapse, logged_states

FILES = sorted(p.name for p in CORPUS.glob("*.log"))


def _replay(name: str):
    events = kalog.read_events([CORPUS / name], year=2020)
    return events, replay(events)


@pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")
@pytest.mark.parametrize("name", FILES)
def test_states_follow_the_logged_state_lines(name: str) -> None:
    events, timeline = _replay(name)
    for item in timeline.instances:
        logged = _collapse(logged_states(events, item.host, item.instance))
        modelled = _collapse(
            [
                (pd.NaT if untimed_line(s.start) is not None else s.start, s.state)
                for s in item.segments
                if s.state not in {"INIT", "STOPPED"} and s.state_basis == "logged"
            ]
        )
        assert modelled == logged, (item.host, item.instance)
        # what is implied or unknown is only ever the excerpt's opening
        opening = [s for s in item.segments if s.state_basis in {"implied", "unknown"}]
        assert opening == item.segments[: len(opening)]
    assert timeline.observations == []


def _segments(timeline, host: str, instance: str) -> list[tuple[str, str, int | None, str]]:
    return [
        (s.start.strftime("%H:%M:%S"), s.state, s.priority, s.basis)
        for s in timeline.get(host, instance).segments
    ]


def test_001_master_fails_its_check_and_steps_down() -> None:
    _events, timeline = _replay("001.log")
    host = "vagrant-ubuntu-trusty-64"
    assert _segments(timeline, host, "VI_1") == [
        # 1.x reaches its Transition from BACKUP, or from INIT at a `state MASTER`
        # start whose lines the paste may have cut: unknown before it
        ("20:51:52", "UNKNOWN", None, "unknown"),
        ("20:51:53", "GOTO_MASTER", None, "unknown"),
        ("20:51:54", "MASTER", None, "unknown"),
        ("21:01:38", "BACKUP", None, "unknown"),
    ]
    (to_master, from_master) = timeline.transitions
    assert (to_master.cause, from_master.cause) == ("unknown", "higher_priority_advert")
    assert to_master.from_state == "UNKNOWN"  # via 1.x GOTO_MASTER, from BACKUP or INIT
    assert "no peer log" in to_master.missing


def test_002_backup_recovers_and_preempts() -> None:
    _events, timeline = _replay("002.log")
    host = "vagrant-ubuntu-trusty-64"
    assert [s[:2] for s in _segments(timeline, host, "VI_1")] == [
        ("20:53:05", "UNKNOWN"),  # a 1.x Transition comes from BACKUP or INIT
        ("20:53:06", "GOTO_MASTER"),
        ("20:53:06", "BACKUP"),
        ("21:01:39", "GOTO_MASTER"),
        ("21:01:40", "MASTER"),
    ]
    (takeover,) = timeline.transitions
    assert takeover.cause == "preemption"
    assert takeover.ts == pd.Timestamp("2020-07-14 21:01:40")
    assert takeover.evidence[0] == (str(CORPUS / "002.log"), 7)  # forcing a new MASTER election


def test_061_priority_before_the_first_change_comes_from_its_from_value() -> None:
    _events, timeline = _replay("061.log")
    assert _segments(timeline, "k8s-master-0", "VI_1") == [
        # 2.x "(init)" follows a reload too: what came before it is not known
        ("08:42:23", "UNKNOWN", 150, "logged"),
        ("08:42:23", "BACKUP", 150, "logged"),
        ("08:42:23", "BACKUP", 145, "logged"),
    ]


def test_runs_take_their_profile_from_the_wording() -> None:
    _e, old = _replay("001.log")  # 1.x prefix, 1.2-only "Received higher prio advert"
    _e, new = _replay("061.log")  # 2.x "(VI_1) ..." lines
    assert [(r.profile, r.profile_basis) for r in old.runs] == [("1.2", "wording")]
    assert [(r.profile, r.profile_basis) for r in new.runs] == [("2", "wording")]
