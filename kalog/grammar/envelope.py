"""Envelope grammars: the timestamp/host/ident header around a keepalived message.

Two layers, as plaso's syslog parser has them: this module reads the
*envelope* (when, which host, which process) and hands the *body* (the text
keepalived wrote) to `kalog.grammar.body`.  The BNF is in docs/grammar.md
(## Envelopes).

Each envelope style is a sequence of `Piece`s, each a regular expression
with named groups.  The same pieces build

* a pyparsing grammar (`Style.grammar`: one `pp.Regex` per piece, named with
  `set_name`, whitespace handling off, named groups become results names) -
  the readable specification, used by the plain reading path; and
* one compiled regular expression (`Style.regex`: the pieces' patterns
  joined) - the fast path used on gigabyte files.

tests/test_envelope.py asserts both agree on every line of the corpus and
the seed logs, so the fast path cannot drift from the grammar.

Which lines are keepalived's (the rule documented in docs/grammar.md):

* syslog-style lines (any style with a program ident) are keepalived lines
  when the ident is keepalived's (`Keepalived`, `Keepalived_vrrp`,
  `keepalived`, `Keepalived_vrrp_<suffix>` ...) or when the message itself
  starts with keepalived's console timestamp (a container runtime or
  systemd relaying keepalived's `--log-console` output);
* console-style lines (keepalived's own `%c: ` prefix) are keepalived lines;
* lines with no envelope at all are keepalived lines only in a file whose
  lines mostly have no envelope (1.2.x console output, pasted messages),
  and even there not when they look foreign: blank lines, journal markers
  (`-- Reboot --`), lines opening with a bracketed level or date
  (`[INFO] HAProxy is starting.`, `[2025-06-12 01:50:52] curl ...`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

import numpy as np

from kalog.speed import compiled

if TYPE_CHECKING:
    # Imported where used: the fast path and a reading child never need it,
    # and a child forked before importing it starts reading ~50 ms sooner.
    import pyparsing as pp

# -- vocabulary -----------------------------------------------------------

_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: Month abbreviations -> month number.  English (the C locale keepalived and
#: rsyslog use) plus the localised abbreviations `date`/journalctl print under
#: common locales (de, fr, es, it, pt, ru); CJK months ("3月", "3월") are
#: numeric and handled by the pattern itself.
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_EN_MONTHS, 1)}
for _i, _names in enumerate(
    (
        "jän ene janv. janv gen jan. янв",
        "févr. févr fév fev. фев",
        "mär mars марта мар",
        "abr avr. avr апр",
        "mai mag мая май",
        "juin giu июн",
        "juil. juil lug июл",
        "ago août aoû авг",
        "sept. sept set сен",
        "okt ott out окт",
        "нояб ноя",
        "dez dic déc. déc дек",
    ),
    1,
):
    for _name in _names.split():
        MONTHS.setdefault(_name, _i)

_MONTH_ALTERNATIVES = "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True))
#: Any month name (case-insensitive) or a CJK numeric month ("3月").
MONTH = rf"(?i:{_MONTH_ALTERNATIVES})|[0-9]{{1,2}}[月월]"
#: C-locale month names only (keepalived's `%c` never localises).
EN_MONTH = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
WEEKDAY = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]{1,9})?"
OFFSET = r"Z|[+-][0-9]{2}:?[0-9]{2}"
#: A keepalived program ident: the four process names, any case of the
#: first letter, with the `_<netns>`/`_<instance>` suffixes 1.2.24+ append.
KEEPALIVED_IDENT = re.compile(r"[Kk]eepalived(?:_[^\s\[\]:]*)?")


@lru_cache(maxsize=256)
def month_number(name: str) -> int | None:
    """Month number of an English/localised abbreviation or a CJK month ("3月")."""
    key = name.lower()
    if key in MONTHS:
        return MONTHS[key]
    digits = key.rstrip("月월")
    if digits.isdigit() and 1 <= int(digits) <= 12:
        return int(digits)
    return None


# -- pieces and styles -----------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """One regular expression of an envelope; its named groups are its fields."""

    label: str
    pattern: str

    def element(self) -> pp.ParserElement:
        import pyparsing as pp

        return pp.Regex(self.pattern).leave_whitespace().set_name(self.label)


def _sp(label: str = "space") -> Piece:
    return Piece(label, " ")


_SPACES = Piece("spaces", " +")
_HOST = Piece("host", r"(?P<host>\S+)")
#: A host that may be empty: journalctl prints two spaces when a record has
#: no _HOSTNAME ("Dec 07 10:00:01  Keepalived_vrrp[80]: ...").
_HOST_OR_NONE = Piece("host", r"(?P<host>\S*)")
#: `program[pid]: ` - the syslog TAG.  The pid is any bracketed text because
#: users obfuscate it (`Keepalived[xxxx1]`); 1.1.x idents have no pid.
_TAG = Piece("tag", r"(?P<program>[^\s\[\]:]+)(?:\[(?P<pid>[^\]]*)\])?:(?: |$)")
_KEEPALIVED_TAG = Piece(
    "keepalived_tag", r"(?P<program>[Kk]eepalived(?:_[^\s\[\]:]*)?)(?:\[(?P<pid>[^\]]*)\])?:(?: |$)"
)
_BODY = Piece("body", r"(?P<body>.*)")
_MONTH = Piece("month", rf"(?P<month>{MONTH})")
_EN_MONTH = Piece("month", rf"(?P<month>{EN_MONTH})")
_DAY = Piece("day", r"(?P<day>[0-9]{1,2})")
_TIME = Piece("time", rf"(?P<time>{TIME})")
_YEAR = Piece("year", r"(?P<year>[0-9]{4})")
_WEEKDAY = Piece("weekday", rf"(?P<weekday>{WEEKDAY})")
_DATE = Piece("date", r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})")
_ISO_TIME = Piece("time", rf"(?P<time>{TIME})(?P<offset>{OFFSET})?")
_CONSOLE_END = Piece("console_colon", ":(?: |$)")

Layout = Literal["syslog", "console"]
#: How a style's timestamp is completed: `monthday` lacks the year, `full`
#: has every part, `iso` has an ISO date and maybe an offset, `noday` lacks
#: the day of month, `time` lacks the date, `none` has no timestamp.
TsKind = Literal["monthday", "full", "iso", "noday", "time", "none", "epoch"]


@dataclass(frozen=True)
class Style:
    """One envelope style: its pieces, where it occurs, how to read its time."""

    name: str
    layout: Layout
    ts: TsKind
    pieces: tuple[Piece, ...]
    example: str

    @cached_property
    def grammar(self) -> pp.ParserElement:
        """The pyparsing grammar: the pieces in sequence, no whitespace skipping.

        Tabs kept (`parse_with_tabs`): `parse_string` otherwise expands them to
        spaces before matching, and `Thu Nov 26 07:35:32 2026:\t Starting ...`
        matched the console style here (":" then a space) but not its regex,
        the fast path (found by tests/fuzz).
        """
        import pyparsing as pp

        expr = pp.And([p.element() for p in self.pieces]).leave_whitespace().parse_with_tabs()
        return expr.set_name(self.name)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The fast path: the same pieces joined into one pattern."""
        return re.compile("".join(p.pattern for p in self.pieces))

    @cached_property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.regex.groupindex)


