import { SocKitError } from '../core/index.js';

/**
 * Thrown by the streaming statistics (`RunningStats`, `Ewma`, `RollingSeries`, `SeasonalProfile`,
 * `AnomalyScorer`) and `analyzeTrend` when given a value, timestamp or option they cannot use:
 * NaN or infinite numbers, a non-positive half-life, a bucket size of 0. The object is left
 * unchanged. Code `'INVALID_STATS_INPUT'`.
 *
 * @example
 * ```ts
 * import { RunningStats, StatsInputError } from 'soc-kit/patterns';
 *
 * const stats = new RunningStats();
 * try {
 *   stats.push(Number.NaN);
 * } catch (error) {
 *   console.log(error instanceof StatsInputError, stats.count); // true 0
 * }
 * ```
 */
export class StatsInputError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('INVALID_STATS_INPUT', message);
  }
}

/** Throws unless `value` is a finite number. */
export function requireFinite(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StatsInputError(`${what} must be a finite number, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function requirePositive(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new StatsInputError(`${what} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function requireInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new StatsInputError(`${what} must be an integer >= ${String(min)}, got ${String(value)}`);
  }
}
