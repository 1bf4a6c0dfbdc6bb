import { SocKitError } from '../core/index.js';

/**
 * One piece of evidence for {@link scoreConfidence}.
 *
 * @example
 * ```ts
 * import { scoreConfidence, type ConfidenceFactor } from 'soc-kit/patterns';
 *
 * const factor: ConfidenceFactor = { name: 'rate 9x baseline', value: 0.97, weight: 2 };
 * console.log(scoreConfidence([factor]).confidence);
 * ```
 */
export interface ConfidenceFactor {
  /** Label shown in explanations; unique within one call. */
  name: string;
  /** Strength of the evidence in [0, 1]; ideally itself calibrated (see `calibrateTail`). */
  value: number;
  /** Non-negative finite weight. Default 1. Weight 0 makes the factor inert. */
  weight?: number;
}

/**
 * How {@link scoreConfidence} combines factors.
 *
 * - `'noisy-or'` (default): 1 − Π(1 − vᵢ)^wᵢ. Each factor alone can raise the confidence and
 *   agreeing factors reinforce each other; no factor can lower it. Fits independent detectors that
 *   each may catch the same incident ("any of these is suspicious"). Weight = how much to trust
 *   the detector (w = 2 counts it like two independent detectors saying the same).
 * - `'log-odds'`: logit(c) = logit(prior) + Σ wᵢ·(logit(vᵢ) − logit(prior)). Naive-Bayes evidence
 *   pooling: values above the prior push up, values below push *down*. Fits factors that are each a
 *   calibrated probability from independent evidence, where a clean signal should count against
 *   the alert. Values are clamped to [1e-6, 1 − 1e-6] so a single 0 or 1 cannot veto the rest.
 * - `'weighted-mean'`: Σ wᵢvᵢ / Σ wᵢ. The seed's rule: it averages, so one strong factor is diluted
 *   by weak ones. Fits scores that describe the *same* quantity from several angles (a blend), not
 *   independent evidence. Kept for compatibility and comparison.
 *
 * @example
 * ```ts
 * import { scoreConfidence, type CombinationRule } from 'soc-kit/patterns';
 *
 * const factors = [{ name: 'burst', value: 0.9 }, { name: 'new account', value: 0.6 }];
 * for (const rule of ['noisy-or', 'log-odds', 'weighted-mean'] satisfies CombinationRule[]) {
 *   console.log(rule, scoreConfidence(factors, { rule }).confidence.toFixed(3));
 * }
 * ```
 */
export type CombinationRule = 'noisy-or' | 'log-odds' | 'weighted-mean';

/** Options of {@link scoreConfidence}. */
export interface ScoreConfidenceOptions {
  /** Combination rule. Default `'noisy-or'`. */
  rule?: CombinationRule;
  /** Base rate for `'log-odds'`, in (0, 1): the confidence with no evidence. Default 0.5. */
  prior?: number;
}

/**
 * What one factor added to the confidence.
 *
 * @example
 * ```ts
 * import { scoreConfidence } from 'soc-kit/patterns';
 *
 * const [top] = scoreConfidence([{ name: 'burst', value: 0.9 }]).contributions;
 * console.log(top?.name, top?.contribution);
 * ```
 */
export interface FactorContribution {
  /** The factor's name. */
  name: string;
  /** The factor's value, as given. */
  value: number;
  /** The weight used (1 when omitted). */
  weight: number;
  /**
   * Share of the confidence attributed to this factor. `baseline + Σ contribution = confidence`
   * (up to rounding). Negative under `'log-odds'` when the factor argues against the alert.
   */
  contribution: number;
}

/**
 * Result of {@link scoreConfidence}.
 *
 * @example
 * ```ts
 * import { scoreConfidence } from 'soc-kit/patterns';
 *
 * const result = scoreConfidence([{ name: 'burst', value: 0.9 }, { name: 'night', value: 0.3 }]);
 * console.log(result.confidence, result.rule, result.contributions.map((c) => c.name));
 * ```
 */
export interface ConfidenceResult {
  /** Combined confidence in [0, 1]. */
  confidence: number;
  /** The rule that produced it. */
  rule: CombinationRule;
  /** Confidence with no evidence: 0, or the prior under `'log-odds'`. */
  baseline: number;
  /** One entry per factor, largest absolute contribution first (stable for ties). */
  contributions: FactorContribution[];
}

