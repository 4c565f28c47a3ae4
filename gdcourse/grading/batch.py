"""``gdcourse grade SUBMISSIONS --out grades.csv``: grade a folder of notebooks, in parallel and resumably.

The coordinator (this module, in the instructor's process) lists the folder, draws the secret seed of
the run's fresh inputs, hands each notebook to a runner — N threads here, each driving its own sandbox
(:mod:`gdcourse.grading.submission`), or the workers of a Dask cluster — and judges the raw records that
come back, as plain JSON, with :mod:`gdcourse.exercises.judge`.  The student's code never runs here.

Every finished row is committed to a small SQLite journal beside the CSV (``grades.sqlite``) before the
CSV and the feedback are rewritten (atomically), so Ctrl-C, ``kill -9`` or a reboot loses no finished
row; the next run skips every notebook whose content hash and grader version are in the journal.

An assignment is a subset of the course's exercises (``exercises``; default all of them): the CSV has
one column per chosen exercise, the totals, the feedback and the report count those, and the grader
version that keys the journal includes them, so that grading another subset regrades every notebook.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import queue
import secrets
import sqlite3
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import gdcourse
from gdcourse.exercises import EXERCISES
from gdcourse.exercises.judge import CheckResult, judge
from gdcourse.grading.files import UntrustedFile, display_name, loads_untrusted, read_untrusted, spreadsheet_safe, write_atomically
from gdcourse.grading.messages import DOMAIN, FEEDBACK, NOTES, STATUSES
from gdcourse.i18n import get_language, translate
from gdcourse.grading.sandbox import Sandbox
from gdcourse.grading.submission import Settings, run_submission, worse

__all__ = ["grade", "Grade", "assignment", "columns", "grader_version", "Entry", "list_entries"]


def assignment(exercises=None) -> list:
    """The names of the exercises an assignment consists of, in the order of the chapters (that of
    :data:`gdcourse.exercises.EXERCISES`), each once; ``None`` means all of them."""
    if exercises is None:
        return list(EXERCISES)
    names = [exercises] if isinstance(exercises, str) else list(exercises)
    unknown = [name for name in names if name not in EXERCISES]
    if unknown or not names:
        got = ", ".join(map(repr, unknown)) if unknown else "none"
        raise ValueError(f"exercises must be one or more of {', '.join(EXERCISES)}; got {got}")
    return [name for name in EXERCISES if name in names]


def columns(exercises=None) -> list:
    """The CSV's columns: one per exercise of the :func:`assignment`, in the order of the chapters."""
    return ["submission", *assignment(exercises), "total", "status", "mistakes", "isolated", "review", "feedback"]


# ------------------------------------------------------------------------------------------ entries


@dataclass
class Entry:
    """One entry of SUBMISSIONS whose name ends in ``.ipynb``."""

    raw: bytes  # the name as the file system has it
    name: str  # the name as text (undecodable bytes escaped)
    feedback: str  # the feedback file's name
    digest: str = ""
    problem: str | None = None  # why it cannot be graded (a folder, a FIFO, too large, ...)


def list_entries(folder: Path) -> list:
    """Every entry of ``folder`` whose name ends in ``.ipynb`` — hidden ones, folders, FIFOs, links and
    names that are not UTF-8 included — sorted by name, each with a unique feedback file name."""
    raw_names = sorted(n for n in os.listdir(os.fsencode(folder)) if n.lower().endswith(b".ipynb"))
    entries, used = [], set()
    for raw in raw_names:
        name = display_name(raw)
        feedback = name.replace("/", "_") + ".txt"
        if feedback in used:  # two raw names with the same escaped text
            feedback = f"{name}-{hashlib.sha256(raw).hexdigest()[:8]}.txt"
        used.add(feedback)
        entries.append(Entry(raw, name, feedback))
    return entries


def _read(folder_fd: int, entry: Entry, limit: int) -> bytes | None:
    """The entry's bytes (and its digest), or None with ``entry.problem`` set."""
    try:
        data = read_untrusted(entry.raw, limit, dir_fd=folder_fd)
    except UntrustedFile as error:
        entry.problem = error.reason
        entry.digest = "not a file: " + error.reason
        return None
    entry.problem = None
    entry.digest = hashlib.sha256(data).hexdigest()
    return data


# -------------------------------------------------------------------------------------------- grades


