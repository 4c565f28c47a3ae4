"""The book in two languages: the English edition at the site's root, the Korean one under ``ko/``.

The Korean edition is Sphinx's own internationalisation (``language = "ko"``, catalogues under
``locale/ko/LC_MESSAGES/<page>.po``, ``make locale``), built from the same notebooks and the same
execution as the English one (site/build_edition.py).  This extension does what gettext alone does not:

- **What is not a message.**  Display maths (``math_block``) is the same in every language and never a
  message; inline maths stays inside its paragraph's message and must come back unchanged.  A notebook's
  outputs (code output, figures, the checker's boxes) are not messages either: they are rendered in every
  edition's language by the kernel, once (:mod:`gdcourse.i18n`), and each edition keeps its own variant
  (:func:`keep_own_edition`).
- **Untranslated messages.**  A message of a page that has no translation, or only a fuzzy one, is
  shown in English — and listed, per page, in ``untranslated-<language>.json`` beside the edition's
  output (tests/test_translation.py fails on it, so a changed English paragraph fails until its Korean
  is updated).
- **The language switch.**  Every page links to the same page in the other edition, in its header
  (``hreflang``, ``lang``) and in ``<link rel="alternate">``.
- **Korean search** (site/search_ko.py): words without their particles, in Python and in JavaScript.
- **The glossary** (``{glossary-table}``): one table, book/glossary.yml, shown in both editions with
  the page's language first.
- **Missing glyphs.**  A figure whose text used a glyph that the layout font lacks is a build warning.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from gdcourse.i18n import keep_edition
from search_ko import SearchKorean  # site/ is on the path of the book's local extensions

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

#: Where each edition lives, relative to the site's root; its name in its own language.
EDITIONS = {"en": "", "ko": "ko/"}
NAMES = {"en": "English", "ko": "한국어"}
CODES = {"en": "EN", "ko": "한"}  # what the switch shows on a phone (its name stays for screen readers)
SWITCH_TITLE = {"en": "This page in English", "ko": "이 페이지를 한국어로"}


# ------------------------------------------------------------------ what is not a message
class KeepMathsAndOutputs(SphinxTransform):
    """What is the same in every language is not a message (before i18n's transforms, priority 10 and 20):
    display maths, every notebook output, the package's docstrings (the API page, ``show()``), sphinx-exercise's own titles and text
    with no word outside its code and maths (a table cell ``$10^{-8}$`` or ```gamma```)."""

    default_priority = 5

    def apply(self, **kwargs) -> None:
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        for container in self.document.findall(nodes.container):
            if "cell_output" in container.get("classes", []):
                for node in container.findall(nodes.TextElement):
                    node["translatable"] = False
        for node in self.document.findall(nodes.TextElement):
            generated = type(node).__name__ in ("exercise_title", "solution_title")  # "Exercise", "Solution to"
            if generated or "docstring of " in (node.source or "") or not _has_words(node):
                node["translatable"] = False


_LETTER = re.compile(r"[^\W\d_]")
_NOT_WORDS = (nodes.literal, nodes.math, nodes.raw, nodes.literal_block, nodes.math_block)


def _has_words(node: nodes.Node) -> bool:
    """Whether ``node`` has a letter outside its inline code and maths."""
    if isinstance(node, _NOT_WORDS):
        return False
    if isinstance(node, nodes.Text):
        return bool(_LETTER.search(str(node)))
    return any(_has_words(child) for child in node.children)


def _translations(env, config) -> dict:
    """The page's catalogue as Sphinx's Locale transform reads it (msgid → msgstr; fuzzy ones left out)."""
    domain = docname_to_domain(env.docname, config.gettext_compact)
    folders = [os.path.join(env.srcdir, folder) for folder in config.locale_dirs]
    catalogue, found = init_locale(folders, config.language, domain)
    merged: dict = {}
    while found and catalogue is not None:
        merged = {**getattr(catalogue, "_catalog", {}), **merged}
        catalogue = getattr(catalogue, "_fallback", None)
    return merged


def _note_untranslated(env, messages) -> None:
    if not hasattr(env, "gdcourse_untranslated"):
        env.gdcourse_untranslated = {}
    found = env.gdcourse_untranslated.setdefault(env.docname, [])
    found.extend(m for m in messages if m not in found)


def _translating(config) -> bool:
    return config.language not in (None, "", "en")


class ListUntranslated(SphinxTransform):
    """Note every message of the page that the catalogue does not translate (just before i18n's Locale,
    which shows those in English)."""

    default_priority = 19

    def apply(self, **kwargs) -> None:
        if not _translating(self.config):
            return
        getattr(self.env, "gdcourse_untranslated", {}).pop(self.env.docname, None)
        merged = _translations(self.env, self.config)
        _note_untranslated(self.env, [m for _, m in extract_messages(self.document) if not merged.get(m, "").strip()])


class TranslateTocCaptions(SphinxTransform):
    """The captions of _toc.yml's parts, which sphinx-external-toc inserts (priority 100) after i18n's
    Locale has run (20), so that Sphinx never translates them: translated here, from the same page
    catalogue (the gettext builder, which reads finished doctrees, does list them)."""

    default_priority = 101

    def apply(self, **kwargs) -> None:
        if not _translating(self.config):
            return
        merged = None
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if not caption:
                continue
            merged = _translations(self.env, self.config) if merged is None else merged
            if merged.get(caption, "").strip():
                toctree["caption"] = merged[caption]
            else:
                _note_untranslated(self.env, [caption])


def purge_untranslated(app, env, docname) -> None:
    getattr(env, "gdcourse_untranslated", {}).pop(docname, None)


def merge_untranslated(app, env, docnames, other) -> None:
    env.gdcourse_untranslated = {**getattr(env, "gdcourse_untranslated", {}),
                                 **{d: m for d, m in getattr(other, "gdcourse_untranslated", {}).items() if d in docnames}}


def untranslated_report(app: Sphinx) -> Path:
    return Path(app.outdir).parent / f"untranslated-{app.config.language}.json"


def write_untranslated(app: Sphinx, exception) -> None:
    if exception is not None or app.config.language in (None, "", "en") or app.builder.format != "html":
        return
    found = getattr(app.env, "gdcourse_untranslated", {})
    report = {docname: found.get(docname, []) for docname in sorted(app.env.found_docs)}
    untranslated_report(app).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ outputs in the page's language
GLYPH_MISSING = "gd-figure-missing-glyph"


def keep_own_edition(app: Sphinx, doctree, docname) -> None:
    """Each output was rendered once per edition (gdcourse.i18n.edition_html): keep this edition's."""
    language = app.config.language or "en"
    for node in list(doctree.findall(nodes.raw)):
        if "html" not in node.get("format", "").split():
            continue
        text = node.astext()
        if "gd-edition" in text:
            text = keep_edition(text, language)
            node.children = [nodes.Text(text)]
            node.rawsource = text
        if GLYPH_MISSING in text:
            logger.warning(f"{docname}: a figure uses a glyph that its layout font lacks (install fonts-noto-cjk)",
                           type="gdcourse", subtype="glyph", location=node)


# ------------------------------------------------------------------ the glossary
class GlossaryTable(SphinxDirective):
    """``{glossary-table}`` with the path of the glossary (YAML: a list of terms with ko, en, symbol,
    name and optional notes_en / notes_ko): a table with the page's language in the first column."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    HEADERS = {
        "en": ("English", "한국어 (Korean)", "symbol", "gdcourse name", "notes"),
        "ko": ("한국어", "English (영어)", "기호", "gdcourse 이름", "참고"),
    }

    def run(self):
        relative, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(relative)
        terms = load_glossary(Path(path))
        language = "ko" if self.config.language == "ko" else "en"
        other = "en" if language == "ko" else "ko"
        table = nodes.table(classes=["gd-glossary", *self.options.get("class", [])])
        group = nodes.tgroup(cols=5)
        table += group
        for width in (22, 22, 12, 20, 24):
            group += nodes.colspec(colwidth=width)

        def row(cells, header=False):
            line = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph("", "", *self._inline(cell))
                line += entry
            return line

        head = nodes.thead()
        head += row(self.HEADERS[language], header=True)
        group += head
        body = nodes.tbody()
        for term in terms:
            first = nodes.paragraph("", "", nodes.strong("", term[language]))
            if language == "ko":
                first["lang"] = "ko"
            second = nodes.paragraph("", term[other])
            symbol = term.get("symbol") or ""
            name = term.get("name") or ""
            body += row([first, second, f"${symbol}$" if symbol else "", f"`{name}`" if name else "",
                         term.get(f"notes_{language}", "")])
        group += body
        return [table]

    def _inline(self, text: str) -> list:
        """`code` and $maths$ in a cell; the rest is text."""
        parts = []
        for piece in re.split(r"(`[^`]+`|\$[^$]+\$)", text):
            if not piece:
                continue
            if piece.startswith("`"):
                parts.append(nodes.literal(piece[1:-1], piece[1:-1]))
            elif piece.startswith("$"):
                parts.append(nodes.math(piece[1:-1], piece[1:-1]))
            else:
                parts.append(nodes.Text(piece))
        return parts


GLOSSARY_FIELDS = ("ko", "en")


def load_glossary(path: Path) -> list[dict]:
    """The glossary's terms, checked: each has ko and en, and no Korean or English term appears twice."""
    terms = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(terms, list) or not terms:
        raise ValueError(f"{path}: the glossary must be a list of terms")
    seen: dict = {"ko": set(), "en": set()}
    for index, term in enumerate(terms):
        if not isinstance(term, dict) or not all(isinstance(term.get(k), str) and term[k].strip() for k in GLOSSARY_FIELDS):
            raise ValueError(f"{path}: term {index + 1} must have a Korean (ko) and an English (en) name; got {term!r}")
        for key in GLOSSARY_FIELDS:
            if term[key] in seen[key]:
                raise ValueError(f"{path}: {term[key]!r} appears twice: one term per idea")
            seen[key].add(term[key])
    return terms


# ------------------------------------------------------------------ the theme's own words
#: What the themes (pydata-sphinx-theme 0.17, sphinx-book-theme 1.3) and Sphinx write on every page in
#: English although the page is Korean: pydata-sphinx-theme has no Korean catalogue, sphinx-book-theme's
#: lacks these, and some are not marked for translation at all.  Replaced after the build, as whole
#: attribute values and whole text (tests/test_translation.py finds none left on the Korean pages).
THEME_WORDS = {
    "ko": {
        "Skip to main content": "본문으로 건너뛰기",
        "Back to top": "맨 위로",
        "Search this book...": "이 책에서 검색...",
        "Version warning": "버전 경고",
        "Site navigation": "사이트 탐색",
        "On this page": "이 페이지의 내용",
        "Main": "본문",
        "Page": "페이지",
        "Toggle primary sidebar": "주 사이드바 열기/닫기",
        "Toggle secondary sidebar": "보조 사이드바 열기/닫기",
        "Launch interactive content": "대화형 환경에서 열기",
        "Launch on Binder": "Binder에서 열기",
        "Binder logo": "Binder 로고",
        "Launch on Colab": "Colab에서 열기",
        "Colab logo": "Colab 로고",
        "Source repositories": "소스 저장소",
        "Repository": "저장소",
        "Open issue": "이슈 열기",
        "Color mode": "색상 모드",
        "Link to this heading": "이 제목의 링크",
        "previous page": "이전 페이지",
        "next page": "다음 페이지",
    },
}
_ATTRIBUTE = re.compile(r'(\s(?:title|data-bs-title|aria-label|placeholder|alt)=")([^"]+)(")')
_TEXT = re.compile(r">(\s*)([^<>]+?)(\s*)<")


def theme_words(text: str, language: str) -> str:
    words = THEME_WORDS.get(language)
    if not words:
        return text
    text = _ATTRIBUTE.sub(lambda m: m.group(1) + words.get(m.group(2), m.group(2)) + m.group(3), text)
    return _TEXT.sub(lambda m: f">{m.group(1)}{words.get(m.group(2), m.group(2))}{m.group(3)}<", text)


# ------------------------------------------------------------------ the language switch
HEADER_BUTTONS = re.compile(r'(<div class="article-header-buttons">)')
HEAD_END = re.compile(r"</head>")


def other_editions(app: Sphinx) -> list[str]:
    language = app.config.language or "en"
    return [name for name in EDITIONS if name != language]


def switch_html(page: str, language: str, targets: list[str]) -> tuple[str, str]:
    """(the header links, the <link rel=alternate> tags) of ``page`` (its path in its edition)."""
    here = Path(EDITIONS[language] + page).parent
    links, alternates = [], []
    for other in targets:
        href = os.path.relpath(EDITIONS[other] + page, here).replace(os.sep, "/")
        links.append(
            f'<a class="btn btn-sm gd-language-switch" href="{html.escape(href)}" hreflang="{other}" lang="{other}" '
            f'title="{html.escape(SWITCH_TITLE[other])}">'
            f'<svg class="gd-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" '
            f'd="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm6.9 6h-2.9a15.7 15.7 0 0 0-1.4-3.6A8 8 0 0 1 18.9 8ZM12 4c.8 1.2 '
            f'1.5 2.5 1.9 4h-3.8c.4-1.5 1.1-2.8 1.9-4ZM4.3 14a8.2 8.2 0 0 1 0-4h3.4a16.5 16.5 0 0 0 0 4H4.3Zm.8 2h2.9c.3 '
            f'1.3.8 2.5 1.4 3.6A8 8 0 0 1 5.1 16ZM8 8H5.1a8 8 0 0 1 4.3-3.6C8.8 5.5 8.3 6.7 8 8Zm4 12c-.8-1.2-1.5-2.5-1.9-4h3.8c-.4 '
            f'1.5-1.1 2.8-1.9 4Zm2.3-6H9.7a14.7 14.7 0 0 1 0-4h4.6a14.7 14.7 0 0 1 0 4Zm.3 5.6c.6-1.1 1.1-2.3 1.4-3.6h2.9a8 8 0 0 '
            f'1-4.3 3.6ZM16.3 14a16.5 16.5 0 0 0 0-4h3.4a8.2 8.2 0 0 1 0 4h-3.4Z"/></svg>'
            f'<span class="gd-language-name">{NAMES[other]}</span>'
            f'<span class="gd-language-code" aria-hidden="true">{CODES[other]}</span></a>'
        )
    for name in EDITIONS:
        href = os.path.relpath(EDITIONS[name] + page, here).replace(os.sep, "/")
        alternates.append(f'<link rel="alternate" hreflang="{name}" href="{html.escape(href)}">')
    return "".join(links), "".join(alternates)


def add_language_switch(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    language = app.config.language or "en"
    targets = other_editions(app)
    for path in outdir.rglob("*.html"):
        page = path.relative_to(outdir).as_posix()
        text = path.read_text(encoding="utf-8")
        links, alternates = switch_html(page, language, targets)
        new = HEADER_BUTTONS.sub(lambda m: m.group(1) + links, theme_words(text, language), count=1)
        new = HEAD_END.sub(lambda m: alternates + m.group(0), new, count=1)
        if new != text:
            path.write_text(new, encoding="utf-8")


def add_assets(app: Sphinx) -> None:
    app.add_css_file("gdcourse-language.css")


# ------------------------------------------------------------------ setup
def setup(app: Sphinx) -> dict:
    app.add_search_language(SearchKorean)
    app.add_transform(KeepMathsAndOutputs)
    app.add_transform(ListUntranslated)
    app.add_transform(TranslateTocCaptions)
    app.add_directive("glossary-table", GlossaryTable)
    app.connect("builder-inited", add_assets)
    app.connect("env-purge-doc", purge_untranslated)
    app.connect("env-merge-info", merge_untranslated)
    app.connect("doctree-resolved", keep_own_edition)
    app.connect("build-finished", write_untranslated)
    app.connect("build-finished", add_language_switch, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
