"""A figure's words in the reader's language: titles, axis labels, legends, notes and alt text.

A figure is drawn once, in English, by the code of a chapter; :func:`figure_html` (the display hook of
:mod:`gdcourse.figures`) shows it in every language it is asked for (:func:`gdcourse.i18n.editions`):
for each, every text of the figure is replaced by its translation from the ``figures`` catalogue
(``gdcourse/locale/<language>/LC_MESSAGES/figures.po``), the figure is laid out and cut into panels
again — Korean labels are not as wide as English ones — and put back as it was.

- **Messages.**  A text is a message when it has a word outside its maths (``$...$``) and is not an
  optimizer's class name (Adam stays Adam).  Numbers outside maths become placeholders, so that one
  message serves every value: ``"Adam (diverged at step 37)"`` is the message
  ``"Adam (diverged at step {0})"``, translated ``"Adam ({0}번째 단계에서 발산)"``.  Maths must come back
  unchanged.
- **The build collects them.**  With ``GDCOURSE_MESSAGE_LOG`` set (site/execute.py does), each message
  met while rendering a translation is logged with whether the catalogue had it; ``make locale`` adds
  the new ones to the catalogue and tests/test_translation.py fails on any that is not translated.
- **Glyphs.**  The translated figure is laid out with a font that has its glyphs (Noto Sans CJK KR for
  Korean: Debian's ``fonts-noto-cjk``).  A glyph missing from the layout fonts marks the figure
  (:data:`GLYPH_MISSING`), which fails the book's build; in a notebook it is one warning.
"""

from __future__ import annotations

import json
import logging
import os
import re
import warnings
from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter

from gdcourse import figures
from gdcourse.i18n import LANGUAGES, edition_html, editions, translate

__all__ = ["DOMAIN", "FONTS", "GLYPH_MISSING", "figure_html", "message_of", "figure_messages", "translated"]

DOMAIN = "figures"
#: The font families a figure in each language is laid out with (the SVG's text uses the reader's fonts):
#: for plain text, glyph by glyph from the first that has it; for text with maths, the first alone, as
#: matplotlib's mathtext sets the words around maths in one font (the maths keeps its own fonts).
FONTS = {"en": None, "ko": ["DejaVu Sans", "Noto Sans CJK KR"]}
MIXED_FONTS = {"en": None, "ko": ["Noto Sans CJK KR"]}
#: The class of a figure one of whose glyphs the layout fonts lack (site/sphinx_language.py fails the build).
GLYPH_MISSING = "gd-figure-missing-glyph"

_MATHS = re.compile(r"(\$[^$]*\$)")
_NUMBER = re.compile(r"(?<![\w.])[-−+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w])")
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_LETTER = re.compile(r"[^\W\d_]")


def _class_names() -> set:
    from gdcourse import optimizers

    return {name for name, value in vars(optimizers).items() if isinstance(value, type) and issubclass(value, optimizers.Optimizer)}


def message_of(text: str) -> tuple[str, list] | None:
    """(message id, the numbers it stands for) of a figure's text, or None if it is not a message."""
    if not text or not text.strip():
        return None
    numbers: list = []

    def number(match):
        numbers.append(match.group(0))
        return "{%d}" % (len(numbers) - 1)

    parts = _MATHS.split(text)
    template = "".join(part if part.startswith("$") and part.endswith("$") and len(part) > 1 else _NUMBER.sub(number, part.replace("{", "{{").replace("}", "}}"))
                       for part in parts)
    words = "".join(part for part in parts if not (part.startswith("$") and part.endswith("$") and len(part) > 1))
    if not _LETTER.search(_NUMBER.sub("", words)) or text.strip() in _class_names():
        return None
    return template, numbers


def _fill(template: str, numbers: list) -> str:
    """The template with its numbers put back (outside maths only), ``{{``/``}}`` unescaped."""
    def outside(part: str) -> str:
        if part.startswith("$") and part.endswith("$") and len(part) > 1:
            return part
        part = _PLACEHOLDER.sub(lambda m: numbers[int(m.group(1))] if int(m.group(1)) < len(numbers) else m.group(0), part)
        return part.replace("{{", "{").replace("}}", "}")

    return "".join(outside(part) for part in _MATHS.split(template))


def _log(message: str, found: bool, language: str) -> None:
    path = os.environ.get("GDCOURSE_MESSAGE_LOG")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as file:
        file.write(json.dumps({"domain": DOMAIN, "msgid": message, "language": language, "translated": found},
                              ensure_ascii=False) + "\n")


def translate_text(text: str, language: str) -> str:
    """A figure's text in ``language`` (unchanged if it is not a message or has no translation)."""
    message = message_of(text)
    if message is None or language == LANGUAGES[0]:
        return text
    template, numbers = message
    translation = translate(template, DOMAIN, language)
    _log(template, translation != template or _identical(template, language), language)
    return _fill(translation, numbers)


