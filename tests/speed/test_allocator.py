"""kalog.speed.allocator: the reader's big buffers reuse pages instead of faulting in new ones."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

glibc = pytest.mark.skipif(
    not hasattr(os, "confstr") or not os.confstr("CS_GNU_LIBC_VERSION"), reason="glibc only"
)

#: Allocates and frees, fifty times, a 4 MB block and a copy of it (as the
#: reader does per block), counting the page faults that costs.
_FAULTS = """
import resource, sys
from kalog.speed.allocator import reuse_big_buffers
if sys.argv[1] == "tuned":
    assert reuse_big_buffers()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(50):
    block = b"x" * (4 << 20)
    lines = block[1:]
    del block, lines
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _printed(script: str, *args: str) -> str:
    """What `script` prints, run in a fresh interpreter (its allocator untouched by this one's)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return done.stdout


def _faults(mode: str) -> int:
    return int(_printed(_FAULTS, mode))


@glibc
def test_big_buffers_reuse_their_pages() -> None:
    pages = (8 << 20) // os.sysconf("SC_PAGE_SIZE")  # one block and its copy
    assert _faults("default") > 40 * pages  # new pages for nearly every block
    assert _faults("tuned") < 2 * pages  # the first block's pages, then reused


def test_the_command_line_tunes_the_allocator(monkeypatch: pytest.MonkeyPatch) -> None:
    from kalog import cli

    calls: list[str] = []
    monkeypatch.setattr(cli, "reuse_big_buffers", lambda: calls.append("tuned"))
    monkeypatch.setattr(cli, "main", lambda: calls.append("main"))
    monkeypatch.setattr(cli.os, "_exit", lambda code: calls.append(f"exit {code}"))
    cli.run()
    assert calls == ["tuned", "main", "exit 0"]


#: Frees ~100 MB of small blocks (a few kept, so the heap cannot just shrink
#: from its top) under the command line's tuning; prints the MB RSS fell by.
_GIVE_BACK = """
import sys
from kalog.speed.allocator import give_back, reuse_big_buffers
assert reuse_big_buffers()
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096
chunks = [bytes(1000) for _ in range(100_000)]
kept = chunks[::1000]
del chunks
before = rss()
if sys.argv[1] == "give_back":
    give_back()
print((before - rss()) >> 20)
"""


@glibc
def test_give_back_returns_freed_memory() -> None:
    assert int(_printed(_GIVE_BACK, "keep")) < 10  # the tuned heap keeps what was freed
    assert int(_printed(_GIVE_BACK, "give_back")) > 60  # handed back to the system


def test_read_events_gives_back_after_each_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from kalog.ingest import frame

    calls: list[str] = []
    monkeypatch.setattr(frame, "give_back", lambda: calls.append("give_back"))
    logs = sorted((ROOT / "samples" / "seed").glob("*.log"))
    events = frame.read_events(logs, on_error="collect")
    # once per input (its gathering), once after assembling (before the host check)
    assert len(events) == 121 and calls == ["give_back"] * (len(logs) + 1)


#: Allocates twelve 4 MB buffers under the command line's tuning, optionally
#: settles, frees them; prints the MB RSS fell by.
_SETTLE = """
import sys
from kalog.speed.allocator import reuse_big_buffers, settle
assert reuse_big_buffers()
if sys.argv[1] == "settle":
    assert settle()
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096
buffers = [b"x" * (4 << 20) for _ in range(12)]
before = rss()
del buffers
print((before - rss()) >> 20)
"""


@glibc
def test_settle_hands_freed_buffers_back_at_once() -> None:
    assert int(_printed(_SETTLE, "tuned")) < 10  # kept on the heap for the next block
    assert int(_printed(_SETTLE, "settle")) > 40  # each in its own mapping, unmapped when freed


def test_settle_leaves_an_untuned_allocator_alone() -> None:
    printed = _printed("from kalog.speed.allocator import settle; print(settle())")
    assert printed == "False\n"  # a library caller's allocator is not kalog's


def test_the_command_line_settles_after_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from kalog.cli.common import LogInputs
    from kalog.speed import allocator

    calls: list[str] = []
    monkeypatch.setattr(allocator, "give_back", lambda: calls.append("give_back"))
    monkeypatch.setattr(allocator, "settle", lambda: calls.append("settle"))
    logs = sorted((ROOT / "samples" / "seed").glob("*.log"))
    events = LogInputs(paths=tuple(str(log) for log in logs), year=2014, quiet=True).read()
    assert len(events) > 0 and calls == ["give_back", "settle"]
