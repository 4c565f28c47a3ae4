r"""Interactive explorers: sliders, a draggable start point, the path and the loss redrawn at once.

>>> from gdcourse import Momentum, Nesterov, widgets
>>> widgets.explorer(Momentum, eta=0.5, alpha=0.9)                   # doctest: +SKIP
>>> widgets.compare(Momentum, Nesterov, eta=0.5, alpha=0.9)          # doctest: +SKIP
>>> widgets.compare(gdcourse.AdamW, (gdcourse.Adam, {"l2": 0.1}))    # doctest: +SKIP
>>> from gdcourse.schedules import CosineAnnealing, LinearWarmup
>>> widgets.explorer(Momentum, eta=LinearWarmup(CosineAnnealing(0.5, T=180), steps=20))  # doctest: +SKIP

An explorer is one JavaScript module (``site/explorer/``, shipped in ``gdcourse/explorer/static/``)
that runs the optimizer in the reader's browser with code generated from gdcourse's own ``update``
methods and problems (:mod:`gdcourse.explorer`): nothing waits for a Python kernel.  In Jupyter
(JupyterLab, Notebook 7, VS Code, Colab) it is an `anywidget <https://anywidget.dev>`_ widget whose
``settings`` trait follows the controls; on the book's published pages the notebook output's HTML
(:meth:`Figure._repr_mimebundle_`) holds the same settings and the page mounts the same module, with no
kernel and no network.

:func:`run_settings` turns the settings an explorer reports (``element.gdcourseExplorer.settings()`` on
the page, :meth:`Explorer.settings_of` here) into the :class:`~gdcourse.run.Trajectory` that
:func:`gdcourse.run` gives, so that any picture the page draws can be reproduced in Python.
"""

from __future__ import annotations

import html
import json
import math

import anywidget
import numpy as np
import traitlets

from gdcourse import analysis, i18n, plotting
from gdcourse.explorer import kernels
from gdcourse.explorer.bundle import module_source
from gdcourse.explorer.kernels import MAX_STEPS, SCHEDULES, flags_of, optimizer_class, problem_catalogue
from gdcourse.explorer.settings import SCHEDULE_SLIDERS, SLIDERS, STEPS, check_settings, describe_schedule, run_settings
from gdcourse.optimizers import HYPERPARAMETERS, Optimizer, check_hyperparameter
from gdcourse.run import Trajectory
from gdcourse.schedules import Schedule

__all__ = ["LANGUAGE", "SLIDERS", "Figure", "Explorer", "MomentumPlane", "explorer", "compare", "momentum_plane", "run_settings"]

#: The language of the explorers' labels in Jupyter ("en", "ko"; None: the page's).  On the published
#: site the page's ``<html lang>`` decides.  Set it here, or for all of gdcourse with
#: :func:`gdcourse.set_language` or the environment variable GDCOURSE_LANGUAGE.
LANGUAGE: str | None = None


class Figure(anywidget.AnyWidget):
    """An explorer or an interactive figure: the shared module, its ``spec`` and its ``settings``."""

    _esm = traitlets.Unicode().tag(sync=True)
    spec = traitlets.Dict().tag(sync=True)
    settings = traitlets.Dict().tag(sync=True)
    language = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    def __init__(self, spec: dict, settings: dict, language: str | None):
        if language is None:
            language = LANGUAGE if LANGUAGE is not None else i18n.chosen_language()
        super().__init__(_esm=module_source(), spec=spec, settings=settings, language=language)

    def placeholder(self) -> str:
        """The HTML that the published page mounts the explorer on (its spec and settings as JSON)."""
        state = html.escape(json.dumps({"spec": self.spec, "settings": self.settings}, ensure_ascii=False, allow_nan=False), quote=True)
        return (
            f'<div class="gdcourse-figure" data-gdcourse-mount="{state}">'
            f'<p class="gdcourse-fallback">{html.escape(self._fallback())}</p></div>'
        )

    def _fallback(self) -> str:
        return "An interactive figure: it needs JavaScript (open the course's web edition, or run this notebook)."

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        # The site's builder renders this instead of the widget view (site/sphinx_explorer.py).
        data["text/html"] = self.placeholder()
        return data, metadata


