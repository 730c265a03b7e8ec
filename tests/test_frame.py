"""The event frame: schema, docs in step, fast == plain, time zones, merge order."""

from __future__ import annotations

import gzip
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from conftest import CORPUS, ROOT, SEED

import kalog
from kalog.errors import InputError, InputWarning
from kalog.ingest import events
from kalog.ingest.frame import read_events

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

SEED_FILES = sorted(SEED.glob("*.log"))
CORPUS_FILES = sorted(CORPUS.glob("*.log"))
DOCS = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")


def test_docs_mention_every_column_and_kind() -> None:
    documented_columns = set(re.findall(r"^\| `(\w+)` \|", DOCS, re.M))
    assert documented_columns == set(events.COLUMNS)
    documented_kinds = set(re.findall(r"^\* `(\w+)` - ", DOCS, re.M))
    assert documented_kinds == set(events.KINDS)


def test_schema_exact_columns_and_dtypes() -> None:
    frame = read_events(SEED_FILES, year=2014)
    assert list(frame.columns) == list(events.COLUMNS)
    assert [str(dtype) for dtype in frame.dtypes] == list(events.COLUMNS.values())
    assert list(frame["kind"].cat.categories) == list(events.KINDS)
    # the text columns: categories are the distinct values sorted, nothing unused
    for name in events.TEXT_CATEGORIES:
        column = frame[name]
        assert list(column.cat.categories) == sorted(column.dropna().unique().tolist()), name
    assert frame["host"].tolist()[:2] == ["192_168_173_203"] * 2
    assert frame["raw"].dtype == "string"


def test_text_columns_read_like_the_strings_they_replace() -> None:
    """What users do with the frame's text columns works on the categories:
    compare, filter, count, missing cells, `astype(str)`."""
    frame = read_events(SEED_FILES, year=2014)
    assert int((frame["state"] == "MASTER").sum()) == 9
    assert frame["instance"].isna().sum() == 96
    names = frame["instance"].astype(object).where(frame["instance"].notna(), None).tolist()
    assert names[:3] == [None, None, None]
    assert frame["instance"].dropna().unique().tolist() == ["vi_1"]
    assert frame["host"].value_counts().to_dict() == {"192_168_173_203": 62, "192_168_173_204": 59}
    assert set(frame["source"].astype(str)) == {str(path) for path in SEED_FILES}


def test_empty_input_gives_empty_frame(tmp_path) -> None:
    path = tmp_path / "empty.log"
    path.write_bytes(b"")
    frame = read_events([path])
    assert frame.empty
    assert [str(dtype) for dtype in frame.dtypes] == list(events.COLUMNS.values())
    assert frame.attrs["stats"]["lines_read"] == 0
    assert frame.attrs["stats"]["warnings"] == [f"{path}: empty input"]


def test_lazy_reexport() -> None:
    assert kalog.read_events is read_events


def test_stats_on_seed() -> None:
    stats = read_events(SEED_FILES, year=2014).attrs["stats"]
    assert stats == {
        "lines_read": 30 + 32 + 32 + 27,
        "keepalived_lines": 121,
        "typed": 121,
        "unknown": 0,
        "undecodable_bytes": 0,
        "files": 4,
        "warnings": [],
        "errors": [],
        "formats": [
            {"source": str(path), "compression": "none", "styles": ["rfc3164"]}
            for path in SEED_FILES
        ],
    }


def test_merge_order_time_then_file_then_line() -> None:
    a, b = SEED / "ex2-A-backup-100.log", SEED / "ex2-B-master-99.log"
    frame = read_events([a, b], year=2014)
    # B starts at 15:31:12, A at 15:32:11: all 27 B lines come first.
    assert frame["source"].tolist() == [str(b)] * 27 + [str(a)] * 32
    assert frame["line"].tolist() == list(range(1, 28)) + list(range(1, 33))
    assert frame["ts"].is_monotonic_increasing
    # Equal times: input order decides, then line order.
    twice = read_events([a, a], year=2014)
    one, two = list(range(1, 26)), [26, 27]
    tail = [28, 28, 29, 30, 31, 32, 29, 30, 31, 32]
    assert twice["line"].tolist() == one + one + two + two + tail


