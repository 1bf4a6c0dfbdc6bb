// Method comparison for docs/anomaly-scoring.md: precision and recall of candidate detectors on
// the seeded labelled corpus (tests/patterns/fixtures), all at the same per-point budget α.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSuite } from './harness.js';
import { AnomalyScorer, type AnomalyDirection } from '../src/patterns/index.js';
import {
  createSampler,
  HOUR_MS,
  type Sampler,
  combine,
  evaluate,
  generateCorpus,
  type DetectionMetrics,
} from '../tests/patterns/fixtures/labelled-series.js';
import {
  cusum,
  ewmaZ,
  gaussianZ,
  negativeBinomialTail,
  newMaximum,
  poissonTail,
  scorer,
  type Detector,
} from '../tests/patterns/fixtures/methods.js';

export const ALPHAS = [0.001, 0.0001];

export const DETECTORS: Record<string, Detector> = {
  'gaussian z (all history)': gaussianZ,
  'EWMA z': ewmaZ,
  'Poisson tail': poissonTail,
  'NB tail': negativeBinomialTail,
  CUSUM: cusum,
  'new maximum': newMaximum,
  'AnomalyScorer (default)': scorer(),
  'AnomalyScorer + hour-of-day': scorer({ seasonality: 'hour-of-day' }),
  'AnomalyScorer, no seasonality': scorer({ seasonality: 'none' }),
  'AnomalyScorer, no trend': scorer({ trend: false }),
};

function row(
  name: string,
  alpha: number,
  family: string,
  m: DetectionMetrics,
): Record<string, string | number> {
  return {
    method: name,
    alpha,
    family,
    precision: Number(m.precision.toFixed(3)),
    recall: Number(m.recall.toFixed(3)),
    f1: Number(m.f1.toFixed(3)),
    'false/1k': Number(m.falsePer1k.toFixed(2)),
  };
}

export function runEvaluation(
  seeds = 5,
  detectors = DETECTORS,
  alphas = ALPHAS,
): Array<Record<string, string | number>> {
  const corpus = generateCorpus(seeds);
  const families = [...new Set(corpus.map((s) => s.family))];
  const rows: Array<Record<string, string | number>> = [];
  for (const alpha of alphas) {
    for (const [name, detect] of Object.entries(detectors)) {
      const perSeries = corpus.map((series) => ({
        series,
        m: evaluate(series, detect(series, alpha)),
      }));
      for (const family of families) {
        const inFamily = perSeries.filter((x) => x.series.family === family).map((x) => x.m);
        rows.push(row(name, alpha, family, combine(inFamily)));
      }
      rows.push(row(name, alpha, 'ALL', combine(perSeries.map((x) => x.m))));
    }
  }
  return rows;
}

const CALIBRATION_STREAMS: Array<[string, AnomalyDirection, (s: Sampler) => number]> = [
  ['Gaussian N(50, 5)', 'both', (s) => s.normal(50, 5)],
  ['Gaussian N(50, 5)', 'up', (s) => s.normal(50, 5)],
  ['Poisson λ=20', 'up', (s) => s.poisson(20)],
  ['Poisson λ=20', 'both', (s) => s.poisson(20)],
  ['Poisson λ=3', 'up', (s) => s.poisson(3)],
  ['Poisson λ=0.5', 'up', (s) => s.poisson(0.5)],
  ['NB mean 10 var 40', 'up', (s) => s.negativeBinomial(10, 40)],
  ['Student t(3)', 'both', (s) => 50 + 4 * s.studentT(3)],
];

/** Alert rate / α on long stationary streams (300k points after a 2k burn-in). */
export function runCalibration(points = 300_000): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = [];
  for (const alpha of [1e-3, 1e-4]) {
    for (const [name, direction, draw] of CALIBRATION_STREAMS) {
      const s = createSampler(2024);
      const scorer = new AnomalyScorer({ budget: alpha, direction });
      let alerts = 0;
      for (let i = 0; i < points + 2000; i++) {
        const score = scorer.update(draw(s), i * HOUR_MS);
        if (i >= 2000 && score.confidence >= 0.85) alerts++;
      }
      rows.push({
        stream: name,
        direction,
        alpha,
        expected: Math.round(alpha * points),
        alerts,
        'rate / alpha': Number((alerts / points / alpha).toFixed(3)),
      });
    }
  }
  return rows;
}

