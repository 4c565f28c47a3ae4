"""Exercise: one step of AdaDelta, ``adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps) -> (w_new, Eg2_new, Edw2_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import AdaDelta

SOLUTION = '''\
def adadelta_step(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2_new = rho * Eg2 + (1 - rho) * grad**2
    dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2_new + eps) * grad
    Edw2_new = rho * Edw2 + (1 - rho) * dw**2
    w_new = w + eta * dw
    return w_new, Eg2_new, Edw2_new
'''


def reference(w, Eg2, Edw2, grad, eta, rho, eps):
    optimizer = AdaDelta(eta=eta, rho=rho, eps=eps)
    optimizer.Eg2, optimizer.Edw2 = Eg2.copy(), Edw2.copy()
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.Eg2, optimizer.Edw2


def _average(E, x2, rho):
    return rho * E + (1 - rho) * x2


def _stale_Edw2(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad
    return w + eta * dw, Eg2, Edw2.copy()


def _eps_outside(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = -(np.sqrt(Edw2) + eps) / (np.sqrt(Eg2) + eps) * grad
    return w + eta * dw, Eg2, _average(Edw2, dw**2, rho)


def _old_Eg2(w, Eg2, Edw2, grad, eta, rho, eps):
    dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad
    return w + eta * dw, _average(Eg2, grad**2, rho), _average(Edw2, dw**2, rho)


def _no_eps_on_top(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = -np.sqrt(Edw2) / np.sqrt(Eg2 + eps) * grad
    return w + eta * dw, Eg2, _average(Edw2, dw**2, rho)


def _ratio_inverted(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = -np.sqrt(Eg2 + eps) / np.sqrt(Edw2 + eps) * grad
    return w + eta * dw, Eg2, _average(Edw2, dw**2, rho)


def _eta_in_average(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    step = -eta * np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad
    return w + step, Eg2, _average(Edw2, step**2, rho)


def _rmsprop(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = -grad / np.sqrt(Eg2 + eps)
    return w + eta * dw, Eg2, _average(Edw2, dw**2, rho)


def _not_squared(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, np.abs(grad), rho)
    dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad
    return w + eta * dw, Eg2, _average(Edw2, np.abs(dw), rho)


def _sign(w, Eg2, Edw2, grad, eta, rho, eps):
    Eg2 = _average(Eg2, grad**2, rho)
    dw = np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * grad
    return w + eta * dw, Eg2, _average(Edw2, dw**2, rho)


def scenarios(rng):
    moving_g = rng.uniform(0.2, 2, (3, 4))
    return [
        Scenario("1-D, the first steps", {"w": rng.normal(0, 1, 5), "Eg2": np.zeros(5), "Edw2": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 1.0, "rho": 0.9, "eps": 1e-6}),
        Scenario("2-D, after many steps, η = 0.5", {"w": rng.normal(0, 1, (3, 4)), "Eg2": moving_g, "Edw2": rng.uniform(1e-4, 1e-2, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.5, "rho": 0.95, "eps": 1e-6}),
        Scenario("1-D, large ε, η = 2", {"w": rng.normal(0, 0.1, 6), "Eg2": rng.uniform(0, 1e-3, 6), "Edw2": rng.uniform(0, 1e-3, 6)}, list(rng.normal(0, 0.1, (3, 6))), {"eta": 2.0, "rho": 0.8, "eps": 1e-2}),
    ]


WHERE = ("See AdaDelta's four lines in chapter 6: E[g²]^r = ρE[g²]^{r−1} + (1−ρ)(g^r)²; "
         "Δw^{r+1} = −√(E[Δw²]^{r−1} + ε)/√(E[g²]^r + ε) g^r; E[Δw²]^r = ρE[Δw²]^{r−1} + (1−ρ)(Δw^{r+1})²; w^{r+1} = w^r + ηΔw^{r+1}.")

MISTAKES = (
    Mistake("old-Eg2", "The denominator uses the previous average E[g²]^{r−1}: update E[g²] with this step's squared gradient first, then divide by √(E[g²]^r + ε).", _old_Eg2),
    Mistake("stale-Edw2", "The returned E[Δw²] is the old one: after the step, add it to the average, E[Δw²]^r = ρE[Δw²]^{r−1} + (1−ρ)(Δw^{r+1})², so that the next step can grow.", _stale_Edw2),
    Mistake("eps-outside", "ε is added outside the square roots, as Adam does: AdaDelta puts it inside both, √(E[Δw²]^{r−1} + ε)/√(E[g²]^r + ε) — the ε on top is what starts the steps from 0.", _eps_outside),
    Mistake("no-eps-on-top", "ε is missing in the numerator: with E[Δw²] starting at 0, √E[Δw²]^{r−1} is 0 and the weights never move. Use √(E[Δw²]^{r−1} + ε).", _no_eps_on_top),
    Mistake("ratio-inverted", "The ratio is upside down: the root of the average squared step goes on top, √(E[Δw²]^{r−1} + ε)/√(E[g²]^r + ε) — it gives Δw the units of w.", _ratio_inverted),
    Mistake("eta-in-average", "E[Δw²] averages the steps multiplied by η: the average is of Δw^{r+1} itself (η is applied only in w^{r+1} = w^r + ηΔw^{r+1}, as in PyTorch's lr).", _eta_in_average),
    Mistake("rmsprop", "The numerator √(E[Δw²]^{r−1} + ε) is missing: that is RMSProp with ε inside the root. AdaDelta scales the step by the root of the average squared step.", _rmsprop),
    Mistake("not-squared", "The averages take |g^r| and |Δw^{r+1}| instead of their squares: E[g²] averages (g^r)² and E[Δw²] averages (Δw^{r+1})².", _not_squared),
    Mistake("sign", "The weights move with the gradient instead of against it: Δw^{r+1} = −√(E[Δw²]^{r−1} + ε)/√(E[g²]^r + ε) g^r carries a minus sign.", _sign),
)

HINTS = (
    "Four lines, in this order: the average of squared gradients, the step Δw (which reads the *previous* average of squared steps), "
    "the average of squared steps, the weights.",
    "`Eg2_new = rho * Eg2 + (1 - rho) * grad**2`, then `dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2_new + eps) * grad` — note Edw2, not a new one.",
    "`Edw2_new = rho * Edw2 + (1 - rho) * dw**2` and `w_new = w + eta * dw`; return `w_new, Eg2_new, Edw2_new`.",
)

EXERCISE = Exercise(
    name="adadelta_step",
    outputs=("w", "Eg2", "Edw2"),
    rule="E[g²]^r = ρE[g²]^{r−1} + (1−ρ)(g^r)²; Δw^{r+1} = −√(E[Δw²]^{r−1} + ε)/√(E[g²]^r + ε) g^r; E[Δw²]^r = ρE[Δw²]^{r−1} + (1−ρ)(Δw^{r+1})²; w^{r+1} = w^r + ηΔw^{r+1}",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
