"""gdcourse.run: trajectories, divergence, batches and sweeps."""

import math
import warnings

import numpy as np
import pytest

import gdcourse
from gdcourse import problems
from gdcourse.run import run, sweep


def test_trajectory_records_weights_and_losses_from_w0():
    q = problems.Quadratic(kappa=10)
    t = run(gdcourse.GD(eta=0.5), q, q.start, 30)
    assert t.w.shape == (31, 2) and t.loss.shape == (31,)
    np.testing.assert_array_equal(t.w[0], q.start)
    np.testing.assert_allclose(t.loss, q.f(t.w))
    # GD on a quadratic: each coordinate shrinks by (1 - eta * lambda_i) per step
    np.testing.assert_allclose(t.w[-1], q.start * (1 - 0.5 * q.eigenvalues) ** 30, rtol=1e-12)
    assert not t.diverged and t.diverged_at is None
    assert repr(t) == "Trajectory(GD(eta=0.5) on quadratic (κ=10): 30 steps)"


def test_run_does_not_touch_w0_and_is_reproducible_on_stochastic_problems():
    p = problems.Rosenbrock().with_noise(1.0, seed=1)
    w0 = p.start.copy()
    a = run(gdcourse.Adam(eta=0.05), p, w0, 50)
    b = run(gdcourse.Adam(eta=0.05), p, w0, 50)
    np.testing.assert_array_equal(w0, p.start)
    np.testing.assert_array_equal(a.w, b.w)


def test_divergence_stops_the_run_and_says_where_without_nans_or_warnings():
    q = problems.Quadratic(kappa=10)
    eta = 2.5  # > 2/L: the steep coordinate is multiplied by (1 - 2.5) = -1.5 each step
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = run(gdcourse.GD(eta=eta), q, q.start, 5000)
    # The steep coordinate is y_k = 1.5 * (-1.5)^k; the loss overflows at the first k where y_k^2 does.
    y, k = 1.5, 0
    while math.isfinite(y * y):
        y, k = -1.5 * y, k + 1
    assert t.diverged_at == k
    assert t.reason == f"diverged at step {k}: the loss became inf"
    assert len(t.loss) == len(t.w) == k
    assert np.all(np.isfinite(t.loss)) and np.all(np.isfinite(t.w))
    assert "diverged at step" in repr(t)


def test_nan_gradient_is_reported_as_such():
    class NanAfterFive(problems.Quadratic):
        calls = 0

        def grad(self, w):
            self.calls += 1
            g = super().grad(w)
            return g * np.nan if self.calls > 5 else g

    t = run(gdcourse.Momentum(eta=0.1), NanAfterFive(), [1.0, 1.0], 20)
    assert t.diverged_at == 5 and t.reason == "diverged at step 5: the gradient became NaN"


def test_batch_rows_diverge_independently_and_are_frozen():
    q = problems.Quadratic(kappa=10)
    eta = np.array([[0.5], [2.5], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = run(gdcourse.GD(eta=eta), q, np.tile(q.start, (3, 1)), 3000)
    assert t.diverged_at.tolist()[0] == -1 and t.diverged_at[1] > 0 and t.diverged_at[2] == -1
    assert np.all(np.isfinite(t.loss)) and np.all(np.isfinite(t.w))
    k = t.diverged_at[1]
    # the diverged row stays at its last finite point
    np.testing.assert_array_equal(t.w[k:, 1], np.broadcast_to(t.w[k - 1, 1], t.w[k:, 1].shape))
    assert np.all(t.loss[k:, 1] == t.loss[k - 1, 1])
    # the others are exactly what separate runs give
    for row in (0, 2):
        single = run(gdcourse.GD(eta=float(eta[row, 0])), q, q.start, 3000)
        np.testing.assert_allclose(t.loss[:, row], single.loss, rtol=1e-12, atol=0)
    assert t.reason == "3000 steps, 1 of 3 runs diverged"


def test_sweep_equals_separate_runs_and_finds_the_best_point():
    q = problems.Quadratic(kappa=10)
    etas = np.geomspace(0.01, 10.0, 9)
    alphas = np.linspace(0.0, 0.95, 7)
    s = sweep(gdcourse.Momentum, q, q.start, 200, {"eta": etas, "alpha": alphas})
    assert s.final_loss.shape == (9, 7) and s.loss.shape == (201, 9, 7)
    assert s.diverged.any() and not s.diverged.all()
    for i, j in [(0, 0), (4, 3), (8, 6), (6, 2)]:
        single = run(gdcourse.Momentum(eta=etas[i], alpha=alphas[j]), q, q.start, 200)
        if single.diverged:
            assert s.diverged_at[i, j] == single.diverged_at
        else:
            assert s.final_loss[i, j] == pytest.approx(single.final_loss, rel=1e-12, abs=1e-300)
    best, loss = s.best()
    assert loss == s.final_loss[~s.diverged].min()
    assert set(best) == {"eta", "alpha"}
    assert "Momentum on quadratic" in repr(s)


def test_sweep_passes_fixed_hyperparameters():
    q = problems.Quadratic()
    s = sweep(gdcourse.Adam, q, q.start, 20, {"eta": [0.01, 0.1]}, beta2=0.9)
    assert s.fixed == {"beta2": 0.9}
    single = run(gdcourse.Adam(eta=0.1, beta2=0.9), q, q.start, 20)
    assert s.final_loss[1] == pytest.approx(single.final_loss, rel=1e-12)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda q: run(gdcourse.GD(), q, q.start, -1), "steps must be an integer >= 0"),
        (lambda q: run(gdcourse.GD(), q, q.start, 2.5), "steps must be an integer"),
        (lambda q: run(gdcourse.GD(), q, np.zeros(3), 5), r"w0 must have shape \(2,\)"),
        (lambda q: run(gdcourse.GD(), q, [np.nan, 0.0], 5), "w0 contains NaN"),
        (lambda q: sweep(gdcourse.GD, q, q.start, 5, {}), "grid must name"),
        (lambda q: sweep(gdcourse.GD, q, q.start, 5, {"eta": []}), r"grid\['eta'\] must be a non-empty"),
        (lambda q: sweep(gdcourse.GD, q, q.start, 5, {"eta": [0.1, -1.0]}), r"eta .* got -1\.0 at index \(1, 0\)"),
    ],
)
def test_bad_run_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call(problems.Quadratic())


