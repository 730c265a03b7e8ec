"""Plain-data views of an AnalysisResult shared by the machine formats.

Reports rely only on the model's timeline (`kalog.model.timeline`) being a
DataFrame or having `to_frame()`, and on its transitions
(`kalog.model.transitions`) being records that are dataclasses, mappings or
have `to_dict()`.  Everything is turned into JSON types here once:
timestamps as ISO 8601, durations as seconds, missing values as None.

A day of a busy fleet has hundreds of thousands of segments and transitions,
and converting them cell by cell (`to_frame()`, then `to_jsonable` per value)
costs seconds.  `timeline_table` and `transition_table` are the fast path for
the model's own `Timeline` and `Transition` objects: they read each object's
attributes once into columns, check each column's value types at C speed and
convert timestamps once per distinct second.  Their records are equal to
`timeline_records` / `to_jsonable(record(t))` (tests/speed/test_report_fast.py);
whenever a column holds a type whose conversion the slow path would change
(a float, a numpy scalar, an int column with gaps...) they return None and
the caller takes the slow path.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from operator import attrgetter
from typing import Any

import numpy as np
import orjson
import pandas as pd

from kalog.model.timeline import (
    SEGMENT_DICT_FIELDS,
    UNTIMED_BASE,
    Segment,
    Timeline,
    iso_or_none,
)
from kalog.model.transitions import Transition
from kalog.speed.isotime import whole_seconds

__all__ = [
    "Coded",
    "Table",
    "dumps_indented",
    "field_of",
    "record",
    "timeline_records",
    "timeline_table",
    "to_jsonable",
    "transition_table",
]


def to_jsonable(value: Any) -> Any:
    """`value` as JSON-serialisable data (recursively)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Enum):
        return to_jsonable(value.value)
    if isinstance(value, pd.Timestamp | datetime | date | np.datetime64):
        return None if pd.isna(value) else iso_or_none(pd.Timestamp(value))
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
    table = timeline_table(timeline)
    if table is not None:
        return table.records()
    if callable(getattr(timeline, "to_frame", None)):
        timeline = timeline.to_frame()
    if isinstance(timeline, pd.DataFrame):
        return frame_records(timeline)
    converted = to_jsonable(timeline)
    return converted if isinstance(converted, list) else [converted]


