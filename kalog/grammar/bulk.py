r"""Envelopes of many lines at once: the columnar half of the fast path.

Why: reading an envelope line by line costs about 5 µs of Python per line
(a regex match, a tuple of twelve fields, list appends): 5 s on a dense
million-line log.  Here whole arrays of lines are handled by pyarrow
kernels in C++: one RE2 match (a DFA, no submatches: fast) tells which
lines have the *strict form* of the file's style, and for those the fields
are cut out with string splits, because in the strict form every field lies
between fixed separators.  (pyarrow's `extract_regex` would give the groups
directly, but RE2 extracting submatches runs at ~5-15 µs per line here -
slower than Python.)

Which lines, and why the answers equal `envelope.read_envelope_row`:

* lines of a syslog-style file whose primary style is RFC 3164 or ISO 8601
  (the two rsyslog/journal defaults), ASCII only (case folding and Unicode
  classes are where RE2 and Python's `re` could differ);
* the strict form is the style's own pattern with the pid narrowed to have
  no ":" (see `_strict_pattern`); a line of that form matches the style's
  pattern, and splitting yields exactly its groups;
* RE2 gets Python's `\s` spelt out (`re2_pattern`): Python's is wider;
* a message opening with keepalived's console stamp (a relayed console
  line) or rsyslog's `message repeated N times: [...]` is left to the
  per-line reader, which unwraps it.

Every other line goes through `read_envelope_row`, so the answers cannot
differ; tests/speed/test_speed_equivalence.py checks both on every real line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kalog.grammar import envelope as env
from kalog.speed import compiled

#: The arrow type of every text column here (64-bit offsets: no 2 GB limit).
_TEXT = pa.large_string()
#: Python's `\s` for str patterns: the characters `str.isspace()` accepts.
_PY_SPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)


def re2_pattern(pattern: str) -> str:
    """`pattern` (Python `re` syntax, as the envelope pieces write it) for RE2.

    The pieces use a small common subset of both syntaxes; the only escapes
    whose meaning differs are `\\s` and `\\S`, spelt out here inside and
    outside character classes.  The result is anchored at both ends because
    the per-line reader uses `fullmatch`.
    """
    out: list[str] = []
    in_class = False
    pos = 0
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            escape = pattern[pos : pos + 2]
            if escape == r"\s":
                out.append(_PY_SPACE if in_class else f"[{_PY_SPACE}]")
            elif escape == r"\S":
                if in_class:
                    raise ValueError(f"\\S inside a class cannot be translated: {pattern!r}")
                out.append(f"[^{_PY_SPACE}]")
            else:
                out.append(escape)
            pos += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern[pos + 1 : pos + 2] == "^":
                out.append("^")
                pos += 1
            if pattern[pos + 1 : pos + 2] == "]":  # a literal ] right after [ or [^
                out.append(r"\]")
                pos += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        pos += 1
    return "^(?:" + "".join(out) + ")$"


_KEEPALIVED_PROGRAM = re2_pattern(env.KEEPALIVED_IDENT.pattern)
_CONSOLE_START = re2_pattern(env.CONSOLE_ANYWHERE.pattern)[:-2] + ")"  # a prefix, not whole


@dataclass
class Envelopes:
    """Envelope columns of the keepalived lines among some candidate lines.

    `rows` are positions in the candidate array, ascending; `style` and each
    of `fields` (env.FIELDS order) hold one value per row, None where absent.
    """

    rows: np.ndarray
    style: pa.Array
    fields: dict[str, pa.Array]

    def then(self, other: Envelopes, shift: int = 0) -> Envelopes:
        """These rows followed by `other`'s, whose positions are moved by `shift`."""
        return Envelopes.joined([self, other], [0, shift])

    @staticmethod
    def joined(parts: list[Envelopes], shifts: list[int]) -> Envelopes:
        """The rows of `parts` one after the other, each part's positions moved by its shift.

        One concatenation for any number of parts: joining them two at a
        time would copy the first parts' columns again at every step.
        """
        return Envelopes(
            rows=np.concatenate([p.rows + shift for p, shift in zip(parts, shifts, strict=True)]),
            style=pa.concat_arrays([p.style for p in parts]),
            fields={
                name: pa.concat_arrays([p.fields[name] for p in parts]) for name in parts[0].fields
            },
        )


