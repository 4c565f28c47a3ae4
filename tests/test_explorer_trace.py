"""gdcourse.explorer.trace and .javascript: numpy code becomes straight-line JavaScript, or a clear error."""

import math

import numpy as np
import pytest

import gdcourse
from gdcourse.explorer import kernels
from gdcourse.explorer.javascript import function, literal
from gdcourse.explorer.trace import Tensor, TracingError


def test_operators_ufuncs_and_constants_become_nodes_in_python_order():
    w, eta = Tensor.input("w", (2,)), Tensor.input("eta")
    out = w - eta / np.sqrt(w**2 + 1e-8) * w
    assert [str(n) for n in out.nodes.flat] == [
        "(w[0] - ((eta / sqrt((square(w[0]) + 1e-08))) * w[0]))",
        "(w[1] - ((eta / sqrt((square(w[1]) + 1e-08))) * w[1]))",
    ]
    # constants are folded as numpy folds them; x ** 2 is x * x, other powers call pow
    assert str((Tensor.input("b") ** 3).nodes[()]) == "pow(b, 3.0)"
    assert str((2 * Tensor.input("b") * (1 - 0.5)).nodes[()]) == "((2.0 * b) * 0.5)"
    assert str(np.maximum(Tensor.input("a"), 0.0).nodes[()]) == "maximum(a, 0.0)"


def test_indexing_stack_and_products_with_constant_matrices():
    w = Tensor.input("w", (2,))
    x, y = w[..., 0], w[..., 1]
    assert x.shape == () and str(x.nodes[()]) == "w[0]"
    stacked = np.stack([x * y, -y], axis=-1)
    assert stacked.shape == (2,)
    H = np.array([[2.0, 0.5], [0.5, 3.0]])
    assert [str(n) for n in (w @ H).nodes.flat] == ["((w[0] * 2.0) + (w[1] * 0.5))", "((w[0] * 0.5) + (w[1] * 3.0))"]
    assert str((w @ w).nodes[()]) == "((w[0] * w[0]) + (w[1] * w[1]))"
    X = Tensor.input("X", (3, 2))
    assert (X @ w).shape == (3,) and (w @ X.T).shape == (3,) and len(X) == 3


def test_floor_division_and_cosine_of_the_schedules_become_nodes():
    r, s = Tensor.input("r"), Tensor.input("s")
    assert str(((r - 1) // s).nodes[()]) == "floor_divide((r - 1.0), s)"
    assert str((0 // s).nodes[()]) == "floor_divide(0.0, s)"  # Python's 0 // traced: __rfloordiv__
    assert str(np.cos(np.pi * r).nodes[()]) == "cos((3.141592653589793 * r))"
    assert "floor_divide(t0, step_size)" in kernels.trace_schedule("StepDecay", warmup=False)
    assert "Math.cos(" in kernels.trace_schedule("CosineAnnealing", warmup=False)


def test_a_schedule_is_traced_through_its_own_rate(monkeypatch):
    from gdcourse import schedules

    before = kernels.trace_schedule("ExponentialDecay", warmup=True)
    assert "function ExponentialDecay_warmup(r, eta, factor, W)" in before
    assert "t0 = r <= W" in before  # LinearWarmup's own np.where(r <= W, ...)
    monkeypatch.setattr(schedules.ExponentialDecay, "rate", lambda self, r: self.eta * self.factor ** (2 * (r - 1)))
    after = kernels.trace_schedule("ExponentialDecay", warmup=True)
    assert after != before and "2 * " in after


def test_what_cannot_be_traced_is_refused_with_a_reason():
    w = Tensor.input("w", (2,))
    with pytest.raises(TracingError, match="branches on a traced value"):
        if w[0] > 0:
            pass
    with pytest.raises(TracingError, match="np.sin cannot be traced"):
        np.sin(w)
    with pytest.raises(TracingError, match="np.cumsum cannot be traced"):
        np.cumsum(w)
    with pytest.raises(TracingError, match="not a parameter"):
        function("f", ["w"], w * Tensor.input("eta"))


def test_literals_round_trip_every_double():
    for value in (0.1, 1 / 3, -2.5, 1e-310, 5e-324, 1.7976931348623157e308, 100.0, -0.0):
        text = literal(value)
        assert float(text.strip("()")) == value and math.copysign(1, float(text.strip("()"))) == math.copysign(1, value)
    assert literal(float("inf")) == "Infinity" and literal(float("nan")) == "NaN" and literal(True) == "true"


def test_generated_function_for_momentum_is_its_update_line_for_line():
    source = kernels.trace_update(gdcourse.Momentum, {})
    assert "function Momentum_update(w, g, dw, eta, alpha)" in source
    # dw = alpha * dw - eta * g ; w = w + dw — per coordinate, in that order
    assert "const t0 = alpha * dw[0];\n  const t1 = eta * g[0];\n  const t2 = t0 - t1;\n  const t3 = w[0] + t2;" in source
    assert "return [[t3, t7], [t2, t6]];" in source


def test_a_flag_gives_one_variant_per_value_and_a_changed_update_changes_the_code():
    inside = kernels.trace_update(gdcourse.AdaGrad, {"eps_in_sqrt": True})
    outside = kernels.trace_update(gdcourse.AdaGrad, {"eps_in_sqrt": False})
    assert "Math.sqrt(t1)" in outside and "const t2 = t1 + eps;\n  const t3 = Math.sqrt(t2);" in inside

    class Heavier(gdcourse.Momentum):
        def update(self, w, g, dw, eta, alpha):
            dw = alpha * dw - eta * g * 2
            w = w + dw
            return w, dw

    assert kernels.trace_update(Heavier, {}) != kernels.trace_update(gdcourse.Momentum, {}).replace("Momentum", "Heavier")
    assert "* 2;" in kernels.trace_update(Heavier, {})


def test_problems_are_traced_through_their_own_f_and_grad():
    source = kernels.module_prefix()
    # Rosenbrock's grad: -2 (a - x) - 4 b x (y - x^2), 2 b (y - x^2) with a = 1, b = 100
    assert "const t1 = (-2) * t0;\n  const t2 = 400 * w[0];" in source
    # the minibatch gradient takes the batch as parameters; its data ships separately
    assert "function grad(w, X, y)" in source and '"batches": {"size": 16' in source
