"""What importing the body grammar costs: no pyparsing until the plain path runs,
and the vocabulary's table read without the csv module's per-row overhead.

Every `kalog` run imports the grammar, so its import is on the path of a
20-line paste's analysis.  The fast path runs the templates' regexes; the
pyparsing grammars (the specification) are built on first use
(`kalog.grammar.notation._Part`).  These tests hold the cheap import to
what it replaced: the same table, the same dispatch, and pyparsing's own
whitespace.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pyparsing as pp

from kalog.grammar import notation, vocabulary
from kalog.grammar.body import _match_fast, _match_plain
from kalog.grammar.notation import _PREFIXES, _SPEC_TOKEN, TEMPLATES, _key


def _dispatch_whole(spec: str) -> tuple[str, str | None, tuple[str, ...]]:
    """The dispatch as it was: every token of the spec read, needles with it."""
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


def test_the_table_reads_as_the_csv_module_reads_it() -> None:
    path = vocabulary.VOCABULARY
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert len(rows) == len(vocabulary.ENTRIES) == 3661
    for row, entry in zip(rows, vocabulary.ENTRIES, strict=True):
        assert (entry.id, entry.kind.value, entry.spec, entry.first, entry.last) == (
            row["id"],
            row["kind"],
            row["spec"],
            row["first"],
            row["last"],
        )
        assert (entry.prefix, entry.format) == (row["prefix"], row["format"])
        assert entry.file == row["file"]
        assert (entry.klass, entry.key, entry.needles) == _dispatch_whole(row["spec"]), row["id"]


def test_a_table_of_other_columns_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "v.tsv"
    other.write_text("# x\nid\tkind\tspec\na\tvrrp\tb\n", encoding="utf-8")
    try:
        vocabulary._read(other)
    except ValueError as exc:
        assert "not the vocabulary's columns" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("read a table of other columns")


def test_the_notation_skips_pyparsing_s_own_whitespace() -> None:
    assert notation._WHITE == pp.ParserElement.DEFAULT_WHITE_CHARS


def test_importing_the_grammar_imports_no_pyparsing() -> None:
    """Until the plain path (the specification) runs: then it builds the grammar."""
    code = (
        "import sys\n"
        "from kalog.grammar.body import parse_body, _match_plain\n"
        "from kalog.grammar.notation import TEMPLATES\n"
        "assert 'pyparsing' not in sys.modules\n"
        "fields = parse_body('VRRP_Instance(VI_1) Entering MASTER STATE')\n"
        "assert fields['state'] == 'MASTER' and 'pyparsing' not in sys.modules, fields\n"
        "template = next(t for t in TEMPLATES if t.spec == '{vi} Entering {state} STATE')\n"
        "found = _match_plain(template, 'VRRP_Instance(VI_1) Entering MASTER STATE')\n"
        "assert found == {'instance': 'VI_1', 'state': 'MASTER'}, found\n"
        "assert 'pyparsing' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_each_template_builds_its_grammar_once_and_agrees_with_its_regex() -> None:
    """Built on demand, a grammar is still the specification of its regex
    (tests/speed/test_body_fast.py checks every real body; here each
    wording's own example, its spec with sample values, where one fits)."""
    body = "VRRP_Instance(VI_1) Entering MASTER STATE"
    entering = [t for t in TEMPLATES if _match_fast(t, body) is not None]
    assert entering
    for template in entering:
        first = template.expr
        assert template.expr is first  # cached: built once
        assert _match_plain(template, body) == _match_fast(template, body)
