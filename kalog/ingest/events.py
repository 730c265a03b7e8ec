"""The event frame: its columns, their dtypes, and the closed vocabulary of kinds.

Every stage after parsing (model, rules, reports, `kalog events`) reads events
through the names defined here, so this module is the contract between the
grammar and everything downstream.  `docs/events.md` documents the same
schema for users; `tests/test_frame.py` keeps the two in step.

Why a closed vocabulary: rules and the replay model switch on `kind`.  If the
grammar could invent kinds, a new wording would silently fall through every
rule.  Instead a line is either one of the kinds below or `unknown`, and
`unknown` lines are counted and reported (rule KA901).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

# the vocabulary lives apart, importable without pandas (the command line's
# options list it before anything is read)
from kalog.ingest.kinds import KINDS as KINDS
from kalog.ingest.kinds import Kind as Kind

#: Column name -> pandas dtype.  Order is the frame's column order.
#:
#: Text columns whose values repeat (hosts, instances, kinds, bodies, file
#: names...) are categorical: one code per row (1-2 bytes) and each distinct
#: value once, instead of a string per row (a million-row frame held ~460 MB,
#: most of it these columns' per-row offsets).  Their categories are the
#: distinct values sorted (`category_column`), so two frames of the same
#: rows are equal whichever way they were built.  `raw` differs on every row
#: and stays an Arrow-backed string.
#:
#: Integer columns are as narrow as keepalived's values: priorities (0-255
#: in keepalived) Int16, pids, exit statuses, line numbers and counts Int32
#: (9 B per row for Int64, 3 and 5 here: ~44 MB per million rows).  The
#: grammar lets no longer number into them (kalog.grammar.notation).
COLUMNS: dict[str, str] = {
    "ts": "datetime64[ns]",  # tz-aware (datetime64[ns, TZ]) when the log or --tz says so
    "host": "category",
    "program": "category",  # Keepalived, Keepalived_vrrp, Keepalived_healthcheckers, ...
    "pid": "Int32",
    "instance": "category",  # VRRP instance name
    "group": "category",  # sync group name
    "kind": "category",
    "state": "category",  # MASTER / BACKUP / FAULT
    "init": "boolean",  # "(init)" on a 2.x state line
    "prio_old": "Int16",  # priority change: from
    "prio_new": "Int16",  # priority change: to / set to
    "prio_ours": "Int16",  # our priority as quoted on an advert line
    "prio_peer": "Int16",  # the peer's priority as quoted on an advert line
    "peer": "category",  # the advert's source address
    "script": "category",
    "result": "category",  # success / failure / timeout (script), see docs/events.md
    "exit_status": "Int32",
    "interface": "category",
    "address": "category",
    "action": "category",  # up/down, added/removed, set/removed, start/stop ...
    "version": "category",  # keepalived version from "Starting Keepalived vX.Y.Z"
    "child_pid": "Int32",  # pid of a child process started / died
    "detail": "category",  # the remaining typed detail: reason, error subtype, ...
    "tracked": "category",  # tracked file / process / BFD instance name
    "config_line": "Int32",  # "(Line N)" of a configuration error
    "wording": "category",  # keepalived version range of the message wording (TSV versions)
    "template": "category",  # catalogue format id of a generically typed line
    "args": "category",  # that format's fields, as a JSON object
    "body": "category",  # the message after the envelope
    "source": "category",  # file path ('-' for stdin)
    "line": "int64",  # 1-based line number in that file
    "raw": "string",  # the whole line as read (decoded)
    "repeated": "Int32",  # rsyslog's "message repeated N times: [ msg ]": N more copies
}

#: Field names a body parser may fill (a subset of COLUMNS).
BODY_FIELDS: tuple[str, ...] = (
    "instance",
    "group",
    "state",
    "init",
    "prio_old",
    "prio_new",
    "prio_ours",
    "prio_peer",
    "peer",
    "script",
    "result",
    "exit_status",
    "interface",
    "address",
    "action",
    "version",
    "child_pid",
    "detail",
    "tracked",
    "config_line",
    "wording",
    "template",
    "args",
)


#: The categorical text columns (every "category" column but `kind`).
TEXT_CATEGORIES: tuple[str, ...] = tuple(
    name for name, dtype in COLUMNS.items() if dtype == "category" and name != "kind"
)


def category_column(values: object) -> pd.Categorical:
    """Text values (a Series, an array, an Arrow array...) as the frame's categorical column.

    The categories are the distinct values in sorted order, whatever the
    order of the rows: the fast and the plain engines and a frame renamed
    in place (`kalog.ingest.identity`) then build equal columns.  Missing
    values (None, NaN, pd.NA) are missing cells.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # type: ignore[call-overload]
    names = [str(value) for value in np.asarray(uniques, dtype=object).tolist()]
    return category_from_codes(np.asarray(codes), names)