@dataclass
class Grade:
    """The grade of one submission: points per exercise of the assignment, status, notes and verdicts (for
    the feedback)."""

    submission: str
    points: dict = field(default_factory=dict)  # exercise -> 1 or 0, for each of ``exercises``
    status: str = "ok"
    notes: list = field(default_factory=list)  # sentences
    verdicts: dict = field(default_factory=dict)  # exercise -> message (PASSED/FAILED ...)
    mistakes: dict = field(default_factory=dict)  # exercise -> mistake code
    isolated: bool = True
    review: list = field(default_factory=list)
    feedback_name: str = ""
    seconds: float = 0.0
    language: str = "en"  # of the notes, verdicts and feedback
    exercises: list = field(default_factory=lambda: list(EXERCISES))  # the assignment's, in the chapters' order

    def __post_init__(self):
        self.points = {name: int(self.points.get(name, 0)) for name in self.exercises}

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def row(self, feedback_folder: str = "") -> dict:
        mistakes = ";".join(f"{name}:{code}" for name, code in self.mistakes.items())
        return {
            "submission": self.submission, **self.points, "total": self.total, "status": self.status,
            "mistakes": mistakes, "isolated": "yes" if self.isolated else "no", "review": ";".join(self.review),
            "feedback": f"{feedback_folder}/{self.feedback_name}" if feedback_folder else self.feedback_name,
        }

    def feedback(self) -> str:
        def say(key: str, **values) -> str:
            return translate(FEEDBACK[key], DOMAIN, self.language).format(**values)

        description = translate(STATUSES[self.status], DOMAIN, self.language)
        lines = [say("header", submission=self.submission, status=self.status, description=description)]
        lines += [say("note", note=note) for note in self.notes]
        lines.append("")
        for name in self.exercises:
            verdict = self.verdicts.get(name) or say("not graded", name=name, status=self.status)
            lines.append(say("exercise", name=name, points=self.points.get(name, 0), verdict=verdict))
        lines += ["", say("total", total=self.total, count=len(self.exercises)), ""]
        return "\n".join(lines)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Grade":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def note(code: str, language: str = "en", **values) -> str:
    """The feedback's sentence ``code`` of :data:`~gdcourse.grading.messages.NOTES`, in ``language``."""
    template = NOTES.get(code)
    if template is None:
        return str(code)
    for text in (translate(template, DOMAIN, language), template):  # a broken translation: the English
        try:
            return text.format(**values)
        except (KeyError, ValueError, IndexError):
            continue
    return str(code)


def _render(item: dict, language: str = "en") -> str:
    return note(item.get("code"), language, **{k: v for k, v in item.items() if k != "code"})


def judge_result(entry: Entry, result: dict, scenarios: dict, settings: Settings, language: str = "en") -> Grade:
    """Turn a runner's plain result into a grade, judging each record against the reference; the
    exercises graded are ``scenarios``' (the assignment's), whatever else the result holds."""
    grade = Grade(entry.name, feedback_name=entry.feedback, isolated=bool(result.get("isolated", True)), language=language,
                  exercises=list(scenarios))
    status = result.get("status", "grader error")
    grade.status = status if status in STATUSES else "grader error"
    grade.notes = [_render(n, language) for n in result.get("notes", []) if isinstance(n, dict)]
    grade.review = [str(r) for r in result.get("review", [])][:10]
    grade.seconds = float(result.get("seconds", 0.0) or 0.0)
    records = result.get("records") or {}
    for name in grade.exercises:
        record = records.get(name)
        if not isinstance(record, dict):
            continue
        verdict: CheckResult = judge(EXERCISES[name], scenarios[name], record, settings.call_timeout)
        grade.verdicts[name] = verdict.line(language)
        grade.points[name] = 1 if verdict.passed else 0
        if verdict.mistake:
            grade.mistakes[name] = verdict.mistake
    return grade


def _failed(entry: Entry, status: str, text: str, isolated: bool, language: str, exercises: list) -> Grade:
    return Grade(entry.name, status=status, notes=[text], feedback_name=entry.feedback, isolated=isolated, language=language,
                 exercises=exercises)


# ------------------------------------------------------------------------------------------ journal


