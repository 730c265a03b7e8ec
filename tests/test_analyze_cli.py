"""`kalog analyze` end to end: exit codes, formats, --expect, on real logs."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner

from kalog.check.registry import load_rules
from kalog.cli import main
from tests.conftest import DATA, LAB, ROOT

#: How many rules `kalog analyze` runs by default: every registered one.
RULES = len(load_rules())

A, B = "192_168_173_203", "192_168_173_204"
SEED_EX1 = [
    "samples/seed/ex1-A-backup-99.log",
    "samples/seed/ex1-B-master-100.log",
    "--year",
    "2014",
    "--config",
    f"{A}=samples/seed/ex1-A.conf",
    "--config",
    f"{B}=samples/seed/ex1-B.conf",
]

# Reviewed against the seed logs: two changes of master (A at start-up, B by
# preemption after its 1.2 poll), one finding: KA002 on router B.  A's log
# ends at 15:21:40 (MASTER): its lane and its time as MASTER end there, and
# B's preemption and KA002 name A as the master last seen, when its log ended.
# Every registered rule is evaluable on the seed (configs, two hosts, a logged
# version): the last line counts them, {rules} is their number.
SNAPSHOT = """\
Summary
hosts              192_168_173_203, 192_168_173_204
instances          vi_1
versions           192_168_173_203#0 1.2.13 (profile 1.2, logged),
                   192_168_173_204#0 1.2.13 (profile 1.2, logged)
time span          2014-08-25 15:21:35 -> 2014-08-25 15:26:31 (4m 56s)
changes of master  2

Into and out of MASTER (2)
2014-08-25 15:21:40  vi_1  192_168_173_203  BACKUP->MASTER
    startup: no master heard after start
2014-08-25 15:26:31  vi_1  192_168_173_204  BACKUP->MASTER
    preemption: preempted a lower-priority master (192_168_173_203 at 102,
    inferred; MASTER when its log ended at 2014-08-25 15:21:40) (ours 103)

Time as MASTER
192_168_173_203  vi_1 0s
192_168_173_204  vi_1 0s

Instance vi_1  VRID 51  profile 192_168_173_203: 1.2, 192_168_173_204: 1.2
192_168_173_203 BBBBBBBBgggM
                   ^
192_168_173_204                                                    iiiBBBBBgggM
                                                                      ^
                15:21:35                                               15:26:31
  15:21:35 192_168_173_203 INIT         99 inferred   ex1-A-backup-99.log:1
  15:21:35 192_168_173_203 BACKUP       99 inferred   ex1-A-backup-99.log:20
  15:21:36 192_168_173_203 BACKUP      102 inferred   1.x priority poll
  15:21:39 192_168_173_203 GOTO_MASTER 102 inferred   ex1-A-backup-99.log:26
  15:21:40 192_168_173_203 MASTER      102 inferred   ex1-A-backup-99.log:27
  15:26:27 192_168_173_204 INIT        100 inferred   ex1-B-master-100.log:1
  15:26:28 192_168_173_204 GOTO_MASTER 100 inferred   ex1-B-master-100.log:23
  15:26:28 192_168_173_204 BACKUP      100 inferred   ex1-B-master-100.log:25
  15:26:28 192_168_173_204 BACKUP      103 inferred   1.x priority poll
  15:26:30 192_168_173_204 GOTO_MASTER 103 inferred   ex1-B-master-100.log:28
  15:26:31 192_168_173_204 MASTER      103 inferred   ex1-B-master-100.log:29

M MASTER B BACKUP g GOTO_MASTER F FAULT i INIT . STOPPED ^ priority change
? UNKNOWN (the excerpt does not say yet)  blank: before or after the host's log

Findings: 1 warning

