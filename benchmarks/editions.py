"""What the Korean edition costs: figures rendered in two languages, and the clean build of both editions.

    .venv/bin/python benchmarks/editions.py            # figures: one language against two, interleaved
    .venv/bin/python benchmarks/editions.py --build    # also the clean build, phase by phase, and `make site`

Figures: every figure of the book is rendered by the display hook once per edition during the build
(gdcourse/figure_text.py).  Three figures like the chapters' (a comparison on Rosenbrock, a 60 × 60 sweep's
heat map, loss curves) are rendered with GDCOURSE_EDITIONS="en" and "en ko", interleaved, and the medians
and their ratio printed.

Build: the phases of `make site` one after the other (execution, English HTML, Korean HTML, single page,
PDF), then `make site` itself, which runs the single-page and PDF builds on one core and the English and
then the Korean HTML builds on the other.  The target: the clean build of both editions in at most 90 s on the idle machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def figures():
    import matplotlib.pyplot as plt
    import numpy as np

    import gdcourse
    from gdcourse import plotting, problems

    rosenbrock = problems.Rosenbrock()
    runs = {"Momentum": gdcourse.run(gdcourse.Momentum(eta=1e-3, alpha=0.9), rosenbrock, rosenbrock.start, 500),
            "Adam": gdcourse.run(gdcourse.Adam(eta=0.05), rosenbrock, rosenbrock.start, 500)}
    sweep = gdcourse.sweep(gdcourse.Momentum, problems.Quadratic(kappa=10), [-4.5, 1.5], 200,
                           {"eta": np.geomspace(1e-3, 3, 60), "alpha": np.linspace(0, 0.99, 60)})

    def compare():
        return plotting.compare(rosenbrock, runs, alt="Paths and loss curves of momentum and Adam on Rosenbrock's function.")

    def heatmap():
        ax = plotting.heatmap(sweep, alt="Final loss of momentum over a grid of learning rates and momentum coefficients.")
        return ax.figure

    def curves():
        ax = plotting.loss_curves(runs, f_min=0.0, alt="Loss against steps for momentum and Adam on Rosenbrock's function.")
        return ax.figure

    return {"compare": compare, "heatmap": heatmap, "loss curves": curves}, plt


def time_figures(rounds: int) -> None:
    from gdcourse.figure_text import figure_html

    makers, plt = figures()
    times = {(name, editions): [] for name in makers for editions in ("en", "en ko")}
    for _ in range(rounds):
        for name, make in makers.items():
            for editions in ("en", "en ko"):  # interleaved: the machine's load hits both alike
                os.environ["GDCOURSE_EDITIONS"] = editions
                fig = make()
                start = time.perf_counter()
                figure_html(fig)
                times[name, editions].append(time.perf_counter() - start)
                plt.close(fig)
    os.environ.pop("GDCOURSE_EDITIONS", None)
    print(f"figure rendering, median of {rounds} (one language | both editions | ratio)")
    for name in makers:
        one, two = (statistics.median(times[name, e]) for e in ("en", "en ko"))
        print(f"  {name:12s} {one * 1000:7.0f} ms | {two * 1000:7.0f} ms | {two / one:4.2f}")


def timed(label: str, command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"  {label:48s} {seconds:6.1f} s", flush=True)
    return seconds


def time_build() -> None:
    print("clean build, phase by phase (one after the other)")
    subprocess.run(["rm", "-rf", "_build/html", "_build/singlehtml", "_build/.doctrees", "_build/jupyter_execute",
                    "_build/.jupyter_cache", "_build/ko"], cwd=ROOT, check=True)
    phases = [
        ("execution, every output in both languages", [str(BIN / "python"), "site/execute.py"]),
        ("English HTML", [str(BIN / "jupyter-book"), "build", "--all", "-W", "--keep-going", "."]),
        ("Korean HTML", [str(BIN / "python"), "site/build_edition.py", "ko"]),
        ("single-page HTML", [str(BIN / "jupyter-book"), "build", "--builder", "singlehtml", "-W", "--keep-going", "."]),
        ("PDF", [str(BIN / "python"), "site/print_pdf.py"]),
    ]
    total = sum(timed(label, command) for label, command in phases)
    print(f"  {'sum of the phases':48s} {total:6.1f} s")
    wall = timed("make site (the PDF beside the English, then the Korean HTML)", ["make", "site"])
    print(f"  target: the clean build of both editions <= 90 s on the idle machine; measured {wall:.1f} s "
          f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--build", action="store_true", help="also time the clean build of both editions")
    args = parser.parse_args(argv)
    time_figures(args.rounds)
    if args.build:
        time_build()
    return 0


if __name__ == "__main__":
    sys.exit(main())
