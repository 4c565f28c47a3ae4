"""Exercise: one step of RMSProp, ``rmsprop_step(w, Eg2, grad, eta, gamma, eps) -> (w_new, Eg2_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import RMSProp

SOLUTION = '''\
def rmsprop_step(w, Eg2, grad, eta, gamma, eps):
    Eg2_new = gamma * Eg2 + (1 - gamma) * grad**2
    w_new = w - eta / (np.sqrt(Eg2_new) + eps) * grad
    return w_new, Eg2_new
'''


def reference(w, Eg2, grad, eta, gamma, eps):
    optimizer = RMSProp(eta=eta, gamma=gamma, eps=eps)
    optimizer.Eg2 = Eg2.copy()
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.Eg2


def scenarios(rng):
    return [
        Scenario("1-D, first steps", {"w": rng.normal(0, 0.1, 5), "Eg2": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 0.01, "gamma": 0.9, "eps": 1e-8}),
        Scenario("2-D, after many steps", {"w": rng.normal(0, 0.1, (3, 4)), "Eg2": rng.uniform(0.5, 3, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "gamma": 0.7, "eps": 1e-8}),
        Scenario("1-D, large ε and tiny gradients", {"w": rng.normal(0, 1e-3, 6), "Eg2": np.zeros(6)}, list(rng.normal(0, 1e-3, (3, 6))), {"eta": 0.01, "gamma": 0.9, "eps": 1e-2}),
    ]


WHERE = "See RMSProp's two equations in chapter 4: E[g²]^r = γE[g²]^{r−1} + (1−γ)(g^r)², then w^{r+1} = w^r − η/(√E[g²]^r + ε) g^r."

MISTAKES = (
    Mistake("swapped", "γ and 1 − γ are swapped: the old average keeps the weight γ and the new squared gradient gets 1 − γ.",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (np.sqrt((1 - gamma) * E + gamma * grad**2) + eps) * grad, (1 - gamma) * E + gamma * grad**2)),
    Mistake("sum", "E[g²] is a running sum (that is AdaGrad's G): RMSProp keeps a moving average, γE[g²]^{r−1} + (1−γ)(g^r)².",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (np.sqrt(E + grad**2) + eps) * grad, E + grad**2)),
    Mistake("no-one-minus-gamma", "The new squared gradient is not weighted by (1 − γ): without it the average is not an average (its weights do not sum to 1).",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (np.sqrt(gamma * E + grad**2) + eps) * grad, gamma * E + grad**2)),
    Mistake("eps-inside", "ε is inside the square root, √(E[g²]^r + ε) — the notes' form. This exercise uses the form with ε added after the root: √E[g²]^r + ε.",
            lambda w, E, grad, eta, gamma, eps: (w - eta / np.sqrt(gamma * E + (1 - gamma) * grad**2 + eps) * grad, gamma * E + (1 - gamma) * grad**2)),
    Mistake("not-squared", "The gradient is averaged without squaring it: RMSProp averages (g^r)².",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (np.sqrt(gamma * E + (1 - gamma) * grad) + eps) * grad, gamma * E + (1 - gamma) * grad)),
    Mistake("old-average", "The update divides by the old average E[g²]^{r−1}: update the average first, then divide by √E[g²]^r + ε.",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (np.sqrt(E) + eps) * grad, gamma * E + (1 - gamma) * grad**2)),
    Mistake("no-sqrt", "The square root is missing: divide by √E[g²]^r + ε (a root *mean square*).",
            lambda w, E, grad, eta, gamma, eps: (w - eta / (gamma * E + (1 - gamma) * grad**2 + eps) * grad, gamma * E + (1 - gamma) * grad**2)),
    Mistake("sign", "The weights move with the gradient instead of against it: w^{r+1} = w^r − η/(√E[g²]^r + ε) g^r.",
            lambda w, E, grad, eta, gamma, eps: (w + eta / (np.sqrt(gamma * E + (1 - gamma) * grad**2) + eps) * grad, gamma * E + (1 - gamma) * grad**2)),
)

HINTS = (
    "Two separate lines (the notes merge them by mistake): first the moving average of squared gradients, then the step.",
    "E[g²]^r = γE[g²]^{r−1} + (1−γ)(g^r)²: `Eg2_new = gamma * Eg2 + (1 - gamma) * grad**2`.",
    "w^{r+1} = w^r − η/(√E[g²]^r + ε) g^r: `w_new = w - eta / (np.sqrt(Eg2_new) + eps) * grad`, then `return w_new, Eg2_new`.",
)

EXERCISE = Exercise(
    name="rmsprop_step",
    outputs=("w", "Eg2"),
    rule="E[g²]^r = γE[g²]^{r−1} + (1−γ)(g^r)²; w^{r+1} = w^r − η/(√E[g²]^r + ε) g^r",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
