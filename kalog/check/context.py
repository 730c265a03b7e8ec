"""What a rule may read: one typed context per analysed run.

`AnalysisContext` bundles everything the pipeline produced for one run
(events frame, replayed timeline and transitions, parsed configurations,
versions, settings) so a rule's signature never changes when a new input
appears.  Rules read it through `kalog.check.api`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from kalog.check.settings import Settings
from kalog.ingest.events import Kind, kind_mask
from kalog.model.rows import times_ns
from kalog.model.timeline import Timeline

if TYPE_CHECKING:  # pragma: no cover
    from kalog.config.model import KeepalivedConfig
    from kalog.model.transitions import Transition

__all__ = ["DETAIL_KINDS", "AnalysisContext", "TimelineLike"]


#: Kinds keepalived only logs when run with -D (detailed logging); seeing one
#: is how an analysis knows detail lines are present.
DETAIL_KINDS: frozenset[str] = frozenset({Kind.ADVERT_TIMEOUT.value, Kind.PRIORITY_SET.value})


@runtime_checkable
class TimelineLike(Protocol):
    """The replay model's timeline, as far as rules and reports rely on it."""

    def to_frame(self) -> pd.DataFrame: ...


@dataclass
class AnalysisContext:
    """Everything a rule may read.  Only `events` is required.

    configs: host -> parsed keepalived configuration (kalog.config's type).
    versions: host -> keepalived version string seen in the log.
    expect: the reference profile named with --expect, if any.
    detail_lines: whether -D lines are present; None infers it from the events.
    """

    events: pd.DataFrame
    timeline: Timeline | TimelineLike | None = None
    transitions: Sequence[Transition] = ()
    #: host -> the config it started with (the first given for it)
    configs: Mapping[str, KeepalivedConfig] = field(default_factory=dict)
    #: host -> every config given for it, in reload order (`--config HOST=PATH`
    #: repeated); empty: only `configs` (`config_at` then answers with those)
    configs_by_host: Mapping[str, Sequence[KeepalivedConfig]] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=dict)
    expect: str | None = None
    detail_lines: bool | None = None
    settings: Settings = field(default_factory=Settings)

    def configs_of(self, host: str) -> Sequence[KeepalivedConfig]:
        """Every config given for `host`, in reload order (none: [])."""
        given = self.configs_by_host.get(host)
        if given:
            return given
        first = self.configs.get(host)
        return [first] if first is not None else []

    def config_at(self, host: str, ts: pd.Timestamp | None) -> KeepalivedConfig | None:
        """The config in force on `host` at `ts`, as the model replayed it.

        The first config given until a reload moves to the next one; None
        after a reload past the last one given (the inputs do not tell the
        config then: the model's priorities are unknown there too), and for a
        host without a config.  Rules ask this instead of taking the first
        config, so a rule and the model never read different configs.
        """
        given = self.configs_of(host)
        if not isinstance(self.timeline, Timeline):
            return given[0] if given else None
        return self.timeline.config_at(host, ts, given)

    @property
    def hosts(self) -> list[str]:
        """The distinct hosts in the events, sorted."""
        if "host" not in self.events or self.events.empty:
            return []
        return list(self.cached("hosts", self._hosts))

    def _hosts(self) -> list[str]:
        return sorted(str(h) for h in self.events["host"].dropna().unique())

    @property
    def has_detail_lines(self) -> bool:
        if self.detail_lines is not None:
            return self.detail_lines
        if "kind" not in self.events or self.events.empty:
            return False
        return self.cached("detail", self._detail_lines)

    def _detail_lines(self) -> bool:
        return bool(kind_mask(self.events, DETAIL_KINDS).any())

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """`build()` once per events frame: what every rule would otherwise
        recompute (the needs, the events' times, segment tables, line lookup)."""
        memo = self.__dict__.setdefault("_kalog_memo", {})
        key = (name, id(self.events))
        if key not in memo:
            memo[key] = (self.events, build())  # the frame is kept so its id stays its own
        return memo[key][1]

    @property
    def times_ns(self) -> np.ndarray:
        """The events' `ts` as int64 nanoseconds (UTC for aware times), NaT as int64 min."""
        return self.cached("times_ns", lambda: times_ns(self.events["ts"]))

    @property
    def has_version(self) -> bool:
        if self.versions or self.expect:
            return True
        if "version" not in self.events or self.events.empty:
            return False
        return bool(self.events["version"].notna().any())
