"""The long fuzz run: tests/fuzz and tests/test_properties.py with many random
examples (bench/FUZZ.md).

    python -m bench.fuzz                  # 2000 examples per property
    python -m bench.fuzz --examples 20000 -k engines

The suite runs the same properties on 25 derandomized examples each (a few
seconds); this runs them on `--examples` fresh random ones, through pytest
with the `long` Hypothesis profile (tests/fuzz/strategies.py), and prints
pytest's result and Hypothesis' statistics.  A failure prints the smallest
input found and a `@reproduce_failure` blob; turn it into a regression test
(tests/test_envelope.py's corpus-014 tie is one) and record the run in
bench/FUZZ.md.  Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz", description=__doc__)
    parser.add_argument("--examples", type=int, default=2000, help="examples per property")
    parser.add_argument("-k", dest="select", help="only the properties matching (pytest -k)")
    args = parser.parse_args(argv)
    env = dict(os.environ, KALOG_FUZZ_PROFILE="long", KALOG_FUZZ_EXAMPLES=str(args.examples))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "ignore::DeprecationWarning",
        "--hypothesis-show-statistics",
        str(ROOT / "tests" / "fuzz"),  # the log reader and the grammars
        str(ROOT / "tests" / "test_properties.py"),  # keepalived.conf, settings, the CLI
    ]
    if args.select:
        command += ["-k", args.select]
    started = time.monotonic()
    code = subprocess.call(command, cwd=ROOT, env=env)
    print(
        f"bench.fuzz: {args.examples} examples per property, {time.monotonic() - started:.0f} s, "
        f"pytest exit {code}"
    )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
