"""The `kalog` command line: a thin click group.

Each subcommand lives in its own module under `kalog.cli` and is imported
only when it is run, so `kalog --help` stays instant (pandas and pyparsing are
not imported until a command needs them).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from typing import Any

import click

from kalog.speed import compiled
from kalog.speed.allocator import reuse_big_buffers

#: subcommand name -> (module, attribute, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "events": ("kalog.cli.events", "events", "Parse logs into typed events."),
    "timeline": ("kalog.cli.timeline", "timeline", "Replay logs into state timelines."),
    "analyze": ("kalog.cli.analyze", "analyze", "Explain failovers and flag violations."),
    "explain": ("kalog.cli.explain", "explain", "Tell the chain of cause of one change of master."),
    "rules": ("kalog.cli.rules", "rules", "List the rules."),
    "rule": ("kalog.cli.rules", "rule", "Show one rule's documentation."),
}

#: other spellings of a subcommand, accepted but not listed (`kalog analyse`)
ALIASES: dict[str, str] = {"analyse": "analyze"}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd_name = ALIASES.get(cmd_name, cmd_name)
        if cmd_name not in SUBCOMMANDS:
            return None
        module_name, attr, _ = SUBCOMMANDS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a subcommand not built yet
            if exc.name != module_name:
                raise
            return None
        return getattr(module, attr)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Shell completion through `_KALOG_COMPLETE` however kalog is started
        (click would derive `_PYTHON__M_KALOG_COMPLETE` for `python -m kalog`).

        A usage error is one line, `kalog: error: MESSAGE (kalog CMD -h for
        help)`, exit 2, like every other user error (docs/cli.md): click's
        own form is four lines (usage, a hint, a blank line, the error).
        """
        kwargs.setdefault("complete_var", "_KALOG_COMPLETE")
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "kalog"
            message = " ".join(exc.format_message().split())
            click.echo(f"kalog: error: {message} ({where} -h for help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"kalog: error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("kalog: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    package_name="kalog",
    message=f"%(prog)s, version %(version)s\nbyte passes: {compiled.describe()}",
)
def main() -> None:
    """kalog: keepalived log analyser and VRRP conformance checker.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error.
    `kalog analyse` is `kalog analyze`.  Shell completion: see README.
    """


def run() -> None:
    """The `kalog` executable: `main`, then an immediate exit with its code.

    Why not return normally: after analysing a big log the interpreter
    spends 0.2-0.5 s at exit freeing millions of objects nobody will use.
    Once `main` is done its output files are closed (click closes them) and
    its child processes joined; flushing stdout and stderr is all that is
    left, then `os._exit` ends the process with the same code `sys.exit`
    would have given.

    The collector's first generation is also made larger: an analysis
    creates millions of objects that live to the end, and with the default
    threshold (700) the collector walks them again and again - a quarter of
    the run time on a dense log, for cycles that do not exist.  Collections
    still happen, only less often.

    malloc keeps reusing the reader's big buffers (`kalog.speed.allocator`).
    """
    gc.set_threshold(200_000, 20, 100)
    reuse_big_buffers()
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        code = 1
    split = sys.modules.get("kalog.ingest.split")
    if split is not None:  # children of an interrupted read, and their files
        split.abandon_all()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
