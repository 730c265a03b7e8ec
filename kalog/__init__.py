"""kalog: keepalived log analyser and VRRP conformance checker.

The pipeline, one module per stage: read (`kalog.ingest.read`) -> parse
(`kalog.grammar`) -> frame (`kalog.ingest.frame`) -> model (`kalog.model`) -> rules
(`rules/`, `kalog.check.findings`) -> report (`kalog.report`).  The public entry
points are re-exported here lazily so `import kalog` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Analysis", "__version__", "analyze", "read_events", "replay"]

if TYPE_CHECKING:  # pragma: no cover
    from kalog.ingest.frame import read_events
    from kalog.model import replay
    from kalog.notebook import Analysis, analyze

#: where each public name lives (imported on first use: `import kalog` stays cheap)
_LAZY = {
    "read_events": "kalog.ingest.frame",
    "replay": "kalog.model",
    "analyze": "kalog.notebook",
    "Analysis": "kalog.notebook",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("kalog")
        except metadata.PackageNotFoundError:  # pragma: no cover - a bare source tree
            return "0+unknown"
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kalog' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
