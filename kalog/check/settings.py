"""Project settings: which rules run, at what severity, with which options.

Read from a `kalog.toml` (top-level keys) or the `[tool.kalog]` table of a
`pyproject.toml`, the first found from the working directory upwards (a
`kalog.toml` wins over a `pyproject.toml` in the same directory, as ruff's
own file does), or from the file named with `--settings FILE`::

    [tool.kalog]
    select = ["KA0", "split-brain"]   # codes, names or code prefixes; default all
    ignore = ["KA901"]
    fail_on = "error"                 # error | warning | info | never

    [tool.kalog.rules.KA102]          # a rule by code or name
    severity = "error"
    max_changes = 4                   # an option the rule declares in its Options

The command line wins over the file (`Settings.merged`).  Errors are one line
naming the file and the key, raised as SettingsError; the CLI turns them into
usage errors (exit 2).  Rule names and option keys can only be checked once
the rules are loaded, hence the separate `Settings.resolve(specs)` step.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kalog.check.findings import FAIL_NEVER, Severity
from kalog.check.registry import RuleSpec
from kalog.errors import KalogError

__all__ = [
    "FAIL_ON_CHOICES",
    "Settings",
    "SettingsError",
    "find_settings",
    "load_settings",
]

FAIL_ON_CHOICES: tuple[str, ...] = (*(s.value for s in Severity), FAIL_NEVER)
_TOP_KEYS = ("select", "ignore", "fail_on", "rules")
_PREFIX_RE = re.compile(r"^[A-Za-z]+[0-9]*$")


class SettingsError(KalogError, ValueError):
    """A settings file or option is invalid; the message is one line."""


@dataclass(frozen=True)
class Settings:
    """Rule selection, severities, options and the failure threshold.

    Before `resolve` the rule keys are as written (code or name); after it
    every key is a rule code and every value has been checked.
    """

    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_on: str = "warning"
    path: Path | None = None  # the file these came from, for messages

    def merged(
        self,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        severity: Mapping[str, str] | None = None,
        fail_on: str | None = None,
    ) -> Settings:
        """These settings overridden by command-line values (None: not given).

        `select`/`ignore` replace the file's lists; `severity` entries are added
        over the file's.
        """
        changes: dict[str, Any] = {}
        if select is not None:
            changes["select"] = tuple(select)
        if ignore is not None:
            changes["ignore"] = tuple(ignore)
        if severity:
            merged = dict(self.severity)
            for key, value in severity.items():
                merged[key] = _severity(value, f"--severity {key}")
            changes["severity"] = merged
        if fail_on is not None:
            changes["fail_on"] = _fail_on(fail_on, "--fail-on")
        return replace(self, **changes)

    def resolve(self, specs: Sequence[RuleSpec]) -> Settings:
        """Map rule names to codes and check selectors and options against `specs`."""
        where = f"{self.path}: " if self.path else ""
        for label, selectors in (("select", self.select or ()), ("ignore", self.ignore)):
            for selector in selectors:
                if not _matching(specs, selector):
                    raise SettingsError(f"{where}{label}: no rule matches {selector!r}")
        severity: dict[str, Severity] = {}
        for key, value in self.severity.items():
            severity[_rule_code(specs, key, f"{where}severity")] = value
        options: dict[str, dict[str, Any]] = {}
        for key, values in self.options.items():
            code = _rule_code(specs, key, f"{where}rules")
            spec = next(s for s in specs if s.code == code)
            checked = options.setdefault(code, {})
            for option, value in values.items():
                checked[option] = _check_option(spec, option, value, f"{where}rules.{key}")
        return replace(self, severity=severity, options=options)

    def selected(self, specs: Sequence[RuleSpec]) -> list[RuleSpec]:
        """The rules that run: selected (default all) and not ignored."""
        chosen = set()
        for selector in self.select if self.select is not None else ("ALL",):
            chosen.update(s.code for s in _matching(specs, selector))
        for selector in self.ignore:
            chosen.difference_update(s.code for s in _matching(specs, selector))
        return [s for s in specs if s.code in chosen]

    def severity_for(self, spec: RuleSpec) -> Severity:
        return self.severity.get(spec.code, spec.severity)

    def options_for(self, spec: RuleSpec) -> Any:
        """`spec`'s `Options` as its check will see them: configured values over defaults."""
        return spec.options(self.options.get(spec.code))


def _matching(specs: Iterable[RuleSpec], selector: str) -> list[RuleSpec]:
    """Rules a selector names: ALL, a code, a name, or a code prefix (`KA1`)."""
    key = selector.strip()
    if key.upper() == "ALL":
        return list(specs)
    exact = [s for s in specs if s.code == key.upper() or s.name == key.lower()]
    if exact:
        return exact
    if _PREFIX_RE.match(key):
        return [s for s in specs if s.code.startswith(key.upper())]
    return []


