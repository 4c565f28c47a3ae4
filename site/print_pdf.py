"""Print the single-page edition of the book (``_build/pdf/_build/singlehtml``) to ``_build/html/gdcourse.pdf``.

    python site/print_pdf.py

Debian's Chromium, driven by Playwright, prints the page offline (Jupyter Book's ``pdfhtml`` builder would
download a Chromium of its own through pyppeteer).  Before printing, the page is made into a book:
every solution moves to an appendix at the end, with a pointer where it was; dropdowns are opened and
hidden code cells left out; the print style sheet (site/assets/gdcourse-reader.css) wraps code instead of
cutting it.  The single-page build has the same figures and the same build-time maths as the site.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# the root page of _toc.yml in the single-page build (`make book-pdf`: its own folder, so that it can run
# beside the HTML build)
SINGLE = ROOT / "_build" / "pdf" / "_build" / "singlehtml" / "book" / "intro.html"
TARGET = ROOT / "_build" / "html" / "gdcourse.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

MAKE_BOOK = """
(parts) => {
  document.documentElement.classList.add("gd-book");  // the book's print styles (gdcourse-reader.css)
  const article = document.querySelector("article.bd-article") || document.body;
  // Each part of _toc.yml is one toctree in the single page: its caption becomes a part title.
  document.querySelectorAll("article .toctree-wrapper").forEach((wrapper, i) => {
    if (i >= parts.length) return;
    const title = document.createElement("h1");
    title.className = "gd-part";
    title.textContent = parts[i];
    wrapper.before(title);
  });
  const appendix = document.createElement("section");
  appendix.id = "gd-solutions-appendix";
  appendix.innerHTML = "<h1>Appendix: solutions to the exercises</h1>";
  document.querySelectorAll("div.solution").forEach((solution) => {
    const title = solution.querySelector(".admonition-title");
    const pointer = document.createElement("p");
    pointer.className = "gd-solution-pointer";
    pointer.textContent = "→ " + (title ? title.textContent.trim() : "Solution") + ": in the appendix at the end of the book.";
    solution.replaceWith(pointer);
    solution.classList.remove("dropdown");
    appendix.appendChild(solution);
  });
  article.appendChild(appendix);
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  // code the site hides behind "Show code cell source" stays out of the book
  document.querySelectorAll("details.hide.above-input, details.above-input").forEach((d) => d.remove());
  document.querySelectorAll("button.toggle-button").forEach((b) => b.remove());
  return document.querySelectorAll("#gd-solutions-appendix div.solution").length;
}
"""


PAGE_NUMBER = '<div style="width: 100%; font-size: 8px; text-align: center; color: #555"><span class="pageNumber"></span></div>'


def part_captions() -> list[str]:
    """The captions of the parts of _toc.yml, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [part.get("caption", "") for part in toc.get("parts", [])]


def main() -> int:
    if not SINGLE.exists():
        print(f"{SINGLE} is missing: build it first (make book-pdf)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    TARGET.parent.mkdir(parents=True, exist_ok=True)
    partial = TARGET.with_suffix(".pdf.part")
    # Jupyter Book writes the page under book/ but links its assets as if it sat at the root: print a
    # copy that sits there (removed afterwards, so that no later build of the folder reads it).
    at_root = SINGLE.parents[1] / "book-for-print.html"
    shutil.copyfile(SINGLE, at_root)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort())
            page.goto(at_root.as_uri(), wait_until="load")
            solutions = page.evaluate(MAKE_BOOK, part_captions())
            page.emulate_media(media="print")
            page.pdf(path=str(partial), format="A4", print_background=True, outline=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=PAGE_NUMBER,
                     margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
            browser.close()
    finally:
        at_root.unlink(missing_ok=True)
    partial.replace(TARGET)  # never a half-written PDF on the site
    print(f"printed {TARGET.relative_to(ROOT)} ({TARGET.stat().st_size / 1e6:.1f} MB, {solutions} solutions in the appendix)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
