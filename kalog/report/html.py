"""`--format html`: one self-contained page to share after a failover.

A postmortem is written by people who were not at the terminal: the report
must open from a mail attachment or a ticket, offline, in any browser, with
nothing to install and no server.  So the page is one file: its styles,
its data and the charting library (plotly.js, inlined from the `plotly`
package; docs/report.md says why plotly) are all inside it, and it loads
nothing from anywhere.

What it shows, in the order a postmortem asks: the summary (hosts,
instances, versions, time span, time as MASTER), per instance a chart of
a state lane per host above the effective priority as a step chart (line
style = the priority's basis: logged solid, inferred dashed, advertised
dotted; unknown = a shaded band, no line), the changes of master with
their causes and lines, the findings with their evidence lines as logged,
and the rules that could not be checked.  A week of logs is read with the
range slider under each chart, the 10m/1h/6h/1d buttons above it, or the
"zoom" link of each change of master (which also makes the page's address
end in `#change-N`: the page opened at that address shows the change
zoomed, a link to share).  Nothing is invented: an `UNKNOWN` stretch is
hatched grey (a dotted line in WebGL charts), and past a host's last line
(or before its first) the lane is a thin dotted line, "not in the host's
log" (docs/model.md, "Excerpts").  Lanes are bars, so hovering anywhere on
a stretch says what it is; past `GL_SEGMENTS` they are thick WebGL lines
(plotly has no WebGL bars), whose hover is at the stretches' ends.

Log text is untrusted (a log line can hold `<script>`, a host name
markup): every text goes through `html.escape` into the page, and the
charts' data is JSON inside a `<script type="application/json">` block with
`<`, `>` and `&` written as `\\u003c`-style escapes, so no log text can end
the block; plotly draws hover text as its own small HTML dialect, so that
text is escaped too.

For tests and tools the page says whether it drew: each chart's div gets
`data-traces` (the traces plotly drew) and `<body>` `data-charts-drawn`
once all are drawn; a script error is shown in a red box at the top
(`#kalog-errors`) instead of failing silently.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

import orjson
import pandas as pd

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Finding, RuleState, Severity
from kalog.model.timeline import Segment, clock, untimed_line
from kalog.report._charts import (
    BASIS_DASH,
    HOST_COLORS,
    STATE_COLORS,
    STATE_ORDER,
    Chart,
    Lane,
    charts,
    require,
    wall_clock,
)
from kalog.report.rich import _runs_grouped, _time, _without_time, duration

__all__ = ["dumps", "figure", "figures"]

#: Past this many segments in a chart its traces are drawn with WebGL
#: (`scattergl`): SVG lines stay smooth to a few thousand segments, a busy
#: week has a hundred thousand.
GL_SEGMENTS = 5000

#: Seconds either side of a change of master that its "zoom" link shows
#: (within the chart's time span).
ZOOM_S = 30

_SEVERITY_COLORS = {
    Severity.ERROR: "#c0392b",
    Severity.WARNING: "#e67e22",
    Severity.INFO: "#2980b9",
}


def dumps(result: AnalysisResult) -> str:
    """The whole page."""
    return "".join(_page(result))


def figures(result: AnalysisResult) -> list[tuple[Chart, dict[str, Any]]]:
    """Each instance's chart with its plotly figure (`{"data": [...], "layout": {...}}`)."""
    if result.timeline is None or not hasattr(result.timeline, "instances"):
        return []
    items = charts(result.timeline, result.transitions, result.findings)
    return [(chart, figure(chart)) for chart in items]


# -- the charts ---------------------------------------------------------------


def _hover(text: str) -> str:
    """Text for plotly's hover labels: plotly reads `<b>`, `<br>`... in
    them, so log-derived text is escaped (plotly decodes the entities)."""
    return escape(text, quote=False)


@functools.lru_cache(maxsize=65536)
def _when(ts: pd.Timestamp) -> str:
    """(Cached: a segment's end is the next one's start, and a busy week has
    tens of thousands of both.)"""
    return clock(ts, with_date=True)


@functools.lru_cache(maxsize=1024)
def _name(source: str) -> str:
    return Path(source).name


