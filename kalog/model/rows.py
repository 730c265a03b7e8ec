"""Events as plain Python values, converted once per column, only for the rows read.

The replay and the transition explainer walk events one at a time in Python
(`row.get("instance")`), so they need rows that answer like mappings.
Converting the whole frame with `DataFrame.to_dict("records")` boxes every
cell of every row - seconds and gigabytes on a dense log with a million
events, of which most (GARP, VIP and housekeeping lines) no handler reads.
Reading pandas per row (`.iloc`, `Series.__getitem__`, iterating an Arrow
string column) is slower still.

`EventColumns` factorizes each column once (codes per row + the distinct
values as Python objects, so equal strings are one object) and then makes
value lists for any subset of row positions with one numpy take.  A
`RowTable` holds such lists for the rows a stage reads, built column by
column on first use, and its `Row`s are views into them: no dict per row.
Values are what `frame.astype(object).where(frame.notna(), None)` gives:
`str`, `int`, `bool`, `pd.Timestamp`, and None for a missing value; `kind`
is a `str`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kalog.ingest.events import column_codes


def times_ns(ts: pd.Series) -> np.ndarray:
    """A datetime Series as int64 nanoseconds (UTC for aware times), NaT as int64 min."""
    if len(ts) == 0:
        return np.zeros(0, dtype=np.int64)
    array = ts.array
    if isinstance(array, pd.arrays.DatetimeArray) and array.unit == "ns":
        # the column's own int64 buffer, read-only: `dt.as_unit("ns")` copied
        # it even when already in ns (8 MB per million rows, held by the
        # replay's columns and again by the rules' context)
        view = array.asi8.view()
        view.flags.writeable = False
        return view
    return np.asarray(ts.dt.as_unit("ns").array.asi8, dtype=np.int64)


def seconds_between(start_ns: Any, end_ns: Any) -> Any:
    """`(end - start).total_seconds()` for two times in int nanoseconds (or int64 arrays
    of them: numpy's `//` and `%` floor as Python's do, so each element is the same float).

    Why: building a Timedelta per pair is what made loops over segments
    slow.  pandas computes a nanosecond Timedelta's total_seconds as the
    whole seconds plus the nanosecond remainder divided by 1e9; this is the
    same arithmetic on Python ints, so the float is bit for bit the same
    (tests/speed/test_rules_speed.py pins it against pandas).
    """
    delta = end_ns - start_ns
    return delta // 1_000_000_000 + (delta % 1_000_000_000) / 1e9


class EventColumns:
    """Row positions -> Python values for the columns of an events frame.

    Each column is factorized the first time it is asked for, so the replay
    and the transition explainer can share one instance and pay for each
    column once.  `ts` is kept as the frame's datetime array and boxed into
    `pd.Timestamp`s only for the positions asked, once per distinct time
    (a log at 1-second resolution repeats each time many times), and
    `times` gives int64 nanoseconds.
    """

    def __init__(self, events: pd.DataFrame, names: Iterable[str] | None = None) -> None:
        self.events = events
        self.length = len(events)
        wanted = events.columns if names is None else names
        self.names = [name for name in wanted if name in events.columns]
        self._present = frozenset(events.columns)
        self._codes: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}
        self._ts = events["ts"].array if "ts" in events.columns else None
        self._times: np.ndarray | None = None
        self._plain: dict[str, tuple[np.ndarray, np.ndarray | None] | None] = {}

    def plain_ints(self, name: str) -> tuple[np.ndarray, np.ndarray | None] | None:
        """An integer column as (int64 values, missing mask or None); None for other dtypes.

        Why: `values` reads such a column by position without factorizing
        it.  `line` holds a distinct value per row, and boxing a million
        distinct ints for the few rows read cost half a second on a dense
        log; the pids and the others are cheaper but only a few rows of them
        are read.  `tolist` gives the same Python ints as the factorized
        values, and a missing value is None as there.
        """
        if name not in self._plain:
            column = self.events[name]
            dtype = column.dtype
            if isinstance(dtype, np.dtype) and dtype.kind in "iu":
                self._plain[name] = (column.to_numpy(), None)
            elif pd.api.types.is_integer_dtype(dtype) and dtype.kind == "i":  # Int64 & co.
                array = column.array
                data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
                if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray):
                    # the masked array's own buffers, not copies: a dense log's
                    # million rows held 9 MB per column read (values under the
                    # mask are never read: `values` puts None there)
                    self._plain[name] = (data, mask)
                else:
                    mask = np.asarray(column.isna(), dtype=bool)
                    self._plain[name] = (column.to_numpy(dtype=np.int64, na_value=0), mask)
            else:
                self._plain[name] = None
        return self._plain[name]

    def _load(self, name: str) -> None:
        # a categorical's own codes (`column_codes`): the distinct values may
        # then be in category order and include one no row has; no reader
        # depends on either (they look codes up by value, or group rows by code)
        codes, uniques = column_codes(self.events[name])
        values = np.empty(len(uniques) + 1, dtype=object)
        values[: len(uniques)] = pd.Series(uniques).astype(object).tolist()
        values[-1] = None  # code -1 (missing) indexes the last slot
        # a categorical's codes are already this narrow: the frame's own array,
        # not a copy (~1 MB per column per million rows, ~16 MB on dense 1M)
        self._codes[name] = codes.astype(_code_dtype(len(uniques)), copy=False)
        self._values[name] = values

    def __contains__(self, name: str) -> bool:
        return name in self._present

    def codes(self, name: str) -> np.ndarray:
        """Per row, the index of its value among the column's distinct values (-1: missing)."""
        if name not in self._codes:
            self._load(name)
        return self._codes[name]

    def distinct(self, name: str) -> np.ndarray:
        """The column's distinct values (object array), indexed by `codes`; the last is None."""
        self.codes(name)
        return self._values[name]

    def value_of(self, name: str, code: int) -> Any:
        return self.distinct(name)[code]

    def codes_where(self, name: str, wanted: Iterable[Any]) -> list[int]:
        """The codes of the column's distinct values that are in `wanted`."""
        chosen = set(wanted)
        return [code for code, value in enumerate(self.distinct(name)[:-1]) if value in chosen]

    def where_in(self, name: str, wanted: Iterable[Any]) -> np.ndarray:
        """Per row, whether its value is in `wanted` (a missing value never is).

        `np.isin(codes(name), codes_where(name, wanted))`, as one lookup of
        each row's code in a table of its distinct values: numpy's `isin`
        took ~7 ms on a million int8 codes, the lookup ~2 ms, and the
        replay and its helpers ask it of the whole frame a dozen times.
        """
        chosen = np.zeros(len(self.distinct(name)), dtype=bool)  # the last slot: missing
        chosen[self.codes_where(name, wanted)] = True
        return chosen[self.codes(name)]

    def isna(self, name: str) -> np.ndarray:
        if name == "ts" and self._ts is not None:
            return np.asarray(pd.isna(self._ts))
        return self.codes(name) < 0

    @property
    def times(self) -> np.ndarray:
        """`ts` as int64 nanoseconds (UTC for aware times); NaT as int64 min."""
        if self._times is None:
            # (no copy: a Series made from the array copies it, 8 MB per million rows)
            self._times = times_ns(pd.Series(self._ts, copy=False))
        return self._times

    def ts_at(self, position: int) -> Any:
        return self.values("ts", [int(position)])[0]

    def values(self, name: str, positions: np.ndarray | Sequence[int]) -> list[Any]:
        """The column's values at `positions`, in that order."""
        if name not in self._present:
            return [None] * len(positions)
        positions = np.asarray(positions, dtype=np.intp)
        if name == "ts" and self._ts is not None:
            return self._timestamps(positions)
        if name not in self._codes and (plain := self.plain_ints(name)) is not None:
            data, mask = plain
            if mask is None:
                return data[positions].tolist()
            # Python ints with None at the missing places, without a Python
            # loop over them (most rows miss a priority or a pid)
            boxed = data[positions].astype(object)
            boxed[mask[positions]] = None
            return boxed.tolist()
        return self.distinct(name)[self.codes(name)[positions]].tolist()

    def _timestamps(self, positions: np.ndarray) -> list[Any]:
        """`ts` boxed at `positions`: each distinct time boxed once, NaT as None.

        Equal to boxing every position (`array.take(positions).astype(object)`):
        the boxes of equal times are equal, and one is shared.
        """
        if not len(positions):
            return []
        distinct, first, inverse = np.unique(
            self.times[positions], return_index=True, return_inverse=True
        )
        boxed = np.empty(len(distinct), dtype=object)
        boxed[:] = [
            None if value is pd.NaT else value
            for value in self._ts.take(positions[first]).astype(object)
        ]
        return boxed[inverse.reshape(-1)].tolist()

    def records(
        self, positions: np.ndarray | Sequence[int], names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """One dict per position with every named column (None when missing)."""
        names = [n for n in (names if names is not None else self.names) if n in self.names]
        columns = [self.values(name, positions) for name in names]
        return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]

    def sparse_records(
        self, positions: np.ndarray | Sequence[int], names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        """Like `records`, but missing values are left out (`row.get` still says None).

        For rows kept for a while (window look-ups): a typical event fills a
        third of the columns, and a dict without the empty ones is smaller.
        """
        names = [n for n in (names if names is not None else self.names) if n in self.names]
        columns = [self.values(name, positions) for name in names]
        return [
            {key: value for key, value in zip(names, row, strict=True) if value is not None}
            for row in zip(*columns, strict=True)
        ]


class PickedColumn(Sequence[Any]):
    """A column's values at a table's positions, each boxed when read.

    `column[i]` is `columns.values(name, positions)[i]`: the same object for
    a factorized column (its distinct value), an equal Python int for an
    integer one, None where missing (`name` is a column of the frame).

    Why: a table over a quarter of a dense log's rows held a list per
    column read, 8 bytes a row (more for ints: a boxed int each), though
    the reader looks at a few rows of it; here a read costs a few index
    operations on views of the frame's own arrays.
    """

    __slots__ = ("_codes", "_data", "_mask", "_positions", "_values")

    def __init__(self, columns: EventColumns, name: str, positions: np.ndarray) -> None:
        self._positions = memoryview(np.ascontiguousarray(positions, dtype=np.intp))
        self._codes: memoryview | None = None
        self._values: list[Any] = [None]
        self._data: memoryview | None = None
        self._mask: memoryview | None = None
        if name not in columns._codes and (plain := columns.plain_ints(name)) is not None:
            data, mask = plain
            self._data = memoryview(np.ascontiguousarray(data))  # its own width: no copy
            if mask is not None:
                self._mask = memoryview(np.ascontiguousarray(mask))
        else:
            self._codes = memoryview(columns.codes(name))
            self._values = columns.distinct(name).tolist()

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index: Any) -> Any:
        if not isinstance(index, int):
            return [self[i] for i in range(len(self))[index]]
        position = self._positions[index]
        if self._codes is not None:
            return self._values[self._codes[position]]  # code -1: the last slot, None
        if self._mask is not None and self._mask[position]:
            return None
        return self._data[position]  # type: ignore[index]


