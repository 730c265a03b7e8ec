"""`kalog events`: parse logs into typed events and print or export them.

The first stage a user can see: every keepalived line as one typed row
(docs/events.md), so a wrong parse is visible before any rule relies on it.
`--unknown` keeps only the lines the body grammar did not recognise, the
list to read when a log is not fully understood.
"""

from __future__ import annotations

import click

from kalog.cli.common import LogInputs, handle_errors, log_input_options
from kalog.cli.output import check_output, choose_format
from kalog.report.events import FORMATS, write_events


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
@handle_errors
def events(inputs: LogInputs, fmt: str | None, output: str | None, unknown: bool) -> None:
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
    frame = inputs.read(need_typed=not unknown)
    frame = inputs.window(frame).events(frame)
    if unknown:
        frame = frame[frame["kind"] == "unknown"].reset_index(drop=True)
    write_events(frame, fmt, output)
    inputs.exit()
