"""Every equivalence and difference stated on the book's conventions page (book/conventions.md).

No deep-learning framework is needed: each library's update rule is written out below in numpy, as its
source states it, and run against gdcourse's options on the same gradients.  Sources read:

- PyTorch 2.13.0: torch/optim/{sgd,adagrad,rmsprop,adadelta,adam,adamw}.py, the single-tensor paths;
- Keras 3 (keras-team/keras @ 3422977a): keras/src/optimizers/{sgd,adagrad,rmsprop,adadelta,adam,adamw}.py
  and base_optimizer.py (_apply_weight_decay);
- optax (google-deepmind/optax @ 2edbcbe2): optax/_src/transform.py (trace, scale_by_rss, scale_by_rms,
  scale_by_adadelta, scale_by_adam, scale_by_amsgrad) and alias.py (sgd, adagrad, rmsprop, adam, adamw).
"""

import math

import numpy as np
import pytest

import gdcourse

STEPS = 60


@pytest.fixture
def grads():
    """Gradients spanning five orders of magnitude per coordinate, large for 20 steps then small."""
    rng = np.random.default_rng(7)
    envelope = np.where(np.arange(STEPS) < 20, 2.0, 0.2)[:, None]
    return envelope * np.geomspace(1e-4, 10, 5) * rng.standard_normal((STEPS, 5))


W0 = np.linspace(-1.0, 1.0, 5)


def gdcourse_path(opt, grads, w0=W0, before_step=None):
    """Run gdcourse open loop; before_step(opt, r) may change a hyperparameter before step r."""
    w, path = w0.copy(), []
    for r, g in enumerate(grads, start=1):
        if before_step:
            before_step(opt, r)
        w = opt.step(w, g)
        path.append(w)
    return np.array(path)


def library_path(update, state, grads, w0=W0, **settings):
    """Run a library's rule: update(w, g, state, r, **settings) -> w; state is a dict it may change."""
    w, path = w0.copy(), []
    for r, g in enumerate(grads, start=1):
        w = update(w, g, state, r, **settings)
        path.append(w)
    return np.array(path)


def rel(a, b):
    return np.max(np.linalg.norm(a - b, axis=-1) / np.linalg.norm(b - W0, axis=-1))


# --------------------------------------------------------------------- momentum


def pytorch_sgd(w, g, s, r, lr, momentum, nesterov=False):
    # b = g on the first step, then b = μb + g; θ -= lr·b  (nesterov: θ -= lr·(g + μb))
    s["b"] = g.copy() if "b" not in s else momentum * s["b"] + g
    direction = g + momentum * s["b"] if nesterov else s["b"]
    return w - lr(r) * direction


def keras_sgd(w, g, s, r, lr, momentum, nesterov=False):
    # m = μm − lr·g; w += m  (nesterov: w += μm − lr·g, with the new m)
    s["m"] = momentum * s.get("m", 0.0) - lr(r) * g
    return w + (momentum * s["m"] - lr(r) * g if nesterov else s["m"])


def optax_trace(w, g, s, r, lr, momentum, nesterov=False):
    # trace: t = g + μt; update = −lr·t  (nesterov: −lr·(g + μt))
    s["t"] = g + momentum * s.get("t", 0.0)
    return w - lr(r) * (g + momentum * s["t"] if nesterov else s["t"])


def constant(value):
    return lambda r: value


def halved_at(value, step):
    return lambda r: value if r < step else value / 2


def test_momentum_keras_form_is_gdcourse_exactly(grads):
    ours = gdcourse_path(gdcourse.Momentum(eta=0.01, alpha=0.9), grads)
    theirs = library_path(keras_sgd, {}, grads, lr=constant(0.01), momentum=0.9)
    np.testing.assert_array_equal(ours, theirs)


def test_momentum_pytorch_and_optax_forms_equal_gdcourse_for_a_constant_learning_rate(grads):
    ours = gdcourse_path(gdcourse.Momentum(eta=0.01, alpha=0.9), grads)
    torch_like = library_path(pytorch_sgd, {}, grads, lr=constant(0.01), momentum=0.9)
    optax_like = library_path(optax_trace, {}, grads, lr=constant(0.01), momentum=0.9)
    assert rel(ours, torch_like) < 1e-13
    np.testing.assert_array_equal(torch_like, optax_like)


