"""Every explorer of the built site, in Chromium, as a student uses it — with no kernel.

For each explorer of each chapter page:
- what it draws is gdcourse.run: for ≥ 5 settings (start moved, a hyperparameter changed, the problem
  switched, a diverging setting, every schedule of an explorer with a schedule, …) the path read from the
  page equals ``gdcourse.widgets.run_settings(settings)`` to 1e-9 relative, it diverges at the same step,
  its status line says what gdcourse says, and the learning rates it draws are the schedule's;
- every control redraws the figure (its pixels change), and works with the keyboard alone: each
  control takes the focus, shows a focus ring and reacts to its keys; the start point moves with the
  arrow keys, a click and a drag;
- at 390 px wide no control overlaps another and nothing is wider than the page; in dark mode the
  text keeps its contrast;
- no console error, no request to another host, and no widget manager (require.js, the HTML manager).
Screenshots go to _build/screenshots/ (explorers-<page>-<n>-<width>[-dark].png).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from browser_support import CHAPTERS, EDITION_CHAPTERS, EDITION_PAGES, ROOT, SCREENSHOTS, SITE, Visit, edition_of, screenshot_name, unavailable, url

from gdcourse import analysis
from gdcourse.explorer import kernels
from gdcourse.explorer.bundle import MODULE_NAME
from gdcourse.explorer.settings import schedule_of
from gdcourse.widgets import run_settings

CATALOGUE = kernels.problem_catalogue()
EXPLORERS = "[data-gdcourse-explorer]"
PLANES = '[data-gdcourse-figure="momentum-plane"]'
# A second value for a hyperparameter, within its slider's range.
OTHER = {"eta": None, "alpha": 0.5, "gamma": 0.8, "rho": 0.9, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.05, "l2": 0.05}
TYPED = {"eta": "0.01", "alpha": "0.3", "gamma": "0.5", "rho": "0.5", "beta1": "0.5", "beta2": "0.9", "eps": "0.1",
         "weight_decay": "0.5", "l2": "0.5", "steps": "40", "eta_lambda": "3.5",
         "step_size": "10", "factor": "0.5", "tau": "10", "power": "0.5", "T": "60", "warmup": "10"}
SHOWN = {}  # page -> True once its explorers were photographed


# --------------------------------------------------------------------------- what gdcourse says
@functools.lru_cache(maxsize=1)
def strings() -> dict:
    """The explorers' words by language, read from site/explorer/strings.js by node."""
    module = (ROOT / "site" / "explorer" / "strings.js").as_uri()
    script = f"import('{module}').then((m) => console.log(JSON.stringify(m.STRINGS)))"
    return json.loads(subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True).stdout)


def say(language: str, key: str, **values) -> str:
    """strings.js's t(key, values) in ``language`` (English where the language has no such key)."""
    template = strings().get(language, {}).get(key) or strings()["en"][key]
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def status_of(settings: dict, trajectory, language: str = "en") -> str:
    """The status line gdcourse's numbers give, in the page's language (strings.js)."""
    if trajectory.diverged:
        what, kind = re.fullmatch(r"diverged at step \d+: the (weights|loss|gradient) became (inf|NaN)", trajectory.reason).groups()
        diverged = say(language, "statusDiverged", k=trajectory.diverged_at, what=say(language, what), kind=kind)
        return f"{diverged} — {say(language, 'hintDiverged')}"
    base = CATALOGUE[settings["problem"]]
    gap = float(base.f(trajectory.w[-1])) - (base.f_min or 0.0)
    return say(language, "statusOk", steps=trajectory.steps, gap=f"{gap:.3g}")


