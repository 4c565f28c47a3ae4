"""Copy the JavaScript the site needs from site/node_modules into site/static/vendor (the build serves it).

    cd site && npm ci && cd .. && python site/vendor.py

The published pages load require.js and the ipywidgets HTML manager from the site itself, never from a
CDN, so that the course works offline (see site/sphinx_offline.py).  MathJax is not copied: the maths is
typeset at build time by site/maths/typeset.js, straight from node_modules (site/sphinx_maths.py).  The versions are pinned in
site/package.json and site/package-lock.json.  The destination is rebuilt from scratch on every run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
DESTINATION = HERE / "static" / "vendor"

def copy_widgets() -> None:
    source = MODULES / "@jupyter-widgets" / "html-manager" / "dist"
    target = DESTINATION / "html-manager"
    target.mkdir(parents=True)
    for path in source.iterdir():
        # the AMD bundle and the fonts its CSS refers to; not the CommonJS bundle or source maps
        if path.name == "embed-amd.js" or path.suffix in {".woff", ".woff2", ".ttf", ".eot", ".svg"}:
            shutil.copy2(path, target / path.name)
    shutil.copy2(MODULES / "requirejs" / "require.js", DESTINATION / "require.js")


def main() -> int:
    if not MODULES.is_dir():
        print(f"{MODULES} is missing: run `npm ci` in {HERE} first", file=sys.stderr)
        return 1
    if DESTINATION.exists():
        shutil.rmtree(DESTINATION)
    DESTINATION.mkdir(parents=True)
    copy_widgets()
    (DESTINATION / "widgets-assets.js").write_text(WIDGETS_ASSETS, encoding="utf-8")
    size = sum(p.stat().st_size for p in DESTINATION.rglob("*") if p.is_file())
    print(f"vendored {size / 1e6:.1f} MB into {DESTINATION}")
    return 0


# The HTML manager's bundle names itself "@jupyter-widgets/html-manager/dist/libembed-amd" to RequireJS and
# derives the address of its fonts from where RequireJS says that module lives; by default that is a path
# relative to the page, where nothing is.  A global `require` defined before require.js loads is read as
# its configuration: map the module's folder to the folder next to this script, wherever the page sits.
WIDGETS_ASSETS = """\
// Loaded before require.js and @jupyter-widgets/html-manager (see site/vendor.py).
var require = {paths: {"@jupyter-widgets/html-manager/dist": new URL("html-manager", document.currentScript.src).href}};
"""

if __name__ == "__main__":
    sys.exit(main())
