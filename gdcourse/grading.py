"""Instructors' tools: student versions of the notebooks, and batch grading of returned notebooks.

``gdcourse release SRC OUT`` — student notebooks without solutions.  The convention (book/AUTHORING.md):
a cell tagged ``solution`` belongs to a solution.  A markdown cell tagged ``solution`` is removed; a code
cell tagged ``solution`` becomes a stub that keeps each function's signature and docstring and raises
``NotImplementedError``.  Everything else is kept, outputs cleared.  A ``{solution}`` directive in an
untagged cell is an error: nothing is written rather than a solution leaked.

``gdcourse grade SUBMISSIONS --out grades.csv`` — every file in SUBMISSIONS gets a row.  A notebook is
executed in a fresh kernel (nbclient), cell by cell with a time limit, its stored outputs ignored.  Then,
for each exercise, the kernel runs the student's function on the grader's inputs through
:mod:`gdcourse.exercises.harness` (sent as source text) and writes the raw results as JSON; this process
reads them and judges them with :mod:`gdcourse.exercises.judge`.  The student's code never runs here, and
nothing it writes is unpickled.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from gdcourse.exercises import EXERCISES, harness
from gdcourse.exercises.judge import CheckResult, judge

__all__ = ["release", "student_version", "grade", "grade_notebook", "write_atomically", "Grade", "COLUMNS"]

SOLUTION_TAG = "solution"
COLUMNS = ["submission", *EXERCISES, "total", "status"]
_TIMEOUT_ERROR = "CellTimeout"


# ---------------------------------------------------------------------------
# release
# ---------------------------------------------------------------------------


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


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would make the CSV private to the grader
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


# ---------------------------------------------------------------------------
# grade
# ---------------------------------------------------------------------------


@dataclass
class Grade:
    """The grade of one submission: points per exercise, status, and the feedback text."""

    submission: str
    points: dict = field(default_factory=lambda: {name: 0 for name in EXERCISES})
    status: str = "ok"
    notes: list = field(default_factory=list)
    results: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def row(self) -> dict:
        return {"submission": self.submission, **self.points, "total": self.total, "status": self.status}

    def feedback(self) -> str:
        lines = [f"Submission: {self.submission}", f"Status: {self.status}"]
        lines += [f"  - {note}" for note in self.notes]
        lines.append("")
        for name in EXERCISES:
            result = self.results.get(name)
            text = str(result) if result is not None else f"FAILED {name}: not graded ({self.status})."
            lines.append(f"{name}: {self.points[name]}/1 — {text}")
        lines += ["", f"Total: {self.total}/{len(EXERCISES)}", ""]
        return "\n".join(lines)


_SEVERITY = ["ok", "error", "timeout", "kernel died", "invalid notebook"]


def _worse(status: str, new: str) -> str:
    return new if _SEVERITY.index(new) > _SEVERITY.index(status) else status


def _harness_cell(name: str, spec_path: Path, out_path: Path) -> str:
    source = inspect.getsource(harness)
    return (
        "def __gdcourse_observe():\n"
        "    import json, os\n"
        "    namespace = {}\n"
        f"    exec(compile({source!r}, '<gdcourse harness>', 'exec'), namespace)\n"
        f"    with open({str(spec_path)!r}, encoding='utf-8') as file:\n"
        "        spec = json.load(file)\n"
        f"    function = globals().get({name!r})\n"
        "    record = namespace['observe'](spec, function) if function is not None else {'problem': 'it is not defined in the notebook'}\n"
        f"    with open({str(out_path) + '.part'!r}, 'w', encoding='utf-8') as file:\n"
        "        json.dump(record, file)\n"
        f"    os.replace({str(out_path) + '.part'!r}, {str(out_path)!r})\n"
        "__gdcourse_observe()\n"
        "del __gdcourse_observe\n"
    )


def _cell_errors(cell) -> list:
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def grade_notebook(path: Path, timeout: float = 60.0, call_timeout: float = 5.0) -> Grade:
    """Grade one submission (any file); never raises for a bad submission."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    grade = Grade(Path(path).name)
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any unreadable file is "invalid notebook"
        grade.status = "invalid notebook"
        grade.notes.append(f"not a readable Jupyter notebook ({type(error).__name__})")
        return grade
    for cell in nb.cells:  # never trust what the student's file claims to have output
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None

    with tempfile.TemporaryDirectory(prefix="gdcourse-grade-") as workdir:
        work = Path(workdir)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_ERROR, "evalue": f"the cell did not finish within {timeout:g} s", "traceback": []},
            resources={"metadata": {"path": workdir}},
        )
        try:
            # The kernel's own log lines would interleave with the progress report: silence them.
            with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                stuck = False
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code":
                        continue
                    client.execute_cell(cell, index)
                    errors = _cell_errors(cell)
                    # Only the grader interrupts the kernel, and only on a timeout.
                    if any(e.get("ename") in (_TIMEOUT_ERROR, "KeyboardInterrupt") for e in errors):
                        grade.status = _worse(grade.status, "timeout")
                        grade.notes.append(f"cell {index} did not finish within {timeout:g} s and was interrupted")
                        stuck = not _responds(client, index)
                    elif errors:
                        grade.status = _worse(grade.status, "error")
                        grade.notes.append(f"cell {index} raised {errors[0].get('ename')}: {errors[0].get('evalue')}")
                    if stuck:
                        grade.notes.append("the kernel did not recover from the interruption; grading stopped")
                        return grade
                for name, exercise in EXERCISES.items():
                    grade.results[name] = _grade_function(client, exercise, work, call_timeout, timeout)
                    if grade.results[name].passed:
                        grade.points[name] = 1
                    elif "did not return within" in grade.results[name].message:
                        grade.status = _worse(grade.status, "timeout")
        except DeadKernelError:
            grade.status = _worse(grade.status, "kernel died")
            grade.notes.append("the kernel died (the notebook exited or crashed Python)")
            grade.points = {name: 0 for name in EXERCISES}
        except CellTimeoutError:
            grade.status = _worse(grade.status, "timeout")
            grade.notes.append(f"a cell did not finish within {timeout:g} s")
    return grade


