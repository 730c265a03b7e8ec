"""kalog: keepalived log analyser and VRRP conformance checker.

The pipeline, one module per stage: read (`kalog.ingest.read`) -> parse
(`kalog.grammar`) -> frame (`kalog.ingest.frame`) -> model (`kalog.model`) -> rules
(`rules/`, `kalog.check.findings`) -> report (`kalog.report`).  The public entry
points are re-exported here lazily so `import kalog` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["read_events", "replay"]

if TYPE_CHECKING:  # pragma: no cover
    from kalog.ingest.frame import read_events
    from kalog.model import replay


def __getattr__(name: str) -> Any:
    if name == "read_events":
        from kalog.ingest.frame import read_events

        return read_events
    if name == "replay":
        from kalog.model import replay

        return replay
    raise AttributeError(name)
