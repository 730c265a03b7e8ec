"""pyparsing grammar of keepalived message bodies (the text after the envelope).

Public API::

    parse_body(body: str) -> dict[str, object]

returns ``{"kind": <kalog.ingest.events.Kind value>, ...fields}`` where the fields are
the subset of :data:`kalog.ingest.events.BODY_FIELDS` the line actually carries
(absent = omitted).  It never raises: a body that is not understood gives
``{"kind": "unknown"}``.  Results are cached per distinct body (the hot path
calls it once per distinct body), and every call returns a fresh dict so a
caller cannot corrupt the cache.

Why a template table: keepalived prints ~250 different printf templates, and
the same event changed wording many times between 1.2.13 and 2.4.3.  Each
wording is written once below in a small notation (see ``docs/grammar.md``,
section *Bodies*) that is compiled at import into a pyparsing expression with
results names and typed parse actions - the specification - and into an
equivalent regular expression, which `parse_body` runs (about 10 µs instead
of 170 µs per distinct body; see "one element, two forms" below and
tests/speed/test_body_fast.py).  A cheap dispatch on the instance prefix and the
first word then selects the few candidates to try, so a cache miss costs a
handful of attempts instead of 250.

Field conventions
-----------------
``instance``  VRRP instance name as written between the parentheses.
``group``     sync group name (``VRRP_Group(G)``).
``state``     upper case ``MASTER`` / ``BACKUP`` / ``FAULT``.
``init``      ``True`` only for the 2.x ``(init)`` state lines.
``prio_old`` / ``prio_new``  priority change from / to (ints).
``prio_ours`` / ``prio_peer``  our and the peer's priority quoted on advert lines.
``peer``      advert source address as written (obfuscations such as ``10.x.x.1``
              are kept; markdown ``**`` around it is dropped).
``script``    track/notify script name or path.
``result``    ``success`` / ``failure`` / ``timeout`` (script lines, reload lines too).
``exit_status``  script exit status (``failed (exited with status N)``,
              ``now returning N``, ``exited with status N``), or the signal of
              ``exited due to signal N``.
``interface`` / ``address``  interface name / IP address (VIPs may carry ``/prefix``).
``action``    lower-case verb/adjective, per kind:
              interface_state up/down; interface_change added/deleted/renamed;
              tracked_interfaces_up up; address added/removed/assigned/deassigned/restored;
              vips set/removed; garp burst/packet/refresh; track_bfd up/down (or the
              BFD event state); track_file up/down; track_process gained/lost/changed/up/down;
              preempt_delay start/reset/stop; preempt_snmp enabled/disabled;
              master_changed set/changed; advert_interval updated/local;
              owner_conflict detected/reduced/stopped; sync_group sync/transition/
              leaving/up/removed/reload; child_exit respawning/exiting/error/signal/delayed;
              startup_delay start/completed; ah_sync increment/decrement/sync; netlink error.
``version``   keepalived version of ``Starting/Stopping/Stopped Keepalived vX.Y.Z``.
``child_pid`` pid of a child process (started, died, script child).
``detail``    remaining typed detail, per kind: packet_error subtype (ttl, ttl_range,
              version, auth_type, passwd, vrid, unknown_vrid, interval, ip_count,
              vip_missing, vip_mismatch, checksum, length, packet_type, unicast_peer,
              cast_mismatch, owner_drop, sync_needed, bogus, ignored, dropped, ah_spi,
              ah_seq); fault_cause reason (script, interface, tracked_file,
              tracked_process, no_address, src_address); child name VRRP/Healthcheck/BFD
              (child_start, child_exit; the error class CONFIG/FATAL for permanent
              errors); vips what (vips, evips, routes, rules, firewall); garp family
              (arp, na); interface_state source (kernel, netlink, linkbeat); script_ignored
              reason (sync_group, address_owner); security / config_warning / notify /
              runtime_info subtypes; advert_interval new interval in ms; preempt_delay
              and startup_delay seconds; send_error and netlink the error text;
              config_error the message; scheduling_delay seconds; opening_file the path.
              When the grammar sets no detail, unrecognised trailing text after a
              recognised message (user annotations) is kept here.
``tracked``   tracked file / process / BFD instance name.
``config_line``  N of a ``(Line N)`` configuration error prefix.
``wording``   keepalived version range of the matched wording, as in the
              ``versions`` column of keepalived-messages.tsv (e.g. ``1.2.13-1.4.5``);
              omitted when the same wording exists in every version.  Where the TSV
              documents that a prefix variant is version specific, the range is
              narrowed accordingly: ``VRRP_Instance(x)`` vs ``(x)`` in ``{X(%s)|(%s)}``
              rows, and ``(x):`` (colon) = 1.2.20-1.4.5 in ``(%s)[:]`` rows.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyparsing as pp

from kalog.ingest.events import BODY_FIELDS, Kind

__all__ = ["parse_body", "TEMPLATES", "Template"]

# -- one element, two forms ----------------------------------------------------
#
# Every element of the notation is built here twice: as a pyparsing element
# (the specification, run by the plain path `_match_plain`) and as a fragment
# of a Python regular expression that accepts exactly the same texts with the
# same values (the fast path `_match_fast`, ~15x cheaper per body).  A
# fragment behaves like the pyparsing element because
#
# * it first skips pyparsing's default whitespace (" \n\t\r"), possessively,
#   unless the element leaves whitespace alone (the ")" of a prefix);
# * it is an atomic group: once matched it is never re-matched differently to
#   let a later element succeed.  pyparsing is a PEG: each element matches
#   once, alternatives are tried in order and the first that matches wins,
#   the optional trailer is taken whenever it matches;
# * a regex element runs the very pattern pyparsing's `pp.Regex` runs, on the
#   same whole string (lookarounds see the same neighbours);
# * results names become named groups, and parse actions are the same
#   `convert` functions applied to the groups' text afterwards.
#
# The templates end with the optional trailer and parse_string(parse_all=True)'s
# end check (whitespace, then the end of the string).  tests/speed/test_body_fast.py
# proves fast == plain on every real body we have.

_WHITE = pp.ParserElement.DEFAULT_WHITE_CHARS
#: pyparsing's whitespace skip before an element; possessive (never given back).
_WS = f"[{re.escape(_WHITE)}]*+"

#: (regex group, field name, conversion of the group's text or None) of a part.
Capture = tuple[str, str, Callable[[str], Any] | None]


@dataclass(frozen=True)
class _Part:
    """One element of a wording: pyparsing `expr`, equivalent regex `pattern`, its groups."""

    expr: pp.ParserElement
    pattern: str
    captures: tuple[Capture, ...] = ()


def _skipping(pattern: str) -> str:
    """`pattern` after pyparsing's whitespace skip, matched once like a PEG element."""
    return f"{_WS}(?>{pattern})"


def _sequence(parts: list[_Part], label: str) -> _Part:
    """pyparsing `And` of the parts; the regex is their fragments in a row."""
    return _Part(
        pp.And([part.expr for part in parts]).set_name(label),
        "".join(part.pattern for part in parts),
        tuple(capture for part in parts for capture in part.captures),
    )


# -- terminal elements ---------------------------------------------------------


def _int_or_drop(text: str) -> int | str:
    """Pids are sometimes obfuscated (``xxxx3``): keep the match, drop the value."""
    return int(text) if text.isdigit() else ""


def _strip_markup(text: str) -> str:
    """Users paste markdown (``**10.0.0.1**``) around addresses."""
    return text.strip("*")


_CHILD_NAMES = {
    "keepalived_vrrp": "VRRP",
    "keepalived_healthcheckers": "Healthcheck",
    "keepalived_bfd": "BFD",
}


def _child_name(text: str) -> str:
    return _CHILD_NAMES.get(text.lower(), text)


#: The states as written in the table; matched caseless, as ``pp.one_of`` does
#: (a text whose lower case is none of them raises KeyError, as one_of's does).
_STATES = {state.lower(): state for state in ("MASTER", "BACKUP", "FAULT")}


def _state_name(text: str) -> str:
    return _STATES[text.lower()]


@dataclass(frozen=True)
class _Type:
    """A placeholder type: a regular expression and the conversion of its match."""

    pattern: str
    label: str
    convert: Callable[[str], Any] | None = None
    caseless: bool = False

    def part(self, name: str) -> _Part:
        """This type as the element of field `name` (``_``/empty: matched, not kept)."""
        expr = pp.Regex(self.pattern, flags=re.IGNORECASE if self.caseless else 0)
        expr.set_name(self.label)
        if self.convert is not None:
            convert = self.convert
            expr.set_parse_action(lambda tokens: convert(tokens[0]))
        pattern = f"(?i:{self.pattern})" if self.caseless else self.pattern
        if name in ("", "_"):
            return _Part(pp.Suppress(expr), _skipping(pattern))
        return _Part(expr(name), _skipping(f"(?P<{name}>{pattern})"), ((name, name, self.convert),))


