"""The fast reader's windows (kalog.ingest.frame.WINDOW_LINES) change nothing.

The fast engine reads, types and times its candidate lines a window at a
time and completes what needs the whole input (the year of year-less
stamps, the file's date) at the end.  Here windows of a few lines cut real
inputs everywhere: the frame must equal the one-window read and the plain
engine's, values, dtypes, categories and stats alike.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from conftest import CORPUS, LAB, ROOT, SEED

from kalog.ingest import frame, scan, split
from kalog.ingest import read as read_module
from kalog.ingest.frame import read_events

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

SEED_FILES = sorted(SEED.glob("*.log"))
CORPUS_FILES = sorted(CORPUS.glob("*.log"))
LAB_FILES = sorted(LAB.glob("*/*.log"))
#: A year-less file's year comes from its date: the same for every read here.
MTIME = datetime(2027, 1, 1, 12, 0).timestamp()


@pytest.fixture(scope="module")
def new_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3,000 keepalived lines of the benchmark generator across New Year's Eve."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("windows") / "newyear.log"
    main(
        [
            *("--lines", "3000", "--keepalived-share", "1.0", "--seed", "4"),
            *("--year-boundary", "--span-hours", "2", "-o", str(path)),
        ]
    )
    os.utime(path, (MTIME, MTIME))
    return path


@pytest.fixture
def odd_file(tmp_path: Path) -> Path:
    """CRLF ends, NUL bytes, invalid UTF-8, an over-long line, a line without end."""
    path = tmp_path / "odd.log"
    line = b"Aug 25 15:21:%02d h Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE\r\n"
    path.write_bytes(
        b"\x00\x00Aug 25 15:21:35 h Keepalived_vrrp[1]: VRRP_Script(nag) succeeded\r\n"
        + b"".join(line % s for s in range(10))
        + b"Aug 25 15:21:36 h Keepalived_vrrp[1]: bad \xff\xfe bytes\r\n"
        + b"Aug 25 15:21:37 h Keepalived_vrrp[1]: "
        + b"x" * 70_000
        + b"\n"
        + b"3\xe6\x9c\x88 23 09:33:06 nuc Keepalived[768]: ok\r\n"
        + b"".join(line % s for s in range(20, 30))
        + b"Aug 25 15:21:38 h Keepalived_vrrp[1]: no newline at end\r"
    )
    os.utime(path, (MTIME, MTIME))
    return path


def _window(monkeypatch: pytest.MonkeyPatch, lines: int) -> list[list[str]]:
    """Windows of `lines` candidate lines; returns the lines of every window read."""
    monkeypatch.setattr(frame, "WINDOW_LINES", lines)
    seen: list[list[str]] = []
    real = scan.read_envelopes

    def recording(lines_read: pa.Array, *args: object) -> object:
        seen.append(lines_read.to_pylist())
        return real(lines_read, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan, "read_envelopes", recording)
    return seen


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want)
    for name in got.columns:  # the categoricals' categories too, in order
        if isinstance(got[name].dtype, pd.CategoricalDtype):
            assert list(got[name].cat.categories) == list(want[name].cat.categories), name
    assert got.attrs["stats"] == want.attrs["stats"]


def _reads(
    paths: list[Path], monkeypatch: pytest.MonkeyPatch, lines: int, **options: object
) -> Iterator[pd.DataFrame]:
    """The plain engine's frame, the one-window frame, then the frame in windows of `lines`."""
    yield read_events(paths, engine="plain", on_error="collect", **options)
    yield read_events(paths, on_error="collect", **options)  # WINDOW_LINES covers them
    seen = _window(monkeypatch, lines)
    yield read_events(paths, on_error="collect", **options)
    assert len(seen) > len(paths), "the windows did not cut the inputs"


@pytest.mark.parametrize("lines", [1, 7])
def test_windows_of_real_logs_equal_one_window_and_plain(
    monkeypatch: pytest.MonkeyPatch, odd_file: Path, lines: int
) -> None:
    files = [*SEED_FILES, *CORPUS_FILES, odd_file]
    plain, whole, windowed = _reads(files, monkeypatch, lines, year=2020)
    _same(whole, plain)
    _same(windowed, whole)
    stats = windowed.attrs["stats"]
    assert stats["undecodable_bytes"] == 2 and len(windowed) > 900
    assert any("truncated to 65536" in w for w in stats["warnings"])