# --------------------------------------------------------------------------- the explorer
def _slider(name: str) -> dict:
    """The control of a hyperparameter (or "l2"): its slider and the values its number box accepts."""
    control = dict(SLIDERS[name])
    allowed = HYPERPARAMETERS.get(name)
    if allowed is None:  # the L2 penalty of problem.with_l2: any finite λ >= 0
        control["allowed"] = {"low": 0.0, "high": None}
    else:
        control["allowed"] = {"low": allowed.low, "high": None if math.isinf(allowed.high) else allowed.high}
    return control


def _entry(entry) -> tuple[type, dict]:
    cls, options = (entry if isinstance(entry, tuple) else (entry, {}))
    if not (isinstance(cls, type) and issubclass(cls, Optimizer)):
        raise ValueError(f"an explorer runs a gdcourse optimizer class (e.g. gdcourse.Momentum) or (class, options); got {entry!r}")
    if kernels.OPTIMIZERS.get(cls.__name__) is not cls:
        raise ValueError(
            f"an explorer runs one of gdcourse's optimizers {list(kernels.OPTIMIZERS)}, whose JavaScript is generated "
            f"when the site is built; {cls.__qualname__} is not one of them (run it with gdcourse.run and plot it instead)"
        )
    if not isinstance(options, dict):
        raise ValueError(f"the options of {cls.__name__} must be a dict (hyperparameters, flags, 'l2', 'label'); got {options!r}")
    if isinstance(options.get("eta"), Schedule):
        raise ValueError(
            f"a schedule belongs to the whole explorer: give it as eta=... of explorer() or compare(), and "
            f"{{'schedule': False}} to the run that keeps a constant η; got {options['eta']!r} for {cls.__name__}"
        )
    return cls, dict(options)


def _schedule_controls(described: dict) -> tuple[dict, dict]:
    """The explorer's schedule controls (its spec) and their first values (settings): a menu of
    :data:`~gdcourse.explorer.kernels.SCHEDULES`, each schedule's parameters, the warm-up's length."""
    controls, settings = [], {"schedule": described["name"]}
    for name, (_, defaults) in SCHEDULES.items():
        for parameter, default in defaults.items():
            key = f"{name}.{parameter}"
            controls.append({"key": key, "name": parameter, "schedule": name, **SCHEDULE_SLIDERS[key]})
            settings[key] = described[parameter] if name == described["name"] else default
    controls.append({"key": "warmup", "name": "warmup", "schedule": None, **SCHEDULE_SLIDERS["warmup"]})
    settings["warmup"] = described["warmup"]
    return {"names": list(SCHEDULES), "controls": controls}, settings


