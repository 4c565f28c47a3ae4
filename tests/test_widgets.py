"""gdcourse.widgets: the explorers' Python side — their controls, their settings, run_settings, the output."""

import html
import json
import re

import numpy as np
import pytest

import gdcourse
from gdcourse import analysis, problems, widgets
from gdcourse.explorer.bundle import module_source
from gdcourse.schedules import CosineAnnealing, CosineWarmRestarts, ExponentialDecay, LinearWarmup, StepDecay


def test_explorer_has_controls_for_the_optimizers_own_hyperparameters_and_flag():
    explorer = widgets.explorer(gdcourse.Adam, eta=0.05)
    keys = [c["key"] for c in explorer.spec["controls"]]
    assert keys == ["eta", "beta1", "beta2", "eps", "eps_in_sqrt"]
    assert explorer.spec["controls"][-1]["kind"] == "flag"
    assert explorer.settings == {"eta": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "eps_in_sqrt": False,
                                 "problem": "quadratic", "steps": 200, "start": [-4.5, 1.5]}
    assert explorer.settings_of() == {"optimizer": "Adam", "eps_in_sqrt": False, "eta": 0.05, "beta1": 0.9, "beta2": 0.999,
                                      "eps": 1e-8, "problem": "quadratic", "steps": 200, "start": [-4.5, 1.5]}
    eta = explorer.spec["controls"][0]
    assert eta["allowed"] == {"low": 0.0, "high": None} and 0.5 in eta["values"] and 0.01 in eta["values"]
    assert [c["key"] for c in widgets.explorer(gdcourse.Momentum).spec["controls"]] == ["eta", "alpha"]
    assert explorer.spec["runs"][0]["color"] == gdcourse.plotting.PALETTE["vermillion"]


def test_trajectory_is_gdcourse_run_with_the_settings():
    explorer = widgets.explorer(gdcourse.Momentum, eta=0.5, alpha=0.9)
    quad = problems.Quadratic(kappa=10)
    expected = gdcourse.run(gdcourse.Momentum(eta=0.5, alpha=0.9), quad, quad.start, 200)
    t = explorer.trajectory()
    assert np.array_equal(t.w, expected.w) and np.array_equal(t.loss, expected.loss)
    assert f"{t.final_loss:.3g}" == "8.36e-10"  # what the momentum chapter's explorer reports first
    # the page reports its settings as JSON; run_settings reads them back
    assert np.array_equal(widgets.run_settings(json.loads(json.dumps(explorer.settings_of()))).w, expected.w)


def test_set_changes_settings_and_a_new_problem_brings_its_start():
    explorer = widgets.explorer(gdcourse.GD, eta=1e-3)
    explorer.set(problem="Rosenbrock")
    assert explorer.settings["start"] == [-1.5, 2.0] and explorer.settings["problem"] == "Rosenbrock"
    explorer.set(eta=0.002, start=[0.5, 0.5], steps=50)
    assert explorer.settings_of() == {"optimizer": "GD", "eta": 0.002, "problem": "Rosenbrock", "steps": 50, "start": [0.5, 0.5]}
    before = dict(explorer.settings)
    with pytest.raises(ValueError, match=r"settings\['eta'\] must be a finite number"):
        explorer.set(eta=float("nan"))
    with pytest.raises(ValueError, match="'alpha' is not a setting of run 0"):
        explorer.set(alpha=0.5)
    with pytest.raises(ValueError, match="problem must be one of"):
        explorer.set(problem="digits")
    assert explorer.settings == before  # a refused change changes nothing


