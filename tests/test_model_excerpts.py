"""What the replay model says about excerpts (issue 13), case by case.

The corpus stories are in tests/test_excerpt_stories.py and the window
property in tests/test_excerpt_windows.py; here are the mechanisms one at a
time, each on real lines: corpus pastes, the 2.2.7 lab captures, and
keepalived 1.3.5's wording as observed in network namespaces
(../shared/reference/observed-1.3.5-2.3.4.md, copied into the lines below).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import kalog
from kalog.cli import main
from kalog.model import replay
from kalog.model.timeline import UNTIMED_BASE, untimed_line
from tests.conftest import CORPUS

LAB = Path(__file__).resolve().parent.parent / "samples" / "lab"


def _timeline(*names: str, year: int = 2020, configs=None):
    frame = kalog.read_events([CORPUS / name for name in names], year=year)
    return replay(frame, configs=configs)


def _states(timeline, host: str, instance: str) -> list[tuple[str, str, int | None]]:
    return [(s.state, s.state_basis, s.line) for s in timeline.get(host, instance).segments]


def test_a_state_line_in_the_first_second_still_implies_where_it_came_from() -> None:
    """090: `Receive advertisement timeout` then `Entering MASTER STATE`, all at
    09:16:47, the excerpt's first second: BACKUP -> MASTER is a change of master
    (it was dropped when the implied state fell in the excerpt's first second)."""
    timeline = _timeline("090.log")
    assert _states(timeline, "mdb3", "VI_1") == [
        ("BACKUP", "implied", None),
        ("BACKUP", "evidence", 1),  # the timeout line: only a BACKUP prints it
        ("MASTER", "logged", 2),
    ]
    (change,) = timeline.transitions
    assert (change.from_state, change.to_state, change.cause) == (
        "BACKUP",
        "MASTER",
        "master_down_timeout",
    )


def test_unknown_until_a_line_proves_a_state() -> None:
    """095 (2.x, master side): two lines about a stalled thread, then `Received
    advert ... with lower priority 90, ours 100, forcing new election`, which
    only a MASTER prints (vrrp_state_master_rx): UNKNOWN, then MASTER at that
    line, and no change of master."""
    timeline = _timeline("095.log")
    (item,) = timeline.instances
    states = [(s.state, s.state_basis) for s in item.segments]
    assert states[0] == ("UNKNOWN", "unknown")
    assert ("MASTER", "evidence") in states
    first_master = next(s for s in item.segments if s.state == "MASTER")
    assert first_master.cause == "advert_lower"
    assert timeline.transitions == []


def test_sent_0_priority_after_a_2x_fault_line_was_master_before_it() -> None:
    """035 (2.x -D): `(VI_1) Entering FAULT STATE` then `(VI_1) sent 0 priority`
    in the same second: vrrp_state_leave_master logs the state line, then sends
    priority 0, so VI_1 was MASTER before the FAULT line, not after it."""
    timeline = _timeline("035.log")
    assert _states(timeline, "localhost.localdomain", "VI_1") == [
        ("MASTER", "implied", None),
        ("FAULT", "logged", 1),
    ]
    changes = [(t.instance, t.from_state, t.to_state, t.cause) for t in timeline.transitions]
    assert ("VI_1", "MASTER", "FAULT", "fault") in changes


def test_a_stop_that_names_its_instance_is_a_change_of_master() -> None:
    """044 (1.3.5): systemd stops keepalived; the VRRP child says `sent 0
    priority` for VI_1: it was MASTER, and left it at the stop."""
    timeline = _timeline("044.log")
    assert _states(timeline, "keepalive", "VI_1") == [
        ("MASTER", "implied", None),
        ("STOPPED", "logged", 2),
    ]
    (change,) = timeline.transitions
    assert (change.from_state, change.to_state, change.cause) == ("MASTER", "STOPPED", "admin_stop")


def test_a_1x_colon_state_line_leaves_fault() -> None:
    """069 line 16 `VRRP_Instance(VIP_STANDBY): Entering BACKUP STATE`: the
    colon form is printed only by 1.x vrrp_leave_fault."""
    timeline = _timeline("069.log")
    assert _states(timeline, "angel19", "VIP_STANDBY")[:2] == [
        ("FAULT", "implied", None),
        ("BACKUP", "logged", 16),
    ]


def test_a_sync_group_follower_names_its_leader() -> None:
    """014 (1.3.9, bare messages): VI_GATEWAY steps down on an equal-priority
    advert (the peer's higher address wins); the group syncs to BACKUP and
    VI_1 follows: VI_1 was MASTER too (vrrp_sync_backup moves the members that
    are not BACKUP)."""
    timeline = _timeline("014.log")
    causes = {
        t.instance: (t.from_state, t.to_state, t.cause, t.detail) for t in timeline.transitions
    }
    assert causes == {
        "VI_GATEWAY": (
            "MASTER",
            "BACKUP",
            "higher_priority_advert",
            "same priority 100, higher address (not logged) won",
        ),
        "VI_1": ("MASTER", "BACKUP", "sync_group", "sync group VG1 followed VI_GATEWAY"),
    }


def test_lines_without_times_keep_their_order_and_show_no_time() -> None:
    """096: four bare 2.x messages, no timestamps.  The timeline is in line
    order on stand-in times, and no output shows a time the log did not give."""
    timeline = _timeline("096.log")
    item = timeline.get("096", "VI_1")
    assert [(s.state, untimed_line(s.start)) for s in item.segments] == [
        ("BACKUP", 1),  # implied by line 2, from the paste's first line
        ("BACKUP", 1),  # `Receive advertisement timeout`: only a BACKUP prints it
        ("MASTER", 2),
        ("MASTER", 3),  # `ours 100`: the priority, logged
        ("BACKUP", 4),
    ]
    assert all(s.start.year == UNTIMED_BASE.year for s in item.segments)
    result = CliRunner().invoke(main, ["analyze", str(CORPUS / "096.log"), "--format", "json"])
    document = json.loads(result.stdout)
    assert {s["start"] for s in document["timeline"]} == {None}
    assert [t["ts"] for t in document["transitions"]] == [None, None]
    assert document["summary"]["changes_of_master"] == 2
    result = CliRunner().invoke(main, ["analyze", str(CORPUS / "096.log"), "--width", "100"])
    assert "1678" not in result.stdout
    assert "line 2 (no time)  VI_1  096  BACKUP->MASTER" in result.stdout
    assert document["summary"]["without_time"] == {
        str(CORPUS / "096.log"): {"lines": 4, "whole_input": True}
    }


def test_a_line_whose_time_was_cut_takes_its_neighbours() -> None:
    """023's first line lost its month in the paste (`un 25 23:29:04 ...`):
    it is still read, at the next line's time, and said to be."""
    timeline = _timeline("023.log")
    assert timeline.untimed == {str(CORPUS / "023.log"): (1, False)}
    (change,) = timeline.transitions
    # line 1 `Backup received priority 0 advertisement` is the cause
    assert change.cause == "peer_priority_0"
    assert (str(CORPUS / "023.log"), 1) in change.evidence


def test_an_instance_only_named_is_listed_never_no_instance_found(tmp_path: Path) -> None:
    """A paste of one 2.x line that names an instance but proves nothing of
    its state (the clean-up every start does) still lists the instance."""
    path = tmp_path / "lb1.log"
    path.write_text(
        "Jun 25 23:29:04 lb1 Keepalived_vrrp[23071]: (VI_7) removing VIPs.\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["analyze", str(path), "--year", "2020", "--width", "100"])
    assert "No VRRP instance found" not in result.stdout
    assert "instances          VI_7" in result.stdout
    frame = kalog.read_events([path], year=2020)
    (item,) = replay(frame).instances
    assert [(s.state, s.state_basis, s.line) for s in item.segments] == [("UNKNOWN", "unknown", 1)]


def test_nothing_is_claimed_past_a_hosts_last_line() -> None:
    """The seed's router A (1.2.13): its excerpt ends at 15:21:40, MASTER.
    Router B preempts at 15:26:31: A's segment ends at its last line, and B's
    cause names A as the master last seen, with the time its log ended."""
    seed = Path(__file__).resolve().parent.parent / "samples" / "seed"
    frame = kalog.read_events(
        [seed / "ex1-A-backup-99.log", seed / "ex1-B-master-100.log"], year=2014
    )
    timeline = replay(frame)
    a = timeline.get("192_168_173_203", "vi_1")
    assert a.segments[-1].state == "MASTER"
    assert a.segments[-1].end == pd.Timestamp("2014-08-25 15:21:40")
    assert timeline.host_end["192_168_173_203"] == pd.Timestamp("2014-08-25 15:21:40")
    takeover = timeline.transitions[-1]
    assert (takeover.host, takeover.cause) == ("192_168_173_204", "preemption")
    assert "MASTER when its log ended at 2014-08-25 15:21:40" in takeover.detail
    assert "still MASTER" not in takeover.detail


def test_a_takeover_after_the_masters_log_ended_is_not_still_master(tmp_path: Path) -> None:
    """graceful-stop's node-a log cut after its first MASTER line: node-b's
    takeover comes after node-a's log ends, so the cause cannot blame adverts
    that 'did not arrive' from a master 'still MASTER in its log'."""
    scenario = LAB / "graceful-stop"
    lines = (scenario / "node-a.log").read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if "Entering MASTER STATE" in line)
    (tmp_path / "node-a.log").write_text("".join(lines[: cut + 1]), encoding="utf-8")
    frame = kalog.read_events([tmp_path / "node-a.log", scenario / "node-b.log"])
    timeline = replay(frame)
    for change in timeline.transitions:
        assert "still MASTER" not in change.detail
    later = [t for t in timeline.transitions if t.host == "node-b" and t.direction == "to_master"]
    assert later, "node-b takes over in this capture"
    assert all(t.ts > timeline.host_end["node-a"] for t in later)


@pytest.mark.parametrize("cut_config", [True, False])
def test_a_reload_without_its_config_leaves_the_priority_to_the_log(cut_config: bool) -> None:
    """reload-priority (2.2.7): node-a reloads with priority 80, later 100;
    2.x logs neither.  Given only the first config, the model no longer infers
    100 after the reload: node-b's quote of 80 stands and the observation names
    the reload.  Given every config, nothing changes."""
    scenario = LAB / "reload-priority"
    frame = kalog.read_events([scenario / "node-a.log", scenario / "node-b.log"])
    configs = {
        "node-a": [scenario / "node-a.conf"]
        if cut_config
        else [scenario / "node-a.conf", scenario / "node-a.conf.2", scenario / "node-a.conf.3"],
        "node-b": scenario / "node-b.conf",
    }
    timeline = replay(frame, configs=configs)
    reload_at = pd.Timestamp("2026-11-26 07:36:00.905", tz="UTC")
    a = timeline.get("node-a", "vi_1")
    after = a.at(pd.Timestamp("2026-11-26 07:36:02", tz="UTC"))
    if cut_config:
        assert (after.priority, after.basis) == (80, "advertised")
        notes = [o.note for o in timeline.observations if o.host == "node-a"]
        assert notes and all("reload at 2026-11-26 07:36:00.905" in n for n in notes)
        assert abs(after.start - reload_at) < pd.Timedelta(milliseconds=1)
    else:
        assert (after.priority, after.basis) == (80, "inferred")
        assert timeline.observations == []


def test_a_1x_logged_priority_change_is_not_back_dated_to_the_poll(tmp_path: Path) -> None:
    """keepalived 1.3.5 applies a script's weight at its next periodic check
    and logs `Changing effective priority` then (~1.0 s after `VRRP_Script(chk)
    failed`, observed in network namespaces).  The model's 1.x poll guesses
    the check from the child's start; the logged line is when it happened."""
    conf = tmp_path / "lb-a.conf"
    conf.write_text(
        "vrrp_script chk {\n  script /bin/true\n  weight -5\n}\n"
        "vrrp_instance vi_1 {\n  interface eth0\n  virtual_router_id 51\n  priority 101\n"
        "  advert_int 1\n  virtual_ipaddress {\n    10.231.1.100/24\n  }\n"
        "  track_script {\n    chk\n  }\n}\n",
        encoding="utf-8",
    )
    stamp = "2026-11-26T07:00:{}+00:00 lb-a "
    log = tmp_path / "lb-a.log"
    log.write_text(
        "".join(
            stamp.format(t) + body + "\n"
            for t, body in [
                ("00.100000", "Keepalived[500]: Starting Keepalived v1.3.5 (03/19,2017)"),
                ("00.101000", "Keepalived[501]: Starting VRRP child process, pid=502"),
                ("00.190000", "Keepalived_vrrp[502]: VRRP_Instance(vi_1) Entering BACKUP STATE"),
                ("01.050000", "Keepalived_vrrp[502]: VRRP_Script(chk) succeeded"),
                ("05.300000", "Keepalived_vrrp[502]: VRRP_Script(chk) failed"),
                (
                    "06.300000",
                    "Keepalived_vrrp[502]: VRRP_Instance(vi_1) Changing effective priority "
                    "from 101 to 96",
                ),
            ]
        ),
        encoding="utf-8",
    )
    timeline = replay(kalog.read_events([log]), configs={"lb-a": conf})
    segments = timeline.get("lb-a", "vi_1").segments
    last = segments[-1]
    assert (last.priority, last.basis, last.line) == (96, "logged", 6)
    assert last.start == pd.Timestamp("2026-11-26 07:00:06.3", tz="UTC")
    assert timeline.observations == []


def test_a_1x_transition_that_hears_a_lower_advert_is_preempting(tmp_path: Path) -> None:
    """1.x is internally MASTER from its Transition: a lower-priority advert
    heard then is logged by vrrp_state_master_rx as `Received lower prio
    advert, forcing new election` (1.2.13's wording).  The seed's router B
    with its two `forcing a new MASTER election` lines replaced by that line
    inside the Transition step: the takeover is still a preemption."""
    seed = Path(__file__).resolve().parent.parent / "samples" / "seed"
    lines = (seed / "ex1-B-master-100.log").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if "forcing a new MASTER election" not in line]
    transition = max(i for i, line in enumerate(kept) if "Transition to MASTER STATE" in line)
    prefix = kept[transition].split("VRRP_Instance(vi_1)")[0]
    kept.insert(
        transition + 1,
        prefix.replace("15:26:30", "15:26:31")
        + "VRRP_Instance(vi_1) Received lower prio advert, forcing new election",
    )
    path = tmp_path / "ex1-B-master-100.log"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    timeline = replay(kalog.read_events([path], year=2014))
    takeover = timeline.transitions[-1]
    assert (takeover.to_state, takeover.cause) == ("MASTER", "preemption")
    assert (str(path), transition + 2) in takeover.evidence