def _rule_code(specs: Sequence[RuleSpec], key: str, where: str) -> str:
    for spec in specs:
        if spec.code == key.upper() or spec.name == key.lower():
            return spec.code
    raise SettingsError(f"{where}.{key}: unknown rule")


def _check_option(spec: RuleSpec, option: str, value: Any, where: str) -> Any:
    """`value` if the rule's `Options` declares `option` with its type (an int
    is taken for a float option, a bool never for a number)."""
    allowed = spec.option_types.get(option)
    if allowed is None:
        known = ", ".join(sorted(spec.option_types)) or "none"
        raise SettingsError(f"{where}.{option}: unknown option (known: {known})")
    if isinstance(value, bool):
        ok = bool in allowed
    elif isinstance(value, int) and int not in allowed and float in allowed:
        value, ok = float(value), True
    else:
        ok = isinstance(value, allowed)
    if not ok:
        expected = " or ".join(kind.__name__ for kind in allowed)
        raise SettingsError(
            f"{where}.{option}: expected {expected}, got {type(value).__name__} {value!r}"
        )
    return value


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise SettingsError(f"{where}: {value!r} is not a severity ({choices})") from None


def _fail_on(value: Any, where: str) -> str:
    if not isinstance(value, str) or value.lower() not in FAIL_ON_CHOICES:
        raise SettingsError(f"{where}: {value!r} is not one of {', '.join(FAIL_ON_CHOICES)}")
    return value.lower()


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where}: expected a list of rule codes or names")
    return tuple(value)


def settings_from_table(table: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Validate a `[tool.kalog]`-shaped table (structure only) into Settings."""
    where = f"{path}: " if path else ""
    for key in table:
        if key not in _TOP_KEYS:
            raise SettingsError(f"{where}{key}: unknown key (known: {', '.join(_TOP_KEYS)})")
    select = _string_list(table["select"], f"{where}select") if "select" in table else None
    ignore = _string_list(table.get("ignore", []), f"{where}ignore")
    fail_on = _fail_on(table.get("fail_on", "warning"), f"{where}fail_on")
    rules = table.get("rules", {})
    if not isinstance(rules, Mapping):
        raise SettingsError(f"{where}rules: expected a table of [rules.CODE] tables")
    severity: dict[str, Severity] = {}
    options: dict[str, dict[str, Any]] = {}
    for key, values in rules.items():
        if not isinstance(values, Mapping):
            raise SettingsError(f"{where}rules.{key}: expected a table")
        for option, value in values.items():
            if option == "severity":
                severity[key] = _severity(value, f"{where}rules.{key}.severity")
            else:
                options.setdefault(key, {})[option] = value
    return Settings(select, ignore, severity, options, fail_on, path)


def find_settings(start: Path | None = None) -> Path | None:
    """The settings file that applies to `start` (default: the cwd), or None.

    Walks up to the filesystem root; in each directory a `kalog.toml` wins,
    and a `pyproject.toml` counts only if it has a `[tool.kalog]` table.
    A `pyproject.toml` on the way that is not valid TOML raises
    SettingsError (`FILE:LINE: invalid TOML: ...`).
    """
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "kalog.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "kalog" in _table(_read_toml(pyproject).get("tool")):
            return pyproject
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML document at `path`; SettingsError naming the file and line if broken.

    A `pyproject.toml` that does not parse is an error even when it may
    not hold `[tool.kalog]`: skipped silently, its settings (if it has
    them) would be ignored without a word.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot be read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r" \(at line (\d+), column \d+\)$", message)
        if found:
            message, line = message[: found.start()], int(found.group(1))
        else:  # "(at end of document)": the last line
            line = max(len(text.splitlines()), 1)
        raise SettingsError(f"{path}:{line}: invalid TOML: {message}") from None


def load_settings(path: Path | str | None = None, *, start: Path | None = None) -> Settings:
    """Settings from `path`, or from the file `find_settings` finds, or defaults.

    An explicit `path` must exist.  A `pyproject.toml` contributes only its
    `[tool.kalog]` table; any other file is read from its top level.
    """
    if path is None:
        path = find_settings(start)
        if path is None:
            return Settings()
    path = Path(path)
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = _table(data.get("tool")).get("kalog", {})
        if not isinstance(data, dict):
            raise SettingsError(f"{path}: tool.kalog: expected a table")
    return settings_from_table(data, path)


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