const NAB_DETECTORS: Record<
  string,
  (values: number[], timestamps: number[], alpha: number) => boolean[]
> = {
  'AnomalyScorer (default)': (values, timestamps, alpha) => {
    const s = new AnomalyScorer({ budget: alpha });
    return values.map((x, i) => s.update(x, timestamps[i] ?? 0).anomalous);
  },
  "AnomalyScorer, kind 'real'": (values, timestamps, alpha) => {
    const s = new AnomalyScorer({ budget: alpha, kind: 'real' });
    return values.map((x, i) => s.update(x, timestamps[i] ?? 0).anomalous);
  },
  'EWMA z (half-life 48)': (values, timestamps, alpha) =>
    ewmaZ({ name: '', family: '', kind: 'real', values, timestamps, windows: [] }, alpha),
};

/**
 * Event recall and false alerts on the Numenta Anomaly Benchmark, read from a local checkout of
 * github.com/numenta/NAB (`NAB_DIR`; nothing is downloaded). An event is detected by any alert in
 * its labelled window; alerts outside every window after NAB's probationary first 15% are false.
 */
export function runNab(dir: string, alphas = ALPHAS): Array<Record<string, string | number>> {
  const windows = JSON.parse(
    readFileSync(join(dir, 'labels', 'combined_windows.json'), 'utf8'),
  ) as Record<string, Array<[string, string]>>;
  const time = (s: string): number => Date.parse(`${s.replace(' ', 'T').slice(0, 19)}Z`);
  const files = Object.entries(windows).map(([file, spans]) => {
    const rows = readFileSync(join(dir, 'data', file), 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    return {
      group: file.split('/')[0] ?? file,
      timestamps: rows.map((row) => time(row.split(',')[0] ?? '')),
      values: rows.map((row) => Number(row.split(',')[1])),
      spans: spans.map(([from, to]) => [time(from), time(to)] as const),
    };
  });
  const out: Array<Record<string, string | number>> = [];
  for (const alpha of alphas) {
    for (const [method, detect] of Object.entries(NAB_DETECTORS)) {
      const totals = new Map<
        string,
        { events: number; detected: number; false: number; normal: number }
      >();
      for (const f of files) {
        const alerts = detect(f.values, f.timestamps, alpha);
        const probation = Math.floor(0.15 * f.values.length);
        for (const key of [f.group, 'ALL']) {
          const t = totals.get(key) ?? { events: 0, detected: 0, false: 0, normal: 0 };
          totals.set(key, t);
          t.events += f.spans.length;
          t.detected += f.spans.filter(([from, to]) =>
            f.timestamps.some((x, i) => alerts[i] === true && x >= from && x <= to),
          ).length;
          f.timestamps.forEach((x, i) => {
            if (i < probation || f.spans.some(([from, to]) => x >= from && x <= to)) return;
            t.normal++;
            if (alerts[i] === true) t.false++;
          });
        }
      }
      for (const [group, t] of totals) {
        out.push({
          method,
          alpha,
          group,
          events: t.events,
          recall: Number((t.detected / Math.max(1, t.events)).toFixed(2)),
          precision: Number((t.detected / Math.max(1, t.detected + t.false)).toFixed(3)),
          'false/1k': Number(((1000 * t.false) / Math.max(1, t.normal)).toFixed(2)),
        });
      }
    }
  }
  return out;
}

export const suites: BenchSuite[] = [
  {
    kind: 'custom',
    name: 'AnomalyScorer calibration: alerts at confidence >= 0.85 vs budget alpha (stationary)',
    run: () => Promise.resolve(runCalibration()),
  },
  {
    kind: 'custom',
    name: 'anomaly detection: event precision/recall at confidence 0.85 (seeded labelled corpus)',
    run: () => Promise.resolve(runEvaluation()),
  },
  {
    kind: 'custom',
    name: 'anomaly detection on NAB (set NAB_DIR to a local numenta/NAB checkout)',
    run: () => {
      const dir = process.env.NAB_DIR;
      if (dir === undefined || !existsSync(join(dir, 'labels', 'combined_windows.json'))) {
        return Promise.resolve([{ skipped: 'NAB_DIR is not set to a numenta/NAB checkout' }]);
      }
      return Promise.resolve(runNab(dir));
    },
  },
];
