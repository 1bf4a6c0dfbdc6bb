// analyzeTrend on 90 daily points (the seed's longest window), both tests, and the 7/30/90-day
// helper over a RollingSeries.
import type { BenchSuite } from './harness.js';
import { analyzeTrend, RollingSeries, trendWindows } from '../src/patterns/index.js';
import { createSampler } from '../tests/patterns/fixtures/labelled-series.js';

const DAY = 86_400_000;
const sampler = createSampler(7);
const series = Array.from({ length: 90 }, (_, d) => sampler.poisson(40 + 0.2 * d));
const rolling = new RollingSeries({ bucketMs: DAY, size: 90 });
series.forEach((v, d) => rolling.add(v, d * DAY));

// The seed's approach, for scale: last value against the previous one.
function lastVsPrevious(values: number[]): number {
  const last = values[values.length - 1]!;
  const previous = values[values.length - 2]!;
  return previous === 0 ? 0 : (last - previous) / previous;
}

export const suites: BenchSuite[] = [
  {
    kind: 'throughput',
    name: 'analyzeTrend on 90 points',
    unit: 'analysis',
    reference: 'analyzeTrend (Mann-Kendall)',
    cases: [
      { name: 'analyzeTrend (Mann-Kendall)', fn: () => analyzeTrend(series) },
      { name: 'analyzeTrend (t-test)', fn: () => analyzeTrend(series, { test: 't-test' }) },
      { name: 'trendWindows 7/30/90 over RollingSeries', fn: () => trendWindows(rolling) },
      { name: 'seed: last vs previous (no test)', fn: () => lastVsPrevious(series) },
    ],
  },
];