def grader_version(settings: Settings, language: str = "en", exercises=None) -> str:
    """What a finished row depends on besides the notebook: gdcourse's version, the source of the
    exercises and of the grader, the settings, the exercises of the :func:`assignment`, and the
    feedback's language and its catalogues."""
    digest = hashlib.sha256(gdcourse.__version__.encode())
    package = Path(gdcourse.__file__).resolve().parent
    for folder in ("exercises", "grading"):
        for path in sorted((package / folder).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps(asdict(settings), sort_keys=True).encode())
    digest.update(json.dumps(assignment(exercises)).encode())
    if language != "en":
        digest.update(language.encode())
        for domain in ("exercises", "grading"):
            catalogue = package / "locale" / language / "LC_MESSAGES" / f"{domain}.mo"
            digest.update(catalogue.read_bytes() if catalogue.exists() else b"")
    return f"{gdcourse.__version__}+{digest.hexdigest()[:16]}"


class Journal:
    """The finished rows, committed one by one (SQLite: atomic and durable across kill -9 and reboots)."""

    def __init__(self, path: Path):
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous = FULL")
        self.connection.execute("CREATE TABLE IF NOT EXISTS grades (name BLOB PRIMARY KEY, digest TEXT, version TEXT, grade TEXT)")

    def get(self, entry: Entry, version: str) -> Grade | None:
        row = self.connection.execute("SELECT digest, version, grade FROM grades WHERE name = ?", (entry.raw,)).fetchone()
        if row is None or row[0] != entry.digest or row[1] != version:
            return None
        return Grade.from_json(json.loads(row[2]))

    def put(self, entry: Entry, version: str, grade: Grade) -> None:
        self.connection.execute("INSERT OR REPLACE INTO grades VALUES (?, ?, ?, ?)", (entry.raw, entry.digest, version, json.dumps(grade.to_json())))

    def close(self) -> None:
        self.connection.close()


# ------------------------------------------------------------------------------------------ runners


class _LocalRunner:
    """N daemon threads, each grading one submission at a time in its own sandbox (daemon: Ctrl-C ends
    the grader at once, and bubblewrap ends the sandboxes with it)."""

    def __init__(self, jobs: int, settings: Settings, sandbox: Sandbox):
        self.todo, self.done = queue.Queue(), queue.Queue()
        self.settings, self.sandbox = settings, sandbox
        self.threads = [threading.Thread(target=self._work, daemon=True, name=f"grader-{i}") for i in range(jobs)]
        for thread in self.threads:
            thread.start()

    def _work(self):
        while True:
            item = self.todo.get()
            if item is None:
                return
            key, data, specs = item
            try:
                result = run_submission(data, specs, self.settings, self.sandbox)
            except BaseException as error:  # noqa: BLE001 - reported as that row's grader error
                result = {"status": "grader error", "notes": [{"code": "grader error", "detail": repr(error)[:300]}], "isolated": self.settings.isolated}
            self.done.put((key, result))

    def submit(self, key, data: bytes, specs: dict) -> None:
        self.todo.put((key, data, specs))

    def results(self):
        while True:
            yield self.done.get()

    def close(self):
        for _ in self.threads:
            self.todo.put(None)


def _dask_task(data: bytes, specs_json: str, settings_json: str) -> str:
    """What a Dask worker runs: one submission in a sandbox on the worker's machine; plain JSON out."""
    return json.dumps(run_submission(data, json.loads(specs_json), Settings(**json.loads(settings_json))))


def _allow_one_retry(dask_scheduler=None):
    # A task whose worker dies is rescheduled; after one such death the next one is final (KilledWorker).
    dask_scheduler.allowed_failures = 1


class _DaskRunner:
    """Submissions as tasks of a Dask cluster; results come back as JSON text, never as objects."""

    def __init__(self, address, settings: Settings, max_result: int):
        from distributed import Client, as_completed

        self.client = address if hasattr(address, "submit") else Client(address)
        self.own_client = not hasattr(address, "submit")
        try:
            self.client.run_on_scheduler(_allow_one_retry)
        except Exception:  # noqa: BLE001 - a scheduler that refuses keeps its own allowed-failures
            pass
        self.settings_json = json.dumps(asdict(settings))
        self.max_result = max_result
        self.pending = as_completed()
        self.keys = {}

    def submit(self, key, data: bytes, specs: dict) -> None:
        future = self.client.submit(_dask_task, data, json.dumps(specs), self.settings_json, pure=False)
        self.keys[future.key] = key
        self.pending.add(future)

    def results(self):
        from distributed import KilledWorker

        for future in self.pending:
            key = self.keys.pop(future.key)
            try:
                text = future.result()
                data = text.encode() if isinstance(text, str) else b""
                if len(data) > self.max_result:
                    raise UntrustedFile(f"larger than {self.max_result} bytes")
                result = loads_untrusted(data, max_depth=64)
            except KilledWorker:
                result = {"status": "worker lost", "notes": [{"code": "worker lost"}]}
            except UntrustedFile as error:
                result = {"status": "invalid result", "notes": [{"code": "invalid result", "detail": error.reason}]}
            except Exception as error:  # noqa: BLE001
                result = {"status": "grader error", "notes": [{"code": "grader error", "detail": repr(error)[:300]}]}
            result.setdefault("isolated", json.loads(self.settings_json)["isolated"])
            future.release()
            yield key, result

    def close(self):
        if self.own_client:
            self.client.close()


