"""Every keepalived message body kalog types: one `_t(...)` per wording.

Grouped by what the line is about (state, priority, adverts, packets,
scripts, interfaces, addresses, VIPs, ARP, sync groups, lifecycle, notify,
configuration); each names its kind, its template in the notation of
docs/grammar.md ("Bodies", compiled by `kalog.grammar.notation`), the
keepalived releases that print it and any fixed fields.  Supporting a new
line is one `_t(...)` here and one test row (CONTRIBUTING.md).
"""

from __future__ import annotations

from kalog.grammar.notation import _compile, _t
from kalog.ingest.events import Kind

K = Kind
_SETRM = "action=setting>set|removing>removed"
_ARPNA = "detail=gratuitous ARPs>arp|Unsolicited Neighbour Adverts>na"

# -- state -------------------------------------------------------------------
_t(K.TRANSITION_MASTER, "{vi}: Transition to MASTER STATE", "1.2.22-1.4.5", state="MASTER")
_t(K.TRANSITION_MASTER, "{vi} Transition to MASTER STATE", "1.2.13-1.4.5", state="MASTER")
_t(K.ENTER_STATE, "{vi}: Entering {state} STATE", "1.2.22-1.4.5")
_t(K.ENTER_STATE, "{vi} Entering {state} STATE", "1.2.13-1.4.5")
_t(K.ENTER_STATE, "{p2} Entering {state} STATE (init)", "2.0.0-2.4.3", init=True)
_t(K.ENTER_STATE, "{p2} Entering {state} STATE", "2.0.0-2.4.3")
_t(K.ENTER_STATE, "{p2} Entering STATE", "2.0.0-2.4.3")  # state blanked by the user
_t(K.NOW_IN_STATE, "{vi} Now in {state} state", "1.2.13-1.4.5")
_t(K.PRIO_HIGHER_THAN_ADVERT, "{vi} prio is higher than received advert", "1.2.13-1.4.5")
_t(K.AH_SYNC, "{vi} in FAULT state jump to AH sync", "1.2.13-1.4.5", action="sync")
_FAULT = {"state": "FAULT"}
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state due to script {script:word}",
    "2.0.19-2.4.3",
    detail="script",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (interface {interface} down)",
    "2.0.19-2.4.3",
    detail="interface",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (tracked file {tracked} has status {_:int})",
    "2.0.19-2.4.3",
    detail="tracked_file",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2} entering FAULT state (tracked process {tracked} quorum not achieved)",
    "2.0.19-2.4.3",
    detail="tracked_process",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2} entering FAULT state (no IPv{_:int} address for interface)",
    "2.0.20-2.4.3",
    detail="no_address",
    **_FAULT,
)
_t(
    K.FAULT_CAUSE,
    "{p2}: entering FAULT state (src address not configured)",
    "2.1.0-2.4.3",
    detail="src_address",
    **_FAULT,
)
_t(K.FAULT_CAUSE, "{p2} entering FAULT state", "2.0.0-2.4.3", **_FAULT)
_t(
    K.NO_PEERS_FAULT,
    "{p2} Cannot use unicast without any peers - going to fault state",
    "2.2.5-2.4.3",
    state="FAULT",
)
_t(K.ADVERT_TIMEOUT, "{p2} Receive advertisement timeout", "2.0.3-2.4.3")
_t(
    K.INTERNAL_ERROR,
    "{p2} vrrp_state_leave_master called with invalid wantstate {_:int}",
    "2.0.0-2.4.3",
    detail="invalid_wantstate",
)
_t(K.SCHEDULING_DELAY, "A thread timer expired {detail:num} seconds ago")

# -- priority ------------------------------------------------------------------
_t(
    K.PRIORITY_CHANGE,
    "{vi} Changing effective priority from {prio_old} to {prio_new}",
    "1.3.0-1.4.5",
)
_t(
    K.PRIORITY_CHANGE,
    "{p2} Changing effective priority from {prio_old} to {prio_new}",
    "2.0.0-2.4.3",
)
_t(
    K.PRIORITY_CHANGE,
    "{vi} base priority changed from {prio_old} to {prio_new} via SNMP.",
    "1.2.13-1.4.5",
    detail="snmp",
)
_t(
    K.PRIORITY_CHANGE,
    "{p2} base priority changed from {prio_old} to {prio_new} via SNMP.",
    "2.0.0-2.4.3",
    detail="snmp",
)
_t(K.PRIORITY_SET, "{p2} Setting effective priority to {prio_new}", "2.0.20-2.4.3")
_t(K.TRACK_FILE, "{p2}: tracked file {tracked} now FAULT state", "2.0.19-2.4.3", action="down")
_t(K.TRACK_FILE, "{p2}: tracked file {tracked} leaving FAULT state", "2.0.19-2.4.3", action="up")
_OWNER_OLD = (
    "CONFIGURATION ERROR: local instance and a remote instance are both configured"
    " as address owner, please fix - reducing local priority"
)
_t(K.OWNER_CONFLICT, "{p2}: " + _OWNER_OLD, "1.2.22-1.4.5", action="reduced")
_t(K.OWNER_CONFLICT, "{p2} " + _OWNER_OLD, "2.0.0-2.3.2", action="reduced")
_t(
    K.OWNER_CONFLICT,
    "{p2} CONFIGURATION ERROR: local instance and {peer} are both configured"
    " as address owner, please resolve",
    "2.3.3-2.4.3",
    action="detected",
)
_t(
    K.OWNER_CONFLICT,
    "{p2} {peer} is still advertising as address owner, please resolve - reducing our priority",
    "2.3.3-2.4.3",
    action="reduced",
)
_t(
    K.OWNER_CONFLICT,
    "{p2}: rogue address owner appears to have stopped advertising",
    "2.3.3-2.4.3",
    action="stopped",
)
_t(
    K.PRIORITY_RESTORED,
    "{p2} Restoring our priority to {prio_new} since other address owner has disappeared",
    "2.3.3-2.4.3",
    detail="owner_gone",
)
_t(
    K.PRIORITY_RESTORED,
    "{p2} Restoring our priority to {prio_new} since received advert with lower priority",
    "2.3.3-2.4.3",
    detail="lower_advert",
)
_t(K.PREEMPT_SNMP, "{vi} preemption {action=enabled|disabled} with SNMP", "1.2.13-1.4.5")
_t(K.PREEMPT_SNMP, "{p2} preemption {action=enabled|disabled} with SNMP", "2.0.0-2.4.3")