#: RSYSLOG_TraditionalFileFormat / BSD syslog / journalctl -o short and
#: short-precise:  "%timegenerated% %HOSTNAME% %syslogtag%%msg%"
#:   Aug 25 15:21:35 192_168_173_203 Keepalived_vrrp[25766]: VRRP_Instance(vi_1) ...
#:   Apr 06 13:32:58.123456 myhost Keepalived_vrrp[1161750]: ...   (short-precise)
#:   3月 23 09:33:06 nuc Keepalived[768]: ...                         (zh_CN journal)
RFC3164 = Style(
    "rfc3164",
    "syslog",
    "monthday",
    (_MONTH, _SPACES, _DAY, _sp(), _TIME, _sp(), _HOST_OR_NONE, _sp(), _TAG, _BODY),
    "Aug 25 15:21:35 host Keepalived_vrrp[25766]: (VI_1) Entering MASTER STATE",
)

#: RSYSLOG_FileFormat "%TIMESTAMP:::date-rfc3339% %HOSTNAME% %syslogtag%%msg%",
#: journalctl -o short-iso / short-iso-precise:
#:   2024-04-11T07:10:12.735677+00:00 rtp-esc-01-6-0 Keepalived[3683]: Starting ...
#:   2024-04-11T07:10:12+0000 host Keepalived_vrrp[3684]: ...
ISO8601 = Style(
    "iso8601",
    "syslog",
    "iso",
    (_DATE, Piece("T", "[T ]"), _ISO_TIME, _sp(), _HOST_OR_NONE, _sp(), _TAG, _BODY),
    "2024-04-11T07:10:12.735677+00:00 host Keepalived[3683]: Starting Keepalived v2.1.5",
)

