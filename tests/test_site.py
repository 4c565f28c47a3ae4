"""The built site, page by page, in a real browser (Debian's Chromium driven by Playwright).

Run by `make test` after `jupyter-book build`.  For every page of the table of contents: no request to a
host other than the loopback server, no console error, no failed request, every image loaded, maths
typeset without error, every internal link and anchor resolves, and on chapter pages the explorer's
sliders exist.  A screenshot of each chapter page goes to _build/screenshots/.

Chromium comes from Debian (`apt-get install chromium`, which .ci/run does); no browser is downloaded.
Without it the tests are skipped — except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the site test must run)", pytrace=False)
    pytest.skip(reason)


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("chapters", []) + entry.get("sections", []))

    return [toc["root"], *walk(toc.get("parts", []) + toc.get("chapters", []))]


PAGES = _toc_pages()
CHAPTERS = [page for page in PAGES if re.match(r"book/\d\d_", page)]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        _unavailable(f"{SITE} has no built site: run `make site` (or `make test`) first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable("Chromium is not installed: `sudo apt-get install chromium` (Debian) to run the site tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: `pip install -r requirements.txt`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Visit:
    """One page load with everything that went wrong on the way."""

    def __init__(self, browser, url: str):
        self.external, self.console_errors, self.failed = [], [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))

        def route(request_route):
            request_url = request_route.request.url
            if request_url.startswith(origin) or request_url.startswith(("data:", "blob:")):
                request_route.continue_()
            else:
                self.external.append(request_url)
                request_route.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        self.page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
        self.page.goto(url, wait_until="networkidle")
        # MathJax typesets after load; wait for it to finish (pages without maths have no MathJax).
        self.page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        self.page.wait_for_load_state("networkidle")

    def count(self, selector: str) -> int:
        return self.page.eval_on_selector_all(selector, "elements => elements.length")

    def close(self):
        self.context.close()


def _url(server: str, page: str) -> str:
    return urljoin(server, f"{page}.html")


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
    visit = Visit(browser, _url(server, page))
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
            assert visit.count(".widget-slider") >= 2, "the explorer's sliders are in the page"
            assert visit.count(".jupyter-widgets img, .widget-image") >= 1, "the explorer's figure is in the page"
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
        _unavailable(f"{SITE} has no built site: run `make site` first")
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
        _unavailable(f"{SITE} has no built site: run `make site` first")
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
        _unavailable(f"{SITE} has no built site: run `make site` first")
    html = (SITE / "book" / "exec_status.html").read_text(encoding="utf-8")
    table = html[html.index("<table") : html.index("</table>")]
    rows = table.split("<tr")[1:]
    for page in CHAPTERS:
        row = [r for r in rows if f'href="{Path(page).name}.html"' in r]
        assert row, f"{page} is not in the execution table"
        assert "✅" in row[0], f"{page} did not execute successfully"
