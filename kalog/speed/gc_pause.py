"""Pause the cyclic garbage collector around a bulk computation.

Why: replaying a log and writing its report allocate hundreds of thousands
of small containers (segments, transitions, row tuples) and make no
reference cycles that matter, while the event frame and the analysis keep
millions of objects alive.  Every collection those allocations trigger
walks all of them again: on a dense day of 1M events that was ~1 s of a
~4.7 s replay and half of the JSON writer's time.  Paused, nothing is lost
(reference counting frees what is dropped) and the collector's previous
state is restored.

What the block made and kept is then moved to the collector's oldest
generation without being scanned (`gc.freeze()` then `gc.unfreeze()`, O(1)):
otherwise the first allocation after the pause walks every one of those
young objects (~0.35 s CPU after the replay of a dense day) to find no
garbage.  Nothing is freed or kept differently, and cycles among them are
still found by a full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after if it was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # the block's survivors: to the oldest generation, unscanned
        gc.unfreeze()
        if enabled:
            gc.enable()