#: RFC 5424 (RSYSLOG_SyslogProtocol23Format "<%PRI%>1 %TIMESTAMP:::date-rfc3339%
#: %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%"):
#:   <30>1 2024-04-11T07:10:12.738468+00:00 host Keepalived_vrrp 3684 - - (VI_1) ...
RFC5424 = Style(
    "rfc5424",
    "syslog",
    "iso",
    (
        Piece("pri_version", r"(?:<(?P<pri>[0-9]{1,3})>)?1 "),
        _DATE,
        Piece("T", "T"),
        _ISO_TIME,
        _sp(),
        _HOST,
        _sp(),
        Piece("app_name", r"(?P<program>\S+)"),
        _sp(),
        Piece("procid", r"(?P<pid>\S+)"),
        _sp(),
        Piece("msgid", r"(?P<msgid>\S+)"),
        _sp(),
        Piece("structured_data", r"(?P<sd>-|(?:\[(?:[^\]\\]|\\.)*\])+)"),
        Piece("msg_sep", "(?:$| \ufeff?)"),
        _BODY,
    ),
    "<30>1 2024-04-11T07:10:12.738468+00:00 host Keepalived_vrrp 3684 - - (VI_1) Entering ...",
)

#: OpenWrt/BusyBox `logread`: "%a %b %e %T %Y facility.level tag: msg", no host:
#:   Fri Oct 28 12:37:24 2022 daemon.info Keepalived_vrrp[17362]: Printing VRRP as json ...
OPENWRT = Style(
    "openwrt",
    "syslog",
    "full",
    (
        _WEEKDAY,
        _sp(),
        _EN_MONTH,
        _SPACES,
        _DAY,
        _sp(),
        _TIME,
        _sp(),
        _YEAR,
        _sp(),
        Piece("facility", r"(?P<facility>[a-z0-9]+\.[a-z]+)"),
        _sp(),
        _TAG,
        _BODY,
    ),
    "Fri Oct 28 12:37:24 2022 daemon.info Keepalived_vrrp[17362]: Printing VRRP as json ...",
)

#: Time-only syslog lines (a date trimmed off, or "%timegenerated:::date-hh:mm:ss%"):
#:   13:03:21 hostA Keepalived[1657]: Starting Keepalived v1.2.23 (07/21,2016)
TIMEONLY = Style(
    "timeonly",
    "syslog",
    "time",
    (_TIME, _sp(), _HOST, _sp(), _TAG, _BODY),
    "13:03:21 hostA Keepalived[1657]: Starting Keepalived v1.2.23 (07/21,2016)",
)

#: keepalived's console output (-l -n, 1.3.6+) and --log-file (1.4.0-2.1.3):
#: strftime "%c: " in the C locale, day space-padded; --log-file since 2.2.2
#: "%a %b %d %T.%09ld %Y: " (nanoseconds):
#:   Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE
#:   Mon Nov  3 18:36:33 2025: Starting VRRP child process, pid=90
#:   Fri Nov 28 10:21:10.292599462 2025: Starting Keepalived v2.2.8 ...
CONSOLE = Style(
    "console",
    "console",
    "full",
    (_WEEKDAY, _sp(), _EN_MONTH, _SPACES, _DAY, _sp(), _TIME, _sp(), _YEAR, _CONSOLE_END, _BODY),
    "Thu Nov 26 05:35:08 2026: (VI_1) Entering MASTER STATE",
)

