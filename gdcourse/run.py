r"""Run an optimizer on a problem; sweep hyperparameters over a grid.

:func:`run` returns a :class:`Trajectory`: the weights :math:`w^0, \dots, w^n`
and the losses :math:`f(w^0), \dots, f(w^n)`.  When the loss, the gradient or
the weights stop being finite, the run stops there and the trajectory records
the step (``diverged_at``) and why — it holds only finite numbers.

:func:`sweep` runs one optimizer over a grid of hyperparameters at once, using
the optimizers' broadcasting: every grid point is one row of a ``(B, d)`` weight
array.  A row that diverges is marked and frozen; the others go on.

Both take optimizers whose learning rate is a schedule (:mod:`gdcourse.schedules`)
like any other; a sweep's ``eta`` axis then sets the schedule's peak η.

:func:`checkpoints` is :func:`run` without the loss: it keeps the weights every
few steps, for a problem whose loss costs far more than its minibatch gradient
(the network of :class:`gdcourse.problems.MLP`); any loss — training,
validation — is then one batched call on the saved weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdcourse.optimizers import Optimizer, all_finite
from gdcourse.problems import Problem
from gdcourse.schedules import Schedule

__all__ = ["Trajectory", "Sweep", "Checkpoints", "run", "sweep", "checkpoints"]


class _Outcome:
    """What a run's ``diverged_at`` says: shared by :class:`Trajectory` and :class:`Checkpoints`."""

    @property
    def diverged(self):
        """True (or a boolean array for a batch) where the run diverged."""
        if isinstance(self.diverged_at, np.ndarray):
            return self.diverged_at >= 0
        return self.diverged_at is not None


@dataclass(frozen=True)
class Trajectory(_Outcome):
    """The path of one run (or of a batch of runs, one per leading index).

    Attributes
    ----------
    w : ndarray of shape ``(n + 1,) + w0.shape``
        ``w[k]`` holds the weights after k steps; ``w[0]`` is the starting point.
        (The book numbers the start :math:`w^1` and lets step r take
        :math:`w^r` to :math:`w^{r+1}`, so ``w[k]`` is :math:`w^{k+1}`.)
        ``None`` when the run did not record weights.
    loss : ndarray of shape ``(n + 1,) + batch_shape``
        ``loss[k]`` is the loss after k steps, ``f(w[k])``.
    diverged_at : int or None (one run); ndarray of int (a batch, -1 = did not diverge)
        The number of steps k after which the loss, the gradient or the weights
        were no longer finite.  A single run stops there, so its arrays hold
        ``w[0] ... w[k-1]``; a row of a batch is frozen at its last finite weights.
    reason : str
        What happened, e.g. "200 steps" or "diverged at step 37: the loss became inf".
    """

    w: np.ndarray | None
    loss: np.ndarray
    diverged_at: int | np.ndarray | None
    reason: str
    optimizer: str
    problem: str
    steps: int

    @property
    def final_loss(self):
        """The loss at the last finite point."""
        return self.loss[-1]

    def __repr__(self) -> str:
        return f"Trajectory({self.optimizer} on {self.problem}: {self.reason})"


@dataclass(frozen=True)
class Sweep:
    """The result of :func:`sweep`: losses over a grid of hyperparameters.

    ``names[i]`` is the hyperparameter that varies along axis ``i`` of the grid,
    over the values ``axes[i]``.  ``loss`` has shape ``(steps + 1,) + grid_shape``;
    ``final_loss`` and ``diverged_at`` have the grid's shape (-1: did not diverge).
    """

    names: tuple[str, ...]
    axes: tuple[np.ndarray, ...]
    loss: np.ndarray
    diverged_at: np.ndarray
    optimizer: str
    problem: str
    fixed: dict = field(default_factory=dict)

    @property
    def final_loss(self) -> np.ndarray:
        return self.loss[-1]

    @property
    def diverged(self) -> np.ndarray:
        return self.diverged_at >= 0

    def best(self) -> tuple[dict, float]:
        """The grid point with the lowest final loss among the runs that did not diverge."""
        final = np.where(self.diverged, np.inf, self.final_loss)
        index = np.unravel_index(np.argmin(final), final.shape)
        point = {name: float(axis[i]) for name, axis, i in zip(self.names, self.axes, index)}
        return point, float(final[index])

    def __repr__(self) -> str:
        grid = " × ".join(f"{n} ({len(a)})" for n, a in zip(self.names, self.axes))
        return (
            f"Sweep({self.optimizer} on {self.problem}: {grid}, "
            f"{int(self.diverged.sum())} of {self.diverged.size} diverged)"
        )


