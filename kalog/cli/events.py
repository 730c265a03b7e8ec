"""`kalog events`: parse logs into typed events and print or export them.

The first stage a user can see: every keepalived line as one typed row
(docs/events.md), so a wrong parse is visible before any rule relies on it.
`--unknown` keeps only the lines the body grammar did not recognise, the
list to read when a log is not fully understood; `--kind` and `--template`
pick the lines of some kinds or keepalived formats (the catalogue's ids,
docs/events.md), and `--count` says how many lines each format typed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from kalog.cli.common import LogInputs, handle_errors, log_input_options
from kalog.cli.output import check_output, choose_format
from kalog.ingest.kinds import KINDS

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from kalog.ingest.stream import EventStream, Windows
    from kalog.model.window import Window

#: `kalog.report.events.FORMATS` (a test keeps them equal), named here so that
#: building the options imports no pandas: the reading children are forked
#: after it (`LogInputs.prestart`), and every import before delays them
FORMATS = ("table", "jsonl", "csv", "parquet")


@click.command("events")
@log_input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="table: readable (default); jsonl: one JSON object per event; csv; parquet "
    "(needs -o).  Without it, -o's extension chooses (.jsonl, .csv, .parquet, .txt).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write to FILE instead of stdout.",
)
@click.option("--unknown", is_flag=True, help="Only the keepalived lines not understood.")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(KINDS, case_sensitive=False),
    help="Only lines of this kind (repeatable): enter_state, checker, bfd ... (docs/events.md).",
)
@click.option(
    "--template",
    "templates",
    multiple=True,
    metavar="ID",
    help="Only lines typed by this catalogue format (repeatable); an id ending in '.' "
    "is a prefix: 'ipwrapper.' is every format of keepalived's ipwrapper.c.",
)
@click.option(
    "--count",
    is_flag=True,
    help="Count the lines per kind and format instead of listing them (text, or jsonl).",
)
@handle_errors
def events(
    inputs: LogInputs,
    fmt: str | None,
    output: str | None,
    unknown: bool,
    kinds: tuple[str, ...],
    templates: tuple[str, ...],
    count: bool,
) -> None:
    """Parse keepalived logs into typed events.

    PATH may be a plain, gzip, bzip2 or xz file (detected by content) or '-'
    for stdin; several inputs are merged in time order.  A summary goes to
    stderr.  Exit codes: 0 ok, 2 usage or input error.
    """
    fmt, _ = choose_format("events", fmt, output, "table")
    check_output(output)
    if fmt == "parquet" and output in (None, "-"):
        raise click.UsageError("--format parquet writes binary data: give -o FILE")
    inputs.prestart()
    from kalog.ingest import refetch
    from kalog.report.events import write_events

    # inputs each in time order: read once into windows spooled on disk, and
    # written a window at a time, merged (`kalog.ingest.stream`): bounded memory
    stream = inputs.stream(need_typed=not unknown)
    if stream is not None:
        try:
            rows = _stream_rows(inputs, stream, unknown, kinds, templates)
            if count:
                _write_counts(rows, fmt, output)
            else:
                write_events(rows, fmt, output)
        finally:
            stream.close()
        inputs.exit()
        return
    # else the whole frame; the lines' text is read back a slice at a time as it is written
    # (`kalog.ingest.refetch.SliceTexts`), not held for every row
    frame = inputs.read(need_typed=not unknown, keep_raw=False)
    elsewhere = frame.attrs.get(refetch.ATTR)
    frame = _pick(frame, inputs.window(frame), unknown, kinds, templates)
    if count:
        _write_counts([frame], fmt, output)
    else:
        texts = None if elsewhere is None else refetch.SliceTexts(elsewhere)
        try:
            write_events(frame, fmt, output, texts)
        finally:
            if texts is not None:
                texts.close()
        if elsewhere is not None:
            inputs.late_warnings(elsewhere)
    inputs.exit()


def _stream_rows(
    inputs: LogInputs,
    stream: EventStream,
    unknown: bool,
    kinds: tuple[str, ...],
    templates: tuple[str, ...],
) -> Windows:
    """The rows the options ask for, a window of the stream at a time."""
    from kalog.ingest.stream import Windows

    window = inputs.window(stream.first)

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return _pick(frame, window, unknown, kinds, templates)

    return Windows(pick(stream.head), lambda: (pick(frame) for frame in stream.windows()))


def _pick(
    frame: pd.DataFrame,
    window: Window,
    unknown: bool,
    kinds: tuple[str, ...],
    templates: tuple[str, ...],
) -> pd.DataFrame:
    """The rows the options ask for: in the window, unknown only, of the kinds and formats."""
    frame = window.events(frame)
    if unknown:
        frame = frame[frame["kind"] == "unknown"]
    return _select(frame, kinds, templates)


def _select(
    frame: pd.DataFrame, kinds: tuple[str, ...], templates: tuple[str, ...]
) -> pd.DataFrame:
    """The rows of the kinds and catalogue formats asked for (all when none are)."""
    import pandas as pd

    from kalog.ingest.events import kind_mask

    if kinds:
        frame = frame[kind_mask(frame, {kind.lower() for kind in kinds})]
    if templates:
        ids = frame["template"].astype("string")
        keep = pd.Series(False, index=frame.index)
        for template in templates:
            match = ids.str.startswith(template) if template.endswith(".") else ids == template
            keep |= match.fillna(False)
        frame = frame[keep]
    return frame.reset_index(drop=True)


def _write_counts(frames: Iterable[pd.DataFrame], fmt: str, output: str | None) -> None:
    """Lines per (kind, template), most first; a hand-written wording has no template.

    `frames`: the rows, one frame or a window at a time (`Windows`).
    """
    import pandas as pd

    tally: Counter[tuple[str, str]] = Counter()
    for frame in frames:
        if frame.empty:
            continue
        template = frame["template"].astype(object)  # categorical: NA is no group of its own
        keys = pd.DataFrame(
            {"kind": frame["kind"].astype(str), "template": template.where(template.notna(), "")}
        )
        for key, n in keys.groupby(["kind", "template"], sort=False).size().items():
            tally[key] += int(n)
    ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    counts = [(kind, template, n) for (kind, template), n in ordered]
    with click.open_file(output or "-", "w", encoding="utf-8") as out:
        if fmt == "jsonl":
            for kind, template, n in counts:
                out.write(json.dumps({"kind": kind, "template": template or None, "lines": n}))
                out.write("\n")
            return
        width = max((len(kind) for kind, _t, _n in counts), default=4)
        out.write(f"{'lines':>7}  {'kind':<{width}}  template\n")
        for kind, template, n in counts:
            out.write(f"{n:>7}  {kind:<{width}}  {template or '-'}\n")
