"""Every message keepalived's source can log is typed (issue 14).

The formats come from tools/catalogue/keepalived-catalogue.tsv (extracted
from keepalived's source, every release 1.1.20-2.4.3), not from the
generated vocabulary: each is rendered with sample arguments, as keepalived
would print it, and must be typed - by the hand-written table (the model's
kinds) or by a catalogue template at least as specific as its own.  A
vocabulary missing a format fails here: its rendering is then unknown, or
typed only by a looser format.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from kalog.grammar import body as body_grammar
from kalog.grammar import vocabulary
from kalog.grammar.body import _rank, parse_body
from kalog.grammar.notation import _compile
from kalog.ingest.events import Kind
from tools import vocabulary as generator

CATALOGUE = generator.CATALOGUE
_SAMPLES = {
    "d": "7",
    "i": "7",
    "u": "7",
    "x": "1f",
    "X": "1F",
    "o": "17",
    "c": "c",
    "p": "0x1f",
    "m": "Permission denied",
}


def _rows() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = _rows()
RELEASES = sorted(
    {tag for row in ROWS for tag in row["tags"].split(",")},
    key=lambda tag: tuple(int(n) for n in re.findall(r"\d+", tag)),
)


def _constants(row: dict[str, str]) -> dict[int, str]:
    """`$N=a|b` of the args column: the values keepalived passes for argument N."""
    found = {}
    for item in filter(None, row["args"].split("; ")):
        number, _, values = item.partition("=")
        first = values.split("|")[0]
        if number.startswith("$") and number[1:].isdigit() and first and first != "?":
            found[int(number[1:])] = first
    return found


def render(row: dict[str, str]) -> str:
    """The format as keepalived would print it, with sample arguments."""
    constants = _constants(row)
    text = generator.unescape(row["format"]).rstrip()
    argument = 0

    def one(match: re.Match[str]) -> str:
        nonlocal argument
        if match.group("macro"):
            return "2.2.7"
        kind = match.group("type")
        if kind == "%":
            return "%"
        argument += sum(1 for star in (match.group("width"), match.group("prec")) if star == "*")
        if kind == "m":
            return _SAMPLES["m"]
        argument += 1
        if kind in "sS":
            return constants.get(argument, f"s{argument}")
        if kind in "eEfFgGaA":
            return "1.5"
        return _SAMPLES.get(kind, "7")

    return generator.TOKEN.sub(one, text)


def _usable(row: dict[str, str]) -> bool:
    if row["format"].startswith("<var:"):
        return False
    parts = generator.pieces(row["format"], row["argexprs"].split(" ;; "))
    return parts is not None and generator.literal_letters(parts) >= 3


def _own_rank(row: dict[str, str]) -> tuple[int, int]:
    parts = generator.pieces(row["format"], [a for a in row["argexprs"].split(" ;; ") if a])
    template = _compile(Kind.VRRP, generator.spec_of(parts), None, None, {"template": "own"})
    return _rank(template)


def _problems(rows: list[dict[str, str]]) -> list[str]:
    problems = []
    for row in rows:
        if not _usable(row):
            continue
        text = render(row)
        fields = parse_body(text)
        if fields["kind"] == Kind.UNKNOWN.value:
            problems.append(f"unknown: {text!r} ({row['format']!r}, {row['file']})")
            continue
        template = fields.get("template")
        if template is None or fields["kind"] == Kind.CONFIG_ERROR.value and text[:1] == "(":
            continue  # the hand-written table's kinds: what the model reads
        if _rank(vocabulary.BY_ID[template].template) < _own_rank(row):
            problems.append(f"looser template {template} for {text!r} ({row['format']!r})")
    return problems


@pytest.mark.parametrize("release", RELEASES)
def test_every_format_of_a_release_is_typed(release: str) -> None:
    rows = [row for row in ROWS if release in row["tags"].split(",")]
    usable = [row for row in rows if _usable(row)]
    assert len(usable) > 200, f"{release}: {len(usable)} formats"
    problems = _problems(rows)
    assert not problems, f"{len(problems)} of {len(usable)}:\n" + "\n".join(problems[:30])


def test_the_catalogue_covers_every_release_extracted() -> None:
    assert RELEASES[0] == "v1.1.20" and RELEASES[-1] == "v2.4.3"
    assert len(RELEASES) == 24


def test_the_vocabulary_is_what_the_generator_writes(tmp_path) -> None:
    """vocabulary.tsv is generated, never edited: regenerating gives the same bytes."""
    entries, counts = generator.generate(CATALOGUE)
    out = tmp_path / "vocabulary.tsv"
    generator.write(entries, counts, out)
    assert out.read_bytes() == vocabulary.VOCABULARY.read_bytes()
    assert counts["templates"] == len(vocabulary.ENTRIES) == 3661
    # every usable catalogue row is a template, or has the shape of one
    assert counts["rows"] == (
        counts["templates"] + counts["variable"] + counts["catch_all"] + counts["same_shape"]
    )


def test_fast_path_equals_pyparsing_on_every_rendered_format() -> None:
    """The regexes the hot path runs type every rendering as the pyparsing grammar does."""
    differ = []
    for row in ROWS:
        if not _usable(row):
            continue
        text = render(row)
        if body_grammar._parse(text, fast=True) != body_grammar._parse(text, fast=False):
            differ.append(text)
    assert not differ, differ[:10]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "TCP socket bind failed. Rescheduling.",
            None,
        ),
        (
            "Packet is too small: 12 bytes",
            {"kind": "bfd", "template": "bfd.bfd_check_packet.b26d9e", "args": {"len": 12}},
        ),
        (
            "BFD_Instance(b1) Starting poll sequence",
            {"kind": "bfd", "template": "bfd.bfd_set_poll.37122d", "args": {"iname": "b1"}},
        ),
        (
            "   Fast recovery not set",
            {
                "kind": "data_dump",
                "template": "check_http.dump_http_get_check.1be082",
                "args": {"fast_recovery": "not"},
            },
        ),
    ],
)
def test_generic_lines_carry_their_template_and_fields(line: str, expected) -> None:
    fields = parse_body(line)
    if expected is None:
        assert fields["kind"] != "unknown"
        return
    assert {**fields, "args": json.loads(fields["args"])} == expected


def test_a_configuration_error_keeps_its_kind_and_gains_the_catalogue_id() -> None:
    fields = parse_body("(Line 12) Unknown keyword 'foo'")
    assert fields == {
        "kind": "config_error",
        "config_line": 12,
        "detail": "Unknown keyword 'foo'",
        "template": "parser.process_stream.e3bc45",
        "args": '{"str": "foo"}',
    }


def test_every_generic_kind_types_some_format() -> None:
    """Each kind the catalogue gives has formats, rendered and typed as it."""
    by_kind: dict[str, int] = {}
    for row in ROWS:
        if not _usable(row):
            continue
        fields = parse_body(render(row))
        if "template" in fields:
            by_kind[fields["kind"]] = by_kind.get(fields["kind"], 0) + 1
    generic = {entry.kind.value for entry in vocabulary.ENTRIES}
    assert generic == {
        "bfd", "checker", "config_error", "data_dump", "firewall", "netlink", "network",
        "notify", "script", "startup", "system", "tracking", "vrrp",
    }  # fmt: skip
    assert set(by_kind) == generic
    assert min(by_kind.values()) >= 20


def test_a_real_capture_of_the_other_processes_is_typed() -> None:
    """samples/lab/catalogue-lines: keepalived 2.2.7's BFD, healthchecker, config-error
    and -d dump lines, none of which the hand-written table was written for."""
    import collections

    import kalog
    from tests.conftest import LAB

    events = kalog.read_events(sorted((LAB / "catalogue-lines").glob("*.log")))
    assert len(events) == 597
    assert (events["kind"] == "unknown").sum() == 0
    typed = events[events["template"].notna()]
    assert collections.Counter(zip(typed["host"], typed["kind"], strict=True)) == {
        ("node-a", "data_dump"): 236,
        ("node-b", "data_dump"): 236,
        ("node-a", "bfd"): 7,
        ("node-b", "bfd"): 4,
        ("node-c", "checker"): 3,
        ("node-a", "config_error"): 1,
        ("node-b", "config_error"): 1,
    }
    assert typed["template"].nunique() == 146
    # every row's args is a JSON object of the format's fields
    assert all(isinstance(json.loads(a), dict) for a in typed["args"])