@dataclass(frozen=True)
class Checkpoints(_Outcome):
    """The weights of a run (or of a batch of runs) every few steps: the result of :func:`checkpoints`.

    Attributes
    ----------
    at : ndarray of int, shape ``(n,)``
        The number of steps taken at each checkpoint: 0, ``every``, 2 ``every``, …, and the last step.
    w : ndarray of shape ``(n,) + w0.shape``
        ``w[j]`` holds the weights after ``at[j]`` steps (the book's :math:`w^{at[j]+1}`).  A run that
        diverged keeps its last finite weights from then on.
    diverged_at : int or None (one run); ndarray of int (a batch, -1 = did not diverge)
        The number of steps k after which the gradient or the weights were no longer finite.
    reason : str
        What happened, e.g. "2000 steps" or "diverged at step 37: the weights became inf".
    """

    at: np.ndarray
    w: np.ndarray
    diverged_at: int | np.ndarray | None
    reason: str
    optimizer: str
    problem: str
    steps: int

    def __repr__(self) -> str:
        return f"Checkpoints({self.optimizer} on {self.problem}: {self.reason}, {len(self.at)} checkpoints)"


def _nonfinite_rows(x: np.ndarray, batch_ndim: int) -> np.ndarray:
    """Boolean array over the batch: rows of x with a NaN or ±inf."""
    bad = ~np.isfinite(x)
    return bad.reshape(bad.shape[:batch_ndim] + (-1,)).any(axis=-1) if bad.ndim > batch_ndim else bad


