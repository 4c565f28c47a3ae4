"""gdcourse.worked: the worked-steps tables hold the optimizer's own numbers, which we redo by hand here."""

import doctest
import math
import re
import unicodedata

import numpy as np
import pytest

import gdcourse
from gdcourse import problems, schedules, worked
from gdcourse.worked import worked_steps



def grad(w):
    return 2 * w


def test_the_docstring_example_runs():
    assert doctest.testmod(worked, raise_on_error=False).failed == 0


def test_momentum_by_hand():
    table = worked_steps(gdcourse.Momentum(eta=0.1, alpha=0.9), grad, 1.0)
    assert table.columns == ("r", "w^r", "g^r", "Δw^{r+1}", "w^{r+1} − w^r", "w^{r+1}")
    # Δw² = -0.1·2 = -0.2; Δw³ = 0.9(-0.2) - 0.1·1.6 = -0.34; Δw⁴ = 0.9(-0.34) - 0.1·0.92 = -0.398
    np.testing.assert_allclose(table["g^r"], [2.0, 1.6, 0.92], rtol=1e-15)
    np.testing.assert_allclose(table["Δw^{r+1}"], [-0.2, -0.34, -0.398], rtol=1e-14)
    np.testing.assert_allclose(table["w^{r+1}"], [0.8, 0.46, 0.062], rtol=1e-13)
    assert table["r"].tolist() == [1, 2, 3]


def test_adagrad_by_hand():
    table = worked_steps(gdcourse.AdaGrad(eta=0.1, eps=0.0), grad, 1.0)
    assert table.columns == ("r", "w^r", "g^r", "G^r", "w^{r+1} − w^r", "w^{r+1}")
    w1, g1 = 1.0, 2.0
    w2 = w1 - 0.1 * g1 / math.sqrt(4)
    G2 = 4 + (2 * w2) ** 2
    w3 = w2 - 0.1 * 2 * w2 / math.sqrt(G2)
    np.testing.assert_allclose(table["G^r"][:2], [4.0, G2], rtol=1e-15)
    np.testing.assert_allclose(table["w^{r+1}"][:2], [w2, w3], rtol=1e-15)


def test_rmsprop_by_hand():
    table = worked_steps(gdcourse.RMSProp(eta=0.1, gamma=0.9, eps=0.0), grad, 1.0)
    assert table.columns == ("r", "w^r", "g^r", "E[g²]^r", "w^{r+1} − w^r", "w^{r+1}")
    assert table["E[g²]^r"][0] == pytest.approx(0.1 * 4, rel=1e-15)
    assert table["w^{r+1} − w^r"][0] == pytest.approx(-0.1 * 2 / math.sqrt(0.4), rel=1e-15)
    w2 = table["w^{r+1}"][0]
    assert table["E[g²]^r"][1] == pytest.approx(0.9 * 0.4 + 0.1 * (2 * w2) ** 2, rel=1e-15)


def test_adam_by_hand_and_the_corrected_moments():
    table = worked_steps(gdcourse.Adam(eta=0.1, eps=0.0), grad, 1.0)
    assert table.columns == ("r", "w^r", "g^r", "m^r", "v^r", "m̂^r", "v̂^r", "w^{r+1} − w^r", "w^{r+1}")
    # step 1: m = 0.1·2, v = 0.001·4; corrected, m̂ = g and v̂ = g², so the step is exactly -η
    assert table["m^r"][0] == pytest.approx(0.2) and table["v^r"][0] == pytest.approx(0.004)
    assert table["m̂^r"][0] == pytest.approx(2.0, rel=1e-14) and table["v̂^r"][0] == pytest.approx(4.0, rel=1e-12)
    assert table["w^{r+1} − w^r"][0] == pytest.approx(-0.1, rel=1e-12)
    g2 = 2 * 0.9
    m2, v2 = 0.9 * 0.2 + 0.1 * g2, 0.999 * 0.004 + 0.001 * g2**2
    assert table["m̂^r"][1] == pytest.approx(m2 / (1 - 0.9**2), rel=1e-14)
    assert table["v̂^r"][1] == pytest.approx(v2 / (1 - 0.999**2), rel=1e-12)
    assert table["w^{r+1}"][1] == pytest.approx(0.9 - 0.1 * (m2 / 0.19) / math.sqrt(v2 / (1 - 0.999**2)), rel=1e-13)