_ADDRESS = r"[^\s,()!'\"]+?(?=\.?(?:[\s,()!'\"]|$))"

#: Placeholder types of the template notation.
_TYPES: dict[str, _Type] = {
    "int": _Type(r"[-+]?\d+", "integer", int),
    "pid": _Type(r"\w+", "pid", _int_or_drop),
    "num": _Type(r"\d+(?:\.\d+)?", "number"),
    "name": _Type(r"[^)]+", "name"),
    "word": _Type(r"[^\s,()'\"`]+", "word"),
    "label": _Type(r"[^\s:,()'\"`]+", "label"),
    "alpha": _Type(r"[A-Za-z_]+", "error class"),
    "addr": _Type(_ADDRESS, "address", _strip_markup),
    "addrc": _Type(r"\S+?(?=:\s)", "address before colon"),
    "iface": _Type(_ADDRESS, "interface"),
    "paren": _Type(r"[^)]*", "parenthesised text"),
    "quoted": _Type(r"[^']*", "quoted text"),
    "tick": _Type(r"[^`]+", "backquoted text"),
    "ver": _Type(r"\d+(?:\.\d+)+", "version"),
    "errmsg": _Type(r"[^(,]+?(?=\s*[(,])", "error message"),
    "child": _Type(r"[^\s:,()'\"`]+", "child name", _child_name),
    "lower": _Type(r"\w+", "word", str.lower),
    "rest": _Type(r".+", "rest of line"),
    "state": _Type("|".join(_STATES.values()), "state", _state_name, caseless=True),
}

#: Default placeholder type per field name.
_DEFAULT_TYPE = {
    "prio_old": "int",
    "prio_new": "int",
    "prio_ours": "int",
    "prio_peer": "int",
    "exit_status": "int",
    "child_pid": "int",
    "config_line": "int",
    "peer": "addr",
    "address": "addr",
    "interface": "iface",
    "state": "state",
    "instance": "name",
    "group": "name",
    "script": "name",
    "tracked": "word",
    "version": "ver",
}


def _literal(word: str) -> _Part:
    return _Part(pp.Literal(word), _WS + re.escape(word))


def _prefix(keyword: str, name: str) -> _Part:
    """``VRRP_Instance(x)`` / ``VRRP_Group(x)`` / ``VRRP_Script(x)`` / ``(x)``."""
    opening = _Part(pp.Suppress(pp.Literal(keyword + "(")), _WS + re.escape(keyword + "("))
    # the closing parenthesis leaves whitespace alone: no skip in the regex either
    closing = _Part(pp.Suppress(pp.Literal(")").leave_whitespace()), re.escape(")"))
    return _sequence([opening, _TYPES["name"].part(name), closing], f"{keyword or 'paren'} prefix")


_PREFIXES = {
    "vi": lambda: _prefix("VRRP_Instance", "instance"),
    "vg": lambda: _prefix("VRRP_Group", "group"),
    "vs": lambda: _prefix("VRRP_Script", "script"),
    "p2": lambda: _prefix("", "instance"),
}


def _trailer() -> _Part:
    """Optional unrecognised text after a wording, then the end of the body.

    The end is parse_string(parse_all=True)'s check: whitespace, then the end.
    """
    pattern = r"(?:(?<=\s)|(?=[^\w\s])).+"
    trailer = pp.Regex(pattern).set_name("trailer")("trailer")
    return _Part(
        pp.Opt(trailer),
        f"(?>(?:{_skipping(f'(?P<trailer>{pattern})')})?){_WS}\\Z",
        (("trailer", "trailer", None),),
    )


# -- the template notation -----------------------------------------------------

_SPEC_TOKEN = re.compile(r"\{([^{}]*)\}|[^\s{]+")
_KEY_WORD = re.compile(r"[A-Za-z0-9_-]*")


def _key(word: str) -> str:
    """Dispatch key of a first word: its leading alphanumerics, lower case."""
    return _KEY_WORD.match(word).group().lower()


def _alternatives(text: str, name: str) -> tuple[_Part, list[str]]:
    """``a b>x|c>y``: fixed alternatives (multi-word), each mapped to a value.

    In the regex each alternative is a group of its own whose presence gives
    the value; the atomic group around them keeps the first that matches.
    """
    options = []
    patterns = []
    captures: list[Capture] = []
    firsts = []
    for number, choice in enumerate(text.split("|")):
        literal, _, value = choice.partition(">")
        words = literal.split()
        firsts.append(_key(words[0]))
        expr = pp.And([pp.Literal(w) for w in words]) if len(words) > 1 else pp.Literal(words[0])
        options.append(expr.set_parse_action(pp.replace_with(value or literal)))
        pattern = "".join(_WS + re.escape(word) for word in words)
        if name not in ("", "_"):
            group = f"_{name}{number}"
            pattern = f"(?P<{group}>{pattern})"
            captures.append((group, name, functools.partial(_constant, value or literal)))
        patterns.append(pattern)
    expr = pp.MatchFirst(options).set_name(name or text)
    expr = pp.Suppress(expr) if name in ("", "_") else expr(name)
    return _Part(expr, f"(?>{'|'.join(patterns)})", tuple(captures)), firsts


def _constant(value: str, _text: str) -> str:
    return value


def _placeholder(content: str) -> tuple[_Part, list[str] | None]:
    """Compile one ``{...}`` placeholder; also return its first-word keys if fixed."""
    if "~" in content:
        name, _, pattern = content.partition("~")
        return _Type(pattern, name or pattern).part(name), None
    if "=" in content:
        name, _, alts = content.partition("=")
        return _alternatives(alts, name)
    name, _, typ = content.partition(":")
    if name in _PREFIXES and not typ:
        return _PREFIXES[name](), None
    return _TYPES[typ or _DEFAULT_TYPE.get(name, "word")].part(name), None


@dataclass(frozen=True)
class Template:
    """One keepalived wording: its kind, spec, compiled grammar and constants.

    `expr` is the pyparsing grammar (the specification); `pattern` is the
    equivalent regex (the fast path) and `groups` its named groups.
    """

    kind: Kind
    spec: str
    wording: str | None
    fixed: tuple[tuple[str, Any], ...]
    expr: pp.ParserElement
    pattern: str
    groups: tuple[Capture, ...]
    klass: str
    keys: tuple[str, ...] | None  # None = first word is variable (wildcard)
    needles: tuple[str, ...]  # literal tokens that must all occur in the body

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        """`pattern` compiled on first use (compiling all 350 would slow every import)."""
        return re.compile(self.pattern)

    @functools.cached_property
    def captures(self) -> tuple[tuple[int, str, Callable[[str], Any] | None], ...]:
        """(group number, field name, conversion) of each of `groups`."""
        index = self.regex.groupindex
        return tuple((index[group], name, convert) for group, name, convert in self.groups)


def _compile(
    kind: Kind, spec: str, wording: str | None, klass: str | None, fixed: dict
) -> Template:
    parts: list[_Part] = []
    first_keys: list[str] | None = []
    needles: list[str] = []
    found_first = False
    spec_class = ""
    for index, match in enumerate(_SPEC_TOKEN.finditer(spec)):
        content = match.group(1)
        if content is not None:
            if index == 0 and content in _PREFIXES:
                spec_class = content
                parts.append(_PREFIXES[content]())
                continue
            part, keys = _placeholder(content)
            parts.append(part)
            if not found_first:
                found_first = True
                first_keys = keys
            continue
        token = match.group()
        needles.append(token)
        parts.append(_literal(token))
        if not found_first and token != ":":
            found_first = True
            first_keys = [_key(token)]
    whole = _sequence([*parts, _trailer()], spec)
    return Template(
        kind=kind,
        spec=spec,
        wording=wording,
        fixed=tuple(fixed.items()),
        expr=whole.expr,
        pattern=whole.pattern,
        groups=whole.captures,
        klass=klass if klass is not None else spec_class,
        keys=tuple(first_keys) if first_keys is not None and klass is None else None,
        needles=tuple(sorted(set(needles), key=len, reverse=True)),
    )


TEMPLATES: list[Template] = []


def _t(kind: Kind, spec: str, wording: str | None = None, *, klass: str | None = None, **fixed):
    TEMPLATES.append(_compile(kind, spec, wording, klass, fixed))


K = Kind
_SETRM = "action=setting>set|removing>removed"
_ARPNA = "detail=gratuitous ARPs>arp|Unsolicited Neighbour Adverts>na"

