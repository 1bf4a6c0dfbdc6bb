import fc from 'fast-check';
import { mean, sampleVariance, variance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { RunningStats, StatsInputError, StatsStateError } from '../../src/patterns/index.js';

const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
  minLength: 2,
  maxLength: 60,
});

describe('RunningStats', () => {
  it('matches simple-statistics on a known sample', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    const stats = RunningStats.from(xs);
    expect(stats.count).toBe(8);
    expect(stats.mean).toBe(5);
    expect(stats.variance).toBe(4);
    expect(stats.standardDeviation).toBe(2);
    expect(stats.sampleVariance).toBeCloseTo(sampleVariance(xs), 12);
    expect(stats.sampleStandardDeviation).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect([stats.min, stats.max]).toEqual([2, 9]);
  });

  it('reports NaN for undefined moments instead of throwing', () => {
    const empty = new RunningStats();
    expect(empty.mean).toBeNaN();
    expect(empty.variance).toBeNaN();
    expect(empty.min).toBeNaN();
    expect(empty.max).toBeNaN();
    expect(new RunningStats().push(3).sampleVariance).toBeNaN();
  });

  it('agrees with simple-statistics for any sample', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const stats = RunningStats.from(xs);
        expect(stats.mean).toBeCloseTo(mean(xs), 6);
        expect(stats.variance).toBeCloseTo(variance(xs), 3);
      }),
    );
  });

  it('stays accurate around a large offset (no catastrophic cancellation)', () => {
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(RunningStats.from(xs).sampleVariance).toBeCloseTo(30, 9);
  });

  it('merging equals pushing everything into one (Chan et al.)', () => {
    fc.assert(
      fc.property(values, values, (a, b) => {
        const merged = RunningStats.from(a).merge(RunningStats.from(b));
        const whole = RunningStats.from([...a, ...b]);
        expect(merged.count).toBe(whole.count);
        expect(merged.mean).toBeCloseTo(whole.mean, 6);
        expect(merged.variance).toBeCloseTo(whole.variance, 2);
        expect(merged.min).toBe(whole.min);
        expect(merged.max).toBe(whole.max);
      }),
    );
    const one = RunningStats.from([1, 2]);
    expect(one.merge(new RunningStats()).count).toBe(2);
    expect(new RunningStats().merge(one).mean).toBe(1.5);
  });

  it('clones independently', () => {
    const a = RunningStats.from([1]);
    const b = a.clone().push(5);
    expect(a.count).toBe(1);
    expect(b.mean).toBe(3);
  });

  it('round-trips through JSON exactly', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const stats = RunningStats.from(xs);
        const copy = RunningStats.fromJSON(JSON.parse(JSON.stringify(stats)));
        expect(copy.toJSON()).toEqual(stats.toJSON());
        expect(copy.push(1).mean).toBe(stats.push(1).mean);
      }),
    );
    expect(RunningStats.fromJSON(new RunningStats().toJSON()).count).toBe(0);
  });

  it('rejects non-finite values and leaves the stats unchanged', () => {
    const stats = RunningStats.from([1, 2]);
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      expect(() => stats.push(bad)).toThrow(StatsInputError);
    }
    expect(stats.count).toBe(2);
    expect(stats.mean).toBe(1.5);
  });

  it('rejects a finite value whose squared deviation overflows, instead of storing Infinity', () => {
    const stats = RunningStats.from([1e155]);
    expect(() => stats.push(-1e155)).toThrow(/overflow/);
    expect(() => stats.push(-1.7e308)).toThrow(StatsInputError);
    expect(stats.toJSON()).toEqual({ count: 1, mean: 1e155, m2: 0, min: 1e155, max: 1e155 });
    expect(() => stats.merge(RunningStats.from([-1e155]))).toThrow(StatsInputError);
    expect(stats.count).toBe(1);
    // Whatever was accepted can be persisted and restored.
    const wide = RunningStats.from([1e150, -1e150, 3]);
    expect(RunningStats.fromJSON(JSON.parse(JSON.stringify(wide))).variance).toBe(wide.variance);
  });

  it.each([
    [null],
    ['{}'],
    [{ count: 1, mean: 0, m2: 5, min: 0, max: 0 }], // one value has no spread
    [{ count: 2, mean: 100, m2: 0, min: 0, max: 1 }], // the mean lies between min and max
    [{ count: -1, mean: 0, m2: 0, min: null, max: null }],
    [{ count: 1, mean: 0, m2: -1, min: 0, max: 0 }],
    [{ count: 1, mean: 0, m2: 0, min: null, max: 0 }],
    [{ count: 2, mean: 0, m2: 0, min: 3, max: 1 }],
    [{ count: 1.5, mean: 0, m2: 0, min: 0, max: 0 }],
  ])('fromJSON rejects garbage %j with a typed error', (json) => {
    expect(() => RunningStats.fromJSON(json)).toThrow(StatsStateError);
    try {
      RunningStats.fromJSON(json);
    } catch (error) {
      expect((error as StatsStateError).code).toBe('INVALID_STATS_STATE');
      expect((error as StatsStateError).what).toBe('RunningStats');
    }
  });
});
