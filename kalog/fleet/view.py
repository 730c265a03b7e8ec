"""The fleet view of an analysis: its clusters of hosts, worst first.

"Which clusters had a split brain last quarter?" is asked of a fleet by
cluster, not by instance or line.  A *cluster* here is a group of hosts
that share VRRP instances (the model's per-instance clusters,
`InstanceTimeline.cluster`, joined when they share a host: a router pair
running VI_1 and VI_2 is one cluster), named by its hosts (`lb01a+lb01b`).
Each row counts the cluster's changes of master (`count_changes_of_master`
on its instances: the rows add up to the summary's count) and its findings
per severity; rows are ordered worst first (errors, then warnings, then
infos, then changes of master, then name).

Shown when asked (`--by-cluster`, on by default with `--workers` or
`--scheduler`): the rich view's "Clusters" table, and in JSON a `cluster`
on every transition and finding plus a `clusters` list (docs/fleet.md).
Without it the outputs are exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import Severity
from kalog.model.clusters import _UnionFind


@dataclass(frozen=True)
class ClusterRow:
    """One cluster of hosts and what happened to it."""

    name: str
    hosts: tuple[str, ...]
    instances: tuple[str, ...]  # the model's cluster ids of its instances
    changes_of_master: int
    findings: dict[str, int]  # severity -> count, every severity

    def to_dict(self) -> dict[str, Any]:
        return {
            "cluster": self.name,
            "hosts": list(self.hosts),
            "instances": list(self.instances),
            "changes_of_master": self.changes_of_master,
            "findings": dict(self.findings),
        }

    @property
    def badness(self) -> tuple[int, ...]:
        return (*(self.findings[str(s)] for s in Severity), self.changes_of_master)


@dataclass
class FleetView:
    """The clusters of one result (worst first) and which cluster each host is in."""

    rows: list[ClusterRow] = field(default_factory=list)
    of_host: dict[str, str] = field(default_factory=dict)

    def cluster_of(self, host: Any) -> str | None:
        return self.of_host.get(host) if isinstance(host, str) else None


@dataclass
class _Part:
    """What `count_changes_of_master` reads of a timeline: one cluster's share."""

    instances: list[Any]
    transitions: list[Any]


def fleet_view(result: AnalysisResult) -> FleetView:
    """The clusters of `result`'s timeline (the module docstring)."""
    from kalog.pipeline import count_changes_of_master

    timeline = result.timeline
    instances = list(getattr(timeline, "instances", None) or [])
    hosts = {item.host for item in instances} | set(getattr(timeline, "host_end", None) or {})
    joined = _UnionFind(sorted(hosts))
    first: dict[str, str] = {}
    for item in instances:
        key = item.cluster or item.instance
        joined.union(first.setdefault(key, item.host), item.host)
    members: dict[str, list[str]] = {}
    for host in sorted(hosts):
        members.setdefault(joined.find(host), []).append(host)
    of_host = {host: "+".join(group) for group in members.values() for host in group}
    items_of: dict[str, list[Any]] = {}
    for item in instances:
        items_of.setdefault(of_host[item.host], []).append(item)
    transitions_of: dict[str, list[Any]] = {}
    for transition in result.transitions:
        name = of_host.get(getattr(transition, "host", None))  # type: ignore[arg-type]
        if name is not None:
            transitions_of.setdefault(name, []).append(transition)
    counts: dict[str, dict[str, int]] = {}
    for finding in result.findings:
        name = of_host.get(finding.host) if isinstance(finding.host, str) else None
        if name is not None:
            tally = counts.setdefault(name, dict.fromkeys(map(str, Severity), 0))
            tally[str(finding.severity)] += 1
    rows = []
    for group in members.values():
        name = "+".join(group)
        items = items_of.get(name, [])
        rows.append(
            ClusterRow(
                name=name,
                hosts=tuple(group),
                instances=tuple(sorted({i.cluster or i.instance for i in items})),
                changes_of_master=count_changes_of_master(
                    _Part(items, transitions_of.get(name, []))  # type: ignore[arg-type]
                ),
                findings=counts.get(name, dict.fromkeys(map(str, Severity), 0)),
            )
        )
    rows.sort(key=lambda row: (tuple(-n for n in row.badness), row.name))
    return FleetView(rows, of_host)
