"""Grading a whole class: --jobs, resuming after kill -9, Dask, the class report, gradebook exports."""

from __future__ import annotations

import csv
import json
import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import nbformat
import pytest

from gdcourse.exercises import EXERCISES
from gdcourse.grading import Settings, grade
from gdcourse.grading.lms import export
from gdcourse.grading.report import load, statistics
from gdcourse.grading.sandbox import problems

pytestmark = pytest.mark.grading

SOLUTIONS = {name: e.solution for name, e in EXERCISES.items()}
IMPORTS = "import numpy as np"
BUGS = {  # a class's typical mistakes, written as a student would
    "no-bias": SOLUTIONS["adam_step"].replace("m_hat = m_new / (1 - beta1**r)", "m_hat = m_new").replace("v_hat = v_new / (1 - beta2**r)", "v_hat = v_new"),
    "eps-inside": SOLUTIONS["adagrad_step"].replace("(np.sqrt(G_new) + eps)", "np.sqrt(G_new + eps)"),
    "momentum-sign": SOLUTIONS["momentum_step"].replace("- eta * grad", "+ eta * grad"),
}
FAST = ["--timeout", "5", "--call-timeout", "1", "--no-report"]
#: The class below is graded on the lecture notes' four exercises, as an assignment of its own.
NOTES = ["momentum_step", "adagrad_step", "rmsprop_step", "adam_step"]
ASSIGNMENT = ["--exercises", ",".join(NOTES)]


def notebook(*cells) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb)


def make_class(folder: Path, slow: int = 0, fast: bool = True) -> list:
    """Eight submissions with overlapping mistakes (without ``fast``, none) and ``slow`` more that take a
    few seconds each."""
    folder.mkdir(parents=True, exist_ok=True)
    s, b = SOLUTIONS, BUGS
    students = {
        "s01.ipynb": [s["momentum_step"], s["adagrad_step"], s["rmsprop_step"], s["adam_step"]],
        "s02.ipynb": [s["momentum_step"], b["eps-inside"], s["rmsprop_step"], b["no-bias"]],
        "s03.ipynb": [b["momentum-sign"], b["eps-inside"], s["rmsprop_step"], b["no-bias"]],
        "s04.ipynb": [b["momentum-sign"], s["adagrad_step"], b["no-bias"]],
        "s05.ipynb": [s["momentum_step"], b["eps-inside"], "raise ValueError('oops')", b["no-bias"]],
        "s06.ipynb": [s["momentum_step"]],
        "s07.ipynb": [b["momentum-sign"], b["eps-inside"]],
        "s08.ipynb": [s["momentum_step"], s["adagrad_step"], s["rmsprop_step"], s["adam_step"]],
    }
    if not fast:
        students = {}
    for i in range(slow):
        students[f"t{i:02d}.ipynb"] = [s["momentum_step"], "import time\ntime.sleep(1.5)", s["adam_step"]]
    for name, cells in students.items():
        (folder / name).write_text(notebook(IMPORTS, *cells))
    return sorted(students)


def run(folder: Path, out: Path, *options, **popen) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), *FAST, *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **popen)


def csv_rows(path: Path) -> list:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture(scope="module")
def sandbox_available():
    missing = problems()
    if missing:
        if os.environ.get("CI"):
            pytest.fail("the sandbox must work in CI: " + "; ".join(missing))
        pytest.skip("; ".join(missing))


@pytest.fixture(scope="module")
def one_job(tmp_path_factory, sandbox_available):
    folder = tmp_path_factory.mktemp("class")
    names = make_class(folder)
    out = tmp_path_factory.mktemp("jobs1") / "grades.csv"
    result = run(folder, out, "--jobs", "1", *ASSIGNMENT)
    assert result.returncode == 0, result.stderr
    return folder, out, names, result


def comparable(rows: list) -> list:
    return [{k: v for k, v in row.items()} for row in rows]


def test_jobs_2_gives_the_same_csv_as_jobs_1(one_job, tmp_path):
    folder, out1, names, result1 = one_job
    out2 = tmp_path / "grades.csv"
    result2 = run(folder, out2, "--jobs", "2", *ASSIGNMENT)
    assert result2.returncode == 0, result2.stderr
    assert out2.read_text() == out1.read_text()
    assert [r["submission"] for r in csv_rows(out1)] == names
    assert list(csv_rows(out1)[0])[1:6] == [*NOTES, "total"]
    # both runs report progress as plain lines (stderr is not a terminal): done/total, rate, time left
    assert re.search(r"\[8/8\] \S+: \d/4 \w+ \(\d+\.\d s; \d+\.\d/min, 0:00 left\)", result2.stderr), result2.stderr


