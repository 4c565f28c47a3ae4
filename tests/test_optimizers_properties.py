"""Invariants of the optimizers, checked on inputs that hypothesis draws."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import gdcourse

from conftest import ALL_OPTIMIZERS

settings.register_profile("gdcourse", max_examples=60, deadline=None, derandomize=True, database=None)
settings.load_profile("gdcourse")

ADAPTIVE = [gdcourse.AdaGrad, gdcourse.RMSProp, gdcourse.Adam]

dims = st.integers(1, 6)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def vectors(d, elements=finite):
    return arrays(np.float64, d, elements=elements)


@given(data=st.data(), cls=st.sampled_from(ADAPTIVE), eta=st.floats(1e-4, 1.0), eps=st.floats(1e-10, 1e-2))
def test_zero_gradient_from_a_fresh_start_leaves_the_weights_unchanged(data, cls, eta, eps):
    d = data.draw(dims)
    w0 = data.draw(vectors(d))
    opt = cls(eta=eta, eps=eps)
    w = w0
    for _ in range(5):
        w = opt.step(w, np.zeros(d))
    np.testing.assert_array_equal(w, w0)


@given(data=st.data(), cls=st.sampled_from([gdcourse.AdaGrad, gdcourse.RMSProp]), eps=st.floats(1e-10, 1e-2))
def test_zero_gradient_after_any_history_leaves_adagrad_and_rmsprop_weights_unchanged(data, cls, eps):
    # Their step is proportional to g itself (no momentum): g = 0 means no move, whatever the state.
    d = data.draw(dims)
    opt = cls(eta=0.1, eps=eps)
    w = data.draw(vectors(d))
    for _ in range(data.draw(st.integers(1, 5))):
        w = opt.step(w, data.draw(vectors(d)))
    np.testing.assert_array_equal(opt.step(w, np.zeros(d)), w)


@given(
    g=vectors(st.integers(1, 6), st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)),
    eta=st.floats(1e-4, 1.0),
    beta1=st.floats(0.0, 0.99),
    beta2=st.floats(0.0, 0.9999),
)
def test_adams_first_step_moves_each_coordinate_by_about_eta_times_the_sign_of_g(g, eta, beta1, beta2):
    # m_hat = g and v_hat = g^2 after one step, so the move is -eta * g / (|g| + eps).
    eps = 1e-8
    w = gdcourse.Adam(eta=eta, beta1=beta1, beta2=beta2, eps=eps).step(np.zeros_like(g), g)
    np.testing.assert_allclose(w, -eta * np.sign(g), rtol=2 * eps / 1e-3)
    assert np.all(np.abs(w) <= eta)


def random_spd(data, d):
    q, _ = np.linalg.qr(data.draw(arrays(np.float64, (d, d), elements=st.floats(-1, 1))) + 3 * np.eye(d))
    eigenvalues = data.draw(arrays(np.float64, d, elements=st.floats(0.1, 10.0)))
    return q @ np.diag(eigenvalues) @ q.T, eigenvalues.max()


@given(data=st.data(), cls=st.sampled_from(ALL_OPTIMIZERS))
def test_every_optimizer_decreases_a_convex_quadratic_for_a_small_step(data, cls):
    d = data.draw(st.integers(1, 5))
    H, L = random_spd(data, d)
    w0 = data.draw(vectors(d, st.floats(-10, 10)))
    f0 = 0.5 * w0 @ H @ w0
    if f0 < 1e-6:  # too close to the minimum for a decrease to show above rounding
        return
    # "Small": for AdaDelta, whose step is sqrt(eps) by construction, eta stays 1.
    eta = 1.0 if cls is gdcourse.AdaDelta else 1e-3 / L
    opt = cls(eta=eta)
    w = w0
    losses = [f0]
    for _ in range(20):
        w = opt.step(w, H @ w)
        losses.append(0.5 * w @ H @ w)
    assert losses[1] < losses[0], "the first step must go downhill"
    assert losses[-1] < losses[0]


@given(data=st.data(), cls=st.sampled_from(ALL_OPTIMIZERS))
def test_float32_stays_float32(data, cls):
    d = data.draw(dims)
    w = data.draw(vectors(d)).astype(np.float32)
    opt = cls()
    for _ in range(3):
        w = opt.step(w, data.draw(vectors(d)).astype(np.float32))
        assert w.dtype == np.float32
    assert all(getattr(opt, name).dtype == np.float32 for name in cls.state_names)
