"""`kalog events --format table`: the events as aligned plain text, streamed.

Why not a rich `Table`: rich lays a table out with all its rows in memory
and spends ~1.4 ms per row doing it.  20k events took 28 s and 325 MB, and
the dense benchmark file's million events had not finished after 10
minutes, at 5.7 GB.  Here a first pass measures each column over the whole
frame, a slice of rows at a time, and a second pass writes the rows a slice
at a time: the memory of one slice.

Both passes take a slice's column as its distinct texts and each row's
index into them (`_Column`): categories, distinct times, distinct
combinations of the body fields.  A distinct text is made visible,
measured, padded and folded once, and the rows are put together from
them (`_slice_lines`); the measuring pass makes no text per row for the
reader's columns (categoricals, integers, times).
Why: a text per cell, twice, and a fold per row was ~15 microseconds a
row; the dense benchmark file's million events (1.9M lines, most rows
folded at 200 columns) took 14.7-15.0 s in `table_lines`, now 2.9 s, and
`kalog events --format table` on it 17.0-17.7 s, now 6.8-7.2 s (jsonl:
5.0 s), on a shared 2-core machine.

The layout follows the rich table it replaces: the header row, then one
row per event, columns two spaces apart, cells folded at word boundaries
(inside a word when it is longer than the column) when the table is
wider than the output.  The free-text columns give way first: `body`, then `fields`,
the wider of the two narrowed first, down to `MIN_WIDTH`.  Lines carry
no trailing spaces.  Cell text goes through `kalog.console.visible_all`,
so terminal escapes in a log line are shown as text, never sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
from rich.cells import cell_len, chop_cells

from kalog.console import visible_all
from kalog.ingest.stream import row_slices
from kalog.speed.isotime import iso_codes

HEADERS = ("where", "ts", "host", "program", "kind", "instance", "fields", "body")
GAP = 2
#: Columns narrowed (and folded) when the table is wider than the output.
SHRINKABLE = ("body", "fields")
MIN_WIDTH = 20
#: Frame columns not listed in `fields` (shown in their own column, or not at all).
NOT_FIELDS = frozenset(
    {"ts", "host", "program", "kind", "instance", "pid", "body", "wording", "source", "line", "raw"}
)
SLICE = 16_384
#: The `where`, `ts`, `host`, `program`, `kind` and `instance` columns: never
#: narrowed, so an ASCII row's cells there are one line each.
PREFIX = len(HEADERS) - len(SHRINKABLE)
_POWERS_OF_10 = 10 ** np.arange(19, dtype=np.int64)  # digits of an int64: searchsorted


class _Column:
    """One column of a slice of rows: its distinct cell texts (made visible) and
    each row's index into them.

    Why: most columns repeat a few texts over many rows (categoricals,
    times, the fields of one kind of line), so measuring, padding and folding
    a distinct text once is what makes the table fast.  `size`: the widest
    cell when it was computed without the texts (`_where`, measuring only).
    """

    __slots__ = ("codes", "size", "texts")

    def __init__(self, texts: list[str], codes: np.ndarray, size: int | None = None) -> None:
        self.texts = texts
        self.codes = codes
        self.size = size

    def widest(self) -> int:
        """`_widest` of the rows' texts: of the distinct texts that rows use
        (a categorical's unused categories do not count)."""
        if self.size is not None:
            return self.size
        if not len(self.codes):
            return 0
        used = np.flatnonzero(np.bincount(self.codes, minlength=len(self.texts)))
        return _widest([self.texts[i] for i in used.tolist()])

    def cells(self) -> list[str]:
        """Each row's text."""
        return list(map(self.texts.__getitem__, self.codes.tolist()))


def table_lines(frame: Any, width: int) -> Iterator[str]:
    """The table's lines (without newlines) for an output `width` columns wide."""
    sizes = [cell_len(h) for h in HEADERS]
    for columns in _slices(frame, measuring=True):
        for i, column in enumerate(columns):
            sizes[i] = max(sizes[i], column.widest())
    widths = _fit(sizes, width)
    yield _line(HEADERS, widths)
    for columns in _slices(frame):
        yield from _slice_lines(columns, widths)


def _slice_lines(columns: list[_Column], widths: list[int]) -> Iterator[str]:
    """The lines of a slice of rows, as `_row_lines` lays each row out.

    Only `fields` and `body` can be narrower than their cells (`_fit`), so
    an ASCII row is its first six cells padded, then its fields and body
    folded side by side.  Those lines are made once per distinct (fields,
    body) pair of the slice (dense 1M: ~1,500 pairs a slice of 16k rows):
    the first without the six cells, the others whole, with blanks in their
    place.  The six cells are checked to fit all the same: a tab is one
    character and no cell, and a slice with wide characters measures its
    column in cells (`_widest`).  Any other row goes through `_row_lines`.
    """
    gap = " " * GAP
    rows = len(columns[0].codes)
    simple = np.ones(rows, dtype=bool)  # ASCII, the first six cells within their columns
    for i, column in enumerate(columns):
        texts = column.texts
        good = np.fromiter(map(str.isascii, texts), dtype=bool, count=len(texts))
        if i < PREFIX:
            lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
            good &= lengths <= widths[i]
        if not good.all():
            simple &= good[column.codes]
    padded = [
        map(str.ljust, column.cells(), repeat(w))
        for column, w in zip(columns[:PREFIX], widths[:PREFIX], strict=True)
    ]
    prefixes = map(gap.join, zip(*padded, repeat("")))  # "" for the gap before `fields`
    fields, body = columns[PREFIX:]
    pairs, firsts = _pairs(fields.codes, body.codes, len(body.texts))
    blank = " " * (sum(widths[:PREFIX]) + GAP * PREFIX)
    heads: list[str] = []  # each pair's first line, from `fields` on
    tails: list[list[str]] = []  # each pair's other lines, whole
    wf, wb = widths[PREFIX:]
    for row in firsts.tolist():
        fold_f = _fold(fields.texts[fields.codes[row]], wf)
        fold_b = _fold(body.texts[body.codes[row]], wb)
        height = max(len(fold_f), len(fold_b))
        fold_f += [""] * (height - len(fold_f))
        fold_b += [""] * (height - len(fold_b))
        heads.append(fold_f[0].ljust(wf) + gap + fold_b[0])
        tails.append(
            [
                (blank + f.ljust(wf) + gap + b).rstrip()
                for f, b in zip(fold_f[1:], fold_b[1:], strict=True)
            ]
        )
    codes = pairs.tolist()
    lines = map(str.rstrip, map(str.__add__, prefixes, map(heads.__getitem__, codes)))
    if simple.all():
        for line, tail in zip(lines, map(tails.__getitem__, codes), strict=True):
            yield line
            if tail:
                yield from tail
        return
    cells = [column.cells() for column in columns]
    for row, (line, simple_row, code) in enumerate(zip(lines, simple.tolist(), codes, strict=True)):
        if simple_row:
            yield line
            yield from tails[code]
        else:
            yield from _row_lines(tuple(c[row] for c in cells), widths)


def _pairs(fields: np.ndarray, body: np.ndarray, bodies: int) -> tuple[np.ndarray, np.ndarray]:
    """(each row's index of its distinct (fields, body) pair, each pair's first row)."""
    pairs, _ = pd.factorize(fields.astype(np.int64) * bodies + body)
    _, firsts = np.unique(pairs, return_index=True)
    return pairs, firsts


def _widest(column: list[str]) -> int:
    if all(map(str.isascii, column)):
        return max(map(len, column))
    return max(map(cell_len, column))


def _fit(sizes: list[int], width: int) -> list[int]:
    """Column widths: their widest cells, the free-text columns narrowed until
    the table fits `width` (or they are at `MIN_WIDTH`)."""
    widths = list(sizes)
    excess = sum(widths) + GAP * (len(widths) - 1) - width
    shrinkable = [HEADERS.index(name) for name in SHRINKABLE]
    while excess > 0:
        candidates = [i for i in shrinkable if widths[i] > MIN_WIDTH]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (widths[i], -shrinkable.index(i)))
        others = [widths[i] for i in candidates if i != widest]
        floor = max([MIN_WIDTH, *others])
        step = min(excess, widths[widest] - floor) or 1
        widths[widest] -= step
        excess -= step
    return widths


