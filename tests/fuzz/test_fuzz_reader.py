"""Fuzzing the log reader: random bytes and mutated real lines (issue 16, item 5).

Properties, for any bytes a file may hold:

* reading raises nothing but kalog's documented errors (`KalogError`:
  `InputError` for binary or damaged input) and warns with `InputWarning`
  only;
* the reader (`kalog.ingest.read.iter_line_blocks`) loses and reorders no
  line: its blocks number lines 1..N without a gap, N is the number of
  lines in the file, and each line is the file's line with only the
  documented changes (a CR before LF dropped, NUL bytes removed, invalid
  UTF-8 as U+FFFD, a line over the cap truncated with a warning);
* the candidate lines the scanner keeps (`kalog.ingest.scan.gather`) are
  file lines, with their own numbers, in order;
* the event frame (`kalog.read_events`, both engines) has one row per
  keepalived line at most, each row's `raw` the file's line at its `line`,
  every row typed or `unknown`, and `lines_read` = N;
* a file of intact real lines cut from one log loses none of that log's
  keepalived lines.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from pathlib import Path

import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from kalog.errors import InputError, InputWarning, KalogError
from kalog.ingest import events
from kalog.ingest.frame import read_events
from kalog.ingest.read import Source, _detect, decode, iter_line_blocks
from kalog.ingest.scan import gather
from tests.fuzz.strategies import ROOT, log_file, real_lines

_TMP = Path(tempfile.mkdtemp(prefix="kalog-fuzz-"))


def _write(data: bytes, name: str = "fuzz.log") -> Path:
    path = _TMP / name
    path.write_bytes(data)
    return path


def _expected_lines(data: bytes) -> list[bytes]:
    """The file's lines as the reader documents them, before decoding and the cap."""
    if not data:
        return []
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    out = []
    for line in lines:
        if line.endswith(b"\r"):
            line = line[:-1]
        out.append(line.replace(b"\x00", b""))
    return out


def _read_blocks(path: Path, max_line: int) -> tuple[Source, list[tuple[int, list[str]]]]:
    source = Source(name=str(path))
    blocks = []
    for block in iter_line_blocks(source, max_line=max_line):
        blocks.append((block.first, list(block.lines)))
    return source, blocks


@given(
    data=st.one_of(log_file(), st.binary(max_size=600)),
    max_line=st.sampled_from([16, 80, 1 << 16]),
)
@example(data=b"a\r\r\nb\x00\r\n\xc3\n", max_line=1 << 16)
@example(data=b"\n\n", max_line=16)
def test_reader_numbers_and_keeps_every_line(data: bytes, max_line: int) -> None:
    """Blocks cover lines 1..N without a gap; each line is the file's (documented changes)."""
    path = _write(data)
    try:
        source, blocks = _read_blocks(path, max_line)
    except InputError:
        return  # binary or damaged compressed input: a documented refusal
    if source.compression != "none":
        return
    expected = _expected_lines(data)
    number = 1
    got: list[str] = []
    for first, lines in blocks:
        assert first == number
        number += len(lines)
        got.extend(lines)
    assert len(got) == len(expected) == source.lines_read
    capped = {
        int(m.group(1))
        for w in source.warnings
        if (m := re.search(r": line (\d+): .* truncated", w))
    }
    for index, (line, raw) in enumerate(zip(got, expected, strict=True), start=1):
        text, _bad = decode(raw)
        if index in capped:
            assert len(line.encode()) <= max_line
            assert len(text.encode()) > max_line or len(raw) > max_line
        else:
            assert line == text


@given(data=log_file())
def test_scanner_keeps_file_lines_with_their_numbers(data: bytes) -> None:
    """Every candidate line the scanner gathers is the file's line at its number, in order."""
    path = _write(data)
    try:
        found = gather(Source(name=str(path)))
    except InputError:
        return
    expected = _expected_lines(data)
    numbers = found.numbers.tolist()
    assert numbers == sorted(set(numbers))
    assert all(1 <= n <= len(expected) for n in numbers)
    for n, line in zip(numbers, found.lines.to_pylist(), strict=True):
        assert line == decode(expected[n - 1])[0]
    rows = found.found.rows.tolist()
    assert rows == sorted(set(rows)) and all(0 <= r < len(numbers) for r in rows)


