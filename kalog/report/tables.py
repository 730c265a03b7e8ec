"""`kalog analyze --tables DIR`: the findings, the changes of master and the clusters as Parquet.

Why: a fleet's months of findings are queried, not read (which clusters had
a split brain last quarter, how many failovers per pair and week), and
Parquet is what DuckDB, pandas, Spark and the data warehouse read.  Three
files, each one JSON section of the report as a table, with each row's
cluster of hosts (`kalog.fleet.view`): `findings.parquet` (a row per
finding, its evidence a list of {source, line}), `transitions.parquet` (a
row per change into or out of MASTER), `clusters.parquet` (the fleet view's
rows, worst first).  Times are the JSON's ISO 8601 texts (a fleet's logs
may mix zones; a text keeps each as the log gave it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kalog.check.analysis import AnalysisResult
from kalog.check.findings import FINDING_FIELDS
from kalog.report._data import _TRANSITION_FIELDS

#: The files written, in order.
NAMES = ("findings", "transitions", "clusters")


def tables(result: AnalysisResult) -> dict[str, Any]:
    """name -> DataFrame of the three tables (the fleet view is computed if absent)."""
    import pandas as pd

    from kalog.fleet.view import fleet_view
    from kalog.report.json import build

    view = result.fleet if result.fleet is not None else fleet_view(result)
    with_view = AnalysisResult(**{**result.__dict__, "fleet": view})
    doc = build(with_view)
    findings = pd.DataFrame(doc["findings"], columns=[*FINDING_FIELDS, "cluster"])
    transitions = pd.DataFrame(doc["transitions"], columns=[*_TRANSITION_COLUMNS, "cluster"])
    rows = [
        {
            **{k: v for k, v in row.items() if k != "findings"},
            **{f"{severity}s": n for severity, n in row["findings"].items()},
        }
        for row in doc["clusters"]
    ]
    return {"findings": findings, "transitions": transitions, "clusters": pd.DataFrame(rows)}


_TRANSITION_COLUMNS = tuple(_TRANSITION_FIELDS)


def write_tables(result: AnalysisResult, directory: str | Path) -> list[Path]:
    """Write the three tables into `directory` (made if missing); the paths written."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables(result).items():
        path = target / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        written.append(path)
    return written
