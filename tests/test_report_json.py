"""`--format json`: exact document for a real sample analysis."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "rules"))

from sample_result import sample_result  # noqa: E402

from kalog.report.json import dumps  # noqa: E402


def test_json_document() -> None:
    doc = json.loads(dumps(sample_result()))
    assert list(doc) == ["summary", "timeline", "transitions", "findings", "rules"]
    assert doc["summary"] == {
        "hosts": ["node", "swarm"],
        "instances": ["VI_1", "ens3-1"],
        "versions": {"swarm": "2.2.8"},
        "start": "2023-09-16T19:04:02",
        "end": "2024-07-10T09:27:25",
        "master_time": {"swarm": 3.0},
        "lines": 17,
    }
    assert doc["timeline"] == [
        {
            "host": "swarm",
            "instance": "VI_1",
            "state": "BACKUP",
            "priority": 100,
            "start": "2023-09-16T19:04:02",
            "end": "2023-09-16T19:04:05",
        },
        {
            "host": "swarm",
            "instance": "VI_1",
            "state": "MASTER",
            "priority": 100,
            "start": "2023-09-16T19:04:05",
            "end": None,
        },
    ]
    assert doc["transitions"] == [
        {
            "ts": "2023-09-16T19:04:05",
            "instance": "VI_1",
            "host": "swarm",
            "previous": None,
            "cause": "no advert from a master within master_down_interval",
            "evidence": [["swarm.log", 10]],
        }
    ]
    assert doc["findings"][0] == {
        "rule": "KA901",
        "name": "unparsed-lines",
        "severity": "info",
        "host": "swarm",
        "instance": None,
        "start": "2023-09-16T19:04:02",
        "end": "2023-09-16T19:04:02",
        "message": "2 of 10 keepalived lines in swarm.log not recognised (20.0%)",
        "evidence": [{"source": "swarm.log", "line": 2}, {"source": "swarm.log", "line": 4}],
    }
    assert [(f["rule"], f["instance"], f["start"], f["end"]) for f in doc["findings"][1:]] == [
        ("KA301", None, "2024-07-10T09:27:24", "2024-07-10T09:27:25"),
        ("KA301", "ens3-1", "2024-07-10T09:27:24", "2024-07-10T09:27:25"),
        ("KA301", "ens3-1", "2024-07-10T09:27:24", "2024-07-10T09:27:25"),
    ]
    assert doc["rules"] == [
        {
            "rule": "KA301",
            "name": "config-mismatch",
            "status": "evaluated",
            "severity": "error",
            "reason": None,
            "findings": 3,
        },
        {
            "rule": "KA901",
            "name": "unparsed-lines",
            "status": "evaluated",
            "severity": "info",
            "reason": None,
            "findings": 1,
        },
    ]