def _frame(path: Path, engine: str) -> pd.DataFrame | None:
    """The frame of `path`, or None for a documented refusal; only InputWarning warns."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = read_events([path], year=2024, engine=engine)  # type: ignore[arg-type]
        except KalogError:
            return None
    foreign = [w for w in caught if not issubclass(w.category, InputWarning)]
    assert not foreign, [str(w.message) for w in foreign]
    return frame


@given(data=log_file(), engine=st.sampled_from(["fast", "plain"]))
@example(data=b"BZh", engine="fast")
def test_frame_rows_are_file_lines_typed_or_unknown(data: bytes, engine: str) -> None:
    """Rows are distinct file lines with their raw text; typed + unknown = rows."""
    path = _write(data)
    frame = _frame(path, engine)
    if frame is None:
        return
    stats = frame.attrs["stats"]
    assert stats["typed"] + stats["unknown"] == stats["keepalived_lines"] == len(frame)
    if _detect(data[:8]) != "none":
        # compression magic ("BZh" is a 3-byte text file too): the lines are
        # the decompressed stream's, or none with a "truncated" warning
        return
    expected = _expected_lines(data)
    assert stats["lines_read"] == len(expected)
    assert list(frame.columns) == list(events.COLUMNS)
    lines = frame["line"].tolist()
    assert len(set(lines)) == len(lines)
    for line, raw in zip(lines, frame["raw"].tolist(), strict=True):
        assert 1 <= line <= len(expected)
        assert raw == decode(expected[line - 1])[0]
    assert set(frame["kind"].astype(str)) <= set(events.KINDS)


@given(data=log_file())
@example(  # a tab in the stamp: the plain grammar expanded it (kalog.grammar.envelope)
    data=b"2026-11-26T07:35:32\t.490422+00:00 node-a Keepalived[31366]: Starting Keepalived"
)
@example(  # year 0226: OutOfBoundsDatetime in both engines (tests/test_frame.py)
    data=b"0226-11-26T07:35:32.490422+00:00 node-a Keepalived[31366]: Starting Keepalived"
)
def test_both_engines_give_one_frame(data: bytes) -> None:
    """The fast engine is the plain one, faster: on any input, the same frame."""
    path = _write(data)
    fast, plain = _frame(path, "fast"), _frame(path, "plain")
    if fast is None or plain is None:
        assert fast is None and plain is None
        return
    pd.testing.assert_frame_equal(fast, plain)


_LOGS = sorted(
    [
        *(ROOT / "samples" / "seed").glob("*.log"),
        *(ROOT / "samples" / "lab").glob("seed-ex1/*.log"),
        *(ROOT / "samples" / "lab").glob("seed-ex1/*.console"),
        *(ROOT / "tests" / "data" / "corpus").glob("*.log"),
    ]
)


@given(
    log=st.sampled_from(_LOGS),
    keep=st.lists(st.booleans(), min_size=1, max_size=80),
)
def test_a_cut_of_a_real_log_loses_none_of_its_lines(log: Path, keep: list[bool]) -> None:
    """Lines cut from one real log (in order) are read as in the whole log: each
    kept keepalived line is a row, with the body and kind it has there.

    Not the converse: the layout is sniffed per file, and a cut where lines
    without an envelope are the most is read `bare`, where a script's output
    line pasted among keepalived's (corpus 060) is an `unknown` row too."""
    whole = log.read_bytes().splitlines(keepends=True)
    chosen = [i for i, line in enumerate(whole) if keep[i % len(keep)]]
    path = _write(b"".join(whole[i] for i in chosen), log.name)
    frame = _frame(path, "fast")
    reference = _frame(log, "fast")
    assert frame is not None and reference is not None
    by_line = {
        line: (body, kind)
        for line, body, kind in zip(
            reference["line"], reference["body"], reference["kind"].astype(str), strict=True
        )
    }
    want = sorted(
        (new, *by_line[old + 1]) for new, old in enumerate(chosen, start=1) if old + 1 in by_line
    )
    got = set(
        zip(frame["line"].tolist(), frame["body"].tolist(), frame["kind"].astype(str), strict=True)
    )
    assert [row for row in want if row not in got] == []