class Explorer(Figure):
    """One or two optimizers on the course's 2-D problems; see :func:`explorer` and :func:`compare`.

    ``settings`` (a trait, kept in step with the controls) holds ``problem``, ``steps``, ``start`` and
    one value per control; :meth:`settings_of` gives run ``i``'s settings object and :meth:`trajectory`
    its :class:`~gdcourse.run.Trajectory`.
    """

    def __init__(self, runs, *, problems=None, problem: str = "quadratic", steps: int = 200, start=None, language=None, **initial):
        entries = [_entry(e) for e in runs]
        schedule = None
        if isinstance(initial.get("eta"), Schedule):
            schedule = describe_schedule(initial["eta"])  # ValueError for what the explorer cannot show
            initial["eta"] = initial["eta"].eta  # the peak η: the eta control
        if not 1 <= len(entries) <= 2:
            raise ValueError(f"an explorer shows one or two runs; got {len(entries)}")
        catalogue = problem_catalogue()
        keys = list(catalogue) if problems is None else list(problems)
        unknown = [k for k in keys if k not in catalogue]
        if unknown or not keys:
            raise ValueError(f"problems must be keys of gdcourse.problems.two_d(): {list(catalogue)}; got {keys!r}")
        if problem not in keys:
            raise ValueError(f"problem must be one of {keys}; got {problem!r}")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be an integer from 0 to {MAX_STEPS}; got {steps!r}")
        names = {n for cls, _ in entries for n in (*cls.hyperparameter_names, *flags_of(cls))} | {"l2"}
        stray = sorted(set(initial) - names)
        if stray:
            have = sorted(n for cls, _ in entries for n in cls.hyperparameter_names)
            raise ValueError(f"{' and '.join(cls.__name__ for cls, _ in entries)} ha{'s' if len(entries) == 1 else 've'} no hyperparameter(s) {stray}; {'it has' if len(entries) == 1 else 'they have'} {have} (and 'l2' for an L2 penalty)")

        runs_spec, values, flags = [], [], []
        for cls, options in entries:
            allowed = {*cls.hyperparameter_names, *flags_of(cls), "l2", "label", "color", "dash", *(["schedule"] if schedule else [])}
            wrong = sorted(set(options) - allowed)
            if wrong:
                raise ValueError(f"{cls.__name__} has no option(s) {wrong}; it takes {sorted(allowed)}")
            defaults = cls().hyperparameters
            value = {n: options.get(n, initial.get(n, defaults[n])) for n in cls.hyperparameter_names}
            flag = {f: options.get(f, initial.get(f, False)) for f in flags_of(cls)}
            cls(**value, **{f: bool(v) for f, v in flag.items()})  # ValueError naming a bad value
            l2 = options.get("l2", initial.get("l2"))
            if l2 is not None:
                value["l2"] = l2
            values.append(value)
            flags.append(flag)
            scheduled = schedule is not None and options.get("schedule", True) is not False
            runs_spec.append({"optimizer": cls.__name__, "label": options.get("label"), "flags": {}, "bind": {}, "schedule": scheduled})

        # One control per setting; a setting that two runs share with the same value is one control.
        controls, settings = [], {}
        order = []
        for value in values:
            order += [n for n in value if n not in order]
        for name in order:
            having = [i for i, value in enumerate(values) if name in value]
            shared = len({values[i][name] for i in having}) == 1
            for i in having if not shared else [None]:
                key = name if i is None else f"{name}_{i + 1}"
                run = (having[0] if len(having) == 1 and len(entries) > 1 else None) if i is None else i
                controls.append({"key": key, "name": name, "run": run, **_slider(name)})
                settings[key] = float(values[having[0] if i is None else i][name])
                for j in having if i is None else [i]:
                    runs_spec[j]["bind"][name] = key
        for i, flag in enumerate(flags):
            for name, value in flag.items():
                if len(entries) == 1:  # a lone explorer has a checkbox; a comparison fixes each run's form
                    controls.append({"key": name, "name": name, "run": None, "kind": "flag"})
                    settings[name] = bool(value)
                    runs_spec[i]["bind"][name] = name
                else:
                    runs_spec[i]["flags"][name] = bool(value)
        labels = [self._label(spec, cls) for spec, (cls, _) in zip(runs_spec, entries)]
        for spec, style, (_, options) in zip(runs_spec, plotting.styles_for(labels), entries):
            spec["color"] = options.get("color", style["color"])
            spec["dash"] = options.get("dash", style["linestyle"])
            if spec["dash"] not in ("-", "--", ":", "-."):
                raise ValueError(f"dash must be one of '-', '--', ':', '-.' (matplotlib's line styles); got {spec['dash']!r}")
        chosen = catalogue[problem]
        start = chosen.start if start is None else start
        settings.update(problem=problem, steps=int(steps), start=[float(x) for x in start])
        spec = {"kind": "explorer", "runs": runs_spec, "controls": controls, "problems": keys,
                "steps": {"low": STEPS[0], "high": STEPS[1], "step": STEPS[2], "max": MAX_STEPS}}
        if schedule is not None:
            spec["schedule"], first = _schedule_controls(schedule)
            settings.update(first)
        super().__init__(spec, settings, language)
        for i in range(len(entries)):
            check_settings(self.settings_of(i))  # e.g. a start that is not two finite numbers

    @staticmethod
    def _label(spec: dict, cls: type) -> str:
        """The run's name in legends (the page translates the generated ones: see strings.js)."""
        if spec["label"]:
            return spec["label"]
        label = cls.__name__
        if spec["flags"].get("eps_in_sqrt"):
            label += ", ε inside √"
        if "l2" in spec["bind"]:
            label += " + L2"
        if spec.get("schedule") is False:
            label += ", constant η"
        return label

    # ------------------------------------------------------------------ settings
    @property
    def runs(self) -> int:
        return len(self.spec["runs"])

    def settings_of(self, i: int = 0) -> dict:
        """Run ``i``'s settings object, as the page's ``gdcourseExplorer.settings(i)`` returns it."""
        run_spec = self.spec["runs"][i]
        cls = optimizer_class(run_spec["optimizer"])
        s: dict = {"optimizer": run_spec["optimizer"]}
        for flag in flags_of(cls):
            s[flag] = bool(self.settings[run_spec["bind"][flag]]) if flag in run_spec["bind"] else bool(run_spec["flags"].get(flag, False))
        for name in cls.hyperparameter_names:
            s[name] = self.settings[run_spec["bind"][name]]
        if run_spec.get("schedule"):
            name = self.settings["schedule"]
            s["schedule"] = {"name": name, **{p: self.settings[f"{name}.{p}"] for p in SCHEDULES[name][1]}, "warmup": self.settings["warmup"]}
        s["problem"] = self.settings["problem"]
        if "l2" in run_spec["bind"]:
            s["l2"] = self.settings[run_spec["bind"]["l2"]]
        s["steps"] = self.settings["steps"]
        s["start"] = list(self.settings["start"])
        return s

    def set(self, i: int = 0, **changes) -> None:
        """Change run ``i``'s settings by name (``eta=0.1``, ``problem="Rosenbrock"``, ``start=[1, 2]``).

        With a schedule: ``schedule="StepDecay"`` (or a settings object's ``{"name": ..., ...}``),
        ``warmup=20``, and the current schedule's parameters by name (``T=300``).  A new problem
        brings its own start point unless ``start`` is given too.  The explorer redraws.
        """
        run_spec = self.spec["runs"][i]
        settings = dict(self.settings)
        scheduled = "schedule" in self.spec
        for name, value in changes.items():
            if scheduled and name == "schedule":
                described = value if isinstance(value, dict) else {"name": value}
                if described.get("name") not in SCHEDULES:
                    raise ValueError(f"schedule must be one of {list(SCHEDULES)}; got {value!r}")
                settings["schedule"] = described["name"]
                for key, v in described.items():
                    if key == "warmup":
                        settings["warmup"] = v
                    elif key != "name":
                        settings[f"{described['name']}.{key}"] = v
            elif scheduled and name == "warmup":
                settings["warmup"] = value
            elif scheduled and name in SCHEDULES[settings["schedule"]][1]:
                settings[f"{settings['schedule']}.{name}"] = value
            elif name in ("problem", "steps", "start"):
                settings[name] = list(value) if name == "start" else value
            elif name in run_spec["bind"]:
                settings[run_spec["bind"][name]] = value
            else:
                raise ValueError(f"{name!r} is not a setting of run {i} ({run_spec['optimizer']}); it has {sorted(run_spec['bind'])}, problem, steps, start")
        if settings["problem"] not in self.spec["problems"]:
            raise ValueError(f"problem must be one of {self.spec['problems']}; got {settings['problem']!r}")
        if "problem" in changes and "start" not in changes:
            settings["start"] = [float(x) for x in problem_catalogue()[settings["problem"]].start]
        previous = self.settings
        self.settings = settings
        try:
            for j in range(self.runs):
                check_settings(self.settings_of(j))
        except ValueError:
            self.settings = previous  # nothing changes when a value is refused
            raise

    def trajectory(self, i: int = 0) -> Trajectory:
        """What run ``i`` draws, computed by :func:`gdcourse.run` (``run_settings(self.settings_of(i))``)."""
        return run_settings(self.settings_of(i))

    def _fallback(self) -> str:
        names = " and ".join(r["optimizer"] for r in self.spec["runs"])
        return f"An interactive explorer of {names}: it needs JavaScript (open the course's web edition, or run this notebook)."

    def __repr__(self) -> str:
        names = " vs ".join(r["optimizer"] for r in self.spec["runs"])
        return f"<gdcourse explorer: {names} on {self.settings['problem']}>"


