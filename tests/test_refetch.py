"""Analysis without every line's text: cited lines read back from the inputs.

`read_events(keep_raw=False)` (what `kalog analyze`, `timeline` and
`explain` read) leaves `raw` null for inputs that can be read again, and
`kalog.ingest.refetch` reads the cited lines back at the end.  The reports
must be the raw path's byte for byte, on real logs and in every format; a
line read back must be the first read's text whatever the bytes (CRLF, NUL,
invalid UTF-8, over-long, compressed); inputs that cannot be read twice
keep their text; a file changed since it was read gives no text rather than
a wrong one.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import shutil
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kalog.cli import main
from kalog.errors import InputWarning
from kalog.ingest import frame as frame_module
from kalog.ingest import refetch, split, stream
from kalog.ingest.frame import read_events
from kalog.ingest.read import MAX_LINE_BYTES
from kalog.model.explain import changes_of_master, explain
from kalog.model.replay import replay
from kalog.pipeline import analyze_events
from kalog.report import render
from tests.conftest import CORPUS, LAB, SEED, SEED_A, SEED_B

FORMATS = ("rich", "json", "sarif", "junit", "github", "html")

SEED_EX1 = [SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"]
SEED_EX1_CONFIGS = {SEED_A: SEED / "ex1-A.conf", SEED_B: SEED / "ex1-B.conf"}

#: (name, inputs, read_events options, analyze_events options)
CASES = [
    ("seed-ex1", SEED_EX1, {"year": 2014}, {"configs": SEED_EX1_CONFIGS}),
    ("seed-ex2", sorted(SEED.glob("ex2-*.log")), {"year": 2014}, {}),
    ("corpus", sorted(CORPUS.iterdir()), {"year": 2024}, {}),
    *[
        (f"lab-{folder.name}", sorted(folder.glob("*.log")), {}, {})
        for folder in sorted(p for p in LAB.iterdir() if p.is_dir())
    ],
]


@pytest.fixture(autouse=True)
def _read_back_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """These logs are small: read back every text they hold, whatever its size
    and share of the input (the rule that keeps a sparse log's text is tested
    on its own below)."""
    monkeypatch.setattr(frame_module, "READ_BACK_BYTES", 0)
    monkeypatch.setattr(frame_module, "READ_BACK_SHARE", 0.0)


def _analysis(paths: list[Path], keep_raw: bool, read: dict, analyze: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        events = read_events([str(p) for p in paths], keep_raw=keep_raw, **read)
        return events, analyze_events(events, **analyze)


def _rendered(result, fmt: str) -> str:
    out = io.StringIO()
    render(result, fmt, out, width=120, color=False)
    return out.getvalue()


@pytest.mark.parametrize(("name", "paths", "read", "analyze"), CASES, ids=[c[0] for c in CASES])
def test_reports_equal_the_raw_paths_in_every_format(name, paths, read, analyze) -> None:
    kept_events, kept = _analysis(paths, True, read, analyze)
    events, fetched = _analysis(paths, False, read, analyze)
    assert refetch.ATTR not in kept_events.attrs
    assert set(events.attrs[refetch.ATTR].inputs) == {str(p) for p in paths}
    assert events["raw"].isna().all()
    cited = [e for f in kept.findings for e in f.evidence]
    assert [e for f in fetched.findings for e in f.evidence] == cited  # texts included
    assert events.attrs[refetch.ATTR].warnings == []
    for fmt in FORMATS:
        assert _rendered(fetched, fmt) == _rendered(kept, fmt), fmt


def test_the_cases_cite_lines_with_text() -> None:
    """The equality above is about texts: these logs' findings do cite lines."""
    texts = 0
    for _name, paths, read, analyze in CASES[:3]:
        _, result = _analysis(paths, False, read, analyze)
        texts += sum(e.raw is not None for f in result.findings for e in f.evidence)
    _, result = _analysis(SEED_EX1, False, {"year": 2014}, {"configs": SEED_EX1_CONFIGS})
    (finding,) = result.findings
    assert finding.rule == "KA002"
    lines = SEED_EX1[1].read_text().splitlines()
    assert [(e.line, e.raw) for e in finding.evidence] == [(n, lines[n - 1]) for n in range(20, 26)]
    assert finding.evidence[0].raw == (
        "Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos) succeeded"
    )
    assert texts > 50


