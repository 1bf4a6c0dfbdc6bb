import { SocKitError } from '../core/index.js';
import { errorText } from '../core/internal.js';

/**
 * Thrown by {@link UnhandledRejectionWatch.assertNone} when the process saw unhandled rejections.
 * Its `code` is `UNHANDLED_REJECTION`, its `cause` the first reason and `reasons` all of them.
 *
 * @example
 * ```ts
 * import { UnhandledRejectionError, watchUnhandledRejections } from 'soc-kit/testing';
 *
 * const watch = watchUnhandledRejections();
 * try {
 *   watch.assertNone();
 * } catch (error) {
 *   if (error instanceof UnhandledRejectionError) console.log(error.reasons.length);
 * }
 * watch.stop();
 * ```
 */
export class UnhandledRejectionError extends SocKitError {
  /** Every rejection reason seen, oldest first. */
  readonly reasons: readonly unknown[];

  /**
   * @param reasons - The rejection reasons seen, oldest first (at least one).
   */
  constructor(reasons: readonly unknown[]) {
    const text = reasons.map((r) => errorText(r, true)).join('; ');
    super('UNHANDLED_REJECTION', `${reasons.length} unhandled rejection(s): ${text}`, {
      cause: reasons[0],
    });
    this.reasons = reasons;
  }
}

/** A running {@link watchUnhandledRejections} watch. */
export interface UnhandledRejectionWatch {
  /** Rejection reasons seen since the watch started (or since the last `assertNone`). */
  readonly reasons: readonly unknown[];
  /**
   * Throws if any unhandled rejection was seen, then forgets them.
   *
   * @throws {@link UnhandledRejectionError} (`UNHANDLED_REJECTION`) with the first reason as
   * `cause` and every reason in the message and in `reasons`.
   */
  assertNone(): void;
  /**
   * Stops listening. Idempotent.
   *
   * @throws Never.
   */
  stop(): void;
}

/**
 * Collects `unhandledRejection` events of this process so a test can fail on them. discord.js
 * reports payload mistakes (a missing field in a simulated event, a bad REST answer) only this
 * way, so an e2e test that does not check would pass while the bot is broken.
 *
 * Use one watch per test: start it in `beforeEach`, call `assertNone()` and `stop()` in
 * `afterEach`, after the client is destroyed.
 *
 * @returns The watch.
 * @throws Never.
 *
 * @example
 * ```ts
 * import { watchUnhandledRejections } from 'soc-kit/testing';
 *
 * const watch = watchUnhandledRejections(); // e.g. in beforeEach
 * await Promise.allSettled([Promise.reject(new Error('handled: allSettled observes it'))]);
 * watch.assertNone(); // e.g. in afterEach; throws UNHANDLED_REJECTION if any slipped through
 * console.log(watch.reasons.length); // 0
 * watch.stop();
 * ```
 */
export function watchUnhandledRejections(): UnhandledRejectionWatch {
  const reasons: unknown[] = [];
  const listener = (reason: unknown): void => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', listener);
  let stopped = false;
  return {
    reasons,
    assertNone(): void {
      if (reasons.length === 0) return;
      throw new UnhandledRejectionError(reasons.splice(0, reasons.length));
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      process.off('unhandledRejection', listener);
    },
  };
}
