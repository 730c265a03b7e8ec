"""The fast paths give exactly the answers of the plain ones (issue 5: same answers).

Speed work replaced per-line dicts, whole-block decoding, regex scans and
frame-wide conversions by shortcuts.  Each shortcut is checked here against
the code it stands for, on real inputs: the corpus, the seed logs, the lab
captures (syslog files and keepalived's console output) and a generated
syslog of the benchmark's shape.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS, LAB, ROOT, SEED

from kalog.grammar import envelope as env
from kalog.ingest.frame import read_events
from kalog.ingest.read import LineBlock
from kalog.model.rows import EventColumns

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

REAL_FILES = [
    *sorted(CORPUS.glob("*.log")),
    *sorted(SEED.glob("*.log")),
    *sorted(LAB.glob("*/*.log")),
    *sorted(LAB.glob("*/*.console")),
    *sorted((ROOT / "tests" / "data" / "pastes").glob("*.log")),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20k lines of the benchmark's syslog (half keepalived), over New Year."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("bench") / "syslog.log"
    argv = ["--lines", "20000", "--keepalived-share", "0.5", "--seed", "7", "--year-boundary"]
    assert main([*argv, "-o", str(path)]) == 0
    return path


def test_inputs_are_many_and_varied() -> None:
    assert len(REAL_FILES) > 80
    assert any(p.suffix == ".console" for p in REAL_FILES)


def _real_lines() -> list[tuple[Path, list[str]]]:
    return [(p, p.read_text(encoding="utf-8").splitlines()) for p in REAL_FILES]


def test_envelope_row_equals_read_envelope_on_every_real_line(generated: Path) -> None:
    files = [*_real_lines(), (generated, generated.read_text(encoding="utf-8").splitlines())]
    compared = kept = 0
    for path, lines in files:
        layout, primary = env.sniff(lines[: env.SNIFF_LINES * 4])
        # the file's own layout, and every style as primary (as another file could sniff)
        for style in (primary, *env.STYLES):
            for line in lines:
                found = env.read_envelope(line, layout, style)
                expected = (
                    None
                    if found is None
                    else (found.style, tuple(found.fields[k] for k in env.FIELDS))
                )
                assert env.read_envelope_row(line, layout, style) == expected, (path, line)
                compared += 1
                kept += expected is not None
    assert compared > 100_000 and kept > 50_000


def test_console_stamp_byte_test_never_misses_a_stamp() -> None:
    texts = [p.read_text(encoding="utf-8") for p in REAL_FILES]
    samples = texts + [line for text in texts for line in text.splitlines()]
    samples += [
        "Thu Jan  1 00:00:12 1970: (VI_1) Entering MASTER STATE",
        "Aug 25 15:21:35 h docker[1]: Thu Nov 26 05:35:08.123456789 2026: (VI_1) x",
        "Thu Nov 05:35:08 2026:",
        "x 0 2026:",
        "",
    ]
    stamped = 0
    for text in samples:
        if not text.isascii():
            continue
        if env.has_console_stamp(text):
            stamped += 1
            assert env.may_have_console_stamp(text.encode()), text
    assert stamped > 150
    assert not env.may_have_console_stamp(b"Aug 25 15:21:35 h sshd[1]: port 2222: closed")


@pytest.mark.parametrize("path", REAL_FILES[::7], ids=lambda p: p.name)
def test_ascii_blocks_behave_like_decoded_blocks(path: Path) -> None:
    data = path.read_bytes().rstrip(b"\n")
    if not data.isascii():
        pytest.skip("not ASCII")
    warned_text: list[str] = []
    warned_data: list[str] = []
    text = LineBlock(5, data.decode(), 80, warned_text.append)
    raw = LineBlock(5, None, 80, warned_data.append, data=data)
    for word in ("eepalived", "VRRP", "(", "no such word"):
        fresh = LineBlock(5, None, 80, warned_data.append, data=data)
        found = fresh.find_lines(word)
        assert found == text.find_lines(word)
        assert fresh.count == text.count
        split = data.decode().split("\n")  # numbering only: no length cap
        assert [i for i, _ in found] == [i for i, t in enumerate(split) if word in t]
    assert raw.count == text.count == data.count(b"\n") + 1
    assert raw.head(7) == text.head(7)
    assert raw.lines == text.lines
    assert raw.text == text.text
    assert warned_data == warned_text


def test_frames_fast_equal_plain_on_lab_and_generated(generated: Path) -> None:
    files = [*sorted(LAB.glob("*/*.log")), *sorted(LAB.glob("*/*.console")), generated]
    fast = read_events(files, year=2024)
    plain = read_events(files, year=2024, engine="plain")
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.attrs["stats"] == plain.attrs["stats"]
    assert len(fast) > 10_000


def _boxed(frame: pd.DataFrame) -> list[dict]:
    """The conversion the replay used to do for every row."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for record in records:
        record["kind"] = str(record["kind"])
    return records


