"""ISO 8601 text of naive timestamps, written once per distinct second.

Why: reports and `kalog events` write a time per segment, transition or
event, and `pd.Timestamp.isoformat()` per value costs microseconds each;
a dense day has a million of them but far fewer distinct seconds.  For a
whole second of a year 1000-9999 numpy's `datetime_as_string` writes the
same text as `isoformat()`; the other stamps are marked for the caller to
write itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_YEAR_1000 = np.datetime64("1000-01-01T00:00:00", "s")
_YEAR_9999 = np.datetime64("9999-12-31T23:59:59", "s")


def whole_seconds(stamps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(texts, codes, odd) for tz-naive datetime64 `stamps` (any unit).

    `texts[codes[i]]` is `Timestamp.isoformat()` of stamp i unless `odd[i]`:
    NaT, a fraction of a second, or a year outside 1000-9999.  Stamps in
    time order (a log's) need no sort to find the distinct seconds.
    """
    seconds = stamps.astype("datetime64[s]")
    ticks = seconds.view(np.int64)
    if (ticks[1:] >= ticks[:-1]).all():
        change = np.empty(len(ticks), dtype=bool)
        change[:1] = True
        np.not_equal(ticks[1:], ticks[:-1], out=change[1:])
        distinct = seconds[change]
        codes = np.cumsum(change) - 1
    else:
        distinct, where = np.unique(seconds, return_inverse=True)
        codes = where.reshape(-1)
    odd = np.isnat(stamps) | (stamps != seconds) | (seconds < _YEAR_1000) | (seconds > _YEAR_9999)
    return np.datetime_as_string(distinct, unit="s"), codes.astype(np.int64), odd


def iso_texts(times: Any, missing: str | None) -> list[str | None]:
    """`Timestamp.isoformat()` of each of `times` (a pandas datetime column,
    naive or tz-aware, any fraction), `missing` for NaT; each distinct time
    formatted once.  The general case of `whole_seconds`, for writers that
    take a slice of rows at a time (the events table, CSV)."""
    import pandas as pd

    codes, distinct = pd.factorize(times)
    texts = [t.isoformat() for t in distinct] + [missing]  # code -1 (NaT): the last
    return [texts[c] for c in codes.tolist()]