# -- adverts -------------------------------------------------------------------
_t(K.FORCE_ELECTION, "{vi} forcing a new MASTER election", "1.2.13-1.4.5")
_t(K.ADVERT_HIGHER, "{vi} Received higher prio advert {prio_peer}", "1.2.13-1.2.24")
_t(K.ADVERT_HIGHER, "{vi} Received higher prio advert", "1.2.13-1.2.24")
_t(K.ADVERT_LOWER, "{vi} Received lower prio advert, forcing new election", "1.2.13-1.2.24")
# 1.2.21-1.2.24 print the advert's priority (vrrp.c vrrp_state_master_rx, v1.2.21)
_t(
    K.ADVERT_LOWER,
    "{vi} Received lower prio advert {prio_peer}, forcing new election",
    "1.2.21-1.2.24",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Received advert with higher priority {prio_peer}, ours {prio_ours}",
    "1.3.0-1.4.0",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Master received advert with higher priority {prio_peer}, ours {prio_ours}",
    "1.4.1-1.4.5",
)
_t(
    K.ADVERT_HIGHER,
    "{vi} Master received advert with same priority {prio_peer} but higher IP"
    " address than ours ({peer})",
    "1.4.1-1.4.5",
    detail="same_prio_higher_ip",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} Master received advert from {peer} with higher priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} Master received advert from {peer} with same priority {prio_peer}"
    " but higher IP address than ours",
    "2.0.0-2.4.3",
    detail="same_prio_higher_ip",
)
_t(
    K.ADVERT_HIGHER,
    "{p2} received advert from {peer} with higher priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
)  # user-edited variant seen in the corpus
_t(
    K.ADVERT_LOWER,
    "{vi} Received advert with lower priority {prio_peer}, ours {prio_ours}, forcing new election",
    "1.3.0-1.4.5",
)
_t(
    K.ADVERT_LOWER,
    "{p2} Received advert from {peer} with lower priority {prio_peer},"
    " ours {prio_ours}, forcing new election",
    "2.0.0-2.4.3",
)
_t(
    K.ADVERT_LOWER,
    "{p2} Received advert from {peer} with lower priority {prio_peer}, ours {prio_ours}",
    "2.0.0-2.4.3",
    detail="no_advert",
)
_t(
    K.ADVERT_LOWER_DISCARD,
    "{p2} received lower priority ({prio_peer}) advert from {peer} - discarding",
    "2.0.0-2.4.3",
)
_t(K.PRIO0_RECEIVED, "{p2} Backup received priority 0 advertisement", "2.0.0-2.4.3", state="BACKUP")
_t(
    K.PRIO0_RECEIVED,
    "{p2} Master received priority 0 or lower priority advert",
    "2.0.8-2.0.20",
    state="MASTER",
)
_t(
    K.PRIO0_RECEIVED,
    "{p2} Master received priority 0 message",
    "2.0.0-2.0.7,2.1.0-2.4.3",
    state="MASTER",
)
_EQUAL = "WARNING - equal priority advert received from remote host with our IP address."
_t(K.EQUAL_PRIO_OWN_IP, "{p2}: " + _EQUAL, "1.2.24-1.4.5")
_t(K.EQUAL_PRIO_OWN_IP, "{p2} " + _EQUAL, "2.0.0-2.4.3")
_t(K.MASTER_CHANGED, "{p2} master set to {peer}", "2.3.3-2.4.3", action="set")
_t(
    K.MASTER_CHANGED,
    "{p2} master changed from {detail:addr} to {peer}",
    "2.3.3-2.4.3",
    action="changed",
)
_t(K.PREEMPT_DELAY, "{vi} start preempt delay({detail:num})", "1.2.17-2.0.7", action="start")
_t(K.PREEMPT_DELAY, "{vi} reset preempt delay", "1.2.17-1.4.5", action="reset")
_t(K.PREEMPT_DELAY, "{vi} stop preempt delay", "2.0.0-2.0.7", action="stop")
_t(K.PREEMPT_DELAY, "{p2} stop preempt delay", "2.0.8-2.4.3", action="stop")
_t(K.PREEMPT_DELAY, "{p2} start preempt delay ({detail:num})", "2.0.8-2.4.3", action="start")
_t(
    K.ADVERT_INTERVAL,
    "{vi} advertisement interval updated to {detail:num} milli-sec from higher priority master",
    "1.2.22-1.4.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{vi} advertisement interval updated to {detail:num} milli-sec",
    "1.2.17-1.4.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated to {detail:num} milli-sec from {_:num} milli-sec",
    "2.0.0-2.1.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated from {_:num} to {detail:num}"
    " milli-sec from higher priority master",
    "2.0.0-2.1.5",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} advertisement interval updated from {_:num}ms to {detail:num}ms by master",
    "2.2.0-2.4.3",
    action="updated",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} changing advert interval from {_:num}ms to locally configured {detail:num}ms",
    "2.2.0-2.4.3",
    action="local",
)
_t(
    K.ADVERT_INTERVAL,
    "{vi} using locally configured advertisement interval ({detail:num} milli-sec)",
    "1.2.17-1.4.5",
    action="local",
)
_t(
    K.ADVERT_INTERVAL,
    "{p2} using locally configured advertisement interval ({detail:num} milli-sec)",
    "2.0.0-2.1.5",
    action="local",
)

# -- packets -------------------------------------------------------------------


def _pkt(spec: str, wording: str | None, detail: str, **fixed) -> None:
    _t(K.PACKET_ERROR, spec, wording, detail=detail, **fixed)


