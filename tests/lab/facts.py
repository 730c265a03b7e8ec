"""Exact facts each lab scenario must show, checked with plain regexes on its capture.

Why a separate module: the same checks run on a fresh lab run (tests/lab/test_lab.py, needs
root) and on the committed captures (tests/test_lab_captures.py, needs nothing), so a
committed sample can never silently disagree with what keepalived does. Deliberately
independent of kalog's own parser, which is what these captures are meant to test.

Timing facts use keepalived 2.2.7's timers with advert_int 1 and VRRPv2:
master-down = 3 * 1 s + skew, skew = (256 - effective priority) / 256 s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

LINE_RE = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d) (?P<host>\S+) "
    r"(?P<tag>Keepalived(?:_vrrp|_healthcheckers|_bfd)?)\[(?P<pid>\d+)\]: (?P<msg>.*)$"
)
STATE_RE = re.compile(r"^\(vi_1\) Entering (MASTER|BACKUP|FAULT) STATE( \(init\))?$")
TIMING_TOLERANCE = 0.25  # seconds; keepalived's timers are ms-precise, CI is not


def master_down(priority: int) -> float:
    """VRRPv2 master-down interval with advert_int 1 (keepalived 2.2.7)."""
    return 3.0 + (256 - priority) / 256


def skew(priority: int) -> float:
    return (256 - priority) / 256


@dataclass(frozen=True)
class Line:
    """One syslog line of a capture, split with a plain regex."""

    time: float
    host: str
    tag: str
    pid: int
    msg: str
    index: int


class Capture:
    """A scenario capture directory: scenario.json, <host>.log, <host>.conf, dumps."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.meta: dict[str, Any] = json.loads((self.dir / "scenario.json").read_text())
        self.hosts: list[str] = list(self.meta["hosts"])
        self._lines: dict[str, list[Line]] = {}
        self.unparsed: dict[str, list[str]] = {}
        for host in self.hosts:
            parsed, bad = [], []
            text = (self.dir / f"{host}.log").read_text(errors="replace")
            for raw in text.splitlines():
                match = LINE_RE.match(raw)
                if not match:
                    bad.append(raw)
                    continue
                parsed.append(
                    Line(
                        datetime.fromisoformat(match["ts"]).timestamp(),
                        match["host"],
                        match["tag"],
                        int(match["pid"]),
                        match["msg"],
                        len(parsed),
                    )
                )
            self._lines[host] = parsed
            self.unparsed[host] = bad
        end = [a["epoch"] for a in self.meta["actions"] if "end of scenario" in a["detail"]]
        self.end = min(end) if end else float("inf")

    @property
    def name(self) -> str:
        return self.meta["scenario"]

    def lines(self, host: str, *, until_end: bool = True) -> list[Line]:
        """A host's lines, by default only those before the driver's final stop."""
        lines = self._lines[host]
        return [ln for ln in lines if ln.time < self.end] if until_end else lines

    def find(self, host: str, pattern: str, *, after: float = 0.0, until_end: bool = True):
        regex = re.compile(pattern)
        return [
            ln
            for ln in self.lines(host, until_end=until_end)
            if ln.time >= after and regex.search(ln.msg)
        ]

    def first(self, host: str, pattern: str, *, after: float = 0.0) -> Line:
        found = self.find(host, pattern, after=after)
        assert found, f"{self.name}/{host}: no line matching {pattern!r} after {after:.6f}"
        return found[0]

    def none(self, host: str, pattern: str, *, after: float = 0.0, before: float | None = None):
        found = [
            ln for ln in self.find(host, pattern, after=after) if before is None or ln.time < before
        ]
        assert not found, f"{self.name}/{host}: unexpected {found[0].msg!r}"

    def states(self, host: str, *, after: float = 0.0) -> list[tuple[float, str]]:
        """(time, state) of every 'Entering X STATE' line; '(init)' kept in the name."""
        out = []
        for ln in self.lines(host):
            match = STATE_RE.match(ln.msg)
            if match and ln.time >= after:
                out.append((ln.time, match[1] + (" (init)" if match[2] else "")))
        return out

    def state_names(self, host: str, *, after: float = 0.0) -> list[str]:
        return [s for _, s in self.states(host, after=after)]

    def action(self, action: str, host: str | None = None, nth: int = 0) -> float:
        found = [
            a["epoch"]
            for a in self.meta["actions"]
            if a["action"] == action
            and (host is None or a["host"] == host)
            and "end of scenario" not in a["detail"]
        ]
        assert len(found) > nth, f"{self.name}: no action #{nth} {action!r} on {host}"
        return found[nth]

    def next_line(self, line: Line) -> Line:
        """The next line of the same process (parent and VRRP child interleave)."""
        for ln in self._lines[line.host][line.index + 1 :]:
            if ln.pid == line.pid:
                return ln
        raise AssertionError(f"{self.name}/{line.host}: nothing after {line.msg!r}")

    def dump(self, name: str) -> dict[str, str]:
        """The vi_1 block of a SIGUSR1 data dump as 'Key' -> 'value'."""
        fields: dict[str, str] = {}
        inside = False
        for raw in (self.dir / name).read_text().splitlines():
            if raw.startswith(" VRRP Instance = "):
                inside = raw.split("=", 1)[1].strip() == "vi_1"
                continue
            if raw.startswith("------<"):
                inside = False
            if inside and raw.startswith("   ") and not raw.startswith("    ") and " = " in raw:
                key, value = raw.strip().split(" = ", 1)
                fields.setdefault(key, value)
        assert fields, f"{self.name}: no vi_1 block in {name}"
        return fields


