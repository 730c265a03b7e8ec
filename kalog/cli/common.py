"""What every command that reads logs shares: input options, diagnostics, exit codes.

`events`, `timeline` and `analyze` all take `PATH...` with `--year`,
`--host`, `--tz` and `--quiet`, read them with `kalog.read_events`, and report input
problems the same way:

* `kalog: warning: ...` (one line each) for damage that did not stop
  reading (truncated compressed data, over-long lines, undecodable bytes);
* `kalog: error: ...` for an input that could not be read at all; the other
  inputs are still read, but the exit code is 2;
* exit code 2 as well when no line at all was read; never a traceback.

Usage:

    @click.command()
    @log_input_options
    @handle_errors
    def timeline(inputs: LogInputs, ...) -> None:
        frame = inputs.read()
        ...
        inputs.exit()  # 2 if an input failed, else returns
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from kalog.errors import EXIT_INPUT_ERROR, KalogError

F = TypeVar("F", bound=Callable[..., Any])


def echo_error(message: str) -> None:
    """One `kalog: error: ...` line on stderr."""
    click.echo(f"kalog: error: {_one_line(message)}", err=True)


def echo_warning(message: str) -> None:
    """One `kalog: warning: ...` line on stderr."""
    click.echo(f"kalog: warning: {_one_line(message)}", err=True)


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def _check_tz(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown time zone {value!r} (use an IANA name)") from None
    return value


@dataclass
class LogInputs:
    """The log inputs and reading options a command was given."""

    paths: tuple[str, ...]
    year: int | None = None
    host: str | None = None
    tz: str | None = None
    quiet: bool = False
    #: input -> the host of all its lines (`--host-of PATH=HOST`)
    host_of: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
    #: on a terminal, reading took over a second (see `working`)
    slow: bool = False

    def prestart(self) -> None:
        """Start reading big files in child processes now, before pandas is imported.

        Commands call this first: the second parts of big plain files are
        read by forked children (`kalog.ingest.split`) while this process imports
        the rest of kalog; `read` joins them.
        """
        from kalog.ingest import split

        split.prestart([str(p) for p in self.paths])

    def read(self, *, summary: bool = True) -> Any:
        """Read the inputs into the event frame, printing diagnostics to stderr.

        Unreadable inputs are reported and skipped (`failed` is set); when
        no line at all could be read this raises `KalogError` (exit 2).
        On a terminal a progress bar shows while reading takes over a
        second; `--quiet` turns it and the summary line off.
        """
        from kalog.ingest.frame import read_events

        reporter = None if self.quiet or not _is_terminal(sys.stderr) else ProgressBar()
        started = time.monotonic()
        try:
            frame = read_events(
                list(self.paths),
                year=self.year,
                host=self.host,
                tz=self.tz,
                on_error="collect",
                progress=reporter,
                host_of=self.host_of,
            )
        finally:
            if reporter is not None:
                # not `reporter.shown`: a dense file's bytes are all read
                # within the bar's delay, its parsing takes seconds more
                self.slow = reporter.shown or time.monotonic() - started > PROGRESS_DELAY
                reporter.close()
            from kalog.ingest import split

            split.abandon_all()  # children a failed read left behind
        stats = frame.attrs["stats"]
        self.stats = stats
        for message in stats["errors"]:
            echo_error(message)
        for message in stats["warnings"]:
            echo_warning(message)
        self.failed = bool(stats["errors"])
        if stats["lines_read"] == 0:
            raise KalogError("no log lines read")
        if summary and not self.quiet:
            click.echo(f"kalog: {summary_line(stats)}", err=True)
        return frame

    @contextlib.contextmanager
    def working(self, message: str, *, console: Any = None) -> Iterator[None]:
        """A spinner with `message` on stderr while a step after reading runs.

        Why: on a log that took over a second to read, the replay and the
        rules take seconds more (~6 s on the dense benchmark file), and a
        terminal that goes silent after reading looks hung.  Only then, and
        only on a terminal without --quiet (the progress bar's conditions);
        transient, and the caller ends it before writing the report (stdout
        may be the same terminal).
        """
        if not self.slow:
            yield
            return
        from kalog.console import make_console

        target = console if console is not None else make_console(stderr=True)
        with target.status(message, spinner="line"):
            yield

    def exit(self) -> None:
        """Exit 2 if an input could not be read; return otherwise."""
        if self.failed:
            sys.exit(EXIT_INPUT_ERROR)


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


#: Seconds of reading before the progress bar shows (and after which the
#: steps that follow get a spinner, `LogInputs.working`).
PROGRESS_DELAY = 1.0


class ProgressBar:
    """A rich progress bar of bytes read, shown once reading has taken `delay` seconds.

    Why the delay: most logs are read in a blink, and a bar that flashes
    for 50 ms is noise.  Called as `bar(done, total)` by `read_events`
    (total None: unknown size, e.g. stdin); `close()` removes it.
    """

    def __init__(
        self,
        *,
        delay: float = PROGRESS_DELAY,
        console: Any = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._clock = clock or time.monotonic
        self._start = self._clock()
        self._delay = delay
        self._console = console
        self._progress: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int | None) -> None:
        if self._progress is None:
            if self._clock() - self._start < self._delay:
                return
            self._open(total)
        self._progress.update(self._task, completed=done, total=total)

    def _open(self, total: int | None) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        from kalog.console import make_console

        console = self._console if self._console is not None else make_console(stderr=True)
        self._progress = Progress(
            TextColumn("reading"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("reading", total=total)
        self._progress.start()

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


def summary_line(stats: dict[str, Any]) -> str:
    """`N lines read, N keepalived lines, N typed, N unknown, N undecodable bytes`."""
    files = stats["files"]
    return (
        f"{files} file{'s' if files != 1 else ''}, {stats['lines_read']} lines read, "
        f"{stats['keepalived_lines']} keepalived lines, {stats['typed']} typed, "
        f"{stats['unknown']} unknown, {stats['undecodable_bytes']} undecodable bytes"
    )


def _check_host_of(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, str]:
    named: dict[str, str] = {}
    for item in value:
        path, mark, host = item.rpartition("=")
        if not mark or not path or not host.strip():
            raise click.BadParameter(f"{item!r} is not PATH=HOST")
        if named.get(path, host) != host:
            raise click.BadParameter(f"{path} named twice ({named[path]}, {host})")
        named[path] = host.strip()
    return named


def log_input_options(func: F) -> F:
    """Add `PATH...`, `--year`, `--host`, `--host-of`, `--tz`, `--quiet`; pass them as
    `inputs: LogInputs`."""

    @click.argument("paths", nargs=-1, required=True, metavar="PATH...")
    @click.option(
        "--year",
        type=click.IntRange(1970, 2200),
        help="Year of the first line for timestamps without a year "
        "(default: from the file's modification time).",
    )
    @click.option(
        "--host",
        help="Host name for lines whose envelope names none "
        "(default: the file name up to its first dot).",
    )
    @click.option(
        "--host-of",
        "host_of",
        multiple=True,
        metavar="PATH=HOST",
        callback=_check_host_of,
        help="Every line of input PATH is host HOST's, whatever its envelope says "
        "(repeatable).  One host name in several directories is otherwise read as "
        "several machines, HOST@DIR.",
    )
    @click.option(
        "-q",
        "--quiet",
        is_flag=True,
        help="No progress bar and no summary line on stderr (warnings and errors still show).",
    )
    @click.option(
        "--tz",
        callback=_check_tz,
        help="IANA time zone of timestamps without an offset, e.g. Europe/Paris; "
        "makes times tz-aware.",
    )
    @functools.wraps(func)
    def wrapper(
        *args: Any,
        paths: tuple[str, ...],
        year: int | None,
        host: str | None,
        host_of: dict[str, str],
        tz: str | None,
        quiet: bool,
        **kwargs: Any,
    ) -> Any:
        inputs = LogInputs(paths=paths, year=year, host=host, tz=tz, quiet=quiet, host_of=host_of)
        return func(*args, inputs=inputs, **kwargs)

    return wrapper  # type: ignore[return-value]


def handle_errors(func: F) -> F:
    """Turn kalog errors (and any crash) into one stderr line and exit code 2.

    A traceback is shown only with KALOG_DEBUG=1: log files are user input
    and a stack trace is never the right answer to a bad one.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KalogError as exc:
            echo_error(str(exc))
            sys.exit(EXIT_INPUT_ERROR)
        except BrokenPipeError:  # `kalog events ... | head`
            _silence_stdout()
            sys.exit(0)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("KALOG_DEBUG"):
                raise
            echo_error(f"internal error: {type(exc).__name__}: {exc} (KALOG_DEBUG=1 for details)")
            sys.exit(EXIT_INPUT_ERROR)

    return wrapper  # type: ignore[return-value]


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
