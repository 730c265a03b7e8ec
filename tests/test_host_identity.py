"""One host name, several machines: never merged silently (issue 16, item 1).

Before: `kalog analyze samples/lab/*/*.log` read the ten scenarios' `node-a`
as one host, and reported `KA102 ... changed state 30 times in 177.2 s`
across unrelated scenarios, plus a KA101 of the split-brain scenario that
ran between scenarios' hosts.  Each test here uses the lab captures (real
keepalived 2.2.7); where two machines must bear one name, a capture's lines
are copied with only the envelope's host field rewritten, which is what two
Vagrant boxes both called `node-a` would write.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kalog.cli import main
from kalog.ingest.frame import read_events
from kalog.ingest.identity import _labels
from tests.conftest import CORPUS, LAB
from tests.lab.scenarios import SCENARIOS as SCENARIOS_OF

SCENARIOS = sorted(p.name for p in LAB.iterdir() if p.is_dir())
HOSTS = ("node-a", "node-b", "node-c")


@functools.cache
def _analyze(*args: str) -> tuple[dict, str, int]:
    result = CliRunner().invoke(main, ["analyze", *args, "--format", "json"])
    return json.loads(result.stdout), result.stderr, result.exit_code


#: Keys whose value is a host name, and keys whose text may name hosts.
_HOST_KEYS = frozenset({"host", "previous_master"})
_TEXT_KEYS = frozenset({"message", "detail", "missing", "note"})


def _renamed(value: object, scenario: str, apart: set[str], key: str = "") -> object:
    """`value` (a report's JSON) with each host of `apart` named as the collection
    names it: host fields and messages, never a path or a log line."""
    if isinstance(value, dict):
        return {k: _renamed(v, scenario, apart, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, scenario, apart, key) for v in value]
    if isinstance(value, str) and key in _HOST_KEYS and value in apart:
        return f"{value}@{scenario}"
    if isinstance(value, str) and key in _TEXT_KEYS:
        return re.sub(
            r"\bnode-[abc]\b(?![@.])",
            lambda m: f"{m.group(0)}@{scenario}" if m.group(0) in apart else m.group(0),
            value,
        )
    return value


def test_lab_scenarios_together_are_each_scenario_apart() -> None:
    """All eleven scenarios at once: node-a and node-b are eleven machines each
    (node-c two), and
    the findings are exactly the three each scenario gives alone."""
    report, stderr, code = _analyze(*sorted(str(p) for p in LAB.glob("*/*.log")))
    report = copy.deepcopy(report)
    assert code == 1  # KA101 is an error, KA110/KA004 warnings
    names = {h: [f"{h}@{s}" for s in SCENARIOS if h in SCENARIOS_OF[s].hosts] for h in HOSTS}
    assert report["summary"]["hosts_apart"] == names
    assert report["summary"]["hosts"] == sorted(sum(names.values(), []))
    warnings = [line for line in stderr.splitlines() if line.startswith("kalog: warning:")]
    assert warnings == [
        f"kalog: warning: host {h} is {n} machines (files in {n} directories): kept apart as "
        + ", ".join(f"{h}@{s}" for s in _time_order(h))
        + "; --host-of PATH=HOST names a file's host"
        for h, n in (("node-a", 11), ("node-b", 11), ("node-c", 2))
    ]
    assert [(f["rule"], f["host"], f["instance"], f["start"]) for f in report["findings"]] == [
        ("KA110", "node-a@interface-fault", "vi_1", "2026-11-26T07:34:38.175027+00:00"),
        ("KA101", None, "vi_1", "2026-11-26T07:35:04.117743+00:00"),
        ("KA004", "node-a@reload-priority", "vi_1", "2026-11-26T07:36:11.841320+00:00"),
        # catalogue-lines' misspelt keyword, on both hosts
        ("KA301", "node-a@catalogue-lines", None, "2026-12-07T01:25:57.317646+00:00"),
        ("KA301", "node-b@catalogue-lines", None, "2026-12-07T01:26:01.027171+00:00"),
    ]
    assert report["findings"][1]["message"] == (
        "vi_1 MASTER on node-a@split-brain, node-b@split-brain at once for 4.0 s "
        "(2026-11-26 07:35:04.117 - 2026-11-26 07:35:08.122)"
    )
    # no change of master pairs hosts of two scenarios, nor 1.x's GOTO_MASTER
    # (2.2.7 has none), and each host's runs are its own scenario's
    assert report["summary"]["changes_of_master"] == 26  # catalogue-lines: start, stop
    for run in report["summary"]["versions"]:
        assert run.split("#")[1] in ("0", "1")


def _time_order(host: str) -> list[str]:
    """The scenarios in the order their `host` log starts (the warning's order)."""
    mine = [s for s in SCENARIOS if host in SCENARIOS_OF[s].hosts]
    firsts = {s: (LAB / s / f"{host}.log").read_text().split(" ", 1)[0] for s in mine}
    return sorted(mine, key=lambda s: firsts[s])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_scenario_in_the_collection_reads_as_alone(scenario: str) -> None:
    """The collection's findings, changes of master and segments for one
    scenario's hosts are what that scenario alone gives, with the hosts
    renamed: nothing crosses from one capture to another."""
    together, _err, _code = _analyze(*sorted(str(p) for p in LAB.glob("*/*.log")))
    alone, _err, _code = _analyze(*sorted(str(p) for p in (LAB / scenario).glob("*.log")))
    apart = set(SCENARIOS_OF[scenario].hosts)  # node-c too: two scenarios have one
    mine = {f"{h}@{scenario}" for h in apart}

    def ours(items: list[dict], key: str = "host") -> list[dict]:
        return [i for i in items if i[key] in mine]

    expected = _renamed(alone, scenario, apart)
    assert isinstance(expected, dict)
    assert ours(together["transitions"]) == expected["transitions"]
    assert [{k: v for k, v in i.items() if k != "cluster"} for i in ours(together["timeline"])] == [
        {k: v for k, v in i.items() if k != "cluster"} for i in expected["timeline"]
    ]

    def in_scenario(finding: dict) -> bool:
        return all(f"/{scenario}/" in e["source"] for e in finding["evidence"])

    assert [f for f in together["findings"] if in_scenario(f)] == expected["findings"]
    assert {h: v for h, v in together["summary"]["master_time"].items() if h in mine} == {
        f"{h}@{scenario}" if h in apart else h: v
        for h, v in expected["summary"]["master_time"].items()
    }


def _with_host(path: Path, host: str) -> list[str]:
    """The capture's lines, the envelope's host field (2nd word) replaced by `host`."""
    return [
        re.sub(r"^(\S+) \S+ ", rf"\1 {host} ", line)
        for line in path.read_text().splitlines(keepends=True)
    ]


def test_two_boxes_with_one_name_in_one_directory(tmp_path: Path) -> None:
    """Two machines both called node-a, their logs side by side: two keepalived
    processes at once, so each file is a machine; the pair is then read as
    the split-brain scenario reads (same finding, the hosts named by file)."""
    (tmp_path / "box1.log").write_text(
        "".join(_with_host(LAB / "split-brain/node-a.log", "node-a"))
    )
    (tmp_path / "box2.log").write_text(
        "".join(_with_host(LAB / "split-brain/node-b.log", "node-a"))
    )
    report, stderr, _code = _analyze(str(tmp_path / "box1.log"), str(tmp_path / "box2.log"))
    assert report["summary"]["hosts"] == ["node-a@box1.log", "node-a@box2.log"]
    assert (
        "kalog: warning: host node-a is 2 machines (two keepalived processes at once: "
        f"Keepalived[30359] in {tmp_path / 'box1.log'} and [30527] in {tmp_path / 'box2.log'}, "
        "from 2026-11-26 07:34:57): kept apart as node-a@box1.log, node-a@box2.log; "
        "--host-of PATH=HOST names a file's host"
    ) in stderr
    assert [(f["rule"], f["start"]) for f in report["findings"]] == [
        ("KA101", "2026-11-26T07:35:04.117743+00:00")
    ]
    assert report["findings"][0]["message"].startswith(
        "vi_1 MASTER on node-a@box1.log, node-a@box2.log at once for 4.0 s"
    )


def test_two_machines_in_one_file_are_a_warning(tmp_path: Path) -> None:
    """One central syslog with two machines of one name cannot be split by
    file: the reader says so (and reads one host, as before)."""
    lines = _with_host(LAB / "split-brain/node-a.log", "node-a") + _with_host(
        LAB / "split-brain/node-b.log", "node-a"
    )
    (tmp_path / "messages").write_text("".join(sorted(lines)))
    frame = read_events([tmp_path / "messages"], on_error="collect")
    assert frame.attrs["stats"]["warnings"] == [
        f"node-a: two keepalived processes at once in {tmp_path / 'messages'} "
        "(Keepalived[30359] and [30527], from 2026-11-26 07:34:57): two machines "
        "with one name? read as one host"
    ]
    assert set(frame["host"]) == {"node-a"}
    assert "hosts_apart" not in frame.attrs


def _halves(path: Path) -> tuple[str, str]:
    lines = path.read_text().splitlines(keepends=True)
    return "".join(lines[: len(lines) // 2]), "".join(lines[len(lines) // 2 :])


def _timeline(*args: str) -> dict:
    result = CliRunner().invoke(main, ["timeline", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _without_sources(timeline: dict) -> list[tuple]:
    """The timeline's segments as the log's times and states say them, without
    the file and line that opened each (those differ when a log is cut)."""
    return [
        (
            item["host"],
            item["instance"],
            s["start"],
            s["end"],
            s["state"],
            s["priority"],
            s["basis"],
            s["state_basis"],
        )
        for item in timeline["instances"]
        for s in item["segments"]
    ]


def test_a_rotated_log_in_one_directory_is_one_machine(tmp_path: Path) -> None:
    """`messages.1.gz` + `messages` (logrotate's pair, one keepalived run
    across the cut) read as the whole log: one host, no warning."""
    whole = LAB / "reload-priority/node-a.log"
    first, second = _halves(whole)
    (tmp_path / "messages.1.gz").write_bytes(gzip.compress(first.encode()))
    (tmp_path / "messages").write_text(second)
    frame = read_events([tmp_path / "messages.1.gz", tmp_path / "messages"], on_error="collect")
    assert frame.attrs["stats"]["warnings"] == []
    assert set(frame["host"]) == {"node-a"}
    assert _without_sources(
        _timeline(str(tmp_path / "messages.1.gz"), str(tmp_path / "messages"))
    ) == _without_sources(_timeline(str(whole)))


def test_consecutive_files_in_one_directory_with_a_restart_are_one_machine(
    tmp_path: Path,
) -> None:
    """graceful-stop's node-a restarts keepalived (two runs, two pids): cut
    between the runs into two files of one directory, it stays one host."""
    whole = LAB / "graceful-stop/node-a.log"
    lines = whole.read_text().splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if i and "Starting Keepalived" in line)
    (tmp_path / "part1.log").write_text("".join(lines[:cut]))
    (tmp_path / "part2.log").write_text("".join(lines[cut:]))
    frame = read_events([tmp_path / "part1.log", tmp_path / "part2.log"], on_error="collect")
    assert frame.attrs["stats"]["warnings"] == []
    assert set(frame["host"]) == {"node-a"}


def test_host_of_merges_what_directories_would_keep_apart(tmp_path: Path) -> None:
    """One machine's log cut into two directories is two machines by
    default (with the warning); `--host-of PATH=HOST` for both says they are
    one, and the timeline is the whole log's."""
    whole = LAB / "reload-priority/node-a.log"
    first, second = _halves(whole)
    (tmp_path / "day1").mkdir()
    (tmp_path / "day2").mkdir()
    (tmp_path / "day1/node-a.log").write_text(first)
    (tmp_path / "day2/node-a.log").write_text(second)
    paths = [str(tmp_path / "day1/node-a.log"), str(tmp_path / "day2/node-a.log")]
    apart = read_events(paths, on_error="collect")
    assert apart.attrs["hosts_apart"] == {"node-a": ["node-a@day1", "node-a@day2"]}
    named = read_events(paths, on_error="collect", host_of={paths[0]: "node-a", paths[1]: "node-a"})
    assert named.attrs["stats"]["warnings"] == []
    assert "hosts_apart" not in named.attrs
    cli = ["--host-of", f"{paths[0]}=node-a", "--host-of", f"{paths[1]}=node-a"]
    assert _without_sources(_timeline(*paths, *cli)) == _without_sources(_timeline(str(whole)))


def test_host_of_names_a_file_s_host(tmp_path: Path) -> None:
    """`--host-of` renames every line of that input, whatever its envelope says,
    in `kalog events` as everywhere."""
    path = str(LAB / "seed-ex1/node-a.log")
    result = CliRunner().invoke(
        main, ["events", path, "--host-of", f"{path}=lb-1", "--format", "jsonl"]
    )
    assert result.exit_code == 0, result.output
    hosts = {json.loads(line)["host"] for line in result.stdout.splitlines()}
    assert hosts == {"lb-1"}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "nowhere.log=lb-1",
            "kalog: error: --host-of nowhere.log=lb-1: nowhere.log is not one of the inputs\n",
        ),
        ("lb-1", "'lb-1' is not PATH=HOST"),
        ("x.log=", "'x.log=' is not PATH=HOST"),
    ],
)
def test_host_of_mistakes_are_usage_errors(option: str, message: str) -> None:
    """A `--host-of` that names no input, or is not PATH=HOST: exit 2, one line."""
    result = CliRunner().invoke(
        main, ["events", str(LAB / "seed-ex1/node-a.log"), "--host-of", option]
    )
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_events_name_the_machines_apart() -> None:
    """`kalog events` shows the names the analysis uses."""
    paths = [str(LAB / "seed-ex1/node-a.log"), str(LAB / "seed-ex2/node-a.log")]
    result = CliRunner().invoke(main, ["events", *paths, "--format", "jsonl"])
    hosts = [json.loads(line)["host"] for line in result.stdout.splitlines()]
    assert set(hosts) == {"node-a@seed-ex1", "node-a@seed-ex2"}
    assert hosts.count("node-a@seed-ex1") == 50 and hosts.count("node-a@seed-ex2") == 44


def test_labels_are_the_shortest_distinct_tails() -> None:
    """Labels name the directory by as few trailing components as tell them apart."""
    assert _labels(["/x/lab/a", "/x/lab/b", "-"]) == {
        "/x/lab/a": "a",
        "/x/lab/b": "b",
        "-": "stdin",
    }
    assert _labels(["/1/logs", "/2/logs"]) == {"/1/logs": "1/logs", "/2/logs": "2/logs"}


def test_two_vagrant_boxes_of_corpus_001_and_002() -> None:
    """The issue's report, on real lines: corpus 001 (lb-01) and 002 (lb-02) are
    two Vagrant boxes both logging `vagrant-ubuntu-trusty-64`, their
    Keepalived_vrrp[3026] and [2973] alive at once.  Merged, they made a
    MASTER->GOTO_MASTER change that never happened, six runs and a KA103.
    Apart: lb-01 is MASTER until lb-02 preempts it at 21:01:40, no finding."""
    report, stderr, code = _analyze(
        str(CORPUS / "001.log"), str(CORPUS / "002.log"), "--year", "2020"
    )
    one, two = "vagrant-ubuntu-trusty-64@001.log", "vagrant-ubuntu-trusty-64@002.log"
    assert code == 0
    assert report["summary"]["hosts"] == [one, two]
    assert list(report["summary"]["versions"]) == [f"{one}#0", f"{two}#0"]
    assert [
        (t["host"], t["ts"], t["from"], t["to"], t["cause"]) for t in report["transitions"]
    ] == [
        (one, "2020-07-14T20:51:54", "UNKNOWN", "MASTER", "master_down_timeout"),
        (one, "2020-07-14T21:01:38", "MASTER", "BACKUP", "higher_priority_advert"),
        (two, "2020-07-14T21:01:40", "BACKUP", "MASTER", "preemption"),
    ]
    assert report["findings"] == []
    assert "two keepalived processes at once: Keepalived_vrrp[3026]" in stderr


def test_lanes_keep_the_tail_that_tells_two_machines_apart() -> None:
    """Cut to the lane label's 17 characters, both Vagrant boxes read
    `vagrant-ubuntu-tr`; the label keeps the `@FILE` tail instead."""
    result = CliRunner().invoke(
        main,
        ["timeline", str(CORPUS / "001.log"), str(CORPUS / "002.log"), "--year", "2020"],
        env={"COLUMNS": "80"},
    )
    lines = result.stdout.splitlines()
    axis = next(i for i, line in enumerate(lines) if line.lstrip().startswith("20:51:52"))
    assert [line[:18] for line in lines[axis - 2 : axis]] == [
        "vagrant-~@001.log ",
        "vagrant-~@002.log ",
    ]
    assert "  21:01:40 vagrant-ubu~@002.log MASTER" in result.stdout
