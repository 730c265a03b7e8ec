"""Deterministic generator of realistic RFC 3164 syslog with a share of keepalived lines.

Why a generator: the benchmark must run on gigabyte files that look like a real
central syslog (mostly other daemons, a thin layer of keepalived), and the
keepalived layer must be *coherent* (per-host VRRP state machines, matching
priorities and peer addresses on both sides of every failover) so that
`kalog analyze` does the same work it does on a real log instead of skipping
random words.  The same seed always produces the same bytes.

Every keepalived wording comes from `tests/data/keepalived-messages.tsv`:
`WORDINGS` records, for each line the generator can print, the TSV template it
realises and that row's version range (checked by tests/test_bench_generator.py).

Usage (from the repository root):

    python -m bench.generate --lines 10000000 --keepalived-share 0.01 --seed 1 \
        -o bench/data/syslog-10M.log
    python -m bench.generate --lines 1000000 --keepalived-share 1.0 --seed 1 \
        -o bench/data/dense-1M.log

Speed: other-daemon lines are pre-rendered into a pool once and picked with
numpy in batches; timestamps come from a per-second string table; output is
written batch by batch, so memory stays flat whatever --lines is.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: keepalived version profiles: family -> (version, build date shown in "Starting ...").
#: Families pick the wording; the versions are real releases inside each TSV range.
PROFILES: dict[str, tuple[str, str]] = {
    "1.2": ("1.2.13", "08/19,2014"),
    "1.3": ("1.3.5", "unknown"),
    "1.4": ("1.4.5", "unknown"),
    "2.2": ("2.2.8", "05/31,2023"),
}
FAMILIES: tuple[str, ...] = tuple(PROFILES)
ONE_X = ("1.2", "1.3", "1.4")
ALL = FAMILIES


@dataclass(frozen=True)
class Wording:
    """One line keepalived really writes, as the generator prints it.

    `text` is a %-format with named fields; `tsv_template`/`tsv_versions` name the
    row of keepalived-messages.tsv it realises (kept so a test can prove the
    generator never invents a wording, and so the README can list them).
    """

    key: str
    families: tuple[str, ...]
    text: str
    tsv_template: str
    tsv_versions: str
    detail: bool | None = None  # True: only with -D; False: only without -D; None: always


def _w(key, families, text, tsv_template=None, tsv_versions="", detail=None) -> Wording:
    return Wording(key, families, text, tsv_template or text, tsv_versions, detail)


_I1 = "VRRP_Instance(%(inst)s) "  # 1.x instance prefix
_I2 = "(%(inst)s) "  # 2.x instance prefix

# a table reads better with one wording per one or two lines
# fmt: off
WORDINGS: tuple[Wording, ...] = (
    # -- lifecycle (parent unless noted) -------------------------------------
    _w("start", ("1.2",), "Starting Keepalived v%(version)s (%(date)s)",
       "Starting Keepalived v%s (%s)", "1.2.13-1.2.19"),
    _w("start", ("1.3", "1.4", "2.2"), "Starting Keepalived v%(version)s (%(date)s)", "Starting %s",
       "1.2.20-2.4.3"),
    _w("running_on", ("1.4", "2.2"), "Running on Linux %(kernel)s (built for Linux %(built)s)",
       "Running on %s %s %s (built for Linux %d.%d.%d)", "1.4.0-2.4.3"),
    _w("command_line", ("2.2",), "Command line: %(cmdline)s", "Command line: %s", "2.0.7-2.4.3"),
    _w("config_file", ("2.2",), "Configuration file %(conf)s", "Configuration file %s",
       "2.2.0-2.4.3"),
    _w("max_auto", ("2.2",),
       "NOTICE: setting config option max_auto_priority should result in better keepalived "
       "performance",
       None, "2.1.0-2.4.3"),
    _w("child_hc", ONE_X, "Starting Healthcheck child process, pid=%(child)d",
       "Starting Healthcheck child process, pid=%d", "1.2.13-2.4.3"),
    _w("child_vrrp", ALL, "Starting VRRP child process, pid=%(child)d",
       "Starting VRRP child process, pid=%d", "1.2.13-2.4.3"),
    _w("stopping", ("1.2",), "Stopping Keepalived v%(version)s (%(date)s)",
       "Stopping Keepalived v%s (%s)", "1.2.13-1.2.19"),
    _w("stopping", ("1.3", "1.4", "2.2"), "Stopping", None, "1.2.20-2.4.3"),
    _w("stopped_child", ("1.3", "1.4"), "Stopped", None, "1.2.20-2.4.3"),
    _w("stopped_child", ("2.2",), "Stopped", None, "1.2.20-2.4.3", detail=False),
    # 2.0.7+ with -D: the realised text of the same 'Stopped' row (see its TSV meaning)
    _w("stopped_child_detail", ("2.2",),
       "Stopped - used %(utime).6f user time, %(stime).6f system time", "Stopped", "1.2.20-2.4.3",
       detail=True),
    _w("stopped_parent", ("1.3", "1.4", "2.2"), "Stopped Keepalived v%(version)s (%(date)s)",
       "Stopped %s", "1.2.20-2.4.3"),
    _w("reloading_parent", ("2.2",), "Reloading ...", None, "2.0.8-2.4.3"),
    _w("reloading_child", ("2.2",), "Reloading", None, "2.0.0-2.4.3"),
    # -- child start-up housekeeping -----------------------------------------
    _w("netlink_ip_added", ONE_X, "Netlink reflector reports IP %(ip)s added",
       "Netlink reflector reports IP %s {added|removed}", "1.2.13-2.4.3"),
    _w("netlink_ip_removed", ONE_X, "Netlink reflector reports IP %(ip)s removed",
       "Netlink reflector reports IP %s {added|removed}", "1.2.13-2.4.3"),
    _w("reg_reflector", ONE_X, "Registering Kernel netlink reflector", None, "1.2.13-2.4.3"),
    _w("reg_reflector", ("2.2",), "Registering Kernel netlink reflector", None, "1.2.13-2.4.3",
       detail=True),
    _w("reg_command", ONE_X, "Registering Kernel netlink command channel", None, "1.2.13-2.4.3"),
    _w("reg_command", ("2.2",), "Registering Kernel netlink command channel", None, "1.2.13-2.4.3",
       detail=True),
    _w("reg_garp", ONE_X, "Registering gratuitous ARP shared channel", None, "1.2.13-2.4.3"),
    _w("reg_garp", ("2.2",), "Registering gratuitous ARP shared channel", None, "1.2.13-2.4.3",
       detail=True),
    _w("opening", ONE_X, "Opening file '%(conf)s'.", "Opening file '%s'.", "1.2.13-2.4.3"),
    _w("opening", ("2.2",), "Opening file '%(conf)s'.", "Opening file '%s'.", "1.2.13-2.4.3",
       detail=True),
    _w("config_using", ("1.2",), "Configuration is using : %(bytes)d Bytes",
       "Configuration is using : %lu Bytes", "1.2.13-1.2.19"),
    _w("linkwatch", ONE_X, "Using LinkWatch kernel netlink reflector...", None, "1.2.13-1.4.5"),
    _w("assigned", ("2.2",), "Assigned address %(ip)s for interface %(iface)s",
       "Assigned address %s for interface %s", "2.0.0-2.4.3", detail=True),
    # -- states ----------------------------------------------------------------
    _w("enter_backup_init", ONE_X, _I1 + "Entering BACKUP STATE",
       "VRRP_Instance(%s) Entering BACKUP STATE", "1.2.13-1.4.5"),
    _w("enter_backup_init", ("2.2",), _I2 + "Entering BACKUP STATE (init)",
       "(%s) Entering BACKUP STATE (init)", "2.0.0-2.4.3"),
    _w("enter_backup", ONE_X, _I1 + "Entering BACKUP STATE",
       "VRRP_Instance(%s) Entering BACKUP STATE", "1.2.13-1.4.5"),
    _w("enter_backup", ("2.2",), _I2 + "Entering BACKUP STATE", "(%s) Entering BACKUP STATE",
       "2.0.0-2.4.3"),
    # FAULT -> BACKUP: silent in 1.2.13-1.2.21, colon variant 1.2.22-1.4.5
    _w("leave_fault_backup", ("1.3", "1.4"), "VRRP_Instance(%(inst)s): Entering BACKUP STATE",
       "VRRP_Instance(%s): Entering BACKUP STATE", "1.2.22-1.4.5"),
    _w("leave_fault_backup", ("2.2",), _I2 + "Entering BACKUP STATE", "(%s) Entering BACKUP STATE",
       "2.0.0-2.4.3"),
    _w("transition_master", ONE_X, _I1 + "Transition to MASTER STATE",
       "VRRP_Instance(%s) Transition to MASTER STATE", "1.2.13-1.4.5"),
    _w("enter_master", ONE_X, _I1 + "Entering MASTER STATE",
       "VRRP_Instance(%s) Entering MASTER STATE", "1.2.13-1.4.5"),
    _w("enter_master", ("2.2",), _I2 + "Entering MASTER STATE", "(%s) Entering MASTER STATE",
       "2.0.0-2.4.3"),
    _w("enter_fault", ONE_X, _I1 + "Entering FAULT STATE", "VRRP_Instance(%s) Entering FAULT STATE",
       "1.2.13-1.4.5"),
    _w("enter_fault", ("2.2",), _I2 + "Entering FAULT STATE", "(%s) Entering FAULT STATE",
       "2.0.0-2.4.3"),
    _w("now_fault", ONE_X, _I1 + "Now in FAULT state", "VRRP_Instance(%s) Now in FAULT state",
       "1.2.13-1.4.5"),
    _w("prio_higher_than_advert", ("1.2",), _I1 + "prio is higher than received advert",
       "VRRP_Instance(%s) prio is higher than received advert", "1.2.13-1.4.5"),
    _w("adv_timeout", ("2.2",), _I2 + "Receive advertisement timeout",
       "(%s) Receive advertisement timeout", "2.0.3-2.4.3", detail=True),
    # -- priority ----------------------------------------------------------------
    _w("prio_change", ("1.3", "1.4"), _I1 + "Changing effective priority from %(old)d to %(new)d",
       "VRRP_Instance(%s) Changing effective priority from %d to %d", "1.3.0-1.4.5"),
    _w("prio_change", ("2.2",), _I2 + "Changing effective priority from %(old)d to %(new)d",
       "(%s) Changing effective priority from %d to %d", "2.0.0-2.4.3"),
    # -- adverts ---------------------------------------------------------------
    _w("force_election", ONE_X, _I1 + "forcing a new MASTER election",
       "VRRP_Instance(%s) forcing a new MASTER election", "1.2.13-1.4.5"),
    _w("master_rx_higher", ("1.2",), _I1 + "Received higher prio advert",
       "VRRP_Instance(%s) Received higher prio advert", "1.2.13-1.2.24"),
    _w("master_rx_higher", ("1.3",),
       _I1 + "Received advert with higher priority %(prio_peer)d, ours %(prio_ours)d",
       "VRRP_Instance(%s) Received advert with higher priority %d, ours %d", "1.3.0-1.4.0"),
    _w("master_rx_higher", ("1.4",),
       _I1 + "Master received advert with higher priority %(prio_peer)d, ours %(prio_ours)d",
       "VRRP_Instance(%s) Master received advert with higher priority %d, ours %d", "1.4.1-1.4.5"),
    _w("master_rx_higher", ("2.2",),
       _I2 + "Master received advert from %(peer)s with higher priority %(prio_peer)d, "
       "ours %(prio_ours)d",
       "(%s) Master received advert from %s with higher priority %d, ours %d", "2.0.0-2.4.3"),
    _w("backup_rx_lower", ("2.2",),
       _I2 + "received lower priority (%(prio_peer)d) advert from %(peer)s - discarding",
       "(%s) received lower priority (%d) advert from %s - discarding", "2.0.0-2.4.3"),
    _w("backup_rx_prio0", ("2.2",), _I2 + "Backup received priority 0 advertisement",
       "(%s) Backup received priority 0 advertisement", "2.0.0-2.4.3", detail=True),
    _w("prio0_sent", ("1.2",), _I1 + "sending 0 priority", "VRRP_Instance(%s) sending 0 priority",
       "1.2.13-1.2.19"),
    _w("prio0_sent", ("1.3", "1.4"), _I1 + "sent 0 priority", "VRRP_Instance(%s) sent 0 priority",
       "1.2.20-1.4.5"),
    _w("prio0_sent", ("2.2",), _I2 + "sent 0 priority", "(%s) sent 0 priority", "2.0.0-2.4.3",
       detail=True),
    # -- track scripts -----------------------------------------------------------
    _w("script_ok", ("1.2", "1.3"), "VRRP_Script(%(script)s) succeeded",
       "VRRP_Script(%s) succeeded", "1.2.13-1.3.9"),
    _w("script_ok", ("1.4", "2.2"), "VRRP_Script(%(script)s) succeeded",
       "VRRP_Script(%s) succeeded", "1.4.0-2.4.3"),
    _w("script_fail", ("1.2", "1.3"), "VRRP_Script(%(script)s) failed", "VRRP_Script(%s) failed",
       "1.2.13-1.3.9"),
    _w("script_fail", ("1.4", "2.2"),
       "VRRP_Script(%(script)s) failed (exited with status %(status)d)",
       "VRRP_Script(%s) failed (exited with status %d)", "1.4.0-2.4.3"),
    _w("script_returning", ("2.2",), "Script `%(script)s` now returning %(status)d",
       "Script `%s` now returning %d", "2.0.0-2.4.3"),
    _w("script_reload", ("2.2",), "VRRP_Script(%(script)s) considered successful on reload",
       "VRRP_Script(%s) considered successful on reload", "1.2.13-2.4.3"),
    # -- interfaces ----------------------------------------------------------------
    _w("link_down", ONE_X, "Kernel is reporting: interface %(iface)s DOWN",
       "Kernel is reporting: interface %s DOWN", "1.2.13-1.4.5"),
    _w("link_up", ONE_X, "Kernel is reporting: interface %(iface)s UP",
       "Kernel is reporting: interface %s UP", "1.2.13-1.4.5"),
    _w("link_down", ("2.2",), "Netlink reports %(iface)s down", "Netlink reports %s {up|down}",
       "2.0.0-2.4.3"),
    _w("link_up", ("2.2",), "Netlink reports %(iface)s up", "Netlink reports %s {up|down}",
       "2.0.0-2.4.3"),
    # -- VIPs and gratuitous ARP -----------------------------------------------------
    _w("vips_set", ONE_X, _I1 + "setting protocol VIPs.",
       "VRRP_Instance(%s) {setting|removing} protocol {VIPs.|E-VIPs.}", "1.2.13-1.4.5"),
    _w("vips_removed", ONE_X, _I1 + "removing protocol VIPs.",
       "VRRP_Instance(%s) {setting|removing} protocol {VIPs.|E-VIPs.}", "1.2.13-1.4.5"),
    _w("vips_set", ("2.2",), _I2 + "setting VIPs.", "(%s) {setting|removing} {VIPs.|E-VIPs.}",
       "2.0.1-2.4.3"),
    _w("vips_removed", ("2.2",), _I2 + "removing VIPs.", "(%s) {setting|removing} {VIPs.|E-VIPs.}",
       "2.0.1-2.4.3"),
    _w("garp_burst", ("1.2",), _I1 + "Sending gratuitous ARPs on %(iface)s for %(vip)s",
       "VRRP_Instance(%s) Sending {gratuitous ARPs|Unsolicited Neighbour Adverts} on %s for %s",
       "1.2.13-1.2.20"),
    _w("garp_burst", ("1.3", "1.4"),
       _I1 + "Sending/queueing gratuitous ARPs on %(iface)s for %(vip)s",
       "VRRP_Instance(%s) Sending/queueing {gratuitous ARPs|Unsolicited Neighbour Adverts} "
       "on %s for %s",
       "1.2.21-1.4.5"),
    _w("garp_burst", ("2.2",), _I2 + "Sending/queueing gratuitous ARPs on %(iface)s for %(vip)s",
       "(%s) Sending/queueing {gratuitous ARPs|Unsolicited Neighbour Adverts} on %s for %s",
       "2.0.0-2.4.3"),
    _w("garp_one", ("1.3", "1.4", "2.2"), "Sending gratuitous ARP on %(iface)s for %(vip)s",
       "Sending gratuitous ARP on %s for %s", "1.2.21-2.4.3"),
)
# fmt: on

_BY_KEY: dict[tuple[str, str], Wording] = {}
for _wd in WORDINGS:
    for _fam in _wd.families:
        if (_wd.key, _fam) in _BY_KEY:
            raise AssertionError(f"duplicate wording {_wd.key} for {_fam}")
        _BY_KEY[(_wd.key, _fam)] = _wd
KEYS: frozenset[str] = frozenset(w.key for w in WORDINGS)

ADVERT = 1.0  # advert_int in seconds (the default nearly everyone keeps)
GARP_REPEAT = 5  # garp_master_repeat default
GARP_DELAY = 5.0  # garp_master_delay default


# -----------------------------------------------------------------------------
# keepalived clusters: coherent per-host state machines
# -----------------------------------------------------------------------------


@dataclass
class Host:
    """One keepalived node: its addresses and the pids of the running processes."""

    name: str
    ip: str
    iface: str
    next_pid: int
    parent_pid: int = 0  # pid of "Starting Keepalived"
    daemon_pid: int = 0  # pid of the parent after the 1.x fork (same in 2.x --dont-fork)
    vrrp_pid: int = 0
    hc_pid: int = 0
    running: bool = False
    link_up: bool = True
    script_ok: bool = True


@dataclass
class Instance:
    """One vrrp_instance as configured on every host of the cluster."""

    name: str
    vips: list[str]
    base: list[int]  # base priority per host
    config_master: list[bool]  # "state MASTER" per host
    state: list[str] = field(default_factory=list)  # STOP / BACKUP / MASTER / FAULT
    logged_prio: list[int] = field(default_factory=list)  # last effective priority logged


class Cluster:
    """Two keepalived hosts sharing VRRP instances; episodes drive them, lines come out.

    State changes are applied at once while their log lines are scheduled in the
    future; every operation returns the time its consequences are complete and
    the next operation starts after it, so the lines of one host always tell a
    consistent story (and the two hosts tell the same one).
    """

    def __init__(self, cid: int, family: str, seed: int) -> None:
        self.rng = random.Random(seed * 100_003 + cid)
        r = self.rng
        self.cid = cid
        self.family = family
        self.version, self.date = PROFILES[family]
        self.detail = family == "2.2" and r.random() < 0.5  # runs with -D
        self.max_auto_notice = r.random() < 0.7
        prefix = r.choice(("lb", "edge", "gw", "proxy", "ingress", "vrrp"))
        iface = r.choice(("eth0", "eth0", "ens192", "ens160", "bond0", "eno1"))
        net = f"10.{20 + cid // 250}.{cid % 250}"
        self.hosts = [
            Host(f"{prefix}{cid + 1:02d}{side}", f"{net}.{11 + k}", iface, r.randrange(600, 30_000))
            for k, side in enumerate("ab")
        ]
        self.conf = r.choice(
            (
                "/etc/keepalived/keepalived.conf",
                "/etc/keepalived/keepalived.conf",
                "/usr/local/etc/keepalived/keepalived.conf",
            )
        )
        self.script = r.choice(
            ("chk_haproxy", "chk_nginx", "check_apiserver", "chk_service", "chk_haproxy_port")
        )
        hi, lo = r.choice(((101, 100), (150, 100), (200, 100), (110, 100), (100, 90), (254, 253)))
        if hi - lo <= 10 and r.random() < 0.6:
            self.weight = hi - lo + r.choice((1, 1, 2, 5))  # "weight 2" style
        else:
            self.weight = -(hi - lo + r.choice((10, 20, 30)))  # "weight -20" style
        naming = r.choice(("VI_%d", "VI_%d", "vi_%d", "VIP_%d", "vrrp_%d"))
        n_inst = r.choice((1, 1, 1, 2, 2, 3))
        self.instances: list[Instance] = []
        for i in range(n_inst):
            owner = i % 2  # active/active: odd instances prefer host b
            base = [lo, lo]
            base[owner] = hi
            vips = [f"{net}.{100 + 10 * i + j}" for j in range(r.choice((1, 1, 1, 2)))]
            self.instances.append(
                Instance(
                    naming % (i + 1),
                    vips,
                    base,
                    [h == owner for h in range(2)],
                    ["STOP", "STOP"],
                    list(base),
                )
            )
        self.kernel = r.choice(
            (
                ("5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", "5.15.27"),
                ("6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)", "6.1.76"),
                ("4.18.0-513.5.1.el8_9.x86_64 #1 SMP Fri Sep 29 05:21:10 EDT 2023", "4.18.0"),
            )
        )
        self.cmdline = r.choice(
            (
                "'/usr/sbin/keepalived' '--dont-fork' '-D'",
                "'/usr/sbin/keepalived' '--dont-fork' '--log-detail'",
            )
        )
        if not self.detail:
            self.cmdline = r.choice(
                ("'/usr/sbin/keepalived' '--dont-fork'", "'/usr/sbin/keepalived' '-n' '-P'")
            )
        self._out: list[tuple[float, int, str]] = []
        self._seq = 0

    # -- emitting -----------------------------------------------------------------
    def emit(self, t: float, h: int, who: str, key: str, **fields: object) -> None:
        """Schedule one line of host `h` (process `who`) at time `t` if this version logs it."""
        if key not in KEYS:
            raise KeyError(key)
        wd = _BY_KEY.get((key, self.family))
        if wd is None or (wd.detail is not None and wd.detail != self.detail):
            return  # this version does not log it (or not with this -D setting)
        host = self.hosts[h]
        if who == "parent":
            ident, pid = "Keepalived", host.daemon_pid
        elif who == "start":
            ident, pid = "Keepalived", host.parent_pid
        elif who == "hc":
            ident, pid = "Keepalived_healthcheckers", host.hc_pid
        else:
            ident, pid = "Keepalived_vrrp", host.vrrp_pid
        self._seq += 1
        line = f"{host.name} {ident}[{pid}]: {wd.text % fields}"
        self._out.append((t, self._seq, line))

    def drain(self) -> list[tuple[float, str]]:
        """The scheduled lines in time order (stable for equal times), then forget them."""
        self._out.sort()
        lines = [(t, line) for t, _, line in self._out]
        self._out = []
        return lines

    # -- model ----------------------------------------------------------------------
    def eff(self, h: int, inst: Instance) -> int:
        """Effective priority: base plus the track script's weight as keepalived applies it."""
        p = inst.base[h]
        ok = self.hosts[h].script_ok
        if (self.weight > 0 and ok) or (self.weight < 0 and not ok):
            p += self.weight
        return max(1, min(254, p))

    def alive(self, h: int) -> bool:
        return self.hosts[h].running and self.hosts[h].link_up

    @staticmethod
    def master_of(inst: Instance) -> int | None:
        for h, s in enumerate(inst.state):
            if s == "MASTER":
                return h
        return None

    def _ipkey(self, h: int) -> tuple[int, ...]:
        return tuple(int(x) for x in self.hosts[h].ip.split("."))

    def skew(self, prio: int) -> float:
        return (256 - prio) / 256 * ADVERT

    # -- transitions ------------------------------------------------------------------
    def _enter_master(self, t: float, h: int, inst: Instance) -> float:
        inst.state[h] = "MASTER"
        iface = self.hosts[h].iface
        self.emit(t, h, "vrrp", "enter_master", inst=inst.name)
        self.emit(t, h, "vrrp", "vips_set", inst=inst.name)
        for burst in (t, t + GARP_DELAY):
            for vip in inst.vips:
                self.emit(burst, h, "vrrp", "garp_burst", inst=inst.name, iface=iface, vip=vip)
                self.emit(burst, h, "vrrp", "garp_one", iface=iface, vip=vip)
            for _ in range(GARP_REPEAT - 1):
                for vip in inst.vips:
                    self.emit(burst, h, "vrrp", "garp_one", iface=iface, vip=vip)
        for vip in inst.vips:
            self.emit(t + 0.001, h, "hc", "netlink_ip_added", ip=vip)
        return t + GARP_DELAY + 0.1

    def _leave_master(self, t: float, h: int, inst: Instance, to: str) -> None:
        inst.state[h] = to
        self.emit(t, h, "vrrp", "vips_removed", inst=inst.name)
        for vip in inst.vips:
            self.emit(t + 0.001, h, "hc", "netlink_ip_removed", ip=vip)

    def _take_over(self, t: float, h: int, inst: Instance) -> float:
        """Backup `h` becomes master because no master is heard (timer expired at `t`)."""
        if self.family == "2.2":
            self.emit(t, h, "vrrp", "adv_timeout", inst=inst.name)
            return self._enter_master(t, h, inst)
        inst.state[h] = "MASTER"
        self.emit(t, h, "vrrp", "transition_master", inst=inst.name)
        return self._enter_master(t + ADVERT, h, inst)

    def _preempt(self, t: float, b: int, cur: int, inst: Instance, via_fault: bool) -> float:
        """Backup `b` (higher priority) takes over from master `cur`; both sides log it."""
        pb, pc = self.eff(b, inst), self.eff(cur, inst)
        peer_b = self.hosts[b].ip
        if self.family == "2.2":
            for k in range(3):
                self.emit(
                    t + k * ADVERT + 0.3,
                    b,
                    "vrrp",
                    "backup_rx_lower",
                    inst=inst.name,
                    prio_peer=pc,
                    peer=self.hosts[cur].ip,
                )
            tm = t + 3 * ADVERT + self.skew(pb)
            self.emit(tm, b, "vrrp", "adv_timeout", inst=inst.name)
            done = self._enter_master(tm, b, inst)
            self.emit(
                tm + 0.002,
                cur,
                "vrrp",
                "master_rx_higher",
                inst=inst.name,
                peer=peer_b,
                prio_peer=pb,
                prio_ours=pc,
            )
            self.emit(tm + 0.002, cur, "vrrp", "enter_backup", inst=inst.name)
            self._leave_master(tm + 0.002, cur, inst, "BACKUP")
            return done
        if via_fault:  # 1.2.13 leaving FAULT on an advert: no "forcing" line
            self.emit(t + 0.4, b, "vrrp", "prio_higher_than_advert", inst=inst.name)
        else:
            self.emit(t + 0.4, b, "vrrp", "force_election", inst=inst.name)
            if self.rng.random() < 0.5:
                self.emit(t + 0.4 + ADVERT, b, "vrrp", "force_election", inst=inst.name)
        tt = t + 0.4 + 2 * ADVERT
        inst.state[b] = "MASTER"
        self.emit(tt, b, "vrrp", "transition_master", inst=inst.name)
        self.emit(
            tt + 0.01,
            cur,
            "vrrp",
            "master_rx_higher",
            inst=inst.name,
            peer=peer_b,
            prio_peer=pb,
            prio_ours=pc,
        )
        self.emit(tt + 0.01, cur, "vrrp", "enter_backup", inst=inst.name)
        self._leave_master(tt + 0.01, cur, inst, "BACKUP")
        return self._enter_master(tt + ADVERT, b, inst)

    def reconcile(self, t: float, inst: Instance, cause: str = "timeout") -> float:
        """Let VRRP elect: the best live backup preempts a weaker master or replaces a lost one.

        `cause` says how a missing master disappeared: "prio0" (it sent priority 0 on
        stop: backups wait only their skew), "timeout" (silent loss: 3 adverts +
        skew), "first" (2.x state MASTER at start: 1 advert + skew), "fault12" (1.2
        leaving FAULT through an advert).
        """
        cands = [
            h
            for h in range(len(self.hosts))
            if self.alive(h) and inst.state[h] in ("BACKUP", "MASTER")
        ]
        if not cands:
            return t
        best = max(cands, key=lambda h: (self.eff(h, inst), self._ipkey(h)))
        cur = self.master_of(inst)
        if cur is not None:
            if best == cur or self.eff(best, inst) <= self.eff(cur, inst):
                return t
            return self._preempt(t, best, cur, inst, via_fault=cause == "fault12")
        pb = self.eff(best, inst)
        if cause == "prio0":
            for h in cands:
                self.emit(t + 0.001, h, "vrrp", "backup_rx_prio0", inst=inst.name)
            return self._take_over(t + self.skew(pb), best, inst)
        n = 1 if cause == "first" else 3
        return self._take_over(t + n * ADVERT + self.skew(pb), best, inst)

    def reconcile_all(self, t: float, cause: str = "timeout") -> float:
        return max([t] + [self.reconcile(t, inst, cause) for inst in self.instances])

    def _log_priorities(self, t: float, h: int) -> None:
        for inst in self.instances:
            new = self.eff(h, inst)
            if new != inst.logged_prio[h]:
                self.emit(
                    t, h, "vrrp", "prio_change", inst=inst.name, old=inst.logged_prio[h], new=new
                )
                inst.logged_prio[h] = new

    # -- operations ---------------------------------------------------------------------
    def set_script(self, t: float, h: int, ok: bool) -> float:
        """Track script on host `h` changes result at `t`; priorities follow, VRRP re-elects."""
        host = self.hosts[h]
        host.script_ok = ok
        status = 0 if ok else self.rng.choice((1, 1, 1, 2, 7))
        if self.family == "2.2":
            self.emit(t, h, "vrrp", "script_returning", script=self.script, status=status)
        self.emit(
            t, h, "vrrp", "script_ok" if ok else "script_fail", script=self.script, status=status
        )
        # 2.x applies the weight in the same second; 1.x at its next periodic poll
        tp = t if self.family == "2.2" else t + self.rng.uniform(0.05, ADVERT)
        self._log_priorities(tp, h)
        return self.reconcile_all(tp)

    def start(self, t: float, h: int) -> float:
        """keepalived starts on host `h`: preamble, initial states, scripts, election."""
        r = self.rng
        host = self.hosts[h]
        fam = self.family
        host.parent_pid = host.next_pid
        if fam == "2.2":
            host.daemon_pid = host.parent_pid
            host.vrrp_pid = host.parent_pid + 1
        else:
            host.daemon_pid = host.parent_pid + 1
            host.hc_pid = host.parent_pid + 2
            host.vrrp_pid = host.parent_pid + 3
        host.next_pid = host.vrrp_pid + r.randrange(50, 5000)
        host.running, host.link_up, host.script_ok = True, True, True
        v = {"version": self.version, "date": self.date}
        self.emit(t, h, "start", "start", **v)
        self.emit(t, h, "start", "running_on", kernel=self.kernel[0], built=self.kernel[1])
        self.emit(t, h, "start", "command_line", cmdline=self.cmdline)
        self.emit(t, h, "start", "config_file", conf=self.conf)
        if self.max_auto_notice:
            self.emit(t, h, "start", "max_auto")
        if fam != "2.2":
            self.emit(t, h, "parent", "child_hc", child=host.hc_pid)
        self.emit(t, h, "parent", "child_vrrp", child=host.vrrp_pid)
        t1 = t + r.uniform(0.005, 0.05)
        for who in ("vrrp", "hc") if fam != "2.2" else ("vrrp",):
            self.emit(t1, h, who, "netlink_ip_added", ip=host.ip)
            self.emit(t1, h, who, "reg_reflector")
            self.emit(t1, h, who, "reg_command")
            if who == "vrrp":
                self.emit(t1, h, who, "reg_garp")
            self.emit(t1, h, who, "opening", conf=self.conf)
            self.emit(
                t1,
                h,
                who,
                "config_using",
                bytes=r.randrange(60_000, 80_000) if who == "vrrp" else 7942,
            )
            self.emit(t1, h, who, "linkwatch")
        self.emit(t1, h, "vrrp", "assigned", ip=host.ip, iface=host.iface)
        first_masters: list[Instance] = []
        for inst in self.instances:
            inst.logged_prio[h] = inst.base[h]
            if fam != "2.2" and inst.config_master[h]:
                inst.state[h] = "INIT"  # 1.x "state MASTER": no line until the first advert
                first_masters.append(inst)
            else:
                inst.state[h] = "BACKUP"
                self.emit(t1, h, "vrrp", "enter_backup_init", inst=inst.name)
        t2 = t1 + r.uniform(0.001, 0.02)
        self.emit(t2, h, "vrrp", "script_ok", script=self.script)
        self._log_priorities(t2 if fam == "2.2" else t2 + r.uniform(0.3, ADVERT), h)
        done = t2
        for inst in first_masters:
            # 1.x goto-master path: first advert, no priority comparison
            tt = t1 + ADVERT
            inst.state[h] = "MASTER"
            self.emit(tt, h, "vrrp", "transition_master", inst=inst.name)
            others = [
                o
                for o in range(len(self.hosts))
                if o != h and inst.state[o] == "MASTER" and self.alive(o)
            ]
            if others and self.eff(others[0], inst) > self.eff(h, inst):
                o = others[0]
                self.emit(
                    tt + 0.01,
                    h,
                    "vrrp",
                    "master_rx_higher",
                    inst=inst.name,
                    peer=self.hosts[o].ip,
                    prio_peer=self.eff(o, inst),
                    prio_ours=self.eff(h, inst),
                )
                self.emit(tt + 0.01, h, "vrrp", "enter_backup", inst=inst.name)
                inst.state[h] = "BACKUP"
                continue
            for o in others:
                self.emit(
                    tt + 0.01,
                    o,
                    "vrrp",
                    "master_rx_higher",
                    inst=inst.name,
                    peer=host.ip,
                    prio_peer=self.eff(h, inst),
                    prio_ours=self.eff(o, inst),
                )
                self.emit(tt + 0.01, o, "vrrp", "enter_backup", inst=inst.name)
                self._leave_master(tt + 0.01, o, inst, "BACKUP")
            done = max(done, self._enter_master(tt + ADVERT, h, inst))
        for inst in self.instances:
            if inst not in first_masters:
                cause = "first" if fam == "2.2" and inst.config_master[h] else "timeout"
                done = max(done, self.reconcile(t2, inst, cause))
        return done

    def stop(self, t: float, h: int) -> float:
        """keepalived stops on host `h` (SIGTERM): masters send priority 0, peers take over."""
        host = self.hosts[h]
        self.emit(t, h, "parent", "stopping", version=self.version, date=self.date)
        was_master = []
        for inst in self.instances:
            if inst.state[h] == "MASTER":
                was_master.append(inst)
                self.emit(t + 0.001, h, "vrrp", "prio0_sent", inst=inst.name)
                self._leave_master(t + 0.001, h, inst, "STOP")
            inst.state[h] = "STOP"
        self.emit(t + 0.01, h, "vrrp", "stopped_child")
        self.emit(
            t + 0.01,
            h,
            "vrrp",
            "stopped_child_detail",
            utime=self.rng.uniform(0.01, 30),
            stime=self.rng.uniform(0.01, 60),
        )
        self.emit(t + 0.02, h, "parent", "stopped_parent", version=self.version, date=self.date)
        host.running = False
        done = t + 0.02
        for inst in was_master:
            done = max(done, self.reconcile(t, inst, "prio0"))
        return done

    def link(self, t: float, h: int, up: bool) -> float:
        """The host's VRRP interface goes down (FAULT) or comes back (BACKUP, re-election)."""
        host = self.hosts[h]
        fam = self.family
        if not up:
            host.link_up = False
            self.emit(t, h, "vrrp", "link_down", iface=host.iface)
            if fam == "1.2":
                self.emit(t, h, "vrrp", "link_down", iface=host.iface)
            tf = t if fam == "2.2" else t + self.rng.uniform(0.05, ADVERT)
            for inst in self.instances:
                if inst.state[h] == "MASTER":
                    # priority 0 is sent silently on MASTER -> FAULT (TSV, all versions)
                    self.emit(tf, h, "vrrp", "enter_fault", inst=inst.name)
                    self._leave_master(tf, h, inst, "FAULT")
                    self.emit(tf, h, "vrrp", "now_fault", inst=inst.name)
                elif inst.state[h] == "BACKUP":
                    if fam == "2.2":
                        self.emit(tf, h, "vrrp", "enter_fault", inst=inst.name)
                    else:
                        self.emit(tf, h, "vrrp", "now_fault", inst=inst.name)
                inst.state[h] = "FAULT"
            # the link is down: peers never see the priority 0 advert, they time out
            return self.reconcile_all(tf, "timeout")
        host.link_up = True
        self.emit(t, h, "vrrp", "link_up", iface=host.iface)
        tb = t if fam == "2.2" else t + self.rng.uniform(0.05, ADVERT)
        for inst in self.instances:
            if inst.state[h] == "FAULT":
                inst.state[h] = "BACKUP"
                self.emit(tb, h, "vrrp", "leave_fault_backup", inst=inst.name)
        return self.reconcile_all(tb, "fault12" if fam == "1.2" else "timeout")

    def reload(self, t: float, h: int) -> float:
        """SIGHUP on a 2.x host: reload lines only, no state lines (observed on 2.2.7)."""
        self.emit(t, h, "parent", "reloading_parent")
        self.emit(t + 0.003, h, "vrrp", "reloading_child")
        self.emit(t + 0.01, h, "vrrp", "script_reload", script=self.script)
        return t + 0.02

    # -- episodes ----------------------------------------------------------------------------
    def master_host(self) -> int:
        m = self.master_of(self.instances[0])
        return 0 if m is None else m

    def episode(self, t: float) -> float:
        """Run one randomly chosen incident starting at `t`; returns when it is over."""
        r = self.rng
        kinds = [
            "failover",
            "failover",
            "failover",
            "flap",
            "link",
            "link",
            "restart",
            "restart",
            "maintenance",
            "backup_blip",
            "backup_blip",
            "backup_restart",
        ]
        if self.family == "2.2":
            kinds.append("reload")
        kind = r.choice(kinds)
        m = self.master_host()
        b = 1 - m
        if kind == "failover":
            t = self.set_script(t, m, False)
            t = self.set_script(t + r.uniform(20, 600), m, True)
        elif kind == "flap":
            for _ in range(r.randrange(3, 9)):
                t = self.set_script(t, m, False)
                t = self.set_script(t + r.uniform(0.5, 20), m, True)
                t += r.uniform(1, 40)
        elif kind == "link":
            t = self.link(t, m, up=False)
            t = self.link(t + r.uniform(5, 300), m, up=True)
        elif kind == "restart":
            t = self.stop(t, m)
            t = self.start(t + r.uniform(1, 15), m)
        elif kind == "maintenance":
            t = self.stop(t, m)
            t = self.start(t + r.uniform(60, 1800), m)
        elif kind == "backup_blip":
            t = self.set_script(t, b, False)
            t = self.set_script(t + r.uniform(5, 300), b, True)
        elif kind == "backup_restart":
            t = self.stop(t, b)
            t = self.start(t + r.uniform(1, 30), b)
        else:
            t = self.reload(t, r.randrange(2))
        return t

    def stream(self, t0: float, t_end: float, quota: int) -> Iterator[tuple[float, str]]:
        """Exactly `quota` lines: a cold start, then incidents paced to fill [t0, t_end]."""
        r = self.rng
        first = r.randrange(2)
        t = self.start(t0, first)
        t = self.start(max(t, t0 + r.uniform(2, 60)), 1 - first)
        emitted = episodes = 0
        spent = 0.0
        while True:
            lines = self.drain()
            yield from lines[: quota - emitted]
            emitted += min(len(lines), quota - emitted)
            if emitted >= quota:
                return
            if lines:
                t = max(t, lines[-1][0])
            episodes += 1
            per_episode = emitted / episodes
            left = (quota - emitted) / per_episode
            budget = (t_end - t) / max(1.0, left)
            gap = max(1.0, budget - spent / episodes) * r.uniform(0.3, 1.7)
            start = t + gap
            t = self.episode(start)
            spent += t - start


