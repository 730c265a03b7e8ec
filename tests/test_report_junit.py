"""`--format junit`: well-formed XML, one test case per rule, exact outcomes."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))

from sample_result import sample_result  # noqa: E402

from kalog.check.findings import Evidence, Finding, RuleState, RuleStatus, Severity  # noqa: E402
from kalog.report.junit import dumps  # noqa: E402


def parse(result) -> ET.Element:
    text = dumps(result)
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n")
    return ET.fromstring(text.encode())


def test_outcomes_per_rule() -> None:
    result = sample_result()
    result.rule_statuses = [
        *result.rule_statuses,
        RuleStatus("KA101", "split-brain", RuleState.NOT_EVALUABLE, Severity.ERROR, "needs two"),
        RuleStatus("KA102", "flapping", RuleState.ERROR, Severity.WARNING, "internal error: X"),
    ]
    root = parse(result)
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {
        "name": "kalog",
        "tests": "4",
        "failures": "1",
        "errors": "1",
        "skipped": "1",
    }
    (suite,) = root
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == [
        "KA301 config-mismatch",
        "KA901 unparsed-lines",
        "KA101 split-brain",
        "KA102 flapping",
    ]
    failure = cases["KA301 config-mismatch"].find("failure")
    assert failure is not None and failure.get("message") == "3 findings"
    assert failure.text.splitlines()[:2] == [
        "error: VRRP packets rejected as bogus: 2 lines over 1s "
        "[host=node start=2024-07-10T09:27:24 end=2024-07-10T09:27:25]",
        "    node.log:2: Jul 10 09:27:24 node Keepalived_vrrp[3352]: "
        "bogus VRRP packet received on ens3 !!!",
    ]
    info = cases["KA901 unparsed-lines"]
    assert info.find("failure") is None  # info is below the default fail_on=warning
    assert info.find("system-out").text.startswith("info: 2 of 10 keepalived lines")
    assert cases["KA101 split-brain"].find("skipped").get("message") == "not evaluable: needs two"
    assert cases["KA102 flapping"].find("error").get("message") == "internal error: X"


def test_fail_on_info_and_never() -> None:
    assert parse(sample_result(fail_on="info")).get("failures") == "2"
    assert parse(sample_result(fail_on="never")).get("failures") == "0"


def test_control_characters_keep_the_xml_well_formed() -> None:
    evil = Finding(
        "KA301",
        "config-mismatch",
        Severity.ERROR,
        "a\x1b[31m<b>&\x00",
        evidence=[Evidence("x.log", 1, "\x07bell ]]> \x1b]0;title\x07")],
    )
    root = parse(replace(sample_result(), findings=[evil]))
    text = root.find("testsuite/testcase/failure").text
    assert text == ("error: a\\x1b[31m<b>&\\x00\n    x.log:1: \\x07bell ]]> \\x1b]0;title\\x07")
