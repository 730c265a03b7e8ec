"""`kalog.ingest.stdin_copy`: stdin copied to a temporary file reads as stdin did, twice.

The command line copies "-" before reading it, so that `kalog events`
streams it and the analysis reads back only the lines it cites, as for a
file.  Every output must be the bytes that reading stdin once, whole, gave
(the command before the copy: `LogInputs.copy_stdin` made a no-op); a copy
that fails part-way (no space under $TMPDIR) loses nothing; nothing is
left on disk.
"""

from __future__ import annotations

import gzip
import io
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS, DATA, LAB, SEED, SEED_A, SEED_B, count_streams

from kalog.cli import main
from kalog.cli.common import LogInputs
from kalog.errors import InputWarning
from kalog.ingest import frame as frame_module
from kalog.ingest import refetch, stdin_copy, stream
from kalog.ingest.frame import read_events

EX1_A, EX1_B = SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"

#: lines out of time order, and a line without a time
REPEATED = (DATA / "pastes" / "rsyslog-repeated.log").read_bytes().splitlines(keepends=True)
UNTIMED = (DATA / "pastes" / "no-time.log").read_bytes().splitlines(keepends=True)[:1]
REPEATED_UNTIMED = b"".join(REPEATED[:10] + UNTIMED + REPEATED[10:])

#: (name, the bytes piped, the other inputs named with "-")
PIPED = [
    ("ex1-B", EX1_B.read_bytes(), ()),
    ("096.gz", gzip.compress((CORPUS / "096.log").read_bytes()), ()),  # no host: "stdin"
    ("rsyslog-repeated", (DATA / "pastes" / "rsyslog-repeated.log").read_bytes(), ()),
    # out of time order with a line without a time: read whole
    ("disordered+untimed", REPEATED_UNTIMED, ()),
    ("ex1-B+ex1-A", EX1_B.read_bytes(), (str(EX1_A),)),  # merged with a file
    ("three-stop", (LAB / "three-stop" / "node-a.log").read_bytes(), ()),
]

OPTIONS = [
    ("--format", "jsonl", "--year", "2014"),
    ("--format", "csv", "--year", "2014"),
    ("--year", "2014"),
    ("--count", "--format", "jsonl"),
    ("--kind", "enter_state", "--format", "csv"),
]


def _invoke(args: list[str], data: bytes) -> tuple[int, bytes, str]:
    result = CliRunner().invoke(main, args, input=data)
    assert stdin_copy.copied() is None  # released when the command ended
    return result.exit_code, result.stdout_bytes, result.stderr


