"""Build the event frame: one typed row per keepalived line of the inputs.

`read_events()` drives the pipeline for a set of inputs: `kalog.ingest.read` yields
decoded line blocks, `kalog.grammar.envelope` finds the keepalived lines and
their envelopes, `kalog.grammar.body` types each distinct message body, and
this module completes the timestamps, merges the inputs in time order and
returns a frame with exactly the columns of `kalog.ingest.events.COLUMNS`.

Two engines give the same frame (tests/test_frame.py checks it):

* "fast" (default): a byte-level prefilter per block (the ident word found
  with `bytes.find`, or pyarrow's substring search where most lines match;
  every line where a relayed console stamp may hide), envelopes read in
  bulk from arrays of lines (`kalog.grammar.bulk`) a window of
  `WINDOW_LINES` candidate lines at a time, each window reduced at once to
  the columns the frame keeps (`_collect_fast`: the reader's memory is one
  window's, not the input's), `parse_body` once per distinct body,
  timestamps completed with vectorised pandas operations once per distinct
  value; a big plain file is read by two processes (`kalog.ingest.split`);
* "plain": the pyparsing envelope grammars on every line and timestamps
  built one line at a time - slow, but a direct reading of the grammar.

Timestamps (the rules are also in docs/events.md):

* year-less syslog stamps take `year` for the first line (or, without it,
  the year of the file's modification time for the last line, one year less
  when the last line's month/day lies after the mtime), and a year is added
  at each December -> January style drop of six months or more;
* if any line carries a UTC offset (ISO 8601, RFC 5424, journal JSON) or
  `tz` is given, the column is tz-aware: in `tz` if given, else UTC; naive
  lines are read as wall-clock time in `tz`, else as UTC (with a warning);
* lines with no timestamp (bare messages, damaged headers) keep NaT; for
  the merge they sort with their neighbours in the same file.
"""

from __future__ import annotations

import calendar
import os
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kalog.errors import InputError, InputWarning, KalogError
from kalog.grammar import envelope as env
from kalog.grammar.body import parse_body
from kalog.grammar.bulk import take_rows
from kalog.ingest import events, identity, refetch, split
from kalog.ingest.read import Source, input_size, iter_line_blocks, iter_sources
from kalog.ingest.scan import gather_windows
from kalog.speed.allocator import give_back

Engine = Literal["fast", "plain"]
OnError = Literal["raise", "collect"]

