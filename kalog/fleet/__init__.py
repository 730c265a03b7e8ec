"""Fleet scale: the same analysis, partitioned, on local processes or a Dask cluster.

`kalog analyze --workers N` / `--scheduler tcp://host:8786` (docs/fleet.md).
The pipeline is cut where the work is independent: reading is per input
(`kalog.fleet.reading`), the replay per cluster of hosts
(`kalog.fleet.replaying`); the rules and the reports then run on the whole
as they do for one process.  The result equals `analyze_events(read_events
(...))` exactly, which tests/test_fleet.py checks on every real log.
"""

from __future__ import annotations

from kalog.fleet.analysis import analyze_partitioned
from kalog.fleet.executors import make_executor
from kalog.fleet.reading import read_partitioned
from kalog.fleet.replaying import replay_partitioned

__all__ = ["analyze_partitioned", "make_executor", "read_partitioned", "replay_partitioned"]
