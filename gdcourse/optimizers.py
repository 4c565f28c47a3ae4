r"""Gradient-descent optimizers, written the way the book writes them.

Every optimizer is a small class whose :meth:`update` method is the algorithm's
update rule, one line of numpy per line of the equation, with the book's symbols
as names (``eta`` for :math:`\eta`, ``alpha`` for :math:`\alpha`, ``dw`` for
:math:`\Delta w`, ``m`` and ``v`` for Adam's moments, ``r`` for the step
number).  Everything else — checking the input, keeping the state, preserving
the dtype — lives once, in :class:`Optimizer`.

>>> import numpy as np
>>> from gdcourse import Adam
>>> opt = Adam(eta=0.1)
>>> w = np.array([1.0, -2.0])
>>> w_next = opt.step(w, np.array([0.5, -3.0]))   # a new array; w is untouched
>>> w_next
array([ 0.9, -1.9])
>>> opt.r, opt.m
(1, array([ 0.05, -0.3 ]))

Hyperparameters may be numpy arrays that broadcast against ``w``: with ``w`` of
shape ``(B, d)`` and ``eta`` of shape ``(B, 1)``, one optimizer runs B
independent runs at once (see :func:`gdcourse.run.sweep`).  The learning rate
may also be a schedule (:mod:`gdcourse.schedules`): step r then uses
:math:`\eta_r`.

>>> from gdcourse.schedules import StepDecay
>>> opt = Adam(eta=StepDecay(0.1, step_size=1, factor=0.5))   # 0.1, 0.05, 0.025, ...
>>> w = opt.step(opt.step(w, np.array([0.5, -3.0])), np.array([0.5, -3.0]))
>>> w                 # Adam's steps are about η_r: 0.1, then 0.05
array([ 0.85, -1.85])

With the same settings and the same gradients, every class reproduces the
``torch.optim`` optimizer named in its docstring (to ~1e-15 in float64; the
tests check 1e-12 over 200 steps against committed reference trajectories).
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from gdcourse.hyperparameters import HYPERPARAMETERS, Range, check_hyperparameter  # noqa: F401 (re-exported)
from gdcourse.schedules import Schedule

__all__ = [
    "HYPERPARAMETERS",
    "Optimizer",
    "all_finite",
    "GD",
    "Momentum",
    "Nesterov",
    "SGDMomentum",
    "AdaGrad",
    "RMSProp",
    "AdaDelta",
    "Adam",
    "AdamW",
    "AMSGrad",
]


def all_finite(x: np.ndarray) -> bool:
    """True when no element of x is NaN or ±inf."""
    # On a handful of numbers a Python loop beats the fixed cost of two numpy calls, and the
    # optimizers of the course step through millions of 2-D problems.
    if x.size <= 32:
        return all(map(math.isfinite, x.flat))
    return bool(np.isfinite(x).all())


class Optimizer:
    r"""Base class: input checks, state and dtype handling for every optimizer.

    A subclass states its algorithm in one method, ``update``, whose parameters
    name what the rule needs, in this order — the weights ``w``, the gradient
    ``g``, its state (e.g. ``m``, ``v``), the step number ``r`` if it uses it,
    its hyperparameters — and which returns the new weights followed by the
    new state.  ``update`` is a pure function: it builds new arrays and
    never changes its arguments.  :meth:`step` does the rest:

    - it checks that ``g`` has the shape of ``w`` and contains no NaN or ±inf
      (``ValueError`` otherwise, with the optimizer's state left as it was);
    - it starts the state at zeros of ``w``'s shape and dtype on the first step
      and counts the steps in ``r`` (``r = 1`` on the first step);
    - it keeps float32 as float32: hyperparameter arrays are cast to ``w``'s
      dtype, Python floats follow numpy's weak-scalar rule;
    - when ``eta`` is a schedule (:class:`gdcourse.schedules.Schedule`), it
      passes ``update`` the learning rate of this step, :math:`\eta_r` =
      ``eta(r)`` — a number or an array, like a constant η — so no
      ``update`` knows about schedules.

    Attributes
    ----------
    r : int
        The number of steps taken since construction or :meth:`reset`.
    state_names : tuple of str
        The state the algorithm keeps, e.g. ``("m", "v")``; each is an
        attribute, ``None`` before the first step.
    hyperparameter_names : tuple of str
        The hyperparameters, e.g. ``("eta", "beta1", "beta2", "eps")``.
    """

    state_names: tuple[str, ...] = ()
    hyperparameter_names: tuple[str, ...] = ()
    _takes_r: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "update" not in cls.__dict__:
            return
        arguments = tuple(inspect.signature(cls.update).parameters)[1:]  # drop self
        hyperparameters = tuple(a for a in arguments if a in HYPERPARAMETERS)
        state = tuple(a for a in arguments[2:] if a not in HYPERPARAMETERS and a != "r")
        takes_r = "r" in arguments
        expected = ("w", "g", *state, *(("r",) if takes_r else ()), *hyperparameters)
        if arguments != expected:
            raise TypeError(
                f"{cls.__name__}.update(self, {', '.join(arguments)}) must list its arguments in the order "
                "w, g, the state, r (if used), the hyperparameters"
            )
        cls.hyperparameter_names, cls.state_names, cls._takes_r = hyperparameters, state, takes_r
        for name in hyperparameters:
            setattr(cls, name, _hyperparameter_property(name))

    def __init__(self, **hyperparameters):
        missing = set(self.hyperparameter_names) - set(hyperparameters)
        unknown = set(hyperparameters) - set(self.hyperparameter_names)
        if missing or unknown:
            raise TypeError(
                f"{type(self).__name__} takes the hyperparameters {self.hyperparameter_names}; "
                f"missing {sorted(missing)}, unknown {sorted(unknown)}"
            )
        self._hyperparameters: dict[str, float | np.ndarray] = {}
        for name in self.hyperparameter_names:
            self._hyperparameters[name] = _check_value(name, hyperparameters[name])
        self._cast_cache: dict = {}
        self.reset()

    # ----------------------------------------------------------------- state
    def reset(self) -> None:
        """Forget the state: the next step is step 1 again."""
        self.r = 0
        for name in self.state_names:
            setattr(self, name, None)

    @property
    def state(self) -> dict:
        """A copy of the state: ``{"r": r, "m": m, ...}``."""
        state = {"r": self.r}
        for name in self.state_names:
            value = getattr(self, name)
            state[name] = None if value is None else value.copy()
        return state

    @property
    def hyperparameters(self) -> dict:
        """The hyperparameters by name (floats or read-only arrays)."""
        return dict(self._hyperparameters)

    # ------------------------------------------------------------------ step
    def step(self, w, g, *, check_result: bool = True) -> np.ndarray:
        """Take one step from ``w`` along the gradient ``g``; return the new weights.

        ``w`` and ``g`` are not modified.  The returned array is new and has
        ``w``'s shape and dtype (integer ``w`` is promoted to float64).

        Raises ``ValueError``, leaving the state as it was, when ``g`` does not
        have ``w``'s shape, when ``g`` contains NaN or ±inf, and — unless
        ``check_result=False`` — when the new weights would contain NaN or ±inf
        (NaN weights given, an overflow, or 0/0 with ``eps=0``).
        :func:`gdcourse.run.run` passes ``check_result=False`` because it
        detects divergence itself, row by row.
        """
        w = _as_float_array(w, "w")
        g = _as_float_array(g, "g")
        if g.shape != w.shape:
            raise ValueError(
                f"the gradient g has shape {g.shape} but the weights w have shape {w.shape}; "
                "they must be equal"
            )
        if g.dtype != w.dtype:
            g = g.astype(w.dtype)
        if not all_finite(g):
            raise ValueError(
                f"the gradient g contains NaN or ±inf ({_describe_nonfinite(g)}); "
                f"{type(self).__name__}'s state is unchanged (still after step {self.r})"
            )
        state = [self._state_for(name, w) for name in self.state_names]
        r = self.r + 1
        hyperparameters = self._hyperparameters_for(w, r)
        if self._takes_r:
            result = self.update(w, g, *state, r, *hyperparameters)
        else:
            result = self.update(w, g, *state, *hyperparameters)
        if not self.state_names:
            result = (result,)
        w_next, *state = result
        if check_result and not all_finite(w_next):
            raise ValueError(self._explain_nonfinite_result(w, w_next))
        # Commit only now, so that an error above loses nothing.
        for name, value in zip(self.state_names, state):
            setattr(self, name, value)
        self.r = r
        return w_next

    def _state_for(self, name: str, w: np.ndarray) -> np.ndarray:
        """The current value of a state variable: zeros on the first step, else checked against w."""
        value = getattr(self, name)
        if value is None:
            return np.zeros_like(w)
        if value.shape != w.shape or value.dtype != w.dtype:
            raise ValueError(
                f"w has shape {w.shape} and dtype {w.dtype} but {type(self).__name__}'s "
                f"state {name} has shape {value.shape} and dtype {value.dtype}; "
                "call reset() before starting a new run"
            )
        return value

    def _explain_nonfinite_result(self, w, w_next) -> str:
        name = type(self).__name__
        if not all_finite(w):
            cause = f"the weights w given contain NaN or ±inf ({_describe_nonfinite(w)})"
        else:
            cause = (
                f"step {self.r + 1} would make the weights NaN or ±inf ({_describe_nonfinite(w_next)}): "
                "the run is diverging (is eta too large?) or a 0/0 occurred (eps=0 with a zero denominator)"
            )
        return f"{cause}; {name}'s state is unchanged (still after step {self.r})"

    def update(self, w, g):  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _hyperparameters_for(self, w: np.ndarray, r: int) -> tuple:
        """The hyperparameters of step r in update's order, in w's dtype, checked to broadcast to w's shape."""
        key = (w.dtype, w.shape)
        if key not in self._cast_cache:
            values, scheduled = [], None
            for i, (name, value) in enumerate(self._hyperparameters.items()):
                if isinstance(value, Schedule):
                    _check_broadcast(name, value.shape, w.shape)
                    scheduled = i
                elif isinstance(value, np.ndarray):
                    _check_broadcast(name, value.shape, w.shape)
                    value = _expanded(value, w)
                values.append(value)
            self._cast_cache = {key: (values, scheduled)}  # remember the latest shape only
        values, scheduled = self._cast_cache[key]
        if scheduled is None:
            return values
        eta_r = values[scheduled](r)
        values = list(values)
        values[scheduled] = eta_r if isinstance(eta_r, float) else _expanded(eta_r, w)
        return values

    def __repr__(self) -> str:
        def show(value):
            if isinstance(value, np.ndarray):
                return f"<array {value.shape}>"
            if isinstance(value, Schedule):
                return repr(value)
            return f"{value:g}"

        arguments = ", ".join(f"{n}={show(v)}" for n, v in self._hyperparameters.items())
        return f"{type(self).__name__}({arguments})"


def _hyperparameter_property(name: str) -> property:
    def get(self):
        return self._hyperparameters[name]

    def set(self, value):
        self._hyperparameters[name] = _check_value(name, value)
        self._cast_cache = {}

    allowed = HYPERPARAMETERS[name]
    return property(get, set, doc=f"{allowed.symbol}: {allowed.meaning}, in {allowed}.")


def _check_value(name: str, value):
    """A checked hyperparameter: a float, a read-only array, or (for eta only) a schedule."""
    if isinstance(value, Schedule):
        if name != "eta":
            raise ValueError(
                f"{HYPERPARAMETERS[name].describe(name)}; got the schedule {value!r}, but only eta "
                "(the learning rate) may be a schedule"
            )
        return value
    return check_hyperparameter(name, value)


def _check_broadcast(name: str, shape: tuple, w_shape: tuple) -> None:
    try:
        broadcast = np.broadcast_shapes(shape, w_shape)
    except ValueError:
        broadcast = None
    if broadcast != w_shape:
        raise ValueError(
            f"{name} has shape {shape}, which does not broadcast to the "
            f"shape of w {w_shape}; use e.g. shape (B, 1) for w of shape (B, d)"
        )


def _expanded(value: np.ndarray, w: np.ndarray) -> np.ndarray:
    # Expanded to w's full shape and dtype: a (B, 1) operand would make every elementwise
    # operation iterate over rows of d numbers, several times slower for small d.
    return np.ascontiguousarray(np.broadcast_to(value, w.shape), dtype=w.dtype)


def _as_float_array(x, name: str) -> np.ndarray:
    array = np.asarray(x)
    if array.dtype.kind == "f":
        return array
    if array.dtype.kind in "iub":
        return array.astype(np.float64)
    raise ValueError(f"{name} must be an array of real numbers; got dtype {array.dtype}")


def _describe_nonfinite(x: np.ndarray) -> str:
    bad = np.argwhere(~np.isfinite(x))
    first = tuple(int(i) for i in bad[0])
    return f"{len(bad)} element(s), the first {x[first]} at index {first}"


# ---------------------------------------------------------------------------
# The algorithms.  Each update body is the equation of its docstring.
# ---------------------------------------------------------------------------


class GD(Optimizer):
    r"""Gradient descent.

    .. math::

        w^{r+1} = w^r - \eta\, g^r

    Cauchy (1847).  ``torch.optim.SGD(lr=eta)``.
    """

    def __init__(self, eta=0.01):
        super().__init__(eta=eta)

    def update(self, w, g, eta):
        w = w - eta * g
        return w


class Momentum(Optimizer):
    r"""Gradient descent with heavy-ball momentum, in the notes' :math:`\Delta w` form.

    .. math::

        \Delta w^{r+1} &= \alpha\, \Delta w^r - \eta\, g^r \\
        w^{r+1} &= w^r + \Delta w^{r+1}

    with :math:`\Delta w^1 = 0` (the start :math:`w^1` has no previous update).  Polyak (1964), "Some methods of speeding up
    the convergence of iteration methods".  ``torch.optim.SGD(lr=eta,
    momentum=alpha)`` keeps :math:`b = -\Delta w/\eta` instead; with a constant
    η the trajectories are the same.

    With a learning-rate schedule, step r uses its :math:`\eta_r` on the new
    gradient only, :math:`\Delta w^{r+1} = \alpha\,\Delta w^r - \eta_r g^r`:
    the velocity keeps the steps it has (it is measured in units of w), and a
    change of η reaches it gradually, over about :math:`1/(1-\alpha)` steps —
    as in Keras, whose SGD keeps this same form.  PyTorch's buffer rescales
    the whole velocity at once, as if α were :math:`\alpha\,\eta_r/\eta_{r-1}`
    for that step; :class:`SGDMomentum` is that form.
    """

    def __init__(self, eta=0.01, alpha=0.9):
        super().__init__(eta=eta, alpha=alpha)

    def update(self, w, g, dw, eta, alpha):
        dw = alpha * dw - eta * g
        w = w + dw
        return w, dw


class Nesterov(Optimizer):
    r"""Nesterov's accelerated gradient, in the form that PyTorch iterates.

    Sutskever et al. (2013) write Nesterov's method as momentum whose gradient
    is taken at the look-ahead point :math:`w^r + \alpha\Delta w^r`.  Renaming
    that look-ahead point :math:`w` (so the gradient is taken at the weights
    the optimizer holds) gives

    .. math::

        \Delta w^{r+1} &= \alpha\, \Delta w^r - \eta\, g^r \\
        w^{r+1} &= w^r + \alpha\, \Delta w^{r+1} - \eta\, g^r

    Nesterov (1983), "A method for solving the convex programming problem with
    convergence rate O(1/k²)"; Sutskever, Martens, Dahl & Hinton (2013), "On
    the importance of initialization and momentum in deep learning".
    ``torch.optim.SGD(lr=eta, momentum=alpha, nesterov=True)`` — with a
    constant η; under a schedule, step r uses :math:`\eta_r` in both lines and
    the velocity keeps its old steps, as in :class:`Momentum`
    (``SGDMomentum(nesterov=True)`` is PyTorch's form).
    """

    def __init__(self, eta=0.01, alpha=0.9):
        super().__init__(eta=eta, alpha=alpha)

    def update(self, w, g, dw, eta, alpha):
        dw = alpha * dw - eta * g
        w = w + alpha * dw - eta * g
        return w, dw


class SGDMomentum(Optimizer):
    r"""Momentum in PyTorch's buffer form: the velocity is kept without the learning rate.

    .. math::

        b^r &= \alpha\, b^{r-1} + g^r \\
        w^{r+1} &= w^r - \eta\, b^r

    with :math:`b^0 = 0` (so :math:`b^1 = g^1`); with ``nesterov=True`` the
    second line is :math:`w^{r+1} = w^r - \eta\,(g^r + \alpha\, b^r)`.
    Polyak's (1964) heavy ball, in the form of ``torch.optim.SGD(lr=eta,
    momentum=alpha, nesterov=nesterov)`` (Paszke et al. 2019; its
    ``momentum_buffer`` is b, and its documentation notes that this differs
    from Sutskever et al. 2013); optax' ``sgd(momentum=...)`` is the same.

    With a constant η, :math:`b^r = -\Delta w^{r+1}/\eta` and the path is that of
    :class:`Momentum` (or :class:`Nesterov`).  Under a schedule it is not:
    multiplying the buffer by :math:`\eta_r` at every step rescales the whole
    velocity the moment η changes, so a cut of η by 10 slows the weights by 10
    at once, and a warm-up speeds up the velocity gathered so far.
    """

    def __init__(self, eta=0.01, alpha=0.9, *, nesterov=False):
        super().__init__(eta=eta, alpha=alpha)
        self.nesterov = bool(nesterov)

    def update(self, w, g, b, eta, alpha):
        b = alpha * b + g
        if self.nesterov:
            w = w - eta * (g + alpha * b)
        else:
            w = w - eta * b
        return w, b


class AdaGrad(Optimizer):
    r"""AdaGrad: a per-coordinate step that shrinks with the gradients seen so far.

    .. math::

        G^r &= G^{r-1} + (g^r)^2 \\
        w^{r+1} &= w^r - \frac{\eta}{\sqrt{G^r} + \epsilon} \odot g^r

    :math:`G^r` is the diagonal of the notes' :math:`\sum_t g^t (g^t)^\top`,
    kept as a vector; squares, roots and quotients are element-wise.  Duchi,
    Hazan & Singer (2011), "Adaptive subgradient methods for online learning
    and stochastic optimization" (their δ is ε, outside the root).
    ``torch.optim.Adagrad(lr=eta, eps=eps)``.

    ``eps_in_sqrt=True`` gives the notes' form (also Keras' and optax'):
    :math:`w^{r+1} = w^r - \eta\, g^r / \sqrt{G^r + \epsilon}`.  Keras and
    optax also start the accumulator at 0.1 instead of 0; to do the same, set
    ``opt.G = np.full_like(w, 0.1)`` before the first step.
    """

    def __init__(self, eta=0.01, eps=1e-10, *, eps_in_sqrt=False):
        super().__init__(eta=eta, eps=eps)
        self.eps_in_sqrt = bool(eps_in_sqrt)

    def update(self, w, g, G, eta, eps):
        G = G + g**2
        if self.eps_in_sqrt:
            w = w - eta / np.sqrt(G + eps) * g
        else:
            w = w - eta / (np.sqrt(G) + eps) * g
        return w, G


class RMSProp(Optimizer):
    r"""RMSProp: divide by a running root-mean-square of recent gradients.

    .. math::

        E[g^2]^r &= \gamma\, E[g^2]^{r-1} + (1-\gamma)\, (g^r)^2 \\
        w^{r+1} &= w^r - \frac{\eta}{\sqrt{E[g^2]^r} + \epsilon}\, g^r

    Hinton, Srivastava & Swersky (2012), *Neural Networks for Machine
    Learning*, lecture 6e (γ = 0.9 there, and no ε).  ``torch.optim.RMSprop(
    lr=eta, alpha=gamma, eps=eps)`` — PyTorch calls γ ``alpha`` and defaults it
    to 0.99.

    ``eps_in_sqrt=True`` gives the notes' form (also Keras' and optax'):
    :math:`w^{r+1} = w^r - \eta\, g^r / \sqrt{E[g^2]^r + \epsilon}`.
    """

    def __init__(self, eta=0.01, gamma=0.9, eps=1e-8, *, eps_in_sqrt=False):
        super().__init__(eta=eta, gamma=gamma, eps=eps)
        self.eps_in_sqrt = bool(eps_in_sqrt)

    def update(self, w, g, Eg2, eta, gamma, eps):
        Eg2 = gamma * Eg2 + (1 - gamma) * g**2
        if self.eps_in_sqrt:
            w = w - eta / np.sqrt(Eg2 + eps) * g
        else:
            w = w - eta / (np.sqrt(Eg2) + eps) * g
        return w, Eg2


class AdaDelta(Optimizer):
    r"""AdaDelta: RMSProp whose step size comes from the recent steps themselves.

    .. math::

        E[g^2]^r &= \rho\, E[g^2]^{r-1} + (1-\rho)\, (g^r)^2 \\
        \Delta w^{r+1} &= -\frac{\sqrt{E[\Delta w^2]^{r-1} + \epsilon}}{\sqrt{E[g^2]^r + \epsilon}}\, g^r \\
        E[\Delta w^2]^r &= \rho\, E[\Delta w^2]^{r-1} + (1-\rho)\, (\Delta w^{r+1})^2 \\
        w^{r+1} &= w^r + \eta\, \Delta w^{r+1}

    :math:`\Delta w^{r+1}` is the update of step r, as in the book (Zeiler's
    :math:`\Delta x_t`); the averages after step r carry the index r, so the
    step reads the average of the *previous* updates, :math:`E[\Delta w^2]^{r-1}`.
    Zeiler (2012), "ADADELTA: an adaptive learning rate method", Algorithm 1
    (ρ = 0.95, ε = 1e-6 there, and no η, i.e. η = 1).
    ``torch.optim.Adadelta(lr=eta, rho=rho, eps=eps)``.
    """

    def __init__(self, eta=1.0, rho=0.95, eps=1e-6):
        super().__init__(eta=eta, rho=rho, eps=eps)

    def update(self, w, g, Eg2, Edw2, eta, rho, eps):
        Eg2 = rho * Eg2 + (1 - rho) * g**2
        dw = -np.sqrt(Edw2 + eps) / np.sqrt(Eg2 + eps) * g
        Edw2 = rho * Edw2 + (1 - rho) * dw**2
        w = w + eta * dw
        return w, Eg2, Edw2


class Adam(Optimizer):
    r"""Adam: momentum on the gradient, RMSProp on its square, both bias-corrected.

    .. math::

        m^r &= \beta_1 m^{r-1} + (1-\beta_1)\, g^r \\
        v^r &= \beta_2 v^{r-1} + (1-\beta_2)\, (g^r)^2 \\
        \hat m^r &= m^r / (1-\beta_1^r) \\
        \hat v^r &= v^r / (1-\beta_2^r) \\
        w^{r+1} &= w^r - \frac{\eta}{\sqrt{\hat v^r} + \epsilon}\, \hat m^r

    Kingma & Ba (2015), "Adam: a method for stochastic optimization",
    Algorithm 1.  ``torch.optim.Adam(lr=eta, betas=(beta1, beta2), eps=eps)``.

    ``eps_in_sqrt=True`` gives the notes' form:
    :math:`w^{r+1} = w^r - \eta\, \hat m^r / \sqrt{\hat v^r + \epsilon}`.
    """

    def __init__(self, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, *, eps_in_sqrt=False):
        super().__init__(eta=eta, beta1=beta1, beta2=beta2, eps=eps)
        self.eps_in_sqrt = bool(eps_in_sqrt)

    def update(self, w, g, m, v, r, eta, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**r)
        v_hat = v / (1 - beta2**r)
        if self.eps_in_sqrt:
            w = w - eta / np.sqrt(v_hat + eps) * m_hat
        else:
            w = w - eta / (np.sqrt(v_hat) + eps) * m_hat
        return w, m, v


class AdamW(Optimizer):
    r"""AdamW: Adam with weight decay applied to the weights, not to the gradient.

    .. math::

        m^r &= \beta_1 m^{r-1} + (1-\beta_1)\, g^r \\
        v^r &= \beta_2 v^{r-1} + (1-\beta_2)\, (g^r)^2 \\
        \hat m^r &= m^r / (1-\beta_1^r) \\
        \hat v^r &= v^r / (1-\beta_2^r) \\
        w^{r+1} &= w^r - \eta \left( \frac{\hat m^r}{\sqrt{\hat v^r} + \epsilon} + \lambda\, w^r \right)

    Loshchilov & Hutter (2019), "Decoupled weight decay regularization",
    Algorithm 2 with the schedule multiplier folded into η (so the decay is
    scaled by η, as in PyTorch).  ``torch.optim.AdamW(lr=eta, betas=(beta1,
    beta2), eps=eps, weight_decay=weight_decay)``.
    """

    def __init__(self, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01):
        super().__init__(eta=eta, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay)

    def update(self, w, g, m, v, r, eta, beta1, beta2, eps, weight_decay):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**r)
        v_hat = v / (1 - beta2**r)
        w = w - eta * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * w)
        return w, m, v


