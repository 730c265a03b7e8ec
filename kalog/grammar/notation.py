"""The body grammar's template notation, compiled into pyparsing and regex.

keepalived prints ~250 printf templates; each wording is written once in
`kalog.grammar.templates` in the small notation of docs/grammar.md
("Bodies"), and this module compiles it into a pyparsing expression with
results names and typed parse actions (the specification, built on first
use: `_Part`) and, at import, into an equivalent regular expression (what
`parse_body` runs: about 10 µs instead of 170 µs per distinct body).
`_t(kind, spec, wording, **fixed)` compiles one template into `TEMPLATES`;
`kalog.grammar.body` dispatches a body to the few candidates that may match it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kalog.ingest.events import Kind

if TYPE_CHECKING:  # pragma: no cover
    import pyparsing as pp

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

#: pyparsing's default whitespace (`pp.ParserElement.DEFAULT_WHITE_CHARS`, which
#: a test checks), named here so that importing this module imports no pyparsing
_WHITE = " \n\t\r"
#: pyparsing's whitespace skip before an element; possessive (never given back).
_WS = f"[{re.escape(_WHITE)}]*+"

#: (regex group, field name, conversion of the group's text or None) of a part.
Capture = tuple[str, str, Callable[[str], Any] | None]


@dataclass(frozen=True)
class _Part:
    """One element of a wording: its pyparsing element (`build` makes it), the
    equivalent regex `pattern`, its groups.

    Why built on demand: the fast path runs the regexes only; building the
    ~350 hand-written wordings' pyparsing elements (and importing pyparsing)
    cost every `kalog` run ~0.15-0.3 s at import, ~10% of a 20-line paste's
    analysis.  The plain path and the tests build a template's grammar on
    first use (`Template.expr`).
    """

    build: Callable[[], pp.ParserElement]
    pattern: str
    captures: tuple[Capture, ...] = ()


def _skipping(pattern: str) -> str:
    """`pattern` after pyparsing's whitespace skip, matched once like a PEG element."""
    return f"{_WS}(?>{pattern})"


def _sequence(parts: list[_Part], label: str) -> _Part:
    """pyparsing `And` of the parts; the regex is their fragments in a row."""

    def build() -> pp.ParserElement:
        import pyparsing as pp

        return pp.And([part.build() for part in parts]).set_name(label)

    return _Part(
        build,
        "".join(part.pattern for part in parts),
        tuple(capture for part in parts for capture in part.captures),
    )


# -- terminal elements ---------------------------------------------------------


def _int_or_drop(text: str) -> int | str:
    """Pids are sometimes obfuscated (``xxxx3``): keep the match, drop the value.

    Likewise a number longer than nine digits (as the envelope's pid), which
    the Int32 column could not hold.
    """
    return int(text) if text.isdigit() and len(text) <= 9 else ""


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
        kept = name not in ("", "_")

        def build() -> pp.ParserElement:
            import pyparsing as pp

            expr = pp.Regex(self.pattern, flags=re.IGNORECASE if self.caseless else 0)
            expr.set_name(self.label)
            if self.convert is not None:
                convert = self.convert
                expr.set_parse_action(lambda tokens: convert(tokens[0]))
            return expr(name) if kept else pp.Suppress(expr)

        pattern = f"(?i:{self.pattern})" if self.caseless else self.pattern
        if not kept:
            return _Part(build, _skipping(pattern))
        return _Part(build, _skipping(f"(?P<{name}>{pattern})"), ((name, name, self.convert),))


_ADDRESS = r"[^\s,()!'\"]+?(?=\.?(?:[\s,()!'\"]|$))"

