"""Keep freed memory in the process, so that numpy's large temporaries cost no page faults.

Every numpy expression returns a new array, and every optimizer step builds new weights and a new state
from such arrays.  glibc's ``malloc`` hands large blocks back to the kernel as soon as they are freed —
blocks above its mmap threshold are unmapped, and the top of the heap is trimmed — so the next step's
arrays land on fresh pages, and every 4 KiB page faults when first written.  On the development machine
that was about 4 850 page faults, 21 ms of a 29 ms Adam step at N = 10⁶ (float32); with freed memory kept
for reuse the same step takes 7.4 ms, and a 100 × 100 sweep runs twice as fast (benchmarks/RESULTS.md).

:func:`keep_freed_memory` raises glibc's mmap and trim thresholds.  ``import gdcourse`` calls it; it
changes a setting of the whole process (memory that was freed stays with the process instead of returning
to the system), on Linux with glibc only, and does nothing elsewhere.  Set the environment variable
``GDCOURSE_KEEP_FREED_MEMORY=0`` before importing gdcourse to leave ``malloc`` as it is.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["keep_freed_memory"]

# mallopt parameters, from glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

_MMAP_THRESHOLD = 512 * 2**20  # blocks up to 512 MiB come from the heap and can be reused
_TRIM_THRESHOLD = 2**30  # free memory at the top of the heap is returned only above 1 GiB


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory for reuse; True if the setting was applied."""
    if os.environ.get("GDCOURSE_KEEP_FREED_MEMORY", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
