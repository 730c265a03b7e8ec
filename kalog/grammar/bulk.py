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
  line) is left to the per-line reader, which unwraps it.

Every other line goes through `read_envelope_row`, so the answers cannot
differ; tests/test_speed_equivalence.py checks both on every real line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kalog.grammar import envelope as env

#: The arrow type of every text column here (64-bit offsets: no 2 GB limit).
_TEXT = pa.large_string()
#: Python's `\s` for str patterns: the characters `str.isspace()` accepts.
_PY_SPACE = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)
_ESCAPE = re.compile(r"\\.")


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


def read_envelopes(lines: pa.Array, layout: env.FileLayout, primary: env.Style) -> Envelopes:
    """`envelope.read_envelope_row` for every line of `lines` (a string array).

    The lines the bulk pass cannot settle are read one by one.
    """
    lines = lines.cast(_TEXT)
    split = _SPLITTERS.get(primary.name)
    if split is None or layout != "syslog" or not len(lines):
        return _per_line(lines, np.arange(len(lines)), layout, primary)
    strict = pc.match_substring_regex(lines, _strict_pattern(primary.name))
    strict = pc.and_(strict, pc.string_is_ascii(lines)).fill_null(False)
    candidates = np.flatnonzero(strict.to_numpy(zero_copy_only=False))
    columns = split(take_rows(lines, candidates))
    relayed = pc.match_substring_regex(columns["body"], _CONSOLE_START)
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


# -- splitting lines of the strict form ---------------------------------------
#
# A line of the strict form of its style is the style's pattern with no
# choice left: each field is the text between fixed separators (the pattern's
# single spaces, the tag's "[", "]" and ":"), so splitting on those
# separators yields exactly the regex's groups.  The strict form narrows the
# pattern in one place only: the pid may not contain ":" (so the first ":"
# after the program ends the tag).  Lines outside it are read per line.

_TAG_STRICT = r"[^\s\[\]:]+(?:\[[^\]:]*\])?:(?: |$).*"


@lru_cache(maxsize=4)
def _strict_pattern(style_name: str) -> str:
    head = {
        "rfc3164": rf"(?:{env.MONTH}) +[0-9]{{1,2}} {env.TIME} \S+ ",
        "iso8601": rf"[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ]{env.TIME}(?:{env.OFFSET})? \S+ ",
    }[style_name]
    return re2_pattern(head + _TAG_STRICT)


def _element(lists: pa.Array, index: int) -> pa.Array:
    return pc.list_element(lists, index)


def _split_tag(tagged: pa.Array, into: dict[str, pa.Array]) -> None:
    """`program[pid]: body` / `program: body` -> program, pid, body."""
    tag_body = pc.split_pattern(tagged, ":", max_splits=1)
    tag = _element(tag_body, 0)
    into["body"] = pc.utf8_slice_codeunits(_element(tag_body, 1), 1)  # "" or " ..."
    # "prog[pid]" + "[" -> "prog", "pid][";  "prog" + "[" -> "prog", "" (no pid)
    program_pid = pc.split_pattern(
        pc.binary_join_element_wise(tag, pa.scalar("[", _TEXT), pa.scalar("", _TEXT)),
        "[",
        max_splits=1,
    )
    into["program"] = _element(program_pid, 0)
    has_pid = pc.match_substring(tag, "[")
    pid = pc.utf8_slice_codeunits(_element(program_pid, 1), 0, -2)
    into["pid"] = pc.if_else(has_pid, pid, pa.scalar(None, _TEXT))


def _split_rfc3164(lines: pa.Array) -> dict[str, pa.Array]:
    columns: dict[str, pa.Array] = {}
    month_rest = pc.split_pattern_regex(lines, " +", max_splits=1)
    columns["month"] = _element(month_rest, 0)
    fields = pc.split_pattern(_element(month_rest, 1), " ", max_splits=3)
    columns["day"] = _element(fields, 0)
    columns["time"] = _element(fields, 1)
    columns["host"] = _element(fields, 2)
    _split_tag(_element(fields, 3), columns)
    return columns


def _split_iso8601(lines: pa.Array) -> dict[str, pa.Array]:
    columns: dict[str, pa.Array] = {"date": pc.utf8_slice_codeunits(lines, 0, 10)}
    fields = pc.split_pattern(pc.utf8_slice_codeunits(lines, 11), " ", max_splits=2)
    stamp = _element(fields, 0)
    columns["time"] = pc.replace_substring_regex(stamp, "[Z+-].*", "")
    offset = pc.replace_substring_regex(stamp, "^[0-9:.,]*", "")
    columns["offset"] = pc.if_else(pc.equal(offset, ""), pa.scalar(None, _TEXT), offset)
    columns["host"] = _element(fields, 1)
    _split_tag(_element(fields, 2), columns)
    return columns


_SPLITTERS = {"rfc3164": _split_rfc3164, "iso8601": _split_iso8601}


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
    rows = np.concatenate([first.rows, second.rows])
    order = pa.array(np.argsort(rows, kind="stable"), type=pa.int64())
    return Envelopes(
        rows=rows[order.to_numpy()],
        style=pa.concat_arrays([first.style, second.style]).take(order),
        fields={
            name: pa.concat_arrays([first.fields[name], second.fields[name]]).take(order)
            for name in env.FIELDS
        },
    )
