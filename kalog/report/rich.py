"""`--format rich`: the human view of an analysis.

Order follows the questions a reader asks after a failover: what was
analysed (hosts, instances, versions, time span), who was master when and
why (changes of master with causes, time as MASTER per host, the timeline
lanes drawn by the model's renderer), then what looks wrong (findings by
severity, each with its evidence lines exactly as logged), and what could
not be checked.

All log-derived text is passed through `visible()` and wrapped in `Text`
objects, on a console made by `kalog.console` (markup, emoji, highlighting
off), so `[bold]` or an escape sequence in a log line is shown, never obeyed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Finding, RuleState, Severity
from kalog.console import visible
from kalog.model.timeline import untimed_line
from kalog.report._data import field_of

__all__ = ["render"]

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_KNOWN_SUMMARY = (
    "hosts_apart",
    "hosts",
    "instances",
    "versions",
    "start",
    "end",
    "master_time",
    "without_time",
    "year",
)


def _time(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "-"
    stamp = pd.Timestamp(value)
    if (line := untimed_line(stamp)) is not None:
        return f"line {line} (no time)"
    text = stamp.strftime("%Y-%m-%d %H:%M:%S")
    if stamp.microsecond:
        text += f".{stamp.microsecond // 1000:03d}"
    return text + (stamp.strftime(" %Z") if stamp.tzinfo else "")


def duration(value: Any) -> str:
    """A compact duration: `3.5s`, `2m 5s`, `1d 3h 4m`; seconds may be given as a number."""
    if value is None or pd.isna(value):
        return "-"
    delta = value if isinstance(value, pd.Timedelta) else pd.Timedelta(seconds=float(value))
    total = delta.total_seconds()
    if total < 60:
        return f"{total:.3f}".rstrip("0").rstrip(".") + "s"
    seconds = int(round(total))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n]
    return " ".join(shown[:3])


def _join(values: Any) -> str:
    if isinstance(values, Mapping):
        return ", ".join(f"{k} {v}" for k, v in values.items())
    if isinstance(values, str):
        return values
    return ", ".join(str(v) for v in values)


def _runs_grouped(versions: Mapping[str, str]) -> dict[str, str]:
    """`versions` (keys `host#run`) with consecutive runs of a host that say the
    same merged: `lb1#0-46 1.3.5 (...)` rather than 47 entries.

    Why: a day of restarts gives a host dozens of runs, and one entry each
    made the summary thousands of lines (4,400 on the dense benchmark file).
    """
    groups: list[list[Any]] = []  # [host, first run, last run, text]; host None: key as is
    for key, text in versions.items():
        host, mark, run = key.rpartition("#")
        if not mark or not run.isdigit():
            groups.append([None, key, key, text])
            continue
        last = groups[-1] if groups else None
        if last is not None and last[0] == host and last[2] + 1 == int(run) and last[3] == text:
            last[2] = int(run)
        else:
            groups.append([host, int(run), int(run), text])
    return {
        (first if host is None else f"{host}#{first}" + (f"-{last}" if last != first else "")): text
        for host, first, last, text in groups
    }


def _summary(result: AnalysisResult) -> Table:
    summary = result.summary
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")

    def row(label: str, value: str) -> None:
        grid.add_row(label, Text(visible(value)))

    if summary.get("hosts") is not None:
        row("hosts", _join(summary["hosts"]) or "-")
    if summary.get("hosts_apart"):
        row(
            "kept apart",
            "; ".join(
                f"{host} is {len(names)} machines ({', '.join(names)})"
                for host, names in summary["hosts_apart"].items()
            )
            + "; --host-of PATH=HOST names a file's host",
        )
    if summary.get("instances") is not None:
        row("instances", _join(summary["instances"]) or "-")
    if summary.get("versions"):
        row("versions", _join(_runs_grouped(summary["versions"])))
    start, end = summary.get("start"), summary.get("end")
    if start is not None or end is not None:
        span = f"{_time(start)} -> {_time(end)}"
        if (
            start is not None
            and end is not None
            and not pd.isna(start)
            and not pd.isna(end)
            and untimed_line(pd.Timestamp(end)) is None
        ):
            span += f" ({duration(pd.Timestamp(end) - pd.Timestamp(start))})"
        row("time span", span)
    if summary.get("without_time"):
        row("not placed in time", _join(_without_time(summary["without_time"])))
    if summary.get("year"):
        row("year", summary["year"]["note"])
    for key, value in summary.items():
        if key in _KNOWN_SUMMARY or isinstance(value, Mapping | list | tuple):
            continue
        row(key.replace("_", " "), str(value))
    return grid


def _without_time(items: Mapping[str, Any]) -> list[str]:
    """Per input, how many of its lines had no time and what the model did."""
    texts = []
    for source, what in items.items():
        lines = f"{what['lines']} line{'s' if what['lines'] != 1 else ''}"
        how = (
            "no timestamps: in line order"
            if what["whole_input"]
            else "each at its neighbour's time"
        )
        texts.append(f"{source}: {lines} ({how})")
    return texts


#: Changes of master listed in the human view; the rest are counted.
MAX_TRANSITIONS = 60


def _transitions(result: AnalysisResult) -> RenderableType:
    """Every change into or out of MASTER: a line for when/where/what, one for why.

    Two lines per change rather than a table: host names and causes are long,
    and a table squeezed into 80 columns folds them mid-word.
    """
    lines: list[RenderableType] = []
    items = list(result.transitions)
    hidden = 0
    if len(items) > MAX_TRANSITIONS:
        hidden = len(items) - MAX_TRANSITIONS
        items = items[: MAX_TRANSITIONS // 2] + [None] + items[-(MAX_TRANSITIONS // 2) :]
    for item in items:
        if item is None:
            lines.append(Text(f"... {hidden} more (--format json lists all) ...", style="dim"))
            continue
        before, after = field_of(item, "from_state"), field_of(item, "to_state")
        head = Text(_time(field_of(item, "ts")) + "  ")
        head.append(visible(field_of(item, "instance") or "-"), style="bold")
        head.append(f"  {visible(field_of(item, 'host') or '-')}  ")
        head.append(f"{before}->{after}" if before and after else "-")
        why = Text(str(field_of(item, "cause") or "unknown"), style="bold")
        detail = field_of(item, "detail")
        if detail:
            why.append(f": {visible(detail)}")
        previous = field_of(item, "previous_master") or field_of(item, "previous")
        if previous and str(previous) not in str(detail or ""):
            why.append(f" (previous master {visible(previous)})")
        missing = field_of(item, "missing")
        if missing:
            why.append(f"; missing: {visible(missing)}")
        lines += [head, Padding(why, (0, 0, 0, 4))]
    return Group(*lines)


def _clusters(fleet: Any) -> Table:
    """The fleet view's rows (`kalog.fleet.view`), one per cluster of hosts:
    its findings per severity, its changes of master, its instances."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", overflow="fold")
    grid.add_column(overflow="fold")
    for row in fleet.rows:
        found = [_count(row.findings[str(s)], str(s)) for s in Severity if row.findings[str(s)]]
        text = (
            f"{', '.join(found) or 'no finding'}; "
            f"{_count(row.changes_of_master, 'change')} of master; "
            f"{_join(row.instances) or 'no instance'}"
        )
        grid.add_row(Text(visible(row.name)), Text(visible(text)))
    return grid