def test_windows_of_lab_captures_and_seed_without_year(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lab's keepalived 2.2.7 captures and the seed, the seed's year from its files' dates."""
    plain, whole, windowed = _reads([*LAB_FILES, *SEED_FILES], monkeypatch, 5)
    _same(whole, plain)
    _same(windowed, whole)
    assert len(windowed.attrs["stats"]["assumed_years"]) == len(SEED_FILES)


@pytest.mark.parametrize("year", [None, 2030])
def test_new_year_at_a_window_edge(
    monkeypatch: pytest.MonkeyPatch, new_year: Path, year: int | None
) -> None:
    """A window ends on Dec 31 and the next begins on Jan 1: the year still turns there."""
    lines = new_year.read_text().splitlines()
    first_january = next(i for i, text in enumerate(lines) if text.startswith("Jan"))
    plain, whole, windowed = _reads([new_year], monkeypatch, first_january, year=year)
    seen = _window(monkeypatch, first_january)
    read_events([new_year], year=year)
    assert seen[0][-1].startswith("Dec 31") and seen[1][0].startswith("Jan  1")
    _same(whole, plain)
    _same(windowed, whole)
    ts = windowed.set_index("line")["ts"]
    turned = 2027 if year is None else year + 1  # the last line's year: the file's (Jan 1 2027)
    assert ts[first_january].year == turned - 1 and ts[first_january + 1].year == turned
    assert str(ts[first_january + 1])[:10] == f"{turned}-01-01"


@pytest.mark.parametrize("lines", [5, 64])
def test_new_year_inside_windows(
    monkeypatch: pytest.MonkeyPatch, new_year: Path, lines: int
) -> None:
    plain, whole, windowed = _reads([new_year], monkeypatch, lines)
    _same(whole, plain)
    _same(windowed, whole)
    assert windowed["ts"].dt.year.tolist() == whole["ts"].dt.year.tolist()
    assert set(windowed["ts"].dt.year) == {2026, 2027}


def test_log_file_days_without_day_of_month_run_on_across_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keepalived 2.1.4-2.2.1's log-file stamps: each day follows from the previous line's."""
    path = tmp_path / "keepalived.log"
    days = ["Thu", "Thu", "Fri", "Sat", "Sat", "Mon", "Tue", "Wed", "Thu", "Sun"]
    path.write_text(
        "".join(
            f"{d} Nov 05:35:0{i}.123456789 2026: (VI_1) Entering MASTER STATE\n"
            for i, d in enumerate(days)
        )
    )
    plain, whole, windowed = _reads([path], monkeypatch, 3)
    _same(whole, plain)
    _same(windowed, whole)
    assert windowed["ts"].dt.day.tolist() == [5, 5, 6, 7, 7, 9, 10, 11, 12, 15]


def test_window_edges_inside_the_split_readers_parts(
    monkeypatch: pytest.MonkeyPatch, new_year: Path
) -> None:
    """A file read by two processes (kalog.ingest.split), then cut into windows of 11 lines."""
    single = read_events([new_year], on_error="collect")
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    monkeypatch.setattr(split, "SEGMENT_BYTES", new_year.stat().st_size // 5)
    calls: list[str] = []
    real = split.finish

    def counting(pending: split.Pending, source: object) -> object:
        calls.append(pending.name)
        return real(pending, source)  # type: ignore[arg-type]

    monkeypatch.setattr(split, "finish", counting)
    monkeypatch.setattr(frame, "WINDOW_LINES", 11)
    windows: list[int] = []
    real_windows = scan.windows_of

    def recording(whole: scan.Gathered, window: int | None) -> Iterator[scan.Gathered]:
        for part in real_windows(whole, window):
            windows.append(len(part.lines))
            yield part

    monkeypatch.setattr(split, "windows_of", recording)
    parted = read_events([new_year], on_error="collect")
    assert calls == [str(new_year)] and len(windows) > 100 and max(windows) == 11
    _same(parted, single)


@pytest.mark.parametrize("lines", [7, 500])
def test_windows_across_blocks_are_whole_and_equal_one_window(
    monkeypatch: pytest.MonkeyPatch, new_year: Path, lines: int
) -> None:
    """Blocks of a few hundred bytes end anywhere in a window: the candidates
    past the last whole window wait for the next block, so every window but
    an input's last has `lines` lines, and the frame is the one-window one."""
    paths = [new_year, *SEED_FILES]
    whole, single = (read_events(p, on_error="collect") for p in (paths, [new_year]))
    seen = _window(monkeypatch, lines)
    monkeypatch.setattr(read_module, "CHUNK_SIZE", 700)
    _same(read_events(paths, on_error="collect"), whole)
    seen.clear()
    _same(read_events([new_year], on_error="collect"), single)
    sizes = [len(window) for window in seen]
    assert len(sizes) == -(-3000 // lines) and set(sizes[:-1]) == {lines}
    assert sizes[-1] == 3000 - (len(sizes) - 1) * lines


def test_invalid_dates_found_at_the_end_are_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Year-less lines whose date proves invalid only once the year is known (Feb 30,
    a year past pandas' range) are NaT and counted in the warning, window or not."""
    path = tmp_path / "late.log"
    stamps = ["Dec 31 23:59:59", "Jan  1 00:00:00", "Feb 30 00:00:00", "Mar  1 00:00:01"]
    path.write_text(
        "".join(f"{s} h Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE\n" for s in stamps)
    )
    for year, valid in ((2024, [True, True, False, True]), (2261, [True, False, False, False])):
        plain, whole, windowed = _reads([path], monkeypatch, 1, year=year)
        _same(whole, plain)
        _same(windowed, whole)
        assert windowed["ts"].notna().tolist() == valid
        bad = [w for w in windowed.attrs["stats"]["warnings"] if "could not be read" in w]
        assert bad == [f"{path}: {valid.count(False)} timestamps could not be read (invalid dates)"]
        monkeypatch.undo()
