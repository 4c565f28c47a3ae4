"""The Korean edition of the built site (_build/html/ko/), in Chromium: language, switch, glyphs, search.

Every check of tests/test_site.py and tests/test_site_explorers.py also runs on the Korean pages
(browser_support.EDITION_PAGES); this file checks what only a second edition has:

- ``<html lang>`` is right in each edition, and every page links the same page in the other edition, in
  its header (``hreflang``, ``lang``) and in ``<link rel="alternate">``; the link works by click and
  keyboard, at 390 px too;
- Korean text is drawn with a font that has Hangul — prose, headings, figure text, the explorer's labels,
  the switch's 한국어 on English pages — asked of Chromium itself (DevTools' CSS.getPlatformFontsForNode);
- no English word of the themes is left on a Korean page;
- Korean search finds the chapters for 모멘텀, 학습률, 편향 보정, and 모멘텀을 finds what 모멘텀 finds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from browser_support import EDITION_PAGES, EDITIONS, PAGES, ROOT, SCREENSHOTS, SITE, Visit, edition_of, english_page, unavailable, url

sys.path.insert(0, str(ROOT / "site"))
from sphinx_language import NAMES, THEME_WORDS  # noqa: E402

KOREAN = [page for page in EDITION_PAGES if edition_of(page) == "ko"]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def built():
    if not (SITE / "ko" / "index.html").exists():
        unavailable(f"{SITE}/ko has no built Korean edition: run `make site` first")


def html_of(page: str) -> str:
    return (SITE / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", EDITION_PAGES)
def test_html_lang_and_the_link_to_the_same_page_in_the_other_edition(page):
    built()
    text = html_of(page)
    language = edition_of(page)
    assert re.search(rf'<html lang="{language}"', text)
    switches = re.findall(r'<a class="btn btn-sm gd-language-switch" href="([^"]+)" hreflang="(\w+)" lang="(\w+)"[^>]*>', text)
    others = [name for name in EDITIONS if name != language]
    assert [(h, l) for _, h, l in switches] == [(o, o) for o in others], switches
    header = text[text.index('<div class="article-header-buttons">'):]
    assert header.index("gd-language-switch") < header.index("dropdown"), "the switch is the header's first button"
    for (href, other, _) in switches:
        target = ((SITE / page).parent / unquote(href)).resolve()
        assert target == (SITE / f"{EDITIONS[other]}{english_page(page)}.html").resolve() and target.exists(), href
        assert f'<span class="gd-language-name">{NAMES[other]}</span>' in text
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">', text))
    assert set(alternates) == set(EDITIONS)
    for name, href in alternates.items():
        assert ((SITE / page).parent / href).resolve() == (SITE / f"{EDITIONS[name]}{english_page(page)}.html").resolve()


@pytest.mark.parametrize("page", KOREAN)
def test_no_english_word_of_the_themes_is_left(page):
    built()
    text = html_of(page)
    left = [w for w in THEME_WORDS["ko"] if re.search(rf'(?:title|data-bs-title|aria-label|placeholder|alt)="{re.escape(w)}"|>\s*{re.escape(w)}\s*<', text)]
    assert left == []
    assert re.search(r"<title>[^<]*경사 하강법: 모멘텀에서 Adam까지</title>", text), "the Korean edition's title"


def platform_fonts(visit: Visit, selector: str) -> list[str]:
    """The fonts Chromium drew the first element matching ``selector`` with (DevTools protocol)."""
    session = visit.context.new_cdp_session(visit.page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"nothing matches {selector}"
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return [f["familyName"] for f in fonts if f["glyphCount"] > 0]


@pytest.mark.parametrize("page, selectors", [
    ("ko/book/04_rmsprop", ["article section h2", "article section p", "figure.gd-figure svg text", ".gdx label", ".gd-language-switch"]),
    ("ko/book/glossary", ["article h1", "table.gd-glossary tbody td strong"]),
    ("book/04_rmsprop", [".gd-language-switch .gd-language-name"]),
])
def test_korean_text_is_drawn_with_a_font_that_has_hangul(page, selectors, server, browser):
    built()
    visit = Visit(browser, url(server, page))
    try:
        visit.page.wait_for_function("() => [...document.querySelectorAll('[data-gdcourse-mount]')].every(e => e.dataset.gdcourseMounted)")
        for i, selector in enumerate(selectors):
            if selector == ".gd-language-switch" and page.startswith("ko/"):
                continue  # on Korean pages the switch says "English"
            # the first element of the kind whose own text is Korean
            found = visit.page.evaluate("""([selector, i]) => {
                const e = [...document.querySelectorAll(selector)].find((x) => /[\\uac00-\\ud7a3]/.test(x.textContent));
                if (e) e.dataset.gdCheck = i; return !!e; }""", [selector, i])
            assert found, f"{page}: no {selector} with Korean text"
            fonts = platform_fonts(visit, f'[data-gd-check="{i}"]')
            assert any("CJK" in f or "Noto Sans KR" in f or "Nanum" in f for f in fonts), f"{page} {selector}: drawn with {fonts}"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visit.page.screenshot(path=str(SCREENSHOTS / f"glyphs-{page.replace('/', '-')}.png"))
        assert visit.console_errors == [] and visit.external == []
    finally:
        visit.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_switch_works_by_click_and_by_keyboard(width, server, browser):
    built()
    visit = Visit(browser, url(server, "ko/book/04_rmsprop"), width=width)
    try:
        page = visit.page
        switch = page.locator(".bd-header-article .gd-language-switch")
        assert switch.is_visible(), "the language switch is not in sight"
        box = switch.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        switch.click()
        page.wait_for_url("**/book/04_rmsprop.html")
        assert "/ko/" not in page.url and page.evaluate("() => document.documentElement.lang") == "en"
        # back to Korean with the keyboard alone
        page.locator(".bd-header-article .gd-language-switch").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**/ko/book/04_rmsprop.html")
        assert page.evaluate("() => document.documentElement.lang") == "ko"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"switch-ko-{width}.png"))
        assert visit.console_errors == []
    finally:
        visit.close()


def search(server, browser, query: str) -> list[str]:
    visit = Visit(browser, urljoin(server, f"ko/search.html?q={query}"))
    try:
        visit.page.wait_for_selector("#search-results ul.search li", timeout=15000)
        hrefs = visit.page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))")
        assert visit.console_errors == [] and visit.external == []
    finally:
        visit.close()
    return sorted({urlsplit(h).path.removesuffix(".html") for h in hrefs})


@pytest.mark.parametrize("query, chapters", [
    ("모멘텀", ["book/02_momentum"]),
    ("학습률", ["book/01_gradient_descent", "book/04_rmsprop"]),
    ("편향 보정", ["book/05_adam", "book/04_rmsprop"]),
    ("모멘텀을", ["book/02_momentum"]),
])
def test_korean_search_finds_the_chapters(query, chapters, server, browser):
    built()
    found = search(server, browser, query)
    assert set(chapters) <= set(found), found
    assert "book/glossary" in found  # every term is in the glossary


def test_a_particle_changes_nothing_in_what_is_found(server, browser):
    built()
    assert search(server, browser, "모멘텀을") == search(server, browser, "모멘텀") == search(server, browser, "모멘텀의")


def _h1(text: str) -> str:
    heading = re.search(r"<h1>(.*?)</h1>", text, re.DOTALL).group(1)
    return " ".join(re.sub(r"<[^>]+>|¶|#", "", heading).split())


@pytest.mark.parametrize("page", PAGES)
def test_the_title_and_the_menu_are_in_korean(page):
    """Each Korean page's <h1>, and its entry in every page's menu, is the catalogue's translation of the
    English title (a translated title that starts with "1. " would become a list and stay English)."""
    built()
    sys.path.insert(0, str(ROOT / "site"))
    from catalogues import read

    english = _h1(html_of(page))
    catalogue = read(ROOT / "locale" / "ko" / "LC_MESSAGES" / f"{page}.po")
    translation = catalogue.get(english).string.replace("\\.", ".")
    assert _h1(html_of(f"ko/{page}")) == translation
    if page == PAGES[0]:
        return  # the root page is the menu's logo link, not an entry
    menu = html_of("ko/book/intro")
    assert f">{translation}</a>" in " ".join(re.sub(r"<(?!/?a\b)[^>]+>", "", menu).split()).replace("> ", ">").replace(" <", "<")
