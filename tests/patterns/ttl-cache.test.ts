import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/core/index.js';
import { TtlCache, TtlCacheOptionError } from '../../src/patterns/ttl-cache.js';

function manualClock(start = 1_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    setTimeout: () => {
      throw new Error('TtlCache must not schedule timers');
    },
    clearTimeout: () => undefined,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TtlCache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns stored values and counts hits and misses', () => {
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
    cache.set('a', 1);
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.has('a')).toBe(true);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, size: 1, max: 10 });
  });

  it('never returns an expired entry, at the exact TTL boundary too', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000, clock });
    cache.set('a', 1);
    clock.advance(1000);
    expect(cache.get('a')).toBe(1);
    expect(cache.remainingTtl('a')).toBe(0);
    clock.advance(1);
    expect(cache.has('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.remainingTtl('a')).toBe(0);
    expect(cache.stats()).toMatchObject({ expirations: 1, size: 0 });
  });

  it('expires entries written at clock time 0 too', () => {
    const clock = manualClock(0);
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000, clock });
    cache.set('a', 1);
    expect(cache.remainingTtl('a')).toBe(1000);
    clock.advance(1001);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.has('a')).toBe(false);
    // The system clock under fake timers set to the epoch behaves the same.
    vi.setSystemTime(0);
    const system = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
    system.set('b', 2);
    vi.advanceTimersByTime(1001);
    expect(system.get('b')).toBeUndefined();
  });

  it('honours a per-entry TTL override', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000, clock });
    cache.set('short', 1, 100).set('long', 2, 5000).set('default', 3);
    clock.advance(101);
    expect(cache.get('short')).toBeUndefined();
    clock.advance(900);
    expect(cache.get('default')).toBeUndefined();
    expect(cache.get('long')).toBe(2);
  });

  it('works with vitest fake timers through the system clock and creates no timer', () => {
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
    cache.set('a', 1);
    cache.get('a');
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1001);
    expect(cache.get('a')).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('evicts the least recently used entry at max and counts it', () => {
    const cache = new TtlCache<string, number>({ max: 2, ttlMs: 1000 });
    cache.set('a', 1).set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.stats().evictions).toBe(1);
    expect(cache.size).toBe(2);
  });

  it('bounds the summed size with maxSize', () => {
    const cache = new TtlCache<string, string>({
      max: 100,
      ttlMs: 1000,
      maxSize: 10,
      sizeCalculation: (value) => value.length,
    });
    cache.set('a', 'aaaa').set('b', 'bbbb').set('c', 'cccc');
    expect(cache.has('a')).toBe(false);
    expect(cache.stats()).toMatchObject({ calculatedSize: 8, evictions: 1 });
  });

  it('sweeps expired entries on writes without a timer, so they never pile up', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ max: 1000, ttlMs: 100, clock });
    for (let index = 0; index < 500; index += 1) cache.set(`old-${index}`, index);
    clock.advance(101);
    for (let index = 0; index < 32; index += 1) cache.set(`new-${index}`, index);
    expect(cache.size).toBe(32);
    expect(cache.stats().expirations).toBe(500);
  });

  it('purgeStale releases expired entries on demand', () => {
    const clock = manualClock();
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 100, clock });
    cache.set('a', 1);
    expect(cache.purgeStale()).toBe(false);
    clock.advance(101);
    expect(cache.purgeStale()).toBe(true);
    expect(cache.size).toBe(0);
  });

  it('delete and clear remove entries', () => {
    const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
    cache.set('a', 1).set('b', 2);
    expect(cache.delete('a')).toBe(true);
    expect(cache.delete('a')).toBe(false);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  describe('getOrLoad', () => {
    it('shares one load between concurrent callers and caches the result', async () => {
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
      const loader = vi.fn(async (key: string) => `v:${key}`);
      const results = await Promise.all([
        cache.getOrLoad('k', loader),
        cache.getOrLoad('k', loader),
        cache.getOrLoad('k', loader),
      ]);
      expect(results).toEqual(['v:k', 'v:k', 'v:k']);
      expect(loader).toHaveBeenCalledTimes(1);
      expect(cache.get('k')).toBe('v:k');
      await expect(cache.getOrLoad('k', loader)).resolves.toBe('v:k');
      expect(loader).toHaveBeenCalledTimes(1);
      expect(cache.stats()).toMatchObject({ loads: 1, pendingLoads: 0 });
    });

    it('does not cache a failed load and loads again next time', async () => {
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
      const failing = vi.fn(async () => {
        throw new Error('backend down');
      });
      const a = cache.getOrLoad('k', failing);
      const b = cache.getOrLoad('k', failing);
      await expect(a).rejects.toThrow('backend down');
      await expect(b).rejects.toThrow('backend down');
      expect(failing).toHaveBeenCalledTimes(1);
      expect(cache.has('k')).toBe(false);
      expect(cache.stats()).toMatchObject({ loadFailures: 1, pendingLoads: 0 });
      await expect(cache.getOrLoad('k', () => 'ok')).resolves.toBe('ok');
    });

    it('treats a synchronous throw like a rejection', async () => {
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
      await expect(
        cache.getOrLoad('k', () => {
          throw new Error('sync');
        }),
      ).rejects.toThrow('sync');
      expect(cache.stats().pendingLoads).toBe(0);
    });

    it('does not store a load that finishes after the key was deleted', async () => {
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
      let release!: (value: string) => void;
      const first = cache.getOrLoad('k', () => new Promise<string>((r) => (release = r)));
      expect(cache.delete('k')).toBe(true);
      const second = cache.getOrLoad('k', () => 'fresh');
      await expect(second).resolves.toBe('fresh');
      release('stale');
      await expect(first).resolves.toBe('stale');
      expect(cache.get('k')).toBe('fresh');
    });

    it('does not store a load that finishes after clear()', async () => {
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
      let release!: (value: string) => void;
      const pending = cache.getOrLoad('k', () => new Promise<string>((r) => (release = r)));
      cache.clear();
      release('stale');
      await expect(pending).resolves.toBe('stale');
      expect(cache.has('k')).toBe(false);
    });

    it('rejects, stores nothing and loads again when the loaded value cannot be stored', async () => {
      const cache = new TtlCache<string, string>({
        max: 10,
        ttlMs: 1000,
        maxSize: 100,
        sizeCalculation: (value) => {
          if (value === 'unsizable') throw new Error('cannot size');
          return value.length;
        },
      });
      await expect(cache.getOrLoad('k', () => 'unsizable')).rejects.toThrow('cannot size');
      expect(cache.stats()).toMatchObject({ pendingLoads: 0, loadFailures: 1, size: 0 });
      await expect(cache.getOrLoad('k', () => 'fine')).resolves.toBe('fine');
      expect(cache.get('k')).toBe('fine');
      expect(() => cache.set('x', 'unsizable')).toThrow('cannot size');
    });

    it('applies the TTL given to getOrLoad and rejects bad input', async () => {
      const clock = manualClock();
      const cache = new TtlCache<string, string>({ max: 10, ttlMs: 10_000, clock });
      await cache.getOrLoad('k', () => 'v', 50);
      clock.advance(51);
      expect(cache.get('k')).toBeUndefined();
      await expect(cache.getOrLoad('k', () => 'v', -1)).rejects.toBeInstanceOf(TtlCacheOptionError);
      await expect(
        cache.getOrLoad('k', () => undefined as unknown as string),
      ).rejects.toMatchObject({ code: 'TTL_CACHE_INVALID_OPTION' });
    });
  });

  it('rejects invalid options with a typed error', () => {
    expect(() => new TtlCache({ max: 0, ttlMs: 1 })).toThrow(TtlCacheOptionError);
    expect(() => new TtlCache({ max: 1.5, ttlMs: 1 })).toThrow(/max must be a positive integer/);
    expect(() => new TtlCache({ max: 1, ttlMs: Number.NaN })).toThrow(/ttlMs/);
    expect(() => new TtlCache({ max: 1, ttlMs: 1.5 })).toThrow(TtlCacheOptionError);
    expect(() => new TtlCache({ max: 1, ttlMs: 1, purgeIntervalMs: 0 })).toThrow(/purgeIntervalMs/);
    expect(() => new TtlCache({ max: 1, ttlMs: 1, maxSize: 10 })).toThrow(/sizeCalculation/);
    const cache = new TtlCache<string, number>({ max: 1, ttlMs: 1 });
    expect(() => cache.set('a', 1, 0)).toThrow(TtlCacheOptionError);
    expect(cache.has('a')).toBe(false);
  });
});
