"""gdcourse.problems: gradients against finite differences, minimizers, batching, noise, data."""

import numpy as np
import pytest

from gdcourse import problems

DETERMINISTIC = {
    "quadratic": problems.Quadratic(kappa=10),
    "rotated quadratic": problems.Quadratic(kappa=50, angle=30),
    "Rosenbrock": problems.Rosenbrock(),
    "Rosenbrock a=2": problems.Rosenbrock(a=2.0, b=10.0),
    "Beale": problems.Beale(),
    "saddle": problems.Saddle(),
    "rare features (full batch)": problems.RareFeatures(batch_size=None),
    "digits (full batch)": problems.SoftmaxRegression(batch_size=None),
    "quadratic + L2": problems.Quadratic(kappa=10).with_l2(0.3),
}


def finite_difference_gradient(f, w, h=1e-6):
    grad = np.empty_like(w)
    for i in range(w.shape[-1]):
        e = np.zeros_like(w)
        e[..., i] = h
        grad[..., i] = (f(w + e) - f(w - e)) / (2 * h)
    return grad


def points_in(problem, rng, n):
    if problem.window is not None:
        (x0, x1), (y0, y1) = problem.window
        return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    return problem.start + 0.05 * rng.standard_normal((n, problem.dim))


@pytest.mark.parametrize("name", list(DETERMINISTIC))
def test_analytic_gradient_matches_finite_differences(name, rng):
    problem = DETERMINISTIC[name]
    points = points_in(problem, rng, 3 if problem.dim > 2 else 20)
    for w in points:
        analytic = problem.grad(w)
        numeric = finite_difference_gradient(problem.f, w)
        scale = max(1.0, np.abs(analytic).max())
        np.testing.assert_allclose(analytic, numeric, atol=1e-6 * scale, rtol=1e-5)


@pytest.mark.parametrize("name", list(DETERMINISTIC))
def test_stacked_points_give_row_by_row_results(name, rng):
    problem = DETERMINISTIC[name]
    points = points_in(problem, rng, 5)
    f_batch, g_batch = problem.f(points), problem.grad(points)
    assert f_batch.shape == (5,) and g_batch.shape == points.shape
    for i, w in enumerate(points):
        assert f_batch[i] == pytest.approx(problem.f(w), rel=1e-12, abs=1e-14)
        np.testing.assert_allclose(g_batch[i], problem.grad(w), rtol=1e-12, atol=1e-14)
    grid = points.reshape(5, 1, problem.dim)  # any leading shape, e.g. a contour grid
    assert problem.f(grid).shape == (5, 1)


@pytest.mark.parametrize("name", [n for n, p in DETERMINISTIC.items() if p.minimizers is not None])
def test_known_minimizers_have_zero_gradient_and_the_minimum_value(name):
    problem = DETERMINISTIC[name]
    for w in problem.minimizers:
        np.testing.assert_allclose(problem.grad(w), 0.0, atol=1e-12)
        assert problem.f(w) == pytest.approx(problem.f_min, abs=1e-12)


def test_the_saddle_is_a_saddle():
    saddle = problems.Saddle()
    np.testing.assert_array_equal(saddle.grad(saddle.saddle_points[0]), [0.0, 0.0])
    h = 1e-3
    assert saddle.f([h, 0.0]) > 0 > saddle.f([0.0, h])


def test_quadratic_condition_number_and_stability_bound():
    q = problems.Quadratic(kappa=25, angle=40, L=2.0)
    eigenvalues = np.linalg.eigvalsh(q.H)
    np.testing.assert_allclose(eigenvalues, [2.0 / 25, 2.0])
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(25)
    # Gradient descent on it: stable just below eta = 2/L, unstable just above.
    for eta, grows in [(0.99, False), (1.01, True)]:
        w = q.start
        for _ in range(2000):
            w = w - eta * q.grad(w)
        assert (np.linalg.norm(w) > np.linalg.norm(q.start)) == grows


def test_every_2d_problem_has_a_window_containing_its_start_and_minimizers():
    for name, problem in problems.two_d().items():
        (x0, x1), (y0, y1) = problem.window
        for point in [problem.start, *(problem.minimizers if problem.minimizers is not None else [])]:
            assert x0 <= point[0] <= x1 and y0 <= point[1] <= y1, name


def test_wrong_dimension_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Rosenbrock is a function of 2 variables.*got shape \(3,\)"):
        problems.Rosenbrock().f(np.zeros(3))
    with pytest.raises(ValueError, match="650 variables"):
        problems.SoftmaxRegression().grad(np.zeros(10))
    with pytest.raises(ValueError, match="real numbers"):
        problems.Beale().f(np.array(["a", "b"]))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: problems.Quadratic(kappa=0.5), "kappa .* >= 1; got 0.5"),
        (lambda: problems.Quadratic(L=-1), "L .* > 0; got -1"),
        (lambda: problems.Rosenbrock().with_noise(-0.1), "sigma .* >= 0; got -0.1"),
        (lambda: problems.Beale().with_l2(float("nan")), "lam .* >= 0; got nan"),
        (lambda: problems.Beale().with_l2(np.array([[0.1], [-1.0]])), "lam .* >= 0; got -1.0"),
        (lambda: problems.Beale().with_l2(np.array([0.1, 0.2])), r"lam .* column of shape \(B, 1\).* shape \(2,\)"),
        (lambda: problems.Beale().with_l2("strong"), "lam .* >= 0; got 'strong'"),
        (lambda: problems.RareFeatures(p=(0.5, 1.5)), r"p must be .* \(0, 1\]"),
        (lambda: problems.SoftmaxRegression(batch_size=0), r"batch_size .* \[1, 1438\]; got 0"),
    ],
)
def test_bad_problem_settings_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# ------------------------------------------------------------------ stochastic


