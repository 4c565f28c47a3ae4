"""gdcourse.memory: glibc keeps freed memory, so repeated large steps stop page-faulting."""

import os
import subprocess
import sys
import textwrap

import pytest

from gdcourse.memory import keep_freed_memory

PROGRAM = textwrap.dedent(
    """
    import resource
    import numpy as np
    import gdcourse
    w = np.ones(10**6, dtype=np.float32); g = np.full_like(w, 0.5)
    opt = gdcourse.Adam()
    for _ in range(3):
        opt.step(w, g)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        opt.step(w, g)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 10)
    """
)


def faults_per_step(setting: str) -> float:
    env = {**os.environ, "GDCOURSE_KEEP_FREED_MEMORY": setting}
    result = subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, check=True)
    return float(result.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_steps_on_large_arrays_reuse_memory_instead_of_faulting_in_new_pages():
    if not keep_freed_memory():
        pytest.skip("this C library has no mallopt (not glibc)")
    assert faults_per_step("1") < 50  # a 4 MB array is ~1000 pages: no fresh arrays per step


def test_the_setting_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("GDCOURSE_KEEP_FREED_MEMORY", "0")
    assert keep_freed_memory() is False
