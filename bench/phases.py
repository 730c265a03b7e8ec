"""Peak RSS of each phase of `kalog analyze`, in one process.

    python -m bench.phases bench/data/dense-1M.log [json|rich|sarif|...]

Reads as the command does (`read_events(keep_raw=False)`), analyses,
drops the frame, then renders the report into a temporary file; after each
phase it prints the time, the RSS and the peak RSS since the previous
phase (Linux: the peak is reset by writing 5 to /proc/self/clear_refs).
Why not GNU time alone: it gives the whole run's peak, and whether the
read, the analysis or the report sets it decides what to work on
(bench/HISTORY.md, session 8).
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from pathlib import Path


def _status() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in MB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) // 1024
    return found


class _Phases:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def mark(self, what: str) -> None:
        now, found = time.perf_counter(), _status()
        print(
            f"{what:24s} {now - self.start:6.2f} s  rss {found['VmRSS']:6,} MB"
            f"  peak {found['VmHWM']:6,} MB",
            file=sys.stderr,
        )
        Path("/proc/self/clear_refs").write_text("5")
        self.start = time.perf_counter()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    path, fmt = args[0], args[1] if len(args) > 1 else "json"
    phases = _Phases()
    import kalog
    from kalog.pipeline import analyze_events
    from kalog.report import render
    from kalog.speed.allocator import give_back

    phases.mark("imports")
    events = kalog.read_events([path], keep_raw=False)
    give_back()
    phases.mark(f"read ({events.memory_usage(deep=True).sum() / 1e6:.1f} MB frame)")
    result = analyze_events(events)
    phases.mark("replay and rules")
    del events
    gc.collect()
    give_back()
    phases.mark("frame dropped")
    with tempfile.TemporaryFile("w", encoding="utf-8") as out:
        render(result, fmt, out, width=None, timeline=None)
    phases.mark(f"report ({fmt})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
