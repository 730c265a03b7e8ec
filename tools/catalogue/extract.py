#!/usr/bin/env python3
"""Catalogue the log messages keepalived can print, across releases.

Usage:
    extract.py [--summary FILE] [--quiet] GIT_DIR REV... > keepalived-catalogue.tsv

GIT_DIR is a (bare) git directory of https://github.com/acassen/keepalived.
Each REV is a tag (``v2.3.4``) or ``LABEL=COMMIT`` for a release that has no
tag (keepalived 1.1.20 was never tagged: ``v1.1.20=415c72bb``).  REVs must be
given oldest first; "first"/"last" in the output follow that order.

For every REV the C sources under keepalived/ and lib/ (*.c, *.h) are read
straight from git (nothing is checked out or built) and every call of a
function or macro that ends up in keepalived's log is collected:

  * log_message(PRIORITY, FORMAT, ...), vlog_message, syslog, vsyslog, DBG()
  * report_config_error(CONFIG_..., FORMAT, ...) and its internal helpers
  * conf_write(fp, FORMAT, ...)  - configuration/state dumps (-d, SIGUSR1)
  * wrappers that add a prefix (smtp_final -> "SMTP_CHECK ",
    dns_log_message/dns_final/DNS_DBG -> "DNS_CHECK (%s) "),
    log_rate_limited_error, ...
  * any further function that forwards one of its own parameters as the
    format of one of the above is detected automatically (a "derived
    wrapper") and its callers are collected too.

Formats are C string literals joined across lines (adjacent literals
concatenated, string macros and PRIu32-style macros resolved, escapes kept
as written); #if/#else inside a call yield both variants; a ternary format
yields one row per branch; a format that is not a compile-time string is
recorded as <var:EXPRESSION>.  The constant values of %s arguments are
recorded in the args column when visible: literals and ternaries of
literals in the call, string constants assigned to a local variable of the
enclosing function, or the literals the callers pass for a parameter of the
enclosing function (one level up).

The output is one TSV row per (format, file), de-duplicated across REVs, with
columns:
  format  level  kind  file  function  first  last  tags  args  line  note  argexprs
(argexprs: the C expressions of the arguments after the format in the newest
release that prints it, joined by ' ;; '; added for kalog's vocabulary)
See README.md for the meaning of each column and the extractor's limits.

Only the Python 3 standard library is used.
"""

import argparse
import collections
import re
import subprocess
import sys

# ---------------------------------------------------------------------------
# Emitters: the functions/macros whose calls produce a log line.
#
#   level : index of the argument holding the syslog priority / config-error
#           class, or a fixed string when the emitter implies it.
#   fmt   : index of the argument holding the printf format, or 'auto' to take
#           the parameter before "..." from the function's own definition in
#           the REV being scanned (the position moved between releases).
#   kind  : log | config_error | dump
#   prefix/suffix : text the emitter adds around the caller's format.
#   note  : copied into the note column of every row the emitter produces.
# ---------------------------------------------------------------------------
EMITTERS = {
    # lib/logger.c - the core logger (syslog, plus console / log file)
    'log_message': dict(level=0, fmt=1, kind='log'),
    'vlog_message': dict(level=0, fmt=1, kind='log'),
    # direct syslog calls (1.x used a few, e.g. "sent 0 priority")
    'syslog': dict(level=0, fmt=1, kind='log'),
    'vsyslog': dict(level=0, fmt=1, kind='log'),
    # lib/utils.h: DBG() is syslog(LOG_DEBUG,...) in 1.x and log_message in
    # 2.x, but only when built with _DEBUG_ (otherwise it expands to nothing)
    'DBG': dict(level='LOG_DEBUG', fmt=0, kind='log',
                note='DBG(): only in builds with _DEBUG_'),
    # lib/parser.c - configuration errors (2.0+).  Logged at LOG_INFO with a
    # "(Line N) " or "(FILE: Line N) " prefix while parsing; printed on stderr
    # instead with -t (config test).
    'report_config_error': dict(level=0, fmt=1, kind='config_error'),
    'vreport_config_error': dict(level=0, fmt=1, kind='config_error'),
    'file_config_error': dict(level=0, fmt=1, kind='config_error'),
    # lib/logger.c conf_write(fp, ...): the dump writer.  With fp == NULL it
    # is log_message(LOG_INFO, ...) - that is how -d/--dump-conf dumps reach
    # the log; on SIGUSR1 it writes /tmp/keepalived.data instead.
    'conf_write': dict(level='LOG_INFO', fmt=1, kind='dump'),
    # keepalived/vrrp/vrrp.c (2.3.3+): vlog_message(LOG_INFO) once per flag
    'log_rate_limited_error': dict(level='LOG_INFO', fmt=2, kind='log',
                                   note='rate limited: logged once until the condition clears'),
    # keepalived/check/check_smtp.c: prefixes "SMTP_CHECK " to the format
    # (1.x: memcpy + vsnprintf + log_message; 2.x: strcat + vlog_message).
    'smtp_final': dict(level='LOG_INFO', fmt='auto', kind='log',
                       prefix='SMTP_CHECK ',
                       note='via smtp_final(): logged only while the checker is up / on the last retry'),
    # keepalived/check/check_dns.c (1.3+): log_message(level, "DNS_CHECK (%s) %s", FMT_CHK, buf)
    'dns_log_message': dict(level=1, fmt=2, kind='log', prefix='DNS_CHECK (%s) '),
    'DNS_DBG': dict(level='LOG_DEBUG', fmt=0, kind='log', prefix='DNS_CHECK (%s) ',
                    note='DNS_DBG(): only in builds with _DEBUG_/_CHECKER_DEBUG_'),
    'dns_final': dict(level='LOG_INFO', fmt='auto', kind='log', prefix='DNS_CHECK (%s) ',
                      note='via dns_final(): 2.x appends " after %u retries" when retries are exhausted'),
}