# -- state -------------------------------------------------------------------
_t(K.TRANSITION_MASTER, "{vi}: Transition to MASTER STATE", "1.2.22-1.4.5", state="MASTER")
_t(K.TRANSITION_MASTER, "{vi} Transition to MASTER STATE", "1.2.13-1.4.5", state="MASTER")
_t(K.ENTER_STATE, "{vi}: Entering {state} STATE", "1.2.22-1.4.5")
_t(K.ENTER_STATE, "{vi} Entering {state} STATE", "1.2.13-1.4.5")
_t(K.ENTER_STATE, "{p2} Entering {state} STATE (init)", "2.0.0-2.4.3", init=True)
_t(K.ENTER_STATE, "{p2} Entering {state} STATE", "2.0.0-2.4.3")
_t(K.ENTER_STATE, "{p2} Entering STATE", "2.0.0-2.4.3")  # state blanked by the user
_t(K.NOW_IN_STATE, "{vi} Now in {state} state", "1.2.13-1.4.5")
_t(K.PRIO_HIGHER_THAN_ADVERT, "{vi} prio is higher than received advert", "1.2.13-1.4.5")
_t(K.AH_SYNC, "{vi} in FAULT state jump to AH sync", "1.2.13-1.4.5", action="sync")
_FAULT = {"state": "FAULT"}
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state due to script {script:word}",
    "2.0.19-2.4.3",
    detail="script",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (interface {interface} down)",
    "2.0.19-2.4.3",
    detail="interface",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (tracked file {tracked} has status {_:int})",
    "2.0.19-2.4.3",
    detail="tracked_file",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2} entering FAULT state (tracked process {tracked} quorum not achieved)",
    "2.0.19-2.4.3",
    detail="tracked_process",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2} entering FAULT state (no IPv{_:int} address for interface)",
    "2.0.20-2.4.3",
    detail="no_address",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (src address not configured)",
    "2.1.0-2.4.3",
    detail="src_address",
    **_FAULT,
)
_t(K.FAULT_CAUSE, "{p2} entering FAULT state", "2.0.0-2.4.3", **_FAULT)
_t(
    K.NO_PEERS_FAULT,
    "{p2} Cannot use unicast without any peers - going to fault state",
    "2.2.5-2.4.3",
    state="FAULT",
)
_t(K.ADVERT_TIMEOUT, "{p2} Receive advertisement timeout", "2.0.3-2.4.3")
_t(
    K.INTERNAL_ERROR,
    "{p2} vrrp_state_leave_master called with invalid wantstate {_:int}",
    "2.0.0-2.4.3",
    detail="invalid_wantstate",
)
_t(K.SCHEDULING_DELAY, "A thread timer expired {detail:num} seconds ago")

# -- priority ------------------------------------------------------------------
_t(
    K.PRIORITY_CHANGE,
    "{vi} Changing effective priority from {prio_old} to {prio_new}",
    "1.3.0-1.4.5",
)
_t(
    K.PRIORITY_CHANGE,
    "{p2} Changing effective priority from {prio_old} to {prio_new}",
    "2.0.0-2.4.3",
)
_t(
    K.PRIORITY_CHANGE,
    "{vi} base priority changed from {prio_old} to {prio_new} via SNMP.",
    "1.2.13-1.4.5",
    detail="snmp",
)
_t(
    K.PRIORITY_CHANGE,
    "{p2} base priority changed from {prio_old} to {prio_new} via SNMP.",
    "2.0.0-2.4.3",
    detail="snmp",
)
_t(K.PRIORITY_SET, "{p2} Setting effective priority to {prio_new}", "2.0.20-2.4.3")
_t(K.TRACK_FILE, "{p2}: tracked file {tracked} now FAULT state", "2.0.19-2.4.3", action="down")
_t(K.TRACK_FILE, "{p2}: tracked file {tracked} leaving FAULT state", "2.0.19-2.4.3", action="up")
_OWNER_OLD = (
    "CONFIGURATION ERROR: local instance and a remote instance are both configured"
    " as address owner, please fix - reducing local priority"
)
_t(K.OWNER_CONFLICT, "{p2}: " + _OWNER_OLD, "1.2.22-1.4.5", action="reduced")
_t(K.OWNER_CONFLICT, "{p2} " + _OWNER_OLD, "2.0.0-2.3.2", action="reduced")
_t(
    K.OWNER_CONFLICT,
    "{p2} CONFIGURATION ERROR: local instance and {peer} are both configured"
    " as address owner, please resolve",
    "2.3.3-2.4.3",
    action="detected",
)
_t(
    K.OWNER_CONFLICT,
    "{p2} {peer} is still advertising as address owner, please resolve - reducing our priority",
    "2.3.3-2.4.3",
    action="reduced",
)
_t(
    K.OWNER_CONFLICT,
    "{p2}: rogue address owner appears to have stopped advertising",
    "2.3.3-2.4.3",
    action="stopped",
)
_t(
    K.PRIORITY_RESTORED,
    "{p2} Restoring our priority to {prio_new} since other address owner has disappeared",
    "2.3.3-2.4.3",
    detail="owner_gone",
)
_t(
    K.PRIORITY_RESTORED,
    "{p2} Restoring our priority to {prio_new} since received advert with lower priority",
    "2.3.3-2.4.3",
    detail="lower_advert",
)
_t(K.PREEMPT_SNMP, "{vi} preemption {action=enabled|disabled} with SNMP", "1.2.13-1.4.5")
_t(K.PREEMPT_SNMP, "{p2} preemption {action=enabled|disabled} with SNMP", "2.0.0-2.4.3")

# -- adverts -------------------------------------------------------------------
_t(K.FORCE_ELECTION, "{vi} forcing a new MASTER election", "1.2.13-1.4.5")
_t(K.ADVERT_HIGHER, "{vi} Received higher prio advert {prio_peer}", "1.2.13-1.2.24")
_t(K.ADVERT_HIGHER, "{vi} Received higher prio advert", "1.2.13-1.2.24")
_t(K.ADVERT_LOWER, "{vi} Received lower prio advert, forcing new election", "1.2.13-1.2.24")
# 1.2.21-1.2.24 print the advert's priority (vrrp.c vrrp_state_master_rx, v1.2.21)
_t(
    K.ADVERT_LOWER,
    "{vi} Received lower prio advert {prio_peer}, forcing new election",
    "1.2.21-1.2.24",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Received advert with higher priority {prio_peer}, ours {prio_ours}",
    "1.3.0-1.4.0",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Master received advert with higher priority {prio_peer}, ours {prio_ours}",
    "1.4.1-1.4.5",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Master received advert with same priority {prio_peer} but higher IP"
    " address than ours ({peer})",
    "1.4.1-1.4.5",
    detail="same_prio_higher_ip",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} Master received advert from {peer} with higher priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} Master received advert from {peer} with same priority {prio_peer}"
    " but higher IP address than ours",
    "2.0.0-2.4.3",
    detail="same_prio_higher_ip",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} received advert from {peer} with higher priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
)  # user-edited variant seen in the corpus
_t(
    K.ADVERT_LOWER,
    "{vi} Received advert with lower priority {prio_peer}, ours {prio_ours}, forcing new election",
    "1.3.0-1.4.5",
)
_t(
    K.ADVERT_LOWER,
    "{p2} Received advert from {peer} with lower priority {prio_peer},"
    " ours {prio_ours}, forcing new election",
    "2.0.0-2.4.3",
)
_t(
    K.ADVERT_LOWER,
    "{p2} Received advert from {peer} with lower priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
    detail="no_advert",
)
_t(
    K.ADVERT_LOWER_DISCARD,
    "{p2} received lower priority ({prio_peer}) advert from {peer} - discarding",
    "2.0.0-2.4.3",
)
_t(K.PRIO0_RECEIVED, "{p2} Backup received priority 0 advertisement", "2.0.0-2.4.3", state="BACKUP")
_t(
    K.PRIO0_RECEIVED,
    "{p2} Master received priority 0 or lower priority advert",
    "2.0.8-2.0.20",
    state="MASTER",
)
_t(
    K.PRIO0_RECEIVED,
    "{p2} Master received priority 0 message",
    "2.0.0-2.0.7,2.1.0-2.4.3",
    state="MASTER",
)
_EQUAL = "WARNING - equal priority advert received from remote host with our IP address."
_t(K.EQUAL_PRIO_OWN_IP, "{p2}: " + _EQUAL, "1.2.24-1.4.5")
_t(K.EQUAL_PRIO_OWN_IP, "{p2} " + _EQUAL, "2.0.0-2.4.3")
_t(K.MASTER_CHANGED, "{p2} master set to {peer}", "2.3.3-2.4.3", action="set")
_t(
    K.MASTER_CHANGED,
    "{p2} master changed from {detail:addr} to {peer}",
    "2.3.3-2.4.3",
    action="changed",
)
_t(K.PREEMPT_DELAY, "{vi} start preempt delay({detail:num})", "1.2.17-2.0.7", action="start")
_t(K.PREEMPT_DELAY, "{vi} reset preempt delay", "1.2.17-1.4.5", action="reset")
_t(K.PREEMPT_DELAY, "{vi} stop preempt delay", "2.0.0-2.0.7", action="stop")
_t(K.PREEMPT_DELAY, "{p2} stop preempt delay", "2.0.8-2.4.3", action="stop")
_t(K.PREEMPT_DELAY, "{p2} start preempt delay ({detail:num})", "2.0.8-2.4.3", action="start")
_t(
    K.ADVERT_INTERVAL,
    "{vi} advertisement interval updated to {detail:num} milli-sec from higher priority master",
    "1.2.22-1.4.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{vi} advertisement interval updated to {detail:num} milli-sec",
    "1.2.17-1.4.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated to {detail:num} milli-sec from {_:num} milli-sec",
    "2.0.0-2.1.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated from {_:num} to {detail:num}"
    " milli-sec from higher priority master",
    "2.0.0-2.1.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated from {_:num}ms to {detail:num}ms by master",
    "2.2.0-2.4.3",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} changing advert interval from {_:num}ms to locally configured {detail:num}ms",
    "2.2.0-2.4.3",
    action="local",
)
_t(
    K.ADVERT_INTERVAL,
    "{vi} using locally configured advertisement interval ({detail:num} milli-sec)",
    "1.2.17-1.4.5",
    action="local",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} using locally configured advertisement interval ({detail:num} milli-sec)",
    "2.0.0-2.1.5",
    action="local",
)

