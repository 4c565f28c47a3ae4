"""A matplotlib figure as the page shows it: sharp SVG panels that reflow, follow dark mode and say what
they show.

In Jupyter and on the site, a figure is displayed as HTML (:func:`to_html`) instead of a PNG:

- **Sharp, real text.** Each panel is an SVG whose text is text (``svg.fonttype: none``): it stays sharp
  at any zoom, uses the reader's fonts (Korean included) and can be searched and copied.  Dense layers
  (heat maps) are rasterized inside the SVG at twice the displayed resolution.
- **Readable on a phone.** A figure with several panels is cut into one SVG per panel (an axes with
  its colour bars), laid out side by side where they fit and stacked where they do not.  No panel is
  wider than :data:`MAX_PANEL_WIDTH` and no text smaller than :data:`MIN_FONT_SIZE`, so that figure
  text is at least 12 CSS px at its natural size and at least 9 px on a 390-px phone.
- **Dark mode.** The background is transparent; black (text, axes, the GD line) becomes
  ``currentColor`` and white (marker faces, legend boxes) the page's background colour, so the figure
  follows the page's light or dark theme.
- **Alt text.** Every figure must say what it shows: :func:`describe` (or the ``alt=`` argument of the
  :mod:`gdcourse.plotting` helpers) attaches it, and it becomes the figure's accessible name.  A
  figure without one is shown with a visible warning that the site build turns into an error.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import re
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.mathtext import MathTextParser
from matplotlib.text import Text
from matplotlib.transforms import Bbox

__all__ = ["MAX_PANEL_WIDTH", "MIN_FONT_SIZE", "describe", "alt_text", "to_html", "MISSING_ALT"]

#: Widest panel, in inches (a 390-px phone shows 358 px: 4.6 in is 442 px, scaled by 0.81 at most).
MAX_PANEL_WIDTH = 4.6
#: Smallest text, in points: 12 CSS px at natural size, 9.3 px at the phone's scale.
MIN_FONT_SIZE = 9.0
#: The marker of a figure displayed without alt text (site/sphinx_reader.py fails the build on it).
MISSING_ALT = "gd-figure-missing-alt"

_ALT = "_gdcourse_alt"
_PAD = 0.04  # inches of margin around a figure drawn as one panel
_FILENAME = re.compile(r"^[\w./\\-]+\.(png|svg|jpe?g|gif|pdf)$", re.IGNORECASE)

SVG_STYLE = {
    "svg.fonttype": "none",  # text as text
    "svg.hashsalt": "gdcourse",  # deterministic ids: the same figure gives the same page
    "savefig.dpi": 200,  # the resolution of rasterized layers inside the SVG
    "savefig.transparent": True,
}


def describe(fig: Figure, alt: str) -> None:
    """Attach the alt text of ``fig``: one or two sentences saying what the figure shows.

    >>> describe(fig, "Loss against steps for GD and Adam: Adam reaches 1e-8 first.")

    It returns nothing, so that as the last line of a cell it does not display the figure a second time.
    """
    if not isinstance(alt, str) or len(alt.strip()) < 15:
        raise ValueError(f"alt must be a sentence saying what the figure shows (at least 15 characters); got {alt!r}")
    if _FILENAME.match(alt.strip()):
        raise ValueError(f"alt must describe the figure, not name a file; got {alt!r}")
    setattr(fig, _ALT, " ".join(alt.split()))


def alt_text(fig: Figure) -> str | None:
    """The alt text attached to ``fig`` by :func:`describe`, or None."""
    return getattr(fig, _ALT, None)


def _panel_groups(fig: Figure) -> list[list]:
    """The visible axes in groups drawn as one panel: a main axes with the colour bars of its images."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    colorbars = {ax: getattr(ax, "_colorbar", None) for ax in axes}
    groups = {ax: [ax] for ax in axes if colorbars[ax] is None}
    for ax, colorbar in colorbars.items():
        if colorbar is None:
            continue
        parent = getattr(getattr(colorbar, "mappable", None), "axes", None)
        if parent in groups:
            groups[parent].append(ax)
        else:
            groups[ax] = [ax]
    return list(groups.values())


def _enforce_minimum_text(fig: Figure) -> None:
    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < MIN_FONT_SIZE:
            text.set_fontsize(MIN_FONT_SIZE)


def _columns(groups: list[list]) -> int:
    return max(1, len({round(g[0].get_position().x0, 2) for g in groups}))


def _narrow(fig: Figure, groups: list[list]) -> None:
    """Narrow a figure whose panels are wider than MAX_PANEL_WIDTH (the layout engine re-flows it)."""
    width, height = fig.get_size_inches()
    columns = _columns(groups)
    if width / columns > MAX_PANEL_WIDTH:
        fig.set_size_inches(MAX_PANEL_WIDTH * columns, height)