def test_momentum_forms_differ_once_the_learning_rate_changes(grads):
    """PyTorch's buffer holds gradients, so a new lr rescales the whole velocity at once;
    the Δw form (gdcourse, Keras) lets the old velocity keep the old lr."""
    halve = lambda opt, r: setattr(opt, "eta", 0.01 if r < 30 else 0.005)  # noqa: E731
    ours = gdcourse_path(gdcourse.Momentum(eta=0.01, alpha=0.9), grads, before_step=halve)
    keras_like = library_path(keras_sgd, {}, grads, lr=halved_at(0.01, 30), momentum=0.9)
    torch_like = library_path(pytorch_sgd, {}, grads, lr=halved_at(0.01, 30), momentum=0.9)
    np.testing.assert_array_equal(ours, keras_like)
    assert rel(ours[:29], torch_like[:29]) < 1e-13
    assert rel(ours[30:], torch_like[30:]) > 1e-3


def test_nesterov_forms(grads):
    ours = gdcourse_path(gdcourse.Nesterov(eta=0.01, alpha=0.9), grads)
    keras_like = library_path(keras_sgd, {}, grads, lr=constant(0.01), momentum=0.9, nesterov=True)
    torch_like = library_path(pytorch_sgd, {}, grads, lr=constant(0.01), momentum=0.9, nesterov=True)
    optax_like = library_path(optax_trace, {}, grads, lr=constant(0.01), momentum=0.9, nesterov=True)
    assert rel(ours, keras_like) < 1e-14  # the same formula, summed in another order
    assert rel(ours, torch_like) < 1e-13
    np.testing.assert_allclose(torch_like, optax_like, rtol=1e-15)


# ---------------------------------------------------------------------- AdaGrad


def pytorch_adagrad(w, g, s, r, lr, eps, initial=0.0):
    s["sum"] = s.get("sum", initial) + g * g
    return w - lr * g / (np.sqrt(s["sum"]) + eps)


def keras_adagrad(w, g, s, r, lr, eps, initial=0.1):
    s["acc"] = s.get("acc", initial) + g * g
    return w - lr * g / np.sqrt(s["acc"] + eps)


def optax_adagrad(w, g, s, r, lr, eps, initial=0.1):
    s["sum_of_squares"] = s.get("sum_of_squares", initial) + g * g
    t = s["sum_of_squares"]
    scale = np.where(t > 0, 1 / np.sqrt(t + eps), 0.0)
    return w - lr * scale * g


def test_adagrad_pytorch_is_gdcourse_default(grads):
    ours = gdcourse_path(gdcourse.AdaGrad(eta=0.1, eps=1e-10), grads)
    theirs = library_path(pytorch_adagrad, {}, grads, lr=0.1, eps=1e-10)
    assert rel(ours, theirs) < 1e-14


def start_accumulator(value):
    def preset(opt, r):
        if r == 1:
            opt.G = np.full_like(W0, value)

    return preset


def test_adagrad_keras_is_gdcourse_eps_inside_with_an_initial_accumulator(grads):
    keras_like = library_path(keras_adagrad, {}, grads, lr=0.1, eps=1e-7)
    inside = gdcourse_path(gdcourse.AdaGrad(eta=0.1, eps=1e-7, eps_in_sqrt=True), grads, before_step=start_accumulator(0.1))
    assert rel(inside, keras_like) < 1e-14
    # ...and PyTorch's form with eps = 0 and the accumulator started at s0 + eps is the same thing
    outside = gdcourse_path(gdcourse.AdaGrad(eta=0.1, eps=0.0), grads, before_step=start_accumulator(0.1 + 1e-7))
    assert rel(outside, keras_like) < 1e-14
    torch_like = library_path(pytorch_adagrad, {}, grads, lr=0.1, eps=0.0, initial=0.1 + 1e-7)
    assert rel(torch_like, keras_like) < 1e-14


def test_adagrad_optax_equals_keras_when_the_accumulator_starts_positive(grads):
    keras_like = library_path(keras_adagrad, {}, grads, lr=0.1, eps=1e-7)
    optax_like = library_path(optax_adagrad, {}, grads, lr=0.1, eps=1e-7)
    np.testing.assert_allclose(optax_like, keras_like, rtol=1e-14)


