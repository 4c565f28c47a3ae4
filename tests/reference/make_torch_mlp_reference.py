"""Generate tests/reference/torch_mlp.npz: the digits MLP trained by torch (autograd), for tests/test_mlp.py.

    pip install -e ".[torch]"          # torch==2.13.0, CPU
    python tests/reference/make_torch_mlp_reference.py

Each case builds the network of gdcourse.problems.MLP in torch (float64 ``nn.Linear`` layers), copies in
gdcourse's seeded initial weights, and trains it on exactly the minibatches gdcourse draws, recording the
training loss on all 1438 images before every step and after the last — what ``gdcourse.run`` records — and
the final weights in gdcourse's flat layout.  The tests compare ``gdcourse.run`` with them, so the
hand-written backpropagation is checked against autograd over a whole run (no torch needed there).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from gdcourse import mlp, problems  # noqa: E402

OUT = Path(__file__).with_name("torch_mlp.npz")
STEPS = 300

# name -> (activation, batch size, torch optimizer, its keywords, the gdcourse optimizer and keywords)
CASES = {
    "tanh-Adam": ("tanh", 64, "Adam", {"lr": 0.003}, ("Adam", {"eta": 0.003})),
    "tanh-SGD-momentum": ("tanh", 64, "SGD", {"lr": 0.1, "momentum": 0.9}, ("SGDMomentum", {"eta": 0.1, "alpha": 0.9})),
    "relu-AdamW": ("relu", 32, "AdamW", {"lr": 0.002, "weight_decay": 0.05}, ("AdamW", {"eta": 0.002, "weight_decay": 0.05})),
}


def network(problem: problems.MLP) -> torch.nn.Sequential:
    layers = []
    for n_in, n_out in zip(problem.sizes, problem.sizes[1:]):
        layers += [torch.nn.Linear(n_in, n_out), torch.nn.Tanh() if problem.activation == "tanh" else torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1]).double()
    linear = [m for m in net if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for layer, (W, b) in zip(linear, mlp.unpack(problem.start, problem.sizes)):
            layer.weight.copy_(torch.tensor(W.T))
            layer.bias.copy_(torch.tensor(b))
    return net


def flat_weights(net: torch.nn.Sequential) -> np.ndarray:
    parts = []
    for layer in (m for m in net if isinstance(m, torch.nn.Linear)):
        parts += [layer.weight.detach().numpy().T.ravel(), layer.bias.detach().numpy()]
    return np.concatenate(parts)


def train(activation, batch_size, torch_name, kwargs):
    problem = problems.MLP(activation=activation, batch_size=batch_size)
    net = network(problem)
    optimizer = getattr(torch.optim, torch_name)(net.parameters(), foreach=False, **kwargs)
    X, y = torch.tensor(problem.X_train), torch.tensor(problem.y_train)
    loss = torch.nn.functional.cross_entropy
    losses = np.empty(STEPS + 1)
    for k in range(STEPS):
        with torch.no_grad():
            losses[k] = loss(net(X), y).item()
        index = torch.from_numpy(problem.next_batch())
        optimizer.zero_grad()
        loss(net(X[index]), y[index]).backward()
        optimizer.step()
    with torch.no_grad():
        losses[-1] = loss(net(X), y).item()
    return losses, flat_weights(net)


def main() -> None:
    arrays, meta = {}, {"torch": torch.__version__, "steps": STEPS, "cases": {}}
    for case, (activation, batch_size, torch_name, kwargs, (ours, our_kwargs)) in CASES.items():
        arrays[f"{case}/loss"], arrays[f"{case}/w"] = train(activation, batch_size, torch_name, kwargs)
        meta["cases"][case] = {"activation": activation, "batch_size": batch_size, "torch": torch_name,
                               "torch_kwargs": kwargs, "gdcourse": ours, "kwargs": our_kwargs}
    arrays["meta"] = np.array(json.dumps(meta, indent=1))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({len(CASES)} runs of {STEPS} steps, torch {torch.__version__})")


if __name__ == "__main__":
    main()
