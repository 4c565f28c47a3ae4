// The (ηλ, α) plane of the momentum chapter: where momentum's 2 × 2 iteration along an eigen-direction
// has real roots, complex roots, or diverges — and, for the point under the pointer, the error along
// that direction over the steps. The region edges, the regime and the spectral radius are gdcourse's
// own functions (gdcourse.analysis, generated), the error is the generated Momentum kernel on ½u².
//
// Root: data-gdcourse-figure="momentum-plane", property gdcourseFigure = {settings(), set(partial),
// series()}; series() equals gdcourse.analysis.eigendirection_run(eta_lambda, alpha, steps).w[:, 0].

import { select, pointer } from "d3-selection";
import { scaleLinear, scaleLog } from "d3-scale";
import { axisBottom, axisLeft } from "d3-axis";
import { line, area } from "d3-shape";

import { run } from "./run.js";
import { strings, formatG } from "./strings.js";
import { element, numberField } from "./controls.js";
import { saveSettings } from "./model.js";
import { decadeTicks, decadeFormat } from "./explorer.js";

const MARGIN = { top: 10, right: 14, bottom: 40, left: 52 };
const ERROR_LEFT = 64; // room for tick labels such as 10⁻¹⁹ beside the axis title
const X_MAX = 4.5;
const ALPHA_MAX = 0.999;
const REGION_KEYS = ["realRoots", "complexRoots", "diverges"];
const REGION_COLORS = ["#56B4E9", "#009E73", "#D55E00"]; // Okabe–Ito sky blue, bluish green, vermillion

const snap = (v, step) => Number((Math.round(v / step) * step).toFixed(2));

export class MomentumPlane {
  constructor(G, el, model, language) {
    this.G = G;
    this.model = model;
    this.t = strings(language);
    this.spec = model.get("spec");
    this.settings = structuredClone(model.get("settings"));
    const t = this.t;
    const root = (this.root = element("div", { class: "gdx" }, el));
    root.setAttribute("data-gdcourse-figure", "momentum-plane");
    root.setAttribute("lang", t.language);
    const controls = element("div", { class: "gdx-controls" }, root);
    const s = this.settings;
    this.fields = {
      eta_lambda: numberField(controls, { key: "eta_lambda", label: t("eta_lambda"), low: 0, high: X_MAX, step: 0.01, allowed: { low: 0, high: X_MAX, highInclusive: true } }, s.eta_lambda, (v) => this.update({ eta_lambda: v }), t),
      alpha: numberField(controls, { key: "alpha", label: t("alpha"), low: 0, high: 0.99, step: 0.01, allowed: { low: 0, high: 1 } }, s.alpha, (v) => this.update({ alpha: v }), t),
      steps: numberField(controls, { key: "steps", label: t("steps"), low: 10, high: 500, step: 10, allowed: { integer: true, low: 1, high: 2000 } }, s.steps, (v) => this.update({ steps: v }), t),
    };
    this.figures = element("div", { class: "gdx-figures" }, root);
    this.planeBox = element("figure", { class: "gdx-panel" }, this.figures);
    this.errorBox = element("figure", { class: "gdx-panel" }, this.figures);
    this.planeSvg = select(this.planeBox).append("svg").attr("class", "gdx-svg").attr("role", "group").attr("aria-label", t("planeLabel"));  // a group: it holds the draggable point
    this.errorSvg = select(this.errorBox).append("svg").attr("class", "gdx-svg").attr("role", "img");
    this.legend = element("ul", { class: "gdx-legend" }, root);
    REGION_KEYS.forEach((key, i) => {
      const item = element("li", {}, this.legend);
      select(item).append("svg").attr("width", 14).attr("height", 12).attr("aria-hidden", "true")
        .append("rect").attr("width", 14).attr("height", 12).attr("class", "gdx-region").attr("fill", REGION_COLORS[i]);
      item.append(t(key));
    });
    this.status = element("p", { class: "gdx-status", role: "status", "aria-live": "polite" }, root);
    const self = this;
    root.gdcourseFigure = {
      settings: () => structuredClone(self.settings),
      set: (partial) => {
        for (const [key, value] of Object.entries(partial)) {
          if (!(key in self.fields)) throw new Error(`${key} is not a setting of the (ηλ, α) plane; it has ${Object.keys(self.fields).join(", ")}`);
          const problem = self.fields[key].check(value);
          if (problem) throw new Error(`${key}: ${value} is not allowed; ${problem}`);
        }
        self.update(partial);
        return structuredClone(self.settings);
      },
      series: () => self.result.path.map((w) => w[0]),
      result: () => ({ divergedAt: self.result.divergedAt, rate: self.rate, regime: self.regime, status: self.status.textContent }),
    };
    this.onModel = () => {
      const incoming = model.get("settings");
      if (JSON.stringify(incoming) !== JSON.stringify(this.settings)) this.update(structuredClone(incoming), false);
    };
    model.on("change:settings", this.onModel);
    this.resize = new ResizeObserver(() => {
      if (this.planeBox.clientWidth && this.planeBox.clientWidth !== this.width) {
        this.layout();
        this.redraw(false);
      }
    });
    this.resize.observe(this.figures);
    this.layout();
    this.redraw(false);
  }