def test_the_frame_holds_no_text() -> None:
    kept = read_events([str(p) for p in SEED_EX1], year=2014)
    events = read_events([str(p) for p in SEED_EX1], year=2014, keep_raw=False)
    assert kept["raw"].notna().all()
    assert events["raw"].isna().all() and str(events["raw"].dtype) == "string"
    # a validity bitmap and zero offsets: no text at all
    assert events["raw"].memory_usage(deep=True, index=False) <= 17 * len(events) + 64
    pd.testing.assert_frame_equal(events.drop(columns="raw"), kept.drop(columns="raw"))


def test_explain_reads_its_lines_back() -> None:
    texts = {}
    for keep_raw in (True, False):
        events = read_events([str(p) for p in SEED_EX1], year=2014, keep_raw=keep_raw)
        timeline = replay(events)
        change = changes_of_master(timeline)[-1]
        texts[keep_raw] = explain(events, timeline, change).to_dict()
    assert texts[False] == texts[True]
    lines = [step["text"] for step in texts[False]["steps"] if step["line"] is not None]
    assert lines and all(lines)


def _variants(tmp_path: Path) -> dict[str, Path]:
    """A real log (seed ex1 A, 30 lines) written in the byte forms the reader
    normalises: CRLF, NUL bytes, invalid UTF-8, an over-long line, compressed."""
    data = (SEED / "ex1-A-backup-99.log").read_bytes()
    lines = data.split(b"\n")
    mangled = list(lines)
    mangled[19] = mangled[19].replace(b"VRRP_Instance", b"VRRP_Inst\xffance\x00")
    mangled[5] = mangled[5] + b" " + b"x" * (MAX_LINE_BYTES + 10)
    mangled[7] = mangled[7].replace(b"Netlink", b"Netl\xc3\xafnk \xe2")
    forms = {
        "plain": data,
        "crlf": b"\r\n".join(lines),
        "mangled": b"\r\n".join(mangled),
        "no-final-newline": data.rstrip(b"\n"),
    }
    paths = {}
    for name, content in forms.items():
        paths[name] = tmp_path / f"{name}.log"
        paths[name].write_bytes(content)
    for name, opener in (("gz", gzip.compress), ("bz2", bz2.compress), ("xz", lzma.compress)):
        paths[name] = tmp_path / f"mangled.log.{name}"
        paths[name].write_bytes(opener(forms["mangled"]))
    return paths


@pytest.mark.parametrize("read_back", [refetch.READ_BACK_BYTES, 1 << 12], ids=["256KiB", "4KiB"])
def test_every_line_read_back_equals_the_first_reads_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_back: int
) -> None:
    """Each line read back is the first read's, whatever the chunks: with 4 KiB
    ones a line spans several (the over-long one sixteen)."""
    monkeypatch.setattr(refetch, "READ_BACK_BYTES", read_back)
    for name, path in _variants(tmp_path).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InputWarning)
            kept = read_events([str(path)], year=2014)
            events = read_events([str(path)], year=2014, keep_raw=False)
        info = events.attrs[refetch.ATTR]
        texts = info.texts(str(path), events["line"].tolist())
        assert [texts[line] for line in kept["line"]] == kept["raw"].tolist(), name
        assert info.warnings == []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mangled = read_events([str(tmp_path / "mangled.log.xz")], year=2014, keep_raw=False)
    assert sorted(str(w.message).split(": ", 1)[1] for w in caught) == [
        "2 bytes not valid UTF-8 (shown as U+FFFD)",
        "line 6: 65663 bytes, truncated to 65536",
    ]
    back = mangled.attrs[refetch.ATTR].texts(str(tmp_path / "mangled.log.xz"), [20, 6, 8])
    assert back[20] == (
        "Aug 25 15:21:35 192_168_173_203 Keepalived_vrrp[25766]: "
        "VRRP_Inst\ufffdance(vi_1) Entering BACKUP STATE"
    )
    assert len(back[6].encode()) == MAX_LINE_BYTES
    assert back[8] == (
        "Aug 25 15:21:35 192_168_173_203 Keepalived_healthcheckers[25765]: "
        "Netl\u00efnk \ufffd reflector reports IP 192.168.173.203 added"
    )
    assert not any(text.endswith("\r") for text in back.values())