#: keepalived --log-file 2.1.4-2.2.1: "%a %b %T.%09ld %Y: " - no day of month
#: (a format bug); the day is reconstructed from the weekday (docs/grammar.md):
#:   Thu Nov 05:35:08.123456789 2026: (VI_1) Entering MASTER STATE
LOGFILE_NODAY = Style(
    "logfile_noday",
    "console",
    "noday",
    (_WEEKDAY, _sp(), _EN_MONTH, _sp(), _TIME, _sp(), _YEAR, _CONSOLE_END, _BODY),
    "Thu Nov 05:35:08.123456789 2026: (VI_1) Entering MASTER STATE",
)

#: `docker logs --timestamps` / `kubectl logs --timestamps` (RFC 3339 nano):
#: keepalived lines are the ones whose message is console-formatted:
#:   2023-09-16T19:04:02.123456789Z Sat Sep 16 19:04:02 2023: Starting Keepalived v2.2.8
CONTAINER_TS = Style(
    "container_ts",
    "console",
    "iso",
    (_DATE, Piece("T", "T"), _ISO_TIME, _sp(), _BODY),
    "2023-09-16T19:04:02.123456789Z Sat Sep 16 19:04:02 2023: Starting Keepalived v2.2.8",
)

#: An ident with no timestamp or host (pasted from a log viewer):
#:   Keepalived_vrrp[21821]: VRRP_Instance(VI_GATEWAY) Received advert ...
#:   Keepalived[xxxx1]: VRRP child process(xxxx5) died: Respawning
IDENT = Style(
    "ident",
    "syslog",
    "none",
    (_KEEPALIVED_TAG, _BODY),
    "Keepalived_vrrp[21821]: VRRP_Instance(VI_GATEWAY) Entering BACKUP STATE",
)

#: A host and an ident, no timestamp (a paste with the time cut off, or
#: rsyslog's "%HOSTNAME% %syslogtag%%msg%"):
#:   node1 Keepalived_vrrp[80]: (VI_1) Entering MASTER STATE
HOST_IDENT = Style(
    "host_ident",
    "syslog",
    "none",
    (_HOST, _sp(), _KEEPALIVED_TAG, _BODY),
    "node1 Keepalived_vrrp[80]: (VI_1) Entering MASTER STATE",
)

#: The CRI log format (containerd / CRI-O files under /var/log/pods, and what
#: `crictl logs` relays): "<RFC 3339 nano> <stream> <P|F> <message>"; the
#: message is keepalived's console line or its syslog-style ident line:
#:   2023-09-16T19:04:02.123456789Z stdout F Sat Sep 16 19:04:02 2023: (VI_1) ...
#:   2023-09-16T19:04:02.123456789Z stderr F Keepalived_vrrp[7]: (VI_1) ...
CRI = Style(
    "cri",
    "console",
    "iso",
    (
        _DATE,
        Piece("T", "T"),
        _ISO_TIME,
        Piece("stream", r" (?P<stream>stdout|stderr) [FP] "),
        _BODY,
    ),
    "2023-09-16T19:04:02.123456789Z stdout F Sat Sep 16 19:04:02 2023: (VI_1) Entering ...",
)

#: Salvage for keepalived lines whose header is damaged (a paste that lost
#: the first characters: "un 25 23:29:04 BSP-POC6 Keepalived_vrrp[23071]: ...").
#: The time is lost; the host is the word before the ident, if any.
SALVAGE = Style(
    "salvage",
    "syslog",
    "none",
    (Piece("salvage", r"(?P<head>(?:\S+ )*?)" + _KEEPALIVED_TAG.pattern + _BODY.pattern),),
    "un 25 23:29:04 BSP-POC6 Keepalived_vrrp[23071]: (AST3_192) Backup received ...",
)

