r"""The book's hyperparameters: each one's symbol, meaning and allowed values, and the check.

Every optimizer (:mod:`gdcourse.optimizers`) and every learning-rate schedule
(:mod:`gdcourse.schedules`) validates its numbers here, so that a bad value gets
the same message everywhere: the parameter's name and symbol, the value given
and the range allowed.

>>> check_hyperparameter("beta2", 1.0)
Traceback (most recent call last):
...
ValueError: beta2 (β2, the decay rate of the second moment) must be in [0, 1); got 1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Range", "HYPERPARAMETERS", "check_hyperparameter"]


@dataclass(frozen=True)
class Range:
    """The allowed values of one hyperparameter: ``low <= value < high`` by default.

    ``high = inf`` means "any finite value from ``low`` up"; ``bounds`` says
    which ends are included, as in interval notation (``"[)"``, ``"(]"``, ...).
    """

    symbol: str
    meaning: str
    low: float
    high: float
    bounds: str = "[)"

    def __str__(self) -> str:
        high = "∞" if math.isinf(self.high) else f"{self.high:g}"
        return f"{self.bounds[0]}{self.low:g}, {high}{self.bounds[1]}"

    def contains(self, array: np.ndarray) -> np.ndarray:
        """Element-wise: is the value allowed?  (NaN never is.)"""
        above = array > self.low if self.bounds[0] == "(" else array >= self.low
        below = array <= self.high if self.bounds[1] == "]" else array < self.high
        return above & below & np.isfinite(array)

    def describe(self, name: str) -> str:
        return f"{name} ({self.symbol}, {self.meaning}) must be in {self}"


#: The book's hyperparameters: name -> symbol, meaning and allowed range.
HYPERPARAMETERS: dict[str, Range] = {
    "eta": Range("η", "the learning rate", 0.0, math.inf),
    "alpha": Range("α", "the momentum coefficient", 0.0, 1.0),
    "gamma": Range("γ", "the decay rate of RMSProp's average", 0.0, 1.0),
    "rho": Range("ρ", "the decay rate of AdaDelta's averages", 0.0, 1.0),
    "beta1": Range("β1", "the decay rate of the first moment", 0.0, 1.0),
    "beta2": Range("β2", "the decay rate of the second moment", 0.0, 1.0),
    "eps": Range("ε", "the term that keeps the denominator away from 0", 0.0, math.inf),
    "weight_decay": Range("λ", "the decoupled weight decay", 0.0, math.inf),
}


def check_hyperparameter(name: str, value, allowed: Range | None = None) -> float | np.ndarray:
    """Return ``value`` as a float (or a read-only float64 array) if it is allowed.

    Raises ``ValueError`` naming the parameter, the value given and the range
    allowed.  Arrays are checked element by element and the first bad element
    is reported with its index.  ``allowed`` defaults to ``HYPERPARAMETERS[name]``.
    """
    if allowed is None:
        allowed = HYPERPARAMETERS[name]
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        raise ValueError(f"{allowed.describe(name)}; got {value!r}, which is not a number")
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{allowed.describe(name)}; got {value!r}, which is not a number or an array of numbers"
        ) from None
    bad = ~allowed.contains(array)
    if bad.any():
        if array.ndim == 0:
            raise ValueError(f"{allowed.describe(name)}; got {float(array)!r}")
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{allowed.describe(name)}; got {float(array[index])!r} at index {index} "
            f"of an array of shape {array.shape}"
        )
    if array.ndim == 0:
        return float(array)
    array.flags.writeable = False
    return array