def test_numbers_too_big_for_any_column_are_read_not_crashed_on() -> None:
    """Every number of every real line, one at a time, made 23 digits long.

    `(VI_1) Changing effective priority from 100 to 10**23` crashed both
    engines (OverflowError casting to the Int64 column), as did such a
    `(Line N)`, `pid=N` and rsyslog repeat count: the fuzzing's random
    edits almost never replaced exactly a whole number.  Now a field the
    frame keeps as an integer takes no more digits than its column holds
    (4 for the Int16 priorities, 9 for Int32), and a longer number leaves
    that wording unmatched (the line is typed by another one, generically,
    or counted unknown).
    """
    widened: list[bytes] = []
    for line in real_lines():
        envelope_end = line.find(b"]: ") + 3 if b"]: " in line else 0
        for found in re.finditer(rb"\d+", line[envelope_end:]):
            start, end = envelope_end + found.start(), envelope_end + found.end()
            widened.append(line[:start] + b"9" * 23 + line[end:])
    assert len(widened) > 2000
    path = _write(b"\n".join(widened) + b"\n", "widened.log")
    fast, plain = _frame(path, "fast"), _frame(path, "plain")
    assert fast is not None and plain is not None
    pd.testing.assert_frame_equal(fast, plain)
    numbers = [c for c, dtype in events.COLUMNS.items() if dtype.startswith("Int")]
    assert [str(fast[c].dtype) for c in numbers] == [events.COLUMNS[c] for c in numbers]
    too_big = fast[
        fast["body"]
        .astype(str)
        .str.fullmatch(r"\(\w+\) Changing effective priority from \d+ to 9{23}")
    ]
    assert len(too_big) > 5
    assert too_big["prio_new"].isna().all() and not too_big["kind"].eq("priority_change").any()
    assert set(too_big["template"].astype(str)) == {"vrrp_track.vrrp_set_effective_priority.1fd351"}


def test_a_number_as_long_as_its_column_holds_is_kept() -> None:
    """The widest numbers the narrow columns take are read, one digit more is not."""
    lines = [
        b"Aug 25 15:21:35 lb1 Keepalived_vrrp[123456789]: (VI_1) Changing effective priority"
        b" from 9999 to -999",
        b"Aug 25 15:21:36 lb1 Keepalived_vrrp[1234567890]: (VI_1) Changing effective priority"
        b" from 100 to 10000",
        b"Aug 25 15:21:37 lb1 Keepalived[1]: Starting VRRP child process, pid=999999999",
        b"Aug 25 15:21:38 lb1 Keepalived[1]: (Line 999999999) Unknown keyword 'x'",
    ]
    path = _write(b"\n".join(lines) + b"\n", "widest.log")
    fast, plain = _frame(path, "fast"), _frame(path, "plain")
    assert fast is not None and plain is not None
    pd.testing.assert_frame_equal(fast, plain)

    def values(column: str) -> list[object]:
        return fast[column].astype(object).where(fast[column].notna(), None).tolist()

    assert values("pid") == [123456789, None, 1, 1]
    assert values("prio_old")[:2] == [9999, None]
    assert values("prio_new")[:2] == [-999, None]
    assert fast["kind"].tolist()[:2] == ["priority_change", "tracking"]
    assert fast["child_pid"].tolist()[2] == 999999999
    assert fast["config_line"].tolist()[3] == 999999999
