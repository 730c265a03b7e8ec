"""The partitioned analysis (kalog.fleet) equals the single-process one, byte for byte.

On every real log: the lab captures (all together: ten episodes of hosts
kept apart; and per scenario), the seed logs, the corpus (each file, and
all together: 35 episodes); and on generated central syslogs of several
pairs, where the replay really is cut by cluster.  The JSON and the rich
view are compared whole.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pytest

from bench.generate import Config, generate
from kalog.fleet import analyze_partitioned
from kalog.fleet.executors import InProcess, LocalProcesses
from kalog.fleet.replaying import LAST
from kalog.ingest.frame import read_events
from kalog.pipeline import analyze_events
from kalog.report import render

ROOT = Path(__file__).resolve().parent.parent
LAB = sorted((ROOT / "samples" / "lab").glob("*/*.log"))
SCENARIOS = sorted({path.parent for path in LAB})
SEED = sorted((ROOT / "samples" / "seed").glob("*.log"))
CORPUS = sorted((ROOT / "tests" / "data" / "corpus").glob("*.log"))


def _rendered(result: object, fmt: str) -> str:
    out = io.StringIO()
    render(result, fmt, out, width=160)  # type: ignore[arg-type]
    return out.getvalue()


def _both(paths: list[Path], executor: object = None) -> tuple[str, str]:
    names = [str(p) for p in paths]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        single = _rendered(analyze_events(read_events(names, on_error="collect")), "json")
        split = _rendered(
            analyze_partitioned(
                names,
                executor=executor,  # type: ignore[arg-type]
                read_options={"on_error": "collect"},
            ),
            "json",
        )
    return single, split


def test_lab_all_together() -> None:
    single, split = _both(LAB)
    assert split == single
    # 11 scenarios; catalogue-lines' node-c (a checker only, no VRRP) is an episode alone
    assert (LAST.mode, LAST.partitions, LAST.fallbacks) == ("episodes", 12, 0)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name)
def test_lab_scenario(scenario: Path) -> None:
    single, split = _both(sorted(scenario.glob("*.log")))
    assert split == single
    assert LAST.fallbacks == 0


def test_seed() -> None:
    single, split = _both(SEED)
    assert split == single


def test_corpus_all_together() -> None:
    single, split = _both(CORPUS)
    assert split == single
    assert (LAST.mode, LAST.partitions) == ("episodes", 35)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_corpus_file(path: Path) -> None:
    single, split = _both([path])
    assert split == single


def _fleet_log(tmp_path: Path, clusters: int, seed: int) -> Path:
    path = tmp_path / f"fleet-{clusters}-{seed}.log"
    cfg = Config(lines=24_000, keepalived_share=0.5, seed=seed, clusters=clusters, pool_size=2_000)
    with path.open("w", encoding="utf-8") as out:
        generate(cfg, out)
    return path


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_pairs_are_replayed_apart(tmp_path: Path, seed: int) -> None:
    """A central syslog of 6 pairs: 6 partitions of 2 hosts, the same JSON and rich view."""
    path = _fleet_log(tmp_path, 6, seed)
    single, split = _both([path])
    assert split == single
    assert (LAST.mode, LAST.partitions, LAST.hosts, LAST.fallbacks) == ("clusters", 6, 12, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rich_single = _rendered(analyze_events(read_events([str(path)])), "rich")
        rich_split = _rendered(analyze_partitioned([str(path)]), "rich")
    assert rich_split == rich_single


def test_local_processes_equal_one_process(tmp_path: Path) -> None:
    """Two local processes, several inputs (one per pair family): the same JSON."""
    paths = [_fleet_log(tmp_path, 3, 5), _fleet_log(tmp_path, 4, 6)]
    pool = LocalProcesses(2)
    try:
        single, split = _both(paths, pool)
    finally:
        pool.close()
    assert split == single
    in_process = _both(paths, InProcess())[1]
    assert in_process == single


# -- the command line: --workers, --scheduler, KALOG_SCHEDULER ---------------------


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from kalog.cli import main

    result = CliRunner(env=env).invoke(main, list(args), prog_name="kalog")
    return result.exit_code, result.stdout, result.stderr


def test_cli_workers_give_the_same_report(tmp_path: Path) -> None:
    path = str(_fleet_log(tmp_path, 4, 3))
    base = ("analyze", path, "--format", "json", "--fail-on", "never", "-q")
    code, today, err = _cli(*base)
    assert (code, err) == (0, "")
    for extra in (("--workers", "1"), ("--workers", "2")):
        assert _cli(*base, *extra, "--no-by-cluster") == (0, today, "")
    # the fleet view is on by default with --workers: the same as asked for on one process
    code, fleet, err = _cli(*base, "--by-cluster")
    assert code == 0
    assert fleet != today
    assert _cli(*base, "--workers", "2") == (0, fleet, "")


def test_cli_workers_and_scheduler_exclude_each_other(tmp_path: Path) -> None:
    code, out, err = _cli("analyze", str(SEED[0]), "--workers", "2", "--scheduler", "tcp://x:1")
    assert (code, out) == (2, "")
    assert err == (
        "kalog: error: --workers and --scheduler exclude each other (kalog analyze -h for help)\n"
    )


def test_cli_scheduler_without_dask_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    code, out, err = _cli("analyze", str(SEED[0]), "--scheduler", "tcp://127.0.0.1:8786")
    assert (code, out) == (2, "")
    assert err == (
        "kalog: error: --scheduler needs Dask distributed, which is not installed "
        "(pip install 'kalog[fleet]')\n"
    )
    # the environment variable asks for the same
    code, out, err = _cli("analyze", str(SEED[0]), env={"KALOG_SCHEDULER": "tcp://127.0.0.1:8786"})
    assert (code, out) == (2, "")
    assert "pip install 'kalog[fleet]'" in err


# -- a Dask LocalCluster of two worker processes (localhost only) ------------------


@pytest.fixture(scope="module")
def dask_cluster():  # type: ignore[no-untyped-def]
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        yield cluster
    finally:
        cluster.close()


def test_dask_local_cluster_equals_one_process(dask_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kalog.fleet.executors import DaskCluster

    executor = DaskCluster(dask_cluster.scheduler_address)
    try:
        assert executor.workers == 2
        for paths in (LAB, [_fleet_log(tmp_path, 6, 4)], CORPUS[:12]):
            single, split = _both(paths, executor)
            assert split == single
    finally:
        executor.close()


def test_cli_scheduler_gives_the_same_report(dask_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = str(_fleet_log(tmp_path, 5, 8))
    base = ("analyze", path, "--format", "json", "--fail-on", "never", "-q")
    code, today, _err = _cli(*base)
    assert code == 0
    address = dask_cluster.scheduler_address
    assert _cli(*base, "--scheduler", address, "--no-by-cluster") == (0, today, "")
    code, fleet, _err = _cli(*base, "--by-cluster")
    assert code == 0
    assert _cli(*base, "--scheduler", address) == (0, fleet, "")
    assert _cli(*base, env={"KALOG_SCHEDULER": address}) == (0, fleet, "")


def test_cli_scheduler_keeps_the_text_workers_read_it_back(  # type: ignore[no-untyped-def]
    dask_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Dask worker may see another file under the same name, so with
    --scheduler the frame keeps every line's text (nothing is read back by
    the command's process); --workers reads it back as one process does.
    The report is the same either way."""
    from kalog.fleet import reading
    from kalog.ingest import frame as frame_module
    from kalog.ingest import refetch

    monkeypatch.setattr(frame_module, "READ_BACK_BYTES", 0)  # this small log: read back
    monkeypatch.setattr(frame_module, "READ_BACK_SHARE", 0.0)
    seen: list[tuple[bool, bool, bool]] = []
    real = reading.read_partitioned

    def spied(*args, **kwargs):  # type: ignore[no-untyped-def]
        frame = real(*args, **kwargs)
        text = bool(frame["raw"].notna().all())
        seen.append((kwargs["keep_raw"], refetch.ATTR in frame.attrs, text))
        return frame

    monkeypatch.setattr(reading, "read_partitioned", spied)
    path = str(_fleet_log(tmp_path, 5, 8))
    base = ("analyze", path, "--format", "sarif", "--fail-on", "never", "-q")
    code, today, _err = _cli(*base)
    assert code == 0 and seen == []
    address = dask_cluster.scheduler_address
    assert _cli(*base, "--scheduler", address, "--no-by-cluster") == (0, today, "")
    assert _cli(*base, "--workers", "2", "--no-by-cluster") == (0, today, "")
    assert seen == [(True, False, True), (False, True, False)]


