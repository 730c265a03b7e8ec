"""kalog.speed.isotime: numpy's text of each distinct second is `isoformat()`'s;
odd stamps are marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kalog.speed.isotime import column_seconds, iso_texts, whole_seconds

STAMPS = [
    "2024-08-25T15:21:35",
    "2024-08-25T15:21:35",
    "2024-08-25T15:21:36",
    "2024-12-31T23:59:59",
    "2025-01-01T00:00:00",
]


@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 2, 0, 3, 1]], ids=["in order", "shuffled"])
def test_texts_are_isoformat_once_per_second(order: list[int]) -> None:
    stamps = pd.to_datetime([STAMPS[i] for i in order]).to_numpy(dtype="datetime64[ns]")
    texts, codes, odd = whole_seconds(stamps)
    assert not odd.any()
    assert len(texts) == 4
    assert [texts[c] for c in codes] == [pd.Timestamp(s).isoformat() for s in stamps]


def test_odd_stamps_are_marked() -> None:
    stamps = np.array(
        ["2024-08-25T15:21:35", "NaT", "2024-08-25T15:21:35.250", "0999-01-01T00:00:00"],
        dtype="datetime64[us]",  # (nanoseconds cannot hold the year 999)
    )
    texts, codes, odd = whole_seconds(stamps)
    assert odd.tolist() == [False, True, True, True]
    assert texts[codes[0]] == "2024-08-25T15:21:35"


#: zones with offsets of either sign, half hours, and both DST changes
ZONES = ["UTC", "Europe/Paris", "America/New_York", "America/St_Johns", "Asia/Kolkata"]


@pytest.mark.parametrize("zone", ZONES)
def test_aware_texts_are_isoformat(zone: str) -> None:
    """Wall-clock seconds and UTC offsets: the texts `isoformat()` writes,
    through both of 2024's DST changes in the zones that have them."""
    utc = pd.Series(
        pd.date_range("2024-03-09", "2024-03-11", freq="17min", tz="UTC").append(
            pd.date_range("2024-10-26", "2024-11-04", freq="13min", tz="UTC")
        )
    )
    for times in (utc.dt.tz_convert(zone), utc.dt.tz_convert(zone).sample(frac=1, random_state=1)):
        texts, codes, odd = column_seconds(times)
        assert not odd.any()
        assert [texts[c] for c in codes] == [t.isoformat() for t in times]
        assert iso_texts(times, None) == [t.isoformat() for t in times]


def test_odd_aware_stamps_are_marked_and_written_by_isoformat() -> None:
    """NaT, fractions and offsets that are not whole minutes (Amsterdam's
    +00:19:32 of 1900) are odd; `iso_texts` writes them with `isoformat()`."""
    times = pd.Series(
        pd.to_datetime(
            ["1900-06-01 12:00:00", None, "2024-08-25 15:21:35.250", "2024-08-25 15:21:35"],
            format="ISO8601",
        ).tz_localize("Europe/Amsterdam")
    )
    _texts, _codes, odd = column_seconds(times)
    assert odd.tolist() == [True, True, True, False]
    assert iso_texts(times, "-") == [
        times[0].isoformat(),
        "-",
        "2024-08-25T15:21:35.250000+02:00",
        "2024-08-25T15:21:35+02:00",
    ]
