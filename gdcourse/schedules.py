r"""Learning-rate schedules: a learning rate :math:`\eta_r` for every step r.

A schedule is a small object whose value at step r is its equation::

    >>> from gdcourse.schedules import CosineAnnealing, LinearWarmup
    >>> schedule = LinearWarmup(CosineAnnealing(eta=0.1, T=90), steps=10)
    >>> [round(schedule(r), 4) for r in (1, 2, 10, 11, 56, 100, 101)]
    [0.0, 0.01, 0.09, 0.1, 0.05, 0.0, 0.0]

Give one to any optimizer as its learning rate, ``gdcourse.Adam(eta=schedule)``:
the optimizer's step r (r = 1 on the first step) then uses :math:`\eta_r`
= ``schedule(r)``, and its ``update`` receives that number exactly as it
receives a constant η.  :func:`gdcourse.run` and :func:`gdcourse.sweep` accept
such optimizers unchanged.

**Steps and PyTorch's epochs.**  A ``torch.optim.lr_scheduler`` counts the
calls of its ``step()`` in ``last_epoch``, starting at 0.  In the usual loop —
``optimizer.step()`` then ``scheduler.step()``, once per minibatch — the
optimizer's r-th step runs with ``last_epoch = r − 1``.  So step r here is
PyTorch's epoch r − 1, and every equation below is written with
:math:`t = r - 1`, the number of steps already taken.  With that mapping each
schedule's values equal PyTorch's (the tests check 1e-12 against committed
reference values made with torch 2.13); the docstrings name the scheduler.

A schedule's ``eta`` may be an array that broadcasts against the weights (e.g.
shape ``(B, 1)`` for B runs at once); its values are then arrays too.
``schedule.values(n)`` gives :math:`\eta_1, \dots, \eta_n` for plotting.

:func:`radam_rectification` is the factor by which RAdam multiplies Adam's
step (Liu et al. 2020): a warm-up that the algorithm derives for itself.
"""

from __future__ import annotations

import math

import numpy as np

from gdcourse.hyperparameters import Range, check_hyperparameter

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "MultiStepDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "CosineAnnealing",
    "CosineWarmRestarts",
    "LinearWarmup",
    "radam_rho",
    "radam_rectification",
]

_ETA_MIN = Range("η_min", "the smallest learning rate of the schedule", 0.0, math.inf)
_FACTOR = Range("c", "the decay factor", 0.0, 1.0, bounds="(]")
_START_FACTOR = Range("s", "the warm-up's first learning rate as a fraction of η", 0.0, 1.0, bounds="[]")
_TAU = Range("τ", "the number of steps over which the rate halves", 0.0, math.inf, bounds="()")
_POWER = Range("p", "the power of the decay", 0.0, math.inf, bounds="()")


def _check_count(owner: str, name: str, value, meaning: str, low: int = 1) -> int:
    """An integer >= low (a Python or numpy integer, not a bool), or ValueError naming it."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{owner}: {name} ({meaning}) must be an integer >= {low}; got {value!r}")
    return int(value)


def _check_step(r) -> int:
    if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, np.integer)) or r < 1:
        raise ValueError(f"r (the step number) must be an integer >= 1 (r = 1 on the first step); got {r!r}")
    return int(r)


class Schedule:
    r"""Base class: a learning rate :math:`\eta_r` for every step r = 1, 2, ...

    A subclass states its equation in one method, ``rate(r)``, written with
    numpy so that ``r`` may be one step number or an array of them (and
    ``eta`` an array); its constructor checks the parameters.  The base class
    does the rest: ``schedule(r)`` checks r and returns a float (or a read-only
    array when ``eta`` is one), ``values(n)`` evaluates steps 1 … n at once,
    ``with_eta`` makes the same schedule with another peak η.
    """

    eta: float | np.ndarray

    def rate(self, r):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def __call__(self, r) -> float | np.ndarray:
        """The learning rate of step r (r = 1 on the first step)."""
        value = self.rate(_check_step(r))
        if np.ndim(value) == 0:
            return float(value)  # a Python float: numpy's weak-scalar rule keeps float32 weights float32
        value = np.array(value, dtype=np.float64)
        value.flags.writeable = False
        return value

    def values(self, steps: int) -> np.ndarray:
        r"""The learning rates of steps 1 … ``steps``: shape ``(steps,)`` (or ``(steps,) + shape``)."""
        steps = _check_count(type(self).__name__, "steps", steps, "the number of steps")
        r = np.arange(1, steps + 1).reshape((steps,) + (1,) * len(self.shape))
        return np.array(np.broadcast_to(self.rate(r), (steps,) + self.shape), dtype=np.float64)

    @property
    def shape(self) -> tuple:
        """The shape of the values: ``()`` for numbers, else the broadcast shape of the array parameters."""
        return np.broadcast_shapes(*(v.shape for v in self._parameters().values() if isinstance(v, np.ndarray)))

    def with_eta(self, eta) -> "Schedule":
        """The same schedule with peak learning rate ``eta`` (a number or an array)."""
        return type(self)(**{**self._parameters(), "eta": eta})

    def _parameters(self) -> dict:
        """The constructor's arguments, by name (what ``repr`` shows and ``with_eta`` copies)."""
        raise NotImplementedError  # pragma: no cover

    def __repr__(self) -> str:
        def show(value):
            if isinstance(value, np.ndarray):
                return f"<array {value.shape}>"
            if isinstance(value, float):
                return f"{value:g}"
            return repr(value)

        arguments = ", ".join(f"{name}={show(value)}" for name, value in self._parameters().items())
        return f"{type(self).__name__}({arguments})"


