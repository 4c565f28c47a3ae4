"""A Sphinx extension that makes the book's explorers work on the published pages, with no kernel.

An explorer cell's output (gdcourse.widgets) carries two views: the Jupyter widget view, and a
``text/html`` placeholder that holds the explorer's settings (``data-gdcourse-mount``).  On the site:

- the html builder prefers the placeholder to the widget view (MyST-NB's ``nb_mime_priority_overrides``:
  text/html has priority 30; the widget view moves from 10 to 35, still ahead of images);
- the explorer's module (the generated kernels and the bundle, ``gdcourse.explorer.bundle``) and its
  loader are written to ``_static/explorer/``, and only the pages with a placeholder load the loader;
- a page without a widget view no longer loads what MyST-NB adds for saved widget state — the state
  itself, require.js and the 3.6 MB ipywidgets HTML manager (``nb_ipywidgets_js``), and the manager's
  font-path script of site/sphinx_offline.py.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
MOUNT = "data-gdcourse-mount"
FOLDER = "explorer"  # under _static/


def prefer_placeholder(app: Sphinx, config) -> None:
    ours = [(builder, WIDGET_VIEW, 35) for builder in ("html", "dirhtml", "singlehtml")]
    config.nb_mime_priority_overrides = [*config.nb_mime_priority_overrides, *ours]


def write_module(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    from gdcourse.explorer.bundle import MODULE_NAME, module_source, page_loader

    folder = Path(app.outdir) / "_static" / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODULE_NAME).write_text(module_source(), encoding="utf-8")
    (folder / "page.js").write_text(page_loader(), encoding="utf-8")


def _is_widget_script(script, widget_files: set) -> bool:
    filename = str(getattr(script, "filename", script) or "")
    attributes = getattr(script, "attributes", {})
    # Sphinx stores a local script as "_static/<name>"; nb_ipywidgets_js names it "<name>".
    name = filename[len("_static/"):] if filename.startswith("_static/") else filename
    return name in widget_files or name.endswith("widgets-assets.js") or attributes.get("type") == WIDGET_STATE


def adjust_page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    body = context.get("body", "")
    if scripts is None:
        return
    if WIDGET_VIEW not in body:
        widget_files = set(app.config.nb_ipywidgets_js)
        scripts[:] = [s for s in scripts if not _is_widget_script(s, widget_files)]  # in place: the builder's list
    if MOUNT in body:
        app.add_js_file(f"{FOLDER}/page.js", type="module")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", prefer_placeholder)
    app.connect("builder-inited", write_module)
    # after MyST-NB (priority 500) has added a notebook's widget scripts to the page
    app.connect("html-page-context", adjust_page_scripts, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
