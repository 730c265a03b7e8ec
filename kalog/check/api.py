"""Everything a rule module imports, from one place.

A rule (one module in `rules/` or in a `--rules DIR`) declares `CODE`,
`NAME`, `SEVERITY`, `NEEDS`, optional `Options` and `check(ctx, options)`
(kalog.check.findings says how), and imports what it uses from here only:

* the records it reports: `Finding`, `Evidence`, `Severity`, `Need`,
  `NotEvaluable`;
* what it reads: `AnalysisContext` (events, timeline, configs, settings),
  the model's types (`Segment`, `InstanceTimeline`, `RunInfo`, `Timeline`),
  the event kinds (`Kind`);
* the helpers rules share (`kalog.check.rulekit`): the timeline, segment
  tables, rows by host and kind, times as nanoseconds (`ns`, one form for
  a time or an array of them; `ctx.times_ns` for the events');
* evidence needs no helper: a finding cites locations (`Evidence`, (source,
  line) pairs, segments, transitions) and the engine attaches the lines'
  texts to all findings in one lookup;
* what the model knows about priorities and versions (`priority_counting`:
  a priority with given tracker results counted; `effective_priority`,
  `trackers_for`, `PROFILES`), so a rule asks the model rather than
  re-deriving it.

Why one module: a rule then depends on a stable surface, and the engine's
modules can move without touching any rule.
"""

from __future__ import annotations

from kalog.check.context import AnalysisContext
from kalog.check.findings import Evidence, Finding, Need, NotEvaluable, Severity
from kalog.check.registry import NoOptions
from kalog.check.rulekit import (
    HostRows,
    SegmentTable,
    advert_interval,
    cells,
    fmt_time,
    host_rows,
    instances_by_key,
    kind_mask,
    may_contain,
    ns,
    reference_profile,
    run_of,
    runs_by_key,
    runs_of,
    seconds_between,
    segment_table,
    timeline_of,
)
from kalog.ingest.events import Kind
from kalog.model.priority import effective_priority
from kalog.model.profiles import PROFILES
from kalog.model.replay import priority_counting, trackers_for
from kalog.model.timeline import InstanceTimeline, RunInfo, Segment, Timeline
from kalog.model.transitions import fault_reason

__all__ = [
    "PROFILES",
    "AnalysisContext",
    "Evidence",
    "Finding",
    "HostRows",
    "InstanceTimeline",
    "Kind",
    "Need",
    "NoOptions",
    "NotEvaluable",
    "RunInfo",
    "Segment",
    "SegmentTable",
    "Severity",
    "Timeline",
    "advert_interval",
    "cells",
    "effective_priority",
    "fault_reason",
    "fmt_time",
    "host_rows",
    "instances_by_key",
    "kind_mask",
    "may_contain",
    "ns",
    "reference_profile",
    "run_of",
    "runs_by_key",
    "runs_of",
    "seconds_between",
    "segment_table",
    "timeline_of",
    "trackers_for",
    "priority_counting",
]