def cases_for(settings: list[dict], runs: list[dict]) -> list[tuple[dict, int, str]]:
    """Settings to try on an explorer: (changes, run index, what kind of change)."""
    first = settings[0]
    optimizer = kernels.optimizer_class(first["optimizer"])
    (x0, x1), (y0, y1) = CATALOGUE[first["problem"]].window
    cases = [
        ({}, 0, "initial"),
        ({"start": [round(x0 + 0.3 * (x1 - x0), 2), round(y0 + 0.7 * (y1 - y0), 2)]}, 0, "start"),
        ({"start": [round(x0 + 0.8 * (x1 - x0), 2), round(y0 + 0.2 * (y1 - y0), 2)]}, 0, "start"),
        ({"eta": first["eta"] / 2}, 0, "hyperparameter"),
        ({"steps": 60}, 0, "steps"),
    ]
    for name in optimizer.hyperparameter_names[1:2]:
        cases.append(({name: OTHER[name]}, 0, "hyperparameter"))
    for flag in kernels.flags_of(optimizer):
        if flag in runs[0]["bind"]:
            cases.append(({flag: not first[flag]}, 0, "flag"))
    for key in CATALOGUE:
        if key != first["problem"]:
            cases.append(({"problem": key}, 0, "problem"))
    cases.append(({"problem": "Rosenbrock", "eta": 1e160}, 0, "diverging"))  # the loss overflows at step 1
    if not optimizer.state_names or first["optimizer"] in ("Momentum", "Nesterov"):
        cases.append(({"problem": "Rosenbrock", "eta": 0.05}, 0, "diverging"))  # thrown up the wall, a few steps
    if len(runs) > 1:
        for name, key in runs[1]["bind"].items():
            if key != name and name in OTHER and OTHER[name] is not None:  # a control of the second run only
                cases.append(({name: OTHER[name]}, 1, "hyperparameter"))
    scheduled = next((s["schedule"] for s in settings if "schedule" in s), None)
    if scheduled is not None:
        i = next(k for k, s in enumerate(settings) if "schedule" in s)
        for name, (_, defaults) in kernels.SCHEDULES.items():
            for warmup in (0, 25):
                cases.append(({"schedule": {"name": name, **defaults, "warmup": warmup}}, i, "schedule"))
        cases.append(({"warmup": 40, "eta": first["eta"] * 2}, i, "schedule"))
    return cases


