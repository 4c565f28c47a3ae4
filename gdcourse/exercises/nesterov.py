"""Exercise: one step of Nesterov's momentum, ``nesterov_step(w, dw, grad, eta, alpha) -> (w_new, dw_new)``.

The form the libraries iterate (chapter 2): w is the look-ahead point, where the gradient is taken.
"""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import Nesterov

SOLUTION = '''\
def nesterov_step(w, dw, grad, eta, alpha):
    dw_new = alpha * dw - eta * grad
    w_new = w + alpha * dw_new - eta * grad
    return w_new, dw_new
'''


def reference(w, dw, grad, eta, alpha):
    optimizer = Nesterov(eta=eta, alpha=alpha)
    optimizer.dw = dw.copy()
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.dw


def _velocity(dw, grad, eta, alpha):
    return alpha * dw - eta * grad


def _momentum(w, dw, grad, eta, alpha):
    dw_new = _velocity(dw, grad, eta, alpha)
    return w + dw_new, dw_new


def _no_gradient_term(w, dw, grad, eta, alpha):
    dw_new = _velocity(dw, grad, eta, alpha)
    return w + alpha * dw_new, dw_new


def _step_as_state(w, dw, grad, eta, alpha):
    w_new = w + alpha * _velocity(dw, grad, eta, alpha) - eta * grad
    return w_new, w_new - w


def _buffer(w, dw, grad, eta, alpha):
    b = alpha * dw + grad
    return w - eta * (grad + alpha * b), b


def _sign(w, dw, grad, eta, alpha):
    dw_new = alpha * dw + eta * grad
    return w + alpha * dw_new + eta * grad, dw_new


def _no_alpha_in_velocity(w, dw, grad, eta, alpha):
    dw_new = dw - eta * grad
    return w + alpha * dw_new - eta * grad, dw_new


def scenarios(rng):
    return [
        Scenario("1-D, starting at rest", {"w": rng.normal(0, 1, 5), "dw": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 0.1, "alpha": 0.9}),
        Scenario("2-D, already moving", {"w": rng.normal(0, 1, (3, 4)), "dw": rng.normal(0, 0.3, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "alpha": 0.6}),
        Scenario("1-D, little momentum, large gradients", {"w": rng.normal(0, 0.1, 6), "dw": rng.normal(0, 0.1, 6)}, list(rng.normal(0, 10, (3, 6))), {"eta": 0.01, "alpha": 0.3}),
    ]


WHERE = ("See Nesterov's look-ahead in chapter 2, in the form the libraries iterate: "
         "Δw^{r+1} = αΔw^r − ηg^r, then w^{r+1} = w^r + αΔw^{r+1} − ηg^r.")

MISTAKES = (
    Mistake("momentum", "This is plain momentum, w^{r+1} = w^r + Δw^{r+1}: in Nesterov's look-ahead form the weights move by "
            "αΔw^{r+1} − ηg^r instead.", _momentum),
    Mistake("no-gradient-term", "The weights miss the gradient step: w^{r+1} = w^r + αΔw^{r+1} − ηg^r has a −ηg^r of its own, besides the one inside Δw^{r+1}.", _no_gradient_term),
    Mistake("step-as-state", "The returned state is the change of the weights, w^{r+1} − w^r: the state is the velocity Δw^{r+1} = αΔw^r − ηg^r, which differs from the step by the look-ahead.", _step_as_state),
    Mistake("buffer", "This is PyTorch's buffer form b = αb + g, w −= η(g + αb): the exercise's state is the velocity Δw itself (Δw = −ηb), with Δw^{r+1} = αΔw^r − ηg^r.", _buffer),
    Mistake("no-alpha", "α is missing in the velocity: Δw^{r+1} = αΔw^r − ηg^r multiplies the previous velocity by α.", _no_alpha_in_velocity),
    Mistake("sign", "The gradient enters with the wrong sign: both Δw^{r+1} and the weights move against the gradient, −ηg^r.", _sign),
)

HINTS = (
    "Two lines, in this order: the new velocity, exactly as for momentum, then the weights — which take one more look ahead along the new velocity.",
    "The velocity is the momentum one: `dw_new = alpha * dw - eta * grad`.",
    "The weights: w^{r+1} = w^r + αΔw^{r+1} − ηg^r, i.e. `w_new = w + alpha * dw_new - eta * grad`; return `w_new, dw_new`.",
)

EXERCISE = Exercise(
    name="nesterov_step",
    outputs=("w", "dw"),
    rule="Δw^{r+1} = αΔw^r − ηg^r; w^{r+1} = w^r + αΔw^{r+1} − ηg^r",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