# -----------------------------------------------------------------------------
# other daemons
# -----------------------------------------------------------------------------

_USERS = ("deploy", "ubuntu", "admin", "jenkins", "ansible", "backup", "alice", "bob", "ops")
_BAD_USERS = (
    "admin",
    "test",
    "oracle",
    "postgres",
    "guest",
    "user",
    "ftpuser",
    "pi",
    "git",
    "ubnt",
    "support",
    "hadoop",
)
_CRON_CMDS = (
    "cd / && run-parts --report /etc/cron.hourly",
    "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then "
    "/usr/lib/php/sessionclean; fi",
    "/usr/local/bin/backup.sh >/dev/null 2>&1",
    "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
    "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
    "/usr/bin/certbot -q renew",
    "/opt/app/bin/cleanup --older-than 7d",
)
_SYSTEMD = (
    "Starting Daily apt download activities...",
    "apt-daily.service: Deactivated successfully.",
    "Finished Daily apt download activities.",
    "Starting Cleanup of Temporary Directories...",
    "systemd-tmpfiles-clean.service: Deactivated successfully.",
    "Finished Cleanup of Temporary Directories.",
    "Starting Rotate log files...",
    "logrotate.service: Deactivated successfully.",
    "Finished Rotate log files.",
    "Started Run anacron jobs.",
    "anacron.service: Deactivated successfully.",
    "Starting Message of the Day...",
    "motd-news.service: Deactivated successfully.",
    "phpsessionclean.service: Deactivated successfully.",
    "Starting Clean php session files...",
    "Finished Clean php session files.",
    "Started Daily Cleanup of Snap.",
)
_PATHS = (
    "/",
    "/api/v1/orders",
    "/api/v1/items?page=2",
    "/healthz",
    "/static/app.js",
    "/login",
    "/api/v2/users/42",
    "/favicon.ico",
    "/metrics",
    "/wp-login.php",
)
_AGENTS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36",
    "kube-probe/1.27",
    "curl/7.88.1",
    "Prometheus/2.45.0",
    "python-requests/2.31.0",
    "-",
)
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _pub_ip(r: random.Random) -> str:
    return (
        f"{r.choice((45, 61, 103, 185, 193, 203, 198))}.{r.randrange(256)}."
        f"{r.randrange(256)}.{r.randrange(1, 255)}"
    )


