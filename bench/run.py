"""Time kalog against grep and lnav on the same log, round-robin, and check the targets.

Why this shape: a benchmark on a 2-core box is noisy, so every tool runs once
per round, rounds alternate the tools (`--repeat N` rounds), and the median is
reported; each command is a separate child process measured from outside
(wall clock around spawn + `os.wait4`, whose rusage gives the child's own peak
RSS and CPU time), so kalog gets no advantage from running in-process.

Usage (from the repository root):

    python -m bench.run bench/data/syslog-10M.log --repeat 3 --json bench/data/10M.json
    python -m bench.run bench/data/dense-1M.log --repeat 3 --json bench/data/dense.json

Tools (skipped with a reason when missing):
    grep            grep -c Keepalived FILE
    lnav            lnav -n -c ';SELECT count(*) FROM all_logs' FILE   (headless index)
    kalog events    kalog events FILE --format jsonl -o /dev/null
    kalog analyze   kalog analyze FILE --format json -o /dev/null --fail-on never
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

#: targets of issue 17 (see bench/README.md; issue 5's sparse 4x grep is now 2.5x)
MAX_ANALYZE_OVER_GREP = 2.5  # sparse file: kalog analyze wall <= 2.5 x grep -c
MIN_LNAV_OVER_ANALYZE = 10.0  # sparse file: kalog analyze >= 10 x faster than lnav
MAX_RSS_MB = 300.0  # peak RSS of kalog
MAX_DENSE_OVER_LNAV = 2.0  # dense file: kalog analyze wall <= 2 x lnav's
DENSE_SHARE = 0.5  # a file with at least this share of keepalived lines is "dense"
#: the name suffix of the tools run from `--baseline DIR`
BASELINE = " (baseline)"


@dataclass
class Tool:
    """One command under test."""

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    available: bool = True
    why_not: str = ""


@dataclass
class Run:
    """One timed execution of a tool."""

    wall_s: float
    cpu_s: float
    max_rss_kib: int
    exit_code: int
    stdout_head: str
    stderr_tail: str
    wait4_maxrss_kib: int = 0


@dataclass
class Result:
    tool: str
    argv: list[str]
    available: bool
    why_not: str = ""
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.available and bool(self.runs) and all(r.exit_code == 0 for r in self.runs)

    @property
    def median_wall(self) -> float | None:
        return statistics.median(r.wall_s for r in self.runs) if self.ok else None

    @property
    def peak_rss_mb(self) -> float | None:
        return max(r.max_rss_kib for r in self.runs) / 1024 if self.ok else None

    @property
    def median_cpu(self) -> float | None:
        return statistics.median(r.cpu_s for r in self.runs) if self.ok else None


def kalog_argv() -> list[str]:
    """The kalog command: the entry point installed beside this interpreter, else on PATH,
    else the work tree's module.

    Beside the interpreter first: a version manager's `kalog` on PATH (a pyenv
    shim is a shell script running `pyenv exec`) adds ~0.1 s per run that is
    not kalog's, a seventh of `grep -c`'s time on the 10M file.
    """
    beside = Path(sys.executable).parent / "kalog"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    exe = shutil.which("kalog")
    return [exe] if exe else [sys.executable, "-m", "kalog.cli"]


def _installed_tree() -> Path | None:
    """The directory holding the `kalog` package this interpreter imports."""
    import importlib.util

    spec = importlib.util.find_spec("kalog")
    return Path(spec.origin).parent.parent if spec and spec.origin else None


def compiled(tree: Path | None) -> None:
    """Write the bytecode of the kalog tree's modules (`kalog/`, `rules/`).

    Why: an installed kalog has its `.pyc` files (pip compiles at install),
    but a source tree under `PYTHONDONTWRITEBYTECODE` (this machine's
    environment sets it), a read-only tree or a fresh `git archive`
    compiles every module from source on every run: ~0.15-0.3 s of a
    small log's 0.6 s here.  `compileall` writes them whatever the
    environment says; each tree is timed as installed.
    """
    import compileall

    if tree is None:
        return
    for name in ("kalog", "rules"):
        if (tree / name).is_dir():
            compileall.compile_dir(str(tree / name), quiet=1)


def _works(argv: list[str], env: dict[str, str] | None = None) -> tuple[bool, str]:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if proc.returncode != 0:
        said = (proc.stderr or proc.stdout).strip().splitlines()
        return False, said[-1] if said else f"exit {proc.returncode}"
    return True, ""


def build_tools(
    path: str, wanted: list[str], lnav_home: str, baseline: str | None = None
) -> list[Tool]:
    """The commands to time on `path`, each checked for availability first.

    `baseline`: a directory holding another kalog tree (e.g. `git archive` of
    an earlier commit); its `kalog events` and `kalog analyze` are timed in
    the same rounds, imported from that tree first, so before and after
    share the machine's minutes.
    """
    tools: list[Tool] = []
    kalog = kalog_argv()
    compiled(_installed_tree())
    tools += _kalog_tools(path, wanted, kalog, "", None)
    if baseline:
        tree = str(Path(baseline).resolve())
        compiled(Path(tree))
        env = dict(os.environ, PYTHONPATH=tree)
        # not `-m`: it puts the working directory (this tree, maybe) first on sys.path.
        # `run`, as the entry point does (its collector thresholds and malloc
        # tuning change time and memory); `main` in trees from before `run`
        start = (
            f"import sys; sys.path.insert(0, {tree!r}); import kalog.cli as cli; "
            "getattr(cli, 'run', cli.main)()"
        )
        tools += _kalog_tools(path, wanted, [sys.executable, "-c", start], BASELINE, env)
    return _other_tools(path, wanted, lnav_home) + tools


def _other_tools(path: str, wanted: list[str], lnav_home: str) -> list[Tool]:
    tools: list[Tool] = []
    if "grep" in wanted:
        tools.append(Tool("grep", ["grep", "-c", "Keepalived", path]))
    if "lnav" in wanted:
        lnav = shutil.which("lnav")
        # a private HOME: no user config, no saved session, nothing carried between runs
        env = dict(os.environ, HOME=lnav_home)
        t = Tool("lnav", [lnav or "lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", path], env)
        if not lnav:
            t.available, t.why_not = False, "lnav not installed (apt-get install -y lnav)"
        tools.append(t)
    return tools


def _kalog_tools(
    path: str, wanted: list[str], kalog: list[str], suffix: str, env: dict[str, str] | None
) -> list[Tool]:
    tools: list[Tool] = []
    if "events" in wanted:
        t = Tool(
            "kalog events" + suffix,
            kalog + ["events", path, "--format", "jsonl", "-o", os.devnull],
            env,
        )
        t.available, t.why_not = _works(kalog + ["events", "--help"], env)
        tools.append(t)
    if "analyze" in wanted:
        t = Tool(
            "kalog analyze" + suffix,
            kalog + ["analyze", path, "--format", "json", "-o", os.devnull, "--fail-on", "never"],
            env,
        )
        ok, why = _works(kalog + ["analyze", "--help"], env)
        t.available, t.why_not = ok, "" if ok else f"not available ({why})"
        tools.append(t)
    return tools


def gnu_time() -> str | None:
    """GNU time, if installed: it measures the tool's peak RSS without our own in it."""
    exe = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if not exe:
        return None
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True)
    return exe if "GNU" in (probe.stdout + probe.stderr) else None