def test_event_columns_give_the_values_of_a_full_conversion(generated: Path) -> None:
    frame = read_events([*sorted(CORPUS.glob("*.log")), generated], year=2024)
    frame = frame.drop(columns=["raw", "body"])
    expected = _boxed(frame)
    columns = EventColumns(frame)
    positions = np.arange(len(frame))
    got = columns.records(positions)
    for record in got:
        record["kind"] = str(record["kind"])
    assert got == expected
    assert [type(v) for v in got[0].values()] == [type(v) for v in expected[0].values()]
    sparse = columns.sparse_records(positions[::3])
    assert sparse == [{k: v for k, v in r.items() if v is not None} for r in got[::3]]
    ns = frame["ts"].dt.as_unit("ns").array.asi8
    assert np.array_equal(columns.times, ns)


def _sniffed(path: Path) -> tuple[list[str], env.FileLayout, env.Style]:
    from kalog.ingest.read import iter_line_blocks, iter_sources

    lines = [t for b in iter_line_blocks(iter_sources([str(path)])[0]) for t in b.lines]
    layout, primary = env.sniff(lines[: env.SNIFF_LINES * 4], env.match_fast)
    return lines, layout, primary


@pytest.fixture(params=["compiled", "python"])
def byte_passes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both implementations of the byte passes (kalog.speed.compiled): the compiled one
    where built."""
    from kalog.speed import compiled

    if request.param == "python":
        monkeypatch.setattr(compiled, "linescan", None)
    elif compiled.linescan is None:
        pytest.skip("kalog.speed._linescan not built (tests/speed/test_linescan.py says why)")
    return request.param


def test_bulk_envelopes_equal_the_per_line_reader(generated: Path, byte_passes: str) -> None:
    """`bulk.read_envelopes` (RE2 over an array) = `read_envelope_row` line by line."""
    import pyarrow as pa

    from kalog.grammar import bulk

    settled = 0
    for path in [*REAL_FILES, generated]:
        lines, layout, primary = _sniffed(path)
        found = bulk.read_envelopes(pa.array(lines, type=pa.large_string()), layout, primary)
        expected = [
            (i, row)
            for i, t in enumerate(lines)
            if (row := env.read_envelope_row(t, layout, primary))
        ]
        assert found.rows.tolist() == [i for i, _ in expected], path
        assert found.style.to_pylist() == [row[0] for _, row in expected], path
        for k, name in enumerate(env.FIELDS):
            assert found.fields[name].to_pylist() == [row[1][k] for _, row in expected], (
                path,
                name,
            )
        settled += len(expected)
    assert settled > 12_000


def test_bulk_envelopes_need_no_per_line_reading_on_plain_syslog(
    generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The benchmark's lines are all settled in bulk (else the fast path is not one)."""
    import pyarrow as pa

    from kalog.grammar import bulk

    per_line = bulk._per_line
    seen: list[int] = []

    def counting(lines, positions, layout, primary):  # type: ignore[no-untyped-def]
        seen.append(len(lines))
        return per_line(lines, positions, layout, primary)

    monkeypatch.setattr(bulk, "_per_line", counting)
    lines, layout, primary = _sniffed(generated)
    candidates = [t for t in lines if env.PREFILTER_WORD in t]  # what the reader hands over
    found = bulk.read_envelopes(pa.array(candidates, type=pa.large_string()), layout, primary)
    assert seen == [] and len(found.rows) == len(candidates) > 5_000