def _identical(template: str, language: str) -> bool:
    """Whether the catalogue has ``template`` translated as itself (a name, say)."""
    from gdcourse.i18n import _catalogue

    return template in getattr(_catalogue(DOMAIN, language), "_catalog", {})


def _texts(fig: Figure) -> list:
    return [t for t in fig.findobj(Text) if t.get_text()]


def _fixed_formatters(fig: Figure) -> list:
    found = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, FixedFormatter):
                found.append(formatter)
    return found


def figure_messages(fig: Figure) -> list[str]:
    """The message ids of ``fig``'s texts and alt text, in order, each once."""
    found = [message_of(t.get_text()) for t in _texts(fig)]
    found += [message_of(label) for f in _fixed_formatters(fig) for label in f.seq]
    alt = figures.alt_text(fig)
    found.append(message_of(alt) if alt else None)
    return list(dict.fromkeys(m[0] for m in found if m is not None))


@contextmanager
def translated(fig: Figure, language: str, originals: dict | None = None):
    """``fig`` with its texts and alt text in ``language`` (``originals``: the English of each text, if
    they were changed since, e.g. wrapped); put back as they were on exit."""
    texts = _texts(fig)
    before = {t: t.get_text() for t in texts}
    source = originals or before
    formatters = {f: list(f.seq) for f in _fixed_formatters(fig)}
    alt = figures.alt_text(fig)
    try:
        for text in texts:
            text.set_text(translate_text(source.get(text, before[text]), language))
        for formatter, seq in formatters.items():
            formatter.seq = [translate_text(label, language) for label in seq]
        if alt:
            setattr(fig, figures._ALT, translate_text(alt, language))
        fonts, mixed = FONTS.get(language), MIXED_FONTS.get(language)
        with mpl.rc_context({"font.family": fonts} if fonts else {}):
            if fonts:
                for text in texts:
                    text.set_fontfamily(mixed if _MATHS.search(text.get_text()) and mixed else fonts)
            yield fig
    finally:
        for text in texts:
            text.set_text(before[text])
        for formatter, seq in formatters.items():
            formatter.seq = seq
        if alt:
            setattr(fig, figures._ALT, alt)


_warned_glyphs = False


class _GlyphLog(logging.Handler):
    """What matplotlib's mathtext logs (not warns) when a font lacks a glyph, while one figure renders."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.missing: list[str] = []

    def emit(self, record) -> None:
        message = record.getMessage()
        if "does not have a glyph" in message:
            self.missing.append(message)


def _render(fig: Figure, language: str, originals: dict, size) -> str:
    """``figures.to_html`` of ``fig`` in ``language``, from the figure's size before any rendering."""
    global _warned_glyphs
    fig.set_size_inches(size)
    fonts = {t: t.get_fontfamily() for t in _texts(fig)}
    mathtext = _GlyphLog()
    logging.getLogger("matplotlib.mathtext").addHandler(mathtext)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if language == LANGUAGES[0]:
                html = figures.to_html(fig)
            else:
                with translated(fig, language, originals):
                    html = figures.to_html(fig)
        finally:
            logging.getLogger("matplotlib.mathtext").removeHandler(mathtext)
            for text, family in fonts.items():
                text.set_fontfamily(family)
    missing = [w for w in caught if "missing from font" in str(w.message)]
    for w in caught:
        if w not in missing:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    missing = [str(w.message) for w in missing] + mathtext.missing
    if missing:
        if len(editions()) > 1:  # the book's build: a missing glyph is an error
            html = html.replace('class="gd-figure', f'class="gd-figure {GLYPH_MISSING}', 1)
        elif not _warned_glyphs:
            _warned_glyphs = True
            warnings.warn(f"{missing[0]} The figure's text shows in your browser's fonts, but its layout was "
                          "measured without these glyphs: install a font that has them (Debian: fonts-noto-cjk).",
                          stacklevel=3)
    return html


def _changes(fig: Figure, language: str, originals: dict) -> bool:
    """Whether any text of ``fig`` (or its alt text) reads differently in ``language``."""
    alt = figures.alt_text(fig)
    texts = [*originals.values(), *(label for f in _fixed_formatters(fig) for label in f.seq), *([alt] if alt else [])]
    return any(translate_text(text, language) != text for text in texts)


def figure_html(fig: Figure) -> str:
    """The figure as the page shows it (:func:`gdcourse.figures.to_html`), in every language of
    :func:`gdcourse.i18n.editions`.  A language in which no text of the figure changes gets the first
    rendering again rather than a second one of the same figure."""
    originals = {t: t.get_text() for t in _texts(fig)}
    size = fig.get_size_inches().copy()
    rendered: dict = {}

    def render(language: str) -> str:
        if rendered and not _changes(fig, language, originals):
            return next(iter(rendered.values()))
        rendered[language] = _render(fig, language, originals, size)
        return rendered[language]

    with figures.shared_mathtext():  # the editions' renderings share their parsed maths
        return edition_html(render)
