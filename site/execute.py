"""Execute every chapter notebook once, in parallel, into the build's execution cache.

    python site/execute.py [--jobs N]

The book is built with ``execute_notebooks: cache`` (_config.yml): MyST-NB then takes each notebook's
outputs from the jupyter-cache in ``_build/.jupyter_cache`` instead of running it.  This script fills that
cache from scratch — it is deleted first, because the cache keys on the notebooks' code cells only and
would not notice a change to gdcourse — running the notebooks on all cores at once rather than one after
the other.  Every builder of the same build (the HTML site, the single-page HTML printed to PDF, the
Korean edition) then reuses this one execution: the kernels render each output that has words (figures,
the exercise checker's boxes) once per edition (``GDCOURSE_EDITIONS``, gdcourse/i18n.py), and log the
figure texts they translated to ``_build/messages/<notebook>.jsonl`` (``GDCOURSE_MESSAGE_LOG``; ``make
locale`` adds new ones to the figures catalogue).

A notebook that fails stops the build: its traceback is printed and the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
MESSAGES = ROOT / "_build" / "messages"
#: The book's editions, in the order of their variants in an output (gdcourse.i18n.LANGUAGES).
EDITIONS = "en ko"


def toc_notebooks() -> list[Path]:
    """The notebooks listed in _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = []

    def walk(entries):
        for entry in entries:
            if "file" in entry and (ROOT / f"{entry['file']}.ipynb").exists():
                found.append(ROOT / f"{entry['file']}.ipynb")
            walk(entry.get("chapters", []) + entry.get("sections", []))

    walk([{"file": toc["root"]}] + toc.get("parts", []) + toc.get("chapters", []))
    return found


def execute(path: str, timeout: int) -> tuple[str, float, str | None, nbformat.NotebookNode]:
    """Run one notebook in its own folder (as MyST-NB would); return it with its outputs."""
    from jupyter_cache.executors.utils import single_nb_execution

    notebook = nbformat.read(path, as_version=4)
    # the kernel inherits these (one notebook at a time in this worker process)
    os.environ["GDCOURSE_EDITIONS"] = EDITIONS
    os.environ["GDCOURSE_MESSAGE_LOG"] = str(MESSAGES / f"{Path(path).stem}.jsonl")
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False)
    return path, result.time, result.exc_string if result.err is not None else None, notebook


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="notebooks run at once (default: the cores)")
    args = parser.parse_args(argv)

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    timeout = int(config.get("execute", {}).get("timeout", 300))
    if CACHE.exists():
        shutil.rmtree(CACHE)
    if MESSAGES.exists():
        shutil.rmtree(MESSAGES)
    MESSAGES.mkdir(parents=True)
    cache = get_cache(str(CACHE))
    notebooks = toc_notebooks()
    started = time.perf_counter()
    failures = []
    # Longest first, so that no long notebook starts last (size is a fair proxy for run time here).
    order = sorted(notebooks, key=lambda p: p.stat().st_size, reverse=True)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(execute, str(p), timeout) for p in order]
        for future in futures:
            path, seconds, error, notebook = future.result()
            name = Path(path).relative_to(ROOT)
            if error is not None:
                failures.append(f"{name} failed:\n{error}")
                print(f"  FAILED  {name} ({seconds:.1f} s)", flush=True)
                continue
            cache.add_nb_to_project(path)
            cache.cache_notebook_bundle(
                CacheBundleIn(notebook, path, data={"execution_seconds": seconds}), check_validity=False, overwrite=True
            )
            print(f"  {seconds:5.1f} s  {name}", flush=True)
    print(f"executed {len(notebooks)} notebooks in {time.perf_counter() - started:.1f} s with {args.jobs} processes")
    if failures:
        print("\n\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
