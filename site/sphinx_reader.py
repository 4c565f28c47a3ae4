"""What the reader gets: working navigation on a phone, light pages, accessible markup.

Each fix is one function below, named after what it fixes; the tests in tests/test_site.py check the
result in a browser.

- **Navigation** (``gdcourse-reader.js``): pydata-sphinx-theme 0.17.1 and sphinx-book-theme 1.3.0 attach
  the menu and page-contents handlers to ``document.querySelector(".primary-toggle")`` — the first such
  button, the navbar's, which this theme hides — so the visible buttons do nothing.  The script forwards
  a click on any visible toggle to that first one.  (sphinx-book-theme 1.4.0, which fixes it, needs
  Sphinx ≥ 8.2; Jupyter Book 1 needs Sphinx 7.)
- **Icons**: the theme loads Font Awesome's 1.5 MB ``fontawesome.js`` to turn ``<i class="fa-…">``
  into SVG in the browser.  The page rewrite puts the SVG of the ~20 icons the pages use in place at
  build time (path data read from the installed theme's own copy) and drops the script.  The icon
  fonts, which the style sheets use for admonition titles, keep only the icons those name.
- **Scripts**: every ``<script src>`` is deferred; the 400-byte ``documentation_options.js`` that inline
  scripts rely on is inlined; the search index is loaded only by the search page.
- **Dark mode**: ``default_mode: auto`` follows the reader's system setting on a first visit; a tiny
  inline script resolves "auto" to light/dark before the first paint, so there is no flash.
- **One <h1> per page**: the theme's print-only title block gets a ``<p>`` instead of a second ``<h1>``.
- **Unique ids**: sphinx-exercise gives every exercise and solution body the same id
  (``exercise-content``, ``solution-content``); they get one per block.
- **No test machinery**: sphinx-thebe's configuration script (live code is off) is removed.
- **Alt text**: a figure made without alt text (gdcourse.figures marks it) or an ``<img>`` whose alt is
  missing or a file name is a build warning — an error under ``-W``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

# Resolve the theme's "auto" mode before the first paint (the theme's own script does it only later).
AUTO_MODE = """\
(function () {
  var root = document.documentElement;
  if (root.dataset.theme !== "light" && root.dataset.theme !== "dark") {
    root.dataset.theme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
})();"""


def add_assets(app: Sphinx) -> None:
    app.add_css_file("gdcourse-reader.css")
    app.add_js_file("gdcourse-reader.js", loading_method="defer")
    app.add_js_file(None, body=AUTO_MODE, priority=1)


def defer_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """No script blocks the first paint: every external one is deferred (their order is kept)."""
    for script in context.get("script_files") or []:
        attributes = getattr(script, "attributes", None)
        if attributes is None or not getattr(script, "filename", None):
            continue
        if attributes.get("type", "text/javascript") in ("text/javascript", "module") and "async" not in attributes:
            attributes.setdefault("defer", "defer")


def unique_exercise_ids(app: Sphinx, doctree, docname) -> None:
    """sphinx-exercise gives every exercise body id="exercise-content" (solutions: "solution-content")."""
    seen: dict[str, int] = {}
    for section in doctree.findall(nodes.section):
        ids = section.get("ids", [])
        if ids and ids[0] in ("exercise-content", "solution-content"):
            seen[ids[0]] = seen.get(ids[0], 0) + 1
            section["ids"] = [f"{ids[0]}-{seen[ids[0]]}"]


# ------------------------------------------------------------------ the page rewrite (after the build)
FA_SCRIPT = re.compile(r'<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\s*')
ICON = re.compile(r'<(i|span)\s+([^>]*?)class="([^"]*\bfa-[a-z0-9-]+[^"]*)"([^>]*)>\s*</\1>')
FA_NAME = re.compile(r"\bfa-(?!solid\b|regular\b|brands\b|lg\b|fw\b)([a-z0-9-]+)")


@lru_cache(maxsize=None)
def fontawesome_icons() -> dict[str, tuple[int, int, str]]:
    """name → (width, height, path) for every icon in the theme's fontawesome.js (first pack wins)."""
    import pydata_sphinx_theme

    source = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts" / "fontawesome.js"
    text = source.read_text(encoding="utf-8")
    icons: dict[str, tuple[int, int, str]] = {}
    for match in re.finditer(r'(?:"([a-z0-9-]+)"|\b([a-z0-9]+)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]', text):
        name = match.group(1) or match.group(2)
        icons.setdefault(name, (int(match.group(3)), int(match.group(4)), match.group(5)))
    return icons


def inline_icons(text: str) -> str:
    """<i class="fa-solid fa-bars"></i> → the icon's SVG; the Font Awesome script is no longer loaded."""
    icons = fontawesome_icons()

    def replace(match):
        tag, before, classes, after = match.groups()
        names = [n for n in FA_NAME.findall(classes) if n in icons]
        if not names:
            return match.group(0)
        width, height, path = icons[names[0]]
        attributes = f"{before}{after}".strip()
        return (f'<svg class="gd-icon {classes.strip()}" {attributes} viewBox="0 0 {width} {height}" '
                f'aria-hidden="true" focusable="false"><path fill="currentColor" d="{path}"/></svg>')

    return FA_SCRIPT.sub("", ICON.sub(replace, text))


DOCUMENTATION_OPTIONS = re.compile(r'<script[^>]*\ssrc="([^"?]*_static/documentation_options\.js)[^"]*"[^>]*></script>')


def inline_documentation_options(text: str, outdir: Path) -> str:
    source = outdir / "_static" / "documentation_options.js"

    def replace(match):
        return f"<script>{source.read_text(encoding='utf-8').strip()}</script>"

    return DOCUMENTATION_OPTIONS.sub(replace, text, count=1)


SEARCH_SCRIPTS = re.compile(r'<script[^>]*\ssrc="[^"]*(?:searchtools\.js|language_data\.js|searchindex\.js)[^"]*"[^>]*></script>\s*')


def search_index_only_on_search_page(text: str, page: Path) -> str:
    """The 85-kB search index is loaded by the search page only, deferred like the scripts it needs."""
    if page.name != "search.html":
        return SEARCH_SCRIPTS.sub("", text)
    return SEARCH_SCRIPTS.sub(lambda m: m.group(0) if " defer" in m.group(0) else m.group(0).replace("<script ", "<script defer ", 1), text)


THEBE_CONFIG = re.compile(r'<script type="text/x-thebe-config">.*?</script>\s*', re.DOTALL)
PRINT_TITLE = re.compile(r'(<div id="jb-print-docs-body" class="onlyprint">\s*)<h1>(.*?)</h1>', re.DOTALL)


def one_h1(text: str) -> str:
    return PRINT_TITLE.sub(r'\1<p class="jb-print-title">\2</p>', text)


SEARCH_FIELD_LABEL = re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?)\saria-label="[^"]*"')


