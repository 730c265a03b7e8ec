"""`-o FILE` and `--format`, checked before anything is read.

Why before: a report that cannot be written, or would be written in a
format its name contradicts, is the user's mistake, and finding it after a
minute of analysis (`internal error: FileNotFoundError`) or not at all
(`-o rep.sarif` holding the plain text view) wastes the run.  So, at the
start of `events`, `timeline` and `analyze`:

* `-o` names a file in an existing, writable directory, and is not a
  directory or a read-only file: else one `kalog: error: -o FILE: ...`
  line, exit 2;
* without `--format`, the file's extension chooses it (`rep.sarif` ->
  sarif, `rep.json` -> json, `rep.xml` -> junit); with `--format`, an
  extension that names another format is refused (exit 2).  An extension
  no format claims (`.log`, none) leaves the format to `--format` or the
  command's default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from kalog.errors import KalogError

#: per command: extension -> the formats a file of that name may hold, the
#: one inferred first (SARIF is JSON: a `.json` file may hold either).
EXTENSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "analyze": {
        ".json": ("json", "sarif"),
        ".sarif": ("sarif",),
        ".xml": ("junit",),
        ".txt": ("rich", "github"),
        ".html": ("html",),
        ".htm": ("html",),
    },
    "timeline": {".json": ("json",), ".txt": ("rich",), ".svg": ("svg",), ".png": ("png",)},
    "events": {
        ".jsonl": ("jsonl",),
        ".ndjson": ("jsonl",),
        ".json": ("jsonl",),
        ".csv": ("csv",),
        ".parquet": ("parquet",),
        ".txt": ("table",),
    },
}


def check_output(output: str | None) -> None:
    """Raise KalogError unless `output` (None or '-': stdout) can be written."""
    if output is None or output == "-":
        return
    path = Path(output)
    if path.is_dir():
        raise KalogError(f"-o {output}: is a directory")
    parent = path.parent
    if not parent.is_dir():
        what = "is not a directory" if parent.exists() else "does not exist"
        raise KalogError(f"-o {output}: directory {parent} {what}")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise KalogError(f"-o {output}: file is not writable")
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise KalogError(f"-o {output}: directory {parent} is not writable")


def choose_format(
    command: str, fmt: str | None, output: str | None, default: str | None
) -> tuple[str | None, bool]:
    """The format to write and whether it was inferred from `output`'s extension.

    `default` when neither `fmt` nor the extension chooses (None: the
    caller decides later, e.g. `analyze` after importing the reports).

    Raises KalogError when `fmt` was given and `output`'s extension names
    another format.
    """
    by_extension: Mapping[str, tuple[str, ...]] = EXTENSIONS[command]
    suffix = Path(output).suffix.lower() if output not in (None, "-") else ""
    allowed = by_extension.get(suffix)
    if allowed is None:
        return fmt or default, False
    if fmt is None:
        return allowed[0], True
    if fmt not in allowed:
        names = " or ".join(allowed)
        raise KalogError(
            f"--format {fmt} contradicts -o {output} (a {suffix} file holds {names}); "
            f"drop --format or rename the file"
        )
    return fmt, False
