"""gdcourse.figures: a figure as the page shows it — SVG panels with real text, alt text, dark mode."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gdcourse  # noqa: E402
from gdcourse import figures, plotting, problems  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def two_panel_figure():
    q = problems.Quadratic(kappa=10)
    t = gdcourse.run(gdcourse.GD(eta=0.1), q, q.start, 30)
    return plotting.compare(q, {"GD": t}, alt="GD on a quadratic: the path zig-zags and the loss falls.")


def test_describe_attaches_alt_text_and_rejects_file_names_and_empty_text():
    fig = plt.figure()
    figures.describe(fig, "  A line going   up from 1 to 2.  ")
    assert figures.alt_text(fig) == "A line going up from 1 to 2."
    for bad in ("", "   ", "plot", "_images/5273bb28dec0.png", "figure_1.svg"):
        with pytest.raises(ValueError, match="alt"):
            figures.describe(fig, bad)
    assert figures.alt_text(fig) == "A line going up from 1 to 2."  # unchanged by the failed calls


def test_a_figure_becomes_a_named_figure_of_one_svg_per_panel():
    html = figures.to_html(two_panel_figure())
    assert html.startswith('<figure class="gd-figure" role="img" aria-label="GD on a quadratic: the path zig-zags')
    assert html.count("<svg") == 2 and html.count('class="gd-panel"') == 2
    assert html.count('aria-hidden="true"') == 2  # the figure is named once, its panels are not read out
    assert "<text" in html and "<metadata>" not in html and "<title>" not in html  # real text, no clutter


def test_panels_fit_the_column_and_no_text_is_smaller_than_the_minimum():
    fig, axes = plt.subplots(1, 2, figsize=(13, 3))
    axes[0].plot([1, 2], label="a long legend entry")
    axes[0].legend(fontsize=6)
    figures.describe(fig, "Two panels, a rising line on the left and an empty panel on the right.")
    html = figures.to_html(fig)
    widths = [float(w) for w in re.findall(r'<svg[^>]*\swidth="([0-9.]+)pt"', html)]
    assert len(widths) == 2 and max(widths) <= figures.MAX_PANEL_WIDTH * 72
    sizes = [float(s) for s in re.findall(r"font-size: ([0-9.]+)px", html)]
    main_text = [s for s in sizes if s >= figures.MIN_FONT_SIZE * 0.75]  # sub/superscripts are 0.7x
    assert min(main_text) >= figures.MIN_FONT_SIZE


def test_ids_are_unique_to_the_figure_and_every_reference_resolves():
    html = figures.to_html(two_panel_figure())
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', html))
    assert referenced <= set(ids)
    assert not any(re.match(r"(figure|axes|patch|line2d|text)_\d+$", i) for i in ids)  # matplotlib's own names


def test_black_and_white_follow_the_page_colours_and_the_background_is_transparent():
    html = figures.to_html(two_panel_figure())
    assert "#000000" not in html and "#ffffff" not in html.replace("var(--gd-figure-background, #ffffff)", "")
    assert "currentColor" in html
    assert "fill: #ffffff" not in html  # no white slab behind the figure


def test_dense_layers_are_rasterized_inside_the_svg():
    q = problems.Quadratic(kappa=10)
    sweep = gdcourse.sweep(gdcourse.Momentum, q, [-4.5, 1.5], 20,
                            {"eta": np.geomspace(1e-3, 0.3, 30), "alpha": np.linspace(0, 0.9, 30)})
    ax = plotting.heatmap(sweep, alt="Final loss over eta and alpha: lowest in a diagonal band.")
    html = figures.to_html(ax.figure)
    assert "<image" in html  # the 900 cells as one image
    assert html.count("<path") < 300


def test_a_figure_without_alt_text_is_marked_for_the_build_to_reject():
    fig = plt.figure()
    fig.add_subplot().plot([1, 2])
    html = figures.to_html(fig)
    assert figures.MISSING_ALT in html and "role=" not in html.split(">")[0]


def test_plotting_helpers_take_alt_text():
    q = problems.Quadratic()
    t = gdcourse.run(gdcourse.GD(eta=0.5), q, q.start, 10)
    ax = plotting.trajectories(q, {"GD": t}, alt="The path of GD on the quadratic bowl.")
    assert figures.alt_text(ax.figure) == "The path of GD on the quadratic bowl."
    ax = plotting.loss_curves({"GD": t}, alt="The loss of GD falling over 10 steps.")
    assert figures.alt_text(ax.figure) == "The loss of GD falling over 10 steps."