def test_the_class_is_graded_as_written(one_job):
    _, out, _, _ = one_job
    rows = {r["submission"]: r for r in csv_rows(out)}
    assert rows["s01.ipynb"]["total"] == "4" and rows["s08.ipynb"]["total"] == "4"
    assert rows["s03.ipynb"]["mistakes"] == "momentum_step:sign;adagrad_step:eps-inside;adam_step:no-bias-correction"
    assert rows["s05.ipynb"]["status"] == "error"


def test_a_second_run_regrades_nothing(one_job):
    folder, out, names, _ = one_job
    before = out.read_text()
    result = run(folder, out, "--jobs", "2", *ASSIGNMENT)
    assert result.returncode == 0, result.stderr
    assert f"{len(names)} of {len(names)} already graded" in result.stderr
    assert not re.search(r"\[\d+/\d+\]", result.stderr)  # no row graded
    assert out.read_text() == before


def test_a_changed_notebook_alone_is_regraded(one_job, tmp_path):
    folder, out, names, _ = one_job
    copy_folder, copy_out = tmp_path / "class", tmp_path / "grades.csv"
    copy_folder.mkdir()
    for name in names:
        (copy_folder / name).write_bytes((folder / name).read_bytes())
    for suffix in (".csv", ".sqlite", ".json"):
        (tmp_path / f"grades{suffix}").write_bytes(out.with_suffix(suffix).read_bytes())
    (copy_folder / "s06.ipynb").write_text(notebook(IMPORTS, *SOLUTIONS.values()))
    result = run(copy_folder, copy_out, "--jobs", "1", *ASSIGNMENT)
    assert "7 of 8 already graded" in result.stderr and "[8/8] s06.ipynb: 4/4 ok" in result.stderr
    rows = {r["submission"]: r["total"] for r in csv_rows(copy_out)}
    assert rows["s06.ipynb"] == "4" and rows["s03.ipynb"] == "1"


def test_kill_9_midway_loses_no_row_and_grades_nothing_twice(tmp_path, sandbox_available):
    folder = tmp_path / "class"
    names = make_class(folder, slow=6)
    out = tmp_path / "out" / "grades.csv"
    command = [sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), *FAST, "--jobs", "1"]
    private = tmp_path / "tmp"  # the sandboxes' folders, so that this test finds its own
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private)}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if out.exists() and len(csv_rows(out)) >= 9:  # the slow ones are being graded
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    before = csv_rows(out)
    assert 9 <= len(before) < len(names)
    assert all(row["status"] and row["total"].isdigit() for row in before)  # every row it holds is complete
    deadline = time.monotonic() + 5  # bubblewrap ends each sandbox when its parent dies
    while (left := subprocess.run(["pgrep", "-f", str(private)], capture_output=True, text=True).stdout.split()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        survivors = subprocess.run(["ps", "-o", "pid,ppid,stat,etime,args", "-p", ",".join(left)], capture_output=True, text=True).stdout
        pytest.fail(f"a sandbox outlived the killed grader by 5 s:\n{survivors}")

    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    skipped = int(re.search(r"(\d+) of 14 already graded", result.stderr).group(1))
    assert skipped in (len(before), len(before) + 1)  # + 1: killed between the journal's commit and the CSV
    regraded = re.findall(r"\[\d+/\d+\] (\S+):", result.stderr)
    assert len(regraded) == len(set(regraded)) == len(names) - skipped  # the rest, each once
    assert not set(regraded) & {r["submission"] for r in before}
    after = csv_rows(out)
    assert [r["submission"] for r in after] == names
    assert [r for r in after if r["submission"] in {b["submission"] for b in before}] == before


def test_ctrl_c_stops_at_once_and_keeps_the_finished_rows(tmp_path, sandbox_available):
    folder = tmp_path / "class"
    names = make_class(folder, slow=4, fast=False)
    out = tmp_path / "grades.csv"
    command = [sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), *FAST, "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (out.exists() and csv_rows(out)):
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, error = process.communicate(timeout=60)
    assert process.returncode == 130 and time.monotonic() - start < 10
    assert "interrupted. Every finished row is in" in error and "Traceback" not in error
    rows = csv_rows(out)
    assert 1 <= len(rows) < len(names) and all(r["total"] == "2" for r in rows)


# ---------------------------------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster(sandbox_available):
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1, "distributed.worker.daemon": False}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
            with Client(local) as client:
                yield client


