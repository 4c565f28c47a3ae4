"""The explorer as a Jupyter widget: anywidget's own front end renders the same module.

JupyterLab, Notebook 7, VS Code and Colab all render widgets with @jupyter-widgets/base; ipywidgets' HTML
manager (pinned in site/package.json) uses the same base without a kernel.  Here the widget's state, as
Python's ``ipywidgets.embed`` writes it, is rendered by the HTML manager with anywidget's front end (the
``nbextension`` that the anywidget package ships) in Chromium, offline: the explorer appears, computes
what gdcourse computes, and its controls work.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import shutil
import threading
from pathlib import Path

import anywidget
import numpy as np
import pytest
from ipywidgets.embed import dependency_state, embed_data

from browser_support import ROOT, Visit, unavailable

import gdcourse
from gdcourse import widgets

MANAGER = ROOT / "site" / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js"
REQUIRE = ROOT / "site" / "node_modules" / "requirejs" / "require.js"
ANYWIDGET = Path(anywidget.__file__).parent / "nbextension" / "index.js"


@pytest.fixture
def page_of(tmp_path):
    if not (MANAGER.exists() and REQUIRE.exists()):
        unavailable(f"{MANAGER} is missing: run `npm ci` in site/ (or `make env`)")
    shutil.copyfile(MANAGER, tmp_path / "embed-amd.js")
    shutil.copyfile(REQUIRE, tmp_path / "require.js")
    shutil.copyfile(ANYWIDGET, tmp_path / "anywidget.js")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def write(*figures) -> str:
        # only these widgets' state: widgets other tests left alive in the process are not on this page
        data = embed_data(views=list(figures), drop_defaults=False, state=dependency_state(list(figures), drop_defaults=False))
        views = "\n".join(
            f'<script type="application/vnd.jupyter.widget-view+json">{html.escape(json.dumps(spec), quote=False)}</script>'
            for spec in data["view_specs"]
        )
        (tmp_path / "index.html").write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><link rel='icon' href='data:,'>"
            # anywidget's front end, from the Python package, where the HTML manager looks for "anywidget"
            "<script src='require.js'></script><script>require.config({paths: {anywidget: 'anywidget'}});</script>"
            "<script src='embed-amd.js'></script>"
            f"<script type='application/vnd.jupyter.widget-state+json'>{json.dumps(data['manager_state'])}</script>"
            f"</head><body>{views}</body></html>",
            encoding="utf-8",
        )
        return f"http://127.0.0.1:{httpd.server_address[1]}/index.html"

    yield write
    httpd.shutdown()


def test_anywidget_renders_the_explorer_with_the_same_numbers(page_of, browser):
    explorer = widgets.compare(gdcourse.Momentum, gdcourse.Nesterov, eta=1.0, alpha=0.9)
    plane = widgets.momentum_plane()
    visit = Visit(browser, page_of(explorer, plane))
    try:
        visit.page.wait_for_selector("[data-gdcourse-explorer]", timeout=30000)
        visit.page.wait_for_selector("[data-gdcourse-figure]", timeout=30000)
        api = "document.querySelector('[data-gdcourse-explorer]').gdcourseExplorer"
        assert visit.page.evaluate(f"() => [{api}.settings(0), {api}.settings(1)]") == [explorer.settings_of(0), explorer.settings_of(1)]
        for i in (0, 1):
            path = np.array(visit.page.evaluate(f"() => {api}.trajectory({i})"), dtype=float)
            assert np.array_equal(path, explorer.trajectory(i).w)
        # the reader moves α: the page recomputes, in the widget's own model
        root = visit.page.locator("[data-gdcourse-explorer]")
        slider = root.locator("[data-key=alpha] input[type=range]")
        slider.focus()
        slider.press("ArrowLeft")
        moved = visit.page.evaluate(f"() => {api}.settings(1)")
        assert moved["alpha"] == 0.89
        assert np.array_equal(np.array(visit.page.evaluate(f"() => {api}.trajectory(1)"), dtype=float), widgets.run_settings(moved).w)
        series = visit.page.evaluate("() => document.querySelector('[data-gdcourse-figure]').gdcourseFigure.series()")
        assert np.array_equal(np.array(series, dtype=float), plane.series())
        assert visit.external == [] and visit.failed == []
        assert visit.console_errors == [], visit.console_errors
    finally:
        visit.close()


def test_anywidget_renders_an_explorer_with_a_schedule(page_of, browser):
    from gdcourse.schedules import LinearWarmup, StepDecay

    explorer = widgets.compare(gdcourse.SGDMomentum, gdcourse.Momentum, eta=LinearWarmup(StepDecay(0.5, 30), 10), alpha=0.9)
    visit = Visit(browser, page_of(explorer))
    try:
        visit.page.wait_for_selector("[data-gdcourse-explorer]", timeout=30000)
        api = "document.querySelector('[data-gdcourse-explorer]').gdcourseExplorer"
        assert visit.page.evaluate(f"() => [{api}.settings(0), {api}.settings(1)]") == [explorer.settings_of(0), explorer.settings_of(1)]
        for i in (0, 1):  # pow (factor ** k) may differ from numpy's in the last bit
            path = np.array(visit.page.evaluate(f"() => {api}.trajectory({i})"), dtype=float)
            np.testing.assert_allclose(path, explorer.trajectory(i).w, rtol=1e-12, atol=1e-300)
        # the reader picks another schedule with the keyboard: its parameters appear, the runs follow
        root = visit.page.locator("[data-gdcourse-explorer]")
        menu = root.locator("[data-key=schedule] select")
        menu.focus()
        menu.press("ArrowDown")  # StepDecay -> ExponentialDecay
        moved = visit.page.evaluate(f"() => {api}.settings(0)")
        assert moved["schedule"] == {"name": "ExponentialDecay", "factor": 0.99, "warmup": 10}
        assert root.locator("[data-key='ExponentialDecay.factor']").is_visible()
        assert not root.locator("[data-key='StepDecay.factor']").is_visible()
        path = np.array(visit.page.evaluate(f"() => {api}.trajectory(0)"), dtype=float)
        np.testing.assert_allclose(path, widgets.run_settings(moved).w, rtol=1e-12, atol=1e-300)
        assert visit.external == [] and visit.failed == []
        assert visit.console_errors == [], visit.console_errors
    finally:
        visit.close()
