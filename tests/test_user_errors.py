"""Mistakes in what the user gave are user errors (issue 16, item 2).

Each is one `kalog: error: ...` line naming the file and line or the
option, exit code 2, found before the analysis where it can be; "internal
error" is kept for kalog's own bugs.  The configs are the seed's and the
lab's, with the one mistake written into a copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kalog
from kalog.cli import main
from kalog.config import ConfigError, load_config
from kalog.errors import KalogError
from tests.conftest import DATA, LAB, SEED

A, B = "192_168_173_203", "192_168_173_204"
LOG_A = str(SEED / "ex1-A-backup-99.log")
LOG_B = str(SEED / "ex1-B-master-100.log")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def mutated(tmp_path: Path, old: str, new: str, name: str = "ex1-A.conf") -> Path:
    """The seed's router A config with one line changed."""
    text = (SEED / "ex1-A.conf").read_text()
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("command", ["analyze", "timeline"])
def test_a_priority_that_is_no_number_is_an_error_naming_file_and_line(
    tmp_path: Path, command: str
) -> None:
    """`priority abc` read as keepalived's default (255 for a MASTER on 1.2.20+,
    100 else) gave a false KA004 before; keepalived rejects the value."""
    conf = mutated(tmp_path, "    priority 99\n", "    priority abc\n")
    code, out, err = run(command, LOG_A, LOG_B, "--year", "2014", "--config", f"{A}={conf}")
    assert (code, out) == (2, "")
    assert err == f"kalog: error: {conf}:42: (vi_1) priority 'abc' not valid (1..255)\n"


def test_every_value_keepalived_rejects_is_counted_in_the_one_line(tmp_path: Path) -> None:
    conf = mutated(tmp_path, "    advert_int 1\n", "    advert_int fast\n    virtual_router_id 0\n")
    code, _out, err = run("analyze", LOG_A, "--year", "2014", "--config", f"{A}={conf}")
    assert code == 2
    assert err == (
        f"kalog: error: {conf}:43: (vi_1) advert_int 'fast' not valid (and 1 more invalid value)\n"
    )


def test_the_config_readers_other_warnings_are_shown_and_the_analysis_goes_on(
    tmp_path: Path,
) -> None:
    conf = mutated(tmp_path, "    advert_int 1\n", "    advert_int 1\n    frobnicate 3\n")
    base = [LOG_A, LOG_B, "--year", "2014", "--format", "json"]
    code, out, err = run(
        "analyze", *base, "--config", f"{A}={conf}", "--config", f"{B}={SEED / 'ex1-B.conf'}"
    )
    expected = run(
        "analyze",
        *base,
        "--config",
        f"{A}={SEED / 'ex1-A.conf'}",
        "--config",
        f"{B}={SEED / 'ex1-B.conf'}",
    )
    assert (code, out) == expected[:2] and code == 1
    assert err.splitlines()[0] == (
        f"kalog: warning: {conf}:44: (vi_1) unknown keyword 'frobnicate' - kept"
    )


def test_a_config_syntax_error_is_checked_before_the_logs_are_read(tmp_path: Path) -> None:
    """Not `internal error: ConfigError`; and the log is not read at all (a
    missing log would be an error of its own)."""
    conf = tmp_path / "broken.conf"
    conf.write_text("vrrp_instance vi_1 {\n    state BACKUP\n    interface eth0\n")
    code, out, err = run("analyze", str(tmp_path / "no-such.log"), "--config", f"{A}={conf}")
    assert (code, out) == (2, "")
    assert err == f"kalog: error: {conf}:1: '{{' of 'vrrp_instance' is never closed\n"


