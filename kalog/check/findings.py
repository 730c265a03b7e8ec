"""The neutral finding record and the rule API.

A rule is a plain module in the `rules` package (or in a directory named with
`--rules DIR`) that declares, at module level::

    CODE = "KA901"                      # stable code, never reused
    NAME = "unparsed-lines"             # kebab name of the *pattern*
    SEVERITY = Severity.INFO            # default, overridable in settings
    NEEDS = frozenset({Need.CONFIG})    # what must be present to evaluate it
    DEFAULTS = {"max_examples": 5}      # optional configurable options

    def check(ctx: AnalysisContext, options: Mapping) -> Iterable[Finding]: ...

and whose docstring is its documentation: a one-line summary, then the fixed
headings of `DOC_HEADINGS` (ruff's rule-doc style).  The same text feeds
`kalog rule CODE`, the SARIF `help` and docs/rules.md, so it is validated when
the rule is loaded rather than discovered broken in a report.

Why modules and not classes: a rule is data plus one function; a module keeps
each rule greppable, documented in one place and loadable by file path for
user rule directories without any registration step.

This module knows nothing about reports or the command line: it only defines
records, loads rules and runs one rule safely (`RuleSpec.run`).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import sys
import textwrap
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from hashlib import sha1
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kalog.model.timeline import iso_or_none

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from kalog.check.analysis import AnalysisContext

__all__ = [
    "DOC_HEADINGS",
    "Evidence",
    "Finding",
    "Need",
    "NotEvaluable",
    "RuleLoadError",
    "RuleSpec",
    "RuleState",
    "RuleStatus",
    "Severity",
    "exit_code",
    "find_rule",
    "iso_time",
    "load_rules",
]


class Severity(StrEnum):
    """How bad a finding is.  Ordered: info < warning < error."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error: for sorting and thresholds."""
        return _SEVERITY_RANK[self]

    @property
    def sarif_level(self) -> str:
        """The SARIF `level` (ansible-lint's mapping: info becomes `note`)."""
        return _SARIF_LEVEL[self]

    def at_least(self, other: Severity | str) -> bool:
        """True when this severity is `other` or worse."""
        return self.rank >= Severity(other).rank

    # str's lexical order ("error" < "info" < "warning") would be wrong, so the
    # comparisons are by rank.  Comparing with a plain string converts it.
    def __lt__(self, other: object) -> bool:
        return self.rank < Severity(other).rank  # type: ignore[arg-type]

    def __le__(self, other: object) -> bool:
        return self.rank <= Severity(other).rank  # type: ignore[arg-type]

    def __gt__(self, other: object) -> bool:
        return self.rank > Severity(other).rank  # type: ignore[arg-type]

    def __ge__(self, other: object) -> bool:
        return self.rank >= Severity(other).rank  # type: ignore[arg-type]

    __hash__ = StrEnum.__hash__


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

#: `--fail-on` value that never fails the run.
FAIL_NEVER = "never"


def exit_code(findings: Iterable[Finding], fail_on: Severity | str | None = "warning") -> int:
    """The process exit code for a finished analysis (sqlfluff's convention).

    0 when no finding is at or above `fail_on`, 1 otherwise.  `fail_on` of
    ``"never"`` or None always gives 0.  Code 2 (usage or input error) is not
    decided here: click raises it before any finding exists.
    """
    if fail_on is None or fail_on == FAIL_NEVER:
        return 0
    threshold = Severity(fail_on)
    return 1 if any(f.severity.at_least(threshold) for f in findings) else 0


@dataclass(frozen=True, slots=True)
class Evidence:
    """One log line a finding rests on: where it is and, for display, its text."""

    source: str
    line: int
    raw: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line}