def test_compare_shares_equal_settings_and_separates_the_others():
    pair = widgets.compare(gdcourse.Momentum, gdcourse.Nesterov, eta=1.0, alpha=0.9)
    assert [(c["key"], c["run"]) for c in pair.spec["controls"]] == [("eta", None), ("alpha", None)]
    assert [r["bind"] for r in pair.spec["runs"]] == [{"eta": "eta", "alpha": "alpha"}] * 2
    assert pair.spec["runs"][1]["dash"] == "--"
    assert pair.settings_of(1)["optimizer"] == "Nesterov" and pair.trajectory(1).w.shape == (201, 2)

    ada = widgets.compare(gdcourse.AdaGrad, gdcourse.RMSProp, eta=0.1)
    assert [(c["key"], c["run"]) for c in ada.spec["controls"]] == [("eta", None), ("eps_1", 0), ("eps_2", 1), ("gamma", 1)]
    assert ada.settings_of(0)["eps"] == 1e-10 and ada.settings_of(1)["eps"] == 1e-8

    decay = widgets.compare(gdcourse.AdamW, (gdcourse.Adam, {"l2": 0.1}), problem="Rosenbrock", eta=0.05, weight_decay=0.1)
    s = decay.settings_of(1)
    assert s["l2"] == 0.1 and "l2" not in decay.settings_of(0)
    banana = problems.Rosenbrock()
    expected = gdcourse.run(gdcourse.Adam(eta=0.05), banana.with_l2(0.1), banana.start, 200)
    assert np.array_equal(decay.trajectory(1).w, expected.w)
    assert decay.spec["runs"][1]["flags"] == {"eps_in_sqrt": False}  # a comparison fixes each run's form

    forms = widgets.compare(gdcourse.Adam, (gdcourse.Adam, {"eps_in_sqrt": True}), eta=0.1)
    assert [r["flags"] for r in forms.spec["runs"]] == [{"eps_in_sqrt": False}, {"eps_in_sqrt": True}]
    assert forms.spec["runs"][0]["color"] != forms.spec["runs"][1]["color"]  # one optimizer twice: two colours


def test_a_schedule_given_as_eta_gives_the_explorer_schedule_controls():
    schedule = LinearWarmup(CosineAnnealing(eta=0.5, T=180), steps=20)
    pair = widgets.compare(gdcourse.SGDMomentum, gdcourse.Momentum, eta=schedule, alpha=0.9)
    assert [c["key"] for c in pair.spec["controls"]] == ["eta", "alpha"]  # η is the schedule's peak
    assert pair.spec["schedule"]["names"] == ["Constant", "StepDecay", "ExponentialDecay", "InverseTimeDecay", "CosineAnnealing"]
    keys = [c["key"] for c in pair.spec["schedule"]["controls"]]
    assert keys == ["StepDecay.step_size", "StepDecay.factor", "ExponentialDecay.factor", "InverseTimeDecay.tau",
                    "InverseTimeDecay.power", "CosineAnnealing.T", "warmup"]
    assert pair.settings["schedule"] == "CosineAnnealing" and pair.settings["CosineAnnealing.T"] == 180
    assert pair.settings["warmup"] == 20 and pair.settings["StepDecay.step_size"] == 100  # the others start at defaults
    want = {"name": "CosineAnnealing", "T": 180, "warmup": 20}
    assert pair.settings_of(0)["schedule"] == want and pair.settings_of(1)["schedule"] == want
    quad = problems.Quadratic(kappa=10)
    for i, cls in enumerate((gdcourse.SGDMomentum, gdcourse.Momentum)):
        expected = gdcourse.run(cls(eta=schedule, alpha=0.9), quad, quad.start, 200)
        assert np.array_equal(pair.trajectory(i).w, expected.w)
    # the two momentum forms part under a schedule (they agree for a constant η)
    assert not np.allclose(pair.trajectory(0).w, pair.trajectory(1).w)
    pair.set(schedule="Constant", warmup=0)
    assert np.allclose(pair.trajectory(0).w, pair.trajectory(1).w, rtol=1e-12, atol=1e-14)
    pair.set(schedule={"name": "StepDecay", "step_size": 50, "factor": 0.1, "warmup": 5})
    assert pair.settings_of(1)["schedule"] == {"name": "StepDecay", "step_size": 50, "factor": 0.1, "warmup": 5}
    pair.set(factor=0.3)  # a parameter of the current schedule, by name
    assert pair.settings["StepDecay.factor"] == 0.3
    before = dict(pair.settings)
    with pytest.raises(ValueError, match=r"factor \(c, the decay factor\) must be in \(0, 1\]; got 1.5"):
        pair.set(factor=1.5)
    with pytest.raises(ValueError, match=r"settings\['schedule'\]\['warmup'\] \(the warm-up's steps W, 0 for none\) must be from 0 to 2000"):
        pair.set(warmup=-1)
    with pytest.raises(ValueError, match="schedule must be one of"):
        pair.set(schedule="CosineWarmRestarts")
    assert pair.settings == before

    # a run can keep a constant η beside a scheduled one
    warm = widgets.compare(gdcourse.Adam, (gdcourse.Adam, {"schedule": False}), eta=LinearWarmup(0.1, steps=50))
    assert "schedule" in warm.settings_of(0) and "schedule" not in warm.settings_of(1)
    assert [r["schedule"] for r in warm.spec["runs"]] == [True, False]
    assert warm._label(warm.spec["runs"][1], gdcourse.Adam) == "Adam, constant η"
    assert np.array_equal(warm.trajectory(1).w, gdcourse.run(gdcourse.Adam(eta=0.1), quad, quad.start, 200).w)