def _master_time(result: AnalysisResult) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for host, value in result.summary["master_time"].items():
        if isinstance(value, Mapping):
            text = ", ".join(f"{inst} {duration(v)}" for inst, v in value.items())
        else:
            text = duration(value)
        grid.add_row(Text(visible(host)), Text(visible(text)))
    return grid


def _finding(finding: Finding) -> RenderableType:
    head = Text()
    head.append(f"{finding.rule} {finding.name}", style=_STYLE[finding.severity])
    where = [x for x in (finding.host, finding.instance) if x]
    if where:
        head.append("  " + visible(" ".join(where)))
    if finding.start is not None:
        span = _time(finding.start)
        if finding.end is not None and finding.end != finding.start:
            end = _time(finding.end)
            span += " -> " + (end[11:] if end[:10] == span[:10] else end)
        head.append("  " + span, style="dim")
    # Evidence as location line then the log line, indented: a grid with the
    # path in a column leaves too little room for the line at 80 columns.
    rows: list[RenderableType] = []
    for evidence in finding.evidence:
        rows.append(Text(f"{visible(evidence.source)}:{evidence.line}", style="dim"))
        if evidence.raw is not None:
            rows.append(Padding(Text(visible(evidence.raw)), (0, 0, 0, 2)))
    body = Group(*rows)
    message = Padding(Text(visible(finding.message)), (0, 0, 0, 4))
    if not finding.evidence:
        return Group(head, message)
    return Group(head, message, Padding(body, (0, 0, 0, 4)))


