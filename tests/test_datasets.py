"""gdcourse.datasets: the shipped digits data is the file its README describes."""

import hashlib
from importlib import resources

import numpy as np

from gdcourse.datasets import load_digits


def test_digits_file_has_the_documented_checksum():
    data = resources.files("gdcourse.data").joinpath("digits.csv.gz").read_bytes()
    readme = resources.files("gdcourse.data").joinpath("README.md").read_text()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
    assert digest in readme and "CC BY 4.0" in readme


def test_digits_shapes_ranges_and_classes():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 16
    assert sorted(np.unique(y)) == list(range(10))
    assert np.bincount(y).min() >= 170  # roughly balanced
    assert not X.flags.writeable and load_digits()[0] is X
