"""``gdcourse release SRC OUT`` — student notebooks without solutions.

The convention (book/AUTHORING.md): a cell tagged ``solution`` belongs to a solution.  A markdown cell
tagged ``solution`` is removed; a code cell tagged ``solution`` becomes a stub that keeps each function's
signature and docstring and raises ``NotImplementedError``.  Everything else is kept, outputs cleared.  A
``{solution}`` directive in an untagged cell is an error: nothing is written rather than a solution leaked.

With ``language="ko"`` (``gdcourse release --language ko``) the markdown cells are translated from the
book's page catalogues (:mod:`gdcourse.grading.translation`) and the notebook is marked with
``metadata.gdcourse.language``, so that gdcourse speaks Korean in it (:mod:`gdcourse.i18n`).
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


def student_version(nb: nbformat.NotebookNode, name: str = "notebook", translations: dict | None = None,
                    language: str = "en") -> nbformat.NotebookNode:
    """A copy of ``nb`` without its solutions (see the module docstring); with ``translations`` (msgid →
    msgstr of its page catalogue), its markdown cells in ``language``."""
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
    if language != "en":
        from gdcourse.grading.translation import translate_notebook

        translate_notebook(student, translations or {})
        student.metadata.setdefault("gdcourse", {})["language"] = language
    return student


def page_catalogue(path: Path, language: str, locale_dir: Path | None = None) -> dict:
    """msgid → msgstr of the page catalogue of the notebook ``path`` (``locale/<language>/LC_MESSAGES/
    <page>.po``, the page named relative to the folder that holds ``locale/``)."""
    from gdcourse.grading.translation import find_locale_dir, read_catalogue

    path = Path(path).resolve()
    locale_dir = Path(locale_dir).resolve() if locale_dir is not None else find_locale_dir(path.parent)
    if locale_dir is None or not (locale_dir / language).is_dir():
        raise ValueError(f"no catalogues for language {language!r}: expected a folder locale/{language}/ next to the book "
                         "(or pass --locale-dir); nothing was written")
    try:
        page = path.relative_to(locale_dir.parent).with_suffix("")
    except ValueError:
        page = Path(path.stem)
    catalogue = locale_dir / language / "LC_MESSAGES" / f"{page.as_posix()}.po"
    if not catalogue.exists():
        raise ValueError(f"{path.name}: no catalogue {catalogue} (run `make locale`); nothing was written")
    return read_catalogue(catalogue)


def release(src: Path, out: Path, language: str = "en", locale_dir: Path | None = None) -> list[Path]:
    """Write the student version of every notebook in ``src`` (a folder or one .ipynb) to ``out``, with
    its markdown in ``language`` ("en", or "ko" from the catalogues in ``locale_dir``, by default the
    ``locale/`` folder beside the book)."""
    from gdcourse.i18n import _check

    src, out, language = Path(src), Path(out), _check(language)
    sources = sorted(src.glob("*.ipynb")) if src.is_dir() else [src]
    if not sources:
        raise ValueError(f"no notebooks (*.ipynb) in {src}")

    def version(path: Path):
        translations = page_catalogue(path, language, locale_dir) if language != "en" else None
        return student_version(nbformat.read(path, as_version=4), path.name, translations, language)

    # Transform everything first: one bad notebook writes nothing at all.
    versions = [(path, version(path)) for path in sources]
    written = []
    for path, nb in versions:
        target = out / path.name
        write_atomically(target, nbformat.writes(nb) + "\n")
        written.append(target)
    return written
