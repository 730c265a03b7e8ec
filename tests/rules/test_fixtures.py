"""Run every rule fixture case: tests/rules/<CODE>/<case>/.

A case directory holds the input and, beside it, what the rule must find
(logs cannot carry inline markers, so expectations live next to them).  A log
or config that exists elsewhere in the repo (samples/seed, samples/lab,
tests/data/corpus, or tests/rules/logs for one shared by cases under a name
found nowhere else) is referenced from case.toml, not copied:

    <host>.log       real log lines, one file per host (run through kalog.read_events);
                     only for lines stored nowhere else (a trimmed capture)
    <host>.conf      optional keepalived.conf for that host (`--config HOST=PATH`)
    events.jsonl     optional hand-parsed events of the same lines (one JSON object
                     per line, fields of kalog.ingest.events.COLUMNS); lets the rule be
                     tested without the parser
    case.toml        optional, all keys optional:
                       expect = "1.2"              # --expect PROFILE
                       keepalived_version = "1.3"  # --keepalived-version V
                       year = 2014                 # --year, for year-less syslog
                       tz = "Europe/Paris"         # --tz
                       logs = ["../../../../samples/seed/ex1-A-backup-99.log"]
                                                   # more logs, relative to the case
                       [options]                   # the rule's options
                       [configs]                   # host = "path.conf", relative to
                                                   # the case: a file not named
                                                   # <host>.conf, or one stored elsewhere
    expected.json    list of findings: rule, host, instance, start, end,
                     evidence ([file name, line] pairs), optionally message
    README.md        where the lines come from, and any trimming

Each case goes through the same path as `kalog analyze --select CODE`:
`kalog.pipeline.analyze_events` parses the configs with the host's
keepalived version, replays the events into the model and runs the rule, so
a fixture exercises the model as well as the rule.  Each input variant
(events.jsonl, logs) must produce exactly expected.json.  `start`/`end` are
ISO 8601; when the logs carry no year (classic syslog) and the case names
none, they are written without it ("07-10T09:27:24") and compared so.

Evidence names a file by its name, and a bare or console log's host comes
from it, so a referenced log keeps the name of the copy it stands for; the
logs are read in file-name order, whatever folder they are in.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from rule_frames import read_jsonl

import kalog
from kalog.check.findings import Finding, RuleState
from kalog.check.registry import find_rule, load_rules
from kalog.check.settings import Settings
from kalog.pipeline import analyze_events

HERE = Path(__file__).resolve().parent
CASES = sorted(p for p in HERE.glob("*/*") if (p / "expected.json").is_file())
SPECS = load_rules()
CASE_KEYS = {"expect", "keepalived_version", "year", "tz", "options", "configs", "logs"}
ROOT = HERE.parent.parent
#: Where the cases' inputs are stored (each distinct file once, under its name).
STORES = [HERE / "logs", ROOT / "samples", ROOT / "tests" / "data"]


def _variants() -> list[Any]:
    params = []
    for case in CASES:
        case_id = f"{case.parent.name}/{case.name}"
        if (case / "events.jsonl").is_file():
            params.append(pytest.param(case, "events", id=f"{case_id}[events]"))
        if _logs(case, _meta(case)):
            params.append(pytest.param(case, "logs", id=f"{case_id}[logs]"))
    return params


def _meta(case: Path) -> dict[str, Any]:
    path = case / "case.toml"
    meta = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    unknown = set(meta) - CASE_KEYS
    assert not unknown, f"{path}: unknown keys {sorted(unknown)} (known: {sorted(CASE_KEYS)})"
    return meta


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


def _file(case: Path, name: str) -> Path:
    """A file case.toml names, relative to the case directory."""
    path = case / name
    assert path.is_file(), f"{case / 'case.toml'}: no file {name}"
    return path


def _logs(case: Path, meta: dict[str, Any]) -> list[Path]:
    """The case's `*.log` files and case.toml's `logs`, in file-name order."""
    logs = [*case.glob("*.log"), *(_file(case, name) for name in meta.get("logs", []))]
    names = [path.name for path in logs]
    assert len(set(names)) == len(names), f"{case}: two logs with one name: {sorted(names)}"
    return sorted(logs, key=lambda path: path.name)


def _events(case: Path, variant: str, meta: dict[str, Any]):
    if variant == "events":
        return read_jsonl(case / "events.jsonl")
    options = {key: meta[key] for key in ("year", "tz") if key in meta}
    return kalog.read_events(_logs(case, meta), **options)


def _configs(case: Path, meta: dict[str, Any]) -> dict[str, Path]:
    """host -> keepalived.conf path: `<host>.conf` files, then case.toml's [configs]."""
    configs = {path.stem: path for path in sorted(case.glob("*.conf"))}
    for host, name in (meta.get("configs") or {}).items():
        configs.pop(Path(name).stem, None)
        configs[host] = _file(case, name)
    return configs


@pytest.mark.parametrize(("case", "variant"), _variants())
def test_rule_case(case: Path, variant: str) -> None:
    code = case.parent.name
    spec = find_rule(SPECS, code)
    assert spec is not None, f"no rule {code} for fixture {case}"
    meta = _meta(case)
    settings = Settings(select=(code,), options={code: meta.get("options", {})})
    result = analyze_events(
        _events(case, variant, meta),
        configs=_configs(case, meta),
        version=meta.get("keepalived_version"),
        expect=meta.get("expect"),
        settings=settings,
        rules=SPECS,
    )
    statuses = list(result.rule_statuses)
    assert [(s.rule, s.state) for s in statuses] == [(code, RuleState.EVALUATED)], statuses
    findings = list(result.findings)
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
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


def test_every_built_in_rule_has_fixtures() -> None:
    """A built-in rule without a fixture directory is untested against real logs."""
    covered = {case.parent.name for case in CASES}
    missing = sorted(spec.code for spec in SPECS if spec.builtin and spec.code not in covered)
    assert not missing, f"rules without tests/rules/<CODE>/ cases: {missing}"


def test_fixture_inputs_are_stored_once() -> None:
    """A case's own log (same name, same bytes) or config (same bytes) is not a copy of
    one stored elsewhere: it is referenced from case.toml (`logs`, `[configs]`) instead."""

    def key(path: Path) -> tuple[str, bytes]:
        return (path.name if path.suffix == ".log" else "", path.read_bytes())

    stored: dict[tuple[str, bytes], Path] = {}
    for store in STORES:
        for path in sorted(store.rglob("*")):
            if path.suffix in (".log", ".conf") and path.is_file():
                stored.setdefault(key(path), path)
    copies = [
        f"{path.relative_to(ROOT)} is {stored[key(path)].relative_to(ROOT)}"
        for case in CASES
        for path in sorted([*case.glob("*.log"), *case.glob("*.conf")])
        if key(path) in stored
    ]
    assert not copies, f"reference these from case.toml instead of copying: {copies}"
