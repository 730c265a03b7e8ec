"""Find the keepalived lines of one input and read their envelopes, as arrays.

The byte-level half of the fast engine, kept free of pandas so a forked
child can run it before (or without) importing pandas (see `kalog.ingest.split`):
`kalog.ingest.read` yields blocks of lines, a prefilter per block picks the
candidate lines (the ident word, found with `bytes.find` where matches are
rare and by pyarrow where most lines match; every line of a block where a
relayed console stamp may hide), and `kalog.grammar.bulk` reads the
envelopes of many candidates at once: all of them (`gather`, a split file's
segments) or a window at a time (`gather_windows`, what `kalog.ingest.frame`
reads an input with).  `kalog.ingest.frame` turns the result into the event
frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kalog.grammar import envelope as env
from kalog.grammar.bulk import Envelopes, read_envelopes
from kalog.ingest.read import LineBlock, Source, iter_line_blocks


@dataclass
class Gathered:
    """What one reader found: the candidate lines and the keepalived envelopes.

    `numbers` are the line numbers of `lines` (the candidate lines); the rows
    of `found` are positions in `lines`.
    """

    numbers: np.ndarray
    lines: pa.Array
    found: Envelopes


def gather(
    source: Source, layout: env.FileLayout | None = None, primary: env.Style = env.RFC3164
) -> Gathered:
    """The keepalived lines of `source` and their envelopes, as arrays (no pandas).

    The candidate lines of all blocks (those with the ident word, or every
    line where the layout needs it) are gathered with their numbers, then
    `kalog.grammar.bulk` reads their envelopes in one columnar pass.
    `layout` and `primary` are sniffed from the first block unless given (a
    later part of a split file takes the first part's).
    """
    (whole,) = gather_windows(source, layout, primary, None)
    return whole


def gather_windows(
    source: Source,
    layout: env.FileLayout | None = None,
    primary: env.Style = env.RFC3164,
    window: int | None = None,
) -> Iterator[Gathered]:
    """`gather(source)` a window of at most `window` candidate lines at a time, in file order.

    Why: the envelopes of a million lines are a dozen string arrays (~140 MB
    for the dense 1M-line file) that the frame does not keep; read a window
    at a time and reduced to the frame's columns by the caller before the
    next, they are never all alive at once.  Reading an envelope depends on
    its line alone (and on the layout and primary style sniffed from the
    first block, which every window shares), so the windows' envelopes are
    exactly those of the whole.  A window's line numbers are the input's,
    its rows positions in its own `lines`.  None: one window of everything.
    Yields at least one (possibly empty) window.
    """
    numbers: list[np.ndarray] = []
    texts: list[pa.Array] = []
    pending: list[tuple[int, str]] = []  # candidates found one by one, not yet an array
    held = 0  # candidate lines in numbers, texts and pending
    yielded = False

    def flush() -> None:
        if pending:
            numbers.append(np.fromiter((n for n, _ in pending), dtype=np.int64, count=len(pending)))
            texts.append(pa.array([t for _, t in pending], type=pa.large_string()))
            pending.clear()

    def windows(last: bool) -> Iterator[Gathered]:
        """The candidates held, read in windows of `window` lines; those short of
        a window are held for the next unless this is the `last` call.

        Why hold them: a block ends anywhere, and the candidates past the
        last whole window used to be a short window of their own (dense
        files: 65,536 lines, then ~19,000), which costs a window's fixed work
        (the frame's assembly, ~40 ms) for a fraction of the rows.
        """
        nonlocal held
        flush()
        lines = pa.concat_arrays(texts) if texts else pa.array([], type=pa.large_string())
        texts.clear()  # the blocks' copies of the lines: not kept while the envelopes are read
        line_numbers = np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64)
        numbers.clear()
        size = window or max(len(lines), 1)
        whole = len(lines) if last else len(lines) // size * size
        if whole < len(lines):  # the rest waits for the next blocks, copied: a
            # slice would keep all the window's text alive while they are read
            texts.append(pa.concat_arrays([lines.slice(whole)]))
            numbers.append(line_numbers[whole:].copy())
        held = len(lines) - whole
        pieces = [
            (line_numbers[start : start + size], lines.slice(start, size))
            for start in range(0, max(whole, 1) if last else whole, size)
        ]
        del lines, line_numbers
        pieces.reverse()
        while pieces:  # no local keeps a window yielded: the caller frees it
            yield _read(*pieces.pop(), layout or "syslog", primary)

    word = env.PREFILTER_WORD
    for block in iter_line_blocks(source):
        if layout is None:
            layout, primary = env.sniff(block.head(env.SNIFF_LINES * 4), env.match_fast)
        first = block.first
        if layout in ("syslog", "json"):
            if layout == "syslog" and _has_console_stamp(block):
                search = env.CONSOLE_ANYWHERE.search
                before = len(pending)
                pending.extend(
                    (first + i, t) for i, t in enumerate(block.lines) if word in t or search(t)
                )
                held += len(pending) - before
            elif block.dense(word) and (found := block.find_lines_bulk(word)) is not None:
                flush()
                numbers.append(found[0] + first)
                texts.append(found[1])
                held += len(found[0])
                del found
            else:
                before = len(pending)
                pending.extend((first + i, t) for i, t in block.find_lines(word))
                held += len(pending) - before
        else:
            pending.extend((first + i, t) for i, t in enumerate(block.lines))
            held += len(block.lines)
        del block
        if window is not None and held >= window:
            yield from windows(last=False)
            yielded = True
    if held or not yielded:
        yield from windows(last=True)


def _read(
    numbers: np.ndarray, lines: pa.Array, layout: env.FileLayout, primary: env.Style
) -> Gathered:
    return Gathered(numbers, lines, read_envelopes(lines, layout, primary))


def windows_of(whole: Gathered, window: int | None) -> Iterator[Gathered]:
    """`whole` (gathered at once: the split reader's parts, joined) in windows of at
    most `window` candidate lines, as `gather_windows` would give them (no copy)."""
    count = len(whole.lines)
    if window is None or count <= window:
        yield whole
        return
    rows = whole.found.rows
    for start in range(0, count, window):
        low, high = (int(i) for i in np.searchsorted(rows, [start, start + window]))
        found = whole.found
        yield Gathered(
            whole.numbers[start : start + window],
            whole.lines.slice(start, window),
            Envelopes(
                rows=rows[low:high] - start,
                style=found.style.slice(low, high - low),
                fields={name: f.slice(low, high - low) for name, f in found.fields.items()},
            ),
        )


def _has_console_stamp(block: LineBlock) -> bool:
    """`env.has_console_stamp(block.text)`, with a cheap byte test first for ASCII blocks."""
    data = block.data
    if data is not None and not env.may_have_console_stamp(data):
        return False
    return env.has_console_stamp(block.text)
