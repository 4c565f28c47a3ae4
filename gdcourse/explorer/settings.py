"""An explorer's settings as data, and the gdcourse run that they stand for.

A *settings object* is what an explorer on the page reports (``element.gdcourseExplorer.settings()``),
as JSON::

    {"optimizer": "Adam", "eps_in_sqrt": false, "eta": 0.1, "beta1": 0.9, "beta2": 0.999,
     "eps": 1e-08, "problem": "Rosenbrock", "steps": 200, "start": [-1.5, 2.0]}

``optimizer`` is a class name of :mod:`gdcourse.optimizers`, followed by its configuration flags and
hyperparameters; ``problem`` is a key of :func:`gdcourse.problems.two_d`, optionally with ``l2`` (the λ
of ``problem.with_l2(λ)``); ``steps`` and ``start`` are the arguments of :func:`gdcourse.run.run`.
:func:`run_settings` returns that run's :class:`~gdcourse.run.Trajectory`, so that any picture the page
shows can be reproduced in Python.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

from gdcourse.explorer.kernels import MAX_STEPS, flags_of, optimizer_class, problem_catalogue
from gdcourse.run import Trajectory, run

__all__ = ["SLIDERS", "STEPS", "check_settings", "run_settings"]

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
    allowed = {"optimizer", "problem", "steps", "start", "l2", *cls.hyperparameter_names, *flags}
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
    """
    checked = check_settings(settings)
    cls = optimizer_class(checked["optimizer"])
    flags = {flag: checked[flag] for flag in flags_of(cls) if flag in checked}
    optimizer = cls(**{name: checked[name] for name in cls.hyperparameter_names}, **flags)
    problem = problem_catalogue()[checked["problem"]]
    if "l2" in checked:
        problem = problem.with_l2(checked["l2"])
    return run(optimizer, problem, np.array(checked["start"]), checked["steps"])
