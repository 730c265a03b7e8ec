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

import numpy as np
import pandas as pd

from kalog.model.rows import EventColumns


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


def _log_evidence(
    columns: EventColumns,
    peers: Mapping[str, str],
    vips: dict[tuple[str, str], set[str]],
    quoted: set[tuple[str, str, str]],
) -> None:
    """Add the VIPs each (host, instance) claims and the adverts hosts quote.

    Read from the distinct (host, instance, address/peer) combinations of
    the matching lines (codes, not a Python value per line): both results
    are sets, so each combination needs one visit.  A missing host reads
    as `str(pd.NA)`, as it did from the frame.
    """
    hosts, names = columns.codes("host"), columns.codes("instance")
    host_of = [str(h) for h in columns.distinct("host")[:-1]] + [str(pd.NA)]
    name_of = [str(n) for n in columns.distinct("instance")[:-1]]
    claims = columns.where_in("kind", {"garp", "vips"}) & (names >= 0) & ~columns.isna("address")
    addresses = columns.distinct("address")
    for host, name, address in _distinct(hosts, names, columns.codes("address"), claims):
        vips.setdefault((host_of[host], name_of[name]), set()).add(_strip(addresses[address]))
    peer_codes = columns.codes("peer")
    adverts = (peer_codes >= 0) & (names >= 0) & (hosts >= 0)
    peer_values = columns.distinct("peer")
    for host, name, peer in _distinct(hosts, names, peer_codes, adverts):
        other = peers.get(str(peer_values[peer]))
        if other is not None and other != host_of[host]:
            quoted.add((name_of[name], host_of[host], other))


def _distinct(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, where: np.ndarray
) -> list[tuple[int, int, int]]:
    """The distinct (a, b, c) code triples of the rows in `where`, in (a, b, c) order.

    Codes are >= -1, so each triple packs into one int64 (mixed radix,
    lexicographic order kept) and a 1-D `np.unique` finds them: row-wise
    `np.unique(axis=0)` sorts structured rows, several times slower on a
    dense log's ~million rows.  Codes too large to pack take that path.
    """
    if not where.any():
        return []
    parts = [np.asarray(x[where], dtype=np.int64) + 1 for x in (a, b, c)]  # >= 0
    radix = [int(part.max()) + 1 for part in parts]
    if radix[0] * radix[1] * radix[2] >= 2**62:
        stacked = np.stack(parts, axis=1) - 1
        return [tuple(row) for row in np.unique(stacked, axis=0).tolist()]
    keys = np.unique((parts[0] * radix[1] + parts[1]) * radix[2] + parts[2])
    rest, third = np.divmod(keys, radix[2])
    first, second = np.divmod(rest, radix[1])
    return list(zip((first - 1).tolist(), (second - 1).tolist(), (third - 1).tolist(), strict=True))


def _strip(address: Any) -> str:
    return str(address).split("/")[0].split()[0].lower()


def cluster_hosts(
    pairs: Iterable[tuple[str, str]],
    events: pd.DataFrame,
    configs: Mapping[str, Any],
    peers: Mapping[str, str],
    *,
    columns: EventColumns | None = None,
) -> dict[tuple[str, str], str]:
    """(host, instance) -> cluster id, for every pair in `pairs`.

    The id is the instance name when all its hosts form one cluster, else
    `NAME@first-host` of each cluster, so reports stay readable.
    columns: the replay's `EventColumns` of `events`, to share its work.
    """
    hosts_by_name: dict[str, set[str]] = {}
    for host, name in pairs:
        hosts_by_name.setdefault(name, set()).add(host)

    vips: dict[tuple[str, str], set[str]] = {}
    quoted: set[tuple[str, str, str]] = set()  # (name, host, peer host)
    if not events.empty and {"kind", "instance", "host"} <= set(events.columns):
        if columns is None:
            columns = EventColumns(events)
        _log_evidence(columns, peers, vips, quoted)
    for host, config in configs.items():
        for name, instance in config.instances.items():
            for vip in instance.virtual_ipaddresses:
                vips.setdefault((host, name), set()).add(_strip(vip))
            for address in instance.unicast_peers:
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
