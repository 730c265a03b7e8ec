"""`kalog events --format table`: the events as aligned plain text, streamed.

Why not a rich `Table`: rich lays a table out with all its rows in memory
and spends ~1.4 ms per row doing it.  20k events took 28 s and 325 MB, and
the dense benchmark file's million events had not finished after 10
minutes, at 5.7 GB.  Here a first pass measures each column over the whole
frame, a slice of rows at a time (C-level `len` over each column's list),
and a second pass writes the rows a slice at a time: the memory of one
slice, ~20 microseconds per row (the 10M-line benchmark file's 100k events
in ~3 s, the dense file's million in ~23 s after reading).

The layout follows the rich table it replaces: the header row, then one
row per event, columns two spaces apart, cells folded at word boundaries
(inside a word when it is longer than the column) when the table is
wider than the output.  The free-text columns give way first: `body`, then `fields`,
the wider of the two narrowed first, down to `MIN_WIDTH`.  Lines carry
no trailing spaces.  Cell text goes through `kalog.console.visible_all`,
so terminal escapes in a log line are shown as text, never sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from rich.cells import cell_len, chop_cells

from kalog.console import visible_all
from kalog.ingest.stream import row_slices
from kalog.speed.isotime import iso_texts

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


def table_lines(frame: Any, width: int) -> Iterator[str]:
    """The table's lines (without newlines) for an output `width` columns wide."""
    sizes = [cell_len(h) for h in HEADERS]
    for cells in _slices(frame):
        for i, column in enumerate(cells):
            if column:
                sizes[i] = max(sizes[i], _widest(column))
    widths = _fit(sizes, width)
    yield _line(HEADERS, widths)
    gap = " " * GAP
    for cells in _slices(frame):
        ascii_ = all(all(map(str.isascii, column)) for column in cells)
        for row in zip(*cells, strict=True):
            if ascii_ and all(len(c) <= w for c, w in zip(row, widths, strict=True)):
                yield gap.join(map(str.ljust, row, widths)).rstrip()  # the usual row
            else:
                yield from _row_lines(row, widths)


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


def _slices(frame: Any) -> Iterator[list[list[str]]]:
    """The table's cells, a slice of rows at a time: one list of texts per column."""
    columns = list(frame.columns)
    fields = [name for name in columns if name not in NOT_FIELDS]
    basenames: dict[Any, str] = {}
    for _start, part in row_slices(frame, SLICE, exact=False):
        rows = len(part)
        sources = _texts(part, "source", rows)
        for source in set(sources):
            if source not in basenames:
                basenames[source] = source.rsplit("/", 1)[-1]
        lines = _values(part, "line", rows)
        where = [
            f"{basenames[s]}:{'' if n is None else n}" for s, n in zip(sources, lines, strict=True)
        ]
        cells = [
            visible_all(where),
            _times(part, rows),
            *(visible_all(_texts(part, name, rows)) for name in ("host", "program", "kind")),
            visible_all(_texts(part, "instance", rows)),
            visible_all(_fields(part, fields, rows)),
            visible_all(_texts(part, "body", rows)),
        ]
        yield cells


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


def _times(part: Any, rows: int) -> list[str | None]:
    """ISO 8601 times, as `kalog events --format jsonl` writes them; each
    distinct time formatted once (a log has many lines per second)."""
    if "ts" not in part:
        return [""] * rows
    return iso_texts(part["ts"], "")


def _fields(part: Any, names: list[str], rows: int) -> list[str]:
    """`name=value` of each filled body field, in frame order, space-separated."""
    parts: list[list[str]] = [[] for _ in range(rows)]
    for name in names:
        for index, value in zip(*_present(part, name), strict=True):
            parts[index].append(f"{name}={value}")
    return [" ".join(p) for p in parts]