def close(actual: float, expected: float, what: str, tol: float = TIMING_TOLERANCE) -> None:
    assert abs(actual - expected) <= tol, f"{what}: {actual:.3f}s, expected {expected:.3f}s"


def addr(cap: Capture, host: str) -> str:
    return cap.meta["hosts"][host]["address"].split("/")[0]


# ---------------------------------------------------------------------------- shared facts
def held_start(cap: Capture, host: str, base: int) -> Line:
    """2.2.7 with a weight-0 script: no '(init)'; BACKUP follows zero's first success.

    The three scripts are forked together, so pos/zero/nag report in any order; what is
    fixed is that 'Entering BACKUP STATE' is the line right after 'VRRP_Script(zero)
    succeeded' and 'Changing effective priority' the line right after pos's success.
    Returns the 'Entering BACKUP STATE' line.
    """
    cap.none(host, r"Entering BACKUP STATE \(init\)")
    zero = cap.first(host, r"^VRRP_Script\(zero\) succeeded$")
    entered = cap.next_line(zero)
    assert entered.msg == "(vi_1) Entering BACKUP STATE", entered.msg
    pos = cap.first(host, r"^VRRP_Script\(pos\) succeeded$")
    change = cap.next_line(pos)
    assert change.msg == f"(vi_1) Changing effective priority from {base} to {base + 3}", change.msg
    cap.first(host, r"^VRRP_Script\(nag\) succeeded$")
    cap.none(host, r"VRRP_Script\(\w+\) failed")
    return entered


def took_over_by_timeout(cap: Capture, host: str, since: Line, priority: int) -> Line:
    """BACKUP -> MASTER after a full master-down interval counted from `since`."""
    timeout = cap.first(host, r"^\(vi_1\) Receive advertisement timeout$", after=since.time)
    master = cap.next_line(timeout)
    assert master.msg == "(vi_1) Entering MASTER STATE", master.msg
    close(master.time - since.time, master_down(priority), f"{host} master-down")
    return master


def steps_down(cap: Capture, host: str, winner: str, theirs: int, ours: int, at: float) -> Line:
    """A MASTER hears a higher-priority advert and enters BACKUP, right when `at` happens."""
    line = cap.first(
        host,
        rf"^\(vi_1\) Master received advert from {addr(cap, winner)} with higher priority "
        rf"{theirs}, ours {ours}$",
        after=at - 0.05,
    )
    assert cap.next_line(line).msg == "(vi_1) Entering BACKUP STATE"
    close(line.time - at, 0.0, f"{host} steps down", tol=0.2)
    return line


def discards(cap: Capture, host: str, sender: str, priority: int, after: float) -> list[Line]:
    """BACKUP with preemption: each lower-priority advert is logged and ignored (2.x)."""
    return cap.find(
        host,
        rf"^\(vi_1\) received lower priority \({priority}\) advert from "
        rf"{addr(cap, sender)} - discarding$",
        after=after,
    )


def preempts(cap: Capture, host: str, sender: str, lower: int, ours: int, after: float) -> Line:
    """2.x preemption: discard lower adverts, MASTER when the master-down timer expires.

    The timer runs from the last *accepted* advert, one advert interval before the first
    discarded one, so MASTER comes master_down(ours) - 1 s after the first discard.
    """
    found = discards(cap, host, sender, lower, after)
    assert len(found) >= 2, f"{host}: {len(found)} discards of ({lower})"
    timeout = cap.first(host, r"^\(vi_1\) Receive advertisement timeout$", after=found[0].time)
    master = cap.next_line(timeout)
    assert master.msg == "(vi_1) Entering MASTER STATE", master.msg
    assert all(d.time < master.time for d in found if d.time < timeout.time + 0.5)
    close(master.time - found[0].time, master_down(ours) - 1.0, f"{host} preemption")
    return master