def test_fast_and_plain_paths_give_identical_frames(tmp_path) -> None:
    extra = tmp_path / "extra.log.gz"
    extra.write_bytes(
        gzip.compress(
            b'{"__REALTIME_TIMESTAMP":"1712819412738468","_HOSTNAME":"rtp",'
            b'"SYSLOG_IDENTIFIER":"Keepalived_vrrp","_PID":"3684",'
            b'"MESSAGE":"(VI_1) Entering MASTER STATE"}\n'
        )
    )
    files = [*CORPUS_FILES, *SEED_FILES, extra]
    fast = read_events(files, year=2020)
    plain = read_events(files, year=2020, engine="plain")
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.attrs["stats"] == plain.attrs["stats"]
    assert len(fast) > 900


def test_timestamps_naive_when_no_offset_anywhere() -> None:
    frame = read_events(SEED_FILES, year=2014)
    assert frame["ts"].dt.tz is None
    row = frame[(frame["source"] == str(SEED / "ex1-B-master-100.log")) & (frame["line"] == 26)]
    assert row["ts"].iloc[0] == pd.Timestamp("2014-08-25 15:26:29")


def test_offsets_make_the_column_utc_and_naive_lines_utc_with_warning() -> None:
    iso = CORPUS / "040.log"
    seed = SEED / "ex1-A-backup-99.log"
    frame = read_events([iso, seed], year=2014)
    assert str(frame["ts"].dt.tz) == "UTC"
    first_iso = frame[(frame["source"] == str(iso)) & (frame["line"] == 2)]["ts"].iloc[0]
    assert first_iso == pd.Timestamp("2024-04-11 07:10:12.735677", tz="UTC")
    first_seed = frame[(frame["source"] == str(seed)) & (frame["line"] == 1)]["ts"].iloc[0]
    assert first_seed == pd.Timestamp("2014-08-25 15:21:35", tz="UTC")
    assert frame.attrs["stats"]["warnings"] == [
        f"{seed}: timestamps without UTC offset read as UTC "
        "(other inputs carry offsets; pass --tz to set their zone)"
    ]


def test_tz_option_localises_naive_and_converts_aware() -> None:
    iso = CORPUS / "040.log"
    seed = SEED / "ex1-A-backup-99.log"
    frame = read_events([iso, seed], year=2014, tz="Asia/Shanghai")
    assert str(frame["ts"].dt.tz) == "Asia/Shanghai"
    first_seed = frame[(frame["source"] == str(seed)) & (frame["line"] == 1)]["ts"].iloc[0]
    assert first_seed == pd.Timestamp("2014-08-25 15:21:35", tz="Asia/Shanghai")
    first_iso = frame[(frame["source"] == str(iso)) & (frame["line"] == 2)]["ts"].iloc[0]
    assert first_iso == pd.Timestamp("2024-04-11 15:10:12.735677", tz="Asia/Shanghai")
    assert frame.attrs["stats"]["warnings"] == []


def test_journal_json_epoch_is_utc(tmp_path) -> None:
    path = tmp_path / "j.json"
    path.write_text(
        '{"__REALTIME_TIMESTAMP":"1712819412738468","_HOSTNAME":"rtp",'
        '"SYSLOG_IDENTIFIER":"Keepalived_vrrp","_PID":"3684",'
        '"MESSAGE":"(VI_1) Entering MASTER STATE"}\n'
        '{"__REALTIME_TIMESTAMP":"1712819412738999","_HOSTNAME":"rtp",'
        '"SYSLOG_IDENTIFIER":"systemd","_PID":"1","MESSAGE":"Started keepalived."}\n'
    )
    frame = read_events([path])
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["ts"] == pd.Timestamp("2024-04-11 07:10:12.738468", tz="UTC")
    assert (row["host"], row["program"], row["pid"]) == ("rtp", "Keepalived_vrrp", 3684)
    assert (row["kind"], row["instance"], row["state"]) == ("enter_state", "VI_1", "MASTER")


def test_unreadable_input_raises_or_is_collected(tmp_path) -> None:
    missing = tmp_path / "missing.log"
    with pytest.raises(InputError):
        read_events([missing])
    frame = read_events([missing, SEED / "ex2-B-master-99.log"], year=2014, on_error="collect")
    assert len(frame) == 27
    assert frame.attrs["stats"]["errors"] == [f"{missing}: no such file"]
    assert frame.attrs["stats"]["files"] == 1


