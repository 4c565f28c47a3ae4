"""Judge a record of a student's function against the reference, and name the mistake if it is a known one.

Everything here runs on plain float64 ndarrays built from the record's numbers, with numpy's operators
and ndarray methods (which a student cell cannot patch) and with references to numpy functions taken when
this module was imported.  NaN never passes: every comparison is written so that NaN makes it false.
The messages say what is wrong and where the equation is; they never print expected values.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from itertools import permutations

import numpy

from gdcourse.exercises.base import Exercise, Scenario

_array = numpy.array
_float64 = numpy.float64
_abs = numpy.absolute

RTOL = 1e-5  # generous enough for an implementation that computes in float32
ATOL = 1e-9  # relative to the largest expected magnitude of each output


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one function: ``passed`` and a plain-language ``message``.

    In Jupyter it renders as a green or red box; in plain Python it prints as text.
    ``mistake`` is the key of the recognised mistake, if any.
    """

    name: str
    passed: bool
    message: str
    mistake: str | None = None

    def __str__(self) -> str:
        return f"{'PASSED' if self.passed else 'FAILED'} {self.name}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return self.passed

    def _repr_html_(self) -> str:
        # The bar in the palette's green or vermillion, on an opaque pale tint of it (the same box in a
        # light or a dark page); the words in a darker shade of the same hue, which reads at 5.5:1 on the
        # tint (the palette's own colours give 3.1 and 3.5:1).
        color, tint, ink, mark, word = (
            ("#009E73", "#EBF7F4", "#00704F", "✔", "passed") if self.passed
            else ("#D55E00", "#FCF2EB", "#A84A00", "✘", "not yet")
        )
        return (
            f'<div style="border-left: 6px solid {color}; padding: 0.5em 1em; margin: 0.5em 0; '
            f'background: {tint}; color: #222"><b style="color: {ink}">{mark} {html.escape(self.name)} — '
            f'{word}</b><br>{html.escape(self.message)}</div>'
        )


def _as_array(nested) -> numpy.ndarray:
    return _array(nested, dtype=_float64)


def close(a: numpy.ndarray, b: numpy.ndarray) -> bool:
    """a ≈ b element by element (rtol 1e-5, atol 1e-9 × max|b|); NaN is close to nothing."""
    if a.shape != b.shape:
        return False
    scale = float(_abs(b).max()) if b.size else 0.0
    return bool((_abs(a - b) <= RTOL * _abs(b) + ATOL * scale).all())


def _close_or_both_nan(a: numpy.ndarray, b: numpy.ndarray) -> bool:
    """Like :func:`close`, but NaN and inf must sit in the same places (to recognise mistakes that produce them)."""
    if a.shape != b.shape:
        return False
    finite_a, finite_b = (a - a) == 0, (b - b) == 0  # False at NaN and ±inf
    if not bool((finite_a == finite_b).all()):
        return False
    same_specials = ((a == b) | ((a != a) & (b != b))) | finite_a
    if not bool(same_specials.all()):
        return False
    fa, fb = a[finite_a], b[finite_b]
    return close(fa, fb) if fa.size else True


def _all_finite(a: numpy.ndarray) -> bool:
    return bool(((a - a) == 0).all())


_PROBLEMS = {
    "raised": "{name} raised {detail} at step {step} of the test '{scenario}'.",
    "timeout": "{name} did not return within {timeout:g} s at step {step} of the test '{scenario}': is there an endless loop?",
    "returned None": "{name} returned None at step {step} of the test '{scenario}': {detail}. Did you forget `return`?",
    "not a tuple": "{name} {detail} (step {step} of the test '{scenario}').",
    "wrong count": "{name} {detail} (step {step} of the test '{scenario}').",
    "not an array": "In what {name} returned at step {step} of the test '{scenario}', {detail}: return numpy arrays.",
    "wrong shape": "In what {name} returned at step {step} of the test '{scenario}', {detail}: the new state has the shape of the old one.",
    "modified input": "{name} changed its input(s) {detail} in place (step {step} of the test '{scenario}'). Build new arrays (`w_new = w - ...`) instead of updating the inputs (`w -= ...`): the caller still needs them.",
}