def dump_is(cap: Capture, name: str, **want: str) -> None:
    """Compare fields of a SIGUSR1 dump; keys use _ for spaces (Effective_priority=...)."""
    fields = cap.dump(name)
    got = {k: fields.get(k.replace("_", " ")) for k in want}
    assert got == want, f"{cap.name}/{name}: {got} != {want}"


def stop_sends_priority_0(cap: Capture, host: str, nth: int = 0) -> Line:
    """SIGTERM on a MASTER: parent 'Stopping', child '(vi_1) sent 0 priority' at once."""
    at = cap.action("stop", host, nth)
    stopping = cap.first(host, r"^Stopping$", after=at)
    sent = cap.first(host, r"^\(vi_1\) sent 0 priority$", after=at)
    close(stopping.time - at, 0.0, f"{host} Stopping", tol=0.2)
    close(sent.time - stopping.time, 0.0, f"{host} sent 0 priority", tol=0.1)
    return sent


# ---------------------------------------------------------------------------- scenarios
def check_seed_ex1(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    a_backup = held_start(cap, a, 99)
    assert cap.state_names(a) == ["BACKUP", "MASTER", "BACKUP"], cap.states(a)
    took_over_by_timeout(cap, a, a_backup, 102)

    b_backup = held_start(cap, b, 100)
    assert b_backup.time > cap.action("start", b)
    assert cap.state_names(b) == ["BACKUP", "MASTER"], cap.states(b)
    lower = discards(cap, b, a, 102, b_backup.time)
    assert len(lower) >= 2, lower
    b_master = took_over_by_timeout(cap, b, b_backup, 103)
    assert all(d.time < b_master.time for d in lower)
    steps_down(cap, a, b, 103, 102, b_master.time)
    dump_is(cap, "node-a.data.1", State="MASTER", Effective_priority="102")
    dump_is(cap, "node-a.data.2", State="BACKUP", Master_priority="103")
    dump_is(cap, "node-b.data.1", State="MASTER", Priority="100", Effective_priority="103")


def check_seed_ex2(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    b_backup = held_start(cap, b, 99)
    assert cap.state_names(b) == ["BACKUP", "MASTER", "BACKUP"], cap.states(b)
    took_over_by_timeout(cap, b, b_backup, 102)
    a_backup = held_start(cap, a, 100)
    assert a_backup.time > cap.action("start", a)
    assert cap.state_names(a) == ["BACKUP", "MASTER"], cap.states(a)
    assert len(discards(cap, a, b, 102, a_backup.time)) >= 2
    a_master = took_over_by_timeout(cap, a, a_backup, 103)
    steps_down(cap, b, a, 103, 102, a_master.time)
    dump_is(cap, "node-b.data.1", State="MASTER", Priority="99", Effective_priority="102")
    dump_is(cap, "node-a.data.1", State="MASTER", Priority="100", Effective_priority="103")
    dump_is(cap, "node-b.data.2", State="BACKUP", Effective_priority="102", Master_priority="103")


def weighted_only_start(cap: Capture, host: str, base: int) -> Line:
    """No weight-0 script: '(init)' first, the +3 after it; returns the init line."""
    init = cap.first(host, r"^\(vi_1\) Entering BACKUP STATE \(init\)$")
    pos = cap.first(host, r"^VRRP_Script\(pos\) succeeded$")
    assert init.time <= pos.time and init.index < pos.index
    change = cap.next_line(pos)
    assert change.msg == f"(vi_1) Changing effective priority from {base} to {base + 3}"
    cap.none(host, r"VRRP_Script\(zero\)")
    return init


def check_seed_ex1_weighted_only(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    a_init = weighted_only_start(cap, a, 99)
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(a)
    took_over_by_timeout(cap, a, a_init, 102)
    b_init = weighted_only_start(cap, b, 100)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER"], cap.states(b)
    assert len(discards(cap, b, a, 102, b_init.time)) >= 2
    # state MASTER gets no fast start: the full master-down interval from '(init)'.
    b_master = took_over_by_timeout(cap, b, b_init, 103)
    steps_down(cap, a, b, 103, 102, b_master.time)
    dump_is(cap, "node-a.data.1", State="BACKUP", Effective_priority="102", Master_priority="103")
    dump_is(cap, "node-b.data.1", State="MASTER", Priority="100", Effective_priority="103")


def started_alone(cap: Capture, host: str, priority: int) -> Line:
    """A lone instance (state MASTER or BACKUP alike): '(init)', MASTER after master-down."""
    init = cap.first(host, r"^\(vi_1\) Entering BACKUP STATE \(init\)$")
    return took_over_by_timeout(cap, host, init, priority)


def check_script_failover(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER", "BACKUP", "MASTER"], cap.states(a)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(b)
    started_alone(cap, a, 100)
    failing = cap.action("create flag", a)
    now1 = cap.first(a, r"^Script `chk` now returning 1$", after=failing)
    assert now1.time - failing <= 1.5
    failed = cap.next_line(now1)
    assert failed.msg == "VRRP_Script(chk) failed (exited with status 1)", failed.msg
    assert cap.next_line(failed).msg == "(vi_1) Changing effective priority from 100 to 80"
    b_master = preempts(cap, b, a, 80, 90, failing)
    steps_down(cap, a, b, 90, 80, b_master.time)

    healed = cap.action("remove flag", a)
    now0 = cap.first(a, r"^Script `chk` now returning 0$", after=healed)
    assert now0.time - healed <= 1.5
    ok = cap.next_line(now0)
    assert ok.msg == "VRRP_Script(chk) succeeded", ok.msg
    assert cap.next_line(ok).msg == "(vi_1) Changing effective priority from 80 to 100"
    a_master = preempts(cap, a, b, 90, 100, healed)
    steps_down(cap, b, a, 100, 90, a_master.time)
    dump_is(cap, "node-a.data.1", State="MASTER", Effective_priority="100")
    dump_is(
        cap,
        "node-a.data.2",
        State="BACKUP",
        Priority="100",
        Effective_priority="80",
        Master_priority="90",
    )
    dump_is(cap, "node-b.data.1", State="MASTER", Effective_priority="90")
    dump_is(cap, "node-a.data.3", State="MASTER", Effective_priority="100")
    dump_is(cap, "node-b.data.2", State="BACKUP", Master_priority="100")


def check_interface_fault(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER", "FAULT", "BACKUP", "MASTER"], (
        cap.states(a)
    )
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(b)
    started_alone(cap, a, 100)
    down = cap.action("interface down", a)
    reported = cap.first(a, r"^Netlink reports eth0 down$", after=down)
    close(reported.time - down, 0.0, "netlink down", tol=0.2)
    fault = cap.next_line(reported)
    assert fault.msg == "(vi_1) Entering FAULT STATE"
    assert cap.next_line(fault).msg == "(vi_1) sent 0 priority"
    # The priority-0 advert cannot leave a downed interface: B waits a full master-down.
    up = cap.action("interface up", a)
    cap.none(b, r"priority 0", before=up)
    timeout = cap.first(b, r"^\(vi_1\) Receive advertisement timeout$", after=down)
    b_master = cap.next_line(timeout)
    assert b_master.msg == "(vi_1) Entering MASTER STATE"
    waited = b_master.time - fault.time
    assert master_down(90) - 1 - TIMING_TOLERANCE <= waited <= master_down(90) + 0.1, waited
    back = cap.first(a, r"^Netlink reports eth0 up$", after=up)
    a_backup = cap.next_line(back)
    assert a_backup.msg == "(vi_1) Entering BACKUP STATE"
    assert len(discards(cap, a, b, 90, up)) >= 2
    a_master = took_over_by_timeout(cap, a, a_backup, 100)
    steps_down(cap, b, a, 100, 90, a_master.time)
    dump_is(cap, "node-a.data.1", State="FAULT", Number_of_interface_and_track_script_faults="1")
    dump_is(cap, "node-b.data.1", State="MASTER")
    dump_is(cap, "node-a.data.2", State="MASTER")


def check_split_brain(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER"], cap.states(a)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(b)
    a_master = started_alone(cap, a, 100)
    cut, restore = cap.action("cut link", b), cap.action("restore link", b)
    assert a_master.time < cut
    timeout = cap.first(b, r"^\(vi_1\) Receive advertisement timeout$", after=cut)
    b_master = cap.next_line(timeout)
    assert b_master.msg == "(vi_1) Entering MASTER STATE"
    assert master_down(90) - 1 - TIMING_TOLERANCE <= b_master.time - cut <= master_down(90) + 0.1
    assert b_master.time < restore  # both MASTER while the link is cut
    cap.none(b, r"Netlink reports|FAULT")
    forcing = cap.first(
        a,
        rf"^\(vi_1\) Received advert from {addr(cap, b)} with lower priority 90, ours 100, "
        r"forcing new election$",
        after=restore,
    )
    assert forcing.time - restore <= 1.5
    steps_down(cap, b, a, 100, 90, forcing.time)
    dump_is(cap, "node-a.data.1", State="MASTER")
    dump_is(cap, "node-b.data.1", State="MASTER")
    dump_is(cap, "node-b.data.2", State="BACKUP", Master_priority="100")


def check_nopreempt(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER"], cap.states(a)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER"], cap.states(b)
    started_alone(cap, a, 90)
    stop = cap.action("stop", a)
    b_init = cap.first(b, r"^\(vi_1\) Entering BACKUP STATE \(init\)$")
    assert stop - b_init.time >= 8  # a long time as the higher-priority BACKUP
    cap.none(b, r"received lower priority|Receive advertisement timeout", before=stop)
    sent = stop_sends_priority_0(cap, a)
    zero = cap.first(b, r"^\(vi_1\) Backup received priority 0 advertisement$", after=stop)
    timeout = cap.next_line(zero)
    assert timeout.msg == "(vi_1) Receive advertisement timeout"
    master = cap.next_line(timeout)
    assert master.msg == "(vi_1) Entering MASTER STATE"
    close(master.time - sent.time, skew(100), "nopreempt backup after priority 0")
    dump_is(
        cap,
        "node-b.data.1",
        State="BACKUP",
        Priority="100",
        Preempt="disabled",
        Master_priority="90",
    )


def check_graceful_stop(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER", "BACKUP (init)", "MASTER"], cap.states(
        a
    )
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(b)
    started_alone(cap, a, 100)
    sent = stop_sends_priority_0(cap, a)
    # Timestamps are rsyslog's receive times: the peer may log before the sender does.
    zero = cap.first(
        b, r"^\(vi_1\) Backup received priority 0 advertisement$", after=sent.time - 0.05
    )
    timeout = cap.next_line(zero)
    assert timeout.msg == "(vi_1) Receive advertisement timeout"
    b_master = cap.next_line(timeout)
    assert b_master.msg == "(vi_1) Entering MASTER STATE"
    assert b_master.time - zero.time <= 1.5
    close(b_master.time - sent.time, skew(90), "takeover after priority 0")
    restart = cap.action("start", a, 1)
    starts = cap.find(a, r"^Starting Keepalived v2\.2\.7 ")
    assert len(starts) == 2 and starts[0].pid != starts[1].pid
    a_init = cap.first(a, r"^\(vi_1\) Entering BACKUP STATE \(init\)$", after=restart)
    assert len(discards(cap, a, b, 90, restart)) >= 2
    # Configured 'state MASTER', yet no fast start: the full master-down interval.
    a_master = took_over_by_timeout(cap, a, a_init, 100)
    steps_down(cap, b, a, 100, 90, a_master.time)
    dump_is(cap, "node-b.data.1", State="MASTER")
    dump_is(cap, "node-a.data.1", State="MASTER")
    dump_is(cap, "node-b.data.2", State="BACKUP", Master_priority="100")


def reloaded(cap: Capture, host: str, nth: int) -> float:
    """SIGHUP: parent 'Reloading ...', child 'Reloading', parent 'Reload complete'."""
    at = cap.action("reload", host, nth)
    parent = cap.first(host, r"^Reloading \.\.\.$", after=at)
    child = cap.first(host, r"^Reloading$", after=at)
    done = cap.first(host, r"^Reload complete$", after=at)
    assert parent.time <= child.time <= done.time and done.time - at <= 0.5
    return at


def check_reload_priority(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER", "BACKUP", "MASTER"], cap.states(a)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER", "BACKUP"], cap.states(b)
    confs = [(cap.dir / n).read_text() for n in ("node-a.conf", "node-a.conf.2", "node-a.conf.3")]
    assert [re.search(r"priority (\d+)", c)[1] for c in confs] == ["100", "80", "100"]
    started_alone(cap, a, 100)
    cap.none(a, r"Changing effective priority")  # a reload never logs the new priority
    first = reloaded(cap, a, 0)
    lower = discards(cap, b, a, 80, first)
    assert len(lower) >= 2 and lower[0].time - first <= 0.2
    timeout = cap.first(b, r"^\(vi_1\) Receive advertisement timeout$", after=first)
    b_master = cap.next_line(timeout)
    assert b_master.msg == "(vi_1) Entering MASTER STATE"
    close(b_master.time - first, master_down(90), "takeover after the reload")
    steps_down(cap, a, b, 90, 80, b_master.time)
    second = reloaded(cap, a, 1)
    assert len(discards(cap, a, b, 90, second)) >= 2
    timeout = cap.first(a, r"^\(vi_1\) Receive advertisement timeout$", after=second)
    a_master = cap.next_line(timeout)
    assert a_master.msg == "(vi_1) Entering MASTER STATE"
    # The reload restarts the BACKUP's master-down timer.
    close(a_master.time - second, master_down(100), "preemption after the second reload")
    steps_down(cap, b, a, 100, 90, a_master.time)
    dump_is(
        cap,
        "node-a.data.1",
        State="BACKUP",
        Priority="80",
        Effective_priority="80",
        Master_priority="90",
    )
    dump_is(cap, "node-b.data.1", State="MASTER")
    dump_is(cap, "node-a.data.2", State="MASTER", Priority="100")


def check_three_stop(cap: Capture) -> None:
    a, b, c = "node-a", "node-b", "node-c"
    assert cap.state_names(a) == ["BACKUP (init)", "MASTER"], cap.states(a)
    assert cap.state_names(b) == ["BACKUP (init)", "MASTER"], cap.states(b)
    assert cap.state_names(c) == ["BACKUP (init)"], cap.states(c)
    started_alone(cap, a, 100)
    sent = stop_sends_priority_0(cap, a)
    for host in (b, c):
        zero = cap.first(host, r"^\(vi_1\) Backup received priority 0 advertisement$")
        close(zero.time - sent.time, 0.0, f"{host} hears priority 0", tol=0.1)
    b_master = cap.first(b, r"^\(vi_1\) Entering MASTER STATE$", after=sent.time)
    close(b_master.time - sent.time, skew(90), "the 90 wins after its skew")
    assert skew(80) > skew(90)
    cap.none(c, r"Receive advertisement timeout|received lower|Entering", after=sent.time)
    dump_is(cap, "node-b.data.1", State="MASTER", Priority="90")
    dump_is(cap, "node-c.data.1", State="BACKUP", Master_router="10.1.0.2", Master_priority="90")


def check_catalogue_lines(cap: Capture) -> None:
    # node-c: a virtual server on a kernel without IPVS - the healthchecker gives up and
    # keepalived stops with a permanent error, before any VRRP line
    cap.first("node-c", r"^IPVS: Can't initialize ipvs: No such file or directory$")
    cap.first("node-c", r"^Shutting down service \[10\.1\.0\.1\]:tcp:8080 from VS")
    cap.first("node-c", r"^pid \d+ exited with permanent error FATAL\. Terminating$")
    assert cap.state_names("node-c") == []
    # node-a and node-b: the misspelt keyword, the -d dump, then the BFD session
    for host in ("node-a", "node-b"):
        cap.first(host, r"^\(Line 5\) Unknown keyword 'notification_emial'$")
        cap.first(host, r"^------< BFD Topology >------$")
    assert cap.state_names("node-a") == ["BACKUP (init)", "MASTER"]
    assert cap.state_names("node-b") == ["BACKUP (init)"]
    up = cap.first("node-a", r"^\(bfd_peer\) Entering Up state$")
    assert up.time > cap.action("start", "node-b")
    stop = cap.action("stop", "node-b")
    expired = cap.first("node-a", r"^\(bfd_peer\) Expired after 600 ms", after=stop)
    down = cap.next_line(expired)
    assert down.msg.startswith("(bfd_peer) Entering Down state (Local diagnostic - Control")
    close(down.time - stop, 0.6, "BFD down after the peer stopped (3 x 200 ms)", tol=0.5)


CHECKS: dict[str, Callable[[Capture], None]] = {
    "catalogue-lines": check_catalogue_lines,
    "seed-ex1": check_seed_ex1,
    "seed-ex2": check_seed_ex2,
    "seed-ex1-weighted-only": check_seed_ex1_weighted_only,
    "script-failover": check_script_failover,
    "interface-fault": check_interface_fault,
    "split-brain": check_split_brain,
    "nopreempt": check_nopreempt,
    "graceful-stop": check_graceful_stop,
    "reload-priority": check_reload_priority,
    "three-stop": check_three_stop,
}
