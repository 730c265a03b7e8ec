"""`kalog.analyze`: the whole analysis as DataFrames, for notebooks and scripts.

The command line renders an `AnalysisResult` (records the reports walk);
someone in a notebook wants tables to filter, join and plot.  `Analysis`
holds the same result and offers each part as a DataFrame, built on first
use, with the columns of the JSON report (docs/json.md) so what a user
learns from one carries over to the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import FINDING_FIELDS
from kalog.check.registry import RuleSpec
from kalog.check.settings import Settings

__all__ = ["Analysis", "analyze"]

_TRANSITION_COLUMNS = [
    "ts",
    "instance",
    "vrid",
    "host",
    "direction",
    "from",
    "to",
    "cause",
    "detail",
    "previous_master",
    "missing",
    "evidence",
]


@dataclass
class Analysis:
    """One analysis: `events`, `findings`, `transitions`, `timeline` as DataFrames.

    `result` is the record the reports render (`kalog.report`), `model` the
    replayed `kalog.model.Timeline` (segments, runs, observations), and
    `summary` the plain data of the summary block.
    """

    events: pd.DataFrame
    result: AnalysisResult

    @property
    def model(self) -> Any:
        return self.result.timeline

    @property
    def summary(self) -> dict[str, Any]:
        return self.result.summary

    @cached_property
    def findings(self) -> pd.DataFrame:
        """One row per finding; `evidence` a list of (source, line) pairs;
        times as Timestamps (NaT when unknown)."""
        rows = [
            {
                "rule": f.rule,
                "name": f.name,
                "severity": str(f.severity),
                "host": f.host,
                "instance": f.instance,
                "start": f.start,
                "end": f.end,
                "message": f.message,
                "evidence": [(e.source, e.line) for e in f.evidence],
            }
            for f in self.result.findings
        ]
        return _frame(rows, list(FINDING_FIELDS), times=("start", "end"))

    @cached_property
    def transitions(self) -> pd.DataFrame:
        """One row per change into or out of MASTER, with its cause."""
        rows = [
            {
                "ts": t.ts,
                "instance": t.instance,
                "vrid": t.vrid,
                "host": t.host,
                "direction": t.direction,
                "from": t.from_state,
                "to": t.to_state,
                "cause": t.cause,
                "detail": t.detail,
                "previous_master": t.previous_master,
                "missing": t.missing,
                "evidence": list(t.evidence),
            }
            for t in self.result.transitions
        ]
        return _frame(rows, _TRANSITION_COLUMNS, times=("ts",))

    @cached_property
    def timeline(self) -> pd.DataFrame:
        """One row per segment: host, instance, start, end, state, priority,
        basis (how the priority is known), state_basis (how the state is)."""
        model = self.result.timeline
        return model.to_frame() if model is not None else pd.DataFrame()

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<kalog.Analysis {len(self.events):,} events, hosts {s.get('hosts', [])}, "
            f"{len(self.result.transitions)} changes into/out of MASTER, "
            f"{len(self.result.findings)} findings>"
        )


def _frame(rows: list[dict[str, Any]], columns: list[str], times: Iterable[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for name in times:
        if frame[name].isna().all():  # all unknown: datetime, not object, dtype
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    return frame


def analyze(
    paths: str | Path | Sequence[str | Path],
    *,
    configs: Mapping[str, str | Path | Sequence[str | Path]] | None = None,
    year: int | None = None,
    tz: str | None = None,
    host: str | None = None,
    version: str | None = None,
    expect: str | None = None,
    peers: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    rules: Sequence[RuleSpec] | None = None,
) -> Analysis:
    """Read `paths`, replay them and run the rules, as `kalog analyze` does.

    The keywords are the command's options: `configs` host -> keepalived.conf
    path (a list: one per reload), `year` / `tz` for syslog times without
    them, `host` for lines that name none, `version` to force a keepalived
    version, `expect` a reference profile, `peers` address -> host.  Reading
    problems are warnings (`kalog.errors.InputWarning`), not exceptions,
    unless no line could be read at all.
    """
    from kalog.ingest.frame import read_events
    from kalog.pipeline import analyze_events

    inputs = [paths] if isinstance(paths, str | Path) else list(paths)
    events = read_events([str(p) for p in inputs], year=year, tz=tz, host=host)
    result = analyze_events(
        events,
        configs=configs,
        version=version,
        expect=expect,
        peers=peers,
        settings=settings,
        rules=rules,
    )
    return Analysis(events, result)
