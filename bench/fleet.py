"""A fleet to analyse: many keepalived pairs, a month of rotated logs per host.

    python -m bench.fleet generate -o bench/data/fleet --clusters 200 --days 30
    python -m bench.fleet time bench/data/fleet --workers 1,2
    python -m bench.fleet profile bench/data/fleet

`generate` writes one directory per host (`lb01a/messages`, `messages.1`,
`messages.2.gz` ... `messages.29.gz`: logrotate's daily layout, each file
dated at the end of its day), each holding that host's keepalived lines
(bench/generate.py's `Cluster`: a pair's coherent VRRP story, every
incident logged by both hosts) among its other daemons' lines
(bench/generate.py's noise pool).  Pairs are numbered as in
bench/generate.py, so instance names repeat across pairs (VI_1 on most of
them) and only the evidence in the lines tells the pairs apart.

`time` runs `kalog analyze DIR --format json` (to /dev/null) with each
`--workers` value and without it (today's one process), round-robin, and
prints the table of bench/README.md.  `profile` runs the partitioned
analysis in this process and times each task: the per-partition costs the
README's scaling argument rests on.  Deterministic: the same options give
the same bytes (file times included).
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.generate import FAMILIES, MONTHS, Cluster, build_noise_pool

_HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_DAY = 86_400


def write_fleet(
    out: Path,
    *,
    clusters: int = 200,
    days: int = 30,
    keepalived_per_day: int = 300,
    noise_per_day: int = 1_000,
    seed: int = 1,
    start: datetime = datetime(2024, 8, 1),
) -> dict[str, int]:
    """Write the fleet under `out`; returns counts (hosts, files, lines, bytes)."""
    out.mkdir(parents=True, exist_ok=True)
    fams = list(FAMILIES)
    random.Random(seed).shuffle(fams)
    pool, nginx = build_noise_pool(["HOST"], 20_000, seed)
    plain = [line[len("HOST ") :] for line, ng in zip(pool, nginx, strict=True) if not ng]
    rng = np.random.default_rng(seed)
    counts = {"hosts": 0, "files": 0, "lines": 0, "keepalived_lines": 0, "bytes": 0}
    span = days * _DAY
    for cid in range(clusters):
        cluster = Cluster(cid, fams[cid % len(fams)], seed)
        t0 = random.Random(seed * 31 + cid).uniform(0, 600)
        by_host: dict[str, list[list[tuple[float, str]]]] = {
            host.name: [[] for _ in range(days)] for host in cluster.hosts
        }
        for t, text in cluster.stream(t0, span, keepalived_per_day * days):
            host, _, rest = text.partition(" ")
            by_host[host][min(int(t // _DAY), days - 1)].append((t, rest))
        for host, per_day in by_host.items():
            folder = out / host
            folder.mkdir(exist_ok=True)
            counts["hosts"] += 1
            for day, keepalived in enumerate(per_day):
                noise_times = np.sort(rng.uniform(day * _DAY, (day + 1) * _DAY, noise_per_day))
                picks = rng.integers(0, len(plain), noise_per_day)
                noise = [
                    (t, plain[i]) for t, i in zip(noise_times.tolist(), picks.tolist(), strict=True)
                ]
                lines = sorted(keepalived + noise, key=lambda item: item[0])
                date = start + timedelta(days=day)
                stamp = f"{MONTHS[date.month - 1]} {date.day:2d} "
                text = "".join(
                    f"{stamp}{_HMS[min(int(t) - day * _DAY, _DAY - 1)]} {host} {rest}\n"
                    for t, rest in lines
                ).encode()
                index = days - 1 - day
                name = "messages" if index == 0 else f"messages.{index}"
                path = folder / (name if index <= 1 else f"{name}.gz")
                data = gzip.compress(text, compresslevel=6, mtime=0) if index > 1 else text
                path.write_bytes(data)
                end = (date + timedelta(days=1)).timestamp()
                os.utime(path, (end, end))
                counts["files"] += 1
                counts["lines"] += len(lines)
                counts["keepalived_lines"] += len(keepalived)
                counts["bytes"] += len(data)
    return counts


def _kalog(directory: Path, extra: Sequence[str]) -> float:
    """Seconds of one `kalog analyze DIR --format json -o /dev/null` run."""
    command = [
        sys.executable,
        "-m",
        "kalog",
        "analyze",
        str(directory),
        "--format",
        "json",
        "-o",
        os.devnull,
        "--fail-on",
        "never",
        "-q",
        "--include",
        "messages*",
        *extra,
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_runs(directory: Path, workers: Sequence[int], rounds: int) -> list[tuple[str, float]]:
    """Median wall time per configuration, run round-robin `rounds` times."""
    configs: list[tuple[str, list[str]]] = [("one process (default)", [])]
    configs += [(f"--workers {n}", ["--workers", str(n), "--no-by-cluster"]) for n in workers]
    times: dict[str, list[float]] = {label: [] for label, _ in configs}
    for _ in range(rounds):
        for label, extra in configs:
            times[label].append(_kalog(directory, extra))
    return [(label, statistics.median(values)) for label, values in times.items()]


class _Timed:
    """An in-process executor that times each task (for `profile`)."""

    workers = 1

    def __init__(self) -> None:
        self.seconds: dict[str, list[float]] = {}

    def map(
        self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], progress: Any
    ) -> list[Any]:
        results = []
        for args in tasks:
            started = time.perf_counter()
            results.append(fn(*args))
            self.seconds.setdefault(fn.__name__, []).append(time.perf_counter() - started)
        return results

    def close(self) -> None:
        pass


def profile(directory: Path) -> None:
    """Per-task costs of the partitioned analysis, and what stays on the driver."""
    import io
    import warnings

    from kalog.fleet import analyze_partitioned
    from kalog.fleet.replaying import LAST
    from kalog.report import render

    paths = sorted(str(p) for p in directory.rglob("messages*"))
    executor = _Timed()
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    result = analyze_partitioned(paths, executor=executor, read_options={"on_error": "collect"})
    analysed = time.perf_counter() - started
    out = io.StringIO()
    render(result, "json", out)
    total = time.perf_counter() - started
    print(f"inputs {len(paths)}, partitions {LAST.partitions} ({LAST.mode})", end="")
    print(f", fallbacks {LAST.fallbacks}")
    tasks = 0.0
    for name, values in executor.seconds.items():
        tasks += sum(values)
        median = statistics.median(values) * 1000
        print(f"{name}: {len(values)} tasks, sum {sum(values):.2f} s, ", end="")
        print(f"median {median:.1f} ms, max {max(values) * 1000:.1f} ms")
    print(f"driver (assemble, rules, summary): {analysed - tasks:.2f} s; ", end="")
    print(f"JSON: {total - analysed:.2f} s")
    print(f"total {total:.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fleet", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a fleet of rotated logs")
    gen.add_argument("-o", "--output", type=Path, default=Path("bench/data/fleet"))
    gen.add_argument("--clusters", type=int, default=200)
    gen.add_argument("--days", type=int, default=30)
    gen.add_argument("--keepalived-per-day", type=int, default=300, help="per pair (default 300)")
    gen.add_argument("--noise-per-day", type=int, default=1_000, help="per host (default 1000)")
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--start", type=datetime.fromisoformat, default=datetime(2024, 8, 1))
    timer = sub.add_parser("time", help="time kalog analyze on a fleet")
    timer.add_argument("directory", type=Path)
    timer.add_argument("--workers", default="1,2")
    timer.add_argument("--rounds", type=int, default=3)
    prof = sub.add_parser("profile", help="per-task costs of the partitioned analysis")
    prof.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    if args.command == "generate":
        started = time.perf_counter()
        counts = write_fleet(
            args.output,
            clusters=args.clusters,
            days=args.days,
            keepalived_per_day=args.keepalived_per_day,
            noise_per_day=args.noise_per_day,
            seed=args.seed,
            start=args.start,
        )
        took = time.perf_counter() - started
        print(
            f"wrote {counts['hosts']} hosts, {counts['files']} files, {counts['lines']:,} lines "
            f"({counts['keepalived_lines']:,} keepalived), {counts['bytes'] / 1e6:.1f} MB "
            f"in {took:.1f} s"
        )
    elif args.command == "time":
        rows = time_runs(args.directory, [int(n) for n in args.workers.split(",")], args.rounds)
        print("| run | wall time (median) |\n|---|---:|")
        for label, seconds in rows:
            print(f"| {label} | {seconds:.1f} s |")
    else:
        profile(args.directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
