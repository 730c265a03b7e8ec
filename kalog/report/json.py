"""`--format json`: the whole result as one JSON document.

Shape (stable; consumers script against it)::

    {"summary": {...}, "timeline": [...], "transitions": [...],
     "findings": [{"rule", "name", "severity", "host", "instance", "start",
                   "end", "message", "evidence": [{"source", "line"}]}],
     "rules": [{"rule", "name", "status", "severity", "reason", "findings"}]}

Times are ISO 8601 strings, durations seconds, missing values null.  Log
text stays as it is: JSON escaping already makes control characters inert.

The text is exactly `json.dumps(build(result), indent=2, ensure_ascii=False,
allow_nan=False) + "\\n"`, written faster.  `indent` makes the standard
library use its pure-Python encoder, a few calls per value: some 20 s for a
day of a busy fleet.  Here the record lists go column by column
(`kalog.report._data.Table`): each column's values are encoded with the very
functions `json` uses (its `encode_basestring`, `int.__repr__`; distinct
values once), and the rows are then joined from the key texts and value
texts.  Values that are not str/int/bool/None (floats, odd nested data) are
written by `json.dumps` itself and indented to their depth, so the bytes are
the standard library's either way.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

import numpy as np

from kalog.check.analysis import AnalysisResult
from kalog.report._data import (
    PLAIN_SCALARS,
    Coded,
    Table,
    instance_table,
    record,
    timeline_records,
    timeline_table,
    to_jsonable,
    transition_table,
)
from kalog.speed.gc_pause import gc_paused

#: Rows joined into one piece of text: bounds the temporary row strings.
CHUNK = 5000
INDENT = "  "


def build(result: AnalysisResult) -> dict[str, Any]:
    """The document as plain data (what `dumps` writes)."""
    doc = {
        "summary": to_jsonable(result.summary),
        "timeline": timeline_records(result.timeline),
        "transitions": [to_jsonable(record(t)) for t in result.transitions],
        "findings": [f.to_dict() for f in result.findings],
        "rules": [s.to_dict() for s in result.rule_statuses],
    }
    if result.fleet is not None:
        for item, transition in zip(doc["transitions"], result.transitions, strict=True):
            item["cluster"] = result.fleet.cluster_of(getattr(transition, "host", None))
        for item, finding in zip(doc["findings"], result.findings, strict=True):
            item["cluster"] = result.fleet.cluster_of(finding.host)
        doc["clusters"] = [row.to_dict() for row in result.fleet.rows]
    return doc


def dumps(result: AnalysisResult) -> str:
    with gc_paused():
        return "".join(chunks(result))


def chunks(result: AnalysisResult) -> Iterator[str]:
    """The text of `dumps(result)` in pieces, in order."""
    sections: list[tuple[str, Callable[[], Table | list[Any]]]] = [
        ("timeline", lambda: _timeline(result)),
        ("transitions", lambda: _transitions(result)),
        ("findings", lambda: _findings(result)),
        ("rules", lambda: [s.to_dict() for s in result.rule_statuses]),
    ]
    if result.fleet is not None:
        sections.append(("clusters", lambda: [row.to_dict() for row in result.fleet.rows]))
    yield '{\n  "summary": '
    yield _dumps(to_jsonable(result.summary), 1)
    for name, make in sections:
        yield f',\n  "{name}": '
        data = make()
        table = data if isinstance(data, Table) else Table.from_records(data)
        if table is None:
            yield _dumps(data, 1)
        else:
            yield from _list(table, 1)
    yield "\n}\n"


def write_indented(value: Any, out: Any) -> None:
    """`out.write(json.dumps(value, indent=2, ensure_ascii=False))`, never holding the text.

    Why: with an indent, `json.dumps` runs the pure-Python encoder and keeps
    every piece of the document (millions of small strings) until it joins
    them: 1.7 GB and ~7 s for `kalog timeline --format json` on the dense
    benchmark file.  Here each entry of a dict is written in turn: a list of
    regular records of plain values (`Table.from_records`) by the column
    writer of the report, anything else by the json module's own encoder,
    piece by piece.  The text is the same.  An entry may also be a `Table`
    already: it is written as the records it stands for.
    """
    if not isinstance(value, dict) or not value or any(type(key) is not str for key in value):
        _write_encoded(value, out, 0)
        return
    for i, (key, item) in enumerate(value.items()):
        out.write(("{" if i == 0 else ",") + "\n" + INDENT + encode_basestring(key) + ": ")
        table = Table.from_records(item) if isinstance(item, list) else item
        if isinstance(table, Table) and _plain(table):
            out.writelines(_list(table, 1))
        else:
            _write_encoded(table.records() if isinstance(table, Table) else item, out, 1)
    out.write("\n}")


def timeline_document(timeline: Any) -> dict[str, Any]:
    """`kalog timeline --format json`'s document for `write_indented`.

    `timeline.to_dict()` plus "transitions" (each `Transition.to_dict()`),
    with the two long lists as column tables read straight from the model's
    objects (`instance_table`, `transition_table`) where they can be: the
    same text, without a dict per segment and per change of master.
    """
    instances = instance_table(timeline)
    if instances is None:
        doc = timeline.to_dict()
    else:
        doc = dataclasses.replace(timeline, instances=[]).to_dict()
        doc["instances"] = instances
    transitions = transition_table(timeline.transitions)
    doc["transitions"] = (
        transitions if transitions is not None else [t.to_dict() for t in timeline.transitions]
    )
    return doc


def _write_encoded(value: Any, out: Any, level: int) -> None:
    """`_dumps(value, level)` (with NaN allowed, as json.dumps) written in batches."""
    pieces = json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(value)
    newline = "\n" + INDENT * level  # JSON strings hold no raw newline: only the layout's
    while batch := list(itertools.islice(pieces, CHUNK)):
        text = "".join(batch)
        out.write(text.replace("\n", newline) if level else text)


def _plain(table: Table) -> bool:
    """True when every value is a str, int, bool or None: what `_list` writes as json.dumps.

    (Floats are left to the json module: `_list` refuses NaN, json.dumps writes it.)
    """
    return all(
        _plain(column) if isinstance(column, Table) else set(map(type, column)) <= PLAIN_SCALARS
        for column in table.columns
    )


def _timeline(result: AnalysisResult) -> Table | list[Any]:
    table = timeline_table(result.timeline)
    return table if table is not None else timeline_records(result.timeline)


def _transitions(result: AnalysisResult) -> Table | list[Any]:
    table = transition_table(result.transitions)
    if result.fleet is None:
        return table if table is not None else [to_jsonable(record(t)) for t in result.transitions]
    # the fleet view: each change's cluster of hosts, last (kalog.fleet.view)
    clusters = [result.fleet.cluster_of(getattr(t, "host", None)) for t in result.transitions]
    if table is None:
        items = [to_jsonable(record(t)) for t in result.transitions]
        return [{**item, "cluster": c} for item, c in zip(items, clusters, strict=True)]
    kinds = list(table.kinds) if table.kinds is not None else [None] * len(table.keys)
    return dataclasses.replace(
        table,
        keys=[*table.keys, "cluster"],
        columns=[*table.columns, clusters],
        kinds=[*kinds, frozenset(map(type, clusters))],
    )


def _findings(result: AnalysisResult) -> list[Any]:
    items = [f.to_dict() for f in result.findings]
    if result.fleet is not None:
        for item, finding in zip(items, result.findings, strict=True):
            item["cluster"] = result.fleet.cluster_of(finding.host)
    return items


def _dumps(value: Any, level: int) -> str:
    """`value` as `json.dumps(indent=2)` writes it nested `level` deep."""
    text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    return text.replace("\n", "\n" + INDENT * level) if level else text


def _list(table: Table, level: int) -> Iterator[str]:
    """The table's rows as a JSON list nested `level` deep, in pieces."""
    if not len(table):
        yield "[]"
        return
    yield "[\n" + INDENT * (level + 1)
    separator = ",\n" + INDENT * (level + 1)
    rows = _records(table, level + 1)
    for n, chunk in enumerate(iter(lambda: list(itertools.islice(rows, CHUNK)), [])):
        if n:
            yield separator
        yield separator.join(chunk)
    yield "\n" + INDENT * level + "]"


