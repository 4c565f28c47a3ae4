"""gdcourse grade against a dishonest class: every attack of issue 11, graded end to end in one run.

The submissions are tests/grading_attacks.py's notebooks, honest ones beside them, and entries with odd
names (a FIFO, a folder, a link, a hidden file, a name that is not UTF-8, a spreadsheet formula, a file
too large).  One ``gdcourse grade --jobs 2`` run grades them all in sandboxes; the tests then check the
rows, that nothing outside the output changed, that no attack process survived, and that the output
stays as the grader left it.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

import gdcourse
from gdcourse.exercises import EXERCISES
from gdcourse.grading.sandbox import problems
from grading_attacks import ATTACKS, MARKER, POINTS

pytestmark = pytest.mark.grading

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = {name: e.solution for name, e in EXERCISES.items()}
FORMULA = "=cmd|' -C calc'!A0.ipynb"
ODD = {
    b".hidden.ipynb": "hidden",
    b"folder.ipynb": "folder",
    b"fifo.ipynb": "fifo",
    b"link.ipynb": "link",
    b"caf\xe9.ipynb": "latin-1",
    b"huge.ipynb": "huge",
    FORMULA.encode(): "formula",
}


def notebook(*cells) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    return nbformat.writes(nb)


def lookup_table() -> str:
    """What a student can precompute: the answers for the public, fixed inputs, keyed on the gradient."""
    exercise = EXERCISES["momentum_step"]
    table = {}
    for scenario in exercise.scenarios():
        for grad, outputs in zip(scenario.grads, exercise.trajectory(exercise.reference, scenario)):
            key = hashlib.sha256(np.ascontiguousarray(grad, dtype=np.float64).tobytes()).hexdigest()
            table[key] = [o.ravel().tolist() for o in outputs]
    return repr(table)


def tree_state(folder: Path, skip=()) -> dict:
    """path -> (size, mtime, mode) of every file under ``folder`` (content hash for small ones)."""
    state = {}
    if not folder.exists():
        return state
    for path in sorted(folder.rglob("*")):
        if any(part in skip for part in path.parts) or any(path.name.startswith(s) for s in skip):
            continue
        try:
            info = path.lstat()
        except OSError:
            continue
        digest = ""
        if path.is_file() and not path.is_symlink() and info.st_size < 1 << 20:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        state[str(path)] = (info.st_size, info.st_mtime_ns, info.st_mode, digest)
    return state


def watched() -> dict:
    """Everything a submission must not change: the environment, gdcourse's source, HOME's dot-folders."""
    home = Path.home()
    state = {}
    for folder in [Path(p) for p in sorted({sys.prefix, sys.base_prefix})]:
        state.update(tree_state(folder, skip=("__pycache__",)))
    state.update(tree_state(Path(gdcourse.__file__).parent, skip=("__pycache__",)))
    for dot in (".ipython", ".jupyter", ".local/share/jupyter", ".config/ipython"):
        state.update(tree_state(home / dot, skip=("history.sqlite", "runtime", "__pycache__")))
    return state


def attack_processes() -> list:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if MARKER.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(int(pid))
            except OSError:
                pass
    return found


def output_state(out: Path) -> dict:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.parent.rglob("*")) if p.is_file() and p.suffix != ".sqlite"}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    missing = problems()
    if missing:
        if os.environ.get("CI"):
            pytest.fail("the sandbox must work in CI: " + "; ".join(missing))
        pytest.skip("the sandbox cannot run here: " + "; ".join(missing))
    folder = tmp_path_factory.mktemp("submissions")
    imports = "import numpy as np\nimport gdcourse.exercises"
    (folder / "honest.ipynb").write_text(notebook(imports, *SOLUTIONS.values(), "gdcourse.exercises.check('adam_step', adam_step)"))
    eps_inside = SOLUTIONS["adagrad_step"].replace("(np.sqrt(G_new) + eps)", "np.sqrt(G_new + eps)")
    (folder / "partial.ipynb").write_text(notebook(imports, SOLUTIONS["momentum_step"], eps_inside, SOLUTIONS["rmsprop_step"]))
    hang = "def adagrad_step(w, G, grad, eta, eps):\n    while True:\n        pass\n"
    (folder / "hanging.ipynb").write_text(notebook(imports, SOLUTIONS["momentum_step"], "while True:\n    pass", hang, SOLUTIONS["rmsprop_step"]))
    (folder / "crashing.ipynb").write_text(notebook(imports, SOLUTIONS["momentum_step"], "import os\nos._exit(1)", SOLUTIONS["adam_step"]))
    broken = "def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps)\n    return w, m, v\n"
    (folder / "syntax_error.ipynb").write_text(notebook(imports, SOLUTIONS["momentum_step"], SOLUTIONS["rmsprop_step"], broken))
    (folder / "not_a_notebook.ipynb").write_text("this is a PDF that was renamed\n")
    tamper = nbformat.v4.new_notebook()
    tamper.cells = [nbformat.v4.new_code_cell(c) for c in (
        imports,
        "np.allclose = lambda *a, **k: True\nnp.isclose = lambda a, b, *x, **k: np.ones(np.shape(a), bool)\n"
        "np.isfinite = lambda a, *x, **k: np.ones(np.shape(a), bool)\nnp.testing.assert_allclose = lambda *a, **k: None",
        *[f"def {name}(*args):\n    return tuple(np.zeros_like(args[0]) for _ in range({len(e.outputs)}))\n" for name, e in EXERCISES.items()],
    )]
    tamper.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="PASSED adam_step: all tests pass\n")]
    (folder / "tampering.ipynb").write_text(nbformat.writes(tamper))
    stub = "def momentum_step(w, dw, grad, eta, alpha):\n    raise NotImplementedError\n"
    (folder / "friend.ipynb").write_text(notebook(imports, stub))
    for name, cells in ATTACKS.items():
        cells = [c.replace("{TABLE}", lookup_table()) if "{TABLE}" in c else c for c in cells]
        (folder / name).write_text(notebook(*cells))
    raw = os.fsencode(folder)
    os.mkdir(os.path.join(raw, b"folder.ipynb"))
    os.mkfifo(os.path.join(raw, b"fifo.ipynb"))
    os.symlink(folder / "honest.ipynb", os.path.join(raw, b"link.ipynb"))
    for name in (b".hidden.ipynb", b"caf\xe9.ipynb", FORMULA.encode()):
        Path(os.path.join(raw, name).decode("utf-8", "surrogateescape")).write_text(notebook(imports, SOLUTIONS["momentum_step"]))
    with open(os.path.join(raw, b"huge.ipynb"), "wb") as file:  # sparse: 60 MB that take no room
        file.truncate(60 << 20)
    (folder / "notes.txt").write_text("not a notebook: no row\n")

    others = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file() and not p.is_symlink() and p.suffix == ".ipynb" and p.stat().st_size < 1 << 20}
    before = watched()
    out = tmp_path_factory.mktemp("graded") / "grades.csv"
    command = [sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--jobs", "2", "--timeout", "3",
               "--wall-time", "12", "--call-timeout", "1", "--max-memory", "512", "--max-processes", "40",
               "--max-cpu-time", "60", "--max-output", "1", "--max-file-size", "16"]
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    seconds = time.monotonic() - start
    right_after = output_state(out)
    time.sleep(5)
    return {"result": result, "out": out, "folder": folder, "before": before, "after": watched(), "others": others,
            "right_after": right_after, "alive": attack_processes(), "seconds": seconds}


def rows(attacked) -> dict:
    with open(attacked["out"], encoding="utf-8", newline="") as file:
        return {row["submission"]: row for row in csv.DictReader(file)}


def test_the_run_finishes_and_every_entry_has_one_row(attacked):
    result = attacked["result"]
    assert result.returncode == 0, result.stderr[-3000:]
    got = rows(attacked)
    expected = {"honest.ipynb", "partial.ipynb", "friend.ipynb", *ATTACKS, *HONEST_MISTAKES, ".hidden.ipynb", "folder.ipynb", "fifo.ipynb",
                "link.ipynb", "caf\\xe9.ipynb", "huge.ipynb", "'" + FORMULA}
    assert set(got) == expected
    with open(attacked["out"], encoding="utf-8", newline="") as file:
        assert len(list(csv.DictReader(file))) == len(expected)  # exactly one row each


def test_honest_rows_are_exact(attacked):
    got = rows(attacked)
    points = lambda row: [int(row[name]) for name in EXERCISES]  # noqa: E731
    assert points(got["honest.ipynb"]) == [1] * len(EXERCISES) and got["honest.ipynb"]["status"] == "ok"
    assert got["honest.ipynb"]["isolated"] == "yes"
    partial = got["partial.ipynb"]
    assert (partial["momentum_step"], partial["adagrad_step"], partial["rmsprop_step"], partial["adam_step"]) == ("1", "0", "1", "0")
    assert partial["mistakes"] == "adagrad_step:eps-inside" and partial["status"] == "ok"
    assert got[".hidden.ipynb"]["momentum_step"] == "1" and got["caf\\xe9.ipynb"]["momentum_step"] == "1"


HONEST_MISTAKES = {
    # submission: (points per exercise, status)
    "hanging.ipynb": ((1, 0, 1, 0), "timeout"),
    "crashing.ipynb": ((0, 0, 0, 0), "kernel died"),
    "syntax_error.ipynb": ((1, 0, 1, 0), "error"),
    "not_a_notebook.ipynb": ((0, 0, 0, 0), "invalid notebook"),
    "tampering.ipynb": ((0, 0, 0, 0), "ok"),
}


def test_honest_mistakes_are_graded_as_before(attacked):
    got = rows(attacked)
    feedback = attacked["out"].with_name("grades-feedback")
    for name, (points, status) in HONEST_MISTAKES.items():
        assert (tuple(int(got[name][n]) for n in ["momentum_step", "adagrad_step", "rmsprop_step", "adam_step"]), got[name]["status"]) == (points, status), name
    hanging = (feedback / "hanging.ipynb.txt").read_text()
    assert "did not return within 1 s" in hanging and "cell 2 did not finish within 3 s" in hanging
    assert "cell 3 raised SyntaxError" in (feedback / "syntax_error.ipynb.txt").read_text()
    assert "not a readable Jupyter notebook" in (feedback / "not_a_notebook.ipynb.txt").read_text()
    tampering = (feedback / "tampering.ipynb.txt").read_text()
    assert tampering.count("FAILED") == len(EXERCISES) and "w_new is wrong" in tampering  # the whole course: every exercise


def test_every_attack_scores_only_what_it_implemented(attacked):
    got = rows(attacked)
    for name, implemented in POINTS.items():
        row = got[name]
        assert [n for n in EXERCISES if row[n] == "1"] == implemented, (name, row)
        assert int(row["total"]) == len(implemented), name
    assert got["friend.ipynb"]["total"] == "0"


def test_attack_statuses_and_feedback(attacked):
    got = rows(attacked)
    feedback = attacked["out"].with_name("grades-feedback")
    read = lambda name: (feedback / f"{name}.txt").read_text(encoding="utf-8")  # noqa: E731
    status = {name: got[name]["status"] for name in got}
    assert status["memory.ipynb"] == "memory"
    assert status["forks.ipynb"] == "processes"
    assert status["output_flood.ipynb"] == "output"
    assert status["ignores_sigint.ipynb"] == "timeout" and "ignored the interrupt" in read("ignores_sigint.ipynb")
    assert status["slow_cells.ipynb"] == "timeout" and "longer than 12 s in all" in read("slow_cells.ipynb")
    assert status["record_nested.ipynb"] == "invalid result" and "nested more than" in read("record_nested.ipynb")
    assert status["record_huge.ipynb"] == "invalid result" and "larger than" in read("record_huge.ipynb")
    for name in ("borrow_wrapper.ipynb", "borrow_copy.ipynb"):
        assert got[name]["mistakes"].startswith("momentum_step:borrowed"), name
        assert "calls into gdcourse" in read(name)
    assert "adam_step:borrowed" in got["borrow_wrapper.ipynb"]["mistakes"]
    assert "ModuleNotFoundError" in read("borrow_reference.ipynb")
    assert "momentum_step" in read("borrow_subprocess.ipynb") and got["borrow_subprocess.ipynb"]["momentum_step"] == "0"
    assert "fresh inputs" in read("lookup_table.ipynb")
    assert "did not return within 1 s" in read("hostile_objects.ipynb")
    for name, kind in (("folder.ipynb", "a folder"), ("fifo.ipynb", "not a regular file"), ("link.ipynb", "a symbolic link"),
                       ("huge.ipynb", "larger than")):
        assert got[name]["status"] == "invalid notebook" and kind in read(name), name
    assert "review" in read("borrow_copy.ipynb") and "code or builtins surgery" in got["borrow_copy.ipynb"]["review"]


def test_nothing_outside_the_output_changed(attacked):
    before, after = attacked["before"], attacked["after"]
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert changed == []
    folder = attacked["folder"]
    now = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in attacked["others"]}
    assert now == attacked["others"]


def test_no_attack_process_outlives_the_grader(attacked):
    assert attacked["alive"] == []


def test_the_output_stays_as_the_grader_left_it(attacked):
    assert output_state(attacked["out"]) == attacked["right_after"]
    text = attacked["out"].read_text(encoding="utf-8")
    assert "forger.ipynb,4" not in text


def test_no_csv_field_starts_with_a_formula_character(attacked):
    with open(attacked["out"], encoding="utf-8", newline="") as file:
        for row in csv.reader(file):
            for value in row:
                assert value[:1] not in ("=", "+", "-", "@", "\t", "\r"), value


def test_the_report_and_summary_are_written(attacked):
    out = attacked["out"]
    summary = json.loads(out.with_name("grades.json").read_text(encoding="utf-8"))
    assert summary["exercises"] == list(EXERCISES) and summary["isolated"] is True
    assert out.with_name("grades-report.html").exists()
