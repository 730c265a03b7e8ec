"""Writers of the event frame (`kalog events`): table, jsonl, csv, parquet.

The frame is written a slice of rows at a time (`_SLICE`), so a million
events print in the memory of the frame.  A frame read without its lines'
text (`read_events(keep_raw=False)`) gets each slice's `raw` from `texts`
(`kalog.ingest.refetch.SliceTexts`) just before the slice is written, so
the text of only one slice is held.  jsonl is assembled from Arrow
buffers, each distinct value encoded once, and is exactly what
`json.dumps` gives for `iter_records` (tests/test_events_cli.py).  The
table is `kalog.report.events_table`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) uses
from typing import IO, Any

FORMATS = ("table", "jsonl", "csv", "parquet")
_SLICE = 16_384  # rows turned into Python values or JSON text at once (bounds memory)
#: Rows per parquet row group, each written as soon as its text is filled in.
_PARQUET_SLICE = 1 << 16

#: Fills in a slice's `raw` (`kalog.ingest.refetch.SliceTexts`); None: the frame has it.
Texts = Callable[[Any], Any] | None


def write_events(frame: Any, fmt: str, output: str | None, texts: Texts = None) -> None:
    """Write `frame` in `fmt` to the file `output` (None or "-": stdout).

    texts: called on each slice of rows before it is written, returns it
    with its `raw` filled in (the table shows no `raw`: not called).
    """
    if fmt == "parquet":
        _write_parquet(frame, str(output), texts)
    elif fmt == "jsonl" and output not in (None, "-"):
        with open(output, "wb") as binary:  # the blocks are the UTF-8 text already
            binary.writelines(jsonl_blocks(frame, texts))
    elif output in (None, "-"):
        _write(frame, fmt, sys.stdout, texts)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            _write(frame, fmt, handle, texts)


def _write(frame: Any, fmt: str, out: IO[str], texts: Texts) -> None:
    if fmt == "jsonl":
        for block in jsonl_blocks(frame, texts):
            out.write(str(block, "utf-8"))
    elif fmt == "csv":
        _write_csv(frame, out, texts)
    else:
        _write_table(frame, out)


def _slices(
    frame: Any, rows: int, texts: Texts, *, exact: bool = False
) -> Iterator[tuple[int, Any]]:
    """(first row, the frame's rows from it) for each slice of up to `rows` rows, text filled in.

    `frame` may be `kalog.ingest.stream.Windows` (`kalog events`: the
    windows read back one by one), sliced as the frame they make when
    `exact` (a writer whose output shows its slices), else within each
    window (`kalog.ingest.stream.row_slices`).
    """
    from kalog.ingest.stream import row_slices

    for start, part in row_slices(frame, rows, exact=exact):
        yield start, part if texts is None else texts(part)


def _head(frame: Any) -> Any:
    """The frame's columns and dtypes, no rows (of a frame or of `Windows`)."""
    import pandas as pd

    return frame.iloc[:0] if isinstance(frame, pd.DataFrame) else frame.head


def _write_csv(frame: Any, out: IO[str], texts: Texts = None) -> None:
    """Every column, `ts` in ISO 8601, a slice of rows at a time.

    Why slices: a copy of the whole frame for the `ts` text (and pandas'
    writer over it) held a second frame: the dense benchmark file took
    21.7 s and 884 MB.  Each distinct time is formatted once.
    """
    from kalog.speed.isotime import iso_texts

    written = False
    for start, part in _slices(frame, _SLICE, texts):
        part = part.copy()
        part["ts"] = iso_texts(part["ts"], None)  # NaT: an empty cell
        part.to_csv(out, index=False, header=start == 0, lineterminator="\n")
        written = True
    if not written:  # the header alone
        _head(frame).to_csv(out, index=False, lineterminator="\n")


def iter_records(frame: Any) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict per event: frame column names, ISO `ts`, nulls omitted.

    `source` and `line` are always present (they locate the event).
    """
    columns = list(frame.columns)
    # column by column (iterating rows of arrow-backed columns boxes each cell
    # slowly), a slice of rows at a time (a million rows as lists would be GBs)
    for _start, part in _slices(frame, _SLICE, None):
        values = [part[name].astype(object).tolist() for name in columns]
        yield from _records(columns, values)


def jsonl_blocks(frame: Any, texts: Texts = None) -> Iterator[memoryview]:
    """The UTF-8 JSON lines of `frame`, many lines per block.

    Their text is `json.dumps(record, ensure_ascii=False) + "\\n"` for each
    of `iter_records(frame)` (tests/test_events_cli.py compares both on real
    logs).  Why not that: a million events are thirty million cells, each
    boxed to a Python value and then encoded (20 s on the dense benchmark).

    Here a slice of rows is written by one Arrow `take`: a pool of strings
    holds each column's JSON values (`_Cells`) and the few glue pieces
    (`"{"`, `, "name": "`, closing quotes and braces), and numpy works out,
    per row, which pool entries follow each other.  The taken array's data
    buffer is then the slice's text.
    """
    import pyarrow as pa

    columns = list(frame.columns)
    glue = _Glue(columns)
    # the categorical columns' values encoded once for all the slices that
    # share them (a frame's slices all do; `Windows`' those of one window)
    encoded: dict[str, tuple[Any, _Cells | None]] = {}

    def categories(name: str, column: Any) -> _Cells | None:
        seen = encoded.get(name)
        if seen is None or seen[0] is not column.dtype:
            seen = encoded[name] = (column.dtype, _categories(column))
        return seen[1]

    for _start, part in _slices(frame, _SLICE, texts):
        cells = [_cells(name, part[name], categories(name, part[name])) for name in columns]
        pool = pa.concat_arrays([glue.pool, *(c.texts for c in cells)])
        lines = pool.take(glue.order(cells, len(part)))
        del part, cells, pool  # only one slice's arrays alive at a time: memory
        yield _data(lines)
        del lines


_CLOSES = 3


class _Glue:
    """The glue pieces between a row's values, and the order of all pieces.

    A field is two pieces: its prefix (what ends the previous field, the
    separator or the opening brace, the key, an opening quote for a string)
    and its value; a row ends with a closing piece.  The prefix depends on
    the row's previous field, so every variant is in the pool:
    `prefix[c][after][quoted]` with `after` 0 (first field), 1 (after an
    unquoted value) or 2 (after a string, whose closing quote it writes).
    """

    def __init__(self, columns: list[str]) -> None:
        import pyarrow as pa

        leads = ("{", ", ", '", ')
        texts = ["{}\n", "}\n", '"}\n']  # the row's end, by `after`: _CLOSES entries
        for name in columns:
            key = json.dumps(name) + ": "
            texts += [lead + key + quote for lead in leads for quote in ("", '"')]
        self.pool = pa.array(texts, pa.large_string())

    def order(self, cells: list[_Cells], rows: int) -> Any:
        """Pool positions of each row's pieces, row after row (`cells` as pool offsets)."""
        import numpy as np

        counts = np.ones(rows, dtype=np.int64)
        for cell in cells:
            counts += 2 * (cell.index >= 0)
        position = np.zeros(rows, dtype=np.int64)  # of each row's next piece
        np.cumsum(counts[:-1], out=position[1:])
        order = np.empty(int(counts.sum()), dtype=np.int64)
        after = np.zeros(rows, dtype=np.int64)
        offset = len(self.pool)
        for c, cell in enumerate(cells):
            present = np.flatnonzero(cell.index >= 0)
            where = position[present]
            quoted = cell.quoted[present] if cell.quoted is not None else 0
            order[where] = _CLOSES + 6 * c + 2 * after[present] + quoted
            order[where + 1] = cell.index[present] + offset
            position[present] += 2
            after[present] = 1 + quoted
            offset += len(cell.texts)
        order[position] = after  # the row's end
        return order


@dataclasses.dataclass
class _Cells:
    """One column of a slice as pool entries."""

    #: JSON texts of its values (Arrow large_string; strings without their quotes)
    texts: Any
    #: per row, its entry in `texts` (numpy int64); -1 where the record omits the field
    index: Any
    #: per row, whether its entry is written between quotes (numpy bool); None: never
    quoted: Any = None


def _categories(column: Any) -> _Cells | None:
    """The JSON texts of a categorical column's categories (None: not one, or
    not all strings); `_cells` then writes each row by its code.

    Why: the frame's text columns are categorical (`kalog.ingest.events`);
    a category's text is the string's, so each is encoded once for the
    whole frame instead of once per slice per distinct value.
    """
    import pandas as pd
    import pyarrow as pa

    if not isinstance(column.dtype, pd.CategoricalDtype):
        return None
    values = column.cat.categories.tolist()
    if not all(type(value) is str for value in values):
        return None
    return _strings(pa.array(values, pa.large_string()))


def _cells(name: str, column: Any, categories: _Cells | None = None) -> _Cells:
    """The JSON text of each cell of `column`, as `_records` + `_encode` write it.

    Strings, ints and booleans are taken as Arrow holds them (`_encode`
    writes the same digits and `true`/`false`; strings are quoted, and the
    few that need escapes go through `encode_basestring`); whole-second
    times, naive or tz-aware, are written once per distinct second by
    numpy (`_iso_seconds`); anything else (categories, floats, objects...)
    once per distinct value through `_records` itself, so both writers apply the
    same rules.  `source` and `line` are never omitted: missing, they are
    written `null`.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = None
    if categories is not None:  # each row's category's text; a missing cell is omitted
        lookup = np.append(categories.index, -1)  # code -1 (missing) picks the -1
        index = lookup[column.cat.codes.to_numpy()]
        cells = _Cells(categories.texts, index, index >= 0)
    array = None if cells is not None else _arrow(column)
    if cells is not None or array is None:
        pass
    elif pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        cells = _strings(array.cast(pa.large_string()))
    elif pa.types.is_integer(array.type) or pa.types.is_boolean(array.type):
        cells = _Cells(pc.cast(array.drop_null(), pa.large_string()), _valid_index(array, True))
    if cells is None and column.dtype.kind == "M":  # naive or tz-aware times
        cells = _iso_seconds(column)
    if cells is None:
        cells = _distinct(name, column)
    if name in ("source", "line"):  # never omitted
        _null_when_missing(cells)
    return cells


def _null_when_missing(cells: _Cells) -> None:
    """Write missing cells as `null` (what `_records` keeps for `source` and `line`)."""
    import pyarrow as pa

    missing = cells.index < 0
    if missing.any():
        cells.index[missing] = len(cells.texts)
        null = pa.array(["null"], pa.large_string())
        cells.texts = pa.concat_arrays([cells.texts, null])


def _data(strings: Any) -> memoryview:
    """The UTF-8 text of all strings of a large_string array without nulls, concatenated."""
    import numpy as np

    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int64)
    first, last = int(offsets[strings.offset]), int(offsets[strings.offset + len(strings)])
    data = strings.buffers()[2]
    return memoryview(data)[first:last] if data is not None else memoryview(b"")


def _arrow(column: Any) -> Any:
    """The pandas column as one Arrow array (no copy for Arrow-backed ones), or None.

    Only for the dtypes whose cells `_records` writes as Arrow holds them:
    numpy ints and bools, pandas' nullable ints, booleans, strings and
    naive datetimes.  Object columns (whose cells may be anything) are not taken.
    """
    import pandas as pd
    import pyarrow as pa

    dtype = column.dtype
    taken = (
        isinstance(dtype, pd.StringDtype | pd.BooleanDtype | pd.core.arrays.integer.IntegerDtype)
        or dtype.kind in "iub"
        or (dtype.kind == "M" and not isinstance(dtype, pd.DatetimeTZDtype))
    )
    if not taken:
        return None
    array = pa.array(column)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _valid_index(array: Any, dropped: bool = False) -> Any:
    """Each cell's position in `array` (in `array.drop_null()` if `dropped`); -1 at nulls."""
    import numpy as np

    if not array.null_count:
        return np.arange(len(array), dtype=np.int64)
    valid = array.is_valid().to_numpy(zero_copy_only=False)
    if dropped:
        index = np.full(len(array), -1, dtype=np.int64)
        index[valid] = np.arange(np.count_nonzero(valid))
    else:
        index = np.arange(len(array), dtype=np.int64)
        index[~valid] = -1
    return index


def _strings(array: Any) -> _Cells:
    """A large_string array as quoted cells.

    Most log text needs no escape at all: a string is written between
    quotes as it is unless its bytes hold a control character, a quote or a
    backslash; those few strings (found by numpy in the array's data buffer)
    go through `encode_basestring` itself and are added to the entries.
    """
    import numpy as np
    import pyarrow as pa

    rows = len(array)
    index = _valid_index(array)
    quoted = index >= 0
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + rows + 1
    ]
    data = array.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return _Cells(array, index, quoted)
    raw = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    special = np.flatnonzero((raw < 0x20) | (raw == 0x22) | (raw == 0x5C))
    if len(special):
        odd = np.unique(np.searchsorted(offsets, special + offsets[0], side="right") - 1)
        escaped = [encode_basestring(text)[1:-1] for text in array.take(odd).to_pylist()]
        index[odd] = rows + np.arange(len(odd))
        array = pa.concat_arrays([array, pa.array(escaped, pa.large_string())])
    return _Cells(array, index, quoted)


