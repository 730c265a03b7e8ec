"""Fuzzing the grammars: envelopes and message bodies (issue 16, item 5).

`parse_body` never raises by contract (it turns any exception into
`unknown`), so a crash in a template would only show as a typed line lost.
These tests call what is under it, `_parse`, with the regexes (`fast`) and
with the pyparsing specification, on mutated real bodies and random text:
neither raises, and both give the same fields (the regexes are the
specification, faster).  The envelope reader gets the same treatment, with
every layout and primary style a file can be sniffed as.
"""

from __future__ import annotations

from functools import cache

from hypothesis import example, given
from hypothesis import strategies as st

from kalog.grammar import envelope as env
from kalog.grammar.body import _parse, parse_body
from kalog.ingest import events
from tests.fuzz.strategies import mutated_line, real_lines


@cache
def real_bodies() -> tuple[str, ...]:
    """The body of every real line whose envelope the reader finds (any layout)."""
    bodies: dict[str, None] = {}
    for raw in real_lines():
        line = raw.decode("utf-8", "replace")
        for layout in ("syslog", "bare"):
            found = env.read_envelope(line, layout, env.RFC3164)
            if found is not None and found.fields.get("body"):
                bodies.setdefault(str(found.fields["body"]), None)
                break
    return tuple(bodies)


@st.composite
def mutated_body(draw: st.DrawFn) -> str:
    """A real body with byte-level edits (tests/fuzz/strategies.mutated_line's),
    decoded as the reader decodes (invalid UTF-8 as U+FFFD)."""
    bodies = real_bodies()
    body = bodies[draw(st.integers(0, len(bodies) - 1))].encode()
    edits = draw(st.lists(st.tuples(st.integers(0, 200), st.binary(max_size=6)), max_size=4))
    for at, data in edits:
        at = min(at, len(body))
        body = body[:at] + data + body[at + draw(st.integers(0, 4)) :]
    return body.decode("utf-8", "replace")


any_body = st.one_of(mutated_body(), st.sampled_from(real_bodies()), st.text(max_size=120))


@given(body=any_body)
@example(body="(VI_1) Entering MASTER STATE")
def test_body_grammar_never_raises_and_both_forms_agree(body: str) -> None:
    """The regex form and the pyparsing form of every template give the same fields."""
    fast = _parse(body, True)
    plain = _parse(body, False)
    assert fast == plain
    parsed = parse_body(body)
    assert parsed == dict(fast)
    assert parsed["kind"] in events.KINDS
    assert set(parsed) - {"kind"} <= set(events.BODY_FIELDS) | {"wording"}


_LAYOUTS = ("syslog", "console", "bare", "json")


@given(
    line=st.one_of(
        mutated_line().map(lambda b: b.decode("utf-8", "replace")),
        st.text(max_size=120),
    ),
    layout=st.sampled_from(_LAYOUTS),
    primary=st.sampled_from(env.STYLES),
)
def test_envelope_reader_never_raises_and_both_matchers_agree(
    line: str, layout: env.FileLayout, primary: env.Style
) -> None:
    """One envelope per line at most, the same with the fast and the plain matcher."""
    line = line.split("\n")[0]  # the reader hands out single lines
    fast = env.read_envelope(line, layout, primary, env.match_fast)
    plain = env.read_envelope(line, layout, primary, env.match_plain)
    assert fast == plain
    if fast is not None:
        assert set(fast.fields) <= set(env.FIELDS) | {"body"}