def test_adagrad_default_accumulators_make_the_first_steps_differ():
    # PyTorch (s0 = 0): the first step is lr·sign(g); Keras/optax (s0 = 0.1): lr·g/sqrt(0.1 + g²).
    g = np.array([1e-3, 1.0, 100.0])
    torch_step = pytorch_adagrad(np.zeros(3), g, {}, 1, lr=1.0, eps=1e-10)
    keras_step = keras_adagrad(np.zeros(3), g, {}, 1, lr=1.0, eps=1e-7)
    np.testing.assert_allclose(torch_step, -np.sign(g), rtol=1e-6)
    assert abs(keras_step[0]) < 0.01  # a small gradient barely moves: s0 dominates
    assert abs(keras_step[2]) == pytest.approx(1.0, rel=1e-5)


# ---------------------------------------------------------------------- RMSProp


def pytorch_rmsprop(w, g, s, r, lr, alpha, eps):
    s["square_avg"] = alpha * s.get("square_avg", 0.0) + (1 - alpha) * g * g
    return w - lr * g / (np.sqrt(s["square_avg"]) + eps)


def keras_rmsprop(w, g, s, r, lr, rho, eps):
    s["velocity"] = rho * s.get("velocity", 0.0) + (1 - rho) * g * g
    return w - lr * g / np.sqrt(s["velocity"] + eps)


def optax_rmsprop(w, g, s, r, lr, decay, eps, eps_in_sqrt=True, initial_scale=0.0):
    s["nu"] = (1 - decay) * g**2 + decay * s.get("nu", initial_scale)
    scale = 1 / np.sqrt(s["nu"] + eps) if eps_in_sqrt else 1 / (np.sqrt(s["nu"]) + eps)
    return w - lr * scale * g


def test_rmsprop_pytorch_alpha_is_gamma_and_eps_is_outside(grads):
    ours = gdcourse_path(gdcourse.RMSProp(eta=0.01, gamma=0.99, eps=1e-8), grads)
    theirs = library_path(pytorch_rmsprop, {}, grads, lr=0.01, alpha=0.99, eps=1e-8)
    assert rel(ours, theirs) < 1e-14


def test_rmsprop_keras_and_optax_put_eps_inside(grads):
    ours = gdcourse_path(gdcourse.RMSProp(eta=0.01, gamma=0.9, eps=1e-7, eps_in_sqrt=True), grads)
    keras_like = library_path(keras_rmsprop, {}, grads, lr=0.01, rho=0.9, eps=1e-7)
    optax_like = library_path(optax_rmsprop, {}, grads, lr=0.01, decay=0.9, eps=1e-7)
    assert rel(ours, keras_like) < 1e-14
    assert rel(ours, optax_like) < 1e-14
    optax_outside = library_path(optax_rmsprop, {}, grads, lr=0.01, decay=0.9, eps=1e-7, eps_in_sqrt=False)
    assert rel(gdcourse_path(gdcourse.RMSProp(eta=0.01, gamma=0.9, eps=1e-7), grads), optax_outside) < 1e-14


def test_rmsprop_eps_placement_matters_for_small_gradients(grads):
    inside = gdcourse_path(gdcourse.RMSProp(eta=0.01, eps=1e-7, eps_in_sqrt=True), grads)
    outside = gdcourse_path(gdcourse.RMSProp(eta=0.01, eps=1e-7), grads)
    # the coordinate with gradients ~1e-4: sqrt(E[g²] + 1e-7) ≈ 3e-4 vs sqrt(E[g²]) ≈ 1e-4
    small = np.abs(inside[-1, 0] - W0[0]) / np.abs(outside[-1, 0] - W0[0])
    assert small < 0.5
    # the coordinate with gradients ~10: no visible difference
    assert np.abs(inside[-1, -1] - outside[-1, -1]) < 1e-6 * np.abs(outside[-1, -1] - W0[-1])


# --------------------------------------------------------------------- AdaDelta


