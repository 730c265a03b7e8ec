"""`kalog events --format table` (kalog.report.events_table): layout, folding,
slices, on real lines."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import CORPUS, LAB, SEED
from rich.cells import cell_len

from kalog import read_events
from kalog.cli import main
from kalog.report import events_table
from kalog.report.events import iter_records
from kalog.report.events_table import _fold, _fold_cells, _times, table_lines

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
    assert _times(frame, len(frame)) == expected
    assert expected[0].endswith("+00:00") and "." in expected[0]
