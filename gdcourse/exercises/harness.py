"""Call a student's step function on given inputs and record what it returns — nothing else.

This module judges nothing: it runs the function for the consecutive steps of each scenario (feeding the
function's own outputs back as the next state) and records for every step either the returned arrays (as
plain float64 lists) or what went wrong (raised, timed out, returned the wrong thing, modified an input,
called into gdcourse).  :mod:`gdcourse.exercises.judge` compares the record with the expected values.

Where the function runs: in a forked child process, so that nothing the student's code does — an endless
loop, a signal handler, an object whose ``__len__``, ``dtype`` or ``__float__`` never returns — can stop the
caller.  The child sends one JSON line per step through a pipe; the caller waits for each line with a
deadline and kills the child's whole process group when it is late.  The caller never touches an object
the student's code made: it only reads JSON.  Before the first call the child turns every function of the
packages named in ``spec["forbid"]`` (``gdcourse``) into a tripwire, so a function that borrows the
package's optimizers is reported as such; with ``spec["no_processes"]`` it also forbids new processes.

It is self-contained on purpose — it imports only the standard library and numpy — because
``gdcourse grade`` sends its source text to the student's kernel and runs it there, so that the kernel
never needs (or can alter) the rest of gdcourse.  Its input and output are JSON-compatible dicts.
"""

import json
import os
import select
import signal
import sys
import time

import numpy

_array = numpy.array
_ndarray = numpy.ndarray
_float64 = numpy.float64
_function = type(lambda: None)

#: Bytes a child may send for one exercise; more is reported as "too much output".
RECORD_LIMIT = 1 << 20
#: Seconds allowed for the fork and the tripwires before the first call's own deadline starts (they
#: take a tenth of a second; the margin is for a loaded machine).
SETUP_SECONDS = 3.0
#: Exit code of a child that called into a forbidden package.
_BORROWED_EXIT = 3


def _plain(x):
    """A float64 copy of an ndarray as nested lists (NaN and inf kept as floats)."""
    return _array(x, dtype=_float64, copy=True).tolist()


def _same(a, b):
    """Bitwise-equal arrays (NaN equal to NaN): has an input been modified?"""
    a = _array(a, dtype=_float64, copy=True)
    b = _array(b, dtype=_float64, copy=True)
    if a.shape != b.shape:
        return False
    return bool(((a == b) | ((a != a) & (b != b))).all())


def _check_return(value, output_names, input_shape):
    """None if value is a tuple of len(output_names) real ndarrays of the inputs' shape, else a problem.

    A problem names its kind and the facts (types, counts, shapes); the judge words it for the student."""
    n, names = len(output_names), ", ".join(output_names)
    if value is None:
        return {"kind": "returned None", "names": names}
    if isinstance(value, _ndarray) or not isinstance(value, (tuple, list)):
        return {"kind": "not a tuple", "type": type(value).__name__, "n": n, "names": names}
    if len(value) != n:
        return {"kind": "wrong count", "count": len(value), "n": n, "names": names}
    for name, item in zip(output_names, value):
        if not isinstance(item, _ndarray):
            return {"kind": "not an array", "label": name, "type": type(item).__name__}
        if item.dtype.kind not in "fiu":
            return {"kind": "not real", "label": name, "dtype": str(item.dtype)}
        if item.shape != input_shape:
            return {"kind": "wrong shape", "label": name, "shape": str(item.shape), "expected": str(input_shape)}
    return None


# ----------------------------------------------------------------------------------------- the child


def _tripwire_code(qualname, n_free):
    """A code object that reports ``qualname`` as borrowed; ``n_free`` free variables fit any closure."""
    free = [f"_free{i}" for i in range(n_free)]
    body = "".join(f"    {name} = None\n" for name in free)
    uses = "".join(f"        {name}\n" for name in free)
    source = f"def _outer():\n{body}    def _tripwire(*args, **kwargs):\n{uses}        __gdcourse_tripwire__({qualname!r})\n    return _tripwire\n"
    namespace = {}
    exec(compile(source, "<gdcourse tripwire>", "exec"), namespace)
    return namespace["_outer"]().__code__