def _check_eta(owner: str, eta):
    if isinstance(eta, Schedule):
        raise ValueError(f"{owner}: eta must be a number or an array, not a schedule ({eta!r})")
    return check_hyperparameter("eta", eta)


def _check_eta_min(owner: str, eta_min, eta):
    eta_min = check_hyperparameter("eta_min", eta_min, _ETA_MIN)
    try:
        above = np.greater(eta_min, eta)
    except ValueError:
        raise ValueError(
            f"{owner}: eta_min of shape {np.shape(eta_min)} does not broadcast against eta of shape {np.shape(eta)}"
        ) from None
    if np.any(above):
        raise ValueError(
            f"{owner}: eta_min ({_ETA_MIN.symbol}, {_ETA_MIN.meaning}) must not exceed eta (η); "
            f"got eta_min={np.max(eta_min):g} > eta={np.min(eta):g}"
        )
    return eta_min


class Constant(Schedule):
    r"""A constant learning rate: :math:`\eta_r = \eta`.

    The same as giving the number; useful as the schedule inside
    :class:`LinearWarmup`.  PyTorch: no scheduler.
    """

    def __init__(self, eta):
        self.eta = _check_eta("Constant", eta)

    def rate(self, r):
        return self.eta + 0 * r  # the shape of r, so that values() and LinearWarmup can broadcast it

    def _parameters(self):
        return {"eta": self.eta}


