// Form controls with labels a screen reader reads out ("learning rate η, 0.5"): a native range input
// with a number box beside it, a select, a checkbox. Each calls onChange(value) when the reader
// changes it, and has set(value) to show a value without calling back.

let counter = 0;
export const uid = (name) => `gdx${++counter}-${String(name).replace(/[^A-Za-z0-9_-]/g, "_")}`;

function element(tag, attributes = {}, parent = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "text") node.textContent = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value === true ? "" : value);
  }
  if (parent) parent.appendChild(node);
  return node;
}
export { element };

const show = (value) => String(value);

// The position on a list of slider values closest to `value` (on a log scale when all are positive).
function nearest(values, value) {
  const log = values[0] > 0;
  let best = 0;
  let distance = Infinity;
  values.forEach((v, i) => {
    const d = log && value > 0 ? Math.abs(Math.log(v) - Math.log(value)) : Math.abs(v - value);
    if (d < distance) [best, distance] = [i, d];
  });
  return best;
}

// Is `value` allowed by {low, high, lowExclusive, highInclusive, integer}? Returns null or the
// message's "allowed" part.
export function disallowed(value, allowed, t) {
  const range = () => t("allowedRange", {
    low: allowed.low ?? "−∞", high: allowed.high ?? "∞",
    lowOp: allowed.lowExclusive ? "<" : "≤", highOp: allowed.highInclusive && allowed.high !== null && allowed.high !== undefined ? "≤" : "<",
  });
  if (!Number.isFinite(value)) return allowed.integer ? t("allowedInteger", allowed) : range();
  if (allowed.integer) {
    return Number.isInteger(value) && value >= allowed.low && value <= allowed.high ? null : t("allowedInteger", allowed);
  }
  const low = allowed.low ?? -Infinity;
  const high = allowed.high ?? Infinity;
  const ok = (allowed.lowExclusive ? value > low : value >= low) && (allowed.highInclusive ? value <= high : value < high);
  return ok ? null : range();
}

// A range input plus a number box. `spec`: {label, values} (a list of slider positions) or
// {label, low, high, step}; `allowed` limits what the box accepts (the slider's ends need not).
export function numberField(parent, spec, value, onChange, t) {
  const field = element("div", { class: "gdx-field", "data-key": spec.key }, parent);
  const id = uid(spec.key);
  element("label", { for: id, text: spec.label }, field);
  const row = element("div", { class: "gdx-row" }, field);
  const listed = Array.isArray(spec.values);
  const range = element(
    "input",
    listed
      ? { id, type: "range", min: 0, max: spec.values.length - 1, step: 1 }
      : { id, type: "range", min: spec.low, max: spec.high, step: spec.step },
    row,
  );
  const box = element("input", { type: "number", step: "any", inputmode: "decimal", "aria-label": t("value", { label: spec.label }) }, row);
  const message = element("p", { class: "gdx-invalid", "aria-live": "polite" }, field);
  message.hidden = true;
  let current = value;

  const place = (v) => {
    if (listed) range.value = String(nearest(spec.values, v));
    else range.value = String(Math.min(Number(range.max), Math.max(Number(range.min), v))); // the ends may change (start: the window)
    range.setAttribute("aria-valuetext", show(v));
    box.value = show(v);
  };
  const set = (v) => {
    current = v;
    message.hidden = true;
    box.removeAttribute("aria-invalid");
    place(v);
  };
  range.addEventListener("input", () => {
    const v = listed ? spec.values[Number(range.value)] : Number(range.value);
    set(v);
    onChange(v);
  });
  box.addEventListener("change", () => {
    const text = box.value.trim();
    const v = text === "" ? NaN : Number(text);
    const problem = disallowed(v, spec.allowed || {}, t);
    if (problem) {
      message.textContent = t("invalid", { label: spec.label, value: text || "…", allowed: problem });
      message.hidden = false;
      box.setAttribute("aria-invalid", "true");
      return; // the explorer keeps the value it had
    }
    set(v);
    onChange(v);
  });
  set(value);
  return { element: field, range, box, set, get: () => current, check: (v) => disallowed(v, spec.allowed || {}, t) };
}

export function selectField(parent, spec, value, onChange) {
  const field = element("div", { class: "gdx-field", "data-key": spec.key }, parent);
  const id = uid(spec.key);
  element("label", { for: id, text: spec.label }, field);
  const input = element("select", { id }, field);
  for (const [key, text] of spec.options) element("option", { value: key, text }, input);
  input.value = value;
  input.addEventListener("change", () => onChange(input.value));
  return { element: field, input, set: (v) => (input.value = v), get: () => input.value };
}

export function checkboxField(parent, spec, value, onChange) {
  const field = element("div", { class: "gdx-field gdx-check", "data-key": spec.key }, parent);
  const id = uid(spec.key);
  const input = element("input", { id, type: "checkbox" }, field);
  element("label", { for: id, text: spec.label }, field);
  input.checked = Boolean(value);
  input.addEventListener("change", () => onChange(input.checked));
  return { element: field, input, set: (v) => (input.checked = Boolean(v)), get: () => input.checked };
}