# -- inputs named by URL (fsspec) ----------------------------------------------------


def _gz_copies(tmp_path: Path, paths: list[Path]) -> tuple[Path, str]:
    """Each log gzipped into tmp_path/logs and into memory:///TMP/logs (the memory
    filesystem is one per process: each test its own directory)."""
    import gzip

    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    local = tmp_path / "logs"
    local.mkdir()
    for path in paths:
        data = gzip.compress(path.read_bytes(), mtime=0)
        (local / f"{path.name}.gz").write_bytes(data)
        memory.pipe(f"/{tmp_path.name}/logs/{path.name}.gz", data)
    return local, f"memory:///{tmp_path.name}/logs/"


@pytest.mark.parametrize("paths", [LAB, SEED, CORPUS[:20]], ids=["lab", "seed", "corpus-20"])
def test_memory_urls_read_as_local_gz_files(tmp_path: Path, paths: list[Path]) -> None:
    """A glob over gzipped objects in fsspec's memory filesystem: the report of the
    same .gz files on disk (names aside), on one process and on two."""
    local, prefix = _gz_copies(tmp_path, paths)
    base = ("analyze", "--year", "2024", "--format", "json", "--fail-on", "never", "-q")
    code, on_disk, err_on_disk = _cli(*base, *sorted(str(p) for p in local.iterdir()))
    assert code == 0
    for extra in ((), ("--workers", "2", "--no-by-cluster")):
        code, in_memory, err = _cli(*base, f"{prefix}*.gz", *extra)
        assert code == 0
        assert in_memory.replace(prefix, f"{local}/") == on_disk
        assert err.replace(prefix, f"{local}/") == err_on_disk


