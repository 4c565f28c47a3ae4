"""gdcourse.protocol: the comparison protocol of chapters 8 and 9."""

import doctest

import numpy as np
import pytest

import gdcourse
from gdcourse import problems, protocol

ETAS = np.logspace(-4, 1, 16)


def test_docstring_examples():
    assert doctest.testmod(protocol, raise_on_error=False).failed == 0


def test_gap_subtracts_the_known_minimum_or_nothing():
    rosen, digits = problems.Rosenbrock(), problems.SoftmaxRegression()
    assert protocol.gap(rosen, 3.5) == 3.5 - rosen.f_min
    assert protocol.gap(digits, 0.25) == 0.25  # minimum unknown: the loss itself


def test_the_tuned_run_is_the_sweeps_best_column_and_equals_a_fresh_run():
    rosen = problems.Rosenbrock()
    tuned = protocol.tune(gdcourse.Adam, rosen, 200, ETAS)
    s = gdcourse.sweep(gdcourse.Adam, rosen, rosen.start, 200, {"eta": ETAS})
    final = np.where(s.diverged, np.inf, s.final_loss)
    assert tuned.eta == ETAS[np.argmin(final)]
    rerun = gdcourse.run(gdcourse.Adam(eta=tuned.eta), rosen, rosen.start, 200)
    np.testing.assert_array_equal(tuned.run.loss, rerun.loss)  # the column *is* the run
    assert tuned.final_gap == pytest.approx(rerun.final_loss - rosen.f_min, rel=0, abs=0)
    assert tuned.run.w is None and not tuned.run.diverged


def test_minibatch_problems_report_the_column_too():
    # every row of a sweep sees the same minibatches, so the column is what a single run gives
    rare = problems.RareFeatures()
    tuned = protocol.tune(gdcourse.Momentum, rare, 150, ETAS)
    rerun = gdcourse.run(gdcourse.Momentum(eta=tuned.eta), rare, rare.start, 150)
    np.testing.assert_allclose(tuned.run.loss, rerun.loss, rtol=1e-12, atol=0)


def test_fresh_noise_reports_independent_runs_on_new_streams():
    noisy = problems.Quadratic(kappa=10).with_noise(0.5, seed=0)
    fresh = noisy.problem.with_noise(0.5, seed=1)
    tuned = protocol.tune(gdcourse.GD, noisy, 100, ETAS, fresh=fresh, repeats=5)
    assert tuned.run.loss.shape == (101, 5)
    assert len({round(float(x), 12) for x in tuned.run.final_loss}) == 5  # five different streams
    again = gdcourse.run(gdcourse.GD(eta=tuned.eta), fresh, np.tile(noisy.start, (5, 1)), 100)
    np.testing.assert_array_equal(tuned.run.loss, again.loss)
    assert tuned.final_gap == pytest.approx(np.mean(again.final_loss - noisy.f_min), rel=1e-15)
    # tuned on seed 0, the winning row of the sweep is not what fresh streams give
    assert tuned.final_gap != pytest.approx(tuned.sweep.best()[1] - noisy.f_min, rel=1e-3)


def test_record_weights_reruns_the_tuned_setting():
    digits = problems.SoftmaxRegression()
    grid = ETAS[7::2]
    tuned = protocol.tune(gdcourse.Adam, digits, 20, grid, record_weights=True)
    assert tuned.run.w.shape == (21, digits.dim)
    assert tuned.final_gap == pytest.approx(float(digits.f(tuned.run.w[-1])), rel=1e-12)
    assert tuned.eta in grid


def test_at_edge_says_when_the_grid_was_too_short():
    q = problems.Quadratic(kappa=10)
    assert protocol.tune(gdcourse.AdaDelta, q, 200, ETAS).at_edge  # AdaDelta wants more than 10
    assert not protocol.tune(gdcourse.Momentum, q, 200, ETAS).at_edge


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"etas": [50.0, 100.0]}, r"every eta of the grid \(50 to 100\) diverged for GD on quadratic"),
        ({"repeats": 0}, "repeats .* integer >= 1; got 0"),
        ({"fresh": problems.Quadratic(), "record_weights": True}, "fresh or record_weights, not both"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    arguments = {"etas": ETAS, **kwargs}
    with pytest.raises(ValueError, match=message):
        protocol.tune(gdcourse.GD, problems.Quadratic(kappa=10), 200, **arguments)