def test_bulk_envelopes_on_lines_that_differ_between_engines(byte_passes: str) -> None:
    """Lines where RE2 and Python's re could part ways are read exactly as per line."""
    import pyarrow as pa

    from kalog.grammar import bulk

    lines = [
        "Aug 25 15:21:35 host Keepalived_vrrp[]: (VI_1) Entering MASTER STATE",  # empty pid
        "Aug 25 15:21:35 host Keepalived_vrrp[12]:",  # empty body
        "Aug 25 15:21:35 host Keepalived_vrrp: (VI_1) no pid",
        "Aug 25 15:21:35 h\u00a0st Keepalived_vrrp[1]: NBSP in the host",
        "Aug 25 15:21:35 host\x1cx Keepalived_vrrp[1]: \\x1c is Python whitespace",
        "Aug 25 15:21:35 host Keepalived_vrrp[1]: Thu Nov 26 05:35:08 2026: relayed",
        "Aug 25 15:21:35 host docker[1]: Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE",
        "Aug 25 15:21:35 host sshd[1]: Keepalived mentioned by someone else",
        "Aug 25 15:21:35 host keepalived_vrrp_ns1[7]: suffixed ident",
        "Ağu 25 15:21:35 host Keepalived[1]: localised month",
        "un 25 23:29:04 BSP-POC6 Keepalived_vrrp[23071]: (AST3_192) damaged header",
        "Keepalived_vrrp[21821]: VRRP_Instance(VI_GATEWAY) Entering BACKUP STATE",
        "",
        "Aug  5 15:21:35 fe80::1 Keepalived_vrrp[3:4]: colon in the pid, IPv6 host",
        "Aug 25 15:21:35 host Keepalived_vrrp[1]:no space after the tag",
        "Aug 25 15:21:35 host Keepalived_vrrp[1]:  two spaces",
        "Aug 25 15:21:35.123456 host Keepalived[1]: short-precise",
        "AUG 25 15:21:35 host Keepalived[1]: upper-case month",
        "Aug 25 15:21:35 host Keepalived[1] [2]: two brackets",
        "Aug 25 15:21:35 host Keepalived[1]]: extra bracket",
        "Aug 25 15:21:35 host [Keepalived[1]: bracket before",
        "2024-04-11T07:10:12.735677+00:00 host Keepalived[3683]: iso",
        "2024-04-11 07:10:12+0000 host Keepalived_vrrp[1]: iso with a space",
        "2024-04-11T07:10:12Z host Keepalived_vrrp[1]: zulu",
        "2024-04-11T07:10:12 host Keepalived_vrrp: no offset, no pid",
        "2024-04-11T07:10:12,5-05:30 host keepalived[1]: comma fraction",
        "2024-04-11T07:10:12.735677+00:00 host Keepalived_vrrp[3:4]: colon in the pid",
        "2024-04-11T07:10:12.735677+00:00 host Keepalived_vrrp[]:",
        "2024-04-11T07:10:12.735677+00:00 host CRON[1]: Keepalived restarted by cron",
    ]
    for primary in (env.RFC3164, env.ISO8601):
        layout = "syslog"
        found = bulk.read_envelopes(pa.array(lines, type=pa.large_string()), layout, primary)
        expected = [
            (i, row)
            for i, t in enumerate(lines)
            if (row := env.read_envelope_row(t, layout, primary))
        ]
        assert found.rows.tolist() == [i for i, _ in expected]
        assert found.style.to_pylist() == [row[0] for _, row in expected]
        for k, name in enumerate(env.FIELDS):
            assert found.fields[name].to_pylist() == [row[1][k] for _, row in expected], name


