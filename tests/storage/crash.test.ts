import { describe, expect, it } from 'vitest';
import { runCrashTest } from './crash/crash-harness.js';

// The short in-suite version of `npx tsx tests/storage/crash/run-crash.ts` (200+ kills).
describe('JsonStore crash safety', () => {
  it('survives 20 SIGKILLs during update + flush with a valid, current file', async () => {
    const summary = await runCrashTest({ kills: 20 });
    expect(summary.failures).toEqual([]);
    expect(summary.kills).toBe(20);
    expect(summary.totalAcks).toBeGreaterThan(0);
  }, 60_000);
});