def _distinct(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """`evidence` without repeats of a (source, line), in first-seen order."""
    first: dict[tuple[str, int], Evidence] = {}
    for item in evidence:
        first.setdefault((item.source, item.line), item)
    return tuple(first.values())


def iso_time(value: Any) -> str | None:
    """ISO 8601 text for a timestamp, None for a missing one (None/NaT)."""
    import pandas as pd  # here, not at the top: `kalog rules` and option parsing need no pandas

    if value is None or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return iso_or_none(pd.Timestamp(value))


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation or notable pattern, as neutral data every report renders.

    `start`/`end` bound the time the finding covers (equal for a single line,
    None when unknown).  `evidence` lists the log lines, first the one a report
    should point at; a line listed twice (one rule step naming the line that
    opened a segment, another the same line as logged) is kept once, where
    it first appears.
    """

    rule: str
    name: str
    severity: Severity
    message: str
    host: str | None = None
    instance: str | None = None
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        # Accept lists and plain strings from rule authors; store canonical forms.
        import pandas as pd  # loaded by then (findings come from an analysis)

        object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "evidence", _distinct(self.evidence))
        for attr in ("start", "end"):
            value = getattr(self, attr)
            # a Timestamp (never NaT, which is not one) is already canonical
            if value is not None and type(value) is not pd.Timestamp:
                value = None if pd.isna(value) else pd.Timestamp(value)
                object.__setattr__(self, attr, value)
        for attr in ("host", "instance"):
            value = getattr(self, attr)
            if value is not None and type(value) is not str and pd.isna(value):
                object.__setattr__(self, attr, None)

    @property
    def sort_key(self) -> tuple:
        """Time first (unknown times last), then host, instance, rule, first evidence."""
        start = self.start
        first = self.evidence[0] if self.evidence else Evidence("", 0)
        return (
            start is None,
            start.value if start is not None else 0,
            self.host or "",
            self.instance or "",
            self.rule,
            first.source,
            first.line,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (times as ISO 8601 or null)."""
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": str(self.severity),
            "host": self.host,
            "instance": self.instance,
            "start": iso_time(self.start),
            "end": iso_time(self.end),
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
        }


class Need(StrEnum):
    """Something a rule needs from the input before it can say anything.

    When a need is not met the rule is reported "not evaluable" with the
    reason, instead of silently passing.
    """

    CONFIG = "config"  # a keepalived.conf for the hosts (--config)
    TWO_HOSTS = "two_hosts"  # logs from at least two hosts
    DETAIL_LINES = "detail_lines"  # keepalived ran with -D (detailed log lines present)
    VERSION = "version"  # the keepalived version is known (log line or --expect)
    TIMELINE = "timeline"  # the replay model (timeline and transitions)

    @property
    def description(self) -> str:
        return _NEED_TEXT[self]


_NEED_TEXT = {
    Need.CONFIG: "a keepalived.conf (--config)",
    Need.TWO_HOSTS: "logs from at least two hosts",
    Need.DETAIL_LINES: "detailed log lines (keepalived -D)",
    Need.VERSION: "the keepalived version (a 'Starting Keepalived' line or --expect)",
    Need.TIMELINE: "the replayed state timeline",
}


class RuleState(StrEnum):
    EVALUATED = "evaluated"
    NOT_EVALUABLE = "not_evaluable"
    ERROR = "error"  # the rule itself crashed: a kalog bug, reported not raised


@dataclass(frozen=True, slots=True)
class RuleStatus:
    """What happened to one selected rule in a run."""

    rule: str
    name: str
    state: RuleState
    severity: Severity
    reason: str | None = None
    findings: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "status": str(self.state),
            "severity": str(self.severity),
            "reason": self.reason,
            "findings": self.findings,
        }


class NotEvaluable(Exception):
    """Raised by a rule's `check` when the input cannot answer its question.

    The message is the reason shown to the user ("no configuration for host
    lb2").  Findings yielded before the raise are discarded: a half-evaluated
    rule must not look like a clean one.
    """


class RuleLoadError(Exception):
    """A rule module is malformed or clashes with another: a usage error."""


#: The documentation headings every rule docstring has, in this order.
DOC_HEADINGS: tuple[str, ...] = (
    "What it flags",
    "Why it matters",
    "Log evidence per keepalived version",
    "Example",
    "Known false positives",
    "References",
)

