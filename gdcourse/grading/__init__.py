"""Instructors' tools: student versions of the notebooks, and a batch grader for untrusted notebooks.

- :mod:`~gdcourse.grading.release` — ``gdcourse release``: notebooks without solutions.
- :mod:`~gdcourse.grading.sandbox` — a throw-away sandbox for one untrusted program (bubblewrap, cgroups).
- :mod:`~gdcourse.grading.kernel` — a Jupyter kernel started in that sandbox from a command line we build.
- :mod:`~gdcourse.grading.submission` — one notebook run in a sandbox; raw records of its functions out.
- :mod:`~gdcourse.grading.batch` — ``gdcourse grade``: the coordinator (jobs, Dask, resume, CSV, judge).
- :mod:`~gdcourse.grading.report` and :mod:`~gdcourse.grading.lms` — the class report, gradebook exports.

The judge stays with the exercises (:mod:`gdcourse.exercises.judge`); the sandbox knows nothing about
optimizers; the report reads only what the grader wrote.
"""

from gdcourse.grading.batch import Grade, assignment, columns, grade
from gdcourse.grading.files import write_atomically
from gdcourse.grading.release import release, student_version
from gdcourse.grading.submission import Settings

__all__ = ["release", "student_version", "grade", "Grade", "Settings", "assignment", "columns", "write_atomically"]