def _segment_hover(lane: Lane, segment: Segment) -> str:
    prio = "unknown" if segment.priority is None else str(segment.priority)
    where = f"{_name(segment.source)}:{segment.line}" if segment.source and segment.line else ""
    if segment.cause == "poll":
        where = "1.x priority poll"
    parts = [
        f"<b>{_hover(lane.host)}</b> {segment.state} ({_hover(segment.state_basis)})",
        f"{_when(segment.start)} → {_when(segment.end)}",
        f"priority {prio} ({_hover(segment.basis)})",
    ]
    if where:
        parts.append(_hover(where))
    return "<br>".join(parts)


def figure(chart: Chart) -> dict[str, Any]:
    """The plotly figure of one chart, as plain data.

    Two panels on one time axis: the lanes (y = host) and the priority
    (y = effective priority).  Lines are drawn as runs of points with None
    gaps, one trace per state / per host and basis, so the legend names
    each style once and a week of segments is a few traces, not thousands.
    """
    many = sum(len(lane.segments) for lane in chart.lanes) > GL_SEGMENTS
    kind = "scattergl" if many else "scatter"
    x_of = functools.partial(wall_clock, untimed=chart.untimed)
    hosts = chart.hosts
    # plotly reads its tags in axis labels and legend names too: host names escaped
    label = {host: _hover(host) for host in hosts}
    lane_width = 18 if len(hosts) <= 4 else 12
    data: list[dict[str, Any]] = []

    # state lanes: one trace per state; bars (hover anywhere on a stretch says
    # what it is), or thick WebGL lines past GL_SEGMENTS (no WebGL bars)
    for state in STATE_ORDER:
        picked = [
            (lane, segment)
            for lane in chart.lanes
            for segment in lane.segments
            if segment.state == state and segment.end > segment.start
        ]
        if not picked:
            continue
        unknown = state == "UNKNOWN"
        texts = [_segment_hover(lane, segment) for lane, segment in picked]
        trace: dict[str, Any] = {
            "name": "UNKNOWN (not known)" if unknown else state,
            "legendgroup": "states",
            "legendgrouptitle": {"text": "state"},
            "xaxis": "x",
            "yaxis": "y",
            "hoverinfo": "text",
        }
        color = STATE_COLORS.get(state, "#999999")
        if many:
            xs: list[Any] = []
            ys: list[Any] = []
            for lane, segment in picked:
                xs += [segment.start, segment.end, None]
                ys += [label[lane.host], label[lane.host], None]
            trace.update(
                type=kind,
                mode="lines",
                x=x_of(xs),
                y=ys,
                line={"color": color, "width": lane_width, "dash": "dot" if unknown else "solid"},
                hovertext=[t for text in texts for t in (text, text, None)],
                connectgaps=False,
            )
        else:
            trace.update(
                type="bar",
                orientation="h",
                base=x_of([segment.start for _lane, segment in picked]),
                x=[_length(segment, chart.untimed) for _lane, segment in picked],
                y=[label[lane.host] for lane, _segment in picked],
                width=0.5,
                marker={
                    "color": color,
                    "line": {"width": 0},
                    # UNKNOWN hatched: not a state, the absence of one
                    "pattern": {"shape": "/", "fgcolor": "#999999", "size": 6}
                    if unknown
                    else {"shape": ""},
                },
                hovertext=texts,
            )
        data.append(trace)

    # before a host's first line and after its last: not known
    xs, ys = [], []
    for lane in chart.lanes:
        first, last = lane.segments[0].start, lane.segments[-1].end
        if lane.end is not None and lane.end > last:
            last = lane.end
        if first > chart.start:
            xs += [chart.start, first, None]
            ys += [label[lane.host], label[lane.host], None]
        if last < chart.end:
            xs += [last, chart.end, None]
            ys += [label[lane.host], label[lane.host], None]
    if xs:
        data.append(
            {
                "type": kind,
                "mode": "lines",
                "name": "not in the host's log",
                "legendgroup": "states",
                "x": x_of(xs),
                "y": ys,
                "xaxis": "x",
                "yaxis": "y",
                "line": {"color": "#999999", "width": 2, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )

    # changes of master and findings as marks on the lanes
    for direction, name, symbol, color in (
        ("to_master", "into MASTER", "triangle-up", "#145a32"),
        ("from_master", "out of MASTER", "triangle-down", "#7b241c"),
    ):
        picked = [t for t in chart.transitions if t.direction == direction]
        if not picked:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "legendgroup": "changes",
                "legendgrouptitle": {"text": "changes of master"},
                "x": x_of([t.ts for t in picked]),
                "y": [label.get(t.host, "") for t in picked],
                "xaxis": "x",
                "yaxis": "y",
                "marker": {
                    "symbol": symbol,
                    "size": 13,
                    "color": color,
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertext": [_transition_hover(t) for t in picked],
                "hoverinfo": "text",
            }
        )
    marks = [(f, host) for f in chart.findings for host in ([f.host] if f.host else hosts)]
    marks = [(f, host) for f, host in marks if f.start is not None]
    if marks:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "findings",
                "legendgroup": "changes",
                "x": x_of([f.start for f, _host in marks]),
                "y": [label.get(host, "") for _f, host in marks],
                "xaxis": "x",
                "yaxis": "y",
                "marker": {
                    "symbol": "x-thin-open",
                    "size": 12,
                    "line": {"width": 2},
                    "color": [_SEVERITY_COLORS[f.severity] for f, _host in marks],
                },
                "hovertext": [_finding_hover(f) for f, _host in marks],
                "hoverinfo": "text",
            }
        )

    data.extend(_priority_traces(chart, kind, x_of))

    height = 170 + 46 * len(hosts) + 240
    lanes_share = (46 * len(hosts) + 30) / (46 * len(hosts) + 30 + 240)
    x_common: dict[str, Any] = {"showgrid": True, "gridcolor": "#eeeeee"}
    if chart.untimed:
        x_common.update(type="linear", title={"text": "line (the log has no times)"})
    else:
        x_common.update(type="date", tickformat="%H:%M:%S\n%Y-%m-%d")
    x_range = _padded(chart, chart.start, chart.end)
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 150, "r": 20, "t": 40, "b": 30},
        "hovermode": "closest",
        "barmode": "overlay",
        "legend": {"orientation": "v", "groupclick": "toggleitem", "font": {"size": 11}},
        "plot_bgcolor": "#ffffff",
        "xaxis": {
            **x_common,
            "matches": "x2",
            "showticklabels": False,
            "anchor": "y",
            "range": x_range,
        },
        "xaxis2": {
            **x_common,
            "anchor": "y2",
            "range": x_range,
            "rangeslider": {"visible": True, "thickness": 0.07, "range": x_range},
        },
        "yaxis": {
            "domain": [1 - lanes_share * 0.82, 1.0],
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [label[host] for host in reversed(hosts)],
            "fixedrange": True,
            "automargin": True,
        },
        "yaxis2": {
            "domain": [0.0, 1 - lanes_share * 0.82 - 0.08],
            "title": {"text": "effective priority"},
            "fixedrange": True,
            "zeroline": False,
            "gridcolor": "#eeeeee",
        },
    }
    if not chart.untimed:
        layout["xaxis"]["rangeselector"] = {
            "buttons": [
                {"count": 10, "label": "10m", "step": "minute", "stepmode": "backward"},
                {"count": 1, "label": "1h", "step": "hour", "stepmode": "backward"},
                {"count": 6, "label": "6h", "step": "hour", "stepmode": "backward"},
                {"count": 1, "label": "1d", "step": "day", "stepmode": "backward"},
                {"step": "all", "label": "all"},
            ],
            "x": 0,
            "y": 1.0,
            "yanchor": "bottom",
        }
    return {"data": data, "layout": layout}


