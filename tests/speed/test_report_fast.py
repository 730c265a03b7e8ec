"""The fast JSON writer writes exactly what the plain one did.

The plain writer was `json.dumps(doc, indent=2, ensure_ascii=False,
allow_nan=False)` over a document whose timeline came from
`frame_records(timeline.to_frame())` and whose transitions were
`to_jsonable(record(t))`; `reference` below is that code, kept as the oracle.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import CORPUS, LAB, ROOT, SEED

from kalog.check.analysis import AnalysisResult
from kalog.ingest.frame import read_events
from kalog.model.timeline import InstanceTimeline, Segment, Timeline
from kalog.model.transitions import Transition
from kalog.pipeline import analyze_events
from kalog.report import json as json_report
from kalog.report._data import (
    dumps_indented,
    frame_records,
    iso_seconds,
    record,
    timeline_table,
    to_jsonable,
    transition_table,
)


def reference(result: AnalysisResult) -> str:
    """The document as the plain writer made it."""
    timeline = result.timeline
    if callable(getattr(timeline, "to_frame", None)):
        timeline = frame_records(timeline.to_frame())
    elif isinstance(timeline, pd.DataFrame):
        timeline = frame_records(timeline)
    elif timeline is None:
        timeline = []
    else:
        timeline = to_jsonable(timeline)
    doc = {
        "summary": to_jsonable(result.summary),
        "timeline": timeline,
        "transitions": [to_jsonable(record(t)) for t in result.transitions],
        "findings": [f.to_dict() for f in result.findings],
        "rules": [s.to_dict() for s in result.rule_statuses],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _analysed(paths: list[Path]) -> AnalysisResult:
    return analyze_events(read_events([str(p) for p in paths], on_error="collect"))


@pytest.fixture(scope="module")
def dense(tmp_path_factory: pytest.TempPathFactory) -> AnalysisResult:
    """3000 lines of the benchmark's dense log: many segments and transitions."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("bench") / "dense.log"
    assert main(["--lines", "3000", "--keepalived-share", "1", "--seed", "3", "-o", str(path)]) == 0
    return _analysed([path])


REAL = [
    [SEED / "ex1-A-backup-99.log", SEED / "ex1-B-master-100.log"],
    sorted((LAB / "split-brain").glob("*.log")),
    sorted((LAB / "graceful-stop").glob("*.log")),
    sorted(CORPUS.glob("00*.log")),
]


@pytest.mark.parametrize("paths", REAL, ids=["seed-ex1", "split-brain", "graceful-stop", "corpus"])
def test_real_analyses_are_written_as_before(paths: list[Path]) -> None:
    assert paths
    result = _analysed(paths)
    assert json_report.dumps(result) == reference(result)


def test_dense_analysis_is_written_as_before(dense: AnalysisResult) -> None:
    assert len(dense.transitions) > 50
    assert timeline_table(dense.timeline) is not None
    assert transition_table(dense.transitions) is not None
    assert json_report.dumps(dense) == reference(dense)


def test_tables_equal_the_plain_conversions(dense: AnalysisResult) -> None:
    table = timeline_table(dense.timeline)
    assert table is not None
    assert table.records() == frame_records(dense.timeline.to_frame())
    transitions = transition_table(dense.transitions)
    assert transitions is not None
    assert transitions.records() == [to_jsonable(record(t)) for t in dense.transitions]


def _segment(**changes: Any) -> Segment:
    base = Segment(
        start=pd.Timestamp("2024-01-01 10:00:00"),
        end=pd.Timestamp("2024-01-01 10:00:05"),
        state="BACKUP",
        priority=100,
        basis="logged",
        source="a.log",
        line=3,
        run=0,
        cause="start",
    )
    return dataclasses.replace(base, **changes)


def _timeline(*segments: Segment, vrid: Any = 51) -> Timeline:
    item = InstanceTimeline("lb1", "VI_1", vrid, "2.2", list(segments))
    other = InstanceTimeline("lb2", "VI_1", vrid, "2.2", [segments[-1]], "VI_1")
    return Timeline([item, other], [], [], {}, None, None)