_pkt("invalid ttl. {_:int} and expect {_:int}", "1.2.13-1.2.19", "ttl")
_pkt("{p2}: invalid ttl. {_:int} and expect {_:int}", "1.2.20-1.4.5", "ttl")
_pkt("{p2} invalid ttl. {_:int} and expect {_:int}", "2.0.0-2.0.11", "ttl")
_pkt("{p2} invalid TTL/HL. Received {_:int} and expect {_:int}", "2.0.12-2.3.2", "ttl")
_pkt("{p2} invalid TTL/HL from {peer}. Received {_:int} and expect {_:int}", "2.3.3-2.4.3", "ttl")
_pkt("{p2} TTL/HL {_:int} not in range {_:int} - {_:int}", "2.1.0-2.3.2", "ttl_range")
_pkt("{p2} TTL/HL {_:int} from {peer} not in range [{_:int}, {_:int}]", "2.3.3-2.4.3", "ttl_range")
_pkt("invalid version. {_:int} and expect {_:int}", "1.2.13-1.2.19", "version")
_pkt("{p2}: invalid version. {_:int} and expect {_:int}", "1.2.20-1.4.5", "version")
_pkt("{p2} invalid version. {_:int} and expect {_:int}", "2.0.0-2.0.11", "version")
_pkt("{p2} wrong version. Received {_:int} and expect {_:int}", "2.0.12-2.3.2", "version")
_pkt(
    "{p2} wrong VRRP version from {peer}. Received {_:int} and expect {_:int}",
    "2.3.3-2.4.3",
    "version",
)
_pkt("receive a {_:int} auth, expecting {_:int}!", "1.2.13-1.2.19", "auth_type")
_pkt("{p2}: received a {_:int} auth, expecting {_:int}!", "1.2.20-1.4.5", "auth_type")
_pkt("{p2} received a {_:int} auth, expecting {_:int}!", "2.0.0-2.3.2", "auth_type")
_pkt("{p2} received a {_:int} auth from {peer}, expecting {_:int}!", "2.3.3-2.4.3", "auth_type")
_pkt("receive an invalid passwd!", "1.2.13-1.2.19", "passwd")
_pkt("{p2}: received an invalid passwd!", "1.2.20-1.4.5", "passwd")
_pkt("{p2} received an invalid passwd from {peer}!", "2.3.3-2.4.3", "passwd")
_pkt("{p2} received an invalid passwd!", "2.0.0-2.3.2", "passwd")
_pkt("received VRID mismatch. Received {_:int}, Expected {_:int}", "1.2.13-1.2.19", "vrid")
_pkt("{p2}: received VRID mismatch. Received {_:int}, Expected {_:int}", "1.2.20-1.4.5", "vrid")
_pkt("{p2} received VRID mismatch. Received {_:int}, Expected {_:int}", "2.0.0-2.0.13", "vrid")
_pkt(
    "Unknown VRID({_:int}) received on interface({interface}) from {peer}. ignoring...",
    "2.2.5-2.4.3",
    "unknown_vrid",
)
_pkt(
    "Unknown VRID({_:int}) received on interface({interface}). ignoring...",
    "2.0.14-2.4.3",
    "unknown_vrid",
)
_pkt("advertissement interval mismatch mine={_:int} rcved={_:int}", "1.2.13-1.2.16", "interval")
_pkt(
    "advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "1.2.17-1.2.19",
    "interval",
)
_pkt(
    "{p2}: advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "1.2.20-1.4.5",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch mine={_:int} sec rcved={_:int} sec",
    "2.0.0-2.0.11",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch mine={_:int} sec rcv'd={_:int} sec",
    "2.0.12-2.3.2",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch with {peer} mine={_:int} sec rcv'd={_:int} sec",
    "2.3.3-2.4.3",
    "interval",
)
_pkt(
    "{p2} advertisement interval mismatch ours = {_:int} centi-sec rcv'd={_:int} centi-sec",
    "2.3.3-2.4.3",
    "interval",
)
_pkt("receive an invalid ip number count associated with VRID!", "1.2.13-1.2.19", "ip_count")
_pkt(
    "{p2}: received an invalid ip number count {_:int}, expected {_:int}!",
    "1.2.20-1.4.5",
    "ip_count",
)
_pkt(
    "{p2} received an invalid ip number count {_:int}, expected {_:int}!",
    "1.2.20-2.0.11",
    "ip_count",
)
_pkt(
    "{p2} received an unexpected ip number count {_:int}, expected {_:int}!",
    "2.0.12-2.3.2",
    "ip_count",
)
_pkt("{p2} expected {_:int} VIPs but received {_:int}", "2.0.19-2.4.3", "ip_count")
_pkt(
    "ip address associated with VRID not present in received packet : {address}",
    "1.2.13-1.2.19",
    "vip_missing",
)
_pkt(
    "one or more VIP associated with VRID mismatch actual MASTER advert",
    "1.2.13-1.2.19",
    "vip_mismatch",
)
_pkt(
    "{p2}: ip address associated with VRID {_:int} not present in MASTER advert : {address}",
    "1.2.20-1.4.5",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in MASTER advert: {address}",
    "2.2.5-2.3.2",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in MASTER advert : {address}",
    "1.2.20-2.2.4",
    "vip_missing",
)
_pkt(
    "{p2} ip address associated with VRID {_:int} not present in advert from {peer:addrc}:"
    " {address}",
    "2.3.3-2.4.3",
    "vip_missing",
)
_pkt("Invalid vrrp checksum", "1.2.13-1.2.18", "checksum")
_pkt("Invalid VRRPv{_:int} checksum", "1.2.18-1.2.19", "checksum")
_pkt("{p2}: Invalid VRRPv{_:int} checksum", "1.2.20-1.4.5", "checksum")
_pkt("{p2} Invalid VRRPv{_:int} checksum from {peer}", "2.3.3-2.4.3", "checksum")
_pkt("{p2} Invalid VRRPv{_:int} checksum", "2.0.0-2.3.2", "checksum")
_pkt("ip payload too short. {_:int} and expect at least {_:int}", "1.2.13-1.2.19", "length")
_pkt(
    "{p2}: ip/vrrp header too short. {_:int} and expect at least {_:int}", "1.2.20-1.4.5", "length"
)
_pkt(
    "{p2} ip/vrrp header too short. {_:int} and expect at least {_:int}", "1.2.20-2.0.11", "length"
)
_pkt(
    "{p2} vrrp packet too {=short|long}, length {_:int} and expect {_:int}",
    "2.0.12-2.3.2",
    "length",
)
_pkt(
    "{p2} vrrp packet from {peer} too {=short|long}, length {_:int} and expect {_:int}",
    "2.3.3-2.4.3",
    "length",
)
_pkt("Invalid packet type. {_:int} and expect {_:int}", "1.2.17-1.2.19", "packet_type")
_pkt("{p2}: Invalid packet type. {_:int} and expect {_:int}", "1.2.20-1.4.5", "packet_type")
_pkt("{p2} Invalid packet type. {_:int} and expect {_:int}", "1.2.17-2.3.2", "packet_type")
_pkt("Invalid auth type: {_:int}", "1.2.17-1.2.19", "auth_type")
_pkt("{p2}: Invalid auth type: {_:int}", "1.2.20-1.4.5", "auth_type")
_pkt("{p2} Invalid auth type: {_:int}", "1.2.17-2.3.2", "auth_type")
_pkt(
    "{p2}: ip_tot_len mismatch against received length. {_:int} and received {_:int}",
    "1.2.20-1.4.5",
    "length",
)
_pkt(
    "{p2} ip_tot_len mismatch against received length from {peer}. {_:int} and received {_:int}",
    "2.3.3-2.4.3",
    "length",
)
_pkt(
    "{p2} ip_tot_len mismatch against received length. {_:int} and received {_:int}",
    "1.2.20-2.4.3",
    "length",
)
_pkt("{p2}: unicast source address {peer} not a unicast peer", "1.2.20-1.4.5", "unicast_peer")
_pkt("{p2} unicast source address {peer} not a unicast peer", "1.2.20-2.4.3", "unicast_peer")
_pkt(
    "{p2} Expected {=unicast|multicast} packet but received {=multicast|unicast} packet from"
    " {peer}",
    "2.3.3-2.4.3",
    "cast_mismatch",
)
_pkt(
    "{p2} Expected {=unicast|multicast} packet but received {=multicast|unicast} packet",
    "2.0.12-2.4.3",
    "cast_mismatch",
)
_pkt(
    "{p2} discarding {=multicast|unicast} packet on {=unicast|multicast} instance",
    "2.1.0-2.4.3",
    "cast_mismatch",
)
_pkt("{p2} Dropping packet(s) from {peer} since we are address owner", "2.3.3-2.4.3", "owner_drop")
_pkt("Sync instance needed on {interface} !!!", "1.2.13-1.4.5", "sync_needed")
_pkt("bogus VRRP packet received on {interface} !!!", "1.2.13-1.4.5", "bogus")
_pkt("{vi} ignoring received advertisment...", "1.2.13-1.4.5", "ignored")
_pkt("{vi} Dropping received VRRP packet...", "1.2.13-1.4.5", "dropped")
_pkt("IPSEC AH : invalid IPSEC SPI value. {_:int} and expect {_:int}", None, "ah_spi")
_AH_SEQ = "IPSEC-AH : sequence number {_:int} already VERB. Packet dropped. Local({_:int})"
_pkt("{vi} " + _AH_SEQ.replace("VERB", "proceeded"), "1.2.13-1.3.5", "ah_seq")
_pkt("{vi} " + _AH_SEQ.replace("VERB", "processed"), "1.3.6-1.4.5", "ah_seq")
_pkt("{p2} " + _AH_SEQ.replace("VERB", "processed"), "2.0.0-2.4.3", "ah_seq")
_AH_SYNC = "IPSEC-AH : Syncing seq_num - {action=Increment>increment|Decrement>decrement} seq"
_t(K.AH_SYNC, "{vi} " + _AH_SYNC, "1.2.13-1.4.5")
_t(K.AH_SYNC, "{p2} " + _AH_SYNC, "2.0.0-2.4.3")
_t(K.AH_SYNC, "{vi} IPSEC-AH : seq_num sync", "1.2.13-1.4.5", action="sync")
_t(K.SEND_ERROR, "{vi} Cant sent advert to {peer} ({detail:paren})", "1.2.13-1.2.19")
_t(K.SEND_ERROR, "{vi} Cant send advert to {peer} ({detail:paren})", "1.2.20-1.4.5")
_t(K.SEND_ERROR, "{p2} Cant send advert to {peer} ({detail:paren})", "2.0.0-2.4.3")
_t(K.SEND_ERROR, "{p2}: send advert error {_:int} ({detail:paren})", "2.0.16-2.4.3")

