"""The seed's two experiments, replayed with the routers' configs (issue 3, test a).

keepalived 1.2.13 recomputes the effective priority one advert interval after
the VRRP child starts (observed-1.2.13), silently; the seed logs are
1-second resolution, so a poll due in the same second as logged events comes
after them.  The expected segments below are the article's story, second by
second: (time, state, priority, basis, line that opened the segment).
"""

from __future__ import annotations

import pandas as pd
import pytest

import kalog
from kalog.model import replay
from tests.conftest import SEED

A = "192_168_173_203"
B = "192_168_173_204"


def _timeline(example: str, year: int = 2014):
    files = sorted(SEED.glob(f"{example}-*.log"))
    events = kalog.read_events(files, year=year)
    configs = {
        A: SEED / f"{example}-A.conf",
        B: SEED / f"{example}-B.conf",
    }
    return replay(events, configs=configs)


def _segments(timeline, host: str) -> list[tuple[str, str, int | None, str, int | None]]:
    item = timeline.get(host, "vi_1")
    assert item is not None
    return [
        (s.start.strftime("%H:%M:%S"), s.state, s.priority, s.basis, s.line) for s in item.segments
    ]


def test_ex1_router_a_enters_backup_then_weights_count_then_master() -> None:
    timeline = _timeline("ex1")
    assert _segments(timeline, A) == [
        ("15:21:35", "INIT", 99, "inferred", 1),
        ("15:21:35", "BACKUP", 99, "inferred", 20),
        ("15:21:36", "BACKUP", 102, "inferred", None),  # first 1.2 poll: +3
        ("15:21:39", "GOTO_MASTER", 102, "inferred", 26),
        ("15:21:40", "MASTER", 102, "inferred", 27),
    ]


def test_ex1_router_b_transition_decided_on_unweighted_priority() -> None:
    timeline = _timeline("ex1")
    assert _segments(timeline, B) == [
        ("15:26:27", "INIT", 100, "inferred", 1),
        ("15:26:28", "GOTO_MASTER", 100, "inferred", 23),  # +3 not yet counted
        ("15:26:28", "BACKUP", 100, "inferred", 25),  # A's 102 beat B's 100
        ("15:26:28", "BACKUP", 103, "inferred", None),  # the poll, after those lines
        ("15:26:30", "GOTO_MASTER", 103, "inferred", 28),  # after forcing at :29
        ("15:26:31", "MASTER", 103, "inferred", 29),
    ]


def test_ex2_router_b_transitions_at_99_and_is_master_at_102() -> None:
    timeline = _timeline("ex2")
    assert _segments(timeline, B) == [
        ("15:31:12", "INIT", 99, "inferred", 1),
        ("15:31:13", "GOTO_MASTER", 99, "inferred", 23),
        ("15:31:13", "GOTO_MASTER", 102, "inferred", None),
        ("15:31:14", "MASTER", 102, "inferred", 24),
    ]


def test_ex2_router_a_backup_at_100_reaches_103_and_preempts() -> None:
    timeline = _timeline("ex2")
    assert _segments(timeline, A) == [
        ("15:32:11", "INIT", 100, "inferred", 1),
        ("15:32:11", "BACKUP", 100, "inferred", 20),
        ("15:32:12", "BACKUP", 103, "inferred", None),
        ("15:32:13", "GOTO_MASTER", 103, "inferred", 28),
        ("15:32:14", "MASTER", 103, "inferred", 29),
    ]


def test_seed_runs_are_profile_1_2_from_the_starting_line() -> None:
    timeline = _timeline("ex1")
    assert [(r.host, r.version, r.profile, r.profile_basis) for r in timeline.runs] == [
        (A, "1.2.13", "1.2", "logged"),
        (B, "1.2.13", "1.2", "logged"),
    ]


@pytest.mark.parametrize("example", ["ex1", "ex2"])
def test_without_configs_priorities_are_unknown_but_states_are_exact(example: str) -> None:
    files = sorted(SEED.glob(f"{example}-*.log"))
    timeline = replay(kalog.read_events(files, year=2014))
    with_configs = _timeline(example)
    for host in (A, B):
        plain = [(s.start, s.state) for s in timeline.get(host, "vi_1").segments]
        full = [
            (s.start, s.state) for s in with_configs.get(host, "vi_1").segments if s.cause != "poll"
        ]
        assert plain == full
        assert {s.basis for s in timeline.get(host, "vi_1").segments} == {"unknown"}


def test_ex1_transitions_have_causes() -> None:
    timeline = _timeline("ex1")
    got = [(t.ts.strftime("%H:%M:%S"), t.host, t.direction, t.cause) for t in timeline.transitions]
    assert got == [
        ("15:21:40", A, "to_master", "startup"),
        ("15:26:31", B, "to_master", "preemption"),
    ]
    preemption = timeline.transitions[1]
    assert preemption.previous_master == A
    b_log = str(SEED / "ex1-B-master-100.log")
    assert preemption.evidence == ((b_log, 26), (b_log, 27), (b_log, 28), (b_log, 29))
    assert (preemption.from_state, preemption.to_state) == ("BACKUP", "MASTER")


def test_timeline_frame_and_json_shape() -> None:
    timeline = _timeline("ex1")
    frame = timeline.to_frame()
    assert list(frame.columns[:9]) == [
        "host",
        "instance",
        "vrid",
        "cluster",
        "profile",
        "start",
        "end",
        "state",
        "priority",
    ]
    assert set(frame["cluster"]) == {"vi_1"}  # A and B claim the same VIP
    assert len(frame) == 11
    assert frame["end"].ge(frame["start"]).all()
    doc = timeline.to_dict()
    first = doc["instances"][0]
    assert set(first) == {"host", "instance", "vrid", "cluster", "profile", "segments"}
    assert set(first["segments"][0]) == {
        "start",
        "end",
        "state",
        "priority",
        "basis",
        "source",
        "line",
        "state_basis",  # how the state is known: the seed's runs start in the log
    }
    assert {s["state_basis"] for s in first["segments"]} == {"start", "logged"}
    assert pd.Timestamp(first["segments"][0]["start"]).year == 2014
