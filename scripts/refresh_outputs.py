"""Execute chapter notebooks and keep only the outputs that the tests check.

    .venv/bin/python scripts/refresh_outputs.py book/02_momentum.ipynb [more.ipynb ...]

A notebook is committed without outputs, except the small text outputs of cells tagged
``nbval-check-output`` (``pytest --nbval-lax`` compares those).  This script runs each notebook in a
fresh kernel, from the notebook's folder as Jupyter Book and nbval do, then keeps the stdout and the
``text/plain`` result of the checked cells, and drops everything else: other outputs, images, execution
counts, saved widget state.  It writes a file only when the notebook ran without error, and writes it
atomically.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gdcourse.grading import write_atomically

CHECKED = "nbval-check-output"  # nbval's cell tag


def checked_outputs(cell) -> list:
    kept = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            kept.append(output)
        elif output.output_type == "execute_result" and "text/plain" in output.data:
            kept.append(nbformat.v4.new_output("execute_result", data={"text/plain": output.data["text/plain"]}))
    return kept


def strip(nb):
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        checked = CHECKED in cell.metadata.get("tags", [])
        cell.outputs = checked_outputs(cell) if checked else []
        # nbval refuses a checked cell with outputs but no execution count ("unrun reference cell").
        if not checked:
            cell.execution_count = None
        for output in cell.outputs:
            if "execution_count" in output:
                output.execution_count = cell.execution_count
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def refresh(path: Path, timeout: int) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    strip(nb)
    write_atomically(path, nbformat.writes(nb) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"refreshing {path} ...", flush=True)
        refresh(path, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
