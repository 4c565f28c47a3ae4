r"""Interactive explorers: sliders for an optimizer's hyperparameters on the 2-D problems.

>>> from gdcourse import Momentum, widgets
>>> widgets.explorer(Momentum, eta=0.1)          # doctest: +SKIP

Every slider change re-runs the optimizer (:func:`gdcourse.run.run`) and redraws
the same figure — the contour lines are drawn once per problem, the path and the
loss curve are updated in place — and shows it as a PNG in an ``Image`` widget.
That keeps a redraw well under a tenth of a second, and because the image is part
of the widget's saved state, the explorer also shows (frozen) on the static site.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from gdcourse import plotting
from gdcourse.optimizers import Optimizer
from gdcourse.problems import Problem, two_d
from gdcourse.run import Trajectory, run

__all__ = ["SLIDERS", "Explorer", "explorer"]

#: Slider for each hyperparameter: (scale, low, high, step).  "log" sliders move in powers of ten.
SLIDERS = {
    "eta": ("log", 1e-4, 10.0, 0.05),
    "alpha": ("linear", 0.0, 0.99, 0.01),
    "gamma": ("linear", 0.0, 0.999, 0.001),
    "rho": ("linear", 0.0, 0.999, 0.001),
    "beta1": ("linear", 0.0, 0.99, 0.01),
    "beta2": ("linear", 0.5, 0.9999, 0.0001),
    "eps": ("log", 1e-10, 1.0, 0.1),
    "weight_decay": ("linear", 0.0, 1.0, 0.01),
}

_LABELS = {"eta": "η", "alpha": "α", "gamma": "γ", "rho": "ρ", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "weight_decay": "λ"}


def _slider(name: str, value: float) -> widgets.Widget:
    scale, low, high, step = SLIDERS[name]
    common = {"description": _LABELS[name], "continuous_update": True, "style": {"description_width": "2.5em"}, "layout": {"width": "260px"}}
    if scale == "log":
        value = float(np.clip(value, low, high))
        return widgets.FloatLogSlider(value=value, base=10, min=np.log10(low), max=np.log10(high), step=step, readout_format=".2g", **common)
    value = float(np.clip(value, low, high))
    decimals = max(0, -int(np.floor(np.log10(step))))
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, readout_format=f".{decimals}f", **common)


class Explorer:
    """Sliders for ``optimizer_class``'s hyperparameters, a start point and a problem.

    Parameters
    ----------
    optimizer_class : type
        e.g. :class:`gdcourse.Momentum`.
    problems : dict, optional
        Name → 2-D problem; by default :func:`gdcourse.problems.two_d`.
    problem : str
        The problem shown first.
    steps : int
        Steps per run.
    **initial
        Starting values of the hyperparameters (the optimizer's defaults otherwise).

    ``compute()`` runs the optimizer with the current settings, ``draw(trajectory)``
    updates the figure and the image; a slider change does both.
    """

    def __init__(
        self,
        optimizer_class: type[Optimizer],
        problems: dict[str, Problem] | None = None,
        problem: str = "quadratic",
        steps: int = 200,
        **initial,
    ):
        self.optimizer_class = optimizer_class
        self.problems = problems if problems is not None else two_d()
        if problem not in self.problems:
            raise ValueError(f"problem must be one of {list(self.problems)}; got {problem!r}")
        for problem_ in self.problems.values():
            if problem_.dim != 2:
                raise ValueError(f"explorers show 2-D problems; {problem_.name} has {problem_.dim} variables")
        defaults = optimizer_class().hyperparameters
        unknown = set(initial) - set(defaults) - {"eps_in_sqrt"}
        if unknown:
            raise ValueError(f"{optimizer_class.__name__} has no hyperparameter(s) {sorted(unknown)}; it has {list(defaults)}")
        self.sliders = {name: _slider(name, initial.get(name, value)) for name, value in defaults.items()}
        self.eps_in_sqrt = None
        if hasattr(optimizer_class(), "eps_in_sqrt"):
            self.eps_in_sqrt = widgets.Checkbox(value=bool(initial.get("eps_in_sqrt", False)), description="ε inside √ (the notes' form)", indent=False)
        self.problem = widgets.Dropdown(options=list(self.problems), value=problem, description="problem", style={"description_width": "4.5em"}, layout={"width": "300px"})
        self.steps = widgets.IntSlider(value=steps, min=10, max=2000, step=10, description="steps", continuous_update=True, style={"description_width": "4.5em"})
        self.x0 = widgets.FloatSlider(description="start w₁", continuous_update=True, readout_format=".2f", style={"description_width": "4.5em"})
        self.y0 = widgets.FloatSlider(description="start w₂", continuous_update=True, readout_format=".2f", style={"description_width": "4.5em"})
        self.image = widgets.Image(format="png", layout={"width": "100%", "max_width": "900px"})
        self.status = widgets.HTML()

        self.figure = Figure(figsize=(9.0, 3.8), layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax_path, self.ax_loss = self.figure.subplots(1, 2)
        self._drawn_for = None
        self._set_start_sliders()

        for control in [*self.sliders.values(), self.steps, self.x0, self.y0] + ([self.eps_in_sqrt] if self.eps_in_sqrt else []):
            control.observe(self.update, names="value")
        self.problem.observe(self._problem_changed, names="value")
        controls = [self.problem, self.steps, self.x0, self.y0, *self.sliders.values()]
        if self.eps_in_sqrt:
            controls.append(self.eps_in_sqrt)
        self.widget = widgets.VBox(
            [widgets.HBox([widgets.VBox(controls[:4]), widgets.VBox(controls[4:])]), self.image, self.status]
        )
        self.update()

    # ---------------------------------------------------------------- settings
    def settings(self) -> dict:
        """The current hyperparameters, as keywords for the optimizer."""
        values = {name: slider.value for name, slider in self.sliders.items()}
        if self.eps_in_sqrt is not None:
            values["eps_in_sqrt"] = self.eps_in_sqrt.value
        return values

    @property
    def current_problem(self) -> Problem:
        return self.problems[self.problem.value]

    def _set_start_sliders(self):
        problem = self.current_problem
        (x_lo, x_hi), (y_lo, y_hi) = problem.window
        for slider, low, high, value in [(self.x0, x_lo, x_hi, problem.start[0]), (self.y0, y_lo, y_hi, problem.start[1])]:
            # widen before narrowing, so that the value never leaves [min, max] on the way
            slider.min, slider.max = min(slider.min, low), max(slider.max, high)
            slider.value = float(value)
            slider.min, slider.max = low, high
            slider.step = (high - low) / 200

    def _problem_changed(self, change):
        for control in (self.x0, self.y0):
            control.unobserve(self.update, names="value")
        self._set_start_sliders()
        for control in (self.x0, self.y0):
            control.observe(self.update, names="value")
        self.update()

    # ------------------------------------------------------------ compute, draw
    def compute(self) -> Trajectory:
        """Run the optimizer with the current settings."""
        optimizer = self.optimizer_class(**self.settings())
        start = np.array([self.x0.value, self.y0.value])
        return run(optimizer, self.current_problem, start, self.steps.value)

    def _draw_background(self):
        """Draw everything that does not move: contours, axes, labels (slow; on problem or steps change)."""
        problem = self.current_problem
        for ax in (self.ax_path, self.ax_loss):
            ax.clear()
        plotting.contour(problem, self.ax_path)
        color = plotting.style_of(self.optimizer_class.__name__).get("color", plotting.PALETTE["blue"])
        (self._path,) = self.ax_path.plot([], [], marker="o", color=color, markevery=5)
        (self._start,) = self.ax_path.plot([], [], "o", markersize=7, markerfacecolor="white", color=color, zorder=4)
        (self._loss,) = self.ax_loss.plot([], [], color=color)
        self.ax_path.set_title(problem.name)
        # Fixed loss axes (from 1e-12 to the highest point of the window) so that they never need
        # redrawing: a slider change only repaints the three lines over a cached background.
        self.ax_loss.set_yscale("log")
        self.ax_loss.set_ylim(1e-12, 10 * self._loss_ceiling(problem))
        self.ax_loss.set_xlim(0, self.steps.value)
        self.ax_loss.set_xlabel("steps taken (iterations)")
        self.ax_loss.set_ylabel(r"loss gap $f(w) - f^\star$")
        self.ax_loss.set_title(f"{self.optimizer_class.__name__}: loss")
        if self.figure.get_layout_engine() is None:
            self.figure.set_layout_engine("constrained")
        self.canvas.draw()
        self.figure.set_layout_engine("none")  # freeze the layout: later draws keep these positions
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._drawn_for = (self.problem.value, self.steps.value)

    @staticmethod
    def _loss_ceiling(problem: Problem) -> float:
        (x0, x1), (y0, y1) = problem.window
        X, Y = np.meshgrid(np.linspace(x0, x1, 50), np.linspace(y0, y1, 50))
        return float(np.max(problem.f(np.stack([X, Y], axis=-1))) - problem.f_min)

    def draw(self, trajectory: Trajectory) -> None:
        """Show ``trajectory`` in the figure and refresh the image."""
        if self._drawn_for != (self.problem.value, self.steps.value):
            self._draw_background()
        problem = self.current_problem
        self._path.set_data(trajectory.w[:, 0], trajectory.w[:, 1])
        self._start.set_data([trajectory.w[0, 0]], [trajectory.w[0, 1]])
        gap = trajectory.loss - problem.f_min
        self._loss.set_data(np.arange(len(gap)), np.where(gap > 0, gap, np.nan))
        self.canvas.restore_region(self._background)
        self.ax_path.draw_artist(self._path)
        self.ax_path.draw_artist(self._start)
        self.ax_loss.draw_artist(self._loss)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()
        if trajectory.diverged:
            self.status.value = f"<b>{trajectory.reason}</b> — try a smaller η."
        else:
            self.status.value = f"after {trajectory.steps} steps: f(w) − f* = {trajectory.loss[-1] - problem.f_min:.3g}"

    def update(self, change=None) -> None:
        self.draw(self.compute())

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def explorer(optimizer_class: type[Optimizer], problems: dict[str, Problem] | None = None, problem: str = "quadratic", steps: int = 200, **initial) -> Explorer:
    """An :class:`Explorer` for ``optimizer_class``; display it as a notebook cell's last value."""
    return Explorer(optimizer_class, problems=problems, problem=problem, steps=steps, **initial)
