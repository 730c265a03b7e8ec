"""Generate kalog's generic body vocabulary from keepalived's message catalogue.

Usage (from the repository root)::

    python -m tools.vocabulary [--catalogue tools/catalogue/keepalived-catalogue.tsv]
                               [-o kalog/grammar/vocabulary.tsv]

Why generated: the hand-written table (`kalog.grammar.templates`) types the
lines the model reads, and grew from the lines we happened to see.  Users
bring the others: checker, BFD, dump, startup and configuration lines of
every release.  `tools/catalogue/extract.py` lists every printf format
keepalived's source can log (README there); this script turns each into a
template in the notation of docs/grammar.md ("Bodies") with fields named
after the C arguments, and a generic kind by the family of its source file.
A new keepalived release is: rerun the extractor with the new tag, rerun
this, run the tests (tests/test_vocabulary.py types every format of every
release).

What is left out, and why (counted in the output's header):

* formats that are not compile-time strings (`<var:...>`), and "catch-all"
  formats with fewer than 3 literal letters or digits (`%s`, ` %s`, `%s: %s`):
  they would type any line and so hide the unknown ones (KA901);
* formats whose text differs only in conversions of the same type from one
  kept earlier (`%d` vs `%u`): one template types both.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tools" / "catalogue" / "keepalived-catalogue.tsv"
OUTPUT = ROOT / "kalog" / "grammar" / "vocabulary.tsv"

#: One printf conversion (flags, width, precision, length, type); `%%` included.
CONVERSION = re.compile(
    r"%(?:(?P<pos>\d+)\$)?(?P<flags>[-+ #0']*)(?P<width>\*|\d+)?"
    r"(?:\.(?P<prec>\*|\d*))?(?P<len>hh|h|ll|l|L|q|j|z|Z|t)?(?P<type>[diouxXeEfFgGaAcsSpnm%])"
)
#: A conversion, or a configure-time macro the extractor left unresolved (`{VERSION}`).
TOKEN = re.compile(CONVERSION.pattern + r"|\{(?P<macro>[A-Z_][A-Z0-9_]*)\}")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "'": "'", "\\": "\\", "a": "", "e": ""}

#: Regex of each conversion type (no braces: they end a notation placeholder).
_INT = r"[-+]?\d+"
_PATTERNS = {
    **dict.fromkeys("diu", "int"),
    **dict.fromkeys("xX", r"(?:0[xX])?[0-9a-fA-F]+"),
    "o": r"[0-7]+",
    **dict.fromkeys("eEfFgGaA", r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)"),
    "c": r"\S",
    "p": r"0x[0-9a-fA-F]+|\(nil\)",
}
_PREFIXES = {
    "VRRP_Instance(%s)": "vi",
    "VRRP_Group(%s)": "vg",
    "VRRP_Script(%s)": "vs",
    "(%s)": "p2",
}
#: The field a prefix placeholder fills (kalog.grammar.notation._PREFIXES).
_PREFIX_FIELD = {"vi": "instance", "vg": "group", "vs": "script", "p2": "instance"}
_RESERVED = {"trailer", "kind", "template", "args"}
_C_WORDS = {"sizeof", "struct", "const", "unsigned", "int", "long", "char", "void", "NULL"}

# -- families: the generic kind of a message, by where keepalived prints it ------------

_FAMILIES: tuple[tuple[str, str], ...] = (
    (r"/bfd/", "bfd"),
    (r"/check/|/core/layer4\.c$", "checker"),
    (r"netlink|libnl_link", "netlink"),
    (r"iptables|ipset|nftables|firewall|ipfw", "firewall"),
    (
        r"vrrp_(if|if_config|ipaddress|iproute|iprule|vmac|vmac_nm|arp|ndisc)\.c$|rttables",
        "network",
    ),
    (r"lib/notify\.c$|vrrp_notify\.c$|config_notify\.c$", "script"),
    (r"smtp|snmp|dbus", "notify"),
    (r"/trackers/|track_process\.c$|vrrp_track\.c$|vrrp_static_track\.c$", "tracking"),
    (
        r"core/(main|daemon|pidfile|process|namespaces|reload_monitor|sanitizer|global_data)\.c$"
        r"|vrrp_daemon\.c$|lib/(process|signals)\.c$",
        "startup",
    ),
    (r"^lib/", "system"),
    (r"/vrrp/", "vrrp"),
)


def family(row: dict[str, str]) -> str:
    """The generic kind of a catalogue row: dumps and configuration errors by
    what keepalived calls them, the rest by the source file that prints them."""
    if "dump" in row["kind"]:
        return "data_dump"
    if "config_error" in row["kind"] or re.search(r"parser\.c$", row["file"]):
        return "config_error"
    for pattern, name in _FAMILIES:
        if re.search(pattern, row["file"]):
            return name
    return "system"


# -- field names from the C arguments -----------------------------------------------------


def field_name(expr: str) -> str:
    """A field name from a C argument expression: its last variable or member.

    `vrrp->iname` -> `iname`, `inet_sockaddrtos(&rs->addr)` -> `addr`,
    `strerror(errno)` -> `errno`, `vrrp_garp_delay / TIMER_HZ` ->
    `vrrp_garp_delay`, `FMT_RS(rs, vs)` -> `rs` (keepalived's
    formatting macros name what they format), `x ? "on" : "off"` -> `x`:
    the names keepalived's authors chose, the nearest thing to documentation
    each value has.
    """
    expr = re.sub(r'"(?:\\.|[^"\\])*"', "", expr)  # string literals name nothing
    expr = expr.split("?")[0]  # a ternary: its condition says what it is about
    expr = re.split(r"\s[-+*/%]\s", expr)[0]  # `delay / TIMER_HZ`: what is scaled
    macro = re.match(r"\s*FMT_([A-Z0-9_]+)\s*\(", expr)
    if macro:
        return macro.group(1).lower()
    words = [
        m.group(1)
        for m in re.finditer(r"([A-Za-z_]\w*)(\s*\()?", expr)
        if not m.group(2) and m.group(1) not in _C_WORDS
    ]
    name = (words[-1] if words else "value").lower()
    name = re.sub(r"\W", "_", name).strip("_") or "value"
    if name[0].isdigit() or name in _RESERVED:
        name = "v_" + name
    return name


# -- printf format -> template notation ---------------------------------------------------


def unescape(text: str) -> str:
    """C escapes as keepalived's log shows them; a newline becomes a space
    (syslog and the journal break or escape it; the notation spaces freely)."""
    out = re.sub(r"\\([0-7]{1,3}|.)", lambda m: _unescape_one(m.group(1)), text)
    return out.replace("\n", " ").replace("\r", " ")


def _unescape_one(code: str) -> str:
    if code[0] in "01234567":
        char = chr(int(code, 8))
        return char if char.isprintable() else " "
    return _ESCAPES.get(code, code)


def _regex_text(pattern: str) -> str:
    """A regex fit for a `{name~regex}` placeholder: braces written as escapes."""
    for brace, code in (("{", r"\x7b"), ("}", r"\x7d")):
        pattern = pattern.replace("\\" + brace, code).replace(brace, code)
    return pattern


def _literal_spec(text: str) -> str:
    """Literal text in the notation: a `{` would open a placeholder."""
    return text.replace("{", "{_~\\x7b}")


@dataclass(frozen=True)
class Piece:
    """A literal run of the format, or a conversion with its field name."""

    text: str
    kind: str = "literal"  # literal | field | prefix
    name: str = ""
    pattern: str = ""


def pieces(fmt: str, argexprs: list[str]) -> list[Piece] | None:
    """The format as literal runs and typed fields; None if it cannot be a template."""
    text = unescape(fmt).rstrip()
    out: list[Piece] = []
    args = iter(argexprs)
    names: set[str] = set()

    def take(default: str) -> str:
        expr = next(args, default)
        name = field_name(expr)
        base, number = name, 2
        while name in names:
            name, number = f"{base}_{number}", number + 1
        names.add(name)
        return name

    stripped = text.lstrip()
    for prefix, klass in _PREFIXES.items():
        if stripped.startswith(prefix):
            # the notation's prefix fills `instance` (group, script); its C name is kept
            # in `pattern` so that the row's args say `iname`, as keepalived's source does
            name = take("iname")
            names.add(_PREFIX_FIELD[klass])
            out.append(Piece(prefix, "prefix", klass, name))
            text = stripped[len(prefix) :]
            break
    at = 0
    for match in TOKEN.finditer(text):
        if match.start() > at:
            out.append(Piece(text[at : match.start()]))
        at = match.end()
        if match.group("macro"):  # set by configure: a text field named after it
            name = match.group("macro").lower()
            names.add(name)
            out.append(Piece("", "field", name, "text"))
            continue
        kind = match.group("type")
        if kind == "%":
            out.append(Piece("%"))
            continue
        for star in (match.group("width"), match.group("prec")):
            if star == "*":
                next(args, None)  # a width or precision argument: no text of its own
        if kind == "n":
            next(args, None)
            continue
        if kind == "m":
            out.append(Piece("", "field", take("errno"), "text"))
            continue
        name = take(kind)
        out.append(Piece("", "field", name, "text" if kind in "sS" else _PATTERNS[kind]))
    if at < len(text):
        out.append(Piece(text[at:]))
    return out


def spec_of(parts: list[Piece]) -> str:
    """The notation spec of the pieces.

    A `%s` takes the shortest text up to the next literal (as pyparsing's
    SkipTo would), everything to the end when it ends the message, and one
    word when another field follows it directly.
    """
    spec: list[str] = []
    for index, piece in enumerate(parts):
        if piece.kind == "prefix":
            spec.append("{" + piece.name + "}")
        elif piece.kind == "literal":
            spec.append(_literal_spec(piece.text))
        elif piece.pattern == "int":
            spec.append("{" + piece.name + ":int}")
        elif piece.pattern != "text":
            spec.append("{" + piece.name + "~" + _regex_text(piece.pattern) + "}")
        else:
            spec.append("{" + piece.name + "~" + _regex_text(_text_pattern(parts, index)) + "}")
    return "".join(spec).strip()


_BLANKS = r"[ \t\n\r]*"


def _text_pattern(parts: list[Piece], index: int) -> str:
    """A text field: the shortest text that the rest of the message can follow.

    What follows is looked ahead up to the end of the next literal run (the
    fields between as their patterns): `%s - errno %d` stops at the first
    `- errno`, not at a `-` inside a path.  Nothing but fields after it:
    up to the end.  Last: everything.
    """
    ahead = []
    for piece in parts[index + 1 :]:
        if piece.kind == "literal":
            words = piece.text.split()
            if words:
                ahead += [re.escape(word) for word in words]
                break
        elif piece.pattern == "int":
            ahead.append(r"[-+]?\d+")
        elif piece.pattern == "text":
            ahead.append(r".*?")
        else:
            ahead.append(f"(?:{piece.pattern})")
    else:
        if not ahead:
            return r".*"
        ahead.append(r"\Z")
    return r".*?(?=" + "".join(_BLANKS + item for item in ahead) + ")"


def literal_letters(parts: list[Piece]) -> int:
    return sum(ch.isalnum() for p in parts if p.kind == "literal" for ch in p.text)


def template_id(row: dict[str, str]) -> str:
    """`<source file stem>.<function>.<6 hex of the format>`: readable, and the
    same in every regeneration while keepalived prints the same text."""
    stem = Path(row["file"]).stem
    function = (row["function"].split(",")[0] or "global").strip()
    digest = hashlib.sha1(row["format"].encode()).hexdigest()[:6]
    return f"{stem}.{function}.{digest}"


def _shape(parts: list[Piece]) -> str:
    """The format with its fields as their patterns: formats that differ only in
    the conversion of one type (`%d` and `%u`, `%s` and `%.*s`) share a template."""
    return "".join(
        p.text
        if p.kind == "literal"
        else f"\0{p.kind}{p.name if p.kind == 'prefix' else p.pattern}\0"
        for p in parts
    )


COLUMNS = ("id", "kind", "first", "last", "level", "spec", "prefix", "format", "file", "function")


def generate(catalogue: Path) -> tuple[list[dict[str, str]], dict[str, int]]:
    with catalogue.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    counts = {"rows": len(rows), "variable": 0, "catch_all": 0, "same_shape": 0}
    seen: dict[str, dict[str, str]] = {}
    out: list[dict[str, str]] = []
    for row in rows:
        if row["format"].startswith("<var:"):
            counts["variable"] += 1
            continue
        argexprs = [a for a in row.get("argexprs", "").split(" ;; ") if a]
        parts = pieces(row["format"], argexprs)
        if parts is None or literal_letters(parts) < 3:
            counts["catch_all"] += 1
            continue
        shape = _shape(parts)
        if shape in seen:
            kept = seen[shape]
            kept["first"] = min(kept["first"], row["first"], key=_release)
            kept["last"] = max(kept["last"], row["last"], key=_release)
            counts["same_shape"] += 1
            continue
        entry = {
            "id": template_id(row),
            "kind": family(row),
            "first": row["first"],
            "last": row["last"],
            "level": row["level"],
            "spec": spec_of(parts),
            "prefix": next((p.pattern for p in parts if p.kind == "prefix"), ""),
            "format": row["format"],
            "file": row["file"],
            "function": row["function"],
        }
        seen[shape] = entry
        out.append(entry)
    counts["templates"] = len(out)
    return out, counts


def _release(tag: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", tag))


def write(entries: list[dict[str, str]], counts: dict[str, int], output: Path) -> None:
    with output.open("w", encoding="utf-8", newline="") as handle:
        handle.write(
            "# generated by tools/vocabulary.py from tools/catalogue/keepalived-catalogue.tsv;"
            " do not edit\n# " + ", ".join(f"{k} {v}" for k, v in counts.items()) + "\n"
        )
        handle.write("\t".join(COLUMNS) + "\n")
        for entry in entries:
            handle.write("\t".join(entry[c].replace("\t", " ") for c in COLUMNS) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", type=Path, default=CATALOGUE)
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    options = parser.parse_args(argv)
    entries, counts = generate(options.catalogue)
    write(entries, counts, options.output)
    print(f"{options.output}: " + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