# -- track scripts -------------------------------------------------------------
_t(K.SCRIPT_RESULT, "{vs} succeeded", None, result="success")
_t(
    K.SCRIPT_RESULT,
    "{vs} failed (exited with status {exit_status})",
    "1.4.0-2.4.3",
    result="failure",
)
_t(K.SCRIPT_RESULT, "{vs} failed (due to {detail~signal \\d+})", "1.4.0-2.4.3", result="failure")
_t(K.SCRIPT_RESULT, "{vs} failed", "1.2.13-1.3.9", result="failure")
_t(K.SCRIPT_RESULT, "{vs} timed_out", "1.4.0-2.4.3", result="timeout")
_t(K.SCRIPT_RESULT, "{vs} timed out", "1.2.13-1.3.9", result="timeout")
_t(K.SCRIPT_RETURNING, "Script `{script:tick}` now returning {exit_status}", "2.0.0-2.4.3")
_t(K.SCRIPT_RELOAD, "{vs} considered successful on reload", None, result="success")
_t(K.SCRIPT_RELOAD, "{vs} considered unsuccessful on reload", "2.0.0-2.4.3", result="failure")
_t(
    K.SCRIPT_SKIP,
    "Track script {script:word} is {detail=already running>already_running|"
    "being timed out>being_timed_out}, expect idle - skipping run",
    "1.4.0-2.4.3",
)
_t(K.SCRIPT_KILL_FAILED, "Process [{child_pid}] didn't respond to SIGTERM", "1.2.13-1.3.9")
_t(K.SCRIPT_KILL_FAILED, "Child (PID {child_pid}) failed to terminate after kill", "1.4.0-2.0.18")
_t(
    K.SCRIPT_KILL_FAILED,
    "Script {script:word} child (PID {child_pid}) failed to terminate after kill",
    "2.0.19-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{vi} : ignoring tracked script with weights due to SYNC group",
    "1.2.13-1.4.5",
    detail="sync_group",
)
_t(
    K.SCRIPT_IGNORED,
    "{vi} : ignoring weights of tracked interface due to SYNC group",
    "1.3.0-1.4.5",
    detail="sync_group",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring tracked script {script:word} with weights due to"
    " {detail=SYNC group>sync_group|address_owner>address_owner}",
    "2.0.0-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring {interface} tracked interface weight due to"
    " {detail=SYNC group>sync_group|address owner>address_owner}",
    "2.0.8-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} ignoring {interface} tracked interface due to"
    " {detail=SYNC group>sync_group|address owner>address_owner}",
    "2.0.8-2.4.3",
)
_t(
    K.SCRIPT_IGNORED,
    "{p2} Cannot have weighted track script '{script:quoted}' with priority {prio_ours}",
    "2.0.0-2.4.3",
    detail="address_owner",
)
_t(K.SCRIPT_UNUSED, "Warning - script {script:word} is not used", "2.0.0-2.4.3")
_t(K.SCRIPT_EXIT, "pid {child_pid:pid} exited with status {exit_status}")
_t(K.SCRIPT_EXIT, "{script:word} exited with status {exit_status}")