def test_lines_without_times_keep_their_numbers_in_any_zone() -> None:
    """With --tz the frame is zone-aware; the stand-in times of a bare paste
    still read as its line numbers (not shifted by the zone's 1678 offset)."""
    frame = kalog.read_events([CORPUS / "096.log"], tz="Europe/Paris")
    item = replay(frame).get("096", "VI_1")
    assert [untimed_line(s.start) for s in item.segments] == [1, 1, 2, 3, 4]


@pytest.mark.parametrize("given", [1, 2, 3])
def test_rules_read_the_config_the_model_replayed_at_each_reload(given: int) -> None:
    """reload-priority (2.2.7): node-a's configs in reload order (priority 100,
    then 80, then 100).  The model records which config was in force from when,
    and a rule asking `ctx.config_at` reads that one, not the first: with
    fewer configs than reloads, what follows the last one given is unknown."""
    from kalog.check.context import AnalysisContext
    from kalog.config import load_config

    scenario = LAB / "reload-priority"
    frame = kalog.read_events([scenario / "node-a.log", scenario / "node-b.log"])
    paths = [scenario / "node-a.conf", scenario / "node-a.conf.2", scenario / "node-a.conf.3"]
    configs = [load_config(path) for path in paths[:given]]
    timeline = replay(frame, configs={"node-a": configs, "node-b": scenario / "node-b.conf"})
    first = timeline.configs_in_force["node-a"][0][0]
    reloads = [
        pd.Timestamp("2026-11-26 07:36:00.905661", tz="UTC"),
        pd.Timestamp("2026-11-26 07:36:08.230788", tz="UTC"),
    ]
    expected = {
        1: [(first, 0), (reloads[0], None)],
        2: [(first, 0), (reloads[0], 1), (reloads[1], None)],
        3: [(first, 0), (reloads[0], 1), (reloads[1], 2)],
    }[given]
    assert timeline.configs_in_force["node-a"] == expected
    assert first == next(run.start for run in timeline.runs if run.host == "node-a")
    ctx = AnalysisContext(
        events=frame,
        timeline=timeline,
        configs={"node-a": configs[0]},
        configs_by_host={"node-a": configs},
    )

    def priority_at(clock: str) -> int | None:
        config = ctx.config_at("node-a", pd.Timestamp(f"2026-11-26 {clock}", tz="UTC"))
        return None if config is None else config.instances["vi_1"].priority

    assert priority_at("07:35:59") == 100
    assert priority_at("07:36:05") == (None, 80, 80)[given - 1]
    assert priority_at("07:36:10") == (None, None, 100)[given - 1]
    assert ctx.config_at("node-a", None) is configs[0]
    assert ctx.config_at("node-b", None) is None  # no config given for it in ctx
