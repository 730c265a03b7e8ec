"""ISO 8601 text of timestamps, written once per distinct second.

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


def column_seconds(times: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`whole_seconds` of a pandas datetime column (a Series), naive or tz-aware.

    An aware time's `isoformat()` is its wall-clock time in its zone and
    its UTC offset (`2024-10-27T02:10:00+02:00`): the wall-clock times'
    texts get the offsets' suffixes, each distinct (second, offset) written
    once.  Why: with --tz or a log's own offsets, every time is aware, and
    `isoformat()` per distinct second was most of `kalog events`' extra
    time for them.  Odd too: an offset that is not whole minutes (a zone's
    local mean time before 1900...), which `isoformat()` writes otherwise.
    """
    zone = getattr(times.dtype, "tz", None)
    if zone is None:
        return whole_seconds(times.to_numpy())
    local = times.dt.tz_localize(None).to_numpy()
    utc = times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    texts, codes, odd = whole_seconds(local)
    missing = np.isnat(local)
    offsets = np.where(missing, 0, (local - utc).astype("timedelta64[s]").view(np.int64))
    odd |= offsets % 60 != 0
    distinct, which = np.unique(offsets, return_inverse=True)
    suffixes = np.array([_suffix(int(seconds)) for seconds in distinct.tolist()])
    if len(distinct) == 1:
        return np.char.add(texts, suffixes[0]), codes, odd
    keys, codes = np.unique(codes * len(distinct) + which.reshape(-1), return_inverse=True)
    texts = np.char.add(texts[keys // len(distinct)], suffixes[keys % len(distinct)])
    return texts, codes.reshape(-1).astype(np.int64), odd


def _suffix(seconds: int) -> str:
    """A UTC offset as `isoformat()` ends an aware time: `+02:00`, `-03:30`."""
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso_codes(times: Any, missing: str | None) -> tuple[list[str | None], np.ndarray]:
    """(distinct texts, each time's index into them): `Timestamp.isoformat()`
    of each of `times` (a pandas column, naive or tz-aware, any fraction),
    `missing` for NaT.  Whole seconds by `column_seconds`, each other
    distinct time (and every value of a column that is not of datetimes)
    formatted once.  For writers that take a slice of rows at a time (CSV,
    the events table)."""
    import pandas as pd

    if times.dtype.kind == "M":
        seconds, codes, odd = column_seconds(times)
        texts: list[str | None] = seconds.tolist()
        at = np.flatnonzero(odd)
    else:
        texts, codes, at = [], np.zeros(len(times), dtype=np.int64), np.arange(len(times))
    if len(at):
        found, distinct = pd.factorize(times.iloc[at])
        others = [t.isoformat() for t in distinct] + [missing]  # code -1 (NaT): the last
        codes[at] = np.where(found < 0, len(others) - 1, found) + len(texts)
        texts += others
    return texts, codes


def iso_texts(times: Any, missing: str | None) -> list[str | None]:
    """Each row's text of `iso_codes`."""
    texts, codes = iso_codes(times, missing)
    return [texts[c] for c in codes.tolist()]