#: Findings of one rule listed in the human view: the first and last half;
#: the rest are counted with their time span.
MAX_FINDINGS_PER_RULE = 50


def _shown_findings(
    group: list[Finding],
) -> tuple[list[Finding], dict[str, tuple[int, Any, Any]]]:
    """The findings of `group` to draw, in their order, and per rule the hidden
    ones: (count, first start, last start).

    Why a cap, as for the changes of master: a day of a flapping pair gives
    thousands of findings of one rule (5,378 on the dense benchmark file,
    74k lines of text that took rich ~6 s to lay out); a reader needs the
    first and the last of each rule and the count, and the JSON, SARIF,
    JUnit and GitHub reports keep every finding.
    """
    per_rule: dict[str, list[int]] = {}
    for index, finding in enumerate(group):
        per_rule.setdefault(finding.rule, []).append(index)
    half = MAX_FINDINGS_PER_RULE // 2
    dropped: set[int] = set()
    hidden: dict[str, tuple[int, Any, Any]] = {}
    for rule, indexes in per_rule.items():
        if len(indexes) > MAX_FINDINGS_PER_RULE:
            middle = indexes[half:-half]
            dropped.update(middle)
            hidden[rule] = (len(middle), group[middle[0]].start, group[middle[-1]].start)
    return [f for i, f in enumerate(group) if i not in dropped], hidden


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render(
    result: AnalysisResult,
    console: Console,
    *,
    timeline: RenderableType | Callable[[Console], RenderableType] | None = None,
) -> None:
    """Draw `result` on `console` (made by kalog.console.make_console).

    `timeline` is the model's lane view: a renderable, or a callable that
    takes the console (for its width) and returns one.
    """
    console.print(Text("Summary", style="bold underline"))
    console.print(_summary(result))
    if result.fleet is not None and len(result.fleet.rows) > 1:
        console.print()
        console.print(
            Text(f"Clusters ({len(result.fleet.rows)}, worst first)", style="bold underline")
        )
        console.print(_clusters(result.fleet))
    if result.transitions:
        console.print()
        console.print(
            Text(f"Into and out of MASTER ({len(result.transitions)})", style="bold underline")
        )
        console.print(_transitions(result))
    if result.summary.get("master_time"):
        console.print()
        console.print(Text("Time as MASTER", style="bold underline"))
        console.print(_master_time(result))
    if timeline is not None:
        console.print()
        console.print(timeline(console) if callable(timeline) else timeline)

    console.print()
    counts = {s: sum(1 for f in result.findings if f.severity is s) for s in Severity}
    if not result.findings:
        console.print(Text("Findings: none", style="bold underline"))
    else:
        parts = [_count(counts[s], str(s)) for s in Severity if counts[s]]
        console.print(Text(f"Findings: {', '.join(parts)}", style="bold underline"))
    for severity in Severity:  # error, warning, info: worst first
        group = [f for f in result.findings if f.severity is severity]
        if not group:
            continue
        console.print()
        console.print(Text(f"{str(severity).upper()} ({len(group)})", style=_STYLE[severity]))
        shown, hidden = _shown_findings(group)
        for finding in shown:
            console.print(_finding(finding))
        for rule, (count, first, last) in hidden.items():
            span = f"{_time(first)} -> {_time(last)}"
            console.print(Text(f"... {rule}: {count} more, {span}", style="dim"))
        if hidden:
            console.print(
                Text("... not shown here: --format json lists every finding", style="dim")
            )

    skipped = [s for s in result.rule_statuses if s.state is not RuleState.EVALUATED]
    evaluated = len(result.rule_statuses) - len(skipped)
    console.print()
    console.print(Text(f"Rules: {evaluated} evaluated, {len(skipped)} not evaluated", style="bold"))
    for status in skipped:
        label = "not evaluable" if status.state is RuleState.NOT_EVALUABLE else "error"
        line = Text(f"  {status.rule} {status.name}: ")
        line.append(label, style="red" if status.state is RuleState.ERROR else "dim")
        line.append(" - " + visible(status.reason or ""))
        console.print(line)
