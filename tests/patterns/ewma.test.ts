import fc from 'fast-check';
import { sampleVariance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { Ewma, StatsInputError, StatsStateError } from '../../src/patterns/index.js';

describe('Ewma', () => {
  it('halves an old level after halfLife updates (warmed up)', () => {
    for (const halfLife of [5, 24, 100]) {
      const ewma = new Ewma({ halfLife });
      for (let i = 0; i < 100 * halfLife; i++) ewma.update(0);
      for (let i = 0; i < halfLife; i++) ewma.update(1);
      expect(ewma.mean).toBeCloseTo(0.5, 6);
    }
  });

  it('halves an old level after halfLifeMs in time mode, whatever the sampling', () => {
    const ewma = new Ewma({ halfLifeMs: 1000 });
    ewma.update(0, 0);
    // One observation of 1 after exactly one half-life: weights 0.5 (old) and 1 (new).
    ewma.update(1, 1000);
    expect(ewma.mean).toBeCloseTo(1 / 1.5, 12);
    // Late data counts as simultaneous: no decay, no reordering.
    ewma.update(1, 500);
    expect(ewma.mean).toBeCloseTo(2 / 2.5, 12);
  });

  it('is unbiased from the first observation and equals the sample variance when weights are equal', () => {
    const first = new Ewma({ halfLife: 10 }).update(42);
    expect(first.mean).toBe(42);
    expect(first.variance).toBeNaN();
    const xs = [3, 8, 1, 9, 4, 4, 7];
    const flat = new Ewma({ halfLife: 1e12 });
    for (const x of xs) flat.update(x);
    expect(flat.mean).toBeCloseTo(36 / 7, 9);
    expect(flat.variance).toBeCloseTo(sampleVariance(xs), 6);
    expect(flat.effectiveCount).toBeCloseTo(7, 6);
  });

  it('converges to the variance of stationary noise and reports its effective sample size', () => {
    const ewma = new Ewma({ halfLife: 50 });
    for (let i = 0; i < 5000; i++) ewma.update(i % 2 === 0 ? 9 : 11);
    expect(ewma.mean).toBeCloseTo(10, 1);
    expect(ewma.standardDeviation).toBeCloseTo(1, 1);
    expect(ewma.weight).toBeCloseTo(1 / (1 - Math.pow(0.5, 1 / 50)), 6);
    expect(ewma.effectiveCount).toBeGreaterThan(100);
    expect(ewma.count).toBe(5000);
  });

  it('shrinks the first observations toward a prior', () => {
    const ewma = new Ewma({ halfLife: 1e12, prior: { mean: 10, variance: 4, weight: 5 } });
    expect(ewma.mean).toBe(10);
    expect(ewma.variance).toBeCloseTo(4, 12);
    ewma.update(20);
    expect(ewma.mean).toBeCloseTo((5 * 10 + 20) / 6, 9);
    expect(ewma.count).toBe(1);
    const light = new Ewma({ halfLife: 3, prior: { mean: 1, variance: 9, weight: 0.5 } });
    expect(light.variance).toBeNaN();
  });

  it('rejects a finite value whose squared deviation overflows, and stays unchanged', () => {
    const ewma = new Ewma({ halfLife: 5 }).update(1e155);
    expect(() => ewma.update(-1e155)).toThrow(/overflow/);
    expect(() => ewma.update(-1.7e308)).toThrow(StatsInputError);
    expect(ewma.count).toBe(1);
    expect(ewma.mean).toBe(1e155);
    expect(Ewma.fromJSON(JSON.parse(JSON.stringify(ewma))).mean).toBe(1e155);
  });

  it('round-trips through JSON and continues identically', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 40 }),
        (xs) => {
          const ewma = new Ewma({ halfLife: 7 });
          for (const x of xs) ewma.update(x);
          const copy = Ewma.fromJSON(JSON.parse(JSON.stringify(ewma)));
          expect(copy.toJSON()).toEqual(ewma.toJSON());
          expect(copy.update(5).mean).toBe(ewma.update(5).mean);
        },
      ),
    );
    const timed = new Ewma({ halfLifeMs: 60_000 }).update(1, 10);
    const copy = Ewma.fromJSON(timed.toJSON());
    expect(copy.halfLifeMs).toBe(60_000);
    expect(copy.halfLife).toBeUndefined();
    expect(copy.update(2, 70_010).mean).toBe(timed.update(2, 70_010).mean);
  });

  it('rejects bad options, values and timestamps', () => {
    expect(() => new Ewma({})).toThrow(StatsInputError);
    expect(() => new Ewma({ halfLife: 1, halfLifeMs: 1 })).toThrow(StatsInputError);
    expect(() => new Ewma({ halfLife: 0 })).toThrow(StatsInputError);
    expect(() => new Ewma({ halfLifeMs: Number.NaN })).toThrow(StatsInputError);
    expect(() => new Ewma({ halfLife: 1, prior: { mean: 0, variance: -1, weight: 1 } })).toThrow(
      StatsInputError,
    );
    expect(() => new Ewma({ halfLife: 1, prior: { mean: 0, variance: 1, weight: 0 } })).toThrow(
      StatsInputError,
    );
    expect(() => new Ewma({ halfLife: 1, prior: null as never })).toThrow(StatsInputError);
    const ewma = new Ewma({ halfLife: 3 }).update(1);
    expect(() => ewma.update(Number.NaN)).toThrow(StatsInputError);
    expect(() => new Ewma({ halfLifeMs: 10 }).update(1)).toThrow(StatsInputError);
    expect(ewma.count).toBe(1);
  });

  it.each([
    [{}],
    [
      {
        halfLife: 1,
        halfLifeMs: 1,
        weight: 0,
        weight2: 0,
        mean: 0,
        m2: 0,
        count: 0,
        lastTimestamp: null,
      },
    ],
    [
      {
        halfLife: null,
        halfLifeMs: null,
        weight: 0,
        weight2: 0,
        mean: 0,
        m2: 0,
        count: 0,
        lastTimestamp: null,
      },
    ],
    [
      {
        halfLife: 2,
        halfLifeMs: null,
        weight: -1,
        weight2: 0,
        mean: 0,
        m2: 0,
        count: 0,
        lastTimestamp: null,
      },
    ],
    [
      {
        halfLife: 2,
        halfLifeMs: null,
        weight: 1,
        weight2: 1,
        mean: 'x',
        m2: 0,
        count: 0,
        lastTimestamp: null,
      },
    ],
  ])('fromJSON rejects %j', (json) => {
    expect(() => Ewma.fromJSON(json)).toThrow(StatsStateError);
  });
});