def _padded(chart: Chart, low: pd.Timestamp, high: pd.Timestamp) -> list[Any]:
    """[low, high] on the chart's axis, widened by 2% so the marks at its
    edges (a takeover on the logs' last line) are drawn whole."""
    if chart.untimed:
        a, b = untimed_line(low) or 0, untimed_line(high) or 0
        pad = max((b - a) * 0.02, 0.5)
        return [a - pad, b + pad]
    pad = max((high - low) * 0.02, pd.Timedelta(milliseconds=100))
    return wall_clock([low - pad, high + pad])


def _length(segment: Segment, untimed: bool) -> float:
    """A bar's length on the time axis: milliseconds (plotly's unit for a
    date axis), or lines on an untimed chart."""
    if untimed:
        return float((untimed_line(segment.end) or 0) - (untimed_line(segment.start) or 0))
    return (segment.end.value - segment.start.value) / 1e6


def _priority_traces(chart: Chart, kind: str, x_of: Any) -> Iterator[dict[str, Any]]:
    """Per host: a faint step line joining its known values, a line per
    basis over each stretch, and a shaded band where the priority is unknown."""
    low, high = chart.priority_range
    for n, lane in enumerate(chart.lanes):
        color = HOST_COLORS[n % len(HOST_COLORS)]
        steps_x: list[Any] = []
        steps_y: list[Any] = []
        per_basis: dict[str, tuple[list[Any], list[Any], list[Any]]] = {}
        band_x: list[Any] = []
        band_y: list[Any] = []
        for segment in lane.segments:
            value = segment.priority if segment.basis in BASIS_DASH else None
            steps_x.append(segment.start)
            steps_y.append(value)
            if segment.end <= segment.start:
                continue
            if value is None:
                band_x += [segment.start, segment.end, segment.end, segment.start, segment.start]
                band_x.append(None)
                band_y += [low, low, high, high, low, None]
                continue
            xs, ys, texts = per_basis.setdefault(segment.basis, ([], [], []))
            text = (
                f"<b>{_hover(lane.host)}</b> priority {value} ({segment.basis})<br>"
                f"{_when(segment.start)} → {_when(segment.end)}"
            )
            xs += [segment.start, segment.end, None]
            ys += [value, value, None]
            texts += [text, text, None]
        if lane.segments:
            last = lane.segments[-1]
            steps_x.append(last.end)
            steps_y.append(last.priority if last.basis in BASIS_DASH else None)
        common = {"type": kind, "xaxis": "x2", "yaxis": "y2", "legendgroup": f"host-{n}"}
        yield {
            **common,
            "mode": "lines",
            "name": f"{_hover(lane.host)} steps",
            "showlegend": False,
            "x": x_of(steps_x),
            "y": steps_y,
            "line": {"color": color, "width": 1, "shape": "hv"},
            "opacity": 0.45,
            "hoverinfo": "skip",
            "connectgaps": False,
        }
        first = True
        for basis, dash in BASIS_DASH.items():
            if basis not in per_basis:
                continue
            xs, ys, texts = per_basis[basis]
            trace = {
                **common,
                "mode": "lines",
                "name": f"{_hover(lane.host)}: {basis}",
                "x": x_of(xs),
                "y": ys,
                "line": {"color": color, "width": 3, "dash": dash},
                "hovertext": texts,
                "hoverinfo": "text",
                "connectgaps": False,
            }
            if first:
                trace["legendgrouptitle"] = {"text": f"priority of {_hover(lane.host)}"}
            yield trace
            first = False
        if band_x:
            yield {
                **common,
                "mode": "lines",
                "name": f"{_hover(lane.host)}: unknown",
                "x": x_of(band_x),
                "y": band_y,
                "fill": "toself",
                "fillcolor": _alpha(color, 0.13),
                "line": {"width": 0, "color": color},
                "hovertext": f"{_hover(lane.host)}: priority unknown (no line or config tells it)",
                "hoverinfo": "text",
            }


