"""`--format sarif`: SARIF 2.1.0 for code-scanning dashboards.

One run; `tool.driver.rules` describes every selected rule from its
docstring (summary as shortDescription, "What it flags" as fullDescription,
the whole doc as help); each finding is a result whose location is its first
evidence line (artifact = the log file, region.startLine = the line) and
whose further evidence lines are relatedLocations.  Host, instance and time
window go into the result's property bag and a logical location.

Rules that were not evaluable or crashed are reported as tool notifications
of the invocation, so a dashboard can tell "clean" from "not checked".
Validated against the OASIS 2.1.0 errata01 schema in tests.
"""

from __future__ import annotations

import functools
from hashlib import sha256
from importlib import metadata
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Evidence, Finding, RuleState
from kalog.check.findings import iso_time as iso
from kalog.check.registry import RuleSpec
from kalog.report._data import dumps_indented
from kalog.speed.gc_pause import gc_paused

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _version() -> str:
    try:
        return metadata.version("kalog")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare tree
        return "0"


@functools.lru_cache(maxsize=1024)
def artifact_uri(source: str) -> str:
    """A log path as a URI reference: absolute paths as file: URIs, others relative.

    Cached: every evidence line names its file, and a busy day has a few
    files but tens of thousands of evidence lines.
    """
    path = PurePath(source)
    if path.is_absolute():
        return "file://" + quote(path.as_posix())
    return quote(path.as_posix())


def _rule_descriptor(spec: RuleSpec) -> dict[str, Any]:
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.sections["What it flags"]},
        "help": {"text": spec.doc, "markdown": spec.doc},
        "defaultConfiguration": {"level": spec.severity.sarif_level},
        "properties": {"needs": sorted(str(n) for n in spec.needs), "tags": ["keepalived"]},
    }


def _location(evidence: Evidence, location_id: int | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(evidence.source)},
            "region": {"startLine": max(1, evidence.line)},
        }
    }
    if evidence.raw is not None:
        location["physicalLocation"]["region"]["snippet"] = {"text": evidence.raw}
    if location_id is not None:
        location["id"] = location_id
    return location


def _fingerprint(finding: Finding) -> str:
    """Stable across runs over the same logs, so dashboards can track a finding."""
    key = "\0".join(
        str(x)
        for x in (finding.rule, finding.host, finding.instance, iso(finding.start), finding.message)
    )
    return sha256(key.encode()).hexdigest()[:32]


def _result(finding: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": finding.severity.sarif_level,
        "message": {"text": finding.message},
        "partialFingerprints": {"kalogFinding/v1": _fingerprint(finding)},
        "properties": {
            "name": finding.name,
            "host": finding.host,
            "instance": finding.instance,
            "start": iso(finding.start),
            "end": iso(finding.end),
        },
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    if finding.evidence:
        first, *rest = finding.evidence
        result["locations"] = [_location(first)]
        if rest:
            result["relatedLocations"] = [_location(e, i) for i, e in enumerate(rest, 1)]
    if finding.host or finding.instance:
        logical = {"kind": "object", "name": finding.instance or finding.host}
        logical["fullyQualifiedName"] = "/".join(x for x in (finding.host, finding.instance) if x)
        result.setdefault("locations", [{}])[0]["logicalLocations"] = [logical]
    return result


def build(result: AnalysisResult) -> dict[str, Any]:
    specs = list(result.rules)
    rule_index = {spec.code: i for i, spec in enumerate(specs)}
    configuration, execution = [], []
    for status in result.rule_statuses:
        if status.state is RuleState.EVALUATED:
            continue
        note: dict[str, Any] = {
            "message": {"text": f"{status.rule} {status.name}: {status.reason}"},
            "level": "note" if status.state is RuleState.NOT_EVALUABLE else "error",
            "associatedRule": {"id": status.rule},
        }
        if status.rule in rule_index:
            note["associatedRule"]["index"] = rule_index[status.rule]
        (configuration if status.state is RuleState.NOT_EVALUABLE else execution).append(note)
    invocation: dict[str, Any] = {"executionSuccessful": not execution}
    if configuration:
        invocation["toolConfigurationNotifications"] = configuration
    if execution:
        invocation["toolExecutionNotifications"] = execution
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kalog",
                        "version": _version(),
                        "rules": [_rule_descriptor(s) for s in specs],
                    }
                },
                "invocations": [invocation],
                "results": [_result(f, rule_index) for f in result.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def dumps(result: AnalysisResult) -> str:
    with gc_paused():
        return dumps_indented(build(result)) + "\n"