#: Envelope styles in priority order (sniffing ties, per-line fallback).
STYLES: tuple[Style, ...] = (
    RFC5424,
    ISO8601,
    RFC3164,
    OPENWRT,
    TIMEONLY,
    CONSOLE,
    LOGFILE_NODAY,
    CRI,
    CONTAINER_TS,
    IDENT,
    HOST_IDENT,
)
STYLE_BY_NAME: dict[str, Style] = {s.name: s for s in (*STYLES, SALVAGE)}
#: The console prefixes a relayed message may start with.
CONSOLE_STYLES: tuple[Style, ...] = (CONSOLE, LOGFILE_NODAY)

#: Every field an envelope can yield (normalised dicts carry all of them).
FIELDS: tuple[str, ...] = (
    "weekday",
    "month",
    "day",
    "time",
    "year",
    "date",
    "offset",
    "epoch_us",
    "host",
    "program",
    "pid",
    "body",
    "repeated",
)

#: Bytes/text marking a line that may be a keepalived line in a syslog-style
#: file: the ident, or keepalived's console timestamp relayed by another
#: program.  Lines without either are skipped before any parsing.
PREFILTER_WORD = "eepalived"
CONSOLE_ANYWHERE = re.compile(
    rf"(?:{WEEKDAY}) (?:{EN_MONTH}) (?:[ 0-9][0-9] )?[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}"
    r"(?:\.[0-9]+)? [0-9]{4}:"
)

#: The seconds-and-year part every console stamp contains (":08 2026:",
#: ":08.123456789 2026:"); a pattern opening with a literal ":" lets the
#: regex engine skip ahead quickly, unlike one opening with the weekdays.
_CONSOLE_HINT = re.compile(r":[0-9]{2}(?:\.[0-9]+)? [0-9]{4}:")
_CONSOLE_STAMP_MAX = 40  # "Wed Sep 16 19:04:02.123456789 2023" is 34 characters


def has_console_stamp(text: str) -> bool:
    """`CONSOLE_ANYWHERE.search(text) is not None`, but fast on megabytes of syslog.

    Every console stamp contains a `_CONSOLE_HINT` match at its seconds;
    the full pattern is tried only in the few characters before each hint.
    """
    search = CONSOLE_ANYWHERE.search
    for hint in _CONSOLE_HINT.finditer(text):
        end = hint.end()
        if search(text, max(0, end - _CONSOLE_STAMP_MAX), end):
            return True
    return False


_COLON, _SPACE, _ZERO = ord(":"), ord(" "), ord("0")
_SCRATCH: list[np.ndarray] = [np.empty(0, dtype=bool), np.empty(0, dtype=bool)]


def may_have_console_stamp(data: bytes) -> bool:
    """False when `data` (ASCII) surely holds no console stamp; True when it may.

    Why: `has_console_stamp` runs a regex at every ":" of a block, and every
    syslog line has three, so on a gigabyte file it costs more than the
    rest of reading.  Every stamp ends in `[0-9] [0-9]{4}:` (the seconds,
    a space, the year, a colon); numpy finds the colons with a space five
    bytes before them in one pass, and only those few spots are checked for
    digits.  A True answer is then settled by `has_console_stamp`.  The same
    test is compiled in `kalog.speed.compiled` (one pass, ~4x faster), used where
    built.
    """
    if len(data) < 7:
        return len(data) > 0 and has_console_stamp(data.decode("ascii"))
    if compiled.linescan is not None:
        return compiled.linescan.may_have_console_stamp(data)
    array = np.frombuffer(data, dtype=np.uint8)
    size = len(array) - 6
    if len(_SCRATCH[0]) < size:  # reused: a fresh 4 MB array per block costs page faults
        _SCRATCH[:] = [np.empty(size, dtype=bool), np.empty(size, dtype=bool)]
    spots = np.equal(array[6:], _COLON, out=_SCRATCH[0][:size])
    spaces = np.equal(array[1:-5], _SPACE, out=_SCRATCH[1][:size])
    np.logical_and(spots, spaces, out=spots)
    colons = np.flatnonzero(spots) + 6
    if not len(colons):
        return False
    digits = np.ones(len(colons), dtype=bool)
    for back in (1, 2, 3, 4, 6):
        digits &= (array[colons - back] - _ZERO) < 10  # uint8: below "0" wraps high
    return bool(digits.any())