def judge(exercise: Exercise, scenarios: list, record: dict, timeout: float = 2.0) -> CheckResult:
    """The verdict on a record made by :func:`gdcourse.exercises.harness.observe`. Never fails open."""
    try:
        return _judge(exercise, scenarios, record, timeout)
    except Exception as error:  # noqa: BLE001 - the checker's own failure must not pass a student
        return CheckResult(exercise.name, False, f"the checker could not judge this function ({type(error).__name__}: {error}).")


def _judge(exercise: Exercise, scenarios: list[Scenario], record: dict, timeout: float) -> CheckResult:
    name = exercise.name
    if "problem" in record:
        return CheckResult(name, False, f"`{name}` is not a function: {record['problem']}.")
    observed = record.get("scenarios", [])
    if len(observed) == 0:
        return CheckResult(name, False, "the function was not run on any test.")

    # 1. Anything other than arrays coming back is reported as it is.
    outputs = []
    for scenario, steps in zip(scenarios, observed):
        for k, step in enumerate(steps):
            if step["kind"] != "ok":
                text = _PROBLEMS.get(step["kind"], "{name} failed at step {step} of the test '{scenario}': {detail}.")
                message = text.format(name=name, detail=step.get("detail"), step=k + 1, scenario=scenario.name, timeout=timeout)
                if step["kind"] == "raised" and str(step.get("detail", "")).startswith("NotImplementedError"):
                    message = f"{name} is not written yet: it raises NotImplementedError. Replace that line with the update."
                return CheckResult(name, False, message)
        if len(steps) != len(scenario.grads):
            return CheckResult(name, False, f"{name} was not run on every step of the test '{scenario.name}'.")
        outputs.append([[_as_array(o) for o in step["outputs"]] for step in steps])
    if len(observed) != len(scenarios):
        return CheckResult(name, False, "the function was not run on every test.")

    # 2. Right?
    expected = [exercise.trajectory(exercise.reference, s) for s in scenarios]
    if all(_matches(got, want, close) for got, want in zip(outputs, expected)):
        n_steps = sum(len(s.grads) for s in scenarios)
        shapes = sorted({str(tuple(s.state[exercise.outputs[0]].shape)) for s in scenarios})
        return CheckResult(name, True, f"all {len(scenarios)} tests pass ({n_steps} consecutive steps, inputs of shape {', '.join(shapes)}).")

    # 3. Returned in the wrong order?
    labels = exercise.labels
    for order in permutations(range(len(labels))):
        if order == tuple(range(len(labels))):
            continue
        if all(all(close(got[0][i], want[0][j]) for j, i in enumerate(order)) for got, want in zip(outputs, expected)):
            return CheckResult(name, False, f"the values are right but in the wrong order: return ({', '.join(labels)}).", mistake="order")

    # 4. A known mistake?
    for mistake in exercise.mistakes:
        if all(_matches(got, exercise.trajectory(mistake.step, s), _close_or_both_nan) for got, s in zip(outputs, scenarios)):
            return CheckResult(name, False, f"{mistake.message} {exercise.where}", mistake=mistake.key)

    # 5. Otherwise say where it first goes wrong.
    for scenario, got, want in zip(scenarios, outputs, expected):
        for k, (got_step, want_step) in enumerate(zip(got, want)):
            for label, g, w in zip(labels, got_step, want_step):
                if not _all_finite(g):
                    return CheckResult(name, False, f"{label} contains NaN or inf at step {k + 1} of the test '{scenario.name}'. {exercise.where}")
                if not close(g, w):
                    return CheckResult(
                        name,
                        False,
                        f"{label} is wrong at step {k + 1} of the test '{scenario.name}'. Compare your code with the rule "
                        f"line by line: {exercise.rule}. {exercise.where}",
                    )
    return CheckResult(name, False, f"the results do not match the rule {exercise.rule}. {exercise.where}")


def _matches(got: list, want: list, same) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(same(a, b) for a, b in zip(g, w)) for g, w in zip(got, want)
    )