ODD_SEGMENTS = {
    "sub-second and nanoseconds": [
        _segment(start=pd.Timestamp("2024-01-01 10:00:00.250")),
        _segment(end=pd.Timestamp("2024-01-01 10:00:05.000000001")),
    ],
    "missing end and priority": [_segment(end=pd.NaT, priority=None), _segment(end=None)],
    "no source": [_segment(source=None, line=None), _segment()],
    "time zone": [
        _segment(
            start=pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris"),
            end=pd.Timestamp("2024-01-01 11:00", tz="Europe/Paris"),
        )
    ],
    "time zone and none": [
        _segment(start=pd.Timestamp("2024-01-01 10:00", tz="UTC")),
        _segment(),
    ],
    "old years": [_segment(start=pd.Timestamp("0999-12-31 23:59:59"))],
    "numpy priority": [_segment(priority=np.int64(100)), _segment()],
    "float priority": [_segment(priority=100.0)],
    "run with gaps": [_segment(run=None), _segment()],  # type: ignore[arg-type]
    "markup and control text": [_segment(cause="[bold]\x1b[31m\u2028é\x00\"'\\")],
}


@pytest.mark.parametrize("segments", ODD_SEGMENTS.values(), ids=list(ODD_SEGMENTS))
def test_odd_timelines_are_written_as_before(segments: list[Segment]) -> None:
    for vrid in (51, None, np.int64(51)):
        result = AnalysisResult(timeline=_timeline(*segments, vrid=vrid))
        try:
            expected = reference(result)
        except (TypeError, ValueError) as error:
            with pytest.raises(type(error)):
                json_report.dumps(result)
            continue
        assert json_report.dumps(result) == expected
        table = timeline_table(result.timeline)
        if table is not None:
            assert table.records() == frame_records(result.timeline.to_frame())


def _transition(**changes: Any) -> Transition:
    base = Transition(
        instance="VI_1",
        vrid=51,
        host="lb1",
        ts=pd.Timestamp("2024-01-01 10:00:05"),
        direction="to_master",
        from_state="BACKUP",
        to_state="MASTER",
        cause="preemption",
        detail="lb2 advertised 99",
        evidence=(("a.log", 3), ("b.log", 7)),
    )
    return dataclasses.replace(base, **changes)


ODD_TRANSITIONS = {
    "plain": [_transition(), _transition(previous_master="lb2", missing="x")],
    "no evidence": [_transition(evidence=()), _transition(evidence=())],
    "some evidence": [_transition(evidence=()), _transition()],
    "sub-second, time zone": [
        _transition(ts=pd.Timestamp("2024-01-01 10:00:05.5")),
        _transition(ts=pd.Timestamp("2024-01-01 10:00:05", tz="UTC")),
    ],
    "time zone": [_transition(ts=pd.Timestamp("2024-01-01 10:00:05", tz="Asia/Kolkata"))],
    "numpy vrid": [_transition(vrid=np.int64(51))],
    "numpy line": [_transition(evidence=(("a.log", np.int64(3)),))],
    "evidence lists": [_transition(evidence=[["a.log", 3]])],  # type: ignore[arg-type]
    "float detail": [_transition(detail=1e-06)],  # type: ignore[arg-type]
}


@pytest.mark.parametrize("transitions", ODD_TRANSITIONS.values(), ids=list(ODD_TRANSITIONS))
def test_odd_transitions_are_written_as_before(transitions: list[Transition]) -> None:
    result = AnalysisResult(transitions=transitions)
    assert json_report.dumps(result) == reference(result)
    table = transition_table(transitions)
    if table is not None:
        assert table.records() == [to_jsonable(record(t)) for t in transitions]


