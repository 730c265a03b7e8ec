"""Every real log of the corpus: the typed share of keepalived lines must be >= 99%.

Run with `-s` to see the share and the lines not understood.  The expected
row counts per file pin down which lines are keepalived's (foreign lines of
systemd, docker, dhclient, su, kernel, entrypoint scripts are not).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import CORPUS

from kalog.ingest.frame import read_events

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")

CORPUS_FILES = sorted(CORPUS.glob("*.log"))
INDEX = pd.read_csv(CORPUS / "index.tsv", sep="\t", quoting=3, dtype=str)

#: Lines of each file that are NOT keepalived lines (1-based), checked by eye.
FOREIGN: dict[str, list[int]] = {
    "017.log": [1, 9],  # systemd
    "018.log": [1, 2],  # -- Reboot --, systemd
    "024.log": [1],  # systemd
    "027.log": [1, 2, 3, 4, 5, 6],  # docker pull/kill output, systemd
    "029.log": [1, 2, 3],  # [INFO] entrypoint lines
    "030.log": [5, 6, 7],  # NetworkManager, systemd
    "038.log": [2],  # systemd
    "040.log": [1],  # abc.py wrapper
    "044.log": [1, 4, 5, 8, 9],  # systemd
    "055.log": [1],  # -- Logs begin at ... --
    "060.log": [1, 2, 4, 7, 8],  # check/notify script output
    "071.log": [8, 9, 10],  # dhclient
    "073.log": [18, 31],  # su
    "074.log": [14, 19, 34],  # su
    "081.log": [8, 16],  # blank line, kernel
    "085.log": [1],  # -- Logs begin at ... --
}


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return read_events(CORPUS_FILES, year=2020)


def test_index_lists_every_file() -> None:
    assert sorted(INDEX["file"]) == [p.name for p in CORPUS_FILES]


def test_keepalived_lines_per_file(corpus: pd.DataFrame) -> None:
    for path in CORPUS_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        got = corpus.loc[corpus["source"] == str(path), "line"].sort_values().tolist()
        foreign = FOREIGN.get(path.name, [])
        assert got == [n for n in range(1, len(lines) + 1) if n not in foreign], path.name


def test_typed_share_at_least_99_percent(corpus: pd.DataFrame) -> None:
    stats = corpus.attrs["stats"]
    share = stats["typed"] / stats["keepalived_lines"]
    unknown = corpus[corpus["kind"] == "unknown"]
    print(
        f"\ncorpus: {stats['lines_read']} lines read, {stats['keepalived_lines']} keepalived "
        f"lines, {stats['typed']} typed ({share:.2%}), {stats['unknown']} unknown"
    )
    for row in unknown.itertuples():
        print(f"  unknown {row.source}:{row.line}: {row.body}")
    assert stats["keepalived_lines"] == 809
    assert share >= 0.99


def test_every_envelope_format_of_the_index_gives_times(corpus: pd.DataFrame) -> None:
    """Files whose envelope carries a time get one on every line (salvaged lines aside)."""
    salvaged = {("023.log", 1), ("051.log", 1)}  # first characters lost in the paste
    timeless = {"014.log", "066.log", "096.log"}  # bare messages / idents only
    for path in CORPUS_FILES:
        rows = corpus[corpus["source"] == str(path)]
        for row in rows.itertuples():
            if path.name in timeless or (path.name, row.line) in salvaged:
                assert pd.isna(row.ts), (path.name, row.line)
            else:
                assert not pd.isna(row.ts), (path.name, row.line)


def utc(text: str) -> pd.Timestamp:
    # 040.log carries offsets, so the whole corpus frame is in UTC (naive lines read as UTC).
    return pd.Timestamp(text, tz="UTC")


def test_localised_openwrt_wrapped_and_time_only_files(corpus: pd.DataFrame) -> None:
    def first(name: str) -> pd.Series:
        rows = corpus[corpus["source"] == str(CORPUS / name)]
        return rows.sort_values("line").iloc[0]

    row = first("089.log")  # zh_CN journal: "3月 23 09:33:06 nuc Keepalived[768]: ..."
    assert (row["ts"], row["host"], row["program"], row["pid"]) == (
        utc("2020-03-23 09:33:06"),
        "nuc",
        "Keepalived",
        768,
    )
    row = first("092.log")  # OpenWrt logread, host from the file name
    assert (row["ts"], row["host"], row["program"], row["kind"]) == (
        utc("2022-10-28 12:37:24"),
        "092",
        "Keepalived_vrrp",
        "data_dump",
    )
    row = first("027.log")  # docker relaying console lines: the console time wins
    assert (row["line"], row["ts"], row["host"], row["kind"], row["version"]) == (
        7,
        utc("2018-01-24 11:21:23"),
        "master03.envisia.io",
        "start",
        "1.4.0",
    )
    assert pd.isna(row["program"]) and pd.isna(row["pid"])
    row = first("036.log")  # nanosecond log-file stamps
    assert row["ts"] == utc("2025-11-28 10:21:10.292599462")
    row = first("043.log")  # time-only
    assert (row["ts"].hour, row["ts"].minute, row["ts"].second) == (13, 3, 21)
    assert row["host"] == "hostA"
