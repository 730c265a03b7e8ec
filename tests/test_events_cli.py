"""`kalog events` end to end: formats, stdin, compression, bad inputs, exit codes."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import subprocess
import sys

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS, LAB, SEED

from kalog.cli import main

EX1_B = SEED / "ex1-B-master-100.log"
EX2_B = SEED / "ex2-B-master-99.log"
EX1_B_SUMMARY = (
    "kalog: 1 file, 32 lines read, 32 keepalived lines, 32 typed, 0 unknown, 0 undecodable bytes\n"
)


def run(*args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["events", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_record_shape() -> None:
    code, out, err = run("--year", "2014", "--format", "jsonl", str(EX1_B))
    assert (code, err) == (0, EX1_B_SUMMARY)
    records = jsonl(out)
    assert len(records) == 32
    assert records[25] == {
        "ts": "2014-08-25T15:26:29",
        "host": "192_168_173_204",
        "program": "Keepalived_vrrp",
        "pid": 8196,
        "instance": "vi_1",
        "kind": "force_election",
        "wording": records[25]["wording"],
        "body": "VRRP_Instance(vi_1) forcing a new MASTER election",
        "source": str(EX1_B),
        "line": 26,
        "raw": "Aug 25 15:26:29 192_168_173_204 Keepalived_vrrp[8196]: "
        "VRRP_Instance(vi_1) forcing a new MASTER election",
    }


def test_table_is_plain_and_literal(tmp_path) -> None:
    log = tmp_path / "evil.log"
    log.write_text(
        "Aug 25 15:26:28 h1 Keepalived_vrrp[8196]: VRRP_Instance(vi_1) Transition to MASTER STATE\n"
        "Aug 25 15:26:29 h1 Keepalived_vrrp[8196]: [bold]x[/bold] \x1b[31mred\x1b[0m :smile:\n"
    )
    code, out, err = run("--year", "2014", str(log))
    assert code == 0
    assert "\x1b" not in out  # no colour, and the log's escape shown as text
    assert "[bold]x[/bold] \\x1b[31mred\\x1b[0m :smile:" in out
    assert "transition_master" in out and "state=MASTER" in out
    assert out.splitlines()[1].split()[:6] == [
        "evil.log:1",
        "2014-08-25T15:26:28",
        "h1",
        "Keepalived_vrrp",
        "transition_master",
        "vi_1",
    ]


def test_csv_and_output_file(tmp_path) -> None:
    target = tmp_path / "out.csv"
    code, out, err = run("--year", "2014", "--format", "csv", "-o", str(target), str(EX2_B))
    assert (code, out) == (0, "")
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 27
    assert rows[22]["ts"] == "2014-08-25T15:31:13" and rows[22]["kind"] == "transition_master"
    assert rows[22]["pid"] == "10663" and rows[22]["group"] == ""


def test_csv_written_in_slices_is_one_table(tmp_path, monkeypatch) -> None:
    """The header once, every row once and in order, whatever the slice size."""
    from kalog.report import events as command

    logs = [str(p) for p in sorted(CORPUS.glob("*.log"))]
    whole = tmp_path / "whole.csv"
    assert run("--format", "csv", "-o", str(whole), *logs)[0] == 0
    monkeypatch.setattr(command, "_SLICE", 5)
    sliced = tmp_path / "sliced.csv"
    assert run("--format", "csv", "-o", str(sliced), *logs)[0] == 0
    assert sliced.read_bytes() == whole.read_bytes()
    rows = list(csv.DictReader(io.StringIO(whole.read_text(encoding="utf-8"))))
    assert len(rows) > 5 and rows[0]["ts"][:2] in ("19", "20")


def test_parquet_needs_output_and_round_trips(tmp_path) -> None:
    code, out, err = run("--format", "parquet", str(EX2_B))
    assert code == 2 and "give -o FILE" in err
    target = tmp_path / "e.parquet"
    code, out, err = run("--year", "2014", "--format", "parquet", "-o", str(target), str(EX2_B))
    assert code == 0
    back = pd.read_parquet(target)
    assert len(back) == 27 and back.loc[23, "kind"] == "enter_state"


def test_unknown_filter(tmp_path) -> None:
    log = tmp_path / "u.log"
    log.write_text(
        "Aug 25 15:26:28 h1 Keepalived_vrrp[8196]: VRRP_Instance(vi_1) Transition to MASTER STATE\n"
        "Aug 25 15:26:29 h1 Keepalived_vrrp[8196]: something keepalived never says\n"
    )
    code, out, err = run("--year", "2014", "--format", "jsonl", "--unknown", str(log))
    assert code == 0
    assert [(r["line"], r["kind"]) for r in jsonl(out)] == [(2, "unknown")]
    assert "2 keepalived lines, 1 typed, 1 unknown" in err


def test_stdin_dash() -> None:
    code, out, err = run("--year", "2014", "--format", "jsonl", "-", stdin=EX1_B.read_bytes())
    records = jsonl(out)
    assert code == 0 and len(records) == 32
    assert {r["source"] for r in records} == {"-"}
    assert records[0]["host"] == "192_168_173_204"


def test_stdin_gzip_and_bare_host() -> None:
    data = gzip.compress((CORPUS / "096.log").read_bytes())
    code, out, err = run("--format", "jsonl", "-", stdin=data)
    assert code == 0
    assert [(r["host"], r["kind"]) for r in jsonl(out)][:2] == [
        ("stdin", "advert_timeout"),
        ("stdin", "enter_state"),
    ]


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_compression_by_magic_with_misleading_suffix(tmp_path, compress) -> None:
    path = tmp_path / "h1.log.txt"
    path.write_bytes(compress(EX1_B.read_bytes()))
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path))
    assert (code, err) == (0, EX1_B_SUMMARY)
    assert [r["line"] for r in jsonl(out)] == list(range(1, 33))


def test_crlf_and_nul(tmp_path) -> None:
    path = tmp_path / "crlf.log"
    path.write_bytes(b"\x00\x00" + EX1_B.read_bytes().replace(b"\n", b"\r\n"))
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path))
    assert (code, err) == (0, EX1_B_SUMMARY)
    records = jsonl(out)
    assert records[25]["kind"] == "force_election"
    assert "\r" not in records[25]["raw"] and "\x00" not in records[0]["raw"]


def test_multi_file_merge_order() -> None:
    code, out, err = run(
        "--year", "2014", "--format", "jsonl", str(SEED / "ex2-A-backup-100.log"), str(EX2_B)
    )
    assert code == 0
    records = jsonl(out)
    assert [r["source"] for r in records[:27]] == [str(EX2_B)] * 27
    assert records[27]["source"] == str(SEED / "ex2-A-backup-100.log")
    assert "2 files, 59 lines read" in err


# -- bad inputs: one line on stderr, exit code, never a traceback ---------------------


def assert_one_line_errors(err: str) -> None:
    assert "Traceback" not in err
    for line in err.splitlines():
        assert line.startswith(("kalog: error: ", "kalog: warning: ", "kalog: ")), line


def test_missing_file(tmp_path) -> None:
    missing = tmp_path / "nope.log"
    code, out, err = run(str(missing))
    assert code == 2
    assert err == f"kalog: error: {missing}: no such file\nkalog: error: no log lines read\n"


def test_missing_file_among_good_ones_still_reads_them(tmp_path) -> None:
    missing = tmp_path / "nope.log"
    code, out, err = run("--year", "2014", "--format", "jsonl", str(missing), str(EX1_B))
    assert code == 2
    assert len(jsonl(out)) == 32
    assert err == f"kalog: error: {missing}: no such file\n" + EX1_B_SUMMARY


def test_directory(tmp_path) -> None:
    """A directory is read through --include (tests/test_linter_conventions.py);
    one without a matching file is an error."""
    (tmp_path / "keepalived.conf").write_text("vrrp_instance vi_1 {\n}\n")
    code, out, err = run(str(tmp_path))
    assert code == 2
    assert err.splitlines()[0] == (
        f"kalog: error: {tmp_path}: no file under this directory matches --include "
        "*.log,*.log.*,messages,messages[.-]*,syslog,syslog.*"
    )
    assert_one_line_errors(err)


def test_binary_garbage(tmp_path) -> None:
    path = tmp_path / "random.bin"
    path.write_bytes(os.urandom(200_000))
    code, out, err = run(str(path))
    assert code == 2
    assert err.splitlines()[0] == f"kalog: error: {path}: binary data, not a text log"
    assert_one_line_errors(err)


def test_truncated_gzip_keeps_lines_with_warning(tmp_path) -> None:
    data = gzip.compress(EX1_B.read_bytes() * 300)
    path = tmp_path / "cut.gz"
    path.write_bytes(data[: len(data) // 2])
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path))
    assert code == 0
    records = jsonl(out)
    assert 100 < len(records) < 32 * 300
    assert err.splitlines()[0] == (
        f"kalog: warning: {path}: truncated gzip data; kept the lines before the damage"
    )
    assert_one_line_errors(err)


def test_empty_file(tmp_path) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    code, out, err = run(str(path))
    assert code == 2
    assert err == (f"kalog: warning: {path}: empty input\nkalog: error: no log lines read\n")
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path), str(EX1_B))
    assert code == 0 and len(jsonl(out)) == 32


def test_ten_megabyte_line(tmp_path) -> None:
    path = tmp_path / "big.log"
    big = b"Aug 25 15:26:30 h1 Keepalived_vrrp[8196]: " + b"A" * (10 << 20)
    path.write_bytes(EX1_B.read_bytes() + big + b"\n" + EX2_B.read_bytes())
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path))
    assert code == 0
    records = jsonl(out)
    assert len(records) == 32 + 1 + 27
    assert err.splitlines()[0] == (
        f"kalog: warning: {path}: line 33: {len(big)} bytes, truncated to 65536"
    )
    long_row = next(r for r in records if r["line"] == 33)
    assert long_row["kind"] == "unknown" and len(long_row["raw"]) == 65536


def test_invalid_utf8(tmp_path) -> None:
    path = tmp_path / "latin1.log"
    path.write_bytes(
        "Aug 25 15:26:28 h\xf6st Keepalived_vrrp[8196]: VRRP_Instance(vi_1) Transition to "
        "MASTER STATE\n".encode("latin-1")
    )
    code, out, err = run("--year", "2014", "--format", "jsonl", str(path))
    assert code == 0
    assert jsonl(out)[0]["host"] == "h\ufffdst"
    assert err == (
        f"kalog: warning: {path}: 1 bytes not valid UTF-8 (shown as U+FFFD)\n"
        "kalog: 1 file, 1 lines read, 1 keepalived lines, 1 typed, 0 unknown, "
        "1 undecodable bytes\n"
    )


def test_bad_options_are_usage_errors() -> None:
    code, out, err = run("--tz", "Mars/Olympus", str(EX1_B))
    assert code == 2 and "unknown time zone 'Mars/Olympus'" in err
    code, out, err = run("--format", "xml", str(EX1_B))
    assert code == 2
    code, out, err = run()
    assert code == 2 and "Missing argument" in err


def test_real_process_no_traceback_and_exit_code(tmp_path) -> None:
    """The installed entry point, as a user runs it (not CliRunner)."""
    garbage = tmp_path / "g.log"
    garbage.write_bytes(os.urandom(50_000))
    done = subprocess.run(
        [sys.executable, "-m", "kalog.cli", "events", str(garbage)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"kalog: error: {garbage}: binary data, not a text log",
        "kalog: error: no log lines read",
    ]


def test_jsonl_lines_are_json_dumps_of_the_records() -> None:
    """The columnar JSON-lines writer = `json.dumps` of each `iter_records` dict, on real logs."""
    import json
    import warnings

    from kalog.ingest.frame import read_events
    from kalog.report.events import iter_records, jsonl_blocks

    files = [
        *sorted(CORPUS.glob("*.log")),
        *sorted(SEED.glob("*.log")),
        *sorted(LAB.glob("*/*.log")),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = [read_events(files, year=2024), read_events(files, year=2024, tz="Europe/Paris")]
    for frame in frames:
        expected = [json.dumps(r, ensure_ascii=False) + "\n" for r in iter_records(frame)]
        assert "".join(str(b, "utf-8") for b in jsonl_blocks(frame)) == "".join(expected)
        assert len(expected) > 1_500


def _odd_frame() -> pd.DataFrame:
    """Every kind of cell the JSON-lines writer handles on its own, and some it does not."""
    ts = pd.to_datetime(
        [
            "2024-01-02 03:04:05",
            None,
            "2024-01-02 03:04:05",
            "2024-01-02 03:04:04",
            "2024-05-06 00:00:00",
        ]
    )
    return pd.DataFrame(
        {
            "ts": ts,
            "host": pd.array(["h\x01", 'q"uote', "back\\slash", "", None], dtype="string"),
            "text": pd.array(["é ü \u2028 \x7f", "tab\there", None, "nl\n", "ok"], dtype="str"),
            "pid": pd.array([1, None, -3, 2**62, 0], dtype="Int64"),
            "init": pd.array([True, None, False, True, None], dtype="boolean"),
            "flag": [True, False, True, True, False],
            "kind": pd.Categorical(["a", "b", None, "a", 'c"']),
            "score": [1.5, float("nan"), 1e-6, -0.0, 2.0],
            "anything": [None, {"a": 1}, [1, 2], "x", 3],
            "source": pd.array(["a.log", None, "b.log", "a.log", "c.log"], dtype="string"),
            "line": pd.array([1, 2, None, 4, 5], dtype="Int64"),
        }
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f,
        lambda f: f.iloc[::-1].reset_index(drop=True),  # times out of order
        lambda f: f.assign(ts=f["ts"] + pd.Timedelta("1ms")),  # sub-second
        lambda f: f.assign(ts=f["ts"].dt.tz_localize("Europe/Paris")),
        lambda f: f.assign(ts=pd.Series([pd.Timestamp("0999-12-31")] * 5, dtype="M8[s]")),
        lambda f: f.assign(ts=pd.Series([None] * 5, dtype="M8[ns]")),
        lambda f: f.astype(object),
        lambda f: f.iloc[:0],
        lambda f: f[["ts", "host"]],  # no source/line: rows may be empty
    ],
)
def test_jsonl_blocks_odd_cells(change, monkeypatch) -> None:
    """Escapes, missing values, ints, booleans, categories, odd times: as `json.dumps` has them."""
    from kalog.report import events as module

    frame = change(_odd_frame())
    expected = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in module.iter_records(frame))
    for size in (2, 1000):  # several blocks, one block
        monkeypatch.setattr(module, "_SLICE", size)
        assert "".join(str(b, "utf-8") for b in module.jsonl_blocks(frame)) == expected


CATALOGUE_LINES = sorted(str(p) for p in (LAB / "catalogue-lines").glob("*.log"))


def test_kind_and_template_select_catalogue_lines() -> None:
    """The generic rows of a real 2.2.7 capture, picked by kind and by format id."""
    code, out, _err = run("--format", "jsonl", "--kind", "checker", *CATALOGUE_LINES)
    assert code == 0
    rows = jsonl(out)
    assert [(r["line"], r["template"]) for r in rows] == [
        (14, "ipvswrapper.ipvs_start.1cbeae"),
        (15, "ipwrapper.clear_service_rs.f39845"),
        (16, "ipwrapper.clear_service_rs.f39845"),
    ]
    assert json.loads(rows[1]["args"]) == {
        "alive": "Shutting down",
        "rs": "[10.1.0.1]:tcp:8080",
        "vs": "[10.1.0.100]:tcp:80",
    }
    code, out, _err = run("--format", "jsonl", "--template", "ipwrapper.", *CATALOGUE_LINES)
    assert [r["line"] for r in jsonl(out)] == [15, 16]
    code, out, _err = run(
        "--format", "jsonl", "--template", "bfd_scheduler.bfd_expire_thread.9cdc33",
        "--kind", "BFD", *CATALOGUE_LINES,
    )  # fmt: skip
    assert [(r["host"], r["body"]) for r in jsonl(out)] == [
        ("node-a", "(bfd_peer) Expired after 600 ms (63 usec overdue)")
    ]


def test_count_per_kind_and_format() -> None:
    code, out, _err = run("--count", "--kind", "bfd", "--kind", "checker", *CATALOGUE_LINES)
    assert code == 0
    assert out == (
        "  lines  kind     template\n"
        "      4  bfd      bfd_scheduler.bfd_handle_packet.5abd51\n"
        "      2  bfd      bfd.bfd_set_poll.9ef667\n"
        "      2  bfd      bfd_scheduler.bfd_state_admindown.742119\n"
        "      2  checker  ipwrapper.clear_service_rs.f39845\n"
        "      1  bfd      bfd_daemon.sigdump_bfd.960c7a\n"
        "      1  bfd      bfd_scheduler.bfd_expire_thread.9cdc33\n"
        "      1  bfd      bfd_scheduler.bfd_state_down.7adce6\n"
        "      1  checker  ipvswrapper.ipvs_start.1cbeae\n"
    )
    code, out, _err = run("--count", "--format", "jsonl", "--kind", "start", *CATALOGUE_LINES)
    assert jsonl(out) == [{"kind": "start", "template": None, "lines": 3}]