# ----------------------------------------------------------------------------------------- progress


class Progress:
    """done / total, rate and time left: a bar on a terminal, one plain line per row otherwise."""

    def __init__(self, total: int, skipped: int, stream):
        self.total, self.done, self.stream = total, skipped, stream
        self.graded, self.start = 0, time.monotonic()
        self.bar = bool(stream) and hasattr(stream, "isatty") and stream.isatty()
        if stream and skipped:
            print(f"{skipped} of {total} already graded (unchanged since the last run): skipped", file=stream, flush=True)

    def row(self, grade: Grade) -> None:
        self.done += 1
        self.graded += 1
        if not self.stream:
            return
        elapsed = time.monotonic() - self.start
        rate = self.graded / elapsed * 60 if elapsed > 0 else 0.0
        left = (self.total - self.done) / (rate / 60) if rate > 0 else 0.0
        tail = f"{rate:.1f}/min, {_clock(left)} left"
        if self.bar:
            width = 30
            filled = int(width * self.done / max(1, self.total))
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {tail}  ", end="", file=self.stream, flush=True)
            if self.done == self.total:
                print(file=self.stream, flush=True)
        else:
            print(f"[{self.done}/{self.total}] {grade.submission}: {grade.total}/{len(grade.exercises)} {grade.status} "
                  f"({grade.seconds:.1f} s; {tail})", file=self.stream, flush=True)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds >= 3600 else f"{seconds // 60}:{seconds % 60:02d}"


# --------------------------------------------------------------------------------------------- grade


def csv_text(grades: list, feedback_folder: str, exercises=None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(exercises), lineterminator="\n")
    writer.writeheader()
    for grade in grades:
        writer.writerow({key: spreadsheet_safe(value) for key, value in grade.row(feedback_folder).items()})
    return buffer.getvalue()


#: What the report calls the mistakes that are not in an exercise's catalogue.
MISTAKES = {
    "order": "the values are right but returned in the wrong order",
    "borrowed": "calls into gdcourse instead of implementing the update",
}


def summary_json(version: str, settings: Settings, language: str = "en", exercises=None) -> str:
    """What the report needs besides the CSV: the exercises of the :func:`assignment`, their mistakes'
    messages by code, the statuses' meanings (in ``language``)."""
    from gdcourse.exercises.judge import DOMAIN as EXERCISES_DOMAIN

    names = assignment(exercises)
    mistakes = {f"{name}:{m.key}": translate(m.message, EXERCISES_DOMAIN, language) for name in names for m in EXERCISES[name].mistakes}
    for code, text in MISTAKES.items():
        mistakes.update({f"{name}:{code}": translate(text, DOMAIN, language) for name in names})
    statuses = {code: translate(text, DOMAIN, language) for code, text in STATUSES.items()}
    return json.dumps({"grader": version, "exercises": names, "isolated": settings.isolated, "language": language,
                       "statuses": statuses, "mistakes": mistakes}, indent=1, ensure_ascii=False) + "\n"