#: Lines with no envelope that are not keepalived's even in a bare file.
FOREIGN_BARE = re.compile(
    r"\s*$"  # blank
    r"|--(?: |$)"  # journalctl: -- Reboot --, -- Logs begin at ... --, -x's -- Subject: ...
    r"|\[(?:[A-Za-z]+|[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.,]+[^\]]*)\] "  # [INFO] / [date]
    # `systemctl status` above its journal tail: the unit line and its fields
    r"|[\u25cf\u25cb\u00d7*] \S+\.(?:service|socket|timer|target) "
    r"|\s+(?:Loaded|Active|Docs|Main PID|Process|Tasks|Memory|CPU|CGroup|Status|TriggeredBy"
    r"|Invocation|Drop-In|IP|IO|Mem peak|Trigger|Triggers):"
    r"|\s+[\u2502\u251c\u2514|`]"  # the CGroup tree: "├─768 /usr/sbin/keepalived"
    r"|Attaching to \S"  # docker-compose's banners
    r"|(?:Creating|Recreating|Starting|Stopping|Removing) \S+ \.\.\. (?:done|error)\s*$"
    r"|\+ "  # a shell's command trace in a container's output (`sh -x`)
)

#: Prefixes a relay puts before a line: docker-compose (`m1_1  | `, v2
#: `m1-1  | `) and `kubectl logs --prefix` (`[pod/NAME/CONTAINER] `); the
#: host is the service or pod, the rest is read as a line of its own.
RELAY_PREFIX = re.compile(
    r"(?:(?P<service>[A-Za-z0-9][\w.-]*) +\| ?"
    r"|\[pod/(?P<pod>[^/\]\s]+)/[^\]\s]+\] )"
)

#: rsyslog's "message repeated N times: [ msg]" in place of N more copies
#: of the previous message: the message is typed, the count kept.
REPEATED = re.compile(r"message repeated (?P<count>[0-9]{1,9}) times: \[ ?(?P<body>.*)\]\s*$")

Matcher = Callable[[Style, str], "dict[str, str | None] | None"]


def match_fast(style: Style, line: str) -> dict[str, str | None] | None:
    """Match `line` with the style's compiled regex (the fast path)."""
    m = style.regex.fullmatch(line)
    return m.groupdict() if m else None


def match_plain(style: Style, line: str) -> dict[str, str | None] | None:
    """Match `line` with the style's pyparsing grammar (the plain path)."""
    import pyparsing as pp

    try:
        result = style.grammar.parse_string(line, parse_all=True)
    except pp.ParseException:
        return None
    found = result.as_dict()
    return {name: found.get(name) for name in style.fields}


# -- journal JSON ----------------------------------------------------------


def parse_json_line(line: str) -> dict[str, str | None] | None:
    """Fields of one `journalctl -o json` record, or None if the line is not one.

    MESSAGE may be an array of byte values when it is not valid UTF-8.
    """
    if not line.startswith("{"):
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or "MESSAGE" not in record:
        return None
    message = record.get("MESSAGE")
    if isinstance(message, list):
        try:
            message = bytes(message).decode("utf-8", "replace")
        except (TypeError, ValueError):
            message = None
    program = record.get("SYSLOG_IDENTIFIER") or record.get("_COMM")
    pid = record.get("SYSLOG_PID") or record.get("_PID")
    epoch = record.get("__REALTIME_TIMESTAMP")
    return {
        "host": _str_or_none(record.get("_HOSTNAME")),
        "program": _str_or_none(program),
        "pid": _str_or_none(pid),
        "body": message if isinstance(message, str) else "",
        "epoch_us": _str_or_none(epoch),
    }


