"""The compiled byte passes (kalog/speed/_linescan.c) give exactly the Python passes' answers.

The Python passes stay as the fallback of an install built without a C
compiler and are the oracle here: on every real file, on generated syslog,
on edge cases (no final newline, matches at both ends, empty lines, a word
twice on a line, stamps across the C loop's 64-byte runs) and on seeded
random bytes.  The whole reader is also run both ways.
"""

from __future__ import annotations

import random
import shutil
import sys
import sysconfig
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, LAB, ROOT, SEED

from kalog.grammar import envelope as env
from kalog.ingest import read
from kalog.ingest.frame import read_events
from kalog.ingest.read import LineBlock
from kalog.speed import compiled

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

REAL_FILES = [
    *sorted(CORPUS.glob("*.log")),
    *sorted(SEED.glob("*.log")),
    *sorted(LAB.glob("*/*.log")),
    *sorted(LAB.glob("*/*.console")),
]


def _can_build() -> bool:
    """True where setup.py can build the module: a C compiler and Python's headers."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"], "Python.h")
    return shutil.which(compiler) is not None and headers.exists()


@pytest.fixture(scope="module")
def linescan():
    """The compiled module.  Skipped (with the reason) where it cannot be built; a
    failure where it could be but is missing (an install that skipped it)."""
    if compiled.linescan is None:
        if _can_build():
            pytest.fail(
                "kalog.speed._linescan is missing though a C compiler and Python.h are here: "
                "install with the README's `pip install -e '.[test]'`, which builds it in place"
            )
        pytest.skip(
            "kalog.speed._linescan not built (no C compiler or Python.h): Python passes only"
        )
    return compiled.linescan


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20k lines of the benchmark's syslog, 1% keepalived: the sparse shape the C pass is for."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("bench") / "syslog.log"
    argv = ["--lines", "20000", "--keepalived-share", "0.01", "--seed", "3"]
    assert main([*argv, "-o", str(path)]) == 0
    return path


def _python_find(data: bytes, word: bytes) -> tuple[int, list[tuple[int, int, int]]]:
    """The Python pass (the same shape as the C function's answer)."""
    return LineBlock(1, None, data=data)._find_python(data, word, b"\n")


def _python_console(data: bytes, monkeypatch: pytest.MonkeyPatch) -> bool:
    with monkeypatch.context() as patch:
        patch.setattr(compiled, "linescan", None)
        return env.may_have_console_stamp(data)


EDGE_CASES = [
    b"",
    b"\n",
    b"\n\n\n",
    b"Keepalived",
    b"Keepalived\n",
    b"\nKeepalived",
    b"Keepalived\nKeepalived\nKeepalived",
    b"a Keepalived b Keepalived c\n\nKeepalived",
    b"KeepalivedKeepalived\nx",
    b"Keepalive\nd Keepalived_vrrp[1]: x\nKeepalive",
    b"x\n" * 300 + b"Keepalived" + b"y\n" * 300,
    b"no such word here\nnor here",
    b"\n" * 1000 + b"Keepalived\n" + b"\n" * 600,  # newline runs over the C count's 255-byte runs
    "caf\u00e9 Keepalived \u00fc\nKeepalived\u00e9".encode(),
]


def test_find_lines_on_edge_cases(linescan) -> None:
    for data in EDGE_CASES:
        # the C search memchrs for the word's rarest byte: first, middle, last, non-ASCII
        for word in (b"Keepalived", b"eepalived", b"K", b"d", b"Keepalived K", "\u00e9".encode()):
            assert linescan.find_lines(data, word) == _python_find(data, word), (data, word)
    assert linescan.find_lines(b"a\nKeepalived x\nb\nc Keepalived", b"Keepalived") == (
        3,
        [(1, 2, 14), (3, 17, 29)],
    )


def test_find_lines_on_real_and_generated_files(linescan, generated: Path) -> None:
    hits = 0
    for path in [*REAL_FILES, generated]:
        data = path.read_bytes()
        for word in (b"eepalived", b"Keepalived", b"VRRP", b"(", b"no such word"):
            found = linescan.find_lines(data, word)
            assert found == _python_find(data, word), (path, word)
            hits += len(found[1])
    assert hits > 8_000


def test_find_lines_on_seeded_random_bytes(linescan) -> None:
    pieces = [b"Keepalived", b"Keep", b"alived", b"\n", b"\n\n", b" ", b"x", b"\x00", b"\xff"]
    rng = random.Random(5)
    for _ in range(3000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randrange(0, 60)))
        assert linescan.find_lines(data, b"Keepalived") == _python_find(data, b"Keepalived"), data


def test_find_lines_refuses_an_empty_word_and_text(linescan) -> None:
    for word in (b"", b"\n", b"Keep\nalived"):
        with pytest.raises(ValueError, match="empty or holds a newline"):
            linescan.find_lines(b"abc\nKeep\nalived", word)
    with pytest.raises(TypeError):
        linescan.find_lines("abc", b"a")
    assert linescan.find_lines(memoryview(b"a\nKeepalived"), b"Keepalived") == (1, [(1, 2, 12)])


def test_console_test_on_real_files_and_lines(linescan, monkeypatch: pytest.MonkeyPatch) -> None:
    may = 0
    for path in REAL_FILES:
        data = path.read_bytes()
        for sample in [data, *data.splitlines()]:
            expected = _python_console(sample, monkeypatch)
            assert env.may_have_console_stamp(sample) == expected, (path, sample)
            may += expected
    assert may > 150


