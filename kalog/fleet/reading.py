"""Read the inputs one per task, anywhere, and assemble the frame `read_events` gives.

Reading is per input (`kalog.ingest.frame.read_input`: find the keepalived
lines, read their envelopes, complete their times from the file's own
date), so each input is one task.  Only the envelope rows of the
keepalived lines travel back (about 1% of a syslog's lines), and
`assemble_inputs` builds the frame from them exactly as `read_events` does:
the merge in time order, the body types, the hosts kept apart, the
summary's counts.  Standard input is read here (no worker can).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from kalog.errors import InputError
from kalog.fleet.executors import Executor, InProcess
from kalog.ingest.frame import (
    Engine,
    InputRead,
    OnError,
    _check_tz,
    _inputs_named,
    assemble_inputs,
    read_input,
)
from kalog.ingest.read import Source, input_size


def read_partitioned(
    paths: str | Path | Iterable[str | Path],
    *,
    year: int | None = None,
    host: str | None = None,
    tz: str | None = None,
    on_error: OnError = "raise",
    engine: Engine = "fast",
    progress: Callable[[int, int | None], None] | None = None,
    host_of: Mapping[str, str] | None = None,
    executor: Executor | None = None,
    keep_raw: bool = True,
) -> pd.DataFrame:
    """`kalog.read_events` with each input read by a task of `executor`.

    Same arguments and the same frame.  `progress(bytes, total)` advances
    by each input's size as its task ends (a worker's reading is not seen
    while it runs).
    """
    if tz is not None:
        _check_tz(tz)
    names = [str(paths)] if isinstance(paths, (str, Path)) else [str(p) for p in paths]
    given = _inputs_named(host_of or {}, names)
    executor = executor or InProcess()
    sizes = [input_size(name) for name in names]
    total = None if any(size is None for size in sizes) else sum(sizes)  # type: ignore[arg-type]
    remote = [at for at, name in enumerate(names) if name != "-"]
    order = sorted(remote, key=lambda at: -(sizes[at] or 0))  # biggest first: less waiting
    done = [0]

    def advance(_count: int, _tasks: int, task: int) -> None:
        if progress is not None:
            done[0] += sizes[order[task]] or 0
            progress(done[0], total)

    tasks = [(names[at], at, year, engine) for at in order]
    results = dict(
        zip(order, executor.map(read_one, tasks, advance if progress else None), strict=True)
    )
    for at, name in enumerate(names):
        if name == "-":
            results[at] = read_one(name, at, year, engine)
    reads: list[InputRead] = []
    for at in range(len(names)):
        read, reason = results[at]
        if reason is not None and on_error == "raise":
            raise InputError(read.source.name, reason)
        reads.append(read)
    return assemble_inputs(
        reads, host=host, tz=tz, given=given, engine=engine, on_error=on_error, keep_raw=keep_raw
    )


def read_one(
    name: str, index: int, year: int | None, engine: Engine
) -> tuple[InputRead, str | None]:
    """One input's envelope rows (a task): (the read, the reason it failed or None)."""
    source = Source(name=name, index=index)
    try:
        return read_input(source, year, engine, split_ok=False), None
    except InputError as exc:
        return InputRead(source, error=str(exc)), exc.reason