# -- packets -------------------------------------------------------------------


def _pkt(spec: str, wording: str | None, detail: str, **fixed) -> None:
    _t(K.PACKET_ERROR, spec, wording, detail=detail, **fixed)


_pkt("invalid ttl. {_:int} and expect {_:int}", "1.2.13-1.2.19", "ttl")
_pkt("{p2}: invalid ttl. {_:int} and expect {_:int}", "1.2.20-1.4.5", "ttl")
_pkt("{p2} invalid ttl. {_:int} and expect {_:int}", "2.0.0-2.0.11", "ttl")
_pkt("{p2} invalid TTL/HL. Received {_:int} and expect {_:int}", "2.0.12-2.3.2", "ttl")
_pkt("{p2} invalid TTL/HL from {peer}. Received {_:int} and expect {_:int}", "2.3.3-2.4.3", "ttl")
_pkt("{p2} TTL/HL {_:int} not in range {_:int} - {_:int}", "2.1.0-2.3.2", "ttl_range")
_pkt("{p2} TTL/HL {_:int} from {peer} not in range [{_:int}, {_:int}]", "2.3.3-2.4.3", "ttl_range")
_pkt("invalid version. {_:int} and expect {_:int}", "1.2.13-1.2.19", "version")
_pkt("{p2}: invalid version. {_:int} and expect {_:int}", "1.2.20-1.4.5", "version")
_pkt("{p2} invalid version. {_:int} and expect {_:int}", "2.0.0-2.0.11", "version")
_pkt("{p2} wrong version. Received {_:int} and expect {_:int}", "2.0.12-2.3.2", "version")
_pkt(
    "{p2} wrong VRRP version from {peer}. Received {_:int} and expect {_:int}",
    "2.3.3-2.4.3",
    "version",
)
_pkt("receive a {_:int} auth, expecting {_:int}!", "1.2.13-1.2.19", "auth_type")
_pkt("{p2}: received a {_:int} auth, expecting {_:int}!", "1.2.20-1.4.5", "auth_type")
_pkt("{p2} received a {_:int} auth, expecting {_:int}!", "2.0.0-2.3.2", "auth_type")
_pkt("{p2} received a {_:int} auth from {peer}, expecting {_:int}!", "2.3.3-2.4.3", "auth_type")
_pkt("receive an invalid passwd!", "1.2.13-1.2.19", "passwd")
_pkt("{p2}: received an invalid passwd!", "1.2.20-1.4.5", "passwd")
_pkt("{p2} received an invalid passwd from {peer}!", "2.3.3-2.4.3", "passwd")
_pkt("{p2} received an invalid passwd!", "2.0.0-2.3.2", "passwd")
_pkt("received VRID mismatch. Received {_:int}, Expected {_:int}", "1.2.13-1.2.19", "vrid")
_pkt("{p2}: received VRID mismatch. Received {_:int}, Expected {_:int}", "1.2.20-1.4.5", "vrid")
_pkt("{p2} received VRID mismatch. Received {_:int}, Expected {_:int}", "2.0.0-2.0.13", "vrid")
_pkt(
    "Unknown VRID({_:int}) received on interface({interface}) from {peer}. ignoring...",
    "2.2.5-2.4.3",
    "unknown_vrid",
)
_pkt(
    "Unknown VRID({_:int}) received on interface({interface}). ignoring...",
    "2.0.14-2.4.3",
    "unknown_vrid",
)
_pkt("advertissement interval mismatch mine={_:int} rcved={_:int}", "1.2.13-1.2.16", "interval")
_pkt(
    "advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "1.2.17-1.2.19",
    "interval",
)
_pkt(
    "{p2}: advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "1.2.20-1.4.5",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "2.0.0-2.0.11",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch mine={_:int} sec rcv'd={_:int} sec",
    "2.0.12-2.3.2",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch with {peer} mine={_:int} sec rcv'd={_:int} sec",
    "2.3.3-2.4.3",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch ours = {_:int} centi-sec rcv'd={_:int} centi-sec",
    "2.3.3-2.4.3",
    "interval",
)
_pkt("receive an invalid ip number count associated with VRID!", "1.2.13-1.2.19", "ip_count")
_pkt(
    "{p2}: received an invalid ip number count {_:int}, expected {_:int}!",
    "1.2.20-1.4.5",
    "ip_count",
)
_pkt(
    "{p2} received an invalid ip number count {_:int}, expected {_:int}!",
    "1.2.20-2.0.11",
    "ip_count",
)
_pkt(
    "{p2} received an unexpected ip number count {_:int}, expected {_:int}!",
    "2.0.12-2.3.2",
    "ip_count",
)
_pkt("{p2} expected {_:int} VIPs but received {_:int}", "2.0.19-2.4.3", "ip_count")
_pkt(
    "ip address associated with VRID not present in received packet : {address}",
    "1.2.13-1.2.19",
    "vip_missing",
)
_pkt(
    "one or more VIP associated with VRID mismatch actual MASTER advert",
    "1.2.13-1.2.19",
    "vip_mismatch",
)
_pkt(
    "{p2}: ip address associated with VRID {_:int} not present in MASTER advert : {address}",
    "1.2.20-1.4.5",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in MASTER advert: {address}",
    "2.2.5-2.3.2",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in MASTER advert : {address}",
    "1.2.20-2.2.4",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in advert from {peer:addrc}:"
    " {address}",
    "2.3.3-2.4.3",
    "vip_missing",
)
_pkt("Invalid vrrp checksum", "1.2.13-1.2.18", "checksum")
_pkt("Invalid VRRPv{_:int} checksum", "1.2.18-1.2.19", "checksum")
_pkt("{p2}: Invalid VRRPv{_:int} checksum", "1.2.20-1.4.5", "checksum")
_pkt("{p2} Invalid VRRPv{_:int} checksum from {peer}", "2.3.3-2.4.3", "checksum")
_pkt("{p2} Invalid VRRPv{_:int} checksum", "2.0.0-2.3.2", "checksum")
_pkt("ip payload too short. {_:int} and expect at least {_:int}", "1.2.13-1.2.19", "length")
_pkt(
    "{p2}: ip/vrrp header too short. {_:int} and expect at least {_:int}", "1.2.20-1.4.5", "length"
)
_pkt(
    "{p2} ip/vrrp header too short. {_:int} and expect at least {_:int}", "1.2.20-2.0.11", "length"
)
_pkt(
    "{p2} vrrp packet too {=short|long}, length {_:int} and expect {_:int}",
    "2.0.12-2.3.2",
    "length",
)
_pkt(
    "{p2} vrrp packet from {peer} too {=short|long}, length {_:int} and expect {_:int}",
    "2.3.3-2.4.3",
    "length",
)
_pkt("Invalid packet type. {_:int} and expect {_:int}", "1.2.17-1.2.19", "packet_type")
_pkt("{p2}: Invalid packet type. {_:int} and expect {_:int}", "1.2.20-1.4.5", "packet_type")
_pkt("{p2} Invalid packet type. {_:int} and expect {_:int}", "1.2.17-2.3.2", "packet_type")
_pkt("Invalid auth type: {_:int}", "1.2.17-1.2.19", "auth_type")
_pkt("{p2}: Invalid auth type: {_:int}", "1.2.20-1.4.5", "auth_type")
_pkt("{p2} Invalid auth type: {_:int}", "1.2.17-2.3.2", "auth_type")
_pkt(
    "{p2}: ip_tot_len mismatch against received length. {_:int} and received {_:int}",
    "1.2.20-1.4.5",
    "length",
)
_pkt(
    "{p2} ip_tot_len mismatch against received length from {peer}. {_:int} and received {_:int}",
    "2.3.3-2.4.3",
    "length",
)
_pkt(
    "{p2} ip_tot_len mismatch against received length. {_:int} and received {_:int}",
    "1.2.20-2.4.3",
    "length",
)
_pkt("{p2}: unicast source address {peer} not a unicast peer", "1.2.20-1.4.5", "unicast_peer")
_pkt("{p2} unicast source address {peer} not a unicast peer", "1.2.20-2.4.3", "unicast_peer")
_pkt(
    "{p2} Expected {=unicast|multicast} packet but received {=multicast|unicast} packet from"
    " {peer}",
    "2.3.3-2.4.3",
    "cast_mismatch",
)
_pkt(
    "{p2} Expected {=unicast|multicast} packet but received {=multicast|unicast} packet",
    "2.0.12-2.4.3",
    "cast_mismatch",
)
_pkt(
    "{p2} discarding {=multicast|unicast} packet on {=unicast|multicast} instance",
    "2.1.0-2.4.3",
    "cast_mismatch",
)
_pkt("{p2} Dropping packet(s) from {peer} since we are address owner", "2.3.3-2.4.3", "owner_drop")
_pkt("Sync instance needed on {interface} !!!", "1.2.13-1.4.5", "sync_needed")
_pkt("bogus VRRP packet received on {interface} !!!", "1.2.13-1.4.5", "bogus")
_pkt("{vi} ignoring received advertisment...", "1.2.13-1.4.5", "ignored")
_pkt("{vi} Dropping received VRRP packet...", "1.2.13-1.4.5", "dropped")
_pkt("IPSEC AH : invalid IPSEC SPI value. {_:int} and expect {_:int}", None, "ah_spi")
_AH_SEQ = "IPSEC-AH : sequence number {_:int} already VERB. Packet dropped. Local({_:int})"
_pkt("{vi} " + _AH_SEQ.replace("VERB", "proceeded"), "1.2.13-1.3.5", "ah_seq")
_pkt("{vi} " + _AH_SEQ.replace("VERB", "processed"), "1.3.6-1.4.5", "ah_seq")
_pkt("{p2} " + _AH_SEQ.replace("VERB", "processed"), "2.0.0-2.4.3", "ah_seq")
_AH_SYNC = "IPSEC-AH : Syncing seq_num - {action=Increment>increment|Decrement>decrement} seq"
_t(K.AH_SYNC, "{vi} " + _AH_SYNC, "1.2.13-1.4.5")
_t(K.AH_SYNC, "{p2} " + _AH_SYNC, "2.0.0-2.4.3")
_t(K.AH_SYNC, "{vi} IPSEC-AH : seq_num sync", "1.2.13-1.4.5", action="sync")
_t(K.SEND_ERROR, "{vi} Cant sent advert to {peer} ({detail:paren})", "1.2.13-1.2.19")
_t(K.SEND_ERROR, "{vi} Cant send advert to {peer} ({detail:paren})", "1.2.20-1.4.5")
_t(K.SEND_ERROR, "{p2} Cant send advert to {peer} ({detail:paren})", "2.0.0-2.4.3")
_t(K.SEND_ERROR, "{p2}: send advert error {_:int} ({detail:paren})", "2.0.16-2.4.3")

