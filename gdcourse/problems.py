r"""Objective functions the course optimizes, each with its analytic gradient.

A problem has

- ``f(w)`` — the loss, and ``grad(w)`` — its gradient (for stochastic problems,
  a noisy or minibatch estimate).  Both accept one point of shape ``(d,)`` or a
  stack of points of shape ``(..., d)``, so a grid of contour values or a batch
  of ``B`` runs is one call;
- ``minimizers`` — the known minimizers as an array of shape ``(k, d)``, or
  ``None`` — and ``f_min``, the minimum value (or ``None``);
- for 2-D problems, ``window`` — the default plot window ``((x_lo, x_hi),
  (y_lo, y_hi))`` — and for every problem ``start``, a default starting point;
- ``reset()``, which restarts its random number generator so that a run is
  reproducible (:func:`gdcourse.run.run` calls it).

:class:`MLP` is a small neural network on the digits (its forward pass and
backpropagation are in :mod:`gdcourse.mlp`).

``problem.with_noise(sigma, seed)`` makes any problem stochastic and
``problem.with_l2(lam)`` adds an L2 penalty :math:`\tfrac{\lambda}{2}\lVert w\rVert^2`.
"""

from __future__ import annotations

import math

import numpy as np

from gdcourse import mlp
from gdcourse.datasets import load_digits

__all__ = [
    "Problem",
    "Quadratic",
    "Rosenbrock",
    "Beale",
    "Saddle",
    "DataProblem",
    "RareFeatures",
    "SoftmaxRegression",
    "MLP",
    "Noisy",
    "L2Regularized",
    "two_d",
    "catalogue",
]


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot products along the last axis: shapes (..., d), (..., d) -> (...)."""
    if a.ndim == 1:
        return a @ b
    # Summing the product over a short last axis is slow for many rows; a matrix product is not.
    return (a * b) @ np.ones(a.shape[-1])


class Problem:
    """Base class of the course's objective functions."""

    name: str = "problem"
    dim: int = 2
    minimizers: np.ndarray | None = None
    f_min: float | None = None
    window: tuple[tuple[float, float], tuple[float, float]] | None = None
    start: np.ndarray
    stochastic: bool = False

    def f(self, w) -> np.ndarray:
        raise NotImplementedError

    def grad(self, w) -> np.ndarray:
        raise NotImplementedError

    def reset(self) -> None:
        """Restart the random number generator (deterministic problems: nothing to do)."""

    def with_noise(self, sigma: float, seed: int = 0) -> "Noisy":
        """This problem with Gaussian noise of standard deviation ``sigma`` added to every gradient."""
        return Noisy(self, sigma, seed)

    def with_l2(self, lam: float) -> "L2Regularized":
        r"""This problem plus :math:`\tfrac{\lambda}{2}\lVert w\rVert^2`."""
        return L2Regularized(self, lam)

    def _points(self, w) -> np.ndarray:
        w = np.asarray(w)
        if w.dtype.kind not in "fiu":
            raise ValueError(f"{self.name}: w must be an array of real numbers; got dtype {w.dtype}")
        if w.ndim == 0 or w.shape[-1] != self.dim:
            raise ValueError(
                f"{self.name} is a function of {self.dim} variables: w must have shape "
                f"({self.dim},) or (..., {self.dim}); got shape {w.shape}"
            )
        return w if w.dtype.kind == "f" else w.astype(np.float64)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.name}>"


# ---------------------------------------------------------------------------
# Deterministic 2-D problems
# ---------------------------------------------------------------------------