_WORD = re.compile(r"(?:\$[^$]*\$|\S)+")  # a word; maths between $ signs is never split


def _wrap(text: Text, limit: float, renderer) -> bool:
    """Break ``text`` over lines, at spaces, so that it is at most ``limit`` pixels long; whether it changed."""
    source = text.get_text()
    rotated = abs(text.get_rotation() % 180 - 90) < 1

    def length() -> float:
        box = text.get_window_extent(renderer)
        return box.height if rotated else box.width

    if not source or "\n" in source or length() <= limit:
        return False
    lines, current = [], ""
    for word in _WORD.findall(source):
        trial = f"{current} {word}".strip()
        text.set_text(trial)
        if current and length() > limit:
            lines.append(current)
            current = word
        else:
            current = trial
    text.set_text("\n".join([*lines, current]))
    return text.get_text() != source


def _wrap_legend(legend, limit: float, renderer) -> bool:
    """Break the labels of a one-column legend wider than ``limit`` pixels over lines; whether any changed."""
    width = legend.get_window_extent(renderer).width
    if width <= limit or legend._ncols > 1 or not legend.texts:
        return False
    label_width = max(t.get_window_extent(renderer).width for t in legend.texts)
    room = label_width - (width - limit)  # what the labels may take for the legend to fit
    if room < 0.3 * label_width:
        return False  # it would be one word a line: the figure is narrowed instead
    return any([_wrap(text, room, renderer) for text in legend.texts])  # a list: wrap them all


def _wrap_long_text(fig: Figure, renderer) -> bool:
    """Titles and axis labels no longer than their axes; a figure's title no wider than a panel.
    Whether any text changed."""
    changed = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        box = ax.get_window_extent(renderer)
        for title in (ax.title, ax._left_title, ax._right_title):
            changed.append(_wrap(title, max(box.width, 1.0), renderer))
        changed.append(_wrap(ax.xaxis.label, max(box.width, 1.0), renderer))
        changed.append(_wrap(ax.yaxis.label, max(box.height, 1.0), renderer))
        legend = ax.get_legend()
        if legend is not None and legend.get_visible():
            changed.append(_wrap_legend(legend, box.width, renderer))
    for text in fig.texts:
        changed.append(_wrap(text, MAX_PANEL_WIDTH * fig.dpi, renderer))
    for legend in fig.legends:
        if legend._ncols <= 1:
            changed.append(_wrap_legend(legend, MAX_PANEL_WIDTH * fig.dpi * 0.98, renderer))
    if getattr(fig, "_suptitle", None) is not None:
        changed.append(_wrap(fig._suptitle, MAX_PANEL_WIDTH * fig.dpi, renderer))
    return any(changed)


def _fewer_legend_columns(legend, renderer, limit: float) -> bool:
    """Lay a legend out in as many columns as fit in ``limit`` pixels; False if it fitted already."""
    if legend.get_window_extent(renderer).width <= limit or legend._ncols <= 1:
        return False
    while legend.get_window_extent(renderer).width > limit and legend._ncols > 1:
        _relay_legend(legend, legend._ncols - 1)
    return True


def _relay_legend(legend, ncols: int) -> None:
    labels = [t.get_text() for t in legend.texts]
    colours = [t.get_color() for t in legend.texts]
    title = legend.get_title()
    title_text, title_font = title.get_text(), title.get_fontproperties().copy()
    legend.prop.set_size(max(legend.prop.get_size_in_points(), MIN_FONT_SIZE))
    legend.set_ncols(ncols)
    # Legend has no public way to re-lay its entries: rebuild its box from its own handles, put it back
    # where it was and give it back its title and label colours (matplotlib 3.11, pinned in
    # requirements.txt; tests/test_figures.py checks the result).
    legend._init_legend_box(legend.legend_handles, labels)
    legend._set_loc(legend._loc_real)
    legend.set_title(title_text or None, prop=title_font)
    for text, colour in zip(legend.texts, colours):
        text.set_color(colour)
    legend.stale = True


def _panel_widths(fig: Figure, groups: list[list], renderer) -> list[float]:
    """The width in inches of each panel as _panels_svg will cut it, and of the legend strip."""
    if len(groups) <= 1:
        return [fig.get_tightbbox(renderer).width + 2 * _PAD]
    widths = [Bbox.union([ax.get_tightbbox(renderer) for ax in g]).width / fig.dpi for g in groups]
    strip = [a for a in (*fig.legends, *fig.texts) if a.get_visible()]
    if strip:
        widths.append(Bbox.union([a.get_window_extent(renderer) for a in strip]).width / fig.dpi)
    return widths


