"""gdcourse.analysis: the 2 × 2 analysis of momentum and Nesterov agrees with the matrices' eigenvalues."""

import numpy as np
import pytest

import gdcourse
from gdcourse import analysis, problems

GRID = [(x, a) for x in np.linspace(0.001, 4.5, 60) for a in np.linspace(0.0, 0.99, 40)]


def test_matrices_are_the_chapters():
    assert np.array_equal(analysis.momentum_matrix(0.3, 0.9), np.array([[1 - 0.3, 0.9], [-0.3, 0.9]]))
    assert np.array_equal(analysis.nesterov_matrix(0.3, 0.9), np.array([[1 - (1 + 0.9) * 0.3, 0.9**2], [-0.3, 0.9]]))
    stacked = analysis.momentum_matrix(np.array([0.1, 0.2]), 0.5)
    assert stacked.shape == (2, 2, 2) and np.array_equal(stacked[1], analysis.momentum_matrix(0.2, 0.5))


@pytest.mark.parametrize("matrix, rate", [(analysis.momentum_matrix, analysis.momentum_rate), (analysis.nesterov_matrix, analysis.nesterov_rate)])
def test_rates_are_the_spectral_radius(matrix, rate):
    for x, a in GRID:
        expected = max(abs(np.linalg.eigvals(matrix(x, a))))
        assert rate(x, a) == pytest.approx(expected, rel=1e-7, abs=1e-12), (x, a)  # a double root is ill-conditioned for eigvals
    xs, alphas = np.meshgrid(np.linspace(0.001, 4.5, 7), np.linspace(0, 0.99, 5))
    assert rate(xs, alphas).shape == xs.shape


def test_regimes_and_edges():
    for x, a in GRID:
        mu = np.linalg.eigvals(analysis.momentum_matrix(x, a))
        low, high, stable = analysis.momentum_edges(a)
        if min(abs(x - low), abs(x - high), abs(x - stable)) < 1e-6:
            continue  # on an edge the classification is a matter of rounding
        expected = 2 if max(abs(mu)) > 1 else (1 if abs(mu[0].imag) > 0 else 0)
        assert analysis.momentum_regime(x, a) == expected, (x, a)
        assert analysis.REGIMES[expected] == ("diverges" if x > stable else "complex roots" if low < x < high else "real roots")
    assert analysis.momentum_edges(0.9) == pytest.approx(((1 - np.sqrt(0.9)) ** 2, (1 + np.sqrt(0.9)) ** 2, 3.8))


def test_eigendirection_run_is_the_matrix_power():
    for x, a in [(1.0, 0.9), (0.01, 0.5), (3.9, 0.9), (2.5, 0.1)]:
        run = analysis.eigendirection_run(x, a, 60)
        state = np.array([1.0, 0.0])  # (u, Δu) at the start
        M = analysis.momentum_matrix(x, a)
        expected = [state[0]]
        for _ in range(60):
            state = M @ state
            expected.append(state[0])
        np.testing.assert_allclose(run.w[:, 0], expected, rtol=1e-9, atol=1e-12)
        assert np.all(run.w[:, 1] == 0)
    # and it is Momentum with learning rate ηλ on the unit quadratic
    t = gdcourse.run(gdcourse.Momentum(eta=1.0, alpha=0.9), problems.Quadratic(kappa=1.0), [1.0, 0.0], 30)
    assert np.array_equal(analysis.eigendirection_run(1.0, 0.9, 30).w, t.w)
