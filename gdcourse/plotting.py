r"""The course's figures: contours with paths, loss curves, sweep heat maps — in one style.

Importing this module applies the book's style (:data:`STYLE`) to matplotlib, so
every figure of every chapter looks alike without per-notebook settings.  Colours
come from the Okabe–Ito palette, which stays distinguishable with the common
forms of colour blindness; each optimizer keeps one colour and line style across
the whole book (:func:`style_of`).

All functions draw on an ``ax`` you pass, or on a new figure, and return what
they drew on.  Those that make a figure take ``alt``: one or two sentences
saying what the figure shows, its accessible name on the site (see
:mod:`gdcourse.figures`, which also turns the figure into sharp SVG panels that
reflow on a phone and follow dark mode).  A hand-made figure gets its alt text
from :func:`describe`.
"""

from __future__ import annotations

import math
import re

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.colors import LogNorm
from matplotlib.ticker import NullLocator
from matplotlib.patches import Patch

from gdcourse import figures
from gdcourse.figures import describe
from gdcourse.problems import Problem
from gdcourse.run import Sweep, Trajectory

__all__ = [
    "PALETTE",
    "STYLE",
    "use_style",
    "describe",
    "style_of",
    "styles_for",
    "contour",
    "path",
    "trajectories",
    "loss_curves",
    "compare",
    "side_by_side",
    "heatmap",
]

#: Okabe & Ito (2008), "Color universal design": safe for the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

_CYCLE = [PALETTE[c] for c in ("blue", "vermillion", "bluish green", "orange", "reddish purple", "sky blue", "black")]

#: The book's matplotlib style, applied when this module is imported.
STYLE = {
    "axes.prop_cycle": cycler(color=_CYCLE),
    # Designed for the page's column: a panel is at most figures.MAX_PANEL_WIDTH (4.6 in) wide and no
    # text is smaller than 9 pt, i.e. 12 CSS px where the figure is shown at its natural size.
    "figure.figsize": (4.6, 3.3),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 3,
    "image.cmap": "viridis",
}

_OPTIMIZER_STYLE = {
    "GD": (PALETTE["black"], "-"),
    "Momentum": (PALETTE["blue"], "-"),
    "Nesterov": (PALETTE["sky blue"], "--"),
    "AdaGrad": (PALETTE["bluish green"], "-"),
    "RMSProp": (PALETTE["orange"], "-"),
    "AdaDelta": (PALETTE["orange"], ":"),
    "Adam": (PALETTE["vermillion"], "-"),
    "AdamW": (PALETTE["reddish purple"], "-"),
    "AMSGrad": (PALETTE["vermillion"], "--"),
}


