"""Small helpers rules share: evidence lines, segment walks, reference profiles.

Kept out of `kalog.findings` (which defines records and loading) so that a
rule author has one place for the conveniences of reading the model's
timeline; nothing here decides what is a violation.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pandas as pd

from kalog.findings import Evidence, NotEvaluable
from kalog.model.profiles import PROFILES, Profile, resolve_profile
from kalog.model.timeline import InstanceTimeline, RunInfo, Segment, Timeline

if TYPE_CHECKING:  # pragma: no cover
    from kalog.analysis import AnalysisContext


def timeline_of(ctx: AnalysisContext) -> Timeline:
    """The replayed timeline, or NotEvaluable when the analysis has none."""
    timeline = ctx.timeline
    if not isinstance(timeline, Timeline):
        raise NotEvaluable("no replayed timeline")
    return timeline


def _line_index(ctx: AnalysisContext) -> dict[tuple[str, int], str]:
    cached = getattr(ctx, "_kalog_line_index", None)
    if cached is not None:
        return cached
    events = ctx.events
    index: dict[tuple[str, int], str] = {}
    if not events.empty and {"source", "line", "raw"} <= set(events.columns):
        for source, line, raw in zip(events["source"], events["line"], events["raw"], strict=True):
            if not pd.isna(source) and not pd.isna(line):
                index[(str(source), int(line))] = "" if pd.isna(raw) else str(raw)
    with contextlib.suppress(AttributeError, TypeError):  # a frozen context: no cache
        object.__setattr__(ctx, "_kalog_line_index", index)
    return index


def evidence(ctx: AnalysisContext, pairs: Iterable[tuple[Any, Any]]) -> list[Evidence]:
    """Evidence records (with the line's text) for (source, line) pairs, deduplicated."""
    index = _line_index(ctx)
    seen: set[tuple[str, int]] = set()
    result: list[Evidence] = []
    for source, line in pairs:
        if source is None or line is None or pd.isna(source) or pd.isna(line):
            continue
        key = (str(source), int(line))
        if key in seen:
            continue
        seen.add(key)
        result.append(Evidence(key[0], key[1], index.get(key)))
    return result


def segment_evidence(ctx: AnalysisContext, segments: Iterable[Segment]) -> list[Evidence]:
    return evidence(ctx, ((s.source, s.line) for s in segments))


def run_of(timeline: Timeline, host: str, run: int) -> RunInfo | None:
    for info in timeline.runs:
        if info.host == host and info.run == run:
            return info
    return None


def reference_profile(ctx: AnalysisContext, run: RunInfo | None) -> Profile:
    """The profile a run is judged against: --expect, else the run's own."""
    if ctx.expect:
        return resolve_profile(ctx.expect)
    if run is not None and run.profile in PROFILES:
        return PROFILES[run.profile]
    return PROFILES["2"]


def runs_of(item: InstanceTimeline) -> Iterator[list[Segment]]:
    """An instance's segments grouped by keepalived run, in order."""
    current: list[Segment] = []
    for segment in item.segments:
        if current and segment.run != current[0].run:
            yield current
            current = []
        current.append(segment)
    if current:
        yield current


def fmt_time(ts: pd.Timestamp | None) -> str:
    if ts is None or pd.isna(ts):
        return "?"
    text = ts.strftime("%Y-%m-%d %H:%M:%S")
    if ts.microsecond:
        text += f".{ts.microsecond // 1000:03d}"
    return text


def advert_interval(ctx: AnalysisContext, host: str, instance: str, default: float = 1.0) -> float:
    config = (ctx.configs or {}).get(host)
    inst = (getattr(config, "instances", {}) or {}).get(instance) if config is not None else None
    value = getattr(inst, "advert_int", None)
    return float(value) if value else default
