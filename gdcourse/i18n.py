"""The languages of the package's words: English (the default) and Korean.

>>> import gdcourse
>>> gdcourse.set_language("ko")      # exercises.check(), hints, figures, explorers and the grader in Korean

What is translated, and from where:

- **Messages** (the exercise checker's verdicts and hints, ``gdcourse grade``'s feedback, figure text):
  gettext catalogues under ``gdcourse/locale/<language>/LC_MESSAGES/<domain>.mo``, one domain per
  module that speaks (``exercises``, ``grading``, ``figures``), compiled from the ``.po`` files beside
  them (``make locale``; book/AUTHORING.md, "Translating").  The English text is the message id, so a
  missing or outdated translation falls back to English, never to nothing.
- **The language**: :func:`set_language`, else the environment variable ``GDCOURSE_LANGUAGE``, else the
  notebook's own (``gdcourse release --language ko`` marks its notebooks with
  ``metadata.gdcourse.language``; found when Jupyter tells the kernel which notebook it runs), else English.
- **The book's build** renders every output once per edition (``GDCOURSE_EDITIONS="en ko"``, set by
  site/execute.py): :func:`edition_html` wraps each language's variant so that each edition's build keeps
  its own (site/sphinx_language.py).

:class:`Message` keeps a template and its arguments, so that one result (a verdict, say) can be shown in
either language.
"""

from __future__ import annotations

import gettext as _gettext
import json
import os
import re
from functools import lru_cache
from pathlib import Path

__all__ = [
    "LANGUAGES",
    "set_language",
    "get_language",
    "editions",
    "translate",
    "Message",
    "edition_html",
    "EDITION_END",
]

#: The languages the package speaks; the first is the default and the language of the message ids.
LANGUAGES = ("en", "ko")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The end of one edition's variant in an output (site/sphinx_language.py keeps the page's own).
EDITION_END = "<!--/gd-edition-->"

_chosen: str | None = None


def _check(language: str, name: str = "language") -> str:
    if not isinstance(language, str) or language not in LANGUAGES:
        raise ValueError(f"{name} must be one of {list(LANGUAGES)}; got {language!r}")
    return language


def set_language(language: str | None) -> None:
    """Speak ``language`` ("en" or "ko") from now on; ``None`` goes back to the default."""
    global _chosen
    _chosen = None if language is None else _check(language)


def get_language() -> str:
    """The language in use: :func:`set_language`, ``GDCOURSE_LANGUAGE``, the notebook's, or English."""
    if _chosen is not None:
        return _chosen
    environment = os.environ.get("GDCOURSE_LANGUAGE", "").strip()
    if environment:
        return _check(environment, "GDCOURSE_LANGUAGE")
    return _notebook_language() or LANGUAGES[0]


def chosen_language() -> str | None:
    """The language a reader asked for (set_language, GDCOURSE_LANGUAGE or the notebook), else None."""
    if len(editions()) > 1:
        return None  # the book's build: each edition's page decides
    if _chosen is not None or os.environ.get("GDCOURSE_LANGUAGE", "").strip() or _notebook_language():
        return get_language()
    return None


def editions() -> tuple:
    """The languages an output is rendered in: every edition during the book's build, else the one in use."""
    names = tuple(os.environ.get("GDCOURSE_EDITIONS", "").replace(",", " ").split())
    if names:
        return tuple(_check(name, "GDCOURSE_EDITIONS") for name in names)
    return (get_language(),)


@lru_cache(maxsize=1)
def _notebook_language() -> str | None:
    """``metadata.gdcourse.language`` of the notebook this kernel runs, when Jupyter says which it is."""
    candidates = [os.environ.get("JPY_SESSION_NAME", "")]
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            candidates.append(str(shell.user_ns.get("__vsc_ipynb_file__", "")))  # VS Code
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        pass
    for candidate in candidates:
        path = Path(candidate)
        if candidate and path.suffix == ".ipynb" and path.is_file():
            try:
                language = json.loads(path.read_text(encoding="utf-8"))["metadata"]["gdcourse"]["language"]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if language in LANGUAGES:
                return language
    return None


@lru_cache(maxsize=None)
def _catalogue(domain: str, language: str) -> _gettext.NullTranslations:
    return _gettext.translation(domain, LOCALE_DIR, languages=[language], fallback=True)


def translate(message: str, domain: str, language: str | None = None) -> str:
    """``message`` (English) in ``language`` (default: :func:`get_language`), or unchanged if it has no
    translation there."""
    language = get_language() if language is None else _check(language)
    if language == LANGUAGES[0] or not message:
        return message
    return _catalogue(domain, language).gettext(message)


class Message:
    """A sentence to say in any language: an English template (the message id), its domain and its
    arguments (which may be Messages themselves, rendered in the same language).  Without arguments the
    text is not a template: its braces (``G^{r−1}``) are kept as they are."""

    __slots__ = ("template", "domain", "arguments")

    def __init__(self, template: str, domain: str, /, **arguments):
        self.template, self.domain, self.arguments = template, domain, arguments

    def render(self, language: str | None = None) -> str:
        language = get_language() if language is None else language
        values = {k: v.render(language) if isinstance(v, Message) else v for k, v in self.arguments.items()}
        text = translate(self.template, self.domain, language)
        if not self.arguments:
            return text
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):  # a broken translation: the English is still right
            return self.template.format(**values)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.domain!r}, **{self.arguments!r})"


def edition_html(render) -> str:
    """The HTML of an output in every edition: ``render(language)`` for each of :func:`editions`.

    Outside the book's build that is one language and the HTML is returned as it is; during the build
    each variant is wrapped in ``<div class="gd-edition" lang="…">…</div><!--/gd-edition-->`` and the
    edition's build keeps its own (site/sphinx_language.py).
    """
    languages = editions()
    if len(languages) == 1:
        return render(languages[0])
    return "".join(f'<div class="gd-edition" lang="{language}">{render(language)}</div>{EDITION_END}'
                   for language in languages)


_EDITION = re.compile(r'<div class="gd-edition" lang="(\w+)">(.*?)</div>' + re.escape(EDITION_END), re.DOTALL)


def keep_edition(html: str, language: str) -> str:
    """``html`` with only the variants of ``language`` (unwrapped): what one edition's page shows."""
    return _EDITION.sub(lambda m: m.group(2) if m.group(1) == language else "", html)
