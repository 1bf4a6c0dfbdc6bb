/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/**
 * Source of time and timers. Everything in soc-kit that reads the time or schedules work takes a
 * `Clock`, so tests can drive time by hand instead of sleeping.
 *
 * @example
 * ```ts
 * import { systemClock } from 'soc-kit';
 *
 * const startedAt = systemClock.now();
 * const handle = systemClock.setTimeout(() => console.log('tick'), 1000);
 * systemClock.clearTimeout(handle);
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Schedules `callback` after `ms` milliseconds. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `Date.now` and the global timers.
 *
 * The globals are looked up at call time, not captured at import, so vitest's and sinon's fake
 * timers apply to it.
 *
 * @example
 * ```ts
 * import { systemClock } from 'soc-kit';
 *
 * console.log(new Date(systemClock.now()).toISOString());
 * ```
 */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  setTimeout: (callback: () => void, ms: number): TimerHandle =>
    globalThis.setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle): void => {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
});
