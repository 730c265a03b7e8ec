"""`--format junit`: one test case per selected rule, for CI test dashboards.

A rule with findings at or above the run's `fail_on` is a failure (one line
per finding in the body); a rule whose findings are all below it passes with
them in system-out; a not-evaluable rule is skipped with the reason; a rule
that crashed is an error.  CI systems show this as a familiar test report.

XML 1.0 cannot carry most control characters at all, so all log-derived text
goes through `kalog.console.visible` first: the document stays well-formed
whatever the logs contain.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Finding, RuleState, iso_time
from kalog.console import visible


def _line(finding: Finding) -> str:
    where = " ".join(
        part
        for part in (
            finding.host and f"host={finding.host}",
            finding.instance and f"instance={finding.instance}",
            iso_time(finding.start) and f"start={iso_time(finding.start)}",
            iso_time(finding.end) and f"end={iso_time(finding.end)}",
        )
        if part
    )
    text = f"{finding.severity}: {finding.message}" + (f" [{where}]" if where else "")
    lines = [text] + [f"    {e.source}:{e.line}: {e.raw or ''}".rstrip() for e in finding.evidence]
    return "\n".join(visible(line) for line in lines)


def build(result: AnalysisResult) -> ET.Element:
    failing = {id(f) for f in result.failing()}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_rule[finding.rule].append(finding)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.Element("testsuite", name="kalog")
    for status in result.rule_statuses:
        counts["tests"] += 1
        case = ET.SubElement(
            suite, "testcase", classname="kalog.rules", name=f"{status.rule} {status.name}"
        )
        findings = by_rule.get(status.rule, [])
        if status.state is RuleState.NOT_EVALUABLE:
            counts["skipped"] += 1
            ET.SubElement(case, "skipped", message=visible(f"not evaluable: {status.reason}"))
            continue
        if status.state is RuleState.ERROR:
            counts["errors"] += 1
            ET.SubElement(case, "error", message=visible(status.reason or "internal error"))
            continue
        failed = [f for f in findings if id(f) in failing]
        if failed:
            counts["failures"] += 1
            noun = "finding" if len(failed) == 1 else "findings"
            element = ET.SubElement(
                case, "failure", message=f"{len(failed)} {noun}", type=status.rule
            )
            element.text = "\n".join(_line(f) for f in failed)
        below = [f for f in findings if id(f) not in failing]
        if below:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in below)
    for key, value in counts.items():
        suite.set(key, str(value))
    root = ET.Element("testsuites", name="kalog", **{k: str(v) for k, v in counts.items()})
    root.append(suite)
    return root


def dumps(result: AnalysisResult) -> str:
    root = build(result)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
