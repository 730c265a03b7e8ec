"""The neutral finding record: what a rule reports and how sure it is.

`Finding` (with its `Evidence`), `Severity`, `Need` (what a rule must have
to be evaluated), `RuleState` / `RuleStatus` and `NotEvaluable` are plain
data that rules, the engine and every report share; loading rules is
`kalog.check.registry`'s job, running them `kalog.check.analysis`'s.

A rule is a plain module in `rules/` (installed as `kalog.rules`; or in a directory named with
`--rules DIR`) that declares, at module level::

    CODE = "KA901"                      # stable code, never reused
    NAME = "unparsed-lines"             # kebab name of the *pattern*
    SEVERITY = Severity.INFO            # default, overridable in settings
    NEEDS = frozenset({Need.CONFIG})    # what must be present to evaluate it

    @dataclass(frozen=True)
    class Options:                      # optional: typed options with defaults,
        max_examples: int = 5           # set in the settings file

    def check(ctx: AnalysisContext, options: Options) -> Iterable[Finding]: ...

and whose docstring is its documentation: a one-line summary, then the fixed
headings of `DOC_HEADINGS` (ruff's rule-doc style).  The same text feeds
`kalog rule CODE`, the SARIF `help` and docs/rules.md, so it is validated when
the rule is loaded rather than discovered broken in a report.

Why modules and not classes: a rule is data plus one function; a module keeps
each rule greppable, documented in one place and loadable by file path for
user rule directories without any registration step.

This module knows nothing about reports, the command line or how rules are
found: it only defines records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Evidence",
    "Finding",
    "Need",
    "NotEvaluable",
    "RuleState",
    "RuleStatus",
    "Severity",
    "exit_code",
    "iso_time",
]


class Severity(StrEnum):
    """How bad a finding is.  Ordered: info < warning < error."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error: for sorting and thresholds."""
        return _SEVERITY_RANK[self]

    @property
    def sarif_level(self) -> str:
        """The SARIF `level` (ansible-lint's mapping: info becomes `note`)."""
        return _SARIF_LEVEL[self]

    def at_least(self, other: Severity | str) -> bool:
        """True when this severity is `other` or worse."""
        return self.rank >= Severity(other).rank

    # str's lexical order ("error" < "info" < "warning") would be wrong, so the
    # comparisons are by rank.  Comparing with a plain string converts it.
    def __lt__(self, other: object) -> bool:
        return self.rank < Severity(other).rank  # type: ignore[arg-type]

    def __le__(self, other: object) -> bool:
        return self.rank <= Severity(other).rank  # type: ignore[arg-type]

    def __gt__(self, other: object) -> bool:
        return self.rank > Severity(other).rank  # type: ignore[arg-type]

    def __ge__(self, other: object) -> bool:
        return self.rank >= Severity(other).rank  # type: ignore[arg-type]

    __hash__ = StrEnum.__hash__


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

#: `--fail-on` value that never fails the run.
FAIL_NEVER = "never"


def exit_code(findings: Iterable[Finding], fail_on: Severity | str | None = "warning") -> int:
    """The process exit code for a finished analysis (sqlfluff's convention).

    0 when no finding is at or above `fail_on`, 1 otherwise.  `fail_on` of
    ``"never"`` or None always gives 0.  Code 2 (usage or input error) is not
    decided here: click raises it before any finding exists.
    """
    if fail_on is None or fail_on == FAIL_NEVER:
        return 0
    threshold = Severity(fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in findings) else 0


@dataclass(frozen=True, slots=True)
class Evidence:
    """One log line a finding rests on: where it is and, for display, its text."""

    source: str
    line: int
    raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line}


def _cited(evidence: Iterable[Any]) -> tuple[Evidence, ...]:
    """The lines a finding cites, as Evidence, without repeats, in first-seen order.

    A rule passes locations: `Evidence`, (source, line) pairs, or anything
    with `.source` and `.line` (a `Segment`, a `Transition`).  A location
    missing its source or line is dropped; the engine attaches the lines'
    texts afterwards (`kalog.check.citations`).
    """
    first: dict[tuple[str, int], Evidence] = {}
    for item in evidence:
        if type(item) is Evidence:
            first.setdefault((item.source, item.line), item)
            continue
        if isinstance(item, tuple):
            source, line = item
        else:
            source, line = item.source, item.line
        if type(source) is not str or type(line) is not int:
            if _missing(source) or _missing(line):
                continue
            source, line = str(source), int(line)
        key = (source, line)
        if key not in first:
            first[key] = Evidence(source, line)
    return tuple(first.values())