# Functions that take a format but do NOT write to keepalived's log; their
# bodies are not treated as wrappers and their calls are not collected.
NOT_EMITTERS = {
    'log_mem_check_message',   # writes the --enable-mem-check log file
    'vty_out',                 # 1.2.x vty terminal output
    'jsonw_printf', 'jsonw_vprintf_enquote',   # JSON dump (SIGJSON)
    'ipset_printf',            # libipset callback, format comes from libipset
    'netlink_socket',          # variadic, not a logger
    'printf', 'fprintf', 'vfprintf', 'snprintf', 'vsnprintf', 'sprintf',
}

# Integer-format macros from <inttypes.h> (x86_64 glibc values) and the ones
# keepalived's configure defines (PRI_tv_sec, PRI_rlim_t, ...).  "%" PRIu32
# therefore becomes %u, "%" PRIu64 becomes %lu.
BUILTIN_MACROS = {
    'PRIu8': 'u', 'PRIu16': 'u', 'PRIu32': 'u', 'PRIu64': 'lu',
    'PRId8': 'd', 'PRId16': 'd', 'PRId32': 'd', 'PRId64': 'ld',
    'PRIi8': 'i', 'PRIi16': 'i', 'PRIi32': 'i', 'PRIi64': 'li',
    'PRIx8': 'x', 'PRIx16': 'x', 'PRIx32': 'x', 'PRIx64': 'lx',
    'PRIX8': 'X', 'PRIX16': 'X', 'PRIX32': 'X', 'PRIX64': 'lX',
    'PRIo32': 'o', 'PRIo64': 'lo',
    'PRIuPTR': 'lu', 'PRIxPTR': 'lx', 'PRIdPTR': 'ld',
    'PRIuMAX': 'lu', 'PRIdMAX': 'ld', 'PRIxMAX': 'lx',
    'PRIuFAST32': 'lu', 'PRIuLEAST32': 'u',
    # keepalived configure.ac (AC_DEFINE / AH_TEMPLATE), 64-bit values
    'PRI_time_t': 'ld', 'PRI_tv_sec': 'ld', 'PRI_tv_usec': 'ld',
    'PRI_ts_sec': 'ld', 'PRI_ts_nsec': 'ld', 'PRI_rlim_t': 'lu',
    'PRI_ino_t': 'lu', 'PRI_MSG_CONTROLLEN': 'zu', 'PRI_nlink_t': 'lu', 'PRI_size_t': 'zu',
}

C_KEYWORDS_BEFORE_CALL = {'return', 'else', 'do', 'case', 'sizeof'}

# ---------------------------------------------------------------------------
# git access
# ---------------------------------------------------------------------------

def git(git_dir, *args, data=None):
    """Run git against GIT_DIR and return stdout as bytes."""
    res = subprocess.run(['git', '--git-dir', git_dir] + list(args),
                         input=data, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=True)
    return res.stdout


def list_sources(git_dir, rev):
    """Paths of the *.c / *.h files under keepalived/ and lib/ at REV."""
    out = git(git_dir, 'ls-tree', '-r', '-z', '--name-only', rev, '--',
              'keepalived', 'lib')
    paths = [p for p in out.decode('utf-8', 'replace').split('\0') if p]
    # *.h.in: autoconf templates (1.x lib/config.h.in defines VERSION_STRING)
    return sorted(p for p in paths if p.endswith(('.c', '.h', '.h.in')))