def pytorch_adadelta(w, g, s, r, lr, rho, eps):
    s["square_avg"] = rho * s.get("square_avg", 0.0) + (1 - rho) * g * g
    delta = np.sqrt(s.get("acc_delta", 0.0) + eps) / np.sqrt(s["square_avg"] + eps) * g
    s["acc_delta"] = rho * s.get("acc_delta", 0.0) + (1 - rho) * delta * delta
    return w - lr * delta


def keras_adadelta(w, g, s, r, lr, rho, eps):
    s["acc_grad"] = rho * s.get("acc_grad", 0.0) + (1 - rho) * g * g
    delta = -np.sqrt(s.get("acc_delta", 0.0) + eps) / np.sqrt(s["acc_grad"] + eps) * g
    s["acc_delta"] = rho * s.get("acc_delta", 0.0) + (1 - rho) * delta * delta
    return w + lr * delta


def optax_adadelta(w, g, s, r, lr, rho, eps):
    e_g = (1 - rho) * g**2 + rho * s.get("e_g", 0.0)
    update = np.sqrt(s.get("e_x", 0.0) + eps) / np.sqrt(e_g + eps) * g
    s["e_g"], s["e_x"] = e_g, (1 - rho) * update**2 + rho * s.get("e_x", 0.0)
    return w - lr * update


def test_adadelta_is_the_same_rule_everywhere(grads):
    ours = gdcourse_path(gdcourse.AdaDelta(eta=0.5, rho=0.95, eps=1e-6), grads)
    for rule in (pytorch_adadelta, keras_adadelta, optax_adadelta):
        assert rel(ours, library_path(rule, {}, grads, lr=0.5, rho=0.95, eps=1e-6)) < 1e-14, rule.__name__


# ------------------------------------------------------------------------- Adam


def pytorch_adam(w, g, s, r, lr, beta1, beta2, eps, amsgrad=False, weight_decay=0.0, decoupled=False):
    if decoupled:
        w = w * (1 - lr * weight_decay)  # AdamW
    elif weight_decay:
        g = g + weight_decay * w  # Adam(weight_decay=...): L2 in the gradient
    m = s.get("exp_avg", 0.0)
    s["exp_avg"] = m + (1 - beta1) * (g - m)  # lerp
    s["exp_avg_sq"] = beta2 * s.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
    v = s["exp_avg_sq"]
    if amsgrad:
        s["max_exp_avg_sq"] = np.maximum(s.get("max_exp_avg_sq", 0.0), v)
        v = s["max_exp_avg_sq"]
    bias_correction1, bias_correction2 = 1 - beta1**r, 1 - beta2**r
    denom = np.sqrt(v) / math.sqrt(bias_correction2) + eps
    return w - lr / bias_correction1 * s["exp_avg"] / denom


def keras_adam(w, g, s, r, lr, beta1, beta2, eps, amsgrad=False, weight_decay=0.0):
    if weight_decay:
        w = w - w * weight_decay * lr  # base_optimizer._apply_weight_decay (AdamW)
    alpha = lr * math.sqrt(1 - beta2**r) / (1 - beta1**r)
    m = s.get("m", 0.0)
    s["m"] = m + (g - m) * (1 - beta1)
    v = s.get("v", 0.0)
    s["v"] = v + (g * g - v) * (1 - beta2)
    v = s["v"]
    if amsgrad:
        s["v_hat"] = np.maximum(s.get("v_hat", 0.0), v)
        v = s["v_hat"]
    return w - s["m"] * alpha / (np.sqrt(v) + eps)  # ε̂ is added to √v, not to √v̂


def optax_adam(w, g, s, r, lr, b1, b2, eps, eps_root=0.0, weight_decay=None, amsgrad=False):
    mu = (1 - b1) * g + b1 * s.get("mu", 0.0)
    nu = (1 - b2) * g**2 + b2 * s.get("nu", 0.0)
    s["mu"], s["nu"] = mu, nu
    mu_hat, nu_hat = mu / (1 - b1**r), nu / (1 - b2**r)
    if amsgrad:  # scale_by_amsgrad: the maximum of the bias-corrected second moment
        s["nu_max"] = np.maximum(s.get("nu_max", 0.0), nu_hat)
        nu_hat = s["nu_max"]
    update = mu_hat / (np.sqrt(nu_hat + eps_root) + eps)
    if weight_decay is not None:
        update = update + weight_decay * w  # add_decayed_weights, before scale_by_learning_rate
    return w - lr * update


