"""Wall time of the clean build of the book (`make site`), phase by phase.

    .venv/bin/python benchmarks/site_build.py [--runs 3] [--sequential]

Each run starts from nothing (no _build folder, no execution cache) and does what `make site` does: every
notebook executed into the jupyter-cache (site/execute.py), then, side by side, the HTML build
(`make book-html`) and the single-page build printed to the PDF (`make book-pdf`).  The script prints the
median of each phase over the runs and the total, against the 60-s budget of issue 10.  With
--sequential it also times the same phases one after the other and prints the ratio of the two totals.

Timings depend on the machine's load (the script prints the load average before each run): the lead
re-runs this on a quiet machine for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 60.0  # seconds, the whole clean build (issue 10)
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # as the Makefile exports


def timed(*command: str) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def make(target: str) -> float:
    return timed("make", "--no-print-directory", target)


def one_build(parallel: bool) -> dict[str, float]:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    times = {}
    start = time.perf_counter()
    times["execute"] = timed(str(ROOT / ".venv" / "bin" / "python"), "site/execute.py")
    if parallel:
        with ThreadPoolExecutor(2) as pool:
            html, pdf = pool.submit(make, "book-html"), pool.submit(make, "book-pdf")
            times["html"], times["single page + PDF"] = html.result(), pdf.result()
    else:
        times["html"] = make("book-html")
        times["single page + PDF"] = make("book-pdf")
    times["total"] = time.perf_counter() - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sequential", action="store_true", help="also time the phases one after the other")
    args = parser.parse_args()
    subprocess.run(["make", "--no-print-directory", "env"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    arrangements = [("side by side (make site)", True)] + ([("one after the other", False)] if args.sequential else [])
    totals = {}
    for name, parallel in arrangements:
        runs = []
        for _ in range(args.runs):
            print(f"  {name}: load average {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
            runs.append(one_build(parallel))
        print(f"\n{name}, median of {args.runs} clean builds:")
        for phase in runs[0]:
            print(f"  {phase:20s} {statistics.median(r[phase] for r in runs):6.1f} s")
        totals[name] = statistics.median(r["total"] for r in runs)
        print(f"  total / budget       {totals[name] / BUDGET:6.2f}  (budget {BUDGET:.0f} s)")
    if len(totals) == 2:
        (_, side_by_side), (_, sequential) = totals.items()
        print(f"\nside by side / one after the other: {side_by_side / sequential:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