def test_the_columns_are_the_optimizers_own_state_after_each_step(optimizer_class, rng):
    opt = optimizer_class()
    table = worked_steps(opt, grad, [0.5, -1.5], steps=4)
    again, w = optimizer_class(), np.array([0.5, -1.5])
    for r in range(1, 5):
        w_next = again.step(w, 2 * w)
        for name in again.state_names:
            np.testing.assert_array_equal(table[worked.STATE_SYMBOLS[name]][r - 1], getattr(again, name))
        np.testing.assert_array_equal(table["w^{r+1}"][r - 1], w_next)
        np.testing.assert_array_equal(table["w^{r+1} − w^r"][r - 1], w_next - w)
        w = w_next
    assert opt.r == 4  # the table ran the optimizer it was given


def test_amsgrad_corrects_the_maximum():
    table = worked_steps(gdcourse.AMSGrad(eta=0.1, beta2=0.5), lambda w: np.array([4.0]) if w[0] > 0.95 else np.array([0.1]), 1.0)
    np.testing.assert_allclose(table["v̂^r"], table["v_max^r"] / (1 - 0.5 ** np.arange(1, 4)), rtol=1e-15)
    assert table["v_max^r"][1] > table["v^r"][1]


def test_a_schedule_adds_its_learning_rate_column():
    table = worked_steps(gdcourse.SGDMomentum(eta=schedules.LinearWarmup(0.1, steps=2), alpha=0.5), grad, 1.0)
    assert table.columns == ("r", "w^r", "g^r", "η_r", "b^r", "w^{r+1} − w^r", "w^{r+1}")
    np.testing.assert_allclose(table["η_r"], [0.0, 0.05, 0.1])
    assert table["w^{r+1}"][0] == 1.0  # the warm-up's first step has η = 0


def test_a_problem_gives_the_gradient_and_vectors_print_as_lists():
    bowl = problems.Quadratic(kappa=4)
    table = worked_steps(gdcourse.GD(eta=0.5), bowl, [1.0, 1.0], steps=2)
    np.testing.assert_allclose(table["g^r"][0], [0.25, 1.0])
    text = str(table)
    assert text.splitlines()[0].split() == ["r", "w^r", "g^r", "w^{r+1}", "−", "w^r", "w^{r+1}"]
    assert "[0.875, 0.5]" in text.splitlines()[1]


def test_the_text_table_is_aligned_and_small():
    text = str(worked_steps(gdcourse.Adam(eta=0.1), grad, 1.0, digits=3))
    lines = text.splitlines()
    assert len(lines) == 4
    # every column starts at the same screen position in every line (the hat of m̂ takes no column)
    on_screen = ["".join(ch for ch in line if not unicodedata.combining(ch)) for line in lines]
    starts = [[0] + [m.end() for m in re.finditer(r" {2,}", line)] for line in on_screen]
    assert len(starts[0]) == 9 and all(s == starts[0] for s in starts)
    assert "0.00724" in lines[2] and "0.007236" not in lines[2]


def test_markdown_for_jupyter_and_the_site():
    markdown = worked_steps(gdcourse.Adam(eta=0.1), grad, 1.0)._repr_markdown_()
    assert markdown.startswith("Adam(eta=0.1, beta1=0.9, beta2=0.999, eps=1e-08)\n\n| r | $w^r$ | $g^r$ | $m^r$ | $v^r$ | $\\hat m^r$ |")
    assert "| 1 | 1 | 2 | 0.2 | 0.004 | 2 | 4 | -0.1 | 0.9 |" in markdown


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: worked_steps("Adam", grad, 1.0), r"optimizer must be a gdcourse optimizer"),
        (lambda: worked_steps(gdcourse.Adam(), 3.0, 1.0), r"grad must be a problem or a function of w returning the gradient; got 3.0"),
        (lambda: worked_steps(gdcourse.Adam(), grad, 1.0, steps=0), r"steps \(the number of worked steps\) must be an integer in \[1, 20\]; got 0"),
        (lambda: worked_steps(gdcourse.Adam(), grad, np.zeros(10)), r"w0 must be a number or a vector of at most 4 numbers"),
        (lambda: worked_steps(gdcourse.Adam(), grad, 1.0, digits=0), r"digits \(significant digits shown\) must be an integer in \[1, 17\]; got 0"),
        (lambda: worked_steps(gdcourse.Adam(), lambda w: w * np.nan, 1.0), r"the gradient g contains NaN"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_unknown_column():
    with pytest.raises(KeyError, match=r"no column 'm\^r'; the columns are \['r', 'w\^r'"):
        worked_steps(gdcourse.GD(), grad, 1.0)["m^r"]
