"""`kalog rules` and `kalog rule`, through the real click group."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from click.testing import CliRunner

from kalog.check.registry import DOC_HEADINGS, load_rules
from kalog.cli import main

#: The built-in rules, as the registry loads them: what every listing must show.
CODES = [spec.code for spec in load_rules()]
DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_rules_json_lists_builtin_rules() -> None:
    code, out = run("rules", "--format", "json")
    assert code == 0
    rows = {r["code"]: r for r in json.loads(out)}
    assert list(rows) == CODES
    assert rows["KA901"] == {
        "code": "KA901",
        "name": "unparsed-lines",
        "severity": "info",
        "needs": [],
        "summary": "Keepalived lines kalog could not classify, counted per log file.",
        "options": {"max_examples": 5, "min_count": 1},
        "builtin": True,
        "path": None,
    }
    assert rows["KA301"]["severity"] == "error"


def test_rules_text_list() -> None:
    code, out = run("rules")
    assert code == 0
    lines = [line.rstrip() for line in out.splitlines()]
    position = next(i for i, line in enumerate(lines) if line.startswith("KA901"))
    assert lines[position].split() == ["KA901", "unparsed-lines", "info", "needs:", "-"]
    assert (
        lines[position + 1]
        == "       Keepalived lines kalog could not classify, counted per log file."
    )
    heads = [line.split()[0] for line in lines if line and not line[0].isspace()]
    assert heads == CODES == sorted(CODES)  # every rule, once, by code


def test_rule_doc_by_code_and_name() -> None:
    code, out = run("rule", "ka901")
    assert code == 0
    assert out.startswith("KA901 unparsed-lines\n\nSeverity: info (default)\n")
    assert "Options: max_examples = 5, min_count = 1" in out
    for heading in DOC_HEADINGS:
        assert f"\n## {heading}\n" in out
    assert run("rule", "unparsed-lines")[1] == out


def test_unknown_rule_is_a_usage_error() -> None:
    code, out = run("rule", "KA999")
    assert code == 2
    assert "no rule 'KA999'" in out


def test_user_rules_dir(tmp_path: Path) -> None:
    doc = "Flags nothing.\n\n" + "".join(f"## {h}\n\nText.\n\n" for h in DOC_HEADINGS)
    (tmp_path / "mine.py").write_text(
        f'"""{doc}"""\n'
        + textwrap.dedent("""
        from kalog.check.findings import Need, Severity
        CODE = "KA990"
        NAME = "site-rule"
        SEVERITY = Severity.WARNING
        NEEDS = frozenset({Need.CONFIG})
        def check(ctx, options):
            return []
        """)
    )
    code, out = run("rules", "--rules", str(tmp_path), "--format", "json")
    assert code == 0
    row = json.loads(out)[-1]
    assert (row["code"], row["needs"], row["builtin"]) == ("KA990", ["config"], False)
    code, out = run("rule", "--rules", str(tmp_path), "site-rule")
    assert code == 0 and f"Defined in: {tmp_path / 'mine.py'}" in out
    (tmp_path / "clash.py").write_text((tmp_path / "mine.py").read_text().replace("KA990", "KA301"))
    code, out = run("rules", "--rules", str(tmp_path))
    assert code == 2
    assert "rule KA301 defined twice: kalog.rules.ka301_config_mismatch and " in out


def test_docs_index_is_the_generated_one() -> None:
    """The index in docs/rules.md is exactly what `kalog rules --format markdown` prints:
    a registered rule missing from it fails, and so does a row for no registered rule
    or a row that differs from what the rule declares."""
    from kalog.cli.rules import INDEX_END as end
    from kalog.cli.rules import INDEX_START as start

    docs = DOCS.read_text(encoding="utf-8")
    assert docs.count(start) == docs.count(end) == 1, f"{DOCS}: index markers"
    index = docs.split(start)[1].split(end)[0]
    listed = re.findall(r"^\| ([A-Z]{2,}[0-9]{3,}) \|", index, flags=re.MULTILINE)
    missing = [c for c in CODES if c not in listed]
    unknown = [c for c in listed if c not in CODES]
    fix = "run `kalog rules --write-index docs/rules.md`"
    assert (missing, unknown) == ([], []), f"{DOCS}: missing {missing}, not rules {unknown}; {fix}"
    code, out = run("rules", "--format", "markdown")
    assert code == 0
    assert index == out, f"{DOCS}: the index is not the generated one; {fix}"


def test_prepare_rules_for_analyze(tmp_path: Path) -> None:
    import click
    import pytest

    from kalog.cli.rules import prepare_rules

    settings_file = tmp_path / "kalog.toml"
    settings_file.write_text('fail_on = "error"\n[rules.KA901]\nmax_examples = 2\n')
    specs, settings = prepare_rules(
        settings_file=settings_file, select=["KA301,unparsed-lines"], severity=["KA901=warning"]
    )
    assert [s.code for s in settings.selected(specs)] == ["KA301", "KA901"]
    assert (settings.fail_on, str(settings.severity["KA901"])) == ("error", "warning")
    assert settings.options == {"KA901": {"max_examples": 2}}
    with pytest.raises(click.UsageError, match="--severity 'KA901': expected RULE=LEVEL"):
        prepare_rules(severity=["KA901"])
    with pytest.raises(click.UsageError, match="select: no rule matches 'nope'"):
        prepare_rules(select=["nope"])


def test_write_index_regenerates_the_marked_block(tmp_path: Path) -> None:
    doc = tmp_path / "rules.md"
    original = DOCS.read_text(encoding="utf-8")
    stale = re.sub(r"^\| KA302 \|.*\n", "", original, flags=re.MULTILINE)
    assert stale != original
    doc.write_text(stale, encoding="utf-8")
    code, out = run("rules", "--write-index", str(doc))
    assert (code, out.strip()) == (0, f"{doc}: index regenerated")
    assert doc.read_text(encoding="utf-8") == original
    code, out = run("rules", "--write-index", str(doc))
    assert (code, out.strip()) == (0, f"{doc}: index up to date")
