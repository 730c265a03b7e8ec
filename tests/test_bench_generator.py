"""The benchmark's syslog generator: deterministic, the share asked for, real wordings, coherent.

Benchmarks are not timed here; these tests only prove the generated input is
what the benchmark claims it is (see bench/README.md).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime

import pytest
from conftest import MESSAGES_TSV, ROOT

if str(ROOT) not in sys.path:  # `bench` is a top-level directory, not an installed package
    sys.path.insert(0, str(ROOT))

from bench.generate import PROFILES, WORDINGS, Config, iter_chunks  # noqa: E402

LINE = re.compile(
    r"^(?P<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) "
    r"(?P<prog>[^\s\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<body>.*)$"
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _lines(cfg: Config) -> list[str]:
    return "".join(iter_chunks(cfg)).splitlines()


@pytest.fixture(scope="module")
def mixed() -> list[str]:
    """40k lines, 25% keepalived, all four version profiles."""
    return _lines(Config(lines=40_000, keepalived_share=0.25, seed=7, pool_size=5_000, batch=7_000))


@pytest.fixture(scope="module")
def dense() -> list[str]:
    return _lines(Config(lines=30_000, keepalived_share=1.0, seed=2, pool_size=5_000))


def _tsv_rows() -> list[dict[str, str]]:
    with MESSAGES_TSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _vt(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _in_range(version: str, ranges: str) -> bool:
    for part in ranges.split(","):
        lo, _, hi = part.partition("-")
        if _vt(lo) <= _vt(version) <= _vt(hi or lo):
            return True
    return False


def _template_regex(template: str) -> re.Pattern[str]:
    """A TSV template (printf conversions, {a|b} alternatives) as an anchored regex."""
    out, i = [], 0
    while i < len(template):
        if template.startswith("(%s)[:] ", i):
            out.append(r"\(.+?\):? ")
            i += len("(%s)[:] ")
        elif template[i] == "{":
            j = template.index("}", i)
            alts = template[i + 1 : j].split("|")
            out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
            i = j + 1
        elif template[i] == "%":
            m = re.match(r"%[-\d.]*(?:l|z|h)*([sdiumg])", template[i:])
            assert m, template
            out.append(".+?" if m.group(1) in "sm" else r"-?[\d.]+")
            i += m.end()
        else:
            out.append(re.escape(template[i]))
            i += 1
    return re.compile("".join(out) + "$")


def _parse(lines: list[str]) -> list[re.Match[str]]:
    matches = [LINE.match(line) for line in lines]
    assert all(matches), [line for line, m in zip(lines, matches, strict=True) if not m][:3]
    return matches


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    cfg = Config(lines=5_000, keepalived_share=0.1, seed=11, pool_size=2_000, batch=1_500)
    a = "".join(iter_chunks(cfg))
    assert a == "".join(iter_chunks(cfg))
    other = Config(lines=5_000, keepalived_share=0.1, seed=12, pool_size=2_000, batch=1_500)
    assert a != "".join(iter_chunks(other))


def test_exact_line_count_and_keepalived_share(mixed: list[str]) -> None:
    assert len(mixed) == 40_000
    progs = Counter(m["prog"] for m in _parse(mixed))
    keepalived = sum(n for p, n in progs.items() if p.startswith("Keepalived"))
    assert keepalived == 10_000
    # `grep -c Keepalived` counts exactly the keepalived lines (no other daemon says it)
    assert sum("Keepalived" in line for line in mixed) == 10_000
    # a real mix of other daemons around them
    others = {p for p in progs if not p.startswith("Keepalived")}
    assert {"sshd", "CRON", "systemd", "kernel", "nginx", "postfix/smtpd"} <= others
    assert len(others) >= 12


def test_dense_mode_is_all_keepalived(dense: list[str]) -> None:
    assert len(dense) == 30_000
    assert all(m["prog"].startswith("Keepalived") for m in _parse(dense))


def test_wording_mix_covers_1x_and_2x(mixed: list[str]) -> None:
    bodies = [m["body"] for m in _parse(mixed) if m["prog"].startswith("Keepalived")]
    starts = {b for b in bodies if b.startswith("Starting Keepalived v")}
    for version, date in PROFILES.values():
        assert f"Starting Keepalived v{version} ({date})" in starts
    idents = Counter(m["prog"] for m in _parse(mixed) if m["prog"].startswith("Keepalived"))
    assert set(idents) == {"Keepalived", "Keepalived_vrrp", "Keepalived_healthcheckers"}
    joined = "\n".join(bodies)
    for needle in (
        "VRRP_Instance(",
        ") Entering BACKUP STATE (init)",
        "Transition to MASTER",
        "Changing effective priority from",
        "received lower priority (",
        "Master received advert from ",
        "Received higher prio advert",
        "forcing a new MASTER election",
        "sent 0 priority",
        "sending 0 priority",
        "Entering FAULT STATE",
        "Now in FAULT state",
        "Netlink reports ",
        "Kernel is reporting: interface",
        "failed (exited with status",
        "Sending gratuitous ARP on",
        "Stopped Keepalived v",
    ):
        assert needle in joined, needle


def test_every_wording_is_a_tsv_row_in_range() -> None:
    rows = {(r["template"], r["versions"]) for r in _tsv_rows()}
    for wd in WORDINGS:
        assert (wd.tsv_template, wd.tsv_versions) in rows, wd
        for fam in wd.families:
            assert _in_range(PROFILES[fam][0], wd.tsv_versions), (wd, fam)


def test_every_generated_keepalived_line_matches_a_tsv_template(mixed: list[str]) -> None:
    """Independent of WORDINGS: each body must match a TSV row valid for its host's version."""
    rows = [r for r in _tsv_rows() if r["kind"] not in ("meta", "absent")]
    patterns = [(_template_regex(r["template"]), r["versions"]) for r in rows]
    for r in rows:  # the -D form of 'Stopped' is quoted in that row's meaning
        for quoted in re.findall(r"'(Stopped - used [^']*)'", r["meaning"]):
            patterns.append((_template_regex(quoted), r["versions"]))
    version: dict[str, str] = {}
    unmatched: list[str] = []
    checked = 0
    for m in _parse(mixed):
        if not m["prog"].startswith("Keepalived"):
            continue
        body = m["body"]
        started = re.match(r"Starting Keepalived v([\d.]+) ", body)
        if started:
            version[m["host"]] = started.group(1)
        v = version[m["host"]]  # every host's story begins with its start line
        if not any(rx.match(body) and _in_range(v, rng) for rx, rng in patterns):
            unmatched.append(f"{v}: {body}")
        checked += 1
    assert checked == 10_000
    assert unmatched == []


