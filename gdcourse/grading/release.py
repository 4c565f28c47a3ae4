"""``gdcourse release SRC OUT`` — student notebooks without solutions.

The convention (book/AUTHORING.md): a cell tagged ``solution`` belongs to a solution.  A markdown cell
tagged ``solution`` is removed; a code cell tagged ``solution`` becomes a stub that keeps each function's
signature and docstring and raises ``NotImplementedError``.  Everything else is kept, outputs cleared.  A
``{solution}`` directive in an untagged cell is an error: nothing is written rather than a solution leaked.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat

from gdcourse.grading.files import write_atomically

__all__ = ["release", "student_version", "SOLUTION_TAG"]

SOLUTION_TAG = "solution"


def _stub(source: str) -> str:
    """The student's starting point for a solution code cell: signatures and docstrings, no body."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "# Your code here.\n"
    stubs = []
    lines = source.splitlines()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            header = "\n".join(lines[node.lineno - 1 : node.body[0].lineno - 1]).rstrip()
            docstring = ast.get_docstring(node, clean=False)
            indent = " " * node.body[0].col_offset
            body = f'{indent}"""{docstring}"""\n' if docstring else ""
            body += f"{indent}# Your code here.\n{indent}raise NotImplementedError(\"{node.name} is not written yet\")"
            stubs.append(f"{header}\n{body}\n")
    return "\n\n".join(stubs) if stubs else "# Your code here.\n"


def student_version(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A copy of ``nb`` without its solutions (see the module docstring)."""
    student = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for index, cell in enumerate(student.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags:
            if cell.cell_type == "code":
                cell.source = _stub(cell.source)
                cell.metadata["tags"] = [t for t in tags if t != SOLUTION_TAG]
            else:
                continue
        elif "{solution" in cell.source:
            raise ValueError(
                f"{name}: cell {index} contains a solution directive but is not tagged '{SOLUTION_TAG}'; "
                "tag it so that release can remove it (nothing was written)"
            )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    student.cells = cells
    student.metadata.pop("widgets", None)
    return student


def release(src: Path, out: Path) -> list[Path]:
    """Write the student version of every notebook in ``src`` (a folder or one .ipynb) to ``out``."""
    src, out = Path(src), Path(out)
    sources = sorted(src.glob("*.ipynb")) if src.is_dir() else [src]
    if not sources:
        raise ValueError(f"no notebooks (*.ipynb) in {src}")
    # Transform everything first: one bad notebook writes nothing at all.
    versions = [(path, student_version(nbformat.read(path, as_version=4), path.name)) for path in sources]
    written = []
    for path, nb in versions:
        target = out / path.name
        write_atomically(target, nbformat.writes(nb) + "\n")
        written.append(target)
    return written
