"""The JavaScript that the explorers run, generated from gdcourse itself.

:func:`module_prefix` traces (:mod:`gdcourse.explorer.trace`) and writes out
(:mod:`gdcourse.explorer.javascript`):

- every optimizer's ``update`` — one variant per value of its configuration flags (``eps_in_sqrt``),
  because a Python ``if`` on a flag is decided before tracing;
- every 2-D problem's ``f`` and ``grad`` (:func:`gdcourse.problems.two_d`), also with an L2 penalty
  whose λ is a parameter (``problem.with_l2``), and the unit quadratic of the eigen-direction figure;
- the momentum analysis of :mod:`gdcourse.analysis` (rate, regime, region edges);
- the learning-rate schedules of :data:`SCHEDULES` — each one's ``rate``, alone and inside a
  :class:`~gdcourse.schedules.LinearWarmup`, with its parameters and the warm-up's W as parameters of
  the generated code (an optimizer's step r then runs with η = the schedule's η_r, as
  :meth:`gdcourse.optimizers.Optimizer.step` does);

and adds what is data rather than equations: each problem's window, start, minimizers and ``f_min``,
and for the minibatch problem (rare features) its examples and the indices of every minibatch that
:func:`gdcourse.run.run` would draw, in order.

The result is the text of one JavaScript constant, ``GDCOURSE``, which the explorer's bundle
(``site/explorer/``) reads.  Change an ``update`` method and the next build ships the new arithmetic;
``tests/test_explorer_kernels.py`` runs the generated code in Node.js against :func:`gdcourse.run.run`.
"""

from __future__ import annotations

import base64
import copy
import functools
import itertools
import json
from unittest import mock

import numpy as np

import gdcourse
from gdcourse import analysis, optimizers, schedules
from gdcourse.explorer.javascript import HELPERS, function
from gdcourse.explorer.trace import Tensor
from gdcourse.problems import DataProblem, L2Regularized, Problem, Quadratic, two_d

__all__ = ["MAX_STEPS", "OPTIMIZERS", "SCHEDULES", "flags_of", "optimizer_class", "problem_catalogue", "module_prefix"]

#: The most steps an explorer runs (the minibatch problem ships this many batches).
MAX_STEPS = 2000

#: The optimizers an explorer can run, by class name.
OPTIMIZERS = {
    name: getattr(optimizers, name)
    for name in optimizers.__all__
    if isinstance(getattr(optimizers, name), type)
    and issubclass(getattr(optimizers, name), optimizers.Optimizer)
    and getattr(optimizers, name) is not optimizers.Optimizer
}

#: The schedules an explorer offers, by class name: the parameters its controls set (besides the peak η,
#: the optimizer's ``eta``) with the values a reader starts from on choosing it.  The schedules'
#: other arguments keep their defaults (``eta_min = 0``), and a warm-up starts from 0
#: (``start_factor = 0``); a cyclic schedule (SGDR) or a list of milestones has no controls here.
SCHEDULES: dict[str, tuple[type, dict]] = {
    "Constant": (schedules.Constant, {}),
    "StepDecay": (schedules.StepDecay, {"step_size": 100, "factor": 0.5}),
    "ExponentialDecay": (schedules.ExponentialDecay, {"factor": 0.99}),
    "InverseTimeDecay": (schedules.InverseTimeDecay, {"tau": 20.0, "power": 1.0}),
    "CosineAnnealing": (schedules.CosineAnnealing, {"T": 200}),
}

#: The problem the eigen-direction figure runs: ½u² (plus a second coordinate that stays 0).
EIGENDIRECTION = "eigendirection"


def optimizer_class(name: str) -> type:
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}; got {name!r}")
    return OPTIMIZERS[name]


def flags_of(cls: type) -> tuple[str, ...]:
    """The configuration flags of an optimizer class: its public bool attributes (e.g. ``eps_in_sqrt``)."""
    return tuple(sorted(k for k, v in vars(cls()).items() if isinstance(v, bool) and not k.startswith("_")))


def problem_catalogue() -> dict[str, Problem]:
    """The problems an explorer offers, by key: the 2-D problems of the course."""
    return two_d()


# --------------------------------------------------------------------------- optimizers
def _variant_key(flags: dict) -> str:
    return ",".join(f"{k}={'true' if v else 'false'}" for k, v in sorted(flags.items()))