class _ColumnLists(dict[str, list[Any]]):
    """name -> the column's values at the table's positions, made on first use."""

    def __init__(self, columns: EventColumns, positions: np.ndarray) -> None:
        super().__init__()
        self.columns = columns
        self.positions = positions

    def __missing__(self, name: str) -> list[Any]:
        values = self.columns.values(name, self.positions)
        self[name] = values
        return values


class _PickedColumns(_ColumnLists):
    """name -> a `PickedColumn` (a list for the `listed` names, `ts` and a
    column the frame lacks), made on first use."""

    def __init__(
        self, columns: EventColumns, positions: np.ndarray, listed: frozenset[str]
    ) -> None:
        super().__init__(columns, positions)
        self.listed = listed

    def __missing__(self, name: str) -> Sequence[Any]:  # type: ignore[override]
        if name in self.listed or name == "ts" or name not in self.columns:
            return super().__missing__(name)
        values = self[name] = PickedColumn(self.columns, name, self.positions)
        return values


class RowTable:
    """The events at `positions` (in that order), as Python lists per column.

    A column is converted the first time any row reads it, for all the
    table's rows at once; a column the frame lacks reads as None.

    picked: columns read at only a few of the rows (the transition
    explainer's index reads a window's lines) are `PickedColumn`s instead of
    lists, except the `listed` ones: the same values, each made when read.
    """

    __slots__ = ("columns", "lists", "positions")

    def __init__(
        self,
        columns: EventColumns,
        positions: np.ndarray | Sequence[int],
        *,
        picked: bool = False,
        listed: Iterable[str] = (),
    ) -> None:
        self.columns = columns
        self.positions = np.asarray(positions, dtype=np.intp)
        self.lists = (
            _PickedColumns(columns, self.positions, frozenset(listed))
            if picked
            else _ColumnLists(columns, self.positions)
        )

    def __len__(self) -> int:
        return len(self.positions)

    def column(self, name: str) -> list[Any]:
        return self.lists[name]

    def row(self, index: int) -> Row:
        return Row(self.lists, index)

    def rows(self, start: int = 0, stop: int | None = None) -> list[Row]:
        lists = self.lists
        return [Row(lists, index) for index in range(start, len(self) if stop is None else stop)]


class Row:
    """One event of a `RowTable`, read like the row dict it replaces.

    `row.get(name)` and `row[name]` give the value, None when missing (as
    the dicts of `EventColumns.records` do).
    """

    __slots__ = ("_index", "_lists")

    def __init__(self, lists: dict[str, list[Any]], index: int) -> None:
        self._lists = lists
        self._index = index

    def __getitem__(self, name: str) -> Any:
        return self._lists[name][self._index]

    def get(self, name: str, default: Any = None) -> Any:
        value = self._lists[name][self._index]
        return default if value is None else value

    def to_dict(self, names: Iterable[str]) -> dict[str, Any]:
        """The named values that are not missing (what `sparse_records` gives)."""
        return {name: value for name in names if (value := self[name]) is not None}

    def __repr__(self) -> str:
        return f"Row({self._index})"


def _code_dtype(count: int) -> type[np.signedinteger]:
    if count < 2**7 - 1:
        return np.int8
    if count < 2**15 - 1:
        return np.int16
    return np.int32 if count < 2**31 - 1 else np.int64
