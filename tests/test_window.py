"""--since / --until / --host / --instance: the report shows the window, the
model still replays everything (three-stop and seed captures, exact values)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import kalog
from kalog.cli import main
from kalog.model.window import Window, parse_time
from tests.conftest import LAB, SEED

THREE = sorted(str(p) for p in (LAB / "three-stop").glob("node-*.log"))
UTC = "UTC"


def _json(command: str, *args: str) -> dict:
    done = CliRunner().invoke(main, [command, *args, "--format", "json", "--quiet"])
    assert done.exit_code in (0, 1), done.output
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-26T07:36:24", "2026-11-26 07:36:24+00:00"),
        ("2026-11-26T08:36:24+01:00", "2026-11-26 07:36:24+00:00"),
        ("07:36", "2026-11-26 07:36:00+00:00"),
        ("7:36:24.5", "2026-11-26 07:36:24.500000+00:00"),
        ("now", "2026-12-01 12:00:00+00:00"),
        ("-2h", "2026-12-01 10:00:00+00:00"),
        ("-30min", "2026-12-01 11:30:00+00:00"),
        ("2 hours ago", "2026-12-01 10:00:00+00:00"),
        ("1 day ago", "2026-11-30 12:00:00+00:00"),
    ],
)
def test_time_forms(text: str, expected: str) -> None:
    day = pd.Timestamp("2026-11-26 07:34:53", tz=UTC)
    now = pd.Timestamp("2026-12-01 12:00", tz=UTC)
    assert str(parse_time(text, day=day, now=now)) == expected


def test_time_forms_for_naive_logs_and_errors() -> None:
    day, now = pd.Timestamp("2014-08-25 15:21:35"), pd.Timestamp("2014-09-01 00:00")
    assert parse_time("15:26", day=day, now=now) == pd.Timestamp("2014-08-25 15:26")
    assert parse_time("2014-08-25T17:26+02:00", day=day, now=now) == pd.Timestamp(
        "2014-08-25 15:26"
    )
    with pytest.raises(ValueError, match="'25:00' is not a time of day"):
        parse_time("25:00", day=day, now=now)
    with pytest.raises(ValueError, match="'-2y': unknown unit 'y'"):
        parse_time("-2y", day=day, now=now)
    with pytest.raises(ValueError, match="'soon' is not a time"):
        parse_time("soon", day=day, now=now)


def test_analyze_window_shows_the_stop_and_takeover_only() -> None:
    """three-stop (2.2.7): node-a stops at 07:36:24.018, node-b takes over at
    .668 on node-a's priority 0; the window 07:36:24-07:36:26 of vi_1 shows
    those two changes, the window's time as MASTER and nothing inferred
    differently from the whole log."""
    full = _json("analyze", *THREE)
    cut = _json(
        "analyze", *THREE, "--since", "07:36:24", "--until", "07:36:26", "--instance", "vi_1"
    )
    assert cut["summary"]["window"] == "2026-11-26 07:36:24 -> 2026-11-26 07:36:26; instances vi_1"
    assert [(t["host"], t["ts"], t["cause"]) for t in cut["transitions"]] == [
        ("node-a", "2026-11-26T07:36:24.018725+00:00", "admin_stop"),
        ("node-b", "2026-11-26T07:36:24.668989+00:00", "peer_priority_0"),
    ]
    assert cut["summary"]["changes_of_master"] == 1
    assert cut["summary"]["master_time"] == {"node-a": {"vi_1": 0.019}, "node-b": {"vi_1": 1.331}}
    assert [t for t in full["transitions"] if t in cut["transitions"]] == cut["transitions"]


def test_timeline_window_cuts_segments_but_not_their_states() -> None:
    events = kalog.read_events(THREE)
    whole = kalog.replay(events)
    since = pd.Timestamp("2026-11-26 07:36:24", tz=UTC)
    until = pd.Timestamp("2026-11-26 07:36:26", tz=UTC)
    cut = Window(since, until, frozenset({"node-b"})).timeline(whole)
    assert [i.host for i in cut.instances] == ["node-b"]
    segments = cut.instances[0].segments
    assert [(s.state, str(s.start), str(s.end)) for s in segments] == [
        ("BACKUP", "2026-11-26 07:36:24+00:00", "2026-11-26 07:36:24.668989+00:00"),
        ("MASTER", "2026-11-26 07:36:24.668989+00:00", "2026-11-26 07:36:26+00:00"),
    ]
    full = whole.get("node-b", "vi_1")
    for segment in segments:
        same = full.at(segment.start)
        assert (same.state, same.priority, same.basis, same.source, same.line) == (
            segment.state,
            segment.priority,
            segment.basis,
            segment.source,
            segment.line,
        )


def test_events_window_keeps_the_host_lines_in_the_time_window() -> None:
    doc = CliRunner().invoke(
        main,
        [
            "events",
            *THREE,
            "--host",
            "node-b",
            "--since",
            "07:36:24",
            "--until",
            "07:36:25",
            "--format",
            "jsonl",
            "--quiet",
        ],
    )
    assert doc.exit_code == 0, doc.output
    rows = [json.loads(line) for line in doc.stdout.splitlines()]
    assert {row["host"] for row in rows} == {"node-b"}
    assert [(row["line"], row["kind"]) for row in rows] == [
        (21, "prio0_received"),
        (22, "advert_timeout"),
        (23, "enter_state"),
        (24, "vips"),
        *((line, "garp") for line in range(25, 31)),
    ]


def test_old_host_option_still_names_host_less_lines() -> None:
    done = CliRunner().invoke(
        main,
        [
            "events",
            str(LAB / "three-stop" / "node-b.console"),
            "--host",
            "lb2",
            "-q",
            "--format",
            "jsonl",
        ],
    )
    assert done.exit_code == 0, done.output
    assert done.stderr.splitlines()[0] == (
        "kalog: warning: --host lb2 names no host in the logs: taken as --default-host lb2, "
        "its meaning before --host selected hosts (deprecated spelling)"
    )
    assert {json.loads(line)["host"] for line in done.stdout.splitlines()} == {"lb2"}


def test_explain_in_a_window_has_one_change() -> None:
    seed = [str(SEED / "ex1-A-backup-99.log"), str(SEED / "ex1-B-master-100.log"), "--year", "2014"]
    doc = _json("explain", *seed, "--since", "15:25")
    assert doc["change"]["host"] == "192_168_173_204"
    done = CliRunner().invoke(main, ["explain", *seed, "--since", "15:30", "-q"])
    assert done.exit_code == 2
    assert done.stderr.strip() == "kalog: error: no change of master in the given logs"


def test_bad_window_is_a_usage_error() -> None:
    done = CliRunner().invoke(
        main, ["analyze", *THREE, "--since", "07:40", "--until", "07:30", "-q"]
    )
    assert done.exit_code == 2
    assert "is after --until" in done.stderr


def test_a_week_zoomed_to_two_hours_reads_at_the_hours_scale(tmp_path) -> None:
    """A week of one 2.2 pair from the benchmark generator (8,000 lines,
    Aug 25 - Sep 1): --since/--until of two hours give a lane axis of those
    two hours, the four changes of master of gw01a's stop at 13:19:02 and its
    return, and explain tells the takeover from the lines of that minute."""
    from tests.conftest import write_week_log

    log = write_week_log(tmp_path / "week.log")
    window = ["--year", "2024", "--since", "2024-08-28T12:00", "--until", "2024-08-28T14:00"]
    done = CliRunner().invoke(main, ["analyze", str(log), *window, "-q", "--width", "100"])
    text = done.stdout.splitlines()
    assert "time span          2024-08-28 12:00:00 -> 2024-08-28 14:00:00 (2h)" in text
    assert "changes of master  4" in text
    axis = [line for line in text if line.strip().startswith("12:00:00")]
    assert axis and axis[0].split() == ["12:00:00", "14:00:00"] and len(axis[0]) == 99
    doc = _json("explain", str(log), *window, "--at", "13:19:03", "--instance", "VI_1")
    assert (doc["change"]["host"], doc["change"]["cause"]) == ("gw01b", "peer_priority_0")
    assert doc["previous_master"] == "gw01a"
    assert all("2024-08-28T13:18" <= s["ts"] <= "2024-08-28T13:19:06" for s in doc["steps"])