def test_dask_gives_the_local_csv_row_for_row(one_job, cluster, tmp_path):
    folder, out_local, _, _ = one_job
    out = tmp_path / "grades.csv"
    grade(folder, out, scheduler=cluster, settings=Settings(timeout=5, call_timeout=1), progress=None, report=False, exercises=NOTES)
    assert csv_rows(out) == csv_rows(out_local)


def test_a_worker_killed_mid_submission_loses_no_row(cluster, tmp_path):
    folder = tmp_path / "class"
    names = make_class(folder, slow=4, fast=False)
    out = tmp_path / "grades.csv"
    pids = cluster.run(os.getpid)
    killed = []

    def kill_one_busy_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for address, keys in cluster.processing().items():
                if keys and address in pids:
                    os.kill(pids[address], signal.SIGKILL)
                    killed.append(address)
                    return
            time.sleep(0.2)

    killer = threading.Thread(target=kill_one_busy_worker)
    killer.start()
    grade(folder, out, scheduler=cluster, settings=Settings(timeout=5, call_timeout=1), progress=None, report=False)
    killer.join()
    assert killed, "no worker was busy"
    rows = csv_rows(out)
    assert [r["submission"] for r in rows] == names
    assert all(r["status"] != "worker lost" for r in rows)
    assert {r["submission"]: r["total"] for r in rows if r["submission"].startswith("t")} == {n: "2" for n in names if n.startswith("t")}


def test_a_submission_whose_worker_dies_twice_is_worker_lost(cluster, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "lost.ipynb").write_text(notebook(IMPORTS, SOLUTIONS["momentum_step"], "import time\ntime.sleep(4)"))
    out = tmp_path / "grades.csv"
    kills = []

    def kill_whoever_grades_it():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(kills) < 2:
            for address, keys in cluster.processing().items():
                if keys and address not in kills:
                    try:
                        pid = cluster.run(os.getpid, workers=[address])[address]
                    except Exception:  # noqa: BLE001 - it is restarting
                        continue
                    time.sleep(1)  # mid-submission: its sandbox is running the notebook
                    os.kill(pid, signal.SIGKILL)
                    kills.append(address)
            time.sleep(0.2)

    killer = threading.Thread(target=kill_whoever_grades_it)
    killer.start()
    grade(folder, out, scheduler=cluster, settings=Settings(timeout=10, call_timeout=1), progress=None, report=False)
    killer.join()
    assert len(kills) == 2
    rows = csv_rows(out)
    assert [(r["submission"], r["status"], r["total"]) for r in rows] == [("lost.ipynb", "worker lost", "0")]
    assert "died twice" in (tmp_path / "grades-feedback" / "lost.ipynb.txt").read_text()


# -------------------------------------------------------------------------------- the report


def independent_counts(path: Path) -> dict:
    rows = csv_rows(path)
    mistakes = Counter()
    pairs = Counter()
    for row in rows:
        codes = sorted(c for c in row["mistakes"].split(";") if c)
        mistakes.update(codes)
        pairs.update(combinations(codes, 2))
    return {"count": len(rows), "mistakes": mistakes, "pairs": {p: n for p, n in pairs.items() if n >= 2},
            "statuses": Counter(r["status"] for r in rows), "passed": {n: sum(r[n] == "1" for r in rows) for n in NOTES},
            "totals": Counter(int(r["total"]) for r in rows)}


def test_the_reports_numbers_are_the_csvs(one_job, tmp_path):
    _, out, _, _ = one_job
    page = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "gdcourse", "report", str(out), "--out", str(page)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    counts = independent_counts(out)
    stats = statistics(load(out))
    assert stats["count"] == counts["count"] == 8
    assert dict(stats["mistakes"]) == dict(counts["mistakes"])
    assert {(a, b): n for a, b, n in stats["pairs"]} == counts["pairs"]
    assert dict(stats["statuses"]) == dict(counts["statuses"])
    assert stats["passed"] == counts["passed"]
    assert {k: v for k, v in stats["totals"].items() if v} == dict(counts["totals"])
    text = html.unescape(page.read_text(encoding="utf-8"))
    # "bias correction missing: 4 of 8 submissions, 50 %", with the catalogue's message
    n = counts["mistakes"]["adam_step:no-bias-correction"]
    assert n == 4 and f": {n} of 8 submissions, {round(100 * n / 8)} %" in text
    assert "The bias correction is missing" in text
    assert "adagrad_step:eps-inside and adam_step:no-bias-correction: 3 submissions" in text
    assert text.count('alt="') == 3 and "http" not in text.replace("http-equiv", "")  # offline: nothing fetched
    feedback_links = re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8"))
    assert len(feedback_links) == 8 and all((page.parent / link).resolve().exists() for link in [l.replace("%20", " ") for l in feedback_links])


