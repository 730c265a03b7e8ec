"""`kalog.analyze` for notebooks: the seed's analysis as DataFrames, with the
same answers the command line gives (README: KA002 on router B)."""

from __future__ import annotations

from importlib import metadata

import pandas as pd

import kalog
from tests.conftest import SEED

A, B = "192_168_173_203", "192_168_173_204"


def _seed() -> kalog.Analysis:
    return kalog.analyze(
        [SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"],
        year=2014,
        configs={A: SEED / "ex1-A.conf", B: SEED / "ex1-B.conf"},
    )


def test_public_names_and_version() -> None:
    assert dir(kalog) == ["Analysis", "__version__", "analyze", "read_events", "replay"]
    assert kalog.__version__ == metadata.version("kalog")


def test_seed_findings_transitions_and_timeline_are_frames() -> None:
    analysis = _seed()
    findings = analysis.findings
    assert findings[["rule", "severity", "host", "instance"]].values.tolist() == [
        ["KA002", "warning", B, "vi_1"]
    ]
    assert findings.loc[0, "start"] == pd.Timestamp("2014-08-25 15:26:28")
    b_log = str(SEED / "ex1-B-master-100.log")
    assert findings.loc[0, "evidence"] == [(b_log, line) for line in range(20, 26)]
    changes = analysis.transitions
    assert changes[["ts", "host", "direction", "cause"]].values.tolist() == [
        [pd.Timestamp("2014-08-25 15:21:40"), A, "to_master", "startup"],
        [pd.Timestamp("2014-08-25 15:26:31"), B, "to_master", "preemption"],
    ]
    first = analysis.timeline.iloc[:5]
    assert first[["host", "state", "priority", "basis"]].values.tolist() == [
        [A, "INIT", 99, "inferred"],
        [A, "BACKUP", 99, "inferred"],
        [A, "BACKUP", 102, "inferred"],
        [A, "GOTO_MASTER", 102, "inferred"],
        [A, "MASTER", 102, "inferred"],
    ]
    assert analysis.summary["hosts"] == [A, B]
    assert analysis.findings is findings  # built once
    assert repr(analysis) == (
        f"<kalog.Analysis 62 events, hosts ['{A}', '{B}'], "
        "2 changes into/out of MASTER, 1 findings>"
    )


def test_no_findings_is_an_empty_frame_with_the_columns() -> None:
    analysis = kalog.analyze(SEED / "ex1-A-backup-99.log", year=2014)
    assert analysis.findings.empty
    assert list(analysis.findings.columns) == [
        "rule",
        "name",
        "severity",
        "host",
        "instance",
        "start",
        "end",
        "message",
        "evidence",
    ]
    assert str(analysis.findings["start"].dtype) == "datetime64[ns]"
