"""Errors and warnings raised while reading logs, and the CLI exit codes.

Why a module of its own: the reader, the frame builder and every command
that reads logs must agree on what is fatal (an input that cannot be read
at all) and what is a warning (a damaged tail, an over-long line, bytes that
are not UTF-8).  Commands turn `KalogError` into one `kalog: error: ...` line
and exit code 2; warnings become `kalog: warning: ...` lines and never stop
the rest of the input from being read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

#: Exit codes shared by every command (sqlfluff's convention).
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2


class KalogError(Exception):
    """Base of every error kalog reports to the user as one line."""


class InputError(KalogError):
    """An input could not be read at all (missing, a directory, binary, ...).

    `source` names the input as the user gave it ('-' for stdin), so the
    message can be printed as `kalog: error: SOURCE: reason`.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@contextmanager
def opening(source: str) -> Iterator[None]:
    """Turn the OSError of opening input `source` into its one-line `InputError`.

    Local files (`kalog.ingest.read`) and fsspec URLs (`kalog.ingest.remote`)
    say the same reasons the same way: no such file, permission denied, or
    the system's words.
    """
    try:
        yield
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except OSError as exc:
        raise InputError(source, exc.strerror or str(exc)) from None


class NoInputError(KalogError):
    """Nothing usable was read from any of the inputs."""


class InputWarning(UserWarning):
    """Something in an input was damaged or guessed, but reading went on.

    Kept as a warning class (not an exception that is raised) so library
    callers can filter it with the `warnings` module; the reader records the
    same text in `frame.attrs["stats"]["warnings"]`.
    """
