"""Shared test fixtures: paths to the repo's own copies of real logs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "corpus"
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "seed"
LAB = SAMPLES / "lab"
MESSAGES_TSV = DATA / "keepalived-messages.tsv"

#: The seed's two routers, as the README analyses them: both logs (year-less
#: syslog of 2014) and each router's keepalived.conf.
SEED_A, SEED_B = "192_168_173_203", "192_168_173_204"
SEED_EX1_ARGS: tuple[str, ...] = (
    str(SEED / "ex1-A-backup-99.log"),
    str(SEED / "ex1-B-master-100.log"),
    "--year",
    "2014",
    "--config",
    f"{SEED_A}={SEED / 'ex1-A.conf'}",
    "--config",
    f"{SEED_B}={SEED / 'ex1-B.conf'}",
)


def write_week_log(path: Path) -> Path:
    """A week of one 2.2 pair from the benchmark generator (8,000 keepalived
    lines, Aug 25 - Sep 1, year-less: read with --year 2024), written to `path`."""
    import sys

    if str(ROOT) not in sys.path:  # `bench` is a top-level directory, not a package
        sys.path.insert(0, str(ROOT))
    from bench.generate import Config, iter_chunks

    config = Config(
        lines=8000,
        keepalived_share=1.0,
        seed=3,
        span_hours=168,
        clusters=1,
        families=("2.2",),
        pool_size=1000,
        batch=8000,
    )
    path.write_text("".join(iter_chunks(config)), encoding="utf-8")
    return path


def count_streams(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A list that tells, per call of `kalog.ingest.stream.stream_events` from
    now on, whether the inputs streamed (False: read whole)."""
    from kalog.ingest import stream

    used: list[bool] = []
    real = stream.stream_events

    def counted(*args: object, **kwargs: object) -> object:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        used.append(found is not None)
        return found

    monkeypatch.setattr(stream, "stream_events", counted)
    return used


def streamed_frame(events: Any) -> Any:
    """A `kalog.ingest.stream.EventStream`'s windows joined into one frame."""
    from kalog.ingest import frame as build

    windows = list(events.windows())
    return build._concat(windows) if windows else events.head


def assert_same_frame(got: Any, whole: Any) -> None:
    """`got` (streamed) holds `whole`'s columns, dtypes and values; the
    windows' categoricals have categories of their own, so those compare
    by value."""
    import pandas as pd

    assert list(got.columns) == list(whole.columns)
    for name in whole.columns:
        a, b = whole[name], got[name]
        if isinstance(a.dtype, pd.CategoricalDtype):
            assert isinstance(b.dtype, pd.CategoricalDtype) or b.dtype == object, name
            a, b = a.astype(object), b.astype(object)
        else:
            assert a.dtype == b.dtype, name
        pd.testing.assert_series_equal(a, b.reset_index(drop=True), check_names=False, obj=name)


@pytest.fixture
def seed_dir() -> Path:
    return SEED


@pytest.fixture
def corpus_dir() -> Path:
    return CORPUS


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Print what tests recorded for the summary (tests/excerpts.SUMMARY: the share of
    excerpt windows that hold), in `pytest -q` output too."""
    import sys

    excerpts = sys.modules.get("tests.excerpts")
    for line in getattr(excerpts, "SUMMARY", []):
        terminalreporter.write_line(line)
