"""Where the partitions run: this process, local processes, or a Dask cluster.

An executor maps a picklable function over tasks and returns the results
in task order; which machine computed what never shows in a result.  Why
three: one process is the reference (and what `--workers 1` means), a
process pool uses this machine's cores, and a Dask distributed cluster
(`--scheduler tcp://host:8786`) many machines.  Dask is optional (the
extra `kalog[fleet]`); asking for it without it installed is a
`KalogError` naming what to install.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from kalog.errors import KalogError

#: The environment variable naming a Dask scheduler (as `--scheduler`).
SCHEDULER_ENV = "KALOG_SCHEDULER"
#: What to install for `--scheduler` and fsspec URLs.
FLEET_EXTRA = "pip install 'kalog[fleet]'"

#: Called with (tasks done, tasks in all, the task just done) as results come in.
Progress = Callable[[int, int, int], None]


class Executor(Protocol):
    """Runs `fn` on every task; results in task order."""

    #: how many tasks run at once (1: one after another in this process)
    workers: int

    def map(
        self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], progress: Progress | None
    ) -> list[Any]: ...

    def close(self) -> None: ...


class InProcess:
    """Every task here, one after another: the reference the others must equal."""

    workers = 1

    def map(
        self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], progress: Progress | None
    ) -> list[Any]:
        results = []
        for done, args in enumerate(tasks, start=1):
            results.append(fn(*args))
            if progress is not None:
                progress(done, len(tasks), done - 1)
        return results

    def close(self) -> None:
        pass


class LocalProcesses:
    """A pool of `workers` local processes (started on first use, "spawn"-free: fork
    where the platform has it, so the workers share the imported modules)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: Any = None

    def map(
        self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], progress: Progress | None
    ) -> list[Any]:
        if len(tasks) <= 1:
            return InProcess().map(fn, tasks, progress)
        import concurrent.futures as cf
        import multiprocessing

        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else None)
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        futures = {self._pool.submit(fn, *args): at for at, args in enumerate(tasks)}
        results: list[Any] = [None] * len(tasks)
        for done, future in enumerate(cf.as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(tasks), futures[future])
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class DaskCluster:
    """The tasks on a Dask distributed cluster (its scheduler's address, or a `Client`).

    The workers need kalog (the same version) importable; each task's
    arguments travel to a worker pickled, its result back.
    """

    def __init__(self, scheduler: Any) -> None:
        client_class = _dask_client()
        if isinstance(scheduler, str):
            try:
                self._client = client_class(scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise KalogError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
            self._own = True
        else:
            self._client, self._own = scheduler, False
        info = self._client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map(
        self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]], progress: Progress | None
    ) -> list[Any]:
        from dask.distributed import as_completed

        # frames go to the workers as data, not inside the task graph (Dask warns
        # about, and the scheduler chokes on, megabytes of graph)
        frames = [(t, a) for t, args in enumerate(tasks) for a, v in enumerate(args) if _big(v)]
        sent = self._client.scatter([tasks[t][a] for t, a in frames]) if frames else []
        prepared = [list(args) for args in tasks]
        for (t, a), future in zip(frames, sent, strict=True):
            prepared[t][a] = future
        futures = [self._client.submit(fn, *args, pure=False) for args in prepared]
        at = {future.key: position for position, future in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for done, future in enumerate(as_completed(futures), start=1):
            results[at[future.key]] = future.result()
            if progress is not None:
                progress(done, len(tasks), at[future.key])
        return results

    def close(self) -> None:
        if self._own:
            self._client.close()


def _dask_client() -> Any:
    try:
        from dask.distributed import Client
    except ImportError:
        raise KalogError(
            f"--scheduler needs Dask distributed, which is not installed ({FLEET_EXTRA})"
        ) from None
    return Client


def make_executor(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor the options ask for: a scheduler wins, then `workers` processes.

    `scheduler` None falls back to `$KALOG_SCHEDULER`; `workers` None or 1
    is this process.
    """
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler:
        return DaskCluster(scheduler)
    if workers is None or workers <= 1:
        return InProcess()
    return LocalProcesses(workers)


def _big(value: Any) -> bool:
    """A task argument worth sending apart from the graph: an event frame."""
    return type(value).__name__ == "DataFrame"