def _lan_ip(r: random.Random) -> str:
    return f"10.{r.randrange(20)}.{r.randrange(256)}.{r.randrange(2, 250)}"


def _sshd(r: random.Random) -> str:
    u, port = r.choice(_USERS), r.randrange(32768, 61000)
    k = r.randrange(12)
    if k == 0:
        fp = "".join(r.choice(_B64) for _ in range(43))
        return f"Accepted publickey for {u} from {_lan_ip(r)} port {port} ssh2: RSA SHA256:{fp}"
    if k == 1:
        return f"Accepted password for {u} from {_lan_ip(r)} port {port} ssh2"
    if k == 2:
        return (
            f"pam_unix(sshd:session): session opened for user {u}(uid={r.randrange(1000, 1010)})"
            " by (uid=0)"
        )
    if k == 3:
        return f"pam_unix(sshd:session): session closed for user {u}"
    if k == 4:
        return f"Received disconnect from {_lan_ip(r)} port {port}:11: disconnected by user"
    if k == 5:
        return f"Disconnected from user {u} {_lan_ip(r)} port {port}"
    if k == 6:
        return (
            f"Failed password for invalid user {r.choice(_BAD_USERS)} from {_pub_ip(r)} "
            f"port {port} ssh2"
        )
    if k == 7:
        return f"Invalid user {r.choice(_BAD_USERS)} from {_pub_ip(r)} port {port}"
    if k == 8:
        return f"Connection closed by authenticating user root {_pub_ip(r)} port {port} [preauth]"
    if k == 9:
        return f"Received disconnect from {_pub_ip(r)} port {port}:11: Bye Bye [preauth]"
    if k == 10:
        return (
            f"Unable to negotiate with {_pub_ip(r)} port {port}: no matching key exchange "
            "method found. Their offer: diffie-hellman-group14-sha1,"
            "diffie-hellman-group-exchange-sha1 [preauth]"
        )
    return f"Connection reset by {_pub_ip(r)} port {port} [preauth]"


