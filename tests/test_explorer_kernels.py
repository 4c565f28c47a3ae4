"""gdcourse.explorer.kernels: the JavaScript generated from gdcourse computes what gdcourse computes.

The generated code runs in Node.js (tests/explorer_harness.mjs, with site/explorer/run.js, the page's run
loop).  IEEE +, −, ×, ÷ and √ are correctly rounded in numpy and in JavaScript, so code without ``pow``
agrees bit for bit; ``x ** 3`` and the bias corrections ``beta ** r`` call the platforms' ``pow``, which
may differ in the last bit.  Whole runs agree to 1e-9 wherever that is a fair test: a run that moves by more
than 1e-9 when every pow in it is off by one ulp (chaos, or Adam hovering at a minimum) amplifies
last-bit differences beyond the tolerance, whatever the code; the test says how many runs it checked.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from conftest import random_hyperparameters
from explorer_support import node_answers

from gdcourse.explorer import kernels
from gdcourse.explorer.settings import run_settings
from gdcourse import analysis
from gdcourse.problems import two_d

EXACT_OPTIMIZERS = [name for name, cls in kernels.OPTIMIZERS.items() if not cls._takes_r]  # no pow in update
EXACT_PROBLEMS = ["quadratic", "rotated quadratic"]  # only + − × (and a constant matrix)


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    path = tmp_path_factory.mktemp("explorer") / "prefix.js"
    path.write_text(kernels.module_prefix(), encoding="utf-8")
    return path


def test_every_optimizer_and_flag_has_a_kernel_and_every_problem_its_functions(prefix):
    source = kernels.module_prefix()
    for name, cls in kernels.OPTIMIZERS.items():
        for values in itertools.product(["false", "true"], repeat=len(kernels.flags_of(cls))):
            key = ",".join(f"{f}={v}" for f, v in zip(kernels.flags_of(cls), values))
            assert f'"{key}": // {name}.update' in source
    assert kernels.flags_of(kernels.OPTIMIZERS["Adam"]) == ("eps_in_sqrt",)
    assert kernels.flags_of(kernels.OPTIMIZERS["Momentum"]) == ()
    for key in two_d():
        assert f'"{key}": Object.assign(' in source


def _update_cases(rng):
    cases = []
    for name, cls in kernels.OPTIMIZERS.items():
        for values in itertools.product([False, True], repeat=len(kernels.flags_of(cls))):
            flags = dict(zip(kernels.flags_of(cls), values))
            for _ in range(40):
                hyper = random_hyperparameters(cls, rng)
                state = {s: rng.normal(size=2) ** 2 * 10.0 ** rng.uniform(-3, 1) for s in cls.state_names}  # >= 0, as accumulators are
                if "dw" in state or "m" in state:
                    for s in ("dw", "m"):
                        if s in state:
                            state[s] = rng.normal(size=2)
                cases.append((cls, flags, hyper, state, int(rng.integers(1, 500)), rng.normal(size=2) * 3, rng.normal(size=2) * 10.0 ** rng.uniform(-4, 2)))
    return cases


def test_update_kernels_equal_optimizer_step(prefix, rng):
    cases = _update_cases(rng)
    requests = []
    expected = []
    for cls, flags, hyper, state, r, w, g in cases:
        opt = cls(**hyper, **flags)
        for s, value in state.items():
            setattr(opt, s, value.copy())
        opt.r = r - 1
        w_next = opt.step(w, g)
        expected.append([w_next, *(getattr(opt, s) for s in cls.state_names)])
        requests.append({"step": {"optimizer": cls.__name__, **flags, "w": w.tolist(), "g": g.tolist(),
                                  "state": [state[s].tolist() for s in cls.state_names], "r": r,
                                  "hyperparameters": [hyper[h] for h in cls.hyperparameter_names]}})
    answers = node_answers(prefix, requests)
    exact = 0
    for (cls, flags, *_), want, got in zip(cases, expected, answers):
        got = np.array(got)
        want = np.array(want)
        if cls.__name__ in EXACT_OPTIMIZERS:
            np.testing.assert_array_equal(got, want, err_msg=f"{cls.__name__} {flags}")
            exact += 1
        else:  # the bias corrections 1 - beta**r: pow may differ in the last bit
            np.testing.assert_allclose(got, want, rtol=1e-14, atol=0, err_msg=f"{cls.__name__} {flags}")
    assert exact >= 6 * 40


def _points(rng, n):
    return [rng.uniform(-3, 3, 2) * 10.0 ** rng.uniform(-3, 1) for _ in range(n)]


def test_problem_kernels_equal_f_and_grad(prefix, rng):
    problems = two_d()
    requests, expected = [], []
    for key, problem in problems.items():
        if problem.stochastic:
            continue
        for w in _points(rng, 300):
            requests.append({"problem": key, "w": w.tolist()})
            expected.append((key, problem.f(w), problem.grad(w)))
            lam = float(rng.uniform(0, 1))
            l2 = problem.with_l2(lam)
            requests.append({"problem": key, "w": w.tolist(), "lam": lam})
            expected.append((key, l2.f(w), l2.grad(w)))
    answers = node_answers(prefix, requests)
    for (key, f, g), got in zip(expected, answers):
        if key in EXACT_PROBLEMS:
            assert got["f"] == f and got["grad"] == list(g), key
        else:  # y**3, y**4 call pow; y**3 − y can cancel, so compare with the size of the terms
            np.testing.assert_allclose(got["f"], f, rtol=1e-12, atol=1e-15, err_msg=key)
            np.testing.assert_allclose(got["grad"], g, rtol=1e-12, atol=1e-13 * (1 + np.abs(g).max()), err_msg=key)


def test_minibatch_gradient_of_rare_features(prefix, rng):
    rare = two_d()["rare features"]
    requests, expected = [], []
    rare.reset()
    for k in range(50):
        idx = rare.next_batch()
        w = rng.normal(size=2)
        batch = [rare.X[idx].ravel().tolist(), rare.y[idx].tolist()]
        requests.append({"problem": "rare features", "w": w.tolist(), "batch": batch})
        expected.append((rare.f(w), rare.grad_on(w, idx)))
    for (f, g), got in zip(expected, node_answers(prefix, requests)):
        assert got["f"] == f  # the full loss: a quadratic form with constant H, b, c
        np.testing.assert_allclose(got["grad"], g, rtol=1e-13, atol=1e-15)  # sums of 16 terms, in BLAS's order or ours


def test_analysis_kernels_equal_gdcourse_analysis(prefix):
    xs = np.linspace(0, 4.5, 46)
    alphas = np.linspace(0, 0.99, 34)
    requests, expected = [], []
    for x, a in itertools.product(xs, alphas):
        requests += [{"analysis": "momentumRate", "args": [x, a]}, {"analysis": "momentumRegime", "args": [x, a]}]
        expected += [float(analysis.momentum_rate(x, a)), int(analysis.momentum_regime(x, a))]
    for a in alphas:
        requests.append({"analysis": "momentumEdges", "args": [a]})
        expected.append([float(v) for v in analysis.momentum_edges(a)])
    assert node_answers(prefix, requests) == expected


def _settings(rng):
    """Runs of every optimizer on every problem: a few learning rates and starts each, some diverging."""
    out = []
    problems = two_d()
    for name, cls in kernels.OPTIMIZERS.items():
        for key, problem in problems.items():
            (x0, x1), (y0, y1) = problem.window
            for trial in range(4):
                s = {"optimizer": name, "problem": key, "steps": 300}
                s.update(random_hyperparameters(cls, rng))
                for flag in kernels.flags_of(cls):
                    s[flag] = bool(trial % 2)
                s["start"] = list(problem.start) if trial == 0 else [float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))]
                if trial == 3:
                    s["l2"] = float(rng.uniform(0, 0.3))
                out.append(s)
        # diverging: a learning rate far too large for the steepest problem
        out.append({"optimizer": name, "problem": "Rosenbrock", "steps": 200, "start": [-1.5, 2.0],
                    **random_hyperparameters(cls, rng), "eta": 1.0 if not cls.state_names or name in ("Momentum", "Nesterov") else 1e160})
        out.append({"optimizer": name, "problem": "quadratic", "steps": 2000, "start": [-4.5, 1.5],
                    **random_hyperparameters(cls, rng), "eta": 10.0 if name in ("GD", "Momentum", "Nesterov") else 1e200})
    return out


def _moves(a, b) -> bool:
    """Do two runs of the page's code differ: another length, or by more than the tolerance, 1e-9 relative?"""
    pa, pb = (np.array(x["path"]).reshape(-1, 2) for x in (a, b))
    if pa.shape != pb.shape or a["divergedAt"] != b["divergedAt"]:
        return True
    return bool(len(pa) and np.max(np.abs(pa - pb) / np.maximum(np.abs(pb), 1e-300)) > 1e-9)