# -- security ------------------------------------------------------------------
_t(
    K.SECURITY,
    "SECURITY VIOLATION - scripts are being executed but script_security not enabled.",
    "1.3.0-2.4.3",
    detail="script_security_disabled",
)
_t(
    K.SECURITY,
    "Disabling track script {script:word} due to insecure",
    "1.3.0-2.4.3",
    detail="insecure",
)
_t(
    K.SECURITY,
    "Disabling track script {script:word} since not found/accessible",
    "1.3.6-2.4.3",
    detail="not_found",
)
_t(
    K.SECURITY,
    "Unsafe permissions found for script '{script:quoted}'",
    "1.3.0-2.4.3",
    detail="unsafe_permissions",
)
_t(
    K.SECURITY,
    "WARNING - script `{script:tick}` resolved by path search to `{_:tick}`."
    " Please specify full path.",
    "1.3.2-2.4.3",
    detail="path_search",
)
_t(
    K.SECURITY,
    "WARNING - default user '{_:quoted}' for script execution does not exist - please create.",
    "1.3.0-2.2.4",
    detail="no_default_user",
)
_t(
    K.SECURITY,
    "WARNING - script '{script:quoted}' is not executable for uid:gid {_:word} - disabling.",
    "2.0.17-2.4.3",
    detail="not_executable",
)

# -- interfaces and other trackers ----------------------------------------------
_t(
    K.INTERFACE_STATE,
    "Kernel is reporting: interface {interface} {action=DOWN>down|UP>up}",
    "1.2.13-1.4.5",
    detail="kernel",
)
_t(
    K.TRACKED_INTERFACES_UP,
    "Kernel is reporting: tracked interface are UP",
    "1.2.13-1.4.5",
    action="up",
)
_t(K.SYNC_GROUP, "Kernel is reporting: Group({group:name}) UP", "1.2.13-1.4.5", action="up")
_t(
    K.INTERFACE_STATE,
    "Netlink reports {interface} {action=up|down}",
    "2.0.0-2.4.3",
    detail="netlink",
)
_t(
    K.INTERFACE_STATE,
    "Linkbeat reports {interface} {action=up|down}",
    "2.0.0-2.4.3",
    detail="linkbeat",
)
_t(
    K.INTERFACE_CHANGE,
    "Interface name has changed from {detail:word} to {interface}",
    "2.0.0-2.4.3",
    action="renamed",
)
_t(K.INTERFACE_CHANGE, "Interface {interface} {action=deleted|added}", "2.0.0-2.4.3")
_t(
    K.INTERFACE_CHANGE,
    "{p2}: Success creating VMAC interface {interface}",
    None,
    action="added",
    detail="vmac",
)
_t(
    K.VRID_CONFLICT,
    "VRID conflict between {instance:word} and {detail:word} IPv{_:int} vrid {_:int}",
    "2.0.8-2.4.3",
)
_t(K.TRACK_PROCESS, "Quorum {action=gained|lost} for tracked process {tracked}", "2.0.11-2.4.3")
_t(
    K.TRACK_PROCESS,
    "Process {tracked}, number of current processes changed from {_:int} to"
    " {_:int}, quorum {action=up|down}",
    "2.0.11-2.4.3",
)
_t(
    K.TRACK_PROCESS,
    "Process {tracked}, number of current processes changed from {_:int} to {_:int}",
    "2.0.11-2.4.3",
    action="changed",
)
_t(K.TRACK_BFD, "{vi} Tracked BFD instance {tracked} is {action=UP>up|DOWN>down}", "2.0.0-2.4.3")
_t(
    K.TRACK_BFD,
    "Received BFD event: instance {tracked} is in state {action:lower} (delivered in {_:int} usec)",
    "2.0.0-2.4.3",
    detail="event",
)

