// AnomalyScorer.update throughput against a naive baseline that recomputes mean and standard
// deviation with simple-statistics over a sliding window on every point.
import { mean, standardDeviation } from 'simple-statistics';
import type { BenchSuite } from './harness.js';
import { AnomalyScorer } from '../src/patterns/index.js';
import { createSampler, HOUR_MS } from '../tests/patterns/fixtures/labelled-series.js';

const BATCH = 1000;
const WINDOW = 168; // one week of hourly buckets
const SIZE = 4096; // power of two: index with & (SIZE - 1)

const sampler = createSampler(99);
const counts = Array.from({ length: SIZE }, (_, i) =>
  sampler.poisson(i % 512 === 0 ? 60 : 4 + 3 * Math.sin(i / 4)),
);
const reals = Array.from(
  { length: SIZE },
  (_, i) => sampler.normal(100, 5) + (i % 700 === 0 ? 80 : 0),
);

function scorerCase(
  name: string,
  values: number[],
  options: ConstructorParameters<typeof AnomalyScorer>[0],
) {
  let scorer = new AnomalyScorer(options);
  let i = 0;
  let sink = 0;
  return {
    name,
    unitsPerCall: BATCH,
    beforeAll: () => {
      scorer = new AnomalyScorer(options);
      i = 0;
    },
    fn: () => {
      for (let k = 0; k < BATCH; k++, i++) {
        sink += scorer.update(values[i & (SIZE - 1)]!, i * HOUR_MS).confidence;
      }
      return sink;
    },
  };
}

function naiveCase(name: string, values: number[], size = WINDOW) {
  const window: number[] = [];
  let i = 0;
  let sink = 0;
  return {
    name,
    unitsPerCall: BATCH,
    fn: () => {
      for (let k = 0; k < BATCH; k++, i++) {
        const x = values[i & (SIZE - 1)]!;
        if (window.length >= 2) {
          const sd = standardDeviation(window);
          sink += sd > 0 ? Math.abs(x - mean(window)) / sd : 0;
        }
        window.push(x);
        if (window.length > size) window.shift();
      }
      return sink;
    },
  };
}

export const suites: BenchSuite[] = [
  {
    kind: 'throughput',
    name: 'AnomalyScorer.update vs naive sliding-window z (simple-statistics mean/standardDeviation)',
    unit: 'update',
    reference: 'naive window z, 168 points (1 week hourly)',
    cases: [
      naiveCase('naive window z, 168 points (1 week hourly)', reals),
      naiveCase('naive window z, 720 points (30 days hourly)', reals, 720),
      scorerCase('AnomalyScorer real, default (seasonal)', reals, { kind: 'real' }),
      scorerCase('AnomalyScorer real, no seasonality', reals, {
        kind: 'real',
        seasonality: 'none',
      }),
      scorerCase('AnomalyScorer counts, default (seasonal)', counts, {}),
      scorerCase('AnomalyScorer counts, no seasonality', counts, { seasonality: 'none' }),
    ],
  },
  {
    kind: 'custom',
    name: 'AnomalyScorer state size (JSON bytes) after 1M updates',
    run: () => {
      const rows: Array<Record<string, string | number>> = [];
      for (const [label, options] of [
        ['default (hour-weekday-weekend)', {}],
        ['seasonality none', { seasonality: 'none' as const }],
        ['day-of-week', { seasonality: 'day-of-week' as const }],
      ] as const) {
        const scorer = new AnomalyScorer(options);
        let at10k = 0;
        for (let i = 0; i < 1_000_000; i++) {
          scorer.update(counts[i & (SIZE - 1)]!, i * HOUR_MS);
          if (i === 10_000) at10k = JSON.stringify(scorer).length;
        }
        rows.push({
          options: label,
          'bytes after 10k': at10k,
          'bytes after 1M': JSON.stringify(scorer).length,
        });
      }
      return Promise.resolve(rows);
    },
  },
];