def trace_update(cls: type, flags: dict) -> str:
    """JavaScript of ``cls.update`` with the configuration ``flags``, for 2-D weights."""
    instance = cls()
    for name, value in flags.items():
        setattr(instance, name, value)
    w, g = Tensor.input("w", (2,)), Tensor.input("g", (2,))
    state = [Tensor.input(name, (2,)) for name in cls.state_names]
    r = [Tensor.input("r")] if cls._takes_r else []
    hyper = [Tensor.input(name) for name in cls.hyperparameter_names]
    result = instance.update(w, g, *state, *r, *hyper)
    outputs = result if cls.state_names else (result,)
    parameters = ["w", "g", *cls.state_names, *(["r"] if cls._takes_r else []), *cls.hyperparameter_names]
    description = ", ".join(f"{k}={v}" for k, v in flags.items())
    comment = f"{cls.__name__}.update{f' ({description})' if description else ''}: returns [w, {', '.join(cls.state_names)}]"
    return function(f"{cls.__name__}_{_variant_key(flags).replace('=', '_').replace(',', '_') or 'update'}", parameters, tuple(outputs), comment)


def _optimizer_entry(cls: type) -> str:
    flags = flags_of(cls)
    variants = []
    for values in itertools.product([False, True], repeat=len(flags)):
        setting = dict(zip(flags, values))
        variants.append(f"{json.dumps(_variant_key(setting))}: {trace_update(cls, setting)}")
    meta = {
        "hyperparameters": list(cls.hyperparameter_names),
        "state": list(cls.state_names),
        "takesR": cls._takes_r,
        "flags": list(flags),
    }
    body = ",\n".join(variants)
    return f"{json.dumps(cls.__name__)}: Object.assign({json.dumps(meta)}, {{variants: {{\n{body}\n}}}})"


# --------------------------------------------------------------------------- problems
def _passthrough_points(self, w):
    if w.shape[-1] != self.dim:
        raise ValueError(f"{self.name}: traced w has shape {w.shape}")
    return w


def _traced(problem: Problem, method: str, *args):
    # Problem._points checks that w is an array of real numbers; the traced w is not one, and the
    # check is validation, not arithmetic, so it is skipped while tracing.
    with mock.patch.object(Problem, "_points", _passthrough_points):
        return getattr(problem, method)(*args)


def _batched(problem: DataProblem) -> DataProblem:
    """A copy of a minibatch problem whose next batch is the symbolic rows X, y (the batch is data)."""
    stand_in = copy.copy(problem)
    size = problem.batch_size
    stand_in.X = Tensor.input("X", (size, problem.dim))
    stand_in.y = Tensor.input("y", (size,))
    stand_in.next_batch = lambda: np.arange(size)
    return stand_in


def _base64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()).decode("ascii")


def _problem_entry(key: str, problem: Problem) -> str:
    minibatch = isinstance(problem, DataProblem) and problem.batch_size is not None
    traced = _batched(problem) if minibatch else problem
    batch = ["X", "y"] if minibatch else []
    w, lam = Tensor.input("w", (2,)), Tensor.input("lam")
    with_l2 = L2Regularized(traced, 0.0)
    with_l2.lam = lam  # λ becomes a parameter of the generated code
    kernels = {
        "f": function("f", ["w"], _traced(traced, "f", w), f"{key}: f(w)"),
        "grad": function("grad", ["w", *batch], _traced(traced, "grad", w), f"{key}: grad(w)"),
        "fL2": function("f_l2", ["w", "lam"], _traced(with_l2, "f", w), f"{key} + L2: f(w) + λ/2 |w|²"),
        "gradL2": function("grad_l2", ["w", "lam", *batch], _traced(with_l2, "grad", w), f"{key} + L2: grad(w) + λ w"),
    }
    meta = {
        "name": problem.name,
        "window": [list(map(float, axis)) for axis in problem.window],
        "start": [float(x) for x in problem.start],
        "fMin": None if problem.f_min is None else float(problem.f_min),
        "minimizers": None if problem.minimizers is None else problem.minimizers.tolist(),
        "saddles": getattr(problem, "saddle_points", np.zeros((0, 2))).tolist(),
        "stochastic": bool(problem.stochastic),
    }
    if minibatch:
        problem.reset()
        order = np.array([problem.next_batch() for _ in range(MAX_STEPS)])
        problem.reset()
        meta["batches"] = {
            "size": problem.batch_size,
            "X": _base64(problem.X, "f8"),
            "y": _base64(problem.y, "f8"),
            "order": _base64(order, "u2" if problem.n_train < 2**16 else "u4"),
            "indexBytes": 2 if problem.n_train < 2**16 else 4,
        }
    functions = ",\n".join(f"{name}: {source}" for name, source in kernels.items())
    return f"{json.dumps(key)}: Object.assign({json.dumps(meta)}, {{\n{functions}\n}})"


