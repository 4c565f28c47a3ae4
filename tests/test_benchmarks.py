"""The benchmark script runs (on tiny sizes); its timings are never asserted here."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_script_runs_on_tiny_sizes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    for section in ("1. Per-step cost, small problems", "2. Per-step cost, large problems", "3. Sweep", "4. Explorer"):
        assert section in result.stdout


def test_mlp_and_schedule_benchmark_runs_on_tiny_sizes():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "mlp_and_schedules.py"), "--quick"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    for section in ("6. The MLP", "7. A schedule"):
        assert section in result.stdout
    assert "DIFFER" not in result.stdout  # gdcourse's and torch's runs of the network agree


@pytest.mark.grading
def test_grading_benchmark_runs_on_one_chapter():
    from gdcourse.grading.sandbox import problems

    if problems():
        pytest.skip("; ".join(problems()))
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "grading.py"), "--quick"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    for line in ("with the sandbox", "without (--no-sandbox)", "ratio", "--jobs 1:", "--jobs 2:", "speed-up of --jobs 2 over --jobs 1"):
        assert line in result.stdout


def test_editions_benchmark_runs_one_round():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "editions.py"), "--rounds", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "one language | both editions | ratio" in result.stdout
    for figure in ("compare", "heatmap", "loss curves"):
        assert figure in result.stdout
