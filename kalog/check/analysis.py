"""Running the rules, and what the reports render.

The rules read a `kalog.check.context.AnalysisContext`.
`AnalysisResult` is the single object every output format takes: render
once, export many.

`run_rules` is the only place rules are executed: it applies the selection
and severity settings, turns unmet NEEDS into "not evaluable" statuses and
relies on `RuleSpec.run` to contain a crashing rule; the cited lines' texts
are attached to all findings at once (`kalog.check.citations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kalog.check.citations import attach_texts
from kalog.check.context import DETAIL_KINDS, AnalysisContext, TimelineLike
from kalog.check.findings import Finding, Need, RuleState, RuleStatus, Severity
from kalog.check.registry import RuleSpec
from kalog.check.settings import Settings

__all__ = [
    "DETAIL_KINDS",
    "AnalysisContext",
    "AnalysisResult",
    "TimelineLike",
    "run_rules",
    "unmet_needs",
]


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
    attach_texts(ctx, findings)
    findings.sort(key=lambda f: f.sort_key)
    return findings, statuses


@dataclass
class AnalysisResult:
    """One finished analysis, the input of every output format.

    summary: plain data describing the run; the renderers read these keys when
    present (all optional): hosts (list of str), instances (list of str),
    versions (host -> version), start/end (timestamps), master_time (host ->
    instance -> seconds spent MASTER; a host -> seconds mapping is read too),
    plus any other scalar entries, shown as they are.
    timeline: the model's timeline (`to_frame()`), a DataFrame, a list of
    records, or None.
    transitions: records (dataclasses, mappings or objects with `to_dict()`)
    of master changes; the human view reads ts, instance, host, previous and
    cause from each.
    rules: the specs that were selected, for SARIF rule metadata.
    fail_on: the threshold the run used (JUnit marks only those as failures).
    fleet: the clusters of hosts, when the fleet view is asked for
    (`kalog.fleet.view.FleetView`): the rich view and JSON then show them.
    """

    summary: dict[str, Any] = field(default_factory=dict)
    timeline: Any = None
    transitions: Sequence[Any] = ()
    findings: Sequence[Finding] = ()
    rule_statuses: Sequence[RuleStatus] = ()
    rules: Sequence[RuleSpec] = ()
    fail_on: str = "warning"
    fleet: Any = None

    def failing(self) -> list[Finding]:
        """The findings at or above `fail_on` (none when it is 'never')."""
        if self.fail_on == "never":
            return []
        threshold = Severity(self.fail_on)
        return [f for f in self.findings if f.severity.at_least(threshold)]