  destroy() {
    this.resize.disconnect();
    this.model.off("change:settings", this.onModel);
  }

  update(changes, save = true) {
    this.settings = { ...this.settings, ...changes };
    for (const [key, field] of Object.entries(this.fields)) field.set(this.settings[key]);
    this.redraw(save);
  }

  layout() {
    const t = this.t;
    const G = this.G;
    this.width = Math.max(200, this.planeBox.clientWidth || 420); // never narrower than the axes need
    const width = this.width;
    const height = Math.max(240, Math.min(360, width * 0.75));
    const xs = (this.xs = scaleLinear().domain([0, X_MAX]).range([MARGIN.left, width - MARGIN.right]));
    const ys = (this.ys = scaleLinear().domain([0, 1]).range([height - MARGIN.bottom, MARGIN.top]));
    const svg = this.planeSvg;
    svg.selectAll("*").remove();
    svg.attr("width", width).attr("height", height).attr("viewBox", `0 0 ${width} ${height}`);

    // The regions between the edges (1 − √α)², (1 + √α)², 2(1 + α) that gdcourse.analysis computes.
    const alphas = Array.from({ length: 201 }, (_, k) => (k / 200) * ALPHA_MAX);
    const edges = alphas.map((a) => {
      const [low, high, stable] = G.analysis.momentumEdges(a);
      return { a, low, high, stable: Math.min(stable, X_MAX) };
    });
    const band = (from, to) => area().y((e) => ys(e.a)).x0((e) => xs(from(e))).x1((e) => xs(to(e)))(edges);
    const regions = [
      [0, band(() => 0, (e) => e.low)],
      [0, band((e) => e.high, (e) => e.stable)],
      [1, band((e) => e.low, (e) => e.high)],
      [2, band((e) => e.stable, () => X_MAX)],
    ];
    const plot = svg.append("g");
    for (const [regime, d] of regions) plot.append("path").attr("class", "gdx-region").attr("fill", REGION_COLORS[regime]).attr("d", d);
    // Labels where each region is widest: real roots between the band and the edge at small α.
    const low = edges[10];
    const middle = edges[100];
    const labelAt = [
      [xs((low.high + low.stable) / 2), ys(low.a) - 6],
      [xs((middle.low + middle.high) / 2), ys(middle.a)],
      [xs((middle.stable + X_MAX) / 2), ys(middle.a)],
    ];
    REGION_KEYS.forEach((key, i) => {
      plot.append("text").attr("class", "gdx-region-label").attr("x", labelAt[i][0]).attr("y", labelAt[i][1]).attr("text-anchor", "middle").text(t(key));
    });
    plot.append("rect").attr("class", "gdx-plot-area gdx-transparent").attr("x", xs(0)).attr("y", ys(1)).attr("width", xs(X_MAX) - xs(0)).attr("height", ys(0) - ys(1))
      .on("pointermove", (event) => {
        if (event.pointerType === "touch" && !event.isPrimary) return;
        const [px, py] = pointer(event, svg.node());
        this.update({ eta_lambda: snap(Math.min(X_MAX, Math.max(0, xs.invert(px))), 0.01), alpha: snap(Math.min(0.99, Math.max(0, ys.invert(py))), 0.01) });
      });
    svg.append("g").attr("class", "gdx-axis").attr("transform", `translate(0,${ys(0)})`).call(axisBottom(xs).ticks(Math.max(3, Math.floor(width / 80))));
    svg.append("g").attr("class", "gdx-axis").attr("transform", `translate(${xs(0)},0)`).call(axisLeft(ys).ticks(5));
    svg.append("text").attr("class", "gdx-label").attr("x", (xs(0) + xs(X_MAX)) / 2).attr("y", height - 6).attr("text-anchor", "middle").text(t("planeX"));
    svg.append("text").attr("class", "gdx-label").attr("transform", `translate(14,${(ys(0) + ys(1)) / 2}) rotate(-90)`).attr("text-anchor", "middle").text(t("planeY"));
    this.point = svg.append("g").attr("class", "gdx-start").attr("tabindex", 0).attr("role", "button").attr("aria-roledescription", t("startRole")).style("color", "var(--gdx-ink)");
    this.point.append("circle").attr("class", "gdx-ring").attr("r", 6.5);
    this.point.on("keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const times = event.shiftKey ? 10 : 1;
      const { eta_lambda: x, alpha: a } = this.settings;
      this.update({
        eta_lambda: snap(Math.min(X_MAX, Math.max(0, x + move[0] * times * 0.01)), 0.01),
        alpha: snap(Math.min(0.99, Math.max(0, a + move[1] * times * 0.01)), 0.01),
      });
    });

