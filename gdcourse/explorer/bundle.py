"""The explorer's JavaScript module: the generated kernels followed by the committed bundle.

The bundle (``static/explorer.bundle.js``) is the explorer's user interface — ``site/explorer/*.js``
with the parts of d3 it uses — built by esbuild from the npm packages pinned in
``site/package-lock.json``.  It is committed, because a ``pip install`` from git has no npm, and
``tests/test_explorer_bundle.py`` checks that a fresh build equals the committed file.  Rebuild it
after changing ``site/explorer/``::

    make explorer-bundle          # or: .venv/bin/python -m gdcourse.explorer build

The kernels (:mod:`gdcourse.explorer.kernels`) are generated from gdcourse whenever the module is
asked for, so a change to an optimizer's ``update`` reaches the page at the next build without a
rebuild of the bundle.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from pathlib import Path

from gdcourse.explorer.kernels import module_prefix

__all__ = ["BUNDLE", "SOURCES", "MODULE_NAME", "build", "module_source", "page_loader"]

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "static" / "explorer.bundle.js"
#: In a checkout of the repository: the sources of the bundle and the npm packages it is built from.
SITE = HERE.parents[1] / "site"
SOURCES = SITE / "explorer"
ESBUILD_ARGUMENTS = [
    "--bundle",
    "--format=esm",
    "--minify",
    "--target=es2020",
    "--loader:.css=text",
    "--legal-comments=eof",
    "--charset=utf8",
]


def esbuild() -> Path:
    path = SITE / "node_modules" / ".bin" / "esbuild"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `npm ci` in {SITE} (or `make env`)")
    return path


def build(out: Path = BUNDLE) -> Path:
    """Bundle ``site/explorer/index.js`` (and what it imports, d3 included) into ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(esbuild()), str(SOURCES / "index.js"), *ESBUILD_ARGUMENTS, f"--outfile={out}", "--log-level=warning"],
        check=True,
        cwd=SITE,
    )
    return out


@functools.lru_cache(maxsize=1)
def module_source() -> str:
    """The ES module that anywidget and the site load: ``const GDCOURSE = …;`` then the bundle."""
    if not BUNDLE.exists():
        raise FileNotFoundError(f"{BUNDLE} is missing: run `make explorer-bundle`")
    return module_prefix() + BUNDLE.read_text(encoding="utf-8")


#: The module's file name on the site (``_static/explorer/``), beside the loader ``page.js``.
MODULE_NAME = "gdcourse-explorer.js"


def page_loader() -> str:
    """The page's loader: mounts every explorer of a page.  The module's hash in its address makes a
    browser fetch a changed module instead of a cached one."""
    digest = hashlib.sha256(module_source().encode("utf-8")).hexdigest()[:12]
    return (
        "// Loaded by the pages that show an explorer (site/sphinx_explorer.py): mounts each of them.\n"
        f'import {{ mountAll }} from "./{MODULE_NAME}?v={digest}";\n\nmountAll(document);\n'
    )
