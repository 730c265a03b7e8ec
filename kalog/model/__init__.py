"""The reference VRRP model: replay events into state and priority over time.

`replay(events, configs=..., version=..., peers=...) -> Timeline`; see
`kalog.model.replay` for how, `kalog.model.profiles` for the per-version
behaviour and docs/model.md for the keepalived source behind each rule.
"""

from kalog.model.profiles import PROFILES, Profile, resolve_profile
from kalog.model.replay import replay
from kalog.model.timeline import InstanceTimeline, Observation, RunInfo, Segment, Timeline

__all__ = [
    "PROFILES",
    "InstanceTimeline",
    "Observation",
    "Profile",
    "RunInfo",
    "Segment",
    "Timeline",
    "replay",
    "resolve_profile",
]