def _forbid(packages, report, keep_file):
    """Turn every function of ``packages`` (already imported or imported later) into a tripwire."""
    import builtins
    import gc

    def hit(qualname):
        report({"kind": "borrowed", "detail": qualname})
        os._exit(_BORROWED_EXIT)

    def forbidden(name):
        return any(name == p or name.startswith(p + ".") for p in packages)

    modules = [m for name, m in list(sys.modules.items()) if m is not None and forbidden(name)]
    folders = tuple(os.path.dirname(os.path.abspath(f)) + os.sep for f in (getattr(m, "__file__", None) for m in modules) if f)
    codes = {}  # by identity: equal code objects compiled elsewhere (this harness, exec'd) are not the package's
    for module in modules:
        for value in list(module.__dict__.values()):
            code = getattr(getattr(value, "__func__", value), "__code__", None)
            if code is not None:
                codes[id(code)] = code
    mine = globals()  # the harness's own functions, wherever it was loaded from
    for module in modules:
        module.__dict__["__gdcourse_tripwire__"] = hit
    builtins.__gdcourse_tripwire__ = hit  # for copies of the package's functions made with other globals
    for obj in gc.get_objects():
        if type(obj) is not _function:
            continue
        code = obj.__code__
        filename = code.co_filename
        if filename == keep_file or obj.__globals__ is mine:
            continue
        if id(code) in codes or (folders and filename.startswith(folders)):
            module = getattr(obj, "__module__", None) or "?"
            obj.__code__ = _tripwire_code(f"{module}.{obj.__qualname__}", len(code.co_freevars))

    class Refuse:
        """Importing (or reloading) a forbidden package inside the check is calling into it."""

        def find_spec(self, name, path=None, target=None):
            if forbidden(name):
                hit(name)
            return None

    sys.meta_path.insert(0, Refuse())


def _child(spec, function, write_fd):
    """Run every scenario and write one JSON line per step to ``write_fd``; never returns."""
    try:
        os.setpgid(0, 0)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # the kernel's own streams belong to the parent
            os.dup2(devnull, fd)
        sys.stdin = sys.stdout = sys.stderr = open(os.devnull, "w")
        signal.signal(signal.SIGINT, signal.SIG_DFL)

        def report(item):
            os.write(write_fd, (json.dumps(item) + "\n").encode())

        if spec.get("no_processes"):
            import resource

            resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        if spec.get("forbid"):
            _forbid(spec["forbid"], report, __file__ if "__file__" in globals() else None)
        if not callable(function):
            report({"problem": f"it is a {type(function).__name__}, not a function"})
            os._exit(0)
        _steps(spec, function, report)
    except BaseException as error:  # noqa: BLE001 - the harness's own failure is a result, not a crash
        try:
            os.write(write_fd, (json.dumps({"kind": "harness", "detail": f"{type(error).__name__}: {error}"}) + "\n").encode())
        except BaseException:  # noqa: BLE001
            pass
    os._exit(0)


def _steps(spec, function, report):
    for index, scenario in enumerate(spec["scenarios"]):
        state = {name: _array(value, dtype=_float64) for name, value in scenario["state"].items()}
        for k, grad in enumerate(scenario["grads"]):
            values = dict(state)
            values["grad"] = _array(grad, dtype=_float64)
            values["r"] = scenario.get("r0", 1) + k
            values.update(scenario["hyper"])
            arguments = [values[name] for name in spec["inputs"]]
            copies = [a.copy() if isinstance(a, _ndarray) else a for a in arguments]
            report({"scenario": index, "kind": "call"})
            try:
                with numpy.errstate(all="ignore"):  # NaN and overflow are reported by the judge, in words
                    value = function(*arguments)
            except BaseException as error:  # noqa: BLE001 - anything the student's code raises is a result
                report({"scenario": index, "kind": "raised", "detail": f"{type(error).__name__}: {error}"})
                break
            modified = [
                name
                for name, before, after in zip(spec["inputs"], copies, arguments)
                if isinstance(before, _ndarray) and not _same(before, after)
            ]
            if modified:
                report({"scenario": index, "kind": "modified input", "detail": ", ".join(modified)})
                break
            problem = _check_return(value, spec["labels"], values["grad"].shape)
            if problem:
                report({"scenario": index, **problem})
                break
            outputs = [_plain(item) for item in value]
            report({"scenario": index, "kind": "ok", "outputs": outputs, "types": [str(item.dtype) for item in value]})
            for name, output in zip(spec["outputs"], outputs):
                if name in state:
                    state[name] = _array(output, dtype=_float64)
    report({"kind": "end"})


# ---------------------------------------------------------------------------------------- the parent


def _kill(pid):
    for target in (-pid, pid):
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.waitpid(pid, 0)
    except OSError:
        pass


