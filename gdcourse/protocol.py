r"""The comparison protocol of the book's chapters 8 and 9: tune η on a grid, report the tuned run.

For one optimizer on one problem, :func:`tune`

1. runs :func:`gdcourse.sweep` over a geometric grid of η, with every other
   hyperparameter at its default — all grid points at once, as the rows of one
   ``(B, d)`` array of weights;
2. takes the η with the lowest final loss among the runs that did not diverge
   (:meth:`gdcourse.Sweep.best`);
3. reports that setting's run, whose final loss gap :math:`f(w) - f^\star` is
   :attr:`Tuned.final_gap`.

The reported run is the sweep's own column wherever running it again would
repeat the same computation: on a deterministic problem, and on one whose
minibatches are the same for every row of a sweep (:class:`~gdcourse.problems.DataProblem`).
On a noisy problem, tuning and reporting on the same noise rewards luck, so
``fresh=`` gives the problem with noise the sweep never saw, and the report is
``repeats`` runs on it, one per row.  ``record_weights=True`` runs the tuned
setting again to keep its weights (for a held-out accuracy, say).

>>> import gdcourse
>>> from gdcourse import problems
>>> tuned = tune(gdcourse.GD, problems.Quadratic(kappa=10), 200, np.logspace(-4, 1, 16))
>>> tuned.eta, f"{tuned.final_gap:.1e}"
(1.0, '5.0e-19')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdcourse.optimizers import Optimizer
from gdcourse.problems import Problem
from gdcourse.run import Sweep, Trajectory, run, sweep

__all__ = ["Tuned", "gap", "tune"]


def gap(problem: Problem, loss):
    r"""The loss gap :math:`f(w) - f^\star`: the loss minus the problem's known minimum (the loss itself
    when the minimum is unknown, as on the digits)."""
    return loss - (problem.f_min if problem.f_min is not None else 0.0)


@dataclass(frozen=True)
class Tuned:
    """One optimizer tuned on one problem: the sweep over η, the η it chose, and the reported run."""

    sweep: Sweep
    eta: float
    run: Trajectory
    problem: Problem

    @property
    def final_gap(self) -> float:
        """The reported run's final loss gap (the mean over its rows when it is several runs)."""
        return float(np.mean(gap(self.problem, self.run.final_loss)))

    @property
    def at_edge(self) -> bool:
        """True when the chosen η is the first or the last of the grid: the best η may lie outside it."""
        etas = self.sweep.axes[0]
        return self.eta in (etas[0], etas[-1])

    def __repr__(self) -> str:
        return f"Tuned({self.sweep.optimizer} on {self.sweep.problem}: eta = {self.eta:g}, final gap {self.final_gap:.2g})"


def tune(
    optimizer_class: type[Optimizer],
    problem: Problem,
    steps: int,
    etas,
    *,
    w0=None,
    fresh: Problem | None = None,
    repeats: int = 16,
    record_weights: bool = False,
) -> Tuned:
    """Tune η of ``optimizer_class`` on ``problem`` over the grid ``etas`` and report the tuned run.

    ``w0`` defaults to ``problem.start``.  With ``fresh`` (the same problem
    with other noise, e.g. ``problem.problem.with_noise(sigma, seed=1)``) the
    reported run is ``repeats`` runs on ``fresh``, one per row, instead of the
    sweep's column; with ``record_weights`` the tuned setting is run again on
    ``problem`` to keep its weights.  Raises ``ValueError`` when every η of the
    grid diverged: there is nothing to report.
    """
    if not isinstance(repeats, (int, np.integer)) or isinstance(repeats, bool) or repeats < 1:
        raise ValueError(f"repeats (the runs on the fresh problem) must be an integer >= 1; got {repeats!r}")
    if fresh is not None and record_weights:
        raise ValueError("give fresh or record_weights, not both: the runs on the fresh problem are the report")
    w0 = problem.start if w0 is None else np.asarray(w0, dtype=np.float64)
    s = sweep(optimizer_class, problem, w0, steps, {"eta": etas})
    if s.diverged.all():
        raise ValueError(
            f"every eta of the grid ({s.axes[0][0]:g} to {s.axes[0][-1]:g}) diverged for "
            f"{optimizer_class.__name__} on {problem.name}: extend the grid to smaller values"
        )
    best, _ = s.best()
    if fresh is not None:
        reported = run(optimizer_class(**best), fresh, np.tile(w0, (repeats, 1)), steps)
    elif record_weights:
        reported = run(optimizer_class(**best), problem, w0, steps)
    else:  # the run is already in the sweep: one column of its loss curves
        i = int(np.flatnonzero(s.axes[0] == best["eta"])[0])
        reported = Trajectory(
            w=None,
            loss=s.loss[:, i],
            diverged_at=None,
            reason=f"{steps} steps",
            optimizer=f"{optimizer_class.__name__}(eta={best['eta']:g})",
            problem=problem.name,
            steps=steps,
        )
    return Tuned(sweep=s, eta=best["eta"], run=reported, problem=problem)
