"""What every command that reads logs shares: input options, diagnostics, exit codes.

`events`, `timeline`, `analyze` and `explain` all take `PATH...` with
`--year`, `--default-host`, `--tz`, `--quiet` and the window to show
(`--since`, `--until`, `--host`, `--instance`), read them with `kalog.read_events`, and report input
problems the same way:

* `kalog: warning: ...` (one line each) for damage that did not stop
  reading (truncated compressed data, over-long lines, undecodable bytes);
* `kalog: error: ...` for an input that could not be read at all; the other
  inputs are still read, but the exit code is 2;
* exit code 2 as well when no line at all was read, or no keepalived line
  was recognised (`--allow-empty` accepts that); never a traceback.

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
import fnmatch
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from kalog.errors import EXIT_INPUT_ERROR, KalogError
from kalog.ingest import remote

F = TypeVar("F", bound=Callable[..., Any])

#: Which files of a directory given as PATH are read (`--include`): logs and
#: their rotations, not configs or keepalived's console captures beside them.
DEFAULT_INCLUDE: tuple[str, ...] = (
    "*.log",
    "*.log.*",
    "messages",
    "messages[.-]*",
    "syslog",
    "syslog.*",
)


def echo_error(message: str) -> None:
    """One `kalog: error: ...` line on stderr."""
    click.echo(f"kalog: error: {_one_line(message)}", err=True)


def echo_info(message: str) -> None:
    """One `kalog: ...` line on stderr (-v)."""
    click.echo(f"kalog: {_one_line(message)}", err=True)


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
    #: the host of lines whose envelope names none (--default-host)
    host: str | None = None
    tz: str | None = None
    quiet: bool = False
    #: what to show (--since, --until, --host, --instance): `window` resolves them
    since: str | None = None
    until: str | None = None
    hosts: tuple[str, ...] = ()
    instances: tuple[str, ...] = ()
    #: --allow-empty: input without a keepalived line is no error
    allow_empty: bool = False
    #: -v: say which settings file and which format each input has
    verbose: bool = False
    #: --include: which files of a directory argument are read
    include: tuple[str, ...] = DEFAULT_INCLUDE
    #: input -> the host of all its lines (`--host-of PATH=HOST`)
    host_of: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    stats: dict[str, Any] = field(default_factory=dict)
    #: on a terminal, reading took over a second (see `working`)
    slow: bool = False
    #: read the inputs one per task of this `kalog.fleet` executor (`--workers`,
    #: `--scheduler`); None: `read_events` in this process
    executor: Any = None
    #: stdin was copied to a temporary file for this command (`copy_stdin`)
    stdin_copied: bool = False

    def expand(self) -> None:
        """Replace each directory among `paths` by the files under it that
        `include` matches (recursively, sorted); KalogError if none does.

        Why a pattern: a capture directory holds configs, notes and the
        same events twice (a syslog file and keepalived's console output);
        reading everything would double them.  Idempotent.
        """
        expanded: list[str] = []
        for path in self.paths:
            if remote.is_url(path):
                expanded.extend(remote.check_url(path))
                continue
            if path == "-" or not os.path.isdir(path):
                expanded.append(path)
                continue
            found = sorted(
                str(candidate)
                for candidate in Path(path).rglob("*")
                if candidate.is_file()
                and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
                and any(fnmatch.fnmatchcase(candidate.name, glob) for glob in self.include)
            )
            if not found:
                raise KalogError(
                    f"{path}: no file under this directory matches --include "
                    f"{','.join(self.include)}"
                )
            if self.verbose:
                echo_info(f"{path}: {len(found)} file{'s' if len(found) != 1 else ''} to read")
            expanded.extend(found)
        self.paths = tuple(expanded)

    def prestart(self) -> None:
        """Start reading big files in child processes now, before pandas is imported.

        Commands call this first: the second parts of big plain files are
        read by forked children (`kalog.ingest.split`) while this process imports
        the rest of kalog; `read` joins them.
        """
        from kalog.ingest import split

        self.expand()
        split.prestart([str(p) for p in self.paths])

    def copy_stdin(self) -> None:
        """Copy stdin ("-", named once) to a temporary file before it is read, once.

        Why: a pipe can be read once, and reading a big log in bounded
        memory reads it twice (`kalog.ingest.stdin_copy`): `kalog events`
        streams it, the analysis reads back only the lines it cites.  The
        copy takes the piped bytes' size on disk until the command ends
        (`close`).  Where it cannot be made, one warning, and stdin is read
        once as it comes (nothing is lost).  Not for --workers, whose tasks
        read by name elsewhere; not for "-" named twice (the second reads
        what the first left: nothing).
        """
        if self.stdin_copied or self.executor is not None or self.paths.count("-") != 1:
            return
        from kalog.ingest import stdin_copy

        self.stdin_copied = True
        bar = None if self.quiet or not _is_terminal(sys.stderr) else ProgressBar()
        try:
            why = stdin_copy.copy_stdin(bar)
        finally:
            if bar is not None:
                bar.close()
        if why is not None:
            echo_warning(f"-: {why}; stdin is read once, every line's text held")

    def close(self) -> None:
        """Drop what reading kept for the command's length (stdin's copy)."""
        if self.stdin_copied:
            from kalog.ingest import stdin_copy

            stdin_copy.release()
            self.stdin_copied = False

    def read(self, *, summary: bool = True, need_typed: bool = True, keep_raw: bool = True) -> Any:
        """Read the inputs into the event frame, printing diagnostics to stderr.

        Unreadable inputs are reported and skipped (`failed` is set); when
        no line at all could be read this raises `KalogError` (exit 2).
        So does input in which no keepalived line is recognised (a CI check
        must not pass on an empty or wrong capture), unless `--allow-empty`;
        `need_typed=False` (`events --unknown`) accepts keepalived lines
        that are all unknown.
        On a terminal a progress bar shows while reading takes over a
        second; `--quiet` turns it and the summary line off.
        `keep_raw=False`: the commands that show only the lines they cite
        (`analyze`, `timeline`, `explain`) read them back at the end
        (`kalog.ingest.refetch`; `read_events`' option) instead of holding
        every line's text; not on a Dask cluster, whose workers may see
        other files under the same names.
        """
        from kalog.ingest.frame import read_events

        self.expand()
        self.copy_stdin()
        with self._reading() as reporter:
            options: dict[str, Any] = {}
            reader: Any = read_events
            if self.executor is not None:
                from kalog.fleet.executors import DaskCluster
                from kalog.fleet.reading import read_partitioned

                reader, options = read_partitioned, {"executor": self.executor}
                keep_raw = keep_raw or isinstance(self.executor, DaskCluster)
            frame = reader(
                list(self.paths),
                year=self.year,
                host=self.host,
                tz=self.tz,
                on_error="collect",
                progress=reporter,
                host_of=self.host_of,
                keep_raw=keep_raw,
                **options,
            )
        from kalog.speed.allocator import give_back, settle

        give_back()  # the reader's freed temporaries, before the next stage stacks its own
        settle()  # and what the next stages free goes back as they go
        hosts = frame["host"]
        if self._report(
            frame.attrs["stats"],
            lambda name: bool((hosts == name).any()),
            summary=summary,
            need_typed=need_typed,
        ):
            return self.read(summary=summary, need_typed=need_typed, keep_raw=keep_raw)
        return frame

    def stream(self, *, need_typed: bool = True) -> Any:
        """The inputs' event frame as a `kalog.ingest.stream.EventStream`: its
        windows read back one at a time (several inputs merged), for a command
        that writes every row (`kalog events`) in bounded memory; None when
        the inputs must be read whole (`read`): stdin not copied or named twice,
        --workers, or what the stream finds once read (lines out of
        time order, times near an hour that --tz repeats...).  Reports as `read`.
        """
        from kalog.ingest.stream import stream_events, streamable

        self.expand()
        self.copy_stdin()
        if self.executor is not None or not streamable(list(self.paths)):
            return None
        with self._reading() as reporter:
            events = stream_events(
                list(self.paths),
                year=self.year,
                host=self.host,
                tz=self.tz,
                host_of=self.host_of,
                progress=reporter,
            )
        if events is None:
            return None
        try:
            again = self._report(events.stats, events.hosts.__contains__, need_typed=need_typed)
        except BaseException:
            events.close()
            raise
        if again:  # the deprecated --host: `read` reads with it as --default-host
            events.close()
            return None
        return events

    @contextlib.contextmanager
    def _reading(self) -> Iterator[ProgressBar | None]:
        """The progress bar while the inputs are read (on a terminal, without
        --quiet); then `slow` is set, and children a failed read left behind are gone."""
        from kalog.ingest import split

        reporter = None if self.quiet or not _is_terminal(sys.stderr) else ProgressBar()
        started = time.monotonic()
        try:
            yield reporter
        finally:
            if reporter is not None:
                # not `reporter.shown`: a dense file's bytes are all read
                # within the bar's delay, its parsing takes seconds more
                self.slow = reporter.shown or time.monotonic() - started > PROGRESS_DELAY
                reporter.close()
            split.abandon_all()

    def _report(
        self,
        stats: dict[str, Any],
        has_host: Callable[[str], bool],
        *,
        summary: bool = True,
        need_typed: bool = True,
    ) -> bool:
        """Print what reading found (errors, warnings, the summary) and refuse input
        without a keepalived line (`read`'s rules).  True: read again, the
        deprecated --host taken as --default-host (`_old_host_option`).
        """
        self.stats = stats
        for message in stats["errors"]:
            echo_error(message)
        for message in stats["warnings"]:
            echo_warning(message)
        self.failed = bool(stats["errors"])
        if self.verbose:
            for item in stats.get("formats", ()):
                echo_info(f"{item['source']}: {input_format(item)}")
        if stats["lines_read"] == 0 and not self.allow_empty:
            raise KalogError("no log lines read")
        if self._old_host_option(stats["keepalived_lines"], has_host):
            return True
        if summary and not self.quiet:
            click.echo(f"kalog: {summary_line(stats)}", err=True)
        found = stats["typed"] if need_typed else stats["keepalived_lines"]
        if not found and stats["lines_read"] and not self.allow_empty:
            files = stats["files"]
            raise KalogError(
                f"no keepalived line recognised in the input ({files} "
                f"file{'s' if files != 1 else ''}, {stats['lines_read']} lines read, "
                f"{stats['unknown']} unknown); --allow-empty to accept it"
            )
        return False

    def late_warnings(self, frame: Any) -> None:
        """Print what reading cited lines back said (an input changed since it
        was read: `kalog.ingest.refetch`), once the analysis has asked for them.

        `frame`: the event frame, or its `Refetch` (`frame.attrs`) itself.
        """
        from kalog.ingest import refetch

        elsewhere = frame if isinstance(frame, refetch.Refetch) else frame.attrs.get(refetch.ATTR)
        if elsewhere is not None:
            for message in elsewhere.warnings[elsewhere.printed :]:
                echo_warning(message)
            elsewhere.printed = len(elsewhere.warnings)

    def _old_host_option(self, rows: int, has_host: Callable[[str], bool]) -> bool:
        """`--host X` once, X no host of the logs (`rows` of them, `has_host`), no
        --default-host: the option's meaning before it selected hosts (the
        host of lines that name none).  Take it so, with a warning, and read again."""
        if len(self.hosts) != 1 or self.host is not None or not rows:
            return False
        (name,) = self.hosts
        if has_host(name):
            return False
        echo_warning(
            f"--host {name} names no host in the logs: taken as --default-host {name}, "
            "its meaning before --host selected hosts (deprecated spelling)"
        )
        self.host, self.hosts = name, ()
        return True

    def window(self, events: Any) -> Any:
        """The `kalog.model.window.Window` the options ask for, its times read
        against the log: `HH:MM` on its first day, its zone, relative forms
        from now."""
        import pandas as pd

        from kalog.model.window import Window, now_in, parse_time

        times = events["ts"] if "ts" in events else pd.Series([], dtype="datetime64[ns]")
        valid = times.dropna()
        day = valid.iloc[0] if len(valid) else None
        tz = getattr(times.dtype, "tz", None)
        now = now_in(tz)
        bounds = []
        for option, text in (("--since", self.since), ("--until", self.until)):
            try:
                bounds.append(None if text is None else parse_time(text, day=day, now=now))
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint=option) from None
        since, until = bounds
        if since is not None and until is not None and since > until:
            raise click.BadParameter(f"{since} is after --until {until}", param_hint="--since")
        return Window(since, until, frozenset(self.hosts), frozenset(self.instances))

    @contextlib.contextmanager
    def working(self, message: str, *, console: Any = None) -> Iterator[Callable[[str], None]]:
        """A spinner with `message` on stderr while a step after reading runs.

        Why: on a log that took over a second to read, the replay and the
        rules take seconds more (~6 s on the dense benchmark file), and a
        terminal that goes silent after reading looks hung.  Only then, and
        only on a terminal without --quiet (the progress bar's conditions);
        transient, and the caller ends it before writing the report (stdout
        may be the same terminal).  Yields a function that replaces the
        message (the partitions replayed so far, `kalog.fleet`); it does
        nothing when no spinner shows.
        """
        if not self.slow:
            yield lambda _message: None
            return
        from kalog.console import make_console

        target = console if console is not None else make_console(stderr=True)
        with target.status(message, spinner="line") as status:
            yield status.update

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


def input_format(item: dict[str, Any]) -> str:
    """`rfc3164 syslog, gzip`: an input's envelope styles (docs/grammar.md) and compression."""
    styles = ", ".join(item["styles"]) or "no keepalived line"
    compression = item["compression"]
    return styles + (f"; {compression}" if compression not in ("none", "") else "")


def summary_line(stats: dict[str, Any]) -> str:
    """`N lines read, N keepalived lines, N typed, N unknown, N undecodable bytes`,
    then where the year came from when it was assumed (`; year 2026 from the
    file's date; --year to set`)."""
    files = stats["files"]
    line = (
        f"{files} file{'s' if files != 1 else ''}, {stats['lines_read']} lines read, "
        f"{stats['keepalived_lines']} keepalived lines, {stats['typed']} typed, "
        f"{stats['unknown']} unknown, {stats['undecodable_bytes']} undecodable bytes"
    )
    if stats.get("assumed_years"):
        from kalog.ingest.frame import year_note

        line += f"; {year_note(stats['assumed_years'])}"
    return line


def _set_color(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from kalog.console import set_color_mode

    set_color_mode(value or "auto")  # every run decides anew (tests run many in one process)
    return value


#: `--color auto|always|never` for the commands that draw with rich.
color_option = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default=None,
    expose_value=False,
    callback=_set_color,
    help="Colour: auto (default: on a terminal, unless NO_COLOR; FORCE_COLOR forces it), "
    "always, never.",
)

#: `-o FILE` of every command that writes a report (checked by kalog.cli.output).
output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here."
)


def width_option(view: str) -> Callable[[F], F]:
    """`--width N` (40-400 columns) of the `view` a command draws."""
    return click.option("--width", type=click.IntRange(40, 400), help=f"Width of the {view} view.")


def view_options(view: str) -> Callable[[F], F]:
    """`-o`, `--color` and `--width`, in that order: a drawn view's output options."""

    def apply(command: F) -> F:
        return output_option(color_option(width_option(view)(command)))

    return apply


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
    """Add `PATH...`, `--year`, `--default-host`, `--host-of`, `--tz`, `--quiet`,
    `--allow-empty`, `--include`, `-v` and what to show (`--since`, `--until`,
    `--host`, `--instance`); pass them as `inputs: LogInputs`."""

    @click.argument("paths", nargs=-1, required=True, metavar="PATH...")
    @click.option(
        "--year",
        type=click.IntRange(1970, 2200),
        help="Year of the first line for timestamps without a year "
        "(default: from the file's modification time).",
    )
    @click.option(
        "--default-host",
        "default_host",
        help="Host name for lines whose envelope names none "
        "(default: the file name up to its first dot).",
    )
    @click.option(
        "--since",
        help="Show from this time on: ISO 8601, HH:MM[:SS] on the log's day, now, -2h, "
        "'2 hours ago'.  The model still replays the whole log.",
    )
    @click.option("--until", help="Show up to this time (as --since).")
    @click.option(
        "--host",
        "hosts",
        multiple=True,
        help="Show only this host (repeatable).",
    )
    @click.option(
        "--instance",
        "instances",
        multiple=True,
        help="Show only this VRRP instance (repeatable).",
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
        "--include",
        "include",
        multiple=True,
        metavar="GLOB",
        help="Files read from a directory PATH (recursively; repeatable, comma-separated; "
        f"default: {','.join(DEFAULT_INCLUDE)}).",
    )
    @click.option(
        "-v",
        "--verbose",
        is_flag=True,
        help="Say which settings file is used and each input's detected format.",
    )
    @click.option(
        "--allow-empty",
        is_flag=True,
        help="Accept input without any keepalived line kalog recognises "
        "(default: an error, exit 2).",
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
        default_host: str | None,
        host_of: dict[str, str],
        tz: str | None,
        quiet: bool,
        since: str | None,
        until: str | None,
        hosts: tuple[str, ...],
        instances: tuple[str, ...],
        allow_empty: bool,
        include: tuple[str, ...],
        verbose: bool,
        **kwargs: Any,
    ) -> Any:
        globs = tuple(part.strip() for text in include for part in text.split(",") if part.strip())
        inputs = LogInputs(
            paths=paths,
            year=year,
            host=default_host,
            tz=tz,
            quiet=quiet,
            since=since,
            until=until,
            hosts=hosts,
            instances=instances,
            allow_empty=allow_empty,
            verbose=verbose,
            include=globs or DEFAULT_INCLUDE,
            host_of=host_of,
        )
        try:
            return func(*args, inputs=inputs, **kwargs)
        finally:
            inputs.close()

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
