"""The built site, page by page, as its readers get it: Debian's Chromium driven by Playwright.

Run by `make test` after the build.  Every page of the table of contents is loaded once per window it
is checked in — 1280 px and 390 px wide in light mode, and the chapters also in dark mode — and
everything checked about that load is gathered at once (:func:`report`); the tests below assert on
those reports:

- self-contained: no request to another host, no console error, no failed request, every image loaded;
- maths typeset at build time (SVG with MathML for screen readers, no MathJax, no tab stops);
- axe-core (npm, run in the page): no critical or serious violation;
- figures: vector, text at least 12 CSS px at 1280 px and 9 px at 390 px, readable in dark mode;
- layout: no horizontal scroll at 390 px, display equations and tables fit the column at 1280 px;
- weight: the bytes of a page load, gzip-compressed as a static host serves them, within budget;
  no synchronous script in <head>;
- screenshots of every chapter at 390 and 1280 px, light and dark, in _build/screenshots/.

The menu (touch, click, keyboard at 390, 800 and 1280 px), search, printing a page, the launch and
download links, the student notebooks, the course pack and the PDF edition have tests of their own.

The shared set-up (the site's location, Chromium, one page visit) is in tests/browser_support.py; the
``server`` and ``browser`` fixtures are in tests/conftest.py.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from browser_support import (CHAPTERS, EDITION_CHAPTERS, EDITION_PAGES, EDITIONS, PAGES, ROOT, SCREENSHOTS, SITE, Visit,
                              screenshot_name, unavailable, url)

AXE = ROOT / "site" / "node_modules" / "axe-core" / "axe.min.js"
BUDGET = {"chapter": 1_500_000, "text": 600_000}  # bytes per page load, gzip-compressed
MIN_FIGURE_TEXT_PX = {390: 9.0, 1280: 12.0}
OTHER_PAGES = [page for page in PAGES if page not in CHAPTERS]
# every check of a page's load runs on both editions (English, and Korean under ko/)
EDITION_OTHER_PAGES = [page for page in EDITION_PAGES if page not in EDITION_CHAPTERS]


def built():
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` first")


# ---------------------------------------------------------------- one load per page and window
FIGURES_JS = """(minimum) => {
  const small = [], raster = [], faint = [];
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (e) => {
    for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return rgb(c);
    }
    return [255, 255, 255];
  };
  for (const svg of document.querySelectorAll('figure.gd-figure svg')) {
    const box = svg.viewBox.baseVal, scale = svg.getBoundingClientRect().width / box.width;
    const ink = luminance(rgb(getComputedStyle(svg).color)), paper = luminance(background(svg));
    const contrast = (Math.max(ink, paper) + 0.05) / (Math.min(ink, paper) + 0.05);
    if (contrast < 4.5) faint.push(`${contrast.toFixed(1)}:1`);
    for (const t of svg.querySelectorAll('text')) {
      const size = parseFloat(getComputedStyle(t).fontSize);
      if (size < 6.75) continue;  // sub- and superscripts of maths: 0.7 of the 9-pt minimum
      if (size * scale < minimum - 0.05) small.push(`${t.textContent.slice(0, 20)}: ${(size * scale).toFixed(1)} px`);
    }
  }
  for (const img of document.querySelectorAll('article img')) {
    const r = img.getBoundingClientRect();
    if (r.width > 40 && !img.src.endsWith('.svg') && img.naturalWidth < 2 * r.width) raster.push(img.src);
  }
  return {small, raster, faint, count: document.querySelectorAll('figure.gd-figure').length};
}"""

LAYOUT_JS = """() => {
  const column = document.querySelector('article').clientWidth;
  return {
    scroll_width: document.documentElement.scrollWidth,
    wide_equations: [...document.querySelectorAll('article mjx-container[display]')]
      .filter(m => m.scrollWidth > m.clientWidth + 1)
      .map(m => m.querySelector('mjx-assistive-mml').textContent.slice(0, 50)),
    // an equation wider than the column scrolls in its own box, with a shadow at the edge that has more
    uncued_equations: [...document.querySelectorAll('article mjx-container[display]')]
      .filter(m => m.scrollWidth > m.clientWidth + 1)
      .filter(m => { const s = getComputedStyle(m); return s.overflowX !== 'auto' || !s.backgroundImage.includes('radial-gradient'); })
      .length,
    wide_tables: [...document.querySelectorAll('article table')]
      .filter(t => t.getBoundingClientRect().width > column + 1).length,
  };
}"""

MATHS_JS = """() => {
  const maths = [...document.querySelectorAll('.math')];
  return {
    count: maths.length,
    untypeset: maths.filter(x => !x.querySelector('mjx-container > svg')).map(x => x.textContent.slice(0, 60)),
    errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
    with_mathml: document.querySelectorAll('mjx-container mjx-assistive-mml math').length,
    focusable: document.querySelectorAll('mjx-container[tabindex], mjx-container [tabindex]').length,
    mathjax_loaded: !!window.MathJax,
  };
}"""

HEAD_SCRIPTS_JS = """() => [...document.head.querySelectorAll('script[src]')]
  .filter(s => !s.defer && !s.async && s.type !== 'module').map(s => s.src)"""

AXE_JS = """() => axe.run(document, {resultTypes: ['violations']})"""


def _collect(server, browser, page: str, width: int, scheme: str) -> dict:
    visit = Visit(browser, url(server, page), width=width, height=860, color_scheme=scheme)
    try:
        p = visit.page
        result = {
            "theme": p.evaluate("() => document.documentElement.dataset.theme"),
            "broken_images": p.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"),
            "maths": p.evaluate(MATHS_JS),
            "figures": p.evaluate(FIGURES_JS, MIN_FIGURE_TEXT_PX.get(width, 12.0)),
            "layout": p.evaluate(LAYOUT_JS),
            "head_scripts": p.evaluate(HEAD_SCRIPTS_JS),
            "explorers": visit.count("[data-gdcourse-explorer]"),
            "sliders": visit.count("[data-gdcourse-explorer] input[type=range]"),
        }
        if width == 1280 and scheme == "light":
            result["bytes"] = {r.url: len(gzip.compress(r.body(), 6)) for r in visit.responses if r.status == 200}
            p.add_script_tag(path=str(AXE))
            axe = p.evaluate(AXE_JS)
            result["axe"] = [f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['nodes'][0]['target']}"
                             for v in axe["violations"] if v["impact"] in ("critical", "serious")]
        if page in EDITION_CHAPTERS:
            # the first figure just below the sticky header: what the screenshots are for
            p.evaluate("() => { const f = document.querySelector('figure.gd-figure');"
                       " if (f) window.scrollTo(0, f.getBoundingClientRect().top + window.scrollY - 72); }")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            p.screenshot(path=str(SCREENSHOTS / f"{screenshot_name(page)}-{width}-{scheme}.png"))
        # collected last, so that nothing the checks themselves did is missed
        result.update(external=list(visit.external), console_errors=list(visit.console_errors),
                      failed=list(visit.failed))
        return result
    finally:
        visit.close()


_REPORTS: dict = {}


def report(server, browser, page: str, width: int, scheme: str = "light") -> dict:
    """Everything checked about ``page`` in a window ``width`` px wide, from one load (kept per process)."""
    key = (page, width, scheme)
    if key not in _REPORTS:
        try:
            _REPORTS[key] = _collect(server, browser, page, width, scheme)
        except Exception as error:  # every test of this load fails with the same cause, without a reload
            _REPORTS[key] = error
    if isinstance(_REPORTS[key], Exception):
        raise _REPORTS[key]
    return _REPORTS[key]


class PageChecks:
    """The checks of every page; subclassed once for the chapters and once for the other pages, so that
    pytest-xdist (--dist loadscope) gives each group, with its reports, to one worker."""

    def test_is_self_contained_and_renders(self, page, server, browser):
        r = report(server, browser, page, 1280)
        assert r["external"] == [], f"requests to other hosts: {r['external']}"
        assert r["console_errors"] == [], f"console errors: {r['console_errors']}"
        assert r["failed"] == [], f"failed requests: {r['failed']}"
        assert r["broken_images"] == [], f"images that did not load: {r['broken_images']}"

    def test_maths_is_typeset_with_mathml_and_never_a_tab_stop(self, page, server, browser):
        maths = report(server, browser, page, 1280)["maths"]
        assert maths["untypeset"] == [], f"maths left as raw TeX: {maths['untypeset']}"
        assert maths["errors"] == 0, "MathJax reported an error"
        assert maths["with_mathml"] >= maths["count"], "every expression has MathML for screen readers"
        assert maths["focusable"] == 0, "maths is a tab stop"
        assert not maths["mathjax_loaded"], "MathJax is loaded although the maths is typeset already"

    def test_axe_finds_no_critical_or_serious_violation(self, page, server, browser):
        assert report(server, browser, page, 1280)["axe"] == []

    def test_no_horizontal_scroll_at_390_px_and_wide_equations_scroll_in_their_box(self, page, server, browser):
        layout = report(server, browser, page, 390)["layout"]
        assert layout["scroll_width"] <= 390, f"the page is {layout['scroll_width']} px wide at 390 px"
        assert layout["uncued_equations"] == 0, "equations wider than a phone that do not scroll in their box"

    def test_equations_and_tables_fit_the_column_at_1280_px(self, page, server, browser):
        layout = report(server, browser, page, 1280)["layout"]
        assert layout["wide_equations"] == [], f"display equations wider than the column: {layout['wide_equations']}"
        assert layout["wide_tables"] == 0, f"{layout['wide_tables']} tables wider than the column"

    def test_a_page_load_stays_within_its_byte_budget(self, page, server, browser):
        r = report(server, browser, page, 1280)
        assert r["head_scripts"] == [], f"synchronous scripts in <head>: {r['head_scripts']}"
        kind = "chapter" if page in EDITION_CHAPTERS else "text"
        sizes = r["bytes"]
        total = sum(sizes.values())
        biggest = sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
        assert total <= BUDGET[kind], f"{total} bytes (gzip) > {BUDGET[kind]}; largest: {biggest}"


@pytest.mark.parametrize("page", EDITION_CHAPTERS)
class TestChapterPages(PageChecks):
    def test_the_explorer_is_in_the_page(self, page, server, browser):
        r = report(server, browser, page, 1280)
        # what the explorers do is tested in tests/test_site_explorers.py
        assert r["explorers"] >= 1 and r["sliders"] >= 2, "the explorer and its sliders are in the page"

    @pytest.mark.parametrize("width", [390, 1280])
    def test_figures_are_vector_and_their_text_is_readable(self, page, width, server, browser):
        figures = report(server, browser, page, width)["figures"]
        assert figures["count"] >= 2
        assert figures["small"] == [], figures["small"][:10]
        assert figures["raster"] == [], "raster images shown at more than half their resolution"

    @pytest.mark.parametrize("width", [390, 1280])
    def test_dark_mode_follows_the_system_and_figures_stay_readable(self, page, width, server, browser):
        for scheme in ("light", "dark"):
            r = report(server, browser, page, width, scheme)  # also saves the screenshot
            assert r["theme"] == scheme, "the page does not follow the reader's system setting"
            assert r["figures"]["faint"] == [], f"figure text with too little contrast in {scheme} mode"
            assert r["figures"]["small"] == []
            assert r["console_errors"] == []
        assert (SCREENSHOTS / f"{screenshot_name(page)}-{width}-dark.png").stat().st_size > 10_000


@pytest.mark.parametrize("page", EDITION_OTHER_PAGES)
class TestOtherPages(PageChecks):
    pass


# ---------------------------------------------------------------- navigation
def open_dialog(page, selector):
    page.wait_for_function(f"() => document.querySelector('{selector}').open", timeout=5000)


def closed_dialog(page, selector):
    page.wait_for_function(f"() => !document.querySelector('{selector}').open", timeout=5000)


MENU = "#pst-primary-sidebar-modal"
CONTENTS = "#pst-secondary-sidebar-modal"


def menu_targets(page) -> set[str]:
    hrefs = page.locator(f"{MENU} nav a.reference.internal").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return {h.split("#")[0] for h in hrefs}


def title_of(page_name: str) -> str:
    return re.search(r"<h1>(.*?)<", (SITE / f"{page_name}.html").read_text(encoding="utf-8")).group(1).strip()


class TestNavigation:
    def test_on_a_phone_the_menu_opens_by_touch_and_reaches_every_page(self, server, browser):
        """From each page of the book, tap the menu and tap the next page: every page is reached."""
        visit = Visit(browser, url(server, PAGES[0]), width=390, height=860, has_touch=True, is_mobile=True,
                      wait_until="domcontentloaded")
        try:
            p = visit.page
            for here, there in zip(PAGES, PAGES[1:]):
                toggle = p.locator(".bd-header-article .primary-toggle")
                assert toggle.is_visible(), f"{here}: no menu button"
                toggle.tap()
                open_dialog(p, MENU)
                if here == PAGES[0]:
                    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                    p.screenshot(path=str(SCREENSHOTS / "menu-390.png"))
                    missing = [t for t in PAGES[1:] if f"{Path(t).name}.html" not in menu_targets(p)]
                    assert missing == [], f"not in the menu: {missing}"
                p.locator(f"{MENU} nav a.reference.internal", has_text=title_of(there)).first.tap()
                p.wait_for_url(f"**/{Path(there).name}.html", wait_until="domcontentloaded")
            assert visit.console_errors == []
        finally:
            visit.close()

    @pytest.mark.parametrize("width", [390, 800])
    def test_the_menu_and_the_page_contents_open_by_click_and_keyboard(self, width, server, browser):
        visit = Visit(browser, url(server, "book/02_momentum"), width=width, height=860, wait_until="domcontentloaded")
        try:
            p = visit.page
            toggle = p.locator(".bd-header-article .primary-toggle")
            toggle.click()
            open_dialog(p, MENU)
            p.keyboard.press("Escape")
            closed_dialog(p, MENU)
            for key in ("Enter", "Space"):
                toggle.focus()
                p.keyboard.press(key)
                open_dialog(p, MENU)
                p.keyboard.press("Escape")
                closed_dialog(p, MENU)
            contents = p.locator(".bd-header-article .secondary-toggle")
            contents.click()
            open_dialog(p, CONTENTS)
            assert p.locator(f"{CONTENTS} nav a").count() >= 5, "the page contents list the sections"
            p.keyboard.press("Escape")
            closed_dialog(p, CONTENTS)
            if width == 800:
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                toggle.click()
                open_dialog(p, MENU)
                p.screenshot(path=str(SCREENSHOTS / "menu-800.png"))
            assert visit.console_errors == []
        finally:
            visit.close()

    def test_on_a_wide_screen_the_menu_button_collapses_and_restores_the_sidebar(self, server, browser):
        visit = Visit(browser, url(server, "book/02_momentum"), width=1280, height=860, wait_until="domcontentloaded")
        try:
            p = visit.page
            assert p.locator("#pst-primary-sidebar").is_visible()
            hidden = "document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')"
            p.locator(".bd-header-article .primary-toggle").click()
            p.wait_for_function(f"() => {hidden}")
            p.locator(".bd-header-article .primary-toggle").click()
            p.wait_for_function(f"() => !{hidden}")
            assert not p.evaluate(f"() => document.querySelector('{MENU}').open")
        finally:
            visit.close()

    def test_focus_is_visible(self, server, browser):
        visit = Visit(browser, url(server, "book/02_momentum"), width=1280, height=860, wait_until="domcontentloaded")
        try:
            p = visit.page
            rings = []
            for _ in range(6):
                p.keyboard.press("Tab")
                rings.append(p.evaluate("() => { const e = document.activeElement, s = getComputedStyle(e);"
                                        " return [e.tagName + '.' + e.className, s.outlineStyle, parseFloat(s.outlineWidth)]; }"))
            missing = [r for r in rings if r[1] == "none" or r[2] < 2]
            assert missing == [], f"no visible focus ring: {missing}"
        finally:
            visit.close()


# ---------------------------------------------------------------- static checks of the pages
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


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_internal_links_and_anchors_resolve(page):
    built()
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


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_one_h1_unique_ids_and_no_test_machinery(page):
    built()
    text = (SITE / f"{page}.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<h1[\s>]", text)) == 1, "one <h1> per page"
    ids = re.findall(r'\sid="([^"]+)"', text)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == [], f"ids used more than once: {duplicates[:10]}"
    assert "nbval" not in text.lower().replace("nbval-check-output", ""), "test machinery on the page"
    assert "checked cell" not in text.lower()
    assert "text/x-thebe-config" not in text and "sphinx-thebe" not in text, "a dead thebe configuration"
    assert "fontawesome.js" not in text


def test_icon_fonts_hold_the_icons_the_style_sheets_draw_and_no_others():
    built()
    import importlib.util

    from fontTools.ttLib import TTFont

    spec = importlib.util.spec_from_file_location("sphinx_reader", ROOT / "site" / "sphinx_reader.py")
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    used = reader.icons_named_by_style_sheets(SITE / "_static")
    assert 0xF303 in used and 0xF05A in used  # the exercise's pencil, the note's "i"
    fonts = sorted((SITE / "_static" / reader.FA_FONTS).glob("*.woff2"))
    assert len(fonts) == 3
    drawn = set()
    for font in fonts:
        assert font.stat().st_size < 8_000, f"{font.name}: {font.stat().st_size} bytes, not a subset"
        drawn |= set(TTFont(font).getBestCmap())
    assert used <= drawn, f"icons the style sheets draw that no font has: {sorted(map(hex, used - drawn))}"
    assert drawn <= used | {0x20}


def test_no_nbval_marker_anywhere_on_the_site():
    built()
    offenders = [str(p.relative_to(SITE)) for p in SITE.rglob("*") if p.suffix in (".html", ".js", ".txt", ".ipynb")
                 and "NBVAL" in p.read_text(encoding="utf-8", errors="ignore")]
    assert offenders == []


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_every_figure_and_image_says_what_it_shows(page):
    built()
    text = (SITE / f"{page}.html").read_text(encoding="utf-8")
    assert "gd-figure-missing-alt" not in text
    for tag in re.findall(r"<img\b[^>]*>", text):
        alt = re.search(r'\salt="([^"]*)"', tag)
        assert alt and alt.group(1).strip() and not re.search(r"\.(png|svg|jpe?g|gif)$", alt.group(1)), tag[:200]
    for figure in re.findall(r'<figure class="gd-figure"[^>]*>', text):
        label = re.search(r'aria-label="([^"]*)"', figure)
        assert 'role="img"' in figure and label and len(label.group(1)) >= 15, figure[:200]


def test_execution_status_page_lists_every_chapter_and_is_not_in_the_readers_menu():
    built()
    html = (SITE / "book" / "exec_status.html").read_text(encoding="utf-8")
    table = html[html.index("<table") : html.index("</table>")]
    rows = table.split("<tr")[1:]
    for page in CHAPTERS:
        row = [r for r in rows if f'href="{Path(page).name}.html"' in r]
        assert row, f"{page} is not in the execution table"
        assert "✅" in row[0], f"{page} did not execute successfully"
    menu = (SITE / "book" / "intro.html").read_text(encoding="utf-8")
    assert "exec_status.html" not in menu[menu.index('id="pst-primary-sidebar"'):]


# ---------------------------------------------------------------- search and citations
def test_search_works_offline_and_its_snippets_carry_no_raw_tex(server, browser):
    visit = Visit(browser, urljoin(server, "search.html?q=momentum"))
    try:
        visit.page.wait_for_selector("#search-results ul.search li p.context", timeout=20000)
        assert visit.count("#search-results ul.search li") >= 3
        snippets = visit.page.eval_on_selector_all("#search-results li p.context", "ps => ps.map(p => p.textContent)")
        assert snippets and not any(re.search(r"\\[a-zA-Z(\[]|\$", s) for s in snippets), snippets[:3]
        assert visit.external == [] and visit.console_errors == [] and visit.failed == []
    finally:
        visit.close()


def test_citations_and_the_bibliography_carry_no_raw_tex():
    built()
    for page in EDITION_PAGES:
        html = (SITE / f"{page}.html").read_text(encoding="utf-8")
        for title in re.findall(r'class="reference internal" href="references\.html[^"]*" title="([^"]*)"', html):
            assert "$" not in title and "\\" not in title, title
    references = (SITE / "book" / "references.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation"[^>]*>(.*?)</div>', references, re.DOTALL)
    assert len(entries) >= 10
    for entry in entries:
        text = re.sub(r"<mjx-container.*?</mjx-container>", "", entry, flags=re.DOTALL)
        assert "$" not in text, text[:200]
    assert "1D442" in references  # the O of O(1/k²) in Nesterov (1983), typeset


# ---------------------------------------------------------------- printing a page
def test_printing_a_page_cuts_no_code_and_shows_the_solutions(server, browser):
    visit = Visit(browser, url(server, "book/02_momentum"), width=794, height=1123, wait_until="load")  # A4
    try:
        p = visit.page
        p.emulate_media(media="print")
        cut = p.evaluate("""() => [...document.querySelectorAll('article pre')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && e.getClientRects().length).length""")
        assert cut == 0, f"{cut} code blocks cut at the right edge"
        assert p.evaluate("() => document.documentElement.scrollWidth") <= 794
        hidden = p.evaluate("""() => [...document.querySelectorAll('div.solution')]
            .filter(s => [...s.children].slice(1).every(c => c.getBoundingClientRect().height < 1)).length""")
        assert p.locator("div.solution").count() >= 3 and hidden == 0, f"{hidden} solutions left collapsed"
        assert p.locator("article h1").first.is_visible(), "the page's title is printed"
        assert p.locator(".bd-sidebar-primary, .bd-header-article").first.is_hidden()
    finally:
        visit.close()


# ---------------------------------------------------------------- launch, downloads, PDF
def test_launch_buttons_and_repository_link_are_present_and_well_formed():
    built()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/")
    owner_repo = urlsplit(repo).path.strip("/")
    branch = config["repository"]["branch"]
    for page in CHAPTERS:
        html = (SITE / f"{page}.html").read_text(encoding="utf-8")
        notebook = f"{page}.ipynb"
        assert f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{notebook}" in html, page
        assert f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=tree/{notebook}" in html, page
        assert f'href="{repo}"' in html, f"{page}: no repository link"


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_student_downloads_have_no_solutions_and_the_course_pack_has_every_notebook(edition):
    built()
    root = SITE / EDITIONS[edition]
    assert not list((root / "_sources").rglob("*.ipynb")), "the source notebooks (with solutions) are on the site"
    for chapter in CHAPTERS:
        page = EDITIONS[edition] + chapter
        html = (SITE / f"{page}.html").read_text(encoding="utf-8")
        link = re.search(r'href="([^"]*_downloads/students/[^"]+\.ipynb)"', html)
        assert link, f"{page}: no student notebook download"
        source = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        notebook = json.loads((SITE / page).parent.joinpath(link.group(1)).resolve().read_text(encoding="utf-8"))
        assert notebook["metadata"].get("gdcourse", {}).get("language", "en") == edition
        solutions = [c for c in source["cells"] if "solution" in c["metadata"].get("tags", [])]
        assert not any("solution" in c["metadata"].get("tags", []) and c["cell_type"] == "markdown" for c in notebook["cells"])
        assert not any("{solution" in "".join(c["source"]) for c in notebook["cells"])
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert len(code) == sum(c["cell_type"] == "code" for c in source["cells"]), "solution code is stubbed, not removed"
        for cell in solutions:
            if cell["cell_type"] == "code":
                assert not any("".join(cell["source"]) == "".join(c["source"]) for c in notebook["cells"])
        assert re.search(r'href="[^"]*_downloads/gdcourse-course-pack\.zip"', html)
        pdf = re.search(r'href="([^"]*gdcourse\.pdf)"', html)
        assert pdf and (SITE / page).parent.joinpath(pdf.group(1)).resolve() == (SITE / "gdcourse.pdf").resolve(), page
    with zipfile.ZipFile(root / "_downloads" / "gdcourse-course-pack.zip") as pack:
        names = set(pack.namelist())
        for page in CHAPTERS:
            name = f"gdcourse-course-pack/{Path(page).name}.ipynb"
            assert name in names
            assert "{solution-start}" not in pack.read(name).decode()
    assert "gdcourse-course-pack/data/digits.csv.gz" in names and "gdcourse-course-pack/README.txt" in names


@pytest.mark.parametrize("page", EDITION_OTHER_PAGES)
def test_every_page_links_the_pdf_edition(page):
    built()
    html = (SITE / f"{page}.html").read_text(encoding="utf-8")
    link = re.search(r'href="([^"]*gdcourse\.pdf)"', html)
    assert link and (SITE / page).parent.joinpath(link.group(1)).resolve() == SITE / "gdcourse.pdf"
    assert "window.print()" not in html, "the PDF button prints the page instead of opening the book"


def test_binder_configuration_installs_the_package():
    assert "numpy==" in (ROOT / "binder" / "requirements.txt").read_text()
    post_build = ROOT / "binder" / "postBuild"
    assert "pip install" in post_build.read_text() and post_build.stat().st_mode & 0o111


def test_the_pdf_edition_has_every_chapter_figures_typeset_maths_and_the_solutions():
    built()
    pdf = SITE / "gdcourse.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    for page in CHAPTERS + OTHER_PAGES[1:]:
        title = title_of(page)
        starts = [i for i, t in enumerate(pages) if " ".join(t.split()).startswith(title)]
        assert starts, f"no page of the PDF starts with the chapter {title!r}"
    appendix = [i for i, t in enumerate(pages) if t.lstrip().startswith("Appendix: solutions to the exercises")]
    assert appendix, "no appendix of solutions"
    solutions = sum((SITE / f"{page}.html").read_text(encoding="utf-8").count('<div class="solution') for page in PAGES)
    in_appendix = "\f".join(pages[appendix[0]:])
    assert in_appendix.count("Solution to Exercise") == solutions, "every solution is in the appendix"
    assert "\f".join(pages[: appendix[0]]).count("in the appendix at the end of the book") == solutions
    for tex in ("\\(", "\\)", "\\[", "\\]", ":math:`", "\\begin", "\\frac", "\\eta", "\\mathbf"):
        assert tex not in text, f"TeX source {tex!r} in the PDF"
    assert not re.search(r"\$[^$\s][^$\n]{0,60}\$", text), "TeX between dollar signs in the PDF"
    assert text.count("\U0001d702") > 300, "the typeset maths (η as MathML sets it) is not in the PDF's text"
    assert text.count("(dimensionless)") > 30, "the figures (their axis labels are text) are not in the PDF"