/**
 * Thrown when {@link scoreConfidence} gets a factor or option it cannot use: a NaN or
 * out-of-range value, a negative or non-finite weight, a missing or duplicate name, an unknown
 * rule or a prior outside (0, 1). Code `'INVALID_CONFIDENCE_INPUT'`.
 *
 * @example
 * ```ts
 * import { scoreConfidence, InvalidConfidenceInputError } from 'soc-kit/patterns';
 *
 * try {
 *   scoreConfidence([{ name: 'burst', value: Number.NaN }]);
 * } catch (error) {
 *   if (error instanceof InvalidConfidenceInputError) console.log(error.code, error.factor);
 * }
 * ```
 */
export class InvalidConfidenceInputError extends SocKitError {
  /** Name (or index, when the name itself is bad) of the offending factor, if any. */
  readonly factor: string | undefined;

  /**
   * @param message - What was wrong and what was expected.
   * @param factor - The offending factor's name or index.
   */
  constructor(message: string, factor?: string) {
    super('INVALID_CONFIDENCE_INPUT', message);
    this.factor = factor;
  }
}

const LOGIT_CLAMP = 1e-6;

function logit(p: number): number {
  const q = Math.min(1 - LOGIT_CLAMP, Math.max(LOGIT_CLAMP, p));
  return Math.log(q / (1 - q));
}

function validate(factors: readonly ConfidenceFactor[]): FactorContribution[] {
  if (!Array.isArray(factors)) {
    throw new InvalidConfidenceInputError('factors must be an array of { name, value, weight? }');
  }
  const seen = new Set<string>();
  return factors.map((factor, index) => {
    if (factor === null || typeof factor !== 'object') {
      throw new InvalidConfidenceInputError(
        `factor #${String(index)} must be an object { name, value, weight? }`,
        `#${String(index)}`,
      );
    }
    const { name, value } = factor;
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidConfidenceInputError(
        `factor #${String(index)} needs a non-empty string name`,
        `#${String(index)}`,
      );
    }
    if (seen.has(name)) {
      throw new InvalidConfidenceInputError(
        `factor name "${name}" appears twice; names must be unique so contributions can be told apart`,
        name,
      );
    }
    seen.add(name);
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new InvalidConfidenceInputError(
        `factor "${name}" has value ${String(value)}; expected a number in [0, 1]`,
        name,
      );
    }
    const weight = factor.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new InvalidConfidenceInputError(
        `factor "${name}" has weight ${String(weight)}; expected a finite number >= 0`,
        name,
      );
    }
    return { name, value, weight, contribution: 0 };
  });
}

function noisyOr(entries: FactorContribution[]): number {
  // Work in "hazard" space: each factor adds -w·ln(1 - v); the total maps back through 1 - e^-H.
  const hazards = entries.map((e) =>
    e.weight === 0 ? 0 : e.value === 1 ? Infinity : -e.weight * Math.log1p(-e.value),
  );
  const certain = hazards.filter((h) => h === Infinity).length;
  if (certain > 0) {
    entries.forEach((e, i) => (e.contribution = hazards[i] === Infinity ? 1 / certain : 0));
    return 1;
  }
  // Shares are taken of the hazards scaled by the largest, so a sum that overflows (huge
  // weights) still splits the credit instead of dividing by Infinity.
  const largest = hazards.reduce((max, h) => (h > max ? h : max), 0);
  if (largest === 0) return 0;
  const scaled = hazards.map((h) => h / largest);
  const scaledTotal = scaled.reduce((sum, h) => sum + h, 0);
  const confidence = -Math.expm1(-largest * scaledTotal);
  entries.forEach((e, i) => (e.contribution = (confidence * (scaled[i] ?? 0)) / scaledTotal));
  return confidence;
}

function logOdds(entries: FactorContribution[], prior: number): number {
  const base = logit(prior);
  // Weights are scaled by the largest before summing, so huge weights on opposing evidence give
  // the sign of the balance (and ±Infinity log-odds, a confidence of 0 or 1) instead of NaN.
  const largest = entries.reduce((max, e) => (e.weight > max ? e.weight : max), 0);
  const evidence = entries.map((e) =>
    e.weight === 0 ? 0 : (e.weight / largest) * (logit(e.value) - base),
  );
  const total = evidence.reduce((sum, x) => sum + x, 0);
  const confidence = 1 / (1 + Math.exp(-(base + largest * total)));
  const delta = confidence - prior;
  // Split the move away from the prior in proportion to each factor's log-odds evidence. When the
  // evidence cancels out exactly, nobody moved the result.
  entries.forEach(
    (e, i) => (e.contribution = total === 0 ? 0 : (delta * (evidence[i] ?? 0)) / total),
  );
  return confidence;
}

