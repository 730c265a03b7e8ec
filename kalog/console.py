"""The one place kalog creates rich consoles, and the escaping of log text.

Log lines are untrusted: they contain `[1234]` and `(VI_1)` that rich would
take for markup or highlight, and may contain terminal escape sequences that
would recolour or rewrite the user's terminal.  So every console is created
here with markup, emoji and highlighting off, and every piece of log text
goes through `visible()` before it is printed, which shows control
characters as escapes (`\\x1b`) instead of sending them to the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from typing import IO

from rich.console import Console

__all__ = ["make_console", "set_color_mode", "visible", "visible_all", "wants_color"]

# C0 controls except tab, DEL, C1 controls (0x9b is a one-byte CSI), and the
# bidirectional overrides that can make text read differently than it is.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object) -> str:
    """`text` with control characters shown as Python-style escapes.

    Backslashes are left alone: the point is that nothing reaches the
    terminal that it would interpret, not a reversible encoding.
    """
    return _UNSAFE.sub(_escape, str(text))


def visible_all(texts: list[str]) -> list[str]:
    """`visible` of each text; one search over them all first, since log text
    rarely holds a control character and a regex call per cell of a million
    rows is seconds."""
    if not _UNSAFE.search("".join(texts)):
        return texts
    return [visible(text) for text in texts]


#: `--color auto|always|never` of the command line (`set_color_mode`).
COLOR_MODES = ("auto", "always", "never")
_color_mode = "auto"


def set_color_mode(mode: str) -> None:
    """`always`/`never` decide for every console made after; `auto` asks `wants_color`."""
    global _color_mode
    if mode not in COLOR_MODES:
        raise ValueError(f"colour mode {mode!r} is not one of {', '.join(COLOR_MODES)}")
    _color_mode = mode


def wants_color(file: IO[str] | None = None, color: bool | None = None) -> bool:
    """Colour or not, first answer wins: the `color` argument, `--color
    always|never`, NO_COLOR (https://no-color.org), FORCE_COLOR
    (https://force-color.org), else only on a terminal."""
    if color is not None:
        return color
    if _color_mode != "auto":
        return _color_mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = file if file is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_PADDED = re.compile(" +\n")


class _NoTrailingSpaces:
    """A text file that writes lines without their trailing spaces.

    Why: rich pads every line of a padded or tabled renderable to the full
    width, so plain text in a pipe or a file ended in up to 80 spaces a
    line (diffs, `grep ' $'`, editors show them).  Only for plain output:
    with colour the padding carries the background and is left alone.
    A log line's own trailing spaces go too; they were invisible anyway.
    """

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self._tail = ""  # the last line written, until its newline arrives

    def write(self, text: str) -> int:
        pending = self._tail + text
        cut = pending.rfind("\n") + 1
        if cut:
            self._file.write(_PADDED.sub("\n", pending[:cut]))
        self._tail = pending[cut:]
        return len(text)

    def flush(self) -> None:
        if self._tail:
            self._file.write(self._tail)
            self._tail = ""
        self._file.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._file, name)


def make_console(
    *,
    file: IO[str] | None = None,
    stderr: bool = False,
    width: int | None = None,
    color: bool | None = None,
    record: bool = False,
) -> Console:
    """A rich console that never interprets the text it prints.

    file/stderr: where to write (results to stdout, diagnostics to stderr).
    width: fixed width (snapshot tests, `-o FILE`); default is the terminal's.
    color: force colour on or off; default decides with `wants_color`.
    record: keep the render for export (render once, export text/HTML).
    """
    target = file if file is not None else (sys.stderr if stderr else sys.stdout)
    use_color = wants_color(target, color)
    if not use_color and not stderr:
        file = _NoTrailingSpaces(target)
    return Console(
        file=file,
        stderr=stderr and file is None,
        width=width,
        markup=False,
        emoji=False,
        highlight=False,
        color_system="auto" if use_color else None,
        force_terminal=True if use_color else None,
        no_color=not use_color,
        record=record,
        soft_wrap=False,
    )
