"""`--format rich`: snapshot at a fixed width without colour; untrusted text stays inert."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from rich.text import Text

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))

from sample_result import sample_result  # noqa: E402

from kalog.check.findings import Evidence, Finding, Severity  # noqa: E402
from kalog.console import make_console, visible, wants_color  # noqa: E402
from kalog.report import OutputFormat, default_format, render  # noqa: E402

SNAPSHOT = """\
Summary
hosts      node, swarm
instances  VI_1, ens3-1
versions   swarm 2.2.8
time span  2023-09-16 19:04:02 -> 2024-07-10 09:27:25 (297d 14h 23m)
lines      17

Into and out of MASTER (1)
2023-09-16 19:04:05  VI_1  swarm  -
    no advert from a master within master_down_interval

Time as MASTER
swarm  3s

Findings: 3 errors, 1 info

ERROR (3)
KA301 config-mismatch  node  2024-07-10 09:27:24 -> 09:27:25
    VRRP packets rejected as bogus: 2 lines over 1s
    node.log:2
      Jul 10 09:27:24 node Keepalived_vrrp[3352]: bogus VRRP packet received on ens3 !!!
    node.log:5
      Jul 10 09:27:25 node Keepalived_vrrp[3352]: bogus VRRP packet received on ens3 !!!
KA301 config-mismatch  node ens3-1  2024-07-10 09:27:24 -> 09:27:25
    a configured virtual address missing from the master's advert: 3 lines over 1s
    node.log:1
      Jul 10 09:27:24 node Keepalived_vrrp[3352]: (ens3-1) ip address associated with VRID 1 not
      present in MASTER advert : 200.200.200.200
    node.log:4
      Jul 10 09:27:25 node Keepalived_vrrp[3352]: (ens3-1): ip address associated with VRID 1 not
      present in MASTER advert : 200.200.200.200
    node.log:7
      Jul 10 09:27:25 node Keepalived_vrrp[3352]: (ens3-1): ip address associated with VRID 1 not
      present in MASTER advert : **200.200.200.200**
KA301 config-mismatch  node ens3-1  2024-07-10 09:27:24 -> 09:27:25
    adverts ignored by the instance: 2 lines over 1s
    node.log:3
      Jul 10 09:27:24 node Keepalived_vrrp[3352]: VRRP_Instance(ens3-1) ignoring received
      advertisment...
    node.log:6
      Jul 10 09:27:25 node Keepalived_vrrp[3352]: VRRP_Instance(ens3-1) ignoring received
      advertisment...

INFO (1)
KA901 unparsed-lines  swarm  2023-09-16 19:04:02
    2 of 10 keepalived lines in swarm.log not recognised (20.0%)
    swarm.log:2
      Sat Sep 16 19:04:02 2023: WARNING - keepalived was built for newer Linux 6.3.0, running on
      Linux 5.15.0-1041-azure #48-Ubuntu SMP Tue Jun 20 20:34:08 UTC 2023
    swarm.log:4
      Sat Sep 16 19:04:02 2023:               '/etc/keepalived/keepalived.conf'

