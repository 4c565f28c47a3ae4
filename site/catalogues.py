"""The Korean edition's message catalogues: made from the English, checked, compiled.

    python site/catalogues.py figures    # figure texts of the last execution into the page templates
    python site/catalogues.py package    # gdcourse/locale/ko/LC_MESSAGES/{exercises,grading}.po from the code
    python site/catalogues.py compile    # gdcourse/locale/ko/LC_MESSAGES/*.mo, what the package reads
    python site/catalogues.py status [PAGE ...]   # translated / fuzzy / untranslated, per catalogue

``make locale`` runs them in order around Sphinx's gettext builder and ``sphinx-intl update`` (which
keeps every translation and marks a message whose English changed as fuzzy).  The catalogues:

- ``locale/ko/LC_MESSAGES/book/<page>.po`` — one per page: its prose (Sphinx), and, with the context
  ``figure``, the texts of its figures (titles, labels, legends, alt text: what the page's notebook
  showed when it last ran; gdcourse/figure_text.py).  A translator works on one file per page.
- ``gdcourse/locale/ko/LC_MESSAGES/exercises.po`` and ``grading.po`` — the checker's and the grader's
  sentences, from the code (``gdcourse.exercises.messages()``, ``gdcourse.grading.messages.messages()``).
- ``gdcourse/locale/ko/LC_MESSAGES/*.mo`` — compiled, and committed so that the installed package speaks
  Korean: exercises.mo and grading.mo from their .po, figures.mo from the ``figure`` messages of every page
  catalogue.  ``make site`` recompiles them first; tests/test_translation.py checks they are up to date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "locale"
PACKAGE = ROOT / "gdcourse" / "locale"
POT = ROOT / "_build" / "gettext"
MESSAGES = ROOT / "_build" / "messages"
LANGUAGES = ("ko",)
FIGURE = "figure"  # the context of a figure's messages in a page catalogue
#: A fixed date for the headers of what is generated, so that the same input gives the same bytes.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def read(path: Path) -> Catalog:
    with open(path, "rb") as file:
        return read_po(file)


def write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalogue, width=0, omit_header=False)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def mo_bytes(catalogue: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


# ---------------------------------------------------------------- figures
def figure_messages() -> dict[str, list[str]]:
    """page → the figure message ids its notebook met in the last execution (site/execute.py's logs)."""
    found: dict[str, list[str]] = {}
    for log in sorted(MESSAGES.glob("*.jsonl")):
        page = log_page(log)
        messages = found.setdefault(page, [])
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("domain") == "figures" and entry["msgid"] not in messages:
                messages.append(entry["msgid"])
    return found


def log_page(log: Path) -> str:
    """The page of a notebook's log (``_build/messages/<stem>.jsonl``): the notebook under book/."""
    matches = [p.relative_to(ROOT).with_suffix("").as_posix() for p in ROOT.glob(f"*/{log.stem}.ipynb")]
    return matches[0] if matches else f"book/{log.stem}"


def add_figures() -> int:
    """Append each page's figure messages (context "figure") to its template in _build/gettext."""
    if not MESSAGES.is_dir() or not any(MESSAGES.glob("*.jsonl")):
        print(f"{MESSAGES.relative_to(ROOT)} has no messages: run site/execute.py first (make locale does)", file=sys.stderr)
        return 1
    for page, messages in figure_messages().items():
        pot = POT / f"{page}.pot"
        if not pot.exists():
            print(f"no template {pot.relative_to(ROOT)}: run site/build_edition.py gettext first", file=sys.stderr)
            return 1
        catalogue = read(pot)
        for message in messages:
            catalogue.add(message, context=FIGURE, auto_comments=["A text of a figure on this page (gdcourse/figure_text.py)."])
        write(pot, catalogue)
        print(f"{pot.relative_to(ROOT)}: {len(messages)} figure messages")
    return 0


# ---------------------------------------------------------------- the package's own messages
def package_templates() -> dict[str, list[str]]:
    from gdcourse import exercises
    from gdcourse.grading import messages

    return {"exercises": exercises.messages(), "grading": messages.messages()}


def update(path: Path, template: Catalog, language: str) -> None:
    """Make ``path`` follow ``template``: new messages added, changed ones fuzzy, translations kept."""
    if path.exists():
        catalogue = read(path)
        catalogue.update(template, update_header_comment=False, update_creation_date=False)
    else:
        catalogue = Catalog(locale=language, project="gdcourse", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False)
        for message in template:
            if message.id:
                catalogue.add(message.id, context=message.context, auto_comments=message.auto_comments)
    write(path, catalogue)


def update_package() -> int:
    for language in LANGUAGES:
        for domain, messages in package_templates().items():
            template = Catalog(project="gdcourse", creation_date=EPOCH, fuzzy=False)
            for message in messages:
                template.add(message)
            update(PACKAGE / language / "LC_MESSAGES" / f"{domain}.po", template, language)
            print(f"gdcourse/locale/{language}/LC_MESSAGES/{domain}.po: {len(messages)} messages")
    return 0


# ---------------------------------------------------------------- compiled catalogues
def figures_catalogue(language: str) -> Catalog:
    """The ``figure`` messages of every page catalogue, translated and not fuzzy, as one catalogue."""
    merged = Catalog(locale=language, project="gdcourse", domain="figures", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False)
    for path in sorted((PAGES / language / "LC_MESSAGES").rglob("*.po")):
        for message in read(path):
            if message.context == FIGURE and message.id and message.string and not message.fuzzy and message.id not in merged:
                merged.add(message.id, message.string)
    return merged


def compiled(language: str) -> dict[str, bytes]:
    """What each .mo of the package should hold: domain → bytes."""
    out = {"figures": mo_bytes(figures_catalogue(language))}
    for domain in package_templates():
        path = PACKAGE / language / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            out[domain] = mo_bytes(read(path))
    return out


def compile_all() -> int:
    for language in LANGUAGES:
        for domain, data in compiled(language).items():
            target = PACKAGE / language / "LC_MESSAGES" / f"{domain}.mo"
            if not target.exists() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                print(f"compiled {target.relative_to(ROOT)}")
    return 0


# ---------------------------------------------------------------- status
def counts(path: Path) -> dict:
    catalogue = read(path)
    messages = [m for m in catalogue if m.id]
    return {
        "translated": sum(1 for m in messages if m.string and not m.fuzzy),
        "fuzzy": sum(1 for m in messages if m.fuzzy),
        "untranslated": sum(1 for m in messages if not m.string),
    }


def status(pages: list[str]) -> int:
    paths = []
    for language in LANGUAGES:
        folder = PAGES / language / "LC_MESSAGES"
        paths += [folder / f"{p}.po" for p in pages] if pages else sorted(folder.rglob("*.po"))
        if not pages:
            paths += sorted((PACKAGE / language / "LC_MESSAGES").glob("*.po"))
    incomplete = 0
    for path in paths:
        if not path.exists():
            print(f"{path.relative_to(ROOT)}: missing (run make locale)")
            incomplete += 1
            continue
        c = counts(path)
        mark = "" if c["fuzzy"] == c["untranslated"] == 0 else "   <- to do"
        incomplete += bool(mark)
        print(f"{path.relative_to(ROOT)}: {c['translated']} translated, {c['fuzzy']} fuzzy, {c['untranslated']} untranslated{mark}")
    return 1 if incomplete else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("figures")
    commands.add_parser("package")
    commands.add_parser("compile")
    status_parser = commands.add_parser("status")
    status_parser.add_argument("pages", nargs="*", help="e.g. book/04_rmsprop (default: every catalogue)")
    args = parser.parse_args(argv)
    if args.command == "figures":
        return add_figures()
    if args.command == "package":
        return update_package()
    if args.command == "compile":
        return compile_all()
    return status(args.pages)


if __name__ == "__main__":
    sys.exit(main())
