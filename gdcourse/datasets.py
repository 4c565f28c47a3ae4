"""Small real datasets shipped inside the package (nothing is downloaded).

``digits`` — the UCI "Optical Recognition of Handwritten Digits" test set as
distributed with scikit-learn: 1797 images of 8×8 pixels with values 0..16,
labels 0..9.  Source, licence (CC BY 4.0) and checksum are in
``gdcourse/data/README.md``.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["load_digits"]


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    with resources.files("gdcourse.data").joinpath("digits.csv.gz").open("rb") as raw:
        table = np.loadtxt(gzip.open(raw, "rt"), delimiter=",", dtype=np.int64)
    images, labels = table[:, :-1], table[:, -1]
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)``: X of shape (1797, 64) with pixel counts 0..16, y in 0..9.

    Alpaydin & Kaynak (1998), UCI Machine Learning Repository,
    doi:10.24432/C50P49.  The arrays are read-only and shared between calls.
    """
    return _digits()
