"""Lexical and block structure of keepalived.conf: text -> tree of `Node`.

keepalived's own reader (lib/parser.c) is line oriented: every line is split
into whitespace separated tokens, a token starting with ``#`` or ``!`` starts
a comment, ``"..."`` is one token, ``{``/``}`` open and close a block, and
``include`` lines are replaced by the lines of the files they name. This
module reproduces that in two layers:

1. a pyparsing grammar for *one line* (`LINE`), which yields an optional
   ``@id`` condition and the tokens;
2. a small reader that expands includes, applies ``@`` conditions and
   ``$NAME`` definitions, and assembles the brace structure with a stack, so
   unbalanced braces are reported with the file and line of the culprit
   (a recursive pyparsing grammar would only say "expected '}'" at the end).

BNF of one logical line (continuation lines ending in ``\\`` are joined first)::

    line      ::= [condition] token* [comment]
    condition ::= '@' ['^'] id           (only as the first token)
    token     ::= quoted | brace | word
    quoted    ::= '"' (char | '\\' char)* '"'
    brace     ::= '{' | '}'
    word      ::= (any char except space, '{', '}', '"', '#', '!')
                  (any char except space, '{', '}', '"')*
    comment   ::= ('#' | '!') any*
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyparsing as pp

from kalog.errors import KalogError

__all__ = ["ConfigError", "Node", "LINE", "ConditionalLine", "Reader", "tokenize_line"]


class ConfigError(KalogError):
    """A keepalived.conf that cannot be read (syntax, missing file, include loop),
    or, read strictly, holds a value keepalived rejects (`priority abc`).

    Carries the file and line so the user can fix the config at once; a
    `KalogError`, so the command line reports it as one line with exit 2.
    """

    def __init__(self, message: str, file: str, line: int) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.message = message
        self.file = file
        self.line = line


@dataclass
class Node:
    """One statement: ``keyword arg... [{ children }]`` with its origin.

    `children` is None for a plain statement and a list (possibly empty) when
    the statement opened a block.
    """

    keyword: str
    args: list[str]
    file: str
    line: int
    condition: str | None = None
    children: list[Node] | None = None
    end_line: int | None = None  # line of the closing '}' (same file only)

    @property
    def tokens(self) -> list[str]:
        """keyword + args, as keepalived's value blocks read them."""
        return [self.keyword, *self.args]

    def find(self, keyword: str) -> list[Node]:
        """Direct children with this keyword, in order."""
        return [c for c in self.children or () if c.keyword == keyword]


@dataclass(frozen=True)
class ConditionalLine:
    """A line prefixed with ``@id`` / ``@^id`` and whether it was used."""

    condition: str
    kept: bool
    file: str
    line: int
    text: str


# --- pyparsing: one line -------------------------------------------------------------------

_WS = " \t\r\f\v"


def _el(expr: pp.ParserElement, name: str) -> pp.ParserElement:
    return expr.set_whitespace_chars(_WS).set_name(name)


CONDITION = _el(pp.Regex(r"@\^?[^\s]+"), "condition")
QUOTED = _el(pp.QuotedString('"', esc_char="\\", unquote_results=True), "quoted string")
BRACE = _el(pp.one_of("{ }"), "brace")
WORD = _el(pp.Regex(r'[^\s{}"#!][^\s{}"]*'), "word")
COMMENT = _el(pp.Regex(r"[#!].*"), "comment")
TOKEN = _el(QUOTED | BRACE | WORD, "token")

LINE = _el(
    pp.Optional(CONDITION)("condition")
    + pp.Group(pp.ZeroOrMore(TOKEN))("tokens")
    + pp.Optional(COMMENT).suppress()
    + pp.StringEnd(),
    "keepalived.conf line",
)
"""Grammar of one logical line; results names ``condition`` and ``tokens``."""

# A quoted token must stay distinguishable from a bare ``{``/``}``: mark quoted braces.
_QUOTED_BRACE = {"{": "\x00{", "}": "\x00}"}
QUOTED.add_parse_action(lambda t: _QUOTED_BRACE.get(t[0], t[0]))


def tokenize_line(text: str, file: str, lineno: int) -> tuple[str | None, list[str]]:
    """Split one logical line into (condition, tokens); raise ConfigError if it cannot."""
    try:
        res = LINE.parse_string(text, parse_all=True)
    except pp.ParseException as exc:
        if text.count('"') % 2:
            raise ConfigError("unterminated quoted string", file, lineno) from None
        raise ConfigError(f"cannot tokenize line (column {exc.column})", file, lineno) from None
    cond = res.get("condition")
    cond_str = cond[0] if isinstance(cond, pp.ParseResults) else cond
    return (cond_str or None), list(res["tokens"])


# --- reader: includes, conditions, definitions, braces ----------------------------------------

_DEF_RE = re.compile(r"^\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*=\s?(.*)$")
_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_MAX_INCLUDE_DEPTH = 32


@dataclass
class _Line:
    tokens: list[str]
    file: str
    line: int
    condition: str | None


