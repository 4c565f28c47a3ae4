"""gdcourse.widgets: the explorer re-runs and redraws on every change, and is quick about it."""

import numpy as np
import pytest

import gdcourse
from gdcourse import problems, widgets


def test_explorer_has_sliders_for_the_optimizers_own_hyperparameters():
    explorer = widgets.explorer(gdcourse.Adam, eta=0.05)
    assert set(explorer.sliders) == {"eta", "beta1", "beta2", "eps"}
    assert explorer.sliders["eta"].value == pytest.approx(0.05)
    assert explorer.eps_in_sqrt is not None  # Adam has the notes' ε-inside form
    assert widgets.explorer(gdcourse.Momentum).eps_in_sqrt is None
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_moving_a_slider_reruns_and_redraws():
    explorer = widgets.explorer(gdcourse.Momentum, eta=0.1, alpha=0.5)
    before = explorer.image.value
    explorer.sliders["alpha"].value = 0.9
    assert explorer.image.value != before
    expected = gdcourse.run(gdcourse.Momentum(eta=0.1, alpha=0.9), problems.Quadratic(kappa=10), problems.Quadratic(kappa=10).start, 200)
    assert f"{expected.final_loss:.3g}" in explorer.status.value
    np.testing.assert_allclose(explorer._path.get_xdata(), expected.w[:, 0])


def test_changing_the_problem_moves_the_start_into_its_window():
    explorer = widgets.explorer(gdcourse.GD, eta=1e-3)
    explorer.problem.value = "Rosenbrock"
    assert (explorer.x0.value, explorer.y0.value) == tuple(problems.Rosenbrock().start)
    assert explorer.x0.min == -2.0 and explorer.x0.max == 2.0
    assert explorer.ax_path.get_title() == "Rosenbrock"


def test_divergence_is_reported_not_drawn_as_nan():
    explorer = widgets.explorer(gdcourse.GD, eta=10.0)
    assert "diverged at step" in explorer.status.value


def test_bad_explorer_arguments():
    with pytest.raises(ValueError, match="problem must be one of"):
        widgets.explorer(gdcourse.GD, problem="nope")
    with pytest.raises(ValueError, match="GD has no hyperparameter"):
        widgets.explorer(gdcourse.GD, alpha=0.5)
    with pytest.raises(ValueError, match="explorers show 2-D problems"):
        widgets.explorer(gdcourse.GD, problems={"digits": problems.SoftmaxRegression()}, problem="digits")
