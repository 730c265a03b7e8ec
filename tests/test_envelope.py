"""Envelope grammars on real lines (corpus, seed, the TSV's meta examples).

Each style is checked with lines copied verbatim from tests/data/corpus,
samples/seed or the `meta` rows of keepalived-messages.tsv, with exact
fields; the pyparsing grammar and the fast regex must agree on every line
we have.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from conftest import CORPUS, MESSAGES_TSV, SEED

from kalog.grammar import envelope as env
from kalog.ingest.frame import read_events

pytestmark = pytest.mark.filterwarnings("ignore::kalog.errors.InputWarning")


def fields(style: env.Style, line: str) -> dict[str, str | None]:
    found = env.match_fast(style, line)
    assert found is not None, f"{style.name} does not match {line!r}"
    assert env.match_plain(style, line) == found
    return {k: v for k, v in found.items() if v is not None}


# -- one test per style, real lines ------------------------------------------


def test_rfc3164_seed_line() -> None:
    line = (
        "Aug 25 15:21:35 192_168_173_203 Keepalived_vrrp[25766]: "
        "VRRP_Instance(vi_1) Entering BACKUP STATE"
    )
    assert fields(env.RFC3164, line) == {
        "month": "Aug",
        "day": "25",
        "time": "15:21:35",
        "host": "192_168_173_203",
        "program": "Keepalived_vrrp",
        "pid": "25766",
        "body": "VRRP_Instance(vi_1) Entering BACKUP STATE",
    }


def test_rfc3164_space_padded_day_and_config_dump_indent() -> None:
    # 077.log: "Apr  2"; 015.log: the body keeps keepalived's own indentation.
    got = fields(env.RFC3164, "Apr  2 10:45:37 ssq-56 Keepalived: Terminating on signal")
    assert got == {
        "month": "Apr",
        "day": "2",
        "time": "10:45:37",
        "host": "ssq-56",
        "program": "Keepalived",
        "body": "Terminating on signal",
    }
    line = (
        "Jun 26 15:26:53 localhost.localdomain Keepalived_vrrp[199794]:    "
        "Gratuitous ARP repeat = 5"
    )
    assert fields(env.RFC3164, line)["body"] == "   Gratuitous ARP repeat = 5"


def test_rfc3164_localised_month_zh_cn() -> None:
    line = "3月 23 09:33:06 nuc Keepalived[768]: Command line: '/usr/local/sbin/keepalived' '-D'"
    got = fields(env.RFC3164, line)
    assert got["month"] == "3月" and env.month_number("3月") == 3
    assert (got["day"], got["time"], got["host"], got["program"], got["pid"]) == (
        "23",
        "09:33:06",
        "nuc",
        "Keepalived",
        "768",
    )
    assert got["body"] == "Command line: '/usr/local/sbin/keepalived' '-D'"


@pytest.mark.parametrize(
    ("name", "number"), [("Aug", 8), ("dez", 12), ("Mär", 3), ("févr.", 2), ("окт", 10)]
)
def test_month_numbers(name: str, number: int) -> None:
    assert env.month_number(name) == number


def test_rfc3164_ident_without_pid_and_suffixed_ident() -> None:
    got = fields(
        env.RFC3164,
        "Apr 29 19:09:09 matrix-all-1-571-api2 Keepalived_vrrp: "
        "ip address associated with VRID not present in received packet : 10.127.54.13",
    )
    assert got["program"] == "Keepalived_vrrp" and "pid" not in got
    got = fields(
        env.RFC3164,
        "Jul 09 12:15:47 3866 Keepalived_vrrp_default[5818]: Reloading",
    )
    assert (got["host"], got["program"], got["pid"], got["body"]) == (
        "3866",
        "Keepalived_vrrp_default",
        "5818",
        "Reloading",
    )
    assert env.is_keepalived_ident("Keepalived_vrrp_default")
    assert env.is_keepalived_ident("keepalived")
    assert env.is_keepalived_ident("Keepalived_bfd")
    assert not env.is_keepalived_ident("docker")


def test_iso8601_rsyslog_file_format() -> None:
    line = (
        "2024-04-11T07:10:12.735677+00:00 rtp-esc-01-6-0 Keepalived[3683]: "
        "Starting Keepalived v2.1.5 (07/13,2020)"
    )
    assert fields(env.ISO8601, line) == {
        "date": "2024-04-11",
        "time": "07:10:12.735677",
        "offset": "+00:00",
        "host": "rtp-esc-01-6-0",
        "program": "Keepalived",
        "pid": "3683",
        "body": "Starting Keepalived v2.1.5 (07/13,2020)",
    }


def test_iso8601_journal_short_iso_offset_without_colon() -> None:
    got = fields(env.ISO8601, "2021-04-15T08:13:56+0000 ubuntu Keepalived_vrrp[13539]: (vrrp) x")
    assert (got["offset"], got["time"]) == ("+0000", "08:13:56")


def test_rfc5424() -> None:
    line = (
        "<30>1 2024-04-11T07:10:12.738468+00:00 rtp-esc-01-6-0 Keepalived_vrrp 3684 - - "
        "Registering Kernel netlink reflector"
    )
    assert fields(env.RFC5424, line) == {
        "pri": "30",
        "date": "2024-04-11",
        "time": "07:10:12.738468",
        "offset": "+00:00",
        "host": "rtp-esc-01-6-0",
        "program": "Keepalived_vrrp",
        "pid": "3684",
        "msgid": "-",
        "sd": "-",
        "body": "Registering Kernel netlink reflector",
    }
    sd = fields(
        env.RFC5424,
        '<30>1 2024-04-11T07:10:12Z h Keepalived 1 - [meta seq="1\\]"] '
        "(VI_1) Entering MASTER STATE",
    )
    assert (sd["sd"], sd["body"]) == ('[meta seq="1\\]"]', "(VI_1) Entering MASTER STATE")


def test_openwrt_logread() -> None:
    line = (
        "Fri Oct 28 12:37:24 2022 daemon.info Keepalived_vrrp[17362]: "
        "Printing VRRP as json for process(17362) on signal"
    )
    assert fields(env.OPENWRT, line) == {
        "weekday": "Fri",
        "month": "Oct",
        "day": "28",
        "time": "12:37:24",
        "year": "2022",
        "facility": "daemon.info",
        "program": "Keepalived_vrrp",
        "pid": "17362",
        "body": "Printing VRRP as json for process(17362) on signal",
    }


def test_time_only() -> None:
    line = "13:03:21 hostA Keepalived[1657]: Starting Keepalived v1.2.23 (07/21,2016)"
    assert fields(env.TIMEONLY, line) == {
        "time": "13:03:21",
        "host": "hostA",
        "program": "Keepalived",
        "pid": "1657",
        "body": "Starting Keepalived v1.2.23 (07/21,2016)",
    }


def _tsv_meta_examples() -> list[str]:
    table = pd.read_csv(MESSAGES_TSV, sep="\t", quoting=3, dtype=str)
    return table.loc[table["kind"] == "meta", "example"].tolist()


def test_console_prefixes_from_tsv_meta_rows() -> None:
    examples = _tsv_meta_examples()
    assert "Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE" in examples
    assert fields(env.CONSOLE, "Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE") == {
        "weekday": "Thu",
        "month": "Nov",
        "day": "26",
        "time": "05:35:08",
        "year": "2026",
        "body": "(VI_1) Entering MASTER STATE",
    }
    nano = "Thu Nov 26 05:35:08.123456789 2026: (VI_1) Entering MASTER STATE"
    assert nano in examples
    assert fields(env.CONSOLE, nano)["time"] == "05:35:08.123456789"
    noday = "Thu Nov 05:35:08.123456789 2026: (VI_1) Entering MASTER STATE"
    assert noday in examples
    assert fields(env.LOGFILE_NODAY, noday) == {
        "weekday": "Thu",
        "month": "Nov",
        "time": "05:35:08.123456789",
        "year": "2026",
        "body": "(VI_1) Entering MASTER STATE",
    }
    assert env.match_fast(env.CONSOLE, noday) is None


def test_console_real_lines() -> None:
    # 026.log: space-padded day; 036.log: nanoseconds; 005.log: continuation line.
    got = fields(env.CONSOLE, "Mon Nov  3 18:36:33 2025: Starting VRRP child process, pid=90")
    assert (got["day"], got["body"]) == ("3", "Starting VRRP child process, pid=90")
    got = fields(
        env.CONSOLE,
        "Fri Nov 28 10:21:10.292599462 2025: Starting Keepalived v2.2.8 (04/04,2023), "
        "git commit v2.2.7-154-g292b299e+",
    )
    assert got["time"] == "10:21:10.292599462"
    got = fields(
        env.CONSOLE, "Sat Sep 16 19:04:02 2023:               '/etc/keepalived/keepalived.conf'"
    )
    assert got["body"] == "              '/etc/keepalived/keepalived.conf'"


def test_ident_only_with_obfuscated_pid() -> None:
    got = fields(env.IDENT, "Keepalived[xxxx1]: VRRP child process(xxxx5) died: Respawning")
    assert got == {
        "program": "Keepalived",
        "pid": "xxxx1",
        "body": "VRRP child process(xxxx5) died: Respawning",
    }
    assert env.match_fast(env.IDENT, "Netlink: error: No such process") is None


def test_json_journal_record() -> None:
    line = (
        '{"__REALTIME_TIMESTAMP":"1712819412738468","_HOSTNAME":"rtp","SYSLOG_IDENTIFIER":'
        '"Keepalived_vrrp","_PID":"3684","MESSAGE":"(VI_1) Entering MASTER STATE"}'
    )
    found = env.read_envelope(line, "json", env.RFC3164)
    assert found is not None and found.style == "json"
    assert {k: v for k, v in found.fields.items() if v} == {
        "epoch_us": "1712819412738468",
        "host": "rtp",
        "program": "Keepalived_vrrp",
        "pid": "3684",
        "body": "(VI_1) Entering MASTER STATE",
    }
    raw_bytes = '{"_HOSTNAME":"h","SYSLOG_IDENTIFIER":"Keepalived","MESSAGE":[104,105,255]}'
    assert env.parse_json_line(raw_bytes)["body"] == "hi\ufffd"


# -- which lines are keepalived's ------------------------------------------------


def test_journal_line_wrapping_console_line() -> None:
    line = (
        "Jan 24 11:21:23 master03.envisia.io docker[20329]: Wed Jan 24 11:21:23 2018: "
        "Starting Keepalived v1.4.0 (unknown)"
    )
    found = env.read_envelope(line, "syslog", env.RFC3164)
    assert found is not None and found.style == "console"
    f = found.fields
    assert (f["year"], f["month"], f["day"], f["time"]) == ("2018", "Jan", "24", "11:21:23")
    assert (f["host"], f["program"], f["pid"]) == ("master03.envisia.io", None, None)
    assert f["body"] == "Starting Keepalived v1.4.0 (unknown)"


def test_other_programs_are_not_keepalived_lines() -> None:
    for line in (
        "Jan 24 11:21:22 master03.envisia.io docker[20308]: Error response from daemon: "
        "Cannot kill container: keepalived: Container 3313 is not running",
        "Sep 14 07:56:22 holoplotcontroller systemd[1]: Starting Keepalived manages HA via VRRP...",
        "Oct  6 13:30:48 lb01 dhclient[856]: DHCPACK from 192.168.119.254 (xid=0x32903a31)",
        "Dec 24 18:45:12 angel19 su[55630]: (to oracle) root on none",
        "Dec 14 17:05:06 lv1 kernel: [15855.040885] IPVS: [rr] scheduler registered.",
        "2024-04-11T07:10:11.937176+00:00 rtp-esc-01-6-0 abc.py(115)[3391]: INFO: start keepalived",
    ):
        assert env.read_envelope(line, "syslog", env.RFC3164) is None, line


def test_foreign_lines_in_console_and_bare_files() -> None:
    for line in (
        "[INFO] HAProxy is starting.",
        "[INFO] Keepalived is starting.",
        "[2025-06-12 01:50:52] curl -k -XGET https://172.16.15.116:6443/healthz",
        "Ok, i'm just a backup, great.",
    ):
        assert env.read_envelope(line, "console", env.CONSOLE) is None, line
    for line in ("[INFO] HAProxy is starting.", "-- Reboot --", "   "):
        assert env.read_envelope(line, "bare", env.IDENT) is None, line
    found = env.read_envelope("(VI_1) Receive advertisement timeout", "bare", env.IDENT)
    assert found is not None and found.style == "bare"
    assert found.fields["body"] == "(VI_1) Receive advertisement timeout"


def test_damaged_header_is_salvaged() -> None:
    line = (
        "un 25 23:29:04 BSP-POC6 Keepalived_vrrp[23071]: "
        "(AST3_192) Backup received priority 0 advertisement"
    )
    found = env.read_envelope(line, "syslog", env.RFC3164)
    assert found is not None and found.style == "salvage"
    assert (found.fields["host"], found.fields["program"], found.fields["pid"]) == (
        "BSP-POC6",
        "Keepalived_vrrp",
        "23071",
    )
    assert found.fields["body"] == "(AST3_192) Backup received priority 0 advertisement"


@pytest.mark.parametrize(
    ("name", "layout", "primary"),
    [
        ("001.log", "syslog", "rfc3164"),
        ("040.log", "syslog", "iso8601"),
        ("043.log", "syslog", "timeonly"),
        ("092.log", "syslog", "openwrt"),
        ("005.log", "console", "console"),
        ("036.log", "console", "console"),
        ("060.log", "console", "console"),
        ("066.log", "syslog", "ident"),
        ("014.log", "bare", "ident"),
        ("096.log", "bare", "rfc3164"),
    ],
)
def test_sniff(name: str, layout: str, primary: str) -> None:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    got_layout, got_primary = env.sniff(lines)
    assert (got_layout, got_primary.name) == (layout, primary)
    assert env.sniff(lines, env.match_plain) == (got_layout, got_primary)


# -- through read_events: timestamps, hosts ------------------------------------------


def _ts(frame: pd.DataFrame, line: int) -> pd.Timestamp:
    return frame.loc[frame["line"] == line, "ts"].iloc[0]


def test_dec_to_jan_rollover(tmp_path, monkeypatch) -> None:
    from kalog.ingest import frame as frame_mod

    monkeypatch.setattr(frame_mod, "parse_body", lambda body: {"kind": "unknown"})
    log = tmp_path / "r1.log"
    log.write_text(
        "Dec 31 23:59:59 r1 Keepalived_vrrp[1]: (VI_1) Entering MASTER STATE\n"
        "Jan  1 00:00:01 r1 Keepalived_vrrp[1]: (VI_1) Entering BACKUP STATE\n"
        "Jan  1 00:00:00 r1 Keepalived_vrrp[1]: (VI_1) out of order by a second\n"
    )
    got = frame_mod.read_events([log], year=2024)
    assert _ts(got, 1) == pd.Timestamp("2024-12-31 23:59:59")
    assert _ts(got, 2) == pd.Timestamp("2025-01-01 00:00:01")
    assert _ts(got, 3) == pd.Timestamp("2025-01-01 00:00:00")
    # Without --year: the file's mtime year is the year of the last line.
    import os

    stamp = datetime(2025, 3, 1, 12, 0).timestamp()
    os.utime(log, (stamp, stamp))
    got = frame_mod.read_events([log])
    assert _ts(got, 1) == pd.Timestamp("2024-12-31 23:59:59")
    assert _ts(got, 2) == pd.Timestamp("2025-01-01 00:00:01")
    # A last line after the mtime's date must be from the year before.
    stamp = datetime(2025, 12, 1, 12, 0).timestamp()
    os.utime(log, (stamp, stamp))
    assert _ts(frame_mod.read_events([log]), 2) == pd.Timestamp("2025-01-01 00:00:01")


def test_host_from_file_name_and_host_option(tmp_path, monkeypatch) -> None:
    from kalog.ingest import frame as frame_mod

    monkeypatch.setattr(frame_mod, "parse_body", lambda body: {"kind": "unknown"})
    log = tmp_path / "h1.console.log"
    log.write_text("Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE\n")
    syslog = tmp_path / "mixed.log"
    syslog.write_text(
        "Aug 25 15:21:35 192_168_173_203 Keepalived_vrrp[25766]: VRRP_Script(nag) succeeded\n"
    )
    got = frame_mod.read_events([log, syslog], year=2014)
    assert got["host"].tolist() == ["192_168_173_203", "h1"]
    got = frame_mod.read_events([log, syslog], year=2014, host="lb-a")
    assert got["host"].tolist() == ["192_168_173_203", "lb-a"]
    assert got["ts"].tolist() == [
        pd.Timestamp("2014-08-25 15:21:35"),
        pd.Timestamp("2026-11-26 05:35:08"),
    ]


def test_logfile_noday_days_from_weekdays(tmp_path, monkeypatch) -> None:
    from kalog.ingest import frame as frame_mod

    monkeypatch.setattr(frame_mod, "parse_body", lambda body: {"kind": "unknown"})
    log = tmp_path / "k.log"
    log.write_text(
        "Thu Nov 05:35:08.123456789 2026: (VI_1) Entering MASTER STATE\n"
        "Fri Nov 00:00:01.000000001 2026: (VI_1) Entering BACKUP STATE\n"
    )
    for engine in ("fast", "plain"):
        got = frame_mod.read_events([log], engine=engine)
        # The first Thursday of November 2026 is the 5th.
        assert got["ts"].tolist() == [
            pd.Timestamp("2026-11-05 05:35:08.123456789"),
            pd.Timestamp("2026-11-06 00:00:01.000000001"),
        ]
        assert any("without day of month" in w for w in got.attrs["stats"]["warnings"])


# -- the fast path is the grammar ------------------------------------------------------


def _all_real_lines() -> list[str]:
    lines: list[str] = []
    pastes = sorted((CORPUS.parent / "pastes").glob("*.log"))
    for path in sorted(CORPUS.glob("*.log")) + sorted(SEED.glob("*.log")) + pastes:
        lines += path.read_text(encoding="utf-8").splitlines()
    return lines + _tsv_meta_examples()


def test_pyparsing_and_regex_agree_on_every_real_line() -> None:
    lines = _all_real_lines()
    assert len(lines) > 900
    matched = 0
    for style in (*env.STYLES, env.SALVAGE):
        for line in lines:
            fast = env.match_fast(style, line)
            assert env.match_plain(style, line) == fast, (style.name, line)
            matched += fast is not None
    assert matched > 900


def test_console_stamp_hint_equals_the_full_search() -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.log"))]
    lines = [line for text in texts for line in text.splitlines()] + _tsv_meta_examples()
    for text in texts + lines + ["Thu Jan  1 00:00:12 1970: (VI_1) Entering MASTER STATE"]:
        assert env.has_console_stamp(text) == bool(env.CONSOLE_ANYWHERE.search(text)), text
    assert sum(env.has_console_stamp(line) for line in lines) > 150


def test_every_grammar_element_is_named() -> None:
    for style in (*env.STYLES, env.SALVAGE):
        assert style.grammar.customName == style.name
        for piece in style.pieces:
            assert piece.element().customName == piece.label


def test_a_tie_between_enveloped_and_bare_lines_reads_both(tmp_path) -> None:
    """Found by tests/fuzz (a cut of corpus 014): one line with its
    `Keepalived_vrrp[21821]:` ident, one pasted without.  A tie sniffed as
    syslog dropped the bare line; `bare` reads both."""
    lines = (CORPUS / "014.log").read_text().splitlines()
    path = tmp_path / "cut.log"
    path.write_text(f"{lines[0]}\n{lines[3]}\n")
    frame = read_events([path])
    assert frame[["line", "body", "kind"]].values.tolist() == [
        [
            1,
            "VRRP_Instance(VI_GATEWAY) Received advert with higher priority 100, ours 100",
            "advert_higher",
        ],
        [2, "VRRP_Group(VG1) Syncing instances to BACKUP state", "sync_group"],
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Thu Nov 26 07:35:32 2026:\t Starting Keepalived v2.2.7 (01/16,2022)",
        "Aug 25 15:21:35 192_168_173_203 Keepalived_vrrp[8196]:\tVRRP_Instance(vi_1) Entering",
    ],
)
def test_a_tab_is_not_a_space_in_either_matcher(line: str) -> None:
    """Found by tests/fuzz on a lab console line with a tab after the colon:
    pyparsing expanded the tab and the plain grammar matched where the regex
    (the fast path) does not.  Both agree now, on every style."""
    for style in env.STYLES:
        assert env.match_plain(style, line) == env.match_fast(style, line), style.name