def test_file_urls_read_as_paths(tmp_path: Path) -> None:
    base = ("analyze", "--format", "json", "--fail-on", "never", "-q")
    names = [str(p) for p in SEED]
    code, as_paths, _ = _cli(*base, *names)
    assert code == 0
    code, as_urls, err = _cli(
        *base, *(f"file://{n}" for n in names), "--workers", "2", "--no-by-cluster"
    )
    assert (code, err) == (0, "")
    assert as_urls.replace("file://", "") == as_paths


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("foo://x/y.log", "foo://x/y.log: Protocol not known: foo"),
        ("memory:///kalog-none/*.log", "memory:///kalog-none/*.log: no object matches"),
    ],
)
def test_url_errors_are_one_line(url: str, message: str) -> None:
    pytest.importorskip("fsspec")
    assert _cli("analyze", url) == (2, "", f"kalog: error: {message}\n")


def test_url_without_fsspec_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "fsspec", None)
    assert _cli("analyze", "s3://bucket/logs/a.log") == (
        2,
        "",
        "kalog: error: s3://bucket/logs/a.log: URL inputs need fsspec, which is not "
        "installed (pip install 'kalog[fleet]')\n",
    )


# -- the fleet view: clusters of hosts, worst first ----------------------------------

LAB_CLUSTERS = """\
Clusters (12, worst first)
node-a@catalogue-lines+node-b@catalogue-lines   2 errors; 2 changes of master;
                                                vi_1@node-a@catalogue-lines
node-a@interface-fault+node-b@interface-fault   1 warning; 3 changes of master;
                                                vi_1@node-a@interface-fault
node-a@reload-priority+node-b@reload-priority   1 warning; 3 changes of master;
                                                vi_1@node-a@reload-priority
node-a@graceful-stop+node-b@graceful-stop       no finding; 3 changes of master;
                                                vi_1@node-a@graceful-stop
node-a@script-failover+node-b@script-failover   no finding; 3 changes of master;
                                                vi_1@node-a@script-failover
node-a@nopreempt+node-b@nopreempt               no finding; 2 changes of master;
                                                vi_1@node-a@nopreempt
node-a@seed-ex1+node-b@seed-ex1                 no finding; 2 changes of master;
                                                vi_1@node-a@seed-ex1
node-a@seed-ex1-weighted-only+node-b@seed-ex1-  no finding; 2 changes of master;
weighted-only                                   vi_1@node-a@seed-ex1-weighted-only
node-a@seed-ex2+node-b@seed-ex2                 no finding; 2 changes of master;
                                                vi_1@node-a@seed-ex2
node-a@split-brain+node-b@split-brain           no finding; 2 changes of master;
                                                vi_1@node-a@split-brain
node-a@three-stop+node-b@three-stop+node-c@thr  no finding; 2 changes of master;
ee-stop                                         vi_1@node-a@three-stop
node-c@catalogue-lines                          no finding; 0 changes of master; no instance

"""


