"""Run one submission: execute its notebook in a sandboxed kernel, then observe its exercise functions.

This is the part of the grader that runs wherever the submission is graded — a thread of the local
grader or a Dask worker.  It takes plain data (the notebook's bytes, the harness specs, the settings) and
returns plain JSON-compatible data: the status, coded notes, and for each exercise the *raw record* the
harness made in the kernel.  It judges nothing: :mod:`gdcourse.grading.batch` judges the records with
:mod:`gdcourse.exercises.judge` in the coordinator's process.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import signal
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

import gdcourse
from gdcourse.exercises import harness
from gdcourse.grading import sandboxed_exercises
from gdcourse.grading.files import UntrustedFile, loads_untrusted, read_untrusted
from gdcourse.grading.kernel import Kernel
from gdcourse.grading.sandbox import MiB, Limits, Sandbox

__all__ = ["Settings", "run_submission", "SEVERITY", "worse"]

#: Statuses from best to worst (a row takes the worst that happened to it).
SEVERITY = ["ok", "error", "timeout", "kernel died", "output", "file size", "processes", "memory", "cpu time",
            "invalid result", "grader error", "worker lost", "invalid notebook"]


def worse(status: str, new: str) -> str:
    return new if SEVERITY.index(new) > SEVERITY.index(status) else status


@dataclass(frozen=True)
class Settings:
    """How submissions are run (all JSON-compatible, so that Dask workers get them as plain data)."""

    timeout: float = 60.0  # seconds per cell
    wall_time: float = 600.0  # seconds for the whole notebook
    call_timeout: float = 5.0  # seconds per call of a student's function
    max_output: int = 10 * MiB  # bytes the kernel may send
    max_notebook: int = 50 * MiB  # bytes of the notebook file
    max_record: int = 1 * MiB  # bytes of the results file
    isolated: bool = True
    limits: dict = field(default_factory=lambda: asdict(Limits()))

    def __post_init__(self):
        for name in ("timeout", "wall_time", "call_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0 or value != value or value == float("inf"):
                raise ValueError(f"{name} must be a positive number of seconds; got {value!r}")
        for name in ("max_output", "max_notebook", "max_record"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1024:
                raise ValueError(f"{name} must be an integer number of bytes >= 1024; got {value!r}")
        Limits(**self.limits)  # validates

    def budget(self) -> float:
        """Seconds all calls of one exercise may take together."""
        return 4 * self.call_timeout


#: Constructs an honest notebook does not need and that can interfere with the grader inside the
#: kernel; a notebook that uses one is flagged for the instructor to review (it is still graded).
REVIEW = {
    "interpreter hooks": re.compile(r"\b(settrace|setprofile|input_transformers\w*|ast_transformers|pre_run_cell|post_run_cell|pre_execute|post_execute|meta_path|path_hooks)\b"),
    "code or builtins surgery": re.compile(r"(__code__|__globals__|__builtins__|\bbuiltins\b|\bctypes\b|\bgc\.get_objects\b|\bgc\.get_referrers\b)"),
    "background processes or threads": re.compile(r"\b(os\.fork|forkpty|setsid|setpgid|multiprocessing|threading|_thread|Popen|daemon)\b"),
    "signals": re.compile(r"\bsignal\.(signal|setitimer|alarm|pthread_kill)\b|\bos\.kill\b"),
    "process information": re.compile(r"/proc/"),
}

_HARNESS_CELL = """\
def __gdcourse_grade():
    import json
    namespace = {{"__name__": "gdcourse_harness"}}
    exec(compile({source!r}, "<gdcourse harness>", "exec"), namespace)
    specs = json.loads({specs!r})
    scope = globals()
    records = {{}}
    for name, spec in specs.items():
        if name in scope:
            records[name] = namespace["observe"](spec, scope[name])
        else:
            records[name] = {{"problem": {missing!r}}}
    with open({record!r}, "w", encoding="utf-8") as file:
        json.dump(records, file)
