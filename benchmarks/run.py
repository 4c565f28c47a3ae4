"""Benchmarks: gdcourse against torch.optim, side by side in one process.

    .venv/bin/python benchmarks/run.py                 # everything but the book (about 3 minutes)
    .venv/bin/python benchmarks/run.py --book          # also time the book's build and test command
    .venv/bin/python benchmarks/run.py --write         # and record the table in benchmarks/RESULTS.md
    .venv/bin/python benchmarks/run.py --quick         # tiny sizes: checks that the script runs

torch is optional (`pip install -e ".[torch]"`); without it the torch columns are left out.

Every comparison interleaves its contenders: in each round every contender is timed once, in turn,
so that a change in the machine's load hits all of them alike; the table reports the median over rounds
and the ratio of medians.  Timings are measured here and only here — the tests never assert them.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gdcourse  # noqa: E402
from gdcourse import problems  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - torch is optional
    torch = None

ROWS: list[tuple[str, str, str, str]] = []  # (benchmark, measurement, value, target)


def interleaved(contenders: dict, rounds: int, repeat: int) -> dict:
    """Median seconds per call of each contender; contenders take turns within every round."""
    samples = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(rounds):
        order = names if round_ % 2 == 0 else names[::-1]
        for name in order:
            function = contenders[name]
            start = time.perf_counter()
            for _ in range(repeat):
                function()
            samples[name].append((time.perf_counter() - start) / repeat)
    return {name: statistics.median(values) for name, values in samples.items()}


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def record(benchmark, measurement, value, target=""):
    ROWS.append((benchmark, measurement, value, target))
    print(f"  {measurement:58s} {value:>14s}   {target}", flush=True)


# --------------------------------------------------------------------------- 1, 2: per-step cost

TORCH_NAMES = {"Adam": "Adam", "RMSProp": "RMSprop", "Momentum": "SGD"}
TORCH_KWARGS = {"Adam": {}, "RMSProp": {"alpha": 0.9}, "Momentum": {"momentum": 0.9}}


def gdcourse_stepper(name, n, dtype):
    rng = np.random.default_rng(0)
    w, g = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    opt = getattr(gdcourse, name)(eta=1e-3)
    opt.step(w, g)
    return lambda: opt.step(w, g)


def bare_numpy_stepper(name, n, dtype):
    """The same equations with no checks and no state bookkeeping: the floor for numpy."""
    rng = np.random.default_rng(0)
    w, g = rng.standard_normal(n).astype(dtype), rng.standard_normal(n).astype(dtype)
    state = {"m": np.zeros_like(w), "v": np.zeros_like(w), "r": 0}
    eta, beta1, beta2, eps, gamma, alpha = 1e-3, 0.9, 0.999, 1e-8, 0.9, 0.9

    def adam():
        state["r"] += 1
        r = state["r"]
        state["m"] = beta1 * state["m"] + (1 - beta1) * g
        state["v"] = beta2 * state["v"] + (1 - beta2) * g**2
        m_hat = state["m"] / (1 - beta1**r)
        v_hat = state["v"] / (1 - beta2**r)
        return w - eta / (np.sqrt(v_hat) + eps) * m_hat

    def rmsprop():
        state["v"] = gamma * state["v"] + (1 - gamma) * g**2
        return w - eta / (np.sqrt(state["v"]) + eps) * g

    def momentum():
        state["m"] = alpha * state["m"] - eta * g
        return w + state["m"]

    return {"Adam": adam, "RMSProp": rmsprop, "Momentum": momentum}[name]


def torch_stepper(name, n, dtype, **path):
    tdtype = {np.float64: torch.float64, np.float32: torch.float32}[dtype]
    generator = torch.Generator().manual_seed(0)
    param = torch.nn.Parameter(torch.randn(n, dtype=tdtype, generator=generator))
    param.grad = torch.randn(n, dtype=tdtype, generator=generator)
    opt = getattr(torch.optim, TORCH_NAMES[name])([param], lr=1e-3, **TORCH_KWARGS[name], **path)
    opt.step()
    return opt.step


def per_step(sizes_small, sizes_large, rounds):
    print("\n1. Per-step cost, small problems (float64)")
    for n in sizes_small:
        for name in ("Adam", "RMSProp", "Momentum"):
            contenders = {"gdcourse": gdcourse_stepper(name, n, np.float64), "bare numpy": bare_numpy_stepper(name, n, np.float64)}
            if torch:
                contenders["torch"] = torch_stepper(name, n, np.float64)
            t = interleaved(contenders, rounds, repeat=2000 if n < 100 else 500)
            line = f"gdcourse {fmt(t['gdcourse'])}, bare numpy {fmt(t['bare numpy'])}"
            if torch:
                line += f", torch {fmt(t['torch'])}"
                record("1 small", f"{name}, N = {n}: gdcourse / torch ({line})", f"{t['gdcourse'] / t['torch']:.2f}", "≤ 0.25")
            else:
                record("1 small", f"{name}, N = {n}: {line}", fmt(t["gdcourse"]))

    print("\n2. Per-step cost, large problems (float32)")
    for n in sizes_large:
        for name in ("Adam", "RMSProp", "Momentum"):
            contenders = {"gdcourse": gdcourse_stepper(name, n, np.float32), "bare numpy": bare_numpy_stepper(name, n, np.float32)}
            source = np.ones(n, dtype=np.float32)
            target = np.empty_like(source)
            contenders["copy (bandwidth)"] = lambda: np.copyto(target, source)
            if torch:
                contenders["torch"] = torch_stepper(name, n, np.float32, foreach=False)
                contenders["torch foreach"] = torch_stepper(name, n, np.float32, foreach=True)
                try:
                    contenders["torch fused"] = torch_stepper(name, n, np.float32, fused=True)
                except (TypeError, RuntimeError):  # torch has no fused path for this optimizer on the CPU
                    pass
            t = interleaved(contenders, rounds, repeat=1 if n >= 10**7 else 5)
            detail = ", ".join(f"{k} {fmt(v)}" for k, v in t.items())
            if torch:
                record("2 large", f"{name}, N = {n:.0e}: gdcourse / torch default ({detail})", f"{t['gdcourse'] / t['torch']:.2f}", "≤ 2.0")
                if "torch fused" in t:
                    record("2 large", f"{name}, N = {n:.0e}: gdcourse / torch fused", f"{t['gdcourse'] / t['torch fused']:.2f}", "(report)")
                record("2 large", f"{name}, N = {n:.0e}: gdcourse / numpy copy of the same bytes", f"{t['gdcourse'] / t['copy (bandwidth)']:.1f}", "(report)")
            else:
                record("2 large", f"{name}, N = {n:.0e} ({detail})", fmt(t["gdcourse"]))


# --------------------------------------------------------------------------- 3: sweeps


def sweeps(grid: int, steps: int, rounds: int, torch_points: int):
    print(f"\n3. Sweep: Momentum over a {grid} × {grid} (η, α) grid, {steps} steps, ill-conditioned quadratic")
    q = problems.Quadratic(kappa=10)
    axes = {"eta": np.geomspace(1e-3, 3, grid), "alpha": np.linspace(0, 0.99, grid)}
    t = interleaved({"gdcourse.sweep": lambda: gdcourse.sweep(gdcourse.Momentum, q, q.start, steps, axes)}, rounds, 1)
    record("3 sweep", f"gdcourse.sweep, {grid * grid} runs × {steps} steps", fmt(t["gdcourse.sweep"]), "< 0.2 s" if grid == 100 else "")
    if torch:
        H = torch.tensor(q.H)

        def one_point(eta=0.1, alpha=0.9):
            param = torch.nn.Parameter(torch.tensor(q.start))
            opt = torch.optim.SGD([param], lr=eta, momentum=alpha)
            for _ in range(steps):
                opt.zero_grad()
                loss = 0.5 * param @ H @ param
                loss.backward()
                opt.step()

        per_point = interleaved({"torch": one_point}, max(1, rounds), torch_points)["torch"]
        record("3 sweep", f"torch.optim, one optimizer per grid point: {fmt(per_point)} each, × {grid * grid}", fmt(per_point * grid * grid), "(estimate)")
        record("3 sweep", "torch grid / gdcourse.sweep", f"{per_point * grid * grid / t['gdcourse.sweep']:.0f}×", "")


# --------------------------------------------------------------------------- 4: explorer


def explorer_latency(rounds: int):
    """The explorers now run in the browser: benchmarks/explorer_latency.py measures them on the built site."""
    print("\n4. Explorer: an input event to the redrawn figure, in headless Chromium (benchmarks/explorer_latency.py)")
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("explorer_latency.py")), *(["--quick"] if rounds < 5 else [])],
        capture_output=True, text=True,
    )
    print(result.stdout.rstrip() or f"   skipped: {result.stderr.strip()}")
    for line in result.stdout.splitlines():
        parts = line.split()
        if " ms " in line and line.rstrip().endswith("×"):
            name = line[:62].strip()
            record("4 explorer", f"{name}: input → layout (median)", f"{parts[-5]} ms", "≤ 16 ms")
        elif "(gzip)" in line and "kB" in line:
            record("4 explorer", line[:70].strip(), line[70:].strip(), "≤ 300 kB" if "per page" in line else "")


# --------------------------------------------------------------------------- 5: the book


def book():
    print("\n5. The book")
    env = {**os.environ, "CI": "", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    start = time.perf_counter()
    subprocess.run(["make", "-C", str(ROOT), "site"], check=True, env=env, capture_output=True)
    record("5 book", "clean build, every notebook executed (make site)", fmt(time.perf_counter() - start), "< 60 s")
    start = time.perf_counter()
    subprocess.run(["make", "-C", str(ROOT), "test"], check=True, env=env, capture_output=True)
    record("5 book", "the README's test command (make test: build + all tests)", fmt(time.perf_counter() - start), "< 3 min")


# --------------------------------------------------------------------------- report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = f"Python {platform.python_version()}, numpy {np.__version__}" + (f", torch {torch.__version__}" if torch else ", no torch")
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {versions}"


def write_results(path: Path, notes: str) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {machine()}, by `benchmarks/run.py --book --write`.",
        "Medians over interleaved rounds; ratios are of medians. torch runs single-threaded (`torch.set_num_threads(1)`)",
        "and numpy's BLAS with one thread, as the book's build does.",
        "",
        "| benchmark | measurement | value | target |",
        "|---|---|---|---|",
    ]
    lines += [f"| {b} | {m} | {v} | {t} |" for b, m, v, t in ROWS]
    lines += ["", notes.strip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few rounds: only checks that everything runs")
    parser.add_argument("--book", action="store_true", help="also time `make site` and `make test` (several minutes)")
    parser.add_argument("--write", action="store_true", help="write the table to benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    if args.quick:
        per_step([2], [10**3], rounds=3)
        sweeps(grid=5, steps=20, rounds=2, torch_points=1)
        explorer_latency(rounds=2)
    else:
        per_step([2, 10**3], [10**6, 10**7], rounds=15)
        sweeps(grid=100, steps=500, rounds=7, torch_points=3)
        explorer_latency(rounds=15)
        if args.book:
            book()
    if args.write:
        notes_path = Path(__file__).with_name("NOTES.md")
        write_results(Path(__file__).with_name("RESULTS.md"), notes_path.read_text() if notes_path.exists() else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
