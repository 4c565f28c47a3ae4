"""The built site, page by page, in a real browser (Debian's Chromium driven by Playwright).

Run by `make test` after `jupyter-book build`.  For every page of the table of contents: no request to a
host other than the loopback server, no console error, no failed request, every image loaded, maths
typeset without error, every internal link and anchor resolves, and on chapter pages the explorer's
sliders exist (tests/test_site_explorers.py tests the explorers).  A screenshot of each chapter page goes to _build/screenshots/.

The shared set-up (the site's location, Chromium, one page visit) is in tests/browser_support.py; the
``server`` and ``browser`` fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from browser_support import CHAPTERS, PAGES, ROOT, SCREENSHOTS, SITE, Visit, unavailable, url


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def check_page(page, server, browser):
    visit = Visit(browser, url(server, page))
    try:
        assert visit.external == [], f"requests to other hosts: {visit.external}"
        assert visit.console_errors == [], f"console errors: {visit.console_errors}"
        assert visit.failed == [], f"failed requests: {visit.failed}"
        broken = visit.page.eval_on_selector_all("img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert broken == [], f"images that did not load: {broken}"
        maths = visit.count(".math")
        if maths:
            assert visit.count("mjx-container") >= maths, "every maths element is typeset"
            untypeset = visit.page.eval_on_selector_all(".math", "m => m.filter(x => !x.querySelector('mjx-container')).map(x => x.textContent.slice(0, 60))")
            assert untypeset == [], f"maths left as raw TeX: {untypeset}"
            assert visit.count("mjx-merror, [data-mjx-error]") == 0, "MathJax reported an error"
        if page in CHAPTERS:
            # the explorers themselves are tested in tests/test_site_explorers.py
            assert visit.count("[data-gdcourse-explorer] input[type=range]") >= 2, "the explorer's sliders are in the page"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            visit.page.screenshot(path=str(SCREENSHOTS / f"{Path(page).name}.png"), full_page=True)
    finally:
        visit.close()


# Two classes, so that pytest-xdist (--dist loadscope) can give the chapter pages, which are slow to load,
# typeset and photograph, and the other pages to different workers.
class TestChapterPages:
    @pytest.mark.parametrize("page", CHAPTERS)
    def test_page_is_self_contained_and_renders(self, page, server, browser):
        check_page(page, server, browser)


class TestOtherPages:
    @pytest.mark.parametrize("page", [p for p in PAGES if p not in CHAPTERS])
    def test_page_is_self_contained_and_renders(self, page, server, browser):
        check_page(page, server, browser)


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_and_anchors_resolve(page):
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` first")
    source = SITE / f"{page}.html"
    problems = []
    for href in _parse(source).links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
            continue  # external: checked only for being well formed, never fetched
        target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if target.is_dir():
            target = target / "index.html"
        if not target.exists():
            problems.append(f"{href}: no such file")
            continue
        if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
            problems.append(f"{href}: no anchor #{parts.fragment}")
    assert problems == [], problems


def test_search_works_offline(server, browser):
    visit = Visit(browser, urljoin(server, "search.html?q=momentum"))
    try:
        visit.page.wait_for_selector("#search-results ul.search li", timeout=15000)
        assert visit.count("#search-results ul.search li") >= 3
        assert visit.external == [] and visit.console_errors == [] and visit.failed == []
    finally:
        visit.close()


def test_launch_buttons_and_repository_link_are_present_and_well_formed():
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` first")
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/")
    owner_repo = urlsplit(repo).path.strip("/")
    branch = config["repository"]["branch"]
    for page in CHAPTERS:
        html = (SITE / f"{page}.html").read_text(encoding="utf-8")
        notebook = f"{page}.ipynb"
        assert f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{notebook}" in html, page
        assert f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=tree/{notebook}" in html, page
        download = re.search(r'href="([^"]*_sources/[^"]*\.ipynb)"', html)
        assert download, f"{page}: no download button for the .ipynb"
        assert (SITE / page).parent.joinpath(download.group(1)).resolve().exists()
        assert f'href="{repo}"' in html, f"{page}: no repository link"


def test_execution_status_page_lists_every_chapter():
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` first")
    html = (SITE / "book" / "exec_status.html").read_text(encoding="utf-8")
    table = html[html.index("<table") : html.index("</table>")]
    rows = table.split("<tr")[1:]
    for page in CHAPTERS:
        row = [r for r in rows if f'href="{Path(page).name}.html"' in r]
        assert row, f"{page} is not in the execution table"
        assert "✅" in row[0], f"{page} did not execute successfully"