# --------------------------------------------------------------------------- the (ηλ, α) plane
class MomentumPlane(Figure):
    """The (ηλ, α) plane of momentum along one eigen-direction: real roots, complex roots, divergence,
    and the error along that direction for the chosen point (:func:`gdcourse.analysis.eigendirection_run`)."""

    def __init__(self, eta_lambda: float = 1.0, alpha: float = 0.9, steps: int = 100, language=None):
        if not (isinstance(eta_lambda, (int, float)) and 0 <= eta_lambda <= 4.5):
            raise ValueError(f"eta_lambda must be a number in [0, 4.5]; got {eta_lambda!r}")
        check_hyperparameter("alpha", alpha)  # ValueError stating α's allowed range
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be an integer from 1 to {MAX_STEPS}; got {steps!r}")
        super().__init__({"kind": "momentum-plane"}, {"eta_lambda": float(eta_lambda), "alpha": float(alpha), "steps": int(steps)}, language)

    def series(self) -> np.ndarray:
        """The error along the direction after 0, 1, … steps, as the figure draws it."""
        s = self.settings
        return analysis.eigendirection_run(s["eta_lambda"], s["alpha"], s["steps"]).w[:, 0]

    def __repr__(self) -> str:
        return f"<gdcourse figure: momentum's (ηλ, α) plane at ηλ = {self.settings['eta_lambda']:g}, α = {self.settings['alpha']:g}>"