def run(
    optimizer: Optimizer,
    problem: Problem,
    w0,
    steps: int,
    *,
    record_weights: bool = True,
) -> Trajectory:
    r"""Take ``steps`` steps of ``optimizer`` on ``problem`` from ``w0``.

    The optimizer and the problem are reset first, so the same call gives the
    same trajectory.  ``w0`` of shape ``(d,)`` is one run; of shape ``(B, d)``
    it is B runs at once (give the optimizer hyperparameters of shape ``(B,
    1)`` to vary them between rows).  Floating-point overflow inside the run is
    expected near divergence and is not reported as a warning; it is reported
    once, in the trajectory.
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0; got {steps!r}")
    w = _start(problem, w0)
    optimizer.reset()
    problem.reset()
    batch_shape = w.shape[:-1]
    single = batch_shape == ()
    losses = np.empty((steps + 1,) + batch_shape)
    weights = np.empty((steps + 1,) + w.shape, dtype=w.dtype) if record_weights else None
    diverged_at = np.full(batch_shape, -1)
    alive = np.ones(batch_shape, dtype=bool)
    reason = f"{steps} steps"
    last = steps
    previous = w

    all_alive = True  # a plain bool, so that the usual case costs no array call
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            loss = np.asarray(problem.f(w))
            g = problem.grad(w) if k < steps else None
            if not (all_finite(loss) and all_finite(w) and (g is None or all_finite(g))):
                bad = ~np.isfinite(loss) | _nonfinite_rows(w, len(batch_shape))
                if g is not None:
                    bad |= _nonfinite_rows(g, len(batch_shape))
                newly = bad & alive
                if newly.any():
                    diverged_at[newly] = k
                    if single:
                        reason = f"diverged at step {k}: " + _why(loss, g, w)
                        last = k - 1
                        break
                    alive &= ~newly
                    all_alive = False
                    # Freeze the rows that just diverged at their last finite point.
                    w = np.where(newly[..., None], previous, w)
                    loss = np.where(newly, losses[k - 1] if k else np.inf, loss)
            losses[k] = loss
            if weights is not None:
                weights[k] = w
            if k == steps:
                break
            previous = w
            if all_alive:
                w = optimizer.step(w, g, check_result=False)
            elif alive.any():  # frozen rows get a zero gradient and keep their weights
                g = np.where(alive[..., None], g, 0.0)
                w = np.where(alive[..., None], optimizer.step(w, g, check_result=False), w)
            else:  # every run diverged: the rest of the record repeats the last values
                losses[k + 1 :] = losses[k]
                if weights is not None:
                    weights[k + 1 :] = w
                break

    if not single and (diverged_at >= 0).any():
        reason = f"{steps} steps, {int((diverged_at >= 0).sum())} of {diverged_at.size} runs diverged"
    return Trajectory(
        w=None if weights is None else weights[: last + 1],
        loss=losses[: last + 1],
        diverged_at=(None if diverged_at < 0 else int(diverged_at)) if single else diverged_at,
        reason=reason,
        optimizer=repr(optimizer),
        problem=problem.name,
        steps=steps,
    )


def _start(problem: Problem, w0) -> np.ndarray:
    """A float copy of ``w0`` (the caller's array is never touched), checked against the problem."""
    w = np.array(w0)
    if w.dtype.kind != "f":
        w = w.astype(np.float64)
    if w.ndim == 0 or w.shape[-1] != problem.dim:
        raise ValueError(
            f"w0 must have shape ({problem.dim},) or (B, {problem.dim}) for {problem.name}; got {w.shape}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("w0 contains NaN or ±inf")
    return w


def checkpoints(optimizer: Optimizer, problem: Problem, w0, steps: int, *, every: int) -> Checkpoints:
    r"""Take ``steps`` steps of ``optimizer`` on ``problem`` from ``w0``, keeping the weights every ``every`` steps.

    The same steps as :func:`run` — the optimizer and the problem are reset
    first, the minibatches are the same, and ``checkpoints(...).w`` equals
    ``run(...).w[checkpoints(...).at]`` — but the loss is never evaluated.  On
    the MLP a step's minibatch gradient sees 64 images and the loss all 1438, so
    this is several times faster; evaluate the losses you need afterwards on the
    saved weights, all checkpoints in one call, e.g.
    ``problem.loss(c.w, "validation")``.

    ``w0`` of shape ``(B, d)`` is B runs at once, as in :func:`run`.  A run
    whose gradient or weights stop being finite is frozen at its last finite
    weights and marked in ``diverged_at`` (without the loss, a run whose loss
    alone overflows is not noticed).
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an integer >= 0; got {steps!r}")
    if not isinstance(every, (int, np.integer)) or isinstance(every, bool) or every < 1:
        raise ValueError(f"every (the steps between checkpoints) must be an integer >= 1; got {every!r}")
    w = _start(problem, w0)
    optimizer.reset()
    problem.reset()
    batch_shape = w.shape[:-1]
    at = np.unique(np.append(np.arange(0, steps + 1, every), steps))
    saved = np.empty((len(at),) + w.shape, dtype=w.dtype)
    diverged_at = np.full(batch_shape, -1)
    alive = np.ones(batch_shape, dtype=bool)
    why = ""
    j = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(steps + 1):
            if k == at[j]:
                saved[j] = w
                j += 1
            if k == steps:
                break
            g = problem.grad(w)
            if not all_finite(g):
                newly = _nonfinite_rows(g, len(batch_shape)) & alive
                diverged_at[newly], alive = k, alive & ~newly
                why = why or f"diverged at step {k}: the gradient became {_kind(g)}"
                g = np.where(alive[..., None], g, 0.0)
            w_next = optimizer.step(w, g, check_result=False)
            if not all_finite(w_next):
                newly = _nonfinite_rows(w_next, len(batch_shape)) & alive
                diverged_at[newly], alive = k + 1, alive & ~newly
                why = why or f"diverged at step {k + 1}: the weights became {_kind(w_next)}"
            # rows that diverged keep their last finite weights
            w = w_next if alive.all() else np.where(alive[..., None], w_next, w)
            if not alive.any():
                saved[j:] = w
                break

    single = batch_shape == ()
    if single:
        reason = why or f"{steps} steps"
    else:
        n = int((diverged_at >= 0).sum())
        reason = f"{steps} steps" + (f", {n} of {diverged_at.size} runs diverged" if n else "")
    return Checkpoints(
        at=at,
        w=saved,
        diverged_at=(None if diverged_at < 0 else int(diverged_at)) if single else diverged_at,
        reason=reason,
        optimizer=repr(optimizer),
        problem=problem.name,
        steps=steps,
    )


def _why(loss, g, w) -> str:
    if not np.all(np.isfinite(w)):
        return "the weights became " + _kind(w)
    if not np.all(np.isfinite(loss)):
        return "the loss became " + _kind(loss)
    return "the gradient became " + _kind(g)


def _kind(x) -> str:
    x = np.asarray(x)
    return "NaN" if np.isnan(x).any() else "inf"


def sweep(
    optimizer_class: type[Optimizer],
    problem: Problem,
    w0,
    steps: int,
    grid: dict,
    **fixed,
) -> Sweep:
    """Run ``optimizer_class`` for every combination of the values in ``grid``.

    ``grid`` maps hyperparameter names to 1-D sequences of values, e.g.
    ``{"eta": np.geomspace(1e-3, 1, 100), "alpha": np.linspace(0, 0.99, 100)}``;
    other hyperparameters are given as keywords (``**fixed``).  All grid points
    run together as the rows of one ``(B, d)`` array, with hyperparameters of
    shape ``(B, 1)``: one optimizer, the same code path as a single run.

    A schedule among the fixed keywords (``eta=CosineAnnealing(1.0, T=500)``)
    runs at every grid point; with an ``eta`` axis in the grid as well, the
    axis gives the schedule's peak learning rate (``schedule.with_eta``).
    """
    if not grid:
        raise ValueError("grid must name at least one hyperparameter")
    names = tuple(grid)
    axes = tuple(np.asarray(values, dtype=np.float64) for values in grid.values())
    for name, axis in zip(names, axes):
        if axis.ndim != 1 or len(axis) == 0:
            raise ValueError(f"grid[{name!r}] must be a non-empty 1-D sequence of values; got shape {axis.shape}")
    shape = tuple(len(axis) for axis in axes)
    mesh = np.meshgrid(*axes, indexing="ij")
    columns = {name: m.reshape(-1, 1) for name, m in zip(names, mesh)}
    both = sorted(set(names) & set(fixed))
    arguments = {**fixed, **columns}
    if both == ["eta"] and isinstance(fixed["eta"], Schedule):
        arguments["eta"] = fixed["eta"].with_eta(columns["eta"])
    elif both:
        raise ValueError(f"{', '.join(both)} cannot be both on the grid and fixed; give each hyperparameter once")
    optimizer = optimizer_class(**arguments)
    w0 = np.asarray(w0, dtype=np.float64)
    W0 = np.broadcast_to(w0, (mesh[0].size,) + w0.shape[-1:])
    trajectory = run(optimizer, problem, W0, steps, record_weights=False)
    return Sweep(
        names=names,
        axes=axes,
        loss=trajectory.loss.reshape((trajectory.loss.shape[0],) + shape),
        diverged_at=trajectory.diverged_at.reshape(shape),
        optimizer=optimizer_class.__name__,
        problem=problem.name,
        fixed=dict(fixed),
    )

