"""``gdcourse.exercises`` as a notebook sees it while ``gdcourse grade`` runs it in the sandbox.

The references, the catalogue of mistakes, the hints and the solutions stay outside the sandbox (the
judge lives in the grader's process), so this stand-in only answers the calls a chapter notebook makes:
``check``, ``hint`` and ``solution`` return a note instead of raising, and the notebook runs on.
"""

#: What the stand-ins say (student-facing: a translation replaces this dict only).
MESSAGES = {
    "check": "{name}: not checked here — the grader checks this function itself, on its own inputs.",
    "hint": "Hints are not available while the notebook is being graded.",
    "solution": "Solutions are not available while the notebook is being graded.",
}

EXERCISES = {}


class _Note(str):
    def _repr_markdown_(self):
        return str(self)


def check(name, function=None, **options):
    return _Note(MESSAGES["check"].format(name=name))


def hint(name, level=1):
    return _Note(MESSAGES["hint"])


def solution(name):
    return _Note(MESSAGES["solution"])
