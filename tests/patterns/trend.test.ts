import fc from 'fast-check';
import { linearRegression, sampleRankCorrelation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  analyzeTrend,
  RollingSeries,
  StatsInputError,
  trendWindows,
  type TrendReport,
} from '../../src/patterns/index.js';

function report(series: number[], options = {}): TrendReport {
  const result = analyzeTrend(series, options);
  if (!result.sufficient) throw new Error(result.reason);
  return result;
}

describe('analyzeTrend', () => {
  it.each([1e300, 1e-300, Number.MAX_VALUE / 4])(
    'scales: series × %s gives the same test results and scaled figures, never NaN',
    (k) => {
      const base = [3, -1, 4, 1, -5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];
      const small = report(base, { test: 't-test' });
      const big = report(
        base.map((y) => y * (k / 9)),
        { test: 't-test' },
      );
      expect(big.direction).toBe(small.direction);
      expect(big.pValue).toBeCloseTo(small.pValue, 12);
      expect(big.rSquared).toBeCloseTo(small.rSquared, 12);
      expect(big.rankCorrelation).toBeCloseTo(small.rankCorrelation, 12);
      expect(big.changePercent).toBeCloseTo(small.changePercent!, 9);
      expect(big.slope / k).toBeCloseTo(small.slope / 9, 12);
      expect(big.fittedEnd / k).toBeCloseTo(small.fittedEnd / 9, 12);
      expect(big.recent!.historyStandardDeviation / k).toBeCloseTo(
        small.recent!.historyStandardDeviation / 9,
        12,
      );
      expect(big.recent!.zScore).toBeCloseTo(small.recent!.zScore!, 9);
    },
  );

  it('known answer: a perfect line', () => {
    const r = report([2, 4, 6, 8, 10]);
    expect(r.slope).toBeCloseTo(2, 12);
    expect(r.intercept).toBeCloseTo(6, 12); // fitted value at the centre
    expect(r.fittedStart).toBeCloseTo(2, 12);
    expect(r.fittedEnd).toBeCloseTo(10, 12);
    expect(r.changePercent).toBeCloseTo(400, 9);
    expect(r.rSquared).toBeCloseTo(1, 12);
    expect(r.rankCorrelation).toBeCloseTo(1, 12);
    expect(r.direction).toBe('rising');
    expect(report([2, 4, 6, 8, 10], { test: 't-test' }).pValue).toBe(0);
  });

  it('matches simple-statistics on arbitrary series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 5, maxLength: 60 }),
        (ys) => {
          const r = report(ys);
          const { m } = linearRegression(ys.map((y, i) => [i, y]));
          expect(r.slope).toBeCloseTo(m, 6);
          if (new Set(ys).size > 1) {
            expect(r.rankCorrelation).toBeCloseTo(
              sampleRankCorrelation(
                ys.map((_, i) => i),
                ys,
              ),
              9,
            );
          }
          expect(r.rSquared).toBeGreaterThanOrEqual(0);
          expect(r.rSquared).toBeLessThanOrEqual(1);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('t-test p-value matches a hand computation', () => {
    // y = [1, 3, 2, 5, 4]: slope 0.8, SST 10, SSE 3.6, R² 0.64, SE = √(3.6/3/10) = 0.34641,
    // t = 2.3094 with 3 dof: two-sided p = 0.1041.
    const r = report([1, 3, 2, 5, 4], { test: 't-test' });
    expect(r.slope).toBeCloseTo(0.8, 12);
    expect(r.rSquared).toBeCloseTo(0.64, 12);
    expect(r.pValue).toBeCloseTo(0.1041, 3);
    expect(r.direction).toBe('flat'); // not significant at 0.05
    expect(report([1, 3, 2, 5, 4], { test: 't-test', significance: 0.2 }).direction).toBe('rising');
  });

  it('Mann–Kendall p-value matches a hand computation, with ties', () => {
    // n = 6, S = 13, Var(S) = 6·5·17/18 = 28.333, Z = 12/5.3229 = 2.2544, p = 0.02417.
    const r = report([1, 2, 4, 3, 5, 6]);
    expect(r.pValue).toBeCloseTo(0.02417, 4);
    expect(r.direction).toBe('rising');
    // Ties: [1, 1, 2, 2, 3]: S = 8, Var = (5·4·15 − 2·(2·1·9))/18 = 14.667, Z = 7/3.8297 = 1.8278.
    expect(report([1, 1, 2, 2, 3]).pValue).toBeCloseTo(0.06758, 4);
    expect(report([5, 4, 4, 2, 1, 0, 0]).direction).toBe('falling');
  });

  it('decides the direction by significance, not by the last difference', () => {
    expect(report([10, 11, 9, 10, 11, 9, 10, 30]).direction).toBe('flat');
    expect(report([10, 12, 14, 16, 18, 20, 22, 21]).direction).toBe('rising');
    const noisyFall = [50, 48, 49, 45, 46, 44, 41, 43, 40, 38, 39, 36];
    expect(report(noisyFall).direction).toBe('falling');
    expect(report(noisyFall, { test: 't-test' }).direction).toBe('falling');
  });

  it('constant and zero series are flat with defined numbers', () => {
    const flat = report([3, 3, 3, 3, 3]);
    expect(flat).toMatchObject({
      direction: 'flat',
      slope: 0,
      rSquared: 0,
      rankCorrelation: 0,
      pValue: 1,
    });
    expect(flat.changePercent).toBe(0);
    const zeros = report([0, 0, 0, 0, 0], { test: 't-test' });
    expect(zeros.changePercent).toBeNull();
    expect(zeros.pValue).toBe(1);
    expect(zeros.recent?.changePercent).toBeNull();
    expect(zeros.recent?.zScore).toBeNull();
    // A fitted start of 0 falls back to the mean as the base.
    expect(report([0, 1, 2, 3, 4]).changePercent).toBeCloseTo(200, 9);
  });

  it('compares the latest window with the history before it', () => {
    const r = report([5, 5, 6, 5, 5, 6, 5, 12, 13, 12], { recentWindow: 3 });
    const recent = r.recent!;
    expect(recent.window).toBe(3);
    expect(recent.recentMean).toBeCloseTo(37 / 3, 12);
    expect(recent.historyMean).toBeCloseTo(37 / 7, 12);
    expect(recent.changePercent).toBeCloseTo(((37 / 3 - 37 / 7) / (37 / 7)) * 100, 9);
    expect(recent.zScore).toBeGreaterThan(10);
    expect(report([1, 2, 3, 4, 5], { recentWindow: 4 }).recent).toBeNull();
    expect(report(Array.from({ length: 20 }, (_, i) => i)).recent?.window).toBe(5);
  });

  it('reports insufficient data explicitly', () => {
    const result = analyzeTrend([1, 2, 3]);
    expect(result).toMatchObject({
      sufficient: false,
      direction: 'insufficient-data',
      points: 3,
      required: 5,
    });
    expect(analyzeTrend([]).direction).toBe('insufficient-data');
    expect(analyzeTrend([7], { minPoints: 3 })).toMatchObject({
      reason: '1 point; a trend needs at least 3',
    });
  });

  it('rejects bad input', () => {
    expect(() => analyzeTrend([1, Number.NaN, 3, 4, 5])).toThrow(StatsInputError);
    expect(() => analyzeTrend('12345' as never)).toThrow(StatsInputError);
    expect(() => analyzeTrend([1, 2, 3, 4, 5], { significance: 0 })).toThrow(StatsInputError);
    expect(() => analyzeTrend([1, 2, 3, 4, 5], { minPoints: 2 })).toThrow(StatsInputError);
    expect(() => analyzeTrend([1, 2, 3, 4, 5], { test: 'sen' as never })).toThrow(StatsInputError);
    expect(() => analyzeTrend([1, 2, 3, 4, 5], { recentWindow: 0 })).toThrow(StatsInputError);
  });
});

describe('trendWindows', () => {
  const DAY = 86_400_000;

  it('computes 7/30/90-day trends over a RollingSeries and refuses windows longer than the data', () => {
    const series = new RollingSeries({ bucketMs: DAY, size: 90 });
    for (let d = 0; d < 40; d++) series.add(100 + 3 * d + (d % 5), d * DAY);
    const trends = trendWindows(series);
    expect(trends[7]?.direction).toBe('rising');
    expect(trends[30]?.direction).toBe('rising');
    expect(trends[90]).toMatchObject({
      sufficient: false,
      direction: 'insufficient-data',
      points: 40,
      required: 90,
    });
    const week = trends[7];
    expect(week?.sufficient && week.points).toBe(7);
  });

  it('counts quiet days as zeros once the window is advanced to now', () => {
    const series = new RollingSeries({ bucketMs: DAY, size: 90 });
    for (let d = 0; d < 30; d++) series.add(50, d * DAY);
    series.advance(40 * DAY); // ten silent days
    const trends = trendWindows(series, [7, 30], { test: 't-test' });
    expect(trends[30]?.direction).toBe('falling');
    const week = trends[7];
    expect(week?.sufficient && week.slope).toBe(0);
  });

  it('accepts plain arrays and custom windows, and validates them', () => {
    const out = trendWindows([1, 2, 3, 4, 5, 6], [3, 6]);
    expect(Object.keys(out)).toEqual(['3', '6']);
    expect(out[3]?.sufficient).toBe(true);
    expect(() => trendWindows([1, 2, 3], [2])).toThrow(StatsInputError);
    expect(() => trendWindows({} as never)).toThrow(StatsInputError);
  });
});
