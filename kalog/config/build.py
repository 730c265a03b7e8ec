"""Interpretation of the statement tree: `Node` list -> `KeepalivedConfig`.

Mirrors what keepalived's keyword handlers (vrrp_parser.c, vrrp_track.c) do
with each statement, version by version, and applies the defaults of
vrrp_complete_instance(). Anything keepalived would log and ignore becomes an
entry in `KeepalivedConfig.warnings` ("file:line: message"); nothing here
raises, because a partly wrong config is still useful to a log analyser.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kalog.config.grammar import Node
from kalog.config.model import (
    PRIO_DEFAULT,
    PRIO_OWNER,
    BfdInstance,
    KeepalivedConfig,
    SyncGroup,
    TrackFile,
    TrackProcess,
    TrackRef,
    VirtualAddress,
    VrrpInstance,
    VrrpScript,
)

__all__ = ["build_config"]

V1_2_20 = (1, 2, 20)
V1_3_5 = (1, 3, 5)
V2_0_0 = (2, 0, 0)
V2_0_18 = (2, 0, 18)

TOP_LEVEL_KNOWN = frozenset(
    {
        "global_defs",
        "vrrp_script",
        "vrrp_instance",
        "vrrp_sync_group",
        "vrrp_track_file",
        "track_file",
        "vrrp_track_process",
        "bfd_instance",
        "virtual_server",
        "virtual_server_group",
        "static_ipaddress",
        "static_routes",
        "static_rules",
        "garp_group",
        "linkbeat_interfaces",
        "net_namespace",
        "net_namespace_ipvs",
        "namespace_with_ipsets",
        "instance",
        "use_pid_dir",
        "child_wait_time",
        "local_address_group",
        "SSL",
    }
)
"""Top-level keywords of keepalived 1.2 .. 2.4 (global_parser.c, vrrp_parser.c, check_parser.c)."""

INSTANCE_KNOWN_OTHER = frozenset(
    {
        "vmac_xmit_base",
        "use_ipvlan",
        "unicast_fault_no_peer",
        "check_unicast_src",
        "old_unicast_checksum",
        "native_ipv6",
        "track_src_ip",
        "promote_secondaries",
        "linkbeat_use_polling",
        "virtual_routes",
        "virtual_rules",
        "accept",
        "no_accept",
        "skip_check_adv_addr",
        "strict_mode",
        "debug",
        "notify_backup",
        "notify_master",
        "notify_fault",
        "notify_stop",
        "notify_deleted",
        "notify",
        "notify_master_rx_lower_pri",
        "notify_priority_changes",
        "smtp_alert",
        "lvs_sync_daemon_interface",
        "garp_master_delay",
        "garp_master_refresh",
        "garp_master_repeat",
        "garp_master_refresh_repeat",
        "garp_lower_prio_delay",
        "garp_lower_prio_repeat",
        "garp_extra_if",
        "vmac_garp_intvl",
        "lower_prio_no_advert",
        "higher_prio_send_advert",
        "kernel_rx_buf_size",
        "unicast_ttl",
        "mcast_dst_ip",
        "down_timer_adverts",
        "authentication",
        "ha_suspend",
        "vrrp_version",
    }
)
"""vrrp_instance keywords kalog keeps (in `other`) without interpreting them."""

SCRIPT_KEYWORDS = frozenset(
    {"script", "interval", "timeout", "weight", "rise", "fall", "user", "init_fail"}
)
SYNC_GROUP_KNOWN_OTHER = frozenset(
    {"notify_backup", "notify_master", "notify_fault", "notify_stop", "notify", "smtp_alert"}
)
VIP_FLAGS = frozenset(
    {"no_track", "home", "-nodad", "nodad", "noprefixroute", "autojoin", "-autojoin"}
)


def _num(text: str) -> int | None:
    try:
        return int(text, 10)
    except ValueError:
        return None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


class _Builder:
    def __init__(self, cfg: KeepalivedConfig) -> None:
        self.cfg = cfg
        self.v = cfg.version
        self.v2 = cfg.version >= V2_0_0

    # -- helpers
    def warn(self, node: Node, msg: str) -> None:
        self.cfg.warnings.append(f"{node.file}:{node.line}: {msg}")

    def invalid(self, node: Node, msg: str, consequence: str) -> None:
        """A value keepalived rejects (wrong type, out of range): a warning that
        says what keepalived does instead, and an entry of `cfg.invalid`
        (`load_config(strict=True)` raises it as a ConfigError)."""
        self.warn(node, f"{msg} - {consequence}")
        self.cfg.invalid.append((node.file, node.line, msg))

    def arg(self, node: Node, i: int = 0) -> str | None:
        if len(node.args) <= i:
            self.invalid(node, f"{node.keyword!r} needs a value", "ignored")
            return None
        return node.args[i]

    def weight(self, node: Node, text: str, what: str, *, rewrite_254: bool = True) -> int | None:
        """A weight as keepalived reads it: -254..254; 2.x turns +/-254 into +/-253.

        Out-of-range or non-numeric weights are ignored by keepalived (it keeps
        the default), so they are here too, with a warning.
        """
        w = _num(text)
        if w is None or not -254 <= w <= 254:
            lim = "[-253..253]" if self.v2 else "[-254..254]"
            self.invalid(node, f"{what}: weight {text!r} must be in {lim}", "ignored")
            return None
        if self.v2 and rewrite_254 and abs(w) == 254:
            self.warn(node, f"{what}: weight cannot be +/-254 - set to +/-253")
            w = 253 if w > 0 else -253
        return w

    def script_weight(self, node: Node, text: str, name: str) -> int | None:
        """vrrp_script's own weight, clamped to 2.x -253..253 / 1.x -254..254.

        keepalived 2.2 reports an out-of-range value but still stores what it
        read (vrrp_vscript_weight_handler() assigns after the failed range
        check, and ``keepalived -t`` then treats the script as weighted), so
        the weight is clamped rather than dropped; 1.x stores atoi() unchecked.
        """
        w = _num(text)
        if w is None:
            self.invalid(node, f"vrrp_script {name}: weight {text!r} is not a number", "ignored")
            return None
        lim = 253 if self.v2 else 254
        if not -lim <= w <= lim:
            clamped = max(-lim, min(lim, w))
            self.warn(
                node, f"vrrp_script {name}: weight {w} outside [-{lim}..{lim}] - using {clamped}"
            )
            return clamped
        return w

    def script_seconds(self, node: Node, text: str, what: str) -> int | None:
        """Script interval/timeout: whole seconds. 2.x rejects "2.5"; 1.x atoi() truncates."""
        if self.v2:
            n = _num(text)
            if n is None or not 0 <= n <= 4294:
                self.invalid(node, f"{what} {text!r} must be an integer in [1..4294]", "ignored")
                return None
            if n == 0:
                self.warn(node, f"{what} must be greater than 0 - set to 1")
                n = 1
            return n
        m = re.match(r"\s*([+-]?\d+)", text)
        n = int(m.group(1)) if m else 0
        if n < 1:
            self.invalid(node, f"{what} {text!r} invalid", "ignored")
            return None
        if str(n) != text:
            self.warn(node, f"{what} {text!r} read as {n} (1.x atoi)")
        return n

    def reverse_opt(self, node: Node, text: str, what: str) -> bool | None:
        if text in ("reverse", "noreverse"):
            if self.v < V2_0_18:
                self.warn(node, f"{what}: {text!r} needs keepalived 2.0.18+ - ignored")
                return None
            return text == "reverse"
        self.invalid(node, f"{what}: unknown weight option {text!r}", "ignored")
        return None

    # -- top level
    def build(self, nodes: list[Node]) -> None:
        handlers: dict[str, Callable[[Node], None]] = {
            "global_defs": self.global_defs,
            "vrrp_script": self.script,
            "vrrp_track_file": self.track_file_decl,
            "track_file": self.track_file_decl,
            "vrrp_track_process": self.track_process_decl,
            "bfd_instance": self.bfd_decl,
        }
        deferred: list[Node] = []
        for node in nodes:
            if node.keyword in handlers:
                handlers[node.keyword](node)
            elif node.keyword in ("vrrp_instance", "vrrp_sync_group"):
                deferred.append(node)  # need scripts/trackers declared anywhere in the file
            else:
                if node.keyword not in TOP_LEVEL_KNOWN:
                    self.warn(node, f"unknown top-level keyword {node.keyword!r} - kept")
                self.cfg.blocks.append(node)
        for node in deferred:
            if node.keyword == "vrrp_instance":
                self.instance(node)
        for node in deferred:
            if node.keyword == "vrrp_sync_group":
                self.sync_group(node)
        self.complete()

    def global_defs(self, node: Node) -> None:
        for child in node.children or ():
            if child.children is not None:
                values = [t for c in child.children for t in c.tokens]
                self.cfg.global_defs[child.keyword] = values
            else:
                self.cfg.global_defs[child.keyword] = list(child.args)

    def _named(self, node: Node, kind: str, table: dict) -> str | None:
        if len(node.args) != 1:
            self.warn(node, f"{kind} must have exactly one name - skipped")
            return None
        name = node.args[0]
        if name in table:
            self.warn(node, f"{kind} {name} already defined - skipped")
            return None
        if node.children is None:
            self.warn(node, f"{kind} {name} has no '{{ }}' block")
        return name

    # -- vrrp_script
    def script(self, node: Node) -> None:
        name = self._named(node, "vrrp_script", self.cfg.scripts)
        if name is None:
            return
        s = VrrpScript(name=name, source_file=node.file, source_line=node.line)
        for c in node.children or ():
            k = c.keyword
            if k == "script":
                # keepalived joins an unquoted command line back together
                s.script = " ".join(c.args) if c.args else None
            elif k in ("interval", "timeout"):
                val = self.arg(c)
                secs = self.script_seconds(c, val, f"vrrp_script {name}: {k}") if val else None
                if secs is not None:
                    setattr(s, k, float(secs))
            elif k == "weight":
                val = self.arg(c)
                w = self.script_weight(c, val, name) if val is not None else None
                if w is not None:
                    s.weight = w
                if len(c.args) >= 2:
                    r = self.reverse_opt(c, c.args[1], f"vrrp_script {name}")
                    if r is not None:
                        s.reverse = r
            elif k in ("rise", "fall"):
                val = self.arg(c)
                n = _num(val) if val is not None else None
                if n is None or n < 1:
                    if val is not None:
                        self.invalid(c, f"vrrp_script {name}: {k} {val!r} invalid", "ignored")
                    continue
                setattr(s, k, n)
            elif k == "init_fail":
                s.init_fail = True
            elif k == "user":
                s.user = list(c.args)
            else:
                self.warn(c, f"vrrp_script {name}: unknown keyword {k!r} - ignored")
        if s.script is None:
            if self.v2:  # 2.x vrrp_vscript_end_handler(): "No script set ... - removing"
                self.warn(node, f"no script set for vrrp_script {name} - removed")
                return
            self.warn(node, f"no script set for vrrp_script {name}")
        self.cfg.scripts[name] = s

    # -- declarations of other trackers (2.x)
    def _weight_line(self, c: Node, what: str, obj: TrackFile | TrackProcess | BfdInstance) -> None:
        val = self.arg(c)
        w = self.weight(c, val, what, rewrite_254=False) if val is not None else None
        if w is not None:
            obj.weight = w
        if len(c.args) >= 2:
            r = self.reverse_opt(c, c.args[1], what)
            if r is not None:
                obj.reverse = r

    def _needs_v2(self, node: Node) -> None:
        if not self.v2:
            self.warn(node, f"{node.keyword!r} is a keepalived 2.x keyword (reading anyway)")

    def track_file_decl(self, node: Node) -> None:
        self._needs_v2(node)
        name = self._named(node, node.keyword, self.cfg.track_files)
        if name is None:
            return
        t = TrackFile(name=name, source_file=node.file, source_line=node.line)
        for c in node.children or ():
            if c.keyword == "file":
                t.file = self.arg(c)
            elif c.keyword == "weight":
                self._weight_line(c, f"track_file {name}", t)
            elif c.keyword != "init_file":
                self.warn(c, f"track_file {name}: unknown keyword {c.keyword!r} - ignored")
        self.cfg.track_files[name] = t

    def track_process_decl(self, node: Node) -> None:
        self._needs_v2(node)
        name = self._named(node, node.keyword, self.cfg.track_processes)
        if name is None:
            return
        t = TrackProcess(name=name, source_file=node.file, source_line=node.line)
        for c in node.children or ():
            if c.keyword == "process":
                t.process = list(c.args)
            elif c.keyword == "weight":
                self._weight_line(c, f"track_process {name}", t)
            elif c.keyword == "quorum":
                n = _num(c.args[0]) if c.args else None
                if n is not None:
                    t.quorum = n
        self.cfg.track_processes[name] = t

    def bfd_decl(self, node: Node) -> None:
        self._needs_v2(node)
        name = self._named(node, "bfd_instance", self.cfg.bfd_instances)
        if name is None:
            return
        b = BfdInstance(name=name, source_file=node.file, source_line=node.line)
        for c in node.children or ():
            if c.keyword == "weight":
                self._weight_line(c, f"bfd_instance {name}", b)
        self.cfg.bfd_instances[name] = b
        self.cfg.blocks.append(node)  # the rest (addresses, timers) is kept generically

    # -- track_* blocks inside an instance or sync group
    def track_refs(self, block: Node, owner: str) -> list[TrackRef]:
        kind = block.keyword
        refs: list[TrackRef] = []
        seen: set[str] = set()
        if block.children is None:
            self.warn(block, f"({owner}) {kind} needs a '{{ }}' block - ignored")
            return refs
        for c in block.children:
            name = c.keyword
            default_w, default_r = 0, False
            if kind == "track_script":
                if name not in self.cfg.scripts:
                    self.warn(c, f"({owner}) track script {name} not found - ignored")
                    continue
                default_w, default_r = self.cfg.scripts[name].weight, self.cfg.scripts[name].reverse
            elif kind == "track_file":
                tf = self.cfg.track_files.get(name)
                if tf is None:
                    self.warn(c, f"({owner}) track file {name} not found - ignored")
                    continue
                default_w, default_r = tf.weight, tf.reverse
            elif kind == "track_process":
                tp = self.cfg.track_processes.get(name)
                if tp is None:
                    self.warn(c, f"({owner}) track process {name} not found - ignored")
                    continue
                default_w, default_r = tp.weight, tp.reverse
            elif kind == "track_bfd":
                bfd = self.cfg.bfd_instances.get(name)
                if bfd is None:
                    self.warn(c, f"({owner}) track bfd {name} not found - ignored")
                    continue
                default_w, default_r = bfd.weight, bfd.reverse
            if name in seen:
                self.warn(c, f"({owner}) duplicate {kind} {name} - ignored")
                continue
            ref = TrackRef(name=name, weight=default_w, reverse=default_r, source_line=c.line)
            if c.args:
                if c.args[0] != "weight":
                    self.invalid(
                        c, f"({owner}) unknown {kind} {name} option {c.args[0]!r}", "ignored"
                    )
                    continue
                if len(c.args) < 2:
                    self.invalid(c, f"({owner}) weight without value for {kind} {name}", "ignored")
                    continue
                w = self.weight(c, c.args[1], f"({owner}) {kind} {name}")
                if w is not None:
                    ref.weight = w
                    ref.weight_overridden = True
                if len(c.args) >= 3:
                    r = self.reverse_opt(c, c.args[2], f"({owner}) {kind} {name}")
                    if r is not None:
                        ref.reverse = r
            seen.add(name)
            refs.append(ref)
        return refs

    # -- vrrp_instance
    def instance(self, node: Node) -> None:
        name = self._named(node, "vrrp_instance", self.cfg.instances)
        if name is None:
            return
        inst = VrrpInstance(name=name, source_file=node.file, source_line=node.line)
        version_set = False
        track_attr = {
            "track_script": "track_scripts",
            "track_interface": "track_interfaces",
            "track_file": "track_files",
            "track_process": "track_processes",
            "track_bfd": "track_bfds",
        }
        for c in node.children or ():
            k = c.keyword
            if k == "state":
                val = self.arg(c)
                if val in ("MASTER", "BACKUP"):
                    inst.state = val
                elif val is not None:
                    self.invalid(c, f"({name}) unknown state {val!r}", "using BACKUP")
                    inst.state = "BACKUP"
            elif k == "interface":
                inst.interface = self.arg(c)
            elif k == "virtual_router_id":
                val = self.arg(c)
                n = _num(val) if val is not None else None
                if n is None or not 1 <= n <= 255:
                    if val is not None:
                        self.invalid(c, f"({name}) VRID {val!r} not valid (1..255)", "ignored")
                    continue
                inst.vrid = n
            elif k == "priority":
                val = self.arg(c)
                n = _num(val) if val is not None else None
                if n is None or not 1 <= n <= 255:
                    if val is not None:
                        self.invalid(c, f"({name}) priority {val!r} not valid (1..255)", "default")
                    continue
                inst.priority_configured = n
            elif k == "advert_int":
                val = self.arg(c)
                f = _float(val) if val is not None else None
                if f is None or f <= 0:
                    if val is not None:
                        self.invalid(c, f"({name}) advert_int {val!r} not valid", "ignored")
                    continue
                inst.advert_int = f
            elif k == "version":
                val = self.arg(c)
                if val in ("2", "3"):
                    inst.vrrp_version = int(val)
                    version_set = True
                elif val is not None:
                    self.invalid(c, f"({name}) VRRP version {val!r} not valid (2 or 3)", "ignored")
            elif k == "nopreempt":
                inst.nopreempt = True
            elif k == "preempt":
                inst.nopreempt = False
            elif k == "preempt_delay":
                val = self.arg(c)
                f = _float(val) if val is not None else None
                if f is None or f < 0:
                    if val is not None:
                        self.invalid(c, f"({name}) preempt_delay {val!r} not valid", "ignored")
                    continue
                inst.preempt_delay = f
            elif k in track_attr:
                if k != "track_interface" and k != "track_script":
                    self._needs_v2(c)
                if k == "track_interface":
                    refs = self.track_interfaces(c, name)
                else:
                    refs = self.track_refs(c, name)
                getattr(inst, track_attr[k]).extend(refs)
            elif k == "virtual_ipaddress":
                for va in self.vips(c, name):
                    inst.virtual_addresses.append(va)
                    inst.virtual_ipaddresses.append(va.text)
            elif k == "virtual_ipaddress_excluded":
                inst.virtual_ipaddresses_excluded.extend(va.text for va in self.vips(c, name))
            elif k == "unicast_src_ip":
                inst.unicast_src_ip = self.arg(c)
            elif k == "mcast_src_ip":
                inst.mcast_src_ip = self.arg(c)
            elif k == "unicast_peer":
                inst.unicast_peers.extend(p.keyword for p in c.children or ())
            elif k == "use_vmac":
                inst.use_vmac = True
                inst.vmac_ifname = c.args[0] if c.args else None
            elif k == "dont_track_primary":
                inst.dont_track_primary = True
            else:
                if k not in INSTANCE_KNOWN_OTHER:
                    self.warn(c, f"({name}) unknown keyword {k!r} - kept")
                inst.other.append(c)
        if not version_set:
            gv = self.cfg.global_defs.get("vrrp_version")
            if gv and gv[0] in ("2", "3"):
                inst.vrrp_version = int(gv[0])
        self.cfg.instances[name] = inst

    def track_interfaces(self, block: Node, owner: str) -> list[TrackRef]:
        """track_interface: default weight 0 (vrrp-semantics.md 1.1), reverse only if given."""
        refs: list[TrackRef] = []
        for c in block.children or ():
            if any(r.name == c.keyword for r in refs):
                self.warn(c, f"({owner}) duplicate track_interface {c.keyword} - ignored")
                continue
            ref = TrackRef(name=c.keyword, weight=0, reverse=False, source_line=c.line)
            if c.args:
                if c.args[0] != "weight" or len(c.args) < 2:
                    self.invalid(c, f"({owner}) bad track_interface {c.keyword} options", "ignored")
                    continue
                w = self.weight(c, c.args[1], f"({owner}) track_interface {c.keyword}")
                ref.weight = w if w is not None else 0
                ref.weight_overridden = w is not None
                if len(c.args) >= 3:
                    ref.reverse = bool(
                        self.reverse_opt(c, c.args[2], f"({owner}) track_interface {c.keyword}")
                    )
            refs.append(ref)
        return refs

    def vips(self, block: Node, owner: str) -> list[VirtualAddress]:
        out: list[VirtualAddress] = []
        for c in block.children or ():
            addr, _, prefix = c.keyword.partition("/")
            va = VirtualAddress(address=addr, prefix=_num(prefix) if prefix else None)
            args = list(c.args)
            while args:
                key = args.pop(0)
                if key in VIP_FLAGS:
                    va.options[key] = ""
                    continue
                if not args:
                    self.warn(c, f"({owner}) virtual address option {key!r} without value")
                    break
                value = args.pop(0)
                if key == "dev":
                    va.dev = value
                elif key == "label":
                    va.label = value
                else:
                    va.options[key] = value
            out.append(va)
        return out

    # -- vrrp_sync_group
    def sync_group(self, node: Node) -> None:
        name = self._named(node, "vrrp_sync_group", self.cfg.sync_groups)
        if name is None:
            return
        sg = SyncGroup(name=name, source_file=node.file, source_line=node.line)
        for c in node.children or ():
            k = c.keyword
            if k == "group":
                sg.group.extend(t for g in c.children or () for t in g.tokens)
            elif k == "track_interface":
                sg.track_interfaces.extend(self.track_interfaces(c, name))
            elif k in ("track_script", "track_file", "track_process", "track_bfd"):
                getattr(
                    sg,
                    {
                        "track_script": "track_scripts",
                        "track_file": "track_files",
                        "track_process": "track_processes",
                        "track_bfd": "track_bfds",
                    }[k],
                ).extend(self.track_refs(c, name))
            elif k in ("global_tracking", "sync_group_tracking_weight"):
                sg.tracking_weight = True
            else:
                if k not in SYNC_GROUP_KNOWN_OTHER:
                    self.warn(c, f"({name}) unknown keyword {k!r} - kept")
                sg.other.append(c)
        for member in sg.group:
            inst = self.cfg.instances.get(member)
            if inst is None:
                self.warn(node, f"sync group {name}: instance {member} not found")
            elif inst.sync_group is not None:
                self.warn(node, f"sync group {name}: {member} already in {inst.sync_group}")
            else:
                inst.sync_group = name
        self.cfg.sync_groups[name] = sg

    # -- vrrp_complete_instance(): defaults that depend on other settings
    def complete(self) -> None:
        """Apply what keepalived decides once the whole instance is known.

        Checked against keepalived 2.2.7 ``-t`` (config test) output; the 1.x
        rules follow vrrp-semantics.md 1.1 / 1.4 / 4.
        """
        for inst in self.cfg.instances.values():

            def note(msg: str, inst: VrrpInstance = inst) -> None:
                self.cfg.warnings.append(
                    f"{inst.source_file}:{inst.source_line}: ({inst.name}) {msg}"
                )

            if inst.priority_configured is not None:
                inst.priority = inst.priority_configured
            elif inst.state == "MASTER" and self.v >= V1_2_20:
                inst.priority = PRIO_OWNER  # vrrp-semantics.md 1.1
            else:
                inst.priority = PRIO_DEFAULT
            if inst.nopreempt and inst.is_owner and self.v >= V1_3_5:
                note("nopreempt is incompatible with priority 255 - cleared")
                inst.nopreempt = False
            elif inst.nopreempt and inst.state == "MASTER" and self.v2:
                note("nopreempt will not work with initial state MASTER - cleared")
                inst.nopreempt = False
            if inst.preempt_delay and inst.state == "MASTER" and self.v2:
                note("preempt_delay will not work with initial state MASTER - cleared")
                inst.preempt_delay = 0.0
            if self.v2 and inst.interface is not None:
                own = [t for t in inst.track_interfaces if t.name == inst.interface]
                if own:
                    note(f"track_interface {inst.interface} ignored: it is the own interface")
                    inst.track_interfaces = [t for t in inst.track_interfaces if t not in own]
            if inst.is_owner and self.v2:
                for ref in inst.trackers:
                    if ref.weight:
                        note(f"weighted tracker {ref.name} ignored: address owner (priority 255)")
        if not self.v2:
            return
        for sg in self.cfg.sync_groups.values():
            members = [self.cfg.instances[m] for m in sg.group if m in self.cfg.instances]
            if not any(m.is_owner for m in members):
                continue
            for refs in (sg.track_scripts, sg.track_files, sg.track_processes, sg.track_bfds):
                for ref in refs:
                    if ref.weight:
                        self.cfg.warnings.append(
                            f"{sg.source_file}:{sg.source_line}: ({sg.name}) weighted tracker "
                            f"{ref.name} with a priority 255 member - weight cleared"
                        )
                        ref.weight = 0


def build_config(nodes: list[Node], cfg: KeepalivedConfig) -> KeepalivedConfig:
    """Fill `cfg` (which carries version, reader warnings, files) from the tree."""
    _Builder(cfg).build(nodes)
    return cfg
