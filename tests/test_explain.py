"""`kalog explain`: the chain of cause of one change of master, on the seed and
on real keepalived 2.2.7 captures, with exact steps, lines and unknowns."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kalog.cli import main
from tests.conftest import LAB, SEED, SEED_A, SEED_B, SEED_EX1_ARGS

A, B = SEED_A, SEED_B
SEED_ARGS = list(SEED_EX1_ARGS)


def _run(*args: str):
    return CliRunner().invoke(main, ["explain", *args])


def _json(*args: str) -> dict:
    done = _run(*args, "--format", "json", "--quiet")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_seed_preemption_chain_with_the_arithmetic() -> None:
    """Router B preempts A at 15:26:31: its scripts report at 15:26:27, 1.2.13
    counts pos's +3 only at its periodic check (100 -> 103), it loses its first
    election at 100 and forces a new one."""
    doc = _json(*SEED_ARGS, "--at", "15:26")
    assert doc["change"]["host"] == B and doc["change"]["cause"] == "preemption"
    assert doc["previous_master"] == A
    assert doc["window"] == {"start": "2014-08-25T15:25:31", "end": "2014-08-25T15:26:34"}
    steps = [(s["ts"][11:], s["host"], s["what"], s["line"]) for s in doc["steps"]]
    assert steps == [
        ("15:26:27", B, "keepalived started (1.2.13)", 1),
        ("15:26:27", B, "child process started", 2),
        ("15:26:27", B, "child process started", 3),
        ("15:26:27", B, "script pos succeeded", 20),
        ("15:26:27", B, "script zero succeeded", 21),
        ("15:26:27", B, "script nag succeeded", 22),
        (
            "15:26:28",
            B,
            "priority 100 -> 103 (inferred, at keepalived 1.x's periodic priority check): "
            "base 100 + pos 3",
            None,
        ),
        ("15:26:28", B, "transition to MASTER", 23),
        ("15:26:28", B, "received a higher-priority advert", 24),
        ("15:26:28", B, "entering BACKUP", 25),
        ("15:26:29", B, "forcing a new MASTER election", 26),
        ("15:26:29", B, "forcing a new MASTER election", 27),
        ("15:26:30", B, "transition to MASTER", 28),
        ("15:26:31", B, "entering MASTER", 29),
        ("15:26:31", B, "set VIPs", 30),
        ("15:26:31", B, "BACKUP -> MASTER (preemption)", None),
    ]
    assert doc["steps"][3]["text"] == (
        "Aug 25 15:26:27 192_168_173_204 Keepalived_vrrp[8196]: VRRP_Script(pos) succeeded"
    )
    assert doc["unknown"] == [
        f"{A}: its log ends at 2014-08-25 15:21:40; what it did after is not known"
    ]


def test_without_configs_no_arithmetic_is_claimed() -> None:
    doc = _json(*SEED_ARGS[:4], "--index", "2")
    whats = [s["what"] for s in doc["steps"] if s["line"] is None]
    assert whats == ["BACKUP -> MASTER (preemption)"]
    assert not any("base" in s["what"] for s in doc["steps"])


def test_lab_script_failover_two_hosts() -> None:
    """script-failover (2.2.7): node-a's script fails, it logs 100 -> 80,
    node-b discards three lower adverts, its timer fires and it takes over
    while node-a steps down on node-b's higher advert."""
    logs = sorted(str(p) for p in (LAB / "script-failover").glob("node-*.log"))
    doc = _json(*logs, "--index", "2")
    assert doc["change"]["host"] == "node-b" and doc["previous_master"] == "node-a"
    steps = [(s["ts"][11:], s["host"], s["what"]) for s in doc["steps"]]
    assert steps[8:] == [
        ("07:34:16.120076+00:00", "node-a", "script chk failed (exit 1)"),
        ("07:34:16.120085+00:00", "node-a", "logged priority 100 -> 80"),
        ("07:34:16.726338+00:00", "node-b", "discarded a lower-priority advert (80)"),
        ("07:34:17.729950+00:00", "node-b", "discarded a lower-priority advert (80)"),
        ("07:34:18.730030+00:00", "node-b", "discarded a lower-priority advert (80)"),
        ("07:34:19.374626+00:00", "node-b", "no advert heard: master-down timer fired"),
        ("07:34:19.374916+00:00", "node-a", "received a higher-priority advert (90)"),
        ("07:34:19.374925+00:00", "node-a", "entering BACKUP"),
        ("07:34:19.374937+00:00", "node-a", "removed VIPs"),
        ("07:34:19.375012+00:00", "node-b", "entering MASTER"),
        ("07:34:19.375012+00:00", "node-b", "BACKUP -> MASTER (preemption)"),
        ("07:34:19.375020+00:00", "node-b", "set VIPs"),
    ]
    assert doc["unknown"] == []


def test_one_side_only_says_the_peer_is_not_known() -> None:
    doc = _json(str(LAB / "script-failover" / "node-b.log"), "--at", "07:34:19")
    assert doc["change"]["host"] == "node-b"
    assert doc["unknown"][-1] == (
        "no peer's log was given: what the other routers did is not known"
    )


def test_choosing_a_change_is_a_user_error_with_the_choices() -> None:
    done = _run(*SEED_ARGS, "--quiet")
    assert done.exit_code == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "kalog: error: 2 changes of master: choose one with --at or --index "
        f"(1: 2014-08-25 15:21:40 vi_1 -> {A} (startup); "
        f"2: 2014-08-25 15:26:31 vi_1 -> {B} (preemption))"
    )
    done = _run(*SEED_ARGS, "--index", "3", "--quiet")
    assert done.exit_code == 2
    assert "--index 3: there are 2 changes of master" in done.stderr
    done = _run(*SEED_ARGS, "--at", "yesterday", "--quiet")
    assert done.exit_code == 2
    assert "'yesterday' is not a time" in done.stderr


def test_text_view_shows_log_text_literally(tmp_path: Path) -> None:
    """A line carrying a terminal escape and rich markup is shown as text."""
    lines = (SEED / "ex1-B-master-100.log").read_text().splitlines()
    lines[19] = lines[19].replace("VRRP_Script(pos)", "VRRP_Script(pos\x1b[31m[red]x[/red])")
    log = tmp_path / "b.log"
    log.write_text("\n".join(lines) + "\n")
    done = _run(str(log), "--year", "2014", "--index", "1", "--quiet", "--width", "200")
    assert done.exit_code == 0, done.output
    assert "VRRP_Script(pos\\x1b[31m[red]x[/red]) succeeded" in done.stdout
    assert "\x1b" not in done.stdout
    assert done.stdout.splitlines()[0] == (
        f"vi_1: {B} became MASTER at 2014-08-25 15:26:31 (preemption)"
    )


def test_color_is_chosen_like_the_other_commands() -> None:
    """--color always colours the text view even in a pipe; never (and the
    default in a pipe) writes plain text."""
    args = [*SEED_ARGS, "--index", "2", "--quiet"]
    coloured = _run(*args, "--color", "always")
    plain = _run(*args, "--color", "never")
    assert coloured.exit_code == plain.exit_code == 0
    assert "\x1b[" in coloured.stdout and "\x1b[" not in plain.stdout
    assert plain.stdout == _run(*args).stdout
