"""The whole partitioned pipeline in one call, for library users and tests."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kalog.check.analysis import AnalysisResult
from kalog.fleet.executors import Executor, InProcess
from kalog.fleet.reading import read_partitioned
from kalog.fleet.replaying import replay_partitioned


def analyze_partitioned(
    paths: str | Path | Iterable[str | Path],
    *,
    executor: Executor | None = None,
    read_options: Mapping[str, Any] | None = None,
    **analysis: Any,
) -> AnalysisResult:
    """`analyze_events(read_events(paths, **read_options), **analysis)`, partitioned.

    Each input is read by a task of `executor` and each partition of hosts
    replayed by one (default: all in this process); the result is the
    same, finding for finding.
    """
    from kalog.pipeline import analyze_events

    executor = executor or InProcess()
    events = read_partitioned(paths, executor=executor, **dict(read_options or {}))
    return analyze_events(
        events, replayer=functools.partial(replay_partitioned, executor=executor), **analysis
    )
