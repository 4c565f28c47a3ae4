// The explorer: controls, the contour plot with the path(s), the loss curve(s) and a status line.
// Every change re-runs the optimizer(s) with the generated kernels (run.js) and redraws at once.
//
// For scripts and tests the root element carries data-gdcourse-explorer="<optimizer names>" and a
// property gdcourseExplorer = {runs, settings(i), set(partial, i), trajectory(i), result(i), rates(i)};
// the settings object is what gdcourse.widgets.run_settings(settings) turns back into gdcourse.run(...).
// An explorer made with a learning-rate schedule (eta=<gdcourse.schedules.Schedule>) has a schedule menu,
// each schedule's parameters and the warm-up's length, and a third panel with η_r over the steps.

import { select, pointer } from "d3-selection";
import { scaleLinear, scaleLog } from "d3-scale";
import { axisBottom, axisLeft } from "d3-axis";
import { line } from "d3-shape";
import { contours } from "d3-contour";
import { geoPath, geoTransform } from "d3-geo";
import { drag } from "d3-drag";

import { run, scheduleOf } from "./run.js";
import { strings, formatG } from "./strings.js";
import { element, numberField, selectField, checkboxField, uid } from "./controls.js";
import { saveSettings } from "./model.js";

const MARGIN = { top: 10, right: 14, bottom: 40, left: 52 };
const LOSS_LEFT = 64; // room for tick labels such as 10⁻¹⁹ beside the axis title
const DASHES = { "-": null, "--": "6 4", ":": "2 3", "-.": "7 3 2 3" };
const LIMIT = 1e6; // pixels: points further out are pulled in along their segment (the clip hides them)

export const colorOf = (color) => (color.toLowerCase() === "#000000" ? "var(--gdx-ink)" : color);

// Keep far-away points drawable: a point beyond LIMIT pixels is moved towards the previous point,
// along the segment, to distance LIMIT — the visible part of the segment is unchanged.
function tame(points) {
  const out = [];
  for (const [x, y] of points) {
    if (Math.abs(x) <= LIMIT && Math.abs(y) <= LIMIT) {
      out.push([x, y]);
      continue;
    }
    const [px, py] = out.length ? out[out.length - 1] : [0, 0];
    const dx = x - px;
    const dy = y - py;
    const size = Math.max(Math.abs(dx), Math.abs(dy));
    if (!Number.isFinite(size) || size === 0) break;
    out.push([px + (dx / size) * LIMIT, py + (dy / size) * LIMIT]);
    break; // what follows is further out still
  }
  return out;
}

function superscript(k) {
  const digits = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  return String(k).replace(/./g, (c) => digits[c] ?? c);
}

export function decadeTicks(scale, most = 6) {
  const [lo, hi] = scale.domain();
  const a = Math.ceil(Math.log10(lo) - 1e-9);
  const b = Math.floor(Math.log10(hi) + 1e-9);
  const every = Math.max(1, Math.ceil((b - a + 1) / most));
  const ticks = [];
  for (let k = b; k >= a; k -= every) ticks.push(10 ** k);
  return ticks.reverse();
}
export const decadeFormat = (v) => `10${superscript(Math.round(Math.log10(v)))}`;

const roundTo = (value, step) => {
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return Number((Math.round(value / step) * step).toFixed(decimals));
};

export class Explorer {
  constructor(G, el, model, language) {
    this.G = G;
    this.el = el;
    this.model = model;
    this.t = strings(language);
    this.spec = model.get("spec");
    this.settings = structuredClone(model.get("settings"));
    this.runs = this.spec.runs.map((r) => ({ ...r, label: r.label ?? this.labelOf(r) }));
    this.results = [];
    this.build();
    this.onModel = () => {
      const incoming = this.model.get("settings");
      if (JSON.stringify(incoming) !== JSON.stringify(this.settings)) this.update(structuredClone(incoming), false);
    };
    model.on("change:settings", this.onModel);
    this.resize = new ResizeObserver(() => this.scheduleLayout());
    this.resize.observe(this.figures);
    this.layout();
    this.redraw();
  }

