"""The closed vocabulary of event kinds (`Kind`), apart from the frame's schema.

Why its own module: the command line lists the kinds (`kalog events
--kind`) when it builds its options, before the reading children are
forked; `kalog.ingest.events` (the frame's columns and dtypes) imports
pandas, which would delay them by half a second.  `kalog.ingest.events`
re-exports both names: that module stays the contract.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a keepalived line says.  Grouped as in keepalived-messages.tsv."""

    # -- state -------------------------------------------------------------
    ENTER_STATE = "enter_state"  # "Entering MASTER|BACKUP|FAULT STATE" (state, init)
    TRANSITION_MASTER = "transition_master"  # 1.x "Transition to MASTER STATE"
    NOW_IN_STATE = "now_in_state"  # 1.x "Now in FAULT|BACKUP state"
    FAULT_CAUSE = "fault_cause"  # 2.x "(x): entering FAULT state (interface eth0 down)" ...
    PRIO_HIGHER_THAN_ADVERT = "prio_higher_than_advert"  # 1.x leaving FAULT via an advert
    ADVERT_TIMEOUT = "advert_timeout"  # 2.x [-D] "Receive advertisement timeout"
    NO_PEERS_FAULT = "no_peers_fault"  # 2.x "Cannot use unicast without any peers"
    INTERNAL_ERROR = "internal_error"  # "vrrp_state_leave_master called with invalid wantstate"
    SCHEDULING_DELAY = "scheduling_delay"  # "A thread timer expired N seconds ago" (detail=N)
    # -- priority ----------------------------------------------------------
    PRIORITY_CHANGE = "priority_change"  # "Changing effective priority from A to B"
    PRIORITY_SET = "priority_set"  # 2.x [-D] "Setting effective priority to N"
    OWNER_CONFLICT = "owner_conflict"  # two address owners: priority reduced
    PRIORITY_RESTORED = "priority_restored"  # 2.3.3+ "Restoring our priority to N"
    PREEMPT_SNMP = "preempt_snmp"  # preemption enabled/disabled with SNMP
    # -- adverts -----------------------------------------------------------
    ADVERT_HIGHER = "advert_higher"  # master saw a higher priority (or same prio, higher IP)
    ADVERT_LOWER = "advert_lower"  # master saw a lower priority advert (forcing new election)
    ADVERT_LOWER_DISCARD = "advert_lower_discard"  # 2.x backup discards lower priority
    FORCE_ELECTION = "force_election"  # 1.x backup "forcing a new MASTER election"
    PRIO0_RECEIVED = "prio0_received"  # backup/master received a priority 0 advert
    PRIO0_SENT = "prio0_sent"  # "sent 0 priority" / "sending 0 priority"
    EQUAL_PRIO_OWN_IP = "equal_prio_own_ip"  # equal priority advert with our IP address
    MASTER_CHANGED = "master_changed"  # 2.3.3+ "master set to" / "master changed from"
    PREEMPT_DELAY = "preempt_delay"  # start / reset / stop preempt delay (action)
    ADVERT_INTERVAL = "advert_interval"  # advert interval updated / changed
    # -- packets -----------------------------------------------------------
    PACKET_ERROR = "packet_error"  # bad adverts: ttl, version, auth, vrid, vips ... (detail)
    SEND_ERROR = "send_error"  # "Cant send advert", "send advert error"
    AH_SYNC = "ah_sync"  # IPSEC-AH sequence number resynchronisation
    # -- track scripts -----------------------------------------------------
    SCRIPT_RESULT = "script_result"  # VRRP_Script(x) succeeded|failed|timed out
    SCRIPT_RETURNING = "script_returning"  # 2.x "Script `x` now returning N"
    SCRIPT_EXIT = "script_exit"  # [-D] "<script> exited with status N" (every run)
    SCRIPT_RELOAD = "script_reload"  # "considered (un)successful on reload"
    SCRIPT_SKIP = "script_skip"  # "Track script x is already running ... skipping run"
    SCRIPT_KILL_FAILED = "script_kill_failed"  # child did not terminate
    SCRIPT_IGNORED = "script_ignored"  # weights ignored (sync group / address owner)
    SCRIPT_UNUSED = "script_unused"  # "Warning - script x is not used"
    SECURITY = "security"  # script security warnings
    # -- other trackers, interfaces -----------------------------------------
    INTERFACE_STATE = "interface_state"  # Kernel is reporting / Netlink / Linkbeat (action)
    TRACKED_INTERFACES_UP = "tracked_interfaces_up"  # 1.x "tracked interface are UP"
    INTERFACE_CHANGE = "interface_change"  # interface added / deleted / renamed (action)
    VRID_CONFLICT = "vrid_conflict"
    TRACK_PROCESS = "track_process"  # quorum gained/lost, process count changes
    TRACK_BFD = "track_bfd"  # tracked BFD instance up/down, BFD events
    TRACK_FILE = "track_file"  # tracked file now FAULT / leaving FAULT
    # -- addresses, VIPs, ARP ----------------------------------------------
    ADDRESS = "address"  # netlink reflector / assigned / deassigned address (action)
    NETLINK = "netlink"  # netlink housekeeping and errors
    INTERFACE_MISSING = "interface_missing"  # configured interface does not exist
    VIPS = "vips"  # setting/removing (protocol) VIPs, routes, rules (action, detail)
    GARP = "garp"  # gratuitous ARP / unsolicited NA sent or queued
    GARP_ERROR = "garp_error"
    # -- sync groups -------------------------------------------------------
    SYNC_GROUP = "sync_group"  # VRRP_Group(G) Syncing instances to STATE, ...
    # -- process lifecycle -------------------------------------------------
    START = "start"  # "Starting Keepalived vX.Y.Z" (version)
    CHILD_START = "child_start"  # "Starting VRRP child process, pid=N" (detail=VRRP, child_pid)
    CHILD_EXIT = "child_exit"  # died / respawning / exited with error / signal
    STARTUP_DELAY = "startup_delay"
    STOPPING = "stopping"
    STOPPED = "stopped"
    RELOADING = "reloading"
    RELOAD_COMPLETE = "reload_complete"
    DATA_DUMP = "data_dump"  # SIGUSR1/SIGUSR2/json dumps and the lines they print
    RUNTIME_INFO = "runtime_info"  # Running on ..., Command line, Configuration file, ident
    OPENING_FILE = "opening_file"  # "Opening file '...'."
    CONFIG_ERROR = "config_error"  # "(Line N) ..." and other configuration errors
    CONFIG_WARNING = "config_warning"  # warnings about the configuration
    NOTIFY = "notify"  # notify scripts, SMTP, SNMP, fifo
    HOUSEKEEPING = "housekeeping"  # recognised lines with no VRRP meaning (sockpool, ...)
    # -- the rest of keepalived's messages, typed by its catalogue ------------
    # (kalog.grammar.vocabulary; `template` names the format, `args` its fields;
    # data_dump, config_error, netlink and notify above take their families too)
    CHECKER = "checker"  # healthcheckers: TCP/HTTP/SSL/SMTP/DNS/MISC/... checks, IPVS, quorum
    BFD = "bfd"  # the BFD process and its sessions
    NETWORK = "network"  # interfaces, addresses, routes, rules, VMACs, ARP/NDISC set-up
    FIREWALL = "firewall"  # iptables, ipsets, nftables
    SCRIPT = "script"  # running notify and track scripts (lib/notify.c)
    TRACKING = "tracking"  # track files, processes, track scripts' set-up
    STARTUP = "startup"  # the daemon: start, options, pid files, namespaces, reloads, signals
    SYSTEM = "system"  # scheduler, memory, utilities
    VRRP = "vrrp"  # other VRRP messages (no meaning for the model)
    UNKNOWN = "unknown"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
