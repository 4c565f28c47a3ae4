"""Judge a record of a student's function against the reference, and name the mistake if it is a known one.

Everything here runs on plain float64 ndarrays built from the record's numbers, with numpy's operators
and ndarray methods (which a student cell cannot patch) and with references to numpy functions taken when
this module was imported.  NaN never passes: every comparison is written so that NaN makes it false.
The messages say what is wrong and where the equation is; they never print expected values.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import permutations

import numpy

from gdcourse.exercises.base import FRESH_INPUTS, Exercise, Scenario
from gdcourse.i18n import Message, edition_html, translate

#: The exercises' domain in gdcourse's message catalogues (gdcourse/locale/ko/LC_MESSAGES/exercises.po).
DOMAIN = "exercises"

_array = numpy.array
_float64 = numpy.float64
_abs = numpy.absolute

RTOL = 1e-5  # generous enough for an implementation that computes in float32
ATOL = 1e-9  # relative to the largest expected magnitude of each output


#: The words around a verdict (translated like MESSAGES).
VERDICT = {
    "passed": "passed",
    "not yet": "not yet",
    "line passed": "PASSED {name}: {message}",
    "line failed": "FAILED {name}: {message}",
}


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one function: ``passed`` and a plain-language ``message``.

    In Jupyter it renders as a green or red box; in plain Python it prints as text.
    ``mistake`` is the key of the recognised mistake, if any.  ``message`` is in the language in use
    when the result was made (:func:`gdcourse.set_language`); :meth:`render` says it in another.
    """

    name: str
    passed: bool
    message: str
    mistake: str | None = None
    text: Message | None = field(default=None, repr=False, compare=False)

    def render(self, language: str | None = None) -> str:
        """The message in ``language`` (default: the language in use)."""
        return self.text.render(language) if self.text is not None else self.message

    def line(self, language: str | None = None) -> str:
        """``PASSED name: message`` (or FAILED), in ``language``."""
        key = "line passed" if self.passed else "line failed"
        return Message(VERDICT[key], DOMAIN, name=self.name, message=self.render(language)).render(language)

    def __str__(self) -> str:
        return self.line()

    def __repr__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return self.passed

    def _repr_html_(self) -> str:
        return edition_html(self._box)

    def _box(self, language: str) -> str:
        # The bar in the palette's green or vermillion, on an opaque pale tint of it (the same box in a
        # light or a dark page); the words in a darker shade of the same hue, which reads at 5.5:1 on the
        # tint (the palette's own colours give 3.1 and 3.5:1).
        color, tint, ink, mark, key = (
            ("#009E73", "#EBF7F4", "#00704F", "✔", "passed") if self.passed
            else ("#D55E00", "#FCF2EB", "#A84A00", "✘", "not yet")
        )
        word = translate(VERDICT[key], DOMAIN, language)
        return (
            f'<div style="border-left: 6px solid {color}; padding: 0.5em 1em; margin: 0.5em 0; '
            f'background: {tint}; color: #222"><b style="color: {ink}">{mark} {html.escape(self.name)} — '
            f'{word}</b><br>{html.escape(self.render(language))}</div>'
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


def _say(key: str, **arguments) -> Message:
    return Message(MESSAGES[key], DOMAIN, **arguments)


def _verdict(name: str, passed: bool, text: Message, mistake: str | None = None) -> CheckResult:
    return CheckResult(name, passed, text.render(), mistake, text)


def scenario_label(name: str) -> Message:
    """A scenario's name as a message: ``"<name>, fresh inputs"`` (the grader's repeats) is a template."""
    suffix = FRESH_INPUTS.format(name="")
    if name.endswith(suffix) and len(name) > len(suffix):
        return Message(FRESH_INPUTS, DOMAIN, name=Message(name[: -len(suffix)], DOMAIN))
    return Message(name, DOMAIN)


#: What the harness and the grader report when there is no function to run (worded here, not there).
NOT_A_FUNCTION = re.compile(r"it is a (\w+), not a function")
NOT_A_FUNCTION_TEMPLATE = "it is a {type}, not a function"
NOT_DEFINED = "it is not defined in the notebook"


def _problem(detail) -> Message | str:
    detail = str(detail)
    match = NOT_A_FUNCTION.fullmatch(detail)
    if match:
        return Message(NOT_A_FUNCTION_TEMPLATE, DOMAIN, type=match.group(1))
    return Message(detail, DOMAIN) if detail == NOT_DEFINED else detail


def judge(exercise: Exercise, scenarios: list, record: dict, timeout: float = 2.0) -> CheckResult:
    """The verdict on a record made by :func:`gdcourse.exercises.harness.observe`. Never fails open."""
    try:
        return _judge(exercise, scenarios, record, timeout)
    except Exception as error:  # noqa: BLE001 - the checker's own failure must not pass a student
        return _verdict(exercise.name, False, _say("checker failed", detail=f"{type(error).__name__}: {error}"))


def _judge(exercise: Exercise, scenarios: list[Scenario], record: dict, timeout: float) -> CheckResult:
    name = exercise.name
    where = Message(exercise.where, DOMAIN)
    if "problem" in record:
        return _verdict(name, False, _say("not a function", name=name, detail=_problem(record["problem"])))
    observed = record.get("scenarios", [])
    if not isinstance(observed, list) or len(observed) == 0:
        return _verdict(name, False, _say("not run"))

    # 1. Anything other than arrays coming back is reported as it is.
    outputs = []
    for scenario, steps in zip(scenarios, observed):
        label = scenario_label(scenario.name)
        for k, step in enumerate(steps):
            kind = step["kind"]
            if kind != "ok":
                detail = step.get("detail")
                if kind == "raised" and str(detail or "").startswith("NotImplementedError"):
                    return _verdict(name, False, _say("not written", name=name))
                key = kind if kind in _PROBLEMS else "other"
                facts = {k2: str(value) for k2, value in step.items() if k2 not in ("kind", "name", "step", "scenario", "timeout")}
                text = _say(key, **{"detail": detail, **facts, "name": name, "step": k + 1, "scenario": label, "timeout": timeout})
                return _verdict(name, False, text, mistake="borrowed" if kind == "borrowed" else None)
        if len(steps) != len(scenario.grads):
            return _verdict(name, False, _say("not every step", name=name, scenario=label))
        outputs.append([[_as_array(o) for o in step["outputs"]] for step in steps])
    if len(observed) != len(scenarios):
        return _verdict(name, False, _say("not every test"))

    # 2. Right?
    expected = [exercise.trajectory(exercise.reference, s) for s in scenarios]
    if all(_matches(got, want, close) for got, want in zip(outputs, expected)):
        n_steps = sum(len(s.grads) for s in scenarios)
        shapes = sorted({str(tuple(s.state[exercise.outputs[0]].shape)) for s in scenarios})
        return _verdict(name, True, _say("passed", tests=len(scenarios), steps=n_steps, shapes=", ".join(shapes)))

    # 3. Returned in the wrong order?
    labels = exercise.labels
    for order in permutations(range(len(labels))):
        if order == tuple(range(len(labels))):
            continue
        if all(all(close(got[0][i], want[0][j]) for j, i in enumerate(order)) for got, want in zip(outputs, expected)):
            return _verdict(name, False, _say("order", labels=", ".join(labels)), mistake="order")

    # 4. A known mistake?
    for mistake in exercise.mistakes:
        if all(_matches(got, exercise.trajectory(mistake.step, s), _close_or_both_nan) for got, s in zip(outputs, scenarios)):
            text = _say("mistake", message=Message(mistake.message, DOMAIN), where=where)
            return _verdict(name, False, text, mistake=mistake.key)

    # 5. Otherwise say where it first goes wrong.
    for scenario, got, want in zip(scenarios, outputs, expected):
        label = scenario_label(scenario.name)
        for k, (got_step, want_step) in enumerate(zip(got, want)):
            for output, g, w in zip(labels, got_step, want_step):
                if not _all_finite(g):
                    return _verdict(name, False, _say("nan", label=output, step=k + 1, scenario=label, where=where))
                if not close(g, w):
                    return _verdict(name, False, _say("wrong", label=output, step=k + 1, scenario=label, rule=exercise.rule, where=where))
    return _verdict(name, False, _say("no match", rule=exercise.rule, where=where))


def _matches(got: list, want: list, same) -> bool:
    return len(got) == len(want) and all(
        len(g) == len(w) and all(same(a, b) for a, b in zip(g, w)) for g, w in zip(got, want)
    )