# -- track scripts -------------------------------------------------------------
_t(K.SCRIPT_RESULT, "{vs} succeeded", None, result="success")
_t(
    K.SCRIPT_RESULT,
    "{vs} failed (exited with status {exit_status})",
    "1.4.0-2.4.3",
    result="failure",
)
_t(K.SCRIPT_RESULT, "{vs} failed (due to {detail~signal \\d+})", "1.4.0-2.4.3", result="failure")
_t(K.SCRIPT_RESULT, "{vs} failed", "1.2.13-1.3.9", result="failure")
_t(K.SCRIPT_RESULT, "{vs} timed_out", "1.4.0-2.4.3", result="timeout")
_t(K.SCRIPT_RESULT, "{vs} timed out", "1.2.13-1.3.9", result="timeout")
_t(K.SCRIPT_RETURNING, "Script `{script:tick}` now returning {exit_status}", "2.0.0-2.4.3")
_t(K.SCRIPT_RELOAD, "{vs} considered successful on reload", None, result="success")
_t(K.SCRIPT_RELOAD, "{vs} considered unsuccessful on reload", "2.0.0-2.4.3", result="failure")
_t(
    K.SCRIPT_SKIP,
    "Track script {script:word} is {detail=already running>already_running|"
    "being timed out>being_timed_out}, expect idle - skipping run",
    "1.4.0-2.4.3",
)
_t(K.SCRIPT_KILL_FAILED, "Process [{child_pid}] didn't respond to SIGTERM", "1.2.13-1.3.9")
_t(K.SCRIPT_KILL_FAILED, "Child (PID {child_pid}) failed to terminate after kill", "1.4.0-2.0.18")
_t(
    K.SCRIPT_KILL_FAILED,
    "Script {script:word} child (PID {child_pid}) failed to terminate after kill",
    "2.0.19-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{vi} : ignoring tracked script with weights due to SYNC group",
    "1.2.13-1.4.5",
    detail="sync_group",
)
_t(
    K.SCRIPT_IGNORED,
    "{vi} : ignoring weights of tracked interface due to SYNC group",
    "1.3.0-1.4.5",
    detail="sync_group",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring tracked script {script:word} with weights due to"
    " {detail=SYNC group>sync_group|address_owner>address_owner}",
    "2.0.0-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring {interface} tracked interface weight due to"
    " {detail=SYNC group>sync_group|address owner>address_owner}",
    "2.0.8-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring {interface} tracked interface due to"
    " {detail=SYNC group>sync_group|address owner>address_owner}",
    "2.0.8-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} Cannot have weighted track script '{script:quoted}' with priority {prio_ours}",
    "2.0.0-2.4.3",
    detail="address_owner",
)
_t(K.SCRIPT_UNUSED, "Warning - script {script:word} is not used", "2.0.0-2.4.3")
_t(K.SCRIPT_EXIT, "pid {child_pid:pid} exited with status {exit_status}")
_t(K.SCRIPT_EXIT, "{script:word} exited with status {exit_status}")

# -- security ------------------------------------------------------------------
_t(
    K.SECURITY,
    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.",
    "1.3.0-2.4.3",
    detail="script_security_disabled",
)
_t(
    K.SECURITY,
    "Disabling track script {script:word} due to insecure",
    "1.3.0-2.4.3",
    detail="insecure",
)
_t(
    K.SECURITY,
    "Disabling track script {script:word} since not found/accessible",
    "1.3.6-2.4.3",
    detail="not_found",
)
_t(
    K.SECURITY,
    "Unsafe permissions found for script '{script:quoted}'",
    "1.3.0-2.4.3",
    detail="unsafe_permissions",
)
_t(
    K.SECURITY,
    "WARNING - script `{script:tick}` resolved by path search to `{_:tick}`."
    " Please specify full path.",
    "1.3.2-2.4.3",
    detail="path_search",
)
_t(
    K.SECURITY,
    "WARNING - default user '{_:quoted}' for script execution does not exist - please create.",
    "1.3.0-2.2.4",
    detail="no_default_user",
)
_t(
    K.SECURITY,
    "WARNING - script '{script:quoted}' is not executable for uid:gid {_:word} - disabling.",
    "2.0.17-2.4.3",
    detail="not_executable",
)