def test_grade_writes_the_report_beside_the_csv(one_job, tmp_path):
    folder, graded, _, _ = one_job
    out = tmp_path / "grades.csv"
    for suffix in (".sqlite", ".json"):  # resumes: nothing is regraded, the report is still written
        out.with_suffix(suffix).write_bytes(graded.with_suffix(suffix).read_bytes())
    result = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--timeout", "5", "--call-timeout", "1",
                             *ASSIGNMENT], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "8 of 8 already graded" in result.stderr
    assert "Class report: 8 submissions" in (tmp_path / "grades-report.html").read_text()


# ----------------------------------------------------------------------------------------- LMS


def test_canvas_and_moodle_gradebooks(one_job, tmp_path):
    _, out, names, _ = one_job
    roster = tmp_path / "roster.csv"
    roster.write_text("submission,Student,ID,SIS User ID,SIS Login ID,Section,Email address\n"
                      "s01.ipynb,Kim Minji,101,2026001,mkim,A,mkim@example.edu\n")
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    assert export(out, canvas, "canvas", points=10, roster=roster) == 8
    rows = list(csv.reader(canvas.open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "gdcourse coding exercises"]
    assert rows[1] == ["Points Possible", "", "", "", "", "10"]
    assert rows[2] == ["Kim Minji", "101", "2026001", "mkim", "A", "10"]
    assert rows[3] == ["s02", "", "", "s02", "", "5"]
    result = subprocess.run([sys.executable, "-m", "gdcourse", "export", str(out), "--format", "moodle", "--out", str(moodle), "--roster", str(roster)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(moodle.open()))
    assert rows[0] == ["Username", "Email address", "ID number", "gdcourse coding exercises", "gdcourse coding exercises - Feedback"]
    assert rows[1] == ["", "mkim@example.edu", "", "4", "4/4; status ok"]
    assert rows[2][0] == "s02" and rows[2][3] == "2"


# ----------------------------------------------------------------------------------- assignments


def test_exercises_make_an_assignment_of_its_own_columns_totals_export_and_journal(sandbox_available, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "both.ipynb").write_text(notebook(IMPORTS, SOLUTIONS["momentum_step"], SOLUTIONS["nesterov_step"], SOLUTIONS["adam_step"]))
    (folder / "one.ipynb").write_text(notebook(IMPORTS, BUGS["momentum-sign"], SOLUTIONS["nesterov_step"]))
    out = tmp_path / "ch2.csv"
    chapter_2 = ["--exercises", "nesterov_step,momentum_step"]  # in any order: the columns follow the chapters
    result = run(folder, out, "--jobs", "2", *chapter_2)
    assert result.returncode == 0, result.stderr
    rows = csv_rows(out)
    assert list(rows[0]) == ["submission", "momentum_step", "nesterov_step", "total", "status", "mistakes", "isolated", "review", "feedback"]
    assert [(r["submission"], r["momentum_step"], r["nesterov_step"], r["total"], r["mistakes"]) for r in rows] == [
        ("both.ipynb", "1", "1", "2", ""), ("one.ipynb", "0", "1", "1", "momentum_step:sign")]  # adam_step is not graded
    assert re.search(r"\] both\.ipynb: 2/2 ok", result.stderr) and re.search(r"\] one\.ipynb: 1/2 ok", result.stderr), result.stderr
    feedback = (tmp_path / "ch2-feedback" / "one.ipynb.txt").read_text()
    assert "momentum_step: 0/1" in feedback and "nesterov_step: 1/1" in feedback and feedback.rstrip().endswith("Total: 1/2")
    assert "adam_step" not in feedback and "adagrad_step" not in feedback
    summary = json.loads(out.with_suffix(".json").read_text())
    assert summary["exercises"] == ["momentum_step", "nesterov_step"]
    assert {code.partition(":")[0] for code in summary["mistakes"]} == {"momentum_step", "nesterov_step"}
    assert statistics(load(out))["totals"] == {0: 0, 1: 1, 2: 1}  # the report's histogram: out of 2
    # gradebooks scale the total over the CSV's two exercises
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    export(out, canvas, "canvas", points=10)
    assert [row[-1] for row in csv.reader(canvas.open())][1:] == ["10", "10", "5"]
    export(out, moodle, "moodle")
    assert [row[3:] for row in csv.reader(moodle.open())][1:] == [["2", "2/2; status ok"], ["1", "1/2; status ok"]]

    # the journal is keyed on the assignment: the same one regrades nothing, another one regrades everything
    before = out.read_text()
    again = run(folder, out, *chapter_2)
    assert "2 of 2 already graded" in again.stderr and out.read_text() == before
    whole = run(folder, out)
    assert whole.returncode == 0, whole.stderr
    assert "already graded" not in whole.stderr and re.search(r"\] both\.ipynb: 3/9 ok", whole.stderr), whole.stderr
    rows = csv_rows(out)
    assert list(rows[0])[1:-6] == list(EXERCISES) and [r["total"] for r in rows] == ["3", "1"]
    back = run(folder, out, *chapter_2)
    assert "already graded" not in back.stderr and out.read_text() == before


def test_an_unknown_exercise_stops_grade_before_anything_is_graded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ipynb").write_text(notebook(IMPORTS, SOLUTIONS["momentum_step"]))
    out = tmp_path / "out" / "grades.csv"
    result = run(folder, out, "--exercises", "momentum_step,adam")
    assert result.returncode == 2
    assert (f"argument --exercises: exercises must be one or more of {', '.join(EXERCISES)}; got 'adam'") in result.stderr
    with pytest.raises(ValueError, match=r"^exercises must be one or more of momentum_step, nesterov_step, .*; got 'nope', 'Adam_step'$"):
        grade(folder, out, exercises=["momentum_step", "nope", "Adam_step"], progress=None)
    with pytest.raises(ValueError, match=r"exercises must be one or more of .*; got none$"):
        grade(folder, out, exercises=[], progress=None)
    assert not out.parent.exists()  # nothing written: no CSV, journal, feedback or summary


# ------------------------------------------------------------------------------------------ Korean


def test_grade_language_ko_writes_korean_feedback_report_and_summary(sandbox_available, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ipynb").write_text(notebook(IMPORTS, BUGS["momentum-sign"], SOLUTIONS["adam_step"]))
    (folder / "b.ipynb").write_text("{not a notebook")
    out = tmp_path / "grades.csv"
    korean = subprocess.run([sys.executable, "-m", "gdcourse", "grade", str(folder), "--out", str(out), "--timeout", "5",
                             "--call-timeout", "1", "--language", "ko"], capture_output=True, text=True, timeout=600)
    assert korean.returncode == 0, korean.stderr
    rows = {r["submission"]: r for r in csv_rows(out)}
    assert rows["a.ipynb"]["mistakes"] == "momentum_step:sign" and rows["b.ipynb"]["status"] == "invalid notebook"  # codes stay codes
    feedback = (tmp_path / "grades-feedback" / "a.ipynb.txt").read_text(encoding="utf-8")
    assert feedback.startswith("제출물: a.ipynb\n상태: ok — 노트북이 끝까지 실행되었습니다")
    assert "momentum_step: 0/1 — 실패 momentum_step: 그래디언트의 부호가 틀렸습니다" in feedback
    assert "adam_step: 1/1 — 통과 adam_step: 테스트 6개를 모두 통과했습니다" in feedback
    assert "합계: 1/9" in feedback and "PASSED" not in feedback and "Status" not in feedback
    assert "읽을 수 있는 Jupyter 노트북이 아닙니다" in (tmp_path / "grades-feedback" / "b.ipynb.txt").read_text(encoding="utf-8")
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["language"] == "ko" and summary["mistakes"]["momentum_step:sign"].startswith("그래디언트의 부호가 틀렸습니다")
    report = (tmp_path / "grades-report.html").read_text(encoding="utf-8")
    assert '<html lang="ko">' in report and "반 보고서: 제출물 2개" in report and "가장 흔한 실수" in report
    # the feedback's language is part of the grader's version: English regrades, and says it in English
    english = run(folder, out, "--jobs", "1")
    assert english.returncode == 0, english.stderr
    assert (tmp_path / "grades-feedback" / "a.ipynb.txt").read_text(encoding="utf-8").startswith("Submission: a.ipynb\nStatus: ok")


def test_report_language_ko_from_an_english_grading(one_job, tmp_path):
    _, out, _, _ = one_job
    page = tmp_path / "report.html"
    result = subprocess.run([sys.executable, "-m", "gdcourse", "report", str(out), "--out", str(page), "--language", "ko"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = html.unescape(page.read_text(encoding="utf-8"))
    n = 4  # adam_step:no-bias-correction, as in the English report above
    assert f": 제출물 8개 중 {n}개, {round(100 * n / 8)} %" in text
    assert '<html lang="ko">' in text and "반 보고서: 제출물 8개" in text and text.count('alt="') == 3
    # the mistakes' messages come from the CSV's summary, which is English here
    assert "The bias correction is missing" in text
