"""gdcourse equals torch.optim: the committed reference trajectories (no torch needed here).

tests/reference/make_torch_reference.py fed 200 gradients to each torch.optim optimizer in float64 and
saved the parameters after every step; we feed the same gradients to gdcourse (open loop).
"""

import json
from pathlib import Path

import numpy as np
import pytest

import gdcourse

REFERENCE = np.load(Path(__file__).parent / "reference" / "torch_reference.npz")
META = json.loads(str(REFERENCE["meta"]))
CASES = META["cases"]


def test_reference_covers_every_mapping_of_the_issue():
    pairs = {(c["gdcourse"], c["torch"], bool(c["torch_kwargs"].get("nesterov")), bool(c["torch_kwargs"].get("amsgrad"))) for c in CASES.values()}
    assert pairs >= {
        ("GD", "SGD", False, False),
        ("Momentum", "SGD", False, False),
        ("Nesterov", "SGD", True, False),
        ("AdaGrad", "Adagrad", False, False),
        ("RMSProp", "RMSprop", False, False),
        ("AdaDelta", "Adadelta", False, False),
        ("Adam", "Adam", False, False),
        ("AdamW", "AdamW", False, False),
        ("AMSGrad", "Adam", False, True),
    }
    assert META["steps"] == 200
    assert META["torch"].startswith("2.")


@pytest.mark.parametrize("case", sorted(CASES))
def test_gdcourse_equals_torch_optim_over_200_steps(case):
    spec = CASES[case]
    grads, path = REFERENCE[f"{case}/grads"], REFERENCE[f"{case}/path"]
    optimizer = getattr(gdcourse, spec["gdcourse"])(**spec["kwargs"])
    w = path[0].copy()
    relative = np.empty(len(grads))
    displacement = np.empty(len(grads))
    for k, g in enumerate(grads):
        w = optimizer.step(w, g)
        error = np.linalg.norm(w - path[k + 1])
        relative[k] = error / np.linalg.norm(path[k + 1])
        displacement[k] = error / np.linalg.norm(path[k + 1] - path[0])
    assert relative.max() <= 1e-12, f"worst step {relative.argmax() + 1}: {relative.max():.2e}"
    # Stricter: relative to how far the weights moved, not to their size.
    assert displacement.max() <= 1e-10, f"worst step {displacement.argmax() + 1}: {displacement.max():.2e}"
    # The trajectory went somewhere: the comparison is not between two standing points.
    assert np.linalg.norm(path[-1] - path[0]) > 1e-3


def test_rmsprop_defaults_differ_from_torch_only_in_gamma():
    # gdcourse follows Hinton's lecture (gamma = 0.9); torch's RMSprop defaults alpha to 0.99.
    spec = CASES["RMSProp-torch-defaults"]
    assert spec["torch_kwargs"] == {}
    assert spec["kwargs"] == {**gdcourse.RMSProp().hyperparameters, "gamma": 0.99}
