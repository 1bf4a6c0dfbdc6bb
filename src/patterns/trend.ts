import { linearRegression, rSquared, sampleRankCorrelation } from 'simple-statistics';
import { RollingSeries } from './rolling-series.js';
import { requireInteger, StatsInputError } from './stats-input-error.js';
import { normalUpperTail, studentUpperTail } from './tail-probability.js';

/**
 * Significance test that decides a trend's direction.
 * - `'mann-kendall'` (default): rank-based, with the tie correction. Robust to outliers, skew and
 *   the many ties of small counts, which is what activity data looks like.
 * - `'t-test'`: the t-test on the least-squares slope. More powerful for Gaussian noise around a
 *   straight line; misled by a single outlier.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type TrendTest } from 'soc-kit/patterns';
 *
 * const test: TrendTest = 't-test';
 * console.log(analyzeTrend([1, 2, 3, 4, 5, 7], { test }).direction); // rising
 * ```
 */
export type TrendTest = 'mann-kendall' | 't-test';

/**
 * Options of {@link analyzeTrend}.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type TrendOptions } from 'soc-kit/patterns';
 *
 * const options: TrendOptions = { significance: 0.01, minPoints: 10, recentWindow: 7 };
 * console.log(analyzeTrend([1, 2, 3], options).direction); // insufficient-data
 * ```
 */
export interface TrendOptions {
  /** Significance level of the direction test, in (0, 0.5]. Default 0.05. */
  significance?: number;
  /** Fewest points analysed; fewer gives `'insufficient-data'`. Integer >= 3. Default 5. */
  minPoints?: number;
  /** Test that decides the direction. Default `'mann-kendall'`. */
  test?: TrendTest;
  /**
   * Points in the "latest window" compared with the history before it. Default a quarter of the
   * series, at least 1. The comparison is omitted when fewer than 2 history points remain.
   */
  recentWindow?: number;
}

/**
 * The latest window compared with the history before it.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type WindowComparison } from 'soc-kit/patterns';
 *
 * const result = analyzeTrend([5, 5, 6, 5, 5, 6, 5, 12, 13, 12], { recentWindow: 3 });
 * const recent: WindowComparison | null = result.sufficient ? result.recent : null;
 * console.log(recent?.changePercent?.toFixed(0)); // 133
 * ```
 */
export interface WindowComparison {
  /** Points in the latest window. */
  window: number;
  /** Mean of the latest window. */
  recentMean: number;
  /** Mean of the points before it. */
  historyMean: number;
  /** Sample standard deviation of the points before it. */
  historyStandardDeviation: number;
  /** (recentMean − historyMean) / |historyMean| × 100; `null` when historyMean is 0. */
  changePercent: number | null;
  /**
   * (recentMean − historyMean) / (historySD · √(1/window + 1/history)); `null` when the history
   * has no spread. Around ±2 and beyond means the latest window is unusual.
   */
  zScore: number | null;
}

/**
 * A trend that could be computed.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type TrendReport } from 'soc-kit/patterns';
 *
 * const result = analyzeTrend([3, 4, 6, 7, 9, 10, 12]);
 * if (result.sufficient) {
 *   const report: TrendReport = result;
 *   console.log(report.slope.toFixed(2), report.rSquared.toFixed(3));
 * }
 * ```
 */
export interface TrendReport {
  /** Always true: the trend was computed. */
  sufficient: true;
  /** `'rising'`/`'falling'` when the test rejects "no trend" at `significance`, else `'flat'`. */
  direction: 'rising' | 'falling' | 'flat';
  /** Points analysed. */
  points: number;
  /** Least-squares slope per period (per point). */
  slope: number;
  /** Fitted value at the centre of the series (the regression runs on centred x). */
  intercept: number;
  /** Fitted value at the first point. */
  fittedStart: number;
  /** Fitted value at the last point. */
  fittedEnd: number;
  /**
   * Fitted change over the series relative to the fitted start, in percent; relative to the mean
   * when the fitted start is 0; `null` when both are 0.
   */
  changePercent: number | null;
  /** Share of variance explained by the line, in [0, 1]; 0 for a constant series. */
  rSquared: number;
  /** Spearman rank correlation of value with time, in [−1, 1]; 0 for a constant series. */
  rankCorrelation: number;
  /** Test used. */
  test: TrendTest;
  /** Two-sided p-value of "no trend". */
  pValue: number;
  /** Latest window against the history, or `null` when the series is too short to split. */
  recent: WindowComparison | null;
}