def _not_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command as it was before stdin was copied: read once, whole."""
    monkeypatch.setattr(LogInputs, "copy_stdin", lambda self: None)


@pytest.mark.parametrize(("name", "data", "others"), PIPED, ids=[p[0] for p in PIPED])
def test_events_on_stdin_write_what_reading_it_once_wrote(
    name: str, data: bytes, others: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(stream, "WINDOW_LINES", 7)
    used = count_streams(monkeypatch)
    copied = [_invoke(["events", *options, "-", *others], data) for options in OPTIONS]
    # what streamed: every run but the log out of time order with a line
    # without a time, read whole from the copy
    assert used == [name != "disordered+untimed"] * len(OPTIONS)
    _not_copied(monkeypatch)
    before = [_invoke(["events", *options, "-", *others], data) for options in OPTIONS]
    assert copied == before
    assert [code for code, _out, _err in copied] == [0] * len(OPTIONS)
    assert list(tmp_path.iterdir()) == []  # the copy has no name: nothing to leave behind


def test_events_on_stdin_stream_rows_as_read(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = _invoke(
        ["events", "--format", "jsonl", "--year", "2014", "-"], EX1_B.read_bytes()
    )
    lines = out.decode().splitlines()
    assert code == 0 and len(lines) == 32
    assert '"source": "-", "line": 1,' in lines[0]
    assert err.startswith("kalog: 1 file, 32 lines read")


def test_analysis_of_stdin_reads_its_cited_lines_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its frame holds no text (read back from the copy), and the reports are
    the bytes they were when every line's text was held."""
    data = EX1_A.read_bytes() + EX1_B.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert stdin_copy.copy_stdin() is None
    try:
        with monkeypatch.context() as patch:
            # as a dense log's: its text read back, not kept (`_worth_reading_back`)
            patch.setattr(frame_module, "READ_BACK_BYTES", 0)
            events = read_events(["-"], year=2014, keep_raw=False)
        assert events["raw"].isna().all() and events["line"].tolist() == list(range(1, 63))
        with pytest.warns(InputWarning, match="^-: line 63 is not there any more"):
            texts = events.attrs[refetch.ATTR].texts("-", [1, 50, 62, 63])
        lines = data.decode().split("\n")
        assert texts == {1: lines[0], 50: lines[49], 62: lines[61], 63: None}
        assert texts[50].startswith(
            "Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos)"
        )
    finally:
        stdin_copy.release()
    configs = [
        "--config",
        f"{SEED_A}={SEED / 'ex1-A.conf'}",
        "--config",
        f"{SEED_B}={SEED / 'ex1-B.conf'}",
    ]
    reports = {}
    for fmt in ("json", "junit", "sarif", "rich"):
        args = ["analyze", "-", "--year", "2014", "--format", fmt, *configs]
        reports[fmt] = _invoke(args, data)
        with monkeypatch.context() as patch:
            _not_copied(patch)
            assert reports[fmt] == _invoke(args, data), fmt
        assert reports[fmt][0] == 1  # KA002, a warning
    cited = b"-:50: Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos)"
    assert cited in reports["junit"][1]


_TEMPORARY_FILE = tempfile.TemporaryFile


class _Full:
    """A temporary file whose disk fills after `room` bytes (ENOSPC)."""

    def __init__(self, room: int) -> None:
        self.file = _TEMPORARY_FILE()
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return self.file.write(data)

    def __getattr__(self, name: str) -> Any:  # fileno, flush, close
        return getattr(self.file, name)


def test_a_failed_copy_reads_stdin_once_and_loses_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = (CORPUS / "073.log").read_bytes()
    assert len(data) == 5016
    monkeypatch.setattr(stdin_copy, "COPY_BYTES", 1000)
    monkeypatch.setattr("tempfile.TemporaryFile", lambda **_kw: _Full(2000))
    piped = io.BytesIO(data)
    assert stdin_copy.copy_stdin(stdin=piped) == (
        "cannot copy stdin to a temporary file (No space left on device)"
    )
    try:
        assert stdin_copy.copied() is None
        # two chunks copied, the third failed: the copy, that chunk, the rest
        assert stdin_copy.open_stdin().read() == data
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
        assert stdin_copy.open_stdin() is sys.stdin.buffer  # once only
    finally:
        stdin_copy.release()
    # the command: one warning, and the output of reading stdin once
    args = ["events", "--format", "jsonl", "-"]
    code, out, err = _invoke(args, data)
    assert code == 0
    assert err.splitlines()[0] == (
        "kalog: warning: -: cannot copy stdin to a temporary file (No space left on device);"
        " stdin is read once, every line's text held"
    )
    _not_copied(monkeypatch)
    before = _invoke(args, data)
    assert (code, out, "\n".join(err.splitlines()[1:]) + "\n") == before


def test_the_copy_is_read_by_each_reader_at_its_own_offset() -> None:
    data = b"".join(b"line %d\n" % n for n in range(1000))
    assert stdin_copy.copy_stdin(stdin=io.BytesIO(data)) is None
    try:
        first, second = stdin_copy.open_stdin(), stdin_copy.open_stdin()
        assert first.read(10) == data[:10]
        assert second.read(5) == data[:5]
        assert first.read(10) == data[10:20]
        assert second.read() == data[5:]
        assert first.seek(-6, io.SEEK_END) == len(data) - 6 and first.read() == data[-6:]
        assert first.read(10) == b""
        assert stdin_copy.copied().st_size == len(data)  # type: ignore[union-attr]
        assert refetch.fingerprint("-") is not None
    finally:
        stdin_copy.release()
    assert refetch.fingerprint("-") is None