def test_run_settings_reads_a_schedule():
    s = {**{"optimizer": "Adam", "eta": 0.2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "eps_in_sqrt": False},
         "schedule": {"name": "ExponentialDecay", "factor": 0.98, "warmup": 10}, "problem": "Beale", "steps": 60, "start": [1.0, 1.5]}
    beale = problems.Beale()
    opt = gdcourse.Adam(eta=LinearWarmup(ExponentialDecay(0.2, factor=0.98), steps=10))
    assert np.array_equal(widgets.run_settings(s).w, gdcourse.run(opt, beale, [1.0, 1.5], 60).w)
    bad = [
        ({"name": "SGDR", "warmup": 0}, "'name' one of"),
        ({"name": "StepDecay", "step_size": 10, "warmup": 0}, r"must have exactly the keys \['factor', 'name', 'step_size', 'warmup'\]"),
        ({"name": "StepDecay", "step_size": 10.5, "factor": 0.5, "warmup": 0}, r"\['step_size'\] must be a whole number of steps"),
        ({"name": "StepDecay", "step_size": 0, "factor": 0.5, "warmup": 0}, r"step_size \(the number of steps between two decays\) must be an integer >= 1"),
        ({"name": "CosineAnnealing", "T": 100, "warmup": float("nan")}, r"\['warmup'\] must be a finite number"),
        ({"name": "InverseTimeDecay", "tau": 0.0, "power": 1.0, "warmup": 0}, r"tau \(τ, the number of steps over which the rate halves\) must be in \(0, ∞\)"),
    ]
    for schedule, message in bad:
        with pytest.raises(ValueError, match=message):
            widgets.run_settings({**s, "schedule": schedule})


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: widgets.explorer(gdcourse.GD, problem="nope"), "problem must be one of"),
        (lambda: widgets.explorer(gdcourse.GD, alpha=0.5), r"GD has no hyperparameter\(s\) \['alpha'\]"),
        (lambda: widgets.explorer(gdcourse.GD, problems=["digits"]), "problems must be keys of gdcourse.problems.two_d"),
        (lambda: widgets.explorer(gdcourse.Momentum, alpha=1.0), r"alpha \(α, the momentum coefficient\) must be in \[0, 1\)"),
        (lambda: widgets.explorer(gdcourse.GD, steps=-1), "steps must be an integer from 0 to 2000"),
        (lambda: widgets.explorer(gdcourse.GD, start=[0.0, float("inf")]), r"settings\['start'\] must be a finite number"),
        (lambda: widgets.explorer(int), "an explorer runs a gdcourse optimizer class"),
        (lambda: widgets.explorer(type("Mine", (gdcourse.Momentum,), {})), "Mine is not one of them"),
        (lambda: widgets.compare(gdcourse.GD, (gdcourse.Adam, {"alpha": 0.1})), r"Adam has no option\(s\) \['alpha'\]"),
        (lambda: widgets.compare(gdcourse.GD, (gdcourse.Adam, {"dash": "~"})), "dash must be one of"),
        (lambda: widgets.Explorer([gdcourse.GD] * 3), "one or two runs"),
        (lambda: widgets.explorer(gdcourse.GD, eta=CosineWarmRestarts(0.1, T0=10)), "an explorer shows the schedules Constant, StepDecay"),
        (lambda: widgets.explorer(gdcourse.GD, eta=CosineAnnealing(0.1, T=10, eta_min=0.01)), r"sets \['eta_min'\]"),
        (lambda: widgets.explorer(gdcourse.GD, eta=LinearWarmup(0.1, steps=5, start_factor=0.5)), "warm-up starts from 0"),
        (lambda: widgets.compare(gdcourse.GD, (gdcourse.GD, {"eta": StepDecay(0.1, 10)})), "a schedule belongs to the whole explorer"),
        (lambda: widgets.compare(gdcourse.GD, (gdcourse.GD, {"schedule": False})), r"GD has no option\(s\) \['schedule'\]"),
        (lambda: widgets.momentum_plane(alpha=1.5), r"alpha \(α, the momentum coefficient\) must be in \[0, 1\)"),
        (lambda: widgets.momentum_plane(eta_lambda=-1), r"eta_lambda must be a number in \[0, 4.5\]"),
    ],
)
def test_bad_explorer_arguments_are_refused_with_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()