def test_library_callers_get_input_warnings(tmp_path) -> None:
    path = tmp_path / "bad.log"
    path.write_bytes(b"Aug 25 15:21:35 h Keepalived_vrrp[1]: VRRP_Script(nag) succeeded \xff\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_events([path], year=2014)
    assert [str(w.message) for w in caught if w.category is InputWarning] == [
        f"{path}: 1 bytes not valid UTF-8 (shown as U+FFFD)"
    ]
    assert frame.attrs["stats"]["undecodable_bytes"] == 1
    assert frame["body"].tolist() == ["VRRP_Script(nag) succeeded \ufffd"]


def test_host_column_rules() -> None:
    frame = read_events([CORPUS / "096.log", CORPUS / "092.log"], year=2022)
    assert set(frame.loc[frame["source"] == str(CORPUS / "096.log"), "host"]) == {"096"}
    assert set(frame.loc[frame["source"] == str(CORPUS / "092.log"), "host"]) == {"092"}
    frame = read_events([CORPUS / "096.log"], host="aws-b")
    assert set(frame["host"]) == {"aws-b"}


@pytest.mark.parametrize("engine", ["fast", "plain"])
def test_iso_lines_with_and_without_offset_in_one_file(tmp_path: Path, engine: str) -> None:
    """An ISO line without offset beside one with: read as UTC, not a crash (was TypeError)."""
    path = tmp_path / "lb.log"
    path.write_text(
        "2024-04-11T07:10:12 lb Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE\n"
        "2024-04-11T07:10:13+02:00 lb Keepalived_vrrp[1]: (VI_1) Entering BACKUP STATE\n"
    )
    frame = read_events(path, engine=engine, on_error="collect")
    assert [str(t) for t in frame["ts"]] == [
        "2024-04-11 05:10:13+00:00",
        "2024-04-11 07:10:12+00:00",
    ]
    assert list(frame["line"]) == [2, 1]
    assert list(frame["state"]) == ["BACKUP", "MASTER"]
    assert any("read as UTC" in w for w in frame.attrs["stats"]["warnings"])


@pytest.mark.parametrize("engine", ["fast", "plain"])
def test_merged_inputs_sources_and_default_hosts(tmp_path: Path, engine: str) -> None:
    """Rows of several inputs interleaved by time: each keeps its input's name,
    and a host that is missing or RFC 5424's "-" becomes its input's default.

    (`_assemble` builds `source` from one name per input and fills only the
    missing hosts; this pins both through the reordering merge.)
    """
    a = tmp_path / "alpha.one.log"
    tag = "Keepalived_vrrp 36 - - VRRP_Instance(VI_1) Entering"
    a.write_text(
        f"<30>1 2024-04-11T07:10:14Z - {tag} MASTER STATE\n"
        f"<30>1 2024-04-11T07:10:10Z h1 {tag} BACKUP STATE\n",
        encoding="utf-8",
    )
    b = tmp_path / "beta.log"
    b.write_text(
        "Apr 11 07:10:12 h2 Keepalived_vrrp[7]: VRRP_Instance(VI_1) Entering BACKUP STATE\n"
        "Apr 11 07:10:16 - Keepalived_vrrp[7]: VRRP_Instance(VI_1) Entering FAULT STATE\n",
        encoding="utf-8",
    )
    frame = read_events([a, b], year=2024, engine=engine)  # type: ignore[arg-type]
    assert frame["source"].tolist() == [str(a), str(b), str(a), str(b)]
    assert frame["line"].tolist() == [2, 1, 1, 2]
    assert frame["host"].tolist() == ["h1", "h2", "alpha", "beta"]
    assert [str(d) for d in frame.drop(columns="ts").dtypes] == [
        dtype for name, dtype in events.COLUMNS.items() if name != "ts"
    ]
    assert frame.attrs["stats"]["warnings"][-1].startswith(f"{b}: timestamps without UTC offset")
    overridden = read_events([a, b], year=2024, host="x", engine=engine)  # type: ignore[arg-type]
    assert overridden["host"].tolist() == ["h1", "h2", "x", "x"]


@pytest.mark.parametrize("engine", ["fast", "plain"])
def test_a_date_out_of_pandas_range_is_an_invalid_date(tmp_path, engine) -> None:
    """Found by tests/fuzz: a lab line whose year became 0226 was an internal
    error (OutOfBoundsDatetime) in both engines.  It is an invalid date now:
    no time, the line kept, one warning."""
    path = tmp_path / "node-a.log"
    path.write_text(
        "0226-11-26T07:35:32.490422+00:00 node-a Keepalived[31366]: "
        "Starting Keepalived v2.2.7 (01/16,2022)\n"
        "2226-11-26T07:35:32.490422+00:00 node-a Keepalived[31366]: Stopping\n"
    )
    frame = read_events([path], engine=engine, on_error="collect")
    assert frame["ts"].isna().tolist() == [True, False]
    assert frame["kind"].tolist() == ["start", "stopping"]
    assert frame.attrs["stats"]["warnings"] == [
        f"{path}: 1 timestamps could not be read (invalid dates)"
    ]


@pytest.mark.parametrize("zone", [None, "Europe/Paris"])
def test_in_merge_order_is_exactly_when_the_sort_is_the_identity(zone: str | None) -> None:
    """`in_merge_order` (which lets `_assemble` skip its sort) says True only
    when the stable sort on (time, input, line) leaves every row in place,
    and, for rows that all have a time, always then; checked on random rows
    with many ties, on chunk edges (chunk 7), aware and naive."""
    import numpy as np

    from kalog.ingest.frame import in_merge_order

    rng = np.random.default_rng(5)
    said = {True: 0, False: 0}
    for trial in range(3000):
        count = int(rng.integers(0, 30))
        ns = np.sort(rng.integers(0, 6, count)) * 1_000_000_000
        sources = rng.integers(0, 3, count)
        lines = rng.integers(1, 5, count)
        if trial % 2:  # mostly in order: sorted by (time, input, line), then a nudge
            at = np.lexsort((lines, sources, ns))
            ns, sources, lines = ns[at], sources[at], lines[at]
            if count and trial % 4 == 1:
                k = int(rng.integers(0, count))
                lines[k] += int(rng.integers(-2, 3))
        ts = pd.Series(pd.to_datetime(ns, unit="ns"))
        if zone:
            ts = ts.dt.tz_localize("UTC").dt.tz_convert(zone)
        has_nat = count > 0 and trial % 10 == 3
        if has_nat:
            ts.iloc[int(rng.integers(0, count))] = pd.NaT
        identity = np.array_equal(np.lexsort((lines, sources, ns)), np.arange(count))
        got = in_merge_order(ts, sources, lines, chunk=7)
        assert not got or (identity and not has_nat)
        if not has_nat:
            assert got == identity
        said[got] += 1
    assert said[True] > 300 and said[False] > 300


def test_distinct_bodies_pair_each_row_with_its_body() -> None:
    """`_distinct_bodies` gives what `pd.factorize` gives up to the order of the
    distinct bodies: a reader's categorical column is taken as it is (its
    own narrow codes), one with an unused category or a missing body, and
    a plain column, are factorized."""
    import numpy as np

    from kalog.ingest.frame import _distinct_bodies

    frame = read_events(sorted(SEED.glob("*.log")), year=2014)
    bodies = frame["body"]
    assert isinstance(bodies.dtype, pd.CategoricalDtype)
    codes, uniques = _distinct_bodies(bodies)
    assert codes.dtype.itemsize <= 2  # the column's own codes, not factorize's int64
    assert np.asarray(uniques, dtype=object)[codes].tolist() == bodies.astype(object).tolist()
    assert len(uniques) == bodies.nunique()
    unused = bodies.cat.add_categories(["never logged"])
    with_nan = bodies.cat.add_categories([""]).copy()
    with_nan.iloc[0] = None
    for column in (unused, with_nan, bodies.astype(object)):
        codes, uniques = _distinct_bodies(column)
        expected_codes, expected = pd.factorize(column, use_na_sentinel=False)
        assert codes.tolist() == expected_codes.tolist()
        assert list(uniques) == list(expected)


@pytest.mark.parametrize("count", [2, 128, 129, 40_000])
def test_category_from_codes_sorts_the_names(count: int) -> None:
    """Codes into `names` become codes into the sorted names, -1 missing, for
    every width of code (int8 to int32 ranks)."""
    import numpy as np

    names = [f"n{count - i:06d}" for i in range(count)]  # reverse order
    codes = np.array([0, count - 1, -1, count // 2], dtype=np.int64)
    column = events.category_from_codes(codes, names)
    assert list(column.categories) == sorted(names)
    assert column.codes.tolist() == [count - 1, 0, -1, count - 1 - count // 2]
    values = pd.Series(column).astype(object).tolist()
    assert pd.isna(values[2])
    assert [values[0], values[1], values[3]] == [names[0], names[count - 1], names[count // 2]]
