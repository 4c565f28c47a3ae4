"""The explorers on the built site: latency from an input event to the redrawn figure, and page weight.

    .venv/bin/python benchmarks/explorer_latency.py            # after `make site`; about a minute
    .venv/bin/python benchmarks/explorer_latency.py --quick    # a few rounds: checks that it runs

In headless Chromium (Debian's, as the site tests use it) on the built chapter pages, each case moves one
control many times, in turn with the other cases (so that the machine's load hits them alike), and
measures, per event:

- *handler*: from dispatching the ``input`` event to the figure's DOM being updated (the re-run with the
  generated kernels and the redraw happen synchronously in the handler);
- *to layout*: the same plus the browser's style and layout of the new figure (forced), i.e. the work of
  the frame;
- *to next frame*: until a callback after the next animation frame, which also waits for the display's
  next frame (up to one frame at 60 Hz: ~16.7 ms).

The target is one frame, 16 ms, for "to layout".  It also prints what an explorer adds to a page (gzip)
and what the pages no longer load.  Timings are measured here only; the tests never assert them.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import statistics
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

# (name, page, which explorer, control key, settings to start from)
CASES = [
    ("Momentum, α slider, 200 steps", "book/02_momentum", 0, "alpha", {}),
    ("Momentum, α slider, 2000 steps", "book/02_momentum", 0, "alpha", {"steps": 2000}),
    ("Momentum vs Nesterov, η slider, 200 steps", "book/02_momentum", 1, "eta", {}),
    ("(ηλ, α) plane, ηλ slider, 100 steps", "book/02_momentum", "plane", "eta_lambda", {}),
    ("AdaGrad, η slider, rare features (minibatches), 2000 steps", "book/03_adagrad", 0, "eta", {"problem": "rare features", "steps": 2000}),
    ("Adam, β₁ slider, Rosenbrock, 2000 steps", "book/05_adam", 0, "beta1", {"problem": "Rosenbrock", "steps": 2000}),
    ("AdamW vs Adam + L2, η slider, 1500 steps", "book/06_beyond", 0, "eta", {}),
]

MEASURE = """async ([which, key, settings, rounds]) => {
  const roots = which === "plane" ? document.querySelectorAll('[data-gdcourse-figure]') : document.querySelectorAll('[data-gdcourse-explorer]');
  const root = roots[which === "plane" ? 0 : which];
  const api = root.gdcourseExplorer || root.gdcourseFigure;
  if (Object.keys(settings).length) api.set(settings);
  const range = root.querySelector(`[data-key="${key}"] input[type=range]`);
  const lo = Number(range.min), hi = Number(range.max);
  const handler = [], layout = [], frame = [];
  for (let i = 0; i < rounds; i++) {
    range.value = String(i % 2 ? lo + (hi - lo) * 0.4 : lo + (hi - lo) * 0.6);
    const t0 = performance.now();
    range.dispatchEvent(new Event("input", { bubbles: true }));
    const t1 = performance.now();
    root.querySelector(".gdx-figures").getBoundingClientRect();  // style and layout of the redrawn figure
    document.body.offsetHeight;
    const t2 = performance.now();
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const t3 = performance.now();
    handler.push(t1 - t0); layout.push(t2 - t0); frame.push(t3 - t0);
  }
  return { handler, layout, frame };
}"""


def serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def page_weight() -> list[tuple[str, str]]:
    rows = []
    explorer = SITE / "_static" / "explorer"
    module = sum(len(gzip.compress(p.read_bytes(), 9)) for p in explorer.glob("*.js"))
    raw = sum(p.stat().st_size for p in explorer.glob("*.js"))
    rows.append(("explorer module + loader, per page that has an explorer (gzip)", f"{module / 1000:.1f} kB ({raw / 1000:.0f} kB raw)"))
    vendor = SITE / "_static" / "vendor"
    removed = [vendor / "require.js", vendor / "html-manager" / "embed-amd.js"]
    if all(p.exists() for p in removed):
        gone = sum(len(gzip.compress(p.read_bytes(), 9)) for p in removed)
        rows.append(("no longer loaded by any page: require.js + HTML manager (gzip)", f"{gone / 1000:.0f} kB ({sum(p.stat().st_size for p in removed) / 1e6:.1f} MB raw)"))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few rounds only")
    args = parser.parse_args(argv)
    rounds, repeats = (5, 1) if args.quick else (40, 5)
    if not (SITE / "index.html").exists():
        print(f"{SITE} has no built site: run `make site` first", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print("Chromium is not installed (`apt-get install chromium`)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    httpd, base = serve(SITE)
    samples = {name: {"handler": [], "layout": [], "frame": []} for name, *_ in CASES}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            pages = {}
            for _, page, *_ in CASES:
                if page not in pages:
                    tab = browser.new_page(viewport={"width": 1280, "height": 900})
                    tab.goto(f"{base}{page}.html", wait_until="networkidle")
                    tab.wait_for_function("() => [...document.querySelectorAll('[data-gdcourse-mount]')].every(e => e.dataset.gdcourseMounted)")
                    pages[page] = tab
            for repeat in range(repeats):  # the cases take turns, so that the machine's load hits all alike
                order = CASES if repeat % 2 == 0 else CASES[::-1]
                for name, page, which, key, settings in order:
                    pages[page].bring_to_front()
                    result = pages[page].evaluate(MEASURE, [which, key, settings, rounds])
                    for part in samples[name]:
                        samples[name][part] += result[part]
            browser.close()
    finally:
        httpd.shutdown()

    print(f"Explorer latency in headless Chromium ({repeats} × {rounds} input events per case; medians)")
    print(f"{'case':62s} {'handler':>9s} {'to layout':>10s} {'to next frame':>14s} {'layout / 16 ms':>15s}")
    for name, parts in samples.items():
        handler, layout, frame = (statistics.median(parts[p]) for p in ("handler", "layout", "frame"))
        print(f"{name:62s} {handler:7.2f} ms {layout:8.2f} ms {frame:12.2f} ms {layout / 16:14.2f}×")
    print()
    for what, value in page_weight():
        print(f"{what:70s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