# --------------------------------------------------------------------------- schedules
def trace_schedule(name: str, warmup: bool) -> str:
    """JavaScript of schedule ``name``'s ``rate(r)`` (inside a LinearWarmup of W steps if ``warmup``).

    The generated function takes ``r``, ``eta``, the parameters of :data:`SCHEDULES` and, with a warm-up,
    ``W``; the schedule is built with placeholder values and then given traced ones, so the code traced is
    the class's own ``rate``.
    """
    cls, defaults = SCHEDULES[name]
    schedule = cls(eta=1.0, **defaults)
    parameters = ["eta", *defaults]
    for parameter in parameters:
        setattr(schedule, parameter, Tensor.input(parameter))
    if warmup:
        schedule = schedules.LinearWarmup(schedule, steps=1)
        schedule.steps = Tensor.input("W")
        parameters.append("W")
    rate = schedule.rate(Tensor.input("r"))
    form = f"LinearWarmup({name}(...), steps=W)" if warmup else f"{name}(...)"
    return function(f"{name}_{'warmup' if warmup else 'rate'}", ["r", *parameters], rate, f"{form}.rate(r)")


def _schedule_entries() -> str:
    entries = []
    for name, (_, defaults) in SCHEDULES.items():
        meta = {"parameters": list(defaults)}
        kernels = f"rate: {trace_schedule(name, False)},\nwarmup: {trace_schedule(name, True)}"
        entries.append(f"{json.dumps(name)}: Object.assign({json.dumps(meta)}, {{\n{kernels}\n}})")
    return "{\n" + ",\n".join(entries) + "\n}"


# --------------------------------------------------------------------------- analysis
def _analysis_entries() -> str:
    x, a = Tensor.input("eta_lambda"), Tensor.input("alpha")
    entries = {
        "momentumRate": function("momentum_rate", ["eta_lambda", "alpha"], analysis.momentum_rate(x, a), "analysis.momentum_rate"),
        "momentumRegime": function("momentum_regime", ["eta_lambda", "alpha"], analysis.momentum_regime(x, a), "analysis.momentum_regime"),
        "momentumEdges": function("momentum_edges", ["alpha"], analysis.momentum_edges(a), "analysis.momentum_edges"),
    }
    body = ",\n".join(f"{name}: {source}" for name, source in entries.items())
    return f"{{regimes: {json.dumps(list(analysis.REGIMES))},\n{body}\n}}"


@functools.lru_cache(maxsize=1)
def module_prefix() -> str:
    """The generated JavaScript: ``const GDCOURSE = {...};`` (optimizers, problems, analysis, data)."""
    problems = dict(problem_catalogue())
    problems[EIGENDIRECTION] = Quadratic(kappa=1.0)
    optimizer_entries = ",\n".join(_optimizer_entry(cls) for cls in OPTIMIZERS.values())
    problem_entries = ",\n".join(_problem_entry(key, problem) for key, problem in problems.items())
    return (
        f"// Generated by gdcourse {gdcourse.__version__} (gdcourse/explorer/kernels.py) from gdcourse's own\n"
        "// update methods, problems and analysis. Do not edit: change gdcourse and rebuild.\n"
        "const GDCOURSE = (() => {\n"
        f"{HELPERS}"
        f"const optimizers = {{\n{optimizer_entries}\n}};\n"
        f"const problems = {{\n{problem_entries}\n}};\n"
        f"const analysis = {_analysis_entries()};\n"
        f"const schedules = {_schedule_entries()};\n"
        f"return {{version: {json.dumps(gdcourse.__version__)}, maxSteps: {MAX_STEPS}, menu: {json.dumps(list(problem_catalogue()))}, "
        f"eigendirection: {json.dumps(EIGENDIRECTION)}, optimizers, problems, analysis, schedules}};\n"
        "})();\n"
    )
