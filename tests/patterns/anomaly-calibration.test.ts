// Statistical acceptance tests of AnomalyScorer: calibration of the alert rate on long stationary
// streams, and detection on the seeded labelled corpus. Deterministic (seeded PRNG).
import { describe, expect, it } from 'vitest';
import { AnomalyScorer, type AnomalyDirection } from '../../src/patterns/index.js';
import { createSampler, HOUR_MS, type Sampler } from './fixtures/labelled-series.js';
import { combine, evaluate, generateCorpus } from './fixtures/labelled-series.js';
import { scorer } from './fixtures/methods.js';

const N = 300_000;
const BURN_IN = 2_000;

function alertRate(
  draw: (s: Sampler) => number,
  alpha: number,
  direction: AnomalyDirection,
  seed = 2024,
): number {
  const s = createSampler(seed);
  const detector = new AnomalyScorer({ budget: alpha, direction });
  let alerts = 0;
  for (let i = 0; i < N; i++) {
    const score = detector.update(draw(s), i * HOUR_MS);
    if (i >= BURN_IN && score.confidence >= 0.85) alerts++;
  }
  return alerts / (N - BURN_IN) / alpha;
}

describe('calibration: fraction of confidence >= 0.85 on stationary streams vs the budget α', () => {
  // Tolerances: Gaussian ±15% (Poisson noise of ~300 expected alerts is ±6%). Counts are
  // discrete, so the achievable alert rate sits at or below α: we require 0.6α–1.25α.
  it('Gaussian, two-sided, α = 1e-3: within ±15%', () => {
    const ratio = alertRate((s) => s.normal(50, 5), 1e-3, 'both');
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('Gaussian, one-sided, α = 1e-3: within ±15%', () => {
    const ratio = alertRate((s) => s.normal(-3, 0.01), 1e-3, 'up');
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('Poisson λ = 20, spikes only, α = 1e-3: 0.6α–1.25α', () => {
    const ratio = alertRate((s) => s.poisson(20), 1e-3, 'up');
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.25);
  });

  it('Poisson λ = 3 (many zeros), spikes only, α = 1e-3: 0.6α–1.25α', () => {
    const ratio = alertRate((s) => s.poisson(3), 1e-3, 'up');
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.25);
  });

  it('over-dispersed counts (NB mean 10, variance 40), α = 1e-3: 0.6α–1.5α', () => {
    const ratio = alertRate((s) => s.negativeBinomial(10, 40), 1e-3, 'up');
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.5);
  });
});

describe('detection on generated streams with spikes, level shifts and seasonal patterns', () => {
  const corpus = generateCorpus(3);

  it('default scorer at 0.85, α = 1e-3: recall >= 0.95, precision >= 0.6', () => {
    const metrics = combine(corpus.map((series) => evaluate(series, scorer()(series, 1e-3))));
    expect(metrics.recall).toBeGreaterThanOrEqual(0.95);
    expect(metrics.precision).toBeGreaterThanOrEqual(0.6);
  });

  it('default scorer at 0.85, α = 1e-4: recall >= 0.85, precision >= 0.75', () => {
    const metrics = combine(corpus.map((series) => evaluate(series, scorer()(series, 1e-4))));
    expect(metrics.recall).toBeGreaterThanOrEqual(0.85);
    expect(metrics.precision).toBeGreaterThanOrEqual(0.75);
  });

  it('heavy-tailed real metric (Student t(3) noise): early false alerts stay near 4 per 1,000', () => {
    // The tail-shape estimate used to restart whenever a seasonal slot matured, even on a stream
    // whose season was never used, so t(3) noise was scored as Gaussian for ~900 points: 8.0
    // false alerts per 1,000 on these 5 series. It now restarts only when the season is in use.
    const series = generateCorpus(5).filter((s) => s.name.startsWith('heavy-tailed-real#'));
    const metrics = combine(series.map((s) => evaluate(s, scorer()(s, 1e-3))));
    expect(metrics.falsePer1k).toBeLessThan(5);
    expect(metrics.recall).toBeGreaterThanOrEqual(0.8);
  });

  it.each(['spikes', 'level-shifts', 'seasonal', 'trend'])(
    'detects every %s event family (recall >= 0.9)',
    (family) => {
      const inFamily = corpus.filter((s) => s.family === family);
      const metrics = combine(inFamily.map((series) => evaluate(series, scorer()(series, 1e-3))));
      expect(metrics.recall).toBeGreaterThanOrEqual(0.9);
    },
  );
});
