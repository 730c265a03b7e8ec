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

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import CORPUS, DATA, LAB, SEED, count_streams

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
#: the real logs the stream reads whole, and why
WHOLE = {"rsyslog-repeated.log": "lines out of time order"}


def _joined(events: stream.EventStream) -> pd.DataFrame:
    windows = list(events.windows())
    return build._concat(windows) if windows else events.head


def _same_frame(got: pd.DataFrame, whole: pd.DataFrame) -> None:
    assert list(got.columns) == list(whole.columns)
    for name in whole.columns:
        a, b = whole[name], got[name]
        if isinstance(a.dtype, pd.CategoricalDtype):  # windows' categories are their own
            assert isinstance(b.dtype, pd.CategoricalDtype) or b.dtype == object, name
            a, b = a.astype(object), b.astype(object)
        else:
            assert a.dtype == b.dtype, name
        pd.testing.assert_series_equal(a, b.reset_index(drop=True), check_names=False, obj=name)


@pytest.mark.parametrize(("window", "year"), [(11, None), (64, 2024)])
def test_streamed_frame_is_the_whole_frame(
    window: int, year: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream, "WINDOW_LINES", window)
    streamed = 0
    for path in LOGS:
        why: list[str] = []
        events = stream.stream_events(str(path), year=year, why=why)
        whole = read_events([path], year=year, on_error="collect")
        if events is None:
            assert why == [WHOLE[path.name]], path
            continue
        try:
            assert path.name not in WHOLE
            _same_frame(_joined(events), whole)
            assert events.stats == whole.attrs["stats"], path
            assert events.hosts == set(whole["host"].dropna().astype(str)), path
            first = whole[whole["ts"].notna()].iloc[:1]
            assert events.first["ts"].tolist() == first["ts"].tolist(), path
        finally:
            events.close()
        streamed += 1
    assert streamed == len(LOGS) - len(WHOLE) > 90


#: several inputs read together: every lab scenario's hosts, the seed's pairs
#: and all four, and the corpus logs two by two
SETS = [
    *(tuple(sorted(folder.glob("*.log"))) for folder in sorted(LAB.iterdir()) if folder.is_dir()),
    (SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"),
    (SEED / "ex2-A-backup-100.log", SEED / "ex2-B-master-99.log"),
    tuple(sorted(SEED.glob("*.log"))),
    *zip(sorted(CORPUS.glob("*.log"))[0::2], sorted(CORPUS.glob("*.log"))[1::2], strict=False),
    (DATA / "pastes/no-time.log", SEED / "ex1-B-master-100.log", CORPUS / "014.log"),
]


@pytest.mark.parametrize(("window", "year"), [(7, None), (50, 2024)])
def test_several_inputs_stream_as_their_whole_frame(
    window: int, year: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merged window by window, several inputs give `read_events`' frame, stats and first row."""
    monkeypatch.setattr(stream, "WINDOW_LINES", window)
    streamed, reasons = 0, set()
    for paths in SETS:
        why: list[str] = []
        events = stream.stream_events([str(path) for path in paths], year=year, why=why)
        whole = read_events(list(paths), year=year, on_error="collect")
        if events is None:
            assert len(why) == 1, paths
            reasons.add(why[0] if "processes at once" not in why[0] else "host check")
            continue
        try:
            _same_frame(_joined(events), whole)
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
    assert reasons <= {"timestamps of two kinds", "lines out of time order", "host check"}
    assert streamed >= 40, (streamed, len(SETS))  # of 47


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
        frame = _joined(events)
        whole = read_events(paths, on_error="collect")
        _same_frame(frame, whole)
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
        _same_frame(_joined(events), whole)
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
        frame = _joined(events)
        whole = read_events([log], on_error="collect")
        _same_frame(frame, whole)
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
        assert _joined(events)["ts"].iloc[0] == pd.Timestamp("2024-02-29 15:26:27")
    finally:
        events.close()
    why: list[str] = []
    assert (
        stream.stream_events(str(_write(tmp_path / "plain.log", lines, "2025-03-01")), why=why)
        is None
    )
    assert why == ["a date that is invalid in its year"]


def test_what_cannot_stream_is_read_whole(tmp_path: Path) -> None:
    seed = _lines(SEED / "ex1-B-master-100.log")
    # two kinds of timestamp: year-less syslog lines, then lines with a year
    iso = _lines(LAB / "split-brain/node-a.log")
    cases = {
        "lines out of time order": seed[10:] + seed[:10],
        "timestamps of two kinds": seed + iso,
    }
    for reason, lines in cases.items():
        why: list[str] = []
        log = _write(tmp_path / "messages", lines, "2014-09-01")
        assert stream.stream_events(str(log), why=why) is None
        assert why == [reason]
    assert stream.streamable(["a.log", "b.log"], None)
    assert not stream.streamable(["a.log", "a.log"], None)  # an input named twice
    assert not stream.streamable(["-"], None)
    assert not stream.streamable(["a.log", "-"], None)
    assert not stream.streamable(["a.log"], "Europe/Paris")
    assert stream.streamable(["a.log"], None)
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
        monkeypatch.setattr(stream, "streamable", lambda paths, tz, on=streaming: on)
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
            _same_frame(a.reset_index(drop=True), b.reset_index(drop=True))


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
        _same_frame(build._concat([part for _, part in got]), frame)