def _line(cells: tuple[str, ...] | list[str], widths: list[int]) -> str:
    """One physical line: every cell padded to its column, trailing spaces cut."""
    padded = [
        cell.ljust(w) if cell.isascii() else cell + " " * (w - cell_len(cell))
        for cell, w in zip(cells, widths, strict=True)
    ]
    return (" " * GAP).join(padded).rstrip()


def _row_lines(row: tuple[str, ...], widths: list[int]) -> list[str]:
    """A row's physical lines: each cell folded to its column, side by side."""
    pieces = [_fold(c, w) for c, w in zip(row, widths, strict=True)]
    height = max(map(len, pieces))
    return [_line([p[k] if k < len(p) else "" for p in pieces], widths) for k in range(height)]


def _fold(cell: str, width: int) -> list[str]:
    """`cell` in lines of at most `width` cells: at spaces, inside a word only
    when the word is longer than a line."""
    if not cell.isascii():
        return [cell] if cell_len(cell) <= width else _fold_cells(cell, width)
    if len(cell) <= width:
        return [cell]
    lines = []
    start, size = 0, len(cell)  # positions, not slices of the rest: a line may be 64 KB
    while size - start > width:
        cut = cell.rfind(" ", start + 1, start + width + 1)
        if cut < 0 or not cell[start:cut].strip(" "):  # no word before the space
            lines.append(cell[start : start + width])
            start += width
        else:
            lines.append(cell[start:cut].rstrip(" "))
            start = cut + 1
            while start < size and cell[start] == " ":
                start += 1
    lines.append(cell[start:])
    return lines