#: Placeholder types of the template notation.
_TYPES: dict[str, _Type] = {
    "int": _Type(r"[-+]?\d+", "integer", int),
    # fields the frame keeps in integer columns (kalog.ingest.events.COLUMNS):
    # no more digits than the column holds, so no line can carry a number it
    # cannot (`... priority from 100 to 10**23` crashed the cast); a longer
    # number is not keepalived's (priorities are 0-255, pids below 2**22) and
    # leaves the template unmatched
    "int16": _Type(r"[-+]?\d{1,4}", "integer", int),
    "int32": _Type(r"[-+]?\d{1,9}", "integer", int),
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
    "prio_old": "int16",
    "prio_new": "int16",
    "prio_ours": "int16",
    "prio_peer": "int16",
    "exit_status": "int32",
    "child_pid": "int32",
    "config_line": "int32",
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
    def build() -> pp.ParserElement:
        import pyparsing as pp

        return pp.Literal(word)

    return _Part(build, _WS + re.escape(word))


def _prefix(keyword: str, name: str) -> _Part:
    """``VRRP_Instance(x)`` / ``VRRP_Group(x)`` / ``VRRP_Script(x)`` / ``(x)``."""

    def opening_expr() -> pp.ParserElement:
        import pyparsing as pp

        return pp.Suppress(pp.Literal(keyword + "("))

    def closing_expr() -> pp.ParserElement:
        import pyparsing as pp

        return pp.Suppress(pp.Literal(")").leave_whitespace())

    opening = _Part(opening_expr, _WS + re.escape(keyword + "("))
    # the closing parenthesis leaves whitespace alone: no skip in the regex either
    closing = _Part(closing_expr, re.escape(")"))
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

    def build() -> pp.ParserElement:
        import pyparsing as pp

        return pp.Opt(pp.Regex(pattern).set_name("trailer")("trailer"))

    return _Part(
        build,
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
    choices = []
    patterns = []
    captures: list[Capture] = []
    firsts = []
    for number, choice in enumerate(text.split("|")):
        literal, _, value = choice.partition(">")
        words = literal.split()
        firsts.append(_key(words[0]))
        choices.append((words, value or literal))
        pattern = "".join(_WS + re.escape(word) for word in words)
        if name not in ("", "_"):
            group = f"_{name}{number}"
            pattern = f"(?P<{group}>{pattern})"
            captures.append((group, name, functools.partial(_constant, value or literal)))
        patterns.append(pattern)

    def build() -> pp.ParserElement:
        import pyparsing as pp

        options = []
        for words, value in choices:
            expr = (
                pp.And([pp.Literal(w) for w in words]) if len(words) > 1 else pp.Literal(words[0])
            )
            options.append(expr.set_parse_action(pp.replace_with(value)))
        expr = pp.MatchFirst(options).set_name(name or text)
        return pp.Suppress(expr) if name in ("", "_") else expr(name)

    return _Part(build, f"(?>{'|'.join(patterns)})", tuple(captures)), firsts


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
    if typ == "int" and _DEFAULT_TYPE.get(name) in ("int16", "int32"):
        typ = _DEFAULT_TYPE[name]  # an integer column's field written with an explicit :int
    return _TYPES[typ or _DEFAULT_TYPE.get(name, "word")].part(name), None


@dataclass(frozen=True)
class Template:
    """One keepalived wording: its kind, spec, compiled grammar and constants.

    `expr` is the pyparsing grammar (the specification, built on first use:
    `_Part`); `pattern` is the equivalent regex (the fast path) and `groups`
    its named groups.
    """

    kind: Kind
    spec: str
    wording: str | None
    fixed: tuple[tuple[str, Any], ...]
    build: Callable[[], pp.ParserElement] = field(repr=False, compare=False)
    pattern: str
    groups: tuple[Capture, ...]
    klass: str
    keys: tuple[str, ...] | None  # None = first word is variable (wildcard)
    needles: tuple[str, ...]  # literal tokens that must all occur in the body

    @functools.cached_property
    def expr(self) -> pp.ParserElement:
        """The pyparsing grammar, built on first use (`_Part`)."""
        return self.build()

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
        build=whole.build,
        pattern=whole.pattern,
        groups=whole.captures,
        klass=klass if klass is not None else spec_class,
        keys=tuple(first_keys) if first_keys is not None and klass is None else None,
        needles=tuple(sorted(set(needles), key=len, reverse=True)),
    )


TEMPLATES: list[Template] = []


def _t(kind: Kind, spec: str, wording: str | None = None, *, klass: str | None = None, **fixed):
    TEMPLATES.append(_compile(kind, spec, wording, klass, fixed))
