"""Replay an event frame cluster by cluster, in other processes, to the same timeline.

`kalog.model.replay` replays every host of a frame in one process.  Most of
its work is per host (runs, profiles, the state machine of each instance)
and the rest is per *cluster* (the hosts that share a VRRP instance:
transitions' causes, peers' quotes, `kalog.model.clusters`).  So the hosts
are cut into *partitions* that no cluster and no quote crosses, each
partition is replayed on its own (`Executor.map`), and the timelines are put
together in the order the single replay makes.  What only the whole input
knows is computed once, here, from the whole frame, and handed to each
partition: the address -> host ties (`map_peers`), the times given to lines
without one (`_timed`, per input), the clusters' ids.

The partitions are planned before the replay from the evidence the
clusters are built from (`cluster_hosts` on the (host, instance) pairs the
lines name) and checked after it against the clusters of the instances the
replays found: a cluster that the plan cut in two, or that a partition
grouped otherwise, sends the whole frame to the single replay (counted in
`PartitionStats.fallbacks`).  So the merged timeline is the single
replay's, or the single replay is run: never an approximation.

A frame whose reader kept host names apart (`hosts_apart`: captures that
never met) is already replayed episode by episode
(`kalog.model.episodes`); its partitions are those episodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kalog.fleet.executors import Executor, InProcess, Progress
from kalog.model.clusters import _UnionFind, cluster_hosts
from kalog.model.episodes import episode, episodes, merged
from kalog.model.peers import map_peers
from kalog.model.replay import _replay, _timed, load_configs, replay
from kalog.model.timeline import Timeline
from kalog.speed.gc_pause import gc_paused


@dataclass
class PartitionStats:
    """How the last partitioned replay went (for the verbose line, tests and the bench)."""

    partitions: int = 0
    hosts: int = 0
    #: "episodes" (hosts kept apart), "clusters", or "whole" (one partition)
    mode: str = ""
    #: runs where the plan did not hold and the whole frame was replayed at once
    fallbacks: int = 0
    sizes: list[int] = field(default_factory=list)


#: Filled by every `replay_partitioned` (the last run's).
LAST = PartitionStats()


def replay_partitioned(
    events: pd.DataFrame,
    configs: Mapping[str, Any] | None = None,
    version: str | None = None,
    peers: Mapping[str, str] | None = None,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Timeline:
    """`kalog.model.replay(events, configs, version, peers)`, partition by partition.

    Same signature and same result (the module docstring says how);
    `executor` runs the partitions (default: this process).
    """
    from kalog.ingest.events import check_frame

    check_frame(events)
    executor = executor or InProcess()
    stats = PartitionStats()
    LAST.__dict__.update(stats.__dict__)
    groups = episodes(events)
    # the frame without the reader's stats (`_read_by_replay` says why)
    bare = events.copy(deep=False)
    bare.attrs = _read_by_replay(events.attrs)
    if len(groups) > 1:
        codes = bare["host"].astype(object).to_numpy()
        tasks = [(*episode(bare, hosts, configs, peers, codes), version) for hosts in groups]
        _record(stats, "episodes", tasks)
        return merged(executor.map(_replay_episode, tasks, progress))
    timed = _timed(bare)
    loaded = load_configs(configs, {})
    first_configs = {host: items[0] for host, items in loaded.items() if items}
    ties = map_peers(bare, first_configs, peers or {})
    plan = _plan(timed, first_configs, ties)
    if len(plan) <= 1:
        _record(stats, "whole", [(timed,)])
        return replay(events, configs=configs, version=version, peers=peers)
    tasks = []
    for rows in _rows_of(timed, plan):
        part = timed.iloc[rows].reset_index(drop=True)
        part.attrs = _read_by_replay(timed.attrs)
        tasks.append((part, configs, version, peers, ties))
    _record(stats, "clusters", tasks)
    parts = executor.map(_replay_cluster, tasks, progress)
    timeline = _joined(parts, plan, timed, first_configs, ties)
    if timeline is None:
        stats.fallbacks += 1
        LAST.__dict__.update(stats.__dict__)
        return replay(events, configs=configs, version=version, peers=peers)
    return timeline


def _read_by_replay(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """The frame attributes a partition's replay reads: "untimed" only.

    Why not all: pandas deep-copies `attrs` on every operation, and the
    reader's stats list every input (12,000 on a month of a 200-pair
    fleet): copied along, they made the planning and the replays minutes
    slower, and every task pickled them.  The model reads "untimed" (the
    timeline's, set again from the whole frame's when the partitions are
    joined) and "hosts_apart" (read here, before the cut).
    """
    return {"untimed": attrs["untimed"]} if "untimed" in attrs else {}


def _rows_of(frame: pd.DataFrame, plan: list[list[str]]) -> list[np.ndarray]:
    """The rows of each partition's hosts, in frame order: one grouping of the
    host codes (an `np.isin` per partition took seconds over 200 pairs)."""
    codes, names = pd.factorize(frame["host"])
    at = {host: position for position, hosts in enumerate(plan) for host in hosts}
    partition_of = np.array([at.get(str(name), -1) for name in names] + [-1], dtype=np.int64)
    partitions = partition_of[codes]  # code -1 (no host): the last entry, no partition
    order = np.argsort(partitions, kind="stable")
    bounds = np.searchsorted(partitions[order], np.arange(len(plan) + 1))
    return [order[bounds[p] : bounds[p + 1]] for p in range(len(plan))]


def _record(stats: PartitionStats, mode: str, tasks: list[tuple[Any, ...]]) -> None:
    stats.mode = mode
    stats.partitions = len(tasks)
    stats.sizes = [len(task[0]) for task in tasks]
    stats.hosts = sum(int(task[0]["host"].nunique()) for task in tasks)
    LAST.__dict__.update(stats.__dict__)


def _replay_episode(
    part: pd.DataFrame,
    configs: Mapping[str, Any],
    ties: Mapping[str, str],
    version: str | None,
) -> Timeline:
    """One episode, as `kalog.model.episodes.replay_apart` replays it (a task)."""
    with gc_paused():
        return _replay(part, configs, version, ties)


def _replay_cluster(
    part: pd.DataFrame,
    configs: Mapping[str, Any] | None,
    version: str | None,
    peers: Mapping[str, str] | None,
    ties: Mapping[str, str],
) -> Timeline:
    """The hosts of one partition, with the whole input's address ties (a task)."""
    with gc_paused():
        return _replay(part, configs, version, peers, known_peers=ties)