def test_iso_seconds_equals_isoformat() -> None:
    values = [
        pd.Timestamp("2024-02-29 23:59:59"),
        None,
        pd.NaT,
        pd.Timestamp("2024-02-29 23:59:59.123456"),
        pd.Timestamp("1970-01-01"),
        pd.Timestamp("1969-12-31 23:59:59.5"),
        pd.Timestamp("2024-02-29 23:59:59"),
    ]
    expected = [None if v is None or v is pd.NaT else v.isoformat() for v in values]
    assert list(iso_seconds(values)) == expected
    assert iso_seconds([]) == []


# Random JSON-ish data (seeded: the same cases every run), as records that
# are regular (same keys) or not, with evidence-like nested lists.
_TEXTS = ["", "a", "é", "\x00\x1f\x7f", '"\\', "\u2028\U0001f600", "line\nbreak", "%s {x}"]
_SCALARS = [None, True, False, 0, 1, -7, 2**63, 2**70, 0.0, -0.0, 1.5, 1e-06, 1e16, 0.1]


def _scalar(rng: random.Random) -> Any:
    return rng.choice(
        [rng.choice(_TEXTS), rng.choice(_SCALARS), rng.random() * 10 ** rng.randint(-8, 20)]
    )


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return _scalar(rng)
    if roll < 0.75:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if roll < 0.8:
        return (_value(rng, depth + 1),)
    keys = [rng.choice(_TEXTS + [1, 2.5, None, True]) for _ in range(rng.randint(0, 3))]
    return {key: _value(rng, depth + 1) for key in keys}


def _random_records(rng: random.Random) -> list[dict[str, Any]]:
    keys = list(dict.fromkeys(rng.choice(_TEXTS) for _ in range(rng.randint(1, 4))))
    kinds = {key: rng.choice(["scalar", "value", "int", "str"]) for key in keys}
    make = {
        "scalar": _scalar,
        "value": _value,
        "int": lambda r: r.choice([None, 0, 5, 2**40]),
        "str": lambda r: r.choice(_TEXTS + [None]),
    }
    rows = [{k: make[kinds[k]](rng) for k in keys} for _ in range(rng.randint(0, 6))]
    if rows and rng.random() < 0.2:  # one irregular row
        rows.append({rng.choice(_TEXTS): _value(rng)})
    nested = [
        {"source": rng.choice(_TEXTS), "line": _scalar(rng)} for _ in range(rng.randint(0, 3))
    ]
    for row in rows:
        row["evidence"] = nested[: rng.randint(0, len(nested))]
    return rows


@pytest.mark.parametrize("seed", range(300))
def test_any_records_are_written_as_the_standard_library_does(seed: int) -> None:
    rng = random.Random(seed)
    result = AnalysisResult(timeline=_random_records(rng), transitions=_random_records(rng))
    assert json_report.dumps(result) == reference(result)


def test_true_and_one_stay_apart() -> None:
    rows = [{"a": True}, {"a": 1}, {"a": 0}, {"a": False}, {"a": None}]
    result = AnalysisResult(timeline=rows, transitions=[{"b": 1}, {"b": True}])
    assert json_report.dumps(result) == reference(result)


def test_nan_is_still_refused() -> None:
    result = AnalysisResult(timeline=[{"b": float("nan")}])  # to_jsonable: null
    assert json_report.dumps(result) == reference(result)
    with pytest.raises(ValueError):
        json_report._dumps({"x": float("inf")}, 1)


def test_the_collector_is_restored() -> None:
    assert gc.isenabled()
    json_report.dumps(AnalysisResult())
    assert gc.isenabled()
    gc.disable()
    try:
        json_report.dumps(AnalysisResult())
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("seed", range(300))
def test_dumps_indented_is_json_dumps(seed: int) -> None:
    rng = random.Random(seed)
    value = [_value(rng) for _ in range(rng.randint(0, 4))]
    if rng.random() < 0.1:
        value.append(rng.choice([float("nan"), float("inf")]))
    for allow_nan in (True, False):
        try:
            expected = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=allow_nan)
        except ValueError:
            with pytest.raises(ValueError):
                dumps_indented(value, allow_nan=allow_nan)
            continue
        assert dumps_indented(value, allow_nan=allow_nan) == expected


