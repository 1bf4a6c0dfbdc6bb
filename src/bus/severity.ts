import { SocKitError } from '../core/index.js';

/**
 * How urgent a signal is. Ordered from least to most urgent in {@link SEVERITY_LEVELS}.
 *
 * @example
 * ```ts
 * import type { Severity } from 'soc-kit/bus';
 *
 * const level: Severity = 'high';
 * console.log(level);
 * ```
 */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/**
 * Every severity, ordered from least to most urgent: `info`, `low`, `medium`, `high`, `critical`.
 * A severity's index in this list is its {@link severityRank}.
 *
 * @example
 * ```ts
 * import { SEVERITY_LEVELS } from 'soc-kit/bus';
 *
 * console.log(SEVERITY_LEVELS.join(' < ')); // info < low < medium < high < critical
 * ```
 */
export const SEVERITY_LEVELS: readonly Severity[] = Object.freeze([
  'info',
  'low',
  'medium',
  'high',
  'critical',
]);

/**
 * Thrown when a value that must be a {@link Severity} is not one (only possible from untyped code
 * or casts). Code `INVALID_SEVERITY`.
 *
 * @example
 * ```ts
 * import { InvalidSeverityError, severityRank, type Severity } from 'soc-kit/bus';
 *
 * try {
 *   severityRank('urgent' as Severity);
 * } catch (error) {
 *   if (error instanceof InvalidSeverityError) console.log(error.code); // INVALID_SEVERITY
 * }
 * ```
 */
export class InvalidSeverityError extends SocKitError {
  /**
   * @param value - The value that is not a severity.
   * @param role - What the value was meant to be, e.g. `'minSeverity'`.
   */
  constructor(value: unknown, role = 'severity') {
    super(
      'INVALID_SEVERITY',
      `Invalid ${role} ${describe(value)}; expected one of ${SEVERITY_LEVELS.join(', ')}`,
    );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Rank of `value`, or `undefined` if it is not a severity. Internal: never throws. */
export function rankOf(value: unknown): number | undefined {
  // A switch on the literals is faster than a keyed lookup on the emit hot path.
  switch (value) {
    case 'info':
      return 0;
    case 'low':
      return 1;
    case 'medium':
      return 2;
    case 'high':
      return 3;
    case 'critical':
      return 4;
    default:
      return undefined;
  }
}

/**
 * Tells whether a value is one of the five {@link Severity} names. Use it to check input from
 * JavaScript callers or configuration.
 *
 * @param value - Anything.
 * @returns `true` if `value` is a severity name.
 * @throws Never.
 *
 * @example
 * ```ts
 * import { isSeverity } from 'soc-kit/bus';
 *
 * console.log(isSeverity('high'), isSeverity('urgent')); // true false
 * ```
 */
export function isSeverity(value: unknown): value is Severity {
  return rankOf(value) !== undefined;
}

/**
 * The position of a severity in {@link SEVERITY_LEVELS}: `info` is 0, `critical` is 4.
 *
 * @param severity - A severity name.
 * @returns Its rank, 0 to 4.
 * @throws {@link InvalidSeverityError} if `severity` is not a severity name (only possible from
 * untyped code).
 *
 * @example
 * ```ts
 * import { severityRank } from 'soc-kit/bus';
 *
 * console.log(severityRank('medium')); // 2
 * ```
 */
export function severityRank(severity: Severity): number {
  const rank = rankOf(severity);
  if (rank === undefined) throw new InvalidSeverityError(severity);
  return rank;
}

/**
 * Compares two severities for sorting: negative if `a` is less urgent than `b`, zero if equal,
 * positive if more urgent. `list.sort(compareSeverity)` sorts from `info` up to `critical`.
 *
 * @param a - First severity.
 * @param b - Second severity.
 * @returns The difference of their ranks.
 * @throws {@link InvalidSeverityError} if either argument is not a severity name.
 *
 * @example
 * ```ts
 * import { compareSeverity, type Severity } from 'soc-kit/bus';
 *
 * const levels: Severity[] = ['critical', 'info', 'high'];
 * console.log(levels.sort(compareSeverity)); // [ 'info', 'high', 'critical' ]
 * ```
 */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

/**
 * Tells whether `severity` is at least as urgent as `minimum`.
 *
 * @param severity - The severity to test.
 * @param minimum - The threshold.
 * @returns `true` if `severity` ranks at or above `minimum`.
 * @throws {@link InvalidSeverityError} if either argument is not a severity name.
 *
 * @example
 * ```ts
 * import { isAtLeast } from 'soc-kit/bus';
 *
 * console.log(isAtLeast('high', 'medium'), isAtLeast('low', 'medium')); // true false
 * ```
 */
export function isAtLeast(severity: Severity, minimum: Severity): boolean {
  return severityRank(severity) >= severityRank(minimum);
}
