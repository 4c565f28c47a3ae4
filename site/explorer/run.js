// One run of an optimizer on a 2-D problem, over the kernels that gdcourse generated
// (gdcourse/explorer/kernels.py): the loop of gdcourse.run.run for a single run, line for line.
//
//   for k = 0 .. steps:
//     loss = f(w); g = grad(w) unless k == steps
//     if the loss, w or g is not finite: the run diverged at step k; stop (w[k] is not recorded)
//     record w[k], loss[k]; if k == steps: stop
//     w = optimizer.update(w, g, state..., r = k + 1, hyperparameters...)
//
// The state starts at zeros, as Optimizer.step starts it; a minibatch problem takes the k-th batch
// that gdcourse drew (shipped as data) at the k-th gradient. Under a learning-rate schedule, step r
// runs with η = η_r, the schedule's generated rate at r (Optimizer.step: eta(r)).

export function variantKey(optimizer, settings) {
  return optimizer.flags.map((flag) => `${flag}=${settings[flag] ? "true" : "false"}`).join(",");
}

function decode(base64, bytes) {
  const binary = atob(base64);
  const buffer = new ArrayBuffer(binary.length);
  const view = new Uint8Array(buffer);
  for (let i = 0; i < binary.length; i++) view[i] = binary.charCodeAt(i);
  const data = new DataView(buffer);
  const n = binary.length / bytes;
  const out = bytes === 8 ? new Float64Array(n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = bytes === 8 ? data.getFloat64(8 * i, true) : bytes === 4 ? data.getUint32(4 * i, true) : data.getUint16(2 * i, true);
  }
  return out;
}

// The minibatch rows of step k, decoded once per problem.
function batchReader(problem) {
  if (!problem._batches) {
    const b = problem.batches;
    problem._batches = { size: b.size, X: decode(b.X, 8), y: decode(b.y, 8), order: decode(b.order, b.indexBytes) };
  }
  const { size, X, y, order } = problem._batches;
  const steps = order.length / size;
  return (k) => {
    if (k >= steps) throw new RangeError(`the minibatch problem ships ${steps} batches; step ${k} needs more`);
    const Xb = new Array(2 * size);
    const yb = new Array(size);
    for (let i = 0; i < size; i++) {
      const row = order[k * size + i];
      Xb[2 * i] = X[2 * row];
      Xb[2 * i + 1] = X[2 * row + 1];
      yb[i] = y[row];
    }
    return [Xb, yb];
  };
}

const finite = (w) => Number.isFinite(w[0]) && Number.isFinite(w[1]);
const kind = (values) => (values.some((x) => Number.isNaN(x)) ? "NaN" : "inf");

// gdcourse.run._why: the weights first, then the loss, then the gradient.
function why(loss, g, w) {
  if (!finite(w)) return { what: "weights", kind: kind(w) };
  if (!Number.isFinite(loss)) return { what: "loss", kind: kind([loss]) };
  return { what: "gradient", kind: kind(g) };
}

// η_r for a settings object's schedule ({name, its parameters, warmup}: LinearWarmup when warmup > 0),
// with the settings' eta as the peak; null for a constant η.
export function scheduleOf(G, settings) {
  const s = settings.schedule;
  if (s === undefined || s === null) return null;
  const schedule = G.schedules[s.name];
  if (!schedule) throw new Error(`unknown schedule ${s.name}`);
  const args = schedule.parameters.map((name) => s[name]);
  const eta = settings.eta;
  return s.warmup > 0 ? (r) => schedule.warmup(r, eta, ...args, s.warmup) : (r) => schedule.rate(r, eta, ...args);
}

export function run(G, settings) {
  const optimizer = G.optimizers[settings.optimizer];
  if (!optimizer) throw new Error(`unknown optimizer ${settings.optimizer}`);
  const problem = G.problems[settings.problem];
  if (!problem) throw new Error(`unknown problem ${settings.problem}`);
  const update = optimizer.variants[variantKey(optimizer, settings)];
  const hyperparameters = optimizer.hyperparameters.map((name) => settings[name]);
  const rate = scheduleOf(G, settings);
  const etaAt = optimizer.hyperparameters.indexOf("eta");
  const withL2 = settings.l2 !== undefined && settings.l2 !== null;
  const lam = settings.l2;
  const batch = problem.batches ? batchReader(problem) : null;
  const f = withL2 ? (w) => problem.fL2(w, lam) : (w) => problem.f(w);
  const grad = batch
    ? withL2 ? (w, k) => problem.gradL2(w, lam, ...batch(k)) : (w, k) => problem.grad(w, ...batch(k))
    : withL2 ? (w) => problem.gradL2(w, lam) : (w) => problem.grad(w);
  const steps = settings.steps;

  let w = [settings.start[0], settings.start[1]];
  let state = optimizer.state.map(() => [0, 0]);
  const path = [];
  const loss = [];
  let divergedAt = null;
  let reason = null;
  for (let k = 0; k <= steps; k++) {
    const value = f(w);
    const g = k < steps ? grad(w, k) : null;
    if (!(Number.isFinite(value) && finite(w) && (g === null || finite(g)))) {
      divergedAt = k;
      reason = why(value, g, w);
      break;
    }
    path.push(w);
    loss.push(value);
    if (k === steps) break;
    if (rate) hyperparameters[etaAt] = rate(k + 1);
    const out = optimizer.takesR ? update(w, g, ...state, k + 1, ...hyperparameters) : update(w, g, ...state, ...hyperparameters);
    w = out[0];
    state = out.slice(1);
  }
  return { path, loss, divergedAt, reason, steps };
}
