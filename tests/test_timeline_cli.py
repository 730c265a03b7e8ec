"""`kalog timeline`: the seed's story at a glance, as plain text and as JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kalog.cli import main
from tests.conftest import SEED_A, SEED_B, SEED_EX1_ARGS

A, B = SEED_A, SEED_B
EX1 = list(SEED_EX1_ARGS)

# Read line by line against the seed logs and the article before pinning:
# A enters BACKUP at 99, +3 counts at the first 1.2 poll, MASTER at 15:21:40;
# B's Transition is decided at 100, it loses to A's 102, enters BACKUP, reaches
# 103 at its poll, forces the election and is MASTER at 15:26:31.
SNAPSHOT = """\
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
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["timeline", *args])
    return result.exit_code, result.stdout, result.stderr


def test_rich_view_snapshot_at_80_columns_without_colour() -> None:
    code, out, _err = run(*EX1, "--width", "80")
    assert code == 0
    assert "\x1b[" not in out
    assert "\n".join(line.rstrip() for line in out.splitlines()) + "\n" == SNAPSHOT


def test_json_shape_and_values() -> None:
    code, out, _err = run(*EX1, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    (a, b) = doc["instances"]
    assert (a["host"], a["instance"], a["vrid"], a["profile"]) == (A, "vi_1", 51, "1.2")
    assert [(s["state"], s["priority"]) for s in b["segments"]] == [
        ("INIT", 100),
        ("GOTO_MASTER", 100),
        ("BACKUP", 100),
        ("BACKUP", 103),
        ("GOTO_MASTER", 103),
        ("MASTER", 103),
    ]
    assert b["segments"][-1]["start"] == "2014-08-25T15:26:31"
    assert [t["cause"] for t in doc["transitions"]] == ["startup", "preemption"]


def test_without_configs_priorities_are_unknown() -> None:
    code, out, _err = run(*EX1[:4], "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert {s["basis"] for i in doc["instances"] for s in i["segments"]} == {"unknown"}


def test_keepalived_version_override_changes_the_profile() -> None:
    code, out, _err = run(*EX1, "--keepalived-version", "2.2.7", "--format", "json")
    assert code == 0
    assert {i["profile"] for i in json.loads(out)["instances"]} == {"2"}


def test_usage_errors_exit_2() -> None:
    assert run(*EX1[:4], "--config", "nohost")[0] == 2
    assert run(*EX1[:4], "--config", f"{A}=/nonexistent.conf")[0] == 2
    assert run(*EX1[:4], "--keepalived-version", "banana")[0] == 2
    code, _out, err = run("/nonexistent.log")
    assert code == 2
    assert "Traceback" not in err