def _responds(client, index: int) -> bool:
    probe = nbformat.v4.new_code_cell("1")
    saved = client.timeout
    client.timeout = 10
    try:
        client.execute_cell(probe, index)
    finally:
        client.timeout = saved
    return not _cell_errors(probe)


def _grade_function(client, exercise, work: Path, call_timeout: float, timeout: float) -> CheckResult:
    scenarios = exercise.scenarios()
    spec_path, out_path = work / f"{exercise.name}.spec.json", work / f"{exercise.name}.record.json"
    spec_path.write_text(json.dumps(exercise.spec(scenarios, call_timeout)), encoding="utf-8")
    cell = nbformat.v4.new_code_cell(_harness_cell(exercise.name, spec_path, out_path))
    saved = client.timeout
    client.timeout = max(timeout, call_timeout * 2 + 10)  # a hung call is stopped after call_timeout
    try:
        client.execute_cell(cell, 0)
    finally:
        client.timeout = saved
    errors = _cell_errors(cell)
    if errors or not out_path.exists():
        what = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no result"
        return CheckResult(exercise.name, False, f"{exercise.name} could not be run on the tests ({what}).")
    try:
        record = json.loads(out_path.read_text(encoding="utf-8"))
    except ValueError:
        return CheckResult(exercise.name, False, f"{exercise.name}: the results could not be read.")
    if not isinstance(record, dict):
        return CheckResult(exercise.name, False, f"{exercise.name}: the results could not be read.")
    return judge(exercise, scenarios, record, call_timeout)


def _csv_text(grades: list[Grade]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for grade in grades:
        writer.writerow(grade.row())
    return buffer.getvalue()


def grade(submissions: Path, out: Path, timeout: float = 60.0, feedback: Path | None = None, call_timeout: float = 5.0, progress=sys.stderr) -> list[Grade]:
    """Grade every file in ``submissions``; write the CSV ``out`` and one feedback file per submission.

    The CSV is rewritten atomically after every submission, so an interrupted run leaves a complete file
    with the submissions graded so far.  Feedback goes to ``feedback`` (default: ``<out stem>-feedback/``).
    """
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise ValueError(f"SUBMISSIONS must be a folder; got {submissions}")
    feedback = Path(feedback) if feedback else out.with_name(out.stem + "-feedback")
    files = sorted(p for p in submissions.iterdir() if p.is_file() and not p.name.startswith("."))
    grades = []
    for number, path in enumerate(files, start=1):
        start = time.monotonic()
        print(f"[{number}/{len(files)}] {path.name} ...", end="", file=progress, flush=True)
        result = grade_notebook(path, timeout=timeout, call_timeout=call_timeout)
        grades.append(result)
        write_atomically(feedback / f"{path.name}.txt", result.feedback())
        write_atomically(out, _csv_text(grades))
        left = len(files) - number
        print(f" {result.total}/{len(EXERCISES)} {result.status} ({time.monotonic() - start:.1f} s; {left} left)", file=progress, flush=True)
    if not files:
        write_atomically(out, _csv_text(grades))
    return grades