class AMSGrad(Optimizer):
    r"""AMSGrad: Adam whose denominator never shrinks.

    .. math::

        m^r &= \beta_1 m^{r-1} + (1-\beta_1)\, g^r \\
        v^r &= \beta_2 v^{r-1} + (1-\beta_2)\, (g^r)^2 \\
        v_{\max}^r &= \max(v_{\max}^{r-1}, v^r) \\
        \hat m^r &= m^r / (1-\beta_1^r) \\
        \hat v^r &= v_{\max}^r / (1-\beta_2^r) \\
        w^{r+1} &= w^r - \frac{\eta}{\sqrt{\hat v^r} + \epsilon}\, \hat m^r

    Reddi, Kale & Kumar (2018), "On the convergence of Adam and beyond"
    (who take the maximum of the raw :math:`v` and do not bias-correct).  The
    bias correction follows PyTorch: ``torch.optim.Adam(lr=eta, betas=(beta1,
    beta2), eps=eps, amsgrad=True)``.
    """

    def __init__(self, eta=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(eta=eta, beta1=beta1, beta2=beta2, eps=eps)

    def update(self, w, g, m, v, v_max, r, eta, beta1, beta2, eps):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**r)
        v_hat = v_max / (1 - beta2**r)
        w = w - eta / (np.sqrt(v_hat) + eps) * m_hat
        return w, m, v, v_max