#: Columns the envelope fills; every other column of COLUMNS comes from the body.
ENVELOPE_COLUMNS = ("ts", "host", "program", "pid", "body", "source", "line", "raw", "repeated")
_ROW_COLUMNS = ("line", "raw", "style", *env.FIELDS)
#: A pid is digits; obfuscated ones (`xxxx1`) and RFC 5424's `-` give NA.
_PID_PATTERN = r"[0-9]{1,9}"  # what the Int32 column holds (pids are below 2**22)
_WEEKDAYS = {name: i for i, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))}
#: Years a timestamp may have; others are invalid dates (NaT, counted in the
#: "could not be read" warning).  pandas' nanosecond times span 1677-09-21 to
#: 2262-04-11, and 1678 is the stand-in year of lines without a time
#: (kalog.model.timeline.UNTIMED_BASE): a year 0226 line was an internal
#: error (OutOfBoundsDatetime), found by tests/fuzz.
YEARS = (1679, 2261)
#: The same span as epoch microseconds (journal JSON's __REALTIME_TIMESTAMP).
_EPOCH_US = (
    int(pd.Timestamp(f"{YEARS[0]}-01-01").value // 1000),
    int(pd.Timestamp(f"{YEARS[1]}-12-31 23:59:59").value // 1000),
)
#: A month drop of at least this many months between consecutive lines is a
#: new year (Dec -> Jan), smaller drops are lines slightly out of order.
ROLLOVER_DROP = 6


def read_events(
    paths: str | Path | Iterable[str | Path],
    *,
    year: int | None = None,
    host: str | None = None,
    tz: str | None = None,
    on_error: OnError = "raise",
    engine: Engine = "fast",
    progress: Callable[[int, int | None], None] | None = None,
    host_of: Mapping[str, str] | None = None,
    keep_raw: bool = True,
) -> pd.DataFrame:
    """Read keepalived logs into one event frame, merged in time order.

    paths: files (plain, .gz, .bz2, .xz by magic bytes) or '-' for stdin.
    year: year of the first line for year-less syslog timestamps.
    host: host for lines whose envelope names none (default: the file name
        up to its first dot, 'stdin' for stdin).
    tz: IANA zone for naive timestamps; makes `ts` tz-aware in that zone.
    on_error: "raise" raises `InputError` for an unreadable input and emits
        `InputWarning`s; "collect" (the CLI) records both in the stats and
        goes on with the other inputs.
    engine: "fast" or "plain" (see the module docstring; for tests).
    progress: called as progress(bytes_read, total_bytes) while reading
        (total None when an input's size is unknown, e.g. stdin).
    host_of: input (as given in `paths`) -> the host of every line of it,
        whatever its envelope says (`--host-of PATH=HOST`).
    keep_raw: False leaves `raw` null in the rows of the inputs that can be
        read again (local regular files unchanged while read) and records
        them in `frame.attrs["raw_refetch"]`: the analysis reads the lines it
        cites back from them (`kalog.ingest.refetch`), and the frame is
        ~107 MB per million lines smaller.  `kalog analyze`, `timeline` and
        `explain` read so; the default keeps every line's text.

    One host name in inputs from different directories, or two keepalived
    processes of one name at once in two inputs, is several machines: their
    rows are renamed `host@DIR` / `host@FILE`, with a warning, and
    `frame.attrs["hosts_apart"]` maps each such name to its new names
    (`kalog.ingest.identity`).

    The columns and dtypes are `kalog.ingest.events.COLUMNS`: the text
    columns are categorical (each distinct value stored once; `raw` an
    Arrow-backed string), see docs/events.md.

    Ties in time keep input order, then line order.  `frame.attrs["stats"]`
    holds lines_read, keepalived_lines, typed, unknown, undecodable_bytes,
    files, warnings and errors.
    """
    if tz is not None:
        _check_tz(tz)
    names = [paths] if isinstance(paths, (str, Path)) else list(paths)
    given = _inputs_named(host_of or {}, [str(p) for p in names])
    sources = iter_sources([str(p) for p in names])
    if progress is not None:
        _report_progress(sources, progress)
    reads: list[InputRead] = []
    named = Counter(source.name for source in sources)
    for source in sources:
        try:
            # an input named once need not build the text it would drop (an
            # input named twice keeps it to the assembly, which compares its reads)
            text = keep_raw or named[source.name] > 1
            reads.append(read_input(source, year, engine, keep_raw=text))
        except InputError as exc:
            if on_error == "raise":
                raise
            reads.append(InputRead(source, error=str(exc)))
    return assemble_inputs(
        reads, host=host, tz=tz, given=given, engine=engine, on_error=on_error, keep_raw=keep_raw
    )


@dataclass
class InputRead:
    """What reading one input gave: its envelope rows with their times, or its error.

    The per-input half of `read_events`, apart so that inputs can be read
    in other processes or on other machines (`kalog.fleet`) and assembled in
    one (`assemble_inputs`) with the same result.
    """

    source: Source
    part: pd.DataFrame | None = None
    format: dict[str, Any] | None = None
    assumed_year: dict[str, Any] | None = None
    error: str | None = None
    #: the input's `kalog.ingest.refetch.Fingerprint` when it was the same
    #: before and after its read (its lines can be read again), else None
    fingerprint: refetch.Fingerprint | None = None


def read_input(
    source: Source,
    year: int | None,
    engine: Engine,
    *,
    split_ok: bool = True,
    keep_raw: bool = True,
) -> InputRead:
    """Read one input: its keepalived envelope rows, times completed (`InputError` if unreadable).

    split_ok: False reads a big plain file in this process only (a worker
    of a pool must not fork readers of its own).
    keep_raw: False (the fast engine) drops the lines' text as soon as it
    is worth reading back (`_worth_reading_back`: a dense log's) when the
    input can be read again (`kalog.ingest.refetch`): its `raw` is null and
    its `fingerprint` set, as `assemble_inputs(keep_raw=False)` would leave
    it, without the text (~107 MB per million dense lines) ever being held
    whole.  A sparse log keeps its few lines' text.  An input that changed
    while it was read, its text dropped, is read once more with its text,
    so the result is the same as reading with it.
    """
    before = refetch.fingerprint(source.name)
    text = keep_raw or before is None or engine != "fast"
    part, times = _collect(source, engine, split_ok=split_ok, text=text)
    unchanged = before is not None and refetch.fingerprint(source.name) == before
    dropped = not text and len(part) > 0 and _text_bytes(part) == 0
    if dropped and not unchanged:  # changed while read: its text cannot be fetched later
        del part, times
        # counted afresh (the same lines and warnings again); the progress
        # display has seen these bytes already
        progress, source.progress = source.progress, None
        source.lines_read = source.undecodable_bytes = 0
        source.warnings.clear()
        try:
            return read_input(source, year, engine, split_ok=split_ok)
        finally:
            source.progress = progress
    # gathering a big input frees more than it keeps (its blocks, the
    # envelopes' bulk passes): handed back before the times stack their own
    give_back()
    if source.lines_read == 0:
        source.warn("empty input")
    styles = _complete_times(part, source, year, engine, times)
    fmt = {"source": source.name, "compression": source.compression, "styles": sorted(styles)}
    assumed = _assumed_year(part, source) if year is None else None
    part["source_index"] = source.index
    return InputRead(source, part, fmt, assumed, fingerprint=before if unchanged else None)


def assemble_inputs(
    reads: list[InputRead],
    *,
    host: str | None = None,
    tz: str | None = None,
    given: Mapping[str, str] | None = None,
    engine: Engine = "fast",
    on_error: OnError = "raise",
    keep_raw: bool = True,
) -> pd.DataFrame:
    """The event frame of the inputs read (`reads`, in input order): `read_events`' second half.

    Takes the reads' parts over (`_assemble` releases their columns as it goes).
    keep_raw: as `read_events`'; the texts are dropped here, before the
    merge, so that neither the merge nor the frame holds them.
    """
    sources = [r.source for r in reads]
    errors = [r.error for r in reads if r.error is not None]
    done = [r for r in reads if r.error is None]
    files = len(done)
    formats = [r.format for r in done if r.format is not None]
    assumed_years = [r.assumed_year for r in done if r.assumed_year is not None]
    elsewhere = {} if keep_raw else _drop_raw(done)
    parts = [r.part for r in done if r.part is not None]
    for r in done:
        r.part = None
    frame_warnings = [w for s in sources for w in s.warnings]
    names = [s.name for s in sources]
    defaults = [host if host is not None else s.default_host for s in sources]
    frame = _assemble(parts, names, defaults, tz, engine, frame_warnings)
    if elsewhere:
        frame.attrs[refetch.ATTR] = refetch.Refetch(elsewhere, warn_library=on_error == "raise")
    # the parts and the body columns' temporaries, freed: handed back before
    # the host check stacks its own (dense 1M: the read's peak was there)
    give_back()
    given = dict(given or {})
    identity.name_inputs(frame, given)
    renamed, apart, notes = identity.separate_hosts(frame, given)
    identity.apply_names(frame, renamed)
    frame_warnings.extend(notes)
    kinds = frame["kind"]
    stats = input_stats(
        sources,
        rows=len(frame),
        typed=int((kinds != events.Kind.UNKNOWN.value).sum()),
        unknown=int((kinds == events.Kind.UNKNOWN.value).sum()),
        files=files,
        warnings=frame_warnings,
        errors=errors,
        formats=formats,
        assumed_years=assumed_years,
    )
    frame.attrs["stats"] = stats
    if apart:
        frame.attrs["hosts_apart"] = apart
    if on_error == "raise":
        for message in frame_warnings:
            warnings.warn(message, InputWarning, stacklevel=3)
    return frame


def input_stats(
    sources: list[Source],
    *,
    rows: int,
    typed: int,
    unknown: int,
    files: int,
    warnings: list[str],
    errors: list[str],
    formats: list[dict[str, Any]],
    assumed_years: list[dict[str, Any]],
) -> dict[str, Any]:
    """`frame.attrs["stats"]` of the inputs read (`read_events`' docstring);
    the undecodable bytes of each input are added to `warnings`, in place."""
    stats: dict[str, Any] = {
        "lines_read": sum(s.lines_read for s in sources),
        "keepalived_lines": rows,
        "typed": typed,
        "unknown": unknown,
        "undecodable_bytes": sum(s.undecodable_bytes for s in sources),
        "files": files,
        "warnings": warnings,
        "errors": errors,
        "formats": formats,
    }
    if assumed_years:
        stats["assumed_years"] = assumed_years
    for s in sources:
        if s.undecodable_bytes:
            bad = s.undecodable_bytes
            warnings.append(f"{s.name}: {bad} bytes not valid UTF-8 (shown as U+FFFD)")
    return stats


#: An input's text is read back at the end (`keep_raw=False`) rather than
#: kept only when it is at least this share of the input's lines and this
#: many bytes: reading back passes over the input again (~0.7 s for the 1.3 GB
#: benchmark syslog, whose 1% of keepalived lines hold 10 MB of text), which
#: only a dense log's text repays.
READ_BACK_SHARE = 0.25
READ_BACK_BYTES = 16 << 20


def _worth_reading_back(rows: int, lines_read: int, text_bytes: int) -> bool:
    """True when `rows` keepalived lines of `text_bytes` among `lines_read` are
    better read back than kept (`READ_BACK_SHARE`, `READ_BACK_BYTES`)."""
    return text_bytes >= READ_BACK_BYTES and rows >= READ_BACK_SHARE * lines_read


def _text_bytes(part: pd.DataFrame) -> int:
    """The bytes of a part's `raw` text (0 when the reader dropped it)."""
    chunks = part["raw"].array.__arrow_array__()
    return sum(
        chunk.buffers()[2].size if chunk.null_count < len(chunk) else 0 for chunk in chunks.chunks
    )


def _drop_raw(reads: list[InputRead]) -> dict[str, refetch.Fingerprint]:
    """Empty the `raw` of the reads whose input can be read again and whose
    text is worth reading back (`_worth_reading_back`); their names and
    fingerprints.  A read whose reader dropped its text already counts.

    An input named twice is emptied only when both reads saw the same file.
    """
    prints: dict[str, set[refetch.Fingerprint | None]] = {}
    for r in reads:
        prints.setdefault(r.source.name, set()).add(r.fingerprint)
        if r.part is not None and len(r.part):
            text = _text_bytes(r.part)
            if text and not _worth_reading_back(len(r.part), r.source.lines_read, text):
                prints[r.source.name].add(None)  # kept: a sparse log's few lines
    elsewhere = {
        name: next(iter(found))
        for name, found in prints.items()
        if len(found) == 1 and None not in found
    }
    for r in reads:
        if r.source.name in elsewhere and r.part is not None:
            r.part["raw"] = _no_text(len(r.part))
    return elsewhere


def _no_text(rows: int) -> pd.Series:
    """A `raw` column of `rows` missing texts: a validity bitmap and zero offsets."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.nulls(rows, pa.large_string())))


def _report_progress(sources: list[Source], progress: Callable[[int, int | None], None]) -> None:
    """Make every source report its reads to `progress` as (done, total) bytes."""
    sizes = [input_size(s.name) for s in sources]
    total = None if any(size is None for size in sizes) else sum(sizes)  # type: ignore[arg-type]
    done = [0]

    def advance(count: int) -> None:
        done[0] += count
        progress(done[0], total)

    for source in sources:
        source.progress = advance


# -- per input: find keepalived lines and their envelopes ---------------------


def _collect(
    source: Source, engine: Engine, *, split_ok: bool = True, text: bool = True
) -> tuple[pd.DataFrame, _Times | None]:
    """Envelope rows of the keepalived lines of one input, and what their times still need.

    plain: every envelope field as an object column (line, raw, style,
    *FIELDS), times not begun (None); fast: `_collect_fast` (`text`: False
    drops a dense input's text, leaving `raw` null).
    """
    if engine == "fast":
        return _collect_fast(source, split_ok=split_ok, text=text)
    rows: list[tuple[Any, ...]] = []
    layout: env.FileLayout | None = None
    primary = env.RFC3164
    for block in iter_line_blocks(source):
        if layout is None:
            layout, primary = env.sniff(block.head(env.SNIFF_LINES * 4), env.match_plain)
        first = block.first
        for i, text in enumerate(block.lines):
            found = env.read_envelope(text, layout, primary, env.match_plain)
            if found is not None:
                f = found.fields
                rows.append((first + i, text, found.style, *(f[k] for k in env.FIELDS)))
    return _rows_frame(rows), None


#: Candidate lines the fast engine reads, types and reduces at a time
#: (`_collect_fast`): its transient memory is about this many lines' worth
#: (~50 MB for dense syslog lines) whatever the input's size.  Tests shrink it.
WINDOW_LINES = 1 << 17

#: Envelope fields the times are worked out from, window by window (`_Times`).
_TIME_FIELDS = ("weekday", "month", "day", "time", "year", "date", "offset", "epoch_us")
#: Envelope fields the fast engine's part keeps, as categoricals (`_assemble` reads them).
_KEPT_FIELDS = ("host", "program", "pid", "body", "repeated")


def _collect_fast(
    source: Source, *, split_ok: bool = True, text: bool = True
) -> tuple[pd.DataFrame, _Times]:
    """The fast engine's `_collect`: candidates found per block, envelopes read in bulk,
    a window of `WINDOW_LINES` candidate lines at a time.

    Why windows: the envelopes of all lines at once (a dozen string arrays)
    and the times' per-row temporaries were ~300 MB above the frame for the
    dense 1M-line file.  Each window's envelopes are reduced at once to the
    columns the frame keeps (line numbers, the raw text, categorical codes,
    times as int64) and dropped before the next window is read.  What a
    line's time needs from the whole input (the year of year-less stamps,
    the reference date) is carried by `_Times` and completed by
    `_complete_times`.  A big plain file is read by two processes, a part
    each (`kalog.ingest.split`); its envelopes then arrive whole (a sparse
    file's few) and are reduced in windows all the same.

    The part: line (int64), raw (string), style and `_KEPT_FIELDS`
    (categorical, categories in first-seen order: the reader's
    intermediate, not the frame's; a missing body is ""), naive (int64
    nanoseconds, completed by `_complete_times`) and offset (float64).
    """
    columns: dict[str, list[Any]] = {
        name: [] for name in ("line", "raw", "style", *_KEPT_FIELDS, "naive", "offset")
    }
    times = _Times()
    kept: _Text | None = None
    rows, dropped = 0, False

    def take_text() -> bool:
        nonlocal kept
        if kept is None and not dropped:  # the input is open: its compression is known
            kept = _Text(input_size(source.name) if source.compression == "none" else None)
        return kept is not None

    for window, lines in reduced_windows(source, times, take_text, split_ok=split_ok):
        rows += len(window["line"])
        if lines is not None and kept is not None:
            kept.add(lines)
            del lines
            if not text and _worth_reading_back(rows, source.lines_read, kept.used):
                kept, dropped = None, True  # a dense log's text: read back at the end
        for name, column in window.items():
            columns[name].append(column)
        del window
    if kept is not None:
        columns["raw"].append(kept.array())
    elif rows:
        columns["raw"].append(pa.nulls(rows, pa.large_string()))
    return _part(columns), times


def reduced_windows(
    source: Source,
    times: _Times,
    take_text: Callable[[], bool] = lambda: True,
    *,
    split_ok: bool = True,
    window: int | None = None,
) -> Iterator[tuple[dict[str, Any], pa.Array | None]]:
    """Each window of `source`'s keepalived lines (`WINDOW_LINES` candidates at a
    time), reduced: its columns (line, style, `_KEPT_FIELDS`, naive, offset:
    `_collect_fast`'s part, a window of it) and, when `take_text()` says so,
    its lines' text.  `times` carries what the times need across windows.

    Windows without a keepalived line are skipped.  Each window's envelope
    arrays are dropped as soon as they are reduced, before the next is read.
    window: candidate lines per window (None: `WINDOW_LINES`).
    """
    window = WINDOW_LINES if window is None else window
    if split_ok and split.worth_splitting(source):
        windows = split.gather_in_parts(source, window)
    else:
        windows = gather_windows(source, window=window)
    for gathered in windows:
        numbers, lines, found = gathered.numbers, gathered.lines, gathered.found
        del gathered  # each array is dropped once reduced: the window's peak is lower
        if not len(found.rows):
            del lines, found
            continue
        reduced: dict[str, Any] = {"line": numbers[found.rows]}
        text = take_rows(lines, found.rows) if take_text() else None
        del lines
        fields = found.fields
        for name in _KEPT_FIELDS:
            field = fields.pop(name)
            reduced[name] = _objects(pc.fill_null(field, "") if name == "body" else field)
        del field
        style = _objects(found.style)
        timed = {name: _objects(fields.pop(name)) for name in _TIME_FIELDS}
        del found, fields
        reduced["naive"], reduced["offset"] = times.window(
            pd.DataFrame({"style": style, **timed}, copy=False)
        )
        del timed
        reduced["style"] = style
        # handed over, not kept: a suspended generator's locals stay alive, and
        # the caller builds and writes the window before asking for the next
        handed = [reduced, text]
        del reduced, text
        yield handed.pop(0), handed.pop(0)


class _Text:
    """The text of the kept lines, window after window, in one buffer: the part's `raw`.

    Why not one Arrow array per window: a chunked column is copied whole by
    every `take` (pyarrow 26: the dense 1M frame's analysis peaked 100 MB
    higher), and joining the chunks at the end held the text twice for a
    moment (+107 MB, the read's peak).  The buffer is allocated at the
    input's size when that bounds the text (a plain file; the pages are
    only resident once written), else it grows by doubling.
    """

    def __init__(self, capacity: int | None) -> None:
        self.data = np.empty(max(capacity, 1 << 16) if capacity else 16 << 20, np.uint8)
        self.used = 0
        self.ends: list[np.ndarray] = []

    def add(self, lines: pa.Array) -> None:
        """Append the strings of `lines` (no missing ones: lines of a file)."""
        lines = lines.cast(pa.large_string())
        _validity, offsets, data = lines.buffers()
        at = lines.offset
        bounds = np.frombuffer(offsets, dtype=np.int64)[at : at + len(lines) + 1]
        first, last = int(bounds[0]), int(bounds[-1])
        size = last - first
        if self.used + size > len(self.data):  # more than the file's bytes (U+FFFD) or unknown
            grown = np.empty(max(2 * len(self.data), self.used + size), np.uint8)
            grown[: self.used] = self.data[: self.used]
            self.data = grown
        if size:
            self.data[self.used : self.used + size] = np.frombuffer(data, np.uint8)[first:last]
        self.ends.append(bounds[1:] - first + self.used)
        self.used += size

    def array(self) -> pa.Array:
        """The strings added, as one large_string array."""
        offsets = np.concatenate([np.zeros(1, dtype=np.int64), *self.ends])
        self.ends.clear()
        data = self.data[: self.used]
        if self.used < len(self.data) // 4:  # mostly unused (a sparse file): not kept reserved
            data = data.copy()
        self.data = np.zeros(0, np.uint8)
        return pa.LargeStringArray.from_buffers(
            len(offsets) - 1, pa.py_buffer(offsets), pa.py_buffer(data)
        )


def _part(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """The windows' columns joined into the fast engine's part of one input."""
    if not columns["line"]:
        nothing = pa.array([], pa.large_string())
        empty: dict[str, Any] = {name: _objects(nothing) for name in columns}
        empty["line"] = np.zeros(0, dtype=np.int64)
        empty["raw"] = _strings(pa.array([], pa.large_string()))
        empty["naive"] = np.zeros(0, dtype=np.int64)
        empty["offset"] = np.zeros(0, dtype=np.float64)
        return pd.DataFrame(empty, copy=False)
    data: dict[str, Any] = {}
    for name, pieces in columns.items():
        if name == "raw":  # one array already: `_Text`'s buffer, or nulls when dropped
            data[name] = _strings(pieces[0])
        elif name in ("line", "naive", "offset"):
            data[name] = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
        else:
            data[name] = _union(pieces)
        pieces.clear()  # one column at a time: the windows' pieces are freed as it goes
    return pd.DataFrame(data, copy=False)


def _union(pieces: list[pd.Series]) -> pd.Series:
    """Categorical Series one after the other, as one categorical (categories first seen first).

    `union_categoricals` does it too, one piece at a time: slow for the
    thousands of small parts of a fleet (`_concat`); here every piece's
    categories are factorized in one pass and the codes moved by one `take`.
    """
    if len(pieces) == 1:
        return pieces[0].reset_index(drop=True)
    names = [np.asarray(p.cat.categories, dtype=object) for p in pieces]
    starts = np.cumsum([0] + [len(n) for n in names[:-1]])
    global_codes, uniques = pd.factorize(np.concatenate(names), use_na_sentinel=True)
    lookup = np.append(global_codes, -1)  # a missing cell (-1) picks the last slot
    local = np.concatenate(
        [
            np.where(codes >= 0, codes.astype(np.int64) + start, -1)
            for codes, start in zip((p.cat.codes.to_numpy() for p in pieces), starts, strict=True)
        ]
    )
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    return pd.Series(pd.Categorical.from_codes(lookup[local], categories=categories))


def _strings(column: pa.Array) -> pd.Series:
    """An arrow string column as a pandas "string" Series (no per-row Python objects)."""
    return pd.Series(pd.arrays.ArrowStringArray(column.cast(pa.large_string())))


def _objects(column: pa.Array) -> pd.Series:
    """An arrow string column as a categorical Series of the values of the
    object column `_rows_frame` would build (missing ones missing).

    Why categorical: these envelope fields (month, day, clock, pid, style...)
    repeat, and are only ever converted once per distinct value
    (`_per_distinct`); an object column of a million rows held 8 MB of
    pointers each, ~90 MB for the dozen of them while the times were worked
    out.  The categories keep the dictionary's order (first seen): they are
    the reader's intermediate, not the frame's.
    """
    encoded = column.dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    categories = pd.Index(encoded.dictionary.to_pylist(), dtype=object)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories))


def _rows_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The envelope rows as object columns (line: int64).

    What `DataFrame.from_records(rows).astype(object)` gives, built directly:
    a text column that has any value holds NaN (not None) where it has none
    (pandas infers a string dtype on the way), an empty one keeps None.
    Skipping the string inference and its undoing saves seconds per million
    lines.
    """
    if not rows:
        frame = pd.DataFrame.from_records(rows, columns=list(_ROW_COLUMNS))
        return frame.astype(dict.fromkeys(_ROW_COLUMNS, object) | {"line": "int64"})
    data: dict[str, Any] = {}
    for name, values in zip(_ROW_COLUMNS, zip(*rows, strict=True), strict=True):
        if name == "line":
            data[name] = np.array(values, dtype=np.int64)
            continue
        column = np.array(values, dtype=object)
        missing = column == None  # noqa: E711 - elementwise
        if missing.any() and not missing.all():
            column[missing] = np.nan
        data[name] = pd.Series(column, dtype=object)
    return pd.DataFrame(data, copy=False)


# -- timestamps ------------------------------------------------------------------


def _reference(source: Source) -> datetime:
    return source.mtime if source.mtime is not None else datetime.now()


def _complete_times(
    part: pd.DataFrame,
    source: Source,
    year: int | None,
    engine: Engine,
    times: _Times | None = None,
) -> set[str]:
    """Add `naive` (wall-clock datetime64[ns]) and `offset` (minutes east of UTC);
    return the envelope styles of the part (the input's detected formats).

    The fast engine's part has them already, but for the lines whose date
    depends on the whole input or on its file (year-less stamps, clock-only
    stamps): `times` completes those.
    """
    ref = _reference(source)
    if times is not None:
        naive = part["naive"].to_numpy(dtype=np.int64, copy=True)
        bad = times.finish(naive, ref, year)
        part["naive"] = naive.view("datetime64[ns]")
    else:
        naive_plain, offset = _times_plain(part, ref, year)
        part["naive"] = naive_plain
        part["offset"] = offset
        bad = int((part["naive"].isna() & part["time"].notna()).sum())
    styles = set(part["style"])
    _time_warnings(styles, source, ref, bad)
    return styles


def _time_warnings(styles: set[str], source: Source, ref: datetime, bad: int) -> None:
    """What an input's timestamps leave unsure, as warnings on `source`."""
    if "time" in {env.STYLE_BY_NAME[s].ts for s in styles if s in env.STYLE_BY_NAME}:
        source.warn(f"timestamps without a date; date taken from the file time ({ref.date()})")
    if "logfile_noday" in styles:
        source.warn(
            "log-file timestamps without day of month (keepalived 2.1.4-2.2.1); "
            "days reconstructed from the weekdays"
        )
    if bad:
        source.warn(f"{bad} timestamps could not be read (invalid dates)")


def _check_tz(tz: str) -> None:
    """KalogError for a zone zoneinfo does not know (it raised a KeyError subclass)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from kalog.errors import KalogError

    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise KalogError(f"unknown time zone {tz!r} (use an IANA name)") from None


def _assumed_year(part: pd.DataFrame, source: Source) -> dict[str, Any] | None:
    """Where the year of a year-less syslog input came from, when no --year was given.

    `{"source": name, "year": Y, "from": "file date" | "today"}` with Y the
    year given to its first year-less line (the file's modification time,
    or today's date for stdin), None when every line has its own year.
    Why: a 2014 excerpt pasted today reads as this year's; the summary says
    so (`year 2026 from the file's date; --year to set`).
    """
    styles = [s for s in set(part["style"]) if _ts_kind(s) == "monthday"]
    if not styles:
        return None
    mask = part["style"].isin(styles).to_numpy(dtype=bool)
    years = part["naive"].to_numpy()[mask]
    known = years[~np.isnat(years)]
    if not len(known):
        return None
    first = int(str(known[0])[:4])
    return {"source": source.name, "year": first, "from": "file date" if source.mtime else "today"}


def year_note(assumed: Sequence[Mapping[str, Any]]) -> str:
    """`year 2026 from the file's date; --year to set` (several inputs: each named)."""
    reasons = {(item["year"], item["from"]) for item in assumed}
    if len(reasons) == 1:
        ((year, origin),) = reasons
        whose = "the file's date" if len(assumed) == 1 else "the files' dates"
        text = f"year {year} from {whose if origin == 'file date' else 'today'}"
    else:
        text = "years " + ", ".join(
            f"{item['year']} for {item['source']} (from "
            f"{'its date' if item['from'] == 'file date' else 'today'})"
            for item in assumed
        )
    return f"{text}; --year to set"


def _ts_kind(style: str) -> str:
    if style == "json":
        return "epoch"
    found = env.STYLE_BY_NAME.get(style)
    return found.ts if found is not None else "none"


def _year_base(months: Any, days: Any, year: int | None, ref: datetime) -> np.ndarray:
    """Year of each year-less line (in file order), with Dec -> Jan rollover.

    A year starts at every month drop of ROLLOVER_DROP or more; a running
    count of the drops (numpy, not a loop: a million lines) is the shift.
    """
    months = np.asarray(months, dtype=np.int64)
    if not len(months):
        return np.zeros(0, dtype=np.int64)
    shifts = np.zeros(len(months), dtype=np.int64)
    shifts[1:] = np.cumsum(months[:-1] - months[1:] >= ROLLOVER_DROP)
    if year is not None:
        return year + shifts
    last_day = int(np.asarray(days)[-1])
    last = ref.year - (1 if (int(months[-1]), last_day) > (ref.month, ref.day) else 0)
    return last - (shifts[-1] - shifts)


def _per_distinct(column: pd.Series, convert: Callable[[pd.Series], Any]) -> pd.Series:
    """`convert(column)`, computed once per distinct value and spread back.

    Why: a log repeats its months, days and seconds; converting a million
    strings one by one (to_numeric, the clock digits) costs seconds, the
    distinct ones a fraction.  Missing values stay missing.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        # the fast reader's envelope fields (`_objects`): codes and values at hand;
        # converted as the object column of those values would be
        codes = column.cat.codes.to_numpy()
        present = np.unique(codes[codes >= 0])
        if not len(present):
            return convert(pd.Series([None] * len(column), dtype=object, index=column.index))
        # only the values some row holds (a subset's unused categories are left out)
        remap = np.full(len(column.cat.categories) + 1, -1, dtype=np.int64)
        remap[present] = np.arange(len(present))
        codes = remap[codes]
        uniques: Any = np.asarray(column.cat.categories.astype(object), dtype=object)[present]
        converted = pd.Series(convert(pd.Series(uniques, dtype=object)))
        return pd.Series(converted.array.take(codes, allow_fill=True), index=column.index)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if not len(uniques):
        return convert(column)
    converted = pd.Series(convert(pd.Series(uniques, dtype=column.dtype)))
    return pd.Series(converted.array.take(codes, allow_fill=True), index=column.index)


def _noday_days(rows: list[tuple[int, int, int]]) -> list[int]:
    """Days of month for (year, month, weekday) rows of the no-day log-file format.

    The first line gets the first day of its month with its weekday; later
    lines advance by the change of weekday (a log-file is written in order).
    """
    return _noday_run(rows, None)[0]


def _noday_run(
    rows: list[tuple[int, int, int]], prev: tuple[int, int, int, int] | None
) -> tuple[list[int], tuple[int, int, int, int] | None]:
    """`_noday_days` of rows that follow the line `prev` (year, month, weekday, day;
    None: the first), and the last row's such tuple: the fast engine's windows."""
    days: list[int] = []
    for y, m, w in rows:
        if prev is not None and (prev[0], prev[1]) == (y, m):
            day = prev[3] + (w - prev[2]) % 7
            if day > calendar.monthrange(y, m)[1]:
                day = prev[3]
        else:
            first_weekday = calendar.weekday(y, m, 1)
            day = 1 + (w - first_weekday) % 7
        days.append(day)
        prev = (y, m, w, day)
    return days, prev


def _offset_minutes(text: str | None) -> float:
    """Minutes east of UTC of an ISO 8601 offset; NaN for none.

    A missing offset arrives as None or as NaN (`_rows_frame` fills an
    object column that has values elsewhere with NaN).
    """
    if not isinstance(text, str) or not text:
        return np.nan
    if text == "Z":
        return 0.0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return float(sign * (int(digits[:2]) * 60 + int(digits[2:4])))


#: numpy's NaT as an int64 (the smallest one).
_NAT = np.iinfo(np.int64).min


class _Times:
    """The fast engine's timestamps of one input, worked out window by window.

    Each window's times are computed from its envelope fields at once
    (vectorised, once per distinct value) and kept as int64 nanoseconds.
    Two things depend on more than the window, and are carried:

    * the year of a year-less syslog stamp (`_year_base`) counts the month
      drops since the first line, and without `year` starts from the *last*
      line's month/day against the file's date: the drops are counted
      across windows (the last month seen, the running count), and such a
      line keeps its clock and a code for its (drops, month, day) until
      `finish` knows the base year;
    * a clock-only stamp takes the file's date (`_reference`): kept as its
      clock and a code too;
    * the no-day log-file format's days run on from the previous line's.

    The result equals the plain engine's line-at-a-time `_times_plain`
    (tests/test_frame.py, with windows of a few lines).
    """

    def __init__(self) -> None:
        self.dates: dict[tuple[int, int, int] | None, int] = {}  # deferred date -> its code
        self.codes: list[np.ndarray] = []  # per window: each row's deferred date, -1 none
        self.last: tuple[int, int] | None = None  # month, day of the last year-less line
        self.drops = 0  # month drops (new years) up to it
        self.noday: tuple[int, int, int, int] | None = None  # `_noday_days`' last line
        self.bad = 0  # rows with a time but no timestamp (invalid dates) so far

    def window(self, part: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The naive times (int64 ns; a deferred row: its clock) and offsets of a window's rows.

        `part` has `style` and the `_TIME_FIELDS` of the window's rows.
        """
        n = len(part)
        naive = np.full(n, _NAT, dtype=np.int64)
        offset = np.full(n, np.nan, dtype=np.float64)
        codes = np.full(n, -1, dtype=np.int32)
        self.codes.append(codes)
        kind = _per_distinct(part["style"], lambda styles: styles.map(_ts_kind))
        years = pd.Series(np.nan, index=part.index)
        months = pd.Series(np.nan, index=part.index)
        days = pd.Series(np.nan, index=part.index)

        named = kind.isin(["monthday", "full", "noday"])
        if named.any():
            months[named] = _per_distinct(
                part.loc[named, "month"],
                lambda names: names.map(env.month_number).astype("float64"),
            )
            has_day = kind.isin(["monthday", "full"])
            days[has_day] = _per_distinct(part.loc[has_day, "day"], pd.to_numeric)
            has_year = kind.isin(["full", "noday"])
            years[has_year] = _per_distinct(part.loc[has_year, "year"], pd.to_numeric)
        iso = kind == "iso"
        if iso.any():
            dates = part.loc[iso, "date"]
            years[iso] = _per_distinct(dates, lambda d: pd.to_numeric(d.str.slice(0, 4)))
            months[iso] = _per_distinct(dates, lambda d: pd.to_numeric(d.str.slice(5, 7)))
            days[iso] = _per_distinct(dates, lambda d: pd.to_numeric(d.str.slice(8, 10)))
            offset[iso.to_numpy()] = _per_distinct(
                part.loc[iso, "offset"],
                lambda offsets: offsets.map(_offset_minutes).astype("float64"),
            ).to_numpy(dtype=np.float64)
        deferred = np.zeros(n, dtype=bool)
        monthday = (kind == "monthday") & months.notna()
        if monthday.any():
            rows = monthday.to_numpy()
            codes[rows] = self._year_less(
                months.to_numpy()[rows].astype(np.int64), days.to_numpy()[rows].astype(np.int64)
            )
            deferred |= rows
        noday = kind == "noday"
        if noday.any():
            weekday = part.loc[noday, "weekday"].astype(object).map(_WEEKDAYS)
            rows_ymw = list(
                zip(years[noday].astype(int), months[noday].astype(int), weekday, strict=True)
            )
            found, self.noday = _noday_run(rows_ymw, self.noday)
            days[noday] = found
        time_only = (kind == "time").to_numpy()
        if time_only.any():
            codes[time_only] = self._code(None)
            deferred |= time_only

        timed = part["time"].notna().to_numpy()
        dated = (years.notna() & months.notna() & days.notna()).to_numpy() & timed & ~deferred
        dated &= years.between(*YEARS).to_numpy()  # else an invalid date (NaT), as Feb 30
        clocked = dated | (deferred & timed)
        if clocked.any():
            clock = _nanos(_per_distinct(part.loc[clocked, "time"], _clock))
            at = np.flatnonzero(clocked)
            on_date = dated[at]
            if on_date.any():
                starts = _nanos(_day_starts(years[dated], months[dated], days[dated]))
                naive[at[on_date]] = _plus(starts, clock[on_date])
            naive[at[~on_date]] = clock[~on_date]  # the deferred rows' clocks
        epoch = kind == "epoch"
        if epoch.any():
            micros = pd.to_numeric(part.loc[epoch, "epoch_us"].astype(object), errors="coerce")
            micros = micros.where(micros.between(*_EPOCH_US))
            stamps = pd.to_datetime(micros, unit="us").astype("datetime64[ns]")
            naive[epoch.to_numpy()] = _nanos(stamps)
            offset[epoch.to_numpy()] = 0.0
        self.bad += int(np.count_nonzero((naive == _NAT) & timed))  # deferred: no clock
        return naive, offset

    def _year_less(self, months: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Codes of the (drops, month, day) of year-less lines, the drops counted on
        from the previous window's last line (`_year_base`'s running count)."""
        drops = np.zeros(len(months), dtype=np.int64)
        if self.last is not None:
            drops[0] = self.last[0] - months[0] >= ROLLOVER_DROP
        drops[1:] = months[:-1] - months[1:] >= ROLLOVER_DROP
        shifts = self.drops + np.cumsum(drops)
        self.drops = int(shifts[-1])
        self.last = (int(months[-1]), int(days[-1]))
        # one code per distinct date (a few per window), each date packed in one number
        keys = (shifts * 100 + months) * 100 + days
        if not (months.min() >= 0 and months.max() < 100 and days.min() >= 0 and days.max() < 100):
            keys = np.arange(len(months))  # odd numbers (the grammar's are two digits): per row
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        found = np.array(
            [self._code((int(shifts[i]), int(months[i]), int(days[i]))) for i in first],
            dtype=np.int32,
        )
        return found[inverse.reshape(-1)]

    def _code(self, date: tuple[int, int, int] | None) -> int:
        """The code of a deferred date: (drops, month, day) of a year-less line, None clock-only."""
        return self.dates.setdefault(date, len(self.dates))

    def finish(self, naive: np.ndarray, ref: datetime, year: int | None) -> int:
        """Complete the deferred rows of `naive` (the windows' times, joined) in place;
        return how many rows have a time but no timestamp (invalid dates)."""
        bad = self.bad
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        self.codes.clear()
        if not self.dates:
            return bad
        starts = self.starts(ref, year)
        for first in range(0, len(naive), WINDOW_LINES):  # little memory at a time
            bad += self.complete(naive[first : first + WINDOW_LINES], codes, starts, first)
        return bad

    def starts(self, ref: datetime, year: int | None) -> np.ndarray:
        """The day start (int64 ns, NaT when invalid) of each deferred date, by code."""
        base = year if year is not None else 0
        if year is None and self.last is not None:
            # `_year_base`: the last year-less line is in the file's year, or the
            # year before when its month/day lie after the file's
            base = ref.year - (1 if self.last > (ref.month, ref.day) else 0) - self.drops
        ymd = [
            (ref.year, ref.month, ref.day) if date is None else (base + date[0], *date[1:])
            for date in self.dates
        ]
        starts = np.full(len(ymd), _NAT, dtype=np.int64)
        if not ymd:
            return starts
        parts = zip(*ymd, strict=True)
        years, months, days = (pd.Series(np.array(v, dtype=np.float64)) for v in parts)
        inside = years.between(*YEARS)  # else an invalid date (NaT), as Feb 30
        if inside.any():
            starts[inside.to_numpy()] = _nanos(
                _day_starts(years[inside], months[inside], days[inside])
            )
        return starts

    @staticmethod
    def complete(naive: np.ndarray, codes: np.ndarray, starts: np.ndarray, first: int = 0) -> int:
        """Complete the deferred rows of `naive` (`codes[first:]`'s rows) with their
        dates' `starts`, in place; return how many have a clock but no valid date."""
        window = codes[first : first + len(naive)]
        rows = np.flatnonzero(window >= 0)
        if not len(rows):
            return 0
        clock = naive[rows]
        start = starts[window[rows]]
        naive[rows] = _plus(start, clock)
        return int(np.count_nonzero((clock != _NAT) & (start == _NAT)))

    def take_codes(self) -> np.ndarray:
        """The last window's deferred-date codes (-1: none), no longer kept here
        (`kalog.ingest.stream` completes each window's times itself)."""
        return self.codes.pop()


def _nanos(values: pd.Series) -> np.ndarray:
    """Datetimes or timedeltas as int64 nanoseconds (NaT: `_NAT`)."""
    kind = "timedelta64[ns]" if values.dtype.kind == "m" else "datetime64[ns]"
    return values.to_numpy(dtype=kind).view(np.int64)


def _plus(starts: np.ndarray, clocks: np.ndarray) -> np.ndarray:
    """Day starts plus clocks, as int64 nanoseconds; NaT where either is."""
    return np.where((starts == _NAT) | (clocks == _NAT), _NAT, starts + clocks)


def _day_starts(years: pd.Series, months: pd.Series, days: pd.Series) -> pd.Series:
    """`pd.to_datetime(DataFrame(year=, month=, day=), errors="coerce")`, computed once
    per distinct date and spread back.

    Why: a log has a few dates and a million lines; the DataFrame of three
    float columns and pandas' assembly of each row were ~30 MB and a
    noticeable share of the read.  Dates are packed into one number when
    every part is a whole number and month and day are below 1000 (the
    grammar's are two digits); anything else goes the whole way.
    """
    y, m, d = (column.to_numpy(dtype=np.float64) for column in (years, months, days))
    whole = (np.floor(y) == y) & (np.floor(m) == m) & (np.floor(d) == d)
    if not np.all(whole & (m >= 0) & (m < 1000) & (d >= 0) & (d < 1000)):
        return pd.to_datetime(
            pd.DataFrame({"year": years, "month": months, "day": days}), errors="coerce"
        )
    _, first, inverse = np.unique(y * 1e6 + m * 1e3 + d, return_index=True, return_inverse=True)
    distinct = pd.DataFrame({"year": y[first], "month": m[first], "day": d[first]})
    starts = pd.to_datetime(distinct, errors="coerce").to_numpy()
    return pd.Series(starts[inverse.reshape(-1)], index=years.index)


#: Nanoseconds per character of "HH:MM:SS.fffffffff" (separators weigh 0).
_CLOCK_WEIGHTS = np.array(
    [36_000, 3_600, 0, 600, 60, 0, 10, 1, 0, *(10 ** np.arange(-1, -10, -1, dtype=float))]
)
_CLOCK_NANOS = np.round(_CLOCK_WEIGHTS * 1e9).astype(np.int64)
_CLOCK_DIGITS = np.array([i not in (2, 5, 8) for i in range(18)])


def _clock(times: pd.Series) -> pd.Series:
    """`pd.to_timedelta` of "HH:MM:SS[.,]fraction" strings, computed on their digits.

    Every time the envelopes yield matches `TIME` (two digits per field, a
    fraction of 1-9 digits), so its value is a weighted sum of its digits -
    what `to_timedelta` computes too (25:61:61 included) - and numpy does it
    for a million lines at once instead of parsing each one.  Strings of any
    other shape are left to `to_timedelta`.
    """
    values = times.to_numpy(dtype=object)
    if len(values) and all(isinstance(v, str) and v.isascii() and len(v) <= 18 for v in values):
        raw = values.astype("S18")
        chars = raw.view(np.uint8).reshape(len(raw), 18)
        lengths = np.char.str_len(raw)
        well_formed = (
            ((lengths == 8) | ((lengths >= 10) & (lengths <= 18)))
            & (chars[:, 2] == ord(":"))
            & (chars[:, 5] == ord(":"))
            & ((lengths == 8) | (chars[:, 8] == ord(".")) | (chars[:, 8] == ord(",")))
        )
        nanos = np.zeros(len(raw), dtype=np.int64)
        for place in np.flatnonzero(_CLOCK_DIGITS):  # one column at a time: little memory
            digit = chars[:, place].astype(np.int64) - ord("0")
            used = place < lengths
            well_formed &= ((digit >= 0) & (digit <= 9)) | ~used
            nanos += np.where(used, digit, 0) * _CLOCK_NANOS[place]
        if well_formed.all():
            return pd.Series(nanos.astype("timedelta64[ns]"), index=times.index)
    return pd.to_timedelta(times.str.replace(",", ".", regex=False))


def _times_plain(
    part: pd.DataFrame, ref: datetime, year: int | None
) -> tuple[pd.Series, pd.Series]:
    """Line-at-a-time timestamps: the reference the vectorised path must equal."""
    records = part.to_dict("records")
    kinds = [_ts_kind(r["style"]) for r in records]
    monthday_rows = [
        (env.month_number(r["month"]), int(r["day"]))
        for r, k in zip(records, kinds, strict=True)
        if k == "monthday" and env.month_number(r["month"]) is not None
    ]
    years_iter = iter(
        _year_base([m for m, _ in monthday_rows], [d for _, d in monthday_rows], year, ref).tolist()
    )
    noday_rows = [
        (int(r["year"]), env.month_number(r["month"]), _WEEKDAYS[r["weekday"]])
        for r, k in zip(records, kinds, strict=True)
        if k == "noday"
    ]
    noday_iter = iter(_noday_days(noday_rows))
    values: list[Any] = []
    offsets: list[float] = []
    for r, k in zip(records, kinds, strict=True):
        stamp: Any = pd.NaT
        off = np.nan
        ymd: tuple[int, int, int] | None = None
        if k == "monthday":
            m = env.month_number(r["month"])
            if m is not None:
                ymd = (next(years_iter), m, int(r["day"]))
        elif k == "full":
            m = env.month_number(r["month"])
            ymd = (int(r["year"]), m, int(r["day"])) if m is not None else None
        elif k == "noday":
            ymd = (int(r["year"]), env.month_number(r["month"]), next(noday_iter))
        elif k == "iso":
            d = r["date"]
            ymd = (int(d[:4]), int(d[5:7]), int(d[8:10]))
            off = _offset_minutes(r["offset"])
        elif k == "time":
            ymd = (ref.year, ref.month, ref.day)
        elif k == "epoch":
            try:
                micros = int(r["epoch_us"])
            except (TypeError, ValueError):
                micros = None
            in_range = micros is not None and _EPOCH_US[0] <= micros <= _EPOCH_US[1]
            stamp = pd.Timestamp(micros, unit="us") if in_range else pd.NaT
            off = 0.0
        if ymd is not None and r["time"] is not None:
            try:
                if not YEARS[0] <= ymd[0] <= YEARS[1]:
                    raise ValueError("year out of range")
                day = date(*ymd)
            except ValueError:
                stamp = pd.NaT
            else:
                stamp = pd.Timestamp(day) + pd.Timedelta(r["time"].replace(",", "."))
        values.append(stamp)
        offsets.append(off)
    naive = pd.Series(values, index=part.index, dtype="datetime64[ns]")
    return naive, pd.Series(offsets, index=part.index, dtype="float64")


# -- the whole frame -------------------------------------------------------------


def _localize(naive: pd.Series, zone: str) -> pd.Series:
    """Wall-clock times in `zone` -> UTC; DST gaps shift forward, folds are inferred."""
    try:
        local = naive.dt.tz_localize(zone, ambiguous="infer", nonexistent="shift_forward")
    except (ValueError, TypeError):  # folds that cannot be inferred: standard time
        local = naive.dt.tz_localize(
            zone, ambiguous=np.zeros(len(naive), dtype=bool), nonexistent="shift_forward"
        )
    return local.dt.tz_convert("UTC")


def read_as_utc(sources: Iterable[str]) -> str:
    """The warning for inputs whose times have no UTC offset, read as UTC
    because other inputs' have one (the whole read and `kalog.ingest.stream`)."""
    named = sorted(set(sources))
    listed = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
    return (
        f"{listed}: timestamps without UTC offset read as UTC "
        "(other inputs carry offsets; pass --tz to set their zone)"
    )


def _final_ts(
    all_rows: pd.DataFrame, names: list[str], tz: str | None, notes: list[str]
) -> pd.Series:
    naive = all_rows["naive"]
    aware = all_rows["offset"].notna()
    if tz is None and not aware.any():
        return naive.astype("datetime64[ns]")
    target = tz or "UTC"
    utc = pd.Series(pd.NaT, index=all_rows.index, dtype="datetime64[ns, UTC]")
    if aware.any():
        shifted = naive[aware] - pd.to_timedelta(all_rows.loc[aware, "offset"], unit="min")
        utc[aware] = shifted.dt.tz_localize("UTC")
    plain = ~aware
    if plain.any():
        if tz is None and naive[plain].notna().any():
            indexes = set(all_rows.loc[plain & naive.notna(), "source_index"])
            notes.append(read_as_utc({names[i] for i in indexes}))
        utc[plain] = _localize(naive[plain], tz or "UTC")
    return utc.dt.tz_convert(target).astype(f"datetime64[ns, {target}]")


def _body_columns(bodies: pd.Series, engine: Engine) -> pd.DataFrame:
    """The body fields (kind + BODY_FIELDS) of each row, parsing each distinct body once.

    Fast engine: the distinct bodies' fields are typed (events.COLUMNS
    dtypes) while there are few of them, then spread to the rows with
    `take`; casting a million Python objects per column costs seconds.
    """
    wanted = [c for c in events.COLUMNS if c not in ENVELOPE_COLUMNS]
    if engine == "fast":
        codes, uniques = _distinct_bodies(bodies)
        parsed = [parse_body(b) for b in uniques]
        table = pd.DataFrame.from_records(parsed, columns=wanted)
        spread: dict[str, Any] = {}
        for name in wanted:
            typed = _cast(name, table[name], None)
            if name in events.TEXT_CATEGORIES:
                # the distinct bodies' categorical codes, spread to the rows:
                # one small int per row, no string per row
                spread[name] = pd.Categorical.from_codes(typed.codes.take(codes), dtype=typed.dtype)
            else:  # arrays, not Series: a Series' `take` also builds a million-row index
                spread[name] = typed.take(codes)
        spread["body"] = events.category_from_codes(
            codes, [str(body) for body in np.asarray(uniques, dtype=object).tolist()]
        )
        return pd.DataFrame(spread, index=bodies.index, copy=False)
    table = pd.DataFrame.from_records([parse_body(b) for b in bodies], columns=wanted)
    table.index = bodies.index
    table["body"] = bodies
    return table


def _distinct_bodies(bodies: pd.Series) -> tuple[np.ndarray, Any]:
    """(each row's code, the distinct bodies): `pd.factorize(bodies)`'s pair, up
    to the order of the distinct bodies, which nothing downstream keeps.

    The reader's body column is categorical with no missing value and no
    unused category (its categories are the windows' distinct bodies): its
    own codes (1-2 bytes a row) and categories are such a pair, where
    factorize made int64 codes (8 bytes a row, at the read's peak).  Any
    other column is factorized.
    """
    if isinstance(bodies.dtype, pd.CategoricalDtype):
        codes, categories = events.column_codes(bodies)
        if len(codes) and codes.min() >= 0 and np.bincount(codes, minlength=len(categories)).all():
            return codes, categories
    return pd.factorize(bodies, use_na_sentinel=False)


def _repeats(counts: pd.Series) -> pd.Series:
    """rsyslog's repeat counts as numbers (NA on every other line); the column
    is all-NA in most logs, so that case costs no conversion."""
    if counts.isna().all():
        return pd.Series(pd.NA, index=counts.index, dtype=events.COLUMNS["repeated"])
    return pd.to_numeric(counts.astype(object)).astype(events.COLUMNS["repeated"])


def _inputs_named(host_of: Mapping[str, str], names: list[str]) -> dict[str, str]:
    """`host_of` keyed by the inputs' names as given (a key may name one another way:
    `./a.log` for `a.log`); a key that is no input is a `KalogError`."""
    given: dict[str, str] = {}
    for path, host in host_of.items():
        key = str(path)
        matches = [
            name
            for name in names
            if name == key or (name != "-" and key != "-" and _same_path(name, key))
        ]
        if not matches:
            raise KalogError(f"--host-of {key}={host}: {key} is not one of the inputs")
        if not host:
            raise KalogError(f"--host-of {key}=: the host name is empty")
        for name in matches:
            given[name] = str(host)
    return given


def _same_path(a: str, b: str) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def _pid_numbers(pids: pd.Series) -> pd.Series:
    """Pids as numbers; obfuscated (`xxxx1`), RFC 5424 `-` or missing ones as NA."""
    text = pids.astype("string")
    numbers = pd.to_numeric(text.where(text.str.fullmatch(_PID_PATTERN).fillna(False)))
    return numbers.astype(events.COLUMNS["pid"])


def _assemble(
    parts: list[pd.DataFrame],
    names: list[str],
    defaults: list[str],
    tz: str | None,
    engine: Engine,
    notes: list[str],
) -> pd.DataFrame:
    """The event frame of the inputs' envelope rows, merged in time order.

    `names` and `defaults` are the name and default host of each input, by
    `source_index`.  Takes `parts` over (the list is emptied): a million-line
    input's rows hold a dozen columns that the frame does not keep, and they
    are released before the body columns, the frame's biggest part, are built.
    """
    kept = [p for p in parts if len(p)]
    parts.clear()
    if not kept:
        return _typed(events.empty_frame(), tz)
    # One input: no copy of every column.
    rows = kept[0].reset_index(drop=True) if len(kept) == 1 else _concat(kept)
    del kept
    ts = _final_ts(rows, names, tz, notes)
    order: np.ndarray | None = None  # a file in time order stays
    if not in_merge_order(ts, rows["source_index"].to_numpy(), rows["line"].to_numpy()):
        # Merge order: time; rows without a time sort with their file neighbours.
        key = ts.astype("int64") if ts.notna().any() else pd.Series(0, index=rows.index)
        key = key.where(ts.notna())
        key = key.groupby(rows["source_index"]).transform(lambda s: s.ffill().bfill())
        order = np.lexsort(
            (
                rows["line"].to_numpy(),
                rows["source_index"].to_numpy(),
                key.fillna(np.iinfo(np.int64).max).to_numpy(),
            )
        )
        del key
        if np.array_equal(order, np.arange(len(rows))):
            order = None
        else:
            ts = _reordered(ts, order)
    index = _reordered(rows["source_index"], order).to_numpy()
    kept_columns = {
        "host": events.category_column(_hosts(_reordered(rows["host"], order), index, defaults)),
        "program": events.category_column(_reordered(rows["program"], order)),
        "pid": _per_distinct(_reordered(rows["pid"], order), _pid_numbers),
        "body": _reordered(rows["body"], order).fillna(""),
        "source": _sources(index, names),
        "line": _reordered(rows["line"], order),
        "raw": _reordered(rows["raw"], order),
        "repeated": _repeats(_reordered(rows["repeated"], order)),
    }
    del rows, index
    frame = _body_columns(kept_columns.pop("body"), engine)
    frame["ts"] = ts
    for name, column in kept_columns.items():
        frame[name] = column
    del kept_columns
    return _typed(frame[list(events.COLUMNS)], tz if tz else ("UTC" if ts.dt.tz else None))


def in_merge_order(
    ts: pd.Series, sources: np.ndarray, lines: np.ndarray, chunk: int = 1 << 20
) -> bool:
    """True when the rows are already in merge order: every row has a time,
    and (time, input, line) never decreases from one row to the next.

    Then `_assemble`'s stable sort on (time, input, line) is the identity,
    so it need not be built: for one file in time order (the usual input),
    its keys and their sort held ~40 bytes a row at the read's peak (dense
    10M: ~400 MB).  Checked a `chunk` of rows at a time, so this holds a
    few bytes a row of them.  False says nothing: the sort decides.
    """
    times = ts.array.asi8  # int64 ns (UTC for aware times), a view; NaT: int64 min
    nat = np.iinfo(np.int64).min
    for lo in range(0, len(times), chunk):
        hi = min(lo + chunk + 1, len(times))  # one row past the chunk: its last pair
        piece = times[lo:hi]
        if (piece == nat).any():
            return False
        step = np.diff(piece)
        if (step < 0).any():
            return False
        tie = step == 0
        if tie.any():
            source_step = np.diff(sources[lo:hi].astype(np.int64, copy=False))[tie]
            line_step = np.diff(lines[lo:hi].astype(np.int64, copy=False))[tie]
            if ((source_step < 0) | ((source_step == 0) & (line_step < 0))).any():
                return False
    return True


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """`pd.concat(parts, ignore_index=True)`, but a column categorical in every part stays
    categorical (`_union`): pandas makes one of differing categories an object column,
    8 bytes per row and a string hash per row in `_assemble`."""
    columns: dict[str, Any] = {}
    for name in parts[0].columns:
        pieces = [p[name] for p in parts]
        if all(isinstance(p.dtype, pd.CategoricalDtype) for p in pieces):
            columns[name] = _union(pieces)
        else:
            columns[name] = pd.concat(pieces, ignore_index=True)
    return pd.DataFrame(columns, copy=False)


def _reordered(column: pd.Series, order: np.ndarray | None) -> pd.Series:
    """`column` in merge `order` (None: already in it), with a fresh RangeIndex."""
    return column if order is None else column.iloc[order].reset_index(drop=True)


def _hosts(hosts: pd.Series, index: np.ndarray, defaults: list[str]) -> pd.Series:
    """The rows' hosts; a missing one or "-" is its input's default host."""
    absent = (hosts.isna() | (hosts == "-")).to_numpy(dtype=bool, na_value=True)
    if not absent.any():
        return hosts
    if isinstance(hosts.dtype, pd.CategoricalDtype):  # the fast engine's: defaults as categories
        new = sorted(set(defaults) - set(hosts.cat.categories))
        hosts = hosts.cat.add_categories(new)
    fill = pd.Series(np.array(defaults, dtype=object)[index], index=hosts.index)
    return hosts.where(~absent, fill)


def _sources(index: np.ndarray, names: list[str]) -> pd.Categorical:
    """The `source` column (each row's input name), built in its final dtype.

    One code per row (an input named twice is one category): no string per
    row (a million rows of one file name).
    """
    distinct, codes = np.unique(np.array(names, dtype=object), return_inverse=True)
    return events.category_from_codes(
        codes.reshape(-1)[index], [str(name) for name in distinct.tolist()]
    )


def _typed(frame: pd.DataFrame, zone: str | None) -> pd.DataFrame:
    """Cast every column to the dtype of events.COLUMNS (ts: aware in `zone`)."""
    out = {name: _cast(name, frame[name], zone) for name in events.COLUMNS}
    # copy=False: `_cast` already made new arrays where the dtype changed.
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), copy=False)


def _cast(name: str, column: pd.Series, zone: str | None) -> Any:
    """One column in its events.COLUMNS dtype, as an array (ts: a Series).

    A column already in it is kept as is.
    """
    dtype = events.COLUMNS[name]
    if name == "ts":
        target = f"datetime64[ns, {zone}]" if zone else "datetime64[ns]"
        if zone and column.dt.tz is None:
            column = column.dt.tz_localize(zone)
        return column.astype(target)
    if dtype == "category" and name != "kind":
        if isinstance(column.dtype, pd.CategoricalDtype):
            return column.array  # built by events.category_column already
        return events.category_column(column)
    if dtype == "category":
        if column.dtype == _KIND_DTYPE and not column.isna().any():
            return column.array
        return pd.Categorical(
            column.fillna(events.Kind.UNKNOWN.value), categories=list(events.KINDS)
        )
    if str(column.dtype) == dtype:
        return column.array
    if dtype in ("Int16", "Int32", "Int64", "boolean"):
        return pd.array(column.astype(object).where(column.notna(), None), dtype=dtype)
    return column.astype(dtype).array


_KIND_DTYPE = pd.CategoricalDtype(list(events.KINDS))
