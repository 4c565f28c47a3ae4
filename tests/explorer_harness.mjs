// Runs the explorer's JavaScript (generated kernels + site/explorer/run.js) in Node.js for the tests:
//   node tests/explorer_harness.mjs PREFIX.js < requests.json > results.json
// A request is {"run": settings, "nudgePow"?: true} (a whole run, as the page does it; with every pow
// moved by one ulp) or
// {"step": {"optimizer", flags..., "w", "g", "state", "r", "hyperparameters"}} (one update) or
// {"problem": key, "w": [..], "lam"?: λ, "batch"?: [X, y]} (f and grad at w), {"analysis": name, "args": [..]}
// or {"format": x, "digits": n} (the page's number format)
// or {"call": name, "args": [..]} (a function of the prefix's GDCOURSE, for tests with their own prefix)
// or {"rates": settings} (η_r for r = 1 … settings.steps under settings.schedule, as the page computes it).
// Non-finite numbers travel as {"float": "NaN"}, {"float": "Infinity"}, {"float": "-Infinity"}.
import { readFileSync } from "node:fs";
import { run, scheduleOf, variantKey } from "../site/explorer/run.js";
import { formatG } from "../site/explorer/strings.js";

const G = new Function(readFileSync(process.argv[2], "utf8") + "\nreturn GDCOURSE;")();
const decode = (key, x) => (x !== null && typeof x === "object" && Object.keys(x).length === 1 && "float" in x ? Number(x.float) : x);
const requests = JSON.parse(readFileSync(0, "utf8"), decode);
const encode = (key, x) => (typeof x === "number" && !Number.isFinite(x) ? { float: String(x) } : x);

// pow moved by one ulp, up and down in turn: the size of the difference between two platforms' pow.
const nativePow = Math.pow;
const bits = new DataView(new ArrayBuffer(8));
let flip = 1;
function nudgedPow(x, y) {
  const p = nativePow(x, y);
  if (!Number.isFinite(p) || p === 0) return p;
  bits.setFloat64(0, p);
  bits.setBigInt64(0, bits.getBigInt64(0) + BigInt((flip = -flip)));
  return bits.getFloat64(0);
}

function answer(request) {
  if (request.run && request.nudgePow) {
    Math.pow = nudgedPow;
    flip = 1;
    try {
      return run(G, request.run);
    } finally {
      Math.pow = nativePow;
    }
  }
  if (request.run) return run(G, request.run);
  if (request.step) {
    const s = request.step;
    const optimizer = G.optimizers[s.optimizer];
    const update = optimizer.variants[variantKey(optimizer, s)];
    const r = optimizer.takesR ? [s.r] : [];
    return update(s.w, s.g, ...s.state, ...r, ...s.hyperparameters);
  }
  if (request.problem) {
    const p = G.problems[request.problem];
    if (request.lam !== undefined) return { f: p.fL2(request.w, request.lam), grad: p.gradL2(request.w, request.lam, ...(request.batch || [])) };
    return { f: p.f(request.w), grad: p.grad(request.w, ...(request.batch || [])) };
  }
  if (request.call) return G[request.call](...request.args);
  if (request.rates) {
    const rate = scheduleOf(G, request.rates);
    return Array.from({ length: request.rates.steps }, (_, k) => rate(k + 1));
  }
  if (request.analysis) return G.analysis[request.analysis](...request.args);
  if ("format" in request) return formatG(request.format, request.digits);
  throw new Error(`unknown request ${JSON.stringify(request)}`);
}

process.stdout.write(JSON.stringify(requests.map(answer), encode));
