"""`kalog timeline --format svg|png`: the timeline as one picture for a document.

A postmortem document wants a picture, not a page: this draws what the
HTML report's charts show (`kalog.report._charts`: the same colours and
line styles), per instance a state lane per host above the effective
priority as a step chart, as a static SVG or PNG.  Drawn with matplotlib,
which writes both formats itself, without a browser (plotly's static
export needs kaleido and a Chrome; docs/report.md): `Figure` directly,
never pyplot, so no GUI backend and no global state is touched.

Nothing is invented, as in the report: an `UNKNOWN` stretch is hatched
grey, a host's lane is a thin dotted line before its first line and past
its last, and an unknown priority is a shaded band with no line.  The SVG
is the same bytes for the same input (fixed ids, no date), so a picture
kept in a repository changes only when the timeline does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import numpy as np
import pandas as pd

from kalog.model.timeline import Timeline, untimed_line
from kalog.report._charts import (
    BASIS_DASH,
    HOST_COLORS,
    STATE_COLORS,
    STATE_ORDER,
    Chart,
    charts,
    require,
    wall_clock,
)

__all__ = ["FORMATS", "write"]

FORMATS = ("svg", "png")

#: Past this many segments in a chart its lanes and steps are embedded as a
#: bitmap inside the SVG (matplotlib's `rasterized`): a week of a busy pair is
#: tens of thousands of rectangles, which no reader can tell apart at a
#: page's width, and as vectors made an SVG of 7 MB in 20 s.
RASTER_SEGMENTS = 2000

#: plotly dash names -> matplotlib line styles
_LINESTYLE = {"solid": "-", "dash": (0, (5, 3)), "dot": (0, (1, 2))}


def write(
    timeline: Timeline,
    out: IO[bytes],
    fmt: str = "svg",
    *,
    transitions: Sequence[Any] | None = None,
    width: float = 11.0,
) -> int:
    """Draw every instance of `timeline` into `out` as `fmt`; returns the charts drawn."""
    require(fmt)
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r} (svg or png)")
    items = charts(timeline, timeline.transitions if transitions is None else transitions)
    heights: list[float] = []
    for chart in items:
        heights += [0.45 * len(chart.lanes) + 0.5, 2.0]
    if not items:
        heights = [1.0]
    # text as <text> (searchable, editable in a document), log text never read as TeX
    style = {"svg.hashsalt": "kalog", "svg.fonttype": "none", "text.parse_math": False}
    with matplotlib.rc_context({**style, "font.size": 9}):
        fig = Figure(figsize=(width, sum(heights) + 0.7 * max(1, len(items))), layout="constrained")
        axes = fig.subplots(len(heights), 1, height_ratios=heights, squeeze=False)[:, 0]
        if not items:
            axes[0].axis("off")
            axes[0].text(0.5, 0.5, "No VRRP instance found in the input.", ha="center")
        for n, chart in enumerate(items):
            lanes_ax, prio_ax = axes[2 * n], axes[2 * n + 1]
            prio_ax.sharex(lanes_ax)
            _draw_lanes(lanes_ax, chart)
            _draw_priority(prio_ax, chart)
            _time_axis(lanes_ax, prio_ax, chart)
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(out, format=fmt, dpi=120, metadata=metadata)
    return len(items)


def _x(values: Sequence[Any], chart: Chart) -> np.ndarray:
    """Positions on matplotlib's axis: date numbers, or line numbers."""
    if chart.untimed:
        return np.array([untimed_line(v) for v in values], dtype=float)
    from matplotlib import dates

    texts = wall_clock(list(values))
    return np.asarray(dates.date2num(pd.to_datetime(texts).to_numpy()), dtype=float)


def _dense(chart: Chart) -> bool:
    return sum(len(lane.segments) for lane in chart.lanes) > RASTER_SEGMENTS


