"""A file read by two processes gives the frame one process gives (kalog.ingest.split)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, LAB, ROOT, SEED

from kalog.ingest import split
from kalog.ingest.frame import read_events

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20k lines of the benchmark's syslog, a third keepalived."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("split") / "syslog.log"
    main(["--lines", "20000", "--keepalived-share", "0.3", "--seed", "11", "-o", str(path)])
    return path


def _both(paths: list[Path], monkeypatch: pytest.MonkeyPatch, **options: object):
    single = read_events(paths, on_error="collect", **options)
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    calls: list[str] = []
    real = split.finish

    def counting(pending, source):  # type: ignore[no-untyped-def]
        calls.append(source.name)
        return real(pending, source)

    monkeypatch.setattr(split, "finish", counting)
    parted = read_events(paths, on_error="collect", **options)
    return single, parted, calls


def test_split_file_equals_one_reader(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    single, parted, calls = _both([generated], monkeypatch, year=2024)
    assert calls == [str(generated)]
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]
    assert single.attrs["stats"]["lines_read"] == 20_000
    assert parted["line"].is_monotonic_increasing and parted["line"].iloc[-1] > 10_000


def test_split_real_files_equal_one_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    files = [*sorted(CORPUS.glob("*.log")), *sorted(SEED.glob("*.log")), *LAB.glob("*/*.log")]
    single, parted, calls = _both(files, monkeypatch, year=2024)
    assert len(calls) == len(files)
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]


def test_split_keeps_line_numbers_of_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over-long lines and bad bytes in the second part are reported as one reader would."""
    line = "Aug 25 15:21:35 lb1 Keepalived_vrrp[7]: (VI_1) Entering MASTER STATE\n"
    long_line = "Aug 25 15:21:36 lb1 Keepalived_vrrp[7]: " + "x" * 70_000 + "\n"
    bad = b"Aug 25 15:21:37 lb1 Keepalived_vrrp[7]: (VI_1) caf\xe9 Entering BACKUP STATE\n"
    path = tmp_path / "lb1.log"
    path.write_bytes((line * 3000 + long_line + line * 10).encode() * 2 + bad + b"tail")
    _segments(path, monkeypatch, 5)
    single, parted, _ = _both([path], monkeypatch, year=2024)
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]
    assert parted.attrs["stats"]["undecodable_bytes"] == 1
    assert [w for w in single.attrs["stats"]["warnings"] if "truncated" in w] == [
        f"{path}: line 3001: 70040 bytes, truncated to 65536",
        f"{path}: line 6012: 70040 bytes, truncated to 65536",
    ]


