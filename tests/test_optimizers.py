"""Behaviour of gdcourse.optimizers: the API, state, broadcasting, dtypes, errors and the ε forms."""

import inspect
import math
import re

import numpy as np
import pytest

import gdcourse
from gdcourse import optimizers
from gdcourse.optimizers import HYPERPARAMETERS

from conftest import ALL_OPTIMIZERS, random_hyperparameters

EXPECTED_STATE = {
    "GD": (),
    "Momentum": ("dw",),
    "Nesterov": ("dw",),
    "SGDMomentum": ("b",),
    "AdaGrad": ("G",),
    "RMSProp": ("Eg2",),
    "AdaDelta": ("Eg2", "Edw2"),
    "Adam": ("m", "v"),
    "AdamW": ("m", "v"),
    "AMSGrad": ("m", "v", "v_max"),
}

EXPECTED_DEFAULTS = {
    "GD": {"eta": 0.01},
    "Momentum": {"eta": 0.01, "alpha": 0.9},
    "Nesterov": {"eta": 0.01, "alpha": 0.9},
    "SGDMomentum": {"eta": 0.01, "alpha": 0.9},
    "AdaGrad": {"eta": 0.01, "eps": 1e-10},
    "RMSProp": {"eta": 0.01, "gamma": 0.9, "eps": 1e-8},
    "AdaDelta": {"eta": 1.0, "rho": 0.95, "eps": 1e-6},
    "Adam": {"eta": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "AdamW": {"eta": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
    "AMSGrad": {"eta": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


# --------------------------------------------------------------------------- API


def test_every_class_is_importable_from_the_package():
    for cls in ALL_OPTIMIZERS:
        assert getattr(gdcourse, cls.__name__) is cls
        assert cls.__name__ in gdcourse.__all__


def test_state_names_and_defaults(optimizer_class):
    opt = optimizer_class()
    name = optimizer_class.__name__
    assert optimizer_class.state_names == EXPECTED_STATE[name]
    assert opt.hyperparameters == EXPECTED_DEFAULTS[name]
    assert opt.r == 0
    for state in optimizer_class.state_names:
        assert getattr(opt, state) is None


def test_hyperparameters_are_keywords_named_after_the_symbols(optimizer_class):
    parameters = inspect.signature(optimizer_class.__init__).parameters
    for name in optimizer_class.hyperparameter_names:
        assert name in HYPERPARAMETERS
        assert name in parameters


def test_docstring_gives_the_rule_in_latex_and_cites_a_paper(optimizer_class):
    doc = optimizer_class.__doc__
    assert ".. math::" in doc
    assert re.search(r"\(\d{4}\)", doc), "the docstring should cite the paper with its year"
    assert "torch.optim" in doc


def test_step_returns_a_new_array_and_leaves_inputs_alone(optimizer_class, rng):
    opt = optimizer_class(**random_hyperparameters(optimizer_class, rng))
    w = rng.standard_normal(5)
    for _ in range(3):
        g = rng.standard_normal(5)
        w_before, g_before = w.copy(), g.copy()
        w_next = opt.step(w, g)
        assert w_next is not w and not np.shares_memory(w_next, w) and not np.shares_memory(w_next, g)
        np.testing.assert_array_equal(w, w_before)
        np.testing.assert_array_equal(g, g_before)
        assert not np.array_equal(w_next, w)
        w = w_next
    assert opt.r == 3


def test_state_is_kept_and_reset_forgets_it(optimizer_class, rng):
    opt = optimizer_class(**random_hyperparameters(optimizer_class, rng))
    w0 = rng.standard_normal(4)
    grads = rng.standard_normal((5, 4))

    def trajectory():
        w = w0
        for g in grads:
            w = opt.step(w, g)
        return w

    first = trajectory()
    for name in optimizer_class.state_names:
        assert getattr(opt, name).shape == (4,)
    opt.reset()
    assert opt.r == 0
    assert all(getattr(opt, name) is None for name in optimizer_class.state_names)
    np.testing.assert_array_equal(trajectory(), first)


def test_state_property_is_a_copy(rng):
    opt = gdcourse.Adam()
    opt.step(np.ones(3), np.ones(3))
    state = opt.state
    state["m"][:] = 99.0
    assert state["r"] == 1
    assert not np.any(opt.m == 99.0)


def test_step_counter_r_starts_at_one_in_the_update():
    # Adam's first bias correction divides by 1 - beta1**1: m_hat = g exactly.
    opt = gdcourse.Adam(eta=0.1, eps=0.0)
    w = opt.step(np.array([0.0, 0.0]), np.array([2.0, -0.5]))
    np.testing.assert_allclose(w, [-0.1, 0.1], rtol=1e-15)
    assert opt.r == 1


# -------------------------------------------------------------------- the rules


def test_momentum_is_the_notes_delta_w_form():
    opt = gdcourse.Momentum(eta=0.1, alpha=0.5)
    w1 = opt.step(np.array([1.0]), np.array([2.0]))  # dw = -0.2
    w2 = opt.step(w1, np.array([1.0]))  # dw = 0.5 * -0.2 - 0.1 = -0.2
    assert opt.dw[0] == pytest.approx(-0.2, abs=1e-16)
    assert w1[0] == pytest.approx(0.8, abs=1e-15)
    assert w2[0] == pytest.approx(0.6, abs=1e-15)


def test_momentum_effective_step_on_a_constant_gradient_is_eta_over_one_minus_alpha():
    opt = gdcourse.Momentum(eta=0.01, alpha=0.9)
    w = np.zeros(1)
    for _ in range(2000):
        w = opt.step(w, np.ones(1))
    assert opt.dw[0] == pytest.approx(-0.01 / (1 - 0.9), rel=1e-12)


def test_nesterov_equals_momentum_with_the_gradient_at_the_look_ahead_point():
    # Sutskever et al.: dw' = a dw - eta grad(u + a dw); u' = u + dw'.  gdcourse iterates w = u + a dw.
    H = np.diag([1.0, 10.0])
    eta, alpha = 0.05, 0.8
    u, dw = np.array([1.0, 1.0]), np.zeros(2)
    opt = gdcourse.Nesterov(eta=eta, alpha=alpha)
    w = u + alpha * dw
    for _ in range(30):
        dw = alpha * dw - eta * H @ (u + alpha * dw)
        u = u + dw
        w = opt.step(w, H @ w)
        np.testing.assert_allclose(w, u + alpha * dw, rtol=1e-12, atol=1e-15)


def test_adagrad_accumulates_squared_gradients():
    opt = gdcourse.AdaGrad(eta=1.0, eps=0.0)
    w = np.array([0.0, 0.0])
    w = opt.step(w, np.array([3.0, 0.5]))
    w = opt.step(w, np.array([4.0, 0.5]))
    np.testing.assert_array_equal(opt.G, [25.0, 0.5])
    np.testing.assert_allclose(w, [-1 - 4 / 5, -1 - 0.5 / math.sqrt(0.5)], rtol=1e-15)


def test_amsgrad_keeps_the_largest_second_moment():
    opt = gdcourse.AMSGrad(eta=0.01, beta2=0.5)
    w = np.zeros(1)
    w = opt.step(w, np.array([10.0]))
    w = opt.step(w, np.array([0.1]))
    assert opt.v_max[0] == pytest.approx(50.0)
    assert opt.v[0] < opt.v_max[0]


def test_adamw_decays_the_weights_and_not_the_gradient():
    # With a zero gradient, the moments stay zero and only the decay acts: w <- w (1 - eta*lambda).
    opt = gdcourse.AdamW(eta=0.1, weight_decay=0.5)
    w = opt.step(np.array([2.0, -4.0]), np.zeros(2))
    np.testing.assert_allclose(w, [2.0 * 0.95, -4.0 * 0.95], rtol=1e-15)
    np.testing.assert_array_equal(opt.m, 0.0)


def test_adadelta_needs_no_learning_rate_and_its_units_match():
    # First step from zero state: dw = -sqrt(eps)/sqrt((1-rho) g^2 + eps) * g.
    opt = gdcourse.AdaDelta(rho=0.9, eps=1e-6)
    w = opt.step(np.zeros(1), np.array([2.0]))
    expected = -math.sqrt(1e-6) / math.sqrt(0.1 * 4 + 1e-6) * 2.0
    assert w[0] == pytest.approx(expected, rel=1e-14)
    assert opt.Edw2[0] == pytest.approx(0.1 * expected**2, rel=1e-14)


# ------------------------------------------------------------- the ε-inside form


def constant_gradient_closed_form(name, eta, eps, g, n, inside, gamma=0.9, beta1=0.9, beta2=0.999):
    """w^n - w^0 for n steps with the constant gradient g, from the closed formulas."""
    r = np.arange(1, n + 1)[:, None]
    if name == "AdaGrad":  # G^r = r g^2
        second = r * g**2
    elif name == "RMSProp":  # E[g^2]^r = (1 - gamma^r) g^2
        second = (1 - gamma**r) * g**2
    else:  # Adam: m_hat = g and v_hat = g^2 exactly
        second = np.broadcast_to(g**2, (n, len(g)))
    denominator = np.sqrt(second + eps) if inside else np.sqrt(second) + eps
    return -eta * np.sum(g / denominator, axis=0)


@pytest.mark.parametrize("name", ["AdaGrad", "RMSProp", "Adam"])
@pytest.mark.parametrize("inside", [False, True])
def test_eps_forms_match_their_closed_formulas_on_a_constant_gradient(name, inside):
    eta, eps, n = 0.01, 1e-2, 50
    g = np.array([1e-3, 0.1, -3.0])
    opt = getattr(gdcourse, name)(eta=eta, eps=eps, eps_in_sqrt=inside)
    w = np.zeros(3)
    for _ in range(n):
        w = opt.step(w, g)
    np.testing.assert_allclose(w, constant_gradient_closed_form(name, eta, eps, g, n, inside), rtol=1e-12)


@pytest.mark.parametrize("name", ["AdaGrad", "RMSProp", "Adam"])
def test_eps_inside_form_matches_a_scalar_reference_loop(name, rng):
    """The notes' form, √(· + ε), against a plain-Python loop over coordinates."""
    eta, eps, gamma, beta1, beta2 = 0.05, 1e-3, 0.8, 0.7, 0.95
    kwargs = {"AdaGrad": {}, "RMSProp": {"gamma": gamma}, "Adam": {"beta1": beta1, "beta2": beta2}}[name]
    opt = getattr(gdcourse, name)(eta=eta, eps=eps, eps_in_sqrt=True, **kwargs)
    grads = rng.standard_normal((40, 3)) * [1e-3, 1.0, 10.0]
    w = np.zeros(3)
    expected = [0.0] * 3
    acc1, acc2 = [0.0] * 3, [0.0] * 3
    for r, g in enumerate(grads, start=1):
        w = opt.step(w, g)
        for i, gi in enumerate(g):
            gi = float(gi)
            if name == "AdaGrad":
                acc2[i] += gi * gi
                expected[i] -= eta * gi / math.sqrt(acc2[i] + eps)
            elif name == "RMSProp":
                acc2[i] = gamma * acc2[i] + (1 - gamma) * gi * gi
                expected[i] -= eta * gi / math.sqrt(acc2[i] + eps)
            else:
                acc1[i] = beta1 * acc1[i] + (1 - beta1) * gi
                acc2[i] = beta2 * acc2[i] + (1 - beta2) * gi * gi
                m_hat, v_hat = acc1[i] / (1 - beta1**r), acc2[i] / (1 - beta2**r)
                expected[i] -= eta * m_hat / math.sqrt(v_hat + eps)
        np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-300)


def test_eps_inside_and_outside_differ_where_the_denominator_is_small():
    g = np.array([1e-4])
    outside = gdcourse.Adam(eta=1.0, eps=1e-4).step(np.zeros(1), g)
    inside = gdcourse.Adam(eta=1.0, eps=1e-4, eps_in_sqrt=True).step(np.zeros(1), g)
    assert outside[0] == pytest.approx(-1e-4 / (1e-4 + 1e-4))  # -0.5
    assert inside[0] == pytest.approx(-1e-4 / math.sqrt(1e-8 + 1e-4))  # about -0.01
    assert abs(outside[0]) > 40 * abs(inside[0])


# ------------------------------------------------------------------ broadcasting


def test_rows_of_a_batch_equal_separate_scalar_runs(optimizer_class, rng):
    B, d, steps = 7, 3, 40
    hyper = random_hyperparameters(optimizer_class, rng, shape=(B, 1))
    batch = optimizer_class(**hyper)
    W = rng.standard_normal((B, d))
    grads = rng.standard_normal((steps, B, d)) * np.geomspace(1e-2, 10, d)
    singles = [optimizer_class(**{k: float(v[i, 0]) for k, v in hyper.items()}) for i in range(B)]
    rows = [W[i] for i in range(B)]
    for g in grads:
        W = batch.step(W, g)
        rows = [opt.step(row, g[i]) for i, (opt, row) in enumerate(zip(singles, rows))]
    for i in range(B):
        np.testing.assert_allclose(W[i], rows[i], rtol=1e-12, atol=0)


def test_hyperparameters_that_do_not_broadcast_to_w_are_refused():
    opt = gdcourse.Momentum(eta=np.full((3, 1), 0.1))
    with pytest.raises(ValueError, match=r"eta has shape \(3, 1\).*shape of w \(4, 2\)"):
        opt.step(np.zeros((4, 2)), np.ones((4, 2)))
    # (3, 1) against w of shape (2,) would make w grow to (3, 2): refused as well.
    with pytest.raises(ValueError, match="does not broadcast"):
        opt.step(np.zeros(2), np.ones(2))
    assert opt.r == 0 and opt.dw is None


def test_hyperparameter_arrays_are_copied_and_read_only():
    eta = np.full((2, 1), 0.1)
    opt = gdcourse.GD(eta=eta)
    eta[:] = 5.0
    assert np.all(opt.eta == 0.1)
    with pytest.raises(ValueError):
        opt.eta[0, 0] = 1.0


# ------------------------------------------------------------------------ dtype


@pytest.mark.parametrize("array_hyperparameters", [False, True])
def test_float32_in_float32_out_with_state_in_float32(optimizer_class, array_hyperparameters, rng):
    shape = (4, 1) if array_hyperparameters else ()
    opt = optimizer_class(**random_hyperparameters(optimizer_class, rng, shape=shape))
    w = rng.standard_normal((4, 3)).astype(np.float32)
    for _ in range(3):
        w = opt.step(w, rng.standard_normal((4, 3)).astype(np.float32))
        assert w.dtype == np.float32
    for name in optimizer_class.state_names:
        assert getattr(opt, name).dtype == np.float32


def test_float64_gradient_is_cast_to_the_weights_dtype():
    w = gdcourse.Adam().step(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float64))
    assert w.dtype == np.float32


def test_integer_weights_are_promoted_to_float64():
    w = gdcourse.GD(eta=0.5).step(np.array([1, 2]), np.array([1, 1]))
    assert w.dtype == np.float64
    np.testing.assert_array_equal(w, [0.5, 1.5])


def test_changing_dtype_or_shape_mid_run_asks_for_reset():
    opt = gdcourse.Adam()
    opt.step(np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"state m has shape \(2,\).*call reset\(\)"):
        opt.step(np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="dtype float64.*reset"):
        opt.step(np.ones(2, dtype=np.float32), np.ones(2, dtype=np.float32))
    opt.reset()
    assert opt.step(np.ones(3), np.ones(3)).shape == (3,)


# ----------------------------------------------------------------------- errors

BAD_VALUES = {
    "eta": [-0.1, math.nan, math.inf],
    "alpha": [-0.01, 1.0, 1.5, math.nan],
    "gamma": [-0.5, 1.0, math.nan],
    "rho": [1.0, -1e-9, math.nan],
    "beta1": [1.0, -0.1, math.nan],
    "beta2": [1.0, 2.0, math.nan],
    "eps": [-1e-8, math.nan, math.inf],
    "weight_decay": [-0.01, math.nan],
}


BAD_CASES = [
    pytest.param(cls, name, value, id=f"{cls.__name__}-{name}={value}")
    for cls in ALL_OPTIMIZERS
    for name in cls.hyperparameter_names
    for value in BAD_VALUES[name]
]


@pytest.mark.parametrize("cls, name, value", BAD_CASES)
def test_out_of_range_hyperparameter_names_parameter_value_and_range(cls, name, value):
    with pytest.raises(ValueError) as info:
        cls(**{name: value})
    message = str(info.value)
    allowed = HYPERPARAMETERS[name]
    assert message.startswith(f"{name} ({allowed.symbol},")
    assert f"must be in {allowed}" in message
    assert f"got {value!r}" in message


def test_ranges_are_stated_as_intervals():
    assert str(HYPERPARAMETERS["eta"]) == "[0, ∞)"
    assert str(HYPERPARAMETERS["beta2"]) == "[0, 1)"


def test_boundary_values_that_are_allowed():
    gdcourse.Momentum(eta=0.0, alpha=0.0)
    gdcourse.Adam(beta1=0.0, beta2=0.0, eps=0.0)
    gdcourse.AdamW(weight_decay=0.0)
    gdcourse.AdaDelta(rho=0.999999)


def test_bad_element_of_a_hyperparameter_array_is_located():
    eta = np.full((4, 1), 0.1)
    eta[2, 0] = -3.0
    with pytest.raises(ValueError, match=r"eta .* got -3\.0 at index \(2, 0\) of an array of shape \(4, 1\)"):
        gdcourse.GD(eta=eta)


@pytest.mark.parametrize("value", ["fast", None, True, [0.1, "x"]])
def test_non_numeric_hyperparameter_is_refused(value):
    with pytest.raises(ValueError, match="eta .*not a number"):
        gdcourse.GD(eta=value)


def test_setting_a_hyperparameter_later_is_checked_too():
    opt = gdcourse.Adam()
    opt.eta = 0.5
    assert opt.eta == 0.5
    with pytest.raises(ValueError, match=r"beta1 \(β1,.*\[0, 1\); got 1\.0"):
        opt.beta1 = 1.0
    assert opt.beta1 == 0.9


def test_unknown_or_missing_hyperparameter_is_a_type_error():
    with pytest.raises(TypeError):
        gdcourse.Adam(lr=0.1)
    with pytest.raises(TypeError, match="missing"):
        optimizers.Optimizer.__init__(gdcourse.GD.__new__(gdcourse.GD))


def snapshot(opt):
    return opt.state  # a copy


def assert_same_state(opt, before):
    after = opt.state
    assert after.keys() == before.keys()
    for key, value in before.items():
        if value is None or isinstance(value, int):
            assert after[key] == value
        else:
            np.testing.assert_array_equal(after[key], value)


def test_gradient_of_the_wrong_shape_is_refused(optimizer_class, rng):
    opt = optimizer_class(**random_hyperparameters(optimizer_class, rng))
    w = opt.step(np.ones(3), np.ones(3))
    before = snapshot(opt)
    with pytest.raises(ValueError, match=r"gradient g has shape \(4,\) but the weights w have shape \(3,\)"):
        opt.step(w, np.ones(4))
    with pytest.raises(ValueError, match="shape"):
        opt.step(w, np.ones((3, 1)))
    assert_same_state(opt, before)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_gradient_is_refused_and_state_stays_exactly_as_before(optimizer_class, bad, rng):
    opt = optimizer_class(**random_hyperparameters(optimizer_class, rng))
    w = rng.standard_normal(4)
    for _ in range(3):
        w = opt.step(w, rng.standard_normal(4))
    before = snapshot(opt)
    g = rng.standard_normal(4)
    g[2] = bad
    with pytest.raises(ValueError, match=r"gradient g contains NaN or ±inf \(1 element\(s\), the first .* at index \(2,\)\).*state is unchanged"):
        opt.step(w, g)
    assert_same_state(opt, before)
    # and the run can go on as if nothing happened
    opt.step(w, np.zeros(4))


def test_non_finite_gradient_on_a_fresh_optimizer_leaves_it_fresh(optimizer_class):
    opt = optimizer_class()
    with pytest.raises(ValueError):
        opt.step(np.zeros(2), np.array([0.0, math.nan]))
    assert opt.r == 0
    assert all(getattr(opt, name) is None for name in optimizer_class.state_names)


def test_non_finite_weights_are_refused_and_state_kept(optimizer_class):
    opt = optimizer_class()
    opt.step(np.ones(2), np.ones(2))
    before = snapshot(opt)
    with pytest.raises(ValueError, match="weights w given contain NaN"):
        opt.step(np.array([1.0, math.nan]), np.ones(2))
    assert_same_state(opt, before)


def test_a_step_that_would_overflow_is_refused_unless_asked():
    opt = gdcourse.GD(eta=1e300)
    with pytest.raises(ValueError, match=r"step 1 would make the weights NaN or ±inf.*eta too large"), np.errstate(over="ignore"):
        opt.step(np.ones(1), np.array([1e300]))
    assert opt.r == 0
    with np.errstate(over="ignore"):
        w = opt.step(np.ones(1), np.array([1e300]), check_result=False)
    assert np.isinf(w[0]) and opt.r == 1


def test_zero_over_zero_with_eps_zero_is_reported_not_returned():
    opt = gdcourse.AdaGrad(eta=0.1, eps=0.0)
    with pytest.raises(ValueError, match="0/0"), np.errstate(divide="ignore", invalid="ignore"):
        opt.step(np.ones(2), np.array([1.0, 0.0]))
    assert opt.G is None


def test_huge_but_finite_gradient_is_accepted():
    w = gdcourse.GD(eta=1e-300).step(np.zeros(2), np.array([1e300, -1e300]))
    np.testing.assert_allclose(w, [-1.0, 1.0])


def test_repr_shows_hyperparameters():
    assert repr(gdcourse.Adam(eta=0.01)) == "Adam(eta=0.01, beta1=0.9, beta2=0.999, eps=1e-08)"
    assert repr(gdcourse.GD(eta=np.ones((3, 1)))) == "GD(eta=<array (3, 1)>)"


def test_update_bodies_follow_the_docstring_order():
    """The first statement of Adam's update is the m line, the last before return the w line."""
    source = inspect.getsource(gdcourse.Adam.update).splitlines()
    body = [line.strip() for line in source[1:] if line.strip()]
    assert body[0] == "m = beta1 * m + (1 - beta1) * g"
    assert body[1] == "v = beta2 * v + (1 - beta2) * g**2"
    assert body[2] == "m_hat = m / (1 - beta1**r)"
    assert body[3] == "v_hat = v / (1 - beta2**r)"
