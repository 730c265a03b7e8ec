"""Options shared by the commands that replay the model: configs, peers, version.

`--config HOST=PATH` and `--peer IP=HOST` are repeatable `KEY=VALUE` pairs;
they are checked here so a typo is a usage error (exit 2) before any log is
read.  Then, still before the logs, `check_configs` reads each config
strictly (a syntax error or a value keepalived rejects is one
`kalog: error: FILE:LINE: ...` line, exit 2), and once the logs are read
`match_configs` holds them against the log: a config for a host the logs do
not name is a warning and is not used; a config that lacks an instance its
host's log shows is an error naming the instances it has.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def check_configs(configs: dict[str, list[str]]) -> dict[str, set[str]]:
    """Read every --config strictly; host -> the vrrp_instance names its configs have.

    Raises `kalog.config.ConfigError` (a KalogError: one line, exit 2) for a
    syntax error or a value keepalived rejects; prints the other warnings
    of the reader (an unknown keyword, a tracker not declared) as
    `kalog: warning:` lines.  Read with the latest defaults: the names and
    the errors do not depend on the version (the model reads them again
    with the host's version).
    """
    if not configs:
        return {}
    from kalog.cli.common import echo_warning
    from kalog.config import load_config

    names: dict[str, set[str]] = {}
    for host, paths in configs.items():
        for path in paths:
            config = load_config(path, strict=True)
            for warning in config.warnings:
                echo_warning(warning)
            names.setdefault(host, set()).update(config.instances)
    return names


def match_configs(
    configs: dict[str, list[str]], names: dict[str, set[str]], events: Any
) -> dict[str, list[str]]:
    """The configs of hosts the log names; raise for one lacking a logged instance.

    A config for a host not in the logs is a warning and is left out, so no
    rule counts as evaluated with a config it cannot use (KA002).  A config
    that lacks an instance its host's log shows would make every inference
    about that instance silently empty: an error naming what it has.
    """
    if not configs:
        return configs
    from kalog.cli.common import echo_warning
    from kalog.errors import KalogError

    hosts = set(events["host"].dropna().unique().tolist()) if len(events) else set()
    pairs = events[["host", "instance"]].dropna().drop_duplicates() if len(events) else None
    used: dict[str, list[str]] = {}
    for host, paths in configs.items():
        given = f"--config {host}={','.join(paths)}"
        if host not in hosts:
            known = ", ".join(sorted(hosts)) or "none"
            echo_warning(f"{given}: no host {host!r} in the logs (hosts: {known}); not used")
            continue
        shown = set() if pairs is None else set(pairs[pairs["host"] == host]["instance"].tolist())
        missing = sorted(shown - names.get(host, set()))
        if missing:
            has = ", ".join(sorted(names.get(host, set()))) or "none"
            raise KalogError(
                f"{given}: lacks vrrp_instance {', '.join(missing)} that the log of {host} "
                f"shows (the config has: {has})"
            )
        used[host] = paths
    return used


def read_and_replay(
    inputs: Any, configs: dict[str, list[str]], version: str | None, peers: dict[str, str]
) -> tuple[Any, Any, dict[str, list[Any]]]:
    """What `timeline` and `explain` do before their views: the configs checked,
    the logs read, the configs held against them and parsed with each host's
    keepalived version, and the whole log replayed.  Returns (events,
    timeline, the parsed configs: host -> one per reload)."""
    from kalog.model import replay
    from kalog.model.replay import load_configs
    from kalog.pipeline import host_versions

    names = check_configs(configs)
    events = inputs.read(keep_raw=False)  # cited lines are read back (`kalog.ingest.refetch`)
    configs = match_configs(configs, names, events)
    versions: dict[str, Any] = host_versions(events)
    if version:
        versions = {host: version for host in {*versions, *configs}}
    parsed = load_configs(configs, versions)
    with inputs.working(f"replaying {len(events):,} events"):
        timeline = replay(events, configs=parsed, version=version, peers=peers)
    return events, timeline, parsed


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
