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
    )
}
