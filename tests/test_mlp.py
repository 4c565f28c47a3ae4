"""gdcourse.mlp and problems.MLP: backpropagation against finite differences, the data split, stacked
networks, minibatches, seeded initialisation, and training through run with every optimizer."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import gdcourse
from conftest import ALL_OPTIMIZERS
from gdcourse import mlp, problems


@pytest.fixture(scope="module")
def digits():
    return problems.MLP()


def numeric_gradient(f, w, h=1e-6):
    grad = np.empty_like(w)
    for i in range(w.shape[-1]):
        e = np.zeros_like(w)
        e[..., i] = h
        grad[..., i] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


# ---------------------------------------------------------------------------------- the network


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("sizes", [(5, 3), (5, 4, 3), (6, 5, 4, 3)])
def test_backpropagation_equals_finite_differences(sizes, activation, rng):
    X, y = rng.normal(size=(17, sizes[0])), rng.integers(0, sizes[-1], 17)
    w = rng.normal(0, 0.7, mlp.n_weights(sizes))
    E, grad = mlp.loss_and_gradient(w, X, y, sizes, activation)
    assert E == pytest.approx(mlp.loss(w, X, y, sizes, activation), rel=1e-14)
    numeric = numeric_gradient(lambda v: mlp.loss(v, X, y, sizes, activation), w)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-8)
    assert np.abs(grad).max() > 1e-3


def test_backpropagation_on_the_digits_network_equals_finite_differences(digits, rng):
    w = digits.start + 0.1 * rng.standard_normal(digits.dim)
    idx = rng.choice(digits.n_train, 40, replace=False)
    analytic = digits.grad_on(w, idx)
    coordinates = rng.choice(digits.dim, 60, replace=False)  # a sample of the 2410, from every layer
    coordinates[:4] = [0, 64 * 32, 64 * 32 + 32, digits.dim - 1]  # W1, b1, W2, b2
    for i in coordinates:
        e = np.zeros(digits.dim)
        e[i] = 1e-6
        numeric = (digits.loss_on(w + e, idx) - digits.loss_on(w - e, idx)) / 2e-6
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-9), i


def test_the_flat_layout_is_layer_by_layer_weights_then_biases():
    sizes = (3, 2, 4)
    w = np.arange(mlp.n_weights(sizes), dtype=float)
    assert len(w) == (3 + 1) * 2 + (2 + 1) * 4 == 20
    (W1, b1), (W2, b2) = mlp.unpack(w, sizes)
    np.testing.assert_array_equal(W1, [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(b1, [6, 7])
    np.testing.assert_array_equal(W2[0], [8, 9, 10, 11])
    np.testing.assert_array_equal(b2, [16, 17, 18, 19])
    assert np.shares_memory(W2, w)  # views, not copies
    assert mlp.n_weights((64, 32, 10)) == 2410


def test_a_hand_computed_forward_and_backward_pass():
    # one tanh unit, two classes, one example: z1 = 0.5 x, a1 = tanh(z1), z2 = (a1, -a1)
    sizes, x, y = (1, 1, 2), np.array([[2.0]]), np.array([0])
    w = np.array([0.5, 0.0, 1.0, -1.0, 0.0, 0.0])  # W1, b1, W2 (1 x 2), b2
    a1 = math.tanh(1.0)
    p0 = 1 / (1 + math.exp(-2 * a1))
    E, grad = mlp.loss_and_gradient(w, x, y, sizes, "tanh")
    assert E == pytest.approx(-math.log(p0), rel=1e-15)
    d2 = np.array([p0 - 1, 1 - p0])  # P - Y
    d1 = (d2 @ np.array([1.0, -1.0])) * (1 - a1**2)
    np.testing.assert_allclose(grad, [2 * d1, d1, a1 * d2[0], a1 * d2[1], d2[0], d2[1]], rtol=1e-14)


def test_the_loss_is_stable_for_huge_logits():
    sizes = (2, 3)
    w = np.array([1e4, 0.0, -1e4, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])  # logits 1e4 x0, 0, -1e4 x0
    X, y = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([0, 1])
    E, grad = mlp.loss_and_gradient(w, X, y, sizes)
    assert E == pytest.approx(0.5 * 1e4) and np.isfinite(grad).all()


def test_stacked_networks_give_row_by_row_results(rng):
    sizes, X, y = (4, 5, 3), rng.normal(size=(9, 4)), rng.integers(0, 3, 9)
    W = rng.normal(size=(2, 3, mlp.n_weights(sizes)))
    E, G = mlp.loss_and_gradient(W, X, y, sizes, "relu")
    assert E.shape == (2, 3) and G.shape == W.shape
    for index in np.ndindex(2, 3):
        e, g = mlp.loss_and_gradient(W[index], X, y, sizes, "relu")
        assert E[index] == pytest.approx(e, rel=1e-13)
        np.testing.assert_allclose(G[index], g, rtol=1e-12, atol=1e-15)
    assert mlp.predict(W, X, sizes, "relu").shape == (2, 3, 9)


def test_seeded_initialisation_glorot_for_tanh_he_for_relu():
    sizes = (64, 32, 10)
    tanh0, tanh0_again, tanh1 = (mlp.initial_weights(sizes, "tanh", s) for s in (0, 0, 1))
    np.testing.assert_array_equal(tanh0, tanh0_again)
    assert not np.array_equal(tanh0, tanh1)
    (W1, b1), (W2, b2) = mlp.unpack(tanh0, sizes)
    assert np.abs(W1).max() <= math.sqrt(6 / 96) and np.abs(W1).max() > 0.95 * math.sqrt(6 / 96)
    assert np.all(b1 == 0) and np.all(b2 == 0)
    (R1, _), (R2, _) = mlp.unpack(mlp.initial_weights(sizes, "relu", 0), sizes)
    assert R1.std() == pytest.approx(math.sqrt(2 / 64), rel=0.05) and R2.std() == pytest.approx(math.sqrt(2 / 32), rel=0.1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: mlp.n_weights((64,)), r"sizes \(the layer sizes, inputs to classes\) must be at least two integers >= 1; got \(64,\)"),
        (lambda: mlp.n_weights((64, 0, 10)), r"must be at least two integers >= 1; got \(64, 0, 10\)"),
        (lambda: mlp.n_weights((64, 3.5, 10)), r"got \(64, 3.5, 10\)"),
        (lambda: mlp.initial_weights((4, 2), "sigmoid"), r"activation must be one of \['relu', 'tanh'\]; got 'sigmoid'"),
        (lambda: mlp.unpack(np.zeros(7), (2, 2)), r"w must have shape \(\.\.\., 6\) for layer sizes \(2, 2\); got \(7,\)"),
        (lambda: problems.MLP(sizes=(64, 32, 9)), r"sizes must start with 64 \(the pixels\) and end with 10 \(the classes\); got \(64, 32, 9\)"),
        (lambda: problems.MLP(activation="gelu"), r"activation must be one of"),
        (lambda: problems.MLP(batch_size=0), r"batch_size must be None \(full batch\) or an integer in \[1, 1438\]; got 0"),
        (lambda: problems.MLP(validation_fraction=1.0), r"validation_fraction must be in \(0, 1\); got 1.0"),
    ],
)
def test_bad_inputs_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------------- the problem


def test_the_digits_network_and_its_split(digits):
    assert digits.dim == 2410 and digits.name == "MLP 64-32-10 tanh (digits)"
    assert len(digits.y_train) == 1438 and len(digits.y_validation) == 359
    softmax = problems.SoftmaxRegression()  # the same held-out images as the linear model
    np.testing.assert_array_equal(digits.X_validation, softmax.X_test[:, :64])
    np.testing.assert_array_equal(digits.y_train, softmax.y_train)
    assert digits.X_train.min() == 0 and digits.X_train.max() == 1
    zero = np.zeros(digits.dim)
    assert digits.f(zero) == pytest.approx(math.log(10), rel=1e-15)
    assert digits.loss(zero, "train") == digits.f(zero) and digits.loss(zero) == pytest.approx(math.log(10))
    assert digits.accuracy(zero) == pytest.approx(np.mean(digits.y_validation == 0))
    np.testing.assert_array_equal(digits.start, mlp.initial_weights((64, 32, 10), "tanh", 0))
    assert not np.array_equal(digits.initial_weights(1), digits.start)
    with pytest.raises(ValueError, match=r"split must be 'train' or 'validation'; got 'test'"):
        digits.accuracy(zero, split="test")
    assert "digits MLP" not in problems.catalogue()
    assert isinstance(problems.catalogue(mlp=True)["digits MLP"], problems.MLP)


def test_minibatches_are_seeded_reshuffled_each_epoch_and_exact(digits):
    p = problems.MLP(batch_size=100, seed=3)
    first = [p.next_batch() for _ in range(14)]  # 1438 // 100 = 14 batches per epoch
    assert len(np.unique(np.concatenate(first))) == 1400
    second = p.next_batch()
    p.reset()
    np.testing.assert_array_equal(p.next_batch(), first[0])
    assert not np.array_equal(second, first[0])
    p.reset()
    idx = first[0]
    _, expected = mlp.loss_and_gradient(p.start, p.X_train[idx], p.y_train[idx], p.sizes, p.activation)
    np.testing.assert_array_equal(p.grad(p.start), expected)
    full = problems.MLP(batch_size=None)
    assert not full.stochastic and p.stochastic
    _, all_examples = mlp.loss_and_gradient(p.start, p.X_train, p.y_train, p.sizes, p.activation)
    np.testing.assert_allclose(full.grad(full.start), all_examples, rtol=1e-12)


def test_a_book_run_trains_the_network():
    # 600 minibatch steps of Adam (26.7 passes over the training images): the numbers a chapter would show
    p = problems.MLP()
    trajectory = gdcourse.run(gdcourse.Adam(eta=0.003), p, p.start, 600)
    assert trajectory.loss[0] == pytest.approx(2.3593, abs=1e-4)
    assert trajectory.final_loss == pytest.approx(0.06725, abs=1e-4)
    assert p.accuracy(trajectory.w[-1]) == pytest.approx(0.972, abs=0.003)  # 349 of 359
    assert p.accuracy(trajectory.w[-1], "train") > 0.98
    again = gdcourse.run(gdcourse.Adam(eta=0.003), p, p.start, 600)
    np.testing.assert_array_equal(again.loss, trajectory.loss)  # seeded: the same run twice


@pytest.mark.parametrize("optimizer", ALL_OPTIMIZERS, ids=lambda c: c.__name__)
def test_every_optimizer_trains_the_network_through_run(optimizer, digits):
    eta = {"GD": 0.5, "Momentum": 0.1, "Nesterov": 0.1, "SGDMomentum": 0.1, "AdaGrad": 0.05, "AdaDelta": 1.0}
    trajectory = gdcourse.run(optimizer(eta=eta.get(optimizer.__name__, 0.003)), digits, digits.start, 100)
    assert not trajectory.diverged
    assert trajectory.final_loss < 0.6 * trajectory.loss[0], optimizer.__name__
    assert digits.accuracy(trajectory.w[-1]) > 0.5


def test_a_sweep_trains_a_grid_of_networks_row_by_row(digits):
    etas = [0.001, 0.003, 0.01]
    grid = gdcourse.sweep(gdcourse.Adam, digits, digits.start, 40, {"eta": etas})
    for i, eta in enumerate(etas):
        one = gdcourse.run(gdcourse.Adam(eta=eta), digits, digits.start, 40)
        np.testing.assert_allclose(grid.loss[:, i], one.loss, rtol=1e-11)
    # and with a schedule: warm-up then cosine, the grid setting the peak
    schedule = gdcourse.schedules.LinearWarmup(gdcourse.schedules.CosineAnnealing(1.0, T=30), steps=10)
    warm = gdcourse.sweep(gdcourse.Adam, digits, digits.start, 40, {"eta": etas}, eta=schedule)
    one = gdcourse.run(gdcourse.Adam(eta=schedule.with_eta(0.01)), digits, digits.start, 40)
    np.testing.assert_allclose(warm.loss[:, 2], one.loss, rtol=1e-11)


def test_validation_loss_along_a_trajectory_in_one_call(digits):
    trajectory = gdcourse.run(gdcourse.Momentum(eta=0.1, alpha=0.9), digits, digits.start, 50)
    curve = digits.loss(trajectory.w[::10])
    assert curve.shape == (6,)
    assert curve[0] == pytest.approx(digits.loss(digits.start)) and curve[-1] < curve[0]


# ------------------------------------------------------------------ the same runs in torch (autograd)

TORCH = np.load(Path(__file__).parent / "reference" / "torch_mlp.npz")
TORCH_META = json.loads(str(TORCH["meta"]))


@pytest.mark.parametrize("case", sorted(TORCH_META["cases"]))
def test_training_runs_equal_torch_autograd(case):
    spec = TORCH_META["cases"][case]
    p = problems.MLP(activation=spec["activation"], batch_size=spec["batch_size"])
    trajectory = gdcourse.run(getattr(gdcourse, spec["gdcourse"])(**spec["kwargs"]), p, p.start, TORCH_META["steps"])
    np.testing.assert_allclose(trajectory.loss, TORCH[f"{case}/loss"], rtol=1e-9)
    moved = np.linalg.norm(TORCH[f"{case}/w"] - p.start)
    assert np.linalg.norm(trajectory.w[-1] - TORCH[f"{case}/w"]) <= 1e-9 * moved
    assert trajectory.final_loss < 0.25 * trajectory.loss[0]
