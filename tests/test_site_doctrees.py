"""site/sphinx_doctrees.py: every page's doctree belongs to the page, without a copy of the build
environment pickled in it (which made each page of the Korean edition 24 MB)."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

import sphinx_doctrees  # noqa: E402
from browser_support import PAGES  # noqa: E402

BUILD = ROOT / "_build"
#: A page's doctree holds its own text and outputs (a chapter's figures in both languages: 3.5 MB at
#: most); a copy of the environment, every page's data, was 24 MB.
LARGEST_DOCTREE = 8_000_000


def document(name: str, heavy: bytes = b""):
    settings = get_default_settings(Parser)
    settings.env = heavy  # what a side document's settings carry: Sphinx's build environment
    return new_document(name, settings)


def test_nodes_parsed_in_a_side_document_become_the_pages_own():
    page = document("page.md")
    side = document("page.md:3:<translated>", heavy=b"x" * 1_000_000)  # a translated message
    paragraph = nodes.paragraph("", "")
    paragraph.document = side
    text = nodes.Text("모멘텀")
    paragraph += text
    page += paragraph
    page.settings.env = None  # as Sphinx pickles a page
    assert len(pickle.dumps(page)) > 1_000_000
    sphinx_doctrees.adopt_nodes(None, page)
    assert all(node.document is page for node in page.findall())
    assert len(pickle.dumps(page)) < 10_000


@pytest.mark.parametrize("edition", ["en", "ko"])
def test_no_built_doctree_carries_another_document(edition):
    folder = BUILD / (".doctrees" if edition == "en" else "ko/.doctrees")
    found = sorted(folder.glob("book/*.doctree"))
    if not found:
        pytest.skip(f"no {edition} doctrees: run `make site`")
    assert {f"book/{path.stem}" for path in found} >= set(PAGES)
    for path in found:
        assert path.stat().st_size < LARGEST_DOCTREE, (path, path.stat().st_size)
        with open(path, "rb") as file:
            tree = pickle.load(file)
        foreign = [node for node in tree.findall() if node.document is not tree]
        assert not foreign, (path, foreign[:3])