# -- interfaces and other trackers ----------------------------------------------
_t(
    K.INTERFACE_STATE,
    "Kernel is reporting: interface {interface} {action=DOWN>down|UP>up}",
    "1.2.13-1.4.5",
    detail="kernel",
)
_t(
    K.TRACKED_INTERFACES_UP,
    "Kernel is reporting: tracked interface are UP",
    "1.2.13-1.4.5",
    action="up",
)
_t(K.SYNC_GROUP, "Kernel is reporting: Group({group:name}) UP", "1.2.13-1.4.5", action="up")
_t(
    K.INTERFACE_STATE,
    "Netlink reports {interface} {action=up|down}",
    "2.0.0-2.4.3",
    detail="netlink",
)
_t(
    K.INTERFACE_STATE,
    "Linkbeat reports {interface} {action=up|down}",
    "2.0.0-2.4.3",
    detail="linkbeat",
)
_t(
    K.INTERFACE_CHANGE,
    "Interface name has changed from {detail:word} to {interface}",
    "2.0.0-2.4.3",
    action="renamed",
)
_t(K.INTERFACE_CHANGE, "Interface {interface} {action=deleted|added}", "2.0.0-2.4.3")
_t(
    K.INTERFACE_CHANGE,
    "{p2}: Success creating VMAC interface {interface}",
    None,
    action="added",
    detail="vmac",
)
_t(
    K.VRID_CONFLICT,
    "VRID conflict between {instance:word} and {detail:word} IPv{_:int} vrid {_:int}",
    "2.0.8-2.4.3",
)
_t(K.TRACK_PROCESS, "Quorum {action=gained|lost} for tracked process {tracked}", "2.0.11-2.4.3")
_t(
    K.TRACK_PROCESS,
    "Process {tracked}, number of current processes changed from {_:int} to"
    " {_:int}, quorum {action=up|down}",
    "2.0.11-2.4.3",
)
_t(
    K.TRACK_PROCESS,
    "Process {tracked}, number of current processes changed from {_:int} to {_:int}",
    "2.0.11-2.4.3",
    action="changed",
)
_t(K.TRACK_BFD, "{vi} Tracked BFD instance {tracked} is {action=UP>up|DOWN>down}", "2.0.0-2.4.3")
_t(
    K.TRACK_BFD,
    "Received BFD event: instance {tracked} is in state {action:lower} (delivered in {_:int} usec)",
    "2.0.0-2.4.3",
    detail="event",
)

# -- addresses, netlink --------------------------------------------------------
_t(
    K.ADDRESS,
    "Netlink reflector reports IP {address} {action=added to>added|removed from>"
    "removed} {interface}",
    "2.0.0-2.4.3",
)
_t(K.ADDRESS, "Netlink reflector reports IP {address} {action=added|removed}")
_t(
    K.ADDRESS,
    "Assigned address {address} for interface {interface}",
    "2.0.0-2.4.3",
    action="assigned",
)
_t(
    K.ADDRESS,
    "Deassigned address {address} from interface {interface}",
    "2.0.0-2.4.3",
    action="deassigned",
)
_t(
    K.ADDRESS,
    "ip address {address} dev {interface}, no longer exist",
    "1.2.13-2.0.10",
    action="removed",
    detail="no_longer_exist",
)
_t(
    K.ADDRESS,
    "{p2} ip address {address} dev {interface}, no longer exist",
    "2.0.11-2.4.3",
    action="removed",
    detail="no_longer_exist",
)
_t(K.ADDRESS, "Restoring deleted static address {address}", "2.0.3-2.4.3", action="restored")
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}({_:int}), type={_:word}({_:int}), seq={_:int}, pid={_:int}",
    "2.0.17-2.4.3",
    action="error",
)
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}, type={_:word}({_:int}), seq={_:int}, pid={_:int}",
    None,
    action="error",
)  # 2.0.9-2.0.16, no TSV row of its own
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}, type=({_:int}), seq={_:int}, pid={_:int}",
    "1.2.13-2.0.8",
    action="error",
)
_t(K.HOUSEKEEPING, "Registering Kernel netlink reflector")
_t(K.HOUSEKEEPING, "Registering Kernel netlink command channel")
_t(K.HOUSEKEEPING, "Registering gratuitous ARP shared channel")
_t(K.HOUSEKEEPING, "Registering gratuitous NDISC shared channel", "2.0.0-2.1.5")
_t(K.HOUSEKEEPING, "Registering gratutious ARP shared channel")  # (sic) pre-1.2.13 spelling
_t(K.HOUSEKEEPING, "Using LinkWatch kernel netlink reflector...", "1.2.13-1.4.5")
_t(K.HOUSEKEEPING, "Using MII-BMSR NIC polling thread...")
_t(K.HOUSEKEEPING, "VRRP sockpool: {_:rest}")
_t(K.HOUSEKEEPING, "Remove a zombie pid file {_:rest}")
_t(K.HOUSEKEEPING, "Configuration is using : {_:int} Bytes", "1.2.13-1.2.19")
_t(K.HOUSEKEEPING, "Entered : {_:rest}")
_t(K.HOUSEKEEPING, "Initializing ipvs", detail="checker")
for _checker in (
    "Activating healtchecker for service",
    "Activating healthchecker for service",
    "Misc check to",
    "Removing service",
    "Adding service",
    "Lost quorum",
    "Gained quorum",
    "Executing",
    "TCP connection to",
    "HTTP status code",
    "SMTP connection to",
    "Check on service",
    "Timeout connecting",
    "Enabling service",
    "Disabling service",
):
    _t(K.HOUSEKEEPING, _checker + " {_:rest}", detail="checker")
_t(
    K.INTERFACE_MISSING,
    "Cant find interface {interface} for vrrp_instance {instance:word} !!!",
    "1.2.13-1.4.5",
)
_t(K.INTERFACE_MISSING, "{vi} Unknown interface !", "1.2.13-1.4.5")
_t(
    K.INTERFACE_MISSING,
    "Configuration specifies interface {interface} which doesn't currently"
    " exist - will use if created",
    "2.0.0-2.4.3",
)

# -- VIPs, routes, priority 0 ----------------------------------------------------
_VIPS = "detail=VIPs.>vips|E-VIPs.>evips|VIPs>vips|E-VIPs>evips"
_t(K.VIPS, "{vi} {" + _SETRM + "} protocol {" + _VIPS + "}", "1.2.13-1.4.5")
_t(K.VIPS, "{p2} {" + _SETRM + "} protocol {" + _VIPS + "}", "2.0.0-2.0.0")
_t(K.VIPS, "{p2} {" + _SETRM + "} {" + _VIPS + "}", "2.0.1-2.4.3")
_t(
    K.VIPS,
    "{vi} {" + _SETRM + "} protocol Virtual {detail=Routes>routes|Rules>rules}",
    "1.2.13-1.4.5",
)
_t(
    K.VIPS,
    "{p2} {" + _SETRM + "} protocol Virtual {detail=Routes>routes|Rules>rules}",
    "2.0.0-2.0.0",
)
_t(K.VIPS, "{p2} {" + _SETRM + "} Virtual {detail=Routes>routes|Rules>rules}", "2.0.1-2.4.3")
_t(K.VIPS, "{vi} {" + _SETRM + "} protocol iptable drop rule", "1.2.17-2.0.10", detail="firewall")
_t(K.VIPS, "{p2} {" + _SETRM + "} firewall drop rule", "2.0.11-2.4.3", detail="firewall")
_t(K.PRIO0_SENT, "{vi} sending 0 priority", "1.2.13-1.2.19")
_t(K.PRIO0_SENT, "{vi} sent 0 priority", "1.2.20-1.4.5")
_t(K.PRIO0_SENT, "{p2} sent 0 priority", "2.0.0-2.4.3")

# -- gratuitous ARP / NA -----------------------------------------------------------
_t(
    K.GARP,
    "{vi} Sending {" + _ARPNA + "} on {interface} for {address}",
    "1.2.13-1.2.20",
    action="burst",
)
_t(
    K.GARP,
    "{vi} Sending/queueing {" + _ARPNA + "} on {interface} for {address}",
    "1.2.21-1.4.5",
    action="burst",
)
_t(
    K.GARP,
    "{p2} Sending/queueing {" + _ARPNA + "} on {interface} for {address}",
    "2.0.0-2.4.3",
    action="burst",
)
_t(
    K.GARP,
    "Sending gratuitous ARP on {interface} for {address}",
    "1.2.21-2.4.3",
    action="packet",
    detail="arp",
)
_t(
    K.GARP,
    "Sending unsolicited Neighbour Advert on {interface} for {address}",
    "1.2.21-2.4.3",
    action="packet",
    detail="na",
)
_t(
    K.GARP,
    "{instance:label}: sending gratuitous {detail=ARP>arp|NA>na} for {address}",
    "2.0.17-2.4.3",
    action="refresh",
)
_t(
    K.GARP_ERROR,
    "Error sending gratuitous ARP on {interface} for {address}",
    "1.2.13-2.0.12",
    detail="arp",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} ({_:paren}) sending gratuitous ARP on {interface} for {address}",
    "2.0.16-2.4.3",
    detail="arp",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} sending gratuitous ARP on {interface} for {address}",
    None,
    detail="arp",
)  # 2.0.13-2.0.15, mentioned in the TSV meaning only
_t(
    K.GARP_ERROR,
    "VRRP: Error sending ndisc unsolicited neighbour advert on {interface}",
    "1.2.13-2.0.12",
    detail="na",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} sending ndisc unsolicited neighbour advert on {interface} for {address}",
    "2.0.13-2.4.3",
    detail="na",
)

