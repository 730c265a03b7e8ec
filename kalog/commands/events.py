"""`kalog events`: parse logs into typed events and print or export them.

The first stage a user can see: every keepalived line as one typed row
(docs/events.md), so a wrong parse is visible before any rule relies on it.
`--unknown` keeps only the lines the body grammar did not recognise, the
list to read when a log is not fully understood.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) uses
from typing import IO, Any

import click

from kalog.commands.common import LogInputs, handle_errors, log_input_options

FORMATS = ("table", "jsonl", "csv", "parquet")
#: Columns the table shows as their own columns; other filled fields are
#: listed as `name=value` in "fields".
_TABLE_COLUMNS = ("ts", "host", "program", "kind", "instance")
_NOT_FIELDS = {*_TABLE_COLUMNS, "pid", "body", "source", "line", "raw", "wording"}
_SLICE = 20_000  # rows converted to Python values at once


@click.command("events")
@log_input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table: readable; jsonl: one JSON object per event; csv; parquet (needs -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write to FILE instead of stdout.",
)
@click.option("--unknown", is_flag=True, help="Only the keepalived lines not understood.")
@handle_errors
def events(inputs: LogInputs, fmt: str, output: str | None, unknown: bool) -> None:
    """Parse keepalived logs into typed events.

    PATH may be a plain, gzip, bzip2 or xz file (detected by content) or '-'
    for stdin; several inputs are merged in time order.  A summary goes to
    stderr.  Exit codes: 0 ok, 2 usage or input error.
    """
    if fmt == "parquet" and output in (None, "-"):
        raise click.UsageError("--format parquet writes binary data: give -o FILE")
    inputs.prestart()
    frame = inputs.read()
    if unknown:
        frame = frame[frame["kind"] == "unknown"].reset_index(drop=True)
    if fmt == "parquet":
        _write_parquet(frame, str(output))
    elif output in (None, "-"):
        _write(frame, fmt, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            _write(frame, fmt, handle)
    inputs.exit()


def _write(frame: Any, fmt: str, out: IO[str]) -> None:
    if fmt == "jsonl":
        out.writelines(jsonl_lines(frame))
    elif fmt == "csv":
        from pandas import NaT

        export = frame.copy()
        export["ts"] = [None if t is NaT else t.isoformat() for t in frame["ts"]]
        export.to_csv(out, index=False, lineterminator="\n")
    else:
        _write_table(frame, out)


def iter_records(frame: Any) -> Iterator[dict[str, Any]]:
    """One JSON-ready dict per event: frame column names, ISO `ts`, nulls omitted.

    `source` and `line` are always present (they locate the event).
    """
    columns = list(frame.columns)
    # column by column (iterating rows of arrow-backed columns boxes each cell
    # slowly), a slice of rows at a time (a million rows as lists would be GBs)
    for start in range(0, len(frame), _SLICE):
        part = frame.iloc[start : start + _SLICE]
        values = [part[name].astype(object).tolist() for name in columns]
        yield from _records(columns, values)


def jsonl_lines(frame: Any) -> Iterator[str]:
    """`json.dumps(record, ensure_ascii=False) + "\\n"` for each of `iter_records(frame)`.

    Why not that: a million events are thirty million cells, each boxed to
    a Python value and then encoded (20 s on the dense benchmark).  Here
    each column's distinct values are encoded once into `"name": value`
    fragments and each line joins its row's non-empty fragments - the same
    text (tests/test_events_cli.py compares both on real logs).
    """
    columns = list(frame.columns)
    for start in range(0, len(frame), _SLICE):
        part = frame.iloc[start : start + _SLICE]
        fragments = [_fragments(name, part[name]) for name in columns]
        for row in zip(*fragments, strict=True):
            yield "{" + ", ".join(filter(None, row)) + "}\n"


def _fragments(name: str, column: Any) -> list[str | None]:
    """`"name": <json>` per cell of `column`; None where `_records` omits the field.

    Each distinct value goes through `_records` itself, so both writers
    apply the same rules (missing values, ISO times, numpy scalars).
    """
    import numpy as np
    import pandas as pd

    key = json.dumps(name) + ": "
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    cells = [*uniques.tolist(), None]  # the last one stands for code -1: a missing cell
    encoded = [key + _encode(r[name]) if r else None for r in _records([name], [cells])]
    return np.array(encoded, dtype=object)[codes].tolist()


def _encode(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`, without building an encoder per call."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _records(columns: list[str], values: list[list[Any]]) -> Iterator[dict[str, Any]]:
    from pandas import NA, NaT  # not at the top: pandas loads after reading starts

    for row in zip(*values, strict=True):
        record: dict[str, Any] = {}
        for name, value in zip(columns, row, strict=True):
            if value is None or value is NA or value is NaT:
                if name in ("source", "line"):
                    record[name] = None
                continue
            if isinstance(value, float) and math.isnan(value):
                continue
            if name == "ts":
                value = value.isoformat()
            elif hasattr(value, "item"):  # numpy scalars -> int / bool
                value = value.item()
            record[name] = value
        yield record


def _write_parquet(frame: Any, path: str) -> None:
    frame = frame.copy()
    frame.attrs = {}  # stats hold lists of messages; keep the file's metadata small
    frame.to_parquet(path, index=False)


def _fields_text(row: dict[str, Any]) -> str:
    parts = []
    for name, value in row.items():
        if name in _NOT_FIELDS or value is None:
            continue
        parts.append(f"{name}={value}")
    return " ".join(parts)


def _write_table(frame: Any, out: IO[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from kalog.console import make_console, visible

    width = None if getattr(out, "isatty", lambda: False)() else 200
    console = make_console(file=out, width=width)
    table = Table(box=None, pad_edge=False, show_edge=False, header_style=None)
    for title in ("where", "ts", "host", "program", "kind", "instance", "fields", "body"):
        table.add_column(title, overflow="fold")
    for record in iter_records(frame):
        where = f"{record['source'].rsplit('/', 1)[-1]}:{record['line']}"
        cells = [
            where,
            record.get("ts", ""),
            record.get("host", ""),
            record.get("program", ""),
            record.get("kind", ""),
            record.get("instance", ""),
            _fields_text(record),
            record.get("body", ""),
        ]
        table.add_row(*(Text(visible(c)) for c in cells))
    console.print(table)
