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
from enum import StrEnum

import numpy as np
import pandas as pd


class Kind(StrEnum):
    """What a keepalived line says.  Grouped as in keepalived-messages.tsv."""

    # -- state -------------------------------------------------------------
    ENTER_STATE = "enter_state"  # "Entering MASTER|BACKUP|FAULT STATE" (state, init)
    TRANSITION_MASTER = "transition_master"  # 1.x "Transition to MASTER STATE"
    NOW_IN_STATE = "now_in_state"  # 1.x "Now in FAULT|BACKUP state"
    FAULT_CAUSE = "fault_cause"  # 2.x "(x): entering FAULT state (interface eth0 down)" ...
    PRIO_HIGHER_THAN_ADVERT = "prio_higher_than_advert"  # 1.x leaving FAULT via an advert
    ADVERT_TIMEOUT = "advert_timeout"  # 2.x [-D] "Receive advertisement timeout"
    NO_PEERS_FAULT = "no_peers_fault"  # 2.x "Cannot use unicast without any peers"
    INTERNAL_ERROR = "internal_error"  # "vrrp_state_leave_master called with invalid wantstate"
    SCHEDULING_DELAY = "scheduling_delay"  # "A thread timer expired N seconds ago" (detail=N)
    # -- priority ----------------------------------------------------------
    PRIORITY_CHANGE = "priority_change"  # "Changing effective priority from A to B"
    PRIORITY_SET = "priority_set"  # 2.x [-D] "Setting effective priority to N"
    OWNER_CONFLICT = "owner_conflict"  # two address owners: priority reduced
    PRIORITY_RESTORED = "priority_restored"  # 2.3.3+ "Restoring our priority to N"
    PREEMPT_SNMP = "preempt_snmp"  # preemption enabled/disabled with SNMP
    # -- adverts -----------------------------------------------------------
    ADVERT_HIGHER = "advert_higher"  # master saw a higher priority (or same prio, higher IP)
    ADVERT_LOWER = "advert_lower"  # master saw a lower priority advert (forcing new election)
    ADVERT_LOWER_DISCARD = "advert_lower_discard"  # 2.x backup discards lower priority
    FORCE_ELECTION = "force_election"  # 1.x backup "forcing a new MASTER election"
    PRIO0_RECEIVED = "prio0_received"  # backup/master received a priority 0 advert
    PRIO0_SENT = "prio0_sent"  # "sent 0 priority" / "sending 0 priority"
    EQUAL_PRIO_OWN_IP = "equal_prio_own_ip"  # equal priority advert with our IP address
    MASTER_CHANGED = "master_changed"  # 2.3.3+ "master set to" / "master changed from"
    PREEMPT_DELAY = "preempt_delay"  # start / reset / stop preempt delay (action)
    ADVERT_INTERVAL = "advert_interval"  # advert interval updated / changed
    # -- packets -----------------------------------------------------------
    PACKET_ERROR = "packet_error"  # bad adverts: ttl, version, auth, vrid, vips ... (detail)
    SEND_ERROR = "send_error"  # "Cant send advert", "send advert error"
    AH_SYNC = "ah_sync"  # IPSEC-AH sequence number resynchronisation
    # -- track scripts -----------------------------------------------------
    SCRIPT_RESULT = "script_result"  # VRRP_Script(x) succeeded|failed|timed out
    SCRIPT_RETURNING = "script_returning"  # 2.x "Script `x` now returning N"
    SCRIPT_EXIT = "script_exit"  # [-D] "<script> exited with status N" (every run)
    SCRIPT_RELOAD = "script_reload"  # "considered (un)successful on reload"
    SCRIPT_SKIP = "script_skip"  # "Track script x is already running ... skipping run"
    SCRIPT_KILL_FAILED = "script_kill_failed"  # child did not terminate
    SCRIPT_IGNORED = "script_ignored"  # weights ignored (sync group / address owner)
    SCRIPT_UNUSED = "script_unused"  # "Warning - script x is not used"
    SECURITY = "security"  # script security warnings
    # -- other trackers, interfaces -----------------------------------------
    INTERFACE_STATE = "interface_state"  # Kernel is reporting / Netlink / Linkbeat (action)
    TRACKED_INTERFACES_UP = "tracked_interfaces_up"  # 1.x "tracked interface are UP"
    INTERFACE_CHANGE = "interface_change"  # interface added / deleted / renamed (action)
    VRID_CONFLICT = "vrid_conflict"
    TRACK_PROCESS = "track_process"  # quorum gained/lost, process count changes
    TRACK_BFD = "track_bfd"  # tracked BFD instance up/down, BFD events
    TRACK_FILE = "track_file"  # tracked file now FAULT / leaving FAULT
    # -- addresses, VIPs, ARP ----------------------------------------------
    ADDRESS = "address"  # netlink reflector / assigned / deassigned address (action)
    NETLINK = "netlink"  # netlink housekeeping and errors
    INTERFACE_MISSING = "interface_missing"  # configured interface does not exist
    VIPS = "vips"  # setting/removing (protocol) VIPs, routes, rules (action, detail)
    GARP = "garp"  # gratuitous ARP / unsolicited NA sent or queued
    GARP_ERROR = "garp_error"
    # -- sync groups -------------------------------------------------------
    SYNC_GROUP = "sync_group"  # VRRP_Group(G) Syncing instances to STATE, ...
    # -- process lifecycle -------------------------------------------------
    START = "start"  # "Starting Keepalived vX.Y.Z" (version)
    CHILD_START = "child_start"  # "Starting VRRP child process, pid=N" (detail=VRRP, child_pid)
    CHILD_EXIT = "child_exit"  # died / respawning / exited with error / signal
    STARTUP_DELAY = "startup_delay"
    STOPPING = "stopping"
    STOPPED = "stopped"
    RELOADING = "reloading"
    RELOAD_COMPLETE = "reload_complete"
    DATA_DUMP = "data_dump"  # SIGUSR1/SIGUSR2/json dumps and the lines they print
    RUNTIME_INFO = "runtime_info"  # Running on ..., Command line, Configuration file, ident
    OPENING_FILE = "opening_file"  # "Opening file '...'."
    CONFIG_ERROR = "config_error"  # "(Line N) ..." and other configuration errors
    CONFIG_WARNING = "config_warning"  # warnings about the configuration
    NOTIFY = "notify"  # notify scripts, SMTP, SNMP, fifo
    HOUSEKEEPING = "housekeeping"  # recognised lines with no VRRP meaning (sockpool, ...)
    # -- the rest of keepalived's messages, typed by its catalogue ------------
    # (kalog.grammar.vocabulary; `template` names the format, `args` its fields;
    # data_dump, config_error, netlink and notify above take their families too)
    CHECKER = "checker"  # healthcheckers: TCP/HTTP/SSL/SMTP/DNS/MISC/... checks, IPVS, quorum
    BFD = "bfd"  # the BFD process and its sessions
    NETWORK = "network"  # interfaces, addresses, routes, rules, VMACs, ARP/NDISC set-up
    FIREWALL = "firewall"  # iptables, ipsets, nftables
    SCRIPT = "script"  # running notify and track scripts (lib/notify.c)
    TRACKING = "tracking"  # track files, processes, track scripts' set-up
    STARTUP = "startup"  # the daemon: start, options, pid files, namespaces, reloads, signals
    SYSTEM = "system"  # scheduler, memory, utilities
    VRRP = "vrrp"  # other VRRP messages (no meaning for the model)
    UNKNOWN = "unknown"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)

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
    rank = np.empty(len(names) + 1, dtype=np.int64)
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
