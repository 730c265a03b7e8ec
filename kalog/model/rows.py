"""Events as plain Python rows, built only for the rows a stage looks at.

The replay and the transition explainer walk events one at a time in Python
(`row.get("instance")`), so they need rows as mappings.  Converting the
whole frame with `DataFrame.to_dict("records")` boxes every cell of every
row - seconds and gigabytes on a dense log with a million events, of which
most (GARP, VIP and housekeeping lines) no handler reads.

`EventColumns` factorizes each column once (codes per row + the distinct
values as Python objects, so equal strings are one object) and then makes
value lists or row dicts for any subset of row positions cheaply.  Values are
what `frame.astype(object).where(frame.notna(), None)` gives: `str`, `int`,
`bool`, `pd.Timestamp`, and None for a missing value; `kind` is a `str`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd


class EventColumns:
    """Row positions -> Python values for the columns of an events frame.

    Each column is factorized the first time it is asked for, so the replay
    and the transition explainer can share one instance and pay for each
    column once.  `ts` is kept as the frame's datetime array (a million
    distinct times would make a million Timestamp objects): its values are
    boxed for the positions asked, and `times` gives int64 nanoseconds.
    """

    def __init__(self, events: pd.DataFrame, names: Iterable[str] | None = None) -> None:
        self.events = events
        self.length = len(events)
        wanted = events.columns if names is None else names
        self.names = [name for name in wanted if name in events.columns]
        self._codes: dict[str, np.ndarray] = {}
        self._values: dict[str, np.ndarray] = {}
        self._ts = events["ts"].array if "ts" in events.columns else None
        self._times: np.ndarray | None = None

    def _load(self, name: str) -> None:
        codes, uniques = pd.factorize(self.events[name], use_na_sentinel=True)
        values = np.empty(len(uniques) + 1, dtype=object)
        values[: len(uniques)] = pd.Series(uniques).astype(object).tolist()
        values[-1] = None  # code -1 (missing) indexes the last slot
        self._codes[name] = codes.astype(_code_dtype(len(uniques)))
        self._values[name] = values

    def codes(self, name: str) -> np.ndarray:
        """Per row, the index of its value among the column's distinct values (-1: missing)."""
        if name not in self._codes:
            self._load(name)
        return self._codes[name]

    def value_of(self, name: str, code: int) -> Any:
        self.codes(name)
        return self._values[name][code]

    def isna(self, name: str) -> np.ndarray:
        if name == "ts" and self._ts is not None:
            return np.asarray(pd.isna(self._ts))
        return self.codes(name) < 0

    @property
    def times(self) -> np.ndarray:
        """`ts` as int64 nanoseconds (UTC for aware times); NaT as int64 min."""
        if self._times is None:
            series = pd.Series(self._ts)
            self._times = np.asarray(series.dt.as_unit("ns").array.asi8, dtype=np.int64)
        return self._times

    def ts_at(self, position: int) -> Any:
        return self.values("ts", [int(position)])[0]

    def values(self, name: str, positions: np.ndarray | Sequence[int]) -> list[Any]:
        """The column's values at `positions`, in that order."""
        if name not in self.events.columns:
            return [None] * len(positions)
        if name == "ts" and self._ts is not None:
            taken = self._ts.take(np.asarray(positions, dtype=np.intp))
            return [None if value is pd.NaT else value for value in taken.astype(object)]
        codes = self.codes(name)
        return self._values[name][codes[positions]].tolist()

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


def _code_dtype(count: int) -> type[np.signedinteger]:
    if count < 2**7 - 1:
        return np.int8
    if count < 2**15 - 1:
        return np.int16
    return np.int32 if count < 2**31 - 1 else np.int64
