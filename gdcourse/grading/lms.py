"""Gradebook exports for learning-management systems, from the grader's CSV.

- **Canvas** (Grades → Import): a CSV whose first columns are ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section``, then one column per assignment named ``<assignment> (<id>)`` — or just the
  assignment's name, which Canvas offers to create — holding the score.  Canvas matches students by
  ``ID``/``SIS User ID``/``SIS Login ID``; those come from a roster (``--roster``).
- **Moodle** (Grades → Import → CSV file): a CSV with an identifier column that Moodle maps to a user
  field (``Email address``, ``ID number`` or ``Username``), one column per grade item, and optionally a
  ``<item> - Feedback`` column, which Moodle maps to the item's feedback.

Without a roster the identifier is the submission's file name without ``.ipynb`` (as LMS downloads
often name files), for Canvas in ``SIS Login ID`` and for Moodle in ``Username``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gdcourse.grading.files import spreadsheet_safe, write_atomically

__all__ = ["FORMATS", "export"]

ASSIGNMENT = "gdcourse coding exercises"

CANVAS_IDS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDS = ["Username", "Email address", "ID number"]
FORMATS = {"canvas", "moodle"}


def _read_csv(path: Path) -> list:
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _unquote(text: str) -> str:
    """Undo spreadsheet_safe's leading quote (the grader's CSV is escaped for spreadsheets)."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text


def export(grades: Path, out: Path, kind: str, points: float | None = None, roster: Path | None = None) -> int:
    """Write ``out`` for ``kind`` ("canvas" or "moodle"); returns the number of students written."""
    if kind not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)}; got {kind!r}")
    rows = _read_csv(grades)
    if not rows or "total" not in rows[0]:
        raise ValueError(f"{grades} is not a gdcourse grades CSV (no 'total' column)")
    exercises = [c for c in rows[0] if c not in ("submission", "total", "status", "mistakes", "isolated", "review", "feedback")]
    possible = float(points) if points is not None else float(len(exercises))
    people = {}
    if roster is not None:
        for person in _read_csv(roster):
            if "submission" not in person:
                raise ValueError(f"{roster} needs a 'submission' column (the notebook's file name)")
            people[person["submission"]] = person
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if kind == "canvas":
        header = CANVAS_IDS + [f"{ASSIGNMENT}"]
        writer.writerow(header)
        writer.writerow(["Points Possible", "", "", "", "", _number(possible)])
    else:
        header = MOODLE_IDS + [ASSIGNMENT, f"{ASSIGNMENT} - Feedback"]
        writer.writerow(header)
    for row in rows:
        submission = _unquote(row["submission"])
        person = people.get(submission, {})
        stem = submission[: -len(".ipynb")] if submission.lower().endswith(".ipynb") else submission
        score = _number(int(row["total"]) * possible / max(1, len(exercises)))
        if kind == "canvas":
            ids = [person.get(c, "") for c in CANVAS_IDS]
            if not any(ids[1:4]):
                ids[3] = stem
            if not ids[0]:
                ids[0] = stem
            writer.writerow([spreadsheet_safe(v) for v in ids + [score]])
        else:
            ids = [person.get(c, "") for c in MOODLE_IDS]
            if not any(ids):
                ids[0] = stem
            comment = f"{row['total']}/{len(exercises)}; status {_unquote(row['status'])}"
            writer.writerow([spreadsheet_safe(v) for v in ids + [score, comment]])
    write_atomically(Path(out), buffer.getvalue())
    return len(rows)


def _number(value: float) -> str:
    return f"{value:g}"
