"""Excerpt consistency (issue 13): a window of a real capture never contradicts the whole.

Every capture the repo has (samples/lab/*/ as .log set and .console set,
samples/seed ex1 and ex2, each tests/data/corpus file and the known corpus
pairs) is cut into windows -- seeded random slices, single-host slices,
windows that begin or end inside a failover -- and each window's model is
held to the full log's model (checks (a)-(d): tests/excerpts.py).  The share
of windows that hold is printed in the terminal summary; it must be 100%.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from kalog.model.timeline import Segment
from tests import excerpts
from tests.excerpts import Capture, Full, Window

#: Processes for the windows (each window is a read and a replay, ~35 ms).
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: How many windows are listed when some do not hold.
SHOWN = 10


@pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")
def test_every_window_agrees_with_the_full_log() -> None:
    outcomes = list(excerpts.run_all(excerpts.captures(), workers=WORKERS))
    total = sum(outcome.windows for outcome in outcomes)
    failed = [window for outcome in outcomes for window in outcome.failed]
    failures = [failure for outcome in outcomes for failure in outcome.failures]
    held = total - len(failed)
    share = 100.0 * held / total if total else 100.0
    windows_by_check = {
        check: len({f.window for f in failures if f.check == check}) for check in "abcd"
    }
    checks = ", ".join(f"({c}) {n}" for c, n in windows_by_check.items())
    excerpts.SUMMARY.append(
        f"excerpt windows: {held}/{total} hold ({share:.1f}%) over {len(outcomes)} captures; "
        f"failing windows per check: {checks}"
    )
    assert total > 1000  # the captures are all there, and cut
    shown: list[str] = []
    for window in failed[:SHOWN]:
        shown.append(window.describe())
        shown.extend(
            f"    ({f.check}) {f.what}: {f.detail}" for f in failures if f.window == window
        )
    if failed:
        pytest.fail(
            f"{len(failed)} of {total} windows ({100.0 - share:.1f}%) contradict the full log "
            f"(failing windows per check: {checks}); the first {min(len(failed), SHOWN)}:\n"
            + "\n".join(shown),
            pytrace=False,
        )


# ---------------------------------------------------------------------------
# the harness itself


def test_captures_cover_every_input() -> None:
    names = {capture.name for capture in excerpts.captures()}
    lab = [d.name for d in (excerpts.SAMPLES / "lab").iterdir() if d.is_dir()]
    assert {f"lab/{s}/{k}" for s in lab for k in ("log", "console")} <= names
    assert {"seed/ex1", "seed/ex2", "corpus/020+097", "corpus/032+042"} <= names
    corpus = {f"corpus/{p.stem}" for p in excerpts.CORPUS.glob("*.log")}
    assert corpus <= names


def _capture(name: str) -> Capture:
    return next(c for c in excerpts.captures() if c.name == name)


def test_window_lines_map_back_to_the_full_file() -> None:
    full = Full(_capture("lab/graceful-stop/log"))
    window = Window(full.capture.name, "test", (("node-a.log", 21, 40), ("node-b.log", 5, 9)))
    with tempfile.TemporaryDirectory() as tmp:
        view = excerpts.replay_window(full, window, Path(tmp))
    assert sorted(set(zip(view.name, view.line, strict=True))) == [
        *(("node-a.log", n) for n in range(21, 41)),
        *(("node-b.log", n) for n in range(5, 10)),
    ]
    # the same lines' times as in the full read (a window's year or zone cannot drift)
    assert all(
        ts == full.view.ts[full.row[(name, line)]]
        for name, line, ts in zip(view.name, view.line, view.ts, strict=True)
    )


def test_the_whole_capture_is_one_of_its_windows_and_windows_are_seeded() -> None:
    full = Full(_capture("seed/ex1"))
    cut = excerpts.windows(full)
    assert cut[0].kind == "whole"
    assert cut == excerpts.windows(full)  # same seed, same windows
    assert {w.kind for w in cut} == {"whole", "host", "random", "edge"}


@pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")
def test_untimed_lines_are_compared_in_line_order() -> None:
    full = Full(_capture("corpus/096"))
    window = Window(full.capture.name, "test", (("096.log", 2, 4),))
    with tempfile.TemporaryDirectory() as tmp:
        view = excerpts.replay_window(full, window, Path(tmp))
    # bare messages: every line has a place, the full file's line number
    assert view.untimed_hosts == {"096"}
    assert [excerpts._untimed(ts) for ts in view.ts] == [2, 3, 4]


def test_state_as_of_a_line_puts_lineless_segments_first() -> None:
    t = pd.Timestamp("2020-01-01 00:00:01")
    implied = Segment(t, t, "BACKUP", None, "unknown", None, None, 0, "implied")
    entered = Segment(t, t, "MASTER", None, "unknown", "x.log", 7, 0, "enter_state")
    keyed = [((t.value, -1, -1), implied), ((t.value, 0, 7), entered)]
    assert excerpts._as_of(keyed, (t.value, 0, 6)) is implied
    assert excerpts._as_of(keyed, (t.value, 0, 7)) is entered
    assert excerpts._as_of(keyed, (t.value - 1, 0, 9)) is None
