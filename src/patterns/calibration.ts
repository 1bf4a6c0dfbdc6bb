import { SocKitError } from '../core/index.js';

/**
 * The confidence at which soc-kit's detectors alert by default. {@link calibrateTail} maps the
 * per-point false-alert probability of an {@link AlertBudget} to exactly this value.
 *
 * @example
 * ```ts
 * import { DEFAULT_ALERT_THRESHOLD } from 'soc-kit/patterns';
 *
 * console.log(DEFAULT_ALERT_THRESHOLD); // 0.85
 * ```
 */
export const DEFAULT_ALERT_THRESHOLD = 0.85;

/**
 * A false-alert budget: how many false alerts you accept per period, across every stream scored.
 *
 * Example: a guild of 2,000 users, 3 checks per user, each check scoring one hourly bucket, and at
 * most one false alert per day: `{ falseAlerts: 1, streams: 2000 * 3, pointsPerStream: 24 }`.
 *
 * @example
 * ```ts
 * import { alphaForBudget, type AlertBudget } from 'soc-kit/patterns';
 *
 * const perGuildPerDay: AlertBudget = { falseAlerts: 1, streams: 2000 * 3, pointsPerStream: 24 };
 * console.log(alphaForBudget(perGuildPerDay)); // ≈ 6.9e-6 per scored point
 * ```
 */
export interface AlertBudget {
  /** Expected number of false alerts allowed per period across all streams (> 0). */
  falseAlerts: number;
  /** Number of streams scored in parallel, e.g. users × checks (>= 1). */
  streams: number;
  /** Points each stream scores per period, e.g. 24 hourly buckets for a daily budget (>= 1). */
  pointsPerStream: number;
}

/** Options of {@link calibrateTail} and {@link tailForConfidence}. */
export interface CalibrationOptions {
  /** Confidence that the budget's per-point probability maps to. Default 0.85. */
  threshold?: number;
}

/**
 * Thrown when a calibration input is outside its domain (a p-value outside [0, 1], an empty or
 * impossible budget, a threshold outside (0, 1)). Code `'INVALID_CALIBRATION'`.
 *
 * @example
 * ```ts
 * import { calibrateTail, CalibrationError } from 'soc-kit/patterns';
 *
 * try {
 *   calibrateTail(1.5, 0.001);
 * } catch (error) {
 *   console.log(error instanceof CalibrationError, (error as CalibrationError).code);
 * }
 * ```
 */
export class CalibrationError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('INVALID_CALIBRATION', message);
  }
}

/**
 * Per-point false-alert probability α that spends an {@link AlertBudget}.
 *
 * α = falseAlerts / (streams × pointsPerStream). This is the Bonferroni split of the budget. It
 * is exact for the *expected* number of false alerts whatever the dependence between streams,
 * because expectations add. (Šidák's 1 − (1 − P)^(1/T), the bound on the probability of *any*
 * false alert, is practically the same number at these sizes.)
 *
 * A number passed instead of a budget is taken as α itself and validated.
 *
 * @param budget - The budget, or α directly.
 * @returns α in (0, 1).
 * @throws {@link CalibrationError} if a budget field is not finite and positive, a count is below
 *   1, or the budget allows a false alert on every point (α >= 1).
 *
 * @example
 * ```ts
 * import { alphaForBudget } from 'soc-kit/patterns';
 *
 * // One false alert per day across 500 users × 2 checks, each scoring 24 hourly points.
 * console.log(alphaForBudget({ falseAlerts: 1, streams: 1000, pointsPerStream: 24 }));
 * ```
 */
export function alphaForBudget(budget: AlertBudget | number): number {
  if (typeof budget === 'number') {
    if (!(budget > 0 && budget < 1)) {
      throw new CalibrationError(`alpha must be a probability in (0, 1), got ${String(budget)}`);
    }
    return budget;
  }
  if (budget === null || typeof budget !== 'object') {
    throw new CalibrationError('budget must be a number in (0, 1) or an AlertBudget object');
  }
  const { falseAlerts, streams, pointsPerStream } = budget;
  if (!(Number.isFinite(falseAlerts) && falseAlerts > 0)) {
    throw new CalibrationError(
      `budget.falseAlerts must be a finite number > 0, got ${String(falseAlerts)}`,
    );
  }
  for (const [name, value] of [
    ['streams', streams],
    ['pointsPerStream', pointsPerStream],
  ] as const) {
    if (!(Number.isFinite(value) && value >= 1)) {
      throw new CalibrationError(
        `budget.${name} must be a finite number >= 1, got ${String(value)}`,
      );
    }
  }
  const alpha = falseAlerts / (streams * pointsPerStream);
  if (!(alpha < 1)) {
    throw new CalibrationError(
      `the budget allows ${String(falseAlerts)} false alerts for ${String(streams * pointsPerStream)} points: alpha must be < 1`,
    );
  }
  return alpha;
}

