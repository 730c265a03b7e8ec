"""A small but real AnalysisResult for the report tests.

Rules KA301 and KA901 run over hand-parsed events of two real corpus logs
(050: VIP missing from the master's advert; 005: a console log with two
unrecognised lines).  The summary, timeline and transitions have the shape
the replay model hands to the reports (see kalog.check.analysis.AnalysisResult).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rule_frames import read_jsonl

from kalog.check.analysis import AnalysisResult, run_rules
from kalog.check.context import AnalysisContext
from kalog.check.registry import load_rules
from kalog.check.settings import Settings

HERE = Path(__file__).resolve().parent


def sample_result(extra_findings=(), fail_on: str = "warning") -> AnalysisResult:
    events = pd.concat(
        [
            read_jsonl(HERE / "KA301" / "vip-missing-2x" / "events.jsonl"),
            read_jsonl(HERE / "KA901" / "console-unknown" / "events.jsonl"),
        ],
        ignore_index=True,
    )
    specs = load_rules()
    settings = Settings(select=("KA301", "KA901")).resolve(specs)
    findings, statuses = run_rules(AnalysisContext(events=events), specs, settings)
    timeline = pd.DataFrame(
        {
            "host": ["swarm", "swarm"],
            "instance": ["VI_1", "VI_1"],
            "state": ["BACKUP", "MASTER"],
            "priority": pd.array([100, 100], dtype="Int64"),
            "start": pd.to_datetime(["2023-09-16 19:04:02", "2023-09-16 19:04:05"]),
            "end": pd.to_datetime(["2023-09-16 19:04:05", pd.NaT]),
        }
    )
    transitions = [
        {
            "ts": pd.Timestamp("2023-09-16 19:04:05"),
            "instance": "VI_1",
            "host": "swarm",
            "previous": None,
            "cause": "no advert from a master within master_down_interval",
            "evidence": [("swarm.log", 10)],
        }
    ]
    summary = {
        "hosts": ["node", "swarm"],
        "instances": ["VI_1", "ens3-1"],
        "versions": {"swarm": "2.2.8"},
        "start": pd.Timestamp("2023-09-16 19:04:02"),
        "end": pd.Timestamp("2024-07-10 09:27:25"),
        "master_time": {"swarm": pd.Timedelta(seconds=3)},
        "lines": 17,
    }
    return AnalysisResult(
        summary=summary,
        timeline=timeline,
        transitions=transitions,
        findings=[*findings, *extra_findings],
        rule_statuses=statuses,
        rules=[s for s in specs if s.code in ("KA301", "KA901")],
        fail_on=fail_on,
    )
