"""`kalog.ingest.stream`: one input's frame a window at a time equals the whole frame.

`kalog events` on one input reads it once into windows spooled on disk and
writes them one by one; an input the stream cannot prove equal (out of
order, two kinds of timestamp, a host-check warning...) is read whole.
Both ways must give the same rows, stats and bytes of output, on real logs,
with windows of a few lines so that every log crosses many window edges.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import (
    CORPUS,
    DATA,
    LAB,
    SEED,
    assert_same_frame,
    count_streams,
    streamed_frame,
)

from kalog.cli import main
from kalog.ingest import frame as build
from kalog.ingest import stream
from kalog.ingest.frame import read_events

LOGS = sorted(
    [
        *SEED.glob("*.log"),
        *LAB.glob("*/*.log"),
        *CORPUS.glob("*.log"),
        *(DATA / "pastes").glob("*.log"),
    ]
)
#: the real logs the stream reads whole, and why (none: rsyslog-repeated.log,
#: out of time order, streams as sorted runs merged)
WHOLE: dict[str, str] = {}
#: --tz: the real logs with a time within a day of an hour the zone repeats
#: (read whole: the whole read infers which of the two a time is).  026.log
#: is of 3 November 2025, the day after New York's clocks went back.  The
#: tests give --year with --tz: a year-less log's year is otherwise its
#: file's, the checkout's.
NEAR_FOLD = {"America/New_York": {"026.log"}, "Europe/Paris": set()}


@pytest.mark.parametrize(
    ("window", "year", "tz"),
    [
        (11, None, None),
        (64, 2024, None),
        (13, 2014, "Europe/Paris"),
        (29, 2024, "America/New_York"),
    ],
)
def test_streamed_frame_is_the_whole_frame(
    window: int, year: int | None, tz: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "WINDOW_LINES", window)
    streamed = 0
    near = NEAR_FOLD[tz] if tz is not None else set()
    for path in LOGS:
        why: list[str] = []
        events = stream.stream_events(str(path), year=year, tz=tz, why=why)
        whole = read_events([path], year=year, tz=tz, on_error="collect")
        if events is None:
            reason = f"times near an hour repeated in {tz}" if path.name in near else None
            assert why == [WHOLE.get(path.name, reason)], path
            continue
        try:
            assert path.name not in WHOLE
            assert events.head["ts"].dtype == whole["ts"].dtype, path
            assert_same_frame(streamed_frame(events), whole)
            assert events.stats == whole.attrs["stats"], path
            assert events.hosts == set(whole["host"].dropna().astype(str)), path
            first = whole[whole["ts"].notna()].iloc[:1]
            assert events.first["ts"].tolist() == first["ts"].tolist(), path
        finally:
            events.close()
        streamed += 1
    assert streamed == len(LOGS) - len(WHOLE) - len(near) > 90


#: several inputs read together: every lab scenario's hosts, the seed's pairs
#: and all four, and the corpus logs two by two
SETS = [
    *(tuple(sorted(folder.glob("*.log"))) for folder in sorted(LAB.iterdir()) if folder.is_dir()),
    (SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"),
    (SEED / "ex2-A-backup-100.log", SEED / "ex2-B-master-99.log"),
    tuple(sorted(SEED.glob("*.log"))),
    *zip(sorted(CORPUS.glob("*.log"))[0::2], sorted(CORPUS.glob("*.log"))[1::2], strict=False),
    (DATA / "pastes/no-time.log", SEED / "ex1-B-master-100.log", CORPUS / "014.log"),
    # a file named twice is read twice
    (SEED / "ex1-B-master-100.log", SEED / "ex1-B-master-100.log"),
    (
        LAB / "split-brain/node-a.log",
        LAB / "split-brain/node-b.log",
        LAB / "split-brain/node-a.log",
    ),
    (CORPUS / "014.log", CORPUS / "014.log"),
]


@pytest.mark.parametrize(
    ("window", "year", "tz"), [(7, None, None), (50, 2024, None), (9, 2024, "America/New_York")]
)
def test_several_inputs_stream_as_their_whole_frame(
    window: int, year: int | None, tz: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merged window by window, several inputs give `read_events`' frame, stats and first row."""
    monkeypatch.setattr(stream, "WINDOW_LINES", window)
    streamed, reasons = 0, set()
    for paths in SETS:
        why: list[str] = []
        events = stream.stream_events([str(path) for path in paths], year=year, tz=tz, why=why)
        whole = read_events(list(paths), year=year, tz=tz, on_error="collect")
        if events is None:
            assert len(why) == 1, paths
            checked = "processes at once" in why[0] or why[0].startswith("host ")
            reasons.add("host check" if checked else why[0])
            continue
        try:
            assert_same_frame(streamed_frame(events), whole)
            assert events.stats == whole.attrs["stats"], paths
            assert events.hosts == set(whole["host"].dropna().astype(str)), paths
            first = whole[whole["ts"].notna()].iloc[:1]
            assert events.first["ts"].tolist() == first["ts"].tolist(), paths
            assert (
                events.first["source"].astype(str).tolist() == first["source"].astype(str).tolist()
            )
        finally:
            events.close()
        streamed += 1
    # inputs with and without UTC offsets stream (the whole read's warning
    # is in the stats); a host name read as two machines does not
    assert reasons == {"host check"} | ({f"times near an hour repeated in {tz}"} if tz else set())
    assert streamed == len(SETS) - len(reasons), (streamed, len(SETS))  # of 50


