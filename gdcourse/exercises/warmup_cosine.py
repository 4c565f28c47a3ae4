"""Exercise: one step of momentum whose learning rate follows a linear warm-up and a cosine decay,
``warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total) -> (w_new, dw_new)``.

With t = r − 1 the steps already taken (PyTorch's scheduler epoch), W = ``warmup`` and T = ``total``:
η_r = η t/W while t < W, then η_r = ½η(1 + cos(π(t − W)/(T − W))) — for r = 1 … T.  The reference is
``gdcourse.Momentum(eta=LinearWarmup(CosineAnnealing(eta, T − W), W))``.
"""

import numpy as np

from gdcourse.exercises.base import Exercise, Mistake, Scenario
from gdcourse.optimizers import Momentum
from gdcourse.schedules import CosineAnnealing, LinearWarmup

SOLUTION = '''\
def warmup_cosine_step(w, dw, grad, r, eta, alpha, warmup, total):
    t = r - 1  # the steps already taken
    warming = eta * t / warmup
    cooling = 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup)))
    eta_r = warming if t < warmup else cooling
    dw_new = alpha * dw - eta_r * grad
    w_new = w + dw_new
    return w_new, dw_new
'''


def reference(w, dw, grad, r, eta, alpha, warmup, total):
    schedule = LinearWarmup(CosineAnnealing(eta, T=total - warmup), steps=warmup, start_factor=0.0)
    optimizer = Momentum(eta=schedule, alpha=alpha)
    optimizer.dw, optimizer.r = dw.copy(), r - 1
    w_new = optimizer.step(w, grad)
    return w_new, optimizer.dw


def _with_rate(rate):
    """A momentum step (the notes' form) with the learning rate rate(r, eta, warmup, total)."""

    def step(w, dw, grad, r, eta, alpha, warmup, total):
        dw_new = alpha * dw - rate(r, eta, warmup, total) * grad
        return w + dw_new, dw_new

    return step


def _cosine(t, eta, start, length):
    return 0.5 * eta * (1 + np.cos(np.pi * (t - start) / length))


def _piecewise(warm, cool):
    return lambda r, eta, W, T: warm(r - 1, eta, W, T) if r - 1 < W else cool(r - 1, eta, W, T)


_RIGHT_WARMUP = lambda t, eta, W, T: eta * t / W  # noqa: E731
_RIGHT_COSINE = lambda t, eta, W, T: _cosine(t, eta, W, T - W)  # noqa: E731


def _buffer(w, dw, grad, r, eta, alpha, warmup, total):
    eta_r = _piecewise(_RIGHT_WARMUP, _RIGHT_COSINE)(r, eta, warmup, total)
    b = alpha * dw + grad
    return w - eta_r * b, b


def _velocity_rescaled(w, dw, grad, r, eta, alpha, warmup, total):
    rate = _piecewise(_RIGHT_WARMUP, _RIGHT_COSINE)
    eta_r, eta_before = rate(r, eta, warmup, total), rate(r - 1, eta, warmup, total) if r > 1 else 0.0
    scale = eta_r / eta_before if eta_before > 0 else 1.0
    dw_new = alpha * scale * dw - eta_r * grad
    return w + dw_new, dw_new


def scenarios(rng):
    def moving(shape, scale=0.2):
        return {"w": rng.normal(0, 1, shape), "dw": rng.normal(0, scale, shape)}

    return [
        Scenario("1-D, the warm-up from step 1", {"w": rng.normal(0, 1, 5), "dw": np.zeros(5)}, list(rng.normal(0, 1, (4, 5))),
                 {"eta": 0.1, "alpha": 0.9, "warmup": 5, "total": 50}),
        Scenario("2-D, across the end of the warm-up (steps 4 to 8)", moving((3, 4)), list(rng.normal(0, 1, (5, 3, 4))),
                 {"eta": 0.2, "alpha": 0.8, "warmup": 5, "total": 50}, r0=4),
        Scenario("1-D, part-way down the cosine (steps 30 to 32)", moving(6), list(rng.normal(0, 1, (3, 6))),
                 {"eta": 0.5, "alpha": 0.5, "warmup": 10, "total": 100}, r0=30),
        Scenario("1-D, the last steps (steps 47 to 50)", moving(4, 0.05), list(rng.normal(0, 1, (4, 4))),
                 {"eta": 0.3, "alpha": 0.7, "warmup": 3, "total": 50}, r0=47),
    ]


