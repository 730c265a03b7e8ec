"""`kalog rules` (the list) and `kalog rule CODE|NAME` (one rule's documentation).

Also the rule-related command-line options and their resolution, shared with
`kalog analyze`: `rule_options` adds --rules/--settings/--select/--ignore/
--severity/--fail-on to a command, and `prepare_rules` turns their values
into loaded specs and resolved settings, raising click.UsageError (exit 2)
for anything wrong.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from kalog.check.registry import RuleLoadError, RuleSpec, find_rule, load_rules
from kalog.check.settings import FAIL_ON_CHOICES, Settings, SettingsError, load_settings
from kalog.cli.common import color_option

__all__ = ["prepare_rules", "rule", "rule_options", "rules", "rules_markdown"]


def load_specs(rule_dirs: Sequence[Path]) -> list[RuleSpec]:
    """Rules or a usage error: a bad user rule is the user's input, not a crash."""
    try:
        return load_rules(rule_dirs)
    except RuleLoadError as exc:
        raise click.UsageError(str(exc)) from None


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _severity_pairs(values: Sequence[str]) -> dict[str, str]:
    pairs = {}
    for value in _split(values):
        key, sep, level = value.partition("=")
        if not sep or not key or not level:
            raise click.UsageError(f"--severity {value!r}: expected RULE=LEVEL")
        pairs[key.strip()] = level.strip()
    return pairs


def prepare_rules(
    rule_dirs: Sequence[Path] = (),
    settings_file: Path | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    severity: Sequence[str] = (),
    fail_on: str | None = None,
) -> tuple[list[RuleSpec], Settings]:
    """Load rules and settings, apply the command line over the file, validate.

    Returns all loaded specs and resolved settings; `settings.selected(specs)`
    gives the ones to run.  A mistake in the settings file (invalid TOML,
    a wrong key or type, an unknown rule or option) raises SettingsError, a
    KalogError: one `kalog: error: FILE[:LINE]: ...` line, exit 2; a
    mistake in the options click.UsageError.
    """
    specs = load_specs(rule_dirs)
    base = load_settings(settings_file)
    try:
        settings = base.merged(
            select=_split(select) or None,
            ignore=_split(ignore) or None,
            severity=_severity_pairs(severity),
            fail_on=fail_on,
        )
        return specs, settings.resolve(specs)
    except SettingsError as exc:
        if base.path is not None and str(exc).startswith(f"{base.path}: "):
            raise  # the file's own mistake
        raise click.UsageError(str(exc)) from None


_RULES_DIR = click.option(
    "--rules",
    "rule_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also load rule modules from DIR (repeatable).",
)


def rule_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command with the rule selection options (see prepare_rules)."""
    options = [
        _RULES_DIR,
        click.option(
            "--settings",
            "settings_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Settings file (default: kalog.toml or [tool.kalog] found upwards).",
        ),
        click.option("--select", multiple=True, help="Rules to run: codes, names or prefixes."),
        click.option("--ignore", multiple=True, help="Rules not to run."),
        click.option("--severity", multiple=True, help="Override a severity: RULE=LEVEL."),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON_CHOICES, case_sensitive=False),
            default=None,
            help="Exit 1 on findings at or above this severity (default warning).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def settings_text(specs: Sequence[RuleSpec], settings: Settings) -> str:
    """`--show-settings`: the settings file, the threshold and every rule that
    runs with its severity and options, as the analysis would use them."""
    chosen = settings.selected(specs)
    lines = [
        f"settings file: {settings.path if settings.path else 'none found (defaults)'}",
        f"fail_on: {settings.fail_on}",
        f"rules run: {len(chosen)} of {len(specs)}",
    ]
    width = max((len(spec.name) for spec in chosen), default=0)
    for spec in chosen:
        options = dataclasses.asdict(settings.options_for(spec))
        text = " ".join(f"{key}={value!r}" for key, value in options.items())
        line = f"  {spec.code}  {spec.name:<{width}}  {settings.severity_for(spec)!s:<7}  {text}"
        lines.append(line.rstrip())
    skipped = [spec.code for spec in specs if spec not in chosen]
    lines.append(f"rules not run: {', '.join(skipped) or '-'}")
    return "\n".join(lines) + "\n"


def statistics_rows(specs: Sequence[RuleSpec], findings: Sequence[Any]) -> list[dict[str, Any]]:
    """`--statistics`: findings per rule, the rules with at least one, most first."""
    counts: dict[str, int] = {}
    severity: dict[str, str] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
        severity.setdefault(finding.rule, str(finding.severity))
    names = {spec.code: spec.name for spec in specs}
    return [
        {"rule": code, "name": names.get(code, ""), "severity": severity[code], "count": n}
        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def statistics_text(rows: Sequence[Mapping[str, Any]]) -> str:
    """`   2  KA102  flapping  warning`, one line per rule (ruff's --statistics)."""
    if not rows:
        return "no findings\n"
    width = max(len(str(row["count"])) for row in rows)
    name_width = max(len(row["name"]) for row in rows)
    return "".join(
        f"{row['count']:>{width}}  {row['rule']}  {row['name']:<{name_width}}  {row['severity']}\n"
        for row in rows
    )


def _rule_row(spec: RuleSpec) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name": spec.name,
        "severity": str(spec.severity),
        "needs": sorted(str(n) for n in spec.needs),
        "summary": spec.summary,
        "options": dict(spec.defaults),
        "builtin": spec.builtin,
        "path": spec.path,
    }