def test_a_split_read_is_read_back_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A big file read by two processes (kalog.ingest.split) numbers its lines
    as one reader; the fetch reads it whole."""
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    monkeypatch.setattr(split, "SEGMENT_BYTES", 4096)
    path = str(LAB / "script-failover" / "node-a.log")
    kept = read_events([path])
    events = read_events([path], keep_raw=False)
    texts = events.attrs[refetch.ATTR].texts(path, events["line"].tolist())
    assert [texts[line] for line in kept["line"]] == kept["raw"].tolist()


def test_stdin_and_pipes_keep_their_text(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.log"
    os.mkfifo(fifo)
    data = (SEED / "ex1-A-backup-99.log").read_bytes()

    def feed() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        events = read_events([str(fifo)], year=2014, keep_raw=False)
    finally:
        writer.join()
    assert refetch.ATTR not in events.attrs
    assert events["raw"].tolist()[0] == data.decode().split("\n")[0]
    assert refetch.fingerprint("-") is None and refetch.fingerprint("memory://a.log") is None
    # the command line on stdin: the cited lines' texts are there
    args = ["analyze", "-", "--year", "2014", "--format", "junit"]
    args += ["--config", f"{SEED_A}={SEED / 'ex1-A.conf'}"]
    args += ["--config", f"{SEED_B}={SEED / 'ex1-B.conf'}"]
    ex1 = b"".join(p.read_bytes() for p in SEED_EX1)
    result = CliRunner().invoke(main, args, input=ex1)
    assert result.exit_code == 1, result.output  # KA002, a warning
    assert "-:50: Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos)" in (
        result.stdout
    )


def _seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ex1"
    target.mkdir()
    for path in SEED_EX1:
        shutil.copy(path, target / path.name)
    return target


@pytest.mark.parametrize("change", ["truncated", "replaced", "rewritten"])
def test_a_file_changed_before_the_fetch_gives_no_text(tmp_path: Path, change: str) -> None:
    folder = _seed_copy(tmp_path)
    paths = sorted(folder.iterdir())
    events = read_events([str(p) for p in paths], year=2014, keep_raw=False)
    b_log = folder / "ex1-B-master-100.log"
    data = b_log.read_bytes()
    if change == "truncated":
        b_log.write_bytes(data[: len(data) // 2])
    elif change == "replaced":  # a new file of the same content (logrotate, an editor)
        b_log.unlink()
        b_log.write_bytes(data)
    else:  # the same size, other bytes, a later mtime
        b_log.write_bytes(data.replace(b"Transition", b"TRANSITION"))
        stat = b_log.stat()
        os.utime(b_log, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.warns(InputWarning, match="ex1-B-master-100.log: changed since it was read"):
        result = analyze_events(events, configs=SEED_EX1_CONFIGS)
    (finding,) = result.findings
    assert [e.raw for e in finding.evidence if e.source == str(b_log)] == [None] * len(
        finding.evidence
    )
    info = events.attrs[refetch.ATTR]
    assert len(info.warnings) == 1
    info.texts(str(b_log), [1, 2])  # warned once per input
    assert len(info.warnings) == 1


def test_a_file_that_grew_keeps_the_text_it_had(tmp_path: Path) -> None:
    """A log appended to since: its first bytes are read again, so even the
    unterminated last line keeps the text the first read saw."""
    path = tmp_path / "a.log"
    lines = (SEED / "ex1-A-backup-99.log").read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:80])  # last line cut short
    events = read_events([str(path)], year=2014, keep_raw=False)
    kept = read_events([str(path)], year=2014)
    with path.open("a") as log:
        log.write(lines[-1][80:] + "\n" + "\n".join(lines) + "\n")
    info = events.attrs[refetch.ATTR]
    texts = info.texts(str(path), kept["line"].tolist())
    assert [texts[line] for line in kept["line"]] == kept["raw"].tolist()
    assert texts[len(lines)] == lines[-1][:80]
    assert info.warnings == []


def test_the_command_line_warns_once_and_cites_no_wrong_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kalog analyze`: an input that changes between the read and the fetch
    (here: rewritten by the analysis itself, just before the fetch)."""
    folder = _seed_copy(tmp_path)
    b_log = folder / "ex1-B-master-100.log"
    real = refetch.Refetch.texts

    def after_a_rewrite(self, name, lines):
        b_log.write_bytes(b_log.read_bytes()[:100])
        return real(self, name, lines)

    monkeypatch.setattr(refetch.Refetch, "texts", after_a_rewrite)
    args = ["analyze", *map(str, sorted(folder.iterdir())), "--year", "2014", "--format", "junit"]
    args += ["--config", f"{SEED_B}={SEED / 'ex1-B.conf'}"]
    args += ["--config", f"{SEED_A}={SEED / 'ex1-A.conf'}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    warned = [line for line in result.stderr.splitlines() if "changed since it was read" in line]
    assert warned == [
        f"kalog: warning: {b_log}: changed since it was read; its cited lines are shown "
        "without their text"
    ]
    cited = [line.strip() for line in result.stdout.splitlines() if str(b_log) in line]
    assert cited == [f"{b_log}:{n}:" for n in range(20, 25)] + [f"{b_log}:25:</failure>"]
    assert "VRRP_Script(pos) succeeded" not in result.stdout


def test_workers_read_back_the_same_lines() -> None:
    args = [*map(str, SEED_EX1), "--year", "2014", "--format", "junit"]
    args += ["--config", f"{SEED_A}={SEED / 'ex1-A.conf'}"]
    args += ["--config", f"{SEED_B}={SEED / 'ex1-B.conf'}"]
    alone = CliRunner().invoke(main, ["analyze", *args])
    workers = CliRunner().invoke(main, ["analyze", *args, "--workers", "2"])
    assert alone.exit_code == workers.exit_code == 1
    assert workers.stdout == alone.stdout
    assert "Keepalived_vrrp[8196]: VRRP_Script(pos) succeeded" in alone.stdout


def test_the_reader_drops_the_text_once_worth_reading_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With keep_raw=False the fast reader stops keeping the lines' text as
    soon as it is worth reading back (here at once): one window's text, not
    the input's, is ever held; the frame is the same."""
    added: list[int] = []

    class Counted(frame_module._Text):
        def add(self, lines: object) -> None:
            added.append(len(lines))  # type: ignore[arg-type]
            super().add(lines)  # type: ignore[arg-type]

    monkeypatch.setattr(frame_module, "_Text", Counted)
    monkeypatch.setattr(frame_module, "WINDOW_LINES", 8)
    paths = [str(p) for p in SEED_EX1]
    events = read_events(paths, year=2014, keep_raw=False)
    assert added == [8, 8] and events["raw"].isna().all()  # a window of each input
    added.clear()
    kept = read_events(paths, year=2014)
    assert sum(added) == len(kept)
    pd.testing.assert_frame_equal(events.drop(columns="raw"), kept.drop(columns="raw"))


def test_a_file_changed_while_read_is_read_again_with_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file whose fingerprint moved during the read cannot be read back from
    what that read saw: it is read once more, building its text (a log that
    keeps growing is not read again and again), and counted once."""
    path = str(LAB / "script-failover" / "node-a.log")
    kept = read_events([path])
    calls = []
    real = refetch.fingerprint

    def moving(name: str) -> refetch.Fingerprint | None:
        found = real(name)
        calls.append(name)
        if found is not None and len(calls) == 2:  # after the first read: "grew"
            return refetch.Fingerprint(found.device, found.inode, found.size + 1, found.mtime_ns)
        return found

    monkeypatch.setattr(refetch, "fingerprint", moving)
    events = read_events([path], keep_raw=False)
    assert len(calls) == 4  # before and after each of the two reads
    # the second read was steady: its text, built, is dropped at assembly as usual
    texts = events.attrs[refetch.ATTR].texts(path, events["line"].tolist())
    assert [texts[line] for line in kept["line"]] == kept["raw"].tolist()
    pd.testing.assert_frame_equal(events.drop(columns="raw"), kept.drop(columns="raw"))
    assert events.attrs["stats"] == kept.attrs["stats"]


def test_a_sparse_log_keeps_its_text_a_dense_one_reads_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading back passes over the whole input again: only a dense log's text
    (`READ_BACK_SHARE` of its lines, `READ_BACK_BYTES` of text) repays it, a
    sparse log keeps its few lines' text, read as with keep_raw=True."""
    lab = (LAB / "script-failover" / "node-a.log").read_bytes()
    foreign = b"Nov 26 07:34:08 node-a CRON[1]: (root) CMD (true)\n"
    keepalived = len(lab.splitlines())
    sparse, dense = tmp_path / "sparse.log", tmp_path / "dense.log"
    sparse.write_bytes(lab + foreign * (keepalived * 4))  # 20% keepalived lines
    dense.write_bytes(lab + foreign * keepalived)  # 50%
    text = sum(len(line) for line in lab.splitlines())
    monkeypatch.setattr(frame_module, "READ_BACK_SHARE", 0.25)
    monkeypatch.setattr(frame_module, "READ_BACK_BYTES", text)
    for path, read_back in ((sparse, False), (dense, True)):
        events = read_events([str(path)], keep_raw=False)
        kept = read_events([str(path)])
        assert (refetch.ATTR in events.attrs, bool(events["raw"].isna().all())) == (
            read_back,
            read_back,
        )
        pd.testing.assert_frame_equal(events.drop(columns="raw"), kept.drop(columns="raw"))
        if not read_back:
            pd.testing.assert_frame_equal(events, kept)
    # one byte more text than the dense log holds: kept as well
    monkeypatch.setattr(frame_module, "READ_BACK_BYTES", text + 1)
    assert refetch.ATTR not in read_events([str(dense)], keep_raw=False).attrs


# -- `kalog events`: the text read back a slice at a time ---------------------

EVENT_FORMATS = ("jsonl", "csv", "table", "parquet")


def _events_cli(paths: list[Path], read: dict, fmt: str, out: Path, *extra: str):
    """`kalog events` reading the whole frame and its text back, as with several
    inputs: one input in time order would stream, holding its text as read
    (`kalog.ingest.stream`, tests/test_stream.py), and never read it back."""
    args = ["events", *map(str, paths), "--format", fmt, "-o", str(out), *extra]
    if "year" in read:
        args += ["--year", str(read["year"])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stream, "streamable", lambda _paths: False)
        return CliRunner().invoke(main, args)


def _written(path: Path, fmt: str) -> object:
    if fmt == "parquet":  # the data and the schema with its metadata, not the file's bytes
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        return table.schema.to_string(show_schema_metadata=True), table.to_pydict()
    return path.read_bytes()


@pytest.mark.parametrize("fmt", EVENT_FORMATS)
@pytest.mark.parametrize(("name", "paths", "read", "analyze"), CASES, ids=[c[0] for c in CASES])
def test_events_equal_the_kept_texts_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name, paths, read, analyze, fmt
) -> None:
    """`kalog events` reads as `analyze` does and fills each slice's text in as
    it writes it (`SliceTexts`); the output is the one of the frame that
    kept every line's text (inputs not readable again keep it), in slices
    of 5 rows, so most slices need text from several inputs."""
    from kalog.report import events as events_module

    monkeypatch.setattr(events_module, "_SLICE", 5)
    monkeypatch.setattr(events_module, "_PARQUET_SLICE", 5)
    filled: list[int] = []
    real = refetch.SliceTexts.__call__

    def counted(self, part):
        filled.append(len(part))
        return real(self, part)

    monkeypatch.setattr(refetch.SliceTexts, "__call__", counted)
    back = _events_cli(paths, read, fmt, tmp_path / "back")
    assert back.exit_code == 0, back.output
    with monkeypatch.context() as kept_texts:
        kept_texts.setattr(refetch, "fingerprint", lambda name: None)
        kept = _events_cli(paths, read, fmt, tmp_path / "kept")
    assert kept.exit_code == 0, kept.output
    assert _written(tmp_path / "back", fmt) == _written(tmp_path / "kept", fmt)
    assert back.stderr == kept.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        rows = len(read_events([str(p) for p in paths], **read))
    # the table shows no `raw`: nothing is read back for it
    assert sum(filled) == (0 if fmt == "table" else rows)