CODE_RE = re.compile(r"^[A-Z]{2,}[0-9]{3,}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_HEADING_RE = re.compile(r"^## +(.+?)\s*$", re.MULTILINE)

CheckFunction = Callable[["AnalysisContext", Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    """A loaded, validated rule: its declarations, documentation and `check`."""

    code: str
    name: str
    severity: Severity
    needs: frozenset[Need]
    defaults: Mapping[str, Any]
    check: CheckFunction = field(repr=False, compare=False)
    summary: str
    sections: Mapping[str, str] = field(repr=False, compare=False)
    module: str
    path: str | None = None
    builtin: bool = True

    @property
    def doc(self) -> str:
        """The full documentation as Markdown: summary line, then the sections."""
        parts = [self.summary, ""]
        for heading in DOC_HEADINGS:
            parts += [f"## {heading}", "", self.sections[heading], ""]
        return "\n".join(parts).rstrip() + "\n"

    def options(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`DEFAULTS` updated with configured values (already validated)."""
        merged = dict(self.defaults)
        merged.update(overrides or {})
        return merged

    def run(
        self,
        ctx: AnalysisContext,
        options: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> tuple[list[Finding], RuleStatus]:
        """Run `check` so that nothing it does can take the analysis down.

        NotEvaluable becomes a not-evaluable status; any other exception
        becomes an error status naming the exception (a kalog bug), with no
        findings.  Findings get the effective severity, so a rule author
        simply passes the module's SEVERITY.
        """
        effective = severity or self.severity
        try:
            produced = list(self.check(ctx, self.options(options)))
            findings = []
            for item in produced:
                if not isinstance(item, Finding):
                    raise TypeError(f"check() yielded {type(item).__name__}, not Finding")
                if item.rule != self.code:
                    raise ValueError(f"check() yielded a finding for rule {item.rule!r}")
                if item.severity is not effective or item.name != self.name:
                    item = replace(item, severity=effective, name=self.name)
                findings.append(item)  # unchanged: a copy would be equal
        except NotEvaluable as exc:
            reason = str(exc) or "not evaluable"
            return [], RuleStatus(self.code, self.name, RuleState.NOT_EVALUABLE, effective, reason)
        except Exception as exc:  # noqa: BLE001 - a broken rule must not hide the others
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            where = f"{Path(frame.filename).name}:{frame.lineno}"
            reason = f"internal error: {type(exc).__name__}: {exc} ({where})"
            return [], RuleStatus(self.code, self.name, RuleState.ERROR, effective, reason)
        status = RuleStatus(
            self.code, self.name, RuleState.EVALUATED, effective, None, len(findings)
        )
        return findings, status


# -- loading -------------------------------------------------------------------


def parse_doc(doc: str | None, where: str) -> tuple[str, dict[str, str]]:
    """Split a rule docstring into its summary line and its fixed sections.

    Raises RuleLoadError naming the first problem: a missing summary, a
    missing, extra, repeated or out-of-order heading, or an empty section.
    """
    if not doc or not doc.strip():
        raise RuleLoadError(f"{where}: rule has no docstring")
    text = doc.strip("\n")
    lines = text.splitlines()
    summary = lines[0].strip()
    if not summary or summary.startswith("#"):
        raise RuleLoadError(f"{where}: the docstring must start with a one-line summary")
    matches = list(_HEADING_RE.finditer(text))
    found = [m.group(1) for m in matches]
    if found != list(DOC_HEADINGS):
        missing = [h for h in DOC_HEADINGS if h not in found]
        extra = [h for h in found if h not in DOC_HEADINGS]
        if missing:
            problem = f"missing heading '## {missing[0]}'"
        elif extra:
            problem = f"unexpected heading '## {extra[0]}'"
        else:
            problem = "headings out of order or repeated"
        raise RuleLoadError(f"{where}: {problem} (expected: {', '.join(DOC_HEADINGS)})")
    sections: dict[str, str] = {}
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = textwrap.dedent(text[match.end() : end]).strip("\n").rstrip()
        if not body.strip():
            raise RuleLoadError(f"{where}: section '## {match.group(1)}' is empty")
        sections[match.group(1)] = body
    return summary, sections


def spec_from_module(module: ModuleType, *, builtin: bool, path: str | None = None) -> RuleSpec:
    """Validate a rule module's declarations and build its RuleSpec."""
    where = path or module.__name__
    missing = [a for a in ("CODE", "NAME", "SEVERITY", "NEEDS", "check") if not hasattr(module, a)]
    if missing:
        raise RuleLoadError(f"{where}: rule module lacks {', '.join(missing)}")
    code, name = module.CODE, module.NAME
    if not isinstance(code, str) or not CODE_RE.match(code):
        raise RuleLoadError(f"{where}: CODE {code!r} must look like 'KA123'")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise RuleLoadError(f"{where}: NAME {name!r} must be kebab-case")
    try:
        severity = Severity(module.SEVERITY)
    except ValueError:
        raise RuleLoadError(f"{where}: SEVERITY {module.SEVERITY!r} is not a Severity") from None
    try:
        needs = frozenset(Need(n) for n in module.NEEDS)
    except (TypeError, ValueError):
        raise RuleLoadError(f"{where}: NEEDS must be a set of Need, got {module.NEEDS!r}") from None
    defaults = getattr(module, "DEFAULTS", {})
    if not isinstance(defaults, Mapping) or not all(isinstance(k, str) for k in defaults):
        raise RuleLoadError(f"{where}: DEFAULTS must be a dict of option name -> value")
    if not callable(module.check):
        raise RuleLoadError(f"{where}: check is not callable")
    summary, sections = parse_doc(module.__doc__, where)
    return RuleSpec(
        code=code,
        name=name,
        severity=severity,
        needs=needs,
        defaults=dict(defaults),
        check=module.check,
        summary=summary,
        sections=sections,
        module=module.__name__,
        path=path,
        builtin=builtin,
    )


def _builtin_modules() -> list[ModuleType]:
    import rules

    names = sorted(
        info.name
        for info in pkgutil.iter_modules(rules.__path__)
        if not info.name.startswith("_") and not info.ispkg
    )
    return [importlib.import_module(f"rules.{name}") for name in names]


def _load_file(path: Path) -> ModuleType:
    """Import a user rule file by path under a private, collision-free name."""
    digest = sha1(str(path.resolve()).encode()).hexdigest()[:10]
    module_name = f"kalog_user_rules.{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise RuleLoadError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - a user's broken file is a usage error
        sys.modules.pop(module_name, None)
        raise RuleLoadError(f"{path}: import failed: {type(exc).__name__}: {exc}") from exc
    return module


def load_rules(extra_dirs: Sequence[Path | str] = ()) -> list[RuleSpec]:
    """The built-in rules plus those in `extra_dirs`, sorted by code.

    Built-ins are discovered with pkgutil in the installed `rules` package.
    A user directory is read only when named (`--rules DIR`): each `*.py` not
    starting with `_` is one rule module, imported by file path.  A code or
    name used twice raises RuleLoadError, as does any malformed module.
    """
    specs = [spec_from_module(m, builtin=True) for m in _builtin_modules()]
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise RuleLoadError(f"{directory}: rules directory not found")
        for path in sorted(directory.glob("*.py")):
            if path.name.startswith("_"):
                continue
            specs.append(spec_from_module(_load_file(path), builtin=False, path=str(path)))
    by_code: dict[str, RuleSpec] = {}
    by_name: dict[str, RuleSpec] = {}
    for spec in specs:
        for key, seen in ((spec.code, by_code), (spec.name, by_name)):
            if key in seen:
                other = seen[key]
                raise RuleLoadError(
                    f"rule {key} defined twice: {other.path or other.module} "
                    f"and {spec.path or spec.module}"
                )
            seen[key] = spec
    return sorted(specs, key=lambda s: s.code)


def find_rule(specs: Iterable[RuleSpec], key: str) -> RuleSpec | None:
    """The rule whose code (case-insensitive) or name is `key`."""
    wanted = key.strip()
    for spec in specs:
        if spec.code == wanted.upper() or spec.name == wanted.lower():
            return spec
    return None
