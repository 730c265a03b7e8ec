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

from kalog.model.profiles import resolve_profile

F = TypeVar("F", bound=Callable[..., Any])


def _pairs(what: str, value_kind: str) -> Callable[..., dict[str, str]]:
    def callback(
        ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
    ) -> dict[str, str]:
        result: dict[str, str] = {}
        for text in values:
            key, sep, value = text.partition("=")
            if not sep or not key.strip() or not value.strip():
                raise click.BadParameter(f"expected {what}, got {text!r}")
            result[key.strip()] = value.strip()
        if value_kind == "path":
            for host, path in result.items():
                if not Path(path).is_file():
                    raise click.BadParameter(f"{host}={path}: no such file")
        return result

    return callback


def _profile(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
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
        callback=_pairs("HOST=PATH", "path"),
        help="keepalived.conf of HOST (repeatable); lets the model infer priorities.",
    )
    @click.option(
        "--peer",
        "peers",
        multiple=True,
        metavar="IP=HOST",
        callback=_pairs("IP=HOST", "text"),
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
