// Every word the explorers show or announce, by language. The page's <html lang> picks the table on the
// site, the widget's `language` setting in Jupyter (gdcourse.widgets.LANGUAGE); English is the fallback
// for a language or a key that is missing. Symbols stay in the labels in every language.
// Korean terms are the glossary's (book/glossary.yml: 학습률, 모멘텀 계수, 그래디언트, 가중치, 단계, 스무딩 항 …),
// taken from the course's lecture notes.

export const STRINGS = {
  en: {
    eta: "learning rate η",
    alpha: "momentum α",
    gamma: "decay rate γ",
    rho: "decay rate ρ",
    beta1: "first-moment decay β₁",
    beta2: "second-moment decay β₂",
    eps: "stabilizer ε",
    weight_decay: "weight decay λ",
    l2: "L2 penalty λ",
    eps_in_sqrt: "ε inside √ (the notes' form)",
    problem: "problem",
    steps: "steps",
    start1: "start w₁",
    start2: "start w₂",
    eta_lambda: "step × curvature ηλ",
    of: "{label} ({run})",
    value: "{label}, value",
    invalid: "{label}: {value} is not allowed; {allowed}",
    allowedRange: "allowed: {low} {lowOp} value {highOp} {high}",
    allowedInteger: "allowed: a whole number from {low} to {high}",
    statusOk: "after {steps} steps: f(w) − f* = {gap}",
    statusDiverged: "diverged at step {k}: the {what} became {kind}",
    hintDiverged: "try a smaller η",
    weights: "weights",
    loss: "loss",
    gradient: "gradient",
    runLabel: "{label}: {status}",
    w1: "w₁",
    w2: "w₂",
    stepsAxis: "steps taken (iterations)",
    gapAxis: "loss gap f(w) − f*",
    withoutPenalty: "loss gap of the problem without the penalty",
    contourLabel: "Contour lines of {problem} with the path of {runs}. Click or drag to move the start point.",
    lossLabel: "Loss gap f(w) − f* over the steps, log scale, for {runs}.",
    startLabel: "start point w = ({x}, {y}); the arrow keys move it",
    startRole: "draggable point",
    minimum: "minimum",
    saddle: "saddle point",
    plus: "{name} + L2",
    epsInside: "{name}, ε inside √",
    constantEta: "{name}, constant η",
    // learning-rate schedules (gdcourse.schedules)
    schedule: "learning-rate schedule",
    step_size: "steps between decays s",
    factor: "decay factor c",
    tau: "time scale τ",
    power: "power p",
    T: "length of the cosine T",
    warmup: "warm-up steps W (0: none)",
    rateAxis: "learning rate ηᵣ",
    rateStepAxis: "step r (iterations)",
    rateTitle: "learning rate of each step",
    rateLabel: "The learning rate η_r of each step r under the schedule, for {runs}.",
    schedules: {
      Constant: "constant",
      StepDecay: "step decay",
      ExponentialDecay: "exponential decay",
      InverseTimeDecay: "inverse-time decay",
      CosineAnnealing: "cosine annealing",
    },
    // the (ηλ, α) plane of the momentum chapter
    planeX: "ηλ: learning rate × curvature",
    planeY: "momentum α",
    realRoots: "real roots",
    complexRoots: "complex roots",
    diverges: "diverges",
    planeStatus: "ηλ = {x}, α = {a}: {regime}, spectral radius q = {q}",
    errorAxis: "error |u| along the direction",
    planeLabel: "The (ηλ, α) plane of momentum on a quadratic: regions of real roots, complex roots and divergence. Move the pointer to pick a point.",
    errorLabel: "Error along the eigen-direction over the steps, log scale, for ηλ = {x}, α = {a}.",
    pointLabel: "ηλ = {x}, α = {a}; the arrow keys move it",
    problems: {
      quadratic: "quadratic (κ=10)",
      "rotated quadratic": "quadratic (κ=10, 30°)",
      Rosenbrock: "Rosenbrock",
      Beale: "Beale",
      saddle: "saddle",
      "rare features": "rare features",
    },
  },
  ko: {
    eta: "학습률 η",
    alpha: "모멘텀 계수 α",
    gamma: "감쇠율 γ",
    rho: "감쇠율 ρ",
    beta1: "1차 모멘트 감쇠율 β₁",
    beta2: "2차 모멘트 감쇠율 β₂",
    eps: "스무딩 항 ε",
    weight_decay: "가중치 감쇠 λ",
    l2: "L2 벌점 λ",
    eps_in_sqrt: "ε을 √ 안에 (노트의 형태)",
    problem: "문제",
    steps: "단계 수",
    start1: "시작점 w₁",
    start2: "시작점 w₂",
    eta_lambda: "학습률 × 곡률 ηλ",
    of: "{label} ({run})",
    value: "{label}, 값",
    invalid: "{label}: {value}은(는) 허용되지 않습니다. {allowed}",
    allowedRange: "허용 범위: {low} {lowOp} 값 {highOp} {high}",
    allowedInteger: "허용 범위: {low}부터 {high}까지의 정수",
    statusOk: "{steps}단계 후: f(w) − f* = {gap}",
    statusDiverged: "{k}단계에서 발산: {what}에 {kind} 값이 나타남",
    hintDiverged: "η를 더 작게 해 보세요",
    weights: "가중치",
    loss: "손실",
    gradient: "그래디언트",
    runLabel: "{label}: {status}",
    stepsAxis: "밟은 단계 수 (반복)",
    gapAxis: "손실 차이 f(w) − f*",
    withoutPenalty: "벌점을 뺀 문제의 손실 차이",
    contourLabel: "{problem}의 등고선과 {runs}의 경로. 클릭하거나 끌어서 시작점을 옮깁니다.",
    lossLabel: "단계에 따른 손실 차이 f(w) − f* (로그 눈금): {runs}.",
    startLabel: "시작점 w = ({x}, {y}); 화살표 키로 옮깁니다",
    startRole: "끌 수 있는 점",
    plus: "{name} + L2",
    epsInside: "{name}, √ 안의 ε",
    constantEta: "{name}, 일정한 η",
    schedule: "학습률 스케줄",
    step_size: "감소 간격 s",
    factor: "감소 계수 c",
    tau: "시간 척도 τ",
    power: "지수 p",
    T: "코사인 길이 T",
    warmup: "워밍업 반복 횟수 W (0: 없음)",
    rateAxis: "학습률 ηᵣ",
    rateStepAxis: "반복 r",
    rateTitle: "반복마다의 학습률",
    rateLabel: "스케줄에 따른 반복 r의 학습률 η_r, {runs}.",
    schedules: {
      Constant: "일정",
      StepDecay: "계단식 감소",
      ExponentialDecay: "지수 감소",
      InverseTimeDecay: "역시간 감소",
      CosineAnnealing: "코사인 감소",
    },
    minimum: "최솟값",
    saddle: "안장점",
    planeX: "ηλ: 학습률 × 곡률",
    planeY: "모멘텀 계수 α",
    realRoots: "실근",
    complexRoots: "복소근",
    diverges: "발산",
    planeStatus: "ηλ = {x}, α = {a}: {regime}, 스펙트럼 반지름 q = {q}",
    errorAxis: "고유 방향의 오차 |u|",
    planeLabel: "이차 함수에서 모멘텀의 (ηλ, α) 평면: 실근, 복소근, 발산 영역. 포인터로 점을 고릅니다.",
    errorLabel: "ηλ = {x}, α = {a}일 때 단계에 따른 고유 방향의 오차 (로그 눈금).",
    pointLabel: "ηλ = {x}, α = {a}; 화살표 키로 옮깁니다",
    problems: {
      quadratic: "이차 함수 (κ=10)",
      "rotated quadratic": "이차 함수 (κ=10, 30°)",
      Rosenbrock: "로젠브록 함수",
      Beale: "빌 함수",
      saddle: "안장점 문제",
      "rare features": "드문 특성",
    },
  },
};

// The table for a language tag such as "ko" or "en-GB" (its primary subtag), with English underneath.
export function strings(language) {
  const primary = String(language || "en").toLowerCase().split("-")[0];
  const table = STRINGS[primary] || {};
  const english = STRINGS.en;
  const t = (key, values = {}) => {
    const template = table[key] ?? english[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
  };
  t.problem = (key, fallback) => table.problems?.[key] ?? english.problems[key] ?? fallback ?? key;
  t.schedule = (key) => table.schedules?.[key] ?? english.schedules[key] ?? key;
  t.language = STRINGS[primary] ? primary : "en";
  return t;
}

// Python's format(x, ".{digits}g"), so that the page prints numbers as gdcourse's notebooks do.
export function formatG(x, digits = 3) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponentText] = x.toExponential(digits - 1).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= digits) {
    const m = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
    const sign = exponent < 0 ? "-" : "+";
    return `${m}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, digits - 1 - exponent));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}
