import type { z } from 'zod';
import { SocKitError } from '../core/index.js';

/**
 * Thrown by the `fromJSON` of every streaming statistic when the saved state is not one it wrote:
 * wrong shape, wrong version, NaN or out-of-range numbers, inconsistent sizes. Nothing is
 * half-restored: you get either a valid object or this error, and can keep the bad file for
 * inspection. Code `'INVALID_STATS_STATE'`.
 *
 * @example
 * ```ts
 * import { RunningStats, StatsStateError } from 'soc-kit/patterns';
 *
 * try {
 *   RunningStats.fromJSON({ count: -1 });
 * } catch (error) {
 *   if (error instanceof StatsStateError) console.log(error.code, error.what);
 * }
 * ```
 */
export class StatsStateError extends SocKitError {
  /** Which kind of state was rejected, e.g. `'RunningStats'`. */
  readonly what: string;

  /**
   * @param what - Which kind of state was rejected.
   * @param message - What was wrong.
   * @param options - `cause` carries the underlying validation error.
   */
  constructor(what: string, message: string, options?: ErrorOptions) {
    super('INVALID_STATS_STATE', `invalid ${what} state: ${message}`, options);
    this.what = what;
  }
}

/** Parses `json` with `schema` or throws a {@link StatsStateError} naming the first problem. */
export function parseState<T>(what: string, schema: z.ZodType<T>, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
    throw new StatsStateError(what, `${where}${issue?.message ?? 'unreadable'}`, {
      cause: result.error,
    });
  }
  return result.data;
}
