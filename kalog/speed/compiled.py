"""The reader's compiled byte passes, when this install has them.

`kalog.speed._linescan` (kalog/speed/_linescan.c, built by setup.py where a C compiler
exists) finds and numbers the lines holding a word, rules out console
stamps, and finds each line's next separator for the bulk envelope cutter,
in one pass each at memchr speed: on the 10M-line benchmark file the first
two were ~80% of the reading processes' time in Python.  Where it was not
built, `linescan` is None and kalog.ingest.read, kalog.grammar.envelope and
kalog.grammar.bulk run their Python passes, which give the same answers
(tests/speed/test_linescan.py compares both on real lines and on edge cases).
Read at call time, so tests can set it to None to drive the Python passes.
"""

from __future__ import annotations

from types import ModuleType

linescan: ModuleType | None
try:
    from kalog.speed import _linescan as linescan
except ImportError:  # built without a C compiler
    linescan = None


def describe() -> str:
    """One line for `--version` and the benchmark: which passes read bytes."""
    return (
        "compiled (kalog.speed._linescan)" if linescan is not None else "pure Python (no C build)"
    )
