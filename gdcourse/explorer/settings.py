"""An explorer's settings as data, and the gdcourse run that they stand for.

A *settings object* is what an explorer on the page reports (``element.gdcourseExplorer.settings()``),
as JSON::

    {"optimizer": "Adam", "eps_in_sqrt": false, "eta": 0.1, "beta1": 0.9, "beta2": 0.999,
     "eps": 1e-08, "problem": "Rosenbrock", "steps": 200, "start": [-1.5, 2.0]}

``optimizer`` is a class name of :mod:`gdcourse.optimizers`, followed by its configuration flags and
hyperparameters; ``problem`` is a key of :func:`gdcourse.problems.two_d`, optionally with ``l2`` (the λ
of ``problem.with_l2(λ)``); ``steps`` and ``start`` are the arguments of :func:`gdcourse.run.run`.
A run under a learning-rate schedule also has ``schedule``: the name of one of
:data:`~gdcourse.explorer.kernels.SCHEDULES`, its parameters and the warm-up's length (0: none), e.g.
``{"name": "CosineAnnealing", "T": 180, "warmup": 20}``; ``eta`` is then the schedule's peak η, and
:func:`schedule_of` builds the :class:`~gdcourse.schedules.Schedule` it stands for.
:func:`run_settings` returns that run's :class:`~gdcourse.run.Trajectory`, so that any picture the page
shows can be reproduced in Python.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

from gdcourse.explorer.kernels import MAX_STEPS, SCHEDULES, flags_of, optimizer_class, problem_catalogue
from gdcourse.run import Trajectory, run
from gdcourse.schedules import LinearWarmup, Schedule

__all__ = ["SLIDERS", "SCHEDULE_SLIDERS", "STEPS", "check_settings", "describe_schedule", "run_settings", "schedule_of"]

def _decades(mantissas, low: int, high: int) -> list[float]:
    """m × 10^k for k from low to high - 1, then 10^high: decimal values, exact as typed."""
    return [float(f"{m}e{k}") for k in range(low, high) for m in mantissas] + [float(f"1e{high}")]


#: The slider of each hyperparameter (and of the L2 penalty λ): either ``values``, the positions of a
#: slider that moves through chosen values (log-like), or ``low``, ``high``, ``step`` of a linear one.
#: The number box beside a slider takes any allowed value (gdcourse.optimizers.HYPERPARAMETERS), which
#: the slider then shows at its nearest position.
SLIDERS = {
    "eta": {"values": _decades((1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9), -4, 1)},
    "alpha": {"low": 0.0, "high": 0.99, "step": 0.01},
    "gamma": {"values": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999]},
    "rho": {"values": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.999]},
    "beta1": {"low": 0.0, "high": 0.99, "step": 0.01},
    "beta2": {"values": [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9998, 0.9999]},
    "eps": {"values": _decades((1, 2, 5), -12, 0)},
    "weight_decay": {"low": 0.0, "high": 1.0, "step": 0.01},
    "l2": {"low": 0.0, "high": 1.0, "step": 0.01},
}

#: The steps slider: (low, high, step); the box takes any integer from 0 to MAX_STEPS.
STEPS = (10, MAX_STEPS, 10)

_FRACTION = {"low": 0.0, "high": 1.0, "lowExclusive": True, "highInclusive": True}  # (0, 1]
_POSITIVE = {"low": 0.0, "high": None, "lowExclusive": True}  # (0, ∞)
_STEP_COUNT = {"integer": True, "low": 1, "high": MAX_STEPS}

#: The controls of a schedule's parameters, by control key ``"<schedule>.<parameter>"``, and of the
#: warm-up's length W: the slider (as in SLIDERS) and ``allowed``, what its number box accepts (the
#: parameter's range in gdcourse.schedules; a count of steps up to MAX_STEPS).
SCHEDULE_SLIDERS = {
    "StepDecay.step_size": {"low": 10, "high": MAX_STEPS, "step": 10, "allowed": _STEP_COUNT},
    "StepDecay.factor": {"values": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0], "allowed": _FRACTION},
    "ExponentialDecay.factor": {"values": [0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.997, 0.998, 0.999, 0.9995, 0.9999, 1.0], "allowed": _FRACTION},
    "InverseTimeDecay.tau": {"values": _decades((1, 2, 5), 0, 3), "allowed": _POSITIVE},
    "InverseTimeDecay.power": {"values": [0.25, 0.5, 0.6, 0.75, 1.0, 1.5, 2.0], "allowed": _POSITIVE},
    "CosineAnnealing.T": {"low": 10, "high": MAX_STEPS, "step": 10, "allowed": _STEP_COUNT},
    "warmup": {"low": 0, "high": 500, "step": 5, "allowed": {"integer": True, "low": 0, "high": MAX_STEPS}},
}
_INTEGER_PARAMETERS = {"step_size", "T"}


def schedule_of(spec: Mapping, eta: float) -> Schedule:
    """The schedule a settings object's ``schedule`` stands for, with peak learning rate ``eta``.

    >>> schedule_of({"name": "CosineAnnealing", "T": 90, "warmup": 10}, 0.1)
    LinearWarmup(schedule=CosineAnnealing(eta=0.1, T=90, eta_min=0), steps=10, start_factor=0)
    """
    cls, _ = SCHEDULES[spec["name"]]
    inner = cls(eta=eta, **{name: spec[name] for name in SCHEDULES[spec["name"]][1]})
    return LinearWarmup(inner, steps=spec["warmup"]) if spec["warmup"] else inner


def describe_schedule(schedule: Schedule) -> dict:
    """A schedule as an explorer's ``schedule`` setting (without η): the inverse of :func:`schedule_of`.

    ``ValueError`` for a schedule the explorer has no controls for (SGDR, milestones, ``eta_min`` or a
    warm-up ``start_factor`` other than 0, an array η), naming what it can show instead.
    """
    offered = ", ".join(SCHEDULES)
    warmup = 0
    if isinstance(schedule, LinearWarmup):
        if schedule.start_factor != 0:
            raise ValueError(f"an explorer's warm-up starts from 0 (start_factor=0); got start_factor={schedule.start_factor:g}")
        warmup, schedule = schedule.steps, schedule.schedule
    name = type(schedule).__name__
    if name not in SCHEDULES or type(schedule) is not SCHEDULES[name][0]:
        raise ValueError(f"an explorer shows the schedules {offered}, each optionally inside LinearWarmup; got {schedule!r}")
    parameters = schedule._parameters()
    if isinstance(parameters["eta"], np.ndarray):
        raise ValueError(f"an explorer's schedule has one peak learning rate, not an array; got {schedule!r}")
    controlled = SCHEDULES[name][1]
    fixed = {k: v for k, v in parameters.items() if k != "eta" and k not in controlled}
    reference = type(schedule)(eta=parameters["eta"], **{k: parameters[k] for k in controlled})._parameters()
    different = sorted(k for k, v in fixed.items() if reference[k] != v)
    if different:
        raise ValueError(f"an explorer's {name} has controls for {list(controlled) or 'nothing but η'}; "
                         f"the other arguments keep their defaults, but {schedule!r} sets {different}")
    return {"name": name, **{k: parameters[k] for k in controlled}, "warmup": warmup}


def _check_schedule(value, eta: float) -> dict:
    if not isinstance(value, Mapping) or value.get("name") not in SCHEDULES:
        raise ValueError(f"settings['schedule'] must be an object with 'name' one of {list(SCHEDULES)}, its parameters and 'warmup'; got {value!r}")
    name = value["name"]
    expected = {"name", *SCHEDULES[name][1], "warmup"}
    if set(value) != expected:
        raise ValueError(f"settings['schedule'] for {name} must have exactly the keys {sorted(expected)}; got {sorted(value)}")
    checked = {"name": name}
    for key in (*SCHEDULES[name][1], "warmup"):
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, numbers.Real) or not math.isfinite(number):
            raise ValueError(f"settings['schedule'][{key!r}] must be a finite number; got {number!r}")
        if key in _INTEGER_PARAMETERS or key == "warmup":
            if number != int(number):
                raise ValueError(f"settings['schedule'][{key!r}] must be a whole number of steps; got {number!r}")
            number = int(number)
        checked[key] = number
    if not 0 <= checked["warmup"] <= MAX_STEPS:
        raise ValueError(f"settings['schedule']['warmup'] (the warm-up's steps W, 0 for none) must be from 0 to {MAX_STEPS}; got {checked['warmup']!r}")
    schedule_of(checked, eta)  # ValueError naming a parameter that gdcourse.schedules refuses
    return checked


def _number(settings: Mapping, key: str, *, low: float = -math.inf, high: float = math.inf) -> float:
    value = settings[key]
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"settings[{key!r}] must be a finite number in [{low:g}, {high:g}]; got {value!r}")
    return float(value)


def check_settings(settings: Mapping) -> dict:
    """The settings, checked and normalised; ``ValueError`` naming the key, the value and what is allowed."""
    if not isinstance(settings, Mapping):
        raise ValueError(f"settings must be a mapping (a dict, or the page's JSON object); got {type(settings).__name__}")
    for key in ("optimizer", "problem", "steps", "start"):
        if key not in settings:
            raise ValueError(f"settings lack {key!r}: a settings object has optimizer, its hyperparameters, problem, steps and start")
    cls = optimizer_class(settings["optimizer"])
    flags = flags_of(cls)
    catalogue = problem_catalogue()
    allowed = {"optimizer", "problem", "steps", "start", "l2", "schedule", *cls.hyperparameter_names, *flags}
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ValueError(f"settings have unknown key(s) {unknown} for {cls.__name__}; allowed: {sorted(allowed)}")
    missing = [name for name in cls.hyperparameter_names if name not in settings]
    if missing:
        raise ValueError(f"settings lack {cls.__name__}'s hyperparameter(s) {missing}")
    checked: dict = {"optimizer": cls.__name__}
    for flag in flags:
        if flag in settings:
            if not isinstance(settings[flag], (bool, np.bool_)):
                raise ValueError(f"settings[{flag!r}] must be true or false; got {settings[flag]!r}")
            checked[flag] = bool(settings[flag])
    for name in cls.hyperparameter_names:
        checked[name] = _number(settings, name)
    if "schedule" in settings:
        checked["schedule"] = _check_schedule(settings["schedule"], checked["eta"])
    if settings["problem"] not in catalogue:
        raise ValueError(f"settings['problem'] must be one of {list(catalogue)}; got {settings['problem']!r}")
    checked["problem"] = settings["problem"]
    if "l2" in settings:
        checked["l2"] = _number(settings, "l2", low=0.0)
    steps = settings["steps"]
    if isinstance(steps, bool) or not isinstance(steps, numbers.Real) or steps != int(steps) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"settings['steps'] must be an integer from 0 to {MAX_STEPS}; got {steps!r}")
    checked["steps"] = int(steps)
    start = settings["start"]
    if not (isinstance(start, (list, tuple, np.ndarray)) and len(start) == 2):
        raise ValueError(f"settings['start'] must be a pair [w1, w2]; got {start!r}")
    checked["start"] = [_number({"start": x}, "start") for x in start]
    return checked


def run_settings(settings: Mapping) -> Trajectory:
    """The :class:`~gdcourse.run.Trajectory` that :func:`gdcourse.run.run` gives for a settings object.

    >>> t = run_settings({"optimizer": "Momentum", "eta": 0.5, "alpha": 0.9,
    ...                   "problem": "quadratic", "steps": 200, "start": [-4.5, 1.5]})
    >>> t.w.shape, t.reason
    ((201, 2), '200 steps')

    With ``"schedule": {"name": "StepDecay", "step_size": 50, "factor": 0.1, "warmup": 0}`` the same
    settings run ``Momentum(eta=StepDecay(0.5, step_size=50, factor=0.1), alpha=0.9)``.
    """
    checked = check_settings(settings)
    cls = optimizer_class(checked["optimizer"])
    flags = {flag: checked[flag] for flag in flags_of(cls) if flag in checked}
    hyperparameters = {name: checked[name] for name in cls.hyperparameter_names}
    if "schedule" in checked:
        hyperparameters["eta"] = schedule_of(checked["schedule"], checked["eta"])
    optimizer = cls(**hyperparameters, **flags)
    problem = problem_catalogue()[checked["problem"]]
    if "l2" in checked:
        problem = problem.with_l2(checked["l2"])
    return run(optimizer, problem, np.array(checked["start"]), checked["steps"])
