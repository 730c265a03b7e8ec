"""Shared test fixtures: paths to the repo's own copies of real logs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "corpus"
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "seed"
LAB = SAMPLES / "lab"
MESSAGES_TSV = DATA / "keepalived-messages.tsv"


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