GOOD = {"optimizer": "Momentum", "eta": 0.5, "alpha": 0.9, "problem": "quadratic", "steps": 20, "start": [-4.5, 1.5]}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"optimizer": "SGD"}, "optimizer must be one of"),
        ({"problem": "digits"}, r"settings\['problem'\] must be one of"),
        ({"alpha": None}, r"settings\['alpha'\] must be a finite number"),
        ({"alpha": "0.9"}, r"settings\['alpha'\] must be a finite number"),
        ({"alpha": True}, r"settings\['alpha'\] must be a finite number"),
        ({"alpha": 1.0}, r"alpha \(α, the momentum coefficient\) must be in \[0, 1\); got 1.0"),
        ({"steps": 2.5}, r"settings\['steps'\] must be an integer from 0 to 2000"),
        ({"steps": 5000}, r"settings\['steps'\] must be an integer from 0 to 2000"),
        ({"start": [1.0]}, r"settings\['start'\] must be a pair"),
        ({"start": [1.0, float("nan")]}, r"settings\['start'\] must be a finite number"),
        ({"l2": -0.1}, r"settings\['l2'\] must be a finite number in \[0, inf\]"),
        ({"beta1": 0.9}, r"unknown key\(s\) \['beta1'\] for Momentum"),
    ],
)
def test_run_settings_refuses_bad_settings_by_name(change, message):
    with pytest.raises(ValueError, match=message):
        widgets.run_settings({**GOOD, **change})
    with pytest.raises(ValueError, match="settings lack 'steps'"):
        widgets.run_settings({k: v for k, v in GOOD.items() if k != "steps"})
    with pytest.raises(ValueError, match=r"settings lack Momentum's hyperparameter\(s\) \['alpha'\]"):
        widgets.run_settings({k: v for k, v in GOOD.items() if k != "alpha"})
    with pytest.raises(ValueError, match="settings must be a mapping"):
        widgets.run_settings([GOOD])


def test_run_settings_reads_flags_and_the_l2_penalty():
    s = {"optimizer": "AdaGrad", "eta": 0.5, "eps": 1e-10, "eps_in_sqrt": True, "problem": "Beale", "l2": 0.2, "steps": 30, "start": [1.0, 1.5]}
    beale = problems.Beale()
    expected = gdcourse.run(gdcourse.AdaGrad(eta=0.5, eps=1e-10, eps_in_sqrt=True), beale.with_l2(0.2), [1.0, 1.5], 30)
    assert np.array_equal(widgets.run_settings(s).w, expected.w)
    with pytest.raises(ValueError, match=r"settings\['eps_in_sqrt'\] must be true or false"):
        widgets.run_settings({**s, "eps_in_sqrt": 1})


def test_output_carries_the_widget_view_and_the_pages_placeholder():
    explorer = widgets.explorer(gdcourse.Momentum, eta=0.5, alpha=0.9)
    data, _ = explorer._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.model_id
    assert data["text/plain"] == "<gdcourse explorer: Momentum on quadratic>"
    placeholder = data["text/html"]
    match = re.fullmatch(r'<div class="gdcourse-figure" data-gdcourse-mount="([^"]*)"><p class="gdcourse-fallback">[^<]+</p></div>', placeholder)
    assert match, placeholder
    assert json.loads(html.unescape(match.group(1))) == {"spec": explorer.spec, "settings": explorer.settings}
    assert explorer._esm == module_source() and explorer._esm.startswith("// Generated by gdcourse")
    assert "const GDCOURSE = " in explorer._esm and re.search(r"export\s*\{", explorer._esm)


def test_language_follows_the_setting():
    assert widgets.explorer(gdcourse.GD).language == widgets.LANGUAGE
    assert widgets.explorer(gdcourse.GD, language="ko").language == "ko"


def test_momentum_plane_settings_and_series():
    plane = widgets.momentum_plane(eta_lambda=1.0, alpha=0.9, steps=80)
    assert plane.spec == {"kind": "momentum-plane"} and plane.settings == {"eta_lambda": 1.0, "alpha": 0.9, "steps": 80}
    assert np.array_equal(plane.series(), analysis.eigendirection_run(1.0, 0.9, 80).w[:, 0])
    plane.settings = {"eta_lambda": 3.9, "alpha": 0.9, "steps": 80}  # what the page sends when the pointer moves
    assert abs(plane.series()[-1]) > 1e3  # beyond the edge 2(1 + α) = 3.8 the error grows
    assert "data-gdcourse-mount" in plane._repr_mimebundle_()[0]["text/html"]
