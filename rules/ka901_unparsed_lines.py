"""Keepalived lines kalog could not classify, counted per log file.

## What it flags

Lines from keepalived whose message kalog's grammar does not recognise (event
kind `unknown`).  One finding per log file gives how many there are, what
share of that file's keepalived lines they are, and the first few distinct
lines as evidence.

## Why it matters

Every other rule and the replayed timeline only see recognised lines.  A
state change or priority change worded in a way kalog does not know would be
silently missing from the analysis, so an explanation built without it can
be wrong.  Counting the unknown lines says how much of the log the analysis
actually covers, instead of pretending to full coverage.

## Log evidence per keepalived version

Any version.  Typical causes are wordings added in a keepalived release newer
than the message catalogue kalog was built from, messages from optional
features (BFD, IPVS, SNMP, D-Bus), locally patched builds, and lines mangled
by the log transport (truncation, merged lines).

## Example

```
Jul 10 09:27:24 node Keepalived_vrrp[3352]: Some future message kalog has never seen
```

is reported as `KA901 unparsed-lines: 1 of 120 keepalived lines in node.log
not recognised (0.8%)` with that line as evidence.

## Known false positives

None in the strict sense: the lines really were not understood.  Many of them
may carry no VRRP meaning at all (housekeeping chatter of a newer release);
raise `min_count` or ignore the rule when a known-harmless line dominates.

## References

- docs/events.md: the closed vocabulary of event kinds.
- tests/data/keepalived-messages.tsv: the message catalogue per version.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from kalog.check.api import Evidence, Finding, Kind, Need, Severity, kind_mask

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.api import AnalysisContext


CODE = "KA901"
NAME = "unparsed-lines"
SEVERITY = Severity.INFO
NEEDS: frozenset[Need] = frozenset()


@dataclass(frozen=True)
class Options:
    """Set in the settings file: `[tool.kalog.rules.KA901]`."""

    max_examples: int = 5  # distinct example lines shown as evidence per file
    min_count: int = 1  # report a file only from this many unknown lines on


def check(ctx: AnalysisContext, options: Options) -> Iterator[Finding]:
    events = ctx.events
    if events.empty:
        return
    unknown = events[kind_mask(events, [Kind.UNKNOWN.value])]
    if unknown.empty:
        return
    totals = events.groupby("source", dropna=False, observed=True, sort=False).size()
    for source, group in unknown.groupby("source", dropna=False, observed=True, sort=True):
        count = len(group)
        if count < options.min_count:
            continue
        source_name = "-" if pd.isna(source) else str(source)
        total = int(totals[source])
        group = group.sort_values("line", kind="stable")
        examples = group.drop_duplicates("body").head(max(0, options.max_examples))
        hosts = group["host"].dropna().unique()
        times = group["ts"].dropna()
        share = 100.0 * count / total
        message = (
            f"{count} of {total} keepalived lines in {source_name} not recognised ({share:.1f}%)"
        )
        distinct = group["body"].nunique(dropna=True)
        if distinct != count:
            message += f", {distinct} distinct"
        yield Finding(
            message=message,
            host=str(hosts[0]) if len(hosts) == 1 else None,
            start=times.min() if not times.empty else None,
            end=times.max() if not times.empty else None,
            evidence=[
                Evidence(source_name, int(row.line), None if pd.isna(row.raw) else str(row.raw))
                for row in examples.itertuples(index=False)
            ],
        )