class Quadratic(Problem):
    r"""An ill-conditioned quadratic bowl with a chosen condition number.

    .. math::

        f(w) = \tfrac12\, w^\top H w, \qquad
        H = R_\theta \begin{pmatrix} L/\kappa & 0 \\ 0 & L \end{pmatrix} R_\theta^\top

    The curvature is :math:`L/\kappa` along the first axis and :math:`L` along
    the second, both turned by ``angle`` degrees.  Gradient descent is stable
    for :math:`0 < \eta < 2/L` whatever κ is; the valley's floor is the slow
    direction.
    """

    def __init__(self, kappa: float = 10.0, angle: float = 0.0, L: float = 1.0):
        if not (kappa >= 1 and math.isfinite(kappa)):
            raise ValueError(f"kappa (the condition number) must be a finite number >= 1; got {kappa!r}")
        if not (L > 0 and math.isfinite(L)):
            raise ValueError(f"L (the largest curvature) must be a finite number > 0; got {L!r}")
        self.kappa, self.angle, self.L = float(kappa), float(angle), float(L)
        theta = math.radians(angle)
        self.R = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
        self.eigenvalues = np.array([L / kappa, L])
        self.H = self.R @ np.diag(self.eigenvalues) @ self.R.T
        self.name = f"quadratic (κ={kappa:g}" + (f", {angle:g}°)" if angle else ")")
        self.minimizers = np.zeros((1, 2))
        self.f_min = 0.0
        self.start = self.R @ np.array([-4.5, 1.5])
        self.window = ((-5.0, 5.0), (-2.5, 2.5)) if angle == 0 else ((-5.0, 5.0), (-5.0, 5.0))

    def f(self, w):
        w = self._points(w)
        return 0.5 * _dot(w @ self.H, w)

    def grad(self, w):
        w = self._points(w)
        return w @ self.H  # H is symmetric, so w @ H is (H w) for every row


