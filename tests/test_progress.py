"""Progress while reading (issue 5): a bar on a terminal after a second, off with --quiet."""

from __future__ import annotations

import gzip
import io

from click.testing import CliRunner
from conftest import SEED
from rich.console import Console

from kalog.cli import main
from kalog.cli.common import ProgressBar
from kalog.ingest.frame import read_events

SEED_FILES = sorted(SEED.glob("*.log"))


def test_read_events_reports_bytes_read_of_total(tmp_path) -> None:
    calls: list[tuple[int, int | None]] = []
    read_events(SEED_FILES, year=2014, progress=lambda done, total: calls.append((done, total)))
    total = sum(p.stat().st_size for p in SEED_FILES)
    assert calls and all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1][0] == total


def test_compressed_input_counts_compressed_bytes(tmp_path) -> None:
    packed = tmp_path / "a.log.gz"
    packed.write_bytes(gzip.compress(SEED_FILES[0].read_bytes()))
    calls: list[tuple[int, int | None]] = []
    read_events([packed], year=2014, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (packed.stat().st_size, packed.stat().st_size)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bar_appears_only_after_the_delay() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, markup=False, highlight=False)
    clock = _Clock()
    bar = ProgressBar(delay=1.0, console=console, clock=clock)
    bar(10, 1000)
    clock.now += 0.5
    bar(20, 1000)
    assert not bar.shown and out.getvalue() == ""
    clock.now += 0.6
    bar(500, 1000)
    assert bar.shown
    bar.close()
    assert "reading" in out.getvalue()


def test_quiet_drops_the_summary_not_the_warnings(tmp_path) -> None:
    log = tmp_path / "x.log"
    log.write_bytes(SEED_FILES[0].read_bytes() + b"\xff\xfe broken bytes\n")
    runner = CliRunner()
    loud = runner.invoke(main, ["events", str(log), "--year", "2014", "--format", "jsonl"])
    quiet = runner.invoke(main, ["events", str(log), "--year", "2014", "--format", "jsonl", "-q"])
    assert loud.exit_code == quiet.exit_code == 0
    assert "lines read" in loud.stderr and "lines read" not in quiet.stderr
    assert "not valid UTF-8" in quiet.stderr and "not valid UTF-8" in loud.stderr
    assert loud.stdout == quiet.stdout
    # piped (CliRunner's stderr is not a terminal): never a progress bar
    assert "reading" not in loud.stderr


def test_spinner_after_reading_only_when_reading_was_slow() -> None:
    """`working` shows a transient spinner on a terminal when the bar was shown
    (a big input), and nothing otherwise."""
    from kalog.cli.common import LogInputs

    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, markup=False, highlight=False)
    inputs = LogInputs(paths=("x.log",))
    with inputs.working("analysing 1,000 events", console=console):
        pass
    assert out.getvalue() == ""
    inputs.slow = True
    with inputs.working("analysing 1,000 events", console=console):
        pass
    assert "analysing 1,000 events" in out.getvalue()


def test_slow_is_set_by_the_shown_bar(monkeypatch) -> None:
    """`read` records whether its bar was shown; piped (not a terminal) never."""
    from kalog.cli import common

    class Shown(ProgressBar):
        @property
        def shown(self) -> bool:
            return True

    inputs = common.LogInputs(paths=tuple(str(p) for p in SEED_FILES), year=2014)
    inputs.read(summary=False)
    assert inputs.slow is False
    monkeypatch.setattr(common, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(common, "ProgressBar", Shown)
    inputs.read(summary=False)
    assert inputs.slow is True


def test_slow_is_set_by_a_long_read_without_the_bar(monkeypatch) -> None:
    """A dense file's bytes are all read before the bar's delay, its parsing
    takes seconds more: over a second in all counts as slow too."""
    import types

    from kalog.cli import common

    class Hidden(ProgressBar):
        @property
        def shown(self) -> bool:
            return False

    ticks = iter([0.0, 0.4])
    monkeypatch.setattr(common, "time", types.SimpleNamespace(monotonic=lambda: next(ticks)))
    monkeypatch.setattr(common, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(common, "ProgressBar", lambda: Hidden(clock=lambda: 0.0))
    inputs = common.LogInputs(paths=tuple(str(p) for p in SEED_FILES), year=2014)
    inputs.read(summary=False)
    assert inputs.slow is False
    ticks = iter([0.0, common.PROGRESS_DELAY + 0.1])
    inputs.read(summary=False)
    assert inputs.slow is True