def category_from_codes(codes: np.ndarray, names: list[str]) -> pd.Categorical:
    """`codes` (indexes into `names`, -1 missing; `names` distinct) as a sorted-category column."""
    order = sorted(range(len(names)), key=names.__getitem__)
    # as narrow as the categorical's own codes: `rank[codes]` is a code per
    # row, and int64 ones were 8 bytes a row more at the read's peak
    rank = np.empty(len(names) + 1, dtype=np.min_scalar_type(-max(len(names), 1)))
    rank[order] = np.arange(len(names))
    rank[-1] = -1  # code -1 (missing) picks the last slot
    categories = pd.Index([names[i] for i in order], dtype=object)
    return pd.Categorical.from_codes(rank[codes], categories=categories)


def column_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(each row's code, -1 missing; the distinct values, indexed by code).

    A categorical column (the frame's text columns) gives its own codes and
    categories: factorizing them again hashed a million codes per column on
    a dense log.  The values are then in category order, not in order of
    first appearance, and may include one no row has.  Other columns are
    factorized (values in order of first appearance).
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        # the categorical's own codes (a read-only view): `cat.codes` copies them
        return column.array.codes, column.cat.categories
    codes, values = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Index(values)


def empty_frame() -> pd.DataFrame:
    """A frame with every column and no rows, for empty input."""
    frame = pd.DataFrame({name: pd.Series(dtype=_dtype(name)) for name in COLUMNS})
    frame["kind"] = pd.Categorical([], categories=list(KINDS))
    for name in TEXT_CATEGORIES:
        frame[name] = category_from_codes(np.zeros(0, dtype=np.int64), [])
    return frame


def _dtype(name: str) -> str:
    return "object" if COLUMNS[name] == "category" else COLUMNS[name]


def kind_mask(events: pd.DataFrame, kinds: Iterable[str]) -> np.ndarray:
    """Rows whose kind is one of `kinds`, as a bool array.

    Equal to ``events["kind"].astype("string").isin(kinds)`` (missing: False)
    but, for the frame's categorical kind, decided once per category and
    spread by the codes: converting a million categorical cells to strings
    costs a quarter of a second.
    """
    wanted = frozenset(kinds)
    kind = events["kind"]
    if isinstance(kind.dtype, pd.CategoricalDtype):
        categories = kind.cat.categories.astype("string")
        per_category = np.append(np.asarray(categories.isin(wanted), dtype=bool), False)
        return per_category[kind.cat.codes.to_numpy()]  # code -1 (missing) picks the False
    return kind.astype("string").isin(wanted).fillna(False).to_numpy(dtype=bool)


def check_frame(frame: object, what: str = "events") -> None:
    """Raise KalogError unless `frame` is an event frame (a `kalog.read_events` result).

    Why: the library's entry points take a DataFrame from the caller; a
    list, or a frame of other columns, gave `KeyError: 'ts'` from deep in
    the model instead of saying what was wrong.
    """
    import pandas as pd

    from kalog.errors import KalogError

    if not isinstance(frame, pd.DataFrame):
        raise KalogError(
            f"{what}: expected the DataFrame of kalog.read_events, got {type(frame).__name__}"
        )
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        more = f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        raise KalogError(
            f"{what}: not an event frame (no column {', '.join(missing[:4])}{more}); "
            "read logs with kalog.read_events"
        )