function weightedMean(entries: FactorContribution[]): number {
  // Relative weights (scaled by the largest) so the sum of huge weights cannot overflow.
  const largest = entries.reduce((max, e) => (e.weight > max ? e.weight : max), 0);
  if (largest === 0) return 0;
  const totalWeight = entries.reduce((sum, e) => sum + e.weight / largest, 0);
  let confidence = 0;
  for (const e of entries) {
    e.contribution = ((e.weight / largest) * e.value) / totalWeight;
    confidence += e.contribution;
  }
  return Math.min(1, confidence);
}

/**
 * Combines named evidence into one explainable confidence in [0, 1].
 *
 * Guarantees, for every rule: the result is in [0, 1]; it never decreases when any factor's value
 * increases (weights are non-negative); a weight-0 factor changes nothing; and
 * `baseline + Σ contributions = confidence`, so an alert can say which factor moved it and by how
 * much. Order of the input does not change the confidence.
 *
 * No factors (or, for `'weighted-mean'`, all weights 0) is *not* an error: it means "no evidence"
 * and gives the baseline (0, or the prior under `'log-odds'`), because detectors often collect only
 * the factors that fired.
 *
 * @param factors - Evidence items, each with a unique name, a value in [0, 1] and a weight >= 0.
 * @param options - The combination rule (see {@link CombinationRule}) and the log-odds prior.
 * @returns The confidence, the rule, the baseline and per-factor contributions.
 * @throws {@link InvalidConfidenceInputError} if `factors` is not an array, a value is NaN or
 *   outside [0, 1], a weight is negative, NaN or infinite, a name is empty or repeated, the rule is
 *   unknown, or the prior is outside (0, 1). Nothing is computed from partial input.
 *
 * @example
 * ```ts
 * import { scoreConfidence } from 'soc-kit/patterns';
 *
 * const result = scoreConfidence([
 *   { name: 'rate 9x baseline', value: 0.9, weight: 1 },
 *   { name: 'new account', value: 0.5, weight: 0.5 },
 *   { name: 'known bot', value: 0, weight: 1 },
 * ]);
 * console.log(result.confidence.toFixed(3)); // 0.929
 * console.log(result.contributions.map((c) => `${c.name}: ${c.contribution.toFixed(2)}`).join(', '));
 * ```
 */
export function scoreConfidence(
  factors: readonly ConfidenceFactor[],
  options: ScoreConfidenceOptions = {},
): ConfidenceResult {
  const rule = options.rule ?? 'noisy-or';
  const prior = options.prior ?? 0.5;
  if (rule !== 'noisy-or' && rule !== 'log-odds' && rule !== 'weighted-mean') {
    throw new InvalidConfidenceInputError(
      `unknown rule "${String(rule)}"; expected 'noisy-or', 'log-odds' or 'weighted-mean'`,
    );
  }
  if (typeof prior !== 'number' || !(prior > 0 && prior < 1)) {
    throw new InvalidConfidenceInputError(`prior must be in (0, 1), got ${String(prior)}`);
  }
  const entries = validate(factors);
  let confidence: number;
  let baseline = 0;
  if (rule === 'noisy-or') {
    confidence = noisyOr(entries);
  } else if (rule === 'log-odds') {
    baseline = prior;
    confidence = entries.length === 0 ? prior : logOdds(entries, prior);
  } else {
    confidence = weightedMean(entries);
  }
  const contributions = entries
    .map((entry, index) => ({ entry, index }))
    .sort(
      (a, b) =>
        Math.abs(b.entry.contribution) - Math.abs(a.entry.contribution) || a.index - b.index,
    )
    .map(({ entry }) => entry);
  return { confidence, rule, baseline, contributions };
}

/**
 * One-line explanation of a {@link ConfidenceResult}: the top contributions as
 * `"name: 0.41, other: 0.22"`, largest first.
 *
 * @param result - A result of {@link scoreConfidence}.
 * @param limit - Most factors to list. Default 3.
 * @returns The explanation; empty when there are no factors.
 * @throws Never.
 *
 * @example
 * ```ts
 * import { explainConfidence, scoreConfidence } from 'soc-kit/patterns';
 *
 * const result = scoreConfidence([
 *   { name: 'rate 9x baseline', value: 0.8 },
 *   { name: 'new account', value: 0.4 },
 * ]);
 * console.log(explainConfidence(result)); // rate 9x baseline: 0.67, new account: 0.21
 * ```
 */
export function explainConfidence(result: ConfidenceResult, limit = 3): string {
  return result.contributions
    .slice(0, Math.max(0, limit))
    .map((c) => `${c.name}: ${c.contribution.toFixed(2)}`)
    .join(', ');
}
