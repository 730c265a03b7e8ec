"""Hosts are grouped by the evidence that they run the same instance, not by its name."""

from __future__ import annotations

import pytest

import kalog
from kalog.errors import InputWarning
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
    # the seed's syslog times have no offset, the lab's do: said once, as a warning
    with pytest.warns(InputWarning, match="timestamps without UTC offset read as UTC"):
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


def test_distinct_triples_packed_equal_the_row_wise_unique() -> None:
    """`_distinct` (triples packed into one int64) gives `np.unique(axis=0)`'s
    rows, in that order, also with missing codes and codes too large to pack."""
    import numpy as np

    from kalog.model.clusters import _distinct

    def plain(a, b, c, where):  # noqa: ANN001, ANN202
        if not where.any():
            return []
        stacked = np.stack([a[where], b[where], c[where]], axis=1).astype(np.int64)
        return [tuple(row) for row in np.unique(stacked, axis=0).tolist()]

    rng = np.random.default_rng(7)
    for size, high, dtype in ((5000, 40, np.int8), (5000, 3, np.int16), (3000, 2**30, np.int64)):
        a, b, c = (rng.integers(-1, high, size).astype(dtype) for _ in range(3))
        where = rng.random(size) < 0.5
        got = _distinct(a, b, c, where)
        assert got == plain(a, b, c, where)
        assert all(type(v) is int for row in got for v in row)
    assert _distinct(a, b, c, np.zeros(size, dtype=bool)) == []