def test_rich_fleet_view_of_the_lab() -> None:
    """Eleven captures kept apart: twelve clusters (catalogue-lines' node-c, a checker
    with no VRRP instance, is one alone), the one with errors first, then warnings."""
    args = ("analyze", *map(str, LAB), "--fail-on", "never", "-q", "--width", "96")
    code, out, _ = _cli(*args, "--by-cluster", env={"NO_COLOR": "1"})
    assert code == 0
    start = out.index("Clusters (")
    assert out[start : out.index("Into and out of MASTER")] == LAB_CLUSTERS
    code, plain, _ = _cli(*args, env={"NO_COLOR": "1"})
    assert plain == out.replace(LAB_CLUSTERS, "")  # the rest as it was


def test_one_cluster_has_no_fleet_table() -> None:
    args = ("analyze", *map(str, SEED[:2]), "--fail-on", "never", "-q", "--width", "120")
    code, out, _ = _cli(*args, "--by-cluster", env={"NO_COLOR": "1"})
    assert code == 0
    assert "Clusters (" not in out
    assert _cli(*args, env={"NO_COLOR": "1"})[1] == out


def test_json_fleet_view_adds_clusters_and_nothing_else(tmp_path: Path) -> None:
    """The JSON with --by-cluster: a `cluster` last on each change and finding and a
    `clusters` list at the end; removing them gives the plain document; the rows add
    up to the summary's changes of master and to the findings."""
    import json

    path = str(_fleet_log(tmp_path, 5, 9))
    base = ("analyze", path, "--format", "json", "--fail-on", "never", "-q", "--year", "2024")
    plain = json.loads(_cli(*base)[1])
    fleet = json.loads(_cli(*base, "--by-cluster")[1])
    assert list(fleet) == [*plain, "clusters"]
    rows = fleet.pop("clusters")
    hosts_of = {row["cluster"]: row["hosts"] for row in rows}
    assert len(rows) == 5
    assert all(len(hosts) == 2 for hosts in hosts_of.values())
    for section in ("transitions", "findings"):
        for item in fleet[section]:
            assert list(item)[-1] == "cluster"
            assert item["host"] in hosts_of[item.pop("cluster")]
    assert fleet == plain
    assert sum(row["changes_of_master"] for row in rows) == plain["summary"]["changes_of_master"]
    for severity in ("error", "warning", "info"):
        assert sum(row["findings"][severity] for row in rows) == sum(
            f["severity"] == severity for f in plain["findings"]
        )
    badness = [
        (
            row["findings"]["error"],
            row["findings"]["warning"],
            row["findings"]["info"],
            row["changes_of_master"],
        )
        for row in rows
    ]
    assert badness == sorted(badness, reverse=True)


def test_parquet_tables(tmp_path: Path) -> None:
    import json

    import pandas as pd

    path = str(_fleet_log(tmp_path, 3, 10))
    out = tmp_path / "tables"
    base = ("analyze", path, "--format", "json", "--fail-on", "never", "-q", "--year", "2024")
    code, text, _ = _cli(*base, "--by-cluster", "--tables", str(out))
    assert code == 0
    doc = json.loads(text)
    assert sorted(p.name for p in out.iterdir()) == [
        "clusters.parquet",
        "findings.parquet",
        "transitions.parquet",
    ]
    findings = pd.read_parquet(out / "findings.parquet")
    transitions = pd.read_parquet(out / "transitions.parquet")
    clusters = pd.read_parquet(out / "clusters.parquet")
    assert findings["rule"].tolist() == [f["rule"] for f in doc["findings"]]
    assert findings["cluster"].tolist() == [f["cluster"] for f in doc["findings"]]
    assert transitions["ts"].tolist() == [t["ts"] for t in doc["transitions"]]
    assert transitions["cluster"].tolist() == [t["cluster"] for t in doc["transitions"]]
    assert clusters["cluster"].tolist() == [row["cluster"] for row in doc["clusters"]]
    assert clusters["changes_of_master"].tolist() == [
        row["changes_of_master"] for row in doc["clusters"]
    ]


