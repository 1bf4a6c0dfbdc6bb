import { describe, expect, it } from 'vitest';
import {
  countMidP,
  erfc,
  incompleteBeta,
  logGamma,
  lowerIncompleteGamma,
  normalUpperTail,
  studentUpperTail,
  upperIncompleteGamma,
} from '../../src/patterns/tail-probability.js';

function poissonPmf(k: number, lambda: number): number {
  return Math.exp(k * Math.log(lambda) - lambda - logGamma(k + 1));
}

describe('special functions', () => {
  it('logGamma matches log factorials and Γ(½) = √π', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 30; n++) {
      expect(logGamma(n + 1)).toBeCloseTo((logFactorial += Math.log(n)), 9);
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 9);
  });

  it('normal tail has relative accuracy deep in the tail', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 8);
    expect(normalUpperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 5);
    expect(normalUpperTail(10) / 7.61985302416047e-24).toBeCloseTo(1, 5);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 7);
  });

  it('Student t tail matches known quantiles', () => {
    expect(studentUpperTail(2.015048373, 5)).toBeCloseTo(0.05, 7);
    expect(studentUpperTail(12.70620474, 1)).toBeCloseTo(0.025, 7);
    expect(studentUpperTail(-2.015048373, 5)).toBeCloseTo(0.95, 7);
    // From 100 dof a normal transform is used: within 10% relative down to 1e-8 tails.
    for (const [t, dof] of [
      [3.3, 400],
      [4, 150],
      [5, 200],
      [5, 100],
      [6, 120],
    ] as const) {
      const exact = 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
      expect(Math.abs(studentUpperTail(t, dof) / exact - 1)).toBeLessThan(0.1);
    }
  });

  it('incomplete beta and gamma match closed forms', () => {
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12);
    expect(incompleteBeta(0.8, 1, 3)).toBeCloseTo(1 - 0.2 ** 3, 12);
    expect(incompleteBeta(0, 2, 2)).toBe(0);
    expect(incompleteBeta(1, 2, 2)).toBe(1);
    expect(lowerIncompleteGamma(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(upperIncompleteGamma(1, 0.5)).toBeCloseTo(Math.exp(-0.5), 12);
    expect(upperIncompleteGamma(3, 10)).toBeCloseTo(Math.exp(-10) * (1 + 10 + 50), 12);
    expect(lowerIncompleteGamma(2, 0)).toBe(0);
    expect(upperIncompleteGamma(2, 0)).toBe(1);
  });

  it('Poisson mid-p equals the direct sums', () => {
    for (const lambda of [0.3, 4, 25]) {
      for (const k of [0, 1, 3, 8, 40]) {
        let above = 0;
        for (let j = k + 1; j < 400; j++) above += poissonPmf(j, lambda);
        const upper = above + 0.5 * poissonPmf(k, lambda);
        const below = 1 - above - poissonPmf(k, lambda);
        const lower = Math.max(0, below) + 0.5 * poissonPmf(k, lambda);
        expect(countMidP(k, lambda, lambda, true)).toBeCloseTo(upper, 10);
        expect(countMidP(k, lambda, lambda, false)).toBeCloseTo(lower, 10);
      }
    }
  });

  it('negative binomial mid-p equals the direct sums', () => {
    const mean = 6;
    const variance = 20;
    const r = (mean * mean) / (variance - mean);
    const q = mean / (r + mean);
    const pmf = (k: number): number =>
      Math.exp(
        logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(1 - q) + k * Math.log(q),
      );
    for (const k of [0, 2, 6, 15, 40]) {
      let below = 0;
      for (let j = 0; j < k; j++) below += pmf(j);
      expect(countMidP(k, mean, variance, true)).toBeCloseTo(1 - below - 0.5 * pmf(k), 10);
      expect(countMidP(k, mean, variance, false)).toBeCloseTo(below + 0.5 * pmf(k), 10);
    }
  });
});