__gdcourse_grade()
del __gdcourse_grade
"""


def _note(code: str, **fields) -> dict:
    return {"code": code, **fields}


def _size(n: int) -> str:
    return f"{n / MiB:g} MiB" if n >= MiB else f"{n} bytes"


def review_flags(sources: list) -> list:
    text = "\n".join(sources)
    return [label for label, pattern in REVIEW.items() if pattern.search(text)]


def run_submission(data: bytes, specs: dict, settings: Settings | dict, sandbox: Sandbox | None = None) -> dict:
    """Execute one notebook (``data``) and observe the functions named in ``specs``; never raises for a
    bad submission.  Returns ``{"status", "notes": [{"code", ...}], "records": {name: record},
    "review": [...], "isolated", "seconds"}``."""
    if isinstance(settings, dict):
        settings = Settings(**settings)
    start = time.monotonic()
    result = {"status": "ok", "notes": [], "records": {}, "review": [], "isolated": settings.isolated, "seconds": 0.0}
    try:
        _run(data, specs, settings, sandbox, result)
    except Exception as error:  # noqa: BLE001 - one submission never stops the batch
        result["status"] = worse(result["status"], "grader error")
        result["notes"].append(_note("grader error", detail=f"{type(error).__name__}: {error}"[:500]))
        result["records"] = {}
    if not settings.isolated:
        result["notes"].append(_note("not isolated"))
    result["seconds"] = round(time.monotonic() - start, 3)
    return result


_SANDBOXES: dict = {}


def _sandbox(limits: Limits, isolated: bool) -> Sandbox:
    """One Sandbox per process and settings (a Dask worker grades many submissions)."""
    key = (limits, isolated)
    if key not in _SANDBOXES:
        _SANDBOXES[key] = Sandbox(limits, isolated=isolated)
    return _SANDBOXES[key]


def _run(data: bytes, specs: dict, settings: Settings, sandbox: Sandbox | None, result: dict) -> None:
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # noqa: BLE001 - any unreadable file is "invalid notebook"
        result["status"] = "invalid notebook"
        result["notes"].append(_note("unreadable", detail=type(error).__name__))
        return
    cells = [(index, cell.source) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    result["review"] = review_flags([source for _, source in cells])
    if result["review"]:
        result["notes"].append(_note("review", what=", ".join(result["review"])))
    limits = Limits(**settings.limits)
    sandbox = sandbox or _sandbox(limits, settings.isolated)
    package = Path(gdcourse.__file__).resolve().parent
    replacements = {"exercises/__init__.py": inspect.getsource(sandboxed_exercises).encode()}
    with tempfile.TemporaryDirectory(prefix="gdcourse-grade-") as workdir:
        kernel = Kernel(sandbox, Path(workdir), package, hidden=["exercises", "grading"], replacements=replacements,
                        max_output=settings.max_output, files={"submission.ipynb": data})
        try:
            try:
                kernel.start()
            except Exception as error:  # noqa: BLE001
                result["status"] = worse(result["status"], "kernel died")
                result["notes"].append(_note("kernel start", detail=str(error)[:300]))
                return
            alive = _execute_cells(kernel, cells, settings, result)
            if alive:
                _observe(kernel, specs, settings, result)
            _limits_hit(kernel, settings, limits, result)
        finally:
            kernel.close()


def _execute_cells(kernel: Kernel, cells: list, settings: Settings, result: dict) -> bool:
    """Run the cells in order; False if the kernel did not survive them."""
    deadline = time.monotonic() + settings.wall_time
    for index, source in cells:
        left = deadline - time.monotonic()
        if left <= 0:
            result["status"] = worse(result["status"], "timeout")
            result["notes"].append(_note("wall time", seconds=settings.wall_time, cell=index))
            return False
        reply = kernel.execute(source, min(settings.timeout, left))
        status = reply.status
        if status == "error":
            result["status"] = worse(result["status"], "file size" if "File too large" in reply.get("evalue", "") else "error")
            result["notes"].append(_note("cell error", cell=index, ename=reply["ename"], evalue=reply["evalue"]))
        elif status == "stuck":  # it ignored the interrupt: the sandbox is ended
            result["status"] = worse(result["status"], "timeout")
            result["notes"].append(_note("cell stuck", cell=index, seconds=min(settings.timeout, left)))
            return False
        elif status == "timeout":
            result["status"] = worse(result["status"], "timeout")
            if time.monotonic() >= deadline - 0.01:
                result["notes"].append(_note("wall time", seconds=settings.wall_time, cell=index))
                return False
            result["notes"].append(_note("cell timeout", cell=index, seconds=settings.timeout))
        elif status == "output":
            result["status"] = worse(result["status"], "output")
            result["notes"].append(_note("output", cell=index, limit=_size(settings.max_output)))
            return False
        elif status == "died":
            result["status"] = worse(result["status"], "kernel died")
            result["notes"].append(_note("kernel died", cell=index, exit=reply.get("code")))
            return False
    return True


def _observe(kernel: Kernel, specs: dict, settings: Settings, result: dict) -> None:
    # Nothing the notebook started may help its functions (or hold the process slots they need).
    kernel.box.stop_others()
    kernel.reset_record()
    source = inspect.getsource(harness)
    from gdcourse.grading.messages import NOTES

    code = _HARNESS_CELL.format(source=source, specs=json.dumps(specs), missing=NOTES["not defined"], record=kernel.record_inside())
    per_exercise = settings.budget() + harness.SETUP_SECONDS + 1
    reply = kernel.execute(code, per_exercise * max(1, len(specs)) + 10)
    if reply.status != "ok":
        detail = f"{reply.get('ename')}: {reply.get('evalue')}" if reply.status == "error" else reply.status
        if reply.status == "died":
            result["status"] = worse(result["status"], "kernel died")
        elif reply.status in ("timeout", "stuck"):
            result["status"] = worse(result["status"], "timeout")
        elif reply.status == "output":
            result["status"] = worse(result["status"], "output")
        result["notes"].append(_note("harness failed", detail=detail))
        return
    folder = os.open(kernel.io, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        records = loads_untrusted(read_untrusted("record.json", settings.max_record, dir_fd=folder))
        if not isinstance(records, dict) or not all(isinstance(records.get(n), dict) for n in specs):
            raise UntrustedFile("not one record per exercise")
    except UntrustedFile as error:
        result["status"] = worse(result["status"], "invalid result")
        result["notes"].append(_note("invalid result", detail=error.reason))
        return
    finally:
        os.close(folder)
    result["records"] = {name: records[name] for name in specs}


def _limits_hit(kernel: Kernel, settings: Settings, limits: Limits, result: dict) -> None:
    events = kernel.box.events() if kernel.box else {}
    code = kernel.box.poll() if kernel.box else None
    if events.get("memory"):
        result["status"] = worse(result["status"], "memory")
        result["notes"].append(_note("memory", limit=_size(limits.memory)))
    if events.get("processes"):
        result["status"] = worse(result["status"], "processes")
        result["notes"].append(_note("processes", limit=limits.processes))
    if code == 128 + signal.SIGXCPU:  # the soft RLIMIT_CPU (SIGKILL would follow at the hard one)
        result["status"] = worse(result["status"], "cpu time")
        result["notes"].append(_note("cpu time", seconds=limits.cpu_time))
    if result["status"] in ("memory", "cpu time", "kernel died") and not any(n["code"] == "grading stopped" for n in result["notes"]):
        if not result["records"]:
            result["notes"].append(_note("grading stopped"))
