"""Call a student's step function on given inputs and record what it returns — nothing else.

This module judges nothing: it runs the function for the consecutive steps of each scenario (feeding the
function's own outputs back as the next state), with a time limit per call, and records for every step
either the returned arrays (as plain float64 lists) or what went wrong (raised, timed out, returned the
wrong thing, modified an input).  :mod:`gdcourse.exercises.judge` compares the record with the expected
values, in a process the student's code never touched when grading.

It is self-contained on purpose — it imports only the standard library and numpy — because
``gdcourse grade`` sends its source text to the student's kernel and runs it there, so that the kernel
never needs (or can alter) the rest of gdcourse.  Its input and output are JSON-compatible dicts.
"""

import ctypes
import threading

import numpy

_array = numpy.array
_ndarray = numpy.ndarray
_float64 = numpy.float64


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


def _stop_thread(thread):
    """Ask a runaway thread to raise; pure-Python loops stop at their next bytecode."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(SystemExit))


def _call(function, arguments, timeout):
    """Run function(*arguments) in a worker thread; return ("ok", value), ("raised", text) or ("timeout", None)."""
    box = {}

    def target():
        try:
            # NaN and overflow are reported by the judge, in words; numpy's warnings would only add noise.
            with numpy.errstate(all="ignore"):
                box["value"] = function(*arguments)
        except BaseException as error:  # noqa: BLE001 - anything the student's code raises is a result
            box["error"] = f"{type(error).__name__}: {error}"

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        _stop_thread(worker)
        worker.join(0.5)
        return "timeout", None
    if "error" in box:
        return "raised", box["error"]
    return "ok", box.get("value")


def _check_return(value, output_names, input_shape):
    """None if value is a tuple of len(output_names) real ndarrays of the inputs' shape, else a problem."""
    n = len(output_names)
    if value is None:
        return {"kind": "returned None", "detail": f"expected a tuple ({', '.join(output_names)})"}
    if isinstance(value, _ndarray) or not isinstance(value, (tuple, list)):
        return {"kind": "not a tuple", "detail": f"returned a {type(value).__name__}, expected a tuple of {n} arrays ({', '.join(output_names)})"}
    if len(value) != n:
        return {"kind": "wrong count", "detail": f"returned {len(value)} values, expected {n} ({', '.join(output_names)})"}
    for name, item in zip(output_names, value):
        if not isinstance(item, _ndarray):
            return {"kind": "not an array", "detail": f"{name} is a {type(item).__name__}, not a numpy array"}
        if item.dtype.kind not in "fiu":
            return {"kind": "not an array", "detail": f"{name} has dtype {item.dtype}, not a real number type"}
        if item.shape != input_shape:
            return {"kind": "wrong shape", "detail": f"{name} has shape {item.shape} but the inputs have shape {input_shape}"}
    return None


def observe(spec, function):
    """Run ``function`` on every scenario of ``spec``; return the record (a JSON-compatible dict).

    spec = {"inputs": [argument names in order], "outputs": [state names of the returned values],
            "labels": [the returned values' names for messages, e.g. "w_new"],
            "timeout": seconds per call, "scenarios": [{"name", "state": {name: nested list},
            "grads": [nested lists], "hyper": {name: float}, "r0": int}]}
    The returned values are fed back as the state of the next step.
    """
    record = {"scenarios": []}
    if not callable(function):
        record["problem"] = f"it is a {type(function).__name__}, not a function"
        return record
    for scenario in spec["scenarios"]:
        state = {name: _array(value, dtype=_float64) for name, value in scenario["state"].items()}
        steps = []
        for k, grad in enumerate(scenario["grads"]):
            values = dict(state)
            values["grad"] = _array(grad, dtype=_float64)
            values["r"] = scenario.get("r0", 1) + k
            values.update(scenario["hyper"])
            arguments = [values[name] for name in spec["inputs"]]
            copies = [a.copy() if isinstance(a, _ndarray) else a for a in arguments]
            status, value = _call(function, arguments, spec["timeout"])
            if status != "ok":
                steps.append({"kind": status, "detail": value})
                if status == "timeout":  # a function that hangs once is not called again
                    record["scenarios"].append(steps)
                    return record
                break
            modified = [
                name
                for name, before, after in zip(spec["inputs"], copies, arguments)
                if isinstance(before, _ndarray) and not _same(before, after)
            ]
            if modified:
                steps.append({"kind": "modified input", "detail": ", ".join(modified)})
                break
            problem = _check_return(value, spec["labels"], values["grad"].shape)
            if problem:
                steps.append(problem)
                break
            outputs = [_plain(item) for item in value]
            steps.append({"kind": "ok", "outputs": outputs, "types": [str(item.dtype) for item in value]})
            for name, output in zip(spec["outputs"], outputs):
                if name in state:
                    state[name] = _array(output, dtype=_float64)
        record["scenarios"].append(steps)
    return record
