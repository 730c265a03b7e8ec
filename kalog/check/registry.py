"""Finding and loading rules: the repo's `rules/` and user rule folders.

A rule is a plain module that declares `CODE`, `NAME`, `SEVERITY`, `NEEDS`,
optional `Options` (a dataclass of typed options with defaults) and a
`check(ctx, options)` function, and whose
docstring is its documentation (`DOC_HEADINGS`; kalog.check.findings says
more).  `load_rules` imports the built-in ones and those of `--rules DIR`,
validates each (`spec_from_module`) and returns `RuleSpec`s, which run one
rule safely (`RuleSpec.run`).
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
import re
import sys
import textwrap
import traceback
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from hashlib import sha1
from pathlib import Path
from types import ModuleType
from typing import Any

from kalog.check.findings import (
    Finding,
    Need,
    NotEvaluable,
    RuleState,
    RuleStatus,
    Severity,
)

__all__ = [
    "DOC_HEADINGS",
    "NoOptions",
    "RuleLoadError",
    "RuleSpec",
    "find_rule",
    "load_rules",
    "parse_doc",
    "spec_from_module",
]


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

#: `check(ctx, options)`: ctx is a `kalog.check.context.AnalysisContext` (named, not
#: imported: the context imports the settings, which import this module).
CheckFunction = Callable[[Any, Mapping[str, Any]], Iterable[Finding]]


@dataclass(frozen=True)
class RuleSpec:
    """A loaded, validated rule: its declarations, documentation and `check`."""

    code: str
    name: str
    severity: Severity
    needs: frozenset[Need]
    #: the rule's `Options` dataclass (`NoOptions` when it declares none)
    options_type: type
    #: option -> its default, and the types a configured value may have
    defaults: Mapping[str, Any]
    option_types: Mapping[str, tuple[type, ...]]
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

    def options(self, overrides: Mapping[str, Any] | None = None) -> Any:
        """The rule's `Options` with the configured values (already validated
        by `kalog.check.settings`) over the defaults."""
        return self.options_type(**overrides) if overrides else self.options_type()

    def run(
        self,
        ctx: Any,  # a kalog.check.context.AnalysisContext (see CheckFunction)
        options: Any = None,  # the rule's Options, or a mapping of values over the defaults
        severity: Severity | None = None,
    ) -> tuple[list[Finding], RuleStatus]:
        """Run `check` so that nothing it does can take the analysis down.

        NotEvaluable becomes a not-evaluable status; any other exception
        becomes an error status naming the exception (a kalog bug), with no
        findings.  Findings get the rule's code and name and the effective
        severity here: a rule declares them once, at module level, and
        yields `Finding(message=..., host=..., evidence=...)`.
        """
        effective = severity or self.severity
        try:
            if not isinstance(options, self.options_type):
                options = self.options(options)
            produced = list(self.check(ctx, options))
            findings = []
            for item in produced:
                if not isinstance(item, Finding):
                    raise TypeError(f"check() yielded {type(item).__name__}, not Finding")
                if item.rule not in ("", self.code):
                    raise ValueError(f"check() yielded a finding for rule {item.rule!r}")
                if (
                    item.rule != self.code
                    or item.severity is not effective
                    or item.name != self.name
                ):
                    item = replace(item, rule=self.code, severity=effective, name=self.name)
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
    options_type, defaults, option_types = _options_of(module, where)
    if not callable(module.check):
        raise RuleLoadError(f"{where}: check is not callable")
    summary, sections = parse_doc(module.__doc__, where)
    return RuleSpec(
        code=code,
        name=name,
        severity=severity,
        needs=needs,
        options_type=options_type,
        defaults=defaults,
        option_types=option_types,
        check=module.check,
        summary=summary,
        sections=sections,
        module=module.__name__,
        path=path,
        builtin=builtin,
    )


@dataclasses.dataclass(frozen=True)
class NoOptions:
    """The options of a rule that declares none."""


#: the types an option may have: what a TOML settings file can give
_OPTION_TYPES: tuple[type, ...] = (bool, int, float, str)


def _options_of(
    module: ModuleType, where: str
) -> tuple[type, dict[str, Any], dict[str, tuple[type, ...]]]:
    """A rule's `Options` dataclass, its defaults and each option's allowed types.

    Why a dataclass and not a dict of defaults: the rule reads
    `options.window_seconds`, so a misspelt name fails when the rule is
    loaded and tested, not silently at a user's site; and the annotation,
    not the default's type, says what a setting may be (`float | None = None`
    accepts a float).
    """
    if hasattr(module, "DEFAULTS"):
        raise RuleLoadError(
            f"{where}: DEFAULTS is not read; declare options as a dataclass `Options` "
            "with typed, defaulted fields"
        )
    options = getattr(module, "Options", NoOptions)
    if not (isinstance(options, type) and dataclasses.is_dataclass(options)):
        raise RuleLoadError(f"{where}: Options must be a dataclass")
    try:
        hints = typing.get_type_hints(options, globalns=vars(module))
    except Exception as exc:  # noqa: BLE001 - an unresolvable annotation is the rule's error
        raise RuleLoadError(f"{where}: Options annotations: {exc}") from None
    defaults: dict[str, Any] = {}
    allowed: dict[str, tuple[type, ...]] = {}
    for item in dataclasses.fields(options):
        if item.default is dataclasses.MISSING:
            raise RuleLoadError(f"{where}: option {item.name} needs a default")
        hint = hints[item.name]
        members = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        kinds = tuple(m for m in members if m is not type(None))
        if not kinds or any(k not in _OPTION_TYPES for k in kinds):
            raise RuleLoadError(
                f"{where}: option {item.name}: {hint} is not one of bool, int, float, str "
                "(or one of them | None)"
            )
        defaults[item.name] = item.default
        allowed[item.name] = kinds
    return options, defaults, allowed


def _builtin_modules() -> list[ModuleType]:
    """The rule modules of `kalog.rules`: the repo's top-level `rules/`
    (kalog/rules is a link to it, so an install puts it inside kalog and no
    top-level package named `rules` reaches site-packages)."""
    import kalog.rules as rules

    names = sorted(
        info.name
        for info in pkgutil.iter_modules(rules.__path__)
        if not info.name.startswith("_") and not info.ispkg
    )
    return [importlib.import_module(f"kalog.rules.{name}") for name in names]


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

    Built-ins are discovered with pkgutil in `kalog.rules` (the repo's `rules/`).
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
