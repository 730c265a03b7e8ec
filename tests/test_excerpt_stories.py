"""What real pasted keepalived excerpts prove, line by line, held against the replay (issue 13).

Each case below was written from the log lines and keepalived's source alone, before kalog was
run on it: per (host, instance) the states in order with the line that proves each, and every
change into or out of MASTER with the cause the lines prove; the replay model of docs/model.md
(UNKNOWN / implied / evidence segments, issue 13) is held to them.

Semantics relied on (keepalived source, tags in brackets):
* `Entering MASTER STATE` (2.x) and 1.x `Transition to MASTER STATE` -> `Entering MASTER STATE`
  are reached from BACKUP; a 1.x colon form `VRRP_Instance(x): Entering BACKUP STATE` /
  `VRRP_Instance(x): Transition to MASTER STATE` is printed only by vrrp_fault(), i.e. when
  leaving FAULT [1.3.5].
* 1.x `Entering FAULT STATE` is printed only by vrrp_state_leave_master(): MASTER before [1.3.5].
* 2.x `Entering FAULT STATE` then `sent 0 priority` is leave_master(advF): MASTER before the
  FAULT line; a BACKUP entering FAULT sends no priority 0 [2.1.5].
* `sent 0 priority` otherwise: a MASTER shutting down.  `Received higher prio advert` /
  `Received advert with higher priority` / `Master received advert ... higher priority` and
  `Received ... lower prio(rity) ..., forcing new election`: printed by a MASTER.
  `Receive advertisement timeout`, `Backup received priority 0 advertisement`, `forcing a new
  MASTER election`: printed by a BACKUP.
* 1.3.9 vrrp_sync_backup(): `Syncing instances to BACKUP state` moves only members that were not
  BACKUP (via leave_master).

Conventions where the design is silent (assumptions):
* C1 UNKNOWN opens at the host's first line of the run and carries that line number; there is no
  UNKNOWN segment when the instance's state at that first line is already proven or implied.
* C2 a state deduced from a later state line (design's `implied`: the state before `Entering
  MASTER`, before `Entering BACKUP` after a higher-priority advert, before a 1.x `Entering
  FAULT` or a colon form) holds from the host's first line with line None, even when the first
  line is itself evidence of it (090 L1 `Receive advertisement timeout`).  A state shown only by
  evidence lines (no state line deduces it) opens at its first evidence line (095, 020, 044).
* C3 a 1.x Transition -> Entering MASTER is one change, at the `Entering MASTER` time, from the
  state before GOTO_MASTER.
* C4 the systemd lines of a host count as that host's lines (first line / last line).
* C6 a 1.x `Transition to MASTER STATE` is reached from BACKUP and, at the start of a
  `state MASTER` instance, from INIT (vrrp_state_goto_master; observed on 1.2.13/1.3.5): it
  implies nothing about the state before it, and a change of master through it is from UNKNOWN.
* C7 a 1.x higher-priority advert line is printed in MASTER and in the one-advert step
  between Transition and Entering MASTER: it shows MASTER only when the excerpt covers more
  than that step before it with no Transition line, or when `removing protocol VIPs.` follows
  the step down (only a MASTER had VIPs set).
* C5 keepalived's stop: STOPPED opens at the first line of the shutdown that the instance itself
  logs (`sent 0 priority`), so the MASTER proven by that same line has zero length.
* Bare excerpts (no timestamps): only state sequences, lines and causes are compared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

import kalog
from tests.conftest import CORPUS

YEAR = 2020  # the excerpts' syslog lines have no year

Seg = tuple[str, int | None]  # (state, line that opens the segment; None = implied)
# (host, instance, direction, from_state, to_state, cause, 'HH:MM:SS' or None when bare)
Change = tuple[str, str, str, str, str, str, str | None]

TO, FROM = "to_master", "from_master"


@dataclass(frozen=True)
class Case:
    name: str
    files: tuple[str, ...]
    segments: dict[tuple[str, str], list[Seg]]
    changes: list[Change]
    bare: bool = False  # the lines carry no time


CASES = [
    # 001 lb-01, 1.2.x, one-sided.
    #  L2 20:51:53 VRRP_Instance(VI_1) Transition to MASTER STATE
    #  L3 20:51:54 VRRP_Instance(VI_1) Entering MASTER STATE
    #  L6 21:01:38 VRRP_Instance(VI_1) Received higher prio advert
    #  L7 21:01:38 VRRP_Instance(VI_1) Entering BACKUP STATE
    # Before L2: UNKNOWN (C6: a 1.x Transition is reached from BACKUP or, at a `state MASTER`
    # start, from INIT; the start lines may be cut).  Why it became MASTER is not in the
    # lines: 1.x logs no timeout.
    Case(
        "001",
        ("001.log",),
        {
            ("vagrant-ubuntu-trusty-64", "VI_1"): [
                ("UNKNOWN", 1),
                ("GOTO_MASTER", 2),
                ("MASTER", 3),
                ("BACKUP", 7),
            ]
        },
        [
            ("vagrant-ubuntu-trusty-64", "VI_1", TO, "UNKNOWN", "MASTER", "unknown", "20:51:54"),
            (
                "vagrant-ubuntu-trusty-64",
                "VI_1",
                FROM,
                "MASTER",
                "BACKUP",
                "higher_priority_advert",
                "21:01:38",
            ),
        ],
    ),
    # 002 lb-02, 1.2.x, one-sided (same syslog host name as 001: tested alone).
    #  L2 20:53:06 Transition to MASTER STATE / L3 Received higher prio advert /
    #  L4 Entering BACKUP STATE  -> GOTO_MASTER -> BACKUP, VIPs never set: no change of master.
    #  L7 21:01:38 forcing a new MASTER election / L8 21:01:39 Transition / L9 21:01:40 Entering
    Case(
        "002",
        ("002.log",),
        {
            ("vagrant-ubuntu-trusty-64", "VI_1"): [
                ("UNKNOWN", 1),  # C6
                ("GOTO_MASTER", 2),
                ("BACKUP", 4),
                ("GOTO_MASTER", 8),
                ("MASTER", 9),
            ]
        },
        [("vagrant-ubuntu-trusty-64", "VI_1", TO, "BACKUP", "MASTER", "preemption", "21:01:40")],
    ),
    # 014 bare 1.3.9 messages (host = file stem), sync group VG1.
    #  L1 VRRP_Instance(VI_GATEWAY) Received advert with higher priority 100, ours 100  (MASTER)
    #  L2 VRRP_Instance(VI_GATEWAY) Entering BACKUP STATE
    #  L4 VRRP_Group(VG1) Syncing instances to BACKUP state
    #  L5 VRRP_Instance(VI_1) Entering BACKUP STATE
    # VI_1 was synced out of a non-BACKUP state by VG1 whose member VI_GATEWAY was MASTER: MASTER.
    Case(
        "014",
        ("014.log",),
        {
            ("014", "VI_GATEWAY"): [("MASTER", None), ("BACKUP", 2)],
            ("014", "VI_1"): [("MASTER", None), ("BACKUP", 5)],
        },
        [
            ("014", "VI_GATEWAY", FROM, "MASTER", "BACKUP", "higher_priority_advert", None),
            ("014", "VI_1", FROM, "MASTER", "BACKUP", "sync_group", None),
        ],
        bare=True,
    ),
    # 096 bare 2.x messages.
    #  L1 (VI_1) Receive advertisement timeout / L2 (VI_1) Entering MASTER STATE
    #  L3 (VI_1) Master received advert from y.y.y.y with higher priority 110, ours 100
    #  L4 (VI_1) Entering BACKUP STATE
    Case(
        "096",
        ("096.log",),
        {("096", "VI_1"): [("BACKUP", None), ("MASTER", 2), ("BACKUP", 4)]},
        [
            ("096", "VI_1", TO, "BACKUP", "MASTER", "master_down_timeout", None),
            ("096", "VI_1", FROM, "MASTER", "BACKUP", "higher_priority_advert", None),
        ],
        bare=True,
    ),
    # 079 ssq-57, 1.x without PIDs, one-sided: the stopped master's log is missing.
    #  L1 11:10:19 VRRP_Instance(VIP) Transition to MASTER STATE
    #  L2 11:10:20 VRRP_Instance(VIP) Entering MASTER STATE
    Case(
        "079",
        ("079.log",),
        # C6: the Transition is the first line; before it nothing is known (and no UNKNOWN
        # segment: the excerpt's first line already shows the state)
        {("ssq-57", "VIP"): [("GOTO_MASTER", 1), ("MASTER", 2)]},
        [("ssq-57", "VIP", TO, "UNKNOWN", "MASTER", "unknown", "11:10:20")],
    ),
    # 080 ssq-57, 1.x: failback.
    #  L1 11:13:48 VRRP_Instance(VIP) Received higher prio advert / L2 Entering BACKUP STATE
    Case(
        "080",
        ("080.log",),
        {("ssq-57", "VIP"): [("MASTER", None), ("BACKUP", 2)]},
        [("ssq-57", "VIP", FROM, "MASTER", "BACKUP", "higher_priority_advert", "11:13:48")],
    ),
    # 012 SERVER2, 1.2.24, vi_2 flapping: `Received higher prio advert 255` + `Entering BACKUP`
    # (L1/2, L5/6, L9/10, L13/14); `Transition` + `Entering MASTER` one second apart (L3/4,
    # L7/8, L11/12) with no `forcing a new MASTER election`: a silent 1.x timer (master down or
    # priority 0, the lines cannot tell) -> cause unknown.  C7: L1 is the first line, and a 1.x
    # `Received higher prio advert` is also printed between Transition and Entering MASTER
    # (internally MASTER, no VIPs yet); nothing before it and no VIP removal after it tell
    # which: UNKNOWN until L2, and no change of master at 10:25:14.
    Case(
        "012",
        ("012.log",),
        {
            ("SERVER2", "vi_2"): [
                ("UNKNOWN", 1),
                ("BACKUP", 2),
                ("GOTO_MASTER", 3),
                ("MASTER", 4),
                ("BACKUP", 6),
                ("GOTO_MASTER", 7),
                ("MASTER", 8),
                ("BACKUP", 10),
                ("GOTO_MASTER", 11),
                ("MASTER", 12),
                ("BACKUP", 14),
            ]
        },
        [
            ("SERVER2", "vi_2", TO, "BACKUP", "MASTER", "unknown", "10:30:17"),
            ("SERVER2", "vi_2", FROM, "MASTER", "BACKUP", "higher_priority_advert", "11:41:17"),
            ("SERVER2", "vi_2", TO, "BACKUP", "MASTER", "unknown", "11:46:21"),
            ("SERVER2", "vi_2", FROM, "MASTER", "BACKUP", "higher_priority_advert", "12:41:18"),
            ("SERVER2", "vi_2", TO, "BACKUP", "MASTER", "unknown", "12:46:22"),
            ("SERVER2", "vi_2", FROM, "MASTER", "BACKUP", "higher_priority_advert", "12:58:46"),
        ],
    ),
    # 021 R6, 1.3.0-1.4.0 wording, three instances.
    #  L1/L2 18:06:38 (enp9s0.100)/(enp9s0.101) Transition to MASTER STATE
    #  L3/L4 18:06:39 ... Entering MASTER STATE
    #  L5 18:06:52 VRRP_Instance(enp9s0) Received advert with higher priority 110, ours 90
    #  L6/L8/L10 18:06:52 Entering BACKUP STATE (enp9s0, .100, .101)
    #  L11 18:17:11 (enp9s0) Transition / L12 18:17:12 Entering MASTER
    #  L13 18:23:42 (enp9s0.100) Transition to MASTER STATE  <- last line: GOTO_MASTER only
    # enp9s0: MASTER from L1 on (C2: L5+L6 deduce it; 1.x logs every entry into MASTER and no
    # enp9s0 line comes before L5; C7: 14 s of log before L5 with no Transition for it, longer
    # than 1.x's one-advert Transition step).
    Case(
        "021",
        ("021.log",),
        {
            ("R6", "enp9s0.100"): [
                ("GOTO_MASTER", 1),  # C6
                ("MASTER", 3),
                ("BACKUP", 8),
                ("GOTO_MASTER", 13),
            ],
            ("R6", "enp9s0.101"): [
                ("UNKNOWN", 1),  # C6
                ("GOTO_MASTER", 2),
                ("MASTER", 4),
                ("BACKUP", 10),
            ],
            ("R6", "enp9s0"): [
                ("MASTER", None),
                ("BACKUP", 6),
                ("GOTO_MASTER", 11),
                ("MASTER", 12),
            ],
        },
        [
            ("R6", "enp9s0.100", TO, "UNKNOWN", "MASTER", "unknown", "18:06:39"),
            ("R6", "enp9s0.101", TO, "UNKNOWN", "MASTER", "unknown", "18:06:39"),
            ("R6", "enp9s0", FROM, "MASTER", "BACKUP", "higher_priority_advert", "18:06:52"),
            ("R6", "enp9s0.100", FROM, "MASTER", "BACKUP", "higher_priority_advert", "18:06:52"),
            ("R6", "enp9s0.101", FROM, "MASTER", "BACKUP", "higher_priority_advert", "18:06:52"),
            ("R6", "enp9s0", TO, "BACKUP", "MASTER", "unknown", "18:17:12"),
        ],
    ),
    # 023 BSP-POC6, 2.x, first line truncated by the user ("un 25 23:29:04 ...").
    #  L1 23:29:04 (AST3_192) Backup received priority 0 advertisement
    #  L2 23:29:05 (AST3_192) Receive advertisement timeout   (the skew timer priority 0 set)
    #  L3 23:29:05 (AST3_192) Entering MASTER STATE
    #  L11 ... with lower priority 100, ours 100, forcing new election  (stays MASTER)
    # Both L1 and L2 are logged: the cause is the priority-0 advert, L2 is the skew timer it set
    # (a master_down_timeout is for a timeout with no priority 0 before it).
    Case(
        "023",
        ("023.log",),
        {("BSP-POC6", "AST3_192"): [("BACKUP", None), ("MASTER", 3)]},
        [("BSP-POC6", "AST3_192", TO, "BACKUP", "MASTER", "peer_priority_0", "23:29:05")],
    ),
    # 090 mdb3, 2.x: L1 (VI_1) Receive advertisement timeout / L2 Entering MASTER STATE.
    Case(
        "090",
        ("090.log",),
        {("mdb3", "VI_1"): [("BACKUP", None), ("MASTER", 2)]},
        [("mdb3", "VI_1", TO, "BACKUP", "MASTER", "master_down_timeout", "09:16:47")],
    ),
    # 006 NODE#2, 2.x: L1-L2 GARP lines (no instance), L3 (s4) Receive advertisement timeout,
    # L4 (s4) Entering MASTER STATE -> BACKUP implied since L1, the host's first line.
    Case(
        "006",
        ("006.log",),
        {("NODE#2", "s4"): [("BACKUP", None), ("MASTER", 4)]},
        [("NODE#2", "s4", TO, "BACKUP", "MASTER", "master_down_timeout", "00:12:23")],
    ),
    # 044 keepalive, 1.3.5, stop then restart; the tail ends during start-up.
    #  L1 05:59:36 systemd[1]: Stopping Keepalive Daemon (LVS and VRRP)...
    #  L2 05:59:36 VRRP_Instance(VI_1) sent 0 priority        (a MASTER shutting down)
    #  L3 05:59:36 VRRP_Instance(VI_1) removing protocol VIPs.
    #  L4 05:59:37 systemd[1]: Stopped Keepalive Daemon (LVS and VRRP).
    #  L6 05:59:48 Keepalived[7207]: Starting Keepalived v1.3.5 (unknown)   (new run: INIT)
    # Not STOPPED(L1) -> MASTER(L2): MASTER is proven at the stop, not after it.  L1 is
    # systemd's, not keepalived's: the host's first keepalived line is L2, and "sent 0
    # priority" says VI_1 was MASTER up to it, so MASTER is implied from there (line None)
    # and STOPPED opens at L2.  The restarted keepalived (L6) never names VI_1: nothing
    # is claimed about VI_1 in that run (the config may have changed with the restart).
    Case(
        "044",
        ("044.log",),
        {
            ("keepalive", "VI_1"): [
                ("MASTER", None),
                ("STOPPED", 2),
            ]
        },
        [("keepalive", "VI_1", FROM, "MASTER", "STOPPED", "admin_stop", "05:59:36")],
    ),
    # 035 localhost.localdomain, 2.x.
    #  L1 10:14:22 (VI_1) Entering FAULT STATE / L2 (VI_1) sent 0 priority
    #  L8 10:14:22 (VI_2) Entering FAULT STATE / L9 (VI_2) sent 0 priority
    # `sent 0 priority` after the FAULT line = leave_master(advF): MASTER *before* the FAULT
    # line (zero length, implied from L1), not a MASTER after it.
    Case(
        "035",
        ("035.log",),
        {
            ("localhost.localdomain", "VI_1"): [("MASTER", None), ("FAULT", 1)],
            ("localhost.localdomain", "VI_2"): [("MASTER", None), ("FAULT", 8)],
        },
        [
            ("localhost.localdomain", "VI_1", FROM, "MASTER", "FAULT", "fault", "10:14:22"),
            ("localhost.localdomain", "VI_2", FROM, "MASTER", "FAULT", "fault", "10:14:22"),
        ],
    ),
    # 086 bz-perflab-6-vr, 2.x, numeric instance names; L1 22:50:38 is a json-dump line.
    #  L2 Netlink reports bond0.25 down / L3 (425) Entering FAULT STATE / L4 (425) sent 0 priority
    #  L7-L9 the same for (424), L12-L14 for (423), all 22:50:44.
    Case(
        "086",
        ("086.log",),
        {
            ("bz-perflab-6-vr", "425"): [("MASTER", None), ("FAULT", 3)],
            ("bz-perflab-6-vr", "424"): [("MASTER", None), ("FAULT", 8)],
            ("bz-perflab-6-vr", "423"): [("MASTER", None), ("FAULT", 13)],
        },
        [
            ("bz-perflab-6-vr", "425", FROM, "MASTER", "FAULT", "fault", "22:50:44"),
            ("bz-perflab-6-vr", "424", FROM, "MASTER", "FAULT", "fault", "22:50:44"),
            ("bz-perflab-6-vr", "423", FROM, "MASTER", "FAULT", "fault", "22:50:44"),
        ],
    ),
    # 095 localhost, 2.x: L1/L2 "A thread timer expired", L3 and L10 (VI_1) Received advert from
    # 192.168.220.61 with lower priority 90, ours 100, forcing new election: MASTER from L3 on,
    # state before unknown -> no change of master at all.
    Case(
        "095",
        ("095.log",),
        {("localhost", "VI_1"): [("UNKNOWN", 1), ("MASTER", 3)]},
        [],
    ),
    # 097 + 020, one incident: .54 (backup, ifdown'd) and .62 (master).
    #  097 L2 14:43:48 (instance_10.19.220.103) Receive advertisement timeout
    #  097 L3 14:43:48 (instance_10.19.220.103) Entering MASTER STATE
    #  020 L1 14:43:58 (instance_10.19.220.103) Received advert from 10.19.220.54 with lower
    #      priority 10, ours 60, forcing new election   (.62 is MASTER from its first line)
    Case(
        "097+020",
        ("097.log", "020.log"),
        {
            ("host-10-19-220-54", "instance_10.19.220.103"): [("BACKUP", None), ("MASTER", 3)],
            ("host-10-19-220-62", "instance_10.19.220.103"): [("MASTER", 1)],
        },
        [
            (
                "host-10-19-220-54",
                "instance_10.19.220.103",
                TO,
                "BACKUP",
                "MASTER",
                "master_down_timeout",
                "14:43:48",
            )
        ],
    ),
    # 069 + 070, Data Guard switchover (1.3.x), angel19 and devil19.
    #  069 L12 13:36:54 VRRP_Instance(VIP_PRIMARY) Entering FAULT STATE   (1.x: MASTER before)
    #  069 L15 13:36:55 Kernel is reporting: interface eth1 UP
    #  069 L16 13:36:55 VRRP_Instance(VIP_STANDBY): Entering BACKUP STATE  (colon: FAULT before)
    #  069 L17 13:36:59 Transition to MASTER STATE / L19 13:37:00 Entering MASTER STATE
    #  070 L8  13:36:36 VRRP_Instance(VIP_STANDBY) Entering FAULT STATE    (MASTER before)
    #  070 L11 13:36:36 VRRP_Instance(VIP_PRIMARY) Entering BACKUP STATE   (before: unknown)
    #  070 L15 13:36:55 Transition to MASTER STATE / L17 13:36:56 Entering MASTER STATE
    # Each takeover follows the peer's FAULT with nobody MASTER in between: peer_fault.
    Case(
        "069+070",
        ("069.log", "070.log"),
        {
            ("angel19", "VIP_PRIMARY"): [("MASTER", None), ("FAULT", 12)],
            ("angel19", "VIP_STANDBY"): [
                ("FAULT", None),
                ("BACKUP", 16),
                ("GOTO_MASTER", 17),
                ("MASTER", 19),
            ],
            ("devil19", "VIP_STANDBY"): [("MASTER", None), ("FAULT", 8)],
            ("devil19", "VIP_PRIMARY"): [
                ("UNKNOWN", 1),
                ("BACKUP", 11),
                ("GOTO_MASTER", 15),
                ("MASTER", 17),
            ],
        },
        [
            ("devil19", "VIP_STANDBY", FROM, "MASTER", "FAULT", "fault", "13:36:36"),
            ("angel19", "VIP_PRIMARY", FROM, "MASTER", "FAULT", "fault", "13:36:54"),
            ("devil19", "VIP_PRIMARY", TO, "BACKUP", "MASTER", "peer_fault", "13:36:56"),
            ("angel19", "VIP_STANDBY", TO, "BACKUP", "MASTER", "peer_fault", "13:37:00"),
        ],
    ),
    # 073 + 074, the Dec 24 switchover (1.3.x).
    #  073 L14 18:45:12 VRRP_Instance(VIP_PRIMARY) Entering FAULT STATE    (MASTER before)
    #  073 L19 18:45:13 Kernel is reporting: interface eth1 UP
    #  073 L20 18:45:13 VRRP_Instance(VIP_STANDBY): Transition to MASTER STATE (colon: FAULT)
    #  073 L22 18:45:14 VRRP_Instance(VIP_STANDBY) Entering MASTER STATE
    #  074 L10 18:44:46 VRRP_Instance(VIP_STANDBY) Entering FAULT STATE    (MASTER before)
    #  074 L17 18:44:51 VRRP_Instance(VIP_PRIMARY) Entering BACKUP STATE   (before: unknown)
    #  074 L24 18:45:12 Transition to MASTER STATE / L25 18:45:13 Entering MASTER STATE
    # angel19's VIP_STANDBY goes FAULT -> MASTER: it was never BACKUP in this excerpt.
    Case(
        "073+074",
        ("073.log", "074.log"),
        {
            ("angel19", "VIP_PRIMARY"): [("MASTER", None), ("FAULT", 14)],
            ("angel19", "VIP_STANDBY"): [("FAULT", None), ("GOTO_MASTER", 20), ("MASTER", 22)],
            ("devil19", "VIP_STANDBY"): [("MASTER", None), ("FAULT", 10)],
            ("devil19", "VIP_PRIMARY"): [
                ("UNKNOWN", 1),
                ("BACKUP", 17),
                ("GOTO_MASTER", 24),
                ("MASTER", 25),
            ],
        },
        [
            ("devil19", "VIP_STANDBY", FROM, "MASTER", "FAULT", "fault", "18:44:46"),
            ("angel19", "VIP_PRIMARY", FROM, "MASTER", "FAULT", "fault", "18:45:12"),
            ("devil19", "VIP_PRIMARY", TO, "BACKUP", "MASTER", "peer_fault", "18:45:13"),
            ("angel19", "VIP_STANDBY", TO, "FAULT", "MASTER", "peer_fault", "18:45:14"),
        ],
    ),
]

TIMED = [case for case in CASES if not case.bare]


@cache
def _timeline(name: str) -> Any:
    case = next(case for case in CASES if case.name == name)
    frame = kalog.read_events([CORPUS / file for file in case.files], year=YEAR)
    return kalog.replay(frame)


def _states(timeline: Any) -> dict[tuple[str, str], list[Seg]]:
    """Per (host, instance): (state, line) of each segment, consecutive repeats dropped."""
    found: dict[tuple[str, str], list[Seg]] = {}
    for item in timeline.instances:
        steps: list[Seg] = []
        for segment in item.segments:
            if steps and steps[-1][0] == segment.state:
                continue
            steps.append((segment.state, None if segment.line is None else int(segment.line)))
        if steps:
            found[item.host, item.instance] = steps
    return found


def _changes(timeline: Any, *, with_time: bool) -> dict[tuple[str, str], list[tuple]]:
    """Per (host, instance), in the timeline's order: the changes into/out of MASTER."""
    found: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for change in timeline.transitions:
        fact: tuple = (change.direction, change.from_state, change.to_state, change.cause)
        if with_time:
            fact += (change.ts.strftime("%H:%M:%S"),)
        found[change.host, change.instance].append(fact)
    return dict(found)