def _fold_cells(cell: str, width: int) -> list[str]:
    """`_fold` measured in terminal cells (wide characters take two)."""
    lines: list[str] = []
    line = ""
    for word in cell.split(" "):
        if not word:
            continue
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        chunks = chop_cells(word, width)
        lines.extend(chunks[:-1])
        line = chunks[-1]
    lines.append(line)
    return lines


#: Per column, its last categorical dtype and what was made of its categories:
#: the slices of a frame (of a window) share their dtype.
_Known = dict[tuple[str, str], tuple[Any, list[str]]]


def _slices(frame: Any, *, measuring: bool = False) -> Iterator[list[_Column]]:
    """The table's columns, a slice of rows at a time.

    `measuring`: only `_Column.widest` is asked for, so `where`, a text per
    row, is measured from its numbers without being written when it can be.
    """
    columns = list(frame.columns)
    fields = [name for name in columns if name not in NOT_FIELDS]
    known: _Known = {}
    for _start, part in row_slices(frame, SLICE, exact=False):
        part.attrs = {}  # the slice's own: each column taken from it would deep-copy them
        rows = len(part)
        yield [
            _where(part, rows, known, measuring=measuring),
            _time_column(part, rows),
            *(_text_column(part, name, rows, known) for name in ("host", "program", "kind")),
            _text_column(part, "instance", rows, known),
            _fields_column(part, fields, rows, known),
            _text_column(part, "body", rows, known),
        ]


def _categories(
    column: Any, key: tuple[str, str], known: _Known, make: Callable[[list[Any]], list[str]]
) -> list[str]:
    """`make(values)` of a categorical column's categories (the Python values
    its `tolist()` gives), once per dtype."""
    dtype = column.dtype
    held = known.get(key)
    if held is not None and held[0] is dtype:
        return held[1]
    values = pd.Categorical.from_codes(np.arange(len(dtype.categories)), dtype=dtype).tolist()
    texts: list[str] = make(values)
    known[key] = (dtype, texts)
    return texts


def _codes(column: Any, missing: int) -> np.ndarray:
    """A categorical column's codes, `missing` where the cell is empty."""
    codes = column.array.codes.astype(np.intp)
    codes[codes < 0] = missing
    return codes


def _text_column(part: Any, name: str, rows: int, known: _Known) -> _Column:
    """A text column (host, program, kind, instance, body): a categorical's
    categories made visible once, "" for a missing cell."""
    if name not in part:
        return _Column([""], np.zeros(rows, dtype=np.intp))
    column = part[name]
    if not isinstance(column.dtype, pd.CategoricalDtype):
        return _Column(visible_all(_texts(part, name, rows)), np.arange(rows))
    texts = _categories(
        column, ("text", name), known, lambda values: [*visible_all(list(map(str, values))), ""]
    )
    return _Column(texts, _codes(column, len(texts) - 1))


def _where(part: Any, rows: int, known: _Known, *, measuring: bool) -> _Column:
    """`source`'s basename:`line`, e.g. `messages:12`: a text per row.  The
    basenames are made visible once (line numbers need not be).  When
    measuring, each row's width is its basename's plus its line's digits, no
    text made (the widest is not the widest basename's: another source may
    have longer numbers)."""
    line = part.get("line")
    if line is not None and line.dtype.kind != "i":
        return _where_texts(part, rows)
    if "source" not in part:
        bases, codes = [":"], np.zeros(rows, dtype=np.intp)
    elif isinstance(part["source"].dtype, pd.CategoricalDtype):

        def make(values: list[Any]) -> list[str]:
            names = [str(v).rsplit("/", 1)[-1] for v in values]
            return [b + ":" for b in visible_all(names)] + [":"]

        bases = _categories(part["source"], ("where", "source"), known, make)
        codes = _codes(part["source"], len(bases) - 1)
    else:
        return _where_texts(part, rows)
    if line is None:
        return _Column(bases, codes)
    if not measuring:
        if line.hasnans:
            return _where_texts(part, rows)
        numbers = map(str, line.tolist())
        texts = list(map(str.__add__, map(bases.__getitem__, codes.tolist()), numbers))
        return _Column(texts, np.arange(rows))
    numbers = line.to_numpy(dtype=np.int64, na_value=0)
    if not all(map(str.isascii, bases)) or (numbers < 0).any():
        return _where_texts(part, rows)
    digits = np.maximum(np.searchsorted(_POWERS_OF_10, numbers, side="right"), 1)
    digits[line.isna().to_numpy(dtype=bool)] = 0
    sizes = np.fromiter(map(len, bases), dtype=np.int64, count=len(bases))[codes] + digits
    return _Column([], np.zeros(0, dtype=np.intp), int(sizes.max()) if rows else 0)