class StepDecay(Schedule):
    r"""Step decay: multiply the learning rate by c every ``step_size`` steps.

    .. math::

        \eta_r = \eta \, c^{\lfloor t / s \rfloor}, \qquad t = r - 1

    so steps 1 … s use η, steps s + 1 … 2s use cη, and so on.  Krizhevsky,
    Sutskever & Hinton (2012) divided the rate by 10 whenever the validation
    error stopped improving; a fixed period is the common form.
    ``torch.optim.lr_scheduler.StepLR(step_size=s, gamma=c)``.
    """

    def __init__(self, eta, step_size: int, factor: float = 0.1):
        self.eta = _check_eta("StepDecay", eta)
        self.step_size = _check_count("StepDecay", "step_size", step_size, "the number of steps between two decays")
        self.factor = check_hyperparameter("factor", factor, _FACTOR)

    def rate(self, r):
        t = r - 1
        return self.eta * self.factor ** (t // self.step_size)

    def _parameters(self):
        return {"eta": self.eta, "step_size": self.step_size, "factor": self.factor}


class MultiStepDecay(Schedule):
    r"""Piecewise-constant decay: multiply the learning rate by c after each milestone.

    .. math::

        \eta_r = \eta \, c^{\,|\{m \in M \,:\, m \le t\}|}, \qquad t = r - 1

    A milestone m is a number of steps taken: step m + 1 is the first with the
    lower rate.  He, Zhang, Ren & Sun (2016), "Deep residual learning for image
    recognition", divided by 10 at 32k and 48k iterations.
    ``torch.optim.lr_scheduler.MultiStepLR(milestones=M, gamma=c)``.
    """

    def __init__(self, eta, milestones, factor: float = 0.1):
        self.eta = _check_eta("MultiStepDecay", eta)
        milestones = tuple(milestones) if np.iterable(milestones) else (milestones,)
        for m in milestones:
            _check_count("MultiStepDecay", "each milestone", m, "a number of steps taken")
        if not milestones or any(b <= a for a, b in zip(milestones, milestones[1:])):
            raise ValueError(f"MultiStepDecay: milestones must be a non-empty, strictly increasing sequence; got {milestones!r}")
        self.milestones = tuple(int(m) for m in milestones)
        self.factor = check_hyperparameter("factor", factor, _FACTOR)

    def rate(self, r):
        t = r - 1
        passed = np.searchsorted(self.milestones, t, side="right")  # milestones m <= t
        return self.eta * self.factor**passed

    def _parameters(self):
        return {"eta": self.eta, "milestones": self.milestones, "factor": self.factor}


class ExponentialDecay(Schedule):
    r"""Exponential decay: multiply the learning rate by c after every step.

    .. math::

        \eta_r = \eta \, c^{t}, \qquad t = r - 1

    ``torch.optim.lr_scheduler.ExponentialLR(gamma=c)``.  Its sum converges
    (to :math:`\eta/(1-c)`), so it stops short of a minimizer that is further
    away than that: it violates the first Robbins–Monro condition (see
    :class:`InverseTimeDecay`).
    """

    def __init__(self, eta, factor: float):
        self.eta = _check_eta("ExponentialDecay", eta)
        self.factor = check_hyperparameter("factor", factor, _FACTOR)

    def rate(self, r):
        t = r - 1
        return self.eta * self.factor**t

    def _parameters(self):
        return {"eta": self.eta, "factor": self.factor}


class InverseTimeDecay(Schedule):
    r"""Inverse-time decay: the rate falls like a power of the step number.

    .. math::

        \eta_r = \frac{\eta}{(1 + t/\tau)^{p}}, \qquad t = r - 1

    With p = 1 (the default) :math:`\eta_r \approx \eta\tau/r` for large r:
    :math:`\sum_r \eta_r = \infty` and :math:`\sum_r \eta_r^2 < \infty`, the
    conditions of Robbins & Monro (1951), "A stochastic approximation method",
    under which SGD converges despite noisy gradients; that holds for
    1/2 < p ≤ 1.  p = 1/2 is the square-root decay of online learning.
    Bengio (2012), "Practical recommendations for gradient-based training of
    deep architectures", recommends :math:`\eta\tau/\max(t, \tau)`.
    Keras' ``InverseTimeDecay`` (p = 1); in PyTorch a ``LambdaLR`` with
    ``lambda t: (1 + t / tau) ** -p``.
    """

    def __init__(self, eta, tau: float, power: float = 1.0):
        self.eta = _check_eta("InverseTimeDecay", eta)
        self.tau = check_hyperparameter("tau", tau, _TAU)
        self.power = check_hyperparameter("power", power, _POWER)

    def rate(self, r):
        t = r - 1
        return self.eta / (1 + t / self.tau) ** self.power

    def _parameters(self):
        return {"eta": self.eta, "tau": self.tau, "power": self.power}


class CosineAnnealing(Schedule):
    r"""Cosine annealing: from η down to :math:`\eta_{\min}` along half a cosine over T steps.

    .. math::

        \eta_r = \eta_{\min} + \tfrac12 (\eta - \eta_{\min})
                 \left(1 + \cos\frac{\pi\, \min(t, T)}{T}\right), \qquad t = r - 1

    Step 1 uses η, step T + 1 uses :math:`\eta_{\min}`, and the rate stays
    there.  Loshchilov & Hutter (2017), "SGDR: stochastic gradient descent with
    warm restarts", one cycle of their schedule (for the restarts see
    :class:`CosineWarmRestarts`).  ``torch.optim.lr_scheduler.CosineAnnealingLR(
    T_max=T, eta_min=eta_min)`` for steps 1 … T + 1; after that PyTorch's
    formula, which has no ``min``, climbs back up along the cosine.
    """

    def __init__(self, eta, T: int, eta_min=0.0):
        self.eta = _check_eta("CosineAnnealing", eta)
        self.T = _check_count("CosineAnnealing", "T", T, "the number of steps from η to η_min")
        self.eta_min = _check_eta_min("CosineAnnealing", eta_min, self.eta)

    def rate(self, r):
        t = np.minimum(r - 1, self.T)
        return self.eta_min + 0.5 * (self.eta - self.eta_min) * (1 + np.cos(np.pi * t / self.T))

    def _parameters(self):
        return {"eta": self.eta, "T": self.T, "eta_min": self.eta_min}


class CosineWarmRestarts(Schedule):
    r"""SGDR: cosine annealing that restarts at η, each cycle :math:`T_{\mathrm{mult}}` times longer.

    .. math::

        \eta_r = \eta_{\min} + \tfrac12 (\eta - \eta_{\min})
                 \left(1 + \cos\frac{\pi\, T_{\mathrm{cur}}}{T_i}\right)

    where cycle i (i = 0, 1, ...) lasts :math:`T_i = T_0 T_{\mathrm{mult}}^i`
    steps and :math:`T_{\mathrm{cur}}` counts the steps taken since it began
    (:math:`t = r - 1` steps in all).  Loshchilov & Hutter (2017), "SGDR:
    stochastic gradient descent with warm restarts", eq. (5).
    ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(T_0=T0,
    T_mult=T_mult, eta_min=eta_min)``.
    """

    def __init__(self, eta, T0: int, T_mult: int = 1, eta_min=0.0):
        self.eta = _check_eta("CosineWarmRestarts", eta)
        self.T0 = _check_count("CosineWarmRestarts", "T0", T0, "the length of the first cycle")
        self.T_mult = _check_count("CosineWarmRestarts", "T_mult", T_mult, "the growth factor of the cycles")
        self.eta_min = _check_eta_min("CosineWarmRestarts", eta_min, self.eta)

    def cycle(self, r):
        r"""``(T_cur, T_i)`` at step r: the steps taken in the current cycle and its length."""
        t = np.asarray(r - 1, dtype=np.int64)
        if self.T_mult == 1:
            return t % self.T0, np.full_like(t, self.T0)
        q = self.T_mult
        # Cycle i starts after T0 (q^i - 1)/(q - 1) steps; the logarithm finds i, the integer
        # comparisons make it exact at the boundaries, where rounding could be off by one.
        i = np.floor(np.log1p(t * (q - 1) / self.T0) / math.log(q)).astype(np.int64)
        start = lambda i: self.T0 * (q**i - 1) // (q - 1)  # noqa: E731
        i = np.where(start(i) > t, i - 1, i)
        i = np.where(start(i + 1) <= t, i + 1, i)
        return t - start(i), self.T0 * q**i

    def rate(self, r):
        T_cur, T_i = self.cycle(r)
        return self.eta_min + 0.5 * (self.eta - self.eta_min) * (1 + np.cos(np.pi * T_cur / T_i))

    def _parameters(self):
        return {"eta": self.eta, "T0": self.T0, "T_mult": self.T_mult, "eta_min": self.eta_min}


class LinearWarmup(Schedule):
    r"""A linear warm-up of W steps, then any schedule.

    .. math::

        \eta_r = \begin{cases}
            \big(s + (1 - s)\, t / W\big)\, \eta'_1 & r \le W \\
            \eta'_{r - W} & r > W
        \end{cases}
        \qquad t = r - 1

    where :math:`\eta'` is the wrapped ``schedule`` (a number means a constant
    rate): the rate climbs in equal steps from :math:`s\,\eta'_1` towards
    :math:`\eta'_1`, reached at step W + 1, and the wrapped schedule starts
    there, at its own step 1.  Goyal et al. (2017), "Accurate, large minibatch
    SGD: training ImageNet in 1 hour", §2.2 (gradual warm-up over 5 epochs).

    ``start_factor = 0`` (the default) starts from :math:`\eta_1 = 0`, like
    Hugging Face's ``get_cosine_schedule_with_warmup``: Adam's first step then
    only fills its moments.  In PyTorch (which needs ``start_factor > 0``)::

        SequentialLR(opt, [LinearLR(opt, start_factor=s, total_iters=W), inner],
                     milestones=[W])

    Goyal et al. count their later decays from the start of training, not from
    the end of the warm-up: give the wrapped schedule milestones W steps
    earlier to get that.
    """

    def __init__(self, schedule, steps: int, start_factor: float = 0.0):
        if not isinstance(schedule, Schedule):
            schedule = Constant(schedule)
        self.schedule = schedule
        self.steps = _check_count("LinearWarmup", "steps", steps, "the number of warm-up steps W")
        self.start_factor = check_hyperparameter("start_factor", start_factor, _START_FACTOR)

    @property
    def eta(self):
        """The peak learning rate: that of the wrapped schedule."""
        return self.schedule.eta

    def rate(self, r):
        t = r - 1
        W, s = self.steps, self.start_factor
        warming = (s + (1 - s) * t / W) * self.schedule.rate(1)
        after = self.schedule.rate(np.maximum(r - W, 1))  # the wrapped schedule is only read from its step 1 on
        return np.where(r <= W, warming, after)

    @property
    def shape(self) -> tuple:
        return self.schedule.shape

    def with_eta(self, eta) -> "LinearWarmup":
        return LinearWarmup(self.schedule.with_eta(eta), self.steps, self.start_factor)

    def _parameters(self):
        return {"schedule": self.schedule, "steps": self.steps, "start_factor": self.start_factor}


# ---------------------------------------------------------------------------
# RAdam's rectification: the warm-up Adam would need
# ---------------------------------------------------------------------------


def radam_rho(r, beta2: float = 0.999):
    r"""The length :math:`\rho_r` of the simple moving average that Adam's :math:`v^r` approximates.

    .. math::

        \rho_\infty = \frac{2}{1 - \beta_2} - 1, \qquad
        \rho_r = \rho_\infty - \frac{2 r \beta_2^r}{1 - \beta_2^r}

    :math:`\rho_1 = 1` and :math:`\rho_r` grows to :math:`\rho_\infty` (1999
    for β₂ = 0.999).  Liu et al. (2020), "On the variance of the adaptive
    learning rate and beyond", eq. (5)–(6).  ``r`` may be an array of steps.
    """
    beta2 = check_hyperparameter("beta2", beta2)
    r = np.asarray(r, dtype=np.float64)
    if np.any(~(r >= 1)):
        raise ValueError(f"r (the step number) must be >= 1 (r = 1 on the first step); got {r.min()!r}")
    rho_inf = 2 / (1 - beta2) - 1
    rho = rho_inf - 2 * r * beta2**r / (1 - beta2**r)
    return float(rho) if rho.ndim == 0 else rho


def radam_rectification(r, beta2: float = 0.999):
    r"""RAdam's rectification term :math:`r_r`: the factor that makes the variance of Adam's step constant.

    .. math::

        r_r = \sqrt{\frac{(\rho_r - 4)(\rho_r - 2)\,\rho_\infty}
                          {(\rho_\infty - 4)(\rho_\infty - 2)\,\rho_r}}

    with :math:`\rho_r` from :func:`radam_rho`.  If the squared gradients were
    drawn from a scaled χ² distribution, :math:`\operatorname{Var}[1/\sqrt{v^r}]`
    would be proportional to :math:`1/r_r^2` (to first order); RAdam multiplies
    Adam's bias-corrected step by :math:`r_r`, which rises from 0 towards 1 over
    the first few thousand steps (β₂ = 0.999) — a warm-up derived from the
    variance.  Liu et al. (2020), "On the variance of the adaptive learning
    rate and beyond", eq. (8) and Algorithm 2.

    The variance is infinite while :math:`\rho_r \le 4` (:math:`\rho_r` is
    just below r early on, so for the first 4 steps); there the term is
    undefined, this function returns NaN, and RAdam takes a plain momentum step
    :math:`\eta\,\hat m^r` instead.  ``torch.optim.RAdam`` does so while
    :math:`\rho_r \le 5` (the first 5 steps).
    ``r`` may be an array of steps.
    """
    rho = np.asarray(radam_rho(r, beta2))
    rho_inf = 2 / (1 - check_hyperparameter("beta2", beta2)) - 1
    defined = rho > 4
    safe = np.where(defined, rho, 5.0)  # keeps the square root real where the term is undefined
    term = np.sqrt((safe - 4) * (safe - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * safe))
    term = np.where(defined, term, np.nan)
    return float(term) if term.ndim == 0 else term

