"""keepalived.conf reader: text or file -> typed `KeepalivedConfig`.

Rules that compare a log with its configuration (which priority should a
router have had, which trackers could move it) need the config exactly as
keepalived understood it, defaults included, for the version that wrote the
log. Three stages, one module each:

* `kalog.config.grammar` - pyparsing line grammar, includes, ``@`` conditions,
  brace structure (syntax errors raise `ConfigError` with file and line);
* `kalog.config.build`   - keyword semantics and version-dependent defaults;
* `kalog.config.model`   - the dataclasses returned.

Usage::

    from kalog.config import load_config
    cfg = load_config("keepalived.conf", version="1.2.13")
    cfg.instances["vi_1"].priority, cfg.instances["vi_1"].track_scripts
"""

from __future__ import annotations

from pathlib import Path

from kalog.config.build import build_config
from kalog.config.grammar import ConditionalLine, ConfigError, Node, read_tree
from kalog.config.model import (
    BfdInstance,
    KeepalivedConfig,
    SyncGroup,
    TrackFile,
    TrackProcess,
    TrackRef,
    VirtualAddress,
    VrrpInstance,
    VrrpScript,
    config_version,
)

__all__ = [
    "load_config",
    "parse_config",
    "KeepalivedConfig",
    "VrrpInstance",
    "VrrpScript",
    "TrackRef",
    "TrackFile",
    "TrackProcess",
    "BfdInstance",
    "SyncGroup",
    "VirtualAddress",
    "ConfigError",
    "ConditionalLine",
    "Node",
]


def parse_config(
    text: str,
    *,
    source: str = "<string>",
    version: str | None = None,
    config_id: str | None = None,
    base_dir: str | Path | None = None,
    strict: bool = False,
) -> KeepalivedConfig:
    """Parse keepalived.conf `text`.

    `source` names the text in warnings and errors. Relative ``include``
    patterns resolve against `base_dir`, else the directory of `source` when
    it is a file path, else the current directory. `version` ("1.2.13",
    "2.2.7"; None = latest 2.x) selects keepalived's defaults; `config_id`
    selects ``@id`` lines like ``keepalived -i id`` (None: only unconditioned
    lines are used).

    `strict`: a value keepalived rejects (`priority abc`, a weight out of
    range: `cfg.invalid`) raises `ConfigError` naming its file and line,
    instead of a warning and keepalived's fallback.  The command line reads
    strictly: a config the analysis cannot trust is the user's to fix.
    """
    ver = config_version(version)
    if base_dir is None:
        src = Path(source)
        base_dir = src.parent if not source.startswith("<") and src.parent.is_dir() else Path()
    nodes, reader = read_tree(text, source, Path(base_dir), config_id)
    cfg = KeepalivedConfig(
        warnings=list(reader.warnings),
        files=list(reader.files),
        conditional_lines=list(reader.conditional_lines),
        version=ver,
        config_id=config_id,
    )
    built = build_config(nodes, cfg)
    if strict and built.invalid:
        file, line, message = built.invalid[0]
        more = len(built.invalid) - 1
        if more:
            message += f" (and {more} more invalid value{'s' if more > 1 else ''})"
        raise ConfigError(message, file, line)
    return built


def load_config(
    path: str | Path,
    *,
    version: str | None = None,
    config_id: str | None = None,
    strict: bool = False,
) -> KeepalivedConfig:
    """Read the keepalived.conf at `path`, following its includes (see `parse_config`)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read config: {exc.strerror or exc}", str(p), 0) from None
    return parse_config(
        text,
        source=str(p),
        version=version,
        config_id=config_id,
        base_dir=p.parent,
        strict=strict,
    )