# -- addresses, netlink --------------------------------------------------------
_t(
    K.ADDRESS,
    "Netlink reflector reports IP {address} {action=added to>added|removed from>"
    "removed} {interface}",
    "2.0.0-2.4.3",
)
_t(K.ADDRESS, "Netlink reflector reports IP {address} {action=added|removed}")
_t(
    K.ADDRESS,
    "Assigned address {address} for interface {interface}",
    "2.0.0-2.4.3",
    action="assigned",
)
_t(
    K.ADDRESS,
    "Deassigned address {address} from interface {interface}",
    "2.0.0-2.4.3",
    action="deassigned",
)
_t(
    K.ADDRESS,
    "ip address {address} dev {interface}, no longer exist",
    "1.2.13-2.0.10",
    action="removed",
    detail="no_longer_exist",
)
_t(
    K.ADDRESS,
    "{p2} ip address {address} dev {interface}, no longer exist",
    "2.0.11-2.4.3",
    action="removed",
    detail="no_longer_exist",
)
_t(K.ADDRESS, "Restoring deleted static address {address}", "2.0.3-2.4.3", action="restored")
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}({_:int}), type={_:word}({_:int}), seq={_:int}, pid={_:int}",
    "2.0.17-2.4.3",
    action="error",
)
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}, type={_:word}({_:int}), seq={_:int}, pid={_:int}",
    None,
    action="error",
)  # 2.0.9-2.0.16, no TSV row of its own
_t(
    K.NETLINK,
    "Netlink: error: {detail:errmsg}, type=({_:int}), seq={_:int}, pid={_:int}",
    "1.2.13-2.0.8",
    action="error",
)
_t(K.HOUSEKEEPING, "Registering Kernel netlink reflector")
_t(K.HOUSEKEEPING, "Registering Kernel netlink command channel")
_t(K.HOUSEKEEPING, "Registering gratuitous ARP shared channel")
_t(K.HOUSEKEEPING, "Registering gratuitous NDISC shared channel", "2.0.0-2.1.5")
_t(K.HOUSEKEEPING, "Registering gratutious ARP shared channel")  # (sic) pre-1.2.13 spelling
_t(K.HOUSEKEEPING, "Using LinkWatch kernel netlink reflector...", "1.2.13-1.4.5")
_t(K.HOUSEKEEPING, "Using MII-BMSR NIC polling thread...")
_t(K.HOUSEKEEPING, "VRRP sockpool: {_:rest}")
_t(K.HOUSEKEEPING, "Remove a zombie pid file {_:rest}")
_t(K.HOUSEKEEPING, "Configuration is using : {_:int} Bytes", "1.2.13-1.2.19")
_t(K.HOUSEKEEPING, "Entered : {_:rest}")
_t(K.HOUSEKEEPING, "Initializing ipvs", detail="checker")
for _checker in (
    "Activating healtchecker for service",
    "Activating healthchecker for service",
    "Misc check to",
    "Removing service",
    "Adding service",
    "Lost quorum",
    "Gained quorum",
    "Executing",
    "TCP connection to",
    "HTTP status code",
    "SMTP connection to",
    "Check on service",
    "Timeout connecting",
    "Enabling service",
    "Disabling service",
):
    _t(K.HOUSEKEEPING, _checker + " {_:rest}", detail="checker")
_t(
    K.INTERFACE_MISSING,
    "Cant find interface {interface} for vrrp_instance {instance:word} !!!",
    "1.2.13-1.4.5",
)
_t(K.INTERFACE_MISSING, "{vi} Unknown interface !", "1.2.13-1.4.5")
_t(
    K.INTERFACE_MISSING,
    "Configuration specifies interface {interface} which doesn't currently"
    " exist - will use if created",
    "2.0.0-2.4.3",
)

# -- VIPs, routes, priority 0 ----------------------------------------------------
_VIPS = "detail=VIPs.>vips|E-VIPs.>evips|VIPs>vips|E-VIPs>evips"
_t(K.VIPS, "{vi} {" + _SETRM + "} protocol {" + _VIPS + "}", "1.2.13-1.4.5")
_t(K.VIPS, "{p2} {" + _SETRM + "} protocol {" + _VIPS + "}", "2.0.0-2.0.0")
_t(K.VIPS, "{p2} {" + _SETRM + "} {" + _VIPS + "}", "2.0.1-2.4.3")
_t(
    K.VIPS,
    "{vi} {" + _SETRM + "} protocol Virtual {detail=Routes>routes|Rules>rules}",
    "1.2.13-1.4.5",
)
_t(
    K.VIPS,
    "{p2} {" + _SETRM + "} protocol Virtual {detail=Routes>routes|Rules>rules}",
    "2.0.0-2.0.0",
)
_t(K.VIPS, "{p2} {" + _SETRM + "} Virtual {detail=Routes>routes|Rules>rules}", "2.0.1-2.4.3")
_t(K.VIPS, "{vi} {" + _SETRM + "} protocol iptable drop rule", "1.2.17-2.0.10", detail="firewall")
_t(K.VIPS, "{p2} {" + _SETRM + "} firewall drop rule", "2.0.11-2.4.3", detail="firewall")
_t(K.PRIO0_SENT, "{vi} sending 0 priority", "1.2.13-1.2.19")
_t(K.PRIO0_SENT, "{vi} sent 0 priority", "1.2.20-1.4.5")
_t(K.PRIO0_SENT, "{p2} sent 0 priority", "2.0.0-2.4.3")

# -- gratuitous ARP / NA -----------------------------------------------------------
_t(
    K.GARP,
    "{vi} Sending {" + _ARPNA + "} on {interface} for {address}",
    "1.2.13-1.2.20",
    action="burst",
)
_t(
    K.GARP,
    "{vi} Sending/queueing {" + _ARPNA + "} on {interface} for {address}",
    "1.2.21-1.4.5",
    action="burst",
)
_t(
    K.GARP,
    "{p2} Sending/queueing {" + _ARPNA + "} on {interface} for {address}",
    "2.0.0-2.4.3",
    action="burst",
)
_t(
    K.GARP,
    "Sending gratuitous ARP on {interface} for {address}",
    "1.2.21-2.4.3",
    action="packet",
    detail="arp",
)
_t(
    K.GARP,
    "Sending unsolicited Neighbour Advert on {interface} for {address}",
    "1.2.21-2.4.3",
    action="packet",
    detail="na",
)
_t(
    K.GARP,
    "{instance:label}: sending gratuitous {detail=ARP>arp|NA>na} for {address}",
    "2.0.17-2.4.3",
    action="refresh",
)
_t(
    K.GARP_ERROR,
    "Error sending gratuitous ARP on {interface} for {address}",
    "1.2.13-2.0.12",
    detail="arp",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} ({_:paren}) sending gratuitous ARP on {interface} for {address}",
    "2.0.16-2.4.3",
    detail="arp",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} sending gratuitous ARP on {interface} for {address}",
    None,
    detail="arp",
)  # 2.0.13-2.0.15, mentioned in the TSV meaning only
_t(
    K.GARP_ERROR,
    "VRRP: Error sending ndisc unsolicited neighbour advert on {interface}",
    "1.2.13-2.0.12",
    detail="na",
)
_t(
    K.GARP_ERROR,
    "Error {_:int} sending ndisc unsolicited neighbour advert on {interface} for {address}",
    "2.0.13-2.4.3",
    detail="na",
)