def read_envelopes(lines: pa.Array, layout: env.FileLayout, primary: env.Style) -> Envelopes:
    """`envelope.read_envelope_row` for every line of `lines` (a string array).

    The lines the bulk pass cannot settle are read one by one.
    """
    lines = lines.cast(_TEXT)
    cut_fields = _CUTTERS.get(primary.name)
    if cut_fields is None or layout != "syslog" or not len(lines):
        return _per_line(lines, np.arange(len(lines)), layout, primary)
    strict = pc.match_substring_regex(lines, _strict_pattern(primary.name))
    strict = pc.and_(strict, pc.string_is_ascii(lines)).fill_null(False)
    candidates = np.flatnonzero(strict.to_numpy(zero_copy_only=False))
    columns = cut_fields(take_rows(lines, candidates))
    # relayed console lines and rsyslog's repeat notes are the per-line reader's
    relayed = pc.or_(
        pc.match_substring_regex(columns["body"], _CONSOLE_START),
        pc.starts_with(columns["body"], "message repeated "),
    )
    keepalived = pc.match_substring_regex(columns["program"], _KEEPALIVED_PROGRAM)
    keep = pc.and_(keepalived, pc.invert(relayed)).to_numpy(zero_copy_only=False)
    chosen = np.flatnonzero(keep)
    bulk = Envelopes(
        rows=candidates[keep],
        style=pa.repeat(pa.scalar(primary.name, _TEXT), len(chosen)),
        fields={
            name: take_rows(columns[name], chosen)
            if name in columns
            else pa.nulls(len(chosen), _TEXT)
            for name in env.FIELDS
        },
    )
    # The rest: lines outside the strict form, and relayed console lines.
    unsettled = np.ones(len(lines), dtype=bool)
    unsettled[candidates] = relayed.to_numpy(zero_copy_only=False)
    slow = np.flatnonzero(unsettled)
    if not len(slow):
        return bulk
    rest = _per_line(take_rows(lines, slow), slow, layout, primary)
    return _merge(bulk, rest)


def take_rows(column: pa.Array, positions: np.ndarray) -> pa.Array:
    """`column.take(positions)` for ascending distinct positions (flatnonzero output).

    No copy when they are all the rows: a dense log keeps every line.
    """
    if len(positions) == len(column) and (
        not len(positions) or (positions[0] == 0 and positions[-1] == len(column) - 1)
    ):
        return column  # ascending, distinct and as many as the rows: every row
    return column.take(pa.array(positions, type=pa.int64()))


# -- cutting the fields out of lines of the strict form -------------------------
#
# A line of the strict form of its style is the style's pattern with no
# choice left: each field lies between fixed separators (the pattern's single
# spaces, the tag's "[", "]" and ":"), so the separators' positions give
# exactly the regex's groups.  The strict form narrows the pattern in one
# place only: the pid may not contain ":" (so the first ":" after the program
# ends the tag).  Lines outside it are read per line.
#
# How, for a million lines at once: `_Cutter.next` finds, for every line,
# the next separator after a position (compiled: a memchr per line; else
# numpy finds every space, colon and "[" of the lines' byte buffer and
# `searchsorted` picks the ones each line needs), and each field becomes an
# arrow string array over the same buffer (offsets field start, field end,
# next field start, ... - the gaps are dropped by one `take`).  No per-line
# Python, no intermediate strings.

_TAG_STRICT = r"[^\s\[\]:]+(?:\[[^\]:]*\])?:(?: |$).*"


@lru_cache(maxsize=4)
def _strict_pattern(style_name: str) -> str:
    head = {
        "rfc3164": rf"(?:{env.MONTH}) +[0-9]{{1,2}} {env.TIME} \S+ ",
        "iso8601": rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{env.TIME}(?:{env.OFFSET})? \S+ ",
    }[style_name]
    return re2_pattern(head + _TAG_STRICT)


