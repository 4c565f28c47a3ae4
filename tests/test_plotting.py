"""gdcourse.plotting: labelled axes, legends, the palette, one style, heat maps of sweeps."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gdcourse  # noqa: E402
from gdcourse import plotting, problems  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def runs():
    q = problems.Quadratic()
    return q, {
        "GD": gdcourse.run(gdcourse.GD(eta=0.5), q, q.start, 40),
        "Momentum": gdcourse.run(gdcourse.Momentum(eta=0.3), q, q.start, 40),
        "Adam": gdcourse.run(gdcourse.Adam(eta=5.0), q, q.start, 40),
    }


def test_importing_plotting_applies_the_book_style():
    colors = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
    assert colors[0] == plotting.PALETTE["blue"]
    assert set(colors) <= set(plotting.PALETTE.values())
    assert matplotlib.rcParams["axes.spines.top"] is False


def test_compare_labels_axes_and_keeps_each_optimizers_colour():
    q, trajectories = runs()
    fig = plotting.compare(q, trajectories)
    left, right = fig.axes
    assert left.get_xlabel().startswith("$w_1$") and left.get_ylabel().startswith("$w_2$")
    assert right.get_xlabel() == "steps taken (iterations)" and "f^\\star" in right.get_ylabel()
    assert right.get_yscale() == "log"
    lines = {line.get_label(): line for line in right.get_lines()}
    assert lines["GD"].get_color() == plotting.PALETTE["black"]
    assert lines["Momentum"].get_color() == plotting.PALETTE["blue"]
    assert right.get_legend() is not None


def test_a_diverged_run_says_so_in_the_legend():
    q, trajectories = runs()
    assert trajectories["Adam"].diverged is False
    bad = gdcourse.run(gdcourse.GD(eta=2.5), q, q.start, 3000)
    ax = plotting.loss_curves({"GD": bad}, f_min=0.0)
    assert f"GD (diverged at step {bad.diverged_at})" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_several_settings_of_one_optimizer_get_distinct_colours():
    styles = plotting.styles_for(["Momentum (α=0)", "Momentum (α=0.5)", "Momentum (α=0.9)"])
    assert len({s["color"] for s in styles}) == 3
    mixed = plotting.styles_for(["GD", "Adam", "GD (η=0.1)"])
    assert mixed[0]["color"] == mixed[2]["color"] == plotting.PALETTE["black"] and mixed[2]["linestyle"] != "-"
    assert plotting.styles_for(["Adam", "AMSGrad"])[1]["linestyle"] == "--"


def test_contour_marks_minimizers_and_saddles_and_refuses_high_dimensional_problems():
    ax = plotting.contour(problems.Saddle())
    labels = [line.get_label() for line in ax.get_lines()]
    assert "minimum" in labels and "saddle point" in labels
    with pytest.raises(ValueError, match="contour needs a 2-D problem; softmax regression"):
        plotting.contour(problems.SoftmaxRegression())


def test_heatmap_of_a_sweep_greys_out_divergence_and_uses_log_axes():
    q = problems.Quadratic()
    sweep = gdcourse.sweep(gdcourse.Momentum, q, q.start, 300, {"eta": np.geomspace(1e-2, 10, 12), "alpha": np.linspace(0, 0.9, 5)})
    ax = plotting.heatmap(sweep)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert "η" in ax.get_xlabel() or "eta" in ax.get_xlabel()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("best: ") and "diverged (overflow)" in legend and "ended above its start" in legend
    with pytest.raises(ValueError, match="2 hyperparameters"):
        plotting.heatmap(gdcourse.sweep(gdcourse.GD, q, q.start, 10, {"eta": [0.1, 0.2]}))


def test_side_by_side_shares_axes():
    q, trajectories = runs()
    fig = plotting.side_by_side(q, {"a": {"GD": trajectories["GD"]}, "b": {"Adam": trajectories["Adam"]}})
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 and visible[0].get_title() == "a"


def test_in_a_jupyter_kernel_a_figure_shows_once_as_svg_and_is_not_first_drawn_as_a_raster():
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "import matplotlib.pyplot as plt\nfrom gdcourse import plotting",
        "fig, ax = plt.subplots()\nax.plot([3, 1, 2])\nplotting.describe(fig, 'A line that falls, then rises a little.')",
        "print(sorted(callback.__name__ for callback in get_ipython().events.callbacks['post_execute']))",
    )])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    shown = notebook.cells[1].outputs
    assert [output.output_type for output in shown] == ["display_data"]
    assert set(shown[0].data) == {"text/html", "text/plain"}
    assert shown[0].data["text/html"].startswith('<figure class="gd-figure"')
    # pyplot's redraw of every open figure after a cell (for windows on a screen) is off: the inline
    # backend shows the figure as SVG, drawn then, so a raster draw before it is wasted
    callbacks = notebook.cells[2].outputs[0].text
    assert "flush_figures" in callbacks and "_draw_all_if_interactive" not in callbacks