def _expected_changes(case: Case, *, with_time: bool) -> dict[tuple[str, str], list[tuple]]:
    expected: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for host, instance, direction, before, after, cause, ts in case.changes:
        fact: tuple = (direction, before, after, cause)
        if with_time:
            fact += (ts,)
        expected[host, instance].append(fact)
    if with_time:  # each host's own order is time order
        for facts in expected.values():
            facts.sort(key=lambda fact: fact[-1])
    return dict(expected)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_excerpt_has_instances(case: Case) -> None:
    """Every one of these excerpts names an instance: the replay must give a timeline."""
    assert _timeline(case.name).instances


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_excerpt_states(case: Case) -> None:
    """The states the lines prove, each with the line that opens it (None: implied)."""
    assert _states(_timeline(case.name)) == case.segments


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_excerpt_changes_of_master(case: Case) -> None:
    """Changes into/out of MASTER: direction, from, to and the cause the lines prove."""
    actual = _changes(_timeline(case.name), with_time=False)
    assert actual == _expected_changes(case, with_time=False)


@pytest.mark.parametrize("case", TIMED, ids=lambda case: case.name)
def test_excerpt_change_times(case: Case) -> None:
    """The same changes with their times, for excerpts whose lines carry times."""
    actual = _changes(_timeline(case.name), with_time=True)
    assert actual == _expected_changes(case, with_time=True)
