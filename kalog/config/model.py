"""Typed view of a keepalived.conf: the dataclasses `kalog.config` returns.

Values are the *effective* ones keepalived would use after applying its
defaults for the given version (see docs/config.md for the table and the
vrrp-semantics.md section each default comes from); the configured raw value
is kept where the difference matters to a log replay (`priority_configured`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kalog.config.grammar import ConditionalLine, Node
from kalog.model.profiles import parse_version

__all__ = [
    "KeepalivedConfig",
    "VrrpInstance",
    "VrrpScript",
    "TrackRef",
    "TrackFile",
    "TrackProcess",
    "BfdInstance",
    "SyncGroup",
    "VirtualAddress",
    "config_version",
    "LATEST_VERSION",
]

LATEST_VERSION: tuple[int, int, int] = (2, 99, 99)
"""Stand-in for "latest 2.x behaviour" when no version is given."""

PRIO_DEFAULT = 100  # VRRP_PRIO_DFL, vrrp-semantics.md 1.1
PRIO_OWNER = 255  # VRRP_PRIO_OWNER, vrrp-semantics.md 1.1 / 1.4


def config_version(version: str | None) -> tuple[int, int, int]:
    """The release a config is read for: `kalog.model.profiles.parse_version`'s
    tuple ("Keepalived v2.2.7" -> (2, 2, 7)); None -> the latest 2.x; text
    that names no version is an error (the user asked for one)."""
    if version is None:
        return LATEST_VERSION
    parsed = parse_version(version)
    if parsed is None:
        raise ValueError(f"not a keepalived version: {version!r}")
    return parsed


@dataclass
class TrackRef:
    """One tracked object of an instance or sync group.

    `weight` is effective: the per-instance ``weight N`` override, else the
    tracker's own weight, else the default for that tracker kind.
    """

    name: str
    weight: int = 0
    reverse: bool = False
    weight_overridden: bool = False
    source_line: int | None = None


@dataclass
class VrrpScript:
    """A ``vrrp_script`` block (keepalived defaults applied)."""

    name: str
    script: str | None = None
    interval: float = 1.0
    weight: int = 0
    reverse: bool = False
    rise: int = 1
    fall: int = 1
    timeout: float | None = None  # None: not set, keepalived times the script out at `interval`
    init_fail: bool = False
    user: list[str] = field(default_factory=list)
    source_file: str = ""
    source_line: int = 0


@dataclass
class TrackFile:
    """A ``vrrp_track_file`` / ``track_file`` declaration (2.x)."""

    name: str
    file: str | None = None
    weight: int = 1
    reverse: bool = False
    source_file: str = ""
    source_line: int = 0


@dataclass
class TrackProcess:
    """A ``vrrp_track_process`` / ``track_process`` declaration (2.x)."""

    name: str
    process: list[str] = field(default_factory=list)
    weight: int = 0
    reverse: bool = False
    quorum: int = 1
    source_file: str = ""
    source_line: int = 0


@dataclass
class BfdInstance:
    """A ``bfd_instance`` declaration (2.x); only what VRRP tracking needs."""

    name: str
    weight: int = 0
    reverse: bool = False
    source_file: str = ""
    source_line: int = 0


@dataclass
class VirtualAddress:
    """One line of ``virtual_ipaddress``: ``addr[/prefix] [dev X] [label Y] ...``."""

    address: str
    prefix: int | None = None
    dev: str | None = None
    label: str | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The address as written (with /prefix when given)."""
        return self.address if self.prefix is None else f"{self.address}/{self.prefix}"


@dataclass
class VrrpInstance:
    """A ``vrrp_instance`` block with keepalived's defaults applied."""

    name: str
    state: str | None = None
    interface: str | None = None
    vrid: int | None = None
    priority: int = PRIO_DEFAULT
    priority_configured: int | None = None
    advert_int: float = 1.0
    vrrp_version: int = 2
    nopreempt: bool = False
    preempt_delay: float = 0.0
    track_scripts: list[TrackRef] = field(default_factory=list)
    track_interfaces: list[TrackRef] = field(default_factory=list)
    track_files: list[TrackRef] = field(default_factory=list)
    track_processes: list[TrackRef] = field(default_factory=list)
    track_bfds: list[TrackRef] = field(default_factory=list)
    virtual_ipaddresses: list[str] = field(default_factory=list)
    virtual_addresses: list[VirtualAddress] = field(default_factory=list)
    virtual_ipaddresses_excluded: list[str] = field(default_factory=list)
    unicast_src_ip: str | None = None
    mcast_src_ip: str | None = None
    unicast_peers: list[str] = field(default_factory=list)
    use_vmac: bool = False
    vmac_ifname: str | None = None
    dont_track_primary: bool = False
    sync_group: str | None = None
    other: list[Node] = field(default_factory=list)
    source_file: str = ""
    source_line: int = 0

    @property
    def is_owner(self) -> bool:
        """Address owner: base priority 255, effective priority pinned (vrrp-semantics.md 1.4)."""
        return self.priority == PRIO_OWNER

    @property
    def trackers(self) -> list[TrackRef]:
        """All tracked objects of the instance, every kind."""
        return [
            *self.track_scripts,
            *self.track_interfaces,
            *self.track_files,
            *self.track_processes,
            *self.track_bfds,
        ]


@dataclass
class SyncGroup:
    """A ``vrrp_sync_group``: members, group-level trackers, weight tracking flag."""

    name: str
    group: list[str] = field(default_factory=list)
    track_scripts: list[TrackRef] = field(default_factory=list)
    track_interfaces: list[TrackRef] = field(default_factory=list)
    track_files: list[TrackRef] = field(default_factory=list)
    track_processes: list[TrackRef] = field(default_factory=list)
    track_bfds: list[TrackRef] = field(default_factory=list)
    tracking_weight: bool = False
    other: list[Node] = field(default_factory=list)
    source_file: str = ""
    source_line: int = 0


@dataclass
class KeepalivedConfig:
    """Everything read from one keepalived.conf (includes followed)."""

    instances: dict[str, VrrpInstance] = field(default_factory=dict)
    scripts: dict[str, VrrpScript] = field(default_factory=dict)
    sync_groups: dict[str, SyncGroup] = field(default_factory=dict)
    track_files: dict[str, TrackFile] = field(default_factory=dict)
    track_processes: dict[str, TrackProcess] = field(default_factory=dict)
    bfd_instances: dict[str, BfdInstance] = field(default_factory=dict)
    global_defs: dict[str, list[str]] = field(default_factory=dict)
    blocks: list[Node] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: values keepalived rejects (wrong type, out of range) as (file, line,
    #: message); each is also in `warnings`, with what keepalived does instead
    invalid: list[tuple[str, int, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    conditional_lines: list[ConditionalLine] = field(default_factory=list)
    version: tuple[int, int, int] = LATEST_VERSION
    config_id: str | None = None

    def weights_apply(self, instance: str) -> bool:
        """Do tracker weights move this instance's priority at all?

        No for address owners (pinned at 255, vrrp-semantics.md 1.4) and for
        members of a sync group that does not enable weight tracking
        (1.x ``global_tracking``, 2.x ``sync_group_tracking_weight``;
        vrrp-semantics.md 1.1 "Sync groups").
        """
        inst = self.instances[instance]
        if inst.is_owner:
            return False
        if inst.sync_group is not None and inst.sync_group in self.sync_groups:
            return self.sync_groups[inst.sync_group].tracking_weight
        return True