def _cron(r: random.Random) -> str:
    k = r.randrange(3)
    if k == 0:
        return f"(root) CMD ({r.choice(_CRON_CMDS)})"
    if k == 1:
        return "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
    return "pam_unix(cron:session): session closed for user root"


def _systemd(r: random.Random) -> str:
    k = r.randrange(4)
    if k == 0:
        return f"Started Session {r.randrange(1, 90000)} of User {r.choice(_USERS)}."
    if k == 1:
        return f"session-{r.randrange(1, 90000)}.scope: Deactivated successfully."
    return r.choice(_SYSTEMD)


def _logind(r: random.Random) -> str:
    n, k = r.randrange(1, 90000), r.randrange(3)
    if k == 0:
        return f"New session {n} of user {r.choice(_USERS)}."
    if k == 1:
        return f"Session {n} logged out. Waiting for processes to exit."
    return f"Removed session {n}."


def _kernel(r: random.Random) -> str:
    up = f"[{r.uniform(100, 9_000_000):12.6f}] "
    k = r.randrange(7)
    if k <= 2:
        mac = ":".join(f"{r.randrange(256):02x}" for _ in range(14))
        return (
            up + f"[UFW BLOCK] IN=eth0 OUT= MAC={mac} SRC={_pub_ip(r)} DST={_lan_ip(r)} "
            f"LEN={r.choice((40, 44, 52, 60))} TOS=0x00 PREC=0x00 TTL={r.randrange(30, 250)} "
            f"ID={r.randrange(65536)} PROTO=TCP SPT={r.randrange(1024, 65535)} "
            f"DPT={r.choice((22, 23, 445, 3389, 5900, 8080))} WINDOW=1024 RES=0x00 SYN URGP=0"
        )
    if k == 3:
        return (
            up + f"TCP: request_sock_TCP: Possible SYN flooding on port "
            f"{r.choice((80, 443))}. Sending cookies.  Check SNMP counters."
        )
    if k == 4:
        return up + f"IPv4: martian source {_lan_ip(r)} from {_lan_ip(r)}, on dev eth1"
    if k == 5:
        return up + "nf_conntrack: nf_conntrack: table full, dropping packet"
    return (
        up + f"Out of memory: Killed process {r.randrange(1000, 99999)} (java) "
        f"total-vm:{r.randrange(10**6, 10**7)}kB, anon-rss:{r.randrange(10**5, 10**6)}kB, "
        "file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:8212kB oom_score_adj:0"
    )


