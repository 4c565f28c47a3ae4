"""The single-page edition of the book, which site/print_pdf.py prints to the PDF.

- Jupyter Book's ``singlehtml`` builder fails on MyST-NB's ``HideCodeCellNode`` ("unknown node type"):
  Sphinx looks a node's HTML visitors up by builder name before format, and sphinx-exercise registers
  visitors under the name ``singlehtml``, so MyST-NB's visitors, registered for ``html``, are no longer
  found.  The ``html`` visitors are copied to ``singlehtml`` for every node that has none there.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def share_html_visitors(app: Sphinx) -> None:
    handlers = app.registry.translation_handlers
    if app.builder.name != "singlehtml" or "singlehtml" not in handlers:
        return
    for node, visitors in handlers.get("html", {}).items():
        handlers["singlehtml"].setdefault(node, visitors)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", share_html_visitors)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
