"""The whole pipeline in one call: events -> model -> rules -> AnalysisResult.

`kalog analyze` and library users share this, so the command line stays a
thin layer of option parsing and output.  Reading the logs is the caller's
business (`kalog.read_events`), because the reader's options and warnings
belong to the command that reads.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kalog.check.analysis import AnalysisResult, run_rules
from kalog.check.context import AnalysisContext
from kalog.check.findings import RuleState
from kalog.check.registry import RuleSpec, load_rules
from kalog.check.rulekit import seconds_between, segment_table
from kalog.check.settings import Settings
from kalog.model import Timeline, replay
from kalog.model.replay import load_configs
from kalog.model.timeline import untimed_line
from kalog.model.window import Window


def host_versions(events: pd.DataFrame) -> dict[str, str]:
    """host -> the first keepalived version its log announces (hosts sorted).

    Only the few rows that carry a version are looked at: filtering the
    whole frame and grouping it cost a noticeable share of a big log's
    analysis for a handful of `Starting Keepalived` lines.
    """
    if events.empty or "version" not in events:
        return {}
    rows = np.flatnonzero(
        events["version"].notna().to_numpy(dtype=bool) & events["host"].notna().to_numpy(dtype=bool)
    )
    hosts = events["host"].iloc[rows].tolist()
    versions = events["version"].iloc[rows].tolist()
    first: dict[str, str] = {}
    for host, version in zip(hosts, versions, strict=True):
        first.setdefault(str(host), str(version))
    return {host: first[host] for host in sorted(first)}


def summarize(
    events: pd.DataFrame, timeline: Timeline, ctx: AnalysisContext | None = None
) -> dict[str, Any]:
    """Plain data about the run for the reports' summary block.

    `ctx`: the rules' context of this timeline, whose segment tables
    (`kalog.check.rulekit.segment_table`) are then reused.
    """
    if ctx is None or ctx.timeline is not timeline:
        ctx = AnalysisContext(events=events, timeline=timeline)
    stats = dict(events.attrs.get("stats", {}))
    changes = count_changes_of_master(timeline)
    # a host name read as several machines (kalog.ingest.identity): only then
    # a key, so the summary of other inputs is as it was
    apart = {host: list(names) for host, names in events.attrs.get("hosts_apart", {}).items()}
    summary = {
        **({"hosts_apart": apart} if apart else {}),
        "hosts": sorted({i.host for i in timeline.instances} | set(timeline.host_end)),
        "instances": sorted({i.instance for i in timeline.instances}),
        "versions": {
            f"{run.host}#{run.run}": f"{run.version or '?'} (profile {run.profile}, "
            f"{run.profile_basis})"
            for run in timeline.runs
        },
        "start": timeline.start,
        "end": timeline.end,
        "changes_of_master": changes,
        "without_time": {
            source: {"lines": count, "whole_input": whole}
            for source, (count, whole) in sorted(timeline.untimed.items())
        },
        "master_time": _master_time(ctx, timeline),
        "lines": {
            key: stats[key]
            for key in ("lines_read", "keepalived_lines", "typed", "unknown")
            if key in stats
        },
    }
    if stats.get("assumed_years"):  # only then: outputs with --year stay as they were
        from kalog.ingest.frame import year_note

        summary["year"] = {
            "note": year_note(stats["assumed_years"]),
            "inputs": stats["assumed_years"],
        }
    return summary


#: How far apart a host's leaving MASTER and a peer's taking it may be and
#: still be one change of master (a master-down interval at slow adverts).
_PAIRED_S = 15.0


def count_changes_of_master(timeline: Timeline) -> int:
    """How many times the master of an instance changed, as the log proves it.

    Each change into MASTER is one; a change out of MASTER counts too
    unless a peer of the same cluster took MASTER within `_PAIRED_S` of
    it (the two lines of one failover).  Why: an excerpt of one host that
    steps down (corpus 080) or stops proves a change of master although
    the new master's lines are not in it.
    """
    into: dict[str, list[tuple[int, str]]] = {}
    clusters = {(i.host, i.instance): i.cluster or i.instance for i in timeline.instances}
    for t in timeline.transitions:
        if t.direction == "to_master":
            key = clusters.get((t.host, t.instance), t.instance)
            into.setdefault(key, []).append((t.ts.value, t.host))
    for items in into.values():
        items.sort()
    reach = int(_PAIRED_S * 1e9)
    count = sum(len(items) for items in into.values())
    for t in timeline.transitions:
        if t.direction != "from_master":
            continue
        items = into.get(clusters.get((t.host, t.instance), t.instance), [])
        ns = t.ts.value
        # the takeovers within reach, found by bisection on their times
        at = bisect.bisect_left(items, (ns - reach, ""))
        while at < len(items) and items[at][0] <= ns + reach:
            if items[at][1] != t.host:
                break
            at += 1
        else:
            count += 1
    return count


def _master_time(ctx: AnalysisContext, timeline: Timeline) -> dict[str, dict[str, float]]:
    """host -> instance -> seconds spent MASTER (rounded to ms), both sorted.

    Per host *and instance*: a host that masters three instances for the
    same 6 s (corpus 086) was MASTER 6 s of each, not 18 s of a 6 s log.
    The sum, per (host, instance), of `max(0, seconds)` over its MASTER
    segments in timeline order.  The segments come from the segment tables
    and their seconds from int ns with `seconds_between`'s arithmetic on
    arrays (the same floats); `np.add.accumulate` adds them one after
    another in that order, as the loop over ~50k segments it replaces did.
    """
    parts: dict[tuple[str, str], list[np.ndarray]] = {}
    for item in timeline.instances:
        if item.segments and untimed_line(item.segments[0].start) is not None:
            continue  # lines without times: how long is not known
        table = segment_table(ctx, item)
        master = np.flatnonzero(table.states == table.state_code("MASTER"))
        if len(master) == 0:
            continue
        if table.timed:
            seconds = np.maximum(seconds_between(table.starts[master], table.ends[master]), 0.0)
        else:
            segments = [item.segments[position] for position in master.tolist()]
            seconds = np.array([max(0.0, _seconds(s.start, s.end)) for s in segments])
        parts.setdefault((item.host, item.instance), []).append(seconds)
    totals: dict[str, dict[str, float]] = {}
    for (host, instance), arrays in sorted(parts.items()):
        total = float(np.add.accumulate(np.concatenate(arrays))[-1])
        totals.setdefault(host, {})[instance] = round(total, 3)
    return totals


def _seconds(start: Any, end: Any) -> float:
    """`(end - start).total_seconds()`, on int nanoseconds when both are times.

    A Timedelta per MASTER segment was most of `summarize` on a busy log;
    `seconds_between` gives the same float.  NaT/None keep pandas' answer.
    """
    if isinstance(start, pd.Timestamp) and isinstance(end, pd.Timestamp):
        return seconds_between(start.value, end.value)
    return (end - start).total_seconds()


def analyze_events(
    events: pd.DataFrame,
    *,
    configs: Mapping[str, str | Path | Sequence[str | Path]] | None = None,
    version: str | None = None,
    expect: str | None = None,
    peers: Mapping[str, str] | None = None,
    settings: Settings | None = None,
    rules: Sequence[RuleSpec] | None = None,
    fail_on: str | None = None,
    window: Window | None = None,
    replayer: Callable[..., Timeline] | None = None,
) -> AnalysisResult:
    """Replay `events`, run the rules and return everything the reports need.

    `window`: what to show (kalog.model.window); the replay and the rules
    still read every event, so nothing inferred changes with it.
    `replayer`: called as `kalog.model.replay` is (events, configs=, version=,
    peers=) instead of it; `kalog.fleet` replays clusters in other processes.
    """
    versions = host_versions(events)
    for host in configs or {}:
        versions.setdefault(host, version)
    if version:
        versions = {host: version for host in versions}
    parsed = load_configs(configs, versions)
    timeline = (replayer or replay)(events, configs=parsed, version=version, peers=peers)
    specs = list(rules) if rules is not None else load_rules()
    settings = (settings or Settings()).resolve(specs)
    ctx = AnalysisContext(
        events=events,
        timeline=timeline,
        transitions=timeline.transitions,
        configs={host: items[0] for host, items in parsed.items() if items},
        configs_by_host={host: items for host, items in parsed.items() if items},
        versions=versions,
        expect=expect,
        settings=settings,
    )
    findings, statuses = run_rules(ctx, specs, settings)
    if window is not None and window.active:
        timeline = window.timeline(timeline)
        summary = {**summarize(events, timeline), "window": window.describe()}
        findings = window.findings(findings)
        shown = Counter(f.rule for f in findings)
        statuses = [
            replace(s, findings=shown[s.rule]) if s.state is RuleState.EVALUATED else s
            for s in statuses
        ]
    else:
        summary = summarize(events, timeline, ctx)
    return AnalysisResult(
        summary=summary,
        timeline=timeline,
        transitions=timeline.transitions,
        findings=findings,
        rule_statuses=statuses,
        rules=specs,
        fail_on=fail_on or getattr(settings, "fail_on", None) or "warning",
    )