    const errorSvg = this.errorSvg;
    errorSvg.selectAll("*").remove();
    const ew = Math.max(200, this.errorBox.clientWidth || width);
    this.errorGeometry = { width: ew, height };
    errorSvg.attr("width", ew).attr("height", height).attr("viewBox", `0 0 ${ew} ${height}`);
    this.errorX = errorSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(0,${height - MARGIN.bottom})`);
    this.errorY = errorSvg.append("g").attr("class", "gdx-axis").attr("transform", `translate(${ERROR_LEFT},0)`);
    errorSvg.append("text").attr("class", "gdx-label").attr("x", (ERROR_LEFT + ew - MARGIN.right) / 2).attr("y", height - 6).attr("text-anchor", "middle").text(t("stepsAxis"));
    errorSvg.append("text").attr("class", "gdx-label").attr("transform", `translate(14,${(MARGIN.top + height - MARGIN.bottom) / 2}) rotate(-90)`).attr("text-anchor", "middle").text(t("errorAxis"));
    this.envelope = errorSvg.append("path").attr("class", "gdx-path gdx-envelope").style("color", "var(--gdx-muted)").attr("stroke-dasharray", "4 3");
    this.errorLine = errorSvg.append("path").attr("class", "gdx-path").style("color", "#0072B2");
  }

  redraw(save = true) {
    const t = this.t;
    const { eta_lambda: x, alpha: a, steps } = this.settings;
    const G = this.G;
    this.result = run(G, { optimizer: "Momentum", eta: x, alpha: a, problem: G.eigendirection, steps, start: [1, 0] });
    this.rate = G.analysis.momentumRate(x, a);
    this.regime = G.analysis.momentumRegime(x, a);
    this.point.attr("transform", `translate(${this.xs(x)},${this.ys(a)})`).attr("aria-label", t("pointLabel", { x, a }));

    const errors = this.result.path.map((w) => Math.abs(w[0]));
    const { width, height } = this.errorGeometry;
    const shown = errors.filter((e) => e > 0 && e < 1e100);
    let lo = shown.length ? Math.min(...shown) : 1e-12;
    let hi = shown.length ? Math.max(...shown) : 1;
    if (lo === hi) [lo, hi] = [lo / 10, hi * 10];
    lo = Math.max(lo, hi * 1e-30, 1e-300);
    const ex = scaleLinear().domain([0, Math.max(1, steps)]).range([ERROR_LEFT, width - MARGIN.right]);
    const ey = scaleLog().domain([lo, hi]).range([height - MARGIN.bottom, MARGIN.top]).nice();
    this.errorX.call(axisBottom(ex).ticks(Math.max(3, Math.floor(width / 80))));
    this.errorY.call(axisLeft(ey).tickValues(decadeTicks(ey)).tickFormat(decadeFormat));
    const visible = (e) => e > 0 && e < 1e100 && e >= ey.domain()[0] / 1e3;
    this.errorLine.attr("d", line().defined(visible).x((_, k) => ex(k)).y((e) => ey(e))(errors));
    const envelope = errors.map((_, k) => this.rate ** k);
    this.envelope.attr("d", line().defined(visible).x((_, k) => ex(k)).y((e) => ey(e))(envelope));
    this.errorSvg.attr("aria-label", t("errorLabel", { x, a }));
    const regime = t(REGION_KEYS[this.regime]);
    const diverged = this.result.divergedAt !== null ? ` (${t("statusDiverged", { k: this.result.divergedAt, what: t(this.result.reason.what), kind: this.result.reason.kind })})` : "";
    this.status.textContent = t("planeStatus", { x, a, regime, q: formatG(this.rate, 4) }) + diverged;
    if (save) {
      this.model.set("settings", structuredClone(this.settings));
      saveSettings(this.model);
    }
  }
}
