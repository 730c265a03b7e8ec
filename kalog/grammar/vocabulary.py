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
every `kalog` run seconds; the table is read at import (a few ms), and a
template is compiled the first time a body gets past its literal-text
prefilter - on real logs, a handful.
"""

from __future__ import annotations

import csv
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
    needles: tuple[str, ...]  # literal tokens the body must hold

    @functools.cached_property
    def template(self) -> Template:
        fixed = (
            {"template": self.id, "prefix": self.prefix} if self.prefix else {"template": self.id}
        )
        return _compile(self.kind, self.spec, None, self.klass, fixed)


def _dispatch(spec: str) -> tuple[str, str | None, tuple[str, ...]]:
    """(class, first-word key or None, needles) of a spec, as body.py reads a body.

    The key is None when the body's first word is not fixed by literal text:
    a field comes first, the literal runs on into a field (`pid=%d` fixes
    `pid`; `VRRP%s` fixes nothing), or the message opens with a literal
    parenthesis that a body reader takes for an instance prefix.
    """
    tokens = list(_SPEC_TOKEN.finditer(spec))
    needles = tuple(
        sorted({t.group() for t in tokens if t.group(1) is None}, key=len, reverse=True)
    )
    klass = ""
    if tokens and tokens[0].group(1) in _PREFIXES:
        klass = tokens[0].group(1)
        tokens = tokens[1:]
    for number, token in enumerate(tokens):
        if token.group(1) is not None:
            return klass, None, needles
        word = token.group()
        if word == ":" and klass:
            continue
        if not klass and word.startswith("("):
            return klass, None, needles
        following = tokens[number + 1] if number + 1 < len(tokens) else None
        glued = following is not None and following.start() == token.end()
        if glued and (word[-1].isalnum() or word[-1] in "_-"):
            return klass, None, needles
        return klass, _key(word), needles
    return klass, None, needles


def _read(path: Path) -> tuple[Entry, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    entries = []
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        klass, key, needles = _dispatch(row["spec"])
        entries.append(
            Entry(
                id=row["id"],
                kind=Kind(row["kind"]),
                spec=row["spec"],
                first=row["first"],
                last=row["last"],
                prefix=row["prefix"],
                format=row["format"],
                file=row["file"],
                klass=klass,
                key=key,
                needles=needles,
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
