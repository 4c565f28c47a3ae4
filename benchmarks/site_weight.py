"""Page weight (gzip bytes, as a static host serves them) and first contentful paint of the built site.

    .venv/bin/python benchmarks/site_weight.py [--runs 5] [--pages book/intro book/02_momentum ...]

A loopback server serves _build/html as a static host does — text files (HTML, CSS, JavaScript, SVG,
JSON) gzip-compressed at level 6 when the browser accepts it — and Chromium (Debian's) loads each page of
the table of contents with an empty cache and its network throttled to 10 Mbit/s and 40 ms latency
(DevTools' Network.emulateNetworkConditions).  Per page the script prints the bytes transferred, the
number of requests and the median first contentful paint over the runs, each against its budget of
issue 10 (1.5 MB per chapter page, 600 kB per text page, FCP 1.5 s).

Timings depend on the machine's load (printed first): the lead re-runs this on a quiet machine.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import os
import re
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import CHAPTERS, CHROMIUM, CHROMIUM_FLAGS, PAGES, SITE  # noqa: E402

BUDGET_BYTES = {"chapter": 1_500_000, "text": 600_000}
BUDGET_FCP_MS = 1500.0
COMPRESSIBLE = re.compile(r"\.(html|css|js|mjs|svg|json|txt|map)$")


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """What a static host does: text gzip-compressed (level 6) for a browser that accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if not (COMPRESSIBLE.search(path.name) and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", nargs="+", default=PAGES, help="pages of _toc.yml (default: all)")
    args = parser.parse_args()
    if not (SITE / "index.html").exists():
        print(f"{SITE} has no built site: run `make site` first", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(SITE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    print(f"load average {os.getloadavg()[0]:.2f}; 10 Mbit/s, 40 ms; median of {args.runs} loads")
    print(f"{'page':28s} {'kB (gzip)':>10s} {'/ budget':>9s} {'requests':>9s} {'FCP (ms)':>9s} {'/ budget':>9s}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for page_name in args.pages:
            paints, transferred, requests = [], [], []
            for _ in range(args.runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40,
                         "downloadThroughput": 10e6 / 8, "uploadThroughput": 10e6 / 8})
                sizes = []
                cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
                page.goto(f"{base}{page_name}.html", wait_until="networkidle")
                paints.append(page.evaluate(
                    "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN"))
                transferred.append(sum(sizes))
                requests.append(len(sizes))
                context.close()
            kind = "chapter" if page_name in CHAPTERS else "text"
            size, fcp = statistics.median(transferred), statistics.median(paints)
            print(f"{page_name:28s} {size / 1e3:10.0f} {size / BUDGET_BYTES[kind]:9.2f} {statistics.median(requests):9.0f}"
                  f" {fcp:9.0f} {fcp / BUDGET_FCP_MS:9.2f}")
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
