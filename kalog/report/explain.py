"""`kalog explain`'s views of one change of master: text and JSON.

Text is what a postmortem quotes: the change in one line, then each step of
the chain with its time, host and a few words, and under it the log line
it rests on (file:line and the line, verbatim but with control characters
escaped: log text is untrusted), then what the logs cannot tell.  Plain in
a pipe, coloured on a terminal; JSON (`Explanation.to_dict`) for tools.
"""

from __future__ import annotations

import json
from typing import IO

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from kalog.console import visible
from kalog.model.explain import Explanation
from kalog.model.timeline import clock

__all__ = ["render_explanation", "write_json"]


def render_explanation(explanation: Explanation, *, base: str | None = None) -> RenderableType:
    """The chain as rich renderables (markup off: every text is literal)."""
    change = explanation.change
    parts: list[RenderableType] = []
    title = Text(
        f"{change.instance}: {change.host} became MASTER at {clock(change.ts)} ({change.cause})",
        style="bold",
    )
    parts.append(title)
    if change.detail:
        parts.append(Padding(Text(visible(change.detail)), (0, 0, 0, 2)))
    facts = [f"previous master: {explanation.previous or 'not shown by the given logs'}"]
    facts.append(f"hosts: {', '.join(explanation.hosts)}")
    facts.append(
        f"window: {clock(explanation.start)} -> {clock(explanation.end)}"
        " (from the previous change of master, at most 60 s before, to 3 s after)"
    )
    parts.extend(Padding(Text(fact), (0, 0, 0, 2)) for fact in facts)
    parts.append(Text(""))
    parts.append(Text("Chain of cause (oldest first)", style="bold"))
    for step in explanation.steps:
        line = Text(f"{clock(step.ts, with_date=False)}  {step.host}  ")
        line.append(visible(step.what), style="cyan" if step.source is None else "")
        parts.append(line)
        if step.source is not None:
            where = f"{step.source}:{step.line}"
            parts.append(
                Padding(
                    Text(f"{where}  {visible(step.text or '')}".rstrip(), style="dim"), (0, 0, 0, 4)
                )
            )
    parts.append(Text(""))
    parts.append(Text("Not known from these logs", style="bold"))
    if explanation.unknown:
        parts.extend(
            Padding(Text(f"- {visible(note)}"), (0, 0, 0, 2)) for note in explanation.unknown
        )
    else:
        parts.append(Padding(Text("- nothing this view can name"), (0, 0, 0, 2)))
    return Group(*parts)


def print_explanation(explanation: Explanation, console: Console) -> None:
    console.print(render_explanation(explanation))


def write_json(explanation: Explanation, stream: IO[str]) -> None:
    json.dump(explanation.to_dict(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
