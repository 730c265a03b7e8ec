# ruff: noqa: E501  (tables of real log lines)
"""Body grammar tests: every TSV wording, real corpus/seed lines, hostile input.

The expected kinds and wordings are a reviewed table, one row per TSV row
(keyed by the row's versions and template), so a change of mapping shows up
as a failing row instead of silently passing as "some known kind".
"""

from __future__ import annotations

import csv
import re
import time

import pytest
from conftest import MESSAGES_TSV, SEED

from kalog.grammar.body import TEMPLATES, parse_body
from kalog.ingest.events import BODY_FIELDS, KINDS
from kalog.ingest.events import Kind as K

_IDENT = re.compile(r"^Keepalived\w*\[\d+\]: ")

#: (versions, template) of every non-meta/absent TSV row -> (kind, wording);
#: wording "=" means exactly the row's versions, None means omitted (the same
#: wording exists in every version), otherwise the narrowed range documented
#: in the TSV (prefix VRRP_Instance vs (x), "(x):" colon = 1.x, 2.x suffixes).
TSV_EXPECTED = [
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Transition to MASTER STATE", K.TRANSITION_MASTER, "="),
    ("1.2.22-1.4.5", "VRRP_Instance(%s): Transition to MASTER STATE", K.TRANSITION_MASTER, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Entering MASTER STATE", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering MASTER STATE", K.ENTER_STATE, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Entering BACKUP STATE", K.ENTER_STATE, "="),
    ("1.2.22-1.4.5", "VRRP_Instance(%s): Entering BACKUP STATE", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering BACKUP STATE (init)", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering BACKUP STATE", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering %s STATE", K.ENTER_STATE, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Entering FAULT STATE", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering FAULT STATE", K.ENTER_STATE, "="),
    ("2.0.0-2.4.3", "(%s) Entering FAULT STATE (init)", K.ENTER_STATE, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Now in FAULT state", K.NOW_IN_STATE, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Now in BACKUP state", K.NOW_IN_STATE, "="),
    (
        "1.2.13-1.4.5",
        "VRRP_Instance(%s) prio is higher than received advert",
        K.PRIO_HIGHER_THAN_ADVERT,
        "=",
    ),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) in FAULT state jump to AH sync", K.AH_SYNC, "="),
    ("2.0.19-2.4.3", "(%s): entering FAULT state due to script %s", K.FAULT_CAUSE, "="),
    ("2.0.19-2.4.3", "(%s): entering FAULT state (interface %s down)", K.FAULT_CAUSE, "="),
    (
        "2.0.19-2.4.3",
        "(%s): entering FAULT state (tracked file %s has status %i)",
        K.FAULT_CAUSE,
        "=",
    ),
    (
        "2.0.19-2.4.3",
        "(%s) entering FAULT state (tracked process %s quorum not achieved)",
        K.FAULT_CAUSE,
        "=",
    ),
    (
        "2.0.20-2.4.3",
        "(%s) entering FAULT state (no IPv%d address for interface)",
        K.FAULT_CAUSE,
        "=",
    ),
    ("2.1.0-2.4.3", "(%s): entering FAULT state (src address not configured)", K.FAULT_CAUSE, "="),
    ("2.0.0-2.4.3", "(%s) entering FAULT state", K.FAULT_CAUSE, "="),
    (
        "2.2.5-2.4.3",
        "(%s) Cannot use unicast without any peers - going to fault state",
        K.NO_PEERS_FAULT,
        "=",
    ),
    ("2.0.3-2.4.3", "(%s) Receive advertisement timeout", K.ADVERT_TIMEOUT, "="),
    (
        "2.0.0-2.4.3",
        "(%s) vrrp_state_leave_master called with invalid wantstate %d",
        K.INTERNAL_ERROR,
        "=",
    ),
    (
        "1.3.0-1.4.5",
        "VRRP_Instance(%s) Changing effective priority from %d to %d",
        K.PRIORITY_CHANGE,
        "=",
    ),
    ("2.0.0-2.4.3", "(%s) Changing effective priority from %d to %d", K.PRIORITY_CHANGE, "="),
    ("2.0.20-2.4.3", "(%s) Setting effective priority to %d", K.PRIORITY_SET, "="),
    ("2.0.19-2.4.3", "(%s): tracked file %s now FAULT state", K.TRACK_FILE, "="),
    ("2.0.19-2.4.3", "(%s): tracked file %s leaving FAULT state", K.TRACK_FILE, "="),
    (
        "1.2.22-1.4.5",
        "(%s): CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority",
        K.OWNER_CONFLICT,
        "=",
    ),
    (
        "2.0.0-2.3.2",
        "(%s) CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority",
        K.OWNER_CONFLICT,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) CONFIGURATION ERROR: local instance and %s are both configured as address owner, please resolve",
        K.OWNER_CONFLICT,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) %s is still advertising as address owner, please resolve - reducing our priority",
        K.OWNER_CONFLICT,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) Restoring our priority to %d since other address owner has disappeared",
        K.PRIORITY_RESTORED,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) Restoring our priority to %d since received advert with lower priority",
        K.PRIORITY_RESTORED,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s): rogue address owner appears to have stopped advertising",
        K.OWNER_CONFLICT,
        "=",
    ),
    (
        "1.2.13-2.4.3",
        "{VRRP_Instance(%s)|(%s)} preemption {enabled|disabled} with SNMP",
        K.PREEMPT_SNMP,
        "2.0.0-2.4.3",
    ),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) forcing a new MASTER election", K.FORCE_ELECTION, "="),
    ("1.2.13-1.2.24", "VRRP_Instance(%s) Received higher prio advert", K.ADVERT_HIGHER, "="),
    (
        "1.2.13-1.2.24",
        "VRRP_Instance(%s) Received lower prio advert, forcing new election",
        K.ADVERT_LOWER,
        "=",
    ),
    (
        "1.3.0-1.4.0",
        "VRRP_Instance(%s) Received advert with higher priority %d, ours %d",
        K.ADVERT_HIGHER,
        "=",
    ),
    (
        "1.4.1-1.4.5",
        "VRRP_Instance(%s) Master received advert with higher priority %d, ours %d",
        K.ADVERT_HIGHER,
        "=",
    ),
    (
        "1.4.1-1.4.5",
        "VRRP_Instance(%s) Master received advert with same priority %d but higher IP address than ours (%s)",
        K.ADVERT_HIGHER,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Master received advert from %s with higher priority %d, ours %d",
        K.ADVERT_HIGHER,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Master received advert from %s with same priority %d but higher IP address than ours",
        K.ADVERT_HIGHER,
        "=",
    ),
    (
        "1.3.0-1.4.5",
        "VRRP_Instance(%s) Received advert with lower priority %d, ours %d, forcing new election",
        K.ADVERT_LOWER,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Received advert from %s with lower priority %d, ours %d{, forcing new election|}",
        K.ADVERT_LOWER,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) received lower priority (%d) advert from %s - discarding",
        K.ADVERT_LOWER_DISCARD,
        "=",
    ),
    ("2.0.0-2.4.3", "(%s) Backup received priority 0 advertisement", K.PRIO0_RECEIVED, "="),
    ("2.0.0-2.0.7,2.1.0-2.4.3", "(%s) Master received priority 0 message", K.PRIO0_RECEIVED, "="),
    (
        "2.0.8-2.0.20",
        "(%s) Master received priority 0 or lower priority advert",
        K.PRIO0_RECEIVED,
        "=",
    ),
    (
        "1.2.24-1.4.5",
        "(%s): WARNING - equal priority advert received from remote host with our IP address.",
        K.EQUAL_PRIO_OWN_IP,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) WARNING - equal priority advert received from remote host with our IP address.",
        K.EQUAL_PRIO_OWN_IP,
        "=",
    ),
    ("2.3.3-2.4.3", "(%s) master set to %s", K.MASTER_CHANGED, "="),
    ("2.3.3-2.4.3", "(%s) master changed from %s to %s", K.MASTER_CHANGED, "="),
    ("1.2.17-2.0.7", "VRRP_Instance(%s) start preempt delay(%ld)", K.PREEMPT_DELAY, "="),
    ("1.2.17-1.4.5", "VRRP_Instance(%s) reset preempt delay", K.PREEMPT_DELAY, "="),
    ("2.0.0-2.0.7", "VRRP_Instance(%s) stop preempt delay", K.PREEMPT_DELAY, "="),
    ("2.0.8-2.4.3", "(%s) stop preempt delay", K.PREEMPT_DELAY, "="),
    ("2.0.8-2.4.3", "(%s) start preempt delay (%lu.%6.6lu)", K.PREEMPT_DELAY, "="),
    (
        "1.2.17-1.4.5",
        "VRRP_Instance(%s) advertisement interval updated to %d milli-sec",
        K.ADVERT_INTERVAL,
        "=",
    ),
    (
        "2.0.0-2.1.5",
        "(%s) advertisement interval updated to %u milli-sec from %u milli-sec",
        K.ADVERT_INTERVAL,
        "=",
    ),
    (
        "2.2.0-2.4.3",
        "(%s) advertisement interval updated from %ums to %ums by master",
        K.ADVERT_INTERVAL,
        "=",
    ),
    (
        "2.2.0-2.4.3",
        "(%s) changing advert interval from %ums to locally configured %ums",
        K.ADVERT_INTERVAL,
        "=",
    ),
    ("1.2.13-1.2.19", "invalid ttl. %d and expect %d", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): invalid ttl. %d and expect %d", K.PACKET_ERROR, "="),
    ("2.0.0-2.0.11", "(%s) invalid ttl. %d and expect %d", K.PACKET_ERROR, "="),
    ("2.0.12-2.3.2", "(%s) invalid TTL/HL. Received %d and expect %d", K.PACKET_ERROR, "="),
    ("2.3.3-2.4.3", "(%s) invalid TTL/HL from %s. Received %d and expect %d", K.PACKET_ERROR, "="),
    ("2.1.0-2.3.2", "(%s) TTL/HL %d not in range %d - %d", K.PACKET_ERROR, "="),
    ("2.3.3-2.4.3", "(%s) TTL/HL %d from %s not in range [%d, %d]", K.PACKET_ERROR, "="),
    ("1.2.13-1.2.19", "invalid version. %d and expect %d", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): invalid version. %d and expect %d", K.PACKET_ERROR, "="),
    ("2.0.0-2.0.11", "(%s) invalid version. %d and expect %d", K.PACKET_ERROR, "="),
    ("2.0.12-2.3.2", "(%s) wrong version. Received %d and expect %d", K.PACKET_ERROR, "="),
    (
        "2.3.3-2.4.3",
        "(%s) wrong VRRP version from %s. Received %d and expect %d",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.13-1.2.19", "receive a %d auth, expecting %d!", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): received a %d auth, expecting %d!", K.PACKET_ERROR, "="),
    ("2.0.0-2.3.2", "(%s) received a %d auth, expecting %d!", K.PACKET_ERROR, "="),
    ("2.3.3-2.4.3", "(%s) received a %d auth from %s, expecting %d!", K.PACKET_ERROR, "="),
    ("1.2.13-1.2.19", "receive an invalid passwd!", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): received an invalid passwd!", K.PACKET_ERROR, "="),
    ("2.0.0-2.3.2", "(%s) received an invalid passwd!", K.PACKET_ERROR, "="),
    ("2.3.3-2.4.3", "(%s) received an invalid passwd from %s!", K.PACKET_ERROR, "="),
    ("1.2.13-1.2.19", "received VRID mismatch. Received %d, Expected %d", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): received VRID mismatch. Received %d, Expected %d", K.PACKET_ERROR, "="),
    ("2.0.0-2.0.13", "(%s) received VRID mismatch. Received %d, Expected %d", K.PACKET_ERROR, "="),
    (
        "2.0.14-2.4.3",
        "Unknown VRID(%d) received on interface(%s). ignoring...",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.2.5-2.4.3",
        "Unknown VRID(%d) received on interface(%s) from %s. ignoring...",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.13-1.2.16", "advertissement interval mismatch mine=%d rcved=%d", K.PACKET_ERROR, "="),
    (
        "1.2.17-1.2.19",
        "advertisement interval mismatch mine=%d sec rcved=%d sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "1.2.20-1.4.5",
        "(%s): advertisement interval mismatch mine=%d sec rcved=%d sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.0.0-2.0.11",
        "(%s) advertisement interval mismatch mine=%d sec rcved=%d sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.0.12-2.3.2",
        "(%s) advertisement interval mismatch mine=%u sec rcv'd=%d sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) advertisement interval mismatch with %s mine=%u sec rcv'd=%d sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) advertisement interval mismatch ours = %u centi-sec rcv'd=%d centi-sec",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "1.2.13-1.2.19",
        "receive an invalid ip number count associated with VRID!",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "1.2.20-2.0.11",
        "(%s)[:] received an invalid ip number count %d, expected %d!",
        K.PACKET_ERROR,
        "1.2.20-1.4.5",
    ),
    (
        "2.0.12-2.3.2",
        "(%s) received an unexpected ip number count %u, expected %u!",
        K.PACKET_ERROR,
        "=",
    ),
    ("2.0.19-2.4.3", "(%s) expected %u VIPs but received %u", K.PACKET_ERROR, "="),
    (
        "1.2.13-1.2.19",
        "ip address associated with VRID not present in received packet : %s",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "1.2.13-1.2.19",
        "one or more VIP associated with VRID mismatch actual MASTER advert",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "1.2.20-2.2.4",
        "(%s)[:] ip address associated with VRID %d not present in MASTER advert : %s",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.2.5-2.3.2",
        "(%s) ip address associated with VRID %d not present in MASTER advert: %s",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) ip address associated with VRID %d not present in advert from %s: %s",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.13-1.2.18", "Invalid vrrp checksum", K.PACKET_ERROR, "="),
    ("1.2.20-1.4.5", "(%s): Invalid VRRPv{2|3} checksum", K.PACKET_ERROR, "="),
    ("2.0.0-2.3.2", "(%s) Invalid VRRPv{2|3} checksum", K.PACKET_ERROR, "="),
    ("2.3.3-2.4.3", "(%s) Invalid VRRPv{2|3} checksum from %s", K.PACKET_ERROR, "="),
    ("1.2.13-1.2.19", "ip payload too short. %d and expect at least %d", K.PACKET_ERROR, "="),
    (
        "1.2.20-2.0.11",
        "(%s)[:] ip/vrrp header too short. %zu and expect at least %zu",
        K.PACKET_ERROR,
        "1.2.20-1.4.5",
    ),
    (
        "2.0.12-2.3.2",
        "(%s) vrrp packet too {short|long}, length %zu and expect %zu",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) vrrp packet from %s too {short|long}, length %zu and expect %zu",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.17-2.3.2", "(%s)[:] Invalid packet type. %d and expect %d", K.PACKET_ERROR, "="),
    ("1.2.17-2.3.2", "(%s)[:] Invalid auth type: %d", K.PACKET_ERROR, "="),
    (
        "1.2.20-2.4.3",
        "(%s)[:] ip_tot_len mismatch against received length. %d and received %zu",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.20-2.4.3", "(%s)[:] unicast source address %s not a unicast peer", K.PACKET_ERROR, "="),
    (
        "2.0.12-2.4.3",
        "(%s) Expected {un|mult}icast packet but received {mult|un}icast packet",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.1.0-2.4.3",
        "(%s) discarding {mult|un}icast packet on {un|mult}icast instance",
        K.PACKET_ERROR,
        "=",
    ),
    (
        "2.3.3-2.4.3",
        "(%s) Dropping packet(s) from %s since we are address owner",
        K.PACKET_ERROR,
        "=",
    ),
    ("1.2.13-1.4.5", "Sync instance needed on %s !!!", K.PACKET_ERROR, "="),
    ("1.2.13-1.4.5", "bogus VRRP packet received on %s !!!", K.PACKET_ERROR, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) ignoring received advertisment...", K.PACKET_ERROR, "="),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) Dropping received VRRP packet...", K.PACKET_ERROR, "="),
    ("1.2.13-2.4.3", "IPSEC AH : invalid IPSEC SPI value. %d and expect %d", K.PACKET_ERROR, None),
    (
        "1.2.13-2.4.3",
        "VRRP_Instance(%s) IPSEC-AH : sequence number %d already {proceeded|processed}. Packet dropped. Local(%d)",
        K.PACKET_ERROR,
        "1.3.6-1.4.5",
    ),
    (
        "1.2.13-2.4.3",
        "VRRP_Instance(%s) IPSEC-AH : Syncing seq_num - {Increment|Decrement} seq",
        K.AH_SYNC,
        "1.2.13-1.4.5",
    ),
    ("1.2.13-1.2.19", "VRRP_Instance(%s) Cant sent advert to %s (%m)", K.SEND_ERROR, "="),
    (
        "1.2.20-2.4.3",
        "{VRRP_Instance(%s)|(%s)} Cant send advert to %s (%m)",
        K.SEND_ERROR,
        "2.0.0-2.4.3",
    ),
    ("2.0.16-2.4.3", "(%s): send advert error %d (%m)", K.SEND_ERROR, "="),
    ("1.2.13-1.3.9", "VRRP_Script(%s) succeeded", K.SCRIPT_RESULT, None),
    ("1.2.13-1.3.9", "VRRP_Script(%s) failed", K.SCRIPT_RESULT, "="),
    ("1.2.13-1.3.9", "VRRP_Script(%s) timed out", K.SCRIPT_RESULT, "="),
    ("1.4.0-2.4.3", "VRRP_Script(%s) succeeded", K.SCRIPT_RESULT, None),
    ("1.4.0-2.4.3", "VRRP_Script(%s) failed (exited with status %d)", K.SCRIPT_RESULT, "="),
    ("1.4.0-2.4.3", "VRRP_Script(%s) failed (due to signal %d)", K.SCRIPT_RESULT, "="),
    ("1.4.0-2.4.3", "VRRP_Script(%s) timed_out", K.SCRIPT_RESULT, "="),
    ("2.0.0-2.4.3", "Script `%s` now returning %d", K.SCRIPT_RETURNING, "="),
    ("1.2.13-2.4.3", "VRRP_Script(%s) considered successful on reload", K.SCRIPT_RELOAD, None),
    ("2.0.0-2.4.3", "VRRP_Script(%s) considered unsuccessful on reload", K.SCRIPT_RELOAD, "="),
    (
        "1.4.0-2.4.3",
        "Track script %s is {already running|being timed out}, expect idle - skipping run",
        K.SCRIPT_SKIP,
        "=",
    ),
    ("1.2.13-1.3.9", "Process [%d] didn't respond to SIGTERM", K.SCRIPT_KILL_FAILED, "="),
    ("1.4.0-2.0.18", "Child (PID %d) failed to terminate after kill", K.SCRIPT_KILL_FAILED, "="),
    (
        "2.0.19-2.4.3",
        "Script %s child (PID %d) failed to terminate after kill",
        K.SCRIPT_KILL_FAILED,
        "=",
    ),
    (
        "1.2.13-1.4.5",
        "VRRP_Instance(%s) : ignoring tracked script with weights due to SYNC group",
        K.SCRIPT_IGNORED,
        "=",
    ),
    (
        "1.3.0-1.4.5",
        "VRRP_Instance(%s) : ignoring weights of tracked interface due to SYNC group",
        K.SCRIPT_IGNORED,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) ignoring tracked script %s with weights due to {SYNC group|address_owner}",
        K.SCRIPT_IGNORED,
        "=",
    ),
    (
        "2.0.8-2.4.3",
        "(%s) ignoring %s tracked interface {weight |}due to {SYNC group|address owner}",
        K.SCRIPT_IGNORED,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Cannot have weighted track script '%s' with priority %d",
        K.SCRIPT_IGNORED,
        "=",
    ),
    ("2.0.0-2.4.3", "Warning - script %s is not used", K.SCRIPT_UNUSED, "="),
    (
        "1.3.0-2.4.3",
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled.%s",
        K.SECURITY,
        "=",
    ),
    ("1.3.0-2.4.3", "Disabling track script %s due to insecure", K.SECURITY, "="),
    ("1.3.6-2.4.3", "Disabling track script %s since not found/accessible", K.SECURITY, "="),
    ("1.3.0-2.4.3", "Unsafe permissions found for script '%s'%s.", K.SECURITY, "="),
    (
        "1.3.2-2.4.3",
        "WARNING - script `%s` resolved by path search to `%s`. Please specify full path.",
        K.SECURITY,
        "=",
    ),
    (
        "1.3.0-2.2.4",
        "WARNING - default user '%s' for script execution does not exist - please create.",
        K.SECURITY,
        "=",
    ),
    (
        "2.0.17-2.4.3",
        "WARNING - script '%s' is not executable for uid:gid %u:%u - disabling.",
        K.SECURITY,
        "=",
    ),
    ("1.2.13-1.4.5", "Kernel is reporting: interface %s DOWN", K.INTERFACE_STATE, "="),
    ("1.2.13-1.4.5", "Kernel is reporting: interface %s UP", K.INTERFACE_STATE, "="),
    ("1.2.13-1.4.5", "Kernel is reporting: tracked interface are UP", K.TRACKED_INTERFACES_UP, "="),
    ("2.0.0-2.4.3", "Netlink reports %s {up|down}", K.INTERFACE_STATE, "="),
    ("2.0.0-2.4.3", "Linkbeat reports %s {up|down}", K.INTERFACE_STATE, "="),
    ("2.0.0-2.4.3", "Interface %s deleted", K.INTERFACE_CHANGE, "="),
    ("2.0.0-2.4.3", "Interface %s added", K.INTERFACE_CHANGE, "="),
    ("2.0.0-2.4.3", "Interface name has changed from %s to %s", K.INTERFACE_CHANGE, "="),
    ("2.0.8-2.4.3", "VRID conflict between %s and %s IPv%d vrid %d", K.VRID_CONFLICT, "="),
    ("2.0.11-2.4.3", "Quorum {gained|lost} for tracked process %s", K.TRACK_PROCESS, "="),
    (
        "2.0.11-2.4.3",
        "Process %s, number of current processes changed from %u to %u{|, quorum up|, quorum down}",
        K.TRACK_PROCESS,
        "=",
    ),
    ("2.0.0-2.4.3", "VRRP_Instance(%s) Tracked BFD instance %s is {UP|DOWN}", K.TRACK_BFD, "="),
    (
        "2.0.0-2.4.3",
        "Received BFD event: instance %s is in state %s (delivered in %u usec)",
        K.TRACK_BFD,
        "=",
    ),
    ("2.0.0-2.4.3", "Netlink reflector reports IP %s {added to|removed from} %s", K.ADDRESS, "="),
    ("1.2.13-2.4.3", "Netlink reflector reports IP %s {added|removed}", K.ADDRESS, None),
    ("2.0.0-2.4.3", "Assigned address %s for interface %s", K.ADDRESS, "="),
    ("2.0.0-2.4.3", "Deassigned address %s from interface %s", K.ADDRESS, "="),
    ("1.2.13-2.0.10", "ip address %s/%d dev %s, no longer exist", K.ADDRESS, "="),
    ("2.0.11-2.4.3", "(%s) ip address %s/%d dev %s, no longer exist", K.ADDRESS, "="),
    ("2.0.3-2.4.3", "Restoring deleted static address %s", K.ADDRESS, "="),
    ("1.2.13-2.0.8", "Netlink: error: %s, type=(%u), seq=%u, pid=%d", K.NETLINK, "="),
    ("2.0.17-2.4.3", "Netlink: error: %s(%d), type=%s(%u), seq=%u, pid=%u", K.NETLINK, "="),
    ("1.2.13-2.4.3", "Registering Kernel netlink reflector", K.HOUSEKEEPING, None),
    ("1.2.13-2.4.3", "Registering Kernel netlink command channel", K.HOUSEKEEPING, None),
    ("1.2.13-2.4.3", "Registering gratuitous ARP shared channel", K.HOUSEKEEPING, None),
    ("1.2.13-1.4.5", "Using LinkWatch kernel netlink reflector...", K.HOUSEKEEPING, "="),
    ("1.2.13-1.4.5", "Cant find interface %s for vrrp_instance %s !!!", K.INTERFACE_MISSING, "="),
    (
        "2.0.0-2.4.3",
        "Configuration specifies interface %s which doesn't currently exist - will use if created",
        K.INTERFACE_MISSING,
        "=",
    ),
    ("1.2.13-1.4.5", "VRRP_Instance(%s) {setting|removing} protocol {VIPs.|E-VIPs.}", K.VIPS, "="),
    ("2.0.0-2.0.0", "(%s) {setting|removing} protocol {VIPs.|E-VIPs.}", K.VIPS, "="),
    ("2.0.1-2.4.3", "(%s) {setting|removing} {VIPs.|E-VIPs.}", K.VIPS, "="),
    (
        "1.2.13-2.0.0",
        "{VRRP_Instance(%s)|(%s)} {setting|removing} protocol Virtual Routes",
        K.VIPS,
        "1.2.13-1.4.5",
    ),
    ("2.0.1-2.4.3", "(%s) {setting|removing} Virtual {Routes|Rules}", K.VIPS, "="),
    (
        "1.2.17-2.0.10",
        "VRRP_Instance(%s) {setting|removing} protocol iptable drop rule",
        K.VIPS,
        "=",
    ),
    ("2.0.11-2.4.3", "(%s) {setting|removing} firewall drop rule", K.VIPS, "="),
    ("1.2.13-1.2.19", "VRRP_Instance(%s) sending 0 priority", K.PRIO0_SENT, "="),
    ("1.2.20-1.4.5", "VRRP_Instance(%s) sent 0 priority", K.PRIO0_SENT, "="),
    ("2.0.0-2.4.3", "(%s) sent 0 priority", K.PRIO0_SENT, "="),
    (
        "1.2.13-1.2.20",
        "VRRP_Instance(%s) Sending {gratuitous ARPs|Unsolicited Neighbour Adverts} on %s for %s",
        K.GARP,
        "=",
    ),
    (
        "1.2.21-1.4.5",
        "VRRP_Instance(%s) Sending/queueing {gratuitous ARPs|Unsolicited Neighbour Adverts} on %s for %s",
        K.GARP,
        "=",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Sending/queueing {gratuitous ARPs|Unsolicited Neighbour Adverts} on %s for %s",
        K.GARP,
        "=",
    ),
    ("1.2.21-2.4.3", "Sending gratuitous ARP on %s for %s", K.GARP, "="),
    ("1.2.21-2.4.3", "Sending unsolicited Neighbour Advert on %s for %s", K.GARP, "="),
    ("1.2.13-2.0.12", "Error sending gratuitous ARP on %s for %s", K.GARP_ERROR, "="),
    ("2.0.16-2.4.3", "Error %d (%m) sending gratuitous ARP on %s for %s", K.GARP_ERROR, "="),
    (
        "1.2.13-2.0.12",
        "VRRP: Error sending ndisc unsolicited neighbour advert on %s",
        K.GARP_ERROR,
        "=",
    ),
    (
        "2.0.13-2.4.3",
        "Error %d sending ndisc unsolicited neighbour advert on %s for %s",
        K.GARP_ERROR,
        "=",
    ),
    ("2.0.17-2.4.3", "%s: sending gratuitous {ARP|NA} for %s", K.GARP, "="),
    ("1.2.13-1.4.5", "VRRP_Group(%s) Transition to MASTER state", K.SYNC_GROUP, "="),
    ("1.2.13-2.4.3", "VRRP_Group(%s) Syncing instances to MASTER state", K.SYNC_GROUP, None),
    ("1.2.13-2.4.3", "VRRP_Group(%s) Syncing instances to BACKUP state", K.SYNC_GROUP, None),
    ("1.2.13-2.4.3", "VRRP_Group(%s) Syncing instances to FAULT state", K.SYNC_GROUP, None),
    ("1.2.13-1.4.5", "VRRP_Group(%s) Leaving FAULT state", K.SYNC_GROUP, "="),
    ("1.2.13-1.4.5", "Kernel is reporting: Group(%s) UP", K.SYNC_GROUP, "="),
    ("2.0.19-2.4.3", "VRRP_Group(%s): Syncing %s to FAULT state", K.SYNC_GROUP, "="),
    (
        "1.2.20-1.4.5",
        "VRRP_Group(%s) Detected instance removed from sync-group, forcing BACKUP",
        K.SYNC_GROUP,
        "=",
    ),
    ("1.2.13-1.2.19", "Starting Keepalived v%s (%s)", K.START, None),
    ("1.2.20-2.4.3", "Starting %s", K.START, None),
    ("1.4.0-2.4.3", "Running on %s %s %s (built for Linux %d.%d.%d)", K.RUNTIME_INFO, "="),
    ("2.0.7-2.4.3", "Command line: %s", K.RUNTIME_INFO, "="),
    ("2.2.0-2.4.3", "Configuration file %s", K.RUNTIME_INFO, "="),
    ("1.2.13-2.4.3", "Opening file '%s'.", K.OPENING_FILE, None),
    ("1.2.13-1.2.19", "Configuration is using : %lu Bytes", K.HOUSEKEEPING, "="),
    (
        "2.1.0-2.4.3",
        "NOTICE: setting config option max_auto_priority should result in better keepalived performance",
        K.CONFIG_WARNING,
        "=",
    ),
    ("1.2.24-2.4.3", "Changing syslog ident to %s", K.RUNTIME_INFO, "="),
    ("1.2.13-2.4.3", "Starting VRRP child process, pid=%d", K.CHILD_START, None),
    ("1.2.13-2.4.3", "Starting Healthcheck child process, pid=%d", K.CHILD_START, None),
    ("2.0.0-2.4.3", "Starting BFD child process, pid=%d", K.CHILD_START, "="),
    ("2.0.14-2.4.3", "Delaying startup for %g seconds", K.STARTUP_DELAY, "="),
    ("1.2.13-2.1.5", "VRRP child process(%d) died: Respawning", K.CHILD_EXIT, None),
    ("2.2.0-2.4.3", "%s child process(%d) died: Respawning", K.CHILD_EXIT, None),
    ("1.2.13-2.4.3", "VRRP child process(%d) died: Exiting", K.CHILD_EXIT, None),
    ("1.2.24-2.4.3", "%s exited with permanent error %s. Terminating", K.CHILD_EXIT, "="),
    ("1.2.20-2.4.3", "%s exited due to signal %d", K.CHILD_EXIT, "="),
    ("1.2.13-1.2.19", "Stopping Keepalived v%s (%s)", K.STOPPING, "="),
    ("1.2.20-2.4.3", "Stopping", K.STOPPING, "="),
    ("1.2.20-2.4.3", "Stopped", K.STOPPED, "="),
    ("1.2.20-2.4.3", "Stopped %s", K.STOPPED, "="),
    ("2.0.8-2.4.3", "Reloading ...", K.RELOADING, "="),
    ("2.0.0-2.4.3", "Reloading", K.RELOADING, "="),
    ("1.2.17-2.4.3", "Printing VRRP data for process(%d) on signal", K.DATA_DUMP, "="),
    ("1.2.13-2.4.3", "daemon is already running", K.RUNTIME_INFO, None),
    ("1.2.20-2.4.3", "Unknown keyword '%s'", K.CONFIG_ERROR, "="),
    ("1.2.13-1.4.5", "Opening script file %s", K.NOTIFY, "="),
    ("1.2.13-1.4.5", "Can't open %s (errno %d %s)", K.NOTIFY, "="),
    ("1.2.13-2.4.3", "Error exec-ing command: %s", K.NOTIFY, None),
    ("1.3.6-2.4.3", "Unable to open %snotify fifo %s - errno %d", K.NOTIFY, "="),
    ("1.2.13-2.4.3", "SMTP alert successfully sent.", K.NOTIFY, None),
    (
        "1.2.13-2.4.3",
        "{VRRP_Instance(%s):|(%s)} Sending SNMP notification",
        K.NOTIFY,
        "2.0.0-2.4.3",
    ),
    (
        "1.2.20-1.4.5",
        "(%s): Cannot start in MASTER state if not address owner",
        K.CONFIG_WARNING,
        "=",
    ),
    ("2.0.0-2.4.3", "(%s) State MASTER must match being address owner", K.CONFIG_WARNING, "="),
    (
        "1.2.20-2.4.3",
        "(%s)[:] Warning - nopreempt will not work with initial state MASTER",
        K.CONFIG_WARNING,
        "2.0.0-2.4.3",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Warning - preempt delay will not work with initial state MASTER - clearing",
        K.CONFIG_WARNING,
        "=",
    ),
    (
        "1.3.5-2.4.3",
        "(%s)[:] nopreempt is incompatible with priority %d - resetting nopreempt",
        K.CONFIG_WARNING,
        "2.0.0-2.4.3",
    ),
    (
        "2.0.0-2.4.3",
        "(%s) Initial state master is incompatible with AH authentication - clearing",
        K.CONFIG_WARNING,
        "=",
    ),
    ("1.2.20-2.0.7", "VRID %d is duplicated on interface %s", K.CONFIG_ERROR, "="),
    (
        "1.2.13-1.4.5",
        "     %s: weight must be between [-254..254] inclusive. Ignoring...",
        K.CONFIG_WARNING,
        "=",
    ),
]