  // A run's name in legends and status lines: the optimizer, its fixed form, its L2 penalty.
  labelOf(r) {
    let label = r.optimizer;
    if (r.flags.eps_in_sqrt) label = this.t("epsInside", { name: label });
    if (r.bind.l2) label = this.t("plus", { name: label });
    if (this.spec.schedule && r.schedule === false) label = this.t("constantEta", { name: label });
    return label;
  }

  destroy() {
    this.resize.disconnect();
    this.model.off("change:settings", this.onModel);
  }

  // ------------------------------------------------------------------ settings
  problem() {
    return this.G.problems[this.settings.problem];
  }

  flat(i = 0) {
    const runSpec = this.runs[i];
    const optimizer = this.G.optimizers[runSpec.optimizer];
    const s = { optimizer: runSpec.optimizer };
    for (const flag of optimizer.flags) s[flag] = runSpec.bind[flag] ? Boolean(this.settings[runSpec.bind[flag]]) : Boolean(runSpec.flags[flag]);
    for (const name of optimizer.hyperparameters) s[name] = this.settings[runSpec.bind[name]];
    if (runSpec.schedule) s.schedule = this.scheduleSetting();
    s.problem = this.settings.problem;
    if (runSpec.bind.l2) s.l2 = this.settings[runSpec.bind.l2];
    s.steps = this.settings.steps;
    s.start = [this.settings.start[0], this.settings.start[1]];
    return s;
  }

  // The settings object's schedule: {name, its parameters, warmup} (gdcourse.explorer.settings).
  scheduleSetting() {
    const name = this.settings.schedule;
    const out = { name };
    for (const parameter of this.G.schedules[name].parameters) out[parameter] = this.settings[`${name}.${parameter}`];
    out.warmup = this.settings.warmup;
    return out;
  }

  // A schedule's parameter (or the warm-up's W) as a change of its control; bad values throw.
  scheduleChange(changes, name, key, value) {
    const parameters = this.G.schedules[name].parameters;
    if (key !== "warmup" && !parameters.includes(key)) {
      throw new Error(`${name} has no parameter ${key}; it has ${[...parameters, "warmup"].join(", ")}`);
    }
    const control = key === "warmup" ? "warmup" : `${name}.${key}`;
    const problem = this.fields[control].check(value);
    if (problem) throw new Error(`${key}: ${value} is not allowed; ${problem}`);
    changes[control] = value;
  }

  // The settings of run i, {optimizer, its flags and hyperparameters, problem, l2, steps, start},
  // as changes to the controls: a name is looked up in run i's bindings. Bad keys or values throw.
  resolve(partial, i = 0) {
    const runSpec = this.runs[i];
    if (!runSpec) throw new RangeError(`this explorer has ${this.runs.length} run(s); got index ${i}`);
    const changes = {};
    for (const [key, value] of Object.entries(partial)) {
      if (key === "optimizer") {
        if (value !== runSpec.optimizer) throw new Error(`run ${i} is ${runSpec.optimizer}; its optimizer cannot change to ${value}`);
      } else if (key === "problem") {
        if (!this.spec.problems.includes(value)) throw new Error(`problem must be one of ${this.spec.problems.join(", ")}; got ${value}`);
        changes.problem = value;
      } else if (key === "start") {
        if (!(Array.isArray(value) && value.length === 2 && value.every(Number.isFinite))) throw new Error(`start must be [w1, w2] (finite numbers); got ${JSON.stringify(value)}`);
        changes.start = [value[0], value[1]];
      } else if (key === "steps") {
        const problem = this.fields.steps.check(value);
        if (problem) throw new Error(`steps: ${value} is not allowed; ${problem}`);
        changes.steps = value;
      } else if (this.spec.schedule && key === "schedule") {
        const described = typeof value === "string" ? { name: value } : value;
        const names = this.spec.schedule.names;
        if (!described || !names.includes(described.name)) throw new Error(`schedule must be one of ${names.join(", ")}; got ${JSON.stringify(value)}`);
        changes.schedule = described.name;
        for (const [k, v] of Object.entries(described)) if (k !== "name") this.scheduleChange(changes, described.name, k, v);
      } else if (this.spec.schedule && (key === "warmup" || this.G.schedules[changes.schedule ?? this.settings.schedule].parameters.includes(key))) {
        this.scheduleChange(changes, changes.schedule ?? this.settings.schedule, key, value);
      } else {
        const control = runSpec.bind[key];
        if (!control) {
          if (key in runSpec.flags && Boolean(value) === Boolean(runSpec.flags[key])) continue; // a fixed flag, unchanged
          throw new Error(`${key} is not a setting of run ${i} (${runSpec.label}) that can change; it has ${Object.keys(runSpec.bind).join(", ")}, problem, steps, start`);
        }
        const field = this.fields[control];
        const problem = field.check ? field.check(value) : typeof value === "boolean" ? null : "true or false";
        if (problem) throw new Error(`${key}: ${value} is not allowed; ${problem}`);
        changes[control] = value;
      }
    }
    return changes;
  }