class Rosenbrock(Problem):
    r"""Rosenbrock's banana valley.

    .. math::

        f(x, y) = (a - x)^2 + b\,(y - x^2)^2

    Minimum 0 at :math:`(a, a^2)`.  Rosenbrock (1960), "An automatic method
    for finding the greatest or least value of a function".
    """

    def __init__(self, a: float = 1.0, b: float = 100.0):
        self.a, self.b = float(a), float(b)
        self.name = "Rosenbrock" if (a, b) == (1.0, 100.0) else f"Rosenbrock (a={a:g}, b={b:g})"
        self.minimizers = np.array([[a, a**2]])
        self.f_min = 0.0
        self.start = np.array([-1.5, 2.0])
        self.window = ((-2.0, 2.0), (-1.0, 3.0))

    def f(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def grad(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        df_dx = -2 * (self.a - x) - 4 * self.b * x * (y - x**2)
        df_dy = 2 * self.b * (y - x**2)
        return np.stack([df_dx, df_dy], axis=-1)


class Beale(Problem):
    r"""Beale's function: flat plateaus, steep walls, a narrow curved valley.

    .. math::

        f(x, y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2

    Minimum 0 at :math:`(3, 0.5)`.  Beale (1958), "On an iterative method for
    finding a local minimum of a function of more than one variable".
    """

    name = "Beale"
    minimizers = np.array([[3.0, 0.5]])
    f_min = 0.0
    window = ((-4.5, 4.5), (-4.5, 4.5))

    def __init__(self):
        self.start = np.array([1.0, 1.5])

    def f(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    def grad(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        t1 = 1.5 - x + x * y
        t2 = 2.25 - x + x * y**2
        t3 = 2.625 - x + x * y**3
        df_dx = 2 * t1 * (y - 1) + 2 * t2 * (y**2 - 1) + 2 * t3 * (y**3 - 1)
        df_dy = 2 * t1 * x + 2 * t2 * (2 * x * y) + 2 * t3 * (3 * x * y**2)
        return np.stack([df_dx, df_dy], axis=-1)


class Saddle(Problem):
    r"""A saddle point between two minima.

    .. math::

        f(x, y) = \tfrac12 x^2 + \tfrac14 y^4 - \tfrac12 y^2

    The origin is a saddle (curvature +1 along x, −1 along y); the minima are
    :math:`(0, \pm 1)` with :math:`f = -\tfrac14`.  Started almost on the ridge
    :math:`y = 0`, gradient descent spends a long time near the saddle.
    """

    name = "saddle"
    minimizers = np.array([[0.0, 1.0], [0.0, -1.0]])
    f_min = -0.25
    window = ((-2.0, 2.0), (-1.5, 1.5))
    saddle_points = np.array([[0.0, 0.0]])

    def __init__(self):
        self.start = np.array([1.8, 1e-3])

    def f(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2

    def grad(self, w):
        w = self._points(w)
        x, y = w[..., 0], w[..., 1]
        return np.stack([x, y**3 - y], axis=-1)


# ---------------------------------------------------------------------------
# Problems defined by data, with minibatch gradients
# ---------------------------------------------------------------------------


class DataProblem(Problem):
    """A loss averaged over training examples; ``grad`` uses a minibatch.

    Subclasses define ``loss_on(w, idx)`` and ``grad_on(w, idx)``, the mean
    loss and its gradient over the training examples ``idx`` (``None``: all).
    ``f(w)`` is the full training loss; ``grad(w)`` is the gradient on the next
    minibatch of ``batch_size`` examples, drawn without replacement and
    reshuffled every epoch from a generator seeded with ``seed`` (``batch_size
    = None``: the full gradient).  Every row of a stacked ``w`` sees the same
    minibatch.
    """

    stochastic = True

    def __init__(self, n_train: int, batch_size: int | None, seed: int):
        if batch_size is not None and not (isinstance(batch_size, (int, np.integer)) and 1 <= batch_size <= n_train):
            raise ValueError(
                f"batch_size must be None (full batch) or an integer in [1, {n_train}]; got {batch_size!r}"
            )
        self.n_train = n_train
        self.batch_size = batch_size
        self.seed = seed
        self.stochastic = batch_size is not None
        self.reset()

    def reset(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        self._order = np.empty(0, dtype=np.intp)
        self._position = 0

    def next_batch(self) -> np.ndarray:
        """Indices of the next minibatch (an epoch drops its last incomplete batch)."""
        if self._position + self.batch_size > len(self._order):
            self._order = self._rng.permutation(self.n_train)
            self._position = 0
        batch = self._order[self._position : self._position + self.batch_size]
        self._position += self.batch_size
        return batch

    def f(self, w):
        return self.loss_on(self._points(w), None)

    def grad(self, w):
        w = self._points(w)
        if self.batch_size is None:
            return self.grad_on(w, None)
        return self.grad_on(w, self.next_batch())

    def loss_on(self, w, idx):
        raise NotImplementedError

    def grad_on(self, w, idx):
        raise NotImplementedError


class RareFeatures(DataProblem):
    r"""Least squares where one feature is common and the other rare.

    Each of ``n`` examples has binary features :math:`x_{ij} = 1` with
    probability ``p[j]``; targets are :math:`y_i = x_i^\top w_\star + \text{noise}`.

    .. math::

        f(w) = \frac{1}{2n} \sum_{i=1}^n (x_i^\top w - y_i)^2

    A minibatch gradient has a non-zero rare coordinate only when the batch
    holds an example with the rare feature, and its curvature is ``p[1]``
    times smaller: plain SGD barely moves that coordinate, while AdaGrad's
    per-coordinate step makes up for it.  (Duchi et al. 2011 motivate AdaGrad
    with exactly such sparse, rare features.)
    """

    def __init__(
        self,
        p=(0.5, 0.02),
        n: int = 2000,
        batch_size: int | None = 16,
        noise: float = 0.1,
        seed: int = 0,
    ):
        p = np.asarray(p, dtype=np.float64)
        if p.ndim != 1 or len(p) < 1 or not np.all((p > 0) & (p <= 1)):
            raise ValueError(f"p must be a list of probabilities in (0, 1]; got {p.tolist()!r}")
        data = np.random.default_rng(seed + 1000)
        self.dim = len(p)
        self.p = p
        self.X = (data.random((n, self.dim)) < p).astype(np.float64)
        self.w_true = np.full(self.dim, 1.0)
        self.y = self.X @ self.w_true + noise * data.standard_normal(n)
        self.name = "rare features"
        # The full loss is a quadratic form, ½wᵀHw − bᵀw + c: evaluating it that way costs O(d²) per
        # point instead of O(n d), which matters for contour grids of thousands of points.
        self.H = self.X.T @ self.X / n
        self.b = self.X.T @ self.y / n
        self.c = 0.5 * float(self.y @ self.y) / n
        solution = np.linalg.lstsq(self.X, self.y, rcond=None)[0]
        self.minimizers = solution[None, :]
        super().__init__(n, batch_size, seed)
        self.f_min = float(self.loss_on(solution, None))
        self.start = np.full(self.dim, -1.5)
        if self.dim == 2:
            self.window = ((-2.0, 2.5), (-2.0, 2.5))

    def loss_on(self, w, idx):
        if idx is None:
            return 0.5 * _dot(w @ self.H, w) - w @ self.b + self.c
        X, y = self.X[idx], self.y[idx]
        residual = w @ X.T - y
        return 0.5 * np.mean(residual**2, axis=-1)

    def grad_on(self, w, idx):
        if idx is None:
            return w @ self.H - self.b
        X, y = self.X[idx], self.y[idx]
        residual = w @ X.T - y
        return residual @ X / len(y)


class SoftmaxRegression(DataProblem):
    r"""Multinomial logistic (softmax) regression on the handwritten digits.

    The 1797 images of :func:`gdcourse.datasets.load_digits` are scaled to
    [0, 1], given a constant feature 1 for the bias, and split once (seeded)
    into 1438 training and 359 held-out examples.  The weights ``w`` of length
    650 are the 65 × 10 matrix :math:`W` (pixels + bias, classes) flattened row
    by row.

    .. math::

        f(w) = \frac1n \sum_{i=1}^n \Big( \log \sum_{k} e^{x_i^\top W_k} - x_i^\top W_{y_i} \Big),
        \qquad \nabla_W f = \frac1n X^\top (P - Y)

    where :math:`P` holds the softmax probabilities and :math:`Y` the one-hot
    labels.  ``accuracy(w)`` is the held-out accuracy.
    """

    n_classes = 10

    def __init__(self, batch_size: int | None = 64, seed: int = 0, test_fraction: float = 0.2):
        images, labels = load_digits()
        X = np.hstack([images / 16.0, np.ones((len(images), 1))])
        order = np.random.default_rng(12345).permutation(len(X))
        n_test = int(round(test_fraction * len(X)))
        test, train = order[:n_test], order[n_test:]
        self.X_train, self.y_train = X[train], labels[train]
        self.X_test, self.y_test = X[test], labels[test]
        self.n_features = X.shape[1]
        self.dim = self.n_features * self.n_classes
        self.name = "softmax regression (digits)"
        self.start = np.zeros(self.dim)
        super().__init__(len(train), batch_size, seed)

    def _weights(self, w):
        return w.reshape(w.shape[:-1] + (self.n_features, self.n_classes))

    def _logits(self, w, X):
        logits = X @ self._weights(w)
        return logits - logits.max(axis=-1, keepdims=True)  # stable softmax

    def loss_on(self, w, idx):
        X, y = (self.X_train, self.y_train) if idx is None else (self.X_train[idx], self.y_train[idx])
        logits = self._logits(w, X)
        log_normalizer = np.log(np.exp(logits) @ np.ones(self.n_classes))
        true_logit = logits[..., np.arange(len(y)), y]
        return np.mean(log_normalizer - true_logit, axis=-1)

    def grad_on(self, w, idx):
        X, y = (self.X_train, self.y_train) if idx is None else (self.X_train[idx], self.y_train[idx])
        logits = self._logits(w, X)
        P = np.exp(logits)
        P /= (P @ np.ones(self.n_classes))[..., None]
        P[..., np.arange(len(y)), y] -= 1.0  # P - Y
        grad_W = X.T @ P / len(y)
        return grad_W.reshape(w.shape)

    def predict(self, w, X) -> np.ndarray:
        """Predicted class of each row of ``X`` (shape (n, 65), bias column included)."""
        return np.argmax(X @ self._weights(self._points(w)), axis=-1)

    def accuracy(self, w, split: str = "test") -> np.ndarray:
        """Fraction of correctly classified examples of ``split`` ("test" or "train")."""
        if split not in ("test", "train"):
            raise ValueError(f"split must be 'test' or 'train'; got {split!r}")
        X, y = (self.X_test, self.y_test) if split == "test" else (self.X_train, self.y_train)
        return np.mean(self.predict(w, X) == y, axis=-1)


class MLP(DataProblem):
    r"""A small neural network on the handwritten digits: 64 pixels, a hidden layer, 10 classes.

    The multilayer perceptron of :mod:`gdcourse.mlp` with layer ``sizes``
    (default 64–32–10, 2410 weights), ``activation`` tanh or ReLU and softmax
    cross-entropy.  The 1797 images of :func:`gdcourse.datasets.load_digits`,
    scaled to [0, 1], are split once into 1438 training and 359 validation
    examples — the split of :class:`SoftmaxRegression`, so the two models are
    compared on the same held-out images.

    - ``f(w)``: the mean cross-entropy on the whole training set;
    - ``grad(w)``: its gradient on the next minibatch of ``batch_size``
      examples (``None``: the full training set), by backpropagation;
    - ``loss(w, split)`` and ``accuracy(w, split)`` on ``"train"`` or
      ``"validation"``;
    - ``start``: seeded initial weights (``init_seed``; Glorot for tanh, He for
      ReLU, zero biases); ``initial_weights(seed)`` gives others.

    ``w`` may be a stack ``(B, 2410)`` of networks (every row sees the same
    minibatch), so :func:`gdcourse.sweep` trains a grid of networks at once.
    Unlike the convex problems, the loss has plateaus, saddles and many
    minima, and the training loss alone says nothing about overfitting.
    """

    def __init__(
        self,
        sizes=(64, 32, 10),
        activation: str = "tanh",
        batch_size: int | None = 64,
        seed: int = 0,
        init_seed: int = 0,
        validation_fraction: float = 0.2,
    ):
        self.sizes = mlp.check_sizes(sizes)
        mlp.check_activation(activation)
        images, labels = load_digits()
        if self.sizes[0] != images.shape[1] or self.sizes[-1] != 10:
            raise ValueError(f"sizes must start with {images.shape[1]} (the pixels) and end with 10 (the classes); got {self.sizes}")
        if not 0 < validation_fraction < 1:
            raise ValueError(f"validation_fraction must be in (0, 1); got {validation_fraction!r}")
        self.activation = activation
        order = np.random.default_rng(12345).permutation(len(images))  # the split of SoftmaxRegression
        n_validation = int(round(validation_fraction * len(images)))
        validation, train = order[:n_validation], order[n_validation:]
        X = images / 16.0
        self.X_train, self.y_train = X[train], labels[train]
        self.X_validation, self.y_validation = X[validation], labels[validation]
        self.dim = mlp.n_weights(self.sizes)
        self.name = f"MLP {'-'.join(map(str, self.sizes))} {activation} (digits)"
        self.start = self.initial_weights(init_seed)
        super().__init__(len(train), batch_size, seed)

    def initial_weights(self, seed: int = 0) -> np.ndarray:
        """Seeded initial weights of this network (see :func:`gdcourse.mlp.initial_weights`)."""
        return mlp.initial_weights(self.sizes, self.activation, seed)

    def _split(self, split: str):
        if split == "train":
            return self.X_train, self.y_train
        if split == "validation":
            return self.X_validation, self.y_validation
        raise ValueError(f"split must be 'train' or 'validation'; got {split!r}")

    def loss_on(self, w, idx):
        X, y = (self.X_train, self.y_train) if idx is None else (self.X_train[idx], self.y_train[idx])
        return mlp.loss(w, X, y, self.sizes, self.activation)

    def grad_on(self, w, idx):
        X, y = (self.X_train, self.y_train) if idx is None else (self.X_train[idx], self.y_train[idx])
        return mlp.loss_and_gradient(w, X, y, self.sizes, self.activation)[1]

    def loss(self, w, split: str = "validation") -> np.ndarray:
        """The mean cross-entropy on ``split`` ("train" or "validation")."""
        X, y = self._split(split)
        return mlp.loss(self._points(w), X, y, self.sizes, self.activation)

    def accuracy(self, w, split: str = "validation") -> np.ndarray:
        """The fraction of correctly classified examples of ``split`` ("train" or "validation")."""
        X, y = self._split(split)
        return np.mean(mlp.predict(self._points(w), X, self.sizes, self.activation) == y, axis=-1)


# ---------------------------------------------------------------------------
# Wrappers
# ---------------------------------------------------------------------------


class Noisy(Problem):
    r"""A problem whose gradient carries seeded Gaussian noise.

    ``grad(w) = problem.grad(w) + sigma * z`` with :math:`z \sim N(0, I)` drawn
    from ``numpy.random.default_rng(seed)``; ``f`` is the noise-free loss, so
    loss curves show true progress.
    """

    stochastic = True

    def __init__(self, problem: Problem, sigma: float, seed: int = 0):
        if not (sigma >= 0 and math.isfinite(sigma)):
            raise ValueError(f"sigma (the noise standard deviation) must be a finite number >= 0; got {sigma!r}")
        self.problem, self.sigma, self.seed = problem, float(sigma), seed
        self.name = f"{problem.name} + noise (σ={sigma:g})"
        self.dim = problem.dim
        self.minimizers, self.f_min = problem.minimizers, problem.f_min
        self.window, self.start = problem.window, problem.start
        self.reset()

    def reset(self) -> None:
        self.problem.reset()
        self._rng = np.random.default_rng(self.seed)

    def f(self, w):
        return self.problem.f(w)

    def grad(self, w):
        g = self.problem.grad(w)
        return g + self.sigma * self._rng.standard_normal(g.shape)


class L2Regularized(Problem):
    r"""A problem plus an L2 penalty: :math:`f(w) + \tfrac{\lambda}{2}\lVert w\rVert^2`.

    Its gradient is :math:`\nabla f(w) + \lambda w`: that is what "weight decay"
    means for plain gradient descent, and what AdamW refuses to do for Adam.

    ``lam`` is a number, or a column of shape ``(B, 1)`` giving each row of a
    stacked ``w`` of shape ``(B, d)`` its own λ — as the optimizers take one
    hyperparameter per row — so that a grid of λ is one batched run.
    """

    def __init__(self, problem: Problem, lam):
        try:
            value = np.array(lam, dtype=np.float64)  # a copy, read-only below
        except (TypeError, ValueError):
            raise ValueError(f"lam (λ, the L2 coefficient) must be a finite number >= 0; got {lam!r}") from None
        if value.ndim not in (0, 2) or (value.ndim == 2 and (value.shape[1] != 1 or value.shape[0] == 0)):
            raise ValueError(
                f"lam (λ, the L2 coefficient) must be a number or a column of shape (B, 1), one λ per row "
                f"of w; got an array of shape {value.shape}"
            )
        if not (np.all(value >= 0) and np.all(np.isfinite(value))):
            bad = value if value.ndim == 0 else value[~((value >= 0) & np.isfinite(value))][0]
            raise ValueError(f"lam (λ, the L2 coefficient) must be a finite number >= 0; got {float(bad)!r}")
        self.problem = problem
        value.flags.writeable = False
        self.lam = float(value) if value.ndim == 0 else value
        self._one_per_row = value.ndim == 2
        self.name = (
            f"{problem.name} + L2 (λ={self.lam:g})" if value.ndim == 0
            else f"{problem.name} + L2 ({len(value)} values of λ)"
        )
        self.dim = problem.dim
        self.stochastic = problem.stochastic
        self.window, self.start = problem.window, problem.start

    def reset(self) -> None:
        self.problem.reset()

    def _lam_for(self, w: np.ndarray):
        if not self._one_per_row:
            return self.lam
        if w.shape[:-1] != self.lam.shape[:1]:
            raise ValueError(
                f"{self.name}: w must have shape ({len(self.lam)}, {self.dim}), one row per λ; got {w.shape}"
            )
        return self.lam

    def f(self, w):
        w = self._points(w)
        lam = self._lam_for(w)
        per_row = lam[:, 0] if self._one_per_row else lam
        return self.problem.f(w) + 0.5 * per_row * _dot(w, w)

    def grad(self, w):
        w = self._points(w)
        return self.problem.grad(w) + self._lam_for(w) * w


def two_d() -> dict[str, Problem]:
    """The 2-D problems of the course by short name, in a fixed order (new instances)."""
    return {
        "quadratic": Quadratic(kappa=10),
        "rotated quadratic": Quadratic(kappa=10, angle=30),
        "Rosenbrock": Rosenbrock(),
        "Beale": Beale(),
        "saddle": Saddle(),
        "rare features": RareFeatures(),
    }


def catalogue(*, mlp: bool = False) -> dict[str, Problem]:
    """Every problem of the course: the 2-D ones, a noisy one, the digits; with ``mlp=True`` the network too.

    The network ("digits MLP", :class:`MLP`) is left out by default: a step costs about a hundred times
    that of the other problems, so loops over the catalogue should give it its own budget.
    """
    problems = two_d()
    problems["noisy quadratic"] = Quadratic(kappa=10).with_noise(0.5, seed=0)
    problems["digits"] = SoftmaxRegression()
    if mlp:
        problems["digits MLP"] = MLP()
    return problems
