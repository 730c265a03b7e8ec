"""The lab's scenarios: who runs which keepalived.conf, and what the driver does when.

Each scenario is a plain function over a Lab, plus a short statement of what the capture
shows. The waits are generous (keepalived's transitions take up to ~4 s with advert_int 1)
and every wait for an expected line fails loudly, so a capture always tells the story its
description claims. Exact facts are asserted by tests/lab/facts.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .netns import PREFIX_LEN, VIP, Lab

OK_SCRIPT = "#!/bin/sh\n# kalog lab: a track script that always succeeds\nexit 0\n"
FLAG_SCRIPT = (
    '#!/bin/sh\n# kalog lab: fails (exit 1) while the flag file named by $1 exists\n[ ! -e "$1" ]\n'
)


@dataclass(frozen=True)
class Track:
    """A vrrp_script and how the instance tracks it (weight None = no weight line)."""

    name: str
    weight: int | None = None
    flag: str | None = None  # flag file name: the script fails while it exists


def vrrp_conf(
    lab: Lab,
    host: str,
    *,
    state: str,
    priority: int,
    tracks: tuple[Track, ...] = (),
    nopreempt: bool = False,
    vrid: int = 51,
) -> str:
    """A keepalived.conf in the seed's shape: one VRRPv2 multicast instance vi_1 on eth0."""
    lines = [
        "global_defs {",
        f"    router_id {host}",
        "    script_user root",
        "    enable_script_security",
        "}",
        "",
    ]
    for track in tracks:
        if track.flag:
            script = f"{lab.script_path('flag.sh')} {lab.flag_path(host, track.flag)}"
        else:
            script = str(lab.script_path("ok.sh"))
        lines += ["vrrp_script " + track.name + " {", f'    script "{script}"', "    interval 1"]
        if track.weight is not None:
            lines.append(f"    weight {track.weight}")
        lines += ["}", ""]
    lines += [
        "vrrp_instance vi_1 {",
        f"    state {state}",
        "    interface eth0",
        f"    virtual_router_id {vrid}",
        f"    priority {priority}",
        "    advert_int 1",
    ]
    if nopreempt:
        lines.append("    nopreempt")
    lines += ["    virtual_ipaddress {", f"        {VIP}/{PREFIX_LEN}", "    }"]
    if tracks:
        lines += ["    track_script {", *(f"        {t.name}" for t in tracks), "    }"]
    lines += ["}", ""]
    return "\n".join(lines)


def install_scripts(lab: Lab) -> None:
    lab.write_script("ok.sh", OK_SCRIPT)
    lab.write_script("flag.sh", FLAG_SCRIPT)


MASTER_LINE = r"\(vi_1\) Entering MASTER STATE"
BACKUP_LINE = r"\(vi_1\) Entering BACKUP STATE"
FAULT_LINE = r"\(vi_1\) Entering FAULT STATE"

SEED_TRACKS = (Track("pos", 3), Track("zero"), Track("nag", -3))