def grade(submissions: Path, out: Path, *, feedback: Path | None = None, jobs: int | None = None, scheduler=None,
          settings: Settings = Settings(), progress=sys.stderr, report: bool = True, secret_seed: int | None = None,
          language: str | None = None, exercises=None) -> list:
    """Grade the exercises ``exercises`` (names of :data:`gdcourse.exercises.EXERCISES`; default all of
    them) of every ``*.ipynb`` entry of ``submissions``; write the CSV ``out``, one feedback file per
    submission (in ``feedback``, default ``<out stem>-feedback/``), the journal ``<out stem>.sqlite``,
    ``<out stem>.json`` (mistake codes and messages) and, with ``report``, ``<out stem>-report.html``.

    ``jobs`` submissions are graded at once (default: the number of cores); with ``scheduler`` (a Dask
    address or ``distributed.Client``) they are graded by the cluster's workers instead.  The feedback,
    the report and the summary are in ``language`` (default: :func:`gdcourse.i18n.get_language`).
    """
    submissions, out = Path(submissions), Path(out)
    exercises = assignment(exercises)
    if not submissions.is_dir():
        raise ValueError(f"SUBMISSIONS must be a folder; got {submissions}")
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ValueError(f"jobs must be an integer >= 1; got {jobs!r}")
    jobs = jobs or os.cpu_count() or 1
    from gdcourse.i18n import _check

    language = get_language() if language is None else _check(language)
    feedback = Path(feedback) if feedback else out.with_name(out.stem + "-feedback")
    feedback_folder = os.path.relpath(feedback, out.parent)
    sandbox = Sandbox(_limits(settings), isolated=settings.isolated) if scheduler is None else None  # fails early, before any row
    if not settings.isolated and progress:
        print("gdcourse grade: --no-sandbox: the submissions' code runs NOT ISOLATED, as this user, on this machine; "
              "every row is marked isolated=no", file=progress, flush=True)

    version = grader_version(settings, language, exercises)
    seed = secrets.randbits(64) if secret_seed is None else secret_seed
    scenarios = {name: EXERCISES[name].grading_scenarios(seed) for name in exercises}
    specs = {name: EXERCISES[name].spec(scenarios[name], settings.call_timeout, budget=settings.budget(), no_processes=True)
             for name in exercises}

    out.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(out.with_name(out.stem + ".sqlite"))
    folder_fd = os.open(submissions, os.O_RDONLY | os.O_DIRECTORY)
    entries = list_entries(submissions)
    finished: dict = {}
    todo = []
    for entry in entries:
        _read(folder_fd, entry, settings.max_notebook)  # for its digest
        previous = journal.get(entry, version)
        if previous is not None:
            previous.submission, previous.feedback_name = entry.name, entry.feedback
            finished[entry.raw] = previous
        else:
            todo.append(entry)

    def finish(entry: Entry, result_grade: Grade) -> None:
        journal.put(entry, version, result_grade)  # committed first: a crash after this loses nothing
        finished[entry.raw] = result_grade
        write_atomically(feedback / entry.feedback, result_grade.feedback())
        _write_csv()
        meter.row(result_grade)

    def _write_csv():
        ordered = [finished[e.raw] for e in entries if e.raw in finished]
        write_atomically(out, csv_text(ordered, feedback_folder, exercises))

    meter = Progress(len(entries), len(finished), progress)
    write_atomically(out.with_name(out.stem + ".json"), summary_json(version, settings, language, exercises))
    for entry in entries:  # feedback of resumed rows, in case its folder was removed
        if entry.raw in finished and not (feedback / entry.feedback).exists():
            write_atomically(feedback / entry.feedback, finished[entry.raw].feedback())
    _write_csv()

    runner = None
    try:
        pending = {}
        for entry in todo:
            data = _read(folder_fd, entry, settings.max_notebook)
            if data is None:
                finish(entry, _failed(entry, "invalid notebook", note("not a file", language, what=entry.problem), settings.isolated, language,
                                      exercises))
                continue
            if runner is None:
                runner = _DaskRunner(scheduler, settings, settings.max_record * len(exercises) + (1 << 20)) if scheduler is not None \
                    else _LocalRunner(jobs, settings, sandbox)
            pending[entry.raw] = entry
            runner.submit(entry.raw, data, specs)
            del data
        if runner is not None and pending:
            for key, result in runner.results():
                entry = pending.pop(key)
                try:
                    result_grade = judge_result(entry, result, scenarios, settings, language)
                except Exception as error:  # noqa: BLE001 - one row, never the batch
                    result_grade = _failed(entry, "grader error", note("grader error", language, detail=repr(error)[:300]),
                                           settings.isolated, language, exercises)
                if not settings.isolated and note("not isolated", language) not in result_grade.notes:
                    result_grade.notes.append(note("not isolated", language))
                finish(entry, result_grade)
                if not pending:
                    break
    finally:
        if runner is not None:
            runner.close()
        journal.close()
        os.close(folder_fd)
    grades = [finished[e.raw] for e in entries if e.raw in finished]
    if report:
        from gdcourse.grading.report import write_report

        write_report(out, out.with_name(out.stem + "-report.html"), language=language)
    return grades


def _limits(settings: Settings):
    from gdcourse.grading.sandbox import Limits

    return Limits(**settings.limits)
