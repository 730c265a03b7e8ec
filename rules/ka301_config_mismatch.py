# ruff: noqa: E501 - the Example section quotes real log lines whole
"""Adverts rejected because the peers' configurations disagree.

## What it flags

Errors keepalived logs when a received VRRP advertisement does not match the
local configuration (event kind `packet_error`: wrong TTL, VRRP version,
authentication type or password, unknown VRID, advert interval, number of
virtual addresses, a virtual address missing from the master's advert, bad
checksum, ...), and configuration errors it reports about itself
(`config_error`, `vrid_conflict`).  Repeated lines with the same host,
instance and subtype become one finding with the time window and the count.

## Why it matters

keepalived drops a mismatching advert as if it had never arrived.  A backup
that drops every advert of the master sees no master and promotes itself:
both nodes hold the virtual addresses (split brain), or a failover "happens
for no reason".  The mismatch lines are the only log trace of the real cause,
usually a `virtual_router_id`, `advert_int`, `authentication` or
`virtual_ipaddress` block that differs between the nodes, or another VRRP
router on the segment using the same VRID.

## Log evidence per keepalived version

- 1.2.13 to 1.2.19: lines carry no instance name, e.g.
  `ip address associated with VRID not present in received packet : %s`,
  followed by `bogus VRRP packet received on %s !!!` and
  `VRRP_Instance(%s) ignoring received advertisment...`.
- 1.2.20 to 2.3.2: the instance is a prefix, `(%s)` or `(%s):`, e.g.
  `(%s) ip address associated with VRID %d not present in MASTER advert : %s`,
  `(%s) advertisement interval mismatch mine=%u sec rcv'd=%d sec`.
- 2.3.3 and later: the sender is named, e.g.
  `(%s) ip address associated with VRID %d not present in advert from %s: %s`.
- 2.0.14 and later: `Unknown VRID(%d) received on interface(%s). ignoring...`
  replaces the older `received VRID mismatch` line.

## Example

```
Jul 10 09:27:24 node Keepalived_vrrp[3352]: (ens3-1) ip address associated with VRID 1 not present in MASTER advert : 200.200.200.200
Jul 10 09:27:25 node Keepalived_vrrp[3352]: (ens3-1): ip address associated with VRID 1 not present in MASTER advert : 200.200.200.200
```

gives one finding for host `node`, instance `ens3-1`, from 09:27:24 to
09:27:25, 2 lines: the master's advert lacks a virtual address this node has
configured.

## Known false positives

Another, unrelated VRRP deployment on the same segment (a different
cluster, a router) produces `Unknown VRID` or TTL lines that say nothing
about this cluster's configuration.  A short burst during a rolling
configuration change is expected; raise `min_count` to report only
persistent mismatches.

## References

- RFC 5798 section 6.4.3: advertisements that fail validation are discarded.
- keepalived vrrp.c, `vrrp_check_packet()`: the checks and their messages.
- tests/data/keepalived-messages.tsv, kind `packet` and `config`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kalog.check.api import Evidence, Finding, Kind, Need, Severity, kind_mask

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA301"
NAME = "config-mismatch"
SEVERITY = Severity.ERROR
NEEDS: frozenset[Need] = frozenset()


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA301]`."""

    max_examples: int = 5  # evidence lines kept per finding (first ones, then the last)
    min_count: int = 1  # report a group only from this many lines on


KINDS: tuple[str, ...] = (
    Kind.PACKET_ERROR.value,
    Kind.CONFIG_ERROR.value,
    Kind.VRID_CONFLICT.value,
)

#: packet_error detail -> what it means for the configuration.
PACKET_DETAIL: dict[str, str] = {
    "ttl": "adverts with an invalid TTL/hop limit (sender not on the same link?)",
    "ttl_range": "adverts with a TTL/hop limit out of range",
    "version": "adverts of another VRRP version (vrrp_version differs)",
    "auth_type": "adverts with another authentication type",
    "passwd": "adverts with another authentication password",
    "vrid": "adverts for another VRID (virtual_router_id differs)",
    "unknown_vrid": "adverts for a VRID not configured here (virtual_router_id differs)",
    "interval": "adverts with another advert interval (advert_int differs)",
    "ip_count": "adverts with another number of virtual addresses",
    "vip_missing": "a configured virtual address missing from the master's advert",
    "vip_mismatch": "virtual addresses differ from the master's advert",
    "checksum": "adverts with an invalid checksum",
    "length": "adverts of a wrong length",
    "packet_type": "packets of an invalid VRRP type",
    "unicast_peer": "adverts from a source that is not a configured unicast peer",
    "cast_mismatch": "multicast/unicast mismatch between the peers",
    "owner_drop": "adverts dropped because this node is the address owner",
    "bogus": "VRRP packets rejected as bogus",
    "ignored": "adverts ignored by the instance",
    "dropped": "VRRP packets dropped by the instance",
    "ah_spi": "IPSEC-AH adverts with another SPI",
    "ah_seq": "IPSEC-AH adverts with an old sequence number",
}


def _describe(kind: str, detail: str | None) -> str:
    if kind == Kind.PACKET_ERROR.value:
        if detail is None:
            return "rejected adverts"
        return PACKET_DETAIL.get(detail, f"rejected adverts ({detail})")
    if kind == Kind.VRID_CONFLICT.value:
        return "VRID conflict" + (f" ({detail})" if detail else "")
    return "configuration error" + (f": {detail}" if detail else "")


def _text(value: Any) -> str | None:
    return None if pd.isna(value) else str(value)


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    events = ctx.events
    if events.empty:
        return
    rows = events[kind_mask(events, KINDS)]
    if rows.empty:
        return
    rows = rows.assign(_kind=rows["kind"].astype("string"))
    keys = ["host", "instance", "_kind", "detail"]
    limit = max(0, options.max_examples)
    for key, group in rows.groupby(keys, dropna=False, sort=False):
        host, instance, kind, detail = (_text(k) for k in key)
        count = len(group)
        if count < options.min_count:
            continue
        group = group.sort_values(["ts", "source", "line"], kind="stable", na_position="last")
        examples = group if count <= limit else pd.concat([group.head(limit - 1), group.tail(1)])
        if limit == 0:
            examples = group.head(0)
        times = group["ts"].dropna()
        start = times.min() if not times.empty else None
        end = times.max() if not times.empty else None
        message = f"{_describe(kind, detail)}: {count} line{'s' if count != 1 else ''}"
        peers = sorted(str(p) for p in group["peer"].dropna().unique())
        if peers:
            message += f" from {', '.join(peers)}"
        if start is not None and end is not None and end > start:
            message += f" over {_duration(end - start)}"
        yield Finding(
            message=message,
            host=host,
            instance=instance,
            start=start,
            end=end,
            evidence=[
                Evidence(str(row.source), int(row.line), _text(row.raw))
                for row in examples.itertuples(index=False)
            ],
        )


def _duration(delta: pd.Timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{delta.total_seconds():g}s"
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    return " ".join(f"{n}{unit}" for n, unit in parts if n)
