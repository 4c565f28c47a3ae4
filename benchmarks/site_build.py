"""Wall time of the clean build of the book (`make site`), phase by phase.

    .venv/bin/python benchmarks/site_build.py [--runs 3] [--sequential]

Each run starts from nothing (no _build folder, no execution cache) and does what `make site` does: every
notebook executed into the jupyter-cache (site/execute.py), then two chains side by side, one per core:
the single-page build printed to the PDF (`make book-pdf`), and the English HTML build followed by the
Korean one (`make book-html`, `make book-ko`).  The script prints the median of each phase over the runs
and when, from the start, the English site, both editions and everything (the PDF too) were ready,
against the budgets of issue 12 (60 s) and issue 14 (90 s for both editions).  With --sequential it also
times the same phases one after the other and prints the ratio of the two totals.

Timings depend on the machine's load (the script prints the load average before each run): the lead
re-runs this on a quiet machine for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 60.0  # seconds, the whole clean build (issue 12)
BOTH_EDITIONS = 90.0  # seconds, the clean build of both editions (issue 14)
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}  # as the Makefile exports
if platform.machine() == "x86_64":
    ENV.setdefault("OPENBLAS_CORETYPE", "Haswell")


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

    def editions():
        times["English HTML"] = make("book-html")
        times["English site ready"] = time.perf_counter() - start
        times["Korean HTML"] = make("book-ko")
        times["both editions ready"] = time.perf_counter() - start

    if parallel:
        with ThreadPoolExecutor(2) as pool:
            pdf, html = pool.submit(make, "book-pdf"), pool.submit(editions)
            times["single page + PDF"] = pdf.result()
            html.result()
    else:
        editions()
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
            print(f"  {phase:22s} {statistics.median(r[phase] for r in runs):6.1f} s")
        totals[name] = statistics.median(r["total"] for r in runs)
        both = statistics.median(r["both editions ready"] for r in runs)
        print(f"  both editions / budget {both / BOTH_EDITIONS:6.2f}  (budget {BOTH_EDITIONS:.0f} s)")
        print(f"  total / budget         {totals[name] / BUDGET:6.2f}  (budget {BUDGET:.0f} s)")
    if len(totals) == 2:
        (_, side_by_side), (_, sequential) = totals.items()
        print(f"\nside by side / one after the other: {side_by_side / sequential:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
