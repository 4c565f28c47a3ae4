r"""Momentum on a quadratic, one eigen-direction at a time: the 2 × 2 iteration and its roots.

Along an eigen-direction of the Hessian with curvature :math:`\lambda`, momentum's state
:math:`(u, \Delta u)` is multiplied at every step by

.. math::

    M = \begin{pmatrix} 1 - \eta\lambda & \alpha \\ -\eta\lambda & \alpha \end{pmatrix},
    \qquad \det(M - \mu I) = \mu^2 - (1 + \alpha - \eta\lambda)\,\mu + \alpha ,

and Nesterov's (in the look-ahead variable that libraries iterate) by

.. math::

    M_{\mathrm N} = \begin{pmatrix} 1 - (1 + \alpha)\,\eta\lambda & \alpha^2 \\ -\eta\lambda & \alpha \end{pmatrix},
    \qquad \mu^2 - (1 + \alpha)(1 - \eta\lambda)\,\mu + \alpha\,(1 - \eta\lambda).

Only the product :math:`\eta\lambda` matters.  The largest root modulus (the spectral radius
:math:`q`) is the factor by which the error along that direction shrinks per step; the roots are
complex (the direction oscillates, :math:`|\mu| = \sqrt{\alpha}`) for
:math:`(1 - \sqrt\alpha)^2 < \eta\lambda < (1 + \sqrt\alpha)^2` and momentum is stable for
:math:`0 < \eta\lambda < 2(1 + \alpha)`.  Polyak (1964); Goh (2017), "Why momentum really works".

Every function takes numbers or arrays (broadcast against each other).  The error itself, step by step,
is momentum on the 1-D quadratic :math:`\tfrac12 \lambda u^2`: :func:`eigendirection_run`.
"""

from __future__ import annotations

import numpy as np

from gdcourse.optimizers import Momentum
from gdcourse.problems import Quadratic
from gdcourse.run import Trajectory, run

__all__ = [
    "REGIMES",
    "momentum_matrix",
    "nesterov_matrix",
    "momentum_polynomial",
    "nesterov_polynomial",
    "largest_root",
    "momentum_rate",
    "nesterov_rate",
    "momentum_edges",
    "momentum_regime",
    "eigendirection_run",
]

#: What :func:`momentum_regime` returns, by code.
REGIMES = ("real roots", "complex roots", "diverges")


def _matrix(rows) -> np.ndarray:
    """A (..., 2, 2) array from [[a, b], [c, d]] whose entries broadcast against each other."""
    entries = np.broadcast_arrays(*(np.asarray(e, dtype=np.float64) for row in rows for e in row))
    return np.stack(entries, axis=-1).reshape(entries[0].shape + (2, 2))


def momentum_matrix(eta_lambda, alpha) -> np.ndarray:
    r"""The matrix of one momentum step along a direction of curvature λ: :math:`(u, \Delta u) \mapsto M (u, \Delta u)`."""
    return _matrix([[1 - eta_lambda, alpha], [-eta_lambda, alpha]])


def nesterov_matrix(eta_lambda, alpha) -> np.ndarray:
    r"""The matrix of one Nesterov step (look-ahead variable) along a direction of curvature λ."""
    return _matrix([[1 - (1 + alpha) * eta_lambda, alpha**2], [-eta_lambda, alpha]])


def momentum_polynomial(eta_lambda, alpha):
    r"""``(b, c)`` of momentum's characteristic polynomial :math:`\mu^2 - b\mu + c` (trace and determinant of M)."""
    return 1 + alpha - eta_lambda, alpha


def nesterov_polynomial(eta_lambda, alpha):
    r"""``(b, c)`` of Nesterov's characteristic polynomial :math:`\mu^2 - b\mu + c`."""
    return (1 + alpha) * (1 - eta_lambda), alpha * (1 - eta_lambda)


def largest_root(b, c):
    r"""The largest modulus of the two roots of :math:`\mu^2 - b\mu + c = 0` (real b, c).

    With a discriminant :math:`b^2 - 4c \ge 0` the roots are real, :math:`(b \pm \sqrt{b^2 - 4c})/2`,
    and the larger modulus is :math:`(|b| + \sqrt{b^2 - 4c})/2`; otherwise they are a complex-conjugate
    pair whose product is :math:`|\mu|^2 = c`.
    """
    discriminant = b * b - 4 * c
    real = (np.abs(b) + np.sqrt(np.abs(discriminant))) / 2
    complex_pair = np.sqrt(np.abs(c))
    return np.where(discriminant >= 0, real, complex_pair)


def momentum_rate(eta_lambda, alpha):
    """Momentum's spectral radius q along a direction with step × curvature ``eta_lambda``."""
    return largest_root(*momentum_polynomial(eta_lambda, alpha))


def nesterov_rate(eta_lambda, alpha):
    """Nesterov's spectral radius q along a direction with step × curvature ``eta_lambda``."""
    return largest_root(*nesterov_polynomial(eta_lambda, alpha))


def momentum_edges(alpha):
    r"""The edges of momentum's regions at a given α, as values of ηλ.

    Returns ``(low, high, stable)``: the roots are complex for ``low < ηλ < high``, with
    :math:`low = (1 - \sqrt\alpha)^2`, :math:`high = (1 + \sqrt\alpha)^2`, and the iteration is stable
    for ``0 < ηλ < stable`` = :math:`2(1 + \alpha)`.
    """
    root = np.sqrt(alpha)
    return (1 - root) ** 2, (1 + root) ** 2, 2 * (1 + alpha)


def momentum_regime(eta_lambda, alpha):
    """0, 1 or 2 — :data:`REGIMES`: real roots, complex roots, or divergence (spectral radius > 1)."""
    b, c = momentum_polynomial(eta_lambda, alpha)
    complex_roots = np.where(b * b - 4 * c < 0, 1, 0)
    return np.where(largest_root(b, c) > 1, 2, complex_roots)


def eigendirection_run(eta_lambda: float, alpha: float, steps: int) -> Trajectory:
    r"""Momentum along one eigen-direction: the error :math:`u^r` is ``run.w[:, 0]``, from :math:`u = 1`.

    This is momentum with learning rate ``eta_lambda`` on :math:`\tfrac12 u^2` (the second coordinate
    of the unit quadratic stays 0), which has the error of the direction of curvature λ under learning
    rate η: only the product ηλ enters the iteration.
    """
    return run(Momentum(eta=eta_lambda, alpha=alpha), Quadratic(kappa=1.0), np.array([1.0, 0.0]), steps)
