"""Notebooks in another language: markdown cells translated from the book's page catalogues.

The Korean edition of the site translates each page through Sphinx's catalogues
(``locale/ko/LC_MESSAGES/book/<page>.po``, one message per paragraph, heading, list item, table cell,
caption …).  ``gdcourse release --language ko`` gives students the same Korean in their notebooks: each
markdown cell is split the way Sphinx splits it — MyST's markdown-it parser, with the book's extensions,
gives every paragraph and heading with the source lines it came from — and each block whose text has a
translation is replaced by it.  Directives (``{exercise}``, ``{note}`` …) are translated inside; display
maths, code, HTML and directive options stay as they are.  Code cells are never changed.

A message without a (non-fuzzy) translation stays in English, exactly as the site shows it.  This needs
myst-parser and Babel (both part of the book's build, requirements.txt).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["MYST_EXTENSIONS", "read_catalogue", "translate_markdown", "translate_notebook", "find_locale_dir"]

#: The book's MyST extensions (_config.yml, parse.myst_enable_extensions).
MYST_EXTENSIONS = ("amsmath", "colon_fence", "deflist", "dollarmath", "substitution")
#: Directives whose content is not MyST text (left as it is).
LITERAL_DIRECTIVES = {"code-block", "code", "sourcecode", "code-cell", "math", "raw", "literalinclude", "eval-rst",
                      "include", "toctree", "bibliography", "glossary-table", "csv-table", "list-table"}
#: Directives whose argument is a title (a message); the others' arguments are labels, paths, languages.
TITLED_DIRECTIVES = {"admonition", "exercise", "exercise-start", "dropdown", "topic", "sidebar", "rubric", "card"}


def find_locale_dir(start: Path) -> Path | None:
    """The first ``locale/`` folder in ``start`` or above it (the book's is beside _config.yml)."""
    start = Path(start).resolve()
    for folder in [start, *start.parents]:
        if (folder / "locale").is_dir():
            return folder / "locale"
    return None


def read_catalogue(path: Path) -> dict:
    """msgid → msgstr of a ``.po`` file, without the untranslated and the fuzzy messages."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as file:
        catalogue = read_po(file)
    return {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def _parser(extensions=MYST_EXTENSIONS):
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)


def _message(text: str) -> str:
    """Sphinx's message of a block (sphinx.util.nodes.extract_messages): its source on one line."""
    return text.replace("\n", " ").strip()


def _directive(info: str) -> tuple[str, str]:
    """(name, argument) of a fence's info string ``{name} argument``."""
    info = info.strip()
    if not info.startswith("{") or "}" not in info:
        return "", ""
    name, _, argument = info[1:].partition("}")
    return name.strip(), argument.strip()


def _split_options(body: str) -> tuple[list[str], str]:
    """A directive's leading ``:option: value`` lines (or a --- block) and its content."""
    lines = body.split("\n")
    head = []
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            return lines[: end + 1], "\n".join(lines[end + 1:])
    while lines and lines[0].startswith(":") and ":" in lines[0][1:]:
        head.append(lines.pop(0))
    return head, "\n".join(lines)


def translate_markdown(source: str, translations: dict, parser=None) -> tuple[str, int, int]:
    """``source`` with every block that has a translation replaced: (text, translated, messages)."""
    parser = parser or _parser()
    tokens = parser.parse(source)
    lines = source.split("\n")
    edits = []  # (start, end, new lines)
    counts = [0, 0]

    def lookup(text: str) -> str | None:
        message = _message(text)
        if not message:
            return None
        counts[1] += 1
        found = translations.get(message)
        if found:
            counts[0] += 1
        return found

    rows: dict = {}  # table rows: line → (text so far, where the next cell starts)
    for index, token in enumerate(tokens):
        if token.type in ("fence", "colon_fence") and token.map:
            name, argument = _directive(token.info)
            if not name or name in LITERAL_DIRECTIVES:
                continue
            start, end = token.map
            opening = lines[start]
            if argument and name in TITLED_DIRECTIVES:
                found = lookup(argument)
                if found:
                    opening = opening.replace(argument, found, 1)
            head, content = _split_options(token.content)
            head = [_translate_option(line, lookup) for line in head]
            inner, done, total = translate_markdown(content, translations, parser)
            counts[0] += done
            counts[1] += total
            closing = [lines[end - 1]] if end - 1 > start else []
            body = [*head, *inner.rstrip("\n").split("\n")] if inner.strip() or head else []
            edits.append((start, end, [opening, *body, *closing]))
            continue
        if token.type != "inline" or not token.map:
            continue
        parent = tokens[index - 1] if index else None
        start, end = token.map
        if parent is not None and parent.type in ("th_open", "td_open"):
            text, cursor = rows.get(start, (lines[start], 0))
            position = text.find(token.content, cursor) if token.content else -1
            found = lookup(token.content)
            if position >= 0:
                replacement = found.replace("|", "\\|") if found else token.content
                text = text[:position] + replacement + text[position + len(token.content):]
                cursor = position + len(replacement)
            rows[start] = (text, cursor)
            continue
        found = lookup(token.content)
        if not found:
            continue
        end = max(end, start + 1)
        first = lines[start]
        if parent is not None and parent.type == "heading_open":
            # the catalogue escapes a title's "1." (Sphinx parses a translated title as a block, where it
            # would start a list); after "#" it is a title already
            found = re.sub(r"^(\d+)\\\.", r"\1.", found)
            edits.append((start, start + 1, [first.replace(token.content, found, 1)]))
            continue
        position = first.find(token.content.split("\n")[0])
        prefix = first[:position] if position >= 0 else ""
        edits.append((start, end, [prefix + found]))
    edits += [(line, line + 1, [text]) for line, (text, _) in rows.items() if text != lines[line]]

    # Later blocks first, so that the line numbers of earlier ones still hold.
    for start, end, new in sorted(edits, key=lambda edit: edit[0], reverse=True):
        lines[start:end] = new
    return "\n".join(lines), counts[0], counts[1]


def _translate_option(line: str, lookup) -> str:
    """``:alt: text`` and ``:caption: text`` are messages; other options are settings."""
    name, _, value = line[1:].partition(":")
    if name.strip() in ("alt", "caption") and value.strip():
        found = lookup(value.strip())
        if found:
            return f":{name}: {found}"
    return line


def translate_notebook(notebook, translations: dict) -> tuple[int, int]:
    """Translate the markdown cells of ``notebook`` in place; returns (translated, messages)."""
    parser = _parser()
    done = total = 0
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        cell.source, d, t = translate_markdown(cell.source, translations, parser)
        done, total = done + d, total + t
    return done, total