def test_adam_pytorch_and_optax_are_algorithm_1_as_gdcourse(grads):
    ours = gdcourse_path(gdcourse.Adam(eta=0.01), grads)
    torch_like = library_path(pytorch_adam, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    optax_like = library_path(optax_adam, {}, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8)
    assert rel(ours, torch_like) < 1e-13
    assert rel(ours, optax_like) < 1e-13


def test_adam_optax_eps_root_is_the_notes_eps_inside_form(grads):
    ours = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-6, eps_in_sqrt=True), grads)
    optax_like = library_path(optax_adam, {}, grads, lr=0.01, b1=0.9, b2=0.999, eps=0.0, eps_root=1e-6)
    assert rel(ours, optax_like) < 1e-13


def test_adam_keras_eps_hat_equals_a_step_dependent_eps(grads):
    """Keras adds ε̂ to √v, not √v̂: that is Algorithm 1 with ε_r = ε̂ / sqrt(1 − β2^r)."""
    keras_like = library_path(keras_adam, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)
    mapped = lambda opt, r: setattr(opt, "eps", 1e-7 / math.sqrt(1 - 0.999**r))  # noqa: E731
    ours = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-7), grads, before_step=mapped)
    assert rel(ours, keras_like) < 1e-13
    # and the other way round: gdcourse's ε is Keras's ε̂_r = ε·sqrt(1 − β2^r)
    ours_constant = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-7), grads)
    keras_mapped = library_path(
        lambda w, g, s, r, **k: keras_adam(w, g, s, r, eps=1e-7 * math.sqrt(1 - 0.999**r), **k),
        {}, grads, lr=0.01, beta1=0.9, beta2=0.999,
    )
    assert rel(ours_constant, keras_mapped) < 1e-13


def test_adam_keras_constant_eps_hat_differs_where_gradients_are_tiny(grads):
    keras_like = library_path(keras_adam, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)
    ours = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-7), grads)
    # coordinate 0 has gradients ~1e-4, comparable with ε̂/sqrt(1-β2^r) ≈ 3e-6 ... 1e-7
    moved_ours, moved_keras = ours[:, 0] - W0[0], keras_like[:, 0] - W0[0]
    assert np.max(np.abs(moved_ours - moved_keras) / np.abs(moved_ours)) > 1e-3
    # coordinate 4 (gradients ~10): the same to about six digits
    np.testing.assert_allclose(keras_like[:, 4], ours[:, 4], rtol=1e-6)


def test_adam_eps_inside_versus_outside_the_root(grads):
    outside = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-6), grads)
    inside = gdcourse_path(gdcourse.Adam(eta=0.01, eps=1e-6, eps_in_sqrt=True), grads)
    # √(v̂ + 1e-6) ≥ 1e-3 bounds the denominator from below, √v̂ + 1e-6 does not: once the gradients
    # of coordinate 0 are ~2e-5 (steps 21-60), it moves several times less with ε inside.
    late_inside, late_outside = abs(inside[-1, 0] - inside[30, 0]), abs(outside[-1, 0] - outside[30, 0])
    assert late_inside < 0.25 * late_outside
    np.testing.assert_allclose(inside[:, 4], outside[:, 4], rtol=1e-6)


# ------------------------------------------------------------------------ AdamW


def test_adamw_pytorch_keras_and_optax_scale_the_decay_by_the_learning_rate(grads):
    lr, lam = 0.01, 0.1
    ours = gdcourse_path(gdcourse.AdamW(eta=lr, weight_decay=lam), grads)
    torch_like = library_path(pytorch_adam, {}, grads, lr=lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=lam, decoupled=True)
    optax_like = library_path(optax_adam, {}, grads, lr=lr, b1=0.9, b2=0.999, eps=1e-8, weight_decay=lam)
    assert rel(ours, torch_like) < 1e-12
    assert rel(ours, optax_like) < 1e-12
    keras_like = library_path(keras_adam, {}, grads, lr=lr, beta1=0.9, beta2=0.999, eps=1e-7, weight_decay=lam)
    mapped = lambda opt, r: setattr(opt, "eps", 1e-7 / math.sqrt(1 - 0.999**r))  # noqa: E731
    assert rel(gdcourse_path(gdcourse.AdamW(eta=lr, weight_decay=lam, eps=1e-7), grads, before_step=mapped), keras_like) < 1e-12