def _dhclient(r: random.Random) -> str:
    gw, xid = _lan_ip(r), f"0x{r.randrange(1 << 32):08x}"
    k = r.randrange(3)
    if k == 0:
        return f"DHCPREQUEST on eth0 to {gw} port 67 (xid={xid})"
    if k == 1:
        return f"DHCPACK from {gw} (xid={xid})"
    return f"bound to {_lan_ip(r)} -- renewal in {r.randrange(300, 1800)} seconds."


def _qid(r: random.Random) -> str:
    return "".join(r.choice("0123456789ABCDEF") for _ in range(10))


def _postfix(r: random.Random) -> tuple[str, str]:
    k, q = r.randrange(5), _qid(r)
    if k == 0:
        return "postfix/smtpd", f"connect from unknown[{_pub_ip(r)}]"
    if k == 1:
        return (
            "postfix/smtpd",
            f"disconnect from unknown[{_pub_ip(r)}] ehlo=1 auth=0/1 quit=1 commands=2/3",
        )
    if k == 2:
        return (
            "postfix/qmgr",
            f"{q}: from=<root@example.com>, size={r.randrange(500, 90000)}, nrcpt=1 (queue active)",
        )
    if k == 3:
        return "postfix/cleanup", f"{q}: message-id=<{r.randrange(10**12)}.{q}@example.com>"
    return "postfix/smtp", (
        f"{q}: to=<ops@example.com>, relay=mx.example.com[198.51.100.25]:25, "
        f"delay={r.uniform(0.1, 3):.2f}, delays=0.01/0/0.2/0.21, dsn=2.0.0, "
        f"status=sent (250 2.0.0 Ok: queued as {_qid(r)})"
    )


