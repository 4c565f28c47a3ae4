"""What an exercise is: its signature, its reference, its scenarios and its catalogue of mistakes."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

#: The seed of the fixed scenarios (public: they are the ones a student's ``check`` sees).
FIXED_SEED = 20261125
#: The name of a scenario repeated with fresh inputs (student-facing: it appears in messages).
FRESH_INPUTS = "{name}, fresh inputs"


@dataclass(frozen=True)
class Mistake:
    """A typical wrong implementation and what to tell the student who wrote it."""

    key: str
    message: str
    step: Callable


@dataclass(frozen=True)
class Scenario:
    """Consecutive steps from a starting state, with fixed hyperparameters.

    ``r0`` is the step number of the first step (Adam needs it); the gradients are given, one per step,
    so that every implementation sees exactly the same inputs.
    """

    name: str
    state: dict
    grads: list
    hyper: dict
    r0: int = 1

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "state": {k: np.asarray(v).tolist() for k, v in self.state.items()},
            "grads": [np.asarray(g).tolist() for g in self.grads],
            "hyper": dict(self.hyper),
            "r0": self.r0,
        }


@dataclass(frozen=True)
class Exercise:
    """One coding exercise: implement ``name`` with the arguments of ``reference``.

    The function returns the new values of ``outputs`` (state names: ``w`` for ``w_new`` ...), which
    are fed back as the next step's state.
    """

    name: str
    outputs: tuple
    rule: str
    where: str
    reference: Callable
    mistakes: tuple
    make_scenarios: Callable
    hints: tuple
    solution: str
    extra: dict = field(default_factory=dict)

    @property
    def inputs(self) -> tuple:
        """The argument names, in order: the reference's signature is the exercise's."""
        return tuple(inspect.signature(self.reference).parameters)

    @property
    def labels(self) -> tuple:
        return tuple(f"{name}_new" for name in self.outputs)

    def scenarios(self) -> list:
        """The fixed scenarios: the same every run, chosen so that each catalogued mistake shows."""
        return self.make_scenarios(np.random.default_rng(FIXED_SEED))

    def grading_scenarios(self, secret_seed: int) -> list:
        """The fixed scenarios, then the same scenarios again with inputs drawn from ``secret_seed``.

        The grader draws the seed per run and never shows it to the sandbox, so that no table of answers
        computed beforehand can pass.
        """
        fresh = self.make_scenarios(np.random.default_rng([FIXED_SEED, secret_seed]))
        return self.scenarios() + [replace(s, name=FRESH_INPUTS.format(name=s.name)) for s in fresh]

    def spec(self, scenarios, timeout: float, budget: float | None = None, forbid=("gdcourse",), no_processes: bool = False) -> dict:
        """The JSON-compatible instructions for :func:`gdcourse.exercises.harness.observe`."""
        spec = {
            "function": self.name,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "labels": list(self.labels),
            "timeout": float(timeout),
            "forbid": list(forbid),
            "no_processes": bool(no_processes),
            "scenarios": [s.to_json() for s in scenarios],
        }
        if budget is not None:
            spec["budget"] = float(budget)
        return spec

    def trajectory(self, step: Callable, scenario: Scenario) -> list:
        """Closed-loop outputs of a trusted step function (the reference or a mistake) on a scenario."""
        state = {k: np.array(v, dtype=np.float64) for k, v in scenario.state.items()}
        path = []
        with np.errstate(all="ignore"):
            for k, grad in enumerate(scenario.grads):
                values = {**state, "grad": np.array(grad, dtype=np.float64), "r": scenario.r0 + k, **scenario.hyper}
                outputs = [np.array(o, dtype=np.float64) for o in step(*[values[n] for n in self.inputs])]
                path.append(outputs)
                state.update(zip(self.outputs, outputs))
        return path
