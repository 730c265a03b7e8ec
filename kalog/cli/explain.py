"""`kalog explain`: the chain of cause of one change of master."""

from __future__ import annotations

import sys
from typing import Any

import click

from kalog.cli.common import LogInputs, handle_errors, log_input_options, view_options
from kalog.cli.model_options import model_options, read_and_replay
from kalog.cli.output import check_output
from kalog.errors import KalogError


def parse_at(value: str, day: Any) -> Any:
    """--at as a time comparable with the log's (kalog.model.window.parse_time)."""
    from kalog.model.window import now_in, parse_time

    try:
        return parse_time(value, day=day, now=now_in(getattr(day, "tz", None)))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--at") from None


@click.command()
@log_input_options
@model_options
@click.option("--at", "at", help="The change of master nearest this time (ISO, or HH:MM[:SS]).")
@click.option("--index", type=click.IntRange(1), help="The N-th change of master (1 = first).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: the chain, line by line; json: the same for tools.",
)
@view_options("text")
@handle_errors
def explain(
    inputs: LogInputs,
    configs: dict[str, list[str]],
    peers: dict[str, str],
    version: str | None,
    at: str | None,
    index: int | None,
    fmt: str,
    output: str | None,
    width: int | None,
) -> None:
    """Tell the chain of cause of one change of master in PATH..., oldest first.

    Pick the change with --at (the nearest to that time), --index (as
    numbered when several are found), or give none when the logs (or the
    window of --since/--until/--host/--instance) hold one.
    Each step shows its time, host, what happened and the log line it rests
    on (file:line); then what the logs cannot tell (a peer's log that ends
    too soon, a state not known).  With --config the inferred priorities show
    their arithmetic (base + tracker weights).  Exit codes: 0 ok, 2 usage or
    input error (also when the change cannot be chosen: the choices are listed).
    """
    check_output(output)
    inputs.prestart()
    from kalog.model.explain import changes_of_master, pick_change
    from kalog.model.explain import explain as explain_change

    events, timeline, parsed = read_and_replay(inputs, configs, version, peers)
    # the changes in the window asked for (--since/--until/--host/--instance)
    changes = inputs.window(events).transitions(changes_of_master(timeline))
    when = parse_at(at, timeline.start) if at is not None else None
    try:
        change = pick_change(changes, at=when, index=index)
    except ValueError as exc:
        listing = "; ".join(
            f"{n}: {c.ts} {c.instance} -> {c.host} ({c.cause})" for n, c in enumerate(changes, 1)
        )
        raise KalogError(f"{exc}" + (f" ({listing})" if listing else "")) from None
    explanation = explain_change(events, timeline, change, configs=parsed)
    inputs.late_warnings(events)
    out = click.open_file(output, "w", encoding="utf-8") if output else None
    try:
        if fmt == "json":
            from kalog.report.explain import write_json

            write_json(explanation, out if out is not None else sys.stdout)
        else:
            from kalog.console import make_console
            from kalog.report.explain import render_explanation

            console = make_console(file=out, width=width)
            console.print(render_explanation(explanation))
    finally:
        if out is not None:
            out.close()
    inputs.exit()