def test_year_less_inputs_merge_by_their_final_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two year-less inputs counted back from different file dates: their
    provisional years are alike, their final ones are not, and the merge and
    the host check go by the final ones."""
    monkeypatch.setattr(stream, "WINDOW_LINES", 3)
    seed = _lines(SEED / "ex1-B-master-100.log")
    # one host, one pid, in both: "Dec 31" of 2024 and "Jan 1" of 2025
    late = _write(tmp_path / "a" / "late.log", _redated(seed, "Dec 31"), "2025-01-05")
    early = _write(tmp_path / "a" / "early.log", _redated(seed, "Jan  1"), "2025-01-05")
    paths = [str(early), str(late)]
    events = stream.stream_events(paths)
    assert events is not None
    try:
        frame = streamed_frame(events)
        whole = read_events(paths, on_error="collect")
        assert_same_frame(frame, whole)
        assert events.stats == whole.attrs["stats"]
        # provisionally both 2000: "Jan 1" first; finally the late file's December first
        assert frame["source"].iloc[0] == str(late) and frame["source"].iloc[-1] == str(early)
        assert frame["ts"].iloc[0] == pd.Timestamp("2024-12-31 15:26:27")
    finally:
        events.close()
    # another pid, "Jan 1" of another year (a file dated a year later): at
    # once in the provisional years, a year apart in the final ones
    other = [line.replace("Keepalived_vrrp[", "Keepalived_vrrp[9") for line in seed]
    later = _write(tmp_path / "a" / "later.log", _redated(other, "Jan  1"), "2026-01-05")
    events = stream.stream_events([str(early), str(later)])
    assert events is not None
    try:
        whole = read_events([early, later], on_error="collect")
        assert "hosts_apart" not in whole.attrs
        assert_same_frame(streamed_frame(events), whole)
        assert events.stats == whole.attrs["stats"]
    finally:
        events.close()
    # at once in the final years: the whole read keeps them apart, with a warning
    clash = _write(tmp_path / "a" / "clash.log", _redated(other, "Dec 31"), "2025-01-05")
    why: list[str] = []
    assert stream.stream_events([str(late), str(clash)], why=why) is None
    assert read_events([late, clash], on_error="collect").attrs.get("hosts_apart")
    assert len(why) == 1 and "two keepalived processes at once" in why[0]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines(keepends=True)


def _write(path: Path, lines: list[str], mtime: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines))
    stamp = time.mktime(time.strptime(mtime, "%Y-%m-%d"))
    os.utime(path, (stamp, stamp))
    return path


def _redated(lines: list[str], month_day: str) -> list[str]:
    """Real syslog lines moved to another month and day (their clocks kept)."""
    return [re.sub(r"^[A-Z][a-z]{2} [ \d]\d", month_day, line) for line in lines]


def test_year_less_stamps_over_new_year_take_the_final_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """December, then January: the year is only known at the end (counted back
    from the file's date), after the windows were spooled with provisional ones."""
    monkeypatch.setattr(stream, "WINDOW_LINES", 4)
    a, b = _lines(SEED / "ex1-B-master-100.log"), _lines(SEED / "ex2-B-master-99.log")
    log = _write(tmp_path / "messages", _redated(a, "Dec 31") + _redated(b, "Jan  1"), "2025-01-02")
    events = stream.stream_events(str(log))
    assert events is not None
    try:
        frame = streamed_frame(events)
        whole = read_events([log], on_error="collect")
        assert_same_frame(frame, whole)
        assert frame["ts"].iloc[0] == pd.Timestamp("2024-12-31 15:26:27")
        assert frame["ts"].iloc[-1] == pd.Timestamp("2025-01-01 15:31:14")
        assert events.stats["assumed_years"] == [
            {"source": str(log), "year": 2024, "from": "file date"}
        ]
        assert events.stats == whole.attrs["stats"]
    finally:
        events.close()


def test_29_february_of_a_year_without_one_is_read_whole(tmp_path: Path) -> None:
    """The provisional year has a 29 February; the final one may not: then the
    stream cannot know the line's time early, and the whole read says it."""
    lines = _redated(_lines(SEED / "ex1-B-master-100.log"), "Feb 29")
    leap = _write(tmp_path / "leap.log", lines, "2024-03-01")
    events = stream.stream_events(str(leap))
    assert events is not None
    try:
        assert streamed_frame(events)["ts"].iloc[0] == pd.Timestamp("2024-02-29 15:26:27")
    finally:
        events.close()
    why: list[str] = []
    assert (
        stream.stream_events(str(_write(tmp_path / "plain.log", lines, "2025-03-01")), why=why)
        is None
    )
    assert why == ["a date that is invalid in its year"]


def _reclocked(lines: list[str], month_day: str, hour: str) -> list[str]:
    """Real syslog lines moved to another day and hour (minutes and seconds kept)."""
    return [re.sub(r"^[A-Z][a-z]{2} [ \d]\d \d\d:", f"{month_day} {hour}:", line) for line in lines]


def _streamed_as_whole(paths: list[Path], **options: Any) -> pd.DataFrame:
    """The inputs streamed (they must stream), checked against the whole read; the frame."""
    events = stream.stream_events([str(path) for path in paths], **options)
    assert events is not None
    try:
        frame = streamed_frame(events)
        whole = read_events(paths, on_error="collect", **options)
        assert events.head["ts"].dtype == whole["ts"].dtype
        assert_same_frame(frame, whole)
        assert events.stats == whole.attrs["stats"]
        first = whole[whole["ts"].notna()].iloc[:1]
        assert events.first["ts"].tolist() == first["ts"].tolist()
    finally:
        events.close()
    return frame


def test_tz_streams_wall_clock_times_and_reads_a_repeated_hour_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--tz: wall-clock times localized window by window, as the whole read
    localizes them; a time near an hour the clocks repeat is read whole,
    where the order of all the times decides which of the two it is."""
    monkeypatch.setattr(stream, "WINDOW_LINES", 4)
    seed = _lines(SEED / "ex1-B-master-100.log")  # 15:26:27 - 15:31:14
    paris = {"tz": "Europe/Paris"}
    # 31 March 2024: Paris' clocks went from 02:00 to 03:00; 02:26 never was
    # on that day, and shifts forward to 03:00 (as `read_events` documents)
    gap = _write(tmp_path / "gap" / "messages", _reclocked(seed, "Mar 31", "02"), "2024-04-01")
    frame = _streamed_as_whole([gap], **paris)
    assert frame["ts"].iloc[0] == pd.Timestamp("2024-03-31 03:00:00+02:00")
    assert str(frame["ts"].dtype) == "datetime64[ns, Europe/Paris]"
    # no keepalived line: no rows, times of the zone all the same
    hello = ["Aug 25 15:26:27 lb sshd[1]: hello\n"]
    other = _write(tmp_path / "none" / "messages", hello, "2024-09-01")
    assert _streamed_as_whole([other], **paris).empty
    # 27 October 2024: 02:00-03:00 twice; lines two days before stream
    before = _write(tmp_path / "before" / "messages", _redated(seed, "Oct 25"), "2024-11-01")
    frame = _streamed_as_whole([before], **paris)
    assert frame["ts"].iloc[0] == pd.Timestamp("2024-10-25 15:26:27+02:00")
    for day, hour in (("Oct 27", "02"), ("Oct 26", "15"), ("Oct 28", "01")):
        fold = _write(tmp_path / "fold" / "messages", _reclocked(seed, day, hour), "2024-11-01")
        why: list[str] = []
        assert stream.stream_events(str(fold), why=why, **paris) is None, day
        assert why == ["times near an hour repeated in Europe/Paris"], day
    # why: the whole read infers from the order of all inputs' times.  Two
    # inputs, one from 02:10 to 02:50, the other from 02:05 to 02:40: the
    # first's were before the clocks went back, the second's after.  Each
    # input alone, in a window, would not tell (standard time for both).
    a, b = (
        [line for line in _lines(SEED / name) if "VRRP_Instance" in line][:2]
        for name in ("ex1-B-master-100.log", "ex1-A-backup-99.log")
    )
    first = _write(tmp_path / "a" / "messages", _clocked(a, "02:10:00", "02:50:00"), "2024-11-01")
    then = _write(tmp_path / "b" / "messages", _clocked(b, "02:05:00", "02:40:00"), "2024-11-01")
    why = []
    assert stream.stream_events([str(first), str(then)], why=why, **paris) is None
    assert why == ["times near an hour repeated in Europe/Paris"]
    whole = read_events([first, then], **paris)
    assert whole["ts"].tolist() == [
        pd.Timestamp("2024-10-27 02:10:00+02:00"),
        pd.Timestamp("2024-10-27 02:50:00+02:00"),
        pd.Timestamp("2024-10-27 02:05:00+01:00"),
        pd.Timestamp("2024-10-27 02:40:00+01:00"),
    ]


def _clocked(lines: list[str], *clocks: str) -> list[str]:
    """Real syslog lines moved to 27 October, one clock each."""
    return [
        re.sub(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d", f"Oct 27 {clock}", line)
        for line, clock in zip(lines, clocks, strict=True)
    ]


def _plain(lines: list[str], pid: str) -> list[str]:
    """ISO 8601 lines with a UTC offset as syslog lines without one, Paris
    wall clock (UTC+1 in November), the keepalived pids prefixed with `pid`."""
    plain = []
    for line in lines:
        stamp, rest = line.split(" ", 1)
        local = pd.Timestamp(stamp).tz_convert("Europe/Paris")
        plain.append(local.strftime("%b %d %H:%M:%S ") + rest.replace("[", f"[{pid}"))
    return plain


def test_inputs_with_and_without_utc_offsets_stream(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Times without an offset are read as UTC with the whole read's warning,
    or in --tz; the host check compares every input's times in UTC."""
    monkeypatch.setattr(stream, "WINDOW_LINES", 6)
    aware = LAB / "split-brain/node-a.log"
    seed = SEED / "ex1-B-master-100.log"
    frame = _streamed_as_whole([seed, aware], year=2026)
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    events = stream.stream_events([str(seed), str(aware)], year=2026)
    assert events is not None
    events.close()
    assert events.stats["warnings"] == [
        f"{seed}: timestamps without UTC offset read as UTC "
        "(other inputs carry offsets; pass --tz to set their zone)"
    ]
    frame = _streamed_as_whole([aware, seed], year=2026, tz="Europe/Paris")
    assert str(frame["ts"].dtype) == "datetime64[ns, Europe/Paris]"
    # node-a's log again, as another keepalived's, on Paris' wall clock in
    # one directory: at once with the first in UTC, an hour apart as written
    other = _write(tmp_path / "logs" / "other.log", _plain(_lines(aware), "9"), "2026-11-27")
    first = tmp_path / "logs" / "node-a.log"
    first.write_bytes(aware.read_bytes())
    paths = [str(first), str(other)]
    why: list[str] = []
    assert stream.stream_events(paths, tz="Europe/Paris", why=why) is None
    assert len(why) == 1 and "two keepalived processes at once" in why[0]
    assert read_events(paths, tz="Europe/Paris", on_error="collect").attrs.get("hosts_apart")
    _streamed_as_whole([first, other])  # read as UTC: an hour apart


@pytest.mark.parametrize("window", [3, 8, 64])
def test_lines_out_of_time_order_stream_as_sorted_runs(
    window: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each window sorted and spooled, the windows merged as they are read
    back: the whole read's order (time, then line), alone and merged with
    another input, year-less times moved to their final years."""
    monkeypatch.setattr(stream, "WINDOW_LINES", window)
    seed = _lines(SEED / "ex1-B-master-100.log")
    other = _lines(SEED / "ex2-B-master-99.log")
    # two hosts' logs in one file, as a central syslog writes them: in
    # blocks, each host's clock a little off the other's
    a = _redated(seed, "Dec 31")
    b = [line.replace("192_168_173_204", "lb-b") for line in _redated(other, "Dec 31")]
    blocks = [a[:5], b[:7], a[5:12], b[7:], a[12:]]
    central = _write(tmp_path / "c" / "messages", sum(blocks, []), "2025-01-02")
    reversed_log = _write(tmp_path / "r" / "messages", seed[::-1], "2014-09-01")
    for paths in ([central], [reversed_log], [central, SEED / "ex1-A-backup-99.log"]):
        frame = _streamed_as_whole(paths)
        ns = frame["ts"].array.asi8
        assert (ns[1:] >= ns[:-1]).all(), paths
    whole = read_events([central])
    assert whole["ts"].iloc[0] == pd.Timestamp("2024-12-31 15:26:27")
    assert _streamed_as_whole([reversed_log], tz="Europe/Paris")["ts"].iloc[0] == pd.Timestamp(
        "2014-08-25 15:26:27+02:00"
    )


def test_what_cannot_stream_is_read_whole(tmp_path: Path) -> None:
    seed = _lines(SEED / "ex1-B-master-100.log")
    # two kinds of timestamp: year-less syslog lines, then lines with a year
    iso = _lines(LAB / "split-brain/node-a.log")
    # a line without a time sorts with its neighbours in the file: out of
    # time order, only the whole read has them all
    untimed = _lines(DATA / "pastes/no-time.log")[:1]
    cases = {
        "lines out of time order": seed[10:20] + untimed + seed[20:] + seed[:10],
        "timestamps of two kinds": seed + iso,
    }
    for reason, lines in cases.items():
        why: list[str] = []
        log = _write(tmp_path / "messages", lines, "2014-09-01")
        assert stream.stream_events(str(log), why=why) is None
        assert why == [reason]
    assert stream.streamable(["a.log", "b.log"])
    assert stream.streamable(["a.log", "a.log"])  # an input named twice: read twice
    assert not stream.streamable(["-"])
    assert not stream.streamable(["-", "-"])
    assert not stream.streamable(["a.log", "-"])
    assert stream.streamable(["a.log"])
    why = []
    assert stream.stream_events(str(tmp_path / "missing.log"), why=why) is None
    assert why and "no such file" in why[0]


def test_two_processes_at_once_in_one_input_is_read_whole(tmp_path: Path) -> None:
    """The host check's warning names the processes and a time: the whole read says it."""
    lines = [
        line.replace(" node-b ", " node-a ")
        for path in ("split-brain/node-a.log", "split-brain/node-b.log")
        for line in _lines(LAB / path)
    ]
    log = _write(tmp_path / "messages", sorted(lines), "2026-11-27")
    why: list[str] = []
    assert stream.stream_events(str(log), why=why) is None
    assert len(why) == 1 and why[0].startswith("node-a: two keepalived processes at once in")


def _events(*args: str) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, ["events", *args])
    return result.exit_code, result.stdout_bytes, result.stderr


OPTIONS = [
    ("--format", "jsonl"),
    ("--format", "csv", "--year", "2024"),
    ("--year", "2024"),
    ("--count",),
    ("--count", "--format", "jsonl"),
    ("--unknown", "--format", "jsonl"),
    ("--kind", "enter_state", "--kind", "priority_change", "--format", "csv"),
    ("--template", "vrrp.", "--format", "jsonl"),
    ("--instance", "vi_1", "--since", "15:26", "--format", "jsonl"),
    ("--tz", "Europe/Paris", "--format", "jsonl"),
    ("--tz", "America/New_York", "--year", "2024", "--format", "csv"),
    ("--tz", "Asia/Kolkata"),
]


@pytest.mark.parametrize(
    "paths",
    [
        (SEED / "ex1-B-master-100.log",),
        (LAB / "split-brain/node-a.log",),
        (CORPUS / "014.log",),  # lines without a time
        (CORPUS / "051.log",),
        (DATA / "pastes/journal-no-host.log",),
        (SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"),  # merged
        tuple(sorted((LAB / "three-stop").glob("*.log"))),
        (CORPUS / "014.log", SEED / "ex2-A-backup-100.log"),  # one without a time: last
        (SEED / "ex1-B-master-100.log", LAB / "split-brain/node-a.log"),  # UTC offsets or not
        (SEED / "ex1-B-master-100.log", SEED / "ex1-B-master-100.log"),  # named twice
        (DATA / "pastes/rsyslog-repeated.log",),  # out of time order
    ],
    ids=lambda paths: "+".join(path.name for path in paths),
)
def test_events_command_writes_the_same_bytes_streamed(
    paths: tuple[Path, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every format and selection, streamed in windows of 5 lines and read whole."""
    monkeypatch.setattr(stream, "WINDOW_LINES", 5)
    # small parquet pages, as a big log's: a page per chunk of a column across
    # windows would then show in the file's bytes
    monkeypatch.setattr(
        pq, "ParquetWriter", functools.partial(pq.ParquetWriter, data_page_size=256)
    )
    monkeypatch.setenv("TMPDIR", str(tmp_path / "spool"))
    (tmp_path / "spool").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)
    names = [str(path) for path in paths]
    used = count_streams(monkeypatch)
    outputs = {}
    for streaming in (True, False):
        monkeypatch.setattr(stream, "streamable", lambda paths, on=streaming: on)
        got = [_events(*options, *names) for options in OPTIONS]
        target = tmp_path / f"{streaming}.parquet"
        got.append(_events("--format", "parquet", "-o", str(target), *names))
        got.append((0, target.read_bytes(), ""))
        outputs[streaming] = got
    assert outputs[True] == outputs[False]
    assert used and all(used)  # every streamed run did stream
    # 014.log has no time: --since HH:MM has no day to read it against (usage error)
    undated = [path.name for path in paths] == ["014.log"]
    codes = [code for code, _out, _err in outputs[True]]
    assert codes == [2 if undated and "--since" in options else 0 for options in OPTIONS] + [0, 0]
    assert list((tmp_path / "spool").iterdir()) == []  # every spool removed


def test_spool_is_removed_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "WINDOW_LINES", 5)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kalog.report.events.write_events", broken)
    code, _out, err = _events("--format", "jsonl", str(SEED / "ex1-B-master-100.log"))
    assert code != 0
    assert list(tmp_path.iterdir()) == []


def test_windows_are_sliced_as_the_frame_they_make() -> None:
    frame = read_events([SEED / "ex1-B-master-100.log"], year=2014)
    pieces = [frame.iloc[lo : lo + 7] for lo in range(0, len(frame), 7)]
    windows = stream.Windows(frame.iloc[:0], lambda: iter(pieces))
    for rows in (1, 5, 7, 10, 32, 100):
        got = list(stream.row_slices(windows, rows))
        want = list(stream.row_slices(frame, rows))
        assert [start for start, _ in got] == [start for start, _ in want]
        for (_s, a), (_t, b) in zip(got, want, strict=True):
            assert_same_frame(a.reset_index(drop=True), b.reset_index(drop=True))


def test_row_by_row_writers_take_slices_within_windows() -> None:
    """`exact=False`: the same rows in order, no slice across a window's end, none longer."""
    frame = read_events([SEED / "ex1-B-master-100.log"], year=2014)
    edges = [0, 7, 7, 20, len(frame)]  # an empty window too
    pieces = [frame.iloc[lo:hi] for lo, hi in itertools.pairwise(edges)]
    windows = stream.Windows(frame.iloc[:0], lambda: iter(pieces))
    for rows in (1, 5, 7, 10, 100):
        got = list(stream.row_slices(windows, rows, exact=False))
        starts = [start for start, _ in got]
        sizes = [len(part) for _, part in got]
        assert starts == [sum(sizes[:k]) for k in range(len(got))]
        assert max(sizes) <= rows and sum(sizes) == len(frame)
        # each slice lies in one window: its rows are one window's
        assert all(
            any(lo <= start and start + size <= hi for lo, hi in itertools.pairwise(edges))
            for start, size in zip(starts, sizes, strict=True)
        )
        assert_same_frame(build._concat([part for _, part in got]), frame)