def test_dense_files_are_read_by_one_process(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A third of the lines are keepalived's: reading them here costs less than handing over."""
    from kalog.ingest.read import Source

    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    assert split.worth_splitting(Source(name=str(generated)))
    assert split.start(Source(name=str(generated))) is None
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    pending = split.start(Source(name=str(generated)))
    assert pending is not None
    pending.abandon()


def test_density_is_judged_inside_the_file_not_by_its_start(tmp_path: Path) -> None:
    """A burst of start-up lines does not make a sparse syslog dense."""
    ka = "Aug 25 15:21:35 lb1 Keepalived_vrrp[7]: (VI_1) Entering BACKUP STATE\n"
    other = "Aug 25 15:21:36 lb1 sshd[9]: Accepted publickey for root from 10.0.0.9\n"
    path = tmp_path / "messages"
    path.write_text(ka * 3000 + (other * 99 + ka) * 2000)
    assert not split._dense(str(path), path.stat().st_size)
    path.write_text((other * 9 + ka) * 20000)
    assert split._dense(str(path), path.stat().st_size)


def test_small_compressed_and_piped_inputs_are_not_split(generated: Path) -> None:
    from kalog.ingest.read import Source

    assert not split.worth_splitting(Source(name=str(generated)))  # under the size
    assert not split.worth_splitting(Source(name="-"))


def test_split_reports_progress_of_both_parts(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    reports: list[tuple[int, int | None]] = []
    read_events(generated, year=2024, progress=lambda done, total: reports.append((done, total)))
    size = generated.stat().st_size
    assert reports[-1] == (size, size)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_prestarted_child_is_joined_like_a_late_one(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prestart` (the command line, before pandas loads) = splitting when reading."""
    single = read_events(generated, year=2024)
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    split.prestart([str(generated)])
    early = split._EARLY[str(generated)]
    assert len(early.bounds) == 3  # a small file: two segments, one for each process
    parted = read_events(generated, year=2024)
    assert split._EARLY == {} and early.done
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]


def _segments(path: Path, monkeypatch: pytest.MonkeyPatch, count: int) -> list[int]:
    monkeypatch.setattr(split, "SEGMENT_BYTES", path.stat().st_size // count)
    bounds = split._bounds(str(path), path.stat().st_size)
    data = path.read_bytes()
    assert all(data[b - 1 : b] == b"\n" for b in bounds[1:-1])  # cut at line starts
    return bounds


def test_many_segments_meet_and_join_like_one_reader(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both processes take segments (one from each end) until they meet; the joined
    parts keep the line numbers, counts and warnings of one reader."""
    bounds = _segments(generated, monkeypatch, 23)
    assert len(bounds) == 24
    single, parted, calls = _both([generated], monkeypatch, year=2024)
    assert calls == [str(generated)]
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]


def test_claims_split_the_segments_between_the_ends() -> None:
    import multiprocessing

    claims = split._Claims(multiprocessing.get_context("fork"), 5)
    taken = [claims.from_start(), claims.from_end(), claims.from_end(), claims.from_start()]
    assert taken == [0, 4, 3, 1]
    assert claims.from_end() == 2
    assert claims.from_start() is None and claims.from_end() is None
    assert claims.meeting() == 2


def test_failed_child_part_is_read_here(generated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that fails after taking segments: this process reads them itself."""
    bounds = _segments(generated, monkeypatch, 9)

    def broken(gathered: object, spool: Path) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(split, "_save", broken)
    meetings: list[int] = []
    real = split.finish

    def watched(pending, source):  # type: ignore[no-untyped-def]
        result = real(pending, source)
        meetings.append(pending.claims.meeting())
        return result

    monkeypatch.setattr(split, "finish", watched)
    single, parted, calls = _both([generated], monkeypatch, year=2024)
    assert calls == [str(generated)]
    assert meetings[0] < len(bounds) - 1  # the child had taken segments
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]


def test_a_failed_read_here_stops_the_child_at_once(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process fails reading its segment: the error comes out without waiting for
    the child (which would take 30 s per segment here), and nothing is left behind."""
    _segments(generated, monkeypatch, 5)
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    parent = os.getpid()
    real = split._read_part

    def slow_child_failing_parent(*args, **kwargs):  # type: ignore[no-untyped-def]
        if os.getpid() == parent:
            raise OSError("read error")
        time.sleep(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(split, "_read_part", slow_child_failing_parent)
    source = split.Source(name=str(generated))
    pending = split.start(source)
    assert pending is not None
    began = time.monotonic()
    with pytest.raises(OSError, match="read error"):
        split.finish(pending, source)
    assert time.monotonic() - began < 10
    assert not pending.process.is_alive()
    assert not any(path.exists() for path in split._spool_files(pending.spool))


def test_child_left_without_segments_hands_over_an_empty_part(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child too slow to take any segment: this process reads them all."""
    _segments(generated, monkeypatch, 5)
    monkeypatch.setattr(split._Claims, "from_end", lambda self: None)
    single, parted, calls = _both([generated], monkeypatch, year=2024)
    assert calls == [str(generated)]
    pd.testing.assert_frame_equal(parted, single)
    assert parted.attrs["stats"] == single.attrs["stats"]


def test_abandoned_children_leave_no_process_or_file(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(split, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(split, "SPLIT_DENSE", True)
    split.prestart([str(generated)])
    pending = split._EARLY[str(generated)]
    split.abandon_all()
    assert split._EARLY == {} and split._STARTED == []
    assert not pending.process.is_alive()
    assert not any(path.exists() for path in split._spool_files(pending.spool))


def test_child_reads_without_importing_pandas(generated: Path, tmp_path: Path) -> None:
    """The command line forks before pandas is imported: the child must not import it.

    Run in a fresh interpreter (this one has pandas).  The child records
    whether it had pandas when it saved its part; this process then loads
    that part (the child answered) and the joined lines equal one reader's.
    """
    marker = tmp_path / "child-had-pandas"
    script = f"""
import os
import subprocess
import sys
import time
from pathlib import Path
from kalog.ingest import split
from kalog.ingest.read import Source
from kalog.ingest.scan import gather

split.SPLIT_MIN_BYTES = 0
split.SPLIT_DENSE = True
split.SEGMENT_BYTES = {generated.stat().st_size // 6}
real_save, real_load, loaded = split._save, split._load, []

def save(gathered, spool):
    Path({str(marker)!r}).write_text(str("pandas" in sys.modules))
    real_save(gathered, spool)

def load(spool):
    loaded.append(spool)
    return real_load(spool)

split._save, split._load = save, load
source = Source(name={str(generated)!r})
pending = split.start(source)
had = "pandas" in sys.modules
joined = split.finish(pending, source)
one = gather(Source(name={str(generated)!r}))
same = joined.numbers.tolist() == one.numbers.tolist() and joined.lines.equals(one.lines)
print(had, len(loaded), same, source.lines_read)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["False", "1", "True", "20000"]
    assert marker.read_text() == "False"


def test_the_reading_child_needs_neither_pandas_nor_pyparsing() -> None:
    """What the command line imports before forking (`prestart`) stays small.

    Every module imported before the fork delays the child's first segment.
    """
    script = (
        "import sys, kalog.ingest.split;"
        "print(sorted(m for m in ('pandas', 'pyparsing') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("command", ["analyze", "events", "timeline", "explain"])
def test_the_commands_options_need_no_pandas(command: str) -> None:
    """A command's module (its options, built before `prestart` forks the
    readers) imports none of pandas, numpy, pyarrow or pyparsing: each
    delays the children's first segment (a findings import of the model
    once took `kalog analyze`'s fork from 0.03 to 0.43 s)."""
    script = (
        f"import sys, kalog.cli.{command};"
        "print(sorted(m for m in ('pandas', 'numpy', 'pyarrow', 'pyparsing') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_the_events_formats_are_the_writers() -> None:
    from kalog.cli.events import FORMATS
    from kalog.report import events as writer

    assert FORMATS == writer.FORMATS