def test_runs_equal_gdcourse_run(prefix, rng):
    settings = _settings(rng)
    answers = node_answers(prefix, [{"run": s} for s in settings])
    # The same runs with every pow off by one ulp: a run that this moves by more than the tolerance
    # amplifies last-bit differences (chaos, or Adam hovering at a minimum, where its step is the ratio
    # of two tiny moments); the page cannot be expected to match gdcourse there, whichever pow is "right".
    nudged = node_answers(prefix, [{"run": s, "nudgePow": True} for s in settings])
    checked = diverged = 0
    for s, got, other in zip(settings, answers, nudged):
        if _moves(got, other):
            continue
        want = run_settings(s)
        checked += 1
        path = np.array(got["path"]).reshape(-1, 2)
        assert got["divergedAt"] == want.diverged_at, s
        assert path.shape == want.w.shape, s
        np.testing.assert_allclose(path, want.w, rtol=1e-9, atol=1e-300, err_msg=str(s))
        np.testing.assert_allclose(got["loss"], want.loss, rtol=1e-9, atol=1e-300, err_msg=str(s))
        if want.diverged:
            diverged += 1
            assert want.reason == f"diverged at step {got['divergedAt']}: the {got['reason']['what']} became {got['reason']['kind']}"
    print(f"{checked} of {len(settings)} runs checked ({diverged} diverged)")
    assert checked >= 0.8 * len(settings), f"only {checked} of {len(settings)} runs are not chaotic"
    assert diverged >= 2 * len(kernels.OPTIMIZERS)


