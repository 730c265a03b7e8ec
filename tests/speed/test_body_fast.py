"""The body grammar's regex fast path gives exactly the pyparsing grammar's answers.

`kalog.grammar.body` compiles every wording twice: a pyparsing grammar (the
specification) and an equivalent regular expression (the fast path, ~10x
cheaper per distinct body).  These tests parse every body we have both ways
and require the same fields with the same types: every line of the corpus,
the seed logs and the lab captures (as the reader cuts their bodies, and as
raw lines), every TSV example, a generated benchmark sample, and mutated and
hand-written hostile bodies.  Each template is also compared on its own, not
only the first that matches, so a divergence hidden by dispatch order shows.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, LAB, MESSAGES_TSV, ROOT, SEED

from kalog.grammar import body as grammar
from kalog.grammar import envelope as env

FILES = [
    *sorted(CORPUS.glob("*.log")),
    *sorted(SEED.glob("*.log")),
    *sorted(p for p in LAB.glob("*/*") if p.is_file()),
]


def _bodies_of(path: Path, raw: bool = True) -> set[str]:
    """The bodies the reader hands to parse_body, plus (`raw`) every line as a body."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    layout, primary = env.sniff(lines[: env.SNIFF_LINES * 4])
    bodies = set(lines) if raw else set()
    for line in lines:
        found = env.read_envelope(line, layout, primary)
        if found is not None:
            bodies.add(found.fields.get("body") or "")
    return bodies


@pytest.fixture(scope="module")
def real_bodies() -> list[str]:
    bodies: set[str] = set()
    for path in FILES:
        bodies |= _bodies_of(path)
    with MESSAGES_TSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            example = row.get("example") or ""
            bodies.add(example)
            bodies.add(example.split(": ", 1)[-1])  # without a "Keepalived_vrrp[1]: " ident
    return sorted(bodies)