def _str_or_none(value: object) -> str | None:
    return None if value is None else str(value)


# -- per-line logic --------------------------------------------------------


def is_keepalived_ident(program: str | None) -> bool:
    return program is not None and KEEPALIVED_IDENT.fullmatch(program) is not None


def unwrap_console(body: str, matcher: Matcher) -> tuple[Style, dict[str, str | None]] | None:
    """The console envelope at the start of `body`, when a relay wrapped one."""
    for style in CONSOLE_STYLES:
        fields = matcher(style, body)
        if fields is not None:
            return style, fields
    return None


@dataclass
class Envelope:
    """A keepalived line's envelope: which style dates it, and its fields."""

    style: str  # the style whose fields carry the timestamp
    fields: dict[str, str | None]


FileLayout = Literal["syslog", "console", "bare", "json"]


#: Non-blank lines looked at to decide a file's layout.
SNIFF_LINES = 200


def sniff(
    lines: Iterable[str], matcher: Matcher = match_fast, sample: int = SNIFF_LINES
) -> tuple[FileLayout, Style]:
    """Decide a file's layout and primary style from its first non-blank lines.

    The primary style is the one most lines match (ties: STYLES order); it
    is tried first on every line.  The layout is that style's, "json" for
    journal JSON, or "bare" when at least as many lines have no envelope as
    match the primary style (a tie: "bare" still reads the enveloped lines,
    a syslog layout would drop the others).  Detecting once per file keeps
    the per-line work to one regex in the common case.
    """
    counts = dict.fromkeys((s.name for s in STYLES), 0)
    bare = json_count = seen = 0
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        if parse_json_line(line) is not None:
            json_count += 1
        else:
            for style in STYLES:
                if matcher(style, line) is not None:
                    counts[style.name] += 1
                    break
            else:
                bare += 1
        if seen >= sample:
            break
    name = max(counts, key=lambda n: counts[n])  # ties: STYLES order (dicts keep it)
    best = counts[name]
    primary = STYLE_BY_NAME[name] if best else RFC3164
    if json_count and json_count >= max(best, bare):
        return "json", primary
    if best == 0 or bare >= best:  # a tie: bare reads enveloped lines too, syslog drops bare ones
        return "bare", primary
    return primary.layout, primary


def read_envelope(
    line: str, layout: FileLayout, primary: Style, matcher: Matcher = match_fast
) -> Envelope | None:
    """The envelope of `line` if it is a keepalived line, else None.

    `layout` and `primary` come from sniffing the file.  The same function
    serves the fast and the plain path; only `matcher` differs.
    """
    if layout == "json":
        record = parse_json_line(line)
        if record is None or not is_keepalived_ident(record["program"]):
            return None
        return _finish("json", record, matcher)
    style, fields = primary, matcher(primary, line)
    if fields is None:
        for style in STYLES:
            if style is not primary:
                fields = matcher(style, line)
                if fields is not None:
                    break
    if fields is None:
        relay = RELAY_PREFIX.match(line)
        if relay is not None and relay.end() < len(line):
            inner = read_envelope(line[relay.end() :], "syslog", primary, matcher)
            if inner is not None and inner.fields.get("host") is None:
                inner.fields["host"] = relay.group("service") or relay.group("pod")
            return inner  # None: another service's line
        if layout == "bare":
            if FOREIGN_BARE.match(line):
                return None
            return Envelope("bare", _normal({"body": line}))
        fields = matcher(SALVAGE, line)
        if fields is None:
            return None
        head = (fields.pop("head") or "").split()
        fields["host"] = head[-1] if len(head) >= 2 else None
        return Envelope("salvage", _normal(fields))
    return _finish(style.name, fields, matcher)