# -- sync groups -----------------------------------------------------------------
_t(
    K.SYNC_GROUP,
    "{vg} Transition to MASTER state",
    "1.2.13-1.4.5",
    state="MASTER",
    action="transition",
)
_t(K.SYNC_GROUP, "{vg} Syncing instances to {state} state", None, action="sync")
_t(K.SYNC_GROUP, "{vg}: Syncing {instance:word} to {state} state", "2.0.19-2.4.3", action="sync")
_t(K.SYNC_GROUP, "{vg} Leaving FAULT state", "1.2.13-1.4.5", action="leaving")
_t(
    K.SYNC_GROUP,
    "{vg} Detected instance removed from sync-group, forcing BACKUP",
    "1.2.20-1.4.5",
    state="BACKUP",
    action="removed",
)
_t(
    K.SYNC_GROUP,
    "{vg} - Found saved old sync-group called {detail:word}",
    "1.2.20-1.4.5",
    action="reload",
)
_t(K.SYNC_GROUP, "{vg} Restoring saved sync State : {_:int}", "1.2.20-1.4.5", action="reload")
_t(K.SYNC_GROUP, "{vi} used for {vg} refresh sync", "1.2.20-1.4.5", action="reload")
_t(K.NOTIFY, "{vg}: Sending SNMP notification", None, detail="snmp")

# -- process lifecycle -------------------------------------------------------------
_t(K.START, "Starting Keepalived v{version} ({_:paren}), git commit {detail:word}")
_t(K.START, "Starting Keepalived v{version} ({_:paren})")
_t(K.START, "Starting Keepalived v{version}")
_t(K.RUNTIME_INFO, "Running on {_:rest}", "1.4.0-2.4.3", detail="running_on")
_t(
    K.RUNTIME_INFO,
    "WARNING - keepalived was {=built|build} for newer Linux {_:rest}",
    detail="built_for_newer",
)
_t(K.RUNTIME_INFO, "Command line: {_:rest}", "2.0.7-2.4.3", detail="command_line")
_t(K.RUNTIME_INFO, "'{_:rest}", detail="command_line")  # wrapped command line continuation
_t(K.RUNTIME_INFO, "Configuration file {_:rest}", "2.2.0-2.4.3", detail="config_file")
_t(K.RUNTIME_INFO, "Changing syslog ident to {detail:word}", "1.2.24-2.4.3")
_t(K.RUNTIME_INFO, "Startup complete", detail="startup_complete")
_t(K.RUNTIME_INFO, "daemon is already running", detail="already_running")
_t(K.RUNTIME_INFO, "NOTICE: setting sysctl {_:rest}", detail="sysctl")
_t(K.RUNTIME_INFO, "Unable to initialise ipsets", detail="ipsets")
_t(K.RUNTIME_INFO, "Unable to load ipset library", detail="ipsets")
_t(K.RUNTIME_INFO, "{p2} Found matching interface {interface}", detail="vmac")
_t(K.OPENING_FILE, "Opening file '{detail:quoted}'.")
_t(K.CHILD_START, "Starting {detail=VRRP|Healthcheck} child process, pid={child_pid}")
_t(K.CHILD_START, "Starting {detail=BFD} child process, pid={child_pid}", "2.0.0-2.4.3")
_t(K.STARTUP_DELAY, "Delaying startup for {detail:num} seconds", "2.0.14-2.4.3", action="start")
_t(K.STARTUP_DELAY, "Delayed start completed", "2.2.8-2.4.3", action="completed")
_t(
    K.CHILD_EXIT,
    "{detail=VRRP|Healthcheck|BFD} child process({child_pid:pid}) died:"
    " {action=Respawning>respawning|Exiting>exiting}",
)
_t(
    K.CHILD_EXIT,
    "Restart of {detail=VRRP|Healthcheck|BFD} process delayed {_:int} seconds",
    action="delayed",
)
_t(
    K.CHILD_EXIT,
    "pid {child_pid:pid} exited with permanent error {detail:alpha}. Terminating",
    "1.2.24-2.4.3",
    action="error",
)
_t(
    K.CHILD_EXIT,
    "{_:label} exited with permanent error {detail:alpha}. Terminating",
    "1.2.24-2.4.3",
    action="error",
)
_t(
    K.CHILD_EXIT,
    "{detail:child} exited due to signal {exit_status}",
    "1.2.20-2.4.3",
    action="signal",
)
_t(K.STOPPING, "Stopping Keepalived v{version} ({_:paren})", "1.2.13-1.2.19")
_t(K.STOPPING, "Stopping Keepalived v{version}", "1.2.13-1.2.19")
_t(K.STOPPING, "Stopping", "1.2.20-2.4.3")
_t(
    K.STOPPING, "Terminating {detail=VRRP>VRRP|Healthchecker>Healthcheck} child process on signal"
)  # 1.1.x
_t(K.STOPPING, "Terminating on signal")  # 1.1.x
_t(K.STOPPED, "Stopped Keepalived v{version} ({_:paren}), git commit {detail:word}", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped Keepalived v{version} ({_:paren})", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped Keepalived v{version}", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped - used {_:rest}", "2.0.7-2.4.3")
_t(K.STOPPED, "Stopped", "1.2.20-2.4.3")
_t(K.RELOADING, "Reloading ...", "2.0.8-2.4.3")
_t(K.RELOADING, "Reloading", "2.0.0-2.4.3")
_t(K.RELOAD_COMPLETE, "Reload finished in {detail:num} usec")
_t(K.RELOAD_COMPLETE, "Reload complete")  # 2.2.7, seen in samples/lab
_t(
    K.DATA_DUMP,
    "Printing VRRP data for process({child_pid}) on signal",
    "1.2.17-2.4.3",
    detail="data",
)
_t(K.DATA_DUMP, "Printing VRRP stats for process({child_pid}) on signal", detail="stats")
# 2.2.7 parent on SIGUSR1, then its resource use (seen in samples/lab)
_t(K.DATA_DUMP, "Printing parent data for process({child_pid}) on signal", detail="parent")
_t(K.DATA_DUMP, "CPU usage (self/children) {_:rest}", detail="cpu_usage")
_t(K.DATA_DUMP, "Printing VRRP as json for process({child_pid}) on signal", detail="json")
_t(K.DATA_DUMP, "------< {_:rest}")
_t(K.DATA_DUMP, "{p2} total priority = {_:int} , priority cost = {_:int}")

# -- notify --------------------------------------------------------------------------
_t(K.NOTIFY, "Opening script file {script:word}", "1.2.13-1.4.5", detail="opening_script")
_t(
    K.NOTIFY,
    "Can't open {script:word} (errno {_:int} {_:paren})",
    "1.2.13-1.4.5",
    detail="cant_open",
)
_t(
    K.NOTIFY,
    "Error exec-ing command '{script:quoted}', error {_:int}: {_:rest}",
    "2.0.0-2.4.3",
    detail="exec_error",
)
_t(K.NOTIFY, "Error exec-ing command: {script:word}", None, detail="exec_error")
_t(K.NOTIFY, "Couldn't exec command: {script:word}", "1.2.13-1.2.24", detail="exec_error")
_t(K.NOTIFY, "Couldn't find command: {script:word}", "1.3.0-2.4.3", detail="exec_error")
_t(K.NOTIFY, "Couldn't execute command: {script:word}", "2.0.0-2.4.3", detail="exec_error")
_t(
    K.NOTIFY,
    "Insufficient privilege to exec command: {script:word}",
    "1.3.0-1.4.5",
    detail="exec_error",
)
_t(
    K.NOTIFY,
    "Unable to {=open|create} {_~\\S*notify} fifo {_:word}",
    "1.3.6-2.4.3",
    detail="fifo_error",
)
_t(K.NOTIFY, "SMTP alert successfully sent.", None, detail="smtp_sent")
_t(K.NOTIFY, "Remote SMTP server [{_~[^\\]]*}]:{_:int} connected.", None, detail="smtp_connected")
_t(K.NOTIFY, "{vi}: Sending SNMP notification", "1.2.13-1.4.5", detail="snmp")
_t(K.NOTIFY, "{p2} Sending SNMP notification", "2.0.0-2.4.3", detail="snmp")

# -- configuration ---------------------------------------------------------------------
_t(K.CONFIG_ERROR, "({_~[^()]*?(?=: Line)}: Line {config_line}) {detail:rest}", klass="line")
_t(K.CONFIG_ERROR, "(Line {config_line}) {detail:rest}", klass="line")
_t(K.CONFIG_ERROR, "{detail~Unknown keyword '[^']*'}", "1.2.20-2.4.3")
_t(
    K.CONFIG_ERROR,
    "VRID {_:int} is duplicated on interface {interface}",
    "1.2.20-2.0.7",
    detail="vrid_duplicated",
)
_t(
    K.CONFIG_ERROR,
    "{p2} duplicate VRID conflict with {_:word} VRID {_:int}",
    "2.1.0-2.4.3",
    detail="vrid_duplicated",
)
_t(
    K.CONFIG_WARNING,
    "{p2}: Cannot start in MASTER state if not address owner",
    "1.2.20-1.4.5",
    detail="master_not_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} State MASTER must match being address owner",
    "2.0.0-2.4.3",
    detail="master_not_owner",
)
_NOPREEMPT = "Warning - nopreempt will not work with initial state MASTER"
_t(K.CONFIG_WARNING, "{p2} " + _NOPREEMPT + " - clearing", "2.0.0-2.4.3", detail="nopreempt_master")
_t(K.CONFIG_WARNING, "{p2}: " + _NOPREEMPT, "1.2.20-1.4.5", detail="nopreempt_master")
_t(K.CONFIG_WARNING, "{p2} " + _NOPREEMPT, "1.2.20-2.4.3", detail="nopreempt_master")
_t(
    K.CONFIG_WARNING,
    "{p2} Warning - preempt delay will not work with initial state MASTER - clearing",
    "2.0.0-2.4.3",
    detail="preempt_delay_master",
)
_t(
    K.CONFIG_WARNING,
    "{p2}: nopreempt is incompatible with priority {prio_ours} - resetting nopreempt",
    "1.3.5-1.4.5",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} nopreempt is incompatible with priority {prio_ours} - resetting nopreempt",
    "1.3.5-1.4.5",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} nopreempt is incompatible with priority {prio_ours}. resetting nopreempt",
    "2.0.0-2.4.3",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} Initial state master is incompatible with AH authentication - clearing",
    "2.0.0-2.4.3",
    detail="master_ah",
)
_t(
    K.CONFIG_WARNING,
    "{interface~[^\\s:]+}: weight must be between [-254..254] inclusive. Ignoring...",
    "1.2.13-1.4.5",
    klass="indent",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "{p2} weight for {interface} cannot be +/-254. Setting to +/-253",
    "2.0.0-2.4.3",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "{p2} track script {script:label}: weight must be between [-253..253] inclusive, ignoring...",
    "2.0.0-2.4.3",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "NOTICE: setting config option max_auto_priority should result in better"
    " keepalived performance",
    "2.1.0-2.4.3",
    detail="max_auto_priority",
)
_t(
    K.CONFIG_WARNING,
    "{p2} Ignoring track_interface {interface} since own interface",
    detail="own_interface",
)
_t(
    K.CONFIG_WARNING,
    "{p2} the first IPv6 VIP address {=must|should} be link local",
    detail="ipv6_not_link_local",
)
_t(K.CONFIG_WARNING, "Truncating auth_pass to 8 characters", detail="auth_pass")
_t(
    K.CONFIG_WARNING,
    "vrrp_ipsets has been specified but not vrrp_iptables - vrrp_ipsets will be ignored",
    detail="ipsets",
)
_t(K.CONFIG_WARNING, "Warning - keepalived has no configuration to run", detail="no_config")
# catch-all for indented data/config dump lines, tried last for indented bodies
_DUMP = _compile(K.DATA_DUMP, "{_:rest}", None, "indent", {})

