"""`--workers` and `--scheduler`: where `kalog analyze` runs its partitions.

Kept out of `kalog.cli.analyze` so that the executor is chosen (and a
missing Dask reported, one line, exit 2) before any log is read, and so
that nothing of `kalog.fleet` is imported when neither option is given.
"""

from __future__ import annotations

import os
from typing import Any

#: The environment variable naming a Dask scheduler (as `--scheduler`); the
#: same name as `kalog.fleet.executors.SCHEDULER_ENV`, spelt here so the
#: option's help does not import the fleet package.
SCHEDULER_ENV = "KALOG_SCHEDULER"


def fleet_executor(workers: int | None, scheduler: str | None) -> Any:
    """The executor the options ask for, or None for today's single process.

    `--scheduler` and `--workers` together are a usage error; `$KALOG_SCHEDULER`
    counts only when neither is given (an explicit `--workers` stays local).
    """
    import click

    if scheduler is not None and workers is not None:
        raise click.UsageError("--workers and --scheduler exclude each other")
    if scheduler is None and workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is None and workers is None:
        return None
    from kalog.fleet.executors import make_executor

    return make_executor(workers if scheduler is None else None, scheduler)