def _iso_seconds(column: Any) -> _Cells | None:
    """`Timestamp.isoformat()` of a datetime column, naive or tz-aware; None
    unless all whole seconds.

    Each distinct second is written once (`kalog.speed.isotime`); sub-second
    times, years outside 1000-9999 and offsets that are not whole minutes
    are left to `_distinct`.
    """
    import pyarrow as pa

    from kalog.speed.isotime import column_seconds

    texts, index, odd = column_seconds(column)
    missing = column.isna().to_numpy()
    if (odd & ~missing).any():
        return None
    index[missing] = -1
    return _Cells(pa.array(texts, pa.large_string()), index, index >= 0)


def _distinct(name: str, column: Any) -> _Cells:
    """Each distinct value encoded once through `_records` (texts with their quotes)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    try:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        cells = [*uniques.tolist(), None]  # the last one stands for code -1: a missing cell
    except TypeError:  # unhashable values: each cell is its own
        cells = [*column.astype(object).tolist(), None]
        codes = np.arange(len(column))
    texts = [_encode(r[name]) if r else None for r in _records([name], [cells])]
    index = np.where(codes < 0, len(cells) - 1, codes).astype(np.int64)
    omitted = [i for i, text in enumerate(texts) if text is None]
    if omitted:
        index[np.isin(index, omitted)] = -1
    return _Cells(pa.array(texts, pa.large_string()), index)


def _encode(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`, without building an encoder per call."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _records(columns: list[str], values: list[list[Any]]) -> Iterator[dict[str, Any]]:
    from pandas import NA, NaT  # not at the top: pandas loads after reading starts

    for row in zip(*values, strict=True):
        record: dict[str, Any] = {}
        for name, value in zip(columns, row, strict=True):
            if value is None or value is NA or value is NaT:
                if name in ("source", "line"):
                    record[name] = None
                continue
            if isinstance(value, float) and math.isnan(value):
                continue
            if name == "ts":
                value = value.isoformat()
            elif hasattr(value, "item"):  # numpy scalars -> int / bool
                value = value.item()
            record[name] = value
        yield record


def _write_parquet(frame: Any, path: str, texts: Texts = None) -> None:
    """The frame as a parquet file, its text columns as strings, a row group
    (`_PARQUET_SLICE` rows) at a time.

    The frame's text columns are categorical (`kalog.ingest.events`), a
    choice of memory; the file keeps the schema it had before (strings,
    `kind` a dictionary, pandas' metadata: that of the frame's columns as
    strings, `_parquet_schema`), so readers of earlier files read these
    alike.  Why row groups written one by one: `texts` fills in the text of
    one group at a time, and neither the strings nor Arrow's copy of a
    million rows are held at once.  Each group's categorical columns are
    decoded to strings by Arrow (pandas' `astype("string")` per group took
    1.5 s per million rows).  A column in chunks (a group across two of
    `Windows`' frames) is joined first: the writer's pages follow the
    chunks, and the file would differ from the whole frame's.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(_head(frame))

    def group(part: Any) -> Any:
        columns = []
        for f in schema:
            array = pa.array(part[f.name])
            if isinstance(array, pa.ChunkedArray):
                array = array.combine_chunks()
            columns.append(array.cast(f.type))
        return pa.Table.from_arrays(columns, schema=schema)

    with pq.ParquetWriter(path, schema) as writer:
        written = False
        for _start, part in _slices(frame, _PARQUET_SLICE, texts, exact=True):
            writer.write_table(group(part))
            written = True
        if not written:  # no rows: one empty group, as the schema's
            writer.write_table(group(_head(frame)))


def _parquet_schema(head: Any) -> Any:
    """The Arrow schema of the parquet file: the frame's (`head`: its columns, no
    rows), its text columns strings."""
    import pyarrow as pa

    from kalog.ingest.events import TEXT_CATEGORIES

    head = head.copy()
    for name in TEXT_CATEGORIES:
        if name in head.columns:
            head[name] = head[name].astype("string")
    head.attrs = {}  # stats hold lists of messages; keep the file's metadata small
    return pa.Table.from_pandas(head, preserve_index=False).schema


def _write_table(frame: Any, out: IO[str]) -> None:
    """The readable table (kalog.report.events_table), as wide as the terminal,
    200 columns in a pipe or a file."""
    import shutil

    from kalog.report.events_table import table_lines

    on_terminal = getattr(out, "isatty", lambda: False)()
    width = shutil.get_terminal_size().columns if on_terminal else 200
    for line in table_lines(frame, width):
        out.write(line + "\n")
