"""Run every rule fixture case: tests/rules/<CODE>/<case>/.

A case directory holds the input and, beside it, what the rule must find
(logs cannot carry inline markers, so expectations live next to them):

    <host>.log       real log lines, one file per host (run through kalog.read_events)
    <host>.conf      optional keepalived.conf for that host (kalog.config)
    events.jsonl     optional hand-parsed events of the same lines (one JSON object
                     per line, fields of kalog.events.COLUMNS); lets the rule be
                     tested without the parser
    case.toml        optional: [options] for the rule, expect = "profile"
    expected.json    list of findings: rule, host, instance, start, end,
                     evidence ([file name, line] pairs), optionally message

Each input variant (events.jsonl, logs) must produce exactly expected.json.
`start`/`end` are ISO 8601; when the logs carry no year (classic syslog)
they are written without it ("07-10T09:27:24") and compared so.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from rule_frames import read_jsonl

from kalog.analysis import AnalysisContext, run_rules
from kalog.findings import Finding, find_rule, load_rules
from kalog.settings import Settings

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in HERE.glob("*/*") if (p / "expected.json").is_file())
SPECS = load_rules()


def _variants() -> list[Any]:
    params = []
    for case in CASES:
        case_id = f"{case.parent.name}/{case.name}"
        if (case / "events.jsonl").is_file():
            params.append(pytest.param(case, "events", id=f"{case_id}[events]"))
        if any(case.glob("*.log")):
            params.append(pytest.param(case, "logs", id=f"{case_id}[logs]"))
    return params


def _time(value: Any, expected: str | None) -> str | None:
    if value is None or expected is None:
        return None if value is None else value.isoformat()
    if len(expected) >= 4 and expected[:4].isdigit():
        return value.isoformat()
    return value.strftime("%m-%dT%H:%M:%S")


def _as_expected(finding: Finding, expected: dict[str, Any]) -> dict[str, Any]:
    got = {
        "rule": finding.rule,
        "host": finding.host,
        "instance": finding.instance,
        "start": _time(finding.start, expected.get("start")),
        "end": _time(finding.end, expected.get("end")),
        "evidence": [[Path(e.source).name, e.line] for e in finding.evidence],
    }
    if "message" in expected:
        got["message"] = finding.message
    return got


def _load_logs(case: Path):
    for module in ("kalog.frame", "kalog.grammar.body"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"waiting for {module} (kalog.read_events is written in parallel)")
    import kalog

    return kalog.read_events(sorted(case.glob("*.log")))


def _configs(case: Path) -> dict[str, Any]:
    confs = sorted(case.glob("*.conf"))
    if not confs:
        return {}
    if importlib.util.find_spec("kalog.config") is None:
        pytest.skip("waiting for kalog.config (configuration reader written in parallel)")
    import kalog.config

    return {p.stem: kalog.config.read_config(p) for p in confs}


@pytest.mark.parametrize(("case", "variant"), _variants())
def test_rule_case(case: Path, variant: str) -> None:
    code = case.parent.name
    spec = find_rule(SPECS, code)
    assert spec is not None, f"no rule {code} for fixture {case}"
    meta = tomllib.loads((case / "case.toml").read_text()) if (case / "case.toml").exists() else {}
    events = read_jsonl(case / "events.jsonl") if variant == "events" else _load_logs(case)
    ctx = AnalysisContext(events=events, configs=_configs(case), expect=meta.get("expect"))
    settings = Settings(select=(code,), options={code: meta.get("options", {})}).resolve(SPECS)
    findings, statuses = run_rules(ctx, SPECS, settings)
    assert [s.state for s in statuses] == ["evaluated"], statuses
    expected = json.loads((case / "expected.json").read_text())
    got = [_as_expected(f, e) for f, e in zip(findings, expected, strict=False)]
    assert len(findings) == len(expected), [f.to_dict() for f in findings]
    assert got == expected


def test_fixture_dirs_name_rules_and_have_both_outcomes() -> None:
    """Each fixture dir is a known rule with a case that fires and one that does not."""
    codes = {spec.code for spec in SPECS}
    for code in sorted({case.parent.name for case in CASES}):
        assert code in codes, f"tests/rules/{code}: no such rule"
        outcomes = {
            bool(json.loads((c / "expected.json").read_text()))
            for c in CASES
            if c.parent.name == code
        }
        assert outcomes == {True, False}, f"{code} needs a case with findings and one without"