def test_divergence_rule_of_gdcourse_run(prefix):
    cases = [
        # the loss is inf at the start: diverged at step 0, nothing recorded
        {"optimizer": "GD", "eta": 0.1, "problem": "Rosenbrock", "steps": 10, "start": [1e160, 0.0]},
        # 0/0 with eps = 0 on a zero gradient coordinate: the weights become NaN at step 1
        {"optimizer": "AdaGrad", "eta": 0.1, "eps": 0.0, "eps_in_sqrt": False, "problem": "quadratic", "steps": 10, "start": [1.0, 0.0]},
        # no steps at all
        {"optimizer": "Adam", "eta": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "problem": "Beale", "steps": 0, "start": [1.0, 1.5]},
    ]
    for s, got in zip(cases, node_answers(prefix, [{"run": s} for s in cases])):
        want = run_settings(s)
        assert got["divergedAt"] == want.diverged_at
        assert np.array(got["path"]).reshape(-1, 2).shape == want.w.shape
        if want.diverged:
            assert want.reason == f"diverged at step {got['divergedAt']}: the {got['reason']['what']} became {got['reason']['kind']}"
    assert run_settings(cases[1]).reason == "diverged at step 1: the weights became NaN"


def test_page_formats_numbers_as_python(prefix, rng):
    values = [0.0, 1.0, -2.5, 8.36e-10, 1e-5, 1.0001e-4, 0.00012345, 123.456, 999.6, 1234567.0, 1e100, -3e-300, 5e-324, 0.1, 2.0 / 3]
    values += list(10.0 ** rng.uniform(-20, 20, 200) * rng.choice([-1, 1], 200))
    requests = [{"format": float(v), "digits": d} for v in values for d in (3, 4)]
    assert node_answers(prefix, requests) == [format(float(v), f".{d}g") for v in values for d in (3, 4)]


# --------------------------------------------------------------------------- learning-rate schedules
def test_floor_divide_helper_is_numpys_floor_divide(tmp_path, rng):
    from gdcourse.explorer.javascript import HELPERS, function
    from gdcourse.explorer.trace import Tensor

    a, b = Tensor.input("a"), Tensor.input("b")
    prefix = tmp_path / "floor.js"
    q = a // b
    # 1 / q tells -0 from 0, which JSON cannot
    prefix.write_text(HELPERS + function("fd", ["a", "b"], (q, 1 / q)) + "\nconst GDCOURSE = {fd};\n", encoding="utf-8")
    pairs = [(float(x), float(y)) for x, y in zip(rng.integers(-3000, 3000, 300), rng.integers(1, 300, 300))]
    pairs += [(float(x), float(y)) for x, y in zip(rng.normal(size=300) * 10.0 ** rng.uniform(-3, 5, 300), rng.normal(size=300) * 10.0 ** rng.uniform(-3, 3, 300))]
    pairs += [(0.0, 3.0), (-0.0, 3.0), (0.0, -3.0), (5.0, 0.0), (-5.0, 0.0), (0.0, 0.0), (7.0, float("inf")), (-7.0, float("inf")),
              (float("inf"), 2.0), (float("nan"), 2.0), (2.0, float("nan")), (1e308, 1e-308), (-1.0, 3.0), (6.0, -3.0), (0.3, 0.1)]
    got = node_answers(prefix, [{"call": "fd", "args": [x, y]} for x, y in pairs])
    with np.errstate(all="ignore"):
        quotients = [np.floor_divide(np.float64(x), np.float64(y)) for x, y in pairs]
        want = [[float(q), float(1 / q)] for q in quotients]
    same = lambda u, v: u == v or (np.isnan(u) and np.isnan(v))  # noqa: E731
    for (x, y), g, w in zip(pairs, got, want):
        assert same(g[0], w[0]) and same(g[1], w[1]), (x, y, g, w)


