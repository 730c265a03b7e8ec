"""`--format github`: GitHub Actions workflow commands (annotations).

One `::error|warning|notice file=F,line=N,title=CODE name::message` line per
finding, pointing at its first evidence line; further evidence lines follow
in the message.  Chosen by default when GITHUB_ACTIONS is set.

Log text must not be able to issue workflow commands of its own: data is
escaped as GitHub's runner does (`%`, CR, LF), property values additionally
escape `:` and `,`, and control characters (terminal escapes, which the
Actions log viewer would render) are first made visible.
"""

from __future__ import annotations

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Finding, RuleState, Severity
from kalog.console import visible

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _visible_lines(text: str) -> str:
    """Control characters made visible, but newlines kept (then escaped as %0A)."""
    return "\n".join(visible(part) for part in text.split("\n"))


def annotation(finding: Finding) -> str:
    properties = []
    if finding.evidence:
        first = finding.evidence[0]
        properties += [f"file={escape_property(visible(first.source))}", f"line={first.line}"]
    properties.append(f"title={escape_property(visible(f'{finding.rule} {finding.name}'))}")
    where = ", ".join(x for x in (finding.host, finding.instance) if x)
    message = (f"{where}: " if where else "") + finding.message
    for line in finding.evidence:
        message += f"\n{line.source}:{line.line}: {line.raw or ''}".rstrip()
    return f"::{_COMMAND[finding.severity]} {','.join(properties)}::" + escape_data(
        _visible_lines(message)
    )


def dumps(result: AnalysisResult) -> str:
    lines = [annotation(f) for f in result.findings]
    for status in result.rule_statuses:
        if status.state is RuleState.ERROR:
            title = escape_property(f"{status.rule} {status.name}")
            text = escape_data(visible(f"rule crashed: {status.reason}"))
            lines.append(f"::error title={title}::{text}")
    return "".join(line + "\n" for line in lines)
