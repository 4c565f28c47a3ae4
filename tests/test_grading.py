"""gdcourse.grading: student versions without solutions, and a batch grader that cannot be fooled."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gdcourse import grading
from gdcourse.exercises import EXERCISES

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = {name: exercise.solution for name, exercise in EXERCISES.items()}
CHAPTERS_WITH_EXERCISES = ["02_momentum", "03_adagrad", "04_rmsprop", "05_adam"]


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in cells:
        if isinstance(cell, tuple):  # (kind, source, tags)
            kind, source, tags = cell
            new = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
            new.metadata["tags"] = list(tags)
            nb.cells.append(new)
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    return nb


def write(folder: Path, name: str, nb) -> None:
    (folder / name).write_text(nbformat.writes(nb) if not isinstance(nb, str) else nb, encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Seven submissions graded end to end by the command line, as an instructor would."""
    folder = tmp_path_factory.mktemp("submissions")
    imports = "import numpy as np\nimport gdcourse.exercises"
    write(folder, "correct.ipynb", notebook(imports, *SOLUTIONS.values(), "gdcourse.exercises.check('adam_step', adam_step)"))
    eps_inside = SOLUTIONS["adagrad_step"].replace("(np.sqrt(G_new) + eps)", "np.sqrt(G_new + eps)")
    write(folder, "partial.ipynb", notebook(imports, SOLUTIONS["momentum_step"], eps_inside, SOLUTIONS["rmsprop_step"]))
    hang = "def adagrad_step(w, G, grad, eta, eps):\n    while True:\n        pass\n"
    write(folder, "hanging.ipynb", notebook(imports, SOLUTIONS["momentum_step"], "while True:\n    pass", hang, SOLUTIONS["rmsprop_step"], SOLUTIONS["adam_step"]))
    write(folder, "crashing.ipynb", notebook(imports, SOLUTIONS["momentum_step"], "import os\nos._exit(1)", SOLUTIONS["adam_step"]))
    broken = "def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps)\n    return w, m, v\n"
    write(folder, "syntax_error.ipynb", notebook(imports, SOLUTIONS["momentum_step"], SOLUTIONS["adagrad_step"], SOLUTIONS["rmsprop_step"], broken))
    write(folder, "not_a_notebook.ipynb", "this is a PDF that was renamed\n")
    tamper = notebook(
        imports,
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n"
        "np.array_equal = lambda *a, **k: True\nnp.isfinite = lambda a, *x, **k: np.ones(np.shape(a), bool)\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "import gdcourse.exercises.judge as j\nj.close = lambda a, b: True\nj._close_or_both_nan = lambda a, b: True",
        *[
            f"def {name}(*args):\n    w = args[0]\n    return tuple(np.zeros_like(w) for _ in range({len(e.outputs)}))\n"
            for name, e in EXERCISES.items()
        ],
    )
    tamper.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="PASSED adam_step: all tests pass\n")]
    write(folder, "tampering.ipynb", tamper)

    out = folder.parent / "grades.csv"
    result = subprocess.run(
        [sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--timeout", "3", "--call-timeout", "1"],
        capture_output=True, text=True, timeout=600,
    )
    return result, out, folder


PASSED = {  # submission: (the exercises it passes, status); every other column is 0
    "correct.ipynb": (set(EXERCISES), "ok"),
    "crashing.ipynb": (set(), "kernel died"),
    "hanging.ipynb": ({"momentum_step", "rmsprop_step", "adam_step"}, "timeout"),
    "not_a_notebook.ipynb": (set(), "invalid notebook"),
    "partial.ipynb": ({"momentum_step", "rmsprop_step"}, "ok"),
    "syntax_error.ipynb": ({"momentum_step", "adagrad_step", "rmsprop_step"}, "error"),
    "tampering.ipynb": (set(), "ok"),
}
EXPECTED = [(name, *(int(e in passed) for e in EXERCISES), len(passed), status) for name, (passed, status) in PASSED.items()]


def test_grade_writes_the_expected_csv(graded):
    result, out, _ = graded
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == ["submission", *EXERCISES, "total", "status"]  # one column per exercise, in the chapters' order
    assert len(EXERCISES) == 9
    got = [(r["submission"], *(int(r[c]) for c in list(r)[1:-1]), r["status"]) for r in rows]
    assert got == EXPECTED


def test_grade_shows_progress(graded):
    result, _, _ = graded
    assert "[1/7] correct.ipynb ..." in result.stderr
    assert f"[7/7] tampering.ipynb ... 0/{len(EXERCISES)} ok" in result.stderr and "0 left" in result.stderr


def test_feedback_files_carry_the_checkers_messages(graded):
    _, out, _ = graded
    feedback = out.with_name("grades-feedback")
    assert sorted(p.name for p in feedback.iterdir()) == sorted(f"{row[0]}.txt" for row in EXPECTED)
    partial = (feedback / "partial.ipynb.txt").read_text()
    assert "adagrad_step: 0/1 — FAILED adagrad_step: ε is inside the square root" in partial
    assert "adam_step: 0/1 — FAILED adam_step: `adam_step` is not a function: it is not defined in the notebook." in partial
    assert f"Total: 2/{len(EXERCISES)}" in partial
    hanging = (feedback / "hanging.ipynb.txt").read_text()
    assert "did not return within 1 s" in hanging and "cell 2 did not finish within 3 s" in hanging
    assert "cell 4 raised SyntaxError" in (feedback / "syntax_error.ipynb.txt").read_text()
    assert "not a readable Jupyter notebook" in (feedback / "not_a_notebook.ipynb.txt").read_text()


def test_the_grader_never_trusts_the_kernel_or_the_stored_outputs(graded):
    _, out, _ = graded
    tampering = out.with_name("grades-feedback").joinpath("tampering.ipynb.txt").read_text()
    assert tampering.count("FAILED") == len(EXERCISES)
    assert "w_new is wrong" in tampering


def test_the_grader_reads_no_pickle():
    source = Path(grading.__file__).read_text() + Path(grading.harness.__file__).read_text()
    assert "pickle" not in source.replace("nothing it writes is unpickled", "")


def test_an_interrupted_run_leaves_a_complete_csv(tmp_path, monkeypatch):
    for name in ("a.ipynb", "b.ipynb", "c.ipynb"):
        (tmp_path / name).write_text("{}")
    calls = []

    def fake(path, timeout, call_timeout):
        calls.append(path.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return grading.Grade(path.name, points={n: 1 for n in EXERCISES})

    monkeypatch.setattr(grading, "grade_notebook", fake)
    out = tmp_path / "out" / "grades.csv"
    with pytest.raises(KeyboardInterrupt):
        grading.grade(tmp_path, out, progress=open("/dev/null", "w"))
    n = len(EXERCISES)
    assert out.read_text() == f"submission,{','.join(EXERCISES)},total,status\na.ipynb,{'1,' * n}{n},ok\n"
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]


def test_grade_refuses_a_missing_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(tmp_path / "nope")], capture_output=True, text=True)
    assert result.returncode == 2 and "SUBMISSIONS must be a folder" in result.stderr