def rules_markdown(specs: Sequence[RuleSpec]) -> str:
    """The rule index table of docs/rules.md."""
    lines = ["| Code | Name | Severity | Needs | Summary |", "| --- | --- | --- | --- | --- |"]
    for spec in specs:
        needs = ", ".join(sorted(str(n) for n in spec.needs)) or "-"
        lines.append(
            f"| {spec.code} | `{spec.name}` | {spec.severity} | {needs} | {spec.summary} |"
        )
    return "\n".join(lines) + "\n"


#: The markers of the generated rule index in docs/rules.md.
INDEX_START = "<!-- rules-index:start (generated: kalog rules --format markdown) -->\n"
INDEX_END = "<!-- rules-index:end -->"


def write_index(path: Path, specs: Sequence[RuleSpec]) -> bool:
    """Put `rules_markdown(specs)` between the index markers of `path`; True if it changed.

    Why: a new rule then touches its module and its fixtures, and the docs
    index is regenerated, never edited by hand (tests/test_rules_cli.py
    checks the file against the registry both ways).
    """
    text = path.read_text(encoding="utf-8")
    if text.count(INDEX_START) != 1 or text.count(INDEX_END) != 1:
        raise click.UsageError(f"{path}: no single pair of rules-index markers")
    head, rest = text.split(INDEX_START)
    _old, tail = rest.split(INDEX_END)
    new = head + INDEX_START + rules_markdown(specs) + INDEX_END + tail
    if new == text:
        return False
    path.write_text(new, encoding="utf-8")
    return True


@click.command("rules")
@_RULES_DIR
@color_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option(
    "--write-index",
    "index_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Regenerate the rule index between the rules-index markers of FILE (docs/rules.md).",
)
def rules(rule_dirs: tuple[Path, ...], fmt: str, index_file: Path | None) -> None:
    """List the rules: code, name, severity, needs and summary."""
    specs = load_specs(rule_dirs)
    if index_file is not None:
        changed = write_index(index_file, specs)
        click.echo(f"{index_file}: {'index regenerated' if changed else 'index up to date'}")
        return
    if fmt == "json":
        click.echo(json.dumps([_rule_row(s) for s in specs], indent=2, ensure_ascii=False))
        return
    if fmt == "markdown":
        click.echo(rules_markdown(specs), nl=False)
        return
    from rich.padding import Padding
    from rich.text import Text

    from kalog.console import make_console, visible

    # Two lines per rule: a table squeezes the summary into a narrow column.
    console = make_console()
    width = max(len(s.name) for s in specs) if specs else 0
    for spec in specs:
        needs = ", ".join(sorted(str(n) for n in spec.needs)) or "-"
        head = Text(f"{spec.code}  {spec.name:<{width}}  {str(spec.severity):<7}  needs: {needs}")
        console.print(head)
        console.print(Padding(Text(visible(spec.summary)), (0, 0, 0, 7)))


@click.command("rule")
@_RULES_DIR
@click.argument("key", metavar="CODE|NAME")
def rule(rule_dirs: tuple[Path, ...], key: str) -> None:
    """Show one rule's documentation."""
    specs = load_specs(rule_dirs)
    spec = find_rule(specs, key)
    if spec is None:
        raise click.BadParameter(f"no rule {key!r} (see `kalog rules`)", param_hint="CODE|NAME")
    needs = ", ".join(n.description for n in sorted(spec.needs)) or "nothing beyond the log"
    header = [
        f"{spec.code} {spec.name}",
        "",
        f"Severity: {spec.severity} (default)",
        f"Needs: {needs}",
    ]
    if spec.defaults:
        header.append("Options: " + ", ".join(f"{k} = {v!r}" for k, v in spec.defaults.items()))
    if not spec.builtin:
        header.append(f"Defined in: {spec.path}")
    click.echo("\n".join(header) + "\n")
    click.echo(spec.doc, nl=False)
