"""Generate tests/reference/torch_schedules.npz: torch.optim.lr_scheduler values and scheduled trajectories.

    pip install -e ".[torch]"          # torch==2.13.0, CPU
    python tests/reference/make_torch_schedule_reference.py

Three kinds of case, each recorded in the usual training loop (``optimizer.step()``, then
``scheduler.step()``, so step r runs with the scheduler's ``last_epoch = r - 1``):

- ``lr/<case>``: the learning rate each optimizer step used, read from ``param_groups`` before the step;
- ``path/<case>``: the parameters after every step of a torch.optim optimizer driven by a scheduler, fed
  the same seeded gradients as tests/reference/make_torch_reference.py (open loop, float64);
- ``radam/<case>``: the same for ``torch.optim.RAdam``, against which the tests check
  :func:`gdcourse.schedules.radam_rectification`.

The meta entry says, for every case, which gdcourse schedule and optimizer should reproduce it. The tests
(tests/test_schedules.py) need no torch.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
from torch.optim import lr_scheduler as S

from make_torch_reference import gradients

OUT = Path(__file__).with_name("torch_schedules.npz")
STEPS = 200  # of the scheduled trajectories


def schedule(name: str, **kwargs) -> dict:
    return {"class": name, "kwargs": kwargs}


def warmup(inner: dict, steps: int, start_factor: float) -> dict:
    return schedule("LinearWarmup", schedule=inner, steps=steps, start_factor=start_factor)


# name -> (steps, base lr, gdcourse schedule, a function making the torch scheduler, how torch is called)
LR_CASES = {
    "StepLR": (60, 0.1, schedule("StepDecay", eta=0.1, step_size=7, factor=0.5),
               lambda o: S.StepLR(o, step_size=7, gamma=0.5), "StepLR(step_size=7, gamma=0.5)"),
    "StepLR-1": (20, 0.3, schedule("StepDecay", eta=0.3, step_size=1, factor=0.9),
                 lambda o: S.StepLR(o, step_size=1, gamma=0.9), "StepLR(step_size=1, gamma=0.9)"),
    "MultiStepLR": (60, 0.2, schedule("MultiStepDecay", eta=0.2, milestones=[10, 25, 40], factor=0.3),
                    lambda o: S.MultiStepLR(o, milestones=[10, 25, 40], gamma=0.3), "MultiStepLR(milestones=[10, 25, 40], gamma=0.3)"),
    "ExponentialLR": (100, 0.05, schedule("ExponentialDecay", eta=0.05, factor=0.95),
                      lambda o: S.ExponentialLR(o, gamma=0.95), "ExponentialLR(gamma=0.95)"),
    "LambdaLR-inverse-time": (100, 0.5, schedule("InverseTimeDecay", eta=0.5, tau=10.0, power=1.0),
                              lambda o: S.LambdaLR(o, lambda t: (1 + t / 10.0) ** -1.0), "LambdaLR(lambda t: (1 + t/10)**-1)"),
    "LambdaLR-inverse-sqrt": (100, 0.5, schedule("InverseTimeDecay", eta=0.5, tau=4.0, power=0.5),
                              lambda o: S.LambdaLR(o, lambda t: (1 + t / 4.0) ** -0.5), "LambdaLR(lambda t: (1 + t/4)**-0.5)"),
    "CosineAnnealingLR": (51, 0.1, schedule("CosineAnnealing", eta=0.1, T=50, eta_min=0.001),
                          lambda o: S.CosineAnnealingLR(o, T_max=50, eta_min=0.001), "CosineAnnealingLR(T_max=50, eta_min=0.001)"),
    "CosineAnnealingLR-long": (1001, 1.0, schedule("CosineAnnealing", eta=1.0, T=1000),
                               lambda o: S.CosineAnnealingLR(o, T_max=1000), "CosineAnnealingLR(T_max=1000)"),
    # Beyond T_max PyTorch's cosine climbs back up; gdcourse's stays at eta_min (the tests check both).
    "CosineAnnealingLR-beyond": (80, 0.1, schedule("CosineAnnealing", eta=0.1, T=50, eta_min=0.001),
                                 lambda o: S.CosineAnnealingLR(o, T_max=50, eta_min=0.001), "CosineAnnealingLR(T_max=50, eta_min=0.001)"),
    "CosineAnnealingWarmRestarts": (45, 0.1, schedule("CosineWarmRestarts", eta=0.1, T0=10, T_mult=1, eta_min=0.01),
                                    lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=1, eta_min=0.01),
                                    "CosineAnnealingWarmRestarts(T_0=10, T_mult=1, eta_min=0.01)"),
    "CosineAnnealingWarmRestarts-mult": (160, 0.1, schedule("CosineWarmRestarts", eta=0.1, T0=5, T_mult=2),
                                         lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2),
                                         "CosineAnnealingWarmRestarts(T_0=5, T_mult=2)"),
    "CosineAnnealingWarmRestarts-mult3": (200, 0.1, schedule("CosineWarmRestarts", eta=0.1, T0=2, T_mult=3, eta_min=0.005),
                                          lambda o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3, eta_min=0.005),
                                          "CosineAnnealingWarmRestarts(T_0=2, T_mult=3, eta_min=0.005)"),
    "LinearLR": (30, 0.1, warmup(schedule("Constant", eta=0.1), 8, 0.1),
                 lambda o: S.LinearLR(o, start_factor=0.1, total_iters=8), "LinearLR(start_factor=0.1, total_iters=8)"),
    "SequentialLR-warmup-cosine": (
        110, 0.1, warmup(schedule("CosineAnnealing", eta=0.1, T=100), 10, 0.01),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.01, total_iters=10), S.CosineAnnealingLR(o, T_max=100)], milestones=[10]),
        "SequentialLR([LinearLR(start_factor=0.01, total_iters=10), CosineAnnealingLR(T_max=100)], milestones=[10])"),
    "SequentialLR-warmup-step": (
        50, 0.2, warmup(schedule("StepDecay", eta=0.2, step_size=10, factor=0.5), 5, 0.25),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=5), S.StepLR(o, step_size=10, gamma=0.5)], milestones=[5]),
        "SequentialLR([LinearLR(start_factor=0.25, total_iters=5), StepLR(step_size=10, gamma=0.5)], milestones=[5])"),
    "SequentialLR-warmup-exponential": (
        40, 0.05, warmup(schedule("ExponentialDecay", eta=0.05, factor=0.9), 4, 0.2),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=4), S.ExponentialLR(o, gamma=0.9)], milestones=[4]),
        "SequentialLR([LinearLR(start_factor=0.2, total_iters=4), ExponentialLR(gamma=0.9)], milestones=[4])"),
    "SequentialLR-warmup-restarts": (
        60, 0.1, warmup(schedule("CosineWarmRestarts", eta=0.1, T0=10, T_mult=2, eta_min=0.001), 6, 0.5),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=6), S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.001)], milestones=[6]),
        "SequentialLR([LinearLR(start_factor=0.5, total_iters=6), CosineAnnealingWarmRestarts(T_0=10, T_mult=2, eta_min=0.001)], milestones=[6])"),
    # over the 200 steps of the trajectories below
    "SequentialLR-warmup-cosine-200": (
        200, 0.1, warmup(schedule("CosineAnnealing", eta=0.1, T=180, eta_min=0.001), 20, 0.01),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.01, total_iters=20), S.CosineAnnealingLR(o, T_max=180, eta_min=0.001)], milestones=[20]),
        "SequentialLR([LinearLR(start_factor=0.01, total_iters=20), CosineAnnealingLR(T_max=180, eta_min=0.001)], milestones=[20])"),
    "SequentialLR-warmup-step-200": (
        200, 0.5, warmup(schedule("StepDecay", eta=0.5, step_size=40, factor=0.5), 10, 0.1),
        lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=10), S.StepLR(o, step_size=40, gamma=0.5)], milestones=[10]),
        "SequentialLR([LinearLR(start_factor=0.1, total_iters=10), StepLR(step_size=40, gamma=0.5)], milestones=[10])"),
    "StepLR-200": (200, 0.1, schedule("StepDecay", eta=0.1, step_size=50, factor=0.2),
                   lambda o: S.StepLR(o, step_size=50, gamma=0.2), "StepLR(step_size=50, gamma=0.2)"),
    "MultiStepLR-200": (200, 0.01, schedule("MultiStepDecay", eta=0.01, milestones=[60, 120, 160], factor=0.3),
                        lambda o: S.MultiStepLR(o, milestones=[60, 120, 160], gamma=0.3), "MultiStepLR(milestones=[60, 120, 160], gamma=0.3)"),
    "ExponentialLR-200": (200, 0.01, schedule("ExponentialDecay", eta=0.01, factor=0.99),
                          lambda o: S.ExponentialLR(o, gamma=0.99), "ExponentialLR(gamma=0.99)"),
    "CosineAnnealingWarmRestarts-200": (200, 0.05, schedule("CosineWarmRestarts", eta=0.05, T0=10, T_mult=2),
                                        lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2), "CosineAnnealingWarmRestarts(T_0=10, T_mult=2)"),
    "LambdaLR-inverse-time-200": (200, 0.5, schedule("InverseTimeDecay", eta=0.5, tau=10.0, power=1.0),
                                  lambda o: S.LambdaLR(o, lambda t: (1 + t / 10.0) ** -1.0), "LambdaLR(lambda t: (1 + t/10)**-1)"),
}

# name -> (gdcourse optimizer, its keywords except eta, torch optimizer, its keywords except lr, LR case giving the schedule)
PATH_CASES = {
    "SGD-momentum-StepLR": ("SGDMomentum", {"alpha": 0.9}, "SGD", {"momentum": 0.9}, "StepLR-200"),
    "SGD-momentum-warmup-cosine": ("SGDMomentum", {"alpha": 0.9}, "SGD", {"momentum": 0.9}, "SequentialLR-warmup-cosine-200"),
    "SGD-nesterov-warmup-cosine": ("SGDMomentum", {"alpha": 0.8, "nesterov": True}, "SGD", {"momentum": 0.8, "nesterov": True}, "SequentialLR-warmup-cosine-200"),
    "SGD-momentum-restarts": ("SGDMomentum", {"alpha": 0.5}, "SGD", {"momentum": 0.5}, "CosineAnnealingWarmRestarts-200"),
    "SGD-StepLR": ("GD", {}, "SGD", {}, "StepLR-200"),
    "Adam-StepLR": ("Adam", {}, "Adam", {}, "StepLR-200"),
    "Adam-warmup-cosine": ("Adam", {"beta1": 0.9, "beta2": 0.99}, "Adam", {"betas": (0.9, 0.99)}, "SequentialLR-warmup-cosine-200"),
    "AdamW-warmup-cosine": ("AdamW", {"weight_decay": 0.1}, "AdamW", {"weight_decay": 0.1}, "SequentialLR-warmup-cosine-200"),
    "AMSGrad-exponential": ("AMSGrad", {}, "Adam", {"amsgrad": True}, "ExponentialLR-200"),
    "RMSProp-multistep": ("RMSProp", {"gamma": 0.9}, "RMSprop", {"alpha": 0.9}, "MultiStepLR-200"),
    "AdaGrad-inverse-time": ("AdaGrad", {}, "Adagrad", {}, "LambdaLR-inverse-time-200"),
    "AdaDelta-warmup-step": ("AdaDelta", {"rho": 0.9, "eps": 1e-6}, "Adadelta", {"rho": 0.9, "eps": 1e-6}, "SequentialLR-warmup-step-200"),
}

RADAM_CASES = {  # name -> (lr, betas, eps)
    "RAdam": (0.01, (0.9, 0.999), 1e-8),
    "RAdam-beta2-0.99": (0.05, (0.8, 0.99), 1e-6),
}


def parameter(w0) -> torch.nn.Parameter:
    return torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))


def learning_rates(make_scheduler, lr: float, steps: int) -> np.ndarray:
    param = parameter(np.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    scheduler = make_scheduler(optimizer)
    rates = np.empty(steps)
    for k in range(steps):
        rates[k] = optimizer.param_groups[0]["lr"]  # what step k + 1 uses
        param.grad = torch.zeros(1, dtype=torch.float64)
        optimizer.step()
        scheduler.step()
    return rates


def scheduled_path(torch_name, kwargs, lr, make_scheduler, w0, grads):
    param = parameter(w0)
    optimizer = getattr(torch.optim, torch_name)([param], lr=lr, foreach=False, **kwargs)
    scheduler = make_scheduler(optimizer)
    path = np.empty((len(grads) + 1, len(w0)))
    path[0] = w0
    for k, g in enumerate(grads):
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        scheduler.step()
        path[k + 1] = param.detach().numpy()
    return path


def radam_path(lr, betas, eps, w0, grads):
    param = parameter(w0)
    optimizer = torch.optim.RAdam([param], lr=lr, betas=betas, eps=eps, foreach=False)
    path = np.empty((len(grads) + 1, len(w0)))
    path[0] = w0
    for k, g in enumerate(grads):
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        path[k + 1] = param.detach().numpy()
    return path


def plain(value):
    return list(value) if isinstance(value, tuple) else value


def main() -> None:
    arrays = {}
    meta = {"torch": torch.__version__, "steps": STEPS, "lr": {}, "path": {}, "radam": {}}
    for case, (steps, lr, ours, make, theirs) in LR_CASES.items():
        arrays[f"lr/{case}"] = learning_rates(make, lr, steps)
        meta["lr"][case] = {"schedule": ours, "torch": theirs, "lr": lr, "steps": steps}
    for seed, (case, (ours, our_kwargs, theirs, their_kwargs, lr_case)) in enumerate(PATH_CASES.items(), start=100):
        w0, grads = gradients(seed)
        steps, lr, schedule_spec, make, description = LR_CASES[lr_case]
        assert steps == STEPS, lr_case
        arrays[f"path/{case}/grads"] = grads
        arrays[f"path/{case}/path"] = scheduled_path(theirs, their_kwargs, lr, make, w0, grads)
        meta["path"][case] = {
            "gdcourse": ours, "kwargs": our_kwargs, "schedule": schedule_spec,
            "torch": theirs, "torch_kwargs": {k: plain(v) for k, v in their_kwargs.items()}, "scheduler": description,
        }
    for seed, (case, (lr, betas, eps)) in enumerate(RADAM_CASES.items(), start=200):
        w0, grads = gradients(seed)
        arrays[f"radam/{case}/grads"] = grads
        arrays[f"radam/{case}/path"] = radam_path(lr, betas, eps, w0, grads)
        meta["radam"][case] = {"lr": lr, "betas": list(betas), "eps": eps}
    arrays["meta"] = np.array(json.dumps(meta, indent=1))
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({len(LR_CASES)} schedules, {len(PATH_CASES)} trajectories, {len(RADAM_CASES)} RAdam runs; torch {torch.__version__})")
    assert math.isfinite(sum(float(a.sum()) for a in arrays.values() if a.dtype.kind == "f"))


if __name__ == "__main__":
    main()
