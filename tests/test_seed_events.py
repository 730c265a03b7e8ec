"""The four seed logs, every line typed: golden jsonl (reviewed by eye) + exact checks.

The golden files are `kalog events --format jsonl --year 2014 samples/seed/X.log`
run from the repository root (the seed is a 2014 lab note on keepalived
1.2.13).  To refresh them after an intended change, rerun that command and
read the diff line by line before committing.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import ROOT, SEED

from kalog.cli import main
from kalog.ingest.frame import read_events

GOLDEN = ROOT / "tests" / "golden" / "seed"
SEED_NAMES = sorted(p.stem for p in SEED.glob("*.log"))


def test_four_seed_logs() -> None:
    assert SEED_NAMES == [
        "ex1-A-backup-99",
        "ex1-B-master-100",
        "ex2-A-backup-100",
        "ex2-B-master-99",
    ]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_matches_golden_jsonl(name: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main, ["events", "--format", "jsonl", "--year", "2014", f"samples/seed/{name}.log"]
    )
    assert result.exit_code == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    want = [
        json.loads(line)
        for line in (GOLDEN / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(got) == len(want)
    for got_row, want_row in zip(got, want, strict=True):
        assert got_row == want_row
    assert all(row["kind"] != "unknown" for row in got)
    lines = (SEED / f"{name}.log").read_text(encoding="utf-8").splitlines()
    assert [row["raw"] for row in got] == lines  # every line, in order


def _row(frame: pd.DataFrame, line: int) -> pd.Series:
    return frame.loc[frame["line"] == line].iloc[0]


def test_ex1_b_transition_then_higher_advert_then_forced_election() -> None:
    frame = read_events([SEED / "ex1-B-master-100.log"], year=2014)
    row = _row(frame, 23)
    assert (row["kind"], row["instance"], row["state"]) == ("transition_master", "vi_1", "MASTER")
    assert row["ts"] == pd.Timestamp("2014-08-25 15:26:28")
    assert (row["host"], row["program"], row["pid"]) == ("192_168_173_204", "Keepalived_vrrp", 8196)
    assert (_row(frame, 24)["kind"], _row(frame, 24)["instance"]) == ("advert_higher", "vi_1")
    assert (_row(frame, 25)["kind"], _row(frame, 25)["state"]) == ("enter_state", "BACKUP")
    row = _row(frame, 26)
    assert (row["kind"], row["instance"]) == ("force_election", "vi_1")
    assert row["ts"] == pd.Timestamp("2014-08-25 15:26:29")
    row = _row(frame, 29)
    assert (row["kind"], row["state"], row["ts"]) == (
        "enter_state",
        "MASTER",
        pd.Timestamp("2014-08-25 15:26:31"),
    )


def test_ex1_a_scripts_and_children() -> None:
    frame = read_events([SEED / "ex1-A-backup-99.log"], year=2014)
    scripts = frame[frame["kind"] == "script_result"]
    assert scripts["script"].tolist() == ["nag", "zero", "pos"]
    assert set(scripts["result"]) == {"success"}
    children = frame[frame["kind"] == "child_start"]
    assert children["child_pid"].tolist() == [25765, 25766]
    assert children["pid"].tolist() == [25764, 25764]
    assert _row(frame, 1)["version"] == "1.2.13"
    row = _row(frame, 29)
    assert (row["kind"], row["interface"], row["address"]) == ("garp", "eth0", "172.16.173.100")
