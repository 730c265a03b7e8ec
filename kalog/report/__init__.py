"""Output formats: one module per format, chosen through `OutputFormat`.

Every format takes the same `AnalysisResult` (render once, export many).
A machine format (`json`, `sarif`, `junit`, `github`) is a module that is a
`MachineFormat`: `dumps(result) -> str`, and `chunks(result)` too where a
report can be big enough to stream; the human format (`rich`) draws on a
console from `kalog.console`.  `html`, the page people share after a
failover, is written as a machine format is (`dumps`: one file).  Modules
are imported only when their format is used.  The event frame's writers
(`kalog events`) are `events` and `events_table`; the timeline's picture
(`kalog timeline --format svg|png`) is `chart`.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from enum import StrEnum
from typing import IO, Any, Protocol, runtime_checkable

from kalog.check.analysis import AnalysisResult

__all__ = ["MachineFormat", "OutputFormat", "default_format", "render"]


@runtime_checkable
class MachineFormat(Protocol):
    """The one interface of a machine format module (tests/test_layout.py
    checks every machine format against it)."""

    def dumps(self, result: AnalysisResult) -> str:
        """The whole report as text."""
        ...


class OutputFormat(StrEnum):
    RICH = "rich"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITHUB = "github"
    HTML = "html"

    @property
    def module(self) -> str:
        return f"kalog.report.{self.value}"


def default_format(environ: Mapping[str, str] | None = None) -> OutputFormat:
    """`github` inside GitHub Actions (as yamllint does), `rich` elsewhere."""
    env = os.environ if environ is None else environ
    return OutputFormat.GITHUB if env.get("GITHUB_ACTIONS") == "true" else OutputFormat.RICH


def render(
    result: AnalysisResult,
    fmt: OutputFormat | str,
    file: IO[str] | None = None,
    *,
    width: int | None = None,
    color: bool | None = None,
    timeline: Any = None,
) -> None:
    """Write `result` in format `fmt` to `file` (default stdout).

    width/color/timeline only matter to `rich`: a fixed width, forced colour
    on/off, and the pre-rendered lane view of the timeline
    (`kalog.report.lanes.render_timeline`: a rich renderable, or a callable
    taking the console and returning one).
    """
    fmt = OutputFormat(fmt)
    out = file if file is not None else sys.stdout
    module = importlib.import_module(fmt.module)
    if fmt is OutputFormat.RICH:
        from kalog.console import make_console

        console = make_console(file=out, width=width, color=color)
        module.render(result, console, timeline=timeline)
    elif callable(chunks := getattr(module, "chunks", None)):
        # A big report streamed in pieces: no second copy of 100+ MB of text.
        from kalog.speed.gc_pause import gc_paused

        with gc_paused():
            out.writelines(chunks(result))
    else:
        out.write(module.dumps(result))
