r"""Worked steps: the first few steps of an optimizer as a table a student can redo by hand.

>>> import numpy as np, gdcourse
>>> from gdcourse.worked import worked_steps
>>> print(worked_steps(gdcourse.Adam(eta=0.1), lambda w: 2 * w, [1.0]))
r  w^r     g^r    m^r     v^r       m̂^r    v̂^r    w^{r+1} − w^r  w^{r+1}
1  1       2      0.2     0.004     2      4      -0.1           0.9
2  0.9     1.8    0.36    0.007236  1.895  3.62   -0.09959       0.8004
3  0.8004  1.601  0.4841  0.009791  1.786  3.267  -0.09883       0.7016

Every number comes from running the real optimizer: ``g^r`` is the gradient
given to :meth:`~gdcourse.optimizers.Optimizer.step`, the state columns are the
optimizer's state after that step (``m``, ``v``, ``G``, ``Δw`` …), the
bias-corrected moments (for the Adam family) are
:math:`\hat m^r = m^r/(1-\beta_1^r)` and :math:`\hat v^r = v^r/(1-\beta_2^r)`
of that state, and the step is the difference of the weights the optimizer
returned.  Indices follow the book: the start is :math:`w^1`, and step r takes
:math:`w^r` to :math:`w^{r+1}`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from gdcourse.optimizers import Optimizer
from gdcourse.problems import Problem
from gdcourse.schedules import Schedule

__all__ = ["WorkedSteps", "worked_steps", "STATE_SYMBOLS"]

#: How the book writes each state variable after step r.
STATE_SYMBOLS = {
    "dw": "Δw^{r+1}",  # w^{r+1} = w^r + Δw^{r+1}
    "b": "b^r",
    "G": "G^r",
    "Eg2": "E[g²]^r",
    "Edw2": "E[Δw²]^r",
    "m": "m^r",
    "v": "v^r",
    "v_max": "v_max^r",
}


@dataclass(frozen=True)
class WorkedSteps:
    """A table of worked steps: ``columns`` (the book's symbols) and ``rows`` (one tuple of values per step).

    ``str(table)`` is an aligned plain-text table (what a notebook cell prints); in Jupyter and on the
    site it renders as a Markdown table.  ``table[symbol]`` is one column as an array (steps first).
    """

    optimizer: str
    columns: tuple
    rows: tuple
    digits: int = 4

    def __getitem__(self, symbol: str) -> np.ndarray:
        if symbol not in self.columns:
            raise KeyError(f"no column {symbol!r}; the columns are {list(self.columns)}")
        i = self.columns.index(symbol)
        return np.array([row[i] for row in self.rows])

    def _cells(self) -> list:
        def cell(value) -> str:
            if isinstance(value, (int, np.integer)):
                return str(value)
            value = np.asarray(value, dtype=np.float64)
            numbers = [f"{x:.{self.digits}g}" for x in value.ravel()]
            return numbers[0] if value.ndim == 0 else "[" + ", ".join(numbers) + "]"

        return [list(self.columns)] + [[cell(v) for v in row] for row in self.rows]

    def __str__(self) -> str:
        cells = self._cells()
        widths = [max(_width(row[j]) for row in cells) for j in range(len(self.columns))]
        lines = ["  ".join(text + " " * (width - _width(text)) for text, width in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        header, *body = self._cells()
        lines = ["| " + " | ".join(f"${_latex(c)}$" if c != "r" else "r" for c in header) + " |",
                 "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return f"{self.optimizer}\n\n" + "\n".join(lines) + "\n"


def _width(text: str) -> int:
    """Columns on screen: a combining mark (the hat of m̂) takes none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def _latex(symbol: str) -> str:
    for plain, tex in (("Δ", r"\Delta "), ("²", "^2"), ("m̂", r"\hat m"), ("v̂", r"\hat v"), ("−", "-"),
                       ("E[", r"E["), ("v_max", r"v_{\max}"), ("η", r"\eta")):
        symbol = symbol.replace(plain, tex)
    return symbol


def worked_steps(optimizer: Optimizer, grad, w0, steps: int = 3, digits: int = 4) -> WorkedSteps:
    r"""Run ``optimizer`` for ``steps`` steps from ``w0`` and tabulate what it computed.

    ``grad`` is a :class:`~gdcourse.problems.Problem` (its ``grad`` is used) or
    a function from w to the gradient, e.g. ``lambda w: 2 * w`` for
    :math:`f(w) = w^2`; ``w0`` is :math:`w^1` (a number or a short vector).
    The optimizer is reset first.  Columns: r, :math:`w^r`, :math:`g^r`,
    :math:`\eta_r` (only when η is a schedule), the state after the step,
    the bias-corrected moments (optimizers with β₁, β₂), the step
    :math:`w^{r+1} - w^r` and :math:`w^{r+1}`.  ``digits`` significant digits are
    shown; the table keeps the full values.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be a gdcourse optimizer (e.g. gdcourse.Adam(eta=0.1)); got {optimizer!r}")
    gradient = grad.grad if isinstance(grad, Problem) else grad
    if not callable(gradient):
        raise ValueError(f"grad must be a problem or a function of w returning the gradient; got {grad!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 20:
        raise ValueError(f"steps (the number of worked steps) must be an integer in [1, 20]; got {steps!r}")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or not 1 <= digits <= 17:
        raise ValueError(f"digits (significant digits shown) must be an integer in [1, 17]; got {digits!r}")
    w = np.array(w0, dtype=np.float64)
    if w.ndim > 1 or w.size == 0 or w.size > 4:
        raise ValueError(f"w0 must be a number or a vector of at most 4 numbers (a table to follow by hand); got shape {w.shape}")
    w = w.reshape(-1)
    if isinstance(grad, Problem):
        grad.reset()
    optimizer.reset()

    hyper = optimizer.hyperparameters
    scheduled = isinstance(hyper.get("eta"), Schedule)
    state_names = optimizer.state_names
    corrected = []  # (symbol, state name, beta name)
    if "beta1" in hyper and "m" in state_names:
        corrected.append(("m̂^r", "m", "beta1"))
    if "beta2" in hyper and "v" in state_names:
        corrected.append(("v̂^r", "v_max" if "v_max" in state_names else "v", "beta2"))
    columns = ["r", "w^r", "g^r"] + (["η_r"] if scheduled else [])
    columns += [STATE_SYMBOLS.get(name, name) for name in state_names] + [c[0] for c in corrected]
    columns += ["w^{r+1} − w^r", "w^{r+1}"]

    rows = []
    for r in range(1, steps + 1):
        g = np.asarray(gradient(w), dtype=np.float64).reshape(w.shape)
        w_next = optimizer.step(w, g)
        state = optimizer.state
        row = [r, w, g] + ([hyper["eta"](r)] if scheduled else [])
        row += [state[name] for name in state_names]
        row += [state[name] / (1 - hyper[beta] ** r) for _, name, beta in corrected]
        row += [w_next - w, w_next]
        rows.append(tuple(_scalar_if_single(v) for v in row))
        w = w_next
    return WorkedSteps(repr(optimizer), tuple(columns), tuple(rows), digits)


def _scalar_if_single(value):
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value.reshape(()))
    return value
