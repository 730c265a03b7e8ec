"""`--format github`: workflow command lines, escaped so log text cannot inject commands."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))

from sample_result import sample_result  # noqa: E402

from kalog.check.findings import Evidence, Finding, RuleState, RuleStatus, Severity  # noqa: E402
from kalog.report.github import dumps, escape_data, escape_property  # noqa: E402


def test_annotations_for_the_sample() -> None:
    lines = dumps(sample_result()).splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(
        "::notice file=swarm.log,line=2,title=KA901 unparsed-lines::"
        "swarm: 2 of 10 keepalived lines in swarm.log not recognised (20.0%25)%0A"
        "swarm.log:2: Sat Sep 16 19:04:02 2023: WARNING"
    )
    assert lines[1] == (
        "::error file=node.log,line=2,title=KA301 config-mismatch::"
        "node: VRRP packets rejected as bogus: 2 lines over 1s"
        "%0Anode.log:2: Jul 10 09:27:24 node Keepalived_vrrp[3352]: "
        "bogus VRRP packet received on ens3 !!!"
        "%0Anode.log:5: Jul 10 09:27:25 node Keepalived_vrrp[3352]: "
        "bogus VRRP packet received on ens3 !!!"
    )


def test_escaping_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_log_text_cannot_inject_commands_or_escapes() -> None:
    evil = Finding(
        "KA301",
        "config-mismatch",
        Severity.WARNING,
        "x\n::error file=/etc/passwd::owned \x1b[31m",
        host="h",
        evidence=[Evidence("dir,with:odd/l.log", 9, "line %0A \x1b[2J")],
    )
    result = replace(sample_result(), findings=[evil])
    result.rule_statuses = [
        RuleStatus("KA102", "flapping", RuleState.ERROR, Severity.WARNING, "boom\n::x::")
    ]
    lines = dumps(result).splitlines()
    assert lines == [
        "::warning file=dir%2Cwith%3Aodd/l.log,line=9,title=KA301 config-mismatch::"
        "h: x%0A::error file=/etc/passwd::owned \\x1b[31m"
        "%0Adir,with:odd/l.log:9: line %250A \\x1b[2J",
        "::error title=KA102 flapping::rule crashed: boom\\n::x::",
    ]