def _finish(style_name: str, fields: dict[str, str | None], matcher: Matcher) -> Envelope | None:
    style = STYLE_BY_NAME.get(style_name)
    body = fields.get("body") or ""
    if style_name == "json" or (style is not None and style.layout == "syslog"):
        keepalived = is_keepalived_ident(fields.get("program"))
        inner = unwrap_console(body, matcher) if CONSOLE_ANYWHERE.match(body) else None
        if inner is not None:
            inner_style, inner_fields = inner
            merged = _normal(inner_fields)
            merged["host"] = fields.get("host")
            if keepalived:
                merged["program"], merged["pid"] = fields.get("program"), fields.get("pid")
            return Envelope(inner_style.name, merged)
        if not keepalived:
            return None
        if style_name == "rfc5424" and fields.get("pid") == "-":
            fields = {**fields, "pid": None}
        repeated = REPEATED.match(body) if body.startswith("message repeated ") else None
        if repeated is not None:
            fields = {**fields, "body": repeated.group("body"), "repeated": repeated.group("count")}
        return Envelope(style_name, _normal(fields))
    if style is CONTAINER_TS or style is CRI:
        inner = unwrap_console(body, matcher)
        if inner is not None:
            if style is CRI:  # its own stamp has the zone and nanoseconds: it dates the line
                return Envelope(style_name, _normal({**fields, "body": inner[1]["body"]}))
            return Envelope(inner[0].name, _normal(inner[1]))
        ident = matcher(IDENT, body)  # keepalived's syslog-style line on the container's stdout
        if ident is None:
            return None
        return Envelope(style_name, _normal({**fields, **ident}))
    return Envelope(style_name, _normal(fields))


def _normal(fields: dict[str, str | None]) -> dict[str, str | None]:
    normal = {name: fields.get(name) for name in FIELDS}
    if normal["host"] == "":  # a journal record without a host name
        normal["host"] = None
    return normal


# -- the fast path's per-line work -----------------------------------------

Row = tuple[str, tuple["str | None", ...]]
_PID = FIELDS.index("pid")
_PROGRAM = FIELDS.index("program")
_BODY_FIELD = FIELDS.index("body")
_HOST_FIELD = FIELDS.index("host")


@lru_cache(maxsize=4096)
def _is_keepalived_program(program: str | None) -> bool:
    return is_keepalived_ident(program)


def _field_getter(style: Style) -> Callable[[tuple[str | None, ...]], tuple[str | None, ...]]:
    """`(*m.groups(), None)` -> the FIELDS values of `style` (None where it has none)."""
    getter = _GETTERS.get(style.name)
    if getter is None:
        groups = style.regex.groupindex
        missing = style.regex.groups  # index of the appended None
        getter = itemgetter(*(groups[name] - 1 if name in groups else missing for name in FIELDS))
        _GETTERS[style.name] = getter
    return getter


_GETTERS: dict[str, Callable[[tuple[str | None, ...]], tuple[str | None, ...]]] = {}


def read_envelope_row(line: str, layout: FileLayout, primary: Style) -> Row | None:
    """`read_envelope(line, layout, primary)` as (style, FIELDS values), faster.

    Why: this runs once per keepalived line (a million on a dense log), and
    the general path builds two dicts per line.  The common case - a syslog
    line in the file's primary style from a keepalived ident, its message
    not a relayed console line - is read straight from the match groups;
    anything else takes the general path, so the answers cannot differ
    (tests/speed/test_speed_equivalence.py compares both on every real line).
    """
    if layout == "syslog" and primary.layout == "syslog":
        match = primary.regex.fullmatch(line)
        if match is not None:
            fields = _field_getter(primary)((*match.groups(), None))
            body = fields[_BODY_FIELD] or ""
            unusual = body.startswith("message repeated ") or fields[_HOST_FIELD] == ""
            if not unusual and not CONSOLE_ANYWHERE.match(body):
                if not _is_keepalived_program(fields[_PROGRAM]):
                    return None
                if primary is RFC5424 and fields[_PID] == "-":
                    fields = (*fields[:_PID], None, *fields[_PID + 1 :])
                return primary.name, fields
    found = read_envelope(line, layout, primary, match_fast)
    if found is None:
        return None
    values = found.fields
    return found.style, tuple(values[name] for name in FIELDS)