def test_console_test_across_the_64_byte_runs(linescan, monkeypatch: pytest.MonkeyPatch) -> None:
    stamp = b"Thu Nov 26 05:35:08 2026:"
    for size in (7, 8, 30, 63, 64, 69, 70, 71, 128, 200):
        for at in range(0, size - len(stamp) + 1):
            data = b"a" * at + stamp + b"b" * (size - at - len(stamp))
            assert env.may_have_console_stamp(data) is True, (size, at)
        tail = b"x" * (size - 7) + b"8 2026:"  # the stamp's last 7 bytes only, at the very end
        assert env.may_have_console_stamp(tail) == _python_console(tail, monkeypatch) == True  # noqa: E712
    near_misses = [b"x 2026:", b"8 2026:"[:-1] + b";", b"8 202a:", b"a 2026:", b"8_2026:"]
    for miss in near_misses:
        for pad in (0, 57, 58, 64, 100):
            data = b"." * pad + miss
            assert env.may_have_console_stamp(data) == _python_console(data, monkeypatch), data
    assert env.may_have_console_stamp(b"8 2026:") is True
    assert env.may_have_console_stamp(b"Aug 25 15:21:35 h sshd[1]: port 2222: closed") is False


def test_console_test_on_seeded_random_bytes(linescan, monkeypatch: pytest.MonkeyPatch) -> None:
    alphabet = b"0123456789 :a\n"
    rng = random.Random(11)
    for _ in range(3000):
        data = bytes(rng.choice(alphabet) for _ in range(rng.randrange(7, 150)))
        assert linescan.may_have_console_stamp(data) == _python_console(data, monkeypatch), data


@pytest.mark.parametrize("chunk", [read.CHUNK_SIZE, 1 << 14], ids=["4MiB", "16KiB"])
def test_reader_gives_the_same_frame_with_and_without_the_compiled_passes(
    linescan, generated: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """In 16 KiB blocks, most blocks of the generated file are sparse (`find_lines`);
    in 4 MiB ones its start-up burst makes its one block dense (pyarrow's search)."""
    monkeypatch.setattr(read, "CHUNK_SIZE", chunk)
    calls: Counter[str] = Counter()

    class Counting:  # the compiled module, its calls counted: the fast read must use both
        def find_lines(self, data: bytes, word: bytes) -> tuple[int, list]:
            calls["find_lines"] += 1
            return linescan.find_lines(data, word)

        def may_have_console_stamp(self, data: bytes) -> bool:
            calls["may_have_console_stamp"] += 1
            return linescan.may_have_console_stamp(data)

        def seek(self, *args: object) -> None:
            calls["seek"] += 1
            return linescan.seek(*args)

    files = [*REAL_FILES, generated]
    monkeypatch.setattr(compiled, "linescan", Counting())
    fast = read_events(files, year=2024)
    assert calls["may_have_console_stamp"] > 0 and calls["seek"] > 0, calls
    assert (calls["find_lines"] > 100) == (chunk == 1 << 14), calls
    monkeypatch.setattr(compiled, "linescan", None)
    python = read_events(files, year=2024)
    pd.testing.assert_frame_equal(fast, python)
    assert fast.attrs["stats"] == python.attrs["stats"]
    assert len(fast) > 3_000


def test_version_says_which_passes_read_bytes() -> None:
    from click.testing import CliRunner

    from kalog.cli import main

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert f"byte passes: {compiled.describe()}" in result.output


def test_seek_equals_the_numpy_search(linescan, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_Cutter.next` / `skip`: compiled = numpy, from every position of every string
    (past its end too), on strings where runs of the byte cross string boundaries."""
    import numpy as np
    import pyarrow as pa

    from kalog.grammar.bulk import _Cutter

    rng = random.Random(2)
    texts = ["", " ", "  a", "a  ", "Nov  5 10:00:00 h p[1]: x", "::[ ]", "x" * 70]
    texts += ["".join(rng.choice(" :[ab") for _ in range(rng.randrange(0, 12))) for _ in range(300)]
    cut = _Cutter(pa.array(texts, type=pa.large_string()))
    width = max(map(len, texts)) + 2
    for shift in range(width):
        at = np.minimum(cut.starts + shift, cut.ends + 1)
        for byte in " :[z":
            fast_next, fast_skip = cut.next(byte, at), cut.skip(byte, at)
            with monkeypatch.context() as patch:
                patch.setattr(compiled, "linescan", None)
                slow_next, slow_skip = cut.next(byte, at), cut.skip(byte, at)
            assert fast_next.tolist() == slow_next.tolist(), (byte, shift)
            assert fast_skip.tolist() == slow_skip.tolist(), (byte, shift)
    assert cut.next(" ", cut.starts)[4] == cut.starts[4] + 3
    assert cut.skip(" ", cut.starts + 3)[4] == cut.starts[4] + 5


def test_seek_refuses_ranges_outside_the_data(linescan) -> None:
    import numpy as np

    out = np.empty(1, dtype=np.int64)
    for at, end in ((0, 4), (-1, 2)):
        with pytest.raises(ValueError, match="outside"):
            linescan.seek(b"abc", np.array([at]), np.array([end]), 32, True, out)
    with pytest.raises(ValueError, match="one length"):
        linescan.seek(b"abc", np.array([0, 1]), np.array([3]), 32, True, out)
    linescan.seek(b"a b", np.array([0]), np.array([3]), 32, True, out)
    assert out.tolist() == [1]
