"""Exercise: one step of AdamW,
``adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay) -> (w_new, m_new, v_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import AdamW

SOLUTION = '''\
def adamw_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**r)
    v_hat = v_new / (1 - beta2**r)
    w_new = w - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w)
    return w_new, m_new, v_new
'''


def reference(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    optimizer = AdamW(eta=eta, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)
    optimizer.m, optimizer.v, optimizer.r = m.copy(), v.copy(), r - 1
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.m, optimizer.v


def _adam_direction(m, v, g, r, beta1, beta2, eps):
    """The new moments and Adam's direction m̂/(√v̂ + ε) for the gradient g."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return m, v, (m / (1 - beta1**r)) / (np.sqrt(v / (1 - beta2**r)) + eps)


def _l2(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, u = _adam_direction(m, v, grad + weight_decay * w, r, beta1, beta2, eps)
    return w - eta * u, m, v


def _decay_not_scaled(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, u = _adam_direction(m, v, grad, r, beta1, beta2, eps)
    return w - eta * u - weight_decay * w, m, v


def _decay_after_step(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, u = _adam_direction(m, v, grad, r, beta1, beta2, eps)
    return (w - eta * u) * (1 - eta * weight_decay), m, v


def _no_decay(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, u = _adam_direction(m, v, grad, r, beta1, beta2, eps)
    return w - eta * u, m, v


def _decay_sign(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, u = _adam_direction(m, v, grad, r, beta1, beta2, eps)
    return w - eta * (u - weight_decay * w), m, v


def _decay_divided(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m, v, _ = _adam_direction(m, v, grad, r, beta1, beta2, eps)
    m_hat, v_hat = m / (1 - beta1**r), v / (1 - beta2**r)
    return w - eta * (m_hat + weight_decay * w) / (np.sqrt(v_hat) + eps), m, v


def _no_bias_correction(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return w - eta * (m / (np.sqrt(v) + eps) + weight_decay * w), m, v


def _eps_inside(w, m, v, grad, r, eta, beta1, beta2, eps, weight_decay):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return w - eta * ((m / (1 - beta1**r)) / np.sqrt(v / (1 - beta2**r) + eps) + weight_decay * w), m, v


def scenarios(rng):
    later_m = rng.normal(0, 0.5, (3, 4))
    return [
        Scenario("1-D, the first steps", {"w": rng.normal(0, 1, 5), "m": np.zeros(5), "v": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))),
                 {"eta": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.1}),
        Scenario("2-D, from step 50 on, strong decay", {"w": rng.normal(0, 2, (3, 4)), "m": later_m, "v": later_m**2 + rng.uniform(0.1, 1, (3, 4))},
                 list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.5}, r0=50),
        Scenario("1-D, large ε and tiny gradients", {"w": rng.normal(0, 1, 6), "m": np.zeros(6), "v": np.zeros(6)}, list(rng.normal(0, 1e-4, (3, 6))),
                 {"eta": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3, "weight_decay": 0.01}),
    ]


WHERE = ("See AdamW in chapter 6: Adam's moments and bias corrections, then "
         "w^{r+1} = w^r − η(m̂^r/(√v̂^r + ε) + λw^r) — the decay acts on the weights, scaled by η, and never enters m or v.")

MISTAKES = (
    Mistake("l2", "The decay is added to the gradient (g + λw), so it goes through m and v: that is Adam with an L2 penalty, not AdamW. "
            "Keep the moments on the raw gradient and subtract ηλw^r from the weights.", _l2),
    Mistake("decay-not-scaled", "The decay is not multiplied by η: this exercise follows PyTorch's AdamW (Loshchilov & Hutter's Algorithm 2 with the "
            "schedule folded into η), w^{r+1} = w^r − η(m̂^r/(√v̂^r + ε) + λw^r).", _decay_not_scaled),
    Mistake("decay-after-step", "The decay multiplies the weights after Adam's step, (w − ηm̂/(√v̂ + ε))(1 − ηλ): it acts on the old weights w^r, "
            "as in w^{r+1} = w^r − η(m̂^r/(√v̂^r + ε) + λw^r).", _decay_after_step),
    Mistake("decay-divided", "The decay is divided by √v̂^r + ε along with m̂^r: only Adam's direction is adapted; the decay term ηλw^r is not.", _decay_divided),
    Mistake("no-decay", "The weight decay is missing: this is Adam. AdamW also subtracts ηλw^r.", _no_decay),
    Mistake("decay-sign", "The decay has the wrong sign: it pulls the weights towards 0, w^{r+1} = w^r − η(… + λw^r).", _decay_sign),
    Mistake("no-bias-correction", "The bias correction is missing: divide the moments by 1 − β₁^r and 1 − β₂^r before the update.", _no_bias_correction),
    Mistake("eps-inside", "ε is inside the square root, √(v̂^r + ε): this exercise uses √v̂^r + ε, as Adam in chapter 5.", _eps_inside),
)

HINTS = (
    "Start from your Adam step (chapter 5): the moments and their corrections are unchanged. Only the last line changes.",
    "The decay does not touch the gradient, m or v: it is a separate term λw^r next to Adam's direction m̂/(√v̂ + ε), both multiplied by η.",
    "`w_new = w - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w)`; return `w_new, m_new, v_new`.",
)

EXERCISE = Exercise(
    name="adamw_step",
    outputs=("w", "m", "v"),
    rule="m^r = β₁m^{r−1} + (1−β₁)g^r; v^r = β₂v^{r−1} + (1−β₂)(g^r)²; m̂ = m^r/(1−β₁^r); v̂ = v^r/(1−β₂^r); w^{r+1} = w^r − η(m̂/(√v̂ + ε) + λw^r)",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
