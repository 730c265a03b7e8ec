"""Plain-data views of an AnalysisResult shared by the machine formats.

The model's timeline and transitions are the lead's types; reports only rely
on them being a DataFrame (or having `to_frame()`) and records that are
dataclasses, mappings or have `to_dict()`.  Everything is turned into JSON
types here once: timestamps as ISO 8601, durations as seconds, missing
values as None.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["field_of", "record", "timeline_records", "to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """`value` as JSON-serialisable data (recursively)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, pd.Timestamp | datetime | date | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    if isinstance(value, pd.Timedelta | timedelta | np.timedelta64):
        return None if pd.isna(value) else pd.Timedelta(value).total_seconds()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, int):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.DataFrame):
        return frame_records(value)
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | pd.Series | np.ndarray):
        return [to_jsonable(v) for v in value]
    return to_jsonable(record(value)) if _is_record(value) else str(value)


def _is_record(value: Any) -> bool:
    return (
        dataclasses.is_dataclass(value)
        or callable(getattr(value, "to_dict", None))
        or hasattr(value, "__dict__")
    )


def record(value: Any) -> dict[str, Any]:
    """A transition-like record as a dict of its fields (not yet JSON-converted)."""
    if isinstance(value, Mapping):
        return dict(value)
    if callable(getattr(value, "to_dict", None)):
        return dict(value.to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "_asdict"):
        return dict(value._asdict())
    return {k: v for k, v in vars(value).items() if not k.startswith("_")}


def field_of(value: Any, name: str, default: Any = None) -> Any:
    """One field of a record, whatever its shape; missing values as `default`."""
    got = value.get(name, default) if isinstance(value, Mapping) else getattr(value, name, default)
    try:
        if got is not None and not isinstance(got, list | tuple | dict) and pd.isna(got):
            return default
    except (TypeError, ValueError):
        pass
    return got


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    return [
        {col: to_jsonable(v) for col, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def timeline_records(timeline: Any) -> list[Any]:
    """The timeline as a list of JSON records (segments)."""
    if timeline is None:
        return []
    if callable(getattr(timeline, "to_frame", None)):
        timeline = timeline.to_frame()
    if isinstance(timeline, pd.DataFrame):
        return frame_records(timeline)
    converted = to_jsonable(timeline)
    return converted if isinstance(converted, list) else [converted]