def _stamp(ts: str, year: int) -> datetime:
    return datetime.strptime(f"{year} {ts}", "%Y %b %d %H:%M:%S")


def test_timestamps_increase_across_the_year_boundary() -> None:
    cfg = Config(
        lines=20_000,
        keepalived_share=0.05,
        seed=3,
        pool_size=2_000,
        start=datetime(2023, 12, 31, 12),
        span_hours=24,
    )
    matches = _parse(_lines(cfg))
    year, prev = 2023, None
    for m in matches:
        t = _stamp(m["ts"], year)
        if prev is not None and t < prev and m["ts"].startswith("Jan"):
            year += 1
            t = _stamp(m["ts"], year)
        assert prev is None or t >= prev, m.group(0)
        prev = t
    assert year == 2024
    assert matches[0]["ts"].startswith("Dec 31 12:0")
    assert matches[-1]["ts"].startswith("Jan  1 ")


_STATE = re.compile(r"^(?:VRRP_Instance\((?P<i1>[^)]+)\):? |\((?P<i2>[^)]+)\) )(?P<what>.*)$")


def test_keepalived_story_is_coherent(dense: list[str]) -> None:
    """Per host and instance the lines tell a possible VRRP story, and peers agree.

    - 1.x enters MASTER only after `Transition to MASTER STATE`;
    - nobody enters MASTER twice without leaving it;
    - each `Changing effective priority from A to B` starts from the last B;
    - `..., ours Q` quotes the priority the host last logged;
    - whenever a pair has been quiet for 10 s, each instance has exactly one MASTER.
    """
    state: dict[tuple[str, str], str] = {}
    prio: dict[tuple[str, str], int] = {}
    transition: set[tuple[str, str]] = set()
    last_time: dict[str, datetime] = {}
    quiet_checks = 0

    def check_pair(pair: str) -> int:
        masters: dict[str, list[str]] = defaultdict(list)
        insts = set()
        for (host, inst), s in state.items():
            if host[:-1] == pair:
                insts.add(inst)
                if s == "MASTER":
                    masters[inst].append(host)
        for inst in insts:
            assert len(masters[inst]) == 1, (pair, inst, masters[inst])
        return 1

    for m in _parse(dense):
        host, body = m["host"], m["body"]
        pair = host[:-1]
        t = _stamp(m["ts"], 2024)
        if pair in last_time and (t - last_time[pair]).total_seconds() > 10:
            quiet_checks += check_pair(pair)
        last_time[pair] = t
        if body.startswith("Starting Keepalived") or body.startswith("Stopping"):
            for key in [k for k in state if k[0] == host]:
                state[key] = "STOP"
                prio.pop(key, None)
            continue
        sm = _STATE.match(body)
        if not sm:
            continue
        key = (host, sm["i1"] or sm["i2"])
        what = sm["what"]
        if what == "Transition to MASTER STATE":
            transition.add(key)
        elif what == "Entering MASTER STATE":
            assert state.get(key) != "MASTER", m.group(0)
            if sm["i1"]:
                assert key in transition, m.group(0)
            transition.discard(key)
            state[key] = "MASTER"
        elif what.startswith("Entering BACKUP STATE"):
            state[key] = "BACKUP"
            transition.discard(key)
        elif what in ("Entering FAULT STATE", "Now in FAULT state"):
            state[key] = "FAULT"
        elif what.startswith("Changing effective priority from "):
            old, new = map(int, re.findall(r"\d+", what)[-2:])
            if key in prio:
                assert prio[key] == old, m.group(0)
            prio[key] = new
        elif ", ours " in what and key in prio:
            assert int(what.rsplit(" ", 1)[1]) == prio[key], m.group(0)
        elif what == "sent 0 priority" or what == "sending 0 priority":
            state[key] = "STOP"
    # (no check at the very end: the log may stop in the middle of an incident)
    assert quiet_checks > 1_000
