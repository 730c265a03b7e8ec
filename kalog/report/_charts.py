"""What the chart formats draw, read from the model: one chart per VRRP instance.

The HTML report (`kalog.report.html`, interactive, plotly.js) and the
static picture (`kalog.report.chart`, SVG/PNG, matplotlib) draw the same
things with the same colours and line styles, so a picture pasted into a
postmortem reads like the report it came from.  This module only groups
what the replay returned (segments, the host's last line, changes of
master, findings) per chart and names the styles; it infers nothing:
state, priority and their bases are the segments' own, and a host's lane
ends where its log ends (`Timeline.host_end`), as the model says.

One chart per *cluster* (`InstanceTimeline.cluster`): the hosts that run
the same instance share a chart, and fleets that reuse `VI_1` get one
chart per pair rather than one crowded chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kalog.errors import KalogError
from kalog.model.timeline import InstanceTimeline, Segment, Timeline, untimed_line

__all__ = [
    "BASIS_DASH",
    "require",
    "HOST_COLORS",
    "STATE_COLORS",
    "STATE_ORDER",
    "Chart",
    "charts",
    "wall_clock",
]

#: Lane colours per state (the rich lanes' colours, as CSS colours).
STATE_COLORS = {
    "MASTER": "#2e9e44",
    "BACKUP": "#3fa7d6",
    "GOTO_MASTER": "#f2c14e",
    "FAULT": "#d7263d",
    "INIT": "#b0b0b0",
    "STOPPED": "#555555",
    "UNKNOWN": "#d9d9d9",
}
#: Legend order: the states a reader looks for first.
STATE_ORDER = ("MASTER", "BACKUP", "GOTO_MASTER", "FAULT", "INIT", "STOPPED", "UNKNOWN")

#: How a priority's basis is drawn (plotly dash names; the static chart maps
#: them to matplotlib's).  `unknown` has no line at all: there is no value.
BASIS_DASH = {"logged": "solid", "inferred": "dash", "advertised": "dot"}

#: One colour per host in a chart, in lane order (colour-blind safe: Okabe-Ito).
HOST_COLORS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#000000")


def require(fmt: str) -> None:
    """Fail with a one-line user error, before any log is read, when the
    charting library `fmt` needs is not installed (it is the optional
    extra `kalog[charts]`, part of the test install)."""
    import importlib.util

    package = "plotly" if fmt == "html" else "matplotlib"
    if importlib.util.find_spec(package) is None:
        raise KalogError(
            f"--format {fmt} needs {package}: "
            f"pip install 'kalog[charts]' (or pip install {package})"
        )


@dataclass
class Lane:
    """One host's segments of the chart's instance and where its log ends."""

    host: str
    item: InstanceTimeline
    #: the host's last logged line (`Timeline.host_end`): nothing is known past it
    end: pd.Timestamp | None

    @property
    def segments(self) -> list[Segment]:
        return self.item.segments


@dataclass
class Chart:
    """Everything drawn for one instance (one cluster of hosts)."""

    key: str  # the cluster id: the instance name, or NAME@host
    instance: str
    vrid: int | None
    lanes: list[Lane]
    start: pd.Timestamp
    end: pd.Timestamp
    #: the instance's lines carry no time: the axis is line numbers
    untimed: bool
    transitions: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        return [lane.host for lane in self.lanes]

    @property
    def priority_range(self) -> tuple[int, int]:
        """The priority axis of every format: the known values, 5 beyond
        either end (0-255 when no value is known)."""
        known = [
            s.priority
            for lane in self.lanes
            for s in lane.segments
            if s.priority is not None and s.basis in BASIS_DASH
        ]
        return (min(known) - 5, max(known) + 5) if known else (0, 255)


def charts(
    timeline: Timeline, transitions: Iterable[Any] = (), findings: Iterable[Any] = ()
) -> list[Chart]:
    """One `Chart` per cluster, in the timeline's order of instances.

    A change of master belongs to the chart of its (host, instance); a
    finding to the chart of its instance when it names one and the host is
    in that chart (or names none).
    """
    groups: dict[str, list[InstanceTimeline]] = {}
    for item in timeline.instances:
        if item.segments:
            groups.setdefault(item.cluster or item.instance, []).append(item)
    result: list[Chart] = []
    by_pair: dict[tuple[str, str], Chart] = {}
    by_instance: dict[str, list[Chart]] = {}
    for key, items in groups.items():
        lanes = [Lane(i.host, i, timeline.host_end.get(i.host)) for i in items]
        starts = [lane.segments[0].start for lane in lanes]
        ends = [max(lane.segments[-1].end, lane.end or lane.segments[-1].end) for lane in lanes]
        untimed = all(untimed_line(s) is not None for s in starts)
        chart = Chart(
            key=key,
            instance=items[0].instance,
            vrid=next((i.vrid for i in items if i.vrid is not None), None),
            lanes=lanes,
            start=min(starts),
            end=max(ends),
            untimed=untimed,
        )
        result.append(chart)
        for item in items:
            by_pair[(item.host, item.instance)] = chart
        by_instance.setdefault(items[0].instance, []).append(chart)
    for transition in transitions:
        chart = by_pair.get((transition.host, transition.instance))
        if chart is not None:
            chart.transitions.append(transition)
    for finding in findings:
        for chart in by_instance.get(finding.instance or "", []):
            if finding.host is None or finding.host in chart.hosts:
                chart.findings.append(finding)
    return result


def wall_clock(values: Sequence[pd.Timestamp | None], untimed: bool = False) -> list[Any]:
    """Positions on a chart's time axis: the log's wall-clock time as text
    (`2014-08-25 15:21:35.000`; zone offsets dropped: the log's own clock is
    what a reader compares with its lines), or line numbers for an untimed
    chart.  None stays None (a gap in a line).
    """
    if untimed:
        return [None if v is None else untimed_line(v) for v in values]
    present = [i for i, v in enumerate(values) if v is not None]
    out: list[Any] = [None] * len(values)
    if not present:
        return out
    stamps = [values[i] for i in present]
    try:
        index = pd.DatetimeIndex(stamps)
        if index.tz is not None:
            index = index.tz_localize(None)
        texts = np.datetime_as_string(index.values.astype("datetime64[ms]"), unit="ms")
    except (TypeError, ValueError):  # mixed zones: one at a time
        texts = [_one(v) for v in stamps]
    for i, text in zip(present, texts, strict=True):
        out[i] = str(text).replace("T", " ")
    return out


def _one(ts: pd.Timestamp) -> str:
    naive = ts.tz_localize(None) if ts.tzinfo is not None else ts
    return naive.strftime("%Y-%m-%d %H:%M:%S.") + f"{naive.microsecond // 1000:03d}"
