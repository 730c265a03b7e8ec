"""What the rules read and what the reports render.

`AnalysisContext` bundles everything the pipeline produced for one run
(events frame, replayed timeline and transitions, parsed configurations,
versions) so a rule's signature never changes when a new input appears.
`AnalysisResult` is the single object every output format takes: render
once, export many.

`run_rules` is the only place rules are executed: it applies the selection
and severity settings, turns unmet NEEDS into "not evaluable" statuses and
relies on `RuleSpec.run` to contain a crashing rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from kalog.check.findings import Finding, Need, RuleSpec, RuleState, RuleStatus, Severity
from kalog.check.settings import Settings
from kalog.ingest.events import Kind

__all__ = [
    "DETAIL_KINDS",
    "AnalysisContext",
    "AnalysisResult",
    "TimelineLike",
    "run_rules",
    "unmet_needs",
]

#: Kinds keepalived only logs when run with -D (detailed logging); seeing one
#: is how an analysis knows detail lines are present.
DETAIL_KINDS: frozenset[str] = frozenset({Kind.ADVERT_TIMEOUT.value, Kind.PRIORITY_SET.value})


@runtime_checkable
class TimelineLike(Protocol):
    """The replay model's timeline, as far as rules and reports rely on it."""

    def to_frame(self) -> pd.DataFrame: ...


@dataclass
class AnalysisContext:
    """Everything a rule may read.  Only `events` is required.

    configs: host -> parsed keepalived configuration (kalog.config's type).
    versions: host -> keepalived version string seen in the log.
    profile_by_run: the model's version profile per keepalived run.
    expect: the reference profile named with --expect, if any.
    detail_lines: whether -D lines are present; None infers it from the events.
    """

    events: pd.DataFrame
    timeline: TimelineLike | Any | None = None
    transitions: Sequence[Any] = ()
    configs: Mapping[str, Any] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=dict)
    profile_by_run: Mapping[Any, Any] = field(default_factory=dict)
    expect: str | None = None
    detail_lines: bool | None = None
    settings: Settings = field(default_factory=Settings)

    @property
    def hosts(self) -> list[str]:
        """The distinct hosts in the events, sorted."""
        if "host" not in self.events or self.events.empty:
            return []
        return list(self._memo("hosts", self._hosts))

    def _hosts(self) -> list[str]:
        return sorted(str(h) for h in self.events["host"].dropna().unique())

    @property
    def has_detail_lines(self) -> bool:
        if self.detail_lines is not None:
            return self.detail_lines
        if "kind" not in self.events or self.events.empty:
            return False
        return self._memo("detail", self._detail_lines)

    def _detail_lines(self) -> bool:
        from kalog.check.rulekit import kind_mask  # rulekit imports this module

        return bool(kind_mask(self.events, DETAIL_KINDS).any())

    def _memo(self, name: str, compute: Any) -> Any:
        """`compute()` once per events frame: every rule's needs ask again."""
        memo = self.__dict__.setdefault("_kalog_memo", {})
        key = (name, id(self.events))
        if key not in memo:
            memo[key] = (self.events, compute())  # the frame is kept so its id stays its own
        return memo[key][1]

    @property
    def has_version(self) -> bool:
        if self.versions or self.expect:
            return True
        if "version" not in self.events or self.events.empty:
            return False
        return bool(self.events["version"].notna().any())


def unmet_needs(ctx: AnalysisContext, needs: frozenset[Need]) -> list[Need]:
    """The needs `ctx` does not satisfy, in a stable order."""
    met = {
        Need.CONFIG: bool(ctx.configs),
        Need.TWO_HOSTS: len(ctx.hosts) >= 2,
        Need.DETAIL_LINES: ctx.has_detail_lines,
        Need.VERSION: ctx.has_version,
        Need.TIMELINE: ctx.timeline is not None,
    }
    return [need for need in Need if need in needs and not met[need]]


def run_rules(
    ctx: AnalysisContext,
    specs: Sequence[RuleSpec],
    settings: Settings | None = None,
) -> tuple[list[Finding], list[RuleStatus]]:
    """Run the selected rules over `ctx`; return sorted findings and one status per rule.

    `settings` defaults to `ctx.settings` and must already be resolved against
    `specs` (`Settings.resolve`) so option values are checked.  A rule whose
    needs are unmet is not run and gets a not-evaluable status naming them.
    """
    settings = settings if settings is not None else ctx.settings
    findings: list[Finding] = []
    statuses: list[RuleStatus] = []
    for spec in settings.selected(specs):
        severity = settings.severity_for(spec)
        unmet = unmet_needs(ctx, spec.needs)
        if unmet:
            reason = "needs " + "; ".join(n.description for n in unmet)
            statuses.append(
                RuleStatus(spec.code, spec.name, RuleState.NOT_EVALUABLE, severity, reason)
            )
            continue
        produced, status = spec.run(ctx, settings.options_for(spec), severity)
        findings.extend(produced)
        statuses.append(status)
    findings.sort(key=lambda f: f.sort_key)
    return findings, statuses


@dataclass
class AnalysisResult:
    """One finished analysis, the input of every output format.

    summary: plain data describing the run; the renderers read these keys when
    present (all optional): hosts (list of str), instances (list of str),
    versions (host -> version), start/end (timestamps), master_time (host ->
    seconds or Timedelta spent MASTER), plus any other scalar entries, shown
    as they are.
    timeline: the model's timeline (`to_frame()`), a DataFrame, a list of
    records, or None.
    transitions: records (dataclasses, mappings or objects with `to_dict()`)
    of master changes; the human view reads ts, instance, host, previous and
    cause from each.
    rules: the specs that were selected, for SARIF rule metadata.
    fail_on: the threshold the run used (JUnit marks only those as failures).
    """

    summary: dict[str, Any] = field(default_factory=dict)
    timeline: Any = None
    transitions: Sequence[Any] = ()
    findings: Sequence[Finding] = ()
    rule_statuses: Sequence[RuleStatus] = ()
    rules: Sequence[RuleSpec] = ()
    fail_on: str = "warning"

    def failing(self) -> list[Finding]:
        """The findings at or above `fail_on` (none when it is 'never')."""
        if self.fail_on == "never":
            return []
        threshold = Severity(self.fail_on)
        return [f for f in self.findings if f.severity.at_least(threshold)]