# --------------------------------------------------------------------------- the chapters' entry points
def explorer(optimizer_class: type[Optimizer], problems=None, problem: str = "quadratic", steps: int = 200, *, start=None, language=None, **initial) -> Explorer:
    """An explorer of ``optimizer_class`` on the course's 2-D problems; display it as a cell's last value.

    ``initial`` sets hyperparameters (the class's defaults otherwise), a configuration flag such as
    ``eps_in_sqrt`` (the explorer then has a checkbox for it), or ``l2`` (a λ slider for
    ``problem.with_l2(λ)``).  ``eta`` may be a learning-rate schedule
    (:data:`gdcourse.explorer.kernels.SCHEDULES`, optionally inside ``LinearWarmup``): the explorer then
    has a schedule menu, the schedule's parameters, the warm-up's length and a panel of η_r, and η is the
    schedule's peak.  ``problems`` restricts the problem menu to some keys of
    :func:`gdcourse.problems.two_d`.
    """
    return Explorer([optimizer_class], problems=problems, problem=problem, steps=steps, start=start, language=language, **initial)


def compare(first, second, problems=None, problem: str = "quadratic", steps: int = 200, *, start=None, language=None, **initial) -> Explorer:
    """Two optimizers (or two settings of one) on the same problem, from the same start, in one explorer.

    ``first`` and ``second`` are optimizer classes or ``(class, options)`` with options such as
    ``{"eps_in_sqrt": True}``, ``{"l2": 0.1}`` (that run minimizes ``problem.with_l2(0.1)``),
    ``{"eta": 0.3}``, ``{"label": "..."}`` or ``{"color": "#0072B2", "dash": "--"}`` (by default the
    book's style, :func:`gdcourse.plotting.styles_for`).  A hyperparameter both runs have with the same initial
    value is one control that moves both; otherwise each run has its own.  A schedule given as ``eta``
    applies to both runs, except one given ``{"schedule": False}``, which keeps a constant η.
    """
    return Explorer([first, second], problems=problems, problem=problem, steps=steps, start=start, language=language, **initial)


def momentum_plane(eta_lambda: float = 1.0, alpha: float = 0.9, steps: int = 100, *, language=None) -> MomentumPlane:
    """The interactive (ηλ, α) plane of the momentum chapter."""
    return MomentumPlane(eta_lambda=eta_lambda, alpha=alpha, steps=steps, language=language)
