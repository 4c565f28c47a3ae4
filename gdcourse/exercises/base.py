"""What an exercise is: its signature, its reference, its scenarios and its catalogue of mistakes."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


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
        return self.make_scenarios(np.random.default_rng(20261125))

    def spec(self, scenarios, timeout: float) -> dict:
        """The JSON-compatible instructions for :func:`gdcourse.exercises.harness.observe`."""
        return {
            "function": self.name,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "labels": list(self.labels),
            "timeout": float(timeout),
            "scenarios": [s.to_json() for s in scenarios],
        }

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
