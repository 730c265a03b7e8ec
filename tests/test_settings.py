"""Settings: discovery, validation with one-line errors, command line over file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kalog.check.findings import Severity
from kalog.check.registry import load_rules
from kalog.check.settings import Settings, SettingsError, find_settings, load_settings

SPECS = load_rules()


def test_pyproject_table_found_upwards_and_resolved(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n"
        "[tool.kalog]\n"
        'select = ["KA3", "unparsed-lines"]\n'
        'ignore = ["KA301"]\n'
        'fail_on = "error"\n'
        "[tool.kalog.rules.unparsed-lines]\n"
        'severity = "warning"\n'
        "max_examples = 2\n"
    )
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_settings(deep) == tmp_path / "pyproject.toml"
    settings = load_settings(start=deep).resolve(SPECS)
    assert settings.fail_on == "error"
    expected = [s.code for s in SPECS if s.code.startswith("KA3") and s.code != "KA301"]
    assert [s.code for s in settings.selected(SPECS)] == [*expected, "KA901"]
    assert settings.severity == {"KA901": Severity.WARNING}
    ka901 = next(s for s in SPECS if s.code == "KA901")
    assert settings.options_for(ka901) == ka901.options_type(max_examples=2, min_count=1)
    assert ka901.defaults == {"max_examples": 5, "min_count": 1}


def test_kalog_toml_wins_and_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "kalog.toml").write_text('ignore = ["KA901"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_settings(sub) == tmp_path / "kalog.toml"
    (tmp_path / "pyproject.toml").write_text("[tool.kalog]\nfail_on = 'info'\n")
    assert find_settings(tmp_path) == tmp_path / "kalog.toml"
    assert load_settings(start=sub).ignore == ("KA901",)


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    settings = load_settings(start=tmp_path) if find_settings(tmp_path) is None else Settings()
    assert settings == Settings()
    assert [s.code for s in settings.selected(SPECS)] == [s.code for s in SPECS]


def test_command_line_wins(tmp_path: Path) -> None:
    path = tmp_path / "kalog.toml"
    path.write_text('select = ["KA901"]\nfail_on = "error"\n[rules.KA301]\nseverity = "info"\n')
    settings = (
        load_settings(path)
        .merged(select=["KA301"], fail_on="never", severity={"KA301": "warning"})
        .resolve(SPECS)
    )
    assert [s.code for s in settings.selected(SPECS)] == ["KA301"]
    assert settings.fail_on == "never"
    assert settings.severity == {"KA301": Severity.WARNING}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = []\n", "kalog.toml: selct: unknown key (known: select, ignore, fail_on, rules)"),
        ("select = [1]\n", "kalog.toml: select: expected a list of rule codes or names"),
        ('fail_on = "fatal"\n', "kalog.toml: fail_on: 'fatal' is not one of error, warning, info,"),
        ('[rules.KA301]\nseverity = "high"\n', "kalog.toml: rules.KA301.severity: 'high' is not"),
        ("[rules.KA999]\nx = 1\n", "kalog.toml: rules.KA999: unknown rule"),
        (
            "[rules.KA901]\nmax_exampels = 1\n",
            "kalog.toml: rules.KA901.max_exampels: unknown option (known: max_examples, min_count)",
        ),
        (
            '[rules.KA901]\nmax_examples = "3"\n',
            "kalog.toml: rules.KA901.max_examples: expected int, got str '3'",
        ),
        (
            "[rules.KA901]\nmax_examples = true\n",
            "rules.KA901.max_examples: expected int, got bool",
        ),
        (
            '[rules.split-brain]\nmin_seconds = "2"\n',
            "kalog.toml: rules.split-brain.min_seconds: expected float, got str '2'",
        ),
        (
            "[rules.KA102]\nmax_changes = 4.5\n",
            "kalog.toml: rules.KA102.max_changes: expected int, got float 4.5",
        ),
        ('select = ["KA7"]\n', "kalog.toml: select: no rule matches 'KA7'"),
        ("select = [\n", "kalog.toml:1: invalid TOML: Invalid value (at end of document)"),
        ('fail_on = "error"\nselect = \n', "kalog.toml:2: invalid TOML: Invalid value"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "kalog.toml"
    path.write_text(text)
    with pytest.raises(SettingsError) as info:
        load_settings(path).resolve(SPECS)
    error = str(info.value)
    assert "\n" not in error
    assert error.startswith(str(tmp_path) + "/") and message in error


def test_explicit_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="settings file not found"):
        load_settings(tmp_path / "nope.toml")


def test_option_values_take_the_annotated_types(tmp_path: Path) -> None:
    """An Optional float option takes a float or an int (as float); the rule
    sees its Options with the configured values over the defaults."""
    path = tmp_path / "kalog.toml"
    path.write_text("[rules.KA101]\nmin_seconds = 3\n[rules.KA102]\nwindow_seconds = 30\n")
    settings = load_settings(path).resolve(SPECS)
    ka101, ka102 = (next(s for s in SPECS if s.code == code) for code in ("KA101", "KA102"))
    assert ka101.options().min_seconds is None
    seen = settings.options_for(ka101)
    assert seen.min_seconds == 3.0 and type(seen.min_seconds) is float
    assert settings.options_for(ka102) == ka102.options_type(max_changes=4, window_seconds=30.0)