WARNING (1)
KA002 weight-not-yet-counted  192_168_173_204 vi_1  2014-08-25 15:26:28
    vi_1 on 192_168_173_204 decided its first election at 100 (GOTO_MASTER at
    2014-08-25 15:26:28) although its trackers had reported (103 with weights):
    it lost to 192_168_173_203 at 102 (inferred, MASTER when its log ended at
    2014-08-25 15:21:40) and would have won with 103; it became MASTER only at
    2014-08-25 15:26:31
    samples/seed/ex1-B-master-100.log:20
      Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos)
      succeeded
    samples/seed/ex1-B-master-100.log:21
      Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(zero)
      succeeded
    samples/seed/ex1-B-master-100.log:22
      Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(nag)
      succeeded
    samples/seed/ex1-B-master-100.log:23
      Aug 25 15:26:28 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Instance(vi_1)
      Transition to MASTER STATE
    samples/seed/ex1-B-master-100.log:24
      Aug 25 15:26:28 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Instance(vi_1)
      Received higher prio advert
    samples/seed/ex1-B-master-100.log:25
      Aug 25 15:26:28 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Instance(vi_1)
      Entering BACKUP STATE

Rules: {rules} evaluated, 0 not evaluated
"""


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def lab(scenario: str) -> list[str]:
    directory = LAB / scenario
    meta = json.loads((directory / "scenario.json").read_text())
    args = [str(directory / meta["hosts"][h]["log"]) for h in meta["hosts"]]
    for host, spec in meta["hosts"].items():
        for name in spec["configs"]:
            args += ["--config", f"{host}={directory / name}"]
    return args


def findings(*args: str) -> list[tuple[str, str | None]]:
    code, out, _err = run(*args, "--format", "json", "--fail-on", "never")
    assert code == 0
    return [(f["rule"], f["host"]) for f in json.loads(out)["findings"]]


def test_rich_snapshot_of_the_seed_at_80_columns() -> None:
    code, out, _err = run(*SEED_EX1, "--width", "80")
    assert code == 1  # KA002 is a warning, the default --fail-on
    assert "\x1b[" not in out
    expected = SNAPSHOT.replace("{rules}", str(RULES))
    assert "\n".join(line.rstrip() for line in out.splitlines()) + "\n" == expected


def test_rich_summary_merges_a_hosts_runs_that_say_the_same() -> None:
    """graceful-stop: node-a's keepalived 2.2.7 ran twice (stopped, started
    again); JSON keeps one entry per run, the rich summary one per group."""
    code, out, _err = run(*lab("graceful-stop"), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["versions"] == {
        "node-a#0": "2.2.7 (profile 2, logged)",
        "node-a#1": "2.2.7 (profile 2, logged)",
        "node-b#0": "2.2.7 (profile 2, logged)",
    }
    code, out, _err = run(*lab("graceful-stop"), "--width", "120")
    assert code == 0
    assert (
        "versions           node-a#0-1 2.2.7 (profile 2, logged), node-b#0 2.2.7 (profile 2, "
        "logged)\n" in "\n".join(line.rstrip() for line in out.splitlines())
    )


def test_exit_codes_follow_fail_on() -> None:
    assert run(*SEED_EX1, "--format", "json")[0] == 1
    assert run(*SEED_EX1, "--format", "json", "--fail-on", "error")[0] == 0
    assert run(*SEED_EX1, "--format", "json", "--fail-on", "never")[0] == 0
    assert run(*SEED_EX1, "--format", "json", "--expect", "banana")[0] == 2
    assert run(*SEED_EX1, "--format", "json", "--select", "KA999")[0] == 2
    code, _out, err = run("samples/seed/nothing-here.log")
    assert code == 2
    assert err.startswith("kalog: error: ") and "Traceback" not in err


def test_seed_gives_ka002_on_router_b_and_no_ka001_under_its_own_profile() -> None:
    assert findings(*SEED_EX1) == [("KA002", B)]
    code, out, _err = run(*SEED_EX1, "--format", "json")
    (finding,) = json.loads(out)["findings"]
    assert finding["start"] == "2014-08-25T15:26:28"
    assert finding["evidence"][-1] == {"source": "samples/seed/ex1-B-master-100.log", "line": 25}
    assert "lost to 192_168_173_203 at 102" in finding["message"]


def test_a_2_2_7_capture_of_the_seed_setup_breaks_the_1_2_expectation() -> None:
    assert ("KA001", "node-a") not in findings(*lab("seed-ex1"))
    expected = findings(*lab("seed-ex1"), "--expect", "1.2")
    assert [f for f in expected if f[0] == "KA001"] == [("KA001", "node-a"), ("KA001", "node-b")]


@pytest.mark.parametrize(
    "scenario", ["seed-ex1", "seed-ex2", "nopreempt", "graceful-stop", "script-failover"]
)
def test_healthy_lab_scenarios_give_no_findings(scenario: str) -> None:
    assert findings(*lab(scenario)) == []


def test_split_brain_window_matches_the_logged_one() -> None:
    code, out, _err = run(*lab("split-brain"), "--format", "json", "--fail-on", "never")
    doc = json.loads(out)
    (brain,) = [f for f in doc["findings"] if f["rule"] == "KA101"]
    text = {
        h: (LAB / "split-brain" / f"{h}.log").read_text().splitlines() for h in ("node-a", "node-b")
    }
    b_master = next(ln for ln in text["node-b"] if "Entering MASTER STATE" in ln)
    b_backup = next(ln for ln in text["node-b"] if "Entering BACKUP STATE" in ln and ln > b_master)
    assert brain["start"] == b_master.split()[0]
    assert brain["end"] == b_backup.split()[0]


def test_interface_fault_is_explained() -> None:
    code, out, _err = run(*lab("interface-fault"), "--format", "json", "--fail-on", "never")
    doc = json.loads(out)
    causes = [(t["host"], t["direction"], t["cause"]) for t in doc["transitions"]]
    assert ("node-a", "from_master", "fault") in causes
    assert ("node-b", "to_master", "peer_fault") in causes
    assert [f["rule"] for f in doc["findings"]] == ["KA110"]


def test_sarif_output_is_valid_sarif_2_1_0() -> None:
    code, out, _err = run(*SEED_EX1, "--format", "sarif")
    assert code == 1
    doc = json.loads(out)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(doc)
    (result,) = doc["runs"][0]["results"]
    assert result["ruleId"] == "KA002"
    location = result["locations"][0]["physicalLocation"]
    assert location["region"]["startLine"] >= 20


def test_github_format_is_chosen_under_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _err = run(*SEED_EX1)
    assert code == 1
    assert out.startswith("::warning file=samples/seed/ex1-B-master-100.log,line=")


def test_junit_has_one_testcase_per_rule() -> None:
    code, out, _err = run(*SEED_EX1, "--format", "junit")
    assert code == 1
    assert out.count("<testcase ") == RULES
    assert out.count("<failure") == 1


def test_the_executable_exits_fast_with_the_commands_code_and_output(tmp_path) -> None:
    """`kalog` (kalog.cli:run) ends with os._exit: same code, same complete output."""
    import subprocess
    import sys

    out = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "kalog.cli", "analyze", *SEED_EX1, "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    code, expected, _err = run(*SEED_EX1, "--format", "json")
    assert (done.returncode, done.stdout) == (code, expected) == (1, expected)
    assert done.stderr.startswith("kalog: 2 files, 62 lines read")
    written = subprocess.run(
        [sys.executable, "-m", "kalog.cli", "analyze", *SEED_EX1, "--format", "json", "-o", out],
        cwd=ROOT,
        check=False,
    )
    assert written.returncode == 1 and out.read_text() == expected
    missing = subprocess.run(
        [sys.executable, "-m", "kalog.cli", "analyze", "no-such.log"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_time_as_master_is_per_host_and_instance() -> None:
    """Corpus 086: bz-perflab-6-vr masters instances 423, 424 and 425 over a
    6 s excerpt until its bond VLANs go down.  Summed over instances its time
    as MASTER was 18 s of a 6 s log; per instance it is 6 s each, and no
    value exceeds the time span."""
    code, out, _err = run(
        str(DATA / "corpus" / "086.log"), "--year", "2020", "--format", "json", "--fail-on", "never"
    )
    assert code == 0
    summary = json.loads(out)["summary"]
    assert summary["master_time"] == {"bz-perflab-6-vr": {"423": 6.0, "424": 6.0, "425": 6.0}}
    assert summary["start"] == "2020-03-12T22:50:38"
    assert summary["end"] == "2020-03-12T22:50:44"
    code, text, _err = run(str(DATA / "corpus" / "086.log"), "--year", "2020", "--width", "80")
    assert "Time as MASTER\nbz-perflab-6-vr  423 6s, 424 6s, 425 6s\n" in text
