"""`kalog timeline`: replay logs into per-instance state and priority timelines."""

from __future__ import annotations

import sys
from typing import Any

import click

from kalog.cli.common import LogInputs, handle_errors, log_input_options, view_options
from kalog.cli.model_options import model_options, read_and_replay
from kalog.cli.output import check_output, choose_format


@click.command()
@log_input_options
@model_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "json", "svg", "png"]),
    default=None,
    help="rich: lanes per host on a shared time axis (default); json: the segments; "
    "svg/png: a chart to paste into a document (png needs -o).  Without it, -o's "
    "extension chooses (.json, .txt, .svg, .png).",
)
@view_options("rich")
@handle_errors
def timeline(
    inputs: LogInputs,
    configs: dict[str, list[str]],
    peers: dict[str, str],
    version: str | None,
    fmt: str | None,
    output: str | None,
    width: int | None,
) -> None:
    """Replay PATH... into each instance's states and effective priority over time.

    Each segment says its state (INIT, BACKUP, GOTO_MASTER, MASTER, FAULT,
    STOPPED), its effective priority and where that comes from (logged,
    inferred from --config, advertised by a peer, unknown), and the line that
    opened it.  Exit codes: 0 ok, 2 usage or input error.
    """
    fmt, _ = choose_format("timeline", fmt, output, "rich")
    check_output(output)
    if fmt in {"svg", "png"}:
        if fmt == "png" and output is None:
            raise click.UsageError("--format png writes a binary file: give -o FILE")
        from kalog.report._charts import require

        require(fmt)
    inputs.prestart()  # big files: children start reading before pandas is imported
    events, result, _parsed = read_and_replay(inputs, configs, version, peers)
    result = inputs.window(events).timeline(result)  # the whole log replayed, the window shown
    if fmt in {"svg", "png"}:
        _picture(result, fmt, output)
        inputs.exit()
        return
    out = click.open_file(output, "w", encoding="utf-8") if output else None
    try:
        if fmt == "json":
            from kalog.report.json import timeline_document, write_indented

            stream = out if out is not None else sys.stdout
            write_indented(timeline_document(result), stream)
            stream.write("\n")
        else:
            from kalog.console import make_console
            from kalog.report.lanes import render_timeline

            console = make_console(file=out, width=width)
            console.print(render_timeline(result, width=console.width))
    finally:
        if out is not None:
            out.close()
    inputs.exit()


def _picture(result: Any, fmt: str, output: str | None) -> None:
    """The timeline as one SVG/PNG chart (`kalog.report.chart`)."""
    from kalog.report import chart

    if output is None:
        chart.write(result, sys.stdout.buffer, fmt)
        return
    with open(output, "wb") as out:
        chart.write(result, out, fmt)