def _missing(value: Any) -> bool:
    import pandas as pd  # loaded by then (findings come from an analysis)

    return value is None or bool(pd.isna(value))


def iso_time(value: Any) -> str | None:
    """ISO 8601 text for a timestamp, None for a missing one (None/NaT)."""
    import pandas as pd  # here, not at the top: `kalog rules` and option parsing need no pandas

    from kalog.model.timeline import iso_or_none  # (the model imports pandas)

    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return iso_or_none(pd.Timestamp(value))


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation or notable pattern, as neutral data every report renders.

    `start`/`end` bound the time the finding covers (equal for a single line,
    None when unknown).  `evidence` lists the log lines, first the one a report
    should point at, as locations (`_cited` says which forms a rule may pass;
    the engine attaches their texts); a line listed twice (one rule step
    naming the line that opened a segment, another the same line as logged)
    is kept once, where it first appears.
    """

    #: the rule's code, name and severity: a rule's `check` leaves them out
    #: (its module declares them once) and `RuleSpec.run` fills them in
    rule: str = ""
    name: str = ""
    severity: Severity = Severity.WARNING
    message: str = ""
    host: str | None = None
    instance: str | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Accept lists and plain strings from rule authors; store canonical forms.
        import pandas as pd  # loaded by then (findings come from an analysis)

        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "evidence", _cited(self.evidence))
        for attr in ("start", "end"):
            value = getattr(self, attr)
            # a Timestamp (never NaT, which is not one) is already canonical
            if value is not None and type(value) is not pd.Timestamp:
                value = None if pd.isna(value) else pd.Timestamp(value)
                object.__setattr__(self, attr, value)
        for attr in ("host", "instance"):
            value = getattr(self, attr)
            if value is not None and type(value) is not str and pd.isna(value):
                object.__setattr__(self, attr, None)

    @property
    def sort_key(self) -> tuple:
        """Time first (unknown times last), then host, instance, rule, first evidence."""
        start = self.start
        first = self.evidence[0] if self.evidence else Evidence("", 0)
        return (
            start is None,
            start.value if start is not None else 0,
            self.host or "",
            self.instance or "",
            self.rule,
            first.source,
            first.line,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (times as ISO 8601 or null)."""
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": str(self.severity),
            "host": self.host,
            "instance": self.instance,
            "start": iso_time(self.start),
            "end": iso_time(self.end),
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
        }


#: The keys of `Finding.to_dict`, in its order: the columns of every table of
#: findings (`kalog.notebook`, `kalog.report.tables`).
FINDING_FIELDS = (
    "rule",
    "name",
    "severity",
    "host",
    "instance",
    "start",
    "end",
    "message",
    "evidence",
)


class Need(StrEnum):
    """Something a rule needs from the input before it can say anything.

    When a need is not met the rule is reported "not evaluable" with the
    reason, instead of silently passing.
    """

    CONFIG = "config"  # a keepalived.conf for the hosts (--config)
    TWO_HOSTS = "two_hosts"  # logs from at least two hosts
    DETAIL_LINES = "detail_lines"  # keepalived ran with -D (detailed log lines present)
    VERSION = "version"  # the keepalived version is known (log line or --expect)
    TIMELINE = "timeline"  # the replay model (timeline and transitions)

    @property
    def description(self) -> str:
        return _NEED_TEXT[self]


_NEED_TEXT = {
    Need.CONFIG: "a keepalived.conf (--config)",
    Need.TWO_HOSTS: "logs from at least two hosts",
    Need.DETAIL_LINES: "detailed log lines (keepalived -D)",
    Need.VERSION: "the keepalived version (a 'Starting Keepalived' line or --expect)",
    Need.TIMELINE: "the replayed state timeline",
}


class RuleState(StrEnum):
    EVALUATED = "evaluated"
    NOT_EVALUABLE = "not_evaluable"
    ERROR = "error"  # the rule itself crashed: a kalog bug, reported not raised


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """What happened to one selected rule in a run."""

    rule: str
    name: str
    state: RuleState
    severity: Severity
    reason: str | None = None
    findings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "status": str(self.state),
            "severity": str(self.severity),
            "reason": self.reason,
            "findings": self.findings,
        }


class NotEvaluable(Exception):
    """Raised by a rule's `check` when the input cannot answer its question.

    The message is the reason shown to the user ("no configuration for host
    lb2").  Findings yielded before the raise are discarded: a half-evaluated
    rule must not look like a clean one.
    """
