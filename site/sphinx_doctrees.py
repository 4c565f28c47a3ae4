"""A Sphinx extension that keeps every page's doctree about the size of the page.

Sphinx pickles each page's doctree after reading it and unpickles it again for every later use
(figure numbering, writing the page, the single-page edition).  Before pickling it drops the page's
link to the build environment (``doctree.settings.env``), which holds every page's data.  But text
parsed on the side — each translated message (Sphinx's ``Locale`` transform publishes every msgstr as
a small document of its own) and each ``{eval-rst}`` block (the API page's autodoc) — leaves nodes
whose ``document`` is that side document, and *its* settings still hold the environment.  So each
such page pickled a whole copy of the environment with it: 24 MB per page of the Korean edition
(3 MB for a chapter's own content), and unpickling them took a fifth of that build's time.

Here, once a page is read (``doctree-read``), every node belongs to the page's own document.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def adopt_nodes(app: Sphinx, doctree: nodes.document) -> None:
    """Make ``doctree`` the document of each of its nodes (some were parsed in a side document)."""
    for node in doctree.findall():
        if node.document is not doctree:
            node.document = doctree


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", adopt_nodes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
