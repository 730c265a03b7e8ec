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
    r"(?P<tag>Keepalived(?:_vrrp)?)\[(?P<pid>\d+)\]: (?P<msg>.*)$"
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


# ---------------------------------------------------------------------------- scenarios
def check_seed_ex1(cap: Capture) -> None:
    a, b = "node-a", "node-b"
    a_backup = held_start(cap, a, 99)
    assert cap.state_names(a) == ["BACKUP", "MASTER", "BACKUP"], cap.states(a)
    took_over_by_timeout(cap, a, a_backup, 102)

    b_backup = held_start(cap, b, 100)
    assert b_backup.time > cap.action("start", b)
    assert cap.state_names(b) == ["BACKUP", "MASTER"], cap.states(b)
    discards = cap.find(
        b, rf"^\(vi_1\) received lower priority \(102\) advert from {addr(cap, a)} - discarding$"
    )
    assert len(discards) >= 2, discards
    b_master = took_over_by_timeout(cap, b, b_backup, 103)
    assert all(d.time < b_master.time for d in discards)

    higher = cap.first(
        a,
        rf"^\(vi_1\) Master received advert from {addr(cap, b)} with higher priority 103, "
        r"ours 102$",
        after=b_master.time - 0.05,
    )
    assert cap.next_line(higher).msg == "(vi_1) Entering BACKUP STATE"
    close(higher.time - b_master.time, 0.0, "old master steps down", tol=0.2)

    first, second = cap.dump("node-a.data.1"), cap.dump("node-a.data.2")
    assert (first["State"], first["Effective priority"]) == ("MASTER", "102"), first
    assert (second["State"], second["Master priority"]) == ("BACKUP", "103"), second
    b_dump = cap.dump("node-b.data.1")
    assert (b_dump["State"], b_dump["Effective priority"], b_dump["Priority"]) == (
        "MASTER",
        "103",
        "100",
    ), b_dump


CHECKS: dict[str, Callable[[Capture], None]] = {
    "seed-ex1": check_seed_ex1,
}
