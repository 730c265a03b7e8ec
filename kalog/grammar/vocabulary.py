"""Every message keepalived's source can log, as templates: the generic layer.

`kalog.grammar.templates` types, by hand, the lines the model reads (state,
priority, adverts, scripts...), with the fields the model needs.  Every
other message keepalived can print (healthcheckers, BFD, dumps, startup,
configuration errors, netlink, firewall...) is typed here, from
`vocabulary.tsv`, which `tools/vocabulary.py` generates from keepalived's
own source (tools/catalogue/): one template per printf format, its fields
named after the C arguments, its kind the family of the file that prints
it (`Kind.CHECKER`, `Kind.BFD`, ...).  So a line no one here has seen is
still typed, and a new release is one regeneration, not a hunt for lines.

The rule between the two layers: a body is typed by the hand-written table
when one of its wordings fits (the model's inputs must not change because
a generic format fits too), otherwise by the catalogue's most specific
format that fits (`kalog.grammar.body._first_match`'s rule).  A generic row
carries `template` (the format's id, `<file>.<function>.<hash>`) and `args`
(its fields as a JSON object, in the format's order).

Why lazy: 3,600 templates compiled into pyparsing at import would cost
every `kalog` run seconds; the table is read at import (~30 ms: the
dispatch reads each format's first tokens only, its needles come on first
use), and a template is compiled the first time a body gets past its
literal-text prefilter - on real logs, a handful.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from kalog.grammar.notation import _PREFIXES, _SPEC_TOKEN, Template, _compile, _key
from kalog.ingest.events import Kind

VOCABULARY = Path(__file__).with_name("vocabulary.tsv")


@dataclass(frozen=True)
class Entry:
    """One generated template, before it is compiled."""

    id: str
    kind: Kind
    spec: str
    first: str
    last: str
    prefix: str  # the C name of the `(%s)` prefix's argument (`iname`), if any
    format: str
    file: str
    klass: str  # dispatch class as kalog.grammar.body._candidates computes it
    key: str | None  # first-word key; None: the first word varies (tried for every body)

    @functools.cached_property
    def needles(self) -> tuple[str, ...]:
        """The literal tokens the body must hold, longest first (on first use:
        a body reaches a handful of entries, `candidates`)."""
        tokens = {t.group() for t in _SPEC_TOKEN.finditer(self.spec) if t.group(1) is None}
        return tuple(sorted(tokens, key=len, reverse=True))

    @functools.cached_property
    def template(self) -> Template:
        fixed = (
            {"template": self.id, "prefix": self.prefix} if self.prefix else {"template": self.id}
        )
        return _compile(self.kind, self.spec, None, self.klass, fixed)


def _dispatch(spec: str) -> tuple[str, str | None]:
    """(class, first-word key or None) of a spec, as body.py reads a body.

    The key is None when the body's first word is not fixed by literal text:
    a field comes first, the literal runs on into a field (`pid=%d` fixes
    `pid`; `VRRP%s` fixes nothing), or the message opens with a literal
    parenthesis that a body reader takes for an instance prefix.  Only the
    spec's first tokens are read: this runs for each of the 3,600 formats at
    every import (all its tokens, with the needles, took ~0.1-0.2 s).
    """
    tokens = _SPEC_TOKEN.finditer(spec)
    token = next(tokens, None)
    klass = ""
    if token is not None and token.group(1) in _PREFIXES:
        klass = token.group(1)
        token = next(tokens, None)
    while token is not None:
        following = next(tokens, None)
        if token.group(1) is not None:
            return klass, None
        word = token.group()
        if word == ":" and klass:
            token = following
            continue
        if not klass and word.startswith("("):
            return klass, None
        glued = following is not None and following.start() == token.end()
        if glued and (word[-1].isalnum() or word[-1] in "_-"):
            return klass, None
        return klass, _key(word)
    return klass, None


#: vocabulary.tsv's columns, in order (its header row, which `_read` checks)
_COLUMNS = ("id", "kind", "first", "last", "level", "spec", "prefix", "format", "file", "function")


def _read(path: Path) -> tuple[Entry, ...]:
    """The table's rows.  Tab-separated, no quoting (`tools/vocabulary.py`
    writes it with `csv.QUOTE_NONE`): split by hand, ~3x cheaper than
    `csv.DictReader` (a test reads it both ways)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]
    if not rows or tuple(rows[0]) != _COLUMNS:
        raise ValueError(f"{path}: not the vocabulary's columns")
    entries = []
    for id_, kind, first, last, _level, spec, prefix, format_, file, _function in rows[1:]:
        klass, key = _dispatch(spec)
        entries.append(
            Entry(
                id=id_,
                kind=Kind(kind),
                spec=spec,
                first=first,
                last=last,
                prefix=prefix,
                format=format_,
                file=file,
                klass=klass,
                key=key,
            )
        )
    return tuple(entries)


ENTRIES: tuple[Entry, ...] = _read(VOCABULARY)
BY_ID: dict[str, Entry] = {entry.id: entry for entry in ENTRIES}


def _index() -> tuple[dict[tuple[str, str], tuple[Entry, ...]], dict[str, tuple[Entry, ...]]]:
    keyed: dict[tuple[str, str], list[Entry]] = {}
    loose: dict[str, list[Entry]] = {}
    for entry in ENTRIES:
        if entry.key is None:
            loose.setdefault(entry.klass, []).append(entry)
        else:
            keyed.setdefault((entry.klass, entry.key), []).append(entry)
    return (
        {k: tuple(v) for k, v in keyed.items()},
        {k: tuple(v) for k, v in loose.items()},
    )


_KEYED, _LOOSE = _index()


def candidates(klass: str, key: str | None, text: str) -> tuple[Template, ...]:
    """The compiled templates that may fit `text`: those of its dispatch key,
    those whose first word varies (of its class, and of no class, since a
    field may hold a parenthesis), whose literal text `text` holds."""
    pool = _KEYED.get((klass, key), ()) if key is not None else ()
    pool += _LOOSE.get(klass, ())
    if klass:
        pool += _LOOSE.get("", ())
    found = []
    for entry in pool:
        needles = entry.needles  # longest first: most formats fail on the first
        if needles and needles[0] not in text:
            continue
        if all(needle in text for needle in needles[1:]):
            found.append(entry.template)
    return tuple(found)
