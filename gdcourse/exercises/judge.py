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


#: Every sentence the judge says to a student, as templates (a translation replaces this dict only).
MESSAGES = {
    "raised": "{name} raised {detail} at step {step} of the test '{scenario}'.",
    "timeout": "{name} did not return within {timeout:g} s at step {step} of the test '{scenario}': is there an endless loop?",
    "returned None": "{name} returned None at step {step} of the test '{scenario}': expected a tuple ({names}). Did you forget `return`?",
    "not a tuple": "{name} returned a {type}, expected a tuple of {n} arrays ({names}) (step {step} of the test '{scenario}').",
    "wrong count": "{name} returned {count} values, expected {n} ({names}) (step {step} of the test '{scenario}').",
    "not an array": "In what {name} returned at step {step} of the test '{scenario}', {label} is a {type}, not a numpy array: return numpy arrays.",
    "not real": "In what {name} returned at step {step} of the test '{scenario}', {label} has dtype {dtype}, not a real number type: return numpy arrays.",
    "wrong shape": "In what {name} returned at step {step} of the test '{scenario}', {label} has shape {shape} but the inputs have shape {expected}: the new state has the shape of the old one.",
    "modified input": "{name} changed its input(s) {detail} in place (step {step} of the test '{scenario}'). Build new arrays (`w_new = w - ...`) instead of updating the inputs (`w -= ...`): the caller still needs them.",
    "borrowed": "{name} calls into gdcourse ({detail}) at step {step} of the test '{scenario}': the exercise is to write the update yourself, so a function that uses the package's optimizers, references or solutions scores 0.",
    "budget": "{name} was still running at step {step} of the test '{scenario}' when the time for all the tests ran out: each call is slow. Are there Python loops over the elements?",
    "eof": "{name} ended the process that ran it (at step {step} of the test '{scenario}'): does it call exit() or crash Python?",
    "garbled": "{name} wrote something into the checker's channel at step {step} of the test '{scenario}', so its results could not be read.",
    "too much": "{name} produced more results than the checker accepts (step {step} of the test '{scenario}').",
    "harness": "the checker itself failed while running {name} ({detail}).",
    "other": "{name} failed at step {step} of the test '{scenario}': {detail}.",
    "not written": "{name} is not written yet: it raises NotImplementedError. Replace that line with the update.",
    "not a function": "`{name}` is not a function: {detail}.",
    "not run": "the function was not run on any test.",
    "not every step": "{name} was not run on every step of the test '{scenario}'.",
    "not every test": "the function was not run on every test.",
    "passed": "all {tests} tests pass ({steps} consecutive steps, inputs of shape {shapes}).",
    "order": "the values are right but in the wrong order: return ({labels}).",
    "mistake": "{message} {where}",
    "nan": "{label} contains NaN or inf at step {step} of the test '{scenario}'. {where}",
    "wrong": "{label} is wrong at step {step} of the test '{scenario}'. Compare your code with the rule line by line: {rule}. {where}",
    "no match": "the results do not match the rule {rule}. {where}",
    "checker failed": "the checker could not judge this function ({detail}).",
}


#: The kinds of step a record may report instead of arrays (gdcourse.exercises.harness).
_PROBLEMS = ("raised", "timeout", "returned None", "not a tuple", "wrong count", "not an array", "not real", "wrong shape",
             "modified input", "borrowed", "budget", "eof", "garbled", "too much", "harness")


def judge(exercise: Exercise, scenarios: list, record: dict, timeout: float = 2.0) -> CheckResult:
    """The verdict on a record made by :func:`gdcourse.exercises.harness.observe`. Never fails open."""
    try:
        return _judge(exercise, scenarios, record, timeout)
    except Exception as error:  # noqa: BLE001 - the checker's own failure must not pass a student
        return CheckResult(exercise.name, False, MESSAGES["checker failed"].format(detail=f"{type(error).__name__}: {error}"))


def _judge(exercise: Exercise, scenarios: list[Scenario], record: dict, timeout: float) -> CheckResult:
    name = exercise.name
    if "problem" in record:
        return CheckResult(name, False, MESSAGES["not a function"].format(name=name, detail=record["problem"]))
    observed = record.get("scenarios", [])
    if not isinstance(observed, list) or len(observed) == 0:
        return CheckResult(name, False, MESSAGES["not run"])

    # 1. Anything other than arrays coming back is reported as it is.
    outputs = []
    for scenario, steps in zip(scenarios, observed):
        for k, step in enumerate(steps):
            kind = step["kind"]
            if kind != "ok":
                detail = step.get("detail")
                if kind == "raised" and str(detail or "").startswith("NotImplementedError"):
                    return CheckResult(name, False, MESSAGES["not written"].format(name=name))
                text = MESSAGES[kind] if kind in _PROBLEMS else MESSAGES["other"]
                facts = {key: str(value) for key, value in step.items() if key not in ("kind", "name", "step", "scenario", "timeout")}
                message = text.format(**{"detail": detail, **facts, "name": name, "step": k + 1, "scenario": scenario.name, "timeout": timeout})
                return CheckResult(name, False, message, mistake="borrowed" if kind == "borrowed" else None)
        if len(steps) != len(scenario.grads):
            return CheckResult(name, False, MESSAGES["not every step"].format(name=name, scenario=scenario.name))
        outputs.append([[_as_array(o) for o in step["outputs"]] for step in steps])
    if len(observed) != len(scenarios):
        return CheckResult(name, False, MESSAGES["not every test"])

    # 2. Right?
    expected = [exercise.trajectory(exercise.reference, s) for s in scenarios]
    if all(_matches(got, want, close) for got, want in zip(outputs, expected)):
        n_steps = sum(len(s.grads) for s in scenarios)
        shapes = sorted({str(tuple(s.state[exercise.outputs[0]].shape)) for s in scenarios})
        return CheckResult(name, True, MESSAGES["passed"].format(tests=len(scenarios), steps=n_steps, shapes=", ".join(shapes)))

    # 3. Returned in the wrong order?
    labels = exercise.labels
    for order in permutations(range(len(labels))):
        if order == tuple(range(len(labels))):
            continue
        if all(all(close(got[0][i], want[0][j]) for j, i in enumerate(order)) for got, want in zip(outputs, expected)):
            return CheckResult(name, False, MESSAGES["order"].format(labels=", ".join(labels)), mistake="order")

    # 4. A known mistake?
    for mistake in exercise.mistakes:
        if all(_matches(got, exercise.trajectory(mistake.step, s), _close_or_both_nan) for got, s in zip(outputs, scenarios)):
            return CheckResult(name, False, MESSAGES["mistake"].format(message=mistake.message, where=exercise.where), mistake=mistake.key)

    # 5. Otherwise say where it first goes wrong.
    for scenario, got, want in zip(scenarios, outputs, expected):
        for k, (got_step, want_step) in enumerate(zip(got, want)):
            for label, g, w in zip(labels, got_step, want_step):
                if not _all_finite(g):
                    return CheckResult(name, False, MESSAGES["nan"].format(label=label, step=k + 1, scenario=scenario.name, where=exercise.where))
                if not close(g, w):
                    return CheckResult(name, False, MESSAGES["wrong"].format(label=label, step=k + 1, scenario=scenario.name, rule=exercise.rule, where=exercise.where))
    return CheckResult(name, False, MESSAGES["no match"].format(rule=exercise.rule, where=exercise.where))


def _matches(got: list, want: list, same) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(same(a, b) for a, b in zip(g, w)) for g, w in zip(got, want)
    )
