// Method comparison for docs/anomaly-scoring.md: precision and recall of candidate detectors on
// the seeded labelled corpus (tests/patterns/fixtures), all at the same per-point budget α.
import type { BenchSuite } from './harness.js';
import {
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

export const suites: BenchSuite[] = [
  {
    kind: 'custom',
    name: 'anomaly detection: event precision/recall at confidence 0.85 (seeded labelled corpus)',
    run: () => Promise.resolve(runEvaluation()),
  },
];
