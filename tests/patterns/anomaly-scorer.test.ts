import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AnomalyScorer,
  CalibrationError,
  describeAnomaly,
  StatsInputError,
  StatsStateError,
  type AnomalyDirection,
  type ValueKind,
} from '../../src/patterns/index.js';
import { createSampler, HOUR_MS } from './fixtures/labelled-series.js';

const T0 = Date.UTC(2025, 0, 6);

function feed(scorer: AnomalyScorer, values: readonly number[], start = 0): void {
  values.forEach((v, i) => scorer.update(v, T0 + (start + i) * HOUR_MS));
}

describe('AnomalyScorer basics', () => {
  it('flags a spike in counts and explains it', () => {
    const s = createSampler(1);
    const scorer = new AnomalyScorer({ direction: 'up' });
    feed(
      scorer,
      Array.from({ length: 300 }, () => s.poisson(5)),
    );
    const spike = scorer.update(40, T0 + 300 * HOUR_MS);
    expect(spike.anomalous).toBe(true);
    expect(spike.confidence).toBeGreaterThan(0.99);
    expect(spike.model).toBe('count');
    expect(spike.side).toBe('up');
    expect(spike.expected).toBeCloseTo(5, 0);
    expect(spike.zScore).toBeGreaterThan(10);
    expect(spike.pValue).toBeLessThan(1e-9);
    expect(describeAnomaly(spike)).toMatch(
      /^40 vs expected 5\.\d ± \d\.\d \(z \d+\.\d, p .*count model/,
    );
    const normal = scorer.update(5, T0 + 301 * HOUR_MS);
    expect(normal.anomalous).toBe(false);
    expect(normal.confidence).toBeLessThan(0.1);
  });

  it('flags drops and spikes of real values two-sided by default, one side when asked', () => {
    const s = createSampler(2);
    const values = Array.from({ length: 300 }, () => s.normal(20, 1));
    const both = new AnomalyScorer();
    const up = new AnomalyScorer({ direction: 'up' });
    const down = new AnomalyScorer({ direction: 'down' });
    for (const scorer of [both, up, down]) feed(scorer, values);
    const at = T0 + 300 * HOUR_MS;
    expect(both.update(10, at).anomalous).toBe(true);
    expect(up.update(10, at).confidence).toBe(0);
    expect(down.update(10, at).anomalous).toBe(true);
    expect(up.update(30, at).anomalous).toBe(true);
    expect(both.update(10.1, at).model).toBe('real');
  });

  it('switches from count to real on the first non-count value, for good', () => {
    const scorer = new AnomalyScorer();
    feed(scorer, [1, 2, 3, 2, 1, 2]);
    expect(scorer.update(2, T0).model).toBe('count');
    expect(scorer.update(2.5, T0).model).toBe('real');
    expect(scorer.update(2, T0).model).toBe('real');
    expect(new AnomalyScorer({ kind: 'real' }).update(3, T0).model).toBe('real');
  });

  it('treats under-dispersed integers (measurements, not counts) as real values', () => {
    const s = createSampler(11);
    const scorer = new AnomalyScorer();
    feed(
      scorer,
      Array.from({ length: 300 }, () => Math.round(s.normal(70, 1.5))),
    );
    const spike = scorer.update(80, T0 + 300 * HOUR_MS);
    expect(spike.model).toBe('real');
    expect(spike.anomalous).toBe(true);
    const counts = new AnomalyScorer();
    feed(
      counts,
      Array.from({ length: 300 }, () => s.poisson(70)),
    );
    expect(counts.update(80, T0 + 300 * HOUR_MS).model).toBe('count');
  });

  it('moves bursty integers (dispersion far above Poisson) to the real model', () => {
    const s = createSampler(12);
    const bursty = new AnomalyScorer();
    feed(
      bursty,
      Array.from({ length: 300 }, () => s.negativeBinomial(20, 20 * 40)),
    );
    expect(bursty.update(20, T0 + 300 * HOUR_MS).model).toBe('real');
    // Moderately over-dispersed counts (dispersion 4) keep the count model.
    const counts = new AnomalyScorer();
    feed(
      counts,
      Array.from({ length: 300 }, () => s.negativeBinomial(10, 40)),
    );
    expect(counts.update(10, T0 + 300 * HOUR_MS).model).toBe('count');
  });

  it('does not alert on the first point and scores from the second without a prior', () => {
    const scorer = new AnomalyScorer({ kind: 'real' });
    const first = scorer.update(100, T0);
    expect(first).toMatchObject({ warmingUp: true, confidence: 0, anomalous: false, scale: 0 });
    expect(describeAnomaly(first)).toBe('100: no baseline yet');
    const second = scorer.update(1000, T0 + HOUR_MS);
    expect(second.warmingUp).toBe(true);
    const third = scorer.update(101, T0 + 2 * HOUR_MS);
    expect(third.warmingUp).toBe(false);
    // One residual: Cauchy-wide tails, no wild alert.
    expect(third.anomalous).toBe(false);
  });

  it('cold start: shrinks toward a supplied prior, which fades with evidence', () => {
    const prior = { mean: 10, variance: 10, weight: 20 };
    const scorer = new AnomalyScorer({ prior, direction: 'up' });
    const first = scorer.update(60, T0);
    expect(first.anomalous).toBe(true); // the cohort says 60 is far out, even for a brand-new user
    expect(first.priorShare).toBe(1);
    expect(first.expected).toBe(10);
    const s = createSampler(3);
    feed(
      scorer,
      Array.from({ length: 400 }, () => s.poisson(30)),
      1,
    );
    const later = scorer.update(30, T0 + 500 * HOUR_MS);
    expect(later.priorShare).toBeLessThan(0.01);
    expect(later.expected).toBeGreaterThan(25);
    expect(later.anomalous).toBe(false);
    // Without a prior, the same first point cannot be judged.
    expect(new AnomalyScorer().update(60, T0).confidence).toBe(0);
  });

  it('young baselines alert less than mature ones on the same deviation', () => {
    const young = new AnomalyScorer({ kind: 'real' });
    const mature = new AnomalyScorer({ kind: 'real' });
    const pattern = (i: number): number => 50 + (i % 2 === 0 ? 1 : -1);
    feed(
      young,
      Array.from({ length: 5 }, (_, i) => pattern(i)),
    );
    feed(
      mature,
      Array.from({ length: 500 }, (_, i) => pattern(i)),
    );
    const at = T0 + 600 * HOUR_MS;
    expect(young.update(56, at).confidence).toBeLessThan(mature.update(56, at).confidence);
  });
});

describe('AnomalyScorer robustness', () => {
  it.each([
    ['rising to the largest doubles', Array.from({ length: 170 }, (_, i) => i * 1e306)],
    ['falling to the most negative doubles', Array.from({ length: 170 }, (_, i) => -i * 1e306)],
    ['jumping between the extremes', [0, 1.7e308, -1.7e308, 1.7e308, 0, -1.7e308, 5, 1e308]],
  ])(
    'finite values near the limits of a double (%s): no NaN, state stays restorable',
    (_label, values) => {
      for (const seasonality of ['none', 'hour-of-day'] as const) {
        const scorer = new AnomalyScorer({ kind: 'real', seasonality });
        values.forEach((value, i) => {
          const score = scorer.update(value, T0 + i * HOUR_MS);
          for (const key of ['confidence', 'pValue', 'expected', 'scale', 'zScore'] as const) {
            expect(Number.isNaN(score[key]), `${key} at point ${String(i)}`).toBe(false);
          }
          expect(Number.isFinite(score.expected)).toBe(true);
        });
        const restored = AnomalyScorer.fromJSON(JSON.parse(JSON.stringify(scorer)));
        expect(restored.update(1, T0).confidence).toBe(scorer.update(1, T0).confidence);
      }
    },
  );

  it('a restored state with a level and trend at the limits predicts a finite value', () => {
    const json = new AnomalyScorer({ kind: 'real', seasonality: 'none' }).toJSON();
    json.state = { ...json.state, level: 1e308, trend: 1e308, levelWeight: 10, levelWeight2: 10 };
    json.state = { ...json.state, plainVar: 1, plainWeight: 10, plainWeight2: 10 };
    const score = AnomalyScorer.fromJSON(json).update(0, T0);
    expect(Number.isFinite(score.expected)).toBe(true);
    expect(score.confidence).toBeGreaterThan(0.99);
  });

  it('flagged points do not poison the baseline', () => {
    const s = createSampler(4);
    const scorer = new AnomalyScorer({ kind: 'real' });
    feed(
      scorer,
      Array.from({ length: 500 }, () => s.normal(100, 5)),
    );
    const before = scorer.update(100, T0 + 500 * HOUR_MS).expected;
    // Five isolated huge spikes, with normal points between them.
    for (let k = 0; k < 5; k++) {
      expect(scorer.update(10_000, T0 + (501 + 2 * k) * HOUR_MS).anomalous).toBe(true);
      scorer.update(s.normal(100, 5), T0 + (502 + 2 * k) * HOUR_MS);
    }
    const after = scorer.update(100, T0 + 520 * HOUR_MS);
    expect(Math.abs(after.expected - before)).toBeLessThan(5);
    expect(after.scale).toBeLessThan(10);
    expect(scorer.update(125, T0 + 521 * HOUR_MS).anomalous).toBe(true);
  });

  it('accepts a sustained level shift as the new normal', () => {
    const s = createSampler(5);
    const scorer = new AnomalyScorer({ kind: 'real', regimeRun: 6 });
    feed(
      scorer,
      Array.from({ length: 500 }, () => s.normal(100, 5)),
    );
    const flags: boolean[] = [];
    let shifted = false;
    for (let i = 0; i < 100; i++) {
      const score = scorer.update(s.normal(200, 5), T0 + (500 + i) * HOUR_MS);
      flags.push(score.anomalous);
      shifted ||= score.regimeShift;
    }
    expect(flags[0]).toBe(true);
    expect(shifted).toBe(true);
    expect(flags.slice(20).filter(Boolean).length).toBeLessThanOrEqual(1);
    expect(describeAnomaly(scorer.update(200, T0 + 700 * HOUR_MS))).toMatch(
      /vs expected (19|20)\d\.\d/,
    );
  });

  it('accepts a new spread when a flat line starts to move', () => {
    const s = createSampler(12);
    const scorer = new AnomalyScorer({ kind: 'real' });
    feed(scorer, new Array<number>(200).fill(42.5));
    let early = 0;
    let late = 0;
    let shifted = false;
    for (let i = 0; i < 2000; i++) {
      const score = scorer.update(42.5 + s.normal(0, 1), T0 + (200 + i) * HOUR_MS);
      if (score.anomalous && i < 100) early++;
      if (score.anomalous && i >= 100) late++;
      shifted ||= score.regimeShift;
    }
    expect(shifted).toBe(true);
    expect(early).toBeLessThanOrEqual(15);
    expect(late).toBeLessThanOrEqual(6); // the budget: α = 0.001 × 1,900 points ≈ 2
  });

  it('learns a daily season and flags a value that is normal at noon but not at 3 am', () => {
    const s = createSampler(6);
    const scorer = new AnomalyScorer({ kind: 'real', seasonality: 'hour-of-day' });
    const shape = (i: number): number => 100 + 40 * Math.sin((2 * Math.PI * ((i % 24) - 9)) / 24);
    feed(
      scorer,
      Array.from({ length: 24 * 28 }, (_, i) => s.normal(shape(i), 3)),
    );
    const night = 24 * 28 + 3;
    const score = scorer.update(shape(24 * 28 + 15), T0 + night * HOUR_MS);
    expect(score.seasonalOffset).toBeLessThan(-20);
    expect(score.anomalous).toBe(true);
    const noon = scorer.update(shape(24 * 28 + 15), T0 + (24 * 28 + 15) * HOUR_MS);
    expect(noon.anomalous).toBe(false);
    // Without seasonality the same night value is inside the overall spread.
    const plain = new AnomalyScorer({ kind: 'real', seasonality: 'none' });
    const s2 = createSampler(6);
    feed(
      plain,
      Array.from({ length: 24 * 28 }, (_, i) => s2.normal(shape(i), 3)),
    );
    expect(plain.update(shape(24 * 28 + 15), T0 + night * HOUR_MS).anomalous).toBe(false);
  });

  it('learns a daily square wave far above the noise within days, not by level shifts', () => {
    // NAB's art_daily_* shape: 5-minute data, 20 by night and 80 from 9:00 to 18:00, noise σ 2.
    const s = createSampler(13);
    const step = 5 * 60_000;
    const scorer = new AnomalyScorer({ kind: 'real' });
    const perDay = 288;
    let alerts = 0;
    let shifts = 0;
    for (let i = 0; i < 14 * perDay; i++) {
      const minute = (i % perDay) * 5;
      const day = minute >= 9 * 60 && minute < 18 * 60;
      const score = scorer.update(s.normal(day ? 80 : 20, 2), T0 + i * step);
      if (i >= 7 * perDay) {
        if (score.anomalous) alerts++;
        if (score.regimeShift) shifts++;
      }
    }
    // In the second week the season predicts both jumps.
    expect(shifts).toBe(0);
    expect(alerts).toBeLessThanOrEqual(3);
    // A daytime value at night is still flagged.
    const night = scorer.update(80, T0 + (14 * perDay + 12) * step);
    expect(night.anomalous).toBe(true);
  });

  it('follows a steep trend without lag, so spikes on it stay visible', () => {
    const run = (trend: boolean): { lag: number; spikeFlagged: boolean } => {
      const s = createSampler(10);
      const scorer = new AnomalyScorer({ kind: 'real', seasonality: 'none', trend });
      feed(
        scorer,
        Array.from({ length: 1000 }, (_, i) => s.normal(100 + 0.5 * i, 5)),
      );
      const next = scorer.update(600, T0 + 1000 * HOUR_MS);
      const spike = scorer.update(600.5 + 35, T0 + 1001 * HOUR_MS);
      return { lag: Math.abs(next.expected - 600), spikeFlagged: spike.anomalous };
    };
    const withTrend = run(true);
    const without = run(false);
    expect(withTrend.lag).toBeLessThan(8);
    expect(without.lag).toBeGreaterThan(20);
    expect(withTrend.spikeFlagged).toBe(true);
    expect(without.spikeFlagged).toBe(false);
  });

  it('learns a multiplicative season for counts', () => {
    const s = createSampler(7);
    const scorer = new AnomalyScorer({ direction: 'up', seasonality: 'hour-of-day' });
    const rate = (i: number): number => (i % 24 >= 9 && i % 24 < 17 ? 30 : 1);
    feed(
      scorer,
      Array.from({ length: 24 * 21 }, (_, i) => s.poisson(rate(i))),
    );
    const night = scorer.update(25, T0 + (24 * 21 + 2) * HOUR_MS);
    expect(night.anomalous).toBe(true);
    expect(night.expected).toBeLessThan(3);
    const day = scorer.update(25, T0 + (24 * 21 + 12) * HOUR_MS);
    expect(day.anomalous).toBe(false);
  });

  it('never returns NaN on finite input and keeps confidence in [0, 1]', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const options = fc.record({
      kind: fc.constantFrom<ValueKind>('auto', 'count', 'real'),
      direction: fc.constantFrom<AnomalyDirection>('up', 'down', 'both'),
      seasonality: fc.constantFrom('none', 'hour-of-day') as fc.Arbitrary<'none' | 'hour-of-day'>,
    });
    fc.assert(
      fc.property(
        options,
        fc.array(fc.oneof(finite, fc.integer({ min: 0, max: 50 }), fc.constant(0)), {
          maxLength: 80,
        }),
        (opts, values) => {
          const scorer = new AnomalyScorer(opts);
          values.forEach((raw, i) => {
            const value = opts.kind === 'count' ? Math.min(1e9, Math.abs(Math.round(raw))) : raw;
            const score = scorer.update(value, T0 + i * 60_000);
            for (const [key, field] of Object.entries(score)) {
              if (typeof field === 'number') expect(Number.isNaN(field), key).toBe(false);
            }
            expect(score.confidence).toBeGreaterThanOrEqual(0);
            expect(score.confidence).toBeLessThanOrEqual(1);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never returns NaN for seasonal counts with bursts, zeros and silences (hourly data)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant(0),
            fc.integer({ min: 0, max: 5 }),
            fc.integer({ min: 0, max: 100_000 }),
          ),
          { minLength: 50, maxLength: 400 },
        ),
        fc.constantFrom<'hour-of-day' | 'hour-weekday-weekend'>(
          'hour-of-day',
          'hour-weekday-weekend',
        ),
        (values, seasonality) => {
          const scorer = new AnomalyScorer({ seasonality, minSeasonSamples: 1 });
          values.forEach((value, i) => {
            const score = scorer.update(value, T0 + i * HOUR_MS);
            expect(Number.isFinite(score.confidence)).toBe(true);
            expect(Number.isFinite(score.expected)).toBe(true);
            expect(Number.isFinite(score.zScore)).toBe(true);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays finite on long runs of zeros and constants, then reacts to change', () => {
    const zeros = new AnomalyScorer();
    feed(zeros, new Array<number>(20_000).fill(0));
    const one = zeros.update(1, T0);
    expect(Number.isFinite(one.confidence)).toBe(true);
    expect(one.anomalous).toBe(false); // a single event after silence is not an incident
    expect(zeros.update(6, T0).anomalous).toBe(true);

    const constant = new AnomalyScorer({ kind: 'real' });
    feed(constant, new Array<number>(20_000).fill(42.5));
    const same = constant.update(42.5, T0);
    expect(same.confidence).toBe(0);
    const moved = constant.update(43.5, T0);
    expect(moved.confidence).toBe(1);
    expect(Number.isFinite(moved.zScore)).toBe(true);

    const huge = new AnomalyScorer();
    for (const v of [1e308, -1e308, 1e308, 0, -1e308, 5e-324]) {
      const score = huge.update(v, T0);
      expect(Number.isNaN(score.confidence)).toBe(false);
    }
  });

  it('state stays bounded: JSON size after 1M updates equals the size after 10k', () => {
    const s = createSampler(8);
    const scorer = new AnomalyScorer();
    let sizeAt10k = 0;
    for (let i = 0; i < 1_000_000; i++) {
      scorer.update(s.poisson(4 + 3 * Math.sin(i / 4)), T0 + i * HOUR_MS);
      if (i === 10_000) sizeAt10k = JSON.stringify(scorer).length;
    }
    const size = JSON.stringify(scorer).length;
    expect(scorer.count).toBe(1_000_000);
    // Same fields; only the digits of the floats vary.
    expect(Math.abs(size - sizeAt10k)).toBeLessThan(200);
    expect(size).toBeLessThan(3000);
    const compact = new AnomalyScorer({ seasonality: 'none' });
    feed(
      compact,
      Array.from({ length: 5000 }, (_, i) => i % 9),
    );
    expect(JSON.stringify(compact).length).toBeLessThan(800);
  });

  it('state stays bounded for any stream: 1M updates of generated data never grow the JSON', () => {
    // fast-check picks the stream shape; each run pushes 1M/4 updates, 4 runs = 1M in total.
    const stream = fc.record({
      kind: fc.constantFrom<'counts' | 'reals' | 'zeros' | 'bursty'>(
        'counts',
        'reals',
        'zeros',
        'bursty',
      ),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      seasonality: fc.constantFrom<'none' | 'hour-weekday-weekend'>('none', 'hour-weekday-weekend'),
    });
    fc.assert(
      fc.property(stream, ({ kind, seed, seasonality }) => {
        const s = createSampler(seed);
        const scorer = new AnomalyScorer({ seasonality });
        const draw = (i: number): number =>
          kind === 'counts'
            ? s.poisson(5)
            : kind === 'reals'
              ? s.normal(0, 1e6) * (i % 1000 === 0 ? 50 : 1)
              : kind === 'zeros'
                ? 0
                : i % 97 < 3
                  ? s.poisson(500)
                  : 0;
        let early = 0;
        for (let i = 0; i < 250_000; i++) {
          const score = scorer.update(draw(i), T0 + i * 60_000);
          if (Number.isNaN(score.confidence)) throw new Error(`NaN at ${String(i)}`);
          if (i === 30_000) early = JSON.stringify(scorer).length; // every slot filled by now
        }
        const late = JSON.stringify(scorer).length;
        expect(late).toBeLessThan(early + 300);
        expect(late).toBeLessThan(3_000);
      }),
      { numRuns: 4 },
    );
  });
});

describe('AnomalyScorer persistence and validation', () => {
  it('round-trips through JSON and continues with identical scores', () => {
    for (const options of [
      {},
      { seasonality: 'none' as const, kind: 'real' as const, trend: false },
      { prior: { mean: 3, variance: 5, weight: 4 } },
    ]) {
      const s = createSampler(9);
      const original = new AnomalyScorer(options);
      feed(
        original,
        Array.from({ length: 700 }, () => s.poisson(3)),
      );
      const restored = AnomalyScorer.fromJSON(JSON.parse(JSON.stringify(original)));
      expect(restored.toJSON()).toEqual(original.toJSON());
      for (let i = 0; i < 200; i++) {
        const value = i % 50 === 0 ? 30 : s.poisson(3);
        expect(restored.update(value, T0 + (700 + i) * HOUR_MS)).toEqual(
          original.update(value, T0 + (700 + i) * HOUR_MS),
        );
      }
    }
  });

  it('restores a state written before the seasonal base existed', () => {
    const s = createSampler(14);
    const original = new AnomalyScorer({ kind: 'real' });
    feed(
      original,
      Array.from({ length: 500 }, () => s.normal(50, 5)),
    );
    const json = original.toJSON();
    const { seasonBase, seasonBaseWeight, ...legacyState } = json.state;
    expect(seasonBase).toBeDefined();
    expect(seasonBaseWeight).toBeGreaterThan(0);
    const restored = AnomalyScorer.fromJSON({ ...json, state: legacyState });
    expect(restored.toJSON().state.seasonBase).toBe(json.state.level);
    const score = restored.update(80, T0 + 500 * HOUR_MS);
    expect(score.anomalous).toBe(true);
    expect(Number.isFinite(score.confidence)).toBe(true);
  });

  it('fromJSON rejects garbage with a typed error', () => {
    const good = new AnomalyScorer().toJSON();
    const bad: unknown[] = [
      null,
      'x',
      {},
      { ...good, version: 2 },
      { ...good, options: { ...good.options, alpha: 2 } },
      { ...good, options: { ...good.options, kind: 'weird' } },
      { ...good, options: { ...good.options, regimeRun: 1 } },
      { ...good, state: { ...good.state, level: Number.NaN } },
      { ...good, state: { ...good.state, plainVar: -1 } },
      { ...good, state: { ...good.state, profile: null } },
      { ...good, state: { ...good.state, profile: { weights: [1], means: [1] } } },
      {
        ...good,
        state: {
          ...good.state,
          profile: {
            weights: good.state.profile!.weights,
            means: good.state.profile!.means.map(() => 'x'),
          },
        },
      },
      { ...good, options: { ...good.options, seasonality: 'none' } },
      // Internally inconsistent states the scorer never writes:
      { ...good, state: { ...good.state, levelWeight: 2, priorWeight: 5 } }, // priorShare 2.5
      {
        ...good,
        options: { ...good.options, kind: 'real' },
        state: { ...good.state, isCount: true },
      },
      {
        ...good,
        options: { ...good.options, kind: 'count' },
        state: { ...good.state, isCount: false },
      },
      { ...good, state: { ...good.state, runLength: 6, runSide: 1 } }, // a run of regimeRun is accepted
      { ...good, state: { ...good.state, runLength: 2, runSide: 0 } }, // a run has a side
    ];
    for (const json of bad) {
      expect(() => AnomalyScorer.fromJSON(json), JSON.stringify(json)?.slice(0, 80)).toThrow(
        StatsStateError,
      );
    }
  });

  it('rejects bad options and inputs without changing state', () => {
    expect(() => new AnomalyScorer({ budget: 0 })).toThrow(CalibrationError);
    expect(() => new AnomalyScorer({ threshold: 1 })).toThrow(CalibrationError);
    expect(() => new AnomalyScorer({ halfLife: 0 })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ varianceHalfLife: -1 })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ kind: 'float' as never })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ direction: 'sideways' as never })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ regimeRun: 1 })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ clip: 0 })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ trend: 'yes' as never })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ minSeasonSamples: 0 })).toThrow(StatsInputError);
    expect(() => new AnomalyScorer({ prior: { mean: 1, variance: -1, weight: 1 } })).toThrow(
      StatsInputError,
    );
    expect(
      () => new AnomalyScorer({ kind: 'count', prior: { mean: -1, variance: 1, weight: 1 } }),
    ).toThrow(StatsInputError);
    const scorer = new AnomalyScorer({ kind: 'count' });
    scorer.update(3, T0);
    const snapshot = JSON.stringify(scorer);
    expect(() => scorer.update(Number.NaN, T0)).toThrow(StatsInputError);
    expect(() => scorer.update(1, Infinity)).toThrow(StatsInputError);
    expect(() => scorer.update(2.5, T0)).toThrow(StatsInputError);
    expect(() => scorer.update(-1, T0)).toThrow(StatsInputError);
    expect(JSON.stringify(scorer)).toBe(snapshot);
    expect(scorer.alpha).toBe(0.001);
    expect(scorer.threshold).toBe(0.85);
    expect(
      new AnomalyScorer({ budget: { falseAlerts: 1, streams: 100, pointsPerStream: 10 } }).alpha,
    ).toBe(0.001);
  });
});
