"""Maths typeset at build time: every page carries SVG maths with assistive MathML and loads no MathJax.

Sphinx (``sphinx.ext.mathjax``) writes maths as TeX between ``\\( \\)`` or ``\\[ \\]`` for MathJax to
typeset in the reader's browser: 2 MB of JavaScript per page, a first paint that waits for it, a tab stop
per expression, and raw TeX wherever the page's text is read without running it (search snippets,
reader modes).  This extension lets Sphinx write the page as usual, takes the MathJax script off it, and
once the build has written every page, converts all of the book's TeX in one run of MathJax in node
(``site/maths/typeset.js``, from the pinned ``mathjax-full`` package) and puts the SVG in place.

- Each expression becomes ``<mjx-container>`` with an SVG (``aria-hidden``) and MathML for screen
  readers (MathJax's assistive-MathML extension); nothing is focusable.
- A display equation wider than the column scrolls inside its own box, with a visible shadow at the
  edge that has more (``site/assets/gdcourse-maths.css``).
- A TeX error is a build warning (an error under ``-W``), naming the page and the expression.
- ``$...$`` left in a citation's hover text (``title=``, written by sphinxcontrib-bibtex from
  references.bib) becomes plain Unicode text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TYPESET = HERE / "maths" / "typeset.js"

# What sphinx.ext.mathjax writes (sphinx/ext/mathjax.py): inline and display maths.
INLINE = re.compile(r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>', re.DOTALL)
DISPLAY = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>)(.*?)</div>', re.DOTALL)
DISPLAY_TEX = re.compile(r"\s*\\\[(.*?)\\\]\s*$", re.DOTALL)
EQNO = re.compile(r'^\s*(<span class="eqno">.*?</span>)', re.DOTALL)
MARKER = "\x00gdmath{}\x00"
MARKER_RE = re.compile("\x00gdmath(\\d+)\x00")


def remove_mathjax_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return

    def is_mathjax(script) -> bool:
        filename = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        return filename.endswith(app.config.mathjax_path) or body.startswith("window.MathJax")

    scripts[:] = [s for s in scripts if not is_mathjax(s)]


def _split_display(inner: str) -> tuple[str, str]:
    """(equation number html, TeX) of a display block's content."""
    eqno = ""
    match = EQNO.match(inner)
    if match:
        eqno, inner = match.group(1), inner[match.end():]
    tex = DISPLAY_TEX.match(inner)
    source = tex.group(1) if tex else inner  # `nowrap` blocks (amsmath) have no \[ \]
    return eqno, html.unescape(source).strip()


def _collect(text: str) -> tuple[str, list[dict]]:
    """The page with a numbered marker where each expression was, and the expressions in that order."""
    items: list[dict] = []

    def display(match):
        opening, inner = match.group(1), match.group(2)
        eqno, tex = _split_display(inner)
        items.append({"tex": tex, "display": True})
        return f"{opening}{eqno}{MARKER.format(len(items) - 1)}</div>"

    def inline(match):
        items.append({"tex": html.unescape(match.group(1)), "display": False})
        return f'<span class="math notranslate nohighlight">{MARKER.format(len(items) - 1)}</span>'

    text = CITATION.sub(lambda m: m.group(1) + BIB_TEX.sub(_as_inline_maths, m.group(2)) + m.group(3), text)
    text = DISPLAY.sub(display, text)
    text = INLINE.sub(inline, text)
    return text, items


# sphinxcontrib-bibtex copies the TeX of references.bib ("rate {$O(1/k^2)$}") into the bibliography as is
CITATION = re.compile(r'(<div class="citation"[^>]*>)(.*?)(</div>)', re.DOTALL)
BIB_TEX = re.compile(r"\$([^$<>]+)\$")


def _as_inline_maths(match) -> str:
    return f'<span class="math notranslate nohighlight">\\({match.group(1)}\\)</span>'


_UNICODE = {r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\eta": "η", r"\epsilon": "ε", r"\rho": "ρ",
            r"\lambda": "λ", r"\ell": "ℓ", r"\sqrt": "√", r"\cdot": "·", r"\le": "≤", r"\ge": "≥"}
_SUPERSCRIPT = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
_SUBSCRIPT = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")


def tex_to_text(tex: str) -> str:
    """Plain Unicode for the simple TeX of a title (``O(1/k^2)`` → ``O(1/k²)``)."""
    for macro, char in _UNICODE.items():
        tex = re.sub(re.escape(macro) + r"(?![A-Za-z])", char, tex)
    tex = re.sub(r"\^\{([0-9+\-()]+)\}|\^([0-9])", lambda m: (m.group(1) or m.group(2)).translate(_SUPERSCRIPT), tex)
    tex = re.sub(r"_\{([0-9+\-()]+)\}|_([0-9])", lambda m: (m.group(1) or m.group(2)).translate(_SUBSCRIPT), tex)
    return tex.replace("{", "").replace("}", "").replace("\\", "")


TITLE_WITH_TEX = re.compile(r'title="([^"]*\$[^"]*)"')


def _plain_titles(text: str) -> str:
    return TITLE_WITH_TEX.sub(lambda m: 'title="' + re.sub(r"\$(.*?)\$", lambda t: tex_to_text(t.group(1)), m.group(1)) + '"', text)


def typeset_pages(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    pages = sorted(outdir.rglob("*.html"))
    collected = {}
    for page in pages:
        text, items = _collect(page.read_text(encoding="utf-8"))
        collected[page] = (text, items)
    request = {"pages": [{"key": str(p), "items": items} for p, (_, items) in collected.items() if items]}
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to typeset the book's maths (Debian: apt-get install nodejs)")
    completed = subprocess.run([node, str(TYPESET)], input=json.dumps(request), capture_output=True, text=True,
                               cwd=HERE, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"site/maths/typeset.js failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout)
    for error in result["errors"]:
        page = Path(error["key"]).relative_to(outdir)
        logger.warning(f"{page}: TeX error in {error['tex']!r}: {error['message']}", type="gdcourse", subtype="maths")
    typeset = {Path(p["key"]): p for p in result["pages"]}
    for page, (text, items) in collected.items():
        if items:
            svgs = typeset[page]["svgs"]
            text = MARKER_RE.sub(lambda m: svgs[int(m.group(1))], text)
            # the page's shared glyph definitions, once, at the start of the body
            text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + typeset[page]["cache"], text, count=1)
        text = _plain_titles(text)
        page.write_text(text, encoding="utf-8")
    static = outdir / "_static"
    static.mkdir(exist_ok=True)
    (static / "mathjax-svg.css").write_text(result["css"] or "", encoding="utf-8")
    count = sum(len(items) for _, items in collected.values())
    logger.info(f"typeset {count} expressions on {len(request['pages'])} pages as SVG")


def setup(app: Sphinx) -> dict:
    app.add_css_file("mathjax-svg.css")  # written by typeset_pages: MathJax's own styles for its SVG
    app.add_css_file("gdcourse-maths.css")
    app.connect("html-page-context", remove_mathjax_scripts, priority=900)
    app.connect("build-finished", typeset_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