def _tsv_rows() -> list[dict[str, str]]:
    with MESSAGES_TSV.open(newline="", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row for row in rows if row["kind"] not in ("meta", "absent")]


def test_tsv_table_covers_every_row() -> None:
    keys = {(row["versions"], row["template"]) for row in _tsv_rows()}
    table = {(versions, template) for versions, template, _, _ in TSV_EXPECTED}
    assert keys == table
    assert len(TSV_EXPECTED) == len(table)


@pytest.mark.parametrize("row", _tsv_rows(), ids=lambda r: r["versions"] + " " + r["template"])
def test_tsv_example(row: dict[str, str]) -> None:
    expected = {(v, t): (k, w) for v, t, k, w in TSV_EXPECTED}
    kind, wording = expected[(row["versions"], row["template"])]
    result = parse_body(_IDENT.sub("", row["example"]))
    assert result["kind"] == kind.value
    want = row["versions"] if wording == "=" else wording
    assert result.get("wording") == want


#: real lines (corpus file or TSV example noted) -> exact parse, one per kind at least
REAL_LINES = [
    # 005.log
    (
        "(VI_1) Entering BACKUP STATE (init)",
        {
            "kind": "enter_state",
            "init": True,
            "instance": "VI_1",
            "state": "BACKUP",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 001.log
    (
        "VRRP_Instance(VI_1) Transition to MASTER STATE",
        {
            "kind": "transition_master",
            "instance": "VI_1",
            "state": "MASTER",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # 069.log
    (
        "VRRP_Instance(VIP_PRIMARY) Now in FAULT state",
        {
            "kind": "now_in_state",
            "instance": "VIP_PRIMARY",
            "state": "FAULT",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # tsv
    (
        "(VI_1): entering FAULT state due to script chk_haproxy",
        {
            "kind": "fault_cause",
            "detail": "script",
            "instance": "VI_1",
            "script": "chk_haproxy",
            "state": "FAULT",
            "wording": "2.0.19-2.4.3",
        },
    ),
    # tsv
    (
        "VRRP_Instance(VI_1) prio is higher than received advert",
        {"kind": "prio_higher_than_advert", "instance": "VI_1", "wording": "1.2.13-1.4.5"},
    ),
    # 006.log
    (
        "(s4) Receive advertisement timeout",
        {"kind": "advert_timeout", "instance": "s4", "wording": "2.0.3-2.4.3"},
    ),
    # tsv
    (
        "(VI_1) Cannot use unicast without any peers - going to fault state",
        {"kind": "no_peers_fault", "instance": "VI_1", "state": "FAULT", "wording": "2.2.5-2.4.3"},
    ),
    # tsv
    (
        "(VI_1) vrrp_state_leave_master called with invalid wantstate 2",
        {
            "kind": "internal_error",
            "detail": "invalid_wantstate",
            "instance": "VI_1",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 095.log
    (
        "A thread timer expired 1.274642 seconds ago",
        {"kind": "scheduling_delay", "detail": "1.274642"},
    ),
    # 061.log
    (
        "(VI_1) Changing effective priority from 150 to 145",
        {
            "kind": "priority_change",
            "instance": "VI_1",
            "prio_new": 145,
            "prio_old": 150,
            "wording": "2.0.0-2.4.3",
        },
    ),
    # tsv
    (
        "(VI_1) Setting effective priority to 95",
        {"kind": "priority_set", "instance": "VI_1", "prio_new": 95, "wording": "2.0.20-2.4.3"},
    ),
    # tsv
    (
        "(VI_1): CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority",
        {
            "kind": "owner_conflict",
            "action": "reduced",
            "instance": "VI_1",
            "wording": "1.2.22-1.4.5",
        },
    ),
    # tsv
    (
        "(VI_1) Restoring our priority to 255 since other address owner has disappeared",
        {
            "kind": "priority_restored",
            "detail": "owner_gone",
            "instance": "VI_1",
            "prio_new": 255,
            "wording": "2.3.3-2.4.3",
        },
    ),
    # tsv
    (
        "(VI_1) preemption disabled with SNMP",
        {
            "kind": "preempt_snmp",
            "action": "disabled",
            "instance": "VI_1",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 030.log
    (
        "(VI_1)  received advert from 172.16.32.53 with higher priority 100, ours 90",
        {
            "kind": "advert_higher",
            "instance": "VI_1",
            "peer": "172.16.32.53",
            "prio_ours": 90,
            "prio_peer": 100,
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 020.log
    (
        "(instance_10.19.220.103) Received advert from 10.19.220.54 with lower priority 10, ours 60, forcing new election",
        {
            "kind": "advert_lower",
            "instance": "instance_10.19.220.103",
            "peer": "10.19.220.54",
            "prio_ours": 60,
            "prio_peer": 10,
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 011.log
    (
        "(VRRP1) received lower priority (100) advert from 10.xxx.xxx.17 - discarding",
        {
            "kind": "advert_lower_discard",
            "instance": "VRRP1",
            "peer": "10.xxx.xxx.17",
            "prio_peer": 100,
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 002.log
    (
        "VRRP_Instance(VI_1) forcing a new MASTER election",
        {"kind": "force_election", "instance": "VI_1", "wording": "1.2.13-1.4.5"},
    ),
    # 023.log
    (
        "(AST3_192) Backup received priority 0 advertisement",
        {
            "kind": "prio0_received",
            "instance": "AST3_192",
            "state": "BACKUP",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 035.log
    (
        "(VI_1) sent 0 priority",
        {"kind": "prio0_sent", "instance": "VI_1", "wording": "2.0.0-2.4.3"},
    ),
    # tsv
    (
        "(VI_1): WARNING - equal priority advert received from remote host with our IP address.",
        {"kind": "equal_prio_own_ip", "instance": "VI_1", "wording": "1.2.24-1.4.5"},
    ),
    # tsv
    (
        "(VI_1) master set to 192.168.1.11",
        {
            "kind": "master_changed",
            "action": "set",
            "instance": "VI_1",
            "peer": "192.168.1.11",
            "wording": "2.3.3-2.4.3",
        },
    ),
    # 063.log
    (
        "(gi0-0) start preempt delay (10.000000)",
        {
            "kind": "preempt_delay",
            "action": "start",
            "detail": "10.000000",
            "instance": "gi0-0",
            "wording": "2.0.8-2.4.3",
        },
    ),
    # 008.log
    (
        "(vip_xx.xx.xx.4) using locally configured advertisement interval (1000 milli-sec)",
        {
            "kind": "advert_interval",
            "action": "local",
            "detail": "1000",
            "instance": "vip_xx.xx.xx.4",
            "wording": "2.0.0-2.1.5",
        },
    ),
    # 050.log
    (
        "(ens3-1) ip address associated with VRID 1 not present in MASTER advert : 200.200.200.200",
        {
            "kind": "packet_error",
            "address": "200.200.200.200",
            "detail": "vip_missing",
            "instance": "ens3-1",
            "wording": "1.2.20-2.2.4",
        },
    ),
    # 057.log
    (
        "(eth0_vip1) Cant send advert to 9.x.x.12 (Operation not permitted)",
        {
            "kind": "send_error",
            "detail": "Operation not permitted",
            "instance": "eth0_vip1",
            "peer": "9.x.x.12",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # tsv
    (
        "VRRP_Instance(VI_1) in FAULT state jump to AH sync",
        {"kind": "ah_sync", "action": "sync", "instance": "VI_1", "wording": "1.2.13-1.4.5"},
    ),
    # 061.log
    (
        "VRRP_Script(chk_rke2server) failed (exited with status 1)",
        {
            "kind": "script_result",
            "exit_status": 1,
            "result": "failure",
            "script": "chk_rke2server",
            "wording": "1.4.0-2.4.3",
        },
    ),
    # 061.log
    (
        "Script `chk_rke2server` now returning 1",
        {
            "kind": "script_returning",
            "exit_status": 1,
            "script": "chk_rke2server",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 069.log
    (
        "/home/oracle/maint/keepalived/standby_check.sh exited with status 1 <b><-- так как роль БД primary, проверка standby_check возвращает ошибку</b>",
        {
            "kind": "script_exit",
            "detail": "<b><-- так как роль БД primary, проверка standby_check возвращает ошибку</b>",
            "exit_status": 1,
            "script": "/home/oracle/maint/keepalived/standby_check.sh",
        },
    ),
    # tsv
    (
        "VRRP_Script(chk_haproxy) considered successful on reload",
        {"kind": "script_reload", "result": "success", "script": "chk_haproxy"},
    ),
    # tsv
    (
        "Track script chk_haproxy is already running, expect idle - skipping run",
        {
            "kind": "script_skip",
            "detail": "already_running",
            "script": "chk_haproxy",
            "wording": "1.4.0-2.4.3",
        },
    ),
    # tsv
    (
        "Process [4242] didn't respond to SIGTERM",
        {"kind": "script_kill_failed", "child_pid": 4242, "wording": "1.2.13-1.3.9"},
    ),
    # tsv
    (
        "VRRP_Instance(VI_1) : ignoring tracked script with weights due to SYNC group",
        {
            "kind": "script_ignored",
            "detail": "sync_group",
            "instance": "VI_1",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # tsv
    (
        "Warning - script chk_old is not used",
        {"kind": "script_unused", "script": "chk_old", "wording": "2.0.0-2.4.3"},
    ),
    # 009.log
    (
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled.",
        {"kind": "security", "detail": "script_security_disabled", "wording": "1.3.0-2.4.3"},
    ),
    # 069.log
    (
        "Kernel is reporting: interface eth1 UP",
        {
            "kind": "interface_state",
            "action": "up",
            "detail": "kernel",
            "interface": "eth1",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # tsv
    (
        "Kernel is reporting: tracked interface are UP",
        {"kind": "tracked_interfaces_up", "action": "up", "wording": "1.2.13-1.4.5"},
    ),
    # 026.log
    (
        "(VI_14): Success creating VMAC interface vrrp.14",
        {
            "kind": "interface_change",
            "action": "added",
            "detail": "vmac",
            "instance": "VI_14",
            "interface": "vrrp.14",
        },
    ),
    # tsv
    (
        "VRID conflict between VI_1 and VI_2 IPv4 vrid 51",
        {"kind": "vrid_conflict", "detail": "VI_2", "instance": "VI_1", "wording": "2.0.8-2.4.3"},
    ),
    # tsv
    (
        "Quorum lost for tracked process haproxy",
        {
            "kind": "track_process",
            "action": "lost",
            "tracked": "haproxy",
            "wording": "2.0.11-2.4.3",
        },
    ),
    # tsv
    (
        "VRRP_Instance(VI_1) Tracked BFD instance bfd_gw is DOWN",
        {
            "kind": "track_bfd",
            "action": "down",
            "instance": "VI_1",
            "tracked": "bfd_gw",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # tsv
    (
        "(VI_1): tracked file maint now FAULT state",
        {
            "kind": "track_file",
            "action": "down",
            "instance": "VI_1",
            "tracked": "maint",
            "wording": "2.0.19-2.4.3",
        },
    ),
    # 009.log
    (
        "Assigned address 10.131.0.178 for interface eth0",
        {
            "kind": "address",
            "action": "assigned",
            "address": "10.131.0.178",
            "interface": "eth0",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # 035.log
    (
        "Netlink: error: No such process(3), type=RTM_DELROUTE(25), seq=1735192881, pid=0",
        {
            "kind": "netlink",
            "action": "error",
            "detail": "No such process",
            "wording": "2.0.17-2.4.3",
        },
    ),
    # tsv
    (
        "Cant find interface eth9 for vrrp_instance VI_1 !!!",
        {
            "kind": "interface_missing",
            "instance": "VI_1",
            "interface": "eth9",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # 006.log
    (
        "(s4) setting VIPs.",
        {
            "kind": "vips",
            "action": "set",
            "detail": "vips",
            "instance": "s4",
            "wording": "2.0.1-2.4.3",
        },
    ),
    # 006.log
    (
        "(s4) Sending/queueing gratuitous ARPs on ens192 for 192.168.1.81",
        {
            "kind": "garp",
            "action": "burst",
            "address": "192.168.1.81",
            "detail": "arp",
            "instance": "s4",
            "interface": "ens192",
            "wording": "2.0.0-2.4.3",
        },
    ),
    # tsv
    (
        "Error sending gratuitous ARP on eth0 for 192.168.1.100",
        {
            "kind": "garp_error",
            "address": "192.168.1.100",
            "detail": "arp",
            "interface": "eth0",
            "wording": "1.2.13-2.0.12",
        },
    ),
    # 011.log
    (
        "VRRP_Group(VRRP1_2) Syncing instances to BACKUP state",
        {"kind": "sync_group", "action": "sync", "group": "VRRP1_2", "state": "BACKUP"},
    ),
    # 005.log
    (
        "Starting Keepalived v2.2.8 (04/04,2023), git commit v2.2.7-154-g292b299e+",
        {"kind": "start", "detail": "v2.2.7-154-g292b299e+", "version": "2.2.8"},
    ),
    # 005.log
    (
        "Starting VRRP child process, pid=26",
        {"kind": "child_start", "child_pid": 26, "detail": "VRRP"},
    ),
    # 064.log
    (
        "pid 16229 exited with permanent error CONFIG. Terminating",
        {
            "kind": "child_exit",
            "action": "error",
            "child_pid": 16229,
            "detail": "CONFIG",
            "wording": "1.2.24-2.4.3",
        },
    ),
    # 009.log
    (
        "Delaying startup for 10 seconds",
        {"kind": "startup_delay", "action": "start", "detail": "10", "wording": "2.0.14-2.4.3"},
    ),
    # 075.log
    (
        "Stopping Keepalived v1.1.20 (02/22,2012) ",
        {"kind": "stopping", "version": "1.1.20", "wording": "1.2.13-1.2.19"},
    ),
    # tsv
    ("Stopped", {"kind": "stopped", "wording": "1.2.20-2.4.3"}),
    # 036.log
    ("Reloading ...", {"kind": "reloading", "wording": "2.0.8-2.4.3"}),
    # keepalived source (bfd_daemon.c / vrrp_daemon.c reload thread)
    ("Reload finished in 1234 usec", {"kind": "reload_complete", "detail": "1234"}),
    # 086.log
    (
        "Printing VRRP as json for process(17763) on signal",
        {"kind": "data_dump", "child_pid": 17763, "detail": "json"},
    ),
    # 054.log
    (
        "(br100_v6_1) Found matching interface br100.v1",
        {
            "kind": "runtime_info",
            "detail": "vmac",
            "instance": "br100_v6_1",
            "interface": "br100.v1",
        },
    ),
    # 009.log
    (
        "Opening file '/tmp/keepalived.conf'.",
        {"kind": "opening_file", "detail": "/tmp/keepalived.conf"},
    ),
    # 067.log
    (
        "(/etc/keepalived/keepalived.conf: Line 12) VRRP parsed invalid IP virtual_routes. skipping IP...",
        {
            "kind": "config_error",
            "config_line": 12,
            "detail": "VRRP parsed invalid IP virtual_routes. skipping IP...",
            "template": "vrrp_ipaddress.parse_ipaddress.2068e6",
            "args": '{"str": "virtual_routes"}',
        },
    ),
    # 029.log
    (
        "(VI_1): Warning - nopreempt will not work with initial state MASTER",
        {
            "kind": "config_warning",
            "detail": "nopreempt_master",
            "instance": "VI_1",
            "wording": "1.2.20-1.4.5",
        },
    ),
    # 073.log
    (
        "Opening script file /usr/local/bin/keepalived_notify.sh <b><-- вызов скрипта для рестарта листнера т.к. убрали ip</b>",
        {
            "kind": "notify",
            "detail": "opening_script",
            "script": "/usr/local/bin/keepalived_notify.sh",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # 011.log
    (
        "Registering gratuitous NDISC shared channel",
        {"kind": "housekeeping", "wording": "2.0.0-2.1.5"},
    ),
    # not a keepalived wording
    ("Ok, i'm just a backup, great.", {"kind": "unknown"}),
    # 012.log: 1.2.24 log printing the peer priority after the 1.2.x wording
    (
        "VRRP_Instance(vi_2) Received higher prio advert 255",
        {"kind": "advert_higher", "instance": "vi_2", "prio_peer": 255, "wording": "1.2.13-1.2.24"},
    ),
    # keepalived 1.2.21-1.2.24, vrrp.c vrrp_state_master_rx: the lower advert's
    # priority after the 1.2.x wording, as 012.log's higher one
    (
        "VRRP_Instance(VI_1) Received lower prio advert 90, forcing new election",
        {"kind": "advert_lower", "instance": "VI_1", "prio_peer": 90, "wording": "1.2.21-1.2.24"},
    ),
    # seed ex1-A-backup-99.log
    (
        "VRRP_Instance(vi_1) Entering BACKUP STATE",
        {"kind": "enter_state", "instance": "vi_1", "state": "BACKUP", "wording": "1.2.13-1.4.5"},
    ),
    ("VRRP_Script(nag) succeeded", {"kind": "script_result", "result": "success", "script": "nag"}),
    ("VRRP sockpool: [ifindex(2), proto(112), unicast(1), fd(10,11)]", {"kind": "housekeeping"}),
    ("Configuration is using : 69324 Bytes", {"kind": "housekeeping", "wording": "1.2.13-1.2.19"}),
    (
        "Using LinkWatch kernel netlink reflector...",
        {"kind": "housekeeping", "wording": "1.2.13-1.4.5"},
    ),
    (
        "Netlink reflector reports IP fe80::f6ce:46ff:fe86:4234 added",
        {"kind": "address", "action": "added", "address": "fe80::f6ce:46ff:fe86:4234"},
    ),
    (
        "VRRP_Instance(vi_1) Sending gratuitous ARPs on eth0 for 172.16.173.100",
        {
            "kind": "garp",
            "action": "burst",
            "address": "172.16.173.100",
            "detail": "arp",
            "instance": "vi_1",
            "interface": "eth0",
            "wording": "1.2.13-1.2.20",
        },
    ),
    ("Starting Keepalived v1.2.13 (08/19,2014)", {"kind": "start", "version": "1.2.13"}),
    (
        "Starting Healthcheck child process, pid=25765",
        {"kind": "child_start", "child_pid": 25765, "detail": "Healthcheck"},
    ),
    # 030.log: user blanked the state
    (
        "(VI_1) Entering  STATE",
        {"kind": "enter_state", "instance": "VI_1", "wording": "2.0.0-2.4.3"},
    ),
    # 050.log: markdown around the address
    (
        "(ens3-1): ip address associated with VRID 1 not present in MASTER advert : **200.200.200.200**",
        {
            "kind": "packet_error",
            "address": "200.200.200.200",
            "detail": "vip_missing",
            "instance": "ens3-1",
            "wording": "1.2.20-1.4.5",
        },
    ),
    # 066.log: obfuscated pids
    (
        "VRRP child process(xxxx5) died: Respawning",
        {"kind": "child_exit", "action": "respawning", "detail": "VRRP"},
    ),
    ("pid xxxx3 exited with status 256", {"kind": "script_exit", "exit_status": 256}),
    # 069.log: annotation after a recognised message, detail already typed
    (
        "VRRP_Instance(VIP_PRIMARY) removing protocol VIPs. <b><-- x</b>",
        {
            "kind": "vips",
            "action": "removed",
            "detail": "vips",
            "instance": "VIP_PRIMARY",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # 014.log: 1.3.9 without the trailing dot
    (
        "VRRP_Instance(VI_GATEWAY) removing protocol VIPs",
        {
            "kind": "vips",
            "action": "removed",
            "detail": "vips",
            "instance": "VI_GATEWAY",
            "wording": "1.2.13-1.4.5",
        },
    ),
    # 026.log: indented data dump
    (
        "   MAC = 9e:ec:dd:0d:eb:91",
        {
            "kind": "data_dump",
            "template": "vrrp_data.dump_vrrp.1e470c",
            "args": '{"ll_addr": "9e", "ll_addr_2": "ec", "ll_addr_3": "dd", "ll_addr_4": "0d", '
            '"ll_addr_5": "eb", "ll_addr_6": "91"}',
        },
    ),
    ("------< Global definitions >------", {"kind": "data_dump"}),
    # 040.log: wrapped command line
    (
        "'/var/run/.keepalived_vrrp.pid' '-c' '/var/run/.keepalived_checkers.pid'",
        {"kind": "runtime_info", "detail": "command_line"},
    ),
    # 043.log
    ("Remove a zombie pid file /var/run/vrrp.pid", {"kind": "housekeeping"}),
    # 077.log (1.1.15)
    ("Terminating VRRP child process on signal", {"kind": "stopping", "detail": "VRRP"}),
    # TSV examples with typed details
    (
        "(VI_1) Master received advert from 192.168.1.11 with same priority 100 but higher IP address than ours",
        {
            "kind": "advert_higher",
            "detail": "same_prio_higher_ip",
            "instance": "VI_1",
            "peer": "192.168.1.11",
            "prio_ours": 100,
            "prio_peer": 100,
            "wording": "2.0.0-2.4.3",
        },
    ),
    (
        "(VI_1) ip address associated with VRID 51 not present in advert from fe80::1: 192.168.1.100",
        {
            "kind": "packet_error",
            "address": "192.168.1.100",
            "detail": "vip_missing",
            "instance": "VI_1",
            "peer": "fe80::1",
            "wording": "2.3.3-2.4.3",
        },
    ),
    (
        "(VI_1) invalid TTL/HL from 192.168.1.11. Received 64 and expect 255",
        {
            "kind": "packet_error",
            "detail": "ttl",
            "instance": "VI_1",
            "peer": "192.168.1.11",
            "wording": "2.3.3-2.4.3",
        },
    ),
    (
        "VRRP_Script(chk_haproxy) failed (due to signal 11)",
        {
            "kind": "script_result",
            "detail": "signal 11",
            "result": "failure",
            "script": "chk_haproxy",
            "wording": "1.4.0-2.4.3",
        },
    ),
    (
        "VRRP_Script(chk_haproxy) timed_out",
        {
            "kind": "script_result",
            "result": "timeout",
            "script": "chk_haproxy",
            "wording": "1.4.0-2.4.3",
        },
    ),
    (
        "VRRP_Script(chk_haproxy) considered unsuccessful on reload",
        {
            "kind": "script_reload",
            "result": "failure",
            "script": "chk_haproxy",
            "wording": "2.0.0-2.4.3",
        },
    ),
    (
        "Keepalived_vrrp exited due to signal 9 (Killed) - has rlimit_rttime been exceeded?",
        {
            "kind": "child_exit",
            "action": "signal",
            "detail": "VRRP",
            "exit_status": 9,
            "wording": "1.2.20-2.4.3",
        },
    ),
    (
        "Stopped Keepalived v2.2.8 (05/31,2023)",
        {"kind": "stopped", "version": "2.2.8", "wording": "1.2.20-2.4.3"},
    ),
    (
        "(Line 17) Unknown keyword 'nopreemt'",
        {
            "kind": "config_error",
            "config_line": 17,
            "detail": "Unknown keyword 'nopreemt'",
            "template": "parser.process_stream.e3bc45",
            "args": '{"str": "nopreemt"}',
        },
    ),
    (
        "VRRP_Group(VG_1): Syncing VI_2 to FAULT state",
        {
            "kind": "sync_group",
            "action": "sync",
            "group": "VG_1",
            "instance": "VI_2",
            "state": "FAULT",
            "wording": "2.0.19-2.4.3",
        },
    ),
    (
        "(VI_1): entering FAULT state (tracked file maint has status -254)",
        {
            "kind": "fault_cause",
            "detail": "tracked_file",
            "instance": "VI_1",
            "state": "FAULT",
            "tracked": "maint",
            "wording": "2.0.19-2.4.3",
        },
    ),
    (
        "Received BFD event: instance bfd_gw is in state Down (delivered in 120 usec)",
        {
            "kind": "track_bfd",
            "action": "down",
            "detail": "event",
            "tracked": "bfd_gw",
            "wording": "2.0.0-2.4.3",
        },
    ),
    (
        "Netlink reflector reports IP 192.168.1.100 removed from eth0",
        {
            "kind": "address",
            "action": "removed",
            "address": "192.168.1.100",
            "interface": "eth0",
            "wording": "2.0.0-2.4.3",
        },
    ),
    (
        "(VI_1) master changed from 192.168.1.11 to 192.168.1.12",
        {
            "kind": "master_changed",
            "action": "changed",
            "detail": "192.168.1.11",
            "instance": "VI_1",
            "peer": "192.168.1.12",
            "wording": "2.3.3-2.4.3",
        },
    ),
    (
        "VRRP_Instance(VI_1) IPSEC-AH : Syncing seq_num - Increment seq",
        {"kind": "ah_sync", "action": "increment", "instance": "VI_1", "wording": "1.2.13-1.4.5"},
    ),
    # samples/lab/catalogue-lines (2.2.7): keepalived's other processes, typed by the
    # catalogue generated from its source (kalog.grammar.vocabulary)
    (
        "(bfd_peer) Entering Down state (Local diagnostic - Control Detection Time Expired, "
        "Remote diagnostic - No Diagnostic)",
        {
            "kind": "bfd",
            "template": "bfd_scheduler.bfd_state_down.7adce6",
            "args": '{"iname": "bfd_peer", "bfd_state_down": "Down", '
            '"diag": "Control Detection Time Expired", "remote_diag": "No Diagnostic"}',
        },
    ),
    (
        "(bfd_peer) Expired after 600 ms (63 usec overdue)",
        {
            "kind": "bfd",
            "template": "bfd_scheduler.bfd_expire_thread.9cdc33",
            "args": '{"iname": "bfd_peer", "dead_time": 600, "overdue_time": 63}',
        },
    ),
    (
        "IPVS: Can't initialize ipvs: No such file or directory",
        {
            "kind": "checker",
            "template": "ipvswrapper.ipvs_start.1cbeae",
            "args": '{"errno": "No such file or directory"}',
        },
    ),
    (
        "Shutting down service [10.1.0.1]:tcp:8080 from VS [10.1.0.100]:tcp:80",
        {
            "kind": "checker",
            "template": "ipwrapper.clear_service_rs.f39845",
            "args": '{"alive": "Shutting down", "rs": "[10.1.0.1]:tcp:8080", '
            '"vs": "[10.1.0.100]:tcp:80"}',
        },
    ),
    (
        " Router ID = node-a",
        {
            "kind": "data_dump",
            "template": "global_data.dump_global_data.c8f110",
            "args": '{"router_id": "node-a"}',
        },
    ),
]


@pytest.mark.parametrize(("body", "expected"), REAL_LINES, ids=[b[:60] for b, _ in REAL_LINES])
def test_real_line(body: str, expected: dict) -> None:
    assert parse_body(body) == expected


#: Generic kinds no real line here has shown yet; tests/test_vocabulary.py types
#: every catalogue format of theirs, rendered as keepalived prints it.
GENERIC_UNSEEN = {"network", "firewall", "script", "tracking", "startup", "system", "vrrp"}


def test_real_lines_cover_every_produced_kind_and_field() -> None:
    kinds = {expected["kind"] for _, expected in REAL_LINES}
    assert kinds == set(KINDS) - GENERIC_UNSEEN
    fields = {name for _, expected in REAL_LINES for name in expected} - {"kind"}
    assert fields == set(BODY_FIELDS)


def test_every_template_has_a_known_kind() -> None:
    assert {t.kind.value for t in TEMPLATES} <= set(KINDS)


def test_seed_logs_fully_typed() -> None:
    """Every keepalived line of the four seed logs gets a kind (first integration target)."""
    ident = re.compile(r"\sKeepalived\w*\[\d+\]: ")
    count = 0
    for path in sorted(SEED.glob("*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = ident.search(line)
            if match:
                count += 1
                body = line[match.end() :]
                assert parse_body(body)["kind"] != "unknown", (path.name, body)
    assert count > 100


def test_result_is_a_fresh_dict() -> None:
    first = parse_body("(VI_1) Entering MASTER STATE")
    first["state"] = "BACKUP"
    first["kind"] = "garbage"
    assert parse_body("(VI_1) Entering MASTER STATE")["state"] == "MASTER"
    assert parse_body("(VI_1) Entering MASTER STATE")["kind"] == "enter_state"


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("", "unknown"),
        ("   ", "unknown"),
        ("x" * 1_000_000, "unknown"),
        # keepalived's own format `(%s) Entering %s STATE` fits (vrrp.c prints the state
        # name from a table): a generic vrrp line, not a state the model could act on
        ("(VI_1) Entering " + "A" * 1_000_000 + " STATE", "vrrp"),
        ("\x1b[31m(VI_1) Entering MASTER STATE\x1b[0m", "unknown"),
        ("[bold red]x[/]", "unknown"),
        ("(VI_1) Entering MASTER STATE [bold red]x[/]", "enter_state"),
        ("(VI_1) Entering\x00 MASTER STATE", "vrrp"),
        ("VRRP_Instance((( Entering MASTER STATE", "unknown"),
        ("VRRP_Instance() Entering MASTER STATE", "unknown"),
        (")))(((", "unknown"),
        ("(VI_1", "unknown"),
        ("Starting Keepalived v", "startup"),  # 2.x's `Starting %s`, generically
    ],
)
def test_hostile_input(body: str, kind: str) -> None:
    assert parse_body(body)["kind"] == kind


def test_markup_kept_as_plain_text() -> None:
    result = parse_body("VRRP_Script(chk) succeeded [bold red]x[/]")
    assert result == {
        "kind": "script_result",
        "detail": "[bold red]x[/]",
        "result": "success",
        "script": "chk",
    }


def test_cache_hit_is_fast() -> None:
    body = "(VI_1) Received advert from 10.0.0.2 with lower priority 90, ours 100"
    parse_body(body)
    start = time.perf_counter()
    for _ in range(10_000):
        parse_body(body)
    assert (time.perf_counter() - start) / 10_000 < 50e-6


def _real_bodies() -> list[str]:
    """Every distinct body of the repo's real logs, and the TSV's examples."""
    import warnings

    from conftest import CORPUS, DATA, LAB

    import kalog

    files = [
        *sorted(CORPUS.glob("*.log")),
        *sorted(SEED.glob("*.log")),
        *sorted(LAB.glob("*/*.log")),
        *sorted(LAB.glob("*/*.console")),
        *sorted((DATA / "pastes").glob("*.log")),
    ]
    bodies: set[str] = {row["example"] for row in _tsv_rows() if row.get("example")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in files:
            bodies |= set(kalog.read_events([path], year=2020)["body"].dropna())
    return sorted(bodies)


def test_a_tie_between_wordings_is_decided_by_rule_not_table_order(monkeypatch) -> None:
    """The wordings that fit a body are tried most specific first (literal
    text fixed, then fields typed; equal ones by the text the body holds
    verbatim), so listing the table backwards types every real body alike.
    Real ties: `(x) Entering BACKUP STATE (init)` (the `(init)` wording, not
    the plain one with a trailer), `Received higher prio advert 255` (the
    peer's priority typed), `advert: ADDR` vs `advert : ADDR` (2.2.5+)."""
    from kalog.grammar import body

    bodies = _real_bodies()
    assert len(bodies) > 700
    forward = {text: body._parse(text) for text in bodies}
    backwards = body._index(list(reversed(body.TEMPLATES)))
    monkeypatch.setattr(body, "_INDEX", backwards)
    body._ordered.cache_clear()
    try:
        assert {text: body._parse(text) for text in bodies} == forward
    finally:
        body._ordered.cache_clear()
    assert dict(forward["VRRP_Instance(vi_2) Received higher prio advert 255"])["prio_peer"] == 255
    wording = dict(
        forward[
            "(VI_1) ip address associated with VRID 51 not present in MASTER advert: 192.168.1.100"
        ]
    )["wording"]
    assert wording == "2.2.5-2.3.2"