WHERE = ("See the chapter on learning-rate schedules: with t = r − 1, η_r = η t/W while t < W, then "
         "η_r = ½η(1 + cos(π(t − W)/(T − W))); the step is momentum's, Δw^{r+1} = αΔw^r − η_r g^r, w^{r+1} = w^r + Δw^{r+1}.")

MISTAKES = (
    Mistake("warmup-uses-r", "The warm-up is one step ahead: it uses r where it needs t = r − 1, the steps already taken, so step 1 already has η/W. "
            "The warm-up is η_r = η t/W (η_1 = 0, as in PyTorch's scheduler counting from epoch 0).",
            _with_rate(_piecewise(lambda t, eta, W, T: eta * (t + 1) / W, _RIGHT_COSINE))),
    Mistake("cosine-not-shifted", "The cosine starts at step 1 instead of at the end of the warm-up: its phase is π(t − W)/(T − W), not πt/(T − W).",
            _with_rate(_piecewise(_RIGHT_WARMUP, lambda t, eta, W, T: _cosine(t, eta, 0, T - W)))),
    Mistake("cosine-over-total", "The cosine runs over all T steps: after a warm-up of W steps it has T − W steps left, so its phase is π(t − W)/(T − W).",
            _with_rate(_piecewise(_RIGHT_WARMUP, lambda t, eta, W, T: _cosine(t, eta, W, T)))),
    Mistake("no-half-one-plus", "The decay is η cos(…): the cosine schedule is ½η(1 + cos(…)), which goes from η down to 0 without turning negative.",
            _with_rate(_piecewise(_RIGHT_WARMUP, lambda t, eta, W, T: eta * np.cos(np.pi * (t - W) / (T - W))))),
    Mistake("no-warmup", "There is no warm-up: for t < W the learning rate climbs linearly, η_r = η t/W, and the cosine starts only after it.",
            _with_rate(lambda r, eta, W, T: _cosine(r - 1, eta, 0, T))),
    Mistake("constant-eta", "The learning rate does not change: step r uses η_r from the schedule (warm-up, then cosine), not η itself.",
            _with_rate(lambda r, eta, W, T: eta)),
    Mistake("buffer", "This is PyTorch's buffer form b = αb + g, w −= η_r b: the exercise keeps the velocity Δw (the notes' form), in which η_r multiplies only the new gradient, "
            "Δw^{r+1} = αΔw^r − η_r g^r.", _buffer),
    Mistake("velocity-rescaled", "The velocity is rescaled by η_r/η_{r−1}: that turns the notes' form into PyTorch's. Here the velocity keeps its old steps, Δw^{r+1} = αΔw^r − η_r g^r.",
            _velocity_rescaled),
)

HINTS = (
    "Two parts: first the learning rate of this step, η_r, from r (a warm-up, then a cosine); then a momentum step with η_r in place of η.",
    "Let t = r − 1. While t < warmup: `eta_r = eta * t / warmup`. Afterwards: `eta_r = 0.5 * eta * (1 + np.cos(np.pi * (t - warmup) / (total - warmup)))`.",
    "Then the momentum step of chapter 2: `dw_new = alpha * dw - eta_r * grad`, `w_new = w + dw_new`; return `w_new, dw_new`.",
)

EXERCISE = Exercise(
    name="warmup_cosine_step",
    outputs=("w", "dw"),
    rule="t = r − 1; η_r = η t/W (t < W), ½η(1 + cos(π(t − W)/(T − W))) (t ≥ W); Δw^{r+1} = αΔw^r − η_r g^r; w^{r+1} = w^r + Δw^{r+1}",
    where=WHERE,
    reference=reference,
    mistakes=MISTAKES,
    make_scenarios=scenarios,
    hints=HINTS,
    solution=SOLUTION,
)