def _alpha(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _transition_hover(t: Any) -> str:
    head = f"<b>{_hover(t.host)}</b> {t.from_state} → {t.to_state} at {_when(t.ts)}"
    why = f"{_hover(t.cause)}" + (f": {_hover(_short(t.detail))}" if t.detail else "")
    return head + "<br>" + why


def _finding_hover(f: Finding) -> str:
    return f"<b>{f.rule} {_hover(f.name)}</b> ({f.severity})<br>{_hover(_short(f.message))}"


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the page ------------------------------------------------------------------


def _script_json(value: Any) -> str:
    """JSON safe inside a `<script>` block: no `<`, `>` or `&` can close it."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.cache
def _plotly_js() -> str:
    require("html")
    from plotly.offline import get_plotlyjs

    # (the bundle holds no "</script" of its own; make sure)
    return get_plotlyjs().replace("</script", "<\\/script")


def _version() -> str:
    from kalog.report.sarif import _version as version

    return version()


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1400px;padding:0 20px 40px;color:#222}
h1{font-size:22px;margin:18px 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 4px}
table{border-collapse:collapse;margin:6px 0}td,th{padding:3px 10px 3px 0;vertical-align:top;
text-align:left}th{font-weight:600}
table.list td,table.list th{border-bottom:1px solid #eee;padding:4px 10px 4px 4px}
.meta{color:#666}.loc{color:#666;font-family:ui-monospace,monospace;font-size:12px}
pre{margin:2px 0 6px 14px;padding:4px 8px;background:#f6f6f6;white-space:pre-wrap;
word-break:break-all;font-size:12px}
.sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.sev-error{background:#c0392b}.sev-warning{background:#e67e22}.sev-info{background:#2980b9}
.finding{margin:10px 0 16px;padding-left:10px;border-left:3px solid #ddd}
.chart{width:100%}#kalog-errors{background:#fdd;border:1px solid #c00;padding:8px;color:#900}
.note{background:#fff8dc;padding:6px 10px;border:1px solid #eedc82}
a.zoom{cursor:pointer;color:#06c;text-decoration:underline}
"""

_ERROR_HOOK = """
window.kalogErrors=[];
function kalogError(msg){window.kalogErrors.push(String(msg));
 var box=document.getElementById('kalog-errors');
 if(box){box.hidden=false;var p=document.createElement('div');p.textContent=String(msg);
 box.appendChild(p);}}
window.addEventListener('error',function(e){kalogError('script error: '+e.message);});
window.addEventListener('unhandledrejection',function(e){kalogError('script error: '+e.reason);});
"""

_DRAW = """
(function(){
 if(typeof Plotly==='undefined'){kalogError('the charting library did not load');return;}
 var figs=JSON.parse(document.getElementById('kalog-figures').textContent);
 var config={responsive:true,displaylogo:false,
   toImageButtonOptions:{format:'svg',filename:'kalog-chart'}};
 var drawn=figs.map(function(f,i){
  var div=document.getElementById('chart-'+i);
  return Plotly.newPlot(div,f.data,f.layout,config).then(function(gd){
   div.setAttribute('data-traces',String(gd.data.length));});});
 function zoom(a,smooth){
  var div=document.getElementById(a.getAttribute('data-chart'));
  var lo=a.getAttribute('data-from'),hi=a.getAttribute('data-to');
  if(/^[0-9]+$/.test(lo)){lo=Number(lo);hi=Number(hi);}
  div.scrollIntoView(smooth?{behavior:'smooth'}:undefined);
  return Plotly.relayout(div,{'xaxis2.range':[lo,hi]}).then(function(){
   div.setAttribute('data-range',lo+' '+hi);});}
 document.querySelectorAll('a.zoom').forEach(function(a){
  a.addEventListener('click',function(ev){ev.preventDefault();
   history.replaceState(null,'',a.getAttribute('href'));zoom(a,true);});});
 Promise.all(drawn).then(function(){
  // report.html#change-N opens zoomed on that change: a link to share
  var a=/^#change-[0-9]+$/.test(location.hash)&&
   document.querySelector('a.zoom[href="'+location.hash+'"]');
  return a?zoom(a,false):null;}).then(function(){
  document.body.setAttribute('data-charts-drawn',String(drawn.length));},
  function(e){kalogError('chart not drawn: '+e);});
})();
"""


def _page(result: AnalysisResult) -> Iterator[str]:
    drawn = figures(result)
    summary = result.summary
    title = "kalog report"
    instances = summary.get("instances") or []
    if instances:
        title += ": " + ", ".join(str(i) for i in instances[:6])
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # noqa: UP017
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    yield f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n"
    yield f"<script>{_ERROR_HOOK}</script>\n</head>\n<body>\n"
    yield '<div id="kalog-errors" hidden></div>\n'
    yield '<noscript><p class="note">The charts need JavaScript; the tables below have '
    yield "everything they show.</p></noscript>\n"
    yield f"<h1>{escape(title)}</h1>\n"
    yield f'<p class="meta">kalog {escape(_version())}, written {created}</p>\n'
    yield from _summary(result)
    yield '<h2 id="instances">Instances</h2>\n'
    if not drawn:
        yield "<p>No VRRP instance found in the input.</p>\n"
    else:
        yield (
            '<p class="meta">Per instance: a lane per host (state), the effective priority '
            "below (solid: logged, dashed: inferred from the config, dotted: advertised "
            "by a peer, shaded band: unknown). Hatched grey lane: UNKNOWN state; thin dotted "
            "line: not in the host's log. Drag on the chart or the slider under it to zoom, "
            "double-click to see all; ▲ into MASTER, ▼ out of MASTER, × a finding.</p>\n"
        )
    for n, (chart, _fig) in enumerate(drawn):
        head = f"Instance {chart.instance}"
        if chart.key != chart.instance:
            head += f" ({chart.key})"
        if chart.vrid is not None:
            head += f", VRID {chart.vrid}"
        yield f'<h3 id="instance-{n}">{escape(head)}</h3>\n'
        yield (
            f'<div class="chart" id="chart-{n}" data-instance="{escape(chart.key)}" '
            f'data-hosts="{len(chart.lanes)}"></div>\n'
        )
    yield from _changes(result, drawn)
    yield from _findings(result)
    yield from _rules(result)
    yield '<script id="kalog-figures" type="application/json">'
    yield _script_json([fig for _chart, fig in drawn])
    yield "</script>\n"
    if drawn:
        yield "<script>"
        yield _plotly_js()
        yield "</script>\n"
    yield f"<script>{_DRAW}</script>\n</body>\n</html>\n"


def _row(label: str, value: str) -> str:
    return f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>\n"


def _summary(result: AnalysisResult) -> Iterator[str]:
    summary = result.summary
    yield '<h2 id="summary">Summary</h2>\n<table class="summary">\n'
    if summary.get("hosts") is not None:
        yield _row("hosts", ", ".join(map(str, summary["hosts"])) or "-")
    if summary.get("instances") is not None:
        yield _row("instances", ", ".join(map(str, summary["instances"])) or "-")
    if summary.get("versions"):
        grouped = _runs_grouped(summary["versions"])
        yield _row("versions", "; ".join(f"{k} {v}" for k, v in grouped.items()))
    start, end = summary.get("start"), summary.get("end")
    if start is not None and end is not None and not pd.isna(start) and not pd.isna(end):
        span = f"{_time(start)} → {_time(end)}"
        if untimed_line(pd.Timestamp(end)) is None:
            span += f" ({duration(pd.Timestamp(end) - pd.Timestamp(start))})"
        yield _row("time span", span)
    if summary.get("without_time"):
        yield _row("not placed in time", "; ".join(_without_time(summary["without_time"])))
    if "changes_of_master" in summary:
        yield _row("changes of master", str(summary["changes_of_master"]))
    for host, per_instance in (summary.get("master_time") or {}).items():
        # host -> instance -> seconds (kalog.pipeline.summarize)
        if isinstance(per_instance, Mapping):
            text = ", ".join(f"{name} {duration(v)}" for name, v in per_instance.items())
        else:
            text = duration(per_instance)
        yield _row(f"time as MASTER: {host}", text)
    lines = summary.get("lines") or {}
    if lines:
        yield _row("lines", ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in lines.items()))
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    text = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "none"
    yield _row("findings", text)
    yield "</table>\n"