def test_fast_collect_equals_plain_collect(generated: Path) -> None:
    """Per input, the fast engine's part holds the plain engine's values, times completed.

    Object columns are compared by repr, so None and NaN are told apart too;
    the fast engine keeps raw as an arrow string, the envelope fields the
    frame uses (style, host, program, pid, body, repeated) as categoricals
    (a missing cell is missing; a missing body is "", as `_assemble` reads
    it), and only the times of the other fields.
    """
    from kalog.ingest import frame as module
    from kalog.ingest.read import iter_sources

    for path in [*REAL_FILES[::3], generated]:
        fast_source, plain_source = iter_sources([str(path)])[0], iter_sources([str(path)])[0]
        fast, times = module._collect(fast_source, "fast")
        plain, nothing = module._collect(plain_source, "plain")
        assert times is not None and nothing is None
        module._complete_times(fast, fast_source, 2020, "fast", times)
        module._complete_times(plain, plain_source, 2020, "plain")
        assert fast_source.warnings == plain_source.warnings
        assert list(fast.columns) == [
            *("line", "raw", "style", "host", "program", "pid", "body", "repeated"),
            *("naive", "offset"),
        ]
        for name in fast.columns:
            want = plain[name]
            if name == "body":
                want = want.where(want.notna(), "")
            if str(fast[name].dtype) == "string":
                got = [None if v is pd.NA else v for v in fast[name]]
                assert got == [None if not isinstance(v, str) else v for v in want], (path, name)
            elif isinstance(fast[name].dtype, pd.CategoricalDtype):
                got = fast[name].astype(object).where(fast[name].notna(), None).tolist()
                assert got == [None if not isinstance(v, str) else v for v in want], (path, name)
                assert all(isinstance(v, str) for v in got if v is not None), (path, name)
            else:
                assert str(fast[name].dtype) == str(want.dtype), (path, name)
                assert list(map(repr, fast[name])) == list(map(repr, want)), (path, name)


def test_clock_digits_equal_to_timedelta() -> None:
    import random

    from kalog.ingest.frame import _clock

    rng = random.Random(5)
    times = ["15:21:35", "25:61:61", "99:99:99", "00:00:00.1", "15:21:35,5", "01:02:03.000000001"]
    for _ in range(3000):
        text = f"{rng.randrange(100):02d}:{rng.randrange(100):02d}:{rng.randrange(100):02d}"
        if rng.random() < 0.6:
            text += rng.choice(".,") + "".join(rng.choices("0123456789", k=rng.randint(1, 9)))
        times.append(text)
    series = pd.Series(times, dtype=object, index=range(10, 10 + len(times)))
    expected = pd.to_timedelta(series.str.replace(",", ".", regex=False))
    pd.testing.assert_series_equal(_clock(series), expected, check_names=False)
    odd = pd.Series(["1:2:3", "15:21:35"], dtype=object)  # not TIME-shaped: to_timedelta
    pd.testing.assert_series_equal(_clock(odd), pd.to_timedelta(odd), check_names=False)


def test_day_starts_equal_to_datetime_of_every_row() -> None:
    """`_day_starts` (once per distinct date) equals `pd.to_datetime` of the rows,
    invalid dates (Feb 30, month 13, day 0) as NaT, and odd parts the whole way."""
    from kalog.ingest.frame import _day_starts

    rng = np.random.default_rng(8)
    count = 3000
    cases = [
        (
            rng.integers(1990, 2030, count),
            rng.integers(0, 14, count),
            rng.integers(0, 33, count),
        ),
        (np.array([2024, 2024.5]), np.array([2, 2]), np.array([29, 1])),  # not whole: the long way
        (np.array([2024, 2024]), np.array([1, 1]), np.array([1500, 1])),  # day >= 1000
    ]
    for y, m, d in cases:
        index = pd.RangeIndex(5, 5 + len(y))
        years, months, days = (
            pd.Series(np.asarray(v, dtype=float), index=index) for v in (y, m, d)
        )
        expected = pd.to_datetime(
            pd.DataFrame({"year": years, "month": months, "day": days}), errors="coerce"
        )
        got = _day_starts(years, months, days)
        assert got.index.equals(expected.index)
        assert got.dtype == expected.dtype
        assert got.isna().tolist() == expected.isna().tolist()
        assert got.dropna().tolist() == expected.dropna().tolist()
