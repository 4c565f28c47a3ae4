"""What the browser tests share: where the built site is, how Chromium is started, one page visit.

The fixtures ``server`` (the built site on a loopback HTTP server) and ``browser`` (Debian's Chromium,
driven by Playwright) are in tests/conftest.py.  Chromium comes from Debian (`apt-get install chromium`,
which .ci/run does); no browser is downloaded.  Without it the browser tests are skipped — except under
CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

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


def unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the site test must run)", pytrace=False)
    pytest.skip(reason)


#: Where each edition of the book is, under the site's root (site/sphinx_language.py).
EDITIONS = {"en": "", "ko": "ko/"}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("chapters", []) + entry.get("sections", []))

    return [toc["root"], *walk(toc.get("parts", []) + toc.get("chapters", []))]


def edition_of(page: str) -> str:
    """The language of a page of PAGES ("ko/book/04_rmsprop" is Korean)."""
    return next((language for language, prefix in EDITIONS.items() if prefix and page.startswith(prefix)), "en")


def english_page(page: str) -> str:
    """The page in the English edition ("ko/book/04_rmsprop" → "book/04_rmsprop")."""
    return page[len(EDITIONS[edition_of(page)]):]


def screenshot_name(page: str) -> str:
    """A file name for a page's screenshots, different in each edition ("04_rmsprop", "ko-04_rmsprop")."""
    prefix = EDITIONS[edition_of(page)].replace("/", "-")
    return prefix + Path(page).name


PAGES = toc_pages()
CHAPTERS = [page for page in PAGES if re.match(r"book/\d\d_", page)]
#: Every page and every chapter in every edition ("book/04_rmsprop", "ko/book/04_rmsprop"): the checks of
#: how a page renders run on these; what is the same in both editions (launch links, downloads) on PAGES.
EDITION_PAGES = [prefix + page for prefix in EDITIONS.values() for page in PAGES]
EDITION_CHAPTERS = [prefix + page for prefix in EDITIONS.values() for page in CHAPTERS]


class Visit:
    """One page load with everything that went wrong on the way.

    ``width``, ``height`` and ``color_scheme`` set the window (``color_scheme`` is what the reader's
    system asks for: "light" or "dark"); ``init_script`` runs before the page's own scripts (e.g. to
    choose the theme's dark mode with its switch); ``responses`` keeps every response, for the byte count.
    """

    def __init__(self, browser, url: str, width: int = 1280, height: int = 900, color_scheme: str = "light",
                 init_script: str | None = None, wait_until: str = "networkidle", **context_options):
        self.external, self.console_errors, self.failed, self.responses = [], [], [], []
        self.context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=color_scheme,
                                           **context_options)
        if init_script:
            self.context.add_init_script(init_script)
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
        self.page.on("response", self._response)
        try:
            self.page.goto(url, wait_until=wait_until)
        except BaseException:
            self.context.close()
            raise

    def _response(self, response):
        self.responses.append(response)
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def count(self, selector: str) -> int:
        return self.page.eval_on_selector_all(selector, "elements => elements.length")

    def close(self):
        self.context.close()


def url(server: str, page: str) -> str:
    return urljoin(server, f"{page}.html")
