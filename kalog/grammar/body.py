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
wording is written once in `kalog.grammar.templates` in a small notation (see ``docs/grammar.md``,
section *Bodies*) that is compiled at import into an equivalent regular
expression, which `parse_body` runs, and on first use into a pyparsing
expression with results names and typed parse actions - the specification
(the plain path and the tests run it; importing kalog imports no pyparsing) (about 10 µs instead
of 170 µs per distinct body; see "one element, two forms" in
`kalog.grammar.notation` and
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
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from kalog.grammar import vocabulary
from kalog.grammar.notation import _SPEC_TOKEN, TEMPLATES, Template, _key
from kalog.grammar.templates import _DUMP
from kalog.ingest.events import BODY_FIELDS, Kind

__all__ = ["parse_body", "TEMPLATES", "Template"]

#: The notation's token pattern (kalog.grammar.notation), for tests that
#: rewrite specs into bodies.
SPEC_TOKEN = _SPEC_TOKEN

# -- dispatch ------------------------------------------------------------------------


def _index(templates: list[Template]) -> dict[tuple[str, str | None], tuple[Template, ...]]:
    """(prefix class, first-word key) -> candidates in table order; key None = wildcard."""
    index: dict[tuple[str, str | None], list[Template]] = {}
    for template in templates:
        for key in template.keys if template.keys is not None else (None,):
            index.setdefault((template.klass, key), []).append(template)
    return {k: tuple(v) for k, v in index.items()}


def specificity(template: Template) -> int:
    """How much literal text a wording fixes: the more, the fewer bodies it fits.

    Why: two wordings can fit one body (`(vi_1) Entering BACKUP STATE
    (init)` fits the `(init)` wording and the plain one with `(init)` as a
    trailing annotation).  The one fixing more of the line wins, whatever
    order the table lists them in, so adding a wording cannot silently
    change what an older, more specific one decides.
    """
    return sum(len(needle) for needle in template.needles)


@functools.cache
def _rank(template: Template) -> tuple[int, int]:
    """(literal text fixed, fields captured): the order candidates are tried in.

    Of two wordings fixing as much text, the one that types more of the line
    wins (`Received higher prio advert 255`: the peer's priority, not a
    trailing annotation)."""
    captured = sum(1 for _group, name, _convert in template.groups if name != "trailer")
    return specificity(template), captured


_FIELD = re.compile(r"\{[^{}]*\}")


@functools.cache
def _chunks(template: Template) -> tuple[str, ...]:
    """The spec's literal text between fields, spaces as written (`advert: `)."""
    return tuple(chunk for chunk in _FIELD.split(template.spec) if chunk.strip())


def _verbatim(template: Template, text: str) -> int:
    """How much of the wording's literal text the body holds exactly as written:
    what tells apart wordings that differ only in spacing (`advert: ` vs
    `advert : `, which the notation's flexible spaces both accept)."""
    return sum(len(chunk) for chunk in _chunks(template) if chunk in text)


@functools.lru_cache(maxsize=4096)
def _ordered(klass: str, key: str | None) -> tuple[Template, ...]:
    """The candidates of a dispatch key, keyed and wildcard ones together, by
    `_rank`, highest first (`sorted` is stable: equal ranks keep table order,
    and `_first_match` decides between them by the body)."""
    found = _INDEX.get((klass, key), ()) if key is not None else ()
    together = found + _INDEX.get((klass, None), ())
    return tuple(sorted(together, key=lambda template: _rank(template), reverse=True))


_INDEX = _index(TEMPLATES)
_CLASS_OF = {"VRRP_Instance": "vi", "VRRP_Group": "vg", "VRRP_Script": "vs", "": "p2"}
_LINE_PREFIX = re.compile(r"\((?:[^()]*: )?Line \d+\)")
_HEAD = re.compile(r"(VRRP_Instance|VRRP_Group|VRRP_Script)?\([^)]*\)[\s:]*(\S*)")


def _dispatch_key(body: str) -> tuple[str, str | None]:
    """(prefix class, first-word key) of a body: what selects its candidates."""
    if _LINE_PREFIX.match(body):
        return "line", None
    head = _HEAD.match(body)
    if head:
        klass, word = _CLASS_OF[head.group(1) or ""], head.group(2)
    else:
        klass, words = "", body.split(None, 1)
        word = words[0] if words else ""
    return klass, _key(word)


def _candidates(body: str) -> tuple[Template, ...]:
    """The few templates worth trying for this body, most specific first."""
    return _ordered(*_dispatch_key(body))


def _generic(text: str, match: Matcher) -> tuple[tuple[str, Any], ...] | None:
    """The body typed by keepalived's catalogue (`kalog.grammar.vocabulary`),
    by the same rule as the hand-written table: most specific first."""
    klass, key = _dispatch_key(text)
    if klass == "line":
        return None
    found = vocabulary.candidates(klass, key, text)
    ranked = tuple(sorted(found, key=_rank, reverse=True))
    return _first_match(ranked, text, match)


_EMPTY = (("kind", Kind.UNKNOWN.value),)
#: The fields the notation's prefixes fill (kalog.grammar.notation._PREFIXES).
_PREFIX_FIELDS = frozenset(("instance", "group", "script"))
_FIELDS = frozenset(BODY_FIELDS)

#: Runs one template on a text: results name -> value, or None if it does not match.
Matcher = Callable[[Template, str], "dict[str, Any] | None"]


def _match_plain(template: Template, text: str) -> dict[str, Any] | None:
    """The template's pyparsing grammar (the specification)."""
    import pyparsing as pp  # imported once the plain path runs (kalog.grammar.notation._Part)

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
    if "template" in fields:  # a catalogue template: its own fields, as `args`
        prefix = fields.pop("prefix", None)  # the prefix's C name: `iname`, not `instance`
        args = {
            (prefix if prefix and name in _PREFIX_FIELDS else name): found[name]
            for _group, name, _convert in template.groups
            if name in found
        }
        fields["args"] = json.dumps(args, ensure_ascii=False)
    else:
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
        found = _first_match(_candidates(stripped), stripped, match)
        return found or _generic(stripped, match) or _apply(_DUMP, stripped, match) or _EMPTY
    found = _first_match(_candidates(text), text, match)
    if found is None:
        return _generic(text, match) or _EMPTY
    if _LINE_PREFIX.match(text):
        return _with_catalogue_id(found, match)
    return found


def _with_catalogue_id(
    found: tuple[tuple[str, Any], ...], match: Matcher
) -> tuple[tuple[str, Any], ...]:
    """A `(Line N) message` configuration error, with the catalogue's id and
    fields of its message when one fits (the kind and fields stay)."""
    fields = dict(found)
    detail = fields.get("detail")
    if fields.get("kind") != Kind.CONFIG_ERROR.value or not isinstance(detail, str):
        return found
    inner = _generic(detail, match)
    if inner is None:
        return found
    extra = {k: v for k, v in inner if k in ("template", "args")}
    return (("kind", fields.pop("kind")), *sorted({**fields, **extra}.items()))


def _first_match(
    candidates: tuple[Template, ...], text: str, match: Matcher
) -> tuple[tuple[str, Any], ...] | None:
    """The fields by the highest-ranked wording that fits `text`; among fitting
    wordings of one rank, the one whose literal text `text` holds most
    exactly (then table order): a tie is decided by a rule, not by which
    wording the table lists first."""
    best: tuple[tuple[str, Any], ...] | None = None
    best_rank: tuple[int, int] | None = None
    best_verbatim = -1
    for template in candidates:
        rank = _rank(template)
        if best_rank is not None and rank != best_rank:
            break  # ranked lower than the wording that fits: cannot win
        result = _apply(template, text, match)
        if result is None:
            continue
        verbatim = _verbatim(template, text)
        if verbatim > best_verbatim:
            best, best_rank, best_verbatim = result, rank, verbatim
    return best


#: Distinct bodies kept parsed.  A window of the reader (65,536 lines) holds
#: ~4,500 distinct bodies on the dense benchmark files, which repeat across
#: windows; the dense 10M file has ~133k in all.  At 65,536 entries the full
#: cache held ~30 MB; at 16,384 its reading (`kalog events`, no writer)
#: peaked at 258 MB instead of 282 MB in 41.4 s instead of 41.1 s (218k
#: parses instead of 133k, of ~1.1M lookups).  Real logs have far fewer.
BODY_CACHE = 16_384


@functools.lru_cache(maxsize=BODY_CACHE)
def _parse_cached(body: str) -> tuple[tuple[str, Any], ...]:
    return _parse(body)


def parse_body(body: str) -> dict[str, object]:
    """Parse one keepalived message body; never raises (see the module docstring)."""
    try:
        return dict(_parse_cached(body))
    except Exception:  # noqa: BLE001 - a log line must never crash the pipeline
        return {"kind": Kind.UNKNOWN.value}