  // Change the controls' values ({problem, steps, start, <control key>: value}) and redraw. A new
  // problem brings its own start point, unless a start comes with it. `save`: tell the model (Python).
  update(changes, save = true) {
    const next = structuredClone(this.settings);
    for (const [key, value] of Object.entries(changes)) {
      if (key === "start") next.start = [value[0], value[1]];
      else next[key] = value;
    }
    if ("problem" in changes && changes.problem !== this.settings.problem && !("start" in changes)) {
      next.start = [...this.G.problems[next.problem].start];
    }
    const problemChanged = next.problem !== this.settings.problem;
    this.settings = next;
    this.showSettings();
    if (problemChanged) this.layout();
    this.redraw(save);
  }

  // A change made by the reader: a control, the mouse on the plot, the keyboard on the start point.
  change(changes) {
    this.update(changes, true);
  }

  // ------------------------------------------------------------------ building the page
  build() {
    const t = this.t;
    const root = (this.root = element("div", { class: "gdx" }, this.el));
    root.setAttribute("data-gdcourse-explorer", this.runs.map((r) => r.optimizer).join(" "));
    root.setAttribute("lang", t.language);
    const controls = element("div", { class: "gdx-controls" }, root);
    this.fields = {};
    const changed = (key) => (value) => this.change({ [key]: value });

    const options = this.spec.problems.map((key) => [key, t.problem(key, this.G.problems[key].name)]);
    this.fields.problem = selectField(controls, { key: "problem", label: t("problem"), options }, this.settings.problem, (v) => this.change({ problem: v }));
    for (const control of this.spec.controls) {
      let label = t(control.name);
      if (control.run !== null && control.run !== undefined && this.runs.length > 1) label = t("of", { label, run: this.runs[control.run].label });
      const spec = { ...control, label };
      this.fields[control.key] = control.kind === "flag"
        ? checkboxField(controls, spec, this.settings[control.key], changed(control.key))
        : numberField(controls, spec, this.settings[control.key], changed(control.key), t);
    }
    if (this.spec.schedule) {
      const options = this.spec.schedule.names.map((name) => [name, t.schedule(name)]);
      this.fields.schedule = selectField(controls, { key: "schedule", label: t("schedule"), options }, this.settings.schedule, (v) => this.change({ schedule: v }));
      for (const control of this.spec.schedule.controls) {
        this.fields[control.key] = numberField(controls, { ...control, label: t(control.name) }, this.settings[control.key], changed(control.key), t);
      }
      this.showScheduleFields();
    }
    const steps = this.spec.steps;
    this.fields.steps = numberField(controls, { key: "steps", label: t("steps"), low: steps.low, high: steps.high, step: steps.step, allowed: { integer: true, low: 0, high: steps.max } }, this.settings.steps, changed("steps"), t);
    this.fields.start1 = numberField(controls, { key: "start1", label: t("start1"), low: 0, high: 1, step: 1, allowed: {} }, this.settings.start[0], (v) => this.change({ start: [v, this.settings.start[1]] }), t);
    this.fields.start2 = numberField(controls, { key: "start2", label: t("start2"), low: 0, high: 1, step: 1, allowed: {} }, this.settings.start[1], (v) => this.change({ start: [this.settings.start[0], v] }), t);

    this.figures = element("div", { class: "gdx-figures" }, root);
    this.contourBox = element("figure", { class: "gdx-panel" }, this.figures);
    this.contourTitle = element("figcaption", { class: "gdx-title" }, this.contourBox);
    this.lossBox = element("figure", { class: "gdx-panel" }, this.figures);
    this.lossTitle = element("figcaption", { class: "gdx-title" }, this.lossBox);
    this.contourSvg = select(this.contourBox).append("svg").attr("class", "gdx-svg").attr("role", "group");  // a group: it holds the draggable start point (an img may hold nothing interactive)
    this.lossSvg = select(this.lossBox).append("svg").attr("class", "gdx-svg").attr("role", "img");
    if (this.spec.schedule) {
      this.rateBox = element("figure", { class: "gdx-panel gdx-rate" }, this.figures);
      element("figcaption", { class: "gdx-title", text: t("rateTitle") }, this.rateBox);
      this.rateSvg = select(this.rateBox).append("svg").attr("class", "gdx-svg").attr("role", "img");
    }
    this.legend = element("ul", { class: "gdx-legend" }, root);
    this.status = element("div", { class: "gdx-status", role: "status", "aria-live": "polite" }, root);

    const self = this;
    root.gdcourseExplorer = {
      get runs() {
        return self.runs.length;
      },
      settings: (i = 0) => self.flat(i),
      set: (partial, i = 0) => {
        self.update(self.resolve(partial, i), true);
        return self.flat(i);
      },
      trajectory: (i = 0) => self.results[i].path.map((w) => [w[0], w[1]]),
      result: (i = 0) => {
        const r = self.results[i];
        return { divergedAt: r.divergedAt, loss: [...r.loss], reason: r.reason, status: self.statusText(i) };
      },
      rates: (i = 0) => [...self.rates[i]],
    };
  }

