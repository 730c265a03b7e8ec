"""Check the replay model against what real keepalived logged and dumped.

Used on the committed lab captures (tests/test_model_lab.py, no root needed)
and on fresh lab runs (tests/lab/test_lab.py, root + keepalived), so the model
is held to real keepalived 2.2.7 every time CI runs the lab.  Three checks,
as issue 3 asks:

1. the replayed states follow the logged state lines exactly (every
   `Entering X STATE`, in order, at the logged time);
2. with every "Changing effective priority" line removed and the configs
   given, the inferred effective priority equals what keepalived logged at
   every change;
3. the SIGUSR1 data dumps (state and effective priority per instance) agree
   with the timeline at the moment the dump was requested.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

import kalog
from kalog.model import Timeline, replay

_DUMP_INSTANCE = re.compile(r"^\s*VRRP Instance = (\S+)\s*$")
_DUMP_STATE = re.compile(r"^\s*State = (\S+)\s*$")
_DUMP_EFFECTIVE = re.compile(r"^\s*Effective priority = (\d+)\s*$")


class LabCapture:
    """One scenario directory as the model tests need it."""

    def __init__(self, directory: Path) -> None:
        self.dir = Path(directory)
        self.meta: dict[str, Any] = json.loads((self.dir / "scenario.json").read_text())
        self.hosts = list(self.meta["hosts"])
        self.logs = [self.dir / self.meta["hosts"][h]["log"] for h in self.hosts]
        self.configs = {
            host: [self.dir / name for name in self.meta["hosts"][host]["configs"]]
            for host in self.hosts
        }

    def events(self) -> pd.DataFrame:
        return kalog.read_events(self.logs)

    def replay(self, events: pd.DataFrame | None = None) -> Timeline:
        frame = self.events() if events is None else events
        return replay(frame, configs=self.configs)

    def dumps(self) -> list[tuple[str, pd.Timestamp, dict[str, tuple[str, int]]]]:
        """(host, time requested, {instance: (state, effective priority)}) per dump."""
        result = []
        for action in self.meta["actions"]:
            if action["action"] != "dump":
                continue
            name = action["detail"].split("->")[-1].strip()
            path = self.dir / name
            if not path.is_file():
                continue
            result.append((action["host"], pd.Timestamp(action["time"]), parse_dump(path)))
        return result


def parse_dump(path: Path) -> dict[str, tuple[str, int]]:
    """keepalived 2.2.7's /tmp/keepalived.data: instance -> (State, Effective priority)."""
    found: dict[str, tuple[str, int]] = {}
    instance = state = None
    for line in path.read_text(errors="replace").splitlines():
        if match := _DUMP_INSTANCE.match(line):
            instance, state = match.group(1), None
        elif instance and (match := _DUMP_STATE.match(line)):
            state = match.group(1)
        elif instance and state and (match := _DUMP_EFFECTIVE.match(line)):
            found[instance] = (state, int(match.group(1)))
            instance = state = None
    return found


def logged_states(events: pd.DataFrame, host: str, instance: str) -> list[tuple[pd.Timestamp, str]]:
    """(time, state) of every state line keepalived wrote for the instance."""
    rows = events[(events["host"] == host) & (events["instance"] == instance)]
    result = []
    for row in rows.itertuples(index=False):
        kind = str(row.kind)
        if kind == "enter_state" and not pd.isna(row.state):
            result.append((row.ts, str(row.state)))
        elif kind in {"fault_cause", "no_peers_fault"}:
            result.append((row.ts, "FAULT"))
        elif kind == "transition_master":
            result.append((row.ts, "GOTO_MASTER"))
    return result


def _collapse(items: list[tuple[pd.Timestamp, str]]) -> list[tuple[pd.Timestamp, str]]:
    out: list[tuple[pd.Timestamp, str]] = []
    for ts, state in items:
        if not out or out[-1][1] != state:
            out.append((ts, state))
    return out


def check_states(capture: LabCapture) -> None:
    events = capture.events()
    timeline = capture.replay(events)
    for item in timeline.instances:
        logged = _collapse(logged_states(events, item.host, item.instance))
        modelled = _collapse(
            [(s.start, s.state) for s in item.segments if s.state not in {"INIT", "STOPPED"}]
        )
        assert modelled == logged, (capture.dir.name, item.host, item.instance)
        assert item.segments[0].state == "INIT"
        stops = events[(events["host"] == item.host) & (events["kind"].astype(str) == "stopping")]
        if not stops.empty:
            assert item.segments[-1].state == "STOPPED"
            assert item.segments[-1].start == stops["ts"].iloc[-1]


def check_inferred_priorities(capture: LabCapture) -> int:
    """Remove every priority line, replay with configs, compare; returns the count."""
    events = capture.events()
    changes = events[events["kind"].astype(str) == "priority_change"]
    stripped = events.drop(index=changes.index)
    timeline = capture.replay(stripped)
    for row in changes.itertuples(index=False):
        item = timeline.get(str(row.host), str(row.instance))
        assert item is not None, (capture.dir.name, row.host, row.instance)
        segment = item.at(row.ts)
        assert segment is not None
        assert (segment.priority, segment.basis) == (int(row.prio_new), "inferred"), (
            capture.dir.name,
            row.host,
            row.line,
        )
    return len(changes)


def check_dumps(capture: LabCapture) -> int:
    """Each dump's state and effective priority equal the timeline's; returns the count."""
    timeline = capture.replay()
    checked = 0
    for host, when, instances in capture.dumps():
        for instance, (state, priority) in instances.items():
            item = timeline.get(host, instance)
            assert item is not None, (capture.dir.name, host, instance)
            segment = item.at(when)
            assert segment is not None
            assert (segment.state, segment.priority) == (state, priority), (
                capture.dir.name,
                host,
                str(when),
            )
            checked += 1
    return checked
