// Helpers shared by the subpaths but not part of the public API (not re-exported by the barrels).
import type { LogBindings, Logger } from './logger.js';

/** Longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); a longer one fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Wraps `logger` so that no call throws. Loggers must not throw, but soc-kit logs from error paths
 * (a failed handler, run or write) where a throwing sink would change the outcome, so those paths
 * log through this guard.
 */
export function guardLogger(logger: Logger): Logger {
  const guard =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (bindings: LogBindings, message?: string): void => {
      try {
        logger[level](bindings, message);
      } catch {
        // Nothing better to do with a broken log sink than carry on.
      }
    };
  return { debug: guard('debug'), info: guard('info'), warn: guard('warn'), error: guard('error') };
}

/**
 * Whether `value` is a finite number above 0 (optionally an integer, optionally at most `max`).
 * Callers throw their own typed error when it is not.
 */
export function isPositiveNumber(
  value: unknown,
  options: { integer?: boolean; max?: number } = {},
): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > 0 &&
    (options.integer !== true || Number.isInteger(value)) &&
    (options.max === undefined || value <= options.max)
  );
}

/**
 * Text of a thrown value for messages and logs: an Error's message (with its name when
 * `withName`), else `String(value)`. Never throws, even for values without a `toString` such as
 * `Object.create(null)`, because it runs on error paths that must not fail themselves.
 */
export function errorText(error: unknown, withName = false): string {
  try {
    if (error instanceof Error) return withName ? `${error.name}: ${error.message}` : error.message;
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