class _Cutter:
    """The byte buffer of a string array, for cutting fields out of its strings."""

    def __init__(self, lines: pa.Array) -> None:
        lines = lines.cast(_TEXT)
        _validity, offsets, data = lines.buffers()
        bounds = np.frombuffer(offsets, dtype=np.int64)[
            lines.offset : lines.offset + len(lines) + 1
        ]
        self.buffer = data
        self.starts, self.ends = bounds[:-1], bounds[1:]
        self.data = (
            np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        )
        self.low, self.high = (int(bounds[0]), int(bounds[-1])) if len(bounds) else (0, 0)
        self._found: dict[str, np.ndarray] = {}

    def find(self, byte: str) -> np.ndarray:
        """Positions of `byte` in the strings' bytes, ascending (kept: asked for again)."""
        found = self._found.get(byte)
        if found is None:
            found = np.flatnonzero(self.data[self.low : self.high] == ord(byte)) + self.low
            self._found[byte] = found
        return found

    def next(self, byte: str, at: np.ndarray) -> np.ndarray:
        """For each string, the first `byte` at or after its `at` (its end if none).

        Compiled where built (`kalog.speed.compiled`): a `memchr` per string from
        `at`, instead of finding every such byte of the buffer and a binary
        search per string (~5x faster on a million lines).
        """
        if compiled.linescan is not None:
            return self._seek(byte, at, equal=True)
        positions = np.append(self.find(byte), np.iinfo(np.int64).max)
        found = positions[np.searchsorted(positions, at, side="left")]
        return np.minimum(found, self.ends)

    def skip(self, byte: str, at: np.ndarray) -> np.ndarray:
        """For each string, the first byte not `byte` at or after its `at` (its end if none)."""
        if compiled.linescan is not None:
            return self._seek(byte, at, equal=False)
        positions = self.find(byte)
        if not len(positions):
            return np.minimum(at, self.ends)
        # the end of each run of consecutive positions, for every position in it
        last_of_run = np.append(np.flatnonzero(np.diff(positions) != 1), len(positions) - 1)
        run_of = np.searchsorted(last_of_run, np.arange(len(positions)))
        run_end = positions[last_of_run[run_of]] + 1
        index = np.minimum(np.searchsorted(positions, at, side="left"), len(positions) - 1)
        on_run = positions[index] == at
        skipped = np.where(on_run, run_end[index], at)
        return np.minimum(skipped, self.ends)

    def _seek(self, byte: str, at: np.ndarray, *, equal: bool) -> np.ndarray:
        at = np.ascontiguousarray(at, dtype=np.int64)
        ends = np.ascontiguousarray(self.ends, dtype=np.int64)
        out = np.empty(len(at), dtype=np.int64)
        buffer = self.buffer if self.buffer is not None else b""
        assert compiled.linescan is not None
        compiled.linescan.seek(buffer, at, ends, ord(byte), equal, out)
        return out

    def strings(self, begin: np.ndarray, end: np.ndarray) -> pa.Array:
        """The byte ranges [begin, end) (ascending, disjoint) as a string array."""
        count = len(begin)
        if not count:
            return pa.array([], type=_TEXT)
        offsets = np.empty(2 * count + 1, dtype=np.int64)
        offsets[0:-1:2] = begin
        offsets[1::2] = end
        offsets[-1] = end[-1]
        spans = pa.Array.from_buffers(_TEXT, 2 * count, [None, pa.py_buffer(offsets), self.buffer])
        return spans.take(pa.array(np.arange(0, 2 * count, 2), type=pa.int64()))


