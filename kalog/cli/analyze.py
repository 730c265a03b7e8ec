"""`kalog analyze`: explain every change of master and flag rule violations.

The command users run in a postmortem and in CI: read -> replay -> rules ->
one report.  Exit codes (sqlfluff's convention): 0 clean, 1 findings at or
above `--fail-on` (default warning), 2 usage or input error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kalog.cli.common import (
    LogInputs,
    color_option,
    echo_info,
    handle_errors,
    log_input_options,
    output_option,
    width_option,
)
from kalog.cli.fleet_options import SCHEDULER_ENV, fleet_executor
from kalog.cli.model_options import check_configs, match_configs, model_options
from kalog.cli.output import check_output, choose_format
from kalog.cli.rules import (
    prepare_rules,
    rule_options,
    settings_text,
    statistics_rows,
    statistics_text,
)
from kalog.errors import EXIT_INPUT_ERROR, KalogError


@click.command()
@log_input_options
@model_options
@rule_options
@click.option(
    "--expect",
    metavar="PROFILE",
    help="Judge every run against this reference profile (1.2, 1.3, 2) "
    "instead of the log's own version.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["rich", "json", "sarif", "junit", "github", "html"]),
    default=None,
    help="Output format (default: from -o's extension: .json, .sarif, .xml (junit), "
    ".html, .txt; else rich, github when GITHUB_ACTIONS=true; html: one "
    "self-contained page with charts).",
)
@output_option
@click.option(
    "--statistics",
    is_flag=True,
    help="Instead of the report, the number of findings per rule (text, or JSON with "
    "--format json).",
)
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the settings the analysis would use (file, rules, severities, options) "
    "and exit without reading the logs.",
)
@color_option
@width_option("rich")
@click.option(
    "--workers",
    type=click.IntRange(1, 1024),
    help="Read the inputs and replay the clusters on N local processes (the same result; "
    "default: one process, reading a big file in two).  docs/fleet.md.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run the same partitions on a Dask distributed cluster (tcp://host:8786; "
    f"default: ${SCHEDULER_ENV} unless --workers is given).  Needs kalog[fleet].",
)
@click.option(
    "--by-cluster/--no-by-cluster",
    "by_cluster",
    default=None,
    help="The fleet view: a table of the clusters of hosts (changes of master and findings, "
    "worst first) and, in JSON, each change's and finding's cluster and a 'clusters' list "
    "(default: on with --workers or --scheduler).",
)
@click.option(
    "--tables",
    "tables_dir",
    type=click.Path(file_okay=False, writable=True),
    metavar="DIR",
    help="Also write findings.parquet, transitions.parquet and clusters.parquet into DIR "
    "(each row with its cluster of hosts; docs/fleet.md).",
)
@handle_errors
def analyze(
    inputs: LogInputs,
    configs: dict[str, list[str]],
    peers: dict[str, str],
    version: str | None,
    rule_dirs: tuple[Path, ...],
    settings_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: tuple[str, ...],
    fail_on: str | None,
    expect: str | None,
    fmt: str | None,
    output: str | None,
    statistics: bool,
    show_settings: bool,
    width: int | None,
    workers: int | None,
    scheduler: str | None,
    by_cluster: bool | None,
    tables_dir: str | None,
) -> None:
    """Analyze PATH...: states, changes of master with causes, and findings.

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage or
    input error.
    """
    chosen, _ = choose_format("analyze", fmt, output, None)
    if statistics and chosen not in (None, "rich", "json"):
        raise KalogError(f"--statistics writes text or JSON, not --format {chosen}")
    check_output(output)
    executor = fleet_executor(workers, scheduler)
    if executor is None:
        inputs.prestart()  # big files: children start reading before pandas is imported
    else:
        inputs.expand()
        inputs.executor = executor
    from kalog.check.findings import exit_code
    from kalog.model.profiles import resolve_profile
    from kalog.pipeline import analyze_events
    from kalog.report import default_format, render
    from kalog.report.lanes import render_timeline

    if expect is not None:
        try:
            resolve_profile(expect)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--expect") from None
    if chosen == "html":
        if output is None and sys.stdout.isatty():
            raise click.UsageError("--format html writes a page of megabytes: give -o report.html")
        from kalog.report._charts import require

        require(fmt)  # before reading: plotly is the optional extra kalog[charts]
    specs, settings = prepare_rules(rule_dirs, settings_file, select, ignore, severity, fail_on)
    if show_settings:
        click.echo(settings_text(specs, settings), nl=False)
        return
    if inputs.verbose:
        echo_info(f"settings: {settings.path or 'none found (defaults)'}")
    names = check_configs(configs)
    # the report shows the text of the lines it cites only: those are read
    # back from the inputs at the end, not kept for every line
    events = inputs.read(keep_raw=False)
    configs = match_configs(configs, names, events)
    message = f"analysing {len(events):,} events"
    with inputs.working(message) as say:
        replayer = None
        if executor is not None:
            import functools

            from kalog.fleet.replaying import replay_partitioned

            def replayed(done: int, total: int, _task: int) -> None:
                say(f"{message}: {done}/{total} partitions replayed")

            replayer = functools.partial(replay_partitioned, executor=executor, progress=replayed)
        result = analyze_events(
            events,
            configs=configs,
            version=version,
            expect=expect,
            peers=peers,
            settings=settings,
            rules=specs,
            fail_on=settings.fail_on,
            window=inputs.window(events),
            replayer=replayer,
        )
    inputs.late_warnings(events)
    if executor is not None:
        executor.close()
    if by_cluster or (by_cluster is None and executor is not None):
        from kalog.fleet.view import fleet_view

        result.fleet = fleet_view(result)
    if tables_dir is not None:
        from kalog.report.tables import write_tables

        write_tables(result, tables_dir)
    # the reports read the result only: the frame (and what the analysis
    # freed) goes back before they build their own output
    del events
    from kalog.speed.allocator import give_back

    give_back()
    chosen = chosen or default_format().value
    out = click.open_file(output, "w", encoding="utf-8") if output else None
    try:
        if statistics:
            rows = statistics_rows(specs, result.findings)
            stream = out if out is not None else sys.stdout
            if chosen == "json":
                stream.write(json.dumps(rows, indent=2) + "\n")
            else:
                stream.write(statistics_text(rows))
        else:
            render(
                result,
                chosen,
                out,
                width=width,
                timeline=lambda console: render_timeline(result.timeline, width=console.width),
            )
    finally:
        if out is not None:
            out.close()
    if inputs.failed:
        sys.exit(EXIT_INPUT_ERROR)
    sys.exit(exit_code(result.findings, result.fail_on))
