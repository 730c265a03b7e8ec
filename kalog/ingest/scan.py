"""Find the keepalived lines of one input and read their envelopes, as arrays.

The byte-level half of the fast engine, kept free of pandas so a forked
child can run it before (or without) importing pandas (see `kalog.ingest.split`):
`kalog.ingest.read` yields blocks of lines, a prefilter per block picks the
candidate lines (the ident word, found with `bytes.find` where matches are
rare and by pyarrow where most lines match; every line of a block where a
relayed console stamp may hide), and `kalog.grammar.bulk` reads the
envelopes of all candidates at once.  `kalog.ingest.frame` turns the result into
the event frame.
"""

from __future__ import annotations

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
    numbers: list[np.ndarray] = []
    texts: list[pa.Array] = []
    pending: list[tuple[int, str]] = []  # candidates found one by one, not yet an array

    def flush() -> None:
        if pending:
            numbers.append(np.fromiter((n for n, _ in pending), dtype=np.int64, count=len(pending)))
            texts.append(pa.array([t for _, t in pending], type=pa.large_string()))
            pending.clear()

    word = env.PREFILTER_WORD
    for block in iter_line_blocks(source):
        if layout is None:
            layout, primary = env.sniff(block.head(env.SNIFF_LINES * 4), env.match_fast)
        first = block.first
        if layout in ("syslog", "json"):
            if layout == "syslog" and _has_console_stamp(block):
                search = env.CONSOLE_ANYWHERE.search
                pending.extend(
                    (first + i, t) for i, t in enumerate(block.lines) if word in t or search(t)
                )
                continue
            if block.dense(word):
                found = block.find_lines_bulk(word)
                if found is not None:
                    flush()
                    numbers.append(found[0] + first)
                    texts.append(found[1])
                    continue
            pending.extend((first + i, t) for i, t in block.find_lines(word))
        else:
            pending.extend((first + i, t) for i, t in enumerate(block.lines))
    flush()
    lines = pa.concat_arrays(texts) if texts else pa.array([], type=pa.large_string())
    texts.clear()  # the blocks' copies of the lines: not kept while the envelopes are read
    line_numbers = np.concatenate(numbers) if numbers else np.zeros(0, dtype=np.int64)
    return Gathered(line_numbers, lines, read_envelopes(lines, layout or "syslog", primary))


def _has_console_stamp(block: LineBlock) -> bool:
    """`env.has_console_stamp(block.text)`, with a cheap byte test first for ASCII blocks."""
    data = block.data
    if data is not None and not env.may_have_console_stamp(data):
        return False
    return env.has_console_stamp(block.text)