# -- dispatch ------------------------------------------------------------------------


def _index(templates: list[Template]) -> dict[tuple[str, str | None], tuple[Template, ...]]:
    """(prefix class, first-word key) -> candidates in table order; key None = wildcard."""
    index: dict[tuple[str, str | None], list[Template]] = {}
    for template in templates:
        for key in template.keys if template.keys is not None else (None,):
            index.setdefault((template.klass, key), []).append(template)
    return {k: tuple(v) for k, v in index.items()}


_INDEX = _index(TEMPLATES)
_CLASS_OF = {"VRRP_Instance": "vi", "VRRP_Group": "vg", "VRRP_Script": "vs", "": "p2"}
_LINE_PREFIX = re.compile(r"\((?:[^()]*: )?Line \d+\)")
_HEAD = re.compile(r"(VRRP_Instance|VRRP_Group|VRRP_Script)?\([^)]*\)[\s:]*(\S*)")


def _candidates(body: str) -> tuple[Template, ...]:
    """The few templates worth trying for this body, most specific first."""
    if _LINE_PREFIX.match(body):
        klass, word = "line", None
    else:
        head = _HEAD.match(body)
        if head:
            klass, word = _CLASS_OF[head.group(1) or ""], head.group(2)
        else:
            klass, words = "", body.split(None, 1)
            word = words[0] if words else ""
    key = _key(word) if word is not None else None
    found = _INDEX.get((klass, key), ()) if key is not None else ()
    return found + _INDEX.get((klass, None), ())


_EMPTY = (("kind", Kind.UNKNOWN.value),)
_FIELDS = frozenset(BODY_FIELDS)

#: Runs one template on a text: results name -> value, or None if it does not match.
Matcher = Callable[[Template, str], "dict[str, Any] | None"]


def _match_plain(template: Template, text: str) -> dict[str, Any] | None:
    """The template's pyparsing grammar (the specification)."""
    try:
        tokens = template.expr.parse_string(text, parse_all=True)
    except pp.ParseBaseException:
        return None
    found = {}
    for name, value in tokens.as_dict().items():
        if isinstance(value, list):  # a multi-word alternative keeps its group
            value = value[0] if len(value) == 1 else " ".join(map(str, value))
        found[name] = value
    return found


def _match_fast(template: Template, text: str) -> dict[str, Any] | None:
    """`_match_plain` by the template's equivalent regex (see "one element, two forms").

    ~10x cheaper: pyparsing spends its time in per-element bookkeeping and
    ParseResults; the regex is one C-level match plus a few conversions.
    """
    if "\t" in text:
        text = text.expandtabs()  # parse_string expands tabs before parsing
    match = template.regex.match(text)
    if match is None:
        return None
    groups = match.groups()
    found = {}
    for group, name, convert in template.captures:
        value = groups[group - 1]
        if value is not None:  # an alternative not taken, no trailer
            found[name] = value if convert is None else convert(value)
    return found


def _fast_is_exact(text: str) -> bool:
    """Whether the regexes are exactly the grammar on `text`; other bodies take pyparsing.

    pyparsing runs a parse action as soon as its element matches, so one that
    raises aborts the whole parse (parse_body then says unknown) even where the
    template would have failed later, while the regex runs conversions only
    after a full match.  Conversions can raise only on non-ASCII text (the
    state ``maſter`` matches caseless but is no key; a pid of superscript
    digits passes isdigit but not int) and on integers longer than Python's
    int/str digit limit, so such bodies keep the pyparsing path.
    """
    limit = sys.get_int_max_str_digits()
    return text.isascii() and (limit == 0 or len(text) <= limit)


def _apply(template: Template, body: str, match: Matcher) -> tuple[tuple[str, Any], ...] | None:
    # Prefilter: a wording whose literal words are not all in the body cannot match;
    # checking substrings is ~100x cheaper than letting pyparsing fail.
    for needle in template.needles:
        if needle not in body:
            return None
    matched = match(template, body)
    if matched is None:
        return None
    found = {name: value for name, value in matched.items() if value != "" and value is not None}
    trailer = found.pop("trailer", None)
    fields: dict[str, Any] = dict(template.fixed)
    fields.update((k, v) for k, v in found.items() if k in _FIELDS)
    if trailer and "detail" not in fields:
        fields["detail"] = trailer.strip()
    if fields.get("detail") == "same_prio_higher_ip" and "prio_peer" in fields:
        fields["prio_ours"] = fields["prio_peer"]
    if template.wording:
        fields["wording"] = template.wording
    return (("kind", template.kind.value), *sorted(fields.items()))


_JUNK_TAIL = re.compile(r"(?:#012)+$")


def _parse(body: str, fast: bool = True) -> tuple[tuple[str, Any], ...]:
    """Parse one body: by the regexes (`fast`) where exact, else by the pyparsing grammar."""
    text = _JUNK_TAIL.sub("", body.rstrip("\r\n")).rstrip()
    if not text.strip():
        return _EMPTY
    match = _match_fast if fast and _fast_is_exact(text) else _match_plain
    if text[0].isspace():
        stripped = text.lstrip()
        for template in _INDEX.get(("indent", None), ()):
            if (result := _apply(template, text, match)) is not None:
                return result
        for template in _candidates(stripped):
            if (result := _apply(template, stripped, match)) is not None:
                return result
        return _apply(_DUMP, stripped, match) or _EMPTY
    for template in _candidates(text):
        if (result := _apply(template, text, match)) is not None:
            return result
    return _EMPTY


@functools.lru_cache(maxsize=65536)
def _parse_cached(body: str) -> tuple[tuple[str, Any], ...]:
    return _parse(body)


def parse_body(body: str) -> dict[str, object]:
    """Parse one keepalived message body; never raises (see the module docstring)."""
    try:
        return dict(_parse_cached(body))
    except Exception:  # noqa: BLE001 - a log line must never crash the pipeline
        return {"kind": Kind.UNKNOWN.value}
