"""Shared test helpers: example hyperparameters for every optimizer."""

import numpy as np
import pytest

import gdcourse
from gdcourse import optimizers

ALL_OPTIMIZERS = [
    optimizers.GD,
    optimizers.Momentum,
    optimizers.Nesterov,
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



def pytest_collection_modifyitems(config, items):
    """Run the slowest groups first (the chapter pages in a browser, the batch grader, the notebooks), so
    that with two pytest-xdist workers no long group starts last.  The order within a group (a notebook's
    cells) is kept."""

    def rank(item):
        nodeid = item.nodeid
        if "TestChapterPages" in nodeid:
            return 0
        if nodeid.startswith("tests/test_grading.py"):
            return 1
        if item.path.suffix == ".ipynb":
            return 2
        return 3

    items.sort(key=rank)  # stable
