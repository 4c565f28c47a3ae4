"""Generate tests/reference/torch_reference.npz: torch.optim trajectories for the agreement tests.

    pip install -e ".[torch]"          # torch==2.13.0, CPU
    python tests/reference/make_torch_reference.py

Each case feeds the same sequence of 200 gradients (seeded, with scales spanning five orders of
magnitude across coordinates and a large-then-small envelope in time, so that every state variable
matters — AMSGrad's maximum included) to one torch.optim optimizer in float64, open loop, and records
the parameters after every step.  The tests (tests/test_optimizers_torch.py) feed the same gradients to
gdcourse and need no torch.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

STEPS = 200
DIM = 6
OUT = Path(__file__).with_name("torch_reference.npz")

# name -> (gdcourse class, gdcourse keywords, torch class, torch keywords)
CASES = {
    "GD": ("GD", {"eta": 0.1}, "SGD", {"lr": 0.1}),
    "Momentum": ("Momentum", {"eta": 0.05, "alpha": 0.9}, "SGD", {"lr": 0.05, "momentum": 0.9}),
    "Momentum-0.5": ("Momentum", {"eta": 0.2, "alpha": 0.5}, "SGD", {"lr": 0.2, "momentum": 0.5}),
    "Nesterov": ("Nesterov", {"eta": 0.05, "alpha": 0.9}, "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    "AdaGrad": ("AdaGrad", {"eta": 0.1, "eps": 1e-10}, "Adagrad", {"lr": 0.1, "eps": 1e-10}),
    "AdaGrad-eps": ("AdaGrad", {"eta": 0.1, "eps": 0.1}, "Adagrad", {"lr": 0.1, "eps": 0.1}),
    "RMSProp": ("RMSProp", {"eta": 0.01, "gamma": 0.9, "eps": 1e-8}, "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-8}),
    "RMSProp-torch-defaults": ("RMSProp", {"eta": 0.01, "gamma": 0.99, "eps": 1e-8}, "RMSprop", {}),
    "RMSProp-eps": ("RMSProp", {"eta": 0.01, "gamma": 0.99, "eps": 1e-2}, "RMSprop", {"lr": 0.01, "alpha": 0.99, "eps": 1e-2}),
    "AdaDelta": ("AdaDelta", {"eta": 1.0, "rho": 0.95, "eps": 1e-6}, "Adadelta", {"lr": 1.0, "rho": 0.95, "eps": 1e-6}),
    "AdaDelta-torch-defaults": ("AdaDelta", {"eta": 1.0, "rho": 0.9, "eps": 1e-6}, "Adadelta", {}),
    "AdaDelta-lr": ("AdaDelta", {"eta": 0.5, "rho": 0.9, "eps": 1e-4}, "Adadelta", {"lr": 0.5, "rho": 0.9, "eps": 1e-4}),
    "Adam": ("Adam", {}, "Adam", {}),
    "Adam-custom": ("Adam", {"eta": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3}, "Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-3}),
    "AdamW": ("AdamW", {}, "AdamW", {}),
    "AdamW-custom": ("AdamW", {"eta": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1}, "AdamW", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8, "weight_decay": 0.1}),
    "AMSGrad": ("AMSGrad", {}, "Adam", {"amsgrad": True}),
    "AMSGrad-custom": ("AMSGrad", {"eta": 0.01, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6}, "Adam", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-6, "amsgrad": True}),
}


def gradients(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal(DIM)
    scale = np.geomspace(1e-3, 1e2, DIM)  # per coordinate
    envelope = np.where(np.arange(STEPS) < 50, 3.0, 0.3)[:, None]  # large, then small: AMSGrad's max matters
    return w0, envelope * scale * rng.standard_normal((STEPS, DIM))


def torch_trajectory(torch_name: str, kwargs: dict, w0: np.ndarray, grads: np.ndarray) -> np.ndarray:
    param = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    # foreach=False: the single-tensor path, which is the reference implementation in torch.optim.
    optimizer = getattr(torch.optim, torch_name)([param], foreach=False, **kwargs)
    path = np.empty((len(grads) + 1, len(w0)))
    path[0] = w0
    for k, g in enumerate(grads):
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        path[k + 1] = param.detach().numpy()
    return path


def main() -> None:
    arrays, meta = {}, {"torch": torch.__version__, "steps": STEPS, "dim": DIM, "cases": {}}
    for seed, (case, (ours, our_kwargs, theirs, their_kwargs)) in enumerate(CASES.items()):
        w0, grads = gradients(seed)
        arrays[f"{case}/grads"] = grads
        arrays[f"{case}/path"] = torch_trajectory(theirs, their_kwargs, w0, grads)
        meta["cases"][case] = {"gdcourse": ours, "kwargs": our_kwargs, "torch": theirs, "torch_kwargs": {k: list(v) if isinstance(v, tuple) else v for k, v in their_kwargs.items()}}
    arrays["meta"] = np.array(json.dumps(meta, indent=1))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({len(CASES)} cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