def _plan(
    timed: pd.DataFrame, first_configs: Mapping[str, Any], ties: Mapping[str, str]
) -> list[list[str]]:
    """The hosts of each partition, partitions by their first row.

    Hosts are joined when `cluster_hosts` puts them in one cluster for the
    instance names their lines (and configs) name, and when one quotes an
    address tied to the other.  Rows without a host are in no partition:
    the replay reads no such row.
    """
    hosts = timed["host"]
    present = hosts.notna().to_numpy(dtype=bool)
    order = list(pd.unique(hosts[present].astype(object)))
    if len(order) < 2:
        return [order]
    named = present & timed["instance"].notna().to_numpy(dtype=bool)
    distinct = pd.DataFrame({"host": hosts[named], "instance": timed["instance"][named]})
    pairs = set(distinct.drop_duplicates().itertuples(index=False, name=None))
    for host in order:
        config = first_configs.get(host)
        if config is not None:
            pairs.update((host, name) for name in config.instances)
    pairs_list = sorted((str(h), str(n)) for h, n in pairs)
    clusters = cluster_hosts(pairs_list, timed, first_configs, ties)
    joined = _UnionFind(str(h) for h in order)
    first_of: dict[str, str] = {}
    for (host, _name), cluster in sorted(clusters.items()):
        if host not in joined.parent:
            continue
        if cluster in first_of:
            joined.union(first_of[cluster], host)
        else:
            first_of[cluster] = host
    quoting = present & timed["peer"].notna().to_numpy(dtype=bool)
    for host, address in set(
        zip(hosts[quoting].astype(object), timed["peer"][quoting], strict=True)
    ):
        other = ties.get(str(address))
        if other is not None and other in joined.parent:
            joined.union(str(host), other)
    groups: dict[str, list[str]] = {}
    for host in order:
        groups.setdefault(joined.find(str(host)), []).append(str(host))
    return list(groups.values())


