"""gdcourse.schedules: the equations, PyTorch's values and trajectories, the optimizers' use of a schedule.

tests/reference/make_torch_schedule_reference.py recorded, with torch 2.13, the learning rate of every
optimizer step under torch.optim.lr_scheduler (step r runs with last_epoch = r - 1), whole trajectories
of torch.optim optimizers driven by a scheduler, and torch.optim.RAdam runs.  No torch needed here.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import gdcourse
import gdcourse.hyperparameters
from gdcourse import optimizers, problems, schedules
from gdcourse.schedules import (
    Constant,
    CosineAnnealing,
    CosineWarmRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LinearWarmup,
    MultiStepDecay,
    StepDecay,
    radam_rectification,
    radam_rho,
)

REFERENCE = np.load(Path(__file__).parent / "reference" / "torch_schedules.npz")
META = json.loads(str(REFERENCE["meta"]))


def build(spec: dict) -> schedules.Schedule:
    kwargs = dict(spec["kwargs"])
    if "schedule" in kwargs:
        kwargs["schedule"] = build(kwargs["schedule"])
    return getattr(schedules, spec["class"])(**kwargs)


# ------------------------------------------------------------ values against torch.optim.lr_scheduler


def test_reference_covers_every_schedule_and_torch_scheduler():
    classes = set()

    def collect(spec):
        classes.add(spec["class"])
        if "schedule" in spec["kwargs"]:
            collect(spec["kwargs"]["schedule"])

    for case in META["lr"].values():
        collect(case["schedule"])
    assert classes == {name for name in schedules.__all__ if name[0].isupper() and name != "Schedule"}
    torch_names = {case["torch"].split("(")[0] for case in META["lr"].values()}
    assert torch_names >= {"StepLR", "MultiStepLR", "ExponentialLR", "LambdaLR", "CosineAnnealingLR",
                           "CosineAnnealingWarmRestarts", "LinearLR", "SequentialLR"}
    assert META["torch"].startswith("2.13")


@pytest.mark.parametrize("case", sorted(c for c in META["lr"] if c != "CosineAnnealingLR-beyond"))
def test_values_equal_torch_lr_scheduler(case):
    spec = META["lr"][case]
    torch_rates = REFERENCE[f"lr/{case}"]
    schedule = build(spec["schedule"])
    ours = schedule.values(len(torch_rates))
    np.testing.assert_allclose(ours, torch_rates, rtol=0, atol=1e-12 * spec["lr"])
    # schedule(r) is the same number as values()[r - 1], and step r is torch's epoch r - 1
    for r in (1, 2, len(torch_rates) // 2, len(torch_rates)):
        assert schedule(r) == pytest.approx(torch_rates[r - 1], rel=1e-12, abs=1e-15)
    assert np.ptp(torch_rates) > 0.1 * spec["lr"], "the schedule changes the rate"


def test_cosine_stays_at_eta_min_where_torch_climbs_back():
    spec = META["lr"]["CosineAnnealingLR-beyond"]
    torch_rates = REFERENCE["lr/CosineAnnealingLR-beyond"]
    ours = build(spec["schedule"]).values(len(torch_rates))
    T = spec["schedule"]["kwargs"]["T"]
    np.testing.assert_allclose(ours[: T + 1], torch_rates[: T + 1], rtol=0, atol=1e-14)
    assert np.all(ours[T:] == 0.001)
    assert np.all(np.diff(torch_rates[T:]) > 0)  # PyTorch's formula follows the cosine back up


# ------------------------------------------------------------------------- the equations themselves


def test_step_and_multistep_decay_drop_after_the_stated_number_of_steps():
    assert StepDecay(1.0, step_size=3, factor=0.5).values(7).tolist() == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert MultiStepDecay(2.0, milestones=[2, 5], factor=0.1).values(6).tolist() == pytest.approx([2, 2, 0.2, 0.2, 0.2, 0.02])


def test_exponential_and_inverse_time_decay():
    assert ExponentialDecay(0.8, factor=0.5).values(4).tolist() == [0.8, 0.4, 0.2, 0.1]
    inverse = InverseTimeDecay(1.0, tau=2.0)
    assert inverse.values(5).tolist() == pytest.approx([1, 2 / 3, 1 / 2, 2 / 5, 1 / 3])
    # Robbins-Monro: the partial sums of eta_r grow like log r, those of eta_r^2 converge
    rates = inverse.values(100_000)
    assert rates.sum() > 20 and (rates**2).sum() < 2 * 2.0  # sum of (2/(r+1))^2 < 4 (pi^2/6 - 1) < 4
    sqrt_decay = InverseTimeDecay(1.0, tau=1.0, power=0.5)
    assert sqrt_decay(4) == pytest.approx(0.5)


def test_cosine_annealing_and_its_midpoint():
    cosine = CosineAnnealing(0.2, T=10, eta_min=0.02)
    assert cosine(1) == 0.2 and cosine(6) == pytest.approx(0.11) and cosine(11) == pytest.approx(0.02)
    assert cosine(12) == cosine(1000) == 0.02
    assert np.all(np.diff(cosine.values(11)) < 0)


def test_warm_restarts_restart_at_the_end_of_each_longer_cycle():
    sgdr = CosineWarmRestarts(1.0, T0=2, T_mult=2)
    restarts = [r for r in range(1, 40) if sgdr(r) == 1.0]
    assert restarts == [1, 3, 7, 15, 31]  # cycles of 2, 4, 8, 16 steps
    T_cur, T_i = sgdr.cycle(np.arange(1, 16))
    assert T_cur.tolist() == [0, 1, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 0]
    assert T_i.tolist() == [2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 16]
    # the logarithm that finds the cycle is corrected at every boundary, far out too
    big = CosineWarmRestarts(1.0, T0=3, T_mult=3)
    for i in range(1, 14):
        steps_before = 3 * (3**i - 1) // 2  # cycles 0 ... i-1 are over
        T_last = 3 * 3 ** (i - 1)
        assert big(steps_before + 1) == 1.0
        assert big(steps_before) == pytest.approx(0.5 * (1 + math.cos(math.pi * (T_last - 1) / T_last)), rel=1e-12)


def test_linear_warmup_climbs_then_hands_over_to_the_wrapped_schedule():
    inner = StepDecay(0.4, step_size=2, factor=0.5)
    warm = LinearWarmup(inner, steps=4, start_factor=0.0)
    assert warm.values(9).tolist() == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.2, 0.2, 0.1])
    assert LinearWarmup(0.1, steps=2, start_factor=0.5).values(4).tolist() == pytest.approx([0.05, 0.075, 0.1, 0.1])
    assert warm.eta == 0.4 and isinstance(LinearWarmup(0.1, 2).schedule, Constant)


def test_array_eta_gives_array_values_for_b_runs():
    eta = np.array([[0.1], [0.2], [0.4]])
    schedule = LinearWarmup(CosineAnnealing(eta, T=8, eta_min=0.0), steps=2, start_factor=0.5)
    assert schedule.shape == (3, 1)
    values = schedule.values(10)
    assert values.shape == (10, 3, 1)
    np.testing.assert_allclose(values[:, 1, 0], 2 * values[:, 0, 0], rtol=1e-15)
    single = LinearWarmup(CosineAnnealing(0.2, T=8), steps=2, start_factor=0.5).values(10)
    np.testing.assert_array_equal(values[:, 1, 0], single)
    value = schedule(3)
    assert value.shape == (3, 1) and not value.flags.writeable


def test_with_eta_keeps_the_shape_of_the_schedule():
    schedule = LinearWarmup(CosineWarmRestarts(1.0, T0=5, T_mult=2, eta_min=0.01), steps=3, start_factor=0.2)
    scaled = schedule.with_eta(0.5)
    assert repr(scaled) == ("LinearWarmup(schedule=CosineWarmRestarts(eta=0.5, T0=5, T_mult=2, eta_min=0.01), "
                            "steps=3, start_factor=0.2)")
    assert scaled(1) == pytest.approx(0.1) and scaled(4) == 0.5
    assert repr(MultiStepDecay(0.1, [3, 7])) == "MultiStepDecay(eta=0.1, milestones=(3, 7), factor=0.1)"


def test_schedule_values_are_python_floats():
    # a numpy float64 scalar would turn float32 weights into float64 (NEP 50); a Python float does not
    for schedule in (Constant(0.1), StepDecay(0.1, 2), CosineAnnealing(0.1, 5), LinearWarmup(0.1, 3)):
        assert type(schedule(2)) is float


# ------------------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: StepDecay(-0.1, 5), r"eta \(η, the learning rate\) must be in \[0, ∞\); got -0.1"),
        (lambda: StepDecay(0.1, 0), r"StepDecay: step_size \(the number of steps between two decays\) must be an integer >= 1; got 0"),
        (lambda: StepDecay(0.1, 2.5), r"step_size .* must be an integer >= 1; got 2.5"),
        (lambda: StepDecay(0.1, True), r"step_size .* must be an integer >= 1; got True"),
        (lambda: StepDecay(0.1, 5, factor=1.5), r"factor \(c, the decay factor\) must be in \(0, 1\]; got 1.5"),
        (lambda: ExponentialDecay(0.1, factor=0.0), r"factor \(c, the decay factor\) must be in \(0, 1\]; got 0.0"),
        (lambda: ExponentialDecay(0.1, factor=float("nan")), r"factor .* got nan"),
        (lambda: MultiStepDecay(0.1, [5, 3]), r"milestones must be a non-empty, strictly increasing sequence; got \(5, 3\)"),
        (lambda: MultiStepDecay(0.1, []), r"milestones must be a non-empty"),
        (lambda: MultiStepDecay(0.1, [0, 3]), r"each milestone \(a number of steps taken\) must be an integer >= 1; got 0"),
        (lambda: InverseTimeDecay(0.1, tau=0.0), r"tau \(τ, .*\) must be in \(0, ∞\); got 0.0"),
        (lambda: InverseTimeDecay(0.1, tau=1.0, power=-1), r"power \(p, the power of the decay\) must be in \(0, ∞\); got -1.0"),
        (lambda: CosineAnnealing(0.1, T=0), r"CosineAnnealing: T \(the number of steps from η to η_min\) must be an integer >= 1; got 0"),
        (lambda: CosineAnnealing(0.1, T=10, eta_min=0.2), r"eta_min .* must not exceed eta \(η\); got eta_min=0.2 > eta=0.1"),
        (lambda: CosineAnnealing(0.1, T=10, eta_min=-1.0), r"eta_min \(η_min, the smallest learning rate of the schedule\) must be in \[0, ∞\); got -1.0"),
        (lambda: CosineAnnealing(np.array([0.1, 0.2]), T=10, eta_min=np.zeros(3)), r"eta_min of shape \(3,\) does not broadcast against eta of shape \(2,\)"),
        (lambda: CosineWarmRestarts(0.1, T0=10, T_mult=0), r"T_mult \(the growth factor of the cycles\) must be an integer >= 1; got 0"),
        (lambda: LinearWarmup(CosineAnnealing(0.1, 10), steps=0), r"LinearWarmup: steps \(the number of warm-up steps W\) must be an integer >= 1; got 0"),
        (lambda: LinearWarmup(0.1, steps=5, start_factor=1.2), r"start_factor \(s, .*\) must be in \[0, 1\]; got 1.2"),
        (lambda: LinearWarmup("fast", steps=5), r"eta \(η, the learning rate\) must be in \[0, ∞\); got 'fast', which is not a number"),
        (lambda: Constant(StepDecay(0.1, 3)), r"Constant: eta must be a number or an array, not a schedule"),
        (lambda: Constant(np.array([0.1, np.inf])), r"got inf at index \(1,\) of an array of shape \(2,\)"),
    ],
)
def test_bad_parameters_are_named_with_the_value_and_the_allowed_range(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("r", [0, -1, 1.0, 2.5, True, "3", None])
def test_the_step_number_must_be_a_positive_integer(r):
    with pytest.raises(ValueError, match=r"r \(the step number\) must be an integer >= 1 \(r = 1 on the first step\)"):
        CosineAnnealing(0.1, T=10)(r)


def test_values_needs_a_positive_number_of_steps():
    with pytest.raises(ValueError, match=r"steps \(the number of steps\) must be an integer >= 1; got 0"):
        StepDecay(0.1, 3).values(0)


# ----------------------------------------------------------------------- optimizers with a schedule


class Spy(optimizers.Optimizer):
    """GD that records what its update receives."""

    seen: list

    def __init__(self, eta):
        super().__init__(eta=eta)
        self.seen = []

    def update(self, w, g, eta):
        self.seen.append(eta)
        return w - eta * g


def test_update_receives_the_number_of_the_step_and_nothing_else():
    spy = Spy(eta=StepDecay(0.8, step_size=2, factor=0.5))
    w = np.zeros(3)
    for _ in range(5):
        w = spy.step(w, np.ones(3))
    assert spy.seen == [0.8, 0.8, 0.4, 0.4, 0.2]
    assert all(type(eta) is float for eta in spy.seen)
    np.testing.assert_allclose(w, -2.6)
    assert isinstance(spy.eta, StepDecay)  # the hyperparameter is the schedule itself


def test_array_schedules_reach_update_as_full_shape_arrays_in_the_weights_dtype():
    spy = Spy(eta=ExponentialDecay(np.array([[0.1], [1.0]]), factor=0.5))
    w = spy.step(np.zeros((2, 3), dtype=np.float32), np.ones((2, 3), dtype=np.float32))
    w = spy.step(w, np.ones((2, 3), dtype=np.float32))
    assert [e.shape for e in spy.seen] == [(2, 3), (2, 3)] and spy.seen[1].dtype == np.float32
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, [[-0.15] * 3, [-1.5] * 3], rtol=1e-6)


def test_float32_weights_stay_float32_under_a_float_schedule(optimizer_class):
    opt = optimizer_class(eta=LinearWarmup(CosineAnnealing(0.01, T=5), steps=2, start_factor=0.5))
    w = np.ones(4, dtype=np.float32)
    for _ in range(8):
        w = opt.step(w, np.full(4, 0.5, dtype=np.float32))
    assert w.dtype == np.float32
    assert all(getattr(opt, name).dtype == np.float32 for name in opt.state_names)


def test_a_schedule_equals_setting_eta_by_hand_before_every_step(optimizer_class, rng):
    schedule = LinearWarmup(CosineWarmRestarts(0.05, T0=4, T_mult=2, eta_min=0.001), steps=3, start_factor=0.1)
    scheduled, by_hand = optimizer_class(eta=schedule), optimizer_class(eta=0.05)
    w1 = w2 = rng.normal(size=5)
    for r in range(1, 21):
        g = rng.normal(size=5)
        by_hand.eta = schedule(r)
        w1, w2 = scheduled.step(w1, g), by_hand.step(w2, g)
        np.testing.assert_array_equal(w1, w2)
    assert scheduled.r == 20


def test_only_eta_may_be_a_schedule():
    with pytest.raises(ValueError, match=r"alpha \(α, the momentum coefficient\) must be in \[0, 1\); got the schedule "
                                         r"StepDecay\(eta=0.9, step_size=3, factor=0.1\), but only eta \(the learning rate\) may be a schedule"):
        gdcourse.Momentum(eta=0.1, alpha=StepDecay(0.9, 3))
    opt = gdcourse.Adam()
    with pytest.raises(ValueError, match="only eta"):
        opt.beta1 = Constant(0.5)
    opt.eta = CosineAnnealing(0.1, T=3)  # the property accepts a schedule, too
    assert repr(opt) == "Adam(eta=CosineAnnealing(eta=0.1, T=3, eta_min=0), beta1=0.9, beta2=0.999, eps=1e-08)"


def test_a_schedule_whose_shape_does_not_fit_the_weights_is_refused_with_the_state_unchanged():
    opt = gdcourse.Momentum(eta=StepDecay(np.array([0.1, 0.2, 0.3]), 2))
    with pytest.raises(ValueError, match=r"eta has shape \(3,\), which does not broadcast to the shape of w \(2,\)"):
        opt.step(np.zeros(2), np.ones(2))
    assert opt.r == 0 and opt.dw is None


def test_run_and_sweep_accept_scheduled_optimizers():
    bowl = problems.Quadratic(kappa=10)
    schedule = LinearWarmup(CosineAnnealing(1.0, T=40), steps=10, start_factor=0.1)
    trajectory = gdcourse.run(gdcourse.Momentum(eta=schedule, alpha=0.5), bowl, bowl.start, 50)
    assert "CosineAnnealing" in trajectory.optimizer and trajectory.final_loss < 1e-4
    # the grid's eta sets the peak of the fixed schedule; each row is the run with that peak
    grid = gdcourse.sweep(gdcourse.Momentum, bowl, bowl.start, 50, {"eta": [0.25, 1.0, 3.0], "alpha": [0.0, 0.5]}, eta=schedule)
    for i, eta in enumerate([0.25, 1.0, 3.0]):
        for j, alpha in enumerate([0.0, 0.5]):
            one = gdcourse.run(gdcourse.Momentum(eta=schedule.with_eta(eta), alpha=alpha), bowl, bowl.start, 50)
            assert grid.final_loss[i, j] == pytest.approx(one.final_loss, rel=1e-12, abs=1e-300)
    fixed = gdcourse.sweep(gdcourse.Momentum, bowl, bowl.start, 50, {"alpha": [0.0, 0.5]}, eta=schedule)
    np.testing.assert_allclose(fixed.final_loss, grid.final_loss[1], rtol=1e-12)
    with pytest.raises(ValueError, match="alpha cannot be both on the grid and fixed"):
        gdcourse.sweep(gdcourse.Momentum, bowl, bowl.start, 5, {"alpha": [0.5]}, alpha=0.3)


# --------------------------------------------------- whole trajectories under a schedule, against torch


def test_trajectory_reference_covers_the_momentum_forms_and_adam():
    cases = META["path"].values()
    assert {(c["gdcourse"], c["kwargs"].get("nesterov", False)) for c in cases} >= {
        ("SGDMomentum", False), ("SGDMomentum", True), ("Adam", False), ("AdamW", False)}
    assert {c["scheduler"].split("(")[0] for c in cases} >= {"StepLR", "SequentialLR"}


def scheduled_optimizer(case: str, name: str | None = None, **kwargs):
    spec = META["path"][case]
    return getattr(gdcourse, name or spec["gdcourse"])(eta=build(spec["schedule"]), **{**spec["kwargs"], **kwargs})


@pytest.mark.parametrize("case", sorted(META["path"]))
def test_scheduled_trajectories_equal_torch(case):
    grads, path = REFERENCE[f"path/{case}/grads"], REFERENCE[f"path/{case}/path"]
    optimizer = scheduled_optimizer(case)
    w = path[0].copy()
    worst = 0.0
    for k, g in enumerate(grads):
        w = optimizer.step(w, g)
        worst = max(worst, np.linalg.norm(w - path[k + 1]) / np.linalg.norm(path[k + 1] - path[0]))
    assert worst <= 1e-10, f"{worst:.2e}"
    assert np.linalg.norm(path[-1] - path[0]) > 1e-3


def notes_momentum_path(case, rescale: bool):
    """gdcourse.Momentum (the notes' Δw form) on a torch case; rescale: multiply Δw by η_r/η_{r-1} first."""
    spec = META["path"][case]
    schedule = build(spec["schedule"])
    grads, path = REFERENCE[f"path/{case}/grads"], REFERENCE[f"path/{case}/path"]
    name = "Nesterov" if spec["kwargs"].get("nesterov") else "Momentum"
    opt = getattr(gdcourse, name)(eta=schedule, alpha=spec["kwargs"]["alpha"])
    ours = [path[0]]
    for r, g in enumerate(grads, start=1):
        if rescale and r > 1:
            opt.dw = opt.dw * (schedule(r) / schedule(r - 1))
        ours.append(opt.step(ours[-1], g))
    return np.array(ours), path


@pytest.mark.parametrize("case", ["SGD-momentum-StepLR", "SGD-momentum-warmup-cosine", "SGD-nesterov-warmup-cosine"])
def test_notes_momentum_under_a_schedule_differs_from_torch_exactly_where_eta_changes(case):
    ours, path = notes_momentum_path(case, rescale=False)
    rates = build(META["path"][case]["schedule"]).values(len(path) - 1)
    first_change = int(np.flatnonzero(np.diff(rates))[0]) + 2  # the first step whose eta differs from the step before
    gap = np.linalg.norm(ours - path, axis=1) / np.linalg.norm(path - path[0], axis=1).max()
    assert gap[:first_change].max() <= 1e-12  # w^1 ... w^{first_change}: the same path
    assert gap[first_change] > 1e-6 and gap.max() > 1e-3  # then the velocities differ
    # Rescaling Δw by η_r/η_{r-1} before each step (the book's recipe) turns it into PyTorch's path.
    rescaled, _ = notes_momentum_path(case, rescale=True)
    np.testing.assert_allclose(rescaled, path, rtol=0, atol=1e-12 * np.abs(path).max())


def test_momentum_keeps_its_velocity_when_eta_drops_and_sgd_momentum_does_not():
    drop = MultiStepDecay(1.0, milestones=[3], factor=0.1)
    notes, torch_form = gdcourse.Momentum(eta=drop, alpha=0.5), gdcourse.SGDMomentum(eta=drop, alpha=0.5)
    w1 = w2 = np.zeros(1)
    for _ in range(4):
        w1, w2 = notes.step(w1, np.ones(1)), torch_form.step(w2, np.ones(1))
    # Δw: -1, -1.5, -1.75, then 0.5 (-1.75) - 0.1 = -0.975; PyTorch: b = 1, 1.5, 1.75, 1.875 and Δw = -0.1875
    assert notes.dw[0] == pytest.approx(-0.975, abs=1e-15) and w1[0] == pytest.approx(-5.225, abs=1e-14)
    assert torch_form.b[0] == pytest.approx(1.875, abs=1e-15) and w2[0] == pytest.approx(-4.4375, abs=1e-14)


def test_sgd_momentum_equals_momentum_with_a_constant_eta(rng):
    for nesterov, notes_class in ((False, gdcourse.Momentum), (True, gdcourse.Nesterov)):
        a, b = gdcourse.SGDMomentum(eta=0.05, alpha=0.8, nesterov=nesterov), notes_class(eta=0.05, alpha=0.8)
        w1 = w2 = rng.normal(size=4)
        for _ in range(50):
            g = rng.normal(size=4)
            w1, w2 = a.step(w1, g), b.step(w2, g)
        np.testing.assert_allclose(w1, w2, rtol=1e-13)
        np.testing.assert_allclose(a.b, -b.dw / 0.05, rtol=1e-12)


# ------------------------------------------------------------------------------ RAdam's rectification


def test_rho_and_the_rectification_term_by_their_definitions():
    assert radam_rho(1) == pytest.approx(1.0, abs=1e-12)
    assert radam_rho(10**7) == pytest.approx(1999.0, rel=1e-12)
    assert np.all(np.diff(radam_rho(np.arange(1, 3000))) > 0)
    r = radam_rectification(np.arange(1, 20_001))
    assert np.isnan(r[:4]).all() and np.isfinite(r[4:]).all()  # rho_r <= 4 for r <= 4
    assert r[4] == pytest.approx(math.sqrt((radam_rho(5) - 4) * (radam_rho(5) - 2) * 1999 / (1995 * 1997 * radam_rho(5))))
    assert np.all(np.diff(r[4:]) > 0) and 0.99 < r[-1] < 1.0
    assert radam_rectification(10**9) == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match=r"r \(the step number\) must be >= 1"):
        radam_rho(0)
    with pytest.raises(ValueError, match=r"beta2 \(β2, .*\) must be in \[0, 1\); got 1.0"):
        radam_rectification(5, beta2=1.0)


