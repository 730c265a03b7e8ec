"""What users know from ruff, yamllint, shellcheck (issue 16, item 4).

`python -m kalog`, directories as arguments with `--include`, `-v`,
`--show-settings`, `--statistics`, `--color`, `kalog analyse`, shell
completion; on the seed and lab logs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kalog.cli import main
from tests.conftest import LAB, ROOT, SEED, SEED_A, SEED_B, SEED_EX1_ARGS

A, B = SEED_A, SEED_B
SEED_EX1 = list(SEED_EX1_ARGS)
SPLIT = LAB / "split-brain"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_python_dash_m_kalog_is_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kalog", "analyze", *SEED_EX1, "--format", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    code, expected, _err = run("analyze", *SEED_EX1, "--format", "json", "-q")
    assert (done.returncode, done.stdout, done.stderr) == (code, expected, "") == (1, expected, "")


def test_analyse_is_analyze() -> None:
    british = run("analyse", *SEED_EX1, "--format", "json")
    assert british == run("analyze", *SEED_EX1, "--format", "json")
    assert british[0] == 1 and json.loads(british[1])["findings"][0]["rule"] == "KA002"


def test_shell_completion_through_kalog_complete() -> None:
    """click's completion, under the documented variable, also for `python -m kalog`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "_KALOG_COMPLETE": "bash_complete",
        "COMP_WORDS": "kalog ana",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "kalog"], capture_output=True, text=True, check=False, env=env
    )
    assert (done.returncode, done.stdout) == (0, "plain,analyze\n")


def test_a_directory_reads_its_logs_not_its_configs_or_console_copies() -> None:
    """samples/lab/split-brain holds node-*.log, node-*.console (the same events
    from keepalived's console), configs and dumps: the default --include reads
    the two .log files, the same report as naming them."""
    by_directory = run("analyze", str(SPLIT), "--format", "json")
    named = run("analyze", str(SPLIT / "node-a.log"), str(SPLIT / "node-b.log"), "--format", "json")
    assert by_directory[:2] == named[:2]
    assert json.loads(named[1])["summary"]["hosts"] == ["node-a", "node-b"]
    consoles = run("events", str(SPLIT), "--include", "*.console", "--format", "csv", "-q")
    assert consoles == run(
        "events",
        str(SPLIT / "node-a.console"),
        str(SPLIT / "node-b.console"),
        "--format",
        "csv",
        "-q",
    )
    assert consoles[0] == 0 and consoles[1].count("\n") > 10


def test_a_directory_is_read_recursively_and_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "lb2.log").write_bytes((SEED / "ex1-B-master-100.log").read_bytes())
    (tmp_path / "a" / "lb1.log").write_bytes((SEED / "ex1-A-backup-99.log").read_bytes())
    (tmp_path / ".hidden" / "old.log").write_text("not read\n")
    (tmp_path / "a" / "keepalived.conf").write_bytes((SEED / "ex1-A.conf").read_bytes())
    code, _out, err = run("events", str(tmp_path), "--year", "2014", "-v", "--format", "csv")
    assert code == 0
    assert err.splitlines() == [
        f"kalog: {tmp_path}: 2 files to read",
        f"kalog: {tmp_path / 'a' / 'lb1.log'}: rfc3164",
        f"kalog: {tmp_path / 'b' / 'lb2.log'}: rfc3164",
        "kalog: 2 files, 62 lines read, 62 keepalived lines, 62 typed, 0 unknown, "
        "0 undecodable bytes",
    ]


def test_verbose_names_the_settings_file_and_each_inputs_format(tmp_path: Path) -> None:
    settings = tmp_path / "kalog.toml"
    settings.write_text('fail_on = "error"\n')
    gz = tmp_path / "lb1.log.gz"
    import gzip

    gz.write_bytes(gzip.compress((SEED / "ex1-A-backup-99.log").read_bytes()))
    console = SPLIT / "node-a.console"
    code, _out, err = run(
        "analyze", str(gz), str(console), "--year", "2014", "-v", "-q", "--settings", str(settings)
    )
    assert code == 0
    assert err.splitlines() == [
        f"kalog: settings: {settings}",
        f"kalog: {gz}: rfc3164; gzip",
        f"kalog: {console}: console",
    ]


def test_show_settings_prints_what_the_analysis_would_use(tmp_path: Path) -> None:
    settings = tmp_path / "kalog.toml"
    settings.write_text('select = ["KA1"]\nfail_on = "error"\n[rules.flapping]\nmax_changes = 6\n')
    code, out, err = run(
        "analyze",
        str(tmp_path / "not-read.log"),
        "--settings",
        str(settings),
        "--severity",
        "KA103=info",
        "--show-settings",
    )
    assert (code, err) == (0, "")
    assert out == (
        f"settings file: {settings}\n"
        "fail_on: error\n"
        "rules run: 4 of 11\n"
        "  KA101  split-brain           error    min_seconds=None\n"
        "  KA102  flapping              warning  max_changes=6 window_seconds=60.0\n"
        "  KA103  unexplained-failover  info\n"
        "  KA110  fault                 warning  window_seconds=5.0\n"
        "rules not run: KA001, KA002, KA004, KA201, KA301, KA302, KA901\n"
    )


def test_statistics_count_findings_per_rule() -> None:
    """The seed's one finding (KA002 on router B); the exit code is the report's."""
    code, out, _err = run("analyze", *SEED_EX1, "--statistics")
    assert (code, out) == (1, "1  KA002  weight-not-yet-counted  warning\n")
    code, out, _err = run("analyze", *SEED_EX1, "--statistics", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {"rule": "KA002", "name": "weight-not-yet-counted", "severity": "warning", "count": 1}
    ]
    code, out, _err = run("analyze", *SEED_EX1, "--statistics", "--ignore", "KA002")
    assert (code, out) == (0, "no findings\n")
    code, out, err = run("analyze", *SEED_EX1, "--statistics", "--format", "sarif")
    assert (code, out) == (2, "")
    assert err == "kalog: error: --statistics writes text or JSON, not --format sarif\n"


@pytest.mark.parametrize(
    ("args", "env", "coloured"),
    [
        ((), {}, False),  # not a terminal
        (("--color", "always"), {}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        ((), {"FORCE_COLOR": "1"}, True),
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
    ],
)
def test_color_auto_always_never_and_the_environment(
    args: tuple[str, ...], env: dict[str, str], coloured: bool
) -> None:
    clean = {"NO_COLOR": None, "FORCE_COLOR": None, **env}
    code, out, _err = run("analyze", *SEED_EX1, *args, env=clean)  # type: ignore[arg-type]
    assert code == 1
    assert ("\x1b[" in out) is coloured
    plain = run("analyze", *SEED_EX1, "--color", "never")[1]
    if not coloured:
        assert out == plain


def test_logs_years_apart_draw_their_lanes(tmp_path: Path) -> None:
    """The seed excerpt (2014) beside a lab console capture (2026): the lanes'
    axis overflowed pandas' int64 nanoseconds ('internal error:
    OutOfBoundsTimedelta'), found by the -v test above."""
    code, out, err = run(
        "analyze",
        str(SEED / "ex1-A-backup-99.log"),
        str(SPLIT / "node-a.console"),
        "--year",
        "2014",
        "-q",
        "--width",
        "100",
    )
    assert (code, err) == (0, "")
    assert "\nnode-a                                " in out
    assert (
        "                2014-08-25 15:21:35                                             "
        "2026-11-26 07:35:12\n"
    ) in out