def _nginx(r: random.Random) -> str:
    status = r.choice((200, 200, 200, 200, 301, 304, 404, 499, 502))
    method = r.choice(("GET", "GET", "GET", "POST"))
    return (
        f'{_lan_ip(r)} - - [\x00] "{method} {r.choice(_PATHS)} HTTP/1.1" {status} '
        f'{r.randrange(0, 60000)} "-" "{r.choice(_AGENTS)}"'
    )


def _chronyd(r: random.Random) -> str:
    k = r.randrange(3)
    if k == 0:
        return f"Selected source {_pub_ip(r)} (2.debian.pool.ntp.org)"
    if k == 1:
        return f"System clock wrong by {r.uniform(-2, 2):.6f} seconds"
    return f"Source {_pub_ip(r)} replaced with {_pub_ip(r)} (2.debian.pool.ntp.org)"


def _haproxy(r: random.Random) -> str:
    srv = f"be_app/app{r.randrange(1, 6):02d}"
    if r.random() < 0.5:
        return (
            f'Server {srv} is DOWN, reason: Layer4 connection problem, info: "Connection '
            'refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions '
            "active, 0 requeued, 0 remaining in queue."
        )
    return (
        f"Server {srv} is UP, reason: Layer7 check passed, code: 200, check duration: "
        f"{r.randrange(1, 9)}ms. 2 active and 0 backup servers online. 0 sessions "
        "requeued, 0 total in queue."
    )


