"""kalog.speed.isotime: numpy's text of each distinct second is `isoformat()`'s;
odd stamps are marked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kalog.speed.isotime import whole_seconds

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