# --------------------------------------------------------------------------- the page
def site_or_skip():
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` first")


def open_page(browser, server, page: str, width: int = 1280, dark: bool = False) -> Visit:
    # dark: what the theme's switch does (pydata-sphinx-theme keeps the choice in localStorage)
    dark_mode = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
    visit = Visit(browser, url(server, page), width=width, init_script=dark_mode if dark else None)
    if dark:
        assert visit.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    visit.page.wait_for_function("() => [...document.querySelectorAll('[data-gdcourse-mount]')].every(e => e.dataset.gdcourseMounted)")
    return visit


def photograph(visit: Visit, locator, name: str) -> None:
    """A screenshot of one explorer, without the page's sticky header and buttons over it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.add_style_tag(content=".bd-header, .skip-link, #pst-back-to-top, .bd-header-article { visibility: hidden !important; }")
    box = locator.evaluate("e => { const b = e.getBoundingClientRect(); return {x: b.left + scrollX, y: b.top + scrollY, width: b.width, height: b.height}; }")
    margin = 6
    clip = {"x": max(0, box["x"] - margin), "y": max(0, box["y"] - margin), "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin}
    visit.page.screenshot(path=str(SCREENSHOTS / name), full_page=True, clip=clip, animations="disabled")


def healthy(visit: Visit) -> None:
    assert visit.external == [], f"requests to other hosts: {visit.external}"
    assert visit.console_errors == [], f"console errors: {visit.console_errors}"
    assert visit.failed == [], f"failed requests: {visit.failed}"


RUN_CASES = """([j, cases]) => {
  const api = document.querySelectorAll('[data-gdcourse-explorer]')[j].gdcourseExplorer;
  const runs = [...Array(api.runs).keys()];
  const initial = runs.map((i) => api.settings(i));
  const reset = () => runs.forEach((i) => api.set(initial[i], i));
  // every pow moved by one ulp, up and down in turn: a run that this moves by more than 1e-9 amplifies
  // last-bit differences beyond the tolerance (chaos, Adam hovering at a minimum)
  const nativePow = Math.pow, bits = new DataView(new ArrayBuffer(8));
  let flip = 1;
  const nudged = (x, y) => { const p = nativePow(x, y); if (!Number.isFinite(p) || p === 0) return p;
    bits.setFloat64(0, p); bits.setBigInt64(0, bits.getBigInt64(0) + BigInt(flip = -flip)); return bits.getFloat64(0); };
  const out = cases.map(([changes, i]) => {
    reset();
    api.set(changes, i);
    const seen = runs.map((k) => ({ settings: api.settings(k), path: api.trajectory(k), result: api.result(k), rates: api.rates(k) }));
    Math.pow = nudged; flip = 1;
    try { api.set({}, 0); return { seen, nudged: runs.map((k) => api.trajectory(k)) }; } finally { Math.pow = nativePow; }
  });
  reset();
  return out;
}"""


def _moved(a, b) -> bool:
    a, b = np.array(a, dtype=float).reshape(-1, 2), np.array(b, dtype=float).reshape(-1, 2)
    return a.shape != b.shape or (len(a) > 0 and bool(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)) > 1e-9))


def check_exact(visit: Visit, j: int, language: str = "en") -> None:
    api = f"document.querySelectorAll('{EXPLORERS}')[{j}].gdcourseExplorer"
    count = visit.page.evaluate(f"() => {api}.runs")
    settings = visit.page.evaluate(f"() => [...Array({count}).keys()].map((i) => {api}.settings(i))")
    runs = _spec_runs(visit, j)
    cases = cases_for(settings, runs)
    answers = visit.page.evaluate(RUN_CASES, [j, [[c, i] for c, i, _ in cases]])
    checked = {}
    for (changes, i, kind), answer in zip(cases, answers):
        for k, seen in enumerate(answer["seen"]):
            if _moved(seen["path"], answer["nudged"][k]):
                continue  # pow's last bit moves this run by more than the tolerance: not a fair comparison
            want = run_settings(seen["settings"])
            label = f"explorer {j}, run {k}, {kind} {changes}: {seen['settings']}"
            path = np.array(seen["path"], dtype=float).reshape(-1, 2)
            assert path.shape == want.w.shape, label
            np.testing.assert_allclose(path, want.w, rtol=1e-9, atol=1e-300, err_msg=label)
            assert seen["result"]["divergedAt"] == want.diverged_at, label
            assert seen["result"]["status"].endswith(status_of(seen["settings"], want, language)), (label, seen["result"]["status"])
            s = seen["settings"]
            if "schedule" in s:  # the η_r panel draws the schedule's values (cos may differ in the last bit)
                rates = schedule_of(s["schedule"], s["eta"]).values(s["steps"]) if s["steps"] else np.zeros(0)
                np.testing.assert_allclose(seen["rates"], rates, rtol=4e-16, atol=1e-15 * s["eta"], err_msg=label)
            else:
                assert seen["rates"] == [s["eta"]] * s["steps"], label
            if k == i:
                checked[kind] = checked.get(kind, 0) + 1
    assert sum(checked.values()) >= 5, checked
    for kind in ("start", "hyperparameter", "problem", "diverging") + (("schedule",) if any("schedule" in s for s in settings) else ()):
        assert checked.get(kind), f"explorer {j}: no {kind} setting could be compared ({checked})"


def _spec_runs(visit: Visit, j: int) -> list[dict]:
    """The runs of explorer j, from its placeholder (the spec gdcourse.widgets wrote)."""
    return visit.page.evaluate(
        f"""() => {{
        const root = document.querySelectorAll('{EXPLORERS}')[{j}];
        return JSON.parse(root.closest('[data-gdcourse-mount]').dataset.gdcourseMount).spec.runs;
    }}"""
    )


def check_plane(visit: Visit, language: str = "en") -> None:
    cases = [{}, {"eta_lambda": 0.5}, {"alpha": 0.3}, {"eta_lambda": 3.9}, {"eta_lambda": 0.02, "alpha": 0.2}, {"steps": 2000, "eta_lambda": 4.4}]
    for changes in cases:
        seen = visit.page.evaluate(
            f"""(changes) => {{ const api = document.querySelector('{PLANES}').gdcourseFigure;
                const initial = api.settings(); api.set(changes);
                const out = {{settings: api.settings(), series: api.series(), result: api.result()}}; api.set(initial); return out; }}""",
            changes,
        )
        s = seen["settings"]
        want = analysis.eigendirection_run(s["eta_lambda"], s["alpha"], s["steps"])
        np.testing.assert_allclose(np.array(seen["series"], dtype=float), want.w[:, 0], rtol=1e-9, atol=1e-300, err_msg=str(s))
        assert seen["result"]["divergedAt"] == want.diverged_at, s
        assert seen["result"]["rate"] == float(analysis.momentum_rate(s["eta_lambda"], s["alpha"]))
        regime = int(analysis.momentum_regime(s["eta_lambda"], s["alpha"]))
        assert seen["result"]["regime"] == regime
        words = {"real roots": "realRoots", "complex roots": "complexRoots", "diverges": "diverges"}
        assert say(language, words[analysis.REGIMES[regime]]) in seen["result"]["status"]
    assert want.diverged  # the last case overflows: the page says so at the same step


# --------------------------------------------------------------------------- controls and keyboard
def figure_pixels(root) -> bytes:
    return root.locator(".gdx-figures").screenshot(animations="disabled")


def state_of(visit: Visit, root_selector: str, j: int) -> str:
    return visit.page.evaluate(
        f"""() => {{ const root = document.querySelectorAll('{root_selector}')[{j}];
        const api = root.gdcourseExplorer || root.gdcourseFigure;
        return JSON.stringify(root.gdcourseExplorer ? [...Array(api.runs).keys()].map((i) => [api.settings(i), api.trajectory(i)]) : [api.settings(), api.series()]); }}"""
    )


def focus_ring(control) -> tuple[str, float]:
    style = control.evaluate("e => { const s = getComputedStyle(e); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    return style[0], style[1]


def exercise_field(visit: Visit, root_selector: str, j: int, field) -> None:
    """Every control of one field: the keyboard changes it, it shows a focus ring, the figure redraws."""
    page = visit.page
    root = page.locator(root_selector).nth(j)
    key = field.get_attribute("data-key")
    name = re.sub(r"_\d$", "", key).split(".")[-1]  # "eta_2" -> "eta", "StepDecay.factor" -> "factor"
    for control, how in _controls_of(field):
        before_state, before_pixels = state_of(visit, root_selector, j), figure_pixels(root)
        control.focus()
        if how == "range":
            # the keyboard: an arrow key moves the value one position (and announces it by its value)
            value = control.input_value()
            at_end = control.evaluate("e => Number(e.value) >= Number(e.max)")
            control.press("ArrowLeft" if at_end else "ArrowRight")
            assert control.input_value() != value, f"{key}: the arrow key did not move the slider"
            assert control.get_attribute("aria-valuetext") == field.locator("input[type=number]").input_value(), key
            label = field.locator("label").inner_text()
            assert page.get_by_role("slider", name=label, exact=True).count() >= 1, f"{key}: the slider is not announced as {label!r}"
            assert state_of(visit, root_selector, j) != before_state, f"{key}: an arrow key changed nothing"
            control.press("Home" if at_end else "End")  # and a large move, which must show
        elif how == "number":
            typed = TYPED.get(name) or _inside_window(visit, root_selector, j, key)
            if control.input_value() == typed:
                typed = str(float(typed) / 2)
            control.fill(typed)
            control.press("Enter")
        elif how == "select":
            value = control.input_value()
            control.press("ArrowDown")
            if control.input_value() == value:
                control.press("ArrowUp")
            assert control.input_value() != value, f"{key}: the arrow keys did not change the problem"
        elif how == "checkbox":
            control.press("Space")
        ring = focus_ring(control)
        assert ring[0] != "none" and ring[1] >= 2, f"{key} ({how}): no visible focus ring: {ring}"
        assert state_of(visit, root_selector, j) != before_state, f"{key} ({how}): the settings did not change"
        assert figure_pixels(root) != before_pixels, f"{key} ({how}): the figure did not change"


def check_controls(visit: Visit, root_selector: str, j: int) -> None:
    page = visit.page
    root = page.locator(root_selector).nth(j)
    fields = root.locator(".gdx-field")
    assert fields.count() >= 3
    for f in range(fields.count()):
        if fields.nth(f).is_visible():  # a schedule's parameters show only while it is chosen
            exercise_field(visit, root_selector, j, fields.nth(f))
    menu = root.locator("[data-key=schedule] select")
    if menu.count():
        # every schedule: choose it with the keyboard, then work each of its own parameters
        names = menu.evaluate("e => [...e.options].map((o) => o.value)")
        for name in names:
            menu.focus()
            for _ in range(len(names)):
                if menu.input_value() == name:
                    break
                menu.press("ArrowDown" if names.index(menu.input_value()) < names.index(name) else "ArrowUp")
            assert menu.input_value() == name
            own = root.locator(f'.gdx-field[data-key^="{name}."]')
            for f in range(own.count()):
                assert own.nth(f).is_visible(), f"{name}: its parameter {own.nth(f).get_attribute('data-key')} is hidden"
                exercise_field(visit, root_selector, j, own.nth(f))
            others = root.locator(f'.gdx-field[data-key*="."]:not([data-key^="{name}."])')
            assert all(not others.nth(f).is_visible() for f in range(others.count())), f"{name}: another schedule's parameters show"
    # the start point (the ring on the plot): arrow keys, a click on the plot, a drag
    marker = root.locator(".gdx-start")
    before_state, before_pixels = state_of(visit, root_selector, j), figure_pixels(root)
    marker.focus()
    marker.press("ArrowRight")
    marker.press("ArrowDown")
    ring = focus_ring(marker)
    assert ring[0] != "none" and ring[1] >= 2, f"the start point shows no focus ring: {ring}"
    assert state_of(visit, root_selector, j) != before_state, "the arrow keys did not move the start point"
    assert figure_pixels(root) != before_pixels
    area = root.locator(".gdx-plot-area")
    box = area.bounding_box()
    before_state = state_of(visit, root_selector, j)
    if root_selector == EXPLORERS:
        area.click(position={"x": box["width"] * 0.7, "y": box["height"] * 0.3})
        assert state_of(visit, root_selector, j) != before_state, "a click on the plot did not move the start point"
        mark = marker.bounding_box()
        page.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.6, steps=5)
        page.mouse.up()
        after_drag = state_of(visit, root_selector, j)
        assert after_drag != before_state, "dragging the start point did not move it"
    else:
        page.mouse.move(box["x"] + box["width"] * 0.15, box["y"] + box["height"] * 0.2)
        assert state_of(visit, root_selector, j) != before_state, "the pointer over the plane did not pick a point"
    healthy(visit)


def _controls_of(field):
    for selector, how in (("input[type=range]", "range"), ("input[type=number]", "number"), ("select", "select"), ("input[type=checkbox]", "checkbox")):
        locator = field.locator(selector)
        if locator.count():
            yield locator.first, how


def _inside_window(visit: Visit, root_selector: str, j: int, key: str) -> str:
    problem = visit.page.evaluate(f"() => document.querySelectorAll('{root_selector}')[{j}].gdcourseExplorer.settings().problem")
    (x0, x1), (y0, y1) = CATALOGUE[problem].window
    return str(round(x0 + 0.25 * (x1 - x0), 2) if key == "start1" else round(y0 + 0.25 * (y1 - y0), 2))


# --------------------------------------------------------------------------- the tests
def explorers_on(page: str) -> bool:
    return "data-gdcourse-mount" in (SITE / f"{page}.html").read_text(encoding="utf-8")


class TestExact:
    @pytest.mark.parametrize("page", EDITION_CHAPTERS)
    def test_every_explorer_draws_what_gdcourse_computes(self, page, server, browser):
        site_or_skip()
        visit = open_page(browser, server, page)
        try:
            n = visit.count(EXPLORERS)
            assert n >= 1, f"{page} has no explorer"
            for j in range(n):
                check_exact(visit, j, edition_of(page))
            if visit.count(PLANES):
                check_plane(visit, edition_of(page))
            healthy(visit)
        finally:
            visit.close()


class TestControls:
    # The controls are the same code in both editions; the Korean labels, status lines and layout are
    # checked by TestExact and TestLayout, which run on both.
    @pytest.mark.parametrize("page", CHAPTERS)
    def test_every_control_redraws_and_works_with_the_keyboard(self, page, server, browser):
        site_or_skip()
        visit = open_page(browser, server, page)
        try:
            for r in range(visit.count(".gdx")):
                photograph(visit, visit.page.locator(".gdx").nth(r), f"explorers-{screenshot_name(page)}-{r}-1280.png")
            for j in range(visit.count(EXPLORERS)):
                check_controls(visit, EXPLORERS, j)
            for j in range(visit.count(PLANES)):
                check_controls(visit, PLANES, j)
        finally:
            visit.close()


class TestLayout:
    @pytest.mark.parametrize("page", EDITION_CHAPTERS)
    def test_at_390px_nothing_overlaps_and_dark_mode_is_readable(self, page, server, browser):
        site_or_skip()
        # the Korean labels are longer or shorter than the English ones, not another colour: in the Korean
        # edition the phone's layout is what can differ
        layouts = ((390, False), (390, True), (1280, True)) if edition_of(page) == "en" else ((390, False),)
        for width, dark in layouts:
            visit = open_page(browser, server, page, width=width, dark=dark)
            try:
                roots = visit.page.locator(".gdx")
                for r in range(roots.count()):
                    root = roots.nth(r)
                    root.scroll_into_view_if_needed()
                    problems = root.evaluate(OVERLAPS, width)
                    assert problems == [], f"{page} at {width}px, explorer {r}: {problems}"
                    if dark:
                        contrast = root.evaluate(CONTRAST)
                        assert contrast["text"] >= 4.5, f"{page}, explorer {r}: text contrast {contrast}"
                        assert contrast["axis"] >= 4.5, f"{page}, explorer {r}: axis labels contrast {contrast}"
                        assert contrast["lines"] >= 1.8, f"{page}, explorer {r}: contour lines contrast {contrast}"
                        assert contrast["paths"] >= 2.5, f"{page}, explorer {r}: path contrast {contrast}"
                for r in range(roots.count()):
                    photograph(visit, roots.nth(r), f"explorers-{screenshot_name(page)}-{r}-{width}{'-dark' if dark else ''}.png")
                healthy(visit)
            finally:
                visit.close()


OVERLAPS = """(root, width) => {
  const problems = [];
  const rect = (e) => e.getBoundingClientRect();
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const items = [...root.querySelectorAll('.gdx-field label, .gdx-field input, .gdx-field select, .gdx-panel, .gdx-status')]
    .filter((e) => e.offsetParent !== null).map((e) => [e.closest('[data-key]')?.dataset.key + ' ' + e.tagName.toLowerCase() + (e.type ? ':' + e.type : ''), rect(e)]);
  for (let a = 0; a < items.length; a++) for (let b = a + 1; b < items.length; b++) {
    if (meet(items[a][1], items[b][1])) problems.push(`${items[a][0]} overlaps ${items[b][0]}`);
  }
  for (const [name, r] of items) if (r.right > width + 0.5 || r.left < -0.5) problems.push(`${name} is outside the page (${r.left}..${r.right})`);
  if (root.scrollWidth > root.clientWidth + 1) problems.push(`the explorer is ${root.scrollWidth} px wide in ${root.clientWidth}`);
  return problems;
}"""
CONTRAST = """(root) => {
  const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return m.slice(0, 3); };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let node = root, background = 'rgba(0, 0, 0, 0)';
  while (node && (background === 'rgba(0, 0, 0, 0)' || background === 'transparent')) { background = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  if (background === 'rgba(0, 0, 0, 0)') background = 'rgb(255, 255, 255)';
  const axis = root.querySelector('.gdx-axis text');
  const contour = root.querySelector('.gdx-contours path') || root.querySelector('.gdx-region');
  const path = root.querySelector('.gdx-path');
  const color = (e, p) => getComputedStyle(e)[p];
  return {
    background,
    text: ratio(color(root, 'color'), background),
    axis: ratio(color(axis, 'fill'), background),
    lines: contour.classList.contains('gdx-region') ? 99 : ratio(color(contour, 'stroke'), background),
    paths: ratio(color(path, 'stroke'), background),
  };
}"""


def test_explorer_pages_load_no_widget_manager_and_the_module_is_small():
    site_or_skip()
    module = SITE / "_static" / "explorer" / MODULE_NAME
    loader = SITE / "_static" / "explorer" / "page.js"
    added = len(gzip.compress(module.read_bytes(), 9)) + len(gzip.compress(loader.read_bytes(), 9))
    print(f"an explorer adds {added / 1000:.1f} kB (gzip) to its page")
    assert added <= 300_000, f"the explorer adds {added} bytes (gzip) to its page"
    for page in EDITION_PAGES:
        html = (SITE / f"{page}.html").read_text(encoding="utf-8")
        for heavy in ("require.js", "embed-amd.js", "widget-state+json", "widgets-assets.js"):
            assert heavy not in html, f"{page} still loads {heavy}"
        assert ("explorer/page.js" in html) == explorers_on(page), page


def test_labels_follow_the_pages_language(server, browser):
    site_or_skip()
    visit = Visit(browser, url(server, "book/02_momentum"))
    try:
        # the Korean edition's pages say <html lang="ko">: the same page with that one change
        visit.page.route("**/02_momentum.html", lambda route: route.fulfill(
            response=route.fetch(), body=route.fetch().text().replace('<html lang="en"', '<html lang="ko"', 1)))
        visit.page.reload(wait_until="networkidle")
        visit.page.wait_for_function("() => document.querySelector('[data-gdcourse-explorer]')")
        root = visit.page.locator(EXPLORERS).first
        assert root.get_attribute("lang") == "ko"
        assert root.locator("label", has_text="학습률 η").count() == 1
        assert visit.page.get_by_role("slider", name="학습률 η").count() >= 1
        assert re.match(r"200단계 후: f\(w\) − f\* = ", root.locator(".gdx-status").inner_text())
        assert visit.console_errors == []
    finally:
        visit.close()


def test_the_momentum_chapter_has_the_interactive_plane():
    site_or_skip()
    html = (SITE / "book" / "02_momentum.html").read_text(encoding="utf-8")
    assert html.count("momentum-plane") >= 1 and html.count("data-gdcourse-mount") == 3