function readThreshold(options: CalibrationOptions | undefined): number {
  const threshold = options?.threshold ?? DEFAULT_ALERT_THRESHOLD;
  if (!(threshold > 0 && threshold < 1)) {
    throw new CalibrationError(`threshold must be in (0, 1), got ${String(threshold)}`);
  }
  return threshold;
}

/**
 * Maps a tail probability (p-value) to a calibrated confidence, so that `confidence >= 0.85`
 * fires with probability α per point on normal data, where α is the budget's per-point share.
 *
 * With s = ln p / ln α (0 at p = 1, 1 at p = α), confidence = 1 − (1 − threshold)^(s²).
 * Properties, all tested:
 * - confidence is 0 at p = 1, exactly `threshold` at p = α, and tends to 1 as p → 0;
 * - it is strictly decreasing in p, so `confidence >= threshold` ⟺ `p <= α`. If p-values are
 *   uniform on normal data, the alert rate is α and the budget holds;
 * - squaring s keeps ordinary points near 0 (p = 0.5 gives about 0.02 at α = 0.001) while
 *   p = α² already gives 0.9995.
 *
 * @param pValue - Probability, under the baseline, of a value at least this extreme. A p-value of
 *   0 (underflow) gives confidence 1.
 * @param budget - The alert budget, or its per-point α directly.
 * @param options - `threshold` (default 0.85).
 * @returns Confidence in [0, 1].
 * @throws {@link CalibrationError} if `pValue` is not in [0, 1] or NaN, or the budget or threshold
 *   is invalid (see {@link alphaForBudget}).
 *
 * @example
 * ```ts
 * import { calibrateTail } from 'soc-kit/patterns';
 *
 * const budget = { falseAlerts: 1, streams: 1000, pointsPerStream: 24 }; // α ≈ 4.2e-5
 * console.log(calibrateTail(0.5, budget).toFixed(3)); // an ordinary point: 0.009
 * console.log(calibrateTail(4.2e-5, budget).toFixed(2)); // 0.85
 * console.log(calibrateTail(1e-9, budget).toFixed(3)); // far beyond the budget: 1.000
 * ```
 */
export function calibrateTail(
  pValue: number,
  budget: AlertBudget | number,
  options?: CalibrationOptions,
): number {
  const alpha = alphaForBudget(budget);
  const threshold = readThreshold(options);
  if (!(pValue >= 0 && pValue <= 1)) {
    throw new CalibrationError(`pValue must be a probability in [0, 1], got ${String(pValue)}`);
  }
  return confidenceFromTail(pValue, Math.log(alpha), Math.log1p(-threshold));
}

/**
 * Unchecked core of {@link calibrateTail}, for hot loops that validated α and the threshold once.
 * `logAlpha` = ln α, `logMiss` = ln(1 − threshold).
 *
 * @internal
 */
export function confidenceFromTail(pValue: number, logAlpha: number, logMiss: number): number {
  if (pValue >= 1) return 0;
  if (pValue <= 0) return 1;
  const s = Math.log(pValue) / logAlpha;
  return -Math.expm1(s * s * logMiss);
}

/**
 * Inverse of {@link calibrateTail}: the p-value that maps to `confidence` under the same budget.
 * Useful to state what an alert threshold means: `tailForConfidence(0.95, budget)`.
 *
 * @param confidence - A confidence in [0, 1].
 * @param budget - The alert budget, or its per-point α directly.
 * @param options - `threshold` (default 0.85).
 * @returns The p-value in [0, 1] (1 for confidence 0, 0 for confidence 1).
 * @throws {@link CalibrationError} if `confidence` is not in [0, 1], or the budget or threshold is
 *   invalid.
 *
 * @example
 * ```ts
 * import { tailForConfidence } from 'soc-kit/patterns';
 *
 * // Alerting at 0.85 with α = 0.001 means p <= 0.001; at 0.95 it means p <= 1.7e-4.
 * console.log(tailForConfidence(0.85, 0.001), tailForConfidence(0.95, 0.001).toExponential(1));
 * ```
 */
export function tailForConfidence(
  confidence: number,
  budget: AlertBudget | number,
  options?: CalibrationOptions,
): number {
  const alpha = alphaForBudget(budget);
  const threshold = readThreshold(options);
  if (!(confidence >= 0 && confidence <= 1)) {
    throw new CalibrationError(`confidence must be in [0, 1], got ${String(confidence)}`);
  }
  if (confidence === 0) return 1;
  if (confidence === 1) return 0;
  const s = Math.sqrt(Math.log1p(-confidence) / Math.log1p(-threshold));
  return Math.exp(s * Math.log(alpha));
}