def _where(evidence: Sequence[tuple[str, int]]) -> str:
    return ", ".join(f"{_name(source)}:{line}" for source, line in evidence)


def _changes(result: AnalysisResult, drawn: list[tuple[Chart, dict[str, Any]]]) -> Iterator[str]:
    transitions = list(result.transitions)
    yield f'<h2 id="changes">Into and out of MASTER ({len(transitions)})</h2>\n'
    if not transitions:
        yield "<p>None in these logs.</p>\n"
        return
    chart_of = {
        (lane.host, chart.instance): (n, chart)
        for n, (chart, _fig) in enumerate(drawn)
        for lane in chart.lanes
    }
    zooms = _zooms(transitions, chart_of)
    yield (
        '<table class="list changes"><tr><th>time</th><th>instance</th><th>host</th>'
        "<th>change</th><th>cause</th><th>lines</th><th></th></tr>\n"
    )
    for i, (t, (lo, hi)) in enumerate(zip(transitions, zooms, strict=True)):
        why = f"<b>{escape(t.cause or 'unknown')}</b>"
        if t.detail:
            why += ": " + escape(t.detail)
        if t.previous_master and t.previous_master not in (t.detail or ""):
            why += f" (previous master {escape(t.previous_master)})"
        if t.missing:
            why += f"; missing: {escape(t.missing)}"
        zoom = ""
        found = chart_of.get((t.host, t.instance))
        if found is not None:
            n = found[0]
            zoom = (
                f'<a class="zoom" href="#change-{i}" data-chart="chart-{n}" '
                f'data-from="{escape(str(lo))}" data-to="{escape(str(hi))}">zoom</a>'
            )
        yield (
            f'<tr id="change-{i}"><td>{escape(_time(t.ts))}</td><td>{escape(t.instance)}</td>'
            f"<td>{escape(t.host)}</td><td>{escape(t.from_state)} → {escape(t.to_state)}</td>"
            f'<td>{why}</td><td class="loc">{escape(_where(t.evidence))}</td><td>{zoom}</td></tr>\n'
        )
    yield "</table>\n"