def _draw_lanes(ax: Any, chart: Chart) -> None:
    from matplotlib.patches import Patch

    dense = _dense(chart)
    hosts = chart.hosts
    ys = {host: len(hosts) - 1 - i for i, host in enumerate(hosts)}
    seen: set[str] = set()
    for lane in chart.lanes:
        segments = [s for s in lane.segments if s.end > s.start]
        if segments:
            starts = _x([s.start for s in segments], chart)
            ends = _x([s.end for s in segments], chart)
            for state in STATE_ORDER:
                picked = [i for i, s in enumerate(segments) if s.state == state]
                if not picked:
                    continue
                seen.add(state)
                ax.broken_barh(
                    [(starts[i], ends[i] - starts[i]) for i in picked],
                    (ys[lane.host] - 0.32, 0.64),
                    facecolors=STATE_COLORS[state],
                    edgecolor="#999999" if state == "UNKNOWN" else "none",
                    hatch="///" if state == "UNKNOWN" else None,
                    linewidth=0.4,
                    rasterized=dense,
                )
        # before its first line and past its last: not in the host's log
        first, last = lane.segments[0].start, lane.segments[-1].end
        if lane.end is not None and lane.end > last:
            last = lane.end
        gaps = [(chart.start, first)] if first > chart.start else []
        if last < chart.end:
            gaps.append((last, chart.end))
        for a, b in gaps:
            xa, xb = _x([a, b], chart)
            ax.plot([xa, xb], [ys[lane.host]] * 2, color="#999999", linestyle=":", linewidth=1)
    marks = (("to_master", "^", "#145a32"), ("from_master", "v", "#7b241c"))
    for direction, marker, color in marks:
        picked = [t for t in chart.transitions if t.direction == direction and t.host in ys]
        if picked:
            ax.scatter(
                _x([t.ts for t in picked], chart),
                [ys[t.host] for t in picked],
                marker=marker,
                s=45,
                color=color,
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
                rasterized=dense,
            )
    ax.set_yticks(range(len(hosts)), [hosts[len(hosts) - 1 - i] for i in range(len(hosts))])
    ax.set_ylim(-0.6, len(hosts) - 0.4)
    title = f"Instance {chart.instance}"
    if chart.key != chart.instance:
        title += f" ({chart.key})"
    if chart.vrid is not None:
        title += f", VRID {chart.vrid}"
    ax.set_title(title, loc="left", fontweight="bold")
    handles = [
        Patch(
            facecolor=STATE_COLORS[s],
            hatch="///" if s == "UNKNOWN" else None,
            edgecolor="#999999" if s == "UNKNOWN" else "none",
            label="UNKNOWN (not known)" if s == "UNKNOWN" else s,
        )
        for s in STATE_ORDER
        if s in seen
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), frameon=False)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)


def _draw_priority(ax: Any, chart: Chart) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    low, high = chart.priority_range
    dense = _dense(chart)
    handles: list[Any] = []
    bases: set[str] = set()
    any_unknown = False
    for n, lane in enumerate(chart.lanes):
        color = HOST_COLORS[n % len(HOST_COLORS)]
        segments = lane.segments
        starts = _x([s.start for s in segments], chart)
        ends = _x([s.end for s in segments], chart)
        values = np.array(
            [
                np.nan if s.priority is None or s.basis not in BASIS_DASH else s.priority
                for s in segments
            ],
            dtype=float,
        )
        # faint verticals joining the values: the step
        ax.step(
            np.append(starts, ends[-1]),
            np.append(values, values[-1]),
            where="post",
            color=color,
            linewidth=0.8,
            alpha=0.45,
            rasterized=dense,
        )
        for basis, dash in BASIS_DASH.items():
            picked = [
                i
                for i, s in enumerate(segments)
                if s.basis == basis and not np.isnan(values[i]) and ends[i] > starts[i]
            ]
            if picked:
                bases.add(basis)
                ax.hlines(
                    values[picked],
                    starts[picked],
                    ends[picked],
                    colors=color,
                    linestyles=[_LINESTYLE[dash]],
                    linewidth=2.2,
                    rasterized=dense,
                )
        unknown = [i for i in range(len(segments)) if np.isnan(values[i]) and ends[i] > starts[i]]
        if unknown:
            any_unknown = True
            ax.broken_barh(
                [(starts[i], ends[i] - starts[i]) for i in unknown],
                (low, high - low),
                facecolors=color,
                alpha=0.13,
                rasterized=dense,
            )
        handles.append(Line2D([], [], color=color, linewidth=2.2, label=lane.host))
    for basis, dash in BASIS_DASH.items():
        if basis in bases:
            handles.append(Line2D([], [], color="#444444", linestyle=_LINESTYLE[dash], label=basis))
    if any_unknown:
        handles.append(Patch(facecolor="#888888", alpha=0.25, label="unknown"))
    ax.set_ylim(low, high)
    ax.set_ylabel("effective priority")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), frameon=False)
    ax.grid(color="#eeeeee")


def _time_axis(lanes_ax: Any, prio_ax: Any, chart: Chart) -> None:
    lo, hi = _x([chart.start, chart.end], chart)
    pad = max((hi - lo) * 0.01, 1e-6)
    prio_ax.set_xlim(lo - pad, hi + pad)
    lanes_ax.tick_params(labelbottom=False)
    if chart.untimed:
        prio_ax.set_xlabel("line (the log has no times)")
        return
    from matplotlib import dates

    locator = dates.AutoDateLocator()
    prio_ax.xaxis.set_major_locator(locator)
    prio_ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