def _fit(fig: Figure, groups: list[list]):
    """Make every panel at most MAX_PANEL_WIDTH wide; return the renderer of the figure's last layout.

    Text that sticks out of a panel (a long title, a wide legend next to the axes) makes it wider than
    the figure's own share.  Long titles and labels are wrapped, figure legends get fewer columns, and a
    panel still too wide narrows the figure, so that its axes make room; a few rounds suffice.  On
    return the figure is laid out as it stands: each draw (a constrained layout) is the costly part of
    a figure, so a round redraws only after something changed.
    """
    limit = MAX_PANEL_WIDTH * 1.001

    def laid_out():
        fig.draw_without_rendering()
        return fig.canvas.get_renderer()

    renderer = laid_out()
    for _ in range(6):
        wrapped = _wrap_long_text(fig, renderer)
        if any([_fewer_legend_columns(legend, renderer, MAX_PANEL_WIDTH * fig.dpi) for legend in fig.legends]):
            renderer = laid_out()
            continue
        if wrapped:
            renderer = laid_out()
        widest = max(_panel_widths(fig, groups, renderer))
        if widest <= limit:
            break
        width, height = fig.get_size_inches()
        columns = _columns(groups)
        narrower = width - (widest - MAX_PANEL_WIDTH) * columns - 0.02
        if narrower < 1.2 * columns:  # the axes would vanish: what sticks out cannot be helped this way
            break
        fig.set_size_inches(narrower, height)
        renderer = laid_out()
    return renderer


def _svg(fig: Figure, bbox: Bbox | None = None) -> str:
    buffer = io.StringIO()
    with mpl.rc_context(SVG_STYLE):
        fig.savefig(buffer, format="svg", bbox_inches=bbox if bbox is not None else "tight", pad_inches=_PAD)
    return buffer.getvalue()


def _panels_svg(fig: Figure) -> list[str]:
    groups = _panel_groups(fig)
    _enforce_minimum_text(fig)
    _narrow(fig, groups)
    renderer = _fit(fig, groups)
    with _layout_frozen(fig):
        if len(groups) <= 1:
            return [_svg(fig, fig.get_tightbbox(renderer).padded(_PAD))]
        return _cut_panels(fig, groups, renderer)


@contextmanager
def _layout_frozen(fig: Figure):
    """``fig`` as it was laid out last, without its layout engine: saving it then draws it once,
    where with an engine it would first be laid out again (and a tight crop costs a draw of its own)."""
    engine = fig.get_layout_engine()
    # None, not "none", which leaves a placeholder engine that still costs a draw; and while these
    # settings last, since savefig puts back "no engine" as set_layout_engine(None) would read them.
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
        try:
            yield fig
        finally:
            fig.set_layout_engine(engine)


def _cut_panels(fig: Figure, groups: list[list], renderer) -> list[str]:
    """Each panel drawn alone, cropped to its own extent; then the figure's legends and texts."""
    hidden = [artist for artist in (*fig.legends, *fig.texts) if artist.get_visible()]
    try:
        for artist in hidden:
            artist.set_visible(False)
        panels = []
        for group in groups:
            others = [ax for g in groups if g is not group for ax in g]
            for ax in others:
                ax.set_visible(False)
            # A panel shown alone needs its own tick labels, which shared axes hide on inner panels.
            relabelled = []
            for ax in group:
                if not ax.yaxis.get_tick_params().get("labelleft", True) and len(ax.get_shared_y_axes().get_siblings(ax)) > 1:
                    ax.tick_params(axis="y", labelleft=True)
                    relabelled.append((ax, "y"))
                if not ax.xaxis.get_tick_params().get("labelbottom", True) and len(ax.get_shared_x_axes().get_siblings(ax)) > 1:
                    ax.tick_params(axis="x", labelbottom=True)
                    relabelled.append((ax, "x"))
            extent = Bbox.union([ax.get_tightbbox(renderer) for ax in group])
            panels.append(_svg(fig, extent.transformed(fig.dpi_scale_trans.inverted())))
            for ax, axis in relabelled:
                ax.tick_params(axis=axis, **({"labelleft": False} if axis == "y" else {"labelbottom": False}))
            for ax in others:
                ax.set_visible(True)
        if hidden:  # figure legends and texts: a strip of their own, below the panels
            for ax in fig.axes:
                ax.set_visible(False)
            for artist in hidden:
                artist.set_visible(True)
            extent = Bbox.union([artist.get_window_extent(renderer) for artist in hidden])
            panels.append(_svg(fig, extent.transformed(fig.dpi_scale_trans.inverted())))
            for ax in fig.axes:
                ax.set_visible(True)
    finally:
        for artist in hidden:
            artist.set_visible(True)
        for group in groups:
            for ax in group:
                ax.set_visible(True)
    return panels


_COLOURS = {
    # black and near-black → the text colour; white → the page background
    "#000000": "currentColor", "#262626": "currentColor", "#333333": "currentColor",
    "#ffffff": "var(--gd-figure-background, #ffffff)",
}
_WIDTH = re.compile(r'<svg[^>]*?\swidth="([0-9.]+)pt"')
_COLOUR = re.compile(r"(fill|stroke)(:\s*|=\")(#[0-9a-fA-F]{6})")
_ID = re.compile(r'\sid="([^"]+)"')


