"""Captures that never met: replay each apart when the input is a collection.

When the reader kept one host name apart as several machines
(`kalog.ingest.identity`: `node-a@seed-ex1`, `node-a@seed-ex2`, ...), the
input is a collection of captures, and hosts of different captures must not
be read as one cluster: they claim the same VIP (`10.1.0.100` in every lab
scenario), their addresses repeat (10.1.0.1 is `node-a` in each), and a
takeover in one capture would be timed from a stop in the previous one.

So such an input is cut into *episodes*: hosts whose logs (first to last
line) overlap in time, transitively, are one episode; each episode is
replayed on its own (its hosts, their configs, the `--peer` ties to them) and
the timelines are put side by side.  Two boxes with one name that ran at the
same time (a pair both called `vagrant`) overlap, so they stay one episode
and are compared as the pair they are.  An input without names kept apart
is one episode, replayed as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kalog.model.timeline import Timeline, untimed_line
from kalog.model.transitions import _in_order as in_order


def episodes(events: pd.DataFrame) -> list[list[str]]:
    """The hosts of each episode, episodes by their first line (the module docstring).

    One episode (all hosts) unless `events.attrs["hosts_apart"]` names hosts
    kept apart.  Hosts without any time form one episode, after the others.
    """
    if not events.attrs.get("hosts_apart") or events.empty:
        return []
    hosts = events["host"]
    ts = events["ts"]
    timed = (hosts.notna() & ts.notna()).to_numpy(dtype=bool)
    spans = (
        pd.DataFrame({"host": hosts[timed].astype(object), "ts": ts[timed]})
        .groupby("host", sort=True)["ts"]
        .agg(["min", "max"])
        .sort_values(["min", "max"], kind="stable")
    )
    found: list[list[str]] = []
    reach: Any = None
    for host, first, last in zip(spans.index, spans["min"], spans["max"], strict=True):
        if reach is None or first > reach:
            found.append([])
            reach = last
        found[-1].append(str(host))
        reach = max(reach, last)
    untimed = sorted(
        {str(h) for h in hosts[~timed].dropna().unique()} - {h for hs in found for h in hs}
    )
    if untimed:
        found.append(untimed)
    return found


def replay_apart(
    events: pd.DataFrame,
    groups: Sequence[Sequence[str]],
    configs: Mapping[str, Any] | None,
    peers: Mapping[str, str] | None,
    replay_one: Callable[
        [pd.DataFrame, Mapping[str, Any] | None, Mapping[str, str] | None], Timeline
    ],
) -> Timeline:
    """Each episode's timeline by `replay_one(events, configs, peers)`, then all merged."""
    host_codes = events["host"].astype(object).to_numpy()
    return merged(
        [replay_one(*episode(events, hosts, configs, peers, host_codes)) for hosts in groups]
    )


def episode(
    events: pd.DataFrame,
    hosts: Sequence[str],
    configs: Mapping[str, Any] | None,
    peers: Mapping[str, str] | None,
    host_codes: np.ndarray | None = None,
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str]]:
    """One episode's rows, configs and `--peer` ties: what its replay reads.

    Apart from `replay_apart` so that episodes can be replayed in other
    processes (`kalog.fleet`) from the same inputs.
    """
    if host_codes is None:
        host_codes = events["host"].astype(object).to_numpy()
    rows = np.flatnonzero(np.isin(host_codes, list(hosts)))
    part = events.iloc[rows].reset_index(drop=True)
    part.attrs = {k: v for k, v in events.attrs.items() if k != "hosts_apart"}
    own = set(hosts)
    return (
        part,
        {h: c for h, c in (configs or {}).items() if h in own},
        {a: h for a, h in (peers or {}).items() if h in own},
    )


def merged(parts: Sequence[Timeline]) -> Timeline:
    """The timelines of separate episodes as one.

    Cluster ids met in more than one episode (each lab scenario's `vi_1`)
    become `ID@first-host` of each, so rules never compare hosts of two
    episodes.  `peers` keeps the addresses tied to one host in every episode
    that ties them (an address of several machines names none).
    """
    seen: dict[str, int] = {}
    for part in parts:
        for cluster in {item.cluster or item.instance for item in part.instances}:
            seen[cluster] = seen.get(cluster, 0) + 1
    instances = []
    for part in parts:
        members: dict[str, list[str]] = {}
        for item in part.instances:
            members.setdefault(item.cluster or item.instance, []).append(item.host)
        for item in part.instances:
            key = item.cluster or item.instance
            if seen[key] > 1:
                item.cluster = f"{key}@{min(members[key])}"
            instances.append(item)
    instances.sort(key=lambda t: (t.instance, t.host))
    ties: dict[str, set[str]] = {}
    for part in parts:
        for address, host in part.peers.items():
            ties.setdefault(address, set()).add(host)
    # the span of the real times; stand-ins (inputs without any) only when alone
    starts = _real_first([p.start for p in parts if p.start is not None])
    ends = _real_first([p.end for p in parts if p.end is not None])
    timeline = Timeline(
        instances=instances,
        runs=[run for part in parts for run in part.runs],
        observations=sorted(
            (o for part in parts for o in part.observations),
            key=lambda o: (o.ts, o.host, o.instance),
        ),
        peers={a: next(iter(h)) for a, h in ties.items() if len(h) == 1},
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
        host_end={h: ts for part in parts for h, ts in part.host_end.items()},
        untimed=dict(sorted((k, v) for part in parts for k, v in part.untimed.items())),
        reloads={key: value for part in parts for key, value in part.reloads.items()},
    )
    timeline.transitions = in_order(
        [t for part in parts for t in part.transitions], timeline.instances
    )
    return timeline


def _real_first(times: list[Any]) -> list[Any]:
    """`times` without the untimed stand-ins, unless there is nothing else."""
    real = [t for t in times if untimed_line(t) is None]
    return real or times