def _sudo(r: random.Random) -> str:
    u = r.choice(_USERS)
    cmd = r.choice(
        (
            "/usr/bin/systemctl status nginx",
            "/usr/bin/apt-get update",
            "/usr/bin/journalctl -u haproxy",
            "/usr/bin/tail -f /var/log/syslog",
        )
    )
    return f"   {u} : TTY=pts/{r.randrange(4)} ; PWD=/home/{u} ; USER=root ; COMMAND={cmd}"


def _snmpd(r: random.Random) -> str:
    return f"Connection from UDP: [{_lan_ip(r)}]:{r.randrange(32768, 61000)}->[{_lan_ip(r)}]:161"


#: program -> (relative frequency, has a stable daemon pid, body maker)
_NOISE = (
    ("sshd", 18, False, _sshd),
    ("CRON", 10, False, _cron),
    ("systemd", 10, True, _systemd),
    ("systemd-logind", 4, True, _logind),
    ("kernel", 12, None, _kernel),
    ("dhclient", 3, True, _dhclient),
    ("postfix", 8, False, None),
    ("nginx", 20, None, _nginx),
    ("chronyd", 2, True, _chronyd),
    ("haproxy", 3, True, _haproxy),
    ("sudo", 3, None, _sudo),
    ("snmpd", 6, True, _snmpd),
)


def build_noise_pool(hosts: list[str], size: int, seed: int) -> tuple[list[str], np.ndarray]:
    """Pre-render `size` other-daemon lines ("host prog[pid]: msg") to pick from later.

    Returns the pool and a boolean mask of entries carrying a nginx access-log time
    placeholder ("\\x00") to fill per line.
    """
    r = random.Random(seed * 7919 + 17)
    weights = [n[1] for n in _NOISE]
    daemon_pids: dict[tuple[str, str], int] = {}
    pool: list[str] = []
    for _ in range(size):
        host = r.choice(hosts)
        prog, _, stable, make = r.choices(_NOISE, weights)[0]
        if prog == "postfix":
            prog, body = _postfix(r)
            stable = prog == "postfix/qmgr"
        else:
            body = make(r)
        if prog == "systemd" and r.random() < 0.8:
            ident = "systemd[1]"
        elif stable is None:
            ident = prog  # kernel, nginx, sudo log without a pid
        elif stable:
            ident = f"{prog}[{daemon_pids.setdefault((host, prog), r.randrange(300, 4000))}]"
        else:
            ident = f"{prog}[{r.randrange(1000, 4_000_000)}]"
        pool.append(f"{host} {ident}: {body}")
    mask = np.fromiter(("\x00" in p for p in pool), dtype=bool, count=len(pool))
    return pool, mask


# -----------------------------------------------------------------------------
# timestamps and the merged stream
# -----------------------------------------------------------------------------


class Clock:
    """Per-second timestamp strings for offsets from `start`, built a day at a time.

    `table` holds the RFC 3164 header stamps (`Aug  5 15:21:35`, day space-padded),
    `nginx` the access-log stamps (`05/Aug/2024:15:21:35 +0000`) of the same seconds.
    """

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._hms = [
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        ]
        self.table: list[str] = []
        self.nginx: list[str] = []

    def upto(self, sec: int) -> list[str]:
        """Make sure offsets 0..sec are rendered; returns the syslog table."""
        while len(self.table) <= sec:
            base = self.start + timedelta(seconds=len(self.table))
            first = base.hour * 3600 + base.minute * 60 + base.second
            mon = MONTHS[base.month - 1]
            day = f"{mon} {base.day:2d} "
            ngx = f"{base.day:02d}/{mon}/{base.year}:"
            self.table.extend(day + hms for hms in self._hms[first:])
            self.nginx.extend(ngx + hms + " +0000" for hms in self._hms[first:])
        return self.table


