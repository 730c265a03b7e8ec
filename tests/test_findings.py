"""The finding record, the rule loader and the safe running of rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from kalog.check.analysis import run_rules
from kalog.check.context import AnalysisContext
from kalog.check.findings import (
    FINDING_FIELDS,
    Evidence,
    Finding,
    Need,
    RuleState,
    Severity,
    exit_code,
)
from kalog.check.registry import DOC_HEADINGS, RuleLoadError, find_rule, load_rules, parse_doc
from kalog.check.settings import Settings
from kalog.ingest.events import empty_frame

DOC = '"""Flags a test pattern.\n\n' + "".join(f"## {h}\n\nText.\n\n" for h in DOC_HEADINGS) + '"""'


def write_rule(directory: Path, stem: str, code: str, name: str, body: str, **extra: str) -> Path:
    needs = extra.get("needs", "frozenset()")
    path = directory / f"{stem}.py"
    path.write_text(
        DOC
        + textwrap.dedent(f"""
        from dataclasses import dataclass
        from kalog.check.findings import Finding, Need, NotEvaluable, Severity
        CODE = {code!r}
        NAME = {name!r}
        SEVERITY = Severity.WARNING
        NEEDS = {needs}
        @dataclass(frozen=True)
        class Options:
            limit: int = 3
        def check(ctx, options):
        """)
        + textwrap.indent(textwrap.dedent(body), "    ")
    )
    return path


def test_severity_order_and_sarif_levels() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.ERROR
    assert sorted([Severity.ERROR, Severity.INFO, Severity.WARNING]) == ["info", "warning", "error"]
    assert max(Severity) is Severity.ERROR
    assert Severity.WARNING.at_least("warning") and not Severity.INFO.at_least("warning")
    assert [s.sarif_level for s in Severity] == ["error", "warning", "note"]


def test_finding_to_dict_shape() -> None:
    finding = Finding(
        rule="KA301",
        name="config-mismatch",
        severity="error",
        message="m",
        host="lb1",
        instance="VI_1",
        start=pd.Timestamp("2024-07-10 09:27:24"),
        end=pd.NaT,
        evidence=[Evidence("lb1.log", 3, "raw line")],
    )
    assert finding.severity is Severity.ERROR
    assert finding.to_dict() == {
        "rule": "KA301",
        "name": "config-mismatch",
        "severity": "error",
        "host": "lb1",
        "instance": "VI_1",
        "start": "2024-07-10T09:27:24",
        "end": None,
        "message": "m",
        "evidence": [{"source": "lb1.log", "line": 3}],
    }
    assert tuple(finding.to_dict()) == FINDING_FIELDS  # the tables' columns, in order


def test_evidence_line_listed_once() -> None:
    """A line two rule steps both name is shown once, where it first came; the
    same line number in another file is another line."""
    a3, a5, b3 = Evidence("a.log", 3, "x"), Evidence("a.log", 5), Evidence("b.log", 3)
    finding = Finding("KA001", "x", "warning", "m", evidence=[a3, a5, Evidence("a.log", 3), b3, a5])
    assert finding.evidence == (a3, a5, b3)
    assert Finding("KA001", "x", "warning", "m", evidence=[a5]).evidence == (a5,)


@pytest.mark.parametrize(
    ("fail_on", "severities", "code"),
    [
        ("warning", ["info"], 0),
        ("warning", ["info", "warning"], 1),
        ("error", ["warning"], 0),
        ("info", ["info"], 1),
        ("never", ["error"], 0),
        ("warning", [], 0),
    ],
)
def test_exit_code(fail_on: str, severities: list[str], code: int) -> None:
    findings = [Finding("KA001", "x", s, "m") for s in severities]
    assert exit_code(findings, fail_on) == code


def test_builtin_rules_load_with_valid_docs() -> None:
    specs = load_rules()
    assert [s.code for s in specs] == sorted(s.code for s in specs)
    assert {"KA301", "KA901"} <= {s.code for s in specs}
    ka901 = find_rule(specs, "unparsed-lines")
    assert ka901 is not None and ka901.code == "KA901" and find_rule(specs, "ka901") is ka901
    assert ka901.severity is Severity.INFO and ka901.needs == frozenset()
    assert list(ka901.sections) == list(DOC_HEADINGS)
    assert ka901.doc.startswith(ka901.summary + "\n\n## What it flags\n")


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        (None, "no docstring"),
        ("## What it flags\n\nx", "one-line summary"),
        ("Summary.\n\n## What it flags\n\nx\n", "missing heading '## Why it matters'"),
        (
            "S.\n\n" + "".join(f"## {h}\n\nx\n" for h in reversed(DOC_HEADINGS)),
            "out of order",
        ),
        ("S.\n\n" + "".join(f"## {h}\n\nx\n" for h in DOC_HEADINGS) + "## Notes\n\nx", "Notes"),
        ("S.\n\n" + "".join(f"## {h}\n\n\n" for h in DOC_HEADINGS), "is empty"),
    ],
)
def test_doc_validation(doc: str | None, problem: str) -> None:
    with pytest.raises(RuleLoadError, match=problem):
        parse_doc(doc, "rule.py")


def test_user_rules_dir_loads_and_runs(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "mine",
        "KA950",
        "my-rule",
        """
        yield Finding(CODE, NAME, SEVERITY, f"limit {options.limit}", host="lb1")
        """,
    )
    specs = load_rules([tmp_path])
    spec = find_rule(specs, "KA950")
    assert spec is not None and not spec.builtin and spec.path == str(tmp_path / "mine.py")
    ctx = AnalysisContext(events=empty_frame())
    settings = Settings(select=("KA950",), options={"my-rule": {"limit": 7}}).resolve(specs)
    findings, statuses = run_rules(ctx, specs, settings)
    assert [f.message for f in findings] == ["limit 7"]
    assert [(s.rule, s.state, s.findings) for s in statuses] == [("KA950", "evaluated", 1)]


@pytest.mark.parametrize(("code", "name"), [("KA901", "other-name"), ("KA951", "unparsed-lines")])
def test_clashing_user_rule_is_a_load_error(tmp_path: Path, code: str, name: str) -> None:
    write_rule(tmp_path, "clash", code, name, "return []")
    with pytest.raises(RuleLoadError, match="defined twice"):
        load_rules([tmp_path])


def test_malformed_user_rule_is_a_load_error(tmp_path: Path) -> None:
    write_rule(tmp_path, "bad", "ka1", "x", "return []")
    with pytest.raises(RuleLoadError, match="CODE 'ka1'"):
        load_rules([tmp_path])
    (tmp_path / "bad.py").write_text("import does_not_exist\n")
    with pytest.raises(RuleLoadError, match="import failed: ModuleNotFoundError"):
        load_rules([tmp_path])


def test_crashing_rule_is_contained(tmp_path: Path) -> None:
    write_rule(tmp_path, "boom", "KA960", "boom", "yield 1 / 0")
    write_rule(
        tmp_path,
        "cannot",
        "KA961",
        "cannot",
        """
        yield Finding(CODE, NAME, SEVERITY, "discarded")
        raise NotEvaluable("no config for lb2")
        """,
    )
    write_rule(tmp_path, "fine", "KA962", "fine", 'yield Finding(CODE, NAME, SEVERITY, "ok")')
    specs = load_rules([tmp_path])
    settings = Settings(select=("KA96",), severity={"KA962": Severity.ERROR}).resolve(specs)
    findings, statuses = run_rules(AnalysisContext(events=empty_frame()), specs, settings)
    assert [(f.rule, f.severity, f.message) for f in findings] == [("KA962", "error", "ok")]
    by_rule = {s.rule: s for s in statuses}
    assert by_rule["KA960"].state is RuleState.ERROR
    assert (
        by_rule["KA960"].reason
        == "internal error: ZeroDivisionError: division by zero (boom.py:38)"
    )
    assert by_rule["KA961"].state is RuleState.NOT_EVALUABLE
    assert by_rule["KA961"].reason == "no config for lb2"
    assert by_rule["KA962"].state is RuleState.EVALUATED


def test_unmet_needs_make_a_rule_not_evaluable(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "two",
        "KA970",
        "needs-two",
        "yield from ()",
        needs="{Need.TWO_HOSTS, Need.CONFIG}",
    )
    specs = load_rules([tmp_path])
    settings = Settings(select=("KA970",)).resolve(specs)
    _, statuses = run_rules(AnalysisContext(events=empty_frame()), specs, settings)
    assert statuses[0].state is RuleState.NOT_EVALUABLE
    assert statuses[0].reason == (f"needs {Need.CONFIG.description}; {Need.TWO_HOSTS.description}")


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            'DEFAULTS = {"limit": 3}',
            "DEFAULTS is not read; declare options as a dataclass `Options` "
            "with typed, defaulted fields",
        ),
        ("Options = {'limit': 3}", "Options must be a dataclass"),
        (
            "@dataclass(frozen=True)\nclass Options:\n    limit: int\n",
            "option limit needs a default",
        ),
        (
            "@dataclass(frozen=True)\nclass Options:\n    hosts: list = None\n",
            "option hosts: <class 'list'> is not one of bool, int, float, str "
            "(or one of them | None)",
        ),
    ],
)
def test_rule_options_are_checked_when_loaded(
    tmp_path: Path, declaration: str, message: str
) -> None:
    path = tmp_path / "opts.py"
    path.write_text(
        DOC
        + "\nfrom dataclasses import dataclass\n"
        + "from kalog.check.findings import Severity\n"
        + 'CODE = "KA970"\nNAME = "opts"\nSEVERITY = Severity.INFO\nNEEDS = frozenset()\n'
        + declaration
        + "\ndef check(ctx, options):\n    return []\n"
    )
    with pytest.raises(RuleLoadError) as info:
        load_rules([tmp_path])
    assert str(info.value) == f"{path}: {message}"