def test_the_rectification_term_tracks_the_variance_of_the_adaptive_step():
    # Liu et al.: with g ~ N(0, 1), Var[sqrt(1 / v_hat_r)] ∝ 1 / r_r^2 (to first order); check the ratio to late steps.
    rng = np.random.default_rng(7)
    beta2, n = 0.99, 20_000  # the first-order formula is ~10 % high at r = 20; the seeds 0-7 all give 0.88-0.95
    r_values = np.array([20, 40, 80, 400])
    weights = lambda r: (1 - beta2) * beta2 ** np.arange(r - 1, -1, -1) / (1 - beta2**r)  # noqa: E731
    variance = [np.var(1 / np.sqrt(rng.chisquare(1, (n, r)) @ weights(r))) for r in r_values]
    measured = np.array(variance) / variance[-1]
    predicted = radam_rectification(r_values[-1], beta2) ** 2 / radam_rectification(r_values, beta2) ** 2
    np.testing.assert_allclose(measured, predicted, rtol=0.15)
    assert measured[0] > 1.5  # early steps are much noisier: why Adam wants a warm-up


@pytest.mark.parametrize("case", sorted(META["radam"]))
def test_radam_built_from_the_rectification_term_equals_torch(case):
    spec = META["radam"][case]
    eta, (beta1, beta2), eps = spec["lr"], spec["betas"], spec["eps"]
    grads, path = REFERENCE[f"radam/{case}/grads"], REFERENCE[f"radam/{case}/path"]
    w, m, v = path[0].copy(), np.zeros_like(path[0]), np.zeros_like(path[0])
    for r, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**r)
        if radam_rho(r, beta2) > 5:  # torch's threshold
            w = w - eta * radam_rectification(r, beta2) * m_hat * math.sqrt(1 - beta2**r) / (np.sqrt(v) + eps)
        else:
            w = w - eta * m_hat
        np.testing.assert_allclose(w, path[r], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("module", [schedules, optimizers, gdcourse.hyperparameters], ids=lambda m: m.__name__)
def test_the_docstring_examples_run(module):
    import doctest

    result = doctest.testmod(module, raise_on_error=False)
    assert result.attempted > 0 and result.failed == 0


# ----------------------------------------------------------------- invariants, on drawn parameters

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

settings.register_profile("gdcourse-schedules", max_examples=60, deadline=None, derandomize=True, database=None)

etas = st.floats(1e-6, 10.0)
factors = st.floats(1e-3, 1.0)
counts = st.integers(1, 60)


@st.composite
def any_schedule(draw, depth=0):
    eta = draw(etas)
    kind = draw(st.sampled_from(["Constant", "StepDecay", "MultiStepDecay", "ExponentialDecay", "InverseTimeDecay",
                                 "CosineAnnealing", "CosineWarmRestarts"] + (["LinearWarmup"] if depth == 0 else [])))
    if kind == "Constant":
        return Constant(eta)
    if kind == "StepDecay":
        return StepDecay(eta, draw(counts), draw(factors))
    if kind == "MultiStepDecay":
        return MultiStepDecay(eta, sorted(draw(st.sets(counts, min_size=1, max_size=4))), draw(factors))
    if kind == "ExponentialDecay":
        return ExponentialDecay(eta, draw(factors))
    if kind == "InverseTimeDecay":
        return InverseTimeDecay(eta, draw(st.floats(0.1, 100.0)), draw(st.floats(0.1, 2.0)))
    eta_min = eta * draw(st.floats(0.0, 1.0))
    if kind == "CosineAnnealing":
        return CosineAnnealing(eta, draw(counts), eta_min)
    if kind == "CosineWarmRestarts":
        return CosineWarmRestarts(eta, draw(counts), draw(st.integers(1, 3)), eta_min)
    return LinearWarmup(draw(any_schedule(depth=1)), draw(counts), draw(st.floats(0.0, 1.0)))


@settings(settings.get_profile("gdcourse-schedules"))
@given(schedule=any_schedule(), steps=st.integers(1, 300))
def test_every_schedule_stays_between_zero_and_its_peak_and_values_agree_with_calls(schedule, steps):
    values = schedule.values(steps)
    assert values.shape == (steps,) and np.isfinite(values).all()
    assert np.all(values >= 0) and np.all(values <= schedule.eta * (1 + 1e-12))
    for r in {1, steps, (steps + 1) // 2}:
        assert schedule(r) == pytest.approx(values[r - 1], rel=1e-14, abs=1e-300)
    # the same schedule with a column of peaks: each row scales with its peak
    stacked = schedule.with_eta(np.array([[schedule.eta], [2 * schedule.eta]])).values(steps)
    if not isinstance(schedule, (CosineAnnealing, CosineWarmRestarts)) and not (
        isinstance(schedule, LinearWarmup) and isinstance(schedule.schedule, (CosineAnnealing, CosineWarmRestarts))
    ):  # eta_min does not scale with the peak
        np.testing.assert_allclose(stacked[:, 1, 0], 2 * stacked[:, 0, 0], rtol=1e-12)
    np.testing.assert_allclose(stacked[:, 0, 0], values, rtol=1e-12)
