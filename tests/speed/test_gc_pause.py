"""kalog.speed.gc_pause: the collector is paused in the block and restored after it,
and what the block kept is moved to the oldest generation."""

from __future__ import annotations

import gc

import pytest

from kalog.speed.gc_pause import gc_paused


@pytest.mark.parametrize("enabled", [True, False])
def test_collector_state_is_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_survivors_are_promoted_unscanned_and_nothing_is_lost() -> None:
    with gc_paused():
        kept = [[n] for n in range(1000)]
        cycle: list[object] = []
        cycle.append(cycle)
    young = {id(o) for o in gc.get_objects(generation=0)} | {
        id(o) for o in gc.get_objects(generation=1)
    }
    assert not any(id(item) in young for item in kept)
    assert any(o is kept for o in gc.get_objects(generation=2))
    assert [item[0] for item in kept] == list(range(1000))
    del cycle
    assert gc.collect() >= 1  # a full collection still finds the block's cycles
