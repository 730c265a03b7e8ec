"""Options shared by the commands that replay the model: configs, peers, version.

`--config HOST=PATH` and `--peer IP=HOST` are repeatable `KEY=VALUE` pairs;
they are checked here so a typo is a usage error (exit 2) before any log is
read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _split_pair(what: str, text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise click.BadParameter(f"expected {what}, got {text!r}")
    return key.strip(), value.strip()


def _configs(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, list[str]]:
    """HOST=PATH pairs; a host named again gets its next config (applied at a reload)."""
    result: dict[str, list[str]] = {}
    for text in values:
        host, path = _split_pair("HOST=PATH", text)
        if not Path(path).is_file():
            raise click.BadParameter(f"{host}={path}: no such file")
        result.setdefault(host, []).append(path)
    return result


def _peers(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    return dict(_split_pair("IP=HOST", text) for text in values)


def _profile(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from kalog.model.profiles import resolve_profile  # the model (and pandas) only when needed

    try:
        resolve_profile(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def model_options(func: F) -> F:
    """Add --config, --peer and --keepalived-version; pass them as keywords."""

    @click.option(
        "--config",
        "configs",
        multiple=True,
        metavar="HOST=PATH",
        callback=_configs,
        help="keepalived.conf of HOST (repeatable); lets the model infer priorities. "
        "Naming a host again gives the config it reloaded next.",
    )
    @click.option(
        "--peer",
        "peers",
        multiple=True,
        metavar="IP=HOST",
        callback=_peers,
        help="Tie a VRRP source address to a host (repeatable).",
    )
    @click.option(
        "--keepalived-version",
        "version",
        metavar="V",
        callback=_profile,
        help="Replay every run as this keepalived version or profile (1.2, 1.3, 2, 2.2.7...).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
