"""Exercise: one step of AMSGrad,
``amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps) -> (w_new, m_new, v_new, v_max_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import AMSGrad

SOLUTION = '''\
def amsgrad_step(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    v_max_new = np.maximum(v_max, v_new)
    m_hat = m_new / (1 - beta1**r)
    v_hat = v_max_new / (1 - beta2**r)
    w_new = w - eta / (np.sqrt(v_hat) + eps) * m_hat
    return w_new, m_new, v_new, v_max_new
'''


def reference(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    optimizer = AMSGrad(eta=eta, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m, optimizer.v, optimizer.v_max, optimizer.r = m.copy(), v.copy(), v_max.copy(), r - 1
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.m, optimizer.v, optimizer.v_max


def _moments(m, v, grad, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def _update(w, m, denominator_v, r, eta, beta1, beta2, eps):
    return w - eta / (np.sqrt(denominator_v / (1 - beta2**r)) + eps) * (m / (1 - beta1**r))


def _adam(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _update(w, m, v, r, eta, beta1, beta2, eps), m, v, np.maximum(v_max, v)


def _max_of_corrected(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    v_max = np.maximum(v_max, v / (1 - beta2**r))  # optax' default: the maximum of v̂, used as it is
    return w - eta / (np.sqrt(v_max) + eps) * (m / (1 - beta1**r)), m, v, v_max


def _max_of_squared_gradients(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    v_max = np.maximum(v_max, grad**2)
    return _update(w, m, v_max, r, eta, beta1, beta2, eps), m, v, v_max


def _average_of_the_maximum(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = np.maximum(v_max, beta2 * v + (1 - beta2) * grad**2)
    return _update(w, m, v, r, eta, beta1, beta2, eps), m, v, v


def _no_correction_of_the_maximum(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    v_max = np.maximum(v_max, v)
    return w - eta / (np.sqrt(v_max) + eps) * (m / (1 - beta1**r)), m, v, v_max


def _stale_maximum(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _update(w, m, np.maximum(v_max, v), r, eta, beta1, beta2, eps), m, v, v_max.copy()


def _maximum_of_the_old_v(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    v_max = np.maximum(v_max, v)
    m, v = _moments(m, v, grad, beta1, beta2)
    return _update(w, m, v_max, r, eta, beta1, beta2, eps), m, v, v_max


def _minimum(w, m, v, v_max, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    v_max = np.minimum(v_max, v)
    return _update(w, m, v_max, r, eta, beta1, beta2, eps), m, v, v_max


def scenarios(rng):
    v_big = rng.uniform(1.0, 4.0, (3, 4))  # the maximum remembers large gradients seen long ago
    v_now = rng.uniform(0.01, 0.5, (3, 4))
    w6 = rng.normal(0, 0.1, 6)
    return [
        Scenario("1-D, the first steps, large then small gradients", {"w": rng.normal(0, 0.1, 5), "m": np.zeros(5), "v": np.zeros(5), "v_max": np.zeros(5)},
                 [g * s for g, s in zip(rng.normal(0, 1, (5, 5)), (5.0, 5.0, 0.1, 0.1, 0.1))], {"eta": 0.01, "beta1": 0.9, "beta2": 0.9, "eps": 1e-8}),
        Scenario("2-D, from step 100 on, the maximum above v", {"w": rng.normal(0, 0.1, (3, 4)), "m": rng.normal(0, 0.3, (3, 4)), "v": v_now, "v_max": v_big},
                 list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}, r0=100),
        Scenario("1-D, from step 3 on, growing gradients", {"w": w6, "m": rng.normal(0, 0.1, 6), "v": rng.uniform(0.001, 0.01, 6), "v_max": rng.uniform(0.01, 0.02, 6)},
                 [g * s for g, s in zip(rng.normal(0, 1, (4, 6)), (0.5, 1.0, 2.0, 4.0))], {"eta": 0.02, "beta1": 0.5, "beta2": 0.99, "eps": 1e-3}, r0=3),
    ]


WHERE = ("See AMSGrad in chapter 6: Adam's m^r and v^r, then v_max^r = max(v_max^{r−1}, v^r), m̂^r = m^r/(1−β₁^r), "
         "v̂^r = v_max^r/(1−β₂^r) and w^{r+1} = w^r − η m̂^r/(√v̂^r + ε).")

MISTAKES = (
    Mistake("adam", "The update divides by v^r, not by the maximum: that is Adam. AMSGrad uses v̂^r = v_max^r/(1−β₂^r), so the denominator never forgets a large gradient.", _adam),
    Mistake("max-of-corrected", "The maximum is taken of the bias-corrected v̂ (optax' form): this exercise follows PyTorch — the maximum of the raw v^r, "
            "bias-corrected afterwards, v̂^r = v_max^r/(1−β₂^r).", _max_of_corrected),
    Mistake("max-of-squared-gradients", "The maximum is taken with the squared gradient (g^r)²: it is the maximum of the averages, max(v_max^{r−1}, v^r).", _max_of_squared_gradients),
    Mistake("average-of-the-maximum", "v itself is replaced by the maximum: keep the average v^r = β₂v^{r−1} + (1−β₂)(g^r)² as it is and the maximum v_max^r beside it.", _average_of_the_maximum),
    Mistake("no-correction-of-the-maximum", "The maximum is not bias-corrected (Reddi et al.'s original form): this exercise follows PyTorch, v̂^r = v_max^r/(1−β₂^r).", _no_correction_of_the_maximum),
    Mistake("stale-maximum", "The returned v_max is the old one: return the new maximum v_max^r = max(v_max^{r−1}, v^r), or the next step forgets this one.", _stale_maximum),
    Mistake("max-of-the-old-v", "The maximum is taken with the previous v^{r−1}: update v first, then v_max^r = max(v_max^{r−1}, v^r).", _maximum_of_the_old_v),
    Mistake("minimum", "This keeps the minimum: AMSGrad keeps the largest average so far, v_max^r = max(v_max^{r−1}, v^r) (np.maximum, element by element).", _minimum),
)

HINTS = (
    "Adam's five lines plus one: after the two moments, keep the element-wise maximum of v so far, and use it instead of v in the denominator.",
    "`v_max_new = np.maximum(v_max, v_new)` — element by element (Python's max() would compare whole arrays).",
    "`v_hat = v_max_new / (1 - beta2**r)`, `w_new = w - eta / (np.sqrt(v_hat) + eps) * m_hat`; return `w_new, m_new, v_new, v_max_new`.",
)

EXERCISE = Exercise(
    name="amsgrad_step",
    outputs=("w", "m", "v", "v_max"),
    rule="m^r = β₁m^{r−1} + (1−β₁)g^r; v^r = β₂v^{r−1} + (1−β₂)(g^r)²; v_max^r = max(v_max^{r−1}, v^r); m̂ = m^r/(1−β₁^r); v̂ = v_max^r/(1−β₂^r); w^{r+1} = w^r − η m̂/(√v̂ + ε)",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
