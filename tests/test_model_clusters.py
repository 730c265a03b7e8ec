"""Hosts are grouped by the evidence that they run the same instance, not by its name."""

from __future__ import annotations

import kalog
from kalog.model import replay
from kalog.model.clusters import cluster_hosts
from tests.conftest import LAB, SEED


def _clusters(events):
    timeline = replay(events)
    pairs = [(i.host, i.instance) for i in timeline.instances]
    return cluster_hosts(pairs, events, {}, timeline.peers)


def test_three_lab_hosts_advertising_to_each_other_are_one_cluster() -> None:
    events = kalog.read_events(sorted((LAB / "three-stop").glob("*.log")))
    assert _clusters(events) == {
        ("node-a", "vi_1"): "vi_1",
        ("node-b", "vi_1"): "vi_1",
        ("node-c", "vi_1"): "vi_1",
    }


def test_two_pairs_reusing_one_instance_name_stay_apart() -> None:
    # the seed's 1.2.13 routers (VIP 172.16.173.100) and a 2.2.7 lab pair
    # (VIP 10.1.0.100), all calling their instance vi_1
    files = [*sorted(SEED.glob("ex1-*.log")), *sorted((LAB / "seed-ex1").glob("*.log"))]
    both = kalog.read_events(files, year=2014)
    assert _clusters(both) == {
        ("192_168_173_203", "vi_1"): "vi_1@192_168_173_203",
        ("192_168_173_204", "vi_1"): "vi_1@192_168_173_203",
        ("node-a", "vi_1"): "vi_1@node-a",
        ("node-b", "vi_1"): "vi_1@node-a",
    }


def test_without_any_evidence_all_hosts_of_a_name_are_one_cluster() -> None:
    events = kalog.read_events(sorted(SEED.glob("ex1-*.log")), year=2014)
    events = events[events["kind"] != "garp"]  # drop the only linking lines
    assert set(_clusters(events).values()) == {"vi_1"}
