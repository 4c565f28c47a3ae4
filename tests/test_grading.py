"""gdcourse.grading: student versions without solutions, and a batch grader that cannot be fooled."""

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from gdcourse import grading
from gdcourse.exercises import EXERCISES, harness
from gdcourse.grading import files
from gdcourse.grading.sandbox import Limits
from gdcourse.grading.submission import Settings

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


# ------------------------------------------------------------------ untrusted files and fields


def test_read_untrusted_takes_only_small_regular_files(tmp_path):
    (tmp_path / "ok").write_bytes(b"12345")
    assert files.read_untrusted(tmp_path / "ok", 5) == b"12345"
    with pytest.raises(files.UntrustedFile, match="larger than 4 bytes"):
        files.read_untrusted(tmp_path / "ok", 4)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(files.UntrustedFile, match="not a regular file"):
        files.read_untrusted(tmp_path / "fifo", 100)  # returns at once: never opened for a blocking read
    (tmp_path / "link").symlink_to(tmp_path / "ok")
    with pytest.raises(files.UntrustedFile, match="a symbolic link"):
        files.read_untrusted(tmp_path / "link", 100)
    (tmp_path / "folder").mkdir()
    with pytest.raises(files.UntrustedFile, match="a folder"):
        files.read_untrusted(tmp_path / "folder", 100)


def test_loads_untrusted_refuses_deep_nesting_before_parsing():
    assert files.loads_untrusted(b'{"a": [1, 2, {"b": "[[[["}]}') == {"a": [1, 2, {"b": "[[[["}]}
    with pytest.raises(files.UntrustedFile, match="nested more than 64 levels"):
        files.loads_untrusted(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(files.UntrustedFile, match="not JSON"):
        files.loads_untrusted(b"\xff\xfe")


def test_fields_that_spreadsheets_would_run_are_escaped():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert files.spreadsheet_safe(text) == "'" + text
    assert files.spreadsheet_safe("a=1") == "a=1" and files.spreadsheet_safe(3) == "3"


def test_names_that_are_not_utf8_are_escaped():
    assert files.display_name(b"caf\xe9.ipynb") == "caf\\xe9.ipynb"
    assert files.display_name("né\n.ipynb".encode()) == "né\\u000a.ipynb"


def test_settings_and_limits_name_the_bad_value():
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds; got -1"):
        Settings(timeout=-1)
    with pytest.raises(ValueError, match="wall_time must be a positive number of seconds; got nan"):
        Settings(wall_time=float("nan"))
    with pytest.raises(ValueError, match="memory must be an integer >= 67108864; got 1000"):
        Limits(memory=1000)


def test_write_atomically_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out" / "grades.csv"
    files.write_atomically(target, "a,b\n")
    assert target.read_text() == "a,b\n" and oct(target.stat().st_mode & 0o777) != "0o600"
    assert [p.name for p in target.parent.iterdir()] == ["grades.csv"]


# -------------------------------------------------------------------------------- the command


def test_grade_refuses_a_missing_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(tmp_path / "nope")], capture_output=True, text=True)
    assert result.returncode == 2 and "SUBMISSIONS must be a folder" in result.stderr


def test_without_the_sandbox_grade_stops_before_grading_and_says_what_is_missing(tmp_path, monkeypatch, capsys):
    from gdcourse import __main__ as cli
    from gdcourse.grading import sandbox

    monkeypatch.setattr(sandbox, "problems", lambda: ["bubblewrap (`bwrap`) is not installed: install it with `sudo apt-get install bubblewrap` (Debian, Ubuntu)"])
    (tmp_path / "a.ipynb").write_text("{}")
    out = tmp_path / "grades.csv"
    assert cli.main(["grade", str(tmp_path), "--out", str(out)]) == 3
    error = capsys.readouterr().err
    assert "apt-get install bubblewrap" in error and "--no-sandbox" in error and "Nothing was graded" in error
    assert not out.exists()


def test_no_sandbox_says_so_and_marks_every_row(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "a.ipynb", notebook("import numpy as np", SOLUTIONS["momentum_step"]))
    out = tmp_path / "grades.csv"
    result = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--no-sandbox", "--no-report"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "NOT ISOLATED" in result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(r["submission"], r["momentum_step"], r["isolated"]) for r in rows] == [("a.ipynb", "1", "no")]
    assert "not isolated" in (tmp_path / "grades-feedback" / "a.ipynb.txt").read_text()
    assert json.loads((tmp_path / "grades.json").read_text())["isolated"] is False


def test_the_grader_reads_no_pickle():
    package = Path(grading.__file__).parent
    source = "".join(p.read_text() for p in package.glob("*.py")) + Path(harness.__file__).read_text()
    assert "pickle" not in source and "cloudpickle" not in source