@dataclass
class Reader:
    """Turns config text (and the files it includes) into a list of top-level `Node`.

    `config_id` selects ``@id`` lines the way ``keepalived -i id`` does; with
    None only unconditioned lines are used (keepalived itself would default
    to the host name, which a log analyser on another machine cannot know).
    """

    config_id: str | None = None
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    conditional_lines: list[ConditionalLine] = field(default_factory=list)
    _defs: dict[str, str] = field(default_factory=dict)

    # -- line stream
    def _condition_holds(self, cond: str) -> bool:
        if self.config_id is None:
            return False
        if cond.startswith("@^"):
            return cond[2:] != self.config_id
        return cond[1:] == self.config_id

    def _expand(self, text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(2)
            return self._defs.get(name, m.group(0))

        return _VAR_RE.sub(sub, text) if "$" in text else text

    def _logical_lines(self, text: str) -> list[tuple[int, str]]:
        """Join ``\\``-continued lines; keep the number of the first physical line."""
        out: list[tuple[int, str]] = []
        buf: list[str] = []
        start = 0
        for no, raw in enumerate(text.splitlines(), 1):
            if not buf:
                start = no
            stripped = raw.rstrip()
            if stripped.endswith("\\") and not stripped.endswith("\\\\"):
                buf.append(stripped[:-1])
                continue
            buf.append(raw)
            out.append((start, " ".join(buf)))
            buf = []
        if buf:
            out.append((start, " ".join(buf)))
        return out

    def lines(self, text: str, file: str, base_dir: Path, depth: int = 0) -> list[_Line]:
        """All token lines of `text`, includes expanded in place."""
        if file not in self.files:
            self.files.append(file)
        out: list[_Line] = []
        skip_depth = 0  # >0 while skipping the block opened by an unselected @ line
        for no, raw in self._logical_lines(text):
            cond, tokens = tokenize_line(raw, file, no)
            if skip_depth:
                skip_depth += tokens.count("{") - tokens.count("}")
                skip_depth = max(skip_depth, 0)
                continue
            if cond is not None:
                kept = self._condition_holds(cond)
                self.conditional_lines.append(ConditionalLine(cond, kept, file, no, raw.strip()))
                if not kept:
                    # A skipped line that opens a block skips the whole block.
                    skip_depth = max(tokens.count("{") - tokens.count("}"), 0)
                    continue
            m = _DEF_RE.match(raw if cond is None else raw.strip()[len(cond) :])
            if m:
                self._defs[m.group(1)] = self._expand(m.group(2).strip())
                continue
            if "$" in raw:
                _, tokens = tokenize_line(self._expand(raw), file, no)
            if not tokens:
                continue
            if tokens[0] == "include":
                out.extend(self._include(tokens, file, no, base_dir, depth))
                continue
            out.append(_Line(tokens, file, no, cond))
        return out

    def _include(
        self, tokens: list[str], file: str, no: int, base_dir: Path, depth: int
    ) -> list[_Line]:
        if len(tokens) < 2:
            raise ConfigError("include without a file name", file, no)
        if depth >= _MAX_INCLUDE_DEPTH:
            raise ConfigError(f"includes nested deeper than {_MAX_INCLUDE_DEPTH}", file, no)
        out: list[_Line] = []
        for pattern in tokens[1:]:
            pat = os.path.expanduser(pattern)
            if not os.path.isabs(pat):
                pat = str(base_dir / pat)
            matches = sorted(os.path.normpath(m) for m in glob.glob(pat))
            if not matches:
                self.warnings.append(f"{file}:{no}: include {pattern!r} matches no file")
                continue
            for path in matches:
                p = Path(path)
                if not p.is_file():
                    continue
                try:
                    text = p.read_text(encoding="utf-8", errors="replace")
                except OSError as exc:
                    raise ConfigError(
                        f"cannot read included file {path}: {exc}", file, no
                    ) from None
                out.extend(self.lines(text, str(p), p.parent, depth + 1))
        return out

    # -- tree
    def tree(self, lines: list[_Line]) -> list[Node]:
        """Assemble statements and braces into a tree; unbalanced braces raise ConfigError."""
        root: list[Node] = []
        stack: list[tuple[Node, list[Node]]] = []  # (block owner, its children)

        def current() -> list[Node]:
            return stack[-1][1] if stack else root

        for ln in lines:
            stmt: Node | None = None
            for tok in ln.tokens:
                if tok == "{":
                    owner = stmt
                    if owner is None:
                        # '{' first on its line: it belongs to the previous statement.
                        siblings = current()
                        if not siblings or siblings[-1].children is not None:
                            raise ConfigError("'{' without a keyword before it", ln.file, ln.line)
                        owner = siblings[-1]
                    owner.children = []
                    stack.append((owner, owner.children))
                    stmt = None
                elif tok == "}":
                    if not stack:
                        raise ConfigError("'}' without a matching '{'", ln.file, ln.line)
                    closed = stack.pop()[0]
                    if closed.file == ln.file:
                        closed.end_line = ln.line
                    stmt = None
                else:
                    tok = tok[1:] if tok.startswith("\x00") else tok
                    if stmt is None:
                        stmt = Node(tok, [], ln.file, ln.line, ln.condition)
                        current().append(stmt)
                    else:
                        stmt.args.append(tok)
        if stack:
            owner = stack[-1][0]
            raise ConfigError(f"'{{' of {owner.keyword!r} is never closed", owner.file, owner.line)
        return root


def read_tree(
    text: str, source: str, base_dir: Path, config_id: str | None
) -> tuple[list[Node], Reader]:
    """Parse `text` (named `source`) into top-level nodes, returning the reader state too."""
    reader = Reader(config_id=config_id)
    return reader.tree(reader.lines(text, source, base_dir)), reader