Rules: 2 evaluated, 0 not evaluated
"""


def rendered(result, **kwargs) -> str:
    out = io.StringIO()
    render(result, "rich", out, width=100, **kwargs)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines()) + "\n"


def test_snapshot() -> None:
    assert rendered(sample_result()) == SNAPSHOT


def test_timeline_renderable_or_callable_is_placed_after_the_summary() -> None:
    widths = []

    def lanes(console):
        widths.append(console.width)
        return Text("LANES")

    text = rendered(sample_result(), timeline=lanes)
    assert widths == [100]
    assert "swarm  3s\n\nLANES\n\nFindings:" in text
    assert "\nLANES\n" in rendered(sample_result(), timeline=Text("LANES"))


EVIL = "[bold]x[/] \x1b[31mred\x1b[0m \x9b2J :emoji: \u202egnp.exe"
SHOWN = "[bold]x[/] \\x1b[31mred\\x1b[0m \\x9b2J :emoji: \\u202egnp.exe"


def evil_result():
    finding = Finding(
        "KA901",
        "unparsed-lines",
        Severity.WARNING,
        EVIL,
        host="lb[1]",
        evidence=[Evidence("lb1.log", 3, "Keepalived_vrrp[12]: " + EVIL + "\r\n")],
    )
    return replace(sample_result(), findings=[finding])


def test_untrusted_text_is_shown_literally() -> None:
    assert visible(EVIL) == SHOWN
    coloured = io.StringIO()
    render(evil_result(), "rich", coloured, width=200, color=True)
    text = coloured.getvalue()
    assert "\x1b[33m" in text  # the console does colour: only the log's escapes are inert
    assert "\x1b[31mred" not in text and "\x9b" not in text and "\u202e" not in text
    plain = io.StringIO()
    render(evil_result(), "rich", plain, width=200)
    lines = [line.rstrip() for line in plain.getvalue().splitlines()]
    assert "KA901 unparsed-lines  lb[1]" in lines
    assert f"    {SHOWN}" in lines
    assert "    lb1.log:3" in lines
    assert f"      Keepalived_vrrp[12]: {SHOWN}\\r\\n" in lines


def test_console_colour_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wants_color(io.StringIO()) is False  # not a terminal
    assert wants_color(io.StringIO(), color=True) is True

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wants_color(Tty()) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_color(Tty()) is False
    console = make_console(file=Tty(), width=50)
    assert console.no_color and console.color_system is None and console.width == 50
    assert (console._markup, console._emoji, console._highlight) == (False, False, False)
    assert make_console(stderr=True).file is sys.stderr


def test_default_format_follows_github_actions() -> None:
    assert default_format({"GITHUB_ACTIONS": "true"}) is OutputFormat.GITHUB
    assert default_format({}) is OutputFormat.RICH
    assert [f.value for f in OutputFormat] == ["rich", "json", "sarif", "junit", "github", "html"]


def test_many_findings_of_a_rule_show_the_first_and_last_half() -> None:
    """Over MAX_FINDINGS_PER_RULE findings of one rule: its first and last 25
    are drawn, the middle counted with its span; other rules are untouched and
    the order stays the report's."""
    from kalog.report.rich import MAX_FINDINGS_PER_RULE

    base = sample_result()
    error = next(f for f in base.findings if f.severity is Severity.ERROR)
    start = pd.Timestamp("2024-07-10 09:00:00")
    many = [
        replace(error, start=start + pd.Timedelta(seconds=i), end=None, message=f"m{i}")
        for i in range(MAX_FINDINGS_PER_RULE + 3)
    ]
    other = replace(error, rule="KA101", name="split-brain", start=start, end=None, message="o")
    findings = [many[0], other, *many[1:]]
    text = rendered(replace(base, findings=findings))
    messages = [
        line.strip() for line in text.splitlines() if line.startswith("    m") or line == "    o"
    ]
    kept = [*range(25), *range(28, 53)]
    assert messages == ["m0", "o", *[f"m{i}" for i in kept[1:]]]
    assert "ERROR (54)\n" in text
    assert text.endswith(
        "KA301 config-mismatch  node  2024-07-10 09:00:52\n"
        "    m52\n"
        "    node.log:2\n"
        "      Jul 10 09:27:24 node Keepalived_vrrp[3352]: bogus VRRP packet received on ens3 !!!\n"
        "    node.log:5\n"
        "      Jul 10 09:27:25 node Keepalived_vrrp[3352]: bogus VRRP packet received on ens3 !!!\n"
        "... KA301: 3 more, 2024-07-10 09:00:25 -> 2024-07-10 09:00:27\n"
        "... not shown here: --format json lists every finding\n"
        "\n"
        "Rules: 2 evaluated, 0 not evaluated\n"
    )
    few = rendered(replace(base, findings=many[:MAX_FINDINGS_PER_RULE]))
    assert "more," not in few and "not shown here" not in few


def test_runs_of_a_host_are_merged_only_when_consecutive_and_alike() -> None:
    from kalog.report.rich import _runs_grouped

    versions = {
        "a#0": "1.3.5 (profile 1.3, logged)",
        "a#1": "1.3.5 (profile 1.3, logged)",
        "a#2": "2.2.7 (profile 2, logged)",
        "b#0": "1.3.5 (profile 1.3, logged)",
        "b#2": "1.3.5 (profile 1.3, logged)",
        "swarm": "2.2.8",
    }
    assert _runs_grouped(versions) == {
        "a#0-1": "1.3.5 (profile 1.3, logged)",
        "a#2": "2.2.7 (profile 2, logged)",
        "b#0": "1.3.5 (profile 1.3, logged)",
        "b#2": "1.3.5 (profile 1.3, logged)",
        "swarm": "2.2.8",
    }


def test_plain_output_has_no_trailing_spaces() -> None:
    """rich pads lines to the width; in plain text (a pipe, a file) the padding
    is dropped, whatever pieces rich writes the text in."""
    out = io.StringIO()
    render(sample_result(), "rich", out, width=100)
    text = out.getvalue()
    assert text == "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    assert text.startswith("Summary\nhosts      node, swarm\n")
    console = make_console(file=(target := io.StringIO()), width=40)
    for piece in ("ab  ", "  \ncd ", "\n", "  ef"):
        console.file.write(piece)
    assert target.getvalue() == "ab\ncd\n"
    console.file.flush()
    assert target.getvalue() == "ab\ncd\n  ef"
    coloured = io.StringIO()
    render(sample_result(), "rich", coloured, width=100, color=True)
    assert " \n" in coloured.getvalue()  # with colour the padding stays
