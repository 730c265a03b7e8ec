"""Tie VRRP source addresses to hosts, so a peer's quote lands on the right host.

"advert from 10.0.0.2" in lb-a's log is about whichever host owns 10.0.0.2.
Sources, most trusted first: `--peer IP=HOST`, `unicast_src_ip` in a host's
config, and the addresses a host's own log shows being assigned (netlink
reflector / "Assigned address" lines).  Virtual addresses move between hosts,
so an address is skipped when it is a VIP in any config or shows up on more
than one host: a wrong tie would put one router's priority on another's
timeline, which is worse than no tie.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kalog.model.rows import EventColumns


def _vips(configs: Mapping[str, Any]) -> set[str]:
    vips: set[str] = set()
    for config in configs.values():
        for instance in config.instances.values():
            for vip in instance.virtual_ipaddresses:
                vips.add(str(vip).split("/")[0].split()[0])
    return vips


def map_peers(
    events: pd.DataFrame,
    configs: Mapping[str, Any],
    explicit: Mapping[str, str],
    *,
    columns: EventColumns | None = None,
) -> dict[str, str]:
    """address -> host, from explicit ties, configs and the logs.

    columns: the replay's `EventColumns` of `events`, to share its work.
    """
    vips = _vips(configs)
    seen: dict[str, set[str]] = {}
    if {"kind", "address", "host", "action"} <= set(events.columns):
        if columns is None:
            columns = EventColumns(events)
        addresses, hosts = columns.codes("address"), columns.codes("host")
        added = (
            columns.where_in("kind", {"address"})
            & (addresses >= 0)
            & (hosts >= 0)
            & columns.where_in("action", {"added", "assigned"})
        )
        # each distinct (address, host) once, in order of first appearance:
        # `seen` keeps the order its addresses first showed up in the log
        address_of, host_of = columns.distinct("address"), columns.distinct("host")
        width = len(host_of)
        pairs = pd.unique(addresses[added].astype(np.int64) * width + hosts[added].astype(np.int64))
        for pair in pairs.tolist():
            address, host = divmod(pair, width)
            seen.setdefault(str(address_of[address]).split("/")[0], set()).add(str(host_of[host]))
    mapping = {
        address: next(iter(hosts))
        for address, hosts in seen.items()
        if len(hosts) == 1 and address not in vips
    }
    for host, config in configs.items():
        for instance in config.instances.values():
            src = instance.unicast_src_ip
            if src:
                mapping[str(src)] = host
    mapping.update({str(k): str(v) for k, v in explicit.items()})
    return mapping
