"""Page weight (gzip bytes, as a static host serves them) and first contentful paint of the built site.

    .venv/bin/python benchmarks/site_weight.py [--runs 5]

Chromium (Debian's) loads each page of the table of contents with its network throttled to 10 Mbit/s and
40 ms latency (DevTools' Network.emulateNetworkConditions) and an empty cache; the script prints, per
page, the bytes transferred (each response gzip-compressed at level 6) and the median first contentful
paint over the runs.  Timings depend on the machine's load: the lead re-runs this on a quiet machine.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import CHROMIUM, CHROMIUM_FLAGS, PAGES, SITE  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    print(f"{'page':28s} {'kB (gzip)':>10s} {'requests':>9s} {'FCP median (ms)':>16s}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for page_name in PAGES:
            paints, size, count = [], 0, 0
            for run in range(args.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40,
                         "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8})
                responses = []
                page.on("response", lambda r: responses.append(r))
                page.goto(f"{base}{page_name}.html", wait_until="networkidle")
                paints.append(page.evaluate(
                    "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN"))
                if run == 0:
                    bodies = [r.body() for r in responses if r.status == 200]
                    size, count = sum(len(gzip.compress(b, 6)) for b in bodies), len(bodies)
                context.close()
            print(f"{page_name:28s} {size / 1e3:10.0f} {count:9d} {statistics.median(paints):16.0f}")
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