def _clean_svg(svg: str, prefix: str) -> str:
    """One matplotlib SVG made fit for inlining in a page of several figures."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.DOTALL)
    # ids are referenced as url(#id) (clip paths) or href="#id" (markers): keep those, made unique to
    # this figure; drop the others (matplotlib names every group "figure_1", "axes_1"…).
    referenced = set(re.findall(r"(?:url\(#|href=\"#)([^)\"]+)", svg))
    svg = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "", svg)
    svg = re.sub(r"(url\(#|href=\"#)([^)\"]+)", lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)
    svg = _COLOUR.sub(lambda m: f"{m.group(1)}{m.group(2)}{_COLOURS.get(m.group(3).lower(), m.group(3))}", svg)
    # text that matplotlib leaves to the default fill (black) follows the page too
    svg = re.sub(r"<svg ", '<svg aria-hidden="true" focusable="false" fill="currentColor" '
                 'style="display: block; width: 100%; height: auto" ', svg, count=1)
    # matplotlib measured the text with DejaVu Sans; other fonts (Korean) come from the reader's system
    svg = re.sub(r"font-family: [^;\"]*", "font-family: 'DejaVu Sans', 'Noto Sans CJK KR', sans-serif", svg)
    return svg.strip()


_parse_uncached = MathTextParser._parse_cached.__wrapped__


@functools.lru_cache(1024)
def _parse(output_type: str, s, dpi, prop, antialiased, load_glyph_flags):
    return _parse_uncached(MathTextParser("path" if output_type == "vector" else "agg"), s, dpi, prop,
                           antialiased, load_glyph_flags)


def _parse_shared(parser, s, dpi, prop, antialiased, load_glyph_flags):
    return _parse(parser._output_type, s, dpi, prop, antialiased, load_glyph_flags)


@contextmanager
def shared_mathtext():
    """While a figure renders, every renderer shares one cache of parsed maths.

    matplotlib caches a parse per renderer, 50 at most, and each saved panel draws with a renderer of
    its own: so every panel parsed every log tick label (``10^{-6}``) again, and a figure of nine
    panels, with more labels than the cache holds, missed it on every label (sharing the cache took
    chapter 8's run from 14 to 10 s).  The parse depends only on the expression, the font and the kind of output, which is what
    this cache is keyed on.  It is emptied on exit, so that what matplotlib logs about a missing glyph
    (gdcourse.figure_text checks it) is logged again by the next figure.  Re-entrant.
    """
    if MathTextParser._parse_cached is _parse_shared:
        yield
        return
    original = MathTextParser._parse_cached
    MathTextParser._parse_cached = _parse_shared
    try:
        yield
    finally:
        MathTextParser._parse_cached = original
        _parse.cache_clear()


def to_html(fig: Figure) -> str:
    """The figure as the page shows it: its panels as inline SVG in one ``<figure>`` named by its alt text."""
    with shared_mathtext():
        panels = _panels_svg(fig)
    digest = hashlib.sha1("".join(panels).encode()).hexdigest()[:8]
    # Where the column is narrower than the widest panel, every panel shrinks by the same factor, so that
    # the figure's text keeps one size: each panel is at most its natural width and at most its share of
    # the widest one's (percentages of the row, which a column narrower than that panel fills).
    widths = [float(_WIDTH.search(svg).group(1)) * 4 / 3 for svg in panels]  # pt → CSS px
    body = "".join(
        f'<div class="gd-panel" style="width: min({w:.0f}px, {100 * w / max(widths):.1f}%)">'
        f'{_clean_svg(svg, f"f{digest}p{i}-")}</div>'
        for i, (svg, w) in enumerate(zip(panels, widths))
    )
    alt = alt_text(fig)
    if alt is None:
        warning = ("This figure has no alt text: give it one with gdcourse.figures.describe(fig, ...) "
                   "or the alt= argument of the gdcourse.plotting helpers.")
        return f'<figure class="gd-figure {MISSING_ALT}"><p><strong>{warning}</strong></p>{body}</figure>'
    return f'<figure class="gd-figure" role="img" aria-label="{html.escape(alt)}"><div class="gd-panels">{body}</div></figure>'


def register(shell) -> None:
    """Display figures in this IPython shell as :func:`to_html` (and no longer as a PNG as well), in the
    reader's language (:func:`gdcourse.figure_text.figure_html`)."""
    from gdcourse.figure_text import figure_html

    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(Figure, figure_html)
    for mime in ("image/png", "image/svg+xml", "application/pdf", "image/jpeg"):
        formatters[mime].pop(Figure, None)