@dataclass(frozen=True)
class Config:
    """What to generate; the defaults give one day of a busy central syslog."""

    lines: int = 100_000
    keepalived_share: float = 0.01
    seed: int = 1
    start: datetime = datetime(2024, 8, 25)
    span_hours: float = 24.0
    clusters: int = 0  # 0 = automatic from the number of keepalived lines
    families: tuple[str, ...] = FAMILIES
    pool_size: int = 100_000
    batch: int = 100_000

    @property
    def keepalived_lines(self) -> int:
        return round(self.lines * self.keepalived_share)

    @property
    def n_clusters(self) -> int:
        if self.clusters:
            return self.clusters
        # keep each cluster under ~1 line per 10 s so incidents never run out of day,
        # and have at least one pair per version profile
        cap = max(1.0, self.span_hours * 3600 / 10)
        return max(len(self.families), math.ceil(self.keepalived_lines / cap))


def keepalived_stream(cfg: Config) -> tuple[Iterator[tuple[float, str]], list[Cluster]]:
    """All clusters' lines merged in time order: exactly cfg.keepalived_lines of them."""
    k, n = cfg.keepalived_lines, cfg.n_clusters
    span = cfg.span_hours * 3600
    fams = list(cfg.families)
    random.Random(cfg.seed).shuffle(fams)
    clusters = [Cluster(c, fams[c % len(fams)], cfg.seed) for c in range(n)]
    setup = random.Random(cfg.seed * 31 + 5)
    streams = []
    for c, cl in enumerate(clusters):
        quota = k // n + (1 if c < k % n else 0)
        if quota:
            t0 = setup.uniform(0, min(span * 0.05, 600))
            streams.append(cl.stream(t0, span, quota))
    return heapq.merge(*streams, key=lambda e: e[0]), clusters


def iter_chunks(cfg: Config) -> Iterator[str]:
    """The whole log as newline-terminated text chunks of about cfg.batch lines each."""
    if not 0.0 <= cfg.keepalived_share <= 1.0:
        raise ValueError("keepalived share must be within [0, 1]")
    span = cfg.span_hours * 3600
    clock = Clock(cfg.start)
    ka, clusters = keepalived_stream(cfg)
    noise_total = cfg.lines - cfg.keepalived_lines
    if noise_total == 0:
        batch: list[str] = []
        for t, text in ka:
            table = clock.upto(int(t))
            batch.append(f"{table[int(t)]} {text}")
            if len(batch) >= cfg.batch:
                yield "\n".join(batch) + "\n"
                batch = []
        if batch:
            yield "\n".join(batch) + "\n"
        return
    hosts = [h.name for cl in clusters for h in cl.hosts]
    r = random.Random(cfg.seed * 13 + 3)
    extra = max(8, len(hosts) // 2)
    kinds = ("web", "app", "db", "cache", "mail", "mon", "k8s-node", "ci")
    hosts += [f"{r.choice(kinds)}{i + 1:02d}" for i in range(extra)]
    pool, is_nginx = build_noise_pool(hosts, cfg.pool_size, cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    n_chunks = math.ceil(noise_total / cfg.batch)
    pending = next(ka, None)
    for j in range(n_chunks):
        first = j * cfg.batch
        n = min(cfg.batch, noise_total - first)
        lo, hi = span * first / noise_total, span * (first + n) / noise_total
        times = np.sort(rng.uniform(lo, hi, n))
        secs = times.astype(np.int64)
        idx = rng.integers(0, len(pool), n)
        ka_t: list[float] = []
        ka_lines: list[str] = []
        last = j == n_chunks - 1
        while pending is not None and (last or pending[0] < hi):
            ka_t.append(pending[0])
            ka_lines.append(pending[1])
            pending = next(ka, None)
        table = clock.upto(int(max(hi, ka_t[-1] if ka_t else 0.0)) + 1)
        ngx = clock.nginx
        noise = [table[s] + " " + pool[i] for s, i in zip(secs.tolist(), idx.tolist(), strict=True)]
        for k in np.flatnonzero(is_nginx[idx]).tolist():
            pre, post = pool[idx[k]].split("\x00")
            s = int(secs[k])
            noise[k] = f"{table[s]} {pre}{ngx[s]}{post}"
        if not ka_t:
            yield "\n".join(noise) + "\n"
            continue
        pos = np.searchsorted(times, np.asarray(ka_t), side="right").tolist()
        out: list[str] = []
        prev = 0
        for p, t, text in zip(pos, ka_t, ka_lines, strict=True):
            if p > prev:
                out.extend(noise[prev:p])
                prev = p
            out.append(f"{table[int(t)]} {text}")
        out.extend(noise[prev:])
        yield "\n".join(out) + "\n"


def generate(cfg: Config, out: TextIO) -> int:
    """Write the log to `out`; returns the number of bytes written."""
    written = 0
    for chunk in iter_chunks(cfg):
        out.write(chunk)
        written += len(chunk)
    return written


def wordings_table() -> list[tuple[str, str, str, str]]:
    """(key, families, TSV template, TSV versions) of every wording, for docs and tests."""
    return [(w.key, ",".join(w.families), w.tsv_template, w.tsv_versions) for w in WORDINGS]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Generate a deterministic RFC 3164 syslog with a share of coherent "
        "keepalived lines (1.2.13, 1.3.5, 1.4.5 and 2.2.8 wordings).",
    )
    p.add_argument("--lines", type=int, default=100_000, help="total lines (default 100000)")
    p.add_argument(
        "--keepalived-share",
        type=float,
        default=0.01,
        help="fraction of keepalived lines, 0..1 (default 0.01; 1.0 = dense)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("-o", "--output", default="-", help="output file ('-' = stdout)")
    p.add_argument(
        "--start",
        default="2024-08-25T00:00:00",
        help="first timestamp, ISO format (the year is not written, RFC 3164)",
    )
    p.add_argument("--span-hours", type=float, default=24.0)
    p.add_argument(
        "--year-boundary",
        action="store_true",
        help="centre the span on New Year's Eve midnight of --start's year "
        "(Dec 31 -> Jan  1 inside the log)",
    )
    p.add_argument(
        "--clusters",
        type=int,
        default=0,
        help="keepalived host pairs (default: automatic, ~1 line/10 s each)",
    )
    p.add_argument(
        "--versions",
        default=",".join(PROFILES[f][0] for f in FAMILIES),
        help="keepalived versions to mix, among " + ", ".join(PROFILES[f][0] for f in FAMILIES),
    )
    p.add_argument("--batch", type=int, default=100_000, help="lines per write")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    a = _parse_args(argv)
    start = datetime.fromisoformat(a.start)
    if a.year_boundary:
        start = datetime(start.year, 12, 31, 12) + timedelta(hours=12 - a.span_hours / 2)
    by_version = {PROFILES[f][0]: f for f in FAMILIES}
    try:
        families = tuple(by_version[v.strip()] for v in a.versions.split(","))
    except KeyError as exc:
        print(f"unknown version {exc}; choose among {', '.join(by_version)}", file=sys.stderr)
        return 2
    cfg = Config(
        lines=a.lines,
        keepalived_share=a.keepalived_share,
        seed=a.seed,
        start=start,
        span_hours=a.span_hours,
        clusters=a.clusters,
        families=families,
        batch=a.batch,
    )
    t0 = time.perf_counter()
    if a.output == "-":
        size = generate(cfg, sys.stdout)
    else:
        Path(a.output).parent.mkdir(parents=True, exist_ok=True)
        with open(a.output, "w", encoding="utf-8", newline="\n") as fh:
            size = generate(cfg, fh)
    dt = time.perf_counter() - t0
    print(
        f"wrote {cfg.lines} lines ({cfg.keepalived_lines} keepalived, "
        f"{cfg.n_clusters} host pairs), {size / 1e6:.1f} MB in {dt:.1f} s "
        f"({cfg.lines / max(dt, 1e-9) / 1e6:.2f} M lines/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