def test_a_config_lacking_the_logs_instance_says_which_it_has() -> None:
    """Corpus 090 names VI_1; the lab config given for its host names vi_1 only.
    It read `internal error: KeyError: 'VI_1'` once, then was silently ignored."""
    corpus = DATA / "corpus" / "090.log"
    config = LAB / "graceful-stop" / "node-a.conf"
    code, out, err = run("analyze", str(corpus), "--year", "2020", "--config", f"mdb3={config}")
    assert (code, out) == (2, "")
    assert err == (
        f"kalog: 1 file, 3 lines read, 3 keepalived lines, 3 typed, 0 unknown, "
        f"0 undecodable bytes\n"
        f"kalog: error: --config mdb3={config}: lacks vrrp_instance VI_1 that the log "
        f"of mdb3 shows (the config has: vi_1)\n"
    )


def test_a_config_for_a_host_not_in_the_logs_is_a_warning_and_not_used() -> None:
    """KA002 needs a config: with only a config it cannot use it is not evaluated."""
    conf = SEED / "ex1-B.conf"
    code, out, err = run(
        "analyze", LOG_A, "--year", "2014", "--config", f"lb-b={conf}", "--format", "json"
    )
    assert code == 0
    assert err.splitlines()[1] == (
        f"kalog: warning: --config lb-b={conf}: no host 'lb-b' in the logs (hosts: {A}); not used"
    )
    statuses = {r["rule"]: r for r in json.loads(out)["rules"]}
    assert (statuses["KA002"]["status"], statuses["KA002"]["reason"]) == (
        "not_evaluable",
        "needs a keepalived.conf (--config)",
    )


def test_the_api_raises_kalogs_errors(tmp_path: Path) -> None:
    """`kalog.replay` with a config path reads it strictly: ConfigError (a
    KalogError with file and line), never a KeyError; a config lacking the
    log's instance is no error for the model (it replays without it)."""
    conf = mutated(tmp_path, "    priority 99\n", "    priority abc\n")
    events = kalog.read_events([LOG_A], year=2014)
    with pytest.raises(ConfigError) as caught:
        kalog.replay(events, configs={A: str(conf)})
    assert isinstance(caught.value, KalogError)
    assert (caught.value.file, caught.value.line) == (str(conf), 42)
    other = kalog.read_events([str(DATA / "corpus" / "090.log")])
    timeline = kalog.replay(other, configs={"mdb3": LAB / "graceful-stop" / "node-a.conf"})
    assert [(t.instance, t.cause) for t in timeline.transitions] == [
        ("VI_1", "master_down_timeout")
    ]


def test_the_api_names_what_is_wrong_with_its_arguments() -> None:
    """`kalog.replay` of something else than an event frame said `KeyError: 'ts'`
    or `AttributeError`; `read_events(tz=...)` of an unknown zone a KeyError."""
    import pandas as pd

    from kalog.check.settings import SettingsError

    events = kalog.read_events([LOG_A], year=2014)
    cases = [
        (
            lambda: kalog.replay(pd.DataFrame({"ts": [], "host": []})),
            "events: not an event frame (no column program, pid, instance, group and 27 "
            "more); read logs with kalog.read_events",
        ),
        (
            lambda: kalog.replay(events.drop(columns=["kind"])),
            "events: not an event frame (no column kind); read logs with kalog.read_events",
        ),
        (
            lambda: kalog.replay(list(events.itertuples())),
            "events: expected the DataFrame of kalog.read_events, got list",
        ),
        (
            lambda: kalog.read_events([LOG_A], tz="Mars/Olympus"),
            "unknown time zone 'Mars/Olympus' (use an IANA name)",
        ),
    ]
    for call, message in cases:
        with pytest.raises(KalogError) as caught:
            call()
        assert str(caught.value) == message
    assert issubclass(SettingsError, KalogError) and issubclass(ConfigError, KalogError)


def test_the_lenient_reader_keeps_keepalived_fallback_and_records_the_value(
    tmp_path: Path,
) -> None:
    conf = mutated(tmp_path, "    priority 99\n", "    priority abc\n")
    config = load_config(conf, version="1.2.13")
    assert config.invalid == [(str(conf), 42, "(vi_1) priority 'abc' not valid (1..255)")]
    assert f"{conf}:42: (vi_1) priority 'abc' not valid (1..255) - default" in config.warnings
    with pytest.raises(ConfigError, match=r":42: \(vi_1\) priority 'abc' not valid"):
        load_config(conf, strict=True)


