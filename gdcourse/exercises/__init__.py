"""The course's coding exercises: check a student's step function, give hints, show a solution.

>>> from gdcourse import exercises
>>> result = exercises.check("momentum_step", momentum_step)   # doctest: +SKIP
>>> result.passed, result.message                              # doctest: +SKIP

Each exercise asks for one step of an optimizer, with the state first, then the gradient, then the
hyperparameters, returning new arrays:

- ``momentum_step(w, dw, grad, eta, alpha) -> (w_new, dw_new)``
- ``adagrad_step(w, G, grad, eta, eps) -> (w_new, G_new)``
- ``rmsprop_step(w, Eg2, grad, eta, gamma, eps) -> (w_new, Eg2_new)``
- ``adam_step(w, m, v, grad, r, eta, beta1, beta2, eps) -> (w_new, m_new, v_new)``
- ``nesterov_step(w, dw, grad, eta, alpha) -> (w_new, dw_new)``
- ``adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps) -> (w_new, Eg2_new, Edw2_new)``
- ``adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay) -> (w_new, m_new, v_new)``
- ``amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps) -> (w_new, m_new, v_new, v_max_new)``
- ``warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total) -> (w_new, dw_new)`` (momentum under a
  linear warm-up and a cosine decay of η)

:func:`check` runs the function for several consecutive steps (its outputs fed back) on seeded inputs of
several shapes, chosen so that each typical mistake changes the result; it fails — with a message that
says what is wrong and where the equation is, never the expected numbers — when the function raises,
hangs, returns the wrong things, modifies its inputs, returns NaN, or computes something else.  The
reference is :mod:`gdcourse.optimizers`.
"""

from __future__ import annotations

from IPython.display import Markdown

from gdcourse.exercises import adadelta, adagrad, adam, adamw, amsgrad, harness, momentum, nesterov, rmsprop, warmup_cosine
from gdcourse.exercises.base import FRESH_INPUTS, Exercise, Mistake, Scenario
from gdcourse.exercises.judge import DOMAIN, MESSAGES, NOT_A_FUNCTION_TEMPLATE, NOT_DEFINED, VERDICT, CheckResult, judge
from gdcourse.i18n import Message, translate

__all__ = ["EXERCISES", "check", "hint", "solution", "messages", "CheckResult", "Exercise", "Mistake", "Scenario"]

#: The exercises by function name, in the order of the chapters.
EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        momentum.EXERCISE,
        nesterov.EXERCISE,
        adagrad.EXERCISE,
        rmsprop.EXERCISE,
        adam.EXERCISE,
        adadelta.EXERCISE,
        adamw.EXERCISE,
        amsgrad.EXERCISE,
        warmup_cosine.EXERCISE,
    )
}

#: Seconds a single call of the student's function may take.
CALL_TIMEOUT = 2.0
#: Seconds all the calls of one check may take together: check() answers within about 10 s.
CHECK_BUDGET = 6.0


def _exercise(name: str) -> Exercise:
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {list(EXERCISES)}; got {name!r}")
    return EXERCISES[name]


def check(name: str, function, *, timeout: float = CALL_TIMEOUT) -> CheckResult:
    """Check ``function`` as the exercise ``name``; returns a :class:`CheckResult`.

    The function runs in a forked child process (:mod:`gdcourse.exercises.harness`): each call may take
    at most ``timeout`` seconds and all of them :data:`CHECK_BUDGET`, so the check answers within about
    10 s whatever the function does; nothing the function returns is touched here.  A function that calls
    into gdcourse fails, as it would in the batch grader.
    """
    exercise = _exercise(name)
    scenarios = exercise.scenarios()
    record = harness.observe(exercise.spec(scenarios, timeout, budget=max(timeout, CHECK_BUDGET)), function)
    return judge(exercise, scenarios, record, timeout)


#: The words of a hint (translated like the checker's messages).
HINT = {
    "hint": "**Hint {level}/{count} for `{name}`:** {text}",
    "last": "(That was the last hint; `gdcourse.exercises.solution({name!r})` shows a solution.)",
}


def hint(name: str, level: int = 1) -> Markdown:
    """Hint number ``level`` (1, 2, 3: each says more) for the exercise ``name``, in the language in use."""
    exercise = _exercise(name)
    if not isinstance(level, int) or isinstance(level, bool) or level < 1:
        raise ValueError(f"level must be an integer >= 1; got {level!r}")
    hints = exercise.hints
    text = translate(hints[min(level, len(hints)) - 1], DOMAIN)
    if level >= len(hints):
        text += "\n\n" + translate(HINT["last"], DOMAIN).format(name=name)
    return Markdown(Message(HINT["hint"], DOMAIN, level=min(level, len(hints)), count=len(hints), name=name, text=text).render())


def solution(name: str) -> Markdown:
    """A model solution of the exercise ``name``, as a code block."""
    return Markdown(f"```python\n{_exercise(name).solution}```\n")


def messages() -> list[str]:
    """Every sentence this package says to a student about the exercises, in English: the message ids of
    the ``exercises`` catalogue (``make locale`` writes them to gdcourse/locale/)."""
    found = [*MESSAGES.values(), *VERDICT.values(), *HINT.values(), FRESH_INPUTS, NOT_A_FUNCTION_TEMPLATE, NOT_DEFINED]
    for exercise in EXERCISES.values():
        found.append(exercise.where)
        found += [mistake.message for mistake in exercise.mistakes]
        found += list(exercise.hints)
        found += [scenario.name for scenario in exercise.scenarios()]
    return list(dict.fromkeys(found))
