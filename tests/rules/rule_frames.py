"""Build event frames with the contract's columns and dtypes from a few dicts.

Rule tests use it to state a case's events by hand (events.jsonl): each row
names only the fields a line would fill; everything else is missing, exactly
as in a parsed frame, so a rule is tested apart from the grammar.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from kalog.ingest.events import COLUMNS, KINDS, empty_frame


def make_events(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    rows = list(rows)
    if not rows:
        return empty_frame()
    unknown = {key for row in rows for key in row} - set(COLUMNS)
    if unknown:
        raise KeyError(f"not event columns: {sorted(unknown)}")
    frame = pd.DataFrame([{name: row.get(name) for name in COLUMNS} for row in rows])
    for name, dtype in COLUMNS.items():
        if name == "kind":
            frame[name] = pd.Categorical(frame[name], categories=list(KINDS))
        elif name == "ts":
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
        else:
            frame[name] = frame[name].astype(dtype)
    return frame


def read_jsonl(path: Path) -> pd.DataFrame:
    """A frame from an `events.jsonl` fixture: one JSON object per line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return make_events(json.loads(line) for line in lines if line.strip())