# -- sync groups -----------------------------------------------------------------
_t(
    K.SYNC_GROUP,
    "{vg} Transition to MASTER state",
    "1.2.13-1.4.5",
    state="MASTER",
    action="transition",
)
_t(K.SYNC_GROUP, "{vg} Syncing instances to {state} state", None, action="sync")
_t(K.SYNC_GROUP, "{vg}: Syncing {instance:word} to {state} state", "2.0.19-2.4.3", action="sync")
_t(K.SYNC_GROUP, "{vg} Leaving FAULT state", "1.2.13-1.4.5", action="leaving")
_t(
    K.SYNC_GROUP,
    "{vg} Detected instance removed from sync-group, forcing BACKUP",
    "1.2.20-1.4.5",
    state="BACKUP",
    action="removed",
)
_t(
    K.SYNC_GROUP,
    "{vg} - Found saved old sync-group called {detail:word}",
    "1.2.20-1.4.5",
    action="reload",
)
_t(K.SYNC_GROUP, "{vg} Restoring saved sync State : {_:int}", "1.2.20-1.4.5", action="reload")
_t(K.SYNC_GROUP, "{vi} used for {vg} refresh sync", "1.2.20-1.4.5", action="reload")
_t(K.NOTIFY, "{vg}: Sending SNMP notification", None, detail="snmp")

# -- process lifecycle -------------------------------------------------------------
_t(K.START, "Starting Keepalived v{version} ({_:paren}), git commit {detail:word}")
_t(K.START, "Starting Keepalived v{version} ({_:paren})")
_t(K.START, "Starting Keepalived v{version}")
_t(K.RUNTIME_INFO, "Running on {_:rest}", "1.4.0-2.4.3", detail="running_on")
_t(
    K.RUNTIME_INFO,
    "WARNING - keepalived was {=built|build} for newer Linux {_:rest}",
    detail="built_for_newer",
)
_t(K.RUNTIME_INFO, "Command line: {_:rest}", "2.0.7-2.4.3", detail="command_line")
_t(K.RUNTIME_INFO, "'{_:rest}", detail="command_line")  # wrapped command line continuation
_t(K.RUNTIME_INFO, "Configuration file {_:rest}", "2.2.0-2.4.3", detail="config_file")
_t(K.RUNTIME_INFO, "Changing syslog ident to {detail:word}", "1.2.24-2.4.3")
_t(K.RUNTIME_INFO, "Startup complete", detail="startup_complete")
_t(K.RUNTIME_INFO, "daemon is already running", detail="already_running")
_t(K.RUNTIME_INFO, "NOTICE: setting sysctl {_:rest}", detail="sysctl")
_t(K.RUNTIME_INFO, "Unable to initialise ipsets", detail="ipsets")
_t(K.RUNTIME_INFO, "Unable to load ipset library", detail="ipsets")
_t(K.RUNTIME_INFO, "{p2} Found matching interface {interface}", detail="vmac")
_t(K.OPENING_FILE, "Opening file '{detail:quoted}'.")
_t(K.CHILD_START, "Starting {detail=VRRP|Healthcheck} child process, pid={child_pid}")
_t(K.CHILD_START, "Starting {detail=BFD} child process, pid={child_pid}", "2.0.0-2.4.3")
_t(K.STARTUP_DELAY, "Delaying startup for {detail:num} seconds", "2.0.14-2.4.3", action="start")
_t(K.STARTUP_DELAY, "Delayed start completed", "2.2.8-2.4.3", action="completed")
_t(
    K.CHILD_EXIT,
    "{detail=VRRP|Healthcheck|BFD} child process({child_pid:pid}) died:"
    " {action=Respawning>respawning|Exiting>exiting}",
)
_t(
    K.CHILD_EXIT,
    "Restart of {detail=VRRP|Healthcheck|BFD} process delayed {_:int} seconds",
    action="delayed",
)
_t(
    K.CHILD_EXIT,
    "pid {child_pid:pid} exited with permanent error {detail:alpha}. Terminating",
    "1.2.24-2.4.3",
    action="error",
)
_t(
    K.CHILD_EXIT,
    "{_:label} exited with permanent error {detail:alpha}. Terminating",
    "1.2.24-2.4.3",
    action="error",
)
_t(
    K.CHILD_EXIT,
    "{detail:child} exited due to signal {exit_status}",
    "1.2.20-2.4.3",
    action="signal",
)
_t(K.STOPPING, "Stopping Keepalived v{version} ({_:paren})", "1.2.13-1.2.19")
_t(K.STOPPING, "Stopping Keepalived v{version}", "1.2.13-1.2.19")
_t(K.STOPPING, "Stopping", "1.2.20-2.4.3")
_t(
    K.STOPPING, "Terminating {detail=VRRP>VRRP|Healthchecker>Healthcheck} child process on signal"
)  # 1.1.x
_t(K.STOPPING, "Terminating on signal")  # 1.1.x
_t(K.STOPPED, "Stopped Keepalived v{version} ({_:paren}), git commit {detail:word}", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped Keepalived v{version} ({_:paren})", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped Keepalived v{version}", "1.2.20-2.4.3")
_t(K.STOPPED, "Stopped - used {_:rest}", "2.0.7-2.4.3")
_t(K.STOPPED, "Stopped", "1.2.20-2.4.3")
_t(K.RELOADING, "Reloading ...", "2.0.8-2.4.3")
_t(K.RELOADING, "Reloading", "2.0.0-2.4.3")
_t(K.RELOAD_COMPLETE, "Reload finished in {detail:num} usec")
_t(K.RELOAD_COMPLETE, "Reload complete")  # 2.2.7, seen in samples/lab
_t(
    K.DATA_DUMP,
    "Printing VRRP data for process({child_pid}) on signal",
    "1.2.17-2.4.3",
    detail="data",
)
_t(K.DATA_DUMP, "Printing VRRP stats for process({child_pid}) on signal", detail="stats")
# 2.2.7 parent on SIGUSR1, then its resource use (seen in samples/lab)
_t(K.DATA_DUMP, "Printing parent data for process({child_pid}) on signal", detail="parent")
_t(K.DATA_DUMP, "CPU usage (self/children) {_:rest}", detail="cpu_usage")
_t(K.DATA_DUMP, "Printing VRRP as json for process({child_pid}) on signal", detail="json")
_t(K.DATA_DUMP, "------< {_:rest}")
_t(K.DATA_DUMP, "{p2} total priority = {_:int} , priority cost = {_:int}")