def search_field_named_by_its_text(text: str) -> str:
    """The search field's visible text ("Search Ctrl+K") is its name; aria-label="Search" contradicts it."""
    return SEARCH_FIELD_LABEL.sub(r"\1", text)


SUMMARY_LABEL = re.compile(r'(<summary\b[^>]*?)\saria-label="[^"]*"')
CITATION_LIST = re.compile(r'(<div[^>]*class="citation-list"[^>]*?)\srole="list"|(<div)\srole="list"(\s[^>]*class="citation-list")')


def names_from_visible_text(text: str) -> str:
    """A <summary> ("Show code cell source") is named by its text, not by a different aria-label; the
    bibliography's citation list is not an ARIA list (its children are not list items)."""
    text = SUMMARY_LABEL.sub(r"\1", text)
    return CITATION_LIST.sub(lambda m: m.group(1) or (m.group(2) + m.group(3)), text)


def remove_thebe_config(text: str) -> str:
    return THEBE_CONFIG.sub("", text)


def rewrite_page(text: str, page: Path, outdir: Path) -> str:
    text = inline_icons(text)
    text = inline_documentation_options(text, outdir)
    text = search_index_only_on_search_page(text, page)
    text = remove_thebe_config(text)
    text = search_field_named_by_its_text(text)
    text = names_from_visible_text(text)
    return one_h1(text)