def test_run_works_on_the_real_data_problem():
    p = problems.SoftmaxRegression(batch_size=64)
    t = run(gdcourse.Adam(eta=0.01), p, p.start, 200)
    assert t.loss[-1] < 0.5 * t.loss[0]
    assert p.accuracy(t.w[-1]) > 0.9


# ---------------------------------------------------------------- checkpoints: run without the loss


def test_checkpoints_are_the_runs_weights_at_those_steps():
    # a stochastic problem: the minibatches must be the very ones run() draws
    p = problems.RareFeatures()
    c = gdcourse.checkpoints(gdcourse.Adam(eta=0.05), p, p.start, 95, every=10)
    t = run(gdcourse.Adam(eta=0.05), p, p.start, 95)
    assert c.at.tolist() == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95]
    np.testing.assert_array_equal(c.w, t.w[c.at])
    assert c.diverged_at is None and not c.diverged and c.reason == "95 steps"
    assert "11 checkpoints" in repr(c)


def test_checkpoints_of_a_batch_of_networks_equal_separate_runs():
    net = problems.MLP()
    eta = np.array([[1e-3], [1e-2]])
    c = gdcourse.checkpoints(gdcourse.Adam(eta=eta), net, np.stack([net.start, net.start]), 40, every=20)
    assert c.w.shape == (3, 2, net.dim)
    for row in range(2):
        single = gdcourse.checkpoints(gdcourse.Adam(eta=float(eta[row, 0])), net, net.start, 40, every=20)
        np.testing.assert_allclose(c.w[:, row], single.w, rtol=1e-12, atol=1e-15)
    # the point of it: any loss, afterwards, in one batched call
    assert net.loss(c.w, "validation").shape == (3, 2)


def test_checkpoints_freeze_a_diverging_row_at_its_last_finite_weights():
    q = problems.Quadratic(kappa=10)
    eta = np.array([[0.5], [2.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = gdcourse.checkpoints(gdcourse.GD(eta=eta), q, np.tile(q.start, (2, 1)), 3000, every=500)
    # η = 2.5 multiplies the steep coordinate (curvature 1, gradient y) by -1.5 per step, computed as
    # y - 2.5 y; the first k at which that overflows is where the row diverged
    y, k = 1.5, 0
    while math.isfinite(y):
        y, k = y - 2.5 * y, k + 1
    assert c.diverged_at.tolist() == [-1, k]
    assert np.all(np.isfinite(c.w))
    gd, w = gdcourse.GD(eta=2.5), q.start
    for _ in range(k - 1):
        w = gd.step(w, q.grad(w), check_result=False)
    for j in np.flatnonzero(c.at >= k):
        np.testing.assert_array_equal(c.w[j, 1], w)  # the last finite weights, kept
    np.testing.assert_allclose(c.w[:, 0], run(gdcourse.GD(eta=0.5), q, q.start, 3000).w[c.at], rtol=1e-12)
    assert c.reason == "3000 steps, 1 of 2 runs diverged"


def test_checkpoints_report_a_nan_gradient():
    class NanAfterFive(problems.Quadratic):
        calls = 0

        def grad(self, w):
            self.calls += 1
            g = super().grad(w)
            return g * np.nan if self.calls > 5 else g

    c = gdcourse.checkpoints(gdcourse.Momentum(eta=0.1), NanAfterFive(), [1.0, 1.0], 20, every=3)
    assert c.diverged_at == 5 and c.reason == "diverged at step 5: the gradient became NaN"
    t = run(gdcourse.Momentum(eta=0.1), NanAfterFive(), [1.0, 1.0], 5)  # five finite gradients
    np.testing.assert_array_equal(c.w[:2], t.w[[0, 3]])
    for j in range(2, len(c.at)):
        np.testing.assert_array_equal(c.w[j], t.w[5])  # frozen where the NaN appeared


@pytest.mark.parametrize(
    "every, steps, message",
    [(0, 10, "every .* must be an integer >= 1"), (2.5, 10, "every"), (True, 10, "every"), (1, -1, "steps must be")],
)
def test_bad_checkpoint_arguments(every, steps, message):
    q = problems.Quadratic()
    with pytest.raises(ValueError, match=message):
        gdcourse.checkpoints(gdcourse.GD(), q, q.start, steps, every=every)