/**
 * Returned instead of a {@link TrendReport} when there are too few points to say anything.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type InsufficientTrend } from 'soc-kit/patterns';
 *
 * const result = analyzeTrend([4, 5]);
 * if (!result.sufficient) {
 *   const none: InsufficientTrend = result;
 *   console.log(none.reason);
 * }
 * ```
 */
export interface InsufficientTrend {
  /** Always false. */
  sufficient: false;
  /** Always `'insufficient-data'`. */
  direction: 'insufficient-data';
  /** Points available. */
  points: number;
  /** Points needed. */
  required: number;
  /** Human-readable explanation. */
  reason: string;
}

/**
 * Result of {@link analyzeTrend}: check `sufficient` (or `direction`) before reading numbers.
 *
 * @example
 * ```ts
 * import { analyzeTrend, type TrendAnalysis } from 'soc-kit/patterns';
 *
 * const result: TrendAnalysis = analyzeTrend([1, 1, 2, 3, 5, 8]);
 * console.log(result.sufficient ? result.direction : result.reason);
 * ```
 */
export type TrendAnalysis = TrendReport | InsufficientTrend;

function validateSeries(series: readonly number[]): void {
  if (!Array.isArray(series)) throw new StatsInputError('series must be an array of numbers');
  for (let i = 0; i < series.length; i++) {
    const value = series[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new StatsInputError(
        `series[${String(i)}] must be a finite number, got ${String(value)}`,
      );
    }
  }
}

function mean(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i] ?? 0;
  return sum / (to - from);
}

const RESCALE_ABOVE = 1e100;
const RESCALE_BELOW = 1e-100;

function scaleReport(analysis: TrendAnalysis, factor: number): TrendAnalysis {
  if (!analysis.sufficient) return analysis;
  const { recent } = analysis;
  return {
    ...analysis,
    slope: analysis.slope * factor,
    intercept: analysis.intercept * factor,
    fittedStart: analysis.fittedStart * factor,
    fittedEnd: analysis.fittedEnd * factor,
    recent:
      recent === null
        ? null
        : {
            ...recent,
            recentMean: recent.recentMean * factor,
            historyMean: recent.historyMean * factor,
            historyStandardDeviation: recent.historyStandardDeviation * factor,
          },
  };
}

