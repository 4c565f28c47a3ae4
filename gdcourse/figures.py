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

import hashlib
import html
import io
import re

import matplotlib as mpl
from matplotlib.figure import Figure
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


def _narrow(fig: Figure, groups: list[list]) -> None:
    """Narrow a figure whose panels are wider than MAX_PANEL_WIDTH (the layout engine re-flows it)."""
    width, height = fig.get_size_inches()
    columns = max(1, len({round(g[0].get_position().x0, 2) for g in groups}))
    if width / columns > MAX_PANEL_WIDTH:
        fig.set_size_inches(MAX_PANEL_WIDTH * columns, height)


def _svg(fig: Figure, bbox: Bbox | None = None) -> str:
    buffer = io.StringIO()
    with mpl.rc_context(SVG_STYLE):
        fig.savefig(buffer, format="svg", bbox_inches=bbox if bbox is not None else "tight", pad_inches=0.04)
    return buffer.getvalue()


def _panels_svg(fig: Figure) -> list[str]:
    groups = _panel_groups(fig)
    _enforce_minimum_text(fig)
    _narrow(fig, groups)
    if len(groups) <= 1:
        return [_svg(fig)]
    # Freeze the layout of the whole figure, then draw each panel alone, cropped to its own extent.
    fig.draw_without_rendering()
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
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
        fig.set_layout_engine(engine)
    return panels


_COLOURS = {
    # black and near-black → the text colour; white → the page background
    "#000000": "currentColor", "#262626": "currentColor", "#333333": "currentColor",
    "#ffffff": "var(--gd-figure-background, #ffffff)",
}
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
    svg = re.sub(r"<svg ", '<svg aria-hidden="true" focusable="false" fill="currentColor" ', svg, count=1)
    # matplotlib measured the text with DejaVu Sans; other fonts (Korean) come from the reader's system
    svg = re.sub(r"font-family: [^;\"]*", "font-family: 'DejaVu Sans', 'Noto Sans CJK KR', sans-serif", svg)
    return svg.strip()


def to_html(fig: Figure) -> str:
    """The figure as the page shows it: its panels as inline SVG in one ``<figure>`` named by its alt text."""
    panels = _panels_svg(fig)
    digest = hashlib.sha1("".join(panels).encode()).hexdigest()[:8]
    body = "".join(
        f'<div class="gd-panel">{_clean_svg(svg, f"f{digest}p{i}-")}</div>' for i, svg in enumerate(panels)
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