def read_blobs(git_dir, rev, paths):
    """Return {path: text} using one `git cat-file --batch` process."""
    req = ''.join('%s:%s\n' % (rev, p) for p in paths).encode()
    out = git(git_dir, 'cat-file', '--batch', data=req)
    files, pos = {}, 0
    for p in paths:
        nl = out.index(b'\n', pos)
        header = out[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[1] != b'blob':
            continue
        size = int(header[2])
        files[p] = out[pos:pos + size].decode('utf-8', 'replace')
        pos += size + 1
    return files


# ---------------------------------------------------------------------------
# Lexical helpers
# ---------------------------------------------------------------------------

def strip_comments(text):
    """Replace C/C++ comments by spaces (newlines kept, so line numbers and
    column positions are unchanged).  String and char literals are kept."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '/' and i + 1 < n and text[i + 1] == '*':
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != '\n':
                    out[k] = ' '
            i = j
        elif c == '/' and i + 1 < n and text[i + 1] == '/':
            j = i
            while j < n and text[j] != '\n':
                # a backslash-newline continues a // comment
                if text[j] == '\\' and j + 1 < n and text[j + 1] == '\n':
                    out[j] = ' '
                    j += 2
                    continue
                out[j] = ' '
                j += 1
            i = j
        elif c in '"\'':
            j = skip_literal(text, i)
            i = j
        else:
            i += 1
    return ''.join(out)


def skip_literal(text, i):
    """text[i] is a quote; return the index just after the closing quote
    (or the end of the line for an unterminated literal)."""
    q = text[i]
    j, n = i + 1, len(text)
    while j < n:
        c = text[j]
        if c == '\\':
            j += 2
            continue
        if c == q:
            return j + 1
        if c == '\n':          # unterminated (e.g. an apostrophe in #error)
            return j
        j += 1
    return n


TOKEN_RE = re.compile(r'''
    (?P<str>(?:u8|[LuU])?"(?:[^"\\\n]|\\.)*")
  | (?P<chr>(?:[LuU])?'(?:[^'\\\n]|\\.)*')
  | (?P<id>[A-Za-z_]\w*)
  | (?P<num>\.?\d[\w.]*(?:[eEpP][-+]\w*)?)
  | (?P<ws>\s+)
  | (?P<op>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||\#\#|\.\.\.|[-+*/%&|^!~<>=?:;,.()\[\]{}\#])
  | (?P<other>.)
''', re.X | re.S)


def tokenize(text):
    """Tokenise a C expression: list of (kind, text); whitespace dropped."""
    toks = []
    for m in TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind != 'ws':
            toks.append((kind, m.group()))
    return toks


def literal_body(tok):
    """Raw (still C-escaped) contents of a string literal token."""
    s = tok[tok.index('"') + 1:-1]
    return s.replace('\t', '\\t')      # a raw TAB inside a literal


# ---------------------------------------------------------------------------
# Pre-processing: directives, dead code, views
# ---------------------------------------------------------------------------

DIRECTIVE_RE = re.compile(r'^\s*#\s*(\w+)')


class Source:
    """One C file with the views the extractor needs.

    code  : comment-free text, dead (#if 0) code and non-#define directives
            blanked, #define bodies kept (continuation backslashes blanked).
            Same length/line layout as the original.
    depth : like code but only the first branch of every conditional and no
            directives at all - used to find function bodies by brace depth.
    cond  : {line: 'if'|'elif'|'else'|'endif'} for conditional directives
    blocks: {if_line: [if_line, elif/else lines..., endif_line]}
    block_of: {directive line: if_line of its block}
    define_lines: set of lines that belong to a #define
    """

    def __init__(self, path, text):
        self.path = path
        clean = strip_comments(text.replace('\r\n', '\n').replace('\r', '\n'))
        lines = clean.split('\n')
        nlines = len(lines)
        # --- find directives (with their continuation lines) -------------
        directive = [None] * nlines       # keyword for the first line
        in_directive = [False] * nlines   # any line of a directive
        i = 0
        while i < nlines:
            m = DIRECTIVE_RE.match(lines[i])
            if m:
                kw = m.group(1)
                directive[i] = kw
                j = i
                in_directive[j] = True
                while lines[j].rstrip().endswith('\\') and j + 1 < nlines:
                    j += 1
                    in_directive[j] = True
                    directive[j] = directive[j] or ('+' + kw)
                i = j + 1
            else:
                i += 1
        # --- conditional structure ---------------------------------------
        self.cond, self.blocks, self.block_of = {}, {}, {}
        stack = []
        dead = [False] * nlines
        snapshot = [()] * nlines      # open blocks (if_line, branch) per line
        # state per open block: [if_line, branch_no, is_if0, is_if1]
        for i in range(nlines):
            kw = directive[i]
            if kw in ('if', 'ifdef', 'ifndef'):
                expr = lines[i].split(kw, 1)[1].strip() if kw == 'if' else ''
                is0 = kw == 'if' and expr in ('0', '(0)')
                is1 = kw == 'if' and expr in ('1', '(1)')
                stack.append([i, 0, is0, is1])
                self.cond[i] = 'if'
                self.blocks[i] = [i]
                self.block_of[i] = i
            elif kw in ('elif', 'else') and stack:
                stack[-1][1] += 1
                self.cond[i] = kw
                self.blocks[stack[-1][0]].append(i)
                self.block_of[i] = stack[-1][0]
            elif kw == 'endif' and stack:
                blk = stack.pop()
                self.cond[i] = 'endif'
                self.blocks[blk[0]].append(i)
                self.block_of[i] = blk[0]
            # line classification (after processing this line's directive)
            d = False
            for (_, br, is0, is1) in stack:
                if (is0 and br == 0) or (is1 and br > 0):
                    d = True
            dead[i] = d
            snapshot[i] = tuple((b[0], b[1], b[2]) for b in stack)
        # blocks never closed (broken file): close them at EOF
        for blk in stack:
            self.blocks[blk[0]].append(nlines)
        # Brace matching needs one consistent branch of every conditional
        # (alternative bodies often open the same brace twice).  "primary"
        # keeps the first branch (the #else of an #if 0), "alternate" the
        # last branch; function bodies are looked up in both views.
        primary = [True] * nlines
        alternate = [True] * nlines
        for i in range(nlines):
            for (blk, br, is0) in snapshot[i]:
                last = len(self.blocks[blk]) - 2
                if (is0 and br == 0) or (not is0 and br > 0):
                    primary[i] = False
                if br != last:
                    alternate[i] = False
        # --- build views -------------------------------------------------
        code, depth, depth_alt = [], [], []
        self.define_lines = set()
        self.define_start = {}        # line -> first line of its #define
        cur_define = None
        for i, line in enumerate(lines):
            if directive[i] == 'define':
                cur_define = i
            if directive[i] in ('define', '+define'):
                self.define_start[i] = cur_define
            kw = directive[i]
            blank = ' ' * len(line)
            if dead[i] and not self.cond.get(i):
                code.append(blank)
                depth.append(blank)
                depth_alt.append(blank)
                continue
            if kw is None:
                code.append(line)
                depth.append(line if primary[i] else blank)
                depth_alt.append(line if alternate[i] else blank)
            elif kw in ('define', '+define'):
                self.define_lines.add(i)
                ln = line.rstrip()
                if ln.endswith('\\'):
                    line = line[:len(ln) - 1] + ' ' + line[len(ln):]
                if kw == 'define':
                    # blank the "#define" keyword itself
                    line = re.sub(r'#\s*define', lambda m: ' ' * len(m.group()), line, 1)
                code.append(line)
                depth.append(blank)
                depth_alt.append(blank)
            else:
                code.append(blank)
                depth.append(blank)
                depth_alt.append(blank)
        self.lines = code
        self.code = '\n'.join(code)
        self.depth = '\n'.join(depth)
        self.line_start = []
        pos = 0
        for line in code:
            self.line_start.append(pos)
            pos += len(line) + 1
        self.literal_mask = literal_spans(self.code)
        self.functions = find_functions(self.depth)
        self.functions_alt = find_functions('\n'.join(depth_alt))

    def line_of(self, pos):
        """0-based line of a character offset."""
        lo, hi = 0, len(self.line_start) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_start[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def in_literal(self, pos):
        return self.literal_mask[pos]

    def function_at(self, pos):
        """(name, params, (start, end)) of the function body containing pos,
        or (None, None, None)."""
        for funcs in (self.functions, self.functions_alt):
            for (start, end, name, params) in funcs:
                if start <= pos <= end:
                    return name, params, (start, end)
        return None, None, None


def literal_spans(text):
    """bytearray: 1 where the character is inside a string/char literal."""
    mask = bytearray(len(text) + 1)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in '"\'':
            j = skip_literal(text, i)
            for k in range(i, j):
                mask[k] = 1
            i = j
        else:
            i += 1
    return mask


def find_functions(depth_text):
    """Find top-level function bodies: list of (start, end, name, params)."""
    funcs = []
    i, n = 0, len(depth_text)
    level = 0
    open_pos = None
    while i < n:
        c = depth_text[i]
        if c in '"\'':
            i = skip_literal(depth_text, i)
            continue
        if c == '{':
            if level == 0:
                open_pos = i
            level += 1
        elif c == '}':
            level -= 1
            if level == 0 and open_pos is not None:
                name, params = function_header(depth_text, open_pos)
                if name:
                    funcs.append((open_pos, i, name, params))
                open_pos = None
            if level < 0:
                level = 0
        i += 1
    return funcs


IDENT_BEFORE_RE = re.compile(r'([A-Za-z_]\w*)\s*$')


def function_header(text, brace):
    """Given the position of a top-level '{', return (name, [param names])
    if it opens a function body, else (None, None)."""
    j = brace - 1
    while True:
        while j >= 0 and text[j].isspace():
            j -= 1
        if j < 0 or text[j] != ')':
            return None, None
        close = j
        k = match_back(text, close)
        if k is None:
            return None, None
        m = IDENT_BEFORE_RE.search(text, max(0, k - 200), k)
        if not m:
            return None, None
        name = m.group(1)
        if name in ('__attribute__', '__attribute'):
            j = m.start() - 1     # skip the attribute, look further back
            continue
        if name in ('if', 'while', 'for', 'switch', 'return', 'sizeof'):
            return None, None
        return name, param_names(text[k + 1:close])


def match_back(text, close):
    """Index of the '(' matching the ')' at text[close] (no literals)."""
    d = 0
    j = close
    while j >= 0:
        c = text[j]
        if c == ')':
            d += 1
        elif c == '(':
            d -= 1
            if d == 0:
                return j
        j -= 1
    return None


def param_names(plist):
    """Parameter names of a prototype parameter list ('...' kept)."""
    names = []
    for p in split_top(plist, ','):
        p = p.strip()
        if p == '...':
            names.append('...')
            continue
        # strip array suffixes / attributes / function-pointer syntax
        p = re.sub(r'__attribute__\s*\(\(.*?\)\)|__attribute\s*\(\(.*?\)\)', ' ', p)
        p = re.sub(r'\[[^\]]*\]', '', p)
        m = re.search(r'\(\s*\*\s*([A-Za-z_]\w*)\s*\)', p)
        if m:
            names.append(m.group(1))
            continue
        m = re.search(r'([A-Za-z_]\w*)\s*$', p)
        names.append(m.group(1) if m else '')
    return names


def split_top(text, sep):
    """Split on sep at paren/bracket/brace depth 0, outside literals."""
    parts, d, cur, i, n = [], 0, [], 0, len(text)
    while i < n:
        c = text[i]
        if c in '"\'':
            j = skip_literal(text, i)
            cur.append(text[i:j])
            i = j
            continue
        if c in '([{':
            d += 1
        elif c in ')]}':
            d -= 1
        if c == sep and d == 0:
            parts.append(''.join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append(''.join(cur))
    return parts


# ---------------------------------------------------------------------------
# Assembling a (possibly multi-line, possibly #ifdef-split) call
# ---------------------------------------------------------------------------

def assemble_call(src, open_pos, variant):
    """Return the argument text of the call whose '(' is at open_pos, joined
    across lines.  Conditional directives inside the call are resolved:
    variant 'A' takes the first branch of every #if opened inside the call,
    variant 'B' the #else branch (or nothing).  A #else/#elif of a block
    opened *before* the call ends the branch the call started in, so the
    text jumps to that block's #endif."""
    lines = src.lines
    li = src.line_of(open_pos)
    col = open_pos - src.line_start[li]
    out = []
    depth = 0
    local = []          # [if_line, end_of_chosen_branch_line]
    started = False
    nl = len(lines)
    while li < nl:
        kind = src.cond.get(li)
        if kind:
            blk = src.block_of[li]
            if kind == 'if':
                branches = src.blocks[blk]
                if variant == 'A':
                    choice = 0
                else:
                    choice = None
                    for bi in range(1, len(branches) - 1):
                        if src.cond.get(branches[bi]) == 'else':
                            choice = bi
                endif = branches[-1]
                if choice is None:
                    li = endif + 1
                else:
                    local.append((blk, branches[choice + 1]))
                    li = branches[choice] + 1
                col = 0
                continue
            if local and local[-1][0] == blk:
                # end of the chosen branch of a block opened inside the call
                endif = src.blocks[blk][-1]
                local.pop()
                li = endif + 1
                col = 0
                continue
            if kind in ('else', 'elif'):
                # leaving the branch the call started in: go to its #endif
                li = src.blocks[blk][-1] + 1
                col = 0
                continue
            li += 1
            col = 0
            continue
        line = lines[li]
        i = col
        while i < len(line):
            c = line[i]
            if c in '"\'':
                j = skip_literal(line, i)
                out.append(line[i:j])
                i = j
                continue
            if c == '(':
                depth += 1
                started = True
                if depth == 1:
                    i += 1
                    continue
            elif c == ')':
                depth -= 1
                if started and depth == 0:
                    return ''.join(out)
            out.append(c)
            i += 1
        out.append('\n')
        li += 1
        col = 0
    return None


# ---------------------------------------------------------------------------
# Evaluating format / argument expressions
# ---------------------------------------------------------------------------

class MacroTable:
    """Object-like #define macros whose bodies are string literals and/or
    other macros, collected from every file of one REV."""

    DEF_RE = re.compile(r'^\s*([A-Za-z_]\w*)(?!\w|\()\s*(.*)$', re.S)

    def __init__(self):
        self.defs = {}

    def add_source(self, src):
        # re-join each #define (the code view keeps them, keyword blanked)
        bodies = collections.OrderedDict()
        for li in sorted(src.define_lines):
            bodies.setdefault(src.define_start[li], []).append(src.lines[li])
        for body in bodies.values():
            self._add(' '.join(body))

    def _add(self, text):
        m = self.DEF_RE.match(text)
        if not m:
            return
        name, body = m.group(1), m.group(2).strip()
        if not body:
            return
        toks = tokenize(body)
        if not toks or any(k not in ('str', 'id') for k, _ in toks):
            return
        if not any(k == 'str' for k, _ in toks) and len(toks) != 1:
            return
        self.defs.setdefault(name, toks)

    def resolve(self, name, seen=()):
        """Return the raw string a macro expands to, or None."""
        if name in BUILTIN_MACROS:
            return BUILTIN_MACROS[name]
        toks = self.defs.get(name)
        if toks is None or name in seen:
            return None
        parts = []
        for k, t in toks:
            if k == 'str':
                # @VERSION@-style autoconf substitutions -> {VERSION}
                parts.append(re.sub(r'@(\w+)@', r'{\1}', literal_body(t)))
            else:
                r = self.resolve(t, seen + (name,))
                if r is None:
                    return None
                parts.append(r)
        return ''.join(parts)


def strip_parens(toks):
    """Remove parentheses enclosing the whole token list."""
    while len(toks) >= 2 and toks[0][1] == '(' and toks[-1][1] == ')':
        d = 0
        for idx, (_, t) in enumerate(toks):
            if t == '(':
                d += 1
            elif t == ')':
                d -= 1
                if d == 0 and idx != len(toks) - 1:
                    return toks
        toks = toks[1:-1]
    return toks


def split_ternary(toks):
    """If toks is 'c ? a : b' at top level, return (c, a, b), else None."""
    d = 0
    q = None
    for idx, (_, t) in enumerate(toks):
        if t in '([{':
            d += 1
        elif t in ')]}':
            d -= 1
        elif d == 0 and t == '?' and q is None:
            q = idx
            break
    if q is None:
        return None
    d = 0
    nest = 0
    for idx in range(q + 1, len(toks)):
        t = toks[idx][1]
        if t in '([{':
            d += 1
        elif t in ')]}':
            d -= 1
        elif d == 0 and t == '?':
            nest += 1
        elif d == 0 and t == ':':
            if nest == 0:
                return toks[:q], toks[q + 1:idx], toks[idx + 1:]
            nest -= 1
    return None


def expr_text(toks):
    """Compact source text of a token list."""
    s = ' '.join(t for _, t in toks)
    s = re.sub(r' ?(->|\.|\(|\)|\[|\]) ?', r'\1', s)
    return s


def eval_string_expr(toks, macros, params=()):
    """Evaluate a format (or argument) expression.

    Returns a list of alternatives; each alternative is
      ('lit', raw_text, notes)  - a string (C escapes kept as written)
      ('var', expr_text, notes) - not a compile-time string
    A ternary yields the alternatives of both branches.  params are macro
    parameter names (a '#param' stringification becomes %s)."""
    toks = strip_parens(toks)
    if not toks:
        return [('var', '', [])]
    tern = split_ternary(toks)
    if tern:
        _, a, b = tern
        return eval_string_expr(a, macros, params) + eval_string_expr(b, macros, params)
    parts, notes = [], []
    has_str = any(k == 'str' for k, _ in toks)
    idx = 0
    while idx < len(toks):
        k, t = toks[idx]
        if k == 'str':
            parts.append(literal_body(t))
        elif k == 'id':
            r = macros.resolve(t)
            if r is None:
                if not has_str:
                    return [('var', expr_text(toks), [])]
                parts.append('{%s}' % t)
                notes.append('unresolved macro %s' % t)
            else:
                parts.append(r)
        elif t == '#' and idx + 1 < len(toks) and toks[idx + 1][1] in params:
            parts.append('%s')
            notes.append('stringified macro parameter #%s shown as %%s' % toks[idx + 1][1])
            idx += 1
        else:
            return [('var', expr_text(toks), [])]
        idx += 1
    return [('lit', ''.join(parts), notes)]


# ---------------------------------------------------------------------------
# Finding calls
# ---------------------------------------------------------------------------

def strip_literals(text):
    """text with the contents of string/char literals removed."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i] in '"\'':
            j = skip_literal(text, i)
            out.append('""')
            i = j
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def prev_token(text, pos):
    """The significant token that ends just before pos (skipping spaces)."""
    j = pos - 1
    while j >= 0 and text[j].isspace():
        j -= 1
    if j < 0:
        return ''
    if text[j].isalnum() or text[j] == '_':
        k = j
        while k >= 0 and (text[k].isalnum() or text[k] == '_'):
            k -= 1
        return text[k + 1:j + 1]
    if text[j] == ')':
        # is it the closing paren of an __attribute__((...))?
        k = match_back(text, j)
        if k is not None:
            m = IDENT_BEFORE_RE.search(text, max(0, k - 40), k)
            if m and m.group(1) in ('__attribute__', '__attribute'):
                return '__attribute__'
    if text[j] == '>' and j > 0 and text[j - 1] == '-':
        return '->'
    return text[j]


def is_declaration(src, name_pos, args_text):
    """True for prototypes/definitions (not calls)."""
    if args_text is not None and '...' in strip_literals(args_text):
        return True
    prev = prev_token(src.code, name_pos)
    if prev in ('.', '->', '#', '&'):
        return True          # struct member / stringification / address-of
    if prev and (prev[0].isalpha() or prev[0] == '_'):
        return prev not in C_KEYWORDS_BEFORE_CALL
    if prev in ('*', '__attribute__'):
        return True
    return False


# Conditions that make a message depend on keepalived's command line:
# -D/--log-detail sets LOG_DETAIL_BIT (1.2.17+) or "debug & 32" (older);
# -a/--address-monitoring sets LOG_ADDRESS_CHANGES (2.x checker process).
GUARDS = [
    (re.compile(r'LOG_EXTRA_DETAIL_BIT'), '[-D extra] only with extra log detail (LOG_EXTRA_DETAIL_BIT)'),
    (re.compile(r'LOG_DETAIL_BIT|\bdebug\s*&\s*32\b'), '[-D] only with -D/--log-detail'),
    (re.compile(r'LOG_ADDRESS_CHANGES'), '[-a] only with -a/--address-monitoring'),
]


def prev_boundary(src, pos, stop):
    """Index of the nearest ';', '{' or '}' before pos (outside literals),
    or stop - 1."""
    j = pos - 1
    while j >= stop:
        c = src.code[j]
        if c in ';{}' and not src.in_literal(j):
            return j
        j -= 1
    return stop - 1


def guard_note(src, pos, span):
    """Best effort: is the call at pos inside 'if (...LOG_DETAIL_BIT...)'
    (directly, or as the innermost braced block)?"""
    stop = span[0] if span else max(0, pos - 4000)
    headers = []
    b = prev_boundary(src, pos, stop)
    headers.append(src.code[b + 1:pos])            # "if (x) log_message"
    # the innermost enclosing '{' and the text before it
    depth, j = 0, pos - 1
    while j > stop:
        c = src.code[j]
        if not src.in_literal(j):
            if c == '}':
                depth += 1
            elif c == '{':
                if depth == 0:
                    b2 = prev_boundary(src, j, stop)
                    headers.append(src.code[b2 + 1:j])
                    break
                depth -= 1
        j -= 1
    for h in headers:
        m = re.search(r'\bif\s*\((.*)\)\s*$', h, re.S)
        if not m:
            continue
        cond = m.group(1)
        for rx, note in GUARDS:
            mm = rx.search(cond)
            if mm:
                if '||' in cond:
                    return None
                if re.search(r'!\s*(__test_bit\s*\()?\s*$', cond[:mm.start()]):
                    return '[not -D] only without -D/--log-detail'
                return note
    return None


def macro_name_at(src, pos):
    """Name of the #define containing pos (or None)."""
    li = src.line_of(pos)
    if li not in src.define_lines:
        return None
    m = re.match(r'^\s*([A-Za-z_]\w*)', src.lines[src.define_start[li]])
    return m.group(1) if m else None


def macro_params_at(src, pos):
    """If pos is inside a function-like #define, return its parameter names."""
    li = src.line_of(pos)
    if li not in src.define_lines:
        return None
    start = src.define_start[li]
    m = re.match(r'^\s*([A-Za-z_]\w*)\(([^)]*)\)', src.lines[start])
    if not m:
        return None
    return [p.strip().rstrip('.').strip() for p in m.group(2).split(',')]


class Call:
    """One emitting call (one alternative of its format) in one REV."""


def find_calls(src, emitters, macros, rev):
    """All emitter calls in one Source -> list of Call."""
    names = sorted(emitters, key=len, reverse=True)
    if not names:
        return []
    call_re = re.compile(r'(?<![\w])(%s)\s*\(' % '|'.join(map(re.escape, names)))
    calls = []
    for m in call_re.finditer(src.code):
        if src.in_literal(m.start()):
            continue
        name = m.group(1)
        spec = emitters[name]
        open_pos = m.end() - 1
        variants = []
        for v in ('A', 'B'):
            t = assemble_call(src, open_pos, v)
            if t is not None and t not in variants:
                variants.append(t)
        if not variants:
            continue
        if is_declaration(src, m.start(), variants[0]):
            continue
        func, fparams, span = src.function_at(m.start())
        mparams = macro_params_at(src, m.start())
        line = src.line_of(m.start()) + 1
        for args_text in variants:
            args = [a.strip() for a in split_top(args_text, ',')]
            fi = spec['fmt']
            if fi == 'auto':
                fi = spec.get('_auto', {}).get(rev)
                if fi is None:
                    continue
            if fi >= len(args):
                continue
            # level / class
            lv = spec['level']
            if isinstance(lv, int):
                level = expr_text(tokenize(args[lv])) if lv < len(args) else '?'
                if fparams and level in fparams:
                    level = 'param:' + level     # set by the caller
            else:
                level = lv
            ftoks = tokenize(args[fi])
            alts = eval_string_expr(ftoks, macros, tuple(mparams or ()))
            # constant string arguments are resolved later (resolve_args)
            argnotes = {}
            for kind_, txt, notes in alts:
                c = Call()
                c.rev, c.path, c.line = rev, src.path, line
                # inside a #define: name the macro
                c.function = func or (macro_name_at(src, m.start()) or '')
                c.emitter = name
                c.level = level
                c.kind = spec['kind']
                c.notes = list(notes)
                c.guard = guard_note(src, m.start(), span)
                if spec.get('note'):
                    c.notes.append(spec['note'])
                if spec.get('_derived'):
                    c.notes.append('via %s()' % name)
                c.args = argnotes
                if kind_ == 'var' and txt == 'NULL':
                    continue          # smtp_final(thread, NULL): no message
                if kind_ == 'var':
                    c.is_var = True
                    c.format = txt
                    # a parameter of the enclosing function / macro: this
                    # call is the body of a wrapper, not a message
                    bare = txt.lstrip('#').strip()      # "## args" in a macro
                    if (fparams and bare in fparams) or (mparams and bare in mparams):
                        c.notes.append('wrapper-forward')
                else:
                    c.is_var = False
                    c.format = spec.get('prefix', '') + txt + spec.get('suffix', '')
                if c.kind == 'log' and func and re.search(r'(^|_)dump(_|$)', func):
                    c.kind = 'dump'
                # keep the parameter lists for wrapper detection
                c._fparams = fparams
                c._mparams = mparams
                c._fidx = fi
                c._level_expr = args[lv].strip() if isinstance(lv, int) and lv < len(args) else None
                c._rest = args[fi + 1:]
                c._src = src
                c._span = span
                calls.append(c)
    return calls


# ---------------------------------------------------------------------------
# Constant values of %s arguments
# ---------------------------------------------------------------------------

IDENT_RE = re.compile(r'^[A-Za-z_]\w*$')


def literal_values(expr, macros):
    """Values of an argument expression that is a string literal, a string
    macro or a ternary of those: (list of values, partial?) or None when
    the expression contains no literal at all."""
    toks = tokenize(expr)
    if not any(k == 'str' for k, _ in toks) and not (
            len(toks) == 1 and toks[0][0] == 'id' and macros.resolve(toks[0][1]) is not None
            and toks[0][1] not in BUILTIN_MACROS):
        return None
    vals, partial = [], False
    for kind_, txt, _ in eval_string_expr(toks, macros):
        if kind_ == 'lit':
            vals.append(txt)
        elif txt != 'NULL':
            partial = True
    return vals, partial


def local_assignments(src, span, name, macros):
    """Values assigned to a local variable inside a function body, if all
    of them are string constants (NULL ignored): (values, partial)."""
    if not span:
        return None
    body = src.code[span[0]:span[1]]
    vals, partial, seen = [], False, False
    for m in re.finditer(r'(?<![\w.>])%s\s*=(?!=)\s*([^;]*);' % re.escape(name), body):
        seen = True
        r = literal_values(m.group(1), macros)
        if r is None:
            if m.group(1).strip() != 'NULL':
                partial = True
            continue
        vals.extend(r[0])
        partial = partial or r[1]
    if not seen or not vals:
        return None
    return vals, partial


def call_sites(sources, names):
    """{function name: [(src, args, span)]} for every call of `names`."""
    out = collections.defaultdict(list)
    if not names:
        return out
    rx = re.compile(r'(?<![\w.>])(%s)\s*\(' % '|'.join(map(re.escape, sorted(names))))
    for src in sources:
        for m in rx.finditer(src.code):
            if src.in_literal(m.start()):
                continue
            text = assemble_call(src, m.end() - 1, 'A')
            if text is None or is_declaration(src, m.start(), text):
                continue
            _, _, span = src.function_at(m.start())
            out[m.group(1)].append((src, [a.strip() for a in split_top(text, ',')], span))
    return out


def resolve_args(calls, sources, macros):
    """Fill c.args = {n: (values, partial)} for the %s-style arguments whose
    values are visible: literals/ternaries in the call, string constants
    assigned to a local variable, or - for a parameter of the enclosing
    function - the constants its callers pass."""
    wanted = collections.defaultdict(set)     # function -> param indexes
    for c in calls:
        c.args = {}
        for n, a in enumerate(c._rest, 1):
            r = literal_values(a, macros)
            if r is None and IDENT_RE.match(a):
                r = local_assignments(c._src, c._span, a, macros)
                if r is None and c._fparams and a in c._fparams:
                    wanted[c.function].add(c._fparams.index(a))
                    continue
            if r is not None:
                c.args[n] = r
    sites = call_sites(sources, set(wanted))
    for c in calls:
        for n, a in enumerate(c._rest, 1):
            if n in c.args or not (c._fparams and a in c._fparams):
                continue
            k = c._fparams.index(a)
            vals, partial = [], False
            for (src, args, span) in sites.get(c.function, []):
                if k >= len(args):
                    continue
                r = literal_values(args[k], macros)
                if r is None and IDENT_RE.match(args[k]):
                    r = local_assignments(src, span, args[k], macros)
                if r is None:
                    partial = True
                    continue
                vals.extend(r[0])
                partial = partial or r[1]
            if vals:
                c.args[n] = (vals, partial)


# ---------------------------------------------------------------------------
# One REV
# ---------------------------------------------------------------------------

def auto_format_index(sources, name):
    """Index of the format parameter in the definition of `name`."""
    for src in sources:
        for (_, _, fname, params) in src.functions + src.functions_alt:
            if fname == name and params and '...' in params:
                return params.index('...') - 1
    return None


def scan_rev(git_dir, label, rev, log):
    paths = list_sources(git_dir, rev)
    texts = read_blobs(git_dir, rev, paths)
    sources = [Source(p, texts[p]) for p in paths if p in texts]
    macros = MacroTable()
    for s in sources:
        macros.add_source(s)
    emitters = {k: dict(v) for k, v in EMITTERS.items()}
    for name, spec in emitters.items():
        if spec['fmt'] == 'auto':
            spec['_auto'] = {label: auto_format_index(sources, name)}
    # iterate: collect calls, derive wrappers, repeat with the new emitters
    derived = {}
    while True:
        calls = []
        for s in sources:
            calls.extend(find_calls(s, emitters, macros, label))
        new = {}
        for c in calls:
            if not c.is_var or 'wrapper-forward' not in c.notes:
                continue
            if not c._fparams or c.format not in c._fparams:
                continue          # macro wrappers are listed in EMITTERS
            f = c.function
            if f in emitters or f in NOT_EMITTERS or f in new:
                continue
            fidx = c._fparams.index(c.format)
            spec = dict(fmt=fidx, kind=c.kind, _derived=True,
                        prefix=emitters[c.emitter].get('prefix', ''))
            if c._level_expr and c._level_expr in c._fparams:
                spec['level'] = c._fparams.index(c._level_expr)
            else:
                spec['level'] = c.level
            new[f] = spec
        if not new:
            break
        for f, spec in new.items():
            derived[f] = spec
            emitters[f] = spec
            log('  %s: derived wrapper %s(fmt arg %d, level %s, kind %s)' %
                (label, f, spec['fmt'], spec['level'], spec['kind']))
    # report variadic functions that look like loggers but are unknown
    for s in sources:
        for (_, _, fname, params) in s.functions + s.functions_alt:
            if params and '...' in params and fname not in emitters and fname not in NOT_EMITTERS:
                log('  %s: NOTE unknown variadic function %s() in %s' % (label, fname, s.path))
    unresolved = collections.Counter()
    for c in calls:
        for n in c.notes:
            if n.startswith('unresolved macro'):
                unresolved[n] += 1
    for n, cnt in unresolved.most_common():
        log('  %s: %s (x%d)' % (label, n, cnt))
    calls = [c for c in calls if 'wrapper-forward' not in c.notes]
    resolve_args(calls, sources, macros)
    return calls


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

COLUMNS = ['format', 'level', 'kind', 'file', 'function', 'first', 'last',
           'tags', 'args', 'line', 'note', 'argexprs']


def tag_ranges(tags, labels):
    """Compress a list of covered tags into 'a-b,c' runs (covered order)."""
    idx = sorted(labels.index(t) for t in tags)
    runs, start = [], idx[0]
    for a, b in zip(idx, idx[1:] + [None]):
        if b != a + 1:
            runs.append(labels[start] if start == a else '%s-%s' % (labels[start], labels[a]))
            start = b
    return ','.join(runs)


def format_args(args):
    """{n: [values, partial]} -> '$2=a|b; $3=c|?' ('?' = other values)."""
    out = []
    for n in sorted(args):
        vals, partial = args[n]
        out.append('$%d=%s%s' % (n, '|'.join(vals), '|?' if partial else ''))
    return '; '.join(out)


def tsv_clean(s):
    return s.replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('git_dir')
    ap.add_argument('revs', nargs='+', metavar='REV',
                    help='tag, or LABEL=COMMIT for an untagged release')
    ap.add_argument('--summary', help='also write per-tag/per-kind counts (TSV) here')
    ap.add_argument('--quiet', action='store_true', help='no progress on stderr')
    opts = ap.parse_args()

    def log(msg):
        if not opts.quiet:
            print(msg, file=sys.stderr)

    labels = []
    rows = collections.OrderedDict()
    per_tag = collections.defaultdict(lambda: collections.defaultdict(set))
    for spec in opts.revs:
        label, _, rev = spec.partition('=')
        rev = rev or label
        labels.append(label)
        log('scanning %s (%s)' % (label, rev))
        calls = scan_rev(opts.git_dir, label, rev, log)
        log('  %s: %d emitting calls' % (label, len(calls)))
        for c in calls:
            fmt = ('<var:%s>' % c.format) if c.is_var else c.format
            key = (fmt, c.path)
            r = rows.get(key)
            if r is None:
                r = rows[key] = dict(format=fmt, file=c.path,
                                     level=[], kind=[], function=[], tags=[],
                                     args={}, note=[], line={}, argexprs={},
                                     guard=collections.defaultdict(list))
            for col, val in (('level', c.level), ('kind', c.kind),
                             ('function', c.function)):
                if val and val not in r[col]:
                    r[col].append(val)
            if label not in r['tags']:
                r['tags'].append(label)
            for n, (vals, partial) in c.args.items():
                ent = r['args'].setdefault(n, [[], False])
                for v in vals:
                    if v not in ent[0]:
                        ent[0].append(v)
                ent[1] = ent[1] or partial
            notes = list(c.notes)
            if c.is_var:
                notes.insert(0, 'format is a variable/expression')
            for n in notes:
                if n not in r['note']:
                    r['note'].append(n)
            r['line'].setdefault(label, c.line)
            # the C expressions of the arguments after the format, as the
            # newest release writes them: kalog names its fields after them
            r['argexprs'].setdefault(label, [expr_text(tokenize(a)) for a in c._rest])
            # guard (e.g. [-D]) per tag; None = an unconditional call site
            r['guard'][label].append(c.guard)
            per_tag[label]['var' if c.is_var else c.kind].add(fmt)

    order = {l: i for i, l in enumerate(labels)}
    out = sys.stdout
    out.write('\t'.join(COLUMNS) + '\n')
    def sort_key(r):
        last = max(r['tags'], key=order.get)
        return (r['file'], r['line'][last], r['format'])
    for r in sorted(rows.values(), key=sort_key):
        tags = sorted(r['tags'], key=order.get)
        # a guard holds in a tag when every call site of that tag has it
        guards = collections.OrderedDict()
        for t in tags:
            g = set(r['guard'][t])
            if g and None not in g:
                guards.setdefault(' or '.join(sorted(g)), []).append(t)
        gnotes = []
        for g, gtags in guards.items():
            gnotes.append(g if gtags == tags else
                          '%s (in %s)' % (g, tag_ranges(gtags, labels)))
        r['note'] = gnotes + r['note']
        rec = dict(format=r['format'], level=','.join(r['level']),
                   kind=','.join(r['kind']), file=r['file'],
                   function=','.join(r['function']), first=tags[0],
                   last=tags[-1], tags=','.join(tags),
                   args=format_args(r['args']), line=str(r['line'][tags[-1]]),
                   note='; '.join(r['note']),
                   argexprs=' ;; '.join(r['argexprs'].get(tags[-1], [])))
        out.write('\t'.join(tsv_clean(rec[c]) for c in COLUMNS) + '\n')

    if opts.summary:
        kinds = ['log', 'config_error', 'dump', 'var']
        with open(opts.summary, 'w') as f:
            f.write('tag\t' + '\t'.join(kinds) + '\tall_literal\n')
            for l in labels:
                k = per_tag[l]
                lit = set().union(*(k[x] for x in kinds if x != 'var'))
                f.write('%s\t%s\t%d\n' % (l, '\t'.join(str(len(k[x])) for x in kinds), len(lit)))


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:       # e.g. piped into head
        sys.stderr.close()
