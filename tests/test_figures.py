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


def panel_widths_pt(html):
    return [float(w) for w in re.findall(r'<svg[^>]*\swidth="([0-9.]+)pt"', html)]


def test_text_that_sticks_out_is_wrapped_and_wide_figure_legends_get_fewer_columns():
    fig, axes = plt.subplots(1, 2, figsize=(9.2, 3.4))
    for ax in axes:
        for k in range(6):
            ax.plot([0, 1], [k, k + 1], label=f"optimizer number {k} (η = 0.{k})")
        ax.set_title("a title much longer than the axes it stands above, as authors like to write them")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=6, title="runs")
    figures.describe(fig, "Two panels of six rising lines each, with a shared legend below.")
    html = figures.to_html(fig)
    widths = panel_widths_pt(html)
    assert len(widths) == 3  # two panels and the legend's strip
    assert max(widths) <= figures.MAX_PANEL_WIDTH * 72 + 0.5
    legend = fig.legends[0]
    assert 1 <= legend._ncols < 6
    assert [t.get_text() for t in legend.texts] == [f"optimizer number {k} (η = 0.{k})" for k in range(6)]
    assert legend.get_title().get_text() == "runs"  # the rebuilt legend keeps its title ...
    assert len(legend.legend_handles) == 6 and all(h.get_color() == line.get_color()
                                                   for h, line in zip(legend.legend_handles, axes[0].lines))
    assert legend._outside_loc == "lower"  # ... and its place below the panels
    assert "\n" in axes[0].get_title() and all(len(line) < 70 for line in axes[0].get_title().split("\n"))
    assert "optimizer number 5 (η = 0.5)" in html.replace("&#951;", "η")


def test_an_axes_legend_wider_than_its_axes_has_its_labels_wrapped():
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([0, 1], label="a label that is far too long to fit next to the narrow axes of a phone")
    ax.plot([1, 0], label="short")
    ax.legend(loc="lower left")
    figures.describe(fig, "Two crossing lines with a legend that has one long label.")
    html = figures.to_html(fig)
    assert panel_widths_pt(html) and max(panel_widths_pt(html)) <= figures.MAX_PANEL_WIDTH * 72 + 0.5
    assert "\n" in ax.get_legend().texts[0].get_text() and ax.get_legend().texts[1].get_text() == "short"


def test_panels_of_one_figure_shrink_by_the_same_factor():
    fig, axes = plt.subplots(1, 2, figsize=(9.2, 3.4), width_ratios=[2, 1])
    for ax in axes:
        ax.plot([0, 1], [0, 1])
    figures.describe(fig, "A wide panel and a narrow one, each with a rising line.")
    html = figures.to_html(fig)
    widths = [w * 4 / 3 for w in panel_widths_pt(html)]
    styles = re.findall(r'class="gd-panel" style="width: min\(([0-9]+)px, ([0-9.]+)%\)"', html)
    assert len(styles) == 2 and widths[0] > widths[1]
    for (px, pct), width in zip(styles, widths):
        assert int(px) == round(width)  # never wider than drawn ...
        assert float(pct) == pytest.approx(100 * width / max(widths), abs=0.06)  # ... and all alike narrower


def test_a_legend_of_many_columns_is_relaid_in_as_many_as_fit():
    fig, axes = plt.subplots(1, 2, figsize=(9.2, 3.4))
    for ax in axes:
        for k in range(9):
            ax.plot([0, 1], [k, k + 1], label=f"run {k}")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=9)
    figures.describe(fig, "Two panels of nine rising lines each, with a shared legend below.")
    widths = panel_widths_pt(figures.to_html(fig))
    assert max(widths) <= figures.MAX_PANEL_WIDTH * 72 + 0.5
    ncols = fig.legends[0]._ncols
    assert 1 < ncols < 9 and len(fig.legends[0].texts) == 9
    # one column more would not have fitted
    figures._relay_legend(fig.legends[0], ncols + 1)
    renderer = fig.canvas.get_renderer()
    assert fig.legends[0].get_window_extent(renderer).width > figures.MAX_PANEL_WIDTH * fig.dpi


def log_figure_with_a_legend_strip():
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    for ax, rate in zip(axes, (0.5, 0.8)):
        ax.semilogy(rate ** np.arange(40), label=f"$q = {rate}$")
        ax.set_xlabel("steps $r$")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center")
    figures.describe(fig, "Two panels of geometric decay on log axes, with one legend below them.")
    return fig


def count_draws(monkeypatch):
    from matplotlib.figure import Figure

    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda fig, renderer: (draws.append(type(renderer).__name__), original(fig, renderer))[1])
    return draws


def test_a_figure_is_laid_out_once_and_each_panel_drawn_once(monkeypatch):
    fig = log_figure_with_a_legend_strip()
    engine = fig.get_layout_engine()
    draws = count_draws(monkeypatch)
    html = figures.to_html(fig)
    assert html.count("<svg") == 3  # two panels and the legend's strip
    # one constrained layout (a draw that renders nothing), then one draw per SVG: saving a panel
    # neither lays the figure out again nor crops it with a draw of its own
    assert len(draws) == 1 + 3, draws
    assert fig.get_layout_engine() is engine  # the layout engine is the figure's own again

    fig, ax = plt.subplots()
    ax.plot([1, 2])
    figures.describe(fig, "One rising line on one panel, for counting draws.")
    draws.clear()
    figures.to_html(fig)
    assert len(draws) == 2, draws


def test_maths_shared_while_a_figure_renders_changes_nothing_and_matplotlib_gets_its_cache_back(monkeypatch):
    from contextlib import nullcontext

    from matplotlib.mathtext import MathTextParser

    def without_figure_prefix(html):  # the ids' prefix tells figures apart (matplotlib numbers them)
        return re.sub(r'f[0-9a-f]{8}p(\d+)-', r"fp\1-", html)

    original = MathTextParser._parse_cached
    with figures.shared_mathtext():
        with figures.shared_mathtext():  # re-entrant: the inner one leaves the outer one's cache alone
            pass
        assert MathTextParser._parse_cached is not original
    assert MathTextParser._parse_cached is original
    shared = figures.to_html(log_figure_with_a_legend_strip())
    assert MathTextParser._parse_cached is original
    monkeypatch.setattr(figures, "shared_mathtext", nullcontext)
    assert without_figure_prefix(figures.to_html(log_figure_with_a_legend_strip())) == without_figure_prefix(shared)