def test_noisy_gradient_is_seeded_and_reset_replays_it(rng):
    noisy = problems.Rosenbrock().with_noise(0.5, seed=3)
    w = np.array([0.3, -0.2])
    first = [noisy.grad(w) for _ in range(4)]
    noisy.reset()
    again = [noisy.grad(w) for _ in range(4)]
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first[0], first[1])
    assert noisy.f(w) == problems.Rosenbrock().f(w)
    assert noisy.stochastic and noisy.window == problems.Rosenbrock().window


def test_noise_has_the_requested_mean_and_standard_deviation():
    noisy = problems.Quadratic().with_noise(0.5, seed=0)
    w = np.array([1.0, 1.0])
    samples = np.array([noisy.grad(w) for _ in range(20000)]) - problems.Quadratic().grad(w)
    np.testing.assert_allclose(samples.mean(axis=0), 0.0, atol=0.02)
    np.testing.assert_allclose(samples.std(axis=0), 0.5, rtol=0.02)


def test_minibatches_cover_an_epoch_without_repetition_and_are_reproducible():
    problem = problems.SoftmaxRegression(batch_size=100, seed=7)
    epoch = np.concatenate([problem.next_batch() for _ in range(problem.n_train // 100)])
    assert len(np.unique(epoch)) == len(epoch) == 1400
    problem.reset()
    np.testing.assert_array_equal(problem.next_batch(), epoch[:100])


def test_minibatch_gradient_is_the_gradient_of_the_minibatch_loss(rng):
    problem = problems.SoftmaxRegression(batch_size=32)
    w = 0.01 * rng.standard_normal(problem.dim)
    idx = problem.next_batch()
    numeric = finite_difference_gradient(lambda v: problem.loss_on(v, idx), w)
    np.testing.assert_allclose(problem.grad_on(w, idx), numeric, atol=1e-8)
    # and the average of the minibatch gradients over an epoch is the full gradient
    problem.reset()
    n_batches = problem.n_train // 32
    mean = np.mean([problem.grad(w) for _ in range(n_batches)], axis=0)
    kept = np.concatenate([problem._order[: n_batches * 32]])
    np.testing.assert_allclose(mean, problem.grad_on(w, kept), atol=1e-12)


def test_rare_feature_gradient_is_mostly_zero():
    problem = problems.RareFeatures(p=(0.5, 0.02), batch_size=16, seed=0)
    w = np.zeros(2)
    grads = np.array([problem.grad(w) for _ in range(2000)])
    zero_fraction = np.mean(grads == 0.0, axis=0)
    assert zero_fraction[0] < 0.01
    # P(no example with the rare feature in a batch of 16) = 0.98**16 ≈ 0.72
    assert zero_fraction[1] == pytest.approx(0.98**16, abs=0.05)


def test_rare_features_minimizer_is_the_least_squares_solution():
    problem = problems.RareFeatures(batch_size=None)
    np.testing.assert_allclose(problem.minimizers[0], [1.0, 1.0], atol=0.05)
    assert problem.f_min == pytest.approx(0.5 * 0.1**2, rel=0.2)


def test_softmax_regression_shapes_split_and_accuracy():
    problem = problems.SoftmaxRegression()
    assert problem.dim == 650
    assert len(problem.y_train) == 1438 and len(problem.y_test) == 359
    assert problem.f(problem.start) == pytest.approx(np.log(10))
    assert 0 < problem.accuracy(problem.start) < 0.2  # all-zero weights predict class 0
    stacked = np.zeros((3, 650))
    assert problem.accuracy(stacked).shape == (3,)
    with pytest.raises(ValueError, match="split must be"):
        problem.accuracy(problem.start, split="validation")


def test_catalogue_lists_every_kind_of_problem():
    catalogue = problems.catalogue()
    assert {"quadratic", "rotated quadratic", "Rosenbrock", "Beale", "saddle", "rare features", "digits"} <= set(catalogue)
    assert any(p.stochastic for p in catalogue.values())


def test_l2_with_a_column_of_lambda_gives_each_row_its_own_penalty(rng):
    base = problems.Quadratic(kappa=10, angle=20)
    lams = np.array([[0.0], [0.1], [2.0]])
    column = base.with_l2(lams)
    w = rng.normal(size=(3, 2))
    for i, lam in enumerate(lams[:, 0]):
        single = base.with_l2(float(lam))
        assert column.f(w)[i] == pytest.approx(single.f(w[i]), rel=1e-15)
        np.testing.assert_allclose(column.grad(w)[i], single.grad(w[i]), rtol=1e-15, atol=1e-17)
    with pytest.raises(ValueError, match=r"w must have shape \(3, 2\), one row per λ; got \(2,\)"):
        column.f(w[0])
    assert "3 values of λ" in column.name
    lams[1, 0] = 5.0  # the problem keeps its own copy
    assert column.lam[1, 0] == 0.1