# ----------------------------------------------------------------------- release


def test_stub_keeps_signature_and_docstring():
    source = 'def adam_step(w, m, v, grad, r,\n              eta, beta1, beta2, eps):\n    """One Adam step."""\n    return w, m, v\n'
    from gdcourse.grading.release import _stub

    stub = _stub(source)
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


def test_the_instructors_page_documents_every_status_and_flag():
    from gdcourse.__main__ import build_parser
    from gdcourse.grading.messages import STATUSES

    page = (ROOT / "book" / "instructors.md").read_text(encoding="utf-8")
    for status, meaning in STATUSES.items():
        assert f"| `{status}` | " in page, status
    grade_parser = build_parser()._subparsers._group_actions[0].choices["grade"]
    for action in grade_parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert f"`{flag}" in page, flag
    assert "- file: book/instructors" in (ROOT / "_toc.yml").read_text()


@pytest.mark.grading
def test_cpu_time_and_file_size_limits_give_their_status(tmp_path):
    from gdcourse.grading.sandbox import problems

    if problems():
        pytest.skip("; ".join(problems()))
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "burner.ipynb", notebook("import numpy as np", SOLUTIONS["momentum_step"], "import time\nwhile time.process_time() < 30:\n    pass"))
    write(folder, "writer.ipynb", notebook("import numpy as np", SOLUTIONS["momentum_step"], "open('/tmp/big', 'wb').write(b'x' * (3 << 20))"))
    write(folder, "honest.ipynb", notebook("import numpy as np", SOLUTIONS["momentum_step"]))
    out = tmp_path / "grades.csv"
    result = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--no-report", "--jobs", "2",
                             "--max-cpu-time", "3", "--max-file-size", "1", "--timeout", "40"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = {r["submission"]: (r["momentum_step"], r["status"]) for r in csv.DictReader(out.open())}
    assert rows == {"burner.ipynb": ("0", "cpu time"), "writer.ipynb": ("1", "file size"), "honest.ipynb": ("1", "ok")}
    feedback = tmp_path / "grades-feedback"
    assert "more than 3 s of CPU time" in (feedback / "burner.ipynb.txt").read_text()
    assert "File too large" in (feedback / "writer.ipynb.txt").read_text()


def test_statuses_are_documented_in_their_order_of_severity():
    from gdcourse.grading.messages import STATUSES
    from gdcourse.grading.submission import SEVERITY

    assert list(STATUSES) == SEVERITY
    page = (ROOT / "book" / "instructors.md").read_text(encoding="utf-8")
    assert sorted(STATUSES, key=lambda s: page.index(f"| `{s}` | ")) == SEVERITY


@pytest.mark.grading
def test_a_sandbox_dies_with_the_grader_even_while_it_is_being_set_up(tmp_path):
    from gdcourse.grading.sandbox import problems

    if problems():
        pytest.skip("; ".join(problems()))
    marker = f"gdcourse-orphan-{os.getpid()}"
    grader = f"""
import os, sys, time
from gdcourse.grading import sandbox
real = sandbox._read_info
def dying(fd, process):
    info = real(fd, process)
    time.sleep(0.5)  # bubblewrap's child is in its setup now, waiting to be released
    os._exit(0)      # the grader dies before it releases it
sandbox._read_info = dying
view = sandbox.View(read_only=sorted({{os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)}}))
sandbox.Sandbox(sandbox.Limits()).start([sys.executable, "-I", "-S", "-c", "import time; time.sleep(60)  # {marker}"], view)
"""
    subprocess.run([sys.executable, "-c", grader], timeout=60)
    deadline = time.monotonic() + 5
    while (left := subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == []


@pytest.mark.grading
def test_the_guard_alone_ends_the_sandbox_when_its_lifeline_closes():
    # What ends a sandbox whose grader died before bubblewrap's parent-death signal was armed: the grader
    # is alive here, so only the guard can end the program. Twenty descriptors open first, as in a busy
    # grader: a lifeline numbered 10 or more once broke the guard (dash reads no such descriptor).
    from gdcourse.grading import sandbox

    if sandbox.problems():
        pytest.skip("; ".join(sandbox.problems()))
    padding = [os.open(os.devnull, os.O_RDONLY) for _ in range(20)]
    view = sandbox.View(read_only=sorted({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)}))
    try:
        box = sandbox.Sandbox(sandbox.Limits()).start([sys.executable, "-I", "-S", "-c", "import time; time.sleep(60)"], view)
    finally:
        for fd in padding:
            os.close(fd)
    try:
        time.sleep(0.5)
        assert box.process.poll() is None  # the program runs
        os.close(box.lifeline)
        box.lifeline = None
        assert box.process.wait(timeout=10) != 0  # killed by the guard
    finally:
        box.kill()
