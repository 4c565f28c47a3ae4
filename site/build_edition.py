"""Build the Korean edition of the book, or the English messages its catalogues are made from.

    python site/build_edition.py ko        # the Korean HTML edition, into _build/ko/html (then moved into _build/html/ko)
    python site/build_edition.py gettext   # the English messages of every page, into _build/gettext/*.pot

The English edition is Jupyter Book's own build (``jupyter-book build .``).  The Korean edition is the
same Sphinx project with ``language = "ko"``: Jupyter Book's configuration (_config.yml, _toc.yml),
the same notebooks, the same execution cache filled once by site/execute.py, its own doctrees — a
translated doctree is not an English one — and the settings of :data:`EDITION_SETTINGS`, which are
configuration and so cannot go through the page catalogues.  It is built beside the English site and
moved into it only when it is complete, so that the two builds can run at once without one's post-
processing of its pages (site/sphinx_reader.py, site/sphinx_maths.py) walking into the other's.

The gettext build needs no execution: outputs are never messages (site/sphinx_language.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"

#: What differs from _config.yml in each translated edition (configuration is not in the catalogues).
EDITION_SETTINGS = {
    "ko": {
        "language": "ko",
        "html_title": "경사 하강법: 모멘텀에서 Adam까지",
        "project": "경사 하강법: 모멘텀에서 Adam까지",
        "author": "gdcourse 저자들",
        # MyST-NB's toggles of hidden code cells ({type} would be English: "source", "outputs")
        "nb_code_prompt_show": "코드 셀 보기",
        "nb_code_prompt_hide": "코드 셀 숨기기",
    },
}


def overrides(extra: dict) -> dict:
    """The configuration Jupyter Book's command line passes, plus ``extra``."""
    return {"external_toc_path": (ROOT / "_toc.yml").as_posix(), "latex_individualpages": False, **extra}


def build(builder: str, outdir: Path, doctrees: Path, settings: dict) -> int:
    from jupyter_book.sphinx import build_sphinx

    result = build_sphinx(
        ROOT, outdir, noconfig=True, path_config=str(ROOT / "_config.yml"), confoverrides=overrides(settings),
        doctreedir=doctrees, builder=builder, warningiserror=True, keep_going=True, force_all=True, freshenv=True,
    )
    return result if isinstance(result, int) else 1


def build_translation(language: str) -> int:
    """The edition in ``language``: _build/<language>/html, moved to _build/html/<language> when complete."""
    staging = BUILD / language
    if staging.exists():
        shutil.rmtree(staging)
    started = time.perf_counter()
    status = build("html", staging / "html", staging / ".doctrees", EDITION_SETTINGS[language])
    if status != 0:
        return status
    target = BUILD / "html" / language
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    (staging / "html").rename(target)
    print(f"built the {language} edition into {target.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s")
    return 0


def build_messages() -> int:
    """The English messages of every page: _build/gettext/<page>.pot (one per page)."""
    out = BUILD / "gettext"
    if out.exists():
        shutil.rmtree(out)
    return build("gettext", out, BUILD / ".doctrees-gettext", {"nb_execution_mode": "off"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=[*EDITION_SETTINGS, "gettext"])
    args = parser.parse_args(argv)
    if args.what == "gettext":
        return build_messages()
    return build_translation(args.what)


if __name__ == "__main__":
    sys.exit(main())
