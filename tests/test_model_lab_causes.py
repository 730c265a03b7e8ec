"""Every change of master in the real keepalived 2.2.7 captures, with its cause.

Read against each scenario's scenario.json actions and logs (samples/lab/README.md):
the driver's actions are the ground truth for why each change happened.
"""

from __future__ import annotations

import pytest

from tests.conftest import LAB
from tests.model_checks import LabCapture

START = ("node-a", "BACKUP", "MASTER", "startup")
A_STOP = ("node-a", "MASTER", "STOPPED", "admin_stop")
B_STOP = ("node-b", "MASTER", "STOPPED", "admin_stop")
B_STEPS_DOWN = ("node-b", "MASTER", "BACKUP", "higher_priority_advert")
A_PREEMPTS = ("node-a", "BACKUP", "MASTER", "preemption")
A_STEPS_DOWN = ("node-a", "MASTER", "BACKUP", "higher_priority_advert")
B_PREEMPTS = ("node-b", "BACKUP", "MASTER", "preemption")

EXPECTED = {
    # B joins with 103 > 102: discards A's adverts, times out, A steps down
    "seed-ex1": [START, B_PREEMPTS, A_STEPS_DOWN, B_STOP],
    "seed-ex1-weighted-only": [START, B_PREEMPTS, A_STEPS_DOWN, B_STOP],
    "seed-ex2": [
        ("node-b", "BACKUP", "MASTER", "startup"),
        B_STEPS_DOWN,
        A_PREEMPTS,
        A_STOP,
    ],
    # the master's -20 script fails: B preempts; it recovers: A preempts back
    "script-failover": [START, A_STEPS_DOWN, B_PREEMPTS, B_STEPS_DOWN, A_PREEMPTS, A_STOP],
    # eth0 down: FAULT; B never gets priority 0 (link down), times out
    "interface-fault": [
        START,
        ("node-a", "MASTER", "FAULT", "fault"),
        ("node-b", "BACKUP", "MASTER", "peer_fault"),
        A_PREEMPTS,
        B_STEPS_DOWN,
        A_STOP,
    ],
    # B's port detached: B times out while A is still MASTER; healed, B steps down
    "split-brain": [
        START,
        ("node-b", "BACKUP", "MASTER", "master_down_timeout"),
        B_STEPS_DOWN,
        A_STOP,
    ],
    # nopreempt B never takes over until A stops
    "nopreempt": [START, A_STOP, ("node-b", "BACKUP", "MASTER", "peer_priority_0"), B_STOP],
    "graceful-stop": [
        START,
        A_STOP,
        ("node-b", "BACKUP", "MASTER", "peer_priority_0"),
        A_PREEMPTS,
        B_STEPS_DOWN,
        A_STOP,
    ],
    # reload lowers A to 80: B (90) preempts; reload back to 100: A preempts
    "reload-priority": [START, A_STEPS_DOWN, B_PREEMPTS, B_STEPS_DOWN, A_PREEMPTS, A_STOP],
    "three-stop": [START, A_STOP, ("node-b", "BACKUP", "MASTER", "peer_priority_0"), B_STOP],
    # BFD, checker, dump and config-error lines change nothing: node-a alone is MASTER
    "catalogue-lines": [START, A_STOP],
}


def test_every_scenario_is_covered() -> None:
    assert sorted(EXPECTED) == sorted(p.parent.name for p in LAB.glob("*/scenario.json"))


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_changes_of_master_and_their_causes(scenario: str) -> None:
    timeline = LabCapture(LAB / scenario).replay()
    got = [(t.host, t.from_state, t.to_state, t.cause) for t in timeline.transitions]
    assert got == EXPECTED[scenario]
    for transition in timeline.transitions:
        assert transition.evidence, transition  # every cause names its lines