def _where_texts(part: Any, rows: int) -> _Column:
    """`_where` for any `source` and `line`, a text per row."""
    sources = _texts(part, "source", rows)
    basenames = {source: source.rsplit("/", 1)[-1] for source in set(sources)}
    lines = _values(part, "line", rows)
    where = [
        f"{basenames[s]}:{'' if n is None else n}" for s, n in zip(sources, lines, strict=True)
    ]
    return _Column(visible_all(where), np.arange(rows))


def _time_column(part: Any, rows: int) -> _Column:
    """ISO 8601 times, as `kalog events --format jsonl` writes them
    (`kalog.speed.isotime.iso_codes`, "" for NaT); each distinct time
    formatted once (a log has many lines per second)."""
    if "ts" not in part:
        return _Column([""], np.zeros(rows, dtype=np.intp))
    texts, codes = iso_codes(part["ts"], "")
    return _Column(texts, codes)  # type: ignore[arg-type]


def _fields_column(part: Any, names: list[str], rows: int, known: _Known) -> _Column:
    """`name=value` of each filled body field, in frame order, space-separated:
    written once per distinct combination of the fields' values in the slice
    (a kind of line fills the same few fields, with few distinct values)."""
    key = np.zeros(rows, dtype=np.int64)  # the row's combination, mixed radix
    bound = 1  # key < bound
    filled: list[tuple[np.ndarray, list[str]]] = []
    for name in names:
        if name not in part:
            continue
        codes, pieces = _field_codes(part, name, rows, known)
        if not codes.any():
            continue
        if bound * len(pieces) >= 1 << 62:
            key = pd.factorize(key)[0].astype(np.int64)
            bound = int(key.max()) + 1
        key = key * len(pieces) + codes
        bound *= len(pieces)
        filled.append((codes, pieces))
    combos, _ = pd.factorize(key)
    _, firsts = np.unique(combos, return_index=True)
    parts: list[list[str]] = [[] for _ in range(len(firsts))]
    for codes, pieces in filled:
        chosen = codes[firsts]
        combos_filled = np.flatnonzero(chosen)  # most fields are empty in most combinations
        for k, code in zip(combos_filled.tolist(), chosen[combos_filled].tolist(), strict=True):
            parts[k].append(pieces[code])
    return _Column(visible_all(list(map(" ".join, parts))), combos)


def _field_codes(part: Any, name: str, rows: int, known: _Known) -> tuple[np.ndarray, list[str]]:
    """(each row's index into `pieces`, 0 when empty; pieces: "" then each
    distinct `name=value`).  Values are grouped by equality only where equal
    values have one text (categories, integers, booleans, strings); other
    cells are written first and grouped by their text."""
    column = part[name]
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        pieces = _categories(
            column, ("field", name), known, lambda values: ["", *(f"{name}={v}" for v in values)]
        )
        return _codes(column, -1).astype(np.int64) + 1, pieces
    if dtype.kind in "iub" or isinstance(dtype, pd.StringDtype):
        if not column.count():
            return np.zeros(rows, dtype=np.int64), [""]
        codes, distinct = pd.factorize(column)
        # Python values, by the `tolist()` of the column's array type, as `_present`'s
        return codes.astype(np.int64) + 1, ["", *(f"{name}={v}" for v in distinct.tolist())]
    positions, values = _present(part, name)
    texts = np.array([f"{name}={v}" for v in values], dtype=object)
    found, distinct = pd.factorize(texts)
    codes = np.zeros(rows, dtype=np.int64)
    codes[positions] = found + 1
    return codes, ["", *distinct.tolist()]


def _present(part: Any, name: str) -> tuple[list[int], list[Any]]:
    """(row positions, Python values) of the column's filled cells: only those
    are boxed, most body fields are empty on most rows."""
    if name not in part:
        return [], []
    column = part[name]
    rows = np.flatnonzero(column.notna().to_numpy(dtype=bool))
    return rows.tolist(), column.iloc[rows].tolist()  # Python scalars (pandas' tolist)


def _values(part: Any, name: str, rows: int) -> list[Any]:
    """The column's cells as Python values, None where missing (or no such column)."""
    cells: list[Any] = [None] * rows
    for index, value in zip(*_present(part, name), strict=True):
        cells[index] = value
    return cells


def _texts(part: Any, name: str, rows: int) -> list[str]:
    return ["" if v is None else str(v) for v in _values(part, name, rows)]