# ---------------------------------------------------------------------------- seed examples
def seed_ex1(lab: Lab) -> None:
    """A (BACKUP 99) alone becomes MASTER; B (MASTER 100) joins ~5 s later and takes over."""
    install_scripts(lab)
    a, b = "node-a", "node-b"
    lab.set_config(a, vrrp_conf(lab, a, state="BACKUP", priority=99, tracks=SEED_TRACKS))
    lab.set_config(b, vrrp_conf(lab, b, state="MASTER", priority=100, tracks=SEED_TRACKS))
    lab.start(a, "router A: state BACKUP, priority 99")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.sleep(2)
    lab.dump(a)
    lab.start(b, "router B: state MASTER, priority 100")
    lab.wait_for(b, MASTER_LINE, timeout=15)
    lab.wait_for(a, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.sleep(1)


def seed_ex2(lab: Lab) -> None:
    """B (MASTER 99) alone becomes MASTER; A (BACKUP 100) joins ~5 s later and takes over."""
    install_scripts(lab)
    a, b = "node-a", "node-b"
    lab.set_config(a, vrrp_conf(lab, a, state="BACKUP", priority=100, tracks=SEED_TRACKS))
    lab.set_config(b, vrrp_conf(lab, b, state="MASTER", priority=99, tracks=SEED_TRACKS))
    lab.start(b, "router B: state MASTER, priority 99")
    lab.wait_for(b, MASTER_LINE, timeout=10)
    lab.sleep(2)
    lab.dump(b)
    lab.start(a, "router A: state BACKUP, priority 100")
    lab.wait_for(a, MASTER_LINE, timeout=15)
    lab.wait_for(b, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.sleep(1)


WEIGHTED_TRACKS = (Track("pos", 3), Track("nag", -3))


def seed_ex1_weighted_only(lab: Lab) -> None:
    """Example 1 without the weight-0 script: nothing holds the instances at start."""
    install_scripts(lab)
    a, b = "node-a", "node-b"
    lab.set_config(a, vrrp_conf(lab, a, state="BACKUP", priority=99, tracks=WEIGHTED_TRACKS))
    lab.set_config(b, vrrp_conf(lab, b, state="MASTER", priority=100, tracks=WEIGHTED_TRACKS))
    lab.start(a, "router A: state BACKUP, priority 99")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.sleep(2)
    lab.start(b, "router B: state MASTER, priority 100")
    lab.wait_for(b, MASTER_LINE, timeout=15)
    lab.wait_for(a, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.sleep(1)


CHK = (Track("chk", -20, flag="chk.fail"),)


def start_pair(lab: Lab, tracks: tuple[Track, ...] = (), nopreempt_b: bool = False) -> None:
    """node-a (state MASTER, 100) up and MASTER first, then node-b (state BACKUP, 90)."""
    a, b = "node-a", "node-b"
    lab.set_config(a, vrrp_conf(lab, a, state="MASTER", priority=100, tracks=tracks))
    lab.set_config(
        b, vrrp_conf(lab, b, state="BACKUP", priority=90, tracks=tracks, nopreempt=nopreempt_b)
    )
    lab.start(a, "state MASTER, priority 100")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.start(b, "state BACKUP, priority 90")
    lab.wait_for(b, BACKUP_LINE, timeout=10)
    lab.sleep(3)


def script_failover(lab: Lab) -> None:
    """node-a's chk (weight -20) fails: 100 -> 80 < 90, node-b takes over; then it recovers."""
    install_scripts(lab)
    a, b = "node-a", "node-b"
    start_pair(lab, CHK)
    lab.dump(a)
    lab.set_flag(a, "chk.fail", True, "node-a's chk script starts failing")
    lab.wait_for(b, MASTER_LINE, timeout=10)
    lab.wait_for(a, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.set_flag(a, "chk.fail", False, "node-a's chk script succeeds again")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.wait_for(b, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)


def interface_fault(lab: Lab) -> None:
    """The master's own eth0 goes down: FAULT, node-b takes over; eth0 up: node-a preempts."""
    a, b = "node-a", "node-b"
    start_pair(lab)
    lab.iface_down(a)
    lab.wait_for(a, FAULT_LINE, timeout=5)
    lab.wait_for(b, MASTER_LINE, timeout=10)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.iface_up(a)
    lab.wait_for(a, MASTER_LINE, timeout=12)
    lab.wait_for(b, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)


def split_brain(lab: Lab) -> None:
    """node-b's switch port is detached: both MASTER; reattached: node-b steps down."""
    a, b = "node-a", "node-b"
    start_pair(lab)
    lab.cut_link(b)
    lab.wait_for(b, MASTER_LINE, timeout=10)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.restore_link(b)
    lab.wait_for(b, BACKUP_LINE, timeout=10)
    lab.sleep(3)
    lab.dump(b)


def nopreempt(lab: Lab) -> None:
    """node-b (BACKUP 100, nopreempt) never takes over from node-a (BACKUP 90) until it stops."""
    a, b = "node-a", "node-b"
    lab.set_config(a, vrrp_conf(lab, a, state="BACKUP", priority=90))
    lab.set_config(b, vrrp_conf(lab, b, state="BACKUP", priority=100, nopreempt=True))
    lab.start(a, "state BACKUP, priority 90")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.start(b, "state BACKUP, priority 100, nopreempt")
    lab.wait_for(b, BACKUP_LINE, timeout=10)
    lab.sleep(10)
    lab.dump(a)
    lab.dump(b)
    lab.stop(a, "SIGTERM: the lower-priority master leaves")
    lab.wait_for(b, MASTER_LINE, timeout=5)
    lab.sleep(2)


def graceful_stop(lab: Lab) -> None:
    """SIGTERM the master: priority 0 advert, node-b takes over after skew; node-a returns."""
    a, b = "node-a", "node-b"
    start_pair(lab)
    lab.stop(a)
    lab.wait_for(b, MASTER_LINE, timeout=5)
    lab.sleep(4)
    lab.dump(b)
    lab.start(a, "restart: state MASTER, priority 100")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.wait_for(b, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)


def reload_priority(lab: Lab) -> None:
    """node-a's priority edited 100 -> 80 and SIGHUP: node-b takes over; back to 100: A again."""
    a, b = "node-a", "node-b"
    start_pair(lab)
    lab.set_config(
        a, vrrp_conf(lab, a, state="MASTER", priority=80), "priority 100 -> 80 in keepalived.conf"
    )
    lab.reload(a, "SIGHUP after lowering priority to 80")
    lab.wait_for(b, MASTER_LINE, timeout=10)
    lab.wait_for(a, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)
    lab.dump(b)
    lab.set_config(
        a, vrrp_conf(lab, a, state="MASTER", priority=100), "priority 80 -> 100 in keepalived.conf"
    )
    lab.reload(a, "SIGHUP after raising priority to 100")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.wait_for(b, BACKUP_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(a)


def three_stop(lab: Lab) -> None:
    """Three routers (100, 90, 80): SIGTERM the master, the 90 wins, the 80 stays BACKUP."""
    a, b, c = "node-a", "node-b", "node-c"
    lab.set_config(a, vrrp_conf(lab, a, state="MASTER", priority=100))
    lab.set_config(b, vrrp_conf(lab, b, state="BACKUP", priority=90))
    lab.set_config(c, vrrp_conf(lab, c, state="BACKUP", priority=80))
    lab.start(a, "state MASTER, priority 100")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.start(b, "state BACKUP, priority 90")
    lab.start(c, "state BACKUP, priority 80")
    lab.wait_for(c, BACKUP_LINE, timeout=10)
    lab.sleep(3)
    lab.stop(a)
    lab.wait_for(b, MASTER_LINE, timeout=5)
    lab.sleep(3)
    lab.dump(b)
    lab.dump(c)


def bfd_conf(lab: Lab, host: str, peer: str, *, priority: int, state: str) -> str:
    """The seed-shaped VRRP instance, a BFD session to the peer and one misspelt
    keyword (a configuration error)."""
    me, other = lab.hosts[host].address, lab.hosts[peer].address
    base = vrrp_conf(lab, host, state=state, priority=priority)
    head, instance = base.split("vrrp_instance", 1)
    head = head.replace(
        "    enable_script_security\n", "    enable_script_security\n    notification_emial root\n"
    )
    bfd = [
        "bfd_instance bfd_peer {",
        f"    neighbor_ip {other}",
        f"    source_ip {me}",
        "    min_rx 200",
        "    min_tx 200",
        "    multiplier 3",
        "}",
        "",
    ]
    return head + "\n".join(bfd) + "\nvrrp_instance" + instance


def checker_conf(lab: Lab, host: str) -> str:
    """A virtual server with a TCP and a MISC check: on this kernel (no IPVS) the
    healthchecker says so and keepalived stops with a permanent error."""
    peer = lab.hosts["node-a"].address
    return "\n".join(
        [
            "global_defs {",
            f"    router_id {host}",
            "    script_user root",
            "    enable_script_security",
            "}",
            "",
            f"virtual_server {VIP} 80 {{",
            "    delay_loop 2",
            "    lb_algo rr",
            "    lb_kind NAT",
            "    protocol TCP",
            f"    real_server {peer} 8080 {{",
            "        TCP_CHECK {",
            "            connect_timeout 1",
            "        }",
            "    }",
            f"    real_server {peer} 8081 {{",
            "        MISC_CHECK {",
            f'            misc_path "{lab.script_path("ok.sh")}"',
            "        }",
            "    }",
            "}",
            "",
        ]
    )


def catalogue_lines(lab: Lab) -> None:
    """Everything but VRRP: BFD, a healthchecker, a config error and the -d config dump."""
    install_scripts(lab)
    a, b, c = "node-a", "node-b", "node-c"
    lab.extra_args = ["-d"]
    lab.set_config(c, checker_conf(lab, c))
    lab.start(c, "a virtual server only, with -d (dump the configuration)")
    lab.wait_for(c, r"exited with permanent error FATAL", timeout=10)
    lab.sleep(1)
    lab.set_config(a, bfd_conf(lab, a, b, state="MASTER", priority=100))
    lab.set_config(b, bfd_conf(lab, b, a, state="BACKUP", priority=90))
    lab.start(a, "state MASTER, priority 100, with -d (dump the configuration)")
    lab.wait_for(a, MASTER_LINE, timeout=10)
    lab.start(b, "state BACKUP, priority 90, with -d (dump the configuration)")
    lab.wait_for(b, BACKUP_LINE, timeout=10)
    lab.sleep(5)
    lab.dump(a)
    lab.stop(b, "SIGTERM: node-a's BFD session to node-b goes down")
    lab.sleep(4)


@dataclass(frozen=True)
class Scenario:
    """A named lab run: its hosts, the driver function and what the capture shows."""

    name: str
    hosts: tuple[str, ...]
    run: Callable[[Lab], None]
    shows: str

    def record(self, out_dir: Path) -> None:
        """Run the scenario in a fresh lab; the capture is written to out_dir (also on failure)."""
        meta = {"description": (self.run.__doc__ or "").strip(), "shows": self.shows}
        with Lab(self.name, list(self.hosts), out_dir, meta) as lab:
            self.run(lab)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "seed-ex1",
            ("node-a", "node-b"),
            seed_ex1,
            "The seed's example 1 on 2.2.7: with a weight-0 script the instance is held "
            "(silently) until the scripts report, so pos's +3 applies before the first "
            "'Entering BACKUP STATE' (no '(init)'); B (100+3=103) does not preempt A "
            "(99+3=102) at once but discards A's lower-priority adverts until its "
            "master-down timer expires, then A steps down.",
        ),
        Scenario(
            "seed-ex2",
            ("node-a", "node-b"),
            seed_ex2,
            "The seed's example 2 on 2.2.7: B (state MASTER 99; held silently by the weight-0 "
            "script, then BACKUP at 102 without '(init)') becomes MASTER after a full "
            "master-down interval; A (BACKUP 100 -> 103) discards B's lower adverts and takes "
            "over by timeout, B steps down.",
        ),
        Scenario(
            "seed-ex1-weighted-only",
            ("node-a", "node-b"),
            seed_ex1_weighted_only,
            "Example 1 with only weighted scripts (pos +3, nag -3): 'Entering BACKUP STATE "
            "(init)' comes first and the +3 after it; B (state MASTER) still waits the full "
            "master-down interval before taking over.",
        ),
        Scenario(
            "script-failover",
            ("node-a", "node-b"),
            script_failover,
            "A weighted (-20) track script failing on the master lowers it 100 -> 80 below the "
            "backup's 90: the backup takes over by timeout; when it succeeds again the master "
            "preempts back.",
        ),
        Scenario(
            "interface-fault",
            ("node-a", "node-b"),
            interface_fault,
            "The master's own interface going down: FAULT on the master, the backup takes over "
            "only after a full master-down interval (the priority-0 advert cannot leave); "
            "interface up: BACKUP, then preemption.",
        ),
        Scenario(
            "split-brain",
            ("node-a", "node-b"),
            split_brain,
            "A network partition (no interface change): both hosts MASTER; healed: the "
            "higher-priority master forces a new election and the other steps down.",
        ),
        Scenario(
            "nopreempt",
            ("node-a", "node-b"),
            nopreempt,
            "A higher-priority backup with nopreempt silently accepts the lower master's "
            "adverts and never takes over, until the master stops (priority 0 advert).",
        ),
        Scenario(
            "graceful-stop",
            ("node-a", "node-b"),
            graceful_stop,
            "SIGTERM on the master: 'sent 0 priority', the backup takes over after its skew "
            "time only; the restarted master preempts back.",
        ),
        Scenario(
            "reload-priority",
            ("node-a", "node-b"),
            reload_priority,
            "SIGHUP after editing the master's priority: the reload itself logs no priority "
            "change; only the peer's 'received lower priority (80)' and the elections show it.",
        ),
        Scenario(
            "catalogue-lines",
            ("node-a", "node-b", "node-c"),
            catalogue_lines,
            "The lines of keepalived's other processes, for the vocabulary generated from "
            "its source: a BFD session up and down, a healthchecker on a kernel without IPVS "
            "(keepalived stops with a permanent error), a misspelt keyword, and the "
            "configuration dump of -d.",
        ),
        Scenario(
            "three-stop",
            ("node-a", "node-b", "node-c"),
            three_stop,
            "Three routers: on the master's priority-0 advert both backups shorten their "
            "timers to their skew; the 90 (shorter skew) wins and the 80 stays BACKUP.",
        ),
    )
}