IMG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\salt="([^"]*)"')


def check_alt_text(text: str, page: str) -> list[str]:
    """Every figure and image says what it shows (gdcourse.figures marks a figure made without alt text)."""
    problems = [f"{page}: a figure has no alt text (gdcourse.figures.describe, or alt= of the plotting helpers)"
                for _ in re.finditer(r"gd-figure-missing-alt", text)]
    for tag in IMG.findall(text):
        alt = ALT.search(tag)
        if alt is None or not alt.group(1).strip() or re.search(r"\.(png|svg|jpe?g|gif)$", alt.group(1).strip()):
            problems.append(f"{page}: an image without meaningful alt text: {tag[:160]}")
    return problems


# ------------------------------------------------------------------ the theme's icon fonts
FA_FONTS = "vendor/fontawesome/webfonts"  # under _static/, as pydata-sphinx-theme ships them
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
ICON_CHARACTER = re.compile(r'"(?:\\(f[0-9a-f]{3})|([\uf000-\uf8ff]))"')


def icons_named_by_style_sheets(static: Path) -> set[int]:
    """The Font Awesome characters the site's style sheets draw (admonition and dropdown icons...).

    Font Awesome's own ``.fa-<name>::before`` rules name every icon there is; the pages' icons that use
    them are inlined as SVG (``inline_icons``), so those rules are left out."""
    used = set()
    for sheet in static.rglob("*.css"):
        for selector, body in CSS_RULE.findall(sheet.read_text(encoding="utf-8", errors="ignore")):
            if ".fa-" in selector:
                continue
            for escaped, raw in ICON_CHARACTER.findall(body):
                used.add(int(escaped, 16) if escaped else ord(raw))
    return used


def subset_icon_fonts(outdir: Path) -> None:
    """Font Awesome's fonts hold every icon (solid alone is 156 kB); keep the ~15 the style sheets draw.

    The page that shows an exercise or a note loads the solid font for its title's icon; a subset of
    the icons the style sheets name is a few kB.  The .ttf copies, which no browser of today asks for,
    are subset too."""
    from fontTools import subset

    fonts = outdir / "_static" / FA_FONTS
    if not fonts.is_dir():
        return
    unicodes = sorted(icons_named_by_style_sheets(outdir / "_static"))
    for font in sorted(fonts.glob("*.woff2")) + sorted(fonts.glob("*.ttf")):
        options = subset.Options()
        options.flavor = "woff2" if font.suffix == ".woff2" else None
        options.layout_features = []
        options.name_IDs = ["*"]  # keep the licence (SIL OFL) and the names
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        loaded = subset.load_font(str(font), options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(loaded)
        partial = font.with_name(font.name + ".part")
        subset.save_font(loaded, str(partial), options)
        partial.replace(font)


def rewrite_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        text = rewrite_page(page.read_text(encoding="utf-8"), page, outdir)
        for problem in check_alt_text(text, str(page.relative_to(outdir))):
            logger.warning(problem, type="gdcourse", subtype="alt")
        page.write_text(text, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        (outdir / "_static" / "scripts" / name).unlink(missing_ok=True)
    subset_icon_fonts(outdir)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_assets)
    app.connect("html-page-context", defer_scripts, priority=950)
    app.connect("doctree-resolved", unique_exercise_ids)
    app.connect("build-finished", rewrite_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