# ----------------------------------------------------------------------- release


def test_stub_keeps_signature_and_docstring():
    source = 'def adam_step(w, m, v, grad, r,\n              eta, beta1, beta2, eps):\n    """One Adam step."""\n    return w, m, v\n'
    stub = grading._stub(source)
    assert stub.startswith('def adam_step(w, m, v, grad, r,\n              eta, beta1, beta2, eps):\n    """One Adam step."""')
    assert 'raise NotImplementedError("adam_step is not written yet")' in stub and "return" not in stub


def test_release_removes_solutions_and_refuses_untagged_ones(tmp_path):
    nb = notebook(
        ("md", "```{exercise}\n:label: x\nWhat?\n```", []),
        ("md", "```{solution} x\n:class: dropdown\nThis.\n```", ["solution"]),
        ("code", "def f(x):\n    return 42 * x\n", ["solution"]),
        ("code", "print(f)", []),
    )
    (tmp_path / "src").mkdir()
    write(tmp_path / "src", "a.ipynb", nb)
    grading.release(tmp_path / "src", tmp_path / "out")
    student = nbformat.read(tmp_path / "out" / "a.ipynb", as_version=4)
    text = nbformat.writes(student)
    assert "This." not in text and "42 * x" not in text and "{solution" not in text
    assert len(student.cells) == 3 and "raise NotImplementedError" in student.cells[1].source

    leaky = notebook(("md", "```{solution} x\nThe answer.\n```", []))
    write(tmp_path / "src", "b.ipynb", leaky)
    with pytest.raises(ValueError, match="b.ipynb: cell 0 contains a solution directive but is not tagged 'solution'"):
        grading.release(tmp_path / "src", tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_released_book_has_no_solution_code_and_still_runs(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gdcourse", "release", str(ROOT / "book"), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    released = sorted(tmp_path.glob("*.ipynb"))
    assert [p.stem for p in released] == sorted(p.stem for p in (ROOT / "book").glob("*.ipynb"))
    solution_lines = {line.strip() for s in SOLUTIONS.values() for line in s.splitlines()[1:] if line.strip()}
    for path in released:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "solution" not in cell.metadata.get("tags", [])
            assert "{solution" not in cell.source
            assert not solution_lines & {line.strip() for line in cell.source.splitlines()}, path.name
    for stem in CHAPTERS_WITH_EXERCISES:
        nb = nbformat.read(tmp_path / f"{stem}.ipynb", as_version=4)
        name = {"02_momentum": "momentum_step", "03_adagrad": "adagrad_step", "04_rmsprop": "rmsprop_step", "05_adam": "adam_step"}[stem]
        stubs = [c for c in nb.cells if c.cell_type == "code" and f"def {name}(" in c.source]
        assert stubs and "raise NotImplementedError" in stubs[0].source
        # Runs from top to bottom (the exercise's check reports "not written yet" instead of raising).
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "book")}}).execute()
        outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
        assert "is not written yet" in outputs, stem