def _cut_tag(cut: _Cutter, tag_start: np.ndarray, into: dict[str, pa.Array]) -> None:
    """`program[pid]: body` / `program: body` from `tag_start` to the line's end."""
    colon = cut.next(":", tag_start)  # the program and (strict) pid hold none
    bracket = cut.next("[", tag_start)  # the line's end when it has none
    has_pid = bracket < colon
    program_end = np.where(has_pid, bracket, colon)
    into["program"] = cut.strings(tag_start, program_end)
    pid = cut.strings(np.where(has_pid, bracket + 1, colon), np.where(has_pid, colon - 1, colon))
    into["pid"] = pc.if_else(pa.array(has_pid), pid, pa.scalar(None, _TEXT))
    body = colon + 1
    ends = cut.ends
    spaced = body < ends
    spaced[spaced] = cut.data[body[spaced]] == ord(" ")
    into["body"] = cut.strings(body + spaced, ends)


def _cut_rfc3164(lines: pa.Array) -> dict[str, pa.Array]:
    """`MONTH +DAY TIME HOST TAG`."""
    cut = _Cutter(lines)
    month_end = cut.next(" ", cut.starts)
    columns = {"month": cut.strings(cut.starts, month_end)}
    day = cut.skip(" ", month_end)  # after the run of spaces
    day_end = cut.next(" ", day)
    columns["day"] = cut.strings(day, day_end)
    time_end = cut.next(" ", day_end + 1)
    columns["time"] = cut.strings(day_end + 1, time_end)
    host_end = cut.next(" ", time_end + 1)
    columns["host"] = cut.strings(time_end + 1, host_end)
    _cut_tag(cut, host_end + 1, columns)
    return columns


def _cut_iso8601(lines: pa.Array) -> dict[str, pa.Array]:
    """`DATE[T ]TIME[OFFSET] HOST TAG`: the date is 10 bytes, the time 8 plus a fraction."""
    cut = _Cutter(lines)
    starts = cut.starts
    columns = {"date": cut.strings(starts, starts + 10)}
    stamp_end = cut.next(" ", starts + 11)  # the space after time and offset
    time_end = starts + 19  # HH:MM:SS
    fraction = np.isin(cut.data[np.minimum(time_end, len(cut.data) - 1)], (ord("."), ord(",")))
    fraction &= time_end < stamp_end
    time_end = time_end + fraction
    for _ in range(9):  # up to nine digits
        digit = fraction & (time_end < stamp_end)
        digit[digit] = (cut.data[time_end[digit]] - ord("0")) < 10
        if not digit.any():
            break
        time_end = time_end + digit
        fraction = digit
    columns["time"] = cut.strings(starts + 11, time_end)
    offset = cut.strings(time_end, stamp_end)
    columns["offset"] = pc.if_else(pa.array(time_end < stamp_end), offset, pa.scalar(None, _TEXT))
    host_end = cut.next(" ", stamp_end + 1)
    columns["host"] = cut.strings(stamp_end + 1, host_end)
    _cut_tag(cut, host_end + 1, columns)
    return columns


_CUTTERS = {"rfc3164": _cut_rfc3164, "iso8601": _cut_iso8601}


def _per_line(
    lines: pa.Array, positions: np.ndarray, layout: env.FileLayout, primary: env.Style
) -> Envelopes:
    """The per-line reader on `lines` (at `positions` of the caller's array)."""
    read_row = env.read_envelope_row
    rows: list[int] = []
    styles: list[str] = []
    values: list[Sequence[str | None]] = []
    for position, text in zip(positions.tolist(), lines.to_pylist(), strict=True):
        row = read_row(text or "", layout, primary)
        if row is not None:
            rows.append(position)
            styles.append(row[0])
            values.append(row[1])
    by_field = list(zip(*values, strict=True)) if values else [()] * len(env.FIELDS)
    return Envelopes(
        rows=np.array(rows, dtype=np.int64),
        style=pa.array(styles, type=_TEXT),
        fields={
            name: pa.array(list(column), type=_TEXT)
            for name, column in zip(env.FIELDS, by_field, strict=True)
        },
    )


def _merge(first: Envelopes, second: Envelopes) -> Envelopes:
    """Both sets of rows in position order."""
    both = first.then(second)
    order = np.argsort(both.rows, kind="stable")
    taken = pa.array(order, type=pa.int64())
    return Envelopes(
        rows=both.rows[order],
        style=both.style.take(taken),
        fields={name: column.take(taken) for name, column in both.fields.items()},
    )