def _reap():
    """Collect children that already ended (a zombie still holds a process slot of the sandbox)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _lines(read_fd, deadline_of):
    """Yield JSON lines from the child; ``deadline_of(line)`` gives the monotonic deadline for the next one.

    Yields ``{"kind": "timeout"}`` when a deadline passes, ``{"kind": "too much"}`` past RECORD_LIMIT and
    ``{"kind": "eof"}`` when the child closes the pipe.
    """
    poller = select.poll()
    poller.register(read_fd, select.POLLIN)
    buffer, received, previous, deadline = b"", 0, None, None
    while True:
        if b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                previous = json.loads(line)
            except (ValueError, RecursionError):
                yield {"kind": "garbled"}
                return
            deadline = None
            yield previous
            continue
        if deadline is None:
            deadline = deadline_of(previous)
        left = deadline - time.monotonic()
        if left <= 0 or not poller.poll(left * 1000):
            yield {"kind": "timeout"}
            return
        chunk = os.read(read_fd, 65536)
        if not chunk:
            yield {"kind": "eof"}
            return
        received += len(chunk)
        if received > RECORD_LIMIT:
            yield {"kind": "too much"}
            return
        buffer += chunk


def _assemble(record, lines, end):
    """Fill ``record`` from the child's lines (see :func:`_steps`); return the last scenario begun."""
    current = None
    for line in lines:
        kind = line.get("kind")
        if "problem" in line:
            record["problem"] = line["problem"]
            break
        if kind == "end":
            break
        if kind == "call":
            current = line["scenario"]
            continue
        if kind in ("timeout", "eof", "garbled", "too much", "borrowed", "harness"):
            if kind == "timeout" and time.monotonic() >= end:
                kind = "budget"  # the calls were each in time, but too slow together
            step = {"kind": kind, "detail": line.get("detail")}
            if kind == "eof":
                step["detail"] = "the process running it exited"
            where = current if current is not None else 0
            if 0 <= where < len(record["scenarios"]):
                record["scenarios"][where].append(step)
            break
        scenario = line.get("scenario")
        if isinstance(scenario, int) and 0 <= scenario < len(record["scenarios"]):
            record["scenarios"][scenario].append({k: v for k, v in line.items() if k != "scenario"})
    # Scenarios after the one that stopped the function were never run.
    if current is not None:
        record["scenarios"] = record["scenarios"][: current + 1]
    return record


def observe(spec, function):
    """Run ``function`` on every scenario of ``spec``; return the record (a JSON-compatible dict).

    spec = {"inputs": [argument names in order], "outputs": [state names of the returned values],
            "labels": [the returned values' names for messages, e.g. "w_new"],
            "timeout": seconds per call, "budget": seconds for all calls (optional),
            "forbid": [package names whose functions may not be called] (optional),
            "no_processes": bool (optional), "scenarios": [{"name", "state": {name: nested list},
            "grads": [nested lists], "hyper": {name: float}, "r0": int}]}
    The returned values are fed back as the state of the next step.  A function that times out is not
    called again.  The whole call returns within about ``budget`` + SETUP_SECONDS seconds.
    """
    record = {"scenarios": [[] for _ in spec["scenarios"]]}
    timeout = float(spec["timeout"])
    end = time.monotonic() + float(spec.get("budget", timeout * sum(len(s["grads"]) for s in spec["scenarios"]))) + SETUP_SECONDS
    if not hasattr(os, "fork"):
        return _observe_in_a_thread(spec, function, record, end)
    if spec.get("no_processes"):  # grading: the kernel's own finished children are the notebook's
        _reap()
    read_fd, write_fd = os.pipe()
    sys.stdout.flush(), sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read_fd)
        _child(spec, function, write_fd)
    os.close(write_fd)

    def deadline_of(previous):
        if previous is None:  # the fork and the tripwires first
            return min(end, time.monotonic() + timeout + SETUP_SECONDS)
        if previous.get("kind") == "call":
            return min(end, time.monotonic() + timeout)
        return min(end, time.monotonic() + SETUP_SECONDS)

    try:
        return _assemble(record, _lines(read_fd, deadline_of), end)
    finally:
        os.close(read_fd)
        _kill(pid)


def _observe_in_a_thread(spec, function, record, end):
    """Where there is no fork (Windows): the function runs in a daemon thread of this process, with the
    whole budget as its only limit; a function that never returns is left running.  The batch grader
    always runs on Linux and forks."""
    import threading

    lines = []

    def target():
        try:
            if not callable(function):
                lines.append({"problem": f"it is a {type(function).__name__}, not a function"})
                return
            _steps(spec, function, lines.append)
        except BaseException as error:  # noqa: BLE001
            lines.append({"kind": "harness", "detail": f"{type(error).__name__}: {error}"})

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(max(0.0, end - time.monotonic()))
    done = list(lines)
    if worker.is_alive():
        done.append({"kind": "timeout"})
    return _assemble(record, done, end)
