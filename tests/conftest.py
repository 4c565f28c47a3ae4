"""Shared test helpers: example hyperparameters for every optimizer."""

import functools
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from browser_support import CHROMIUM, CHROMIUM_FLAGS, SITE, unavailable

import gdcourse
from gdcourse import optimizers

ALL_OPTIMIZERS = [
    optimizers.GD,
    optimizers.Momentum,
    optimizers.Nesterov,
    optimizers.SGDMomentum,
    optimizers.AdaGrad,
    optimizers.RMSProp,
    optimizers.AdaDelta,
    optimizers.Adam,
    optimizers.AdamW,
    optimizers.AMSGrad,
]


def random_hyperparameters(cls, rng, shape=()):
    """Valid, non-trivial hyperparameters for cls, drawn from rng (arrays of `shape`, or floats)."""
    draw = {
        "eta": lambda: rng.uniform(0.001, 0.1, shape),
        "alpha": lambda: rng.uniform(0.0, 0.95, shape),
        "gamma": lambda: rng.uniform(0.5, 0.999, shape),
        "rho": lambda: rng.uniform(0.5, 0.99, shape),
        "beta1": lambda: rng.uniform(0.0, 0.95, shape),
        "beta2": lambda: rng.uniform(0.9, 0.9999, shape),
        "eps": lambda: 10.0 ** rng.uniform(-8, -1, shape),
        "weight_decay": lambda: rng.uniform(0.0, 0.2, shape),
    }
    values = {name: draw[name]() for name in cls.hyperparameter_names}
    if shape == ():
        values = {name: float(v) for name, v in values.items()}
    return values


@pytest.fixture(params=ALL_OPTIMIZERS, ids=lambda cls: cls.__name__)
def optimizer_class(request):
    return request.param


@pytest.fixture
def rng():
    return np.random.default_rng(20261125)


__all__ = ["ALL_OPTIMIZERS", "random_hyperparameters", "gdcourse"]


# ---------------------------------------------------------------- the built site, in a browser
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server():
    if not (SITE / "index.html").exists():
        unavailable(f"{SITE} has no built site: run `make site` (or `make test`) first")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed: `sudo apt-get install chromium` (Debian) to run the site tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed: `pip install -r requirements.txt`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()



def pytest_collection_modifyitems(config, items):
    """Run the slowest groups first (the chapter pages in a browser, the batch grader, the notebooks), so
    that with two pytest-xdist workers no long group starts last.  The order within a group (a notebook's
    cells) is kept."""

    def rank(item):
        nodeid = item.nodeid
        if "TestChapterPages" in nodeid:
            return 0
        if nodeid.startswith("tests/test_grading") or item.get_closest_marker("grading"):
            return 1
        if item.path.suffix == ".ipynb":
            return 2
        return 3

    items.sort(key=rank)  # stable
