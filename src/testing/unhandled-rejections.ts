import { SocKitError } from '../core/index.js';

/** A running {@link watchUnhandledRejections} watch. */
export interface UnhandledRejectionWatch {
  /** Rejection reasons seen since the watch started (or since the last `assertNone`). */
  readonly reasons: readonly unknown[];
  /**
   * Throws if any unhandled rejection was seen, then forgets them.
   *
   * @throws {@link SocKitError} `UNHANDLED_REJECTION` with the first reason as `cause` and every
   * reason in the message.
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
      const seen = reasons.splice(0, reasons.length);
      const text = seen
        .map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)))
        .join('; ');
      throw new SocKitError(
        'UNHANDLED_REJECTION',
        `${seen.length} unhandled rejection(s): ${text}`,
        {
          cause: seen[0],
        },
      );
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      process.off('unhandledRejection', listener);
    },
  };
}