def test_dumps_indented_falls_back_where_orjson_differs() -> None:
    for value in ({"a": "\ud800"}, [2**64], [1e-06], {"t": pd.Timestamp("2024-01-01")}):
        try:
            expected = json.dumps(value, indent=2, ensure_ascii=False)
        except TypeError:
            with pytest.raises(TypeError):
                dumps_indented(value)
            continue
        assert dumps_indented(value) == expected


def test_timeline_document_is_written_as_json_dumps_would(dense: AnalysisResult) -> None:
    """`kalog timeline --format json` streams `json.dumps(doc, indent=2)`'s exact text."""
    import io

    doc = dense.timeline.to_dict()
    doc["transitions"] = [t.to_dict() for t in dense.transitions]
    doc["odd"] = {'é \u2028 "q" \\': [[], {}, None, 1.5, True, "\x1b[31m"], "": {"x": []}}
    doc["nan"] = [{"a": float("nan"), "b": 1}, {"a": 1.5, "b": None}]  # json writes NaN
    doc["irregular"] = [{"a": 1, "b": [{"c": True}]}, {"b": [], "a": 2}]
    doc["nested"] = [{"a": 1, "b": [{"c": "x"}, {"c": None}]}, {"a": False, "b": []}]
    doc["empty"] = []
    out = io.StringIO()
    json_report.write_indented(doc, out)
    assert len(out.getvalue()) > 10 * json_report.CHUNK  # several batches
    assert out.getvalue() == json.dumps(doc, indent=2, ensure_ascii=False)
    for value in (doc["odd"], [], {}, {1: "x"}, "text", doc["nested"]):  # not a dict of sections
        out = io.StringIO()
        json_report.write_indented(value, out)
        assert out.getvalue() == json.dumps(value, indent=2, ensure_ascii=False)


def _timeline_reference(timeline: Timeline) -> str:
    """`kalog timeline --format json` as it was written: json.dumps of the dicts."""
    doc = timeline.to_dict()
    doc["transitions"] = [t.to_dict() for t in timeline.transitions]
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _written(doc: dict[str, Any]) -> str:
    import io

    out = io.StringIO()
    json_report.write_indented(doc, out)
    return out.getvalue()


@pytest.mark.parametrize("paths", REAL, ids=["seed-ex1", "split-brain", "graceful-stop", "corpus"])
def test_timeline_documents_from_tables_are_written_as_before(paths: list[Path]) -> None:
    timeline = _analysed(paths).timeline
    assert _written(json_report.timeline_document(timeline)) == _timeline_reference(timeline)


def test_dense_timeline_document_uses_the_tables(dense: AnalysisResult) -> None:
    from kalog.report._data import Table, instance_table

    timeline = dense.timeline
    doc = json_report.timeline_document(timeline)
    assert isinstance(doc["instances"], Table) and isinstance(doc["transitions"], Table)
    assert list(doc) == [*timeline.to_dict(), "transitions"]
    table = instance_table(timeline)
    assert table is not None and table.records() == timeline.to_dict()["instances"]
    assert _written(doc) == _timeline_reference(timeline)


@pytest.mark.parametrize("segments", ODD_SEGMENTS.values(), ids=list(ODD_SEGMENTS))
def test_odd_timeline_documents_are_written_as_before(segments: list[Segment]) -> None:
    for vrid in (51, None, np.int64(51)):
        timeline = _timeline(*segments, vrid=vrid)
        try:
            expected = _timeline_reference(timeline)
        except (TypeError, ValueError) as error:
            with pytest.raises(type(error)):
                _written(json_report.timeline_document(timeline))
            continue
        assert _written(json_report.timeline_document(timeline)) == expected


def test_timeline_document_without_segments_is_written_as_before() -> None:
    timeline = Timeline([InstanceTimeline("lb1", "VI_1", 51, "2.2", [])], [], [], {}, None, None)
    assert _written(json_report.timeline_document(timeline)) == _timeline_reference(timeline)
