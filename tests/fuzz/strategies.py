"""What the fuzz tests feed kalog: random bytes and mutated real log lines.

The real lines are every line of the repo's own logs (the seed, the lab
captures' syslog and console files, the corpus), so a mutation starts from
what keepalived and syslog daemons really write: an envelope kalog
recognises, a body one of its templates matches.  Mutations work on bytes,
so they reach what a damaged file holds: invalid UTF-8, NUL bytes, CR, cut
lines, a month or pid field with the wrong characters.

Hypothesis profiles, loaded when this module is imported: `suite` (the
default) is a bounded, derandomized run, the same examples on every machine
and every run, seconds in all, so `pytest` stays reproducible and fast;
`long` is `python -m bench.fuzz` (bench/FUZZ.md), which sets
KALOG_FUZZ_PROFILE=long and KALOG_FUZZ_EXAMPLES: random, many examples.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent.parent

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "suite",
    max_examples=25,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_OK,
)
settings.register_profile(
    "long",
    max_examples=int(os.environ.get("KALOG_FUZZ_EXAMPLES", "2000")),
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_OK,
)
settings.load_profile(os.environ.get("KALOG_FUZZ_PROFILE", "suite"))


@cache
def real_lines() -> tuple[bytes, ...]:
    """Every distinct line of the repo's logs, as bytes, in a fixed order."""
    paths = sorted(
        [
            *(ROOT / "samples" / "seed").glob("*.log"),
            *(ROOT / "samples" / "lab").glob("*/*.log"),
            *(ROOT / "samples" / "lab").glob("*/*.console"),
            *(ROOT / "tests" / "data" / "corpus").glob("*.log"),
        ]
    )
    seen: dict[bytes, None] = {}
    for path in paths:
        for line in path.read_bytes().splitlines():
            if line.strip():
                seen.setdefault(line, None)
    return tuple(seen)


#: Bytes that change how a line is read: separators, field punctuation,
#: line ends, NUL, a lone continuation byte, a UTF-8 character, a BOM.
_SPECIAL = [
    b" ",
    b"  ",
    b":",
    b"[",
    b"]",
    b"(",
    b")",
    b"<",
    b">",
    b"{",
    b"}",
    b'"',
    b"\\",
    b"\t",
    b"\r",
    b"\r\n",
    b"\n",
    b"\x00",
    b"\x80",
    b"\xff",
    b"\xc3",
    "é".encode(),
    "\u2028".encode(),
    b"\xef\xbb\xbf",
    b"-",
    b"+00:00",
    b"Z",
    b"T",
    b"0",
    b"9999999999999999999999",
    b"Keepalived_vrrp[1]: ",
    b"VRRP_Instance(",
    b"Entering MASTER STATE",
]


@st.composite
def mutated_line(draw: st.DrawFn) -> bytes:
    """A real line with a few byte-level edits (insert, delete, replace, cut, swap)."""
    lines = real_lines()
    line = bytearray(lines[draw(st.integers(0, len(lines) - 1))])
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "cut", "special", "swap"]))
        at = draw(st.integers(0, len(line)))
        if op == "insert":
            line[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "special":
            line[at:at] = draw(st.sampled_from(_SPECIAL))
        elif op == "delete":
            line[at : at + draw(st.integers(1, 12))] = b""
        elif op == "replace":
            size = draw(st.integers(1, 8))
            line[at : at + size] = draw(st.binary(min_size=1, max_size=size))
        elif op == "cut":
            line = line[:at]
        elif op == "swap" and len(line) > 1:
            other = draw(st.integers(0, len(line) - 1))
            at = min(at, len(line) - 1)
            line[at], line[other] = line[other], line[at]
    return bytes(line)


def real_line() -> st.SearchStrategy[bytes]:
    """One real line as it is."""
    return st.sampled_from(real_lines())


#: A line of a fuzzed file: mostly mutated real lines, some intact, some noise.
any_line = st.one_of(
    mutated_line(), real_line(), st.binary(max_size=80), st.text(max_size=80).map(str.encode)
)


@st.composite
def log_file(draw: st.DrawFn) -> bytes:
    """A file's bytes: lines joined by LF (or CRLF), with or without a final newline."""
    lines = draw(st.lists(any_line, min_size=0, max_size=25))
    newline = draw(st.sampled_from([b"\n", b"\n", b"\r\n"]))
    data = newline.join(lines)
    if lines and draw(st.booleans()):
        data += newline
    return data
