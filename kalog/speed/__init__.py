"""Speed machinery, kept apart from the domain code that calls it.

Nothing here knows keepalived: `compiled` says whether the optional C byte
passes (`_linescan.c`, built by setup.py) are there; `allocator` and
`gc_pause` tune the process for millions of small objects; `isotime`
formats many timestamps at once.  Each has a pure-Python fallback or is a
no-op where it cannot help, so kalog gives the same answers without it
(bench/HISTORY.md measures what each one bought).
"""