def test_a_slice_that_goes_back_in_the_input_starts_another_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows of one input out of time order come out of the merge out of line
    order: a slice asking for lines before the pass reads them again."""
    lines = (LAB / "script-failover" / "node-a.log").read_text().splitlines(keepends=True)
    moved = lines[:5] + lines[40:41] + lines[5:40] + lines[41:]  # line 6 is line 41's, later
    path = tmp_path / "node-a.log"
    path.write_text("".join(moved))
    passes: list[int] = []
    real = refetch._Pass.__init__

    def counted(self, name: str, size: int) -> None:
        passes.append(size)
        real(self, name, size)

    monkeypatch.setattr(refetch._Pass, "__init__", counted)
    from kalog.ingest import read as read_module
    from kalog.report import events as events_module

    monkeypatch.setattr(events_module, "_SLICE", 8)
    monkeypatch.setattr(read_module, "CHUNK_SIZE", 1024)  # blocks of a few lines
    monkeypatch.setattr(refetch, "READ_BACK_BYTES", 1024)  # read back likewise
    back = _events_cli([path], {}, "jsonl", tmp_path / "back.jsonl")
    kept_events = read_events([str(path)])
    assert back.exit_code == 0, back.output
    assert kept_events["line"].tolist()[:7] == [1, 2, 3, 4, 5, 7, 8]  # line 6 sorts later
    assert len(passes) == 2  # line 6 comes long after the slice with lines 7 to 9
    records = [json.loads(text) for text in (tmp_path / "back.jsonl").read_text().splitlines()]
    assert [r["raw"] for r in records] == kept_events["raw"].tolist()
    assert [r["line"] for r in records] == kept_events["line"].tolist()


def test_input_lines_give_null_for_lines_not_there(tmp_path: Path) -> None:
    path = str(SEED_EX1[0])
    events = read_events([path], year=2014, keep_raw=False)
    kept = read_events([path], year=2014)
    info = events.attrs[refetch.ATTR]
    reader = info.lines_of(path)
    last = int(kept["line"].max())
    with pytest.warns(InputWarning, match=f"line {last + 1} is not there any more"):
        texts = reader.texts(np.array([0, 3, last, last + 1], dtype=np.int64)).to_pylist()
    assert texts == [None, kept.set_index("line").at[3, "raw"], kept["raw"].iloc[-1], None]
    assert info.warnings == [
        f"{path}: line {last + 1} is not there any more; its cited lines are shown without "
        "their text"
    ]
    assert reader.texts(np.array([1], dtype=np.int64)).to_pylist() == [
        kept.set_index("line").at[1, "raw"]
    ]  # a batch before the pass: read again
    reader.close()


def test_events_of_a_file_changed_while_written_give_no_wrong_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is rewritten after the first slice is written: the rows before
    keep their text, the rows after have none (even those of the block read
    already), and one warning says so."""
    folder = _seed_copy(tmp_path)
    path = folder / "ex1-A-backup-99.log"
    from kalog.report import events as events_module

    monkeypatch.setattr(events_module, "_SLICE", 10)
    real = refetch.SliceTexts.__call__
    calls: list[int] = []

    def rewritten_after_the_first(self, part):
        if calls:
            path.write_bytes(path.read_bytes().replace(b"VRRP", b"XXXX"))
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        calls.append(len(part))
        return real(self, part)

    monkeypatch.setattr(refetch.SliceTexts, "__call__", rewritten_after_the_first)
    out = tmp_path / "out.jsonl"
    result = _events_cli([path], {"year": 2014}, "jsonl", out)
    assert result.exit_code == 0, result.output
    kept = read_events([str(SEED_EX1[0])], year=2014)
    records = [json.loads(text) for text in out.read_text().splitlines()]
    assert [r.get("raw") for r in records] == kept["raw"].tolist()[:10] + [None] * (len(kept) - 10)
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        f"kalog: warning: {path}: changed since it was read; its cited lines are shown "
        "without their text"
    ]
