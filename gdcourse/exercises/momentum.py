"""Exercise: one step of momentum, ``momentum_step(w, dw, grad, eta, alpha) -> (w_new, dw_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import Momentum

SOLUTION = '''\
def momentum_step(w, dw, grad, eta, alpha):
    dw_new = alpha * dw - eta * grad
    w_new = w + dw_new
    return w_new, dw_new
'''


def reference(w, dw, grad, eta, alpha):
    optimizer = Momentum(eta=eta, alpha=alpha)
    optimizer.dw = dw.copy()
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.dw


def scenarios(rng):
    return [
        Scenario("1-D, starting at rest", {"w": rng.normal(0, 1, 5), "dw": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 0.1, "alpha": 0.9}),
        Scenario("2-D, already moving", {"w": rng.normal(0, 1, (3, 4)), "dw": rng.normal(0, 0.2, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "alpha": 0.6}),
        Scenario("1-D, little momentum, large gradients", {"w": rng.normal(0, 0.1, 6), "dw": rng.normal(0, 0.1, 6)}, list(rng.normal(0, 10, (3, 6))), {"eta": 0.01, "alpha": 0.3}),
    ]


WHERE = "See the momentum update in chapter 2: Δw^{r+1} = αΔw^r − η∇E(w^r), then w^{r+1} = w^r + Δw^{r+1}."

MISTAKES = (
    Mistake("sign", "The gradient enters with the wrong sign: Δw must move against the gradient, −η∇E(w^r), not +η∇E(w^r).",
            lambda w, dw, grad, eta, alpha: (w + (alpha * dw + eta * grad), alpha * dw + eta * grad)),
    Mistake("old-dw", "The weights are updated with the previous Δw^r instead of the new Δw^{r+1}: compute Δw^{r+1} first, then w^{r+1} = w^r + Δw^{r+1}.",
            lambda w, dw, grad, eta, alpha: (w + dw, alpha * dw - eta * grad)),
    Mistake("no-alpha", "α is missing: the previous Δw^r must be multiplied by α (without it, the velocity never decays).",
            lambda w, dw, grad, eta, alpha: (w + (dw - eta * grad), dw - eta * grad)),
    Mistake("no-momentum", "The previous update is ignored: Δw^{r+1} must include αΔw^r (as written this is plain gradient descent).",
            lambda w, dw, grad, eta, alpha: (w - eta * grad, -eta * grad)),
    Mistake("average", "This is the averaging form αΔw^r − (1−α)η∇E: the notes' momentum has no (1 − α) factor on the gradient term.",
            lambda w, dw, grad, eta, alpha: (w + (alpha * dw - (1 - alpha) * eta * grad), alpha * dw - (1 - alpha) * eta * grad)),
    Mistake("ema-of-gradients", "The state is an average of gradients, m = αm + (1−α)g: the exercise keeps Δw, the last update, with Δw^{r+1} = αΔw^r − η∇E(w^r).",
            lambda w, dw, grad, eta, alpha: (w - eta * (alpha * dw + (1 - alpha) * grad), alpha * dw + (1 - alpha) * grad)),
    Mistake("buffer", "This is PyTorch's buffer form b = αb + g, w −= ηb: the exercise's state is Δw itself (Δw = −ηb), with Δw^{r+1} = αΔw^r − η∇E(w^r).",
            lambda w, dw, grad, eta, alpha: (w - eta * (alpha * dw + grad), alpha * dw + grad)),
    Mistake("weight-sign", "The weights move the wrong way: w^{r+1} = w^r + Δw^{r+1} (Δw already carries the minus sign).",
            lambda w, dw, grad, eta, alpha: (w - (alpha * dw - eta * grad), alpha * dw - eta * grad)),
)

HINTS = (
    "Two lines, in this order: first the new update Δw^{r+1} from the old one and the gradient, then the new weights.",
    "Δw^{r+1} = αΔw^r − η∇E(w^r): in numpy, `dw_new = alpha * dw - eta * grad`.",
    "Then `w_new = w + dw_new`, and return both: `return w_new, dw_new`. Do not change w or dw in place.",
)

EXERCISE = Exercise(
    name="momentum_step",
    outputs=("w", "dw"),
    rule="Δw^{r+1} = αΔw^r − η∇E(w^r); w^{r+1} = w^r + Δw^{r+1}",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
