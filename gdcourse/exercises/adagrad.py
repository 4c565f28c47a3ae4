"""Exercise: one step of AdaGrad, ``adagrad_step(w, G, grad, eta, eps) -> (w_new, G_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import AdaGrad

SOLUTION = '''\
def adagrad_step(w, G, grad, eta, eps):
    G_new = G + grad**2
    w_new = w - eta / (np.sqrt(G_new) + eps) * grad
    return w_new, G_new
'''


def reference(w, G, grad, eta, eps):
    optimizer = AdaGrad(eta=eta, eps=eps)
    optimizer.G = G.copy()
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.G


def scenarios(rng):
    return [
        Scenario("1-D, first steps", {"w": rng.normal(0, 0.1, 5), "G": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 0.1, "eps": 1e-8}),
        Scenario("2-D, after many steps", {"w": rng.normal(0, 0.1, (3, 4)), "G": rng.uniform(0.5, 3, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "eps": 1e-8}),
        Scenario("1-D, large ε and tiny gradients", {"w": rng.normal(0, 1e-3, 6), "G": np.zeros(6)}, list(rng.normal(0, 1e-3, (3, 6))), {"eta": 0.01, "eps": 1e-2}),
    ]


WHERE = "See AdaGrad's update in chapter 3: G^r = G^{r−1} + (g^r)², then w^{r+1} = w^r − η/(√G^r + ε) ⊙ g^r."

MISTAKES = (
    Mistake("not-squared", "The gradient is added to G without squaring it: G accumulates (g^r)², the squared gradients.",
            lambda w, G, grad, eta, eps: (w - eta / (np.sqrt(G + grad) + eps) * grad, G + grad)),
    Mistake("abs", "G accumulates |g^r| instead of the squared gradient (g^r)².",
            lambda w, G, grad, eta, eps: (w - eta / (np.sqrt(G + np.abs(grad)) + eps) * grad, G + np.abs(grad))),
    Mistake("not-accumulated", "G is not accumulated: G^r = G^{r−1} + (g^r)² keeps the sum of all squared gradients so far, not just the last one.",
            lambda w, G, grad, eta, eps: (w - eta / (np.sqrt(grad**2) + eps) * grad, grad**2)),
    Mistake("stale-G", "The returned G is the old one: return the new sum G^r = G^{r−1} + (g^r)² so that it keeps growing.",
            lambda w, G, grad, eta, eps: (w - eta / (np.sqrt(G + grad**2) + eps) * grad, G)),
    Mistake("eps-inside", "ε is inside the square root, √(G^r + ε) — the notes' form. This exercise uses the paper's form, with ε added after the root: √G^r + ε.",
            lambda w, G, grad, eta, eps: (w - eta / np.sqrt(G + grad**2 + eps) * grad, G + grad**2)),
    Mistake("old-G", "The update divides by the old G^{r−1}: add the new squared gradient to G first, then divide by √G^r + ε.",
            lambda w, G, grad, eta, eps: (w - eta / (np.sqrt(G) + eps) * grad, G + grad**2)),
    Mistake("no-sqrt", "The square root is missing: divide by √G^r + ε, not by G^r + ε.",
            lambda w, G, grad, eta, eps: (w - eta / (G + grad**2 + eps) * grad, G + grad**2)),
    Mistake("sign", "The weights move with the gradient instead of against it: w^{r+1} = w^r − η/(√G^r + ε) ⊙ g^r.",
            lambda w, G, grad, eta, eps: (w + eta / (np.sqrt(G + grad**2) + eps) * grad, G + grad**2)),
)

HINTS = (
    "Two lines: first add this step's squared gradient to G, then take a step whose size is divided, coordinate by coordinate, by √G + ε.",
    "G^r = G^{r−1} + (g^r)²: `G_new = G + grad**2` (a new array; do not use `G += ...`).",
    "w^{r+1} = w^r − η/(√G^r + ε) ⊙ g^r: `w_new = w - eta / (np.sqrt(G_new) + eps) * grad`, then `return w_new, G_new`.",
)

EXERCISE = Exercise(
    name="adagrad_step",
    outputs=("w", "G"),
    rule="G^r = G^{r−1} + (g^r)²; w^{r+1} = w^r − η/(√G^r + ε) ⊙ g^r",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
