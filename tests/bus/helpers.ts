import { z } from 'zod';
import type { Clock } from '../../src/core/index.js';
import { defineSignals } from '../../src/bus/index.js';

export const catalog = defineSignals({
  RAID_DETECTED: z.object({ joins: z.number().int().nonnegative(), windowMs: z.number() }),
  ANOMALY_DETECTED: z.object({
    userId: z.string(),
    confidence: z.number().min(0).max(1),
    detail: z.object({ metric: z.string() }).optional(),
  }),
  PING: z.object({ n: z.number() }),
});

export { recordingLogger, type LogEntry } from '../support/recording-logger.js';

export function manualClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets queued microtasks and promise callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
}
