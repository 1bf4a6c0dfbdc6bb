import { afterEach, describe, expect, it, vi } from 'vitest';
import { SocKitError, systemClock } from '../../src/core/index.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('systemClock', () => {
  it('follows fake timers because it reads the globals at call time', () => {
    vi.useFakeTimers({ now: 1_000 });
    expect(systemClock.now()).toBe(1_000);
    const fired: number[] = [];
    const kept = systemClock.setTimeout(() => fired.push(1), 50);
    const cancelled = systemClock.setTimeout(() => fired.push(2), 50);
    systemClock.clearTimeout(cancelled);
    vi.advanceTimersByTime(50);
    expect(fired).toEqual([1]);
    systemClock.clearTimeout(kept); // already fired: ignored
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('SocKitError', () => {
  it('carries a code, subclass name and cause', () => {
    class DemoError extends SocKitError {}
    const cause = new Error('root');
    const error = new DemoError('DEMO', 'demo failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('DemoError');
    expect(error.code).toBe('DEMO');
    expect(error.cause).toBe(cause);
  });
});
