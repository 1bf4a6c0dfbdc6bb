// Tail probabilities of the distributions the anomaly scorer predicts with: normal, Student t,
// Poisson and negative binomial. simple-statistics has a normal *table* that saturates at 0.999,
// which is useless for the 1e-5 tails an alert budget needs, so these are computed directly.
// Internal module: not part of the public barrel.

const LN_SQRT_2PI = 0.9189385332046728;
const LANCZOS_G = 7;
const LANCZOS_0 = 0.9999999999998099;
const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
];

/** Smallest probability we report; keeps logs finite. */
export const MIN_PROBABILITY = 1e-300;

/** ln Γ(x) for x > 0 (Lanczos approximation, ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) {
    // Reflection keeps the approximation accurate near zero.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_0;
  LANCZOS.forEach((c, i) => (sum += c / (z + i + 1)));
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * erfc(x) with relative error below 1.2e-7 everywhere (Chebyshev fit), so deep tails keep their
 * relative accuracy instead of rounding to zero.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 300;

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront =
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Regularized lower incomplete gamma P(a, x) for a > 0, x >= 0. */
export function lowerIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 0;
  const logFront = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITERATIONS * 4; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    return Math.min(1, sum * Math.exp(logFront));
  }
  return 1 - upperIncompleteGammaFraction(a, x, logFront);
}

/** Q(a, x) by continued fraction; valid for x >= a + 1. */
function upperIncompleteGammaFraction(a: number, x: number, logFront: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logFront) * h;
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x). */
export function upperIncompleteGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - lowerIncompleteGamma(a, x);
  return upperIncompleteGammaFraction(a, x, -x + a * Math.log(x) - logGamma(a));
}

/**
 * P(T > t) for Student's t with `dof` degrees of freedom. Exact (incomplete beta) below 100 dof;
 * above, a normal transform that overstates the tail (the conservative side) by at most 1.5% at
 * 1e-4, 8% at 1e-7 and 30% at 1e-10 for 100 dof, and by a quarter of that at 200 dof.
 */
export function studentUpperTail(t: number, dof: number): number {
  if (dof >= 100) {
    const z = (t * (1 - 1 / (4 * dof))) / Math.sqrt(1 + (t * t) / (2 * dof));
    return normalUpperTail(z);
  }
  const twoSided = incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 0.5 * twoSided : 1 - 0.5 * twoSided;
}

/**
 * Mid-p value of a count `k` on one side, under a Poisson (`variance <= mean`) or negative
 * binomial (`variance > mean`) with the given mean (> 0). Upper: P(X > k) + P(X = k)/2; lower:
 * P(X < k) + P(X = k)/2. Mid-p makes discrete p-values close to uniform, so alert rates track the
 * budget instead of undershooting it.
 */
export function countMidP(k: number, mean: number, variance: number, upper: boolean): number {
  let tail: number; // P(X >= k) for upper, P(X <= k) for lower
  let logPmf: number;
  if (variance <= mean * (1 + 1e-9)) {
    if (upper) tail = k <= 0 ? 1 : lowerIncompleteGamma(k, mean);
    else tail = upperIncompleteGamma(k + 1, mean);
    logPmf = k * Math.log(mean) - mean - logGamma(k + 1);
  } else {
    const r = (mean * mean) / (variance - mean);
    const q = mean / (r + mean); // per-trial failure probability
    if (upper) tail = k <= 0 ? 1 : incompleteBeta(q, k, r);
    else tail = incompleteBeta(1 - q, r, k + 1);
    logPmf = logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log1p(-q) + k * Math.log(q);
  }
  const p = tail - 0.5 * Math.exp(logPmf);
  return p > MIN_PROBABILITY ? Math.min(1, p) : MIN_PROBABILITY;
}