def dumps_indented(value: Any, *, allow_nan: bool = True) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, allow_nan=...)`, fast.

    With `indent` the standard library encodes in pure Python (seconds for a
    SARIF log of thousands of results).  orjson's OPT_INDENT_2 writes the
    same bytes for plain data: str-keyed dicts, lists, str, int, bool, None
    (same layout, same escapes with non-ASCII kept, same int text).  It
    writes floats differently (1e-06 as 1e-6), NaN as null, and accepts types
    the standard library refuses, so anything else goes to `json.dumps`.
    """
    if _plain(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
        except TypeError:  # lone surrogates, ints beyond 64 bits
            pass
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is dict:
        return all(type(k) is str for k in value) and all(map(_plain, value.values()))
    if kind is list:
        return all(map(_plain, value))
    return kind in PLAIN_SCALARS


#: The types `to_jsonable` returns unchanged.
PLAIN_SCALARS = frozenset({str, int, bool, type(None)})
_STR_OR_NONE = frozenset({str, type(None)})
_INT_OR_NONE = frozenset({int, type(None)})
_TIMESTAMP_OR_MISSING = frozenset({pd.Timestamp, type(pd.NaT), type(None)})


@dataclasses.dataclass(frozen=True)
class Table:
    """JSON records stored column by column: `keys[i]` names `columns[i]`.

    Every row has every key.  A column is a sequence of JSON-ready values, or
    a nested `Table` with `counts`: row i of the outer table owns the next
    `counts[i]` rows of the nested one, as the list of records under that key
    (evidence lines, for instance).  Writers can then handle a column at a
    time instead of a dict per row.
    """

    keys: list[str]
    columns: list[Sequence[Any] | Table]
    counts: Sequence[int] | None = None
    #: per column, the set of its values' types when the builder knows it
    #: (a writer needs it too; one pass less over a column)
    kinds: Sequence[frozenset[type] | None] | None = None

    def __len__(self) -> int:
        if not self.columns:
            return 0
        first = self.columns[0]
        return len(first.counts or ()) if isinstance(first, Table) else len(first)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts in key order (nested tables as lists of dicts)."""
        columns: list[Sequence[Any]] = []
        for column in self.columns:
            if isinstance(column, Table):
                inner = iter(column.records())
                column = [list(itertools.islice(inner, n)) for n in column.counts or ()]
            columns.append(column)
        return [dict(zip(self.keys, row, strict=True)) for row in zip(*columns, strict=True)]

    @classmethod
    def from_records(cls, records: Sequence[Any]) -> Table | None:
        """Dicts that all have the same str keys in the same order, as a table.

        A column whose values are all lists of such dicts becomes a nested
        table.  None when the records are not that regular.
        """
        if not records or _types(records) != {dict}:
            return None
        keys = list(records[0])
        shape = tuple(keys)
        if not keys or _types(keys) != {str} or any(tuple(r) != shape for r in records):
            return None
        columns: list[Sequence[Any] | Table] = []
        for key in keys:
            values = [r[key] for r in records]
            nested = None
            if _types(values) == {list}:
                flat = list(itertools.chain.from_iterable(values))
                nested = cls.from_records(flat)
                if nested is not None:
                    nested = dataclasses.replace(nested, counts=list(map(len, values)))
            columns.append(nested if nested is not None else values)
        return cls(keys, columns)


def _types(values: Sequence[Any]) -> set[type]:
    return set(map(type, values))


class Coded(Sequence[Any]):
    """A column kept as its distinct values and, per row, which one: `values[codes[i]]`.

    What `iso_seconds` returns: a day of segments has far fewer distinct
    seconds than segments, and the JSON writer encodes each distinct value
    once and lays the rows out from the codes, without a Python object per row.
    """

    def __init__(self, values: list[Any], codes: np.ndarray) -> None:
        self.values = values
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return self.tolist()[i]
        return self.values[self.codes[i]]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.tolist())

    def tolist(self) -> list[Any]:
        table = np.empty(len(self.values), dtype=object)
        table[:] = self.values
        return table[self.codes].tolist()


def iso_seconds(values: Sequence[Any]) -> Sequence[str | None]:
    """`pd.Timestamp(v).isoformat()` of each value (None for None/NaT), fast.

    Each distinct whole second of tz-naive timestamps is formatted once
    (`kalog.speed.isotime`; the result is then `Coded`); anything else (sub-second, time
    zones, years outside 1000-9999) goes through `isoformat` itself, so the
    text is the same either way.
    """
    if not values:
        return []
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError, OverflowError):
        index = None
    if index is None or index.tz is not None or bool((index.year == UNTIMED_BASE.year).any()):
        return [_iso_one(v) for v in values]  # (stand-in times of lines without one: None)
    texts_array, codes, odd = whole_seconds(index.values)
    texts: list[str | None] = texts_array.tolist()
    for i in np.flatnonzero(odd).tolist():
        codes[i] = len(texts)
        texts.append(_iso_one(values[i]))
    return Coded(texts, codes)


def _iso_one(value: Any) -> str | None:
    if value is None or value is pd.NaT:
        return None
    return iso_or_none(pd.Timestamp(value))


def _frame_column(
    values: Sequence[Any], types: frozenset[type], nullable_int: bool
) -> Sequence[Any] | None:
    """`values` (of `types`) as `frame_records` writes them after `pd.DataFrame`, or None.

    None when the frame would change the values (ints with gaps become floats,
    floats and numpy scalars are converted) or the type is not one handled.
    """
    if nullable_int:
        return values if types <= _INT_OR_NONE else None
    if types <= _STR_OR_NONE or types == {int} or types == {bool}:
        return values
    if types <= _TIMESTAMP_OR_MISSING:
        return iso_seconds(values)
    return None


#: Columns of `Timeline.to_frame()` that come from the instance, not the segment.
_INSTANCE_COLUMNS: dict[str, Callable[[Any], Any]] = {
    "host": attrgetter("host"),
    "instance": attrgetter("instance"),
    "vrid": attrgetter("vrid"),
    "cluster": lambda item: item.cluster or item.instance,
    "profile": attrgetter("profile"),
}


def timeline_table(timeline: Any) -> Table | None:
    """The model's `Timeline` as records equal to `frame_records(timeline.to_frame())`.

    None for anything but a `Timeline` whose segment fields hold the value
    types the frame keeps as they are (then use `timeline_records`).  The columns and
    their order are taken from `to_frame()` of the timeline without segments,
    so a column added there is either read here or sends us to the slow path.
    """
    if type(timeline) is not Timeline:
        return None
    template = dataclasses.replace(timeline, instances=[]).to_frame()
    instances = timeline.instances
    segments = [segment for item in instances for segment in item.segments]
    counts = [len(item.segments) for item in instances]
    segment_fields = {f.name for f in dataclasses.fields(Segment)}
    keys = [str(c) for c in template.columns]
    from_segments = [key for key in template.columns if key in segment_fields]
    by_name = dict(zip(from_segments, _attribute_columns(segments, from_segments), strict=True))
    columns: list[Sequence[Any] | Table] = []
    kinds: list[frozenset[type] | None] = []
    for key in template.columns:
        if key in by_name:
            values = by_name[key]
        elif key in _INSTANCE_COLUMNS:  # each instance's value, once per segment
            per_item = list(map(_INSTANCE_COLUMNS[key], instances))
            values = Coded(per_item, np.repeat(np.arange(len(instances)), counts))
            kind = frozenset(type(v) for v, n in zip(per_item, counts, strict=True) if n)
        else:
            return None
        if not isinstance(values, Coded):
            kind = frozenset(map(type, values))
        column = _frame_column(values, kind, nullable_int=template[key].dtype == "Int64")
        if column is None:
            return None
        columns.append(column)
        kinds.append(kind if column is values else None)
    return Table(keys, columns, kinds=kinds)


#: `Segment` fields of `Timeline.to_dict()`'s segment records, in order.
_DICT_SEGMENT_FIELDS = list(SEGMENT_DICT_FIELDS)


def instance_table(timeline: Any) -> Table | None:
    """`timeline.to_dict()["instances"]` as a table, the segments a nested one.

    Why: `kalog timeline --format json` on a busy day has hundreds of
    thousands of segments, and `to_dict()` builds a dict for each only for
    the writer to read them back column by column (~1.6 s on the dense
    benchmark file).  None for anything but a `Timeline` with segments (the
    records path writes those).
    """
    if type(timeline) is not Timeline:
        return None
    instances = timeline.instances
    segments = [segment for item in instances for segment in item.segments]
    if not segments:
        return None
    keys = [*_INSTANCE_COLUMNS, "segments"]
    # the keys to_dict() gives now, from one instance with one segment (not a
    # dict per segment of that instance, nor the runs and observations)
    first = next(item for item in instances if item.segments)
    sample = dataclasses.replace(first, segments=first.segments[:1])
    shown = dataclasses.replace(timeline, instances=[sample], runs=[], observations=[]).to_dict()
    shown = shown["instances"][0]
    if list(shown) != keys or list(shown["segments"][0]) != _DICT_SEGMENT_FIELDS:
        return None
    values = _attribute_columns(segments, _DICT_SEGMENT_FIELDS)
    columns: list[Sequence[Any]] = [
        iso_seconds(column) if name in ("start", "end") else column
        for name, column in zip(_DICT_SEGMENT_FIELDS, values, strict=True)
    ]
    nested = Table(list(_DICT_SEGMENT_FIELDS), columns, [len(item.segments) for item in instances])
    per_instance = [list(map(get, instances)) for get in _INSTANCE_COLUMNS.values()]
    return Table(keys, [*per_instance, nested])


def _attribute_columns(objects: Sequence[Any], names: Sequence[str]) -> list[Sequence[Any]]:
    """`[getattr(o, name) for o in objects]` for each name, reading each object once.

    The model's objects lie scattered over a big heap: one pass that takes all
    fields of an object is several times faster than a pass per field.
    """
    if not names:
        return []
    if not objects:
        return [() for _ in names]
    if len(names) == 1:
        return [list(map(attrgetter(names[0]), objects))]
    return list(zip(*map(attrgetter(*names), objects), strict=True))


#: `Transition.to_dict()`'s keys and the attributes they come from.
_TRANSITION_FIELDS = {
    "instance": "instance",
    "vrid": "vrid",
    "host": "host",
    "ts": "ts",
    "direction": "direction",
    "from": "from_state",
    "to": "to_state",
    "cause": "cause",
    "detail": "detail",
    "previous_master": "previous_master",
    "missing": "missing",
    "evidence": "evidence",
}


def transition_table(transitions: Sequence[Any]) -> Table | None:
    """The model's `Transition`s as records equal to `to_jsonable(record(t))`.

    That is `t.to_dict()`, whose values `to_jsonable` keeps when they are
    plain; None when a transition is of another type, `to_dict()` has other
    keys than the ones read here, or a value is not plain.
    """
    items = list(transitions)
    if not items or _types(items) != {Transition}:
        return None
    if list(items[0].to_dict()) != list(_TRANSITION_FIELDS):
        return None
    keys: list[str] = []
    columns: list[Sequence[Any] | Table] = []
    kinds: list[frozenset[type] | None] = []
    attributes = _attribute_columns(items, list(_TRANSITION_FIELDS.values()))
    for (key, name), values in zip(_TRANSITION_FIELDS.items(), attributes, strict=True):
        kind = frozenset(map(type, values))
        if name == "ts":
            if kind != {pd.Timestamp}:
                return None
            values = iso_seconds(values)
            kind = frozenset({str}) if isinstance(values, Coded) else frozenset(map(type, values))
        elif name == "evidence":
            pairs = list(itertools.chain.from_iterable(values))
            try:  # `to_dict` unpacks each as (source, line): the same two values
                sources, lines = zip(*pairs, strict=True) if pairs else ((), ())
            except (TypeError, ValueError):
                return None
            inner = [frozenset(map(type, sources)), frozenset(map(type, lines))]
            if not inner[0] | inner[1] <= PLAIN_SCALARS:
                return None
            counts = list(map(len, values))
            keys.append(key)
            columns.append(Table(["source", "line"], [sources, lines], counts, inner))
            kinds.append(None)
            continue
        elif not kind <= PLAIN_SCALARS:
            return None
        keys.append(key)
        columns.append(values)
        kinds.append(kind)
    return Table(keys, columns, kinds=kinds)
