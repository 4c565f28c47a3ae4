"""The explorer's committed bundle is what a fresh build of site/explorer gives, and the module is whole."""

import re

from browser_support import unavailable

from gdcourse.explorer import bundle
from gdcourse.explorer.kernels import module_prefix


def test_committed_bundle_equals_a_fresh_build(tmp_path):
    try:
        bundle.esbuild()
    except FileNotFoundError as missing:
        unavailable(str(missing))
    fresh = bundle.build(tmp_path / "explorer.bundle.js")
    assert fresh.read_bytes() == bundle.BUNDLE.read_bytes(), (
        "gdcourse/explorer/static/explorer.bundle.js is out of date with site/explorer/: run `make explorer-bundle` and commit it"
    )


def test_module_is_the_generated_kernels_then_the_bundle():
    source = bundle.module_source()
    assert source == module_prefix() + bundle.BUNDLE.read_text(encoding="utf-8")
    assert "GDCOURSE" in bundle.BUNDLE.read_text(encoding="utf-8")  # the bundle reads the generated constant
    assert re.search(r"export\s*\{[^}]*\bmountAll\b", source) and re.search(r"export\s*\{[^}]*\bas default\b", source)
    loader = bundle.page_loader()
    assert re.search(r'import \{ mountAll \} from "\./gdcourse-explorer\.js\?v=[0-9a-f]{12}";', loader)
