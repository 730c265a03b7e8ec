"""Let glibc's malloc reuse the big buffers that reading allocates again and again.

Why: reading a big log allocates the same few buffers of megabytes per
block (the chunk read, its lines, numpy masks over it), thousands of times.
By default glibc serves each from fresh pages - from `mmap`, or from the
heap top it trimmed when the previous one was freed - and the kernel then
faults in and zeroes every page: a third of the reader's time on the
10M-line benchmark file (4 MB block read and sliced: 4.5 ms, 1.3 ms with
the pages reused).  Raising the mmap threshold keeps such buffers on the
heap, and raising the trim threshold keeps the freed ones there for the
next block.  Memory still goes back to the system past `TRIM_BYTES` free at
the heap top, and allocations over `MMAP_BYTES` still get their own
mapping, which is unmapped when freed.

Only the command line calls this (a library must not retune its host's
allocator), before it forks the reading child, which inherits it.  It does
nothing where the C library is not glibc.
"""

from __future__ import annotations

import os

#: Allocations at least this big get their own mapping (glibc's own ceiling
#: for the threshold it adapts by itself).
MMAP_BYTES = 32 << 20
#: Free memory kept at the heap top before it is given back.
TRIM_BYTES = 64 << 20

#: After reading (`settle`): the mmap threshold glibc would start from is
#: 128 KiB; a mebibyte keeps the analysis' many small lists on the heap and
#: still maps its arrays of a million rows of their own.
SETTLED_MMAP_BYTES = 1 << 20
#: After reading: glibc's own default trim threshold.
SETTLED_TRIM_BYTES = 128 << 10

# mallopt parameters, from glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

#: Whether `reuse_big_buffers` tuned this process (only then does `settle` retune it).
_tuned = False


def reuse_big_buffers() -> bool:
    """Tune glibc's malloc as the module says; False where that is not possible."""
    global _tuned
    _tuned = _thresholds(MMAP_BYTES, TRIM_BYTES)
    return _tuned


def settle() -> bool:
    """After reading, let freed memory go back to the system again; False if
    nothing was tuned (a library caller: its allocator is not kalog's).

    Why: the reader repeats the same big buffers per block, which
    `reuse_big_buffers` keeps on the heap.  The analysis does not: it
    allocates per-row arrays and lists once, frees them, and stacks the
    next step's on top, so up to `TRIM_BYTES` of freed heap plus the holes
    below the heap top stayed counted in its peak.  Dense 1M, the analysis
    alone, alternated three times: peak 413-417 MB tuned for reading,
    367 MB settled, 0.1-0.15 s slower (the pages are faulted in again).
    """
    return _tuned and _thresholds(SETTLED_MMAP_BYTES, SETTLED_TRIM_BYTES)


def _thresholds(mmap_bytes: int, trim_bytes: int) -> bool:
    """Set glibc's mmap and trim thresholds; False where that is not possible."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return False
    except (AttributeError, ValueError, OSError):  # not a glibc system
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    # Both are set: setting either one stops glibc adapting the other.
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap_bytes)) and bool(
        mallopt(_M_TRIM_THRESHOLD, trim_bytes)
    )


def give_back() -> None:
    """Return the memory freed so far to the system: Arrow's pool and glibc's heap.

    Why: reading a big log frees more than it keeps (a million lines' envelope
    fields, the times' temporaries), and neither allocator hands freed pages
    back by itself: mimalloc, Arrow's pool, keeps its segments, and glibc
    keeps what lies below the heap top (`TRIM_BYTES` above).  On the dense
    benchmark file ~120 MB of the 490 MB held after reading were such free
    memory, and the analysis then stacks its own on top.  Called by the
    command line between its stages, and by `read_events` after gathering
    each input (dense 1M: peak 633-709 -> 605-617 MB, alternated three
    times); a few milliseconds.  It only returns free memory: nothing of
    the allocators' tuning changes (that stays the command line's,
    `reuse_big_buffers`).
    """
    import sys

    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, ValueError, OSError):  # not glibc: nothing to trim
        return
