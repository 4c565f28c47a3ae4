"""Benchmarks of ``gdcourse grade``, measured side by side (the lead re-runs them quietly for RESULTS.md).

Each run grades the assignment made of the chapters' exercises (``exercises=``), and each notebook must
get every exercise of its own chapter right.

1. Sandbox overhead: the four chapter notebooks with exercises, graded with the sandbox and with
   ``--no-sandbox``, alternately, ``--repeat`` times; the median wall time per submission of each, and
   their ratio (target: at most 1.20).
2. Throughput: ``--copies`` × 4 chapter notebooks (40 by default) graded with ``--jobs 1`` and with
   ``--jobs 2``; submissions per minute, seconds per submission, and the speed-up (target: at least 1.7
   on a 2-core machine).

    .venv/bin/python benchmarks/grading.py [--repeat 3] [--copies 10] [--skip-throughput]
    .venv/bin/python benchmarks/grading.py --quick      # one chapter, a few gradings: checks the script runs
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdcourse.grading import Settings, grade  # noqa: E402

#: The chapter notebooks graded, and the exercises whose checker each one runs.
CHAPTERS = {
    "02_momentum": ["momentum_step", "nesterov_step"],
    "03_adagrad": ["adagrad_step"],
    "04_rmsprop": ["rmsprop_step"],
    "05_adam": ["adam_step"],
}


def _folder(copies: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="gdcourse-bench-"))
    for copy in range(copies):
        for chapter in CHAPTERS:
            shutil.copy(ROOT / "book" / f"{chapter}.ipynb", folder / f"{chapter}-{copy:02d}.ipynb")
    return folder


def _run(folder: Path, jobs: int, isolated: bool) -> tuple[float, list]:
    with tempfile.TemporaryDirectory(prefix="gdcourse-bench-out-") as out:
        start = time.perf_counter()
        grades = grade(folder, Path(out) / "grades.csv", jobs=jobs, settings=Settings(isolated=isolated), progress=None, report=False,
                       exercises=[name for names in CHAPTERS.values() for name in names])
        seconds = time.perf_counter() - start
    chapter = lambda g: g.submission.rsplit("-", 1)[0]  # noqa: E731 - "02_momentum-00.ipynb" is a copy of 02_momentum
    bad = [g.submission for g in grades if g.status != "ok" or [n for n, p in g.points.items() if p] != CHAPTERS[chapter(g)]]
    if bad:
        raise SystemExit(f"unexpected grades for {bad}")
    return seconds, [g.seconds for g in grades]


def overhead(repeat: int) -> None:
    folder = _folder(1)
    sandboxed, plain = [], []
    _run(folder, 1, True)  # warm the caches (page cache, matplotlib's font list) for both
    for _ in range(repeat):
        sandboxed += _run(folder, 1, True)[1]
        plain += _run(folder, 1, False)[1]
    shutil.rmtree(folder)
    a, b = statistics.median(sandboxed), statistics.median(plain)
    print("sandbox overhead per chapter notebook (median of %d gradings each, --jobs 1)" % len(sandboxed))
    print(f"  with the sandbox      {a:6.2f} s")
    print(f"  without (--no-sandbox) {b:5.2f} s")
    print(f"  ratio                 {a / b:6.3f}  (target <= 1.20)")


def throughput(copies: int) -> None:
    folder = _folder(copies)
    n = copies * len(CHAPTERS)
    results = {}
    for jobs in (1, 2):
        seconds, each = _run(folder, jobs, True)
        results[jobs] = seconds
        print(f"--jobs {jobs}: {n} chapter notebooks in {seconds:6.1f} s = {n / seconds * 60:5.1f} per minute; "
              f"{seconds / n:.2f} s per submission (median time in its sandbox {statistics.median(each):.2f} s)")
    shutil.rmtree(folder)
    print(f"  speed-up of --jobs 2 over --jobs 1: {results[1] / results[2]:.2f}x  (target >= 1.7)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--quick", action="store_true", help="one chapter, one repetition, two copies")
    args = parser.parse_args()
    if args.quick:
        for chapter in list(CHAPTERS)[1:]:
            del CHAPTERS[chapter]
        args.repeat, args.copies = 1, 2
    overhead(args.repeat)
    if not args.skip_throughput:
        throughput(args.copies)


if __name__ == "__main__":
    main()