def _zooms(
    transitions: list[Any], chart_of: dict[tuple[str, str], tuple[int, Chart]]
) -> list[tuple[Any, Any]]:
    """Per change of master, the range its "zoom" link shows: `ZOOM_S` either
    side within the chart's span, widened as `_padded` does (20 lines either
    side on an untimed chart); the times converted at once."""
    reach = pd.Timedelta(seconds=ZOOM_S)
    bounds: list[pd.Timestamp] = []
    for t in transitions:
        found = chart_of.get((t.host, t.instance))
        if found is not None and found[1].untimed:
            continue
        low, high = t.ts - reach, t.ts + reach
        if found is not None:
            low, high = max(low, found[1].start), min(high, found[1].end)
        pad = max((high - low) * 0.02, pd.Timedelta(milliseconds=100))
        bounds += [low - pad, high + pad]
    texts = iter(wall_clock(bounds))
    zooms: list[tuple[Any, Any]] = []
    for t in transitions:
        found = chart_of.get((t.host, t.instance))
        if found is not None and found[1].untimed:
            line = untimed_line(t.ts) or 0
            zooms.append((max(0, line - 20), line + 20))
        else:
            zooms.append((next(texts), next(texts)))
    return zooms


def _findings(result: AnalysisResult) -> Iterator[str]:
    findings = list(result.findings)
    yield f'<h2 id="findings">Findings ({len(findings)})</h2>\n'
    if not findings:
        yield "<p>None.</p>\n"
    for n, finding in enumerate(findings):
        severity = str(finding.severity)
        where = " ".join(x for x in (finding.host, finding.instance) if x)
        span = ""
        if finding.start is not None:
            span = _time(finding.start)
            if finding.end is not None and finding.end != finding.start:
                span += " → " + _time(finding.end)
        yield (
            f'<div class="finding" id="finding-{n}"><div>'
            f'<span class="sev sev-{escape(severity)}">{escape(severity)}</span> '
            f"<b>{escape(finding.rule)} {escape(finding.name)}</b> {escape(where)} "
            f'<span class="meta">{escape(span)}</span></div>\n'
            f"<p>{escape(finding.message)}</p>\n"
        )
        for evidence in finding.evidence:
            yield f'<div class="loc">{escape(evidence.source)}:{evidence.line}</div>'
            if evidence.raw is not None:
                yield f"<pre>{escape(evidence.raw)}</pre>"
            yield "\n"
        yield "</div>\n"


def _rules(result: AnalysisResult) -> Iterator[str]:
    skipped = [s for s in result.rule_statuses if s.state is not RuleState.EVALUATED]
    evaluated = len(result.rule_statuses) - len(skipped)
    yield f'<h2 id="rules">Rules: {evaluated} evaluated, {len(skipped)} not evaluated</h2>\n'
    if skipped:
        yield "<ul>\n"
        for status in skipped:
            label = "not evaluable" if status.state is RuleState.NOT_EVALUABLE else "error"
            yield (
                f"<li>{escape(status.rule)} {escape(status.name)}: {label} - "
                f"{escape(status.reason or '')}</li>\n"
            )
        yield "</ul>\n"