def use_style() -> None:
    """Apply :data:`STYLE` to matplotlib (done once when this module is imported).

    In a Jupyter kernel it also makes figures display as :func:`gdcourse.figures.to_html` (SVG panels
    with alt text) instead of the inline backend's PNG.
    """
    mpl.rcParams.update(STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is not None and shell.__class__.__name__ == "ZMQInteractiveShell":
        # Load the inline backend now: loading it configures the shell's formatters, which would undo
        # the registration below if it happened later.
        plt.switch_backend(mpl.get_backend())
        shell.run_line_magic("config", "InlineBackend.figure_formats = set()")
        figures.register(shell)
        if "inline" in mpl.get_backend():
            # After each cell pyplot redraws every open figure, for windows on a screen; the inline
            # backend then shows them as SVG, drawn afresh. That raster draw was a fifth of a
            # chapter's run time, for nothing.
            plt.uninstall_repl_displayhook()


use_style()


def _optimizer_name(label: str) -> str:
    match = re.match(r"\s*([A-Za-z]+)", label)
    return match.group(1) if match else ""


def style_of(label: str) -> dict:
    """Colour and line style of an optimizer, from the first word of ``label`` ({} if unknown)."""
    name = _optimizer_name(label)
    if name in _OPTIMIZER_STYLE:
        color, linestyle = _OPTIMIZER_STYLE[name]
        return {"color": color, "linestyle": linestyle}
    return {}


def styles_for(labels) -> list[dict]:
    """One style per label.

    Lines of different optimizers keep their optimizer's colour; when an optimizer appears more than
    once, its later lines change line style.  When all lines are one optimizer (several settings of it)
    or unknown names, they take the palette's colours in order instead.
    """
    labels = list(labels)
    styles = [style_of(label) for label in labels]
    names = {_optimizer_name(label) for label in labels}
    if not all(styles) or len(names) == 1 and len(labels) > 1:
        return [{"color": _CYCLE[i % len(_CYCLE)], "linestyle": "-"} for i in range(len(labels))]
    seen: dict = {}
    result = []
    for style in styles:
        key = (style["color"], style["linestyle"])
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        linestyles = [style["linestyle"], "--", ":", "-."]
        result.append({"color": style["color"], "linestyle": linestyles[repeat % len(linestyles)]})
    return result


def _axes(ax, figsize=None, alt=None):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    if alt is not None:
        describe(ax.figure, alt)
    return ax


def contour(problem: Problem, ax=None, window=None, levels: int = 25, resolution: int = 200, alt: str | None = None):
    r"""Contour lines of a 2-D problem, with its minimizers (★) and saddle points (×).

    Levels are spaced logarithmically in :math:`f - f_\min`, so that both the
    floor of a valley and its walls show.
    """
    if problem.dim != 2:
        raise ValueError(f"contour needs a 2-D problem; {problem.name} has {problem.dim} variables")
    ax = _axes(ax, alt=alt)
    (x0, x1), (y0, y1) = window or problem.window
    X, Y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    Z = problem.f(np.stack([X, Y], axis=-1))
    floor = problem.f_min if problem.f_min is not None else Z.min()
    height = Z - floor
    positive = height[height > 0]
    low = max(positive.min(), positive.max() * 1e-9)
    ax.contour(X, Y, height, levels=np.geomspace(low, positive.max(), levels), colors="0.6", linewidths=0.6)
    if problem.minimizers is not None:
        ax.plot(*problem.minimizers.T, "*", color="0.2", markersize=11, label="minimum", zorder=3)
    saddles = getattr(problem, "saddle_points", None)
    if saddles is not None:
        ax.plot(*saddles.T, "x", color="0.2", markersize=8, mew=2, label="saddle point", zorder=3)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$ (dimensionless)")
    ax.set_ylabel("$w_2$ (dimensionless)")
    ax.grid(False)
    return ax


def _label(label: str, trajectory: Trajectory) -> str:
    if trajectory.diverged:
        return f"{label} (diverged at step {trajectory.diverged_at})"
    return label


def path(ax, trajectory: Trajectory, label: str | None = None, **style):
    """Draw the path of a 2-D run: a line through the successive weights, a ring at the start."""
    if trajectory.w is None or trajectory.w.ndim != 2 or trajectory.w.shape[1] != 2:
        raise ValueError("path needs a single run of a 2-D problem recorded with record_weights=True")
    label = label if label is not None else trajectory.optimizer
    style = style or style_of(label)
    (line,) = ax.plot(*trajectory.w.T, marker="o", markevery=max(1, len(trajectory.w) // 40), label=_label(label, trajectory), **style)
    ax.plot(*trajectory.w[0], "o", markersize=7, markerfacecolor="white", color=line.get_color(), zorder=4)
    return line


def trajectories(problem: Problem, runs: dict[str, Trajectory], ax=None, title: str | None = None, legend: bool = True,
                 resolution: int = 200, alt: str | None = None):
    """Contours of ``problem`` and the path of every run in ``runs`` (label → trajectory)."""
    ax = contour(problem, ax, resolution=resolution, alt=alt)
    for (label, trajectory), style in zip(runs.items(), styles_for(runs)):
        path(ax, trajectory, label, **style)
    ax.set_title(title if title is not None else problem.name)
    if legend:
        ax.legend(loc="best")
    return ax


def loss_curves(runs: dict[str, Trajectory], ax=None, f_min: float | None = None, log: bool = True, title: str | None = None,
                alt: str | None = None):
    r"""Loss against steps taken for every run; with ``f_min``, the gap :math:`f(w) - f^\star` on a log scale."""
    ax = _axes(ax, alt=alt)
    for (label, trajectory), style in zip(runs.items(), styles_for(runs)):
        loss = trajectory.loss if f_min is None else trajectory.loss - f_min
        if log:
            # Exactly 0 (or below f* by rounding) cannot be drawn on a log axis; above 1e100 a run is
            # diverging and 300 decades of overflow would squash everything else: both are left out.
            loss = np.where((loss > 0) & (loss < 1e100), loss, np.nan)
        ax.plot(np.arange(len(loss)), loss, label=_label(label, trajectory), **style)
    ax.set_xlabel("steps taken (iterations)")
    ax.set_ylabel(r"loss gap $f(w) - f^\star$" if f_min is not None else "loss $f(w)$")
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(NullLocator())  # minor ticks on log axes are slow to draw and add little
    if title:
        ax.set_title(title)
    ax.legend(loc="best")
    return ax


def compare(problem: Problem, runs: dict[str, Trajectory], title: str | None = None, figsize=(9.2, 3.7), alt: str | None = None):
    """Two panels: the paths on the contours (left), the loss curves (right)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize)
    if alt is not None:
        describe(fig, alt)
    trajectories(problem, runs, ax=left, title=title, legend=False)
    loss_curves(runs, ax=right, f_min=problem.f_min, title="loss")
    return fig


def side_by_side(problem: Problem, panels: dict[str, dict[str, Trajectory]], ncols: int | None = None, size: float = 3.6,
                 alt: str | None = None):
    """Small multiples: one contour panel per entry of ``panels`` (title → runs), same axes."""
    n = len(panels)
    ncols = ncols or min(n, 3)
    nrows = math.ceil(n / ncols)
    (x0, x1), (y0, y1) = problem.window
    aspect = (y1 - y0) / (x1 - x0)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * aspect * nrows + 0.6), squeeze=False, sharex=True, sharey=True)
    if alt is not None:
        describe(fig, alt)
    for ax, (title, runs) in zip(axes.flat, panels.items()):
        trajectories(problem, runs, ax=ax, title=title, legend=True)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ax in axes[:, 1:].flat:
        ax.set_ylabel("")
    for ax in axes[:-1, :].flat:
        ax.set_xlabel("")
    return fig


def _is_geometric(values: np.ndarray) -> bool:
    return bool(np.all(values > 0) and len(values) > 2 and np.allclose(np.diff(np.log(values)), np.log(values[1] / values[0])))


_SYMBOLS = {"eta": r"$\eta$", "alpha": r"$\alpha$", "gamma": r"$\gamma$", "rho": r"$\rho$", "beta1": r"$\beta_1$", "beta2": r"$\beta_2$", "eps": r"$\epsilon$", "weight_decay": r"$\lambda$"}


def heatmap(sweep: Sweep, ax=None, title: str | None = None, alt: str | None = None):
    """Final loss over a 2-D hyperparameter grid (log colour scale).

    Runs that overflowed are dark grey; runs whose loss ended above where it started (unstable, but not
    yet overflowed) light grey.
    """
    if len(sweep.names) != 2:
        raise ValueError(f"heatmap needs a sweep over 2 hyperparameters; got {sweep.names}")
    ax = _axes(ax, figsize=(4.6, 3.7), alt=alt)
    (nx, ny), (x, y) = sweep.names, sweep.axes  # first hyperparameter across, second up
    final = np.where(sweep.diverged, np.nan, sweep.final_loss).T  # rows follow y
    # Colour range: from the starting loss (anything worse looks the same) down 16 decades
    # (anything better looks the same): float64 cannot tell more apart anyway.
    vmax = float(np.max(sweep.loss[0]))
    norm = LogNorm(vmin=vmax * 1e-16, vmax=vmax, clip=True)
    # rasterized: 10 000 cells are lighter as one image inside the SVG than as 10 000 vector squares
    mesh = ax.pcolormesh(x, y, np.clip(final, vmax * 1e-16, vmax), norm=norm, shading="nearest", rasterized=True)
    grew = (~sweep.diverged) & (sweep.final_loss > sweep.loss[0])
    if grew.any():  # unstable but not yet overflowed: the loss ended above where it started
        ax.pcolormesh(x, y, np.where(grew.T, 1.0, np.nan), cmap=mpl.colors.ListedColormap(["0.92"]), shading="nearest", rasterized=True)
    if sweep.diverged.any():
        ax.pcolormesh(x, y, np.where(sweep.diverged.T, 1.0, np.nan), cmap=mpl.colors.ListedColormap(["0.7"]), shading="nearest", rasterized=True)
    colorbar = ax.figure.colorbar(mesh, ax=ax)
    colorbar.set_label(f"final loss after {sweep.loss.shape[0] - 1} steps")
    if _is_geometric(x):
        ax.set_xscale("log")
    if _is_geometric(y):
        ax.set_yscale("log")
    ax.set_xlabel(f"{_SYMBOLS.get(nx, nx)} ({nx})")
    ax.set_ylabel(f"{_SYMBOLS.get(ny, ny)} ({ny})")
    ax.grid(False)
    best, loss = sweep.best()
    ax.plot(best[nx], best[ny], "*", color="white", markeredgecolor="black", markersize=13, label=f"best: {loss:.2g}")
    handles = [ax.get_lines()[-1]]
    if grew.any():
        handles.append(Patch(facecolor="0.92", edgecolor="0.6", label="ended above its start"))
    if sweep.diverged.any():
        handles.append(Patch(facecolor="0.7", label="diverged (overflow)"))
    ax.legend(handles=handles, loc="upper left", framealpha=0.9, frameon=True)
    ax.set_title(title if title is not None else f"{sweep.optimizer} on {sweep.problem}")
    return ax
