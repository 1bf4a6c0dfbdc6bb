// Method comparison for docs/anomaly-scoring.md: precision and recall of candidate detectors on
// the seeded labelled corpus (tests/patterns/fixtures), all at the same per-point budget α.
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
];