def time_once(tool: Tool, timer: str | None) -> Run:
    """Run the tool as a child; wall time around spawn+wait, rusage from os.wait4.

    Why GNU time for the RSS: a child forked from this Python process starts
    with our memory mapped, and Linux carries that high-water mark across exec
    into the child's ru_maxrss (~30 MB for `grep -c`).  `time` is a small
    process, so the %M it reports for its own child is the tool's true peak.
    Without GNU time the raw wait4 value is used (an overestimate by our RSS).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as stats,
    ):
        argv = [timer, "-f", "%M", "-o", stats.name, "--", *tool.argv] if timer else tool.argv
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=tool.env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read(4096).decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        measured = stats.read().strip().splitlines() if timer else []
    rss = int(measured[-1]) if measured and measured[-1].isdigit() else usage.ru_maxrss
    return Run(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,  # includes the tool's own children
        max_rss_kib=rss,
        exit_code=proc.returncode,
        stdout_head=stdout.strip()[:300],
        stderr_tail=stderr.strip()[-600:],
        wait4_maxrss_kib=usage.ru_maxrss,  # KiB on Linux; includes our pre-exec RSS
    )


def count_lines(path: str) -> int:
    """Newlines in the file, read in 16 MiB blocks (also warms the page cache)."""
    n = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 24):
            n += block.count(b"\n")
    return n


def machine_info() -> dict[str, str]:
    """CPU, cores, RAM, OS and the versions that matter for the numbers."""
    info: dict[str, str] = {}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        models = [ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if "model name" in ln]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = str(os.cpu_count())
    try:
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
        info["ram"] = f"{int(mem[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        info["ram"] = "?"
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    for dist in ("pandas", "pyarrow", "pyparsing", "numpy", "kalog"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    try:
        version = subprocess.run(kalog_argv() + ["--version"], capture_output=True, text=True)
        scanner = [ln for ln in version.stdout.splitlines() if ln.startswith("byte passes:")]
        info["kalog byte passes"] = scanner[0].split(":", 1)[1].strip() if scanner else "?"
    except OSError:
        info["kalog byte passes"] = "?"
    for name, argv in (("grep", ["grep", "--version"]), ("lnav", ["lnav", "-V"])):
        try:
            first = subprocess.run(argv, capture_output=True, text=True).stdout.splitlines()
            info[name] = first[0] if first else "?"
        except OSError:
            info[name] = "not installed"
    try:
        info["kalog_commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except OSError:
        info["kalog_commit"] = "?"
    return info


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def evaluate(results: dict[str, Result], lines: int, keepalived: int) -> dict:
    """Ratios and the targets that apply to this file (sparse or dense)."""
    wall = {k: r.median_wall for k, r in results.items()}
    an, ev, gr, ln = (wall.get(k) for k in ("kalog analyze", "kalog events", "grep", "lnav"))

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    ratios = {
        "kalog analyze / grep": ratio(an, gr),
        "kalog events / grep": ratio(ev, gr),
        "lnav / kalog analyze": ratio(ln, an),
        "lnav / kalog events": ratio(ln, ev),
    }
    share = keepalived / lines if lines else 0.0
    targets: list[dict] = []

    def target(name: str, value: float | None, limit: float, better: str) -> None:
        met = None if value is None else (value <= limit if better == "max" else value >= limit)
        targets.append({"target": name, "value": value, "limit": limit, "met": met})

    analyze = results.get("kalog analyze")
    rss = analyze.peak_rss_mb if analyze else None
    base_an = wall.get("kalog analyze" + BASELINE)
    base_ev = wall.get("kalog events" + BASELINE)
    if base_an is not None or base_ev is not None:
        ratios["kalog analyze / baseline"] = ratio(an, base_an)
        ratios["kalog events / baseline"] = ratio(ev, base_ev)
    if share >= DENSE_SHARE:
        ratios["kalog analyze / lnav"] = ratio(an, ln)
        target(
            "dense: kalog analyze <= 2x lnav",
            ratios["kalog analyze / lnav"],
            MAX_DENSE_OVER_LNAV,
            "max",
        )
    else:
        target(
            "kalog analyze <= 2.5x grep -c",
            ratios["kalog analyze / grep"],
            MAX_ANALYZE_OVER_GREP,
            "max",
        )
        target(
            "kalog analyze >= 10x faster than lnav",
            ratios["lnav / kalog analyze"],
            MIN_LNAV_OVER_ANALYZE,
            "min",
        )
    target("kalog analyze peak RSS <= 300 MB", rss, MAX_RSS_MB, "max")
    events = results.get("kalog events")
    target(
        "kalog events peak RSS <= 300 MB", events.peak_rss_mb if events else None, MAX_RSS_MB, "max"
    )
    return {"share": share, "ratios": ratios, "targets": targets}


def markdown(
    path: str,
    size: int,
    lines: int,
    keepalived: int,
    results: dict[str, Result],
    ev: dict,
    machine: dict[str, str],
    repeat: int,
) -> str:
    """The report: machine, file, one row per tool, ratios, targets."""
    out = [f"### `{path}`", ""]
    out.append(
        f"{lines:,} lines, {keepalived:,} keepalived ({ev['share']:.2%}), {size / 1e6:,.0f} MB; "
        f"median of {repeat} round-robin runs."
    )
    out.append("")
    out.append(
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram']} RAM; "
        f"Python {machine['python']}, pandas {machine['pandas']}, pyarrow {machine['pyarrow']}, "
        f"pyparsing {machine['pyparsing']}; {machine['grep']}; {machine['lnav']}; "
        f"kalog {machine['kalog']} @ {machine['kalog_commit']}, "
        f"byte passes {machine.get('kalog byte passes', '?')}."
    )
    out += [
        "",
        "| tool | wall s (median) | runs (s) | lines/s | CPU s | peak RSS MB |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        if not r.available:
            out.append(f"| {name} | not available | {r.why_not} | | | |")
            continue
        if not r.ok:
            codes = ",".join(str(x.exit_code) for x in r.runs)
            tail = r.runs[-1].stderr_tail.splitlines()[-1:] if r.runs else []
            out.append(f"| {name} | failed (exit {codes}) | {' '.join(tail)[:120]} | | | |")
            continue
        runs = " ".join(f"{x.wall_s:.2f}" for x in r.runs)
        med = r.median_wall
        out.append(
            f"| {name} | {med:.2f} | {runs} | {lines / med:,.0f} | {r.median_cpu:.2f} "
            f"| {r.peak_rss_mb:.0f} |"
        )
    out += ["", "| ratio | value |", "|---|---:|"]
    for k, v in ev["ratios"].items():
        out.append(f"| {k} | {_fmt(v, '.2f')} |")
    out += ["", "| target | value | met |", "|---|---:|---|"]
    for t in ev["targets"]:
        met = "not evaluable" if t["met"] is None else ("met" if t["met"] else "NOT met")
        value = t["value"]
        shown = "n/a" if value is None else (f"{value:,.0f}" if value > 1000 else f"{value:.2f}")
        out.append(f"| {t['target']} | {shown} | {met} |")
    return "\n".join(out) + "\n"


def bench_file(
    path: str,
    wanted: list[str],
    repeat: int,
    machine: dict[str, str],
    baseline: str | None = None,
) -> dict:
    """Time every tool on one file; returns the JSON-ready record and prints the table."""
    size = os.path.getsize(path)
    lines = count_lines(path)  # also warms the page cache for every tool alike
    with tempfile.TemporaryDirectory(prefix="kalog-bench-lnav-") as lnav_home:
        tools = build_tools(path, wanted, lnav_home, baseline)
        results = {t.name: Result(t.name, t.argv, t.available, t.why_not) for t in tools}
        timer = gnu_time()
        for rnd in range(repeat):
            for t in tools:  # round-robin: every tool once per round
                if not t.available:
                    continue
                run = time_once(t, timer)
                results[t.name].runs.append(run)
                print(
                    f"[round {rnd + 1}/{repeat}] {t.name}: {run.wall_s:.2f} s, "
                    f"{run.max_rss_kib / 1024:.0f} MB, exit {run.exit_code}",
                    file=sys.stderr,
                )
    grep = results.get("grep")
    keepalived = int(grep.runs[0].stdout_head) if grep and grep.ok else 0
    ev = evaluate(results, lines, keepalived)
    print(markdown(path, size, lines, keepalived, results, ev, machine, repeat))
    return {
        "file": {"path": path, "bytes": size, "lines": lines, "keepalived_lines": keepalived},
        "repeat": repeat,
        "results": {
            k: {
                **{f: v for f, v in asdict(r).items() if f != "runs"},
                "runs": [asdict(x) for x in r.runs],
                "median_wall_s": r.median_wall,
                "lines_per_s": lines / r.median_wall if r.median_wall else None,
                "peak_rss_mb": r.peak_rss_mb,
            }
            for k, r in results.items()
        },
        **ev,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--repeat", type=int, default=3, help="round-robin rounds (default 3)")
    p.add_argument(
        "--tools",
        default="grep,lnav,events,analyze",
        help="comma list among grep, lnav, events, analyze (default all)",
    )
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    p.add_argument(
        "--baseline",
        metavar="DIR",
        help="also time the kalog of this tree (e.g. an earlier commit's `git archive`), "
        "same rounds",
    )
    a = p.parse_args(argv)
    wanted = [t.strip() for t in a.tools.split(",") if t.strip()]
    machine = machine_info()
    records = [bench_file(f, wanted, a.repeat, machine, a.baseline) for f in a.files]
    if a.json:
        Path(a.json).parent.mkdir(parents=True, exist_ok=True)
        Path(a.json).write_text(json.dumps({"machine": machine, "files": records}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