def _records(table: Table, level: int) -> Iterator[str]:
    """Each row as a JSON object nested `level` deep."""
    inner = "\n" + INDENT * (level + 1)
    parts: list[Any] = []
    kinds = table.kinds or [None] * len(table.columns)
    for i, (key, column, kind) in enumerate(zip(table.keys, table.columns, kinds, strict=True)):
        head = ("{" if i == 0 else ",") + inner + encode_basestring(key) + ": "
        parts.append(itertools.repeat(head))
        parts.append(_column(column, level + 1, kind))
    parts.append(itertools.repeat("\n" + INDENT * level + "}"))
    return map("".join, zip(*parts, strict=False))  # (the repeats are endless)


def _column(
    column: Sequence[Any] | Table, level: int, kinds: frozenset[type] | None = None
) -> Iterable[str]:
    """The text of each value of a column (of types `kinds`) nested `level` deep, in order.

    Made as the rows are written (`map`), not all at once: a text per
    number (a line, a priority) held ~50 bytes a row for the whole report
    (~90 MB per such column of a dense 10M-line log's segments).
    """
    if isinstance(column, Table):
        return _grouped(column, level)
    if not column:
        return []
    if isinstance(column, Coded):  # plain scalars (str, int, bool, None): each written once
        texts = np.empty(len(column.values), dtype=object)
        texts[:] = [_scalar(value) for value in column.values]
        return texts[column.codes].tolist()  # (shared strings: a pointer a row)
    if kinds is None:
        kinds = frozenset(map(type, column))
    if kinds == {int}:
        return map(int.__repr__, column)
    if not kinds <= PLAIN_SCALARS or {int, bool} <= kinds:  # (True == 1 as a dict key)
        return (_dumps(value, level) for value in column)
    # each distinct value encoded once; the column then shares those strings
    distinct = set(column)
    if kinds == {str}:
        text = dict(zip(distinct, map(encode_basestring, distinct), strict=True))
    else:
        text = {value: _scalar(value) for value in distinct}
    return map(text.__getitem__, column)


def _scalar(value: str | int | bool | None) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    return encode_basestring(value)


def _grouped(nested: Table, level: int) -> list[str]:
    """Each outer row's list of nested records, as a JSON list nested `level` deep."""
    items = _records(nested, level + 1)
    opening = "[\n" + INDENT * (level + 1)
    separator = ",\n" + INDENT * (level + 1)
    closing = "\n" + INDENT * level + "]"
    return [
        opening + separator.join(itertools.islice(items, count)) + closing if count else "[]"
        for count in nested.counts or ()
    ]