# -- a small fleet of rotated logs (bench/fleet.py) ----------------------------------


@pytest.fixture(scope="module")
def small_fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """6 pairs x 3 days: each host's messages, messages.1 and messages.2.gz."""
    from bench.fleet import write_fleet

    out = tmp_path_factory.mktemp("fleet")
    counts = write_fleet(out, clusters=6, days=3, keepalived_per_day=300, noise_per_day=300)
    assert counts == {
        "hosts": 12,
        "files": 36,
        "lines": 16_200,
        "keepalived_lines": 5_400,
        "bytes": counts["bytes"],
    }
    return out


def test_small_fleet_one_process_local_pool_and_dask_agree(small_fleet: Path, dask_cluster) -> None:  # type: ignore[no-untyped-def]
    """The same command gives the same report on one process, two local processes and a
    LocalCluster of two; the replay is cut into the six pairs."""
    base = ("analyze", str(small_fleet), "--include", "messages*", "--format", "json")
    base += ("--fail-on", "never", "-q", "--by-cluster")
    code, today, err = _cli(*base)
    assert (code, err) == (0, "")
    assert _cli(*base, "--workers", "2") == (0, today, "")
    assert LAST.mode == "clusters"
    assert (LAST.partitions, LAST.hosts, LAST.fallbacks) == (6, 12, 0)
    assert _cli(*base, "--scheduler", dask_cluster.scheduler_address) == (0, today, "")
    import json

    doc = json.loads(today)
    badness = [(*row["findings"].values(), row["changes_of_master"]) for row in doc["clusters"]]
    assert len(badness) == 6
    assert badness == sorted(badness, reverse=True)
    assert len(doc["summary"]["hosts"]) == 12


def test_progress_counts_inputs_read_and_partitions_replayed(tmp_path: Path) -> None:
    """What feeds the progress bar (bytes of the inputs read so far) and the spinner
    (partitions replayed so far), whichever executor ran them."""
    from kalog.fleet import read_partitioned, replay_partitioned

    paths = [str(_fleet_log(tmp_path, 2, seed)) for seed in (11, 12)]
    sizes = [Path(p).stat().st_size for p in paths]
    read: list[tuple[int, int | None]] = []
    events = read_partitioned(
        paths, on_error="collect", progress=lambda done, total: read.append((done, total))
    )
    # biggest input first
    assert read == [(max(sizes), sum(sizes)), (sum(sizes), sum(sizes))]
    replayed: list[tuple[int, int, int]] = []
    replay_partitioned(events, progress=lambda *step: replayed.append(step))
    assert LAST.partitions == len(replayed) >= 2
    assert [(done, total) for done, total, _ in replayed] == [
        (n, LAST.partitions) for n in range(1, LAST.partitions + 1)
    ]
    assert sorted(task for *_, task in replayed) == list(range(LAST.partitions))


def test_stdin_and_a_missing_input_as_without_workers() -> None:
    """Standard input is read by the command's process; an unreadable input is the same
    one-line error (exit 2) and the others are still analysed."""
    from click.testing import CliRunner

    from kalog.cli import main

    data = SEED[0].read_bytes()
    args = ["analyze", "-", "/nonexistent/x.log", str(SEED[1]), "--format", "json"]
    args += ["--fail-on", "never", "-q", "--year", "2014"]
    runs = [
        CliRunner().invoke(main, [*args, *extra], input=data, prog_name="kalog")
        for extra in ([], ["--workers", "2", "--no-by-cluster"])
    ]
    assert [(r.exit_code, r.stderr) for r in runs] == [
        (2, "kalog: error: /nonexistent/x.log: no such file\n")
    ] * 2
    assert runs[1].stdout == runs[0].stdout
    assert runs[0].stdout.count('"source": "-"') > 0
