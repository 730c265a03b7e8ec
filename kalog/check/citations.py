"""The text of the log lines findings cite, attached in one lookup per analysis.

A rule says *where* its evidence is, as (source, line) locations (ruff's
convention: the violation carries a location, the engine renders it); the
engine attaches each cited line's text to every finding at once
(`attach_texts`, called by `kalog.check.analysis.run_rules`).  Why not let
each rule fetch its lines: a dense log has millions of rows and a rule with
thousands of findings would search the frame and convert a cell per line;
one search per log file for all the findings of all rules is the bulk form,
and rules need no helper for it at all.

A frame read with `keep_raw=False` (`kalog analyze`) holds no text for
the inputs that can be read again (`kalog.ingest.refetch`): their cited
lines are still looked up in the frame (a location that is no event keeps
no text, as before) and their texts read back from the inputs, one pass
per input for all the findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from kalog.check.findings import Evidence, Finding
from kalog.ingest import refetch

if TYPE_CHECKING:  # pragma: no cover
    from kalog.check.context import AnalysisContext

__all__ = ["attach_texts", "line_texts", "python_values"]


def attach_texts(ctx: AnalysisContext, findings: Sequence[Finding]) -> None:
    """Give each cited line without a text its text from `ctx.events`, in place.

    Evidence that already has a text (a rule that holds the row) keeps it;
    a location not in the events (a config file's line) stays without.
    """
    wanted = {
        (item.source, item.line): None
        for finding in findings
        for item in finding.evidence
        if item.raw is None
    }
    if not wanted:
        return
    texts = line_texts(ctx, wanted)
    for finding in findings:
        if any(item.raw is None for item in finding.evidence):
            cited = tuple(
                item
                if item.raw is not None
                else Evidence(item.source, item.line, texts[(item.source, item.line)])
                for item in finding.evidence
            )
            object.__setattr__(finding, "evidence", cited)  # frozen: the same finding, texts added


def line_texts(
    ctx: AnalysisContext, keys: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], str | None]:
    """(source, line) -> the line's text in `ctx.events` ("" for a row without
    one), None for a line not in the events."""
    return _line_lookup(ctx).texts(keys)


@dataclass
class _LineLookup:
    """Where each (source, line) sits in the events frame.

    Why not a dict of every line's text: a dense log has millions of events,
    and a dict with a key tuple and a str per row costs hundreds of MB for the
    few dozen lines findings cite.  Lines are sorted per source (stably, so
    of a line read twice the last row wins, as a dict would keep it) and
    searched with numpy.
    """

    sources: dict[str, tuple[int, int]]  # source -> slice of `lines`/`positions`
    lines: np.ndarray
    #: frame position of each entry of `lines`; None: the entry's own index
    #: (a frame already in (source, line) order, as a single input's is)
    positions: np.ndarray | None
    raw: Any  # position -> the frame's raw cell (values fetched on demand)
    raw_column: pd.Series | None = None  # the same cells, for fetching many at once
    #: the inputs whose rows hold no text: read back from the input
    elsewhere: refetch.Refetch | None = None

    def text(self, source: str, line: int) -> str | None:
        where = self.sources.get(source)
        if where is None:
            return None
        lo, hi = where
        found = lo + int(self.lines[lo:hi].searchsorted(line, side="right")) - 1
        if found < lo or int(self.lines[found]) != line:
            return None
        if self.elsewhere is not None and source in self.elsewhere.inputs:
            return self.elsewhere.texts(source, [line])[line]
        return _raw_text(self.raw(int(self._rows(found))))

    def _rows(self, found: Any) -> Any:
        """The frame rows of the entries `found` (an index or an array of them)."""
        return found if self.positions is None else self.positions[found]

    def texts(self, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str | None]:
        """`{key: self.text(*key)}` with one search per source and one fetch of the cells."""
        result: dict[tuple[str, int], str | None] = {}
        by_source: dict[str, list[int]] = {}
        for source, line in keys:
            by_source.setdefault(source, []).append(line)
        found_keys: list[tuple[str, int]] = []
        found_rows: list[np.ndarray] = []
        for source, lines in by_source.items():
            where = self.sources.get(source)
            if where is None or any(not _INT64_MIN < line < _INT64_MAX for line in lines):
                result.update({(source, line): self.text(source, line) for line in lines})
                continue
            lo, hi = where
            wanted = np.array(lines, dtype=np.int64)
            found = lo + self.lines[lo:hi].searchsorted(wanted, side="right") - 1
            hit = found >= lo
            hit[hit] = self.lines[found[hit]] == wanted[hit]
            if self.elsewhere is not None and source in self.elsewhere.inputs:
                # events of an input read again: their texts in one pass over it
                events = [line for line, ok in zip(lines, hit.tolist(), strict=True) if ok]
                texts = self.elsewhere.texts(source, events) if events else {}
                for line in lines:
                    result[(source, line)] = texts.get(line)
                continue
            for line, ok in zip(lines, hit.tolist(), strict=True):
                if ok:
                    found_keys.append((source, line))
                else:
                    result[(source, line)] = None
            found_rows.append(self._rows(found[hit]))
        if found_keys:
            rows = np.concatenate(found_rows).tolist()
            if self.raw_column is not None:
                raws = python_values(self.raw_column.iloc[rows])
            else:
                raws = [self.raw(row) for row in rows]
            for key, raw in zip(found_keys, raws, strict=True):
                result[key] = _raw_text(raw)
        return result


_INT64_MIN, _INT64_MAX = np.iinfo(np.int64).min, np.iinfo(np.int64).max

#: Rows whose (source, line) order `_in_order` checks at once.
_ORDER_STEP = 1 << 20


def _in_order(codes: np.ndarray, lines: np.ndarray, step: int = _ORDER_STEP) -> bool:
    """Whether the rows are in (source code, line) order (ties allowed), checked a
    slice of `step` rows at a time.

    Why slices: the whole columns' differences and masks were ~20 bytes a
    row of temporaries, built as the findings' texts are read back: ~170 MB
    on dense 10M, where its analysis then peaked.  Compared, not
    subtracted, so the codes keep their own narrow type.
    """
    for lo in range(0, len(codes) - 1, step):
        hi = min(lo + step + 1, len(codes))  # one row more: the pair across slices
        here, after = codes[lo : hi - 1], codes[lo + 1 : hi]
        ahead = after > here
        ahead |= (after == here) & (lines[lo + 1 : hi] >= lines[lo : hi - 1])
        if not ahead.all():
            return False
    return True


def _raw_text(raw: Any) -> str:
    """A raw cell as evidence text: "" for a missing one."""
    if type(raw) is str:
        return raw
    return "" if raw is None or pd.isna(raw) else str(raw)


def _line_lookup(ctx: AnalysisContext) -> _LineLookup:
    def build() -> _LineLookup:
        events = ctx.events
        empty = np.zeros(0, dtype=np.int64)
        if events.empty or not {"source", "line", "raw"} <= set(events.columns):
            return _LineLookup({}, empty, empty, None)
        source, line = events["source"], events["line"]
        if isinstance(source.dtype, pd.CategoricalDtype) and line.dtype == np.int64:
            # the frame's own columns: the codes and the line numbers as they
            # are (no float copy, no NaN to drop), sorted only when they are not
            codes = source.cat.codes.to_numpy()
            uniques: Any = source.cat.categories
            numbers = line.to_numpy()
            keep = np.flatnonzero(codes >= 0) if (codes < 0).any() else None
        else:
            codes, uniques = _source_codes(source)
            lines = line.to_numpy(dtype=np.float64, na_value=np.nan)
            keep = np.flatnonzero((codes >= 0) & ~np.isnan(lines))
            numbers = np.where(np.isnan(lines), 0, lines).astype(np.int64)  # NaN: not kept
        kept_codes = codes if keep is None else codes[keep]
        kept_lines = numbers if keep is None else numbers[keep]
        order: np.ndarray | None
        if _in_order(kept_codes, kept_lines):
            # already sorted by (source, line): the stable sort is the identity
            # (for every row: no array of the frame's positions, 8 bytes a row)
            order, sorted_lines, sorted_codes = keep, kept_lines, kept_codes
        else:
            order = (np.arange(len(codes)) if keep is None else keep)[
                np.lexsort((kept_lines, kept_codes))
            ]
            sorted_lines, sorted_codes = numbers[order], codes[order]
        # the codes searched in their own type: an int64 array of them (8
        # bytes a row) is what numpy made to search int8 codes for int64 ones
        firsts = np.searchsorted(
            sorted_codes, np.arange(len(uniques), dtype=sorted_codes.dtype), side="left"
        )
        bounds = [*firsts.tolist(), len(sorted_codes)]
        sources: dict[str, tuple[int, int]] = {}
        for code, name in enumerate(uniques):
            sources[str(name)] = (int(bounds[code]), int(bounds[code + 1]))
        raw = events["raw"]
        elsewhere = events.attrs.get(refetch.ATTR)
        return _LineLookup(sources, sorted_lines, order, _cell_reader(raw), raw, elsewhere)

    return ctx.cached("line_lookup", build)


def _source_codes(values: pd.Series) -> tuple[np.ndarray, Any]:
    """`pd.factorize(values, use_na_sentinel=True)`, quicker for a log read from one file.

    Hashing a million source cells was half of building the line lookup;
    when the pyarrow-backed column has no missing cell and every cell
    equals the first (one comparison pass), the codes are all 0 and the
    only unique value is that first cell.
    """
    if len(values) and isinstance(values.dtype, pd.StringDtype):
        array = values.array
        if hasattr(array, "__arrow_array__"):
            chunks = array.__arrow_array__()
            first = chunks[0]
            if chunks.null_count == 0 and pc.all(pc.equal(chunks, first)).as_py():
                return np.zeros(len(values), dtype=np.intp), pd.Index([first.as_py()])
    return pd.factorize(values, use_na_sentinel=True)


def _cell_reader(values: pd.Series) -> Callable[[int], Any]:
    """position -> the cell's value, missing as None or a pandas NA value.

    Why not `values.array[i]`: on a pyarrow-backed column each such access
    goes through pandas' indexing machinery (several microseconds); the
    pyarrow scalar gives the same str (None for null) in a fraction of that.
    """
    array = values.array
    if isinstance(values.dtype, pd.StringDtype) and hasattr(array, "__arrow_array__"):
        chunks = array.__arrow_array__()
        if chunks.num_chunks == 1:
            chunk = chunks.chunk(0)
            return lambda position: chunk[position].as_py()
        return lambda position: chunks[position].as_py()
    return array.__getitem__


def python_values(values: pd.Series) -> list[Any]:
    """A column's cells as Python values, None for missing (None, pd.NA, NaT).

    Columns whose missing value is pd.NA (the frame's "string", Int64 and
    boolean columns) convert in one `to_numpy` call, which gives the same
    values as going through `astype(object)`, several times faster.
    """
    if len(values) and getattr(values.dtype, "na_value", None) is pd.NA:
        return values.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(values.dtype, pd.CategoricalDtype):  # the frame's text columns
        distinct = np.empty(len(values.cat.categories) + 1, dtype=object)
        distinct[:-1] = values.cat.categories.astype(object).tolist()
        distinct[-1] = None  # code -1 (missing) picks the last slot
        return distinct[values.cat.codes.to_numpy()].tolist()
    return [
        None if v is None or v is pd.NA or v is pd.NaT else v
        for v in values.astype(object).tolist()
    ]
