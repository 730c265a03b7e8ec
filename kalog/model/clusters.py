"""Which hosts run the *same* VRRP instance: clusters, not instance names.

Fleets reuse instance names: `VI_1` on lb01a/lb01b and `VI_1` on
edge11a/edge11b are two unrelated pairs.  Grouping by name alone would call
lb01b and edge11b a split brain whenever both are MASTER.  So hosts sharing an
instance name are linked only by evidence that they talk to each other:

* a virtual address they both claim for the instance (gratuitous ARP / VIP
  lines, or `virtual_ipaddress` in their configs) — a VIP belongs to one
  VRRP instance on one segment;
* an advert from one host's address quoted in the other's log (`... advert
  from 10.0.0.2 ...`, tied to a host by `kalog.model.peers`);
* `unicast_peer` addresses in a config that belong to the other host;
* failing all of these for one instance, the same two hosts linked for
  another instance (a router pair runs several instances).

Hosts with no such evidence at all join the one evidenced group when there
is exactly one (a backup that never logged an address is still the pair's
other half); when a name has no evidence anywhere, all its hosts are one
cluster (two hosts in a lab, the seed's A and B); when there are several
evidenced groups, such hosts stay on their own rather than be guessed into
the wrong pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _strip(address: Any) -> str:
    return str(address).split("/")[0].split()[0].lower()


def cluster_hosts(
    pairs: Iterable[tuple[str, str]],
    events: pd.DataFrame,
    configs: Mapping[str, Any],
    peers: Mapping[str, str],
) -> dict[tuple[str, str], str]:
    """(host, instance) -> cluster id, for every pair in `pairs`.

    The id is the instance name when all its hosts form one cluster, else
    `NAME@first-host` of each cluster, so reports stay readable.
    """
    hosts_by_name: dict[str, set[str]] = {}
    for host, name in pairs:
        hosts_by_name.setdefault(name, set()).add(host)

    vips: dict[tuple[str, str], set[str]] = {}
    quoted: set[tuple[str, str, str]] = set()  # (name, host, peer host)
    if not events.empty and {"kind", "instance", "host"} <= set(events.columns):
        kinds = events["kind"].astype("string")
        claims = events[
            kinds.isin(["garp", "vips"]) & events["instance"].notna() & events["address"].notna()
        ]
        for host, name, address in zip(
            claims["host"], claims["instance"], claims["address"], strict=True
        ):
            vips.setdefault((str(host), str(name)), set()).add(_strip(address))
        adverts = events[events["peer"].notna() & events["instance"].notna()]
        for host, name, peer in zip(
            adverts["host"], adverts["instance"], adverts["peer"], strict=True
        ):
            other = peers.get(str(peer))
            if other is not None and other != host:
                quoted.add((str(name), str(host), other))
    for host, config in configs.items():
        for name, instance in (getattr(config, "instances", {}) or {}).items():
            for vip in getattr(instance, "virtual_ipaddresses", None) or []:
                vips.setdefault((host, name), set()).add(_strip(vip))
            for address in getattr(instance, "unicast_peers", None) or []:
                other = peers.get(_strip(address))
                if other is not None and other != host:
                    quoted.add((name, host, other))

    direct: dict[str, set[tuple[str, str]]] = {}  # name -> linked host pairs
    for name, hosts in hosts_by_name.items():
        ordered = sorted(hosts)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if vips.get((a, name), set()) & vips.get((b, name), set()):
                    direct.setdefault(name, set()).add((a, b))
    for name, a, b in quoted:
        if name in hosts_by_name and {a, b} <= hosts_by_name[name]:
            direct.setdefault(name, set()).add((min(a, b), max(a, b)))
    # routers paired for one instance are paired for their other instances
    # too (active/active pairs log a VIP only for the instance they master)
    everywhere = _UnionFind({h for hosts in hosts_by_name.values() for h in hosts})
    for links in direct.values():
        for a, b in links:
            everywhere.union(a, b)

    result: dict[tuple[str, str], str] = {}
    for name, hosts in hosts_by_name.items():
        uf = _UnionFind(hosts)
        linked: set[str] = set()
        ordered = sorted(hosts)
        for a, b in direct.get(name, ()):
            uf.union(a, b)
            linked |= {a, b}
        unlinked = sorted(hosts - linked)
        for i, a in enumerate(unlinked):
            for b in unlinked[i + 1 :]:
                if everywhere.find(a) == everywhere.find(b):
                    uf.union(a, b)
                    linked |= {a, b}
        groups = {uf.find(h) for h in linked}
        if len(groups) <= 1:
            root = next(iter(groups)) if groups else ordered[0]
            for host in hosts - linked:
                uf.union(root, host)
        components: dict[str, list[str]] = {}
        for host in ordered:
            components.setdefault(uf.find(host), []).append(host)
        single = len(components) == 1
        for members in components.values():
            cluster = name if single else f"{name}@{members[0]}"
            for host in members:
                result[(host, name)] = cluster
    return result