# -- notify --------------------------------------------------------------------------
_t(K.NOTIFY, "Opening script file {script:word}", "1.2.13-1.4.5", detail="opening_script")
_t(
    K.NOTIFY,
    "Can't open {script:word} (errno {_:int} {_:paren})",
    "1.2.13-1.4.5",
    detail="cant_open",
)
_t(
    K.NOTIFY,
    "Error exec-ing command '{script:quoted}', error {_:int}: {_:rest}",
    "2.0.0-2.4.3",
    detail="exec_error",
)
_t(K.NOTIFY, "Error exec-ing command: {script:word}", None, detail="exec_error")
_t(K.NOTIFY, "Couldn't exec command: {script:word}", "1.2.13-1.2.24", detail="exec_error")
_t(K.NOTIFY, "Couldn't find command: {script:word}", "1.3.0-2.4.3", detail="exec_error")
_t(K.NOTIFY, "Couldn't execute command: {script:word}", "2.0.0-2.4.3", detail="exec_error")
_t(
    K.NOTIFY,
    "Insufficient privilege to exec command: {script:word}",
    "1.3.0-1.4.5",
    detail="exec_error",
)
_t(
    K.NOTIFY,
    "Unable to {=open|create} {_~\\S*notify} fifo {_:word}",
    "1.3.6-2.4.3",
    detail="fifo_error",
)
_t(K.NOTIFY, "SMTP alert successfully sent.", None, detail="smtp_sent")
_t(K.NOTIFY, "Remote SMTP server [{_~[^\\]]*}]:{_:int} connected.", None, detail="smtp_connected")
_t(K.NOTIFY, "{vi}: Sending SNMP notification", "1.2.13-1.4.5", detail="snmp")
_t(K.NOTIFY, "{p2} Sending SNMP notification", "2.0.0-2.4.3", detail="snmp")

# -- configuration ---------------------------------------------------------------------
_t(K.CONFIG_ERROR, "({_~[^()]*?(?=: Line)}: Line {config_line}) {detail:rest}", klass="line")
_t(K.CONFIG_ERROR, "(Line {config_line}) {detail:rest}", klass="line")
_t(K.CONFIG_ERROR, "{detail~Unknown keyword '[^']*'}", "1.2.20-2.4.3")
_t(
    K.CONFIG_ERROR,
    "VRID {_:int} is duplicated on interface {interface}",
    "1.2.20-2.0.7",
    detail="vrid_duplicated",
)
_t(
    K.CONFIG_ERROR,
    "{p2} duplicate VRID conflict with {_:word} VRID {_:int}",
    "2.1.0-2.4.3",
    detail="vrid_duplicated",
)
_t(
    K.CONFIG_WARNING,
    "{p2}: Cannot start in MASTER state if not address owner",
    "1.2.20-1.4.5",
    detail="master_not_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} State MASTER must match being address owner",
    "2.0.0-2.4.3",
    detail="master_not_owner",
)
_NOPREEMPT = "Warning - nopreempt will not work with initial state MASTER"
_t(K.CONFIG_WARNING, "{p2} " + _NOPREEMPT + " - clearing", "2.0.0-2.4.3", detail="nopreempt_master")
_t(K.CONFIG_WARNING, "{p2}: " + _NOPREEMPT, "1.2.20-1.4.5", detail="nopreempt_master")
_t(K.CONFIG_WARNING, "{p2} " + _NOPREEMPT, "1.2.20-2.4.3", detail="nopreempt_master")
_t(
    K.CONFIG_WARNING,
    "{p2} Warning - preempt delay will not work with initial state MASTER - clearing",
    "2.0.0-2.4.3",
    detail="preempt_delay_master",
)
_t(
    K.CONFIG_WARNING,
    "{p2}: nopreempt is incompatible with priority {prio_ours} - resetting nopreempt",
    "1.3.5-1.4.5",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} nopreempt is incompatible with priority {prio_ours} - resetting nopreempt",
    "1.3.5-1.4.5",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} nopreempt is incompatible with priority {prio_ours}. resetting nopreempt",
    "2.0.0-2.4.3",
    detail="nopreempt_owner",
)
_t(
    K.CONFIG_WARNING,
    "{p2} Initial state master is incompatible with AH authentication - clearing",
    "2.0.0-2.4.3",
    detail="master_ah",
)
_t(
    K.CONFIG_WARNING,
    "{interface~[^\\s:]+}: weight must be between [-254..254] inclusive. Ignoring...",
    "1.2.13-1.4.5",
    klass="indent",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "{p2} weight for {interface} cannot be +/-254. Setting to +/-253",
    "2.0.0-2.4.3",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "{p2} track script {script:label}: weight must be between [-253..253] inclusive, ignoring...",
    "2.0.0-2.4.3",
    detail="weight_range",
)
_t(
    K.CONFIG_WARNING,
    "NOTICE: setting config option max_auto_priority should result in better"
    " keepalived performance",
    "2.1.0-2.4.3",
    detail="max_auto_priority",
)
_t(
    K.CONFIG_WARNING,
    "{p2} Ignoring track_interface {interface} since own interface",
    detail="own_interface",
)
_t(
    K.CONFIG_WARNING,
    "{p2} the first IPv6 VIP address {=must|should} be link local",
    detail="ipv6_not_link_local",
)
_t(K.CONFIG_WARNING, "Truncating auth_pass to 8 characters", detail="auth_pass")
_t(
    K.CONFIG_WARNING,
    "vrrp_ipsets has been specified but not vrrp_iptables - vrrp_ipsets will be ignored",
    detail="ipsets",
)
_t(K.CONFIG_WARNING, "Warning - keepalived has no configuration to run", detail="no_config")
# catch-all for indented data/config dump lines, tried last for indented bodies
_DUMP = _compile(K.DATA_DUMP, "{_:rest}", None, "indent", {})
