"""Every sentence ``gdcourse grade`` writes for students and instructors, as templates.

The grader's logic refers to statuses and notes by code.  The English templates below are the message
ids of the ``grading`` catalogue (gdcourse/locale/<language>/LC_MESSAGES/grading.po; ``gdcourse grade
--language ko``).  ``STATUSES`` are also the documentation of the CSV's ``status`` column
(book/instructors.md quotes them).
"""

#: The grader's domain in gdcourse's message catalogues.
DOMAIN = "grading"

#: Each status a CSV row can have, worst last (a row takes the worst that happened to it).
STATUSES = {
    "ok": "the notebook ran to the end; the points say which functions are right",
    "error": "at least one cell raised an exception; the notebook went on and the functions were graded",
    "timeout": "a cell ran longer than --timeout, or the notebook longer than --wall-time, and was stopped",
    "kernel died": "the kernel exited or crashed before the end (os._exit, a segfault, ...)",
    "output": "the notebook printed more than --max-output bytes and was stopped",
    "file size": "the notebook tried to write a file larger than --max-file-size",
    "processes": "the notebook tried to run more than --max-processes processes or threads at once",
    "memory": "the notebook used more than --max-memory and was stopped",
    "cpu time": "a process used more than --max-cpu-time seconds of CPU and was stopped",
    "invalid result": "the results the notebook's kernel sent back could not be read; nothing was graded",
    "grader error": "the grader itself failed on this submission (the feedback says how); the batch went on",
    "worker lost": "the worker grading it died twice (Dask); the submission was not graded",
    "invalid notebook": "not a readable Jupyter notebook (not JSON, not a file, too large, ...)",
}

#: What the feedback says about what happened to a submission (one line each).
NOTES = {
    "not a file": "not graded: the entry is {what}, not a notebook file",
    "unreadable": "not a readable Jupyter notebook ({detail})",
    "cell error": "cell {cell} raised {ename}: {evalue}",
    "cell timeout": "cell {cell} did not finish within {seconds:g} s and was interrupted",
    "cell stuck": "cell {cell} did not finish within {seconds:g} s and ignored the interrupt: the kernel was stopped",
    "wall time": "the notebook ran longer than {seconds:g} s in all and was stopped at cell {cell}",
    "output": "the notebook printed more than {limit} (at cell {cell}) and was stopped",
    "memory": "the notebook used more than {limit} of memory and was stopped",
    "processes": "the notebook tried to run more than {limit} processes or threads at once",
    "file size": "the notebook tried to write a file larger than {limit}",
    "cpu time": "a process of the notebook used more than {seconds:g} s of CPU time and was stopped",
    "kernel died": "the kernel died at cell {cell} (exit code {exit}): the notebook exited or crashed Python",
    "kernel start": "the kernel could not be started ({detail})",
    "grading stopped": "the kernel did not survive, so the functions could not be graded",
    "invalid result": "the results sent back by the kernel could not be read ({detail})",
    "harness failed": "the functions could not be run on the tests ({detail})",
    "review": "for the instructor: the notebook uses {what}; such code can interfere with the grader inside its own kernel — review it by hand",
    "grader error": "the grader failed on this submission ({detail}); the rest of the batch was graded",
    "worker lost": "the worker grading this submission died twice; it was not graded",
    "not isolated": "graded with --no-sandbox: the notebook's code was not isolated from the grader's machine",
    "not defined": "it is not defined in the notebook",
    "not graded": "not graded ({status})",
}

#: The feedback file's layout.
FEEDBACK = {
    "header": "Submission: {submission}\nStatus: {status} — {description}",
    "note": "  - {note}",
    "exercise": "{name}: {points}/1 — {verdict}",
    "not graded": "FAILED {name}: not graded ({status}).",
    "total": "Total: {total}/{count}",
}


def messages() -> list[str]:
    """Every sentence of the grader (feedback and class report), in English: the ``grading`` message ids."""
    from gdcourse.grading.batch import MISTAKES
    from gdcourse.grading.report import TEXT

    found = [*STATUSES.values(), *NOTES.values(), *FEEDBACK.values(), *MISTAKES.values()]
    for value in TEXT.values():
        found += value if isinstance(value, list) else [value]
    return list(dict.fromkeys(found))
