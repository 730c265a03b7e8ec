"""Record lab captures: `python3 -m tests.lab.record [--out samples/lab] [scenario ...]`.

Each scenario is recorded into a scratch directory first and moved into place only when it
completed, so a failed run never replaces a good committed capture.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from pathlib import Path

from .netns import LabError, acquire_lock, cleanup_leftovers, missing_requirements
from .scenarios import SCENARIOS

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "samples" / "lab"


def _sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def record(names: list[str], out: Path) -> int:
    """Record the named scenarios into out/<name>/; returns the number of failures."""
    failures = 0
    for name in names:
        scenario = SCENARIOS[name]
        scratch = out / f".{name}.recording"
        shutil.rmtree(scratch, ignore_errors=True)
        began = time.monotonic()
        try:
            scenario.record(scratch)
        except LabError as exc:
            failures += 1
            print(f"{name}: FAILED after {time.monotonic() - began:.1f}s: {exc}", file=sys.stderr)
            print(f"  partial capture kept in {scratch}", file=sys.stderr)
            continue
        final = out / name
        shutil.rmtree(final, ignore_errors=True)
        scratch.rename(final)
        print(f"{name}: recorded in {time.monotonic() - began:.1f}s -> {final}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="default: all", choices=[[], *SCENARIOS])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--list", action="store_true", help="list scenarios and exit")
    parser.add_argument("--cleanup", action="store_true", help="only remove lab leftovers")
    args = parser.parse_args(argv)
    if args.list:
        for scenario in SCENARIOS.values():
            print(f"{scenario.name}: {scenario.shows}")
        return 0
    reason = missing_requirements()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    if args.cleanup:
        with acquire_lock():
            print("removed:", " ".join(cleanup_leftovers()) or "nothing")
        return 0
    signal.signal(signal.SIGTERM, _sigterm)
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.scenarios or list(SCENARIOS)
    began = time.monotonic()
    failures = record(names, args.out)
    print(f"{len(names) - failures}/{len(names)} scenarios in {time.monotonic() - began:.1f}s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
