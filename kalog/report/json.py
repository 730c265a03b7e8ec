"""`--format json`: the whole result as one JSON document.

Shape (stable; consumers script against it)::

    {"summary": {...}, "timeline": [...], "transitions": [...],
     "findings": [{"rule", "name", "severity", "host", "instance", "start",
                   "end", "message", "evidence": [{"source", "line"}]}],
     "rules": [{"rule", "name", "status", "severity", "reason", "findings"}]}

Times are ISO 8601 strings, durations seconds, missing values null.  Log
text stays as it is: JSON escaping already makes control characters inert.
"""

from __future__ import annotations

import json
from typing import Any

from kalog.analysis import AnalysisResult
from kalog.report._data import record, timeline_records, to_jsonable


def build(result: AnalysisResult) -> dict[str, Any]:
    return {
        "summary": to_jsonable(result.summary),
        "timeline": timeline_records(result.timeline),
        "transitions": [to_jsonable(record(t)) for t in result.transitions],
        "findings": [f.to_dict() for f in result.findings],
        "rules": [s.to_dict() for s in result.rule_statuses],
    }


def dumps(result: AnalysisResult) -> str:
    return json.dumps(build(result), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
