"""`kalog events --format table` (kalog.report.events_table): layout, folding,
slices, on real lines."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS, DATA, LAB, SAMPLES, SEED
from rich.cells import cell_len

from kalog import read_events
from kalog.cli import main
from kalog.console import visible_all
from kalog.ingest.stream import Windows, row_slices
from kalog.report import events_table
from kalog.report.events import iter_records
from kalog.report.events_table import (
    _fit,
    _fold,
    _fold_cells,
    _line,
    _present,
    _row_lines,
    _texts,
    _time_column,
    _values,
    _widest,
    table_lines,
)
from kalog.speed.isotime import iso_texts

EX1_B = SEED / "ex1-B-master-100.log"

# Reviewed against the log: 32 events; the widest columns (fields 61, body 70
# cells) narrowed to 40 and 39 so a line fits 200 columns.
HEAD = [
    "where                    ts                   host             program                    "
    "kind               instance  fields                                    body",
    "ex1-B-master-100.log:1   2014-08-25T15:26:27  192_168_173_204  Keepalived                 "
    "start                        version=1.2.13                            "
    "Starting Keepalived v1.2.13",
    " " * 161 + "(08/19,2014)",
]


def table(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["events", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def test_seed_table_layout() -> None:
    lines = table("--year", "2014", str(EX1_B))
    assert lines[:3] == HEAD
    assert max(map(len, lines)) <= 200
    assert not [line for line in lines if line != line.rstrip()]
    wheres = [line.split()[0] for line in lines[1:] if not line.startswith(" ")]
    assert wheres == [f"ex1-B-master-100.log:{n}" for n in range(1, 33)]


def test_slices_give_the_same_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """Widths are measured over the whole frame, not per slice of rows."""
    frame = read_events(sorted(CORPUS.glob("*.log")), on_error="collect")
    whole = list(table_lines(frame, 120))
    monkeypatch.setattr(events_table, "SLICE", 7)
    assert list(table_lines(frame, 120)) == whole
    assert len(whole) > len(frame) > 7


def test_fold_at_spaces_inside_long_words_only() -> None:
    assert _fold("Starting Keepalived v1.2.13 (08/19,2014)", 27) == [
        "Starting Keepalived v1.2.13",
        "(08/19,2014)",
    ]
    assert _fold("/etc/keepalived/keepalived.conf", 10) == [
        "/etc/keepa",
        "lived/keep",
        "alived.con",
        "f",
    ]
    assert _fold("              '-p' '/run/x.pid'", 12) == [
        "            ",
        "  '-p'",
        "'/run/x.pid'",
    ]


def test_wide_characters_are_measured_in_cells() -> None:
    lines = _fold_cells("(VI_1) 状态 变为 MASTER 状态状态状态", 8)
    assert lines == ["(VI_1)", "状态", "变为", "MASTER", "状态状态", "状态"]
    assert all(cell_len(line) <= 8 for line in lines)
    assert _fold("(VI_1) 状态  变为", 17) == ["(VI_1) 状态  变为"]  # fits (17 cells): as is


def test_times_are_the_jsonl_ones() -> None:
    """Zone offsets and microseconds (2.2.7 lab captures) as the records write them."""
    frame = read_events(sorted(LAB.glob("split-brain/*.log")))
    expected = [record.get("ts", "") for record in iter_records(frame)]
    assert _time_column(frame, len(frame)).cells() == expected
    assert expected[0].endswith("+00:00") and "." in expected[0]


# The fast paths (distinct texts per slice, rows built from a (fields, body)
# pair's folded lines) against the straightforward table they replace: each
# row's cells as texts, each row laid out by `_row_lines`.


def _reference_lines(frame: Any, width: int) -> list[str]:
    """The table as the per-row implementation wrote it (before the fast paths)."""
    sizes = [cell_len(h) for h in events_table.HEADERS]
    for cells in _reference_slices(frame):
        for i, column in enumerate(cells):
            if column:
                sizes[i] = max(sizes[i], _widest(column))
    widths = _fit(sizes, width)
    lines = [_line(events_table.HEADERS, widths)]
    for cells in _reference_slices(frame):
        for row in zip(*cells, strict=True):
            lines.extend(_row_lines(row, widths))
    return lines


def _reference_slices(frame: Any) -> Iterator[list[list[str]]]:
    fields = [name for name in frame.columns if name not in events_table.NOT_FIELDS]
    for _start, part in row_slices(frame, events_table.SLICE, exact=False):
        part.attrs = {}  # else each column taken from the slice deep-copies them: slow
        rows = len(part)
        sources = _texts(part, "source", rows)
        lines = _values(part, "line", rows)
        where = [
            f"{s.rsplit('/', 1)[-1]}:{'' if n is None else n}"
            for s, n in zip(sources, lines, strict=True)
        ]
        parts: list[list[str]] = [[] for _ in range(rows)]
        for name in fields:
            for index, value in zip(*_present(part, name), strict=True):
                parts[index].append(f"{name}={value}")
        yield [
            visible_all(where),
            iso_texts(part["ts"], "") if "ts" in part else [""] * rows,
            *(
                visible_all(_texts(part, name, rows))
                for name in ("host", "program", "kind", "instance")
            ),
            visible_all([" ".join(p) for p in parts]),
            visible_all(_texts(part, "body", rows)),
        ]


WIDTHS = (20, 40, 80, 120, 200, 300)
LOGS = [
    *sorted(SAMPLES.glob("*/*.log")),
    *sorted(LAB.glob("*/*.log")),
    *sorted((DATA / "pastes").glob("*.log")),
    *sorted(CORPUS.glob("*.log"))[::4],
    *(CORPUS / name for name in ("069.log", "070.log", "073.log", "089.log")),  # non-ASCII
]


@pytest.mark.parametrize("path", LOGS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_real_logs_give_the_reference_table(path: Path) -> None:
    frame = read_events([path], on_error="collect")
    for width in WIDTHS:
        assert list(table_lines(frame, width)) == _reference_lines(frame, width), width


def test_merged_corpus_in_windows_and_small_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many sources, windows of rows, slices ending anywhere; each window's
    categories its own."""
    frame = read_events(sorted(CORPUS.glob("*.log")), on_error="collect")
    for rows, size in ((len(frame), events_table.SLICE), (len(frame), 64), (250, 7)):
        part = frame.iloc[:rows]
        cuts = [0, 1, 40, 41, rows // 2, rows]
        pieces = [_own_categories(part.iloc[a:b]) for a, b in itertools.pairwise(cuts)]
        windows = Windows(part.iloc[:0], lambda pieces=pieces: iter(pieces))
        monkeypatch.setattr(events_table, "SLICE", size)
        for width in (40, 120, 200):
            expected = _reference_lines(part, width)
            assert list(table_lines(part, width)) == expected, (rows, size, width)
            assert list(table_lines(windows, width)) == expected, (rows, size, width)


def _own_categories(part: pd.DataFrame) -> pd.DataFrame:
    """`part` with categoricals of only its own values (as a stream's windows have)."""
    part = part.copy()
    for name in part.columns:
        if isinstance(part[name].dtype, pd.CategoricalDtype):
            part[name] = part[name].cat.remove_unused_categories()
    return part


def _odd_frame() -> pd.DataFrame:
    """A seed log's events with the cells the fast paths must leave to the
    general ones: wide and combining characters, terminal escapes, a tab
    (0 cells wide, 1 character), unused categories wider than every cell,
    missing and negative line numbers, fractions of seconds and NaT, a text
    column that is not categorical, fields of every dtype (-0.0 and 0.0,
    1 and True are equal but not written alike)."""
    frame = read_events([EX1_B], on_error="collect").reset_index(drop=True)
    rows = len(frame)

    def spread(values: list[Any], fill: Any = None) -> list[Any]:
        cells = [fill] * rows
        for i, value in enumerate(values):
            cells[(i * 5 + 1) % rows] = value
        return cells

    bodies = frame["body"].astype(object).tolist()
    odd_bodies = [
        "日本 語のテキスト 日本日本日本日本日本日本日本日本日本日本日本 end",
        "esc \x1b[31mred\x1b[0m and more words so that the body folds " * 2,
        "tab\there and a newline\nthen \u202eright to left",
        "wide日本" * 14,
        "x" * 95,
        "   leading spaces then " + "y" * 60,
        "ünïcödé narrow characters folding at words " * 3,
        "e\u0301 combining 1\ufe0f\u20e3 keycap 😀 emoji " * 4,
        "trailing spaces      ",
        "",
    ]
    for i, body in enumerate(odd_bodies):
        bodies[(i * 3) % rows] = body
    frame["body"] = pd.Categorical(bodies).add_categories(["UNUSED " * 30 + "日本"])
    frame["instance"] = pd.Categorical(
        [v if v == v else None for v in frame["instance"].astype(object)]
    )
    frame["instance"] = frame["instance"].cat.add_categories(
        ["VI_日本", "VI\x1b1", "VI\t" + "T" * 40, "Z" * 50]
    )
    frame.loc[1, "instance"] = "VI_日本"
    frame.loc[4, "instance"] = "VI\x1b1"
    # A tab is 1 character, 0 cells: measured in cells (a slice with wide
    # characters) this cell is one character wider than its column, and folds.
    frame.loc[7, "instance"] = "VI\t" + "T" * 40
    frame.loc[[6, 8], "instance"] = "VI_日本"
    frame["host"] = frame["host"].astype(object)  # not categorical
    frame.loc[2, "host"] = "hôst-日"
    frame.loc[5, "host"] = "h\x07st"
    frame.loc[6, "host"] = None
    frame["kind"] = frame["kind"].cat.add_categories(["K" * 50])
    frame["iface"] = pd.Series(spread(["eth日本0", "eth\x1b0", "e" * 70, "eth\t1"]), dtype=object)
    frame["ratio"] = pd.Series(spread([0.0, -0.0, 1.5, float("nan")]), dtype=float)
    frame["mixed"] = pd.Series(spread([1, 1.0, True, "1", 2**70]), dtype=object)
    frame["label"] = pd.Series(spread(["a", "b", "日本", "c\x1bd"]), dtype="string")
    frame["flag"] = pd.Series(spread([True, False, True]), dtype="boolean")
    frame["count"] = pd.Series(spread([3, -4, 2**40]), dtype="Int64")
    frame["plain"] = np.arange(rows) % 3 == 0  # numpy bool, every row filled
    stamps = frame["ts"].astype("datetime64[ns]").copy()
    stamps.iloc[3] = pd.NaT
    stamps.iloc[8] = stamps.iloc[8] + pd.Timedelta(microseconds=250)
    frame["ts"] = stamps
    return frame


def _odd_variants() -> Iterator[tuple[str, pd.DataFrame]]:
    frame = _odd_frame()
    yield "odd", frame
    lines = frame.copy()
    lines["line"] = lines["line"].astype("Int64")
    lines.loc[[0, 9], "line"] = pd.NA
    yield "missing lines", lines
    negative = frame.copy()
    negative.loc[3, "line"] = -12345
    yield "negative line", negative
    sources = frame.copy()
    names = ["/var/log/a-very-long-file-name.log", "/var/log/b.log", "/x/日本.log", "/y/z\x1b.log"]
    sources["source"] = pd.Categorical([names[i % 2] for i in range(len(frame))])
    sources["line"] = np.where(np.arange(len(frame)) % 2, 10**6 + np.arange(len(frame)), 1)
    yield "two sources", sources
    unnumbered = sources.copy()  # the longest name's lines without numbers
    unnumbered["line"] = unnumbered["line"].astype("Int64")
    unnumbered.loc[unnumbered.index % 2 == 0, "line"] = pd.NA
    yield "longest name unnumbered", unnumbered
    wide = sources.copy()
    wide["source"] = pd.Categorical([names[i % 4] for i in range(len(frame))])
    yield "odd sources", wide
    objects = frame.copy()
    objects["source"] = objects["source"].astype(object)
    objects["line"] = objects["line"].astype(float)
    yield "object source, float lines", objects
    bare = frame.drop(columns=["source", "line", "ts", "kind"])
    yield "no source, line, ts, kind", bare
    aware = frame.copy()
    aware["ts"] = aware["ts"].dt.tz_localize("Europe/Paris")
    yield "aware times", aware
    old = frame.copy()
    old["ts"] = old["ts"].astype("datetime64[s]")
    old.loc[2, "ts"] = pd.Timestamp("0999-12-31 23:59:59").to_datetime64()
    yield "year 999", old


@pytest.mark.parametrize("size", [3, 7, 16_384])
def test_wide_escaped_and_odd_cells_give_the_reference_table(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_table, "SLICE", size)
    for name, frame in _odd_variants():
        for width in (30, 60, 100, 160, 250, 400)[:: 1 if size > 3 else 2]:
            lines = list(table_lines(frame, width))
            assert lines == _reference_lines(frame, width), (name, width)
    odd = list(table_lines(_odd_frame(), 100))
    assert any("日本" in line for line in odd) and any("\\x1b" in line for line in odd)
    assert not any("\x1b" in line or "UNUSED" in line for line in odd)


def test_the_table_is_as_wide_as_the_cells_in_use() -> None:
    """Categories no row uses do not widen their column."""
    frame = read_events([EX1_B], on_error="collect")
    wider = frame.copy()
    for name in ("host", "program", "kind", "body"):
        wider[name] = wider[name].cat.add_categories(["W" * 300])
    assert list(table_lines(wider, 400)) == list(table_lines(frame, 400))