def _random_schedules(rng, n):
    """Schedule settings ({name, parameters, warmup}) of every kind, with and without a warm-up."""
    draws = {
        "step_size": lambda: int(rng.integers(1, 400)),
        "factor": lambda: float(rng.uniform(0.05, 1.0)),
        "tau": lambda: float(10.0 ** rng.uniform(-1, 3)),
        "power": lambda: float(rng.uniform(0.2, 2.0)),
        "T": lambda: int(rng.integers(1, 600)),
    }
    out = []
    for k in range(n):
        for name, (_, defaults) in kernels.SCHEDULES.items():
            spec = {"name": name, **{p: draws[p]() for p in defaults}, "warmup": int(rng.integers(1, 150)) if k % 2 else 0}
            if name == "ExponentialDecay":
                spec["factor"] = float(1 - 10.0 ** rng.uniform(-4, -1))
            out.append(spec)
    return out


def test_schedule_kernels_equal_gdcourse_schedules(prefix, rng):
    from gdcourse.explorer.settings import schedule_of

    specs = _random_schedules(rng, 12)
    etas = [float(10.0 ** rng.uniform(-3, 0)) for _ in specs]
    got = node_answers(prefix, [{"rates": {"eta": eta, "schedule": spec, "steps": 700}} for spec, eta in zip(specs, etas)])
    exact = 0
    for spec, eta, values in zip(specs, etas, got):
        want = schedule_of(spec, eta).values(700)
        # pow (factor ** k) and cos may differ from numpy's in the last bit, the rest is IEEE arithmetic;
        # 1 + cos(x) near x = π turns cos's last bit into a few ulps of η
        np.testing.assert_allclose(values, want, rtol=4e-16, atol=1e-15 * eta, err_msg=str(spec))
        exact += bool(np.array_equal(values, want))
        assert values[0] == (0.0 if spec["warmup"] else eta), spec
    print(f"{exact} of {len(specs)} schedules equal bit for bit over 700 steps")
    assert exact >= len(specs) // 4


def test_runs_under_a_schedule_equal_gdcourse_run(prefix, rng):
    specs = _random_schedules(rng, 4)
    problems = list(two_d())
    settings = []
    for k, spec in enumerate(specs):
        name = list(kernels.OPTIMIZERS)[k % len(kernels.OPTIMIZERS)]
        cls = kernels.OPTIMIZERS[name]
        key = problems[k % len(problems)]
        s = {"optimizer": name, **random_hyperparameters(cls, rng), "schedule": spec, "problem": key,
             "steps": 400, "start": list(two_d()[key].start)}
        for flag in kernels.flags_of(cls):
            s[flag] = bool(k % 2)
        settings.append(s)
    answers = node_answers(prefix, [{"run": s} for s in settings])
    nudged = node_answers(prefix, [{"run": s, "nudgePow": True} for s in settings])
    checked = 0
    for s, got, other in zip(settings, answers, nudged):
        if _moves(got, other):
            continue
        want = run_settings(s)
        checked += 1
        assert got["divergedAt"] == want.diverged_at, s
        np.testing.assert_allclose(np.array(got["path"]).reshape(-1, 2), want.w, rtol=1e-9, atol=1e-300, err_msg=str(s))
    print(f"{checked} of {len(settings)} scheduled runs checked")
    assert checked >= 0.8 * len(settings)
    # the schedule reaches the run: a warm-up from 0 leaves the first step at the start
    first = next(s for s in settings if s["schedule"]["warmup"] > 0)
    got = node_answers(prefix, [{"run": {**first, "steps": 1}}])[0]
    assert np.array_equal(np.array(got["path"]).reshape(-1, 2)[1], np.array(first["start"])) or first["optimizer"] == "AdaDelta"