def _joined(
    parts: list[Timeline],
    plan: list[list[str]],
    timed: pd.DataFrame,
    first_configs: Mapping[str, Any],
    ties: Mapping[str, str],
) -> Timeline | None:
    """The partitions' timelines as the single replay makes the whole one; None
    when the clusters of the instances found cross partitions or group them
    otherwise than each partition did (then only the whole replay is exact).

    Orders: instances by (instance, host); runs, ends, reloads and configs
    by host in the order of the hosts' first rows (the replay's host order);
    observations and transitions by their sort keys (ties are one host's,
    so one partition's, kept in its order).
    """
    items = [item for part in parts for item in part.instances]
    clusters = cluster_hosts(
        [(item.host, item.instance) for item in items], timed, first_configs, ties
    )
    partition_of = {host: at for at, hosts in enumerate(plan) for host in hosts}
    seen: dict[str, int] = {}
    local: dict[tuple[int, str], str] = {}  # (partition, its own cluster id) -> global id
    for item in items:
        cluster = clusters.get((item.host, item.instance), item.instance)
        at = partition_of.get(item.host, -1)
        if seen.setdefault(cluster, at) != at:
            return None  # a cluster across partitions
        own = (at, item.cluster or item.instance)
        if local.setdefault(own, cluster) != cluster:
            return None  # grouped otherwise than in the partition
    if len(set(local.values())) != len(local):
        return None  # two of a partition's clusters are one
    for item in items:
        item.cluster = clusters.get((item.host, item.instance), item.instance)
    items.sort(key=lambda t: (t.instance, t.host))
    rank = {host: at for at, host in enumerate(_host_order(timed))}
    last = len(rank)

    def by_host(pairs: Any, host_of: Any) -> list[Any]:
        return sorted(pairs, key=lambda pair: rank.get(host_of(pair), last))

    starts = [p.start for p in parts if p.start is not None]
    ends = [p.end for p in parts if p.end is not None]
    from kalog.model.episodes import _real_first
    from kalog.model.transitions import _in_order

    real_starts, real_ends = _real_first(starts), _real_first(ends)
    timeline = Timeline(
        instances=items,
        runs=by_host([run for part in parts for run in part.runs], lambda run: run.host),
        observations=sorted(
            (o for part in parts for o in part.observations),
            key=lambda o: (o.ts, o.host, o.instance),
        ),
        peers=dict(ties),
        start=min(real_starts) if real_starts else None,
        end=max(real_ends) if real_ends else None,
        host_end=dict(
            by_host([pair for part in parts for pair in part.host_end.items()], lambda p: p[0])
        ),
        untimed=dict(timed.attrs.get("untimed", {})),
        reloads=dict(
            by_host([pair for part in parts for pair in part.reloads.items()], lambda p: p[0][0])
        ),
        configs_in_force=dict(
            by_host(
                [pair for part in parts for pair in part.configs_in_force.items()],
                lambda p: p[0],
            )
        ),
    )
    timeline.transitions = _in_order(
        [t for part in parts for t in part.transitions], timeline.instances
    )
    return timeline


def _host_order(timed: pd.DataFrame) -> list[str]:
    """The hosts by their first row with a time (the replay's `_positions_by_host` order)."""
    usable = (timed["host"].notna() & timed["ts"].notna()).to_numpy(dtype=bool)
    return [str(h) for h in pd.unique(timed["host"][usable].astype(object))]