@pytest.mark.parametrize("command", ["analyze", "timeline", "events"])
def test_an_output_in_a_missing_directory_is_refused_before_reading(
    tmp_path: Path, command: str
) -> None:
    """It was `internal error: FileNotFoundError` after the whole analysis; the
    log here does not exist either, and is never read."""
    target = tmp_path / "missing" / "dir" / "x.txt"
    code, out, err = run(command, str(tmp_path / "no-such.log"), "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"kalog: error: -o {target}: directory {target.parent} does not exist\n"


def test_an_output_under_a_file_is_refused(tmp_path: Path) -> None:
    code, _out, err = run("analyze", LOG_A, "-o", f"{LOG_A}/x.txt")
    assert code == 2
    assert err == f"kalog: error: -o {LOG_A}/x.txt: directory {LOG_A} is not a directory\n"


def test_an_output_in_a_read_only_directory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root every directory is writable: os.access answers for a user's run.
    (An existing read-only file is refused by click's own -o check.)"""
    import kalog.cli.output

    monkeypatch.setattr(kalog.cli.output.os, "access", lambda path, mode: False)
    target = tmp_path / "x.json"
    code, out, err = run("analyze", LOG_A, "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"kalog: error: -o {target}: directory {tmp_path} is not writable\n"


def test_the_output_extension_chooses_the_format(tmp_path: Path) -> None:
    """`-o rep.sarif` wrote the plain text view; now the SARIF document, the
    same as `--format sarif` writes."""
    by_name, by_option = tmp_path / "rep.sarif", tmp_path / "rep.txt"
    assert run("analyze", LOG_A, "--year", "2014", "-q", "-o", str(by_name))[0] == 0
    code, _out, _err = run(
        "analyze", LOG_A, "--year", "2014", "-q", "--format", "sarif", "-o", str(by_option)
    )
    assert code == 2  # .txt holds rich or github, not sarif
    code, expected, _err = run("analyze", LOG_A, "--year", "2014", "-q", "--format", "sarif")
    assert code == 0
    assert json.loads(by_name.read_text())["version"] == "2.1.0"
    assert by_name.read_text() == expected
    junit = tmp_path / "rep.xml"
    assert run("analyze", LOG_A, "--year", "2014", "-q", "-o", str(junit))[0] == 0
    assert junit.read_text().startswith("<?xml version='1.0' encoding='utf-8'?>\n<testsuites")
    events_csv = tmp_path / "ev.csv"
    assert run("events", LOG_A, "--year", "2014", "-q", "-o", str(events_csv))[0] == 0
    assert events_csv.read_text().startswith("ts,host,program,pid,instance,")
    timeline = tmp_path / "tl.json"
    assert run("timeline", LOG_A, "--year", "2014", "-q", "-o", str(timeline))[0] == 0
    code, expected, _err = run("timeline", LOG_A, "--year", "2014", "-q", "--format", "json")
    assert code == 0 and timeline.read_text() == expected


@pytest.mark.parametrize(
    ("command", "fmt", "name", "holds"),
    [
        ("analyze", "json", "rep.sarif", "sarif"),
        ("analyze", "rich", "rep.json", "json or sarif"),
        ("analyze", "sarif", "rep.xml", "junit"),
        ("timeline", "rich", "tl.json", "json"),
        ("events", "csv", "ev.parquet", "parquet"),
    ],
)
def test_a_format_that_contradicts_the_output_name_is_refused(
    tmp_path: Path, command: str, fmt: str, name: str, holds: str
) -> None:
    target = tmp_path / name
    code, out, err = run(command, LOG_A, "--format", fmt, "-o", str(target))
    assert (code, out) == (2, "")
    suffix = target.suffix
    assert err == (
        f"kalog: error: --format {fmt} contradicts -o {target} (a {suffix} file holds "
        f"{holds}); drop --format or rename the file\n"
    )
    assert not target.exists()


def test_a_broken_pyproject_found_upwards_is_an_error_naming_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was skipped silently: its [tool.kalog] (if any) ignored without a word."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "lab"\n[tool.kalog\nselect = ["KA1"]\n'
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    code, out, err = run("analyze", LOG_A, "--year", "2014")
    assert (code, out) == (2, "")
    assert err == (
        f"kalog: error: {tmp_path / 'pyproject.toml'}:3: invalid TOML: "
        "Expected ']' at the end of a table declaration\n"
    )


def test_an_unknown_rule_in_the_settings_file_is_one_line(tmp_path: Path) -> None:
    settings = tmp_path / "kalog.toml"
    settings.write_text("[rules.KA999]\nseverity = 'error'\n")
    code, out, err = run("analyze", LOG_A, "--year", "2014", "--settings", str(settings))
    assert (code, out) == (2, "")
    assert err == f"kalog: error: {settings}: severity.KA999: unknown rule\n"


def test_a_settings_file_with_a_wrong_type_is_one_line(tmp_path: Path) -> None:
    settings = tmp_path / "kalog.toml"
    settings.write_text('select = ["KA1"]\nfail_on = 3\n')
    code, out, err = run("analyze", LOG_A, "--year", "2014", "--settings", str(settings))
    assert (code, out) == (2, "")
    assert err == (
        f"kalog: error: {settings}: fail_on: 3 is not one of error, warning, info, never\n"
    )


# -- item 3: empty input -----------------------------------------------------------


@pytest.mark.parametrize("command", ["analyze", "timeline", "events"])
def test_a_capture_without_keepalived_lines_fails_unless_allowed(
    tmp_path: Path, command: str
) -> None:
    """A syslog capture that holds no keepalived line (here: the seed log's
    lines with the program renamed) exited 0 without a word."""
    capture = tmp_path / "capture.log"
    capture.write_text(Path(LOG_A).read_text().replace("Keepalived", "sshd"))
    code, out, err = run(command, str(capture), "--year", "2014")
    assert (code, out) == (2, "")
    assert err == (
        "kalog: 1 file, 30 lines read, 0 keepalived lines, 0 typed, 0 unknown, "
        "0 undecodable bytes\n"
        "kalog: error: no keepalived line recognised in the input (1 file, 30 lines read, "
        "0 unknown); --allow-empty to accept it\n"
    )
    code, out, err = run(command, str(capture), "--year", "2014", "--allow-empty", "-q")
    assert (code, err) == (0, "")


def test_lines_none_of_which_is_understood_fail_too(tmp_path: Path) -> None:
    """Text without envelopes reads as keepalived console output: every line
    is a keepalived line, none is typed (an error message saved as a log)."""
    capture = tmp_path / "capture.log"
    capture.write_text("ssh: connect to host lb1 port 22: Connection refused\n")
    code, out, err = run("analyze", str(capture))
    assert (code, out) == (2, "")
    assert err.splitlines()[1] == (
        "kalog: error: no keepalived line recognised in the input (1 file, 1 lines read, "
        "1 unknown); --allow-empty to accept it"
    )
    code, out, err = run("events", str(capture), "--unknown", "--format", "jsonl")
    assert code == 0 and json.loads(out)["kind"] == "unknown"


def test_an_empty_file_is_accepted_with_allow_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    code, out, err = run("analyze", str(empty), "--format", "json")
    assert (code, out) == (2, "")
    assert err == f"kalog: warning: {empty}: empty input\nkalog: error: no log lines read\n"
    code, out, err = run("analyze", str(empty), "--format", "json", "--allow-empty")
    assert code == 0
    document = json.loads(out)
    assert (document["findings"], document["transitions"]) == ([], [])


# -- item 3: where the year came from ------------------------------------------------


def _dated_copy(tmp_path: Path, when: str = "2014-09-01 12:00") -> Path:
    """The seed's router A log (year-less syslog stamps) written on `when`."""
    import os
    from datetime import datetime

    copy = tmp_path / "ex1-A-backup-99.log"
    copy.write_bytes(Path(LOG_A).read_bytes())
    stamp = datetime.fromisoformat(when).timestamp()
    os.utime(copy, (stamp, stamp))
    return copy


def test_the_summary_says_the_year_came_from_the_files_date(tmp_path: Path) -> None:
    """A 2014 excerpt read without --year silently showed this year's dates."""
    log = _dated_copy(tmp_path)
    code, out, err = run("analyze", str(log))
    assert code == 0
    assert err == (
        "kalog: 1 file, 30 lines read, 30 keepalived lines, 30 typed, 0 unknown, "
        "0 undecodable bytes; year 2014 from the file's date; --year to set\n"
    )
    assert "year               year 2014 from the file's date; --year to set\n" in out
    code, out, _err = run("analyze", str(log), "--format", "json")
    assert json.loads(out)["summary"]["year"] == {
        "note": "year 2014 from the file's date; --year to set",
        "inputs": [{"source": str(log), "year": 2014, "from": "file date"}],
    }


def test_a_file_written_in_january_holds_last_years_august(tmp_path: Path) -> None:
    log = _dated_copy(tmp_path, "2015-01-10 08:00")
    code, _out, err = run("timeline", str(log))
    assert code == 0
    assert err.endswith("; year 2014 from the file's date; --year to set\n")


def test_no_year_note_when_the_year_is_given_or_logged(tmp_path: Path) -> None:
    log = _dated_copy(tmp_path)
    code, out, err = run("analyze", str(log), "--year", "2014", "--format", "json")
    assert code == 0 and "year" not in json.loads(out)["summary"]
    assert "--year to set" not in err
    lab_log = LAB / "split-brain" / "node-a.log"  # ISO stamps with their year
    code, out, err = run("analyze", str(lab_log), "--format", "json")
    assert "year" not in json.loads(out)["summary"] and "--year to set" not in err


def test_stdin_takes_todays_year(tmp_path: Path) -> None:
    from datetime import date

    result = CliRunner().invoke(
        main,
        ["events", "-", "--format", "csv"],
        input="Aug 25 15:21:35 lb1 Keepalived_vrrp[1]: VRRP_Instance(vi_1) Entering BACKUP STATE\n",
    )
    assert result.exit_code == 0
    today = date.today()
    year = today.year - (1 if (today.month, today.day) < (8, 25) else 0)
    assert result.stderr.endswith(f"; year {year} from today; --year to set\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["analyze", str(SEED / "ex1-A-backup-99.log"), "--tz", "Mars/X"],
            "kalog: error: Invalid value for '--tz': unknown time zone 'Mars/X' "
            "(use an IANA name) (kalog analyze -h for help)",
        ),
        (["events"], "kalog: error: Missing argument 'PATH...'. (kalog events -h for help)"),
        (["explian"], "kalog: error: No such command 'explian'. (kalog -h for help)"),
        (
            ["timeline", str(SEED / "ex1-A-backup-99.log"), "--format", "pdf"],
            "kalog: error: Invalid value for '--format': 'pdf' is not one of 'rich', 'json', "
            "'svg', 'png'. (kalog timeline -h for help)",
        ),
    ],
)
def test_usage_errors_are_one_line(args: list[str], message: str) -> None:
    """click's own errors too: one `kalog: error:` line naming the option and
    where the help is, exit 2 (click prints four lines)."""
    result = CliRunner().invoke(main, args, prog_name="kalog")
    assert (result.exit_code, result.stderr.splitlines()) == (2, [message])
