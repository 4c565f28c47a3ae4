"""A Sphinx extension that keeps the built site self-contained.

- require.js and the ipywidgets HTML manager are served from ``_static/vendor`` (copied there by
  site/vendor.py; ``nb_ipywidgets_js`` in _config.yml points at them).  Maths needs no script at all: it
  is typeset at build time (site/sphinx_maths.py).
- sphinx-thebe, which Jupyter Book always loads, adds its configuration script twice per page — the
  browser then reports "Identifier 'THEBE_JS_URL' has already been declared" — and points at unpkg.com.
  Live code is off in this book (``launch_buttons.thebe: false``), so its scripts and style sheet are
  removed.
- After the build, every page is checked: a ``<script src>`` or ``<link href>`` stylesheet on another
  host is an error, so that a CDN cannot creep back in unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

EXTERNAL_ASSET = re.compile(r"""<(?:script[^>]*\ssrc|link[^>]*rel="stylesheet"[^>]*\shref)=["'](?:https?:)?//""", re.IGNORECASE)


def _is_thebe(script) -> bool:
    filename = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return filename.endswith("sphinx-thebe.js") or "THEBE_JS_URL" in body


def adjust_page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    scripts[:] = [s for s in scripts if not _is_thebe(s)]  # in place: it is the builder's own list
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [s for s in styles if not str(getattr(s, "filename", s) or "").endswith("sphinx-thebe.css")]


def add_widget_assets_path(app: Sphinx) -> None:
    # Before the HTML manager (default priority 500): tells it where its fonts are.
    app.add_js_file("vendor/widgets-assets.js", priority=400)


def check_no_external_assets(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    offenders = []
    for page in Path(app.outdir).rglob("*.html"):
        for match in EXTERNAL_ASSET.finditer(page.read_text(encoding="utf-8")):
            offenders.append(f"{page.relative_to(app.outdir)}: {match.group(0)}")
    if offenders:
        raise ExtensionError("pages load assets from other hosts:\n  " + "\n  ".join(offenders[:20]))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", add_widget_assets_path)
    # late (priority 900), after sphinx.ext.mathjax has added its scripts to the page
    app.connect("html-page-context", adjust_page_scripts, priority=900)
    app.connect("build-finished", check_no_external_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