function mannKendall(y: readonly number[]): { statistic: number; pValue: number } {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const yi = y[i] ?? 0;
    for (let j = i + 1; j < n; j++) {
      const d = (y[j] ?? 0) - yi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  // Tie correction: each group of t equal values removes t(t − 1)(2t + 5) from the variance.
  const ties = new Map<number, number>();
  for (const v of y) ties.set(v, (ties.get(v) ?? 0) + 1);
  let correction = 0;
  for (const t of ties.values()) correction += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - correction) / 18;
  if (variance <= 0 || s === 0) return { statistic: s, pValue: 1 };
  const z = (s - Math.sign(s)) / Math.sqrt(variance);
  return { statistic: s, pValue: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}

/**
 * Trend of a series of equally spaced values (oldest first): direction by a significance test,
 * least-squares slope, change percent, R², Spearman rank correlation, and the latest window
 * against the history before it.
 *
 * The line is fitted with simple-statistics `linearRegression` on centred x (x − mean(x)), which
 * keeps the intercept meaningful and the fit numerically stable; R² comes from `rSquared` and the
 * rank correlation from `sampleRankCorrelation`. The direction is *not* the sign of the last
 * difference: it is `'flat'` unless the test rejects "no trend" at `significance`.
 *
 * Runs in O(n log n) for the t-test and O(n²) for Mann–Kendall (90 points: ~4,000 comparisons).
 *
 * @param series - Values, oldest first, all finite.
 * @param options - Significance level, minimum points, test and latest-window size.
 * @returns A {@link TrendReport}, or an {@link InsufficientTrend} with fewer than `minPoints`.
 * @throws {@link StatsInputError} if `series` is not an array of finite numbers, `significance`
 *   is not in (0, 0.5], `minPoints` is not an integer >= 3, `test` is unknown, or `recentWindow`
 *   is not an integer >= 1.
 *
 * @example
 * ```ts
 * import { analyzeTrend } from 'soc-kit/patterns';
 *
 * const dailyJoins = [12, 15, 11, 14, 18, 17, 21, 19, 24, 26, 25, 29, 31, 30];
 * const trend = analyzeTrend(dailyJoins, { recentWindow: 7 });
 * if (trend.sufficient) {
 *   console.log(trend.direction, trend.slope.toFixed(2), `${trend.changePercent?.toFixed(0)}%`);
 * }
 * ```
 */
export function analyzeTrend(series: readonly number[], options: TrendOptions = {}): TrendAnalysis {
  const significance = options.significance ?? 0.05;
  if (typeof significance !== 'number' || !(significance > 0 && significance <= 0.5)) {
    throw new StatsInputError(`significance must be in (0, 0.5], got ${String(significance)}`);
  }
  const minPoints = options.minPoints ?? 5;
  requireInteger(minPoints, 'minPoints', 3);
  const test = options.test ?? 'mann-kendall';
  if (test !== 'mann-kendall' && test !== 't-test') {
    throw new StatsInputError(
      `unknown test "${String(test)}"; expected 'mann-kendall' or 't-test'`,
    );
  }
  if (options.recentWindow !== undefined) requireInteger(options.recentWindow, 'recentWindow', 1);
  validateSeries(series);
  const n = series.length;
  if (n < minPoints) {
    return {
      sufficient: false,
      direction: 'insufficient-data',
      points: n,
      required: minPoints,
      reason: `${String(n)} point${n === 1 ? '' : 's'}; a trend needs at least ${String(minPoints)}`,
    };
  }

  // Squares of values beyond ~1e154 overflow and of values below ~1e-162 underflow, which would
  // turn the fit into NaN or a false "constant". Every statistic is either scale-free or scales
  // linearly, so such series are analysed as series / peak and scaled back.
  const peak = series.reduce((max, y) => (Math.abs(y) > max ? Math.abs(y) : max), 0);
  if (peak > RESCALE_ABOVE || (peak > 0 && peak < RESCALE_BELOW)) {
    return scaleReport(
      analyzeTrend(
        series.map((y) => y / peak),
        options,
      ),
      peak,
    );
  }

  const centre = (n - 1) / 2;
  const data = series.map((y, i) => [i - centre, y]);
  const { m: slope, b: intercept } = linearRegression(data);
  const average = mean(series, 0, n);
  let totalSquares = 0;
  let residualSquares = 0;
  for (let i = 0; i < n; i++) {
    const y = series[i] ?? 0;
    totalSquares += (y - average) ** 2;
    residualSquares += (y - (intercept + slope * (i - centre))) ** 2;
  }
  const constant = totalSquares === 0;
  const fit = constant ? 0 : rSquared(data, (x) => intercept + slope * x);
  const rankCorrelation = constant
    ? 0
    : sampleRankCorrelation(
        series.map((_, i) => i),
        series as number[],
      );

  let pValue: number;
  let sign: number;
  if (test === 't-test') {
    const sxx = (n * (n * n - 1)) / 12; // Σ (i − centre)²
    const standardError = Math.sqrt(residualSquares / (n - 2) / sxx);
    sign = Math.sign(slope);
    if (constant || slope === 0) pValue = 1;
    else if (standardError === 0) pValue = 0;
    else pValue = Math.min(1, 2 * studentUpperTail(Math.abs(slope / standardError), n - 2));
  } else {
    const mk = mannKendall(series);
    pValue = mk.pValue;
    sign = Math.sign(mk.statistic);
  }
  const direction =
    pValue < significance ? (sign > 0 ? 'rising' : sign < 0 ? 'falling' : 'flat') : 'flat';

  const fittedStart = intercept - slope * centre;
  const fittedEnd = intercept + slope * centre;
  const base = fittedStart !== 0 ? fittedStart : average;
  const changePercent = base === 0 ? null : ((fittedEnd - fittedStart) / Math.abs(base)) * 100;

  return {
    sufficient: true,
    direction,
    points: n,
    slope,
    intercept,
    fittedStart,
    fittedEnd,
    changePercent,
    rSquared: Math.min(1, Math.max(0, fit)),
    rankCorrelation: Number.isFinite(rankCorrelation) ? rankCorrelation : 0,
    test,
    pValue,
    recent: compareRecent(series, options.recentWindow ?? Math.max(1, Math.floor(n / 4))),
  };
}

function compareRecent(series: readonly number[], window: number): WindowComparison | null {
  const n = series.length;
  const history = n - window;
  if (history < 2) return null;
  const recentMean = mean(series, history, n);
  const historyMean = mean(series, 0, history);
  let squares = 0;
  for (let i = 0; i < history; i++) squares += ((series[i] ?? 0) - historyMean) ** 2;
  const historyStandardDeviation = Math.sqrt(squares / (history - 1));
  const difference = recentMean - historyMean;
  return {
    window,
    recentMean,
    historyMean,
    historyStandardDeviation,
    changePercent: historyMean === 0 ? null : (difference / Math.abs(historyMean)) * 100,
    zScore:
      historyStandardDeviation === 0
        ? null
        : difference / (historyStandardDeviation * Math.sqrt(1 / window + 1 / history)),
  };
}

/**
 * The seed's 7/30/90-day trends, computed over the newest buckets of a {@link RollingSeries} (or a
 * plain array, oldest first). A window longer than the data covered is reported as
 * `'insufficient-data'` rather than padded: a 90-day trend of a 40-day-old server is not a thing.
 * Call `series.advance(now)` first so quiet days count as zeros. The newest bucket is usually still
 * filling up; pass `series.last(n + 1).slice(0, -1)` instead of the series to leave it out.
 *
 * @param series - A rolling series (only covered buckets count) or values oldest first.
 * @param windows - Window lengths in buckets. Default `[7, 30, 90]`.
 * @param options - Passed to {@link analyzeTrend} for every window; `recentWindow` defaults to a
 *   quarter of each window.
 * @returns One {@link TrendAnalysis} per window length, keyed by the length.
 * @throws {@link StatsInputError} if a window is not an integer >= 3, or as {@link analyzeTrend}.
 *
 * @example
 * ```ts
 * import { RollingSeries, trendWindows } from 'soc-kit/patterns';
 *
 * const day = 86_400_000;
 * const messages = new RollingSeries({ bucketMs: day, size: 90 });
 * for (let d = 0; d < 40; d++) messages.add(100 + 3 * d + (d % 5), d * day);
 * const trends = trendWindows(messages);
 * console.log(trends[7]?.direction, trends[30]?.direction, trends[90]?.direction);
 * // rising rising insufficient-data
 * ```
 */
export function trendWindows(
  series: RollingSeries | readonly number[],
  windows: readonly number[] = [7, 30, 90],
  options: TrendOptions = {},
): Record<number, TrendAnalysis> {
  const values = series instanceof RollingSeries ? series.values() : series;
  if (!Array.isArray(values))
    throw new StatsInputError('series must be a RollingSeries or an array');
  const out: Record<number, TrendAnalysis> = {};
  for (const window of windows) {
    requireInteger(window, 'trend window', 3);
    if (values.length < window) {
      out[window] = {
        sufficient: false,
        direction: 'insufficient-data',
        points: values.length,
        required: window,
        reason: `${String(values.length)} buckets covered; a ${String(window)}-bucket trend needs ${String(window)}`,
      };
    } else {
      out[window] = analyzeTrend(values.slice(values.length - window), {
        ...options,
        minPoints: Math.min(options.minPoints ?? 5, window),
      });
    }
  }
  return out;
}