  // Put the current settings into the controls (after set(), a problem change or the model).
  showSettings() {
    const s = this.settings;
    this.fields.problem.set(s.problem);
    for (const control of this.spec.controls) this.fields[control.key].set(s[control.key]);
    this.fields.steps.set(s.steps);
    this.fields.start1.set(s.start[0]);
    this.fields.start2.set(s.start[1]);
    if (this.spec.schedule) {
      this.fields.schedule.set(s.schedule);
      for (const control of this.spec.schedule.controls) this.fields[control.key].set(s[control.key]);
      this.showScheduleFields();
    }
  }

  // Only the chosen schedule's parameters are shown (the warm-up's W always).
  showScheduleFields() {
    for (const control of this.spec.schedule.controls) {
      this.fields[control.key].element.hidden = control.schedule !== null && control.schedule !== this.settings.schedule;
    }
  }

  // ------------------------------------------------------------------ layout (problem or size changed)
  scheduleLayout() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = null;
      const width = this.contourBox.clientWidth;
      if (width && width !== this.width) {
        this.layout();
        this.redraw(false);
      }
    });
  }

  layout() {
    const t = this.t;
    const problem = this.problem();
    const [[x0, x1], [y0, y1]] = problem.window;
    this.width = Math.max(200, this.contourBox.clientWidth || 420);
    const innerWidth = Math.max(120, this.width - MARGIN.left - MARGIN.right);
    const innerHeight = Math.min(innerWidth * ((y1 - y0) / (x1 - x0)), 480);
    const width = innerWidth + MARGIN.left + MARGIN.right;
    const height = innerHeight + MARGIN.top + MARGIN.bottom;
    // Equal scales on both axes, as in the book's figures (matplotlib's set_aspect("equal")).
    const unit = Math.min(innerWidth / (x1 - x0), innerHeight / (y1 - y0));
    const xs = (this.xs = scaleLinear().domain([x0, x1]).range([MARGIN.left, MARGIN.left + unit * (x1 - x0)]));
    const ys = (this.ys = scaleLinear().domain([y0, y1]).range([MARGIN.top + unit * (y1 - y0), MARGIN.top]));
    this.fields.start1.range.min = String(x0);
    this.fields.start1.range.max = String(x1);
    this.fields.start1.range.step = String((x1 - x0) / 200);
    this.fields.start2.range.min = String(y0);
    this.fields.start2.range.max = String(y1);
    this.fields.start2.range.step = String((y1 - y0) / 200);
    this.fields.start1.set(this.settings.start[0]);
    this.fields.start2.set(this.settings.start[1]);

    const svg = this.contourSvg;
    svg.selectAll("*").remove();
    svg.attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);
    const clip = uid("clip");
    svg.append("defs").append("clipPath").attr("id", clip).append("rect")
      .attr("x", xs(x0)).attr("y", ys(y1)).attr("width", xs(x1) - xs(x0)).attr("height", ys(y0) - ys(y1));
    this.contourTitle.textContent = t.problem(this.settings.problem, problem.name);

    // Contour lines of f, levels spaced logarithmically in f − f_min (as gdcourse.plotting.contour).
    const nx = Math.round(Math.min(160, xs(x1) - xs(x0)));
    const ny = Math.max(2, Math.round(nx * ((y1 - y0) / (x1 - x0))));
    const values = new Float64Array(nx * ny);
    for (let j = 0; j < ny; j++) {
      const y = y0 + ((j + 0.5) * (y1 - y0)) / ny;
      for (let i = 0; i < nx; i++) values[j * nx + i] = problem.f([x0 + ((i + 0.5) * (x1 - x0)) / nx, y]);
    }
    let floor = problem.fMin;
    if (floor === null) floor = values.reduce((a, b) => Math.min(a, b), Infinity);
    let top = 0;
    let low = Infinity;
    for (let k = 0; k < values.length; k++) {
      const h = values[k] - floor;
      values[k] = h;
      if (h > 0) {
        top = Math.max(top, h);
        low = Math.min(low, h);
      }
    }
    low = Math.max(low, top * 1e-9);
    const levels = Array.from({ length: 25 }, (_, k) => low * (top / low) ** (k / 24));
    const toPixels = geoTransform({
      point(gx, gy) {
        this.stream.point(xs(x0 + (gx * (x1 - x0)) / nx), ys(y0 + (gy * (y1 - y0)) / ny));
      },
    });
    const plot = svg.append("g").attr("clip-path", `url(#${clip})`);
    plot.append("rect").attr("class", "gdx-plot-area")
      .attr("x", xs(x0)).attr("y", ys(y1)).attr("width", xs(x1) - xs(x0)).attr("height", ys(y0) - ys(y1));
    plot.append("g").attr("class", "gdx-contours").selectAll("path")
      .data(contours().size([nx, ny]).thresholds(levels)(values))
      .join("path").attr("d", geoPath(toPixels));
    const marks = plot.append("g").attr("class", "gdx-marks");
    for (const [mx, my] of problem.minimizers || []) {
      marks.append("text").attr("class", "gdx-minimum").attr("x", xs(mx)).attr("y", ys(my)).text("★")
        .append("title").text(t("minimum"));
    }
    for (const [sx, sy] of problem.saddles || []) {
      marks.append("text").attr("class", "gdx-saddle").attr("x", xs(sx)).attr("y", ys(sy)).text("×")
        .append("title").text(t("saddle"));
    }
    this.pathLayer = plot.append("g");
    this.paths = this.runs.map((r) => {
      const g = this.pathLayer.append("g").attr("class", "gdx-run").style("color", colorOf(r.color));
      return {
        line: g.append("path").attr("class", "gdx-path").attr("stroke-dasharray", DASHES[r.dash]),
        dots: g.append("path").attr("class", "gdx-dots"),
      };
    });

    svg.append("g").attr("class", "gdx-axis").attr("transform", `translate(0,${ys(y0)})`).call(axisBottom(xs).ticks(Math.max(3, Math.floor(innerWidth / 70))));
    svg.append("g").attr("class", "gdx-axis").attr("transform", `translate(${xs(x0)},0)`).call(axisLeft(ys).ticks(Math.max(3, Math.floor((ys(y0) - ys(y1)) / 45))));
    svg.append("text").attr("class", "gdx-label").attr("x", (xs(x0) + xs(x1)) / 2).attr("y", height - 6).attr("text-anchor", "middle").text(t("w1"));
    svg.append("text").attr("class", "gdx-label").attr("transform", `translate(14,${(ys(y0) + ys(y1)) / 2}) rotate(-90)`).attr("text-anchor", "middle").text(t("w2"));

    // The start point: drag it, click anywhere on the plot, or focus it and use the arrow keys.
    const start = (this.start = svg.append("g").attr("class", "gdx-start").attr("tabindex", 0)
      .attr("role", "button").attr("aria-roledescription", t("startRole")).style("color", colorOf(this.runs[0].color)));
    start.append("circle").attr("class", "gdx-hit").attr("r", 18);
    start.append("circle").attr("class", "gdx-ring").attr("r", 6.5);
    const stepX = (x1 - x0) / 200;
    const stepY = (y1 - y0) / 200;
    const at = (px, py) => [roundTo(Math.min(x1, Math.max(x0, xs.invert(px))), stepX), roundTo(Math.min(y1, Math.max(y0, ys.invert(py))), stepY)];
    start.call(drag().on("drag", (event) => this.change({ start: at(event.x, event.y) })));
    plot.select(".gdx-plot-area")
      .on("click", (event) => {
        const [px, py] = pointer(event, svg.node());
        this.change({ start: at(px, py) });
      })
      // A mouse can also drag from anywhere on the plot; a finger there scrolls the page instead.
      .call(drag().filter((event) => event.type === "mousedown" && !event.button).container(svg.node())
        .on("drag", (event) => this.change({ start: at(event.x, event.y) })));
    start.on("keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const times = event.shiftKey ? 1 : 5;
      const [sx, sy] = this.settings.start;
      this.change({
        start: [
          roundTo(Math.min(x1, Math.max(x0, sx + move[0] * times * stepX)), stepX),
          roundTo(Math.min(y1, Math.max(y0, sy + move[1] * times * stepY)), stepY),
        ],
      });
    });

    // The loss panel: same height as the contour plot, within reason.
    const lossWidth = Math.max(200, this.lossBox.clientWidth || width);
    const lossHeight = Math.max(200, Math.min(height, 360));
    this.lossGeometry = { width: lossWidth, height: lossHeight };
    const lossSvg = this.lossSvg;
    lossSvg.selectAll("*").remove();
    lossSvg.attr("width", lossWidth).attr("height", lossHeight).attr("viewBox", `0 0 ${lossWidth} ${lossHeight}`);
    this.lossXAxis = lossSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(0,${lossHeight - MARGIN.bottom})`);
    this.lossYAxis = lossSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(${LOSS_LEFT},0)`);
    lossSvg.append("text").attr("class", "gdx-label").attr("x", (LOSS_LEFT + lossWidth - MARGIN.right) / 2).attr("y", lossHeight - 6).attr("text-anchor", "middle").text(t("stepsAxis"));
    lossSvg.append("text").attr("class", "gdx-label").attr("transform", `translate(14,${(MARGIN.top + lossHeight - MARGIN.bottom) / 2}) rotate(-90)`).attr("text-anchor", "middle").text(t("gapAxis"));
    this.lossLines = this.runs.map((r) =>
      lossSvg.append("path").attr("class", "gdx-path").style("color", colorOf(r.color)).attr("stroke-dasharray", DASHES[r.dash]),
    );
    this.lossTitle.textContent = this.runs.map((r) => r.label).join(" · ");

    // The learning-rate panel: η_r of every run over r = 1 … steps, on a linear axis from 0.
    if (this.rateSvg) {
      const rateWidth = Math.max(200, this.rateBox.clientWidth || width);
      const rateHeight = 190;
      this.rateGeometry = { width: rateWidth, height: rateHeight };
      const rateSvg = this.rateSvg;
      rateSvg.selectAll("*").remove();
      rateSvg.attr("width", rateWidth).attr("height", rateHeight).attr("viewBox", `0 0 ${rateWidth} ${rateHeight}`);
      this.rateXAxis = rateSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(0,${rateHeight - MARGIN.bottom})`);
      this.rateYAxis = rateSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(${LOSS_LEFT},0)`);
      rateSvg.append("text").attr("class", "gdx-label").attr("x", (LOSS_LEFT + rateWidth - MARGIN.right) / 2).attr("y", rateHeight - 6).attr("text-anchor", "middle").text(t("rateStepAxis"));
      rateSvg.append("text").attr("class", "gdx-label").attr("transform", `translate(14,${(MARGIN.top + rateHeight - MARGIN.bottom) / 2}) rotate(-90)`).attr("text-anchor", "middle").text(t("rateAxis"));
      this.rateLines = this.runs.map((r) =>
        rateSvg.append("path").attr("class", "gdx-path").style("color", colorOf(r.color)).attr("stroke-dasharray", DASHES[r.dash]),
      );
    }
  }

  // η_r for r = 1 … steps of run i: its schedule's (generated) rate, or its constant η.
  ratesOf(i) {
    const settings = this.flat(i);
    const rate = scheduleOf(this.G, settings);
    return Array.from({ length: settings.steps }, (_, k) => (rate ? rate(k + 1) : settings.eta));
  }

  // ------------------------------------------------------------------ compute and draw
  statusText(i) {
    const t = this.t;
    const r = this.results[i];
    let text;
    if (r.divergedAt !== null) {
      text = `${t("statusDiverged", { k: r.divergedAt, what: t(r.reason.what), kind: r.reason.kind })} — ${t("hintDiverged")}`;
    } else {
      const gap = r.base[r.base.length - 1] - (this.problem().fMin ?? 0);
      text = t("statusOk", { steps: r.steps, gap: formatG(gap, 3) });
    }
    return this.runs.length > 1 ? t("runLabel", { label: this.runs[i].label, status: text }) : text;
  }

  redraw(save = true) {
    const problem = this.problem();
    this.results = this.runs.map((_, i) => {
      const settings = this.flat(i);
      const result = run(this.G, settings);
      // The loss gap drawn is that of the problem itself, also for a run on problem + L2.
      result.base = settings.l2 === undefined ? result.loss : result.path.map((w) => problem.f(w));
      return result;
    });
    const { xs, ys } = this;
    this.results.forEach((result, i) => {
      const points = tame(result.path.map(([a, b]) => [xs(a), ys(b)]));
      this.paths[i].line.attr("d", points.length > 1 ? line()(points) : null);
      const every = Math.max(1, Math.floor(points.length / 40));
      let dots = "";
      for (let k = every; k < points.length; k += every) {
        const [px, py] = points[k];
        if (Math.abs(px) < 1e5 && Math.abs(py) < 1e5) dots += `M${px - 2.2},${py}a2.2,2.2 0 1,0 4.4,0a2.2,2.2 0 1,0 -4.4,0`;
      }
      this.paths[i].dots.attr("d", dots || null);
    });
    const [sx, sy] = this.settings.start;
    this.start.attr("transform", `translate(${xs(sx)},${ys(sy)})`)
      .attr("aria-label", this.t("startLabel", { x: sx, y: sy }));

    // Loss curves: the gap on a log axis; 0 (or below, by rounding) and overflow are left out.
    const fMin = problem.fMin ?? 0;
    const gaps = this.results.map((r) => r.base.map((f) => f - fMin));
    let lo = Infinity;
    let hi = 0;
    for (const series of gaps) for (const g of series) if (g > 0 && g < 1e100) [lo, hi] = [Math.min(lo, g), Math.max(hi, g)];
    if (!(hi > 0)) [lo, hi] = [1e-12, 1];
    if (lo === hi) [lo, hi] = [lo / 10, hi * 10];
    lo = Math.max(lo, hi * 1e-30);
    const { width, height } = this.lossGeometry;
    const lx = scaleLinear().domain([0, Math.max(1, this.settings.steps)]).range([LOSS_LEFT, width - MARGIN.right]);
    const ly = scaleLog().domain([lo, hi]).range([height - MARGIN.bottom, MARGIN.top]).nice();
    this.lossXAxis.call(axisBottom(lx).ticks(Math.max(3, Math.floor((width - LOSS_LEFT) / 80))));
    this.lossYAxis.call(axisLeft(ly).tickValues(decadeTicks(ly)).tickFormat(decadeFormat));
    gaps.forEach((series, i) => {
      const curve = line().defined((g) => g > 0 && g < 1e100).x((_, k) => lx(k)).y((g) => ly(g));
      this.lossLines[i].attr("d", series.length ? curve(series) : null);
    });

    this.rates = this.runs.map((_, i) => this.ratesOf(i));
    if (this.rateSvg) this.drawRates();

    const labels = this.runs.map((r) => r.label).join(", ");
    this.contourSvg.attr("aria-label", this.t("contourLabel", { problem: this.contourTitle.textContent, runs: labels }));
    this.lossSvg.attr("aria-label", this.t("lossLabel", { runs: labels }));
    this.drawLegend();
    this.status.replaceChildren(...this.results.map((_, i) => element("p", { text: this.statusText(i) })));
    this.status.classList.toggle("gdx-diverged", this.results.some((r) => r.divergedAt !== null));
    if (save) {
      this.model.set("settings", structuredClone(this.settings));
      saveSettings(this.model);
    }
  }

  drawRates() {
    const { width, height } = this.rateGeometry;
    let top = 0;
    for (const series of this.rates) for (const v of series) if (Number.isFinite(v)) top = Math.max(top, v);
    const x = scaleLinear().domain([1, Math.max(2, this.settings.steps)]).range([LOSS_LEFT, width - MARGIN.right]);
    const y = scaleLinear().domain([0, top > 0 ? top * 1.05 : 1]).range([height - MARGIN.bottom, MARGIN.top]).nice();
    this.rateXAxis.call(axisBottom(x).ticks(Math.max(3, Math.floor((width - LOSS_LEFT) / 80))));
    this.rateYAxis.call(axisLeft(y).ticks(4));
    const curve = line().x((_, k) => x(k + 1)).y((v) => y(v));
    this.rates.forEach((series, i) => this.rateLines[i].attr("d", series.length ? curve(series) : null));
    this.rateSvg.attr("aria-label", this.t("rateLabel", { runs: this.runs.map((r) => r.label).join(", ") }));
  }

  drawLegend() {
    const penalty = this.runs.some((r) => r.bind.l2);
    this.legend.hidden = this.runs.length < 2 && !penalty;
    if (this.legend.hidden) return;
    this.legend.textContent = "";
    this.runs.forEach((r) => {
      const item = element("li", {}, this.legend);
      const swatch = select(item).append("svg").attr("width", 28).attr("height", 10).attr("aria-hidden", "true");
      swatch.append("line").attr("x1", 1).attr("x2", 27).attr("y1", 5).attr("y2", 5).attr("class", "gdx-path")
        .style("color", colorOf(r.color)).attr("stroke-dasharray", DASHES[r.dash]);
      item.append(r.label);
    });
    if (penalty) element("li", { class: "gdx-note", text: `(${this.t("withoutPenalty")})` }, this.legend);
  }
}