def paper_adamw(w, g, s, r, alpha, lam, schedule=1.0, beta1=0.9, beta2=0.999, eps=1e-8):
    # Loshchilov & Hutter (2019), Algorithm 2: θ ← θ − η_t (α m̂/(√v̂ + ε) + λ θ); η_t is the schedule
    s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
    s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
    m_hat, v_hat = s["m"] / (1 - beta1**r), s["v"] / (1 - beta2**r)
    return w - schedule * (alpha * m_hat / (np.sqrt(v_hat) + eps) + lam * w)


def test_adamw_paper_decay_is_not_scaled_by_alpha(grads):
    alpha, lam = 0.001, 0.05
    paper = library_path(paper_adamw, {}, grads, alpha=alpha, lam=lam)
    # PyTorch-style weight_decay = λ/α reproduces the paper; weight_decay = λ decays α times less
    assert rel(gdcourse_path(gdcourse.AdamW(eta=alpha, weight_decay=lam / alpha), grads), paper) < 1e-12
    assert rel(gdcourse_path(gdcourse.AdamW(eta=alpha, weight_decay=lam), grads), paper) > 1e-2


def test_l2_in_adam_is_not_weight_decay(grads):
    lr, lam = 0.01, 0.1
    coupled = library_path(pytorch_adam, {}, grads, lr=lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=lam)
    decoupled = gdcourse_path(gdcourse.AdamW(eta=lr, weight_decay=lam), grads)
    assert rel(coupled, decoupled) > 1e-2
    # L2 in the gradient is what gdcourse.Adam does on problem.with_l2(lam): g + λw
    w, path, opt = W0.copy(), [], gdcourse.Adam(eta=lr)
    for g in grads:
        w = opt.step(w, g + lam * w)
        path.append(w)
    assert rel(np.array(path), coupled) < 1e-12


# ---------------------------------------------------------------------- AMSGrad


def test_amsgrad_pytorch_and_keras_take_the_max_of_the_raw_v(grads):
    ours = gdcourse_path(gdcourse.AMSGrad(eta=0.01), grads)
    torch_like = library_path(pytorch_adam, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=True)
    assert rel(ours, torch_like) < 1e-13
    keras_like = library_path(keras_adam, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7, amsgrad=True)
    mapped = lambda opt, r: setattr(opt, "eps", 1e-7 / math.sqrt(1 - 0.999**r))  # noqa: E731
    assert rel(gdcourse_path(gdcourse.AMSGrad(eta=0.01, eps=1e-7), grads, before_step=mapped), keras_like) < 1e-13


def test_amsgrad_optax_takes_the_max_of_the_bias_corrected_v_and_steps_less(grads):
    ours = gdcourse_path(gdcourse.AMSGrad(eta=0.01), grads)
    optax_like = library_path(optax_adam, {}, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8, amsgrad=True)
    # After the large gradients stop (step 20), max(v̂) remembers g² itself, while max(v)/(1 − β2^r)
    # shrinks as 1 − β2^r grows: optax's denominator is larger and its steps smaller.
    assert rel(ours, optax_like) > 1e-2
    late_ours = np.abs(ours[-1] - ours[30])
    late_optax = np.abs(optax_like[-1] - optax_like[30])
    assert np.all(late_optax < late_ours)


def test_amsgrad_reddi_without_bias_correction_differs_from_the_libraries(grads):
    def reddi(w, g, s, r, lr, beta1, beta2, eps):
        s["m"] = beta1 * s.get("m", 0.0) + (1 - beta1) * g
        s["v"] = beta2 * s.get("v", 0.0) + (1 - beta2) * g * g
        s["v_hat"] = np.maximum(s.get("v_hat", 0.0), s["v"])
        return w - lr * s["m"] / (np.sqrt(s["v_hat"]) + eps)

    ours = gdcourse_path(gdcourse.AMSGrad(eta=0.01), grads)
    paper = library_path(reddi, {}, grads, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    assert rel(ours, paper) > 1e-2
