"""Exercise: one step of Adam, ``adam_step(w, m, v, grad, r, eta, beta1, beta2, eps) -> (w_new, m_new, v_new)``."""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import Adam

SOLUTION = '''\
def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**r)
    v_hat = v_new / (1 - beta2**r)
    w_new = w - eta / (np.sqrt(v_hat) + eps) * m_hat
    return w_new, m_new, v_new
'''


def reference(w, m, v, grad, r, eta, beta1, beta2, eps):
    optimizer = Adam(eta=eta, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m, optimizer.v, optimizer.r = m.copy(), v.copy(), r - 1
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.m, optimizer.v


def _moments(m, v, grad, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def _step(w, m_hat, v_hat, eta, eps):
    return w - eta / (np.sqrt(v_hat) + eps) * m_hat


def _with_r(shift):
    def step(w, m, v, grad, r, eta, beta1, beta2, eps):
        m, v = _moments(m, v, grad, beta1, beta2)
        return _step(w, m / (1 - beta1 ** (r + shift)), v / (1 - beta2 ** (r + shift)), eta, eps), m, v

    return step


def _no_correction(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _step(w, m, v, eta, eps), m, v


def _only_m_corrected(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _step(w, m / (1 - beta1**r), v, eta, eps), m, v


def _only_v_corrected(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _step(w, m, v / (1 - beta2**r), eta, eps), m, v


def _beta_not_powered(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return _step(w, m / (1 - beta1), v / (1 - beta2), eta, eps), m, v


def _corrected_state(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**r), v / (1 - beta2**r)
    return _step(w, m_hat, v_hat, eta, eps), m_hat, v_hat


def _betas_swapped(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta2, beta1)
    return _step(w, m / (1 - beta2**r), v / (1 - beta1**r), eta, eps), m, v


def _eps_inside(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return w - eta / np.sqrt(v / (1 - beta2**r) + eps) * (m / (1 - beta1**r)), m, v


def _eps_hat(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return w - eta * np.sqrt(1 - beta2**r) / (1 - beta1**r) * m / (np.sqrt(v) + eps), m, v


def _v_not_squared(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad
    return _step(w, m / (1 - beta1**r), v / (1 - beta2**r), eta, eps), m, v


def _sign(w, m, v, grad, r, eta, beta1, beta2, eps):
    m, v = _moments(m, v, grad, beta1, beta2)
    return 2 * w - _step(w, m / (1 - beta1**r), v / (1 - beta2**r), eta, eps), m, v


def scenarios(rng):
    later_m = rng.normal(0, 0.5, (3, 4))
    return [
        Scenario("1-D, the first steps", {"w": rng.normal(0, 0.01, 5), "m": np.zeros(5), "v": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))), {"eta": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        Scenario("2-D, from step 50 on", {"w": rng.normal(0, 0.1, (3, 4)), "m": later_m, "v": later_m**2 + rng.uniform(0.1, 1, (3, 4))}, list(rng.normal(0, 1, (4, 3, 4))), {"eta": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-8}, r0=50),
        Scenario("1-D, large ε and tiny gradients", {"w": rng.normal(0, 1e-3, 6), "m": np.zeros(6), "v": np.zeros(6)}, list(rng.normal(0, 1e-4, (3, 6))), {"eta": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3}),
    ]


WHERE = ("See Adam's update in chapter 5: m^r = β₁m^{r−1} + (1−β₁)g^r, v^r = β₂v^{r−1} + (1−β₂)(g^r)², "
         "m̂^r = m^r/(1−β₁^r), v̂^r = v^r/(1−β₂^r), w^{r+1} = w^r − η m̂^r/(√v̂^r + ε).")

MISTAKES = (
    Mistake("no-bias-correction", "The bias correction is missing: divide the moments by 1 − β₁^r and 1 − β₂^r before the update (m̂^r = m^r/(1−β₁^r), v̂^r = v^r/(1−β₂^r)).", _no_correction),
    Mistake("only-m-corrected", "Only m is bias-corrected: v needs its own correction too, v̂^r = v^r/(1−β₂^r).", _only_m_corrected),
    Mistake("only-v-corrected", "Only v is bias-corrected: m needs its own correction too, m̂^r = m^r/(1−β₁^r).", _only_v_corrected),
    Mistake("r-plus-one", "The bias correction is off by one step: it uses β^{r+1}, but r is already the number of this step (1 on the first step), so use 1 − β₁^r and 1 − β₂^r.", _with_r(+1)),
    Mistake("r-minus-one", "The bias correction is off by one step: it uses β^{r−1} (which divides by zero on the first step); r is already this step's number, so use 1 − β₁^r and 1 − β₂^r.", _with_r(-1)),
    Mistake("beta-not-powered", "The bias correction uses 1 − β instead of 1 − β^r: β₁^r and β₂^r are powers of β — the correction fades as r grows.", _beta_not_powered),
    Mistake("corrected-state", "The bias-corrected moments are returned as the new state: return the raw m^r and v^r; m̂ and v̂ are only used inside the update.", _corrected_state),
    Mistake("betas-swapped", "β₁ and β₂ are swapped: β₁ belongs to the first moment m (the gradient), β₂ to the second moment v (the squared gradient).", _betas_swapped),
    Mistake("eps-inside", "ε is inside the square root, √(v̂^r + ε) — the notes' form. This exercise uses Algorithm 1 of the paper, with ε added after the root: √v̂^r + ε.", _eps_inside),
    Mistake("eps-hat", "ε is added to √v before the bias correction (the paper's 'efficient' form, as in Keras), which makes it larger by 1/√(1−β₂^r): add ε to √v̂^r.", _eps_hat),
    Mistake("v-not-squared", "The second moment averages g^r instead of its square: v^r = β₂v^{r−1} + (1−β₂)(g^r)².", _v_not_squared),
    Mistake("sign", "The weights move with the gradient instead of against it: w^{r+1} = w^r − η m̂^r/(√v̂^r + ε).", _sign),
)

HINTS = (
    "Five lines, in the order of the chapter: the two moments, their two bias corrections, the update. Return the raw moments.",
    "m_new = beta1 * m + (1 - beta1) * grad and v_new = beta2 * v + (1 - beta2) * grad**2; the corrections divide by 1 - beta1**r and 1 - beta2**r (r is this step's number, 1 on the first step).",
    "w_new = w - eta / (np.sqrt(v_hat) + eps) * m_hat — ε outside the root — then `return w_new, m_new, v_new` (not m_hat, v_hat).",
)

EXERCISE = Exercise(
    name="adam_step",
    outputs=("w", "m", "v"),
    rule="m^r = β₁m^{r−1} + (1−β₁)g^r; v^r = β₂v^{r−1} + (1−β₂)(g^r)²; m̂ = m^r/(1−β₁^r); v̂ = v^r/(1−β₂^r); w^{r+1} = w^r − η m̂/(√v̂ + ε)",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
