import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alphaForBudget,
  calibrateTail,
  CalibrationError,
  DEFAULT_ALERT_THRESHOLD,
  tailForConfidence,
} from '../../src/patterns/index.js';

describe('alphaForBudget', () => {
  it('splits the expected false alerts over every scored point (Bonferroni)', () => {
    expect(alphaForBudget({ falseAlerts: 1, streams: 1000, pointsPerStream: 24 })).toBeCloseTo(
      1 / 24_000,
      15,
    );
    expect(alphaForBudget({ falseAlerts: 3, streams: 2000 * 3, pointsPerStream: 24 })).toBeCloseTo(
      3 / 144_000,
      15,
    );
    expect(alphaForBudget(0.01)).toBe(0.01);
  });

  it.each([
    [0],
    [1],
    [Number.NaN],
    [-0.1],
    [{ falseAlerts: 0, streams: 1, pointsPerStream: 1 }],
    [{ falseAlerts: 1, streams: 0, pointsPerStream: 1 }],
    [{ falseAlerts: 1, streams: 1, pointsPerStream: Number.NaN }],
    [{ falseAlerts: 5, streams: 2, pointsPerStream: 2 }],
    [null],
  ])('rejects %j', (budget) => {
    expect(() => alphaForBudget(budget as never)).toThrow(CalibrationError);
  });
});

describe('calibrateTail', () => {
  const alpha = 1e-4;

  it('maps p = α to exactly the threshold, p = 1 to 0 and p = 0 to 1', () => {
    expect(calibrateTail(alpha, alpha)).toBeCloseTo(DEFAULT_ALERT_THRESHOLD, 12);
    expect(calibrateTail(1, alpha)).toBe(0);
    expect(calibrateTail(0, alpha)).toBe(1);
    expect(calibrateTail(0.01, 0.01, { threshold: 0.9 })).toBeCloseTo(0.9, 12);
  });

  it('follows 1 − (1 − threshold)^((ln p / ln α)²)', () => {
    const p = 1e-8; // s = 2
    expect(calibrateTail(p, alpha)).toBeCloseTo(1 - 0.15 ** 4, 12);
    const q = 1e-2; // s = 0.5
    expect(calibrateTail(q, alpha)).toBeCloseTo(1 - 0.15 ** 0.25, 12);
  });

  it('is strictly decreasing in p, so confidence >= threshold exactly when p <= α', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-300, max: 1, noNaN: true }),
        fc.double({ min: 1e-300, max: 1, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          expect(calibrateTail(lo, alpha)).toBeGreaterThanOrEqual(calibrateTail(hi, alpha));
          expect(calibrateTail(a, alpha) >= DEFAULT_ALERT_THRESHOLD).toBe(a <= alpha * (1 + 1e-12));
        },
      ),
    );
  });

  it('keeps ordinary points near zero', () => {
    expect(calibrateTail(0.5, 0.001)).toBeLessThan(0.02);
  });

  it('is inverted by tailForConfidence', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1, noNaN: true }), (p) => {
        const c = calibrateTail(p, alpha);
        if (c <= 1e-9 || c >= 1 - 1e-9) return;
        expect(Math.log(tailForConfidence(c, alpha))).toBeCloseTo(Math.log(p), 6);
      }),
    );
    expect(tailForConfidence(0, alpha)).toBe(1);
    expect(tailForConfidence(1, alpha)).toBe(0);
    expect(tailForConfidence(0.85, alpha)).toBeCloseTo(alpha, 15);
  });

  it.each([[-0.1], [1.1], [Number.NaN]])('rejects p-value %s', (p) => {
    expect(() => calibrateTail(p, alpha)).toThrow(CalibrationError);
  });

  it('rejects bad thresholds and confidences', () => {
    expect(() => calibrateTail(0.1, alpha, { threshold: 1 })).toThrow(CalibrationError);
    expect(() => tailForConfidence(2, alpha)).toThrow(CalibrationError);
    try {
      calibrateTail(0.1, alpha, { threshold: 0 });
    } catch (error) {
      expect((error as CalibrationError).code).toBe('INVALID_CALIBRATION');
    }
  });
});
