"""Benchmarks of issue 12's package parts: the digits MLP as the book runs it, and the cost of a schedule.

    .venv/bin/python benchmarks/mlp_and_schedules.py            # about a minute
    .venv/bin/python benchmarks/mlp_and_schedules.py --quick    # tiny sizes: checks that the script runs

6. The MLP (64-32-10 tanh on the digits): ``gdcourse.run`` of Adam and of SGD with momentum for 500, 1000
   and 2000 minibatch steps (the training loss on all 1438 images recorded at every step, as ``run`` does),
   side by side with the same network, initial weights, minibatches and loss record in torch (float64,
   ``nn.Linear`` layers, autograd), whose final loss must agree with gdcourse's to 1e-9.  Target: a book run
   of up to 2000 steps takes at most 2 s.
7. A schedule: the per-step cost of Adam on a 2-D problem with a constant η and with warm-up + cosine.
8. ``gdcourse.checkpoints`` against ``gdcourse.run`` on the MLP, as chapters 6 and 8 use it: a batch of 9
   networks (one η per row) for 300 steps; ``run`` evaluates the training loss on all 1438 images after
   every step, ``checkpoints`` keeps the weights every 10 steps and the validation loss of the 31
   checkpoints is computed afterwards in one call (included in its time).  Both give the same weights.

Contenders take turns within every round (``interleaved`` of benchmarks/run.py); medians and ratios of
medians are printed.  The tests never assert timings.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the book's build: small matrices, one BLAS thread
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import fmt, interleaved, machine, record, torch  # noqa: E402  (benchmarks/run.py)

import gdcourse  # noqa: E402
from gdcourse import problems  # noqa: E402
from gdcourse.schedules import CosineAnnealing, LinearWarmup  # noqa: E402


def gdcourse_mlp_run(optimizer, steps: int):
    problem = problems.MLP()
    return lambda: gdcourse.run(optimizer, problem, problem.start, steps).final_loss


def torch_mlp_run(name: str, steps: int):
    """The same training run in torch: same weights, same minibatches, the training loss at every step."""
    problem = problems.MLP()
    batches = [problem.next_batch() for _ in range(steps)]
    (W1, b1), (W2, b2) = gdcourse.mlp.unpack(problem.start, problem.sizes)
    X = torch.tensor(problem.X_train)
    y = torch.tensor(problem.y_train)

    def once():
        net = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.Tanh(), torch.nn.Linear(32, 10)).double()
        with torch.no_grad():
            for layer, (W, b) in zip((net[0], net[2]), ((W1, b1), (W2, b2))):
                layer.weight.copy_(torch.tensor(W.T))
                layer.bias.copy_(torch.tensor(b))
        if name == "Adam":
            optimizer = torch.optim.Adam(net.parameters(), lr=0.003, foreach=False)
        else:
            optimizer = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, foreach=False)
        loss = torch.nn.functional.cross_entropy
        losses = np.empty(steps + 1)
        for k, batch in enumerate(batches):
            with torch.no_grad():
                losses[k] = loss(net(X), y).item()
            optimizer.zero_grad()
            index = torch.from_numpy(batch)
            loss(net(X[index]), y[index]).backward()
            optimizer.step()
        with torch.no_grad():
            losses[-1] = loss(net(X), y).item()
        return losses[-1]

    return once


def mlp_runs(step_counts, rounds: int) -> None:
    print("\n6. The MLP 64-32-10 tanh on the digits: a run as the book shows it (loss recorded every step)")
    contenders_of = {
        "Adam": lambda steps: gdcourse_mlp_run(gdcourse.Adam(eta=0.003), steps),
        "SGD with momentum": lambda steps: gdcourse_mlp_run(gdcourse.Momentum(eta=0.1, alpha=0.9), steps),
    }
    for label, make in contenders_of.items():
        for steps in step_counts:
            contenders = {"gdcourse": make(steps)}
            if torch is not None:
                contenders["torch"] = torch_mlp_run("Adam" if label == "Adam" else "SGD", steps)
                ours, theirs = contenders["gdcourse"](), contenders["torch"]()
                agree = abs(ours - theirs) <= 1e-9 * abs(theirs)
                record("6 MLP", f"{label}, {steps} steps: final loss gdcourse / torch", f"{ours:.6f} / {theirs:.6f}",
                       "equal" if agree else "DIFFER")
            t = interleaved(contenders, rounds=rounds, repeat=1)
            record("6 MLP", f"{label}, {steps} steps: gdcourse.run (median)", fmt(t["gdcourse"]), "≤ 2 s")
            if torch is not None:
                record("6 MLP", f"{label}, {steps} steps: torch, same run (median)", fmt(t["torch"]))
                record("6 MLP", f"{label}, {steps} steps: gdcourse / torch", f"{t['gdcourse'] / t['torch']:.2f}")


def schedule_cost(rounds: int, repeat: int) -> None:
    print("\n7. A schedule: Adam's step on a 2-D problem, constant η against warm-up + cosine")
    w, g = np.array([1.0, -2.0]), np.array([0.5, -3.0])
    constant = gdcourse.Adam(eta=0.01)
    scheduled = gdcourse.Adam(eta=LinearWarmup(CosineAnnealing(0.01, T=10**9), steps=100, start_factor=0.1))
    t = interleaved({"constant": lambda: constant.step(w, g), "scheduled": lambda: scheduled.step(w, g)}, rounds, repeat)
    record("7 schedule", "Adam step, constant η (median)", fmt(t["constant"]))
    record("7 schedule", "Adam step, LinearWarmup(CosineAnnealing) (median)", fmt(t["scheduled"]))
    record("7 schedule", "scheduled / constant", f"{t['scheduled'] / t['constant']:.2f}")


def checkpoint_cost(steps: int, rounds: int) -> None:
    print(f"\n8. The MLP, 9 networks at once for {steps} steps: gdcourse.run against gdcourse.checkpoints")
    net = problems.MLP()
    etas = np.logspace(-3, 1, 9)[:, None]
    w0 = np.tile(net.start, (len(etas), 1))

    def with_run():
        return gdcourse.run(gdcourse.Adam(eta=etas), net, w0, steps).w[-1]

    def with_checkpoints():
        c = gdcourse.checkpoints(gdcourse.Adam(eta=etas), net, w0, steps, every=10)
        net.loss(c.w, "validation")  # what the chapters then compute from the checkpoints
        return c.w[-1]

    same = np.array_equal(with_run(), with_checkpoints())
    record("8 checkpoints", "final weights of run and checkpoints", "equal" if same else "DIFFER", "equal")
    t = interleaved({"run": with_run, "checkpoints": with_checkpoints}, rounds=rounds, repeat=1)
    record("8 checkpoints", f"gdcourse.run, 9 networks x {steps} steps (median)", fmt(t["run"]))
    record("8 checkpoints", "gdcourse.checkpoints, every 10, + validation loss (median)", fmt(t["checkpoints"]))
    record("8 checkpoints", "run / checkpoints", f"{t['run'] / t['checkpoints']:.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, few rounds: only checks that everything runs")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    if args.quick:
        mlp_runs([20], rounds=1)
        schedule_cost(rounds=2, repeat=100)
        checkpoint_cost(20, rounds=1)
    else:
        mlp_runs([500, 1000, 2000], rounds=5)
        schedule_cost(rounds=15, repeat=20_000)
        checkpoint_cost(300, rounds=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