@pytest.fixture(scope="module")
def generated_bodies(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The bodies of 40k keepalived lines of the benchmark generator."""
    sys.path.insert(0, str(ROOT))
    from bench.generate import main

    path = tmp_path_factory.mktemp("bench") / "dense.log"
    argv = ["--lines", "40000", "--keepalived-share", "1.0", "--seed", "3", "-o", str(path)]
    assert main(argv) == 0
    return sorted(_bodies_of(path, raw=False))


def _outcome(body: str, fast: bool) -> Any:
    """`_parse`'s answer with its value types, or the exception it raises."""
    try:
        result = grammar._parse(body, fast=fast)
    except Exception as exc:  # noqa: BLE001 - raising is an answer too (parse_body: unknown)
        return ("raises", type(exc))
    return [(name, value, type(value)) for name, value in result]


def _assert_same(bodies: list[str]) -> None:
    for body in bodies:
        assert _outcome(body, fast=True) == _outcome(body, fast=False), body


def _tried(text: str) -> list[grammar.Template]:
    """Every template `_parse` may run on `text` (or its stripped form)."""
    stripped = text.strip()
    return [
        *grammar._INDEX.get(("indent", None), ()),
        *grammar._candidates(stripped),
        grammar._DUMP,
    ]


def _assert_each_template_same(bodies: list[str]) -> int:
    """Template by template: the regex matches where the grammar does, with the same values.

    Where the grammar raises in a parse action, `_fast_is_exact` must send the
    body to the grammar (that is why the guard exists).
    """
    compared = 0
    for body in bodies:
        for text in {body, body.strip()}:
            for template in _tried(text):
                try:
                    plain = grammar._match_plain(template, text)
                except Exception:  # noqa: BLE001
                    assert not grammar._fast_is_exact(text), (template.spec, text)
                    continue
                fast = grammar._match_fast(template, text)
                assert fast == plain, (template.spec, text)
                if plain is not None:
                    assert [type(v) for v in fast.values()] == [type(v) for v in plain.values()]
                    compared += 1
    return compared


def test_fast_equals_plain_on_every_real_body(real_bodies: list[str]) -> None:
    assert len(real_bodies) > 3000
    _assert_same(real_bodies)
    assert _assert_each_template_same(real_bodies) > 2000


def test_fast_equals_plain_on_the_benchmark_sample(generated_bodies: list[str]) -> None:
    assert len(generated_bodies) > 500
    _assert_same(generated_bodies)
    _assert_each_template_same(generated_bodies)


def test_every_template_matches_its_own_wording_both_ways() -> None:
    """Each spec, its placeholders filled with plausible text, is matched alike."""
    fill = {
        "vi": "VRRP_Instance(VI_1)",
        "vg": "VRRP_Group(G1)",
        "vs": "VRRP_Script(chk)",
        "p2": "(VI_1)",
    }

    def filled(spec: str) -> str:
        def value(match: Any) -> str:
            content = match.group(1)
            if content is None:
                return match.group()
            if content in fill:
                return fill[content]
            if "=" in content:
                return content.split("=", 1)[1].split("|")[-1].split(">")[0]
            return "42" if "int" in content or "prio" in content or "num" in content else "x1"

        return grammar.SPEC_TOKEN.sub(value, spec)

    texts = [filled(t.spec) for t in grammar.TEMPLATES]
    _assert_same(texts)
    assert _assert_each_template_same(texts) > 250


_HOSTILE = [
    "",
    " ",
    "\t",
    "#012#012",
    "(VI_1)  Entering   MASTER\tSTATE",
    "(VI_1)\tEntering MASTER STATE\t(init)",
    "  (VI_1) Entering MASTER STATE",
    "\t(VI_1) Entering MASTER STATE",
    "(VI_1) EnteringMASTERSTATE",
    "(VI_1) Entering master STATE",
    "(VI_1) Entering MaStEr STATE",
    "(VI_1) Entering MASTERS STATE",
    "(VI_1) Entering maſter STATE",
    "(VI_1) Entering MASTER STATE!!",
    "(VI_1) Entering MASTER STATE extra words",
    "(VI_1) Entering MASTER STATEextra",
    "(VI_1) Entering MASTER STATE\r",
    "(VI_1) Entering MASTER STATE\nsecond line",
    "(VI_1) Entering MASTER STATE\x0b",
    "( VI_1 ) Entering MASTER STATE",
    "(VI_1 )Entering MASTER STATE",
    "() Entering MASTER STATE",
    "(VI_1) Entering MASTER STATE [bold red]x[/]",
    "\x1b[31m(VI_1) Entering MASTER STATE\x1b[0m",
    "(VI_1) Received advert from **10.0.0.2** with lower priority 90, ours 100",
    "(VI_1) Received advert from 10.0.0.2. with lower priority 90, ours 100",
    "(VI_1) Received advert from 10.x.x.2 with lower priority -90, ours +100",
    "(VI_1) Received advert from 10.0.0.2 with lower priority ٩٠, ours 100",
    "(VI_1) Changing effective priority from 100 to " + "9" * 5000,
    "(VI_1) Changing effective priority from " + "9" * 5000 + " to x",
    "Keepalived_vrrp exited with permanent error CONFIG. Terminating",
    "VRRP child process(1234) died: Respawning",
    "VRRP child process(xxxx3) died: Respawning",
    "VRRP child process(²³) died: Respawning",
    "Starting VRRP child process, pid=12",
    "Starting Keepalived v2.2.8 (05/31,2023)",
    "Starting Keepalived v",
    "(VI_1) setting VIPs.x",  # PEG: "VIPs." taken, no retry with "VIPs" + trailer ".x"
    "VRRP_Instance(VI_1) removing protocol E-VIPs.foo",
    "(VI_1) setting VIPs. x",
    "VRRP_Script(chk) succeeded [bold red]x[/]",
    "VRRP_Script(chk_ü) failed (exited with status 1)",
    "VRRP_Instance((( Entering MASTER STATE",
    ")))(((",
    "(VI_1",
    "(Line 12) Unknown keyword 'foo'",
    "(/etc/keepalived/keepalived.conf: Line 12) Unknown keyword 'foo'",
    "   vrrp_instance VI_1 {",
    "eth0: weight must be between [-254..254] inclusive. Ignoring...",
    "x" * 100_000,
    "(VI_1) Entering " + "A" * 100_000 + " STATE",
    "(VI_1) " + "\t" * 50 + "Entering MASTER STATE",
    "Ünïcödé (VI_1) Entering MASTER STATE",
    "(VI_1) Entering\x00 MASTER STATE",
]


def test_fast_equals_plain_on_hostile_bodies() -> None:
    _assert_same(_HOSTILE)
    _assert_each_template_same([b for b in _HOSTILE if len(b) < 10_000])


def test_fast_equals_plain_on_mutated_bodies(real_bodies: list[str]) -> None:
    """Random edits of real bodies: whitespace, punctuation, digits, case, cuts, junk."""
    rng = random.Random(5)
    alphabet = [" ", "  ", "\t", "(", ")", ":", ",", ".", "*", "'", '"', "`", "!", "-", "/"]
    alphabet += ["0", "7", "x", "X", "\n", "\r", "\x0b", "#012", "é", "**", "[", "]"]
    typed = [b for b in real_bodies if grammar._parse(b)[0][1] != "unknown"]
    mutated = []
    for _ in range(6000):
        text = rng.choice(typed)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            edit = rng.random()
            if edit < 0.4:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            elif edit < 0.6:
                text = text[:at] + text[at + 1 :]
            elif edit < 0.7:
                text = text[:at]
            elif edit < 0.8:
                text = text.swapcase() if rng.random() < 0.2 else text[:at] + text[at:].lower()
            else:
                text = text[:at] + rng.choice(alphabet) + text[at + 1 :]
        mutated.append(text)
    _assert_same(mutated)
    _assert_each_template_same(mutated[:1500])


def test_parse_body_uses_the_fast_path() -> None:
    """The cached entry point is the regex path; the grammar stays the specification."""
    body = "(VI_1) Received advert from 10.0.0.2 with lower priority 90, ours 100"
    assert grammar._parse_cached.__wrapped__(body) == grammar._parse(body, fast=True)
    assert grammar._fast_is_exact(body)
    assert not grammar._fast_is_exact("(VI_1) Entering maſter STATE")
