"""Keepalived lines in the envelopes users paste them in (tests/data/pastes,
real keepalived 2.2.7 lines rewrapped as each tool writes them): every
keepalived line typed, the relay naming the host, other programs' lines not
counted as unknown keepalived lines."""

from __future__ import annotations

import pandas as pd
import pytest

import kalog
from tests.conftest import ROOT

PASTES = ROOT / "tests" / "data" / "pastes"


def _read(name: str) -> pd.DataFrame:
    return kalog.read_events([PASTES / name], year=2026)


@pytest.mark.parametrize(
    ("name", "lines", "keepalived", "hosts", "first_ts"),
    [
        ("compose-console.log", 22, 20, {"node-b_1"}, "2026-11-26 07:34:11"),
        ("compose-ident.log", 20, 20, {"node-b-1"}, None),
        ("kubectl-prefix.log", 20, 20, {"keepalived-7d9f8b-x2x4q"}, "2026-11-26 07:34:11"),
        ("cri.log", 30, 30, {"cri"}, "2026-11-26 07:34:11.854660123+00:00"),
        ("journal-no-host.log", 20, 20, {"journal-no-host"}, "2026-11-26 07:34:11"),
        ("no-time.log", 20, 20, {"node-b"}, None),
        ("systemctl-status.log", 22, 10, {"node-b"}, "2026-11-26 07:34:24"),
        ("rsyslog-repeated.log", 21, 21, {"node-a"}, "2026-11-26 07:34:08"),
    ],
)
def test_every_keepalived_line_is_typed(
    name: str, lines: int, keepalived: int, hosts: set[str], first_ts: str | None
) -> None:
    frame = _read(name)
    stats = frame.attrs["stats"]
    assert (stats["lines_read"], stats["keepalived_lines"], stats["unknown"]) == (
        lines,
        keepalived,
        0,
    )
    assert set(frame["host"]) == hosts
    first = frame["ts"].iloc[0]
    assert (None if pd.isna(first) else str(first)) == first_ts


def test_compose_relay_keeps_keepalived_and_drops_other_services() -> None:
    frame = _read("compose-console.log")
    assert frame["line"].tolist() == [2, 3, 4, 5, *range(7, 23)]  # 1: banner, 6: web_1
    assert frame["body"].iloc[0] == "Starting Keepalived v2.2.7 (01/16,2022)"
    assert frame["kind"].iloc[-1] == "enter_state"


def test_cri_lines_take_the_container_stamp_and_ident() -> None:
    frame = _read("cri.log")
    ident = frame[frame["line"] == 30].iloc[0]
    assert (str(ident["ts"]), ident["program"], ident["pid"], ident["kind"]) == (
        "2026-11-26 07:34:19.375120456+00:00",
        "Keepalived_vrrp",
        29448,
        "garp",
    )


def test_rsyslog_repeat_note_is_typed_with_its_count() -> None:
    frame = _read("rsyslog-repeated.log")
    row = frame[frame["repeated"].notna()].iloc[0]
    assert (row["line"], row["kind"], row["script"], row["result"], row["repeated"]) == (
        16,
        "script_result",
        "chk",
        "failure",
        2,
    )
    assert row["body"] == "VRRP_Script(chk) failed (exited with status 1)"
    assert frame["repeated"].notna().sum() == 1


def test_systemctl_status_header_is_not_keepalived() -> None:
    frame = _read("systemctl-status.log")
    assert frame["line"].tolist() == list(range(13, 23))
    assert (frame["kind"] != "unknown").all()
