import { z } from 'zod';
import {
  alphaForBudget,
  CalibrationError,
  confidenceFromTail,
  DEFAULT_ALERT_THRESHOLD,
  type AlertBudget,
} from './calibration.js';
import { validatePrior, type BaselinePrior } from './ewma.js';
import { SeasonalProfile, type SeasonalCycle } from './seasonal-profile.js';
import { requireInteger, requirePositive, StatsInputError } from './stats-input-error.js';
import { parseState, StatsStateError } from './stats-state-error.js';
import {
  countMidP,
  MIN_PROBABILITY,
  normalUpperTail,
  studentUpperTail,
} from './tail-probability.js';

/**
 * Which predictive distribution {@link AnomalyScorer} uses.
 * - `'count'`: negative binomial (Poisson when not over-dispersed) with mid-p tails. For event
 *   counts per bucket: heavy-tailed, many zeros.
 * - `'real'`: Student t whose degrees of freedom grow with the evidence. For any real metric.
 * - `'auto'` (default): `'count'` while every value is an integer in [0, 1e9] and the data is not
 *   much less spread than Poisson (a dispersion below 0.4 at a mean of 5 or more, after about 100
 *   points, means integer-valued measurements such as temperatures); then `'real'` for good.
 *
 * @example
 * ```ts
 * import { AnomalyScorer, type ValueKind } from 'soc-kit/patterns';
 *
 * const kind: ValueKind = 'count';
 * console.log(new AnomalyScorer({ kind }).update(3, 0).model); // count
 * ```
 */
export type ValueKind = 'auto' | 'count' | 'real';

/**
 * Which deviations count as anomalies: `'up'` (spikes only), `'down'` (drops only) or `'both'`
 * (default; the p-value is the two-sided 2 · min(upper, lower)).
 *
 * @example
 * ```ts
 * import { AnomalyScorer, type AnomalyDirection } from 'soc-kit/patterns';
 *
 * const direction: AnomalyDirection = 'up';
 * console.log(new AnomalyScorer({ direction }).direction); // up
 * ```
 */
export type AnomalyDirection = 'up' | 'down' | 'both';

/**
 * Options of {@link AnomalyScorer}. Every option has a default chosen by the evaluation in
 * `docs/anomaly-scoring.md`.
 *
 * @example
 * ```ts
 * import { AnomalyScorer, type AnomalyScorerOptions } from 'soc-kit/patterns';
 *
 * const options: AnomalyScorerOptions = {
 *   budget: { falseAlerts: 1, streams: 5000, pointsPerStream: 24 }, // 1 false alert/day/guild
 *   direction: 'up',
 *   prior: { mean: 4, variance: 12, weight: 10 }, // the guild's typical user
 * };
 * console.log(new AnomalyScorer(options).alpha.toExponential(2)); // 8.33e-6
 * ```
 */
export interface AnomalyScorerOptions {
  /**
   * False-alert budget, or the per-point false-alert probability α directly. `confidence >=
   * threshold` happens with probability α per point on data that fits the baseline. Default
   * 0.001.
   */
  budget?: AlertBudget | number;
  /** Confidence that α maps to; `anomalous` is `confidence >= threshold`. Default 0.85. */
  threshold?: number;
  /** Half-life of the baseline level, in updates. Default 48. */
  halfLife?: number;
  /** Half-life of the spread (variance) estimate, in updates. Default 3 × halfLife. */
  varianceHalfLife?: number;
  /** Predictive distribution; see {@link ValueKind}. Default `'auto'`. */
  kind?: ValueKind;
  /** Which side is anomalous; see {@link AnomalyDirection}. Default `'both'`. */
  direction?: AnomalyDirection;
  /**
   * Cold-start prior, e.g. the guild or cohort baseline for this kind of stream. The first points
   * are shrunk toward it with the weight given (empirical Bayes), and its influence decays as the
   * stream's own data accumulates. Without a prior, counts are scored from the second point and
   * real values from the third, with wide (over-dispersed / Student t) tails that narrow as
   * evidence grows, so it neither alerts wildly nor waits out a fixed grace period.
   */
  prior?: BaselinePrior;
  /**
   * Seasonal cycle to model, or `'none'`. Default `'hour-weekday-weekend'` (48 slots; JSON state
   * about 2.6 KB, against 0.75 KB with `'none'` and 1.1 KB with `'day-of-week'`). A slot is used
   * only once it has `minSeasonSamples` observations, and the season only while it actually
   * reduces the residual spread, so a non-seasonal stream loses nothing but the state size.
   */
  seasonality?: SeasonalCycle | 'none';
  /** UTC offset in minutes for named seasonal cycles. Default 0. */
  utcOffsetMinutes?: number;
  /** Observations a seasonal slot needs before it is used. Default 3. */
  minSeasonSamples?: number;
  /**
   * Model a damped trend of the level (Holt's method, damping 0.99 per update), so steadily rising
   * or falling series are predicted without lag. Default true.
   */
  trend?: boolean;
  /**
   * Consecutive anomalous points on the same side after which the scorer accepts a level shift
   * as the new normal and re-centres on those points. Also the half-life of the recent anomaly
   * rate that accepts a change of spread (mostly anomalous points on both sides). Default 6.
   */
  regimeRun?: number;
  /**
   * Residuals are clipped at ± clip · predictive scale before they update the baseline, so a spike
   * moves the baseline by at most that much. Default 3.
   */
  clip?: number;
}

/**
 * The result of one {@link AnomalyScorer.update}: a calibrated confidence and the factors behind
 * it.
 *
 * @example
 * ```ts
 * import { AnomalyScorer, type AnomalyScore } from 'soc-kit/patterns';
 *
 * const scorer = new AnomalyScorer({ prior: { mean: 10, variance: 10, weight: 20 } });
 * const score: AnomalyScore = scorer.update(60, Date.now());
 * console.log(score.anomalous, score.expected, score.zScore.toFixed(1));
 * ```
 */
export interface AnomalyScore {
  /** Calibrated confidence in [0, 1] that this point is anomalous; never NaN. */
  confidence: number;
  /** `confidence >= threshold`. */
  anomalous: boolean;
  /** Tail probability of a value at least this extreme under the baseline (in the scored direction). */
  pValue: number;
  /** The value scored. */
  value: number;
  /** Its timestamp. */
  timestamp: number;
  /** Predicted value: baseline level plus seasonal offset. */
  expected: number;
  /** Predictive standard deviation. */
  scale: number;
  /** (value − expected) / scale. */
  zScore: number;
  /** Side of the deviation. */
  side: 'up' | 'down';
  /** Predictive distribution used for this point. */
  model: 'count' | 'real';
  /** Seasonal offset included in `expected` (0 when seasonality is off or not yet reliable). */
  seasonalOffset: number;
  /** Effective number of observations behind the baseline, prior included. */
  evidence: number;
  /** Share (0..1) of the baseline level still owed to the prior. */
  priorShare: number;
  /** No baseline yet (first point without a prior): confidence is 0. */
  warmingUp: boolean;
  /**
   * This point completed a run of anomalies that made the scorer accept a new normal: a new level
   * (run on one side) or a new spread (run on both sides).
   */
  regimeShift: boolean;
}

/**
 * Plain-JSON form of an {@link AnomalyScorer}; small enough to persist per user (about 0.75 KB
 * without seasonality, 2.6 KB with the default 48-slot season).
 *
 * @example
 * ```ts
 * import { AnomalyScorer, type AnomalyScorerJSON } from 'soc-kit/patterns';
 *
 * const json: AnomalyScorerJSON = new AnomalyScorer().toJSON();
 * console.log(json.version); // 1
 * ```
 */
export interface AnomalyScorerJSON {
  /** Format version; currently 1. */
  version: 1;
  /** Resolved options. */
  options: {
    /** Per-point false-alert probability. */
    alpha: number;
    /** Alert threshold on confidence. */
    threshold: number;
    /** Level half-life in updates. */
    halfLife: number;
    /** Spread half-life in updates. */
    varianceHalfLife: number;
    /** Value kind option. */
    kind: ValueKind;
    /** Scored direction. */
    direction: AnomalyDirection;
    /** Seasonal cycle or `'none'`. */
    seasonality: SeasonalCycle | 'none';
    /** UTC offset of named cycles, minutes. */
    utcOffsetMinutes: number;
    /** Observations before a slot is used. */
    minSeasonSamples: number;
    /** Whether the damped trend is modelled. */
    trend: boolean;
    /** Anomalous run length that accepts a level shift. */
    regimeRun: number;
    /** Residual clip, in predictive scales. */
    clip: number;
  };
  /** Learned state. */
  state: {
    /** Updates so far. */
    count: number;
    /** Whether the count model is in use. */
    isCount: boolean;
    /** Baseline level (deseasonalised). */
    level: number;
    /** Damped trend of the level, per update. */
    trend: number;
    /** Decayed weight sum behind the level. */
    levelWeight: number;
    /** Decayed squared-weight sum behind the level. */
    levelWeight2: number;
    /** Part of `levelWeight` still owed to the prior. */
    priorWeight: number;
    /** Residual spread around the level alone (a dispersion for counts). */
    plainVar: number;
    /** Weight sum behind `plainVar`. */
    plainWeight: number;
    /** Squared-weight sum behind `plainVar`. */
    plainWeight2: number;
    /** Residual spread around level + season. */
    seasonVar: number;
    /** Weight sum behind `seasonVar`. */
    seasonWeight: number;
    /** Squared-weight sum behind `seasonVar`. */
    seasonWeight2: number;
    /** Length of the current run of same-side anomalies. */
    runLength: number;
    /** Side of that run: 1, −1 or 0. */
    runSide: number;
    /** Sum of the deseasonalised values in the run. */
    runSum: number;
    /** Recent share of anomalous points (half-life `regimeRun`). */
    recentRate: number;
    /** Recent mean side of anomalies (+1 up, −1 down, 0 none); near 0 when mixed. */
    recentSide: number;
    /** Recent unclipped residual spread (dispersion units for counts). */
    recentSpread: number;
    /** Mean clipped |z| of real residuals (tail heaviness). */
    absZ: number;
    /** Weight behind `absZ`. */
    absWeight: number;
    /** Update count from which `absZ` learns. */
    tailStart: number;
    /**
     * Slow deseasonalised level the seasonal slots are learned against (absent in states written
     * before it existed: then the level is used).
     */
    seasonBase?: number;
    /** Weight behind `seasonBase`. */
    seasonBaseWeight?: number;
    /** Seasonal slot weights and means (slot spreads are not used by the scorer). */
    profile: {
      /** Decayed observation weight per slot. */
      weights: number[];
      /** Mean per slot: an offset (real) or a factor (counts). */
      means: number[];
    } | null;
  };
}

const cycleSchema = z.union([
  z.enum(['none', 'hour-of-day', 'hour-of-week', 'hour-weekday-weekend', 'day-of-week']),
  z.object({ slots: z.int().min(1).max(100_000), slotMs: z.number().positive() }),
]);
const nonNegative = z.number().min(0);
const scorerSchema = z.object({
  version: z.literal(1),
  options: z.object({
    alpha: z.number().gt(0).lt(1),
    threshold: z.number().gt(0).lt(1),
    halfLife: z.number().positive(),
    varianceHalfLife: z.number().positive(),
    kind: z.enum(['auto', 'count', 'real']),
    direction: z.enum(['up', 'down', 'both']),
    seasonality: cycleSchema,
    utcOffsetMinutes: z.number().min(-1440).max(1440),
    minSeasonSamples: z.number().positive(),
    trend: z.boolean(),
    regimeRun: z.int().min(2),
    clip: z.number().positive(),
  }),
  state: z.object({
    count: z.int().min(0),
    isCount: z.boolean(),
    level: z.number(),
    trend: z.number(),
    levelWeight: nonNegative,
    levelWeight2: nonNegative,
    priorWeight: nonNegative,
    plainVar: nonNegative,
    plainWeight: nonNegative,
    plainWeight2: nonNegative,
    seasonVar: nonNegative,
    seasonWeight: nonNegative,
    seasonWeight2: nonNegative,
    runLength: z.int().min(0),
    runSide: z.union([z.literal(-1), z.literal(0), z.literal(1)]),
    runSum: z.number(),
    recentRate: z.number().min(0).max(1),
    recentSide: z.number().min(-1).max(1),
    recentSpread: nonNegative,
    absZ: z.number().min(0),
    absWeight: nonNegative,
    tailStart: nonNegative,
    seasonBase: z.number().optional(),
    seasonBaseWeight: nonNegative.optional(),
    profile: z.object({ weights: z.array(z.unknown()), means: z.array(z.unknown()) }).nullable(),
  }),
});

// Above this mean a count is scored with the real-valued path (continuity-corrected): the NB is
// near-normal there and the incomplete beta would need many iterations.
const COUNT_NORMAL_ABOVE = 1000;
const MAX_COUNT = 1e9;
const COUNT_EXACT_FROM_Z = 1.28;
// 'auto' leaves the count model when the dispersion (variance / mean) is below this, with at
// least this much evidence and mean: a Poisson stream gets there with odds below 1e-5.
const UNDERDISPERSED_BELOW = 0.4;
const UNDERDISPERSED_AFTER = 100;
const UNDERDISPERSED_MEAN = 5;
// ... or above this: such bursty counts (NAB's tweet volumes) have heavier tails than a negative
// binomial, and only the real model learns the tail shape (NAB false alerts 14.5 → 7.3 per 1,000).
const OVERDISPERSED_ABOVE = 16;
// While a season explains this much of the variance, a point in a slot with too few samples
// leaves the level alone (it would drag the level to that slot's unknown seasonal value).
const SEASON_STRONG = 0.25;
const VARIANCE_CAP = 1e300;
// The seasonal model is used only while it beats the plain level by this factor in variance.
const SEASON_GAIN = 0.9;
// Weak prior on over-dispersion for counts: variance μ + μ², worth this many residuals.
const DISPERSION_PRIOR_WEIGHT = 2;
// Counts: seasonal factors multiply (level + ½), so empty night hours do not divide by zero.
const COUNT_SMOOTHING = 0.5;
// A new spread is accepted when more than this share of recent points were anomalous.
const SPREAD_SHIFT_RATE = 0.5;
const MIN_COUNT_FACTOR = 0.02;
// Holt's damped trend: damping φ per update and the trend's share β of each level correction.
const TREND_DAMPING = 0.99;
const TREND_GAIN = 0.05;
const COUNT_SPREAD_CLIP_EXTRA = 2;
const GAUSSIAN_ABS_Z = 0.8;
// The tail estimate starts from "Gaussian", worth this many residuals.
const TAIL_PRIOR_WEIGHT = 200;
// Filled in from simulation below.
const TAIL_SHAPE: ReadonlyArray<readonly [number, number]> = [
  [2.2, 0.714],
  [2.5, 0.725],
  [3, 0.739],
  [3.5, 0.748],
  [4, 0.755],
  [5, 0.765],
  [6, 0.772],
  [8, 0.78],
  [10, 0.784],
  [15, 0.79],
  [30, 0.796],
];
// The mean |z| is read with this margin (about 1.3 standard errors at the tail half-life) so
// Gaussian noise in the estimate does not pass for heavy tails.
const TAIL_MARGIN = 0.012;
// Tail shape is a slow property: its half-life is this multiple of the variance half-life.
const TAIL_HALF_LIFE_FACTOR = 10;

/**
 * Streaming anomaly scorer for one numeric series: `update(value, timestamp)` returns a calibrated
 * confidence that the point is anomalous, plus the factors behind it. It sees only past and
 * current values (causal), and every update is O(1) in time and memory.
 *
 * Method (chosen on labelled data; see `docs/anomaly-scoring.md`):
 * - Baseline: an exponentially weighted level with a damped trend (Holt), and a residual spread
 *   (half-lives in updates), normalised by their weight sums so cold start is unbiased, optionally
 *   seeded by a prior.
 * - Prediction: level + seasonal offset for the slot, when seasonality is on and has earned it.
 * - Tail: negative binomial / Poisson mid-p for counts, Student t for real values with degrees of
 *   freedom equal to the effective sample size (wide while young, normal once mature).
 * - Calibration: p-value → confidence by `calibrateTail`, so `confidence >= 0.85` fires on a
 *   fraction α of normal points (α from the budget).
 * - Robustness: residuals are clipped at ±3 scales before updating, so spikes barely move the
 *   baseline; `regimeRun` anomalous points in a row on one side are accepted as a level shift,
 *   and mostly anomalous recent points on both sides as a change of spread.
 *
 * Guarantees: confidence is in [0, 1] and never NaN for finite input (long runs of zeros and
 * constants included); state size does not grow with the number of updates; `toJSON`/`fromJSON`
 * round-trips exactly, so restoring and continuing gives the same scores as never stopping.
 * Timestamps are used only to pick the seasonal slot; out-of-order timestamps are scored in the
 * order given.
 *
 * @example
 * ```ts
 * import { AnomalyScorer } from 'soc-kit/patterns';
 *
 * const scorer = new AnomalyScorer({ direction: 'up' });
 * const hour = 3_600_000;
 * for (let i = 0; i < 200; i++) scorer.update(5 + (i % 3), i * hour); // messages per hour
 * const burst = scorer.update(40, 200 * hour);
 * console.log(burst.anomalous, burst.confidence.toFixed(3), burst.expected.toFixed(1));
 * ```
 */
export class AnomalyScorer {
  readonly #alpha: number;
  readonly #logAlpha: number;
  readonly #threshold: number;
  readonly #logMiss: number;
  readonly #halfLife: number;
  readonly #varianceHalfLife: number;
  readonly #levelDecay: number;
  readonly #varianceDecay: number;
  readonly #tailDecay: number;
  readonly #kind: ValueKind;
  readonly #direction: AnomalyDirection;
  readonly #seasonality: SeasonalCycle | 'none';
  readonly #utcOffsetMinutes: number;
  readonly #minSeasonSamples: number;
  readonly #regimeRun: number;
  readonly #clip: number;
  readonly #trendDamping: number;
  readonly #recentGain: number;
  readonly #underdispersedAfter: number;
  readonly #trendGain: number;
  #profile: SeasonalProfile | null;

  #count = 0;
  #isCount: boolean;
  #level = 0;
  // Damped additive trend of the (deseasonalised) level, per update.
  #trend = 0;
  #levelWeight = 0;
  #levelWeight2 = 0;
  #priorWeight = 0;
  // Residual variance around the level alone, and around level + seasonal offset.
  #plainVar = 0;
  #plainWeight = 0;
  #plainWeight2 = 0;
  #seasonVar = 0;
  #seasonWeight = 0;
  #seasonWeight2 = 0;
  #runLength = 0;
  #runSide = 0;
  #runSum = 0;
  // Recent share of anomalous points, and recent unclipped spread (spread units).
  #recentRate = 0;
  #recentSide = 0;
  #recentSpread = 0;
  // Mean of min(|z|, clip) of real-valued residuals: ≈ 0.797 for Gaussian, lower for heavy tails.
  #absZ = GAUSSIAN_ABS_Z;
  #absWeight = TAIL_PRIOR_WEIGHT;
  #tailStart: number;
  #seasonBase = 0;
  #seasonBaseWeight = 0;

  /**
   * @param options - Budget, half-lives, value kind, direction, prior, seasonality; all optional.
   * @throws {@link CalibrationError} if the budget or threshold is invalid.
   * @throws {@link StatsInputError} if a half-life, `clip` or `minSeasonSamples` is not a finite
   *   number > 0, `regimeRun` is not an integer >= 2, `kind` or `direction` is unknown, the prior
   *   is invalid, or the seasonal cycle is invalid.
   */
  constructor(options: AnomalyScorerOptions = {}) {
    this.#alpha = alphaForBudget(options.budget ?? 0.001);
    this.#logAlpha = Math.log(this.#alpha);
    const threshold = options.threshold ?? DEFAULT_ALERT_THRESHOLD;
    if (!(threshold > 0 && threshold < 1)) {
      throw new CalibrationError(`threshold must be in (0, 1), got ${String(threshold)}`);
    }
    this.#threshold = threshold;
    this.#logMiss = Math.log1p(-threshold);
    this.#halfLife = options.halfLife ?? 48;
    requirePositive(this.#halfLife, 'AnomalyScorer halfLife');
    this.#varianceHalfLife = options.varianceHalfLife ?? 3 * this.#halfLife;
    requirePositive(this.#varianceHalfLife, 'AnomalyScorer varianceHalfLife');
    this.#levelDecay = Math.pow(0.5, 1 / this.#halfLife);
    this.#varianceDecay = Math.pow(0.5, 1 / this.#varianceHalfLife);
    this.#tailStart = this.#varianceHalfLife;
    // The spread's weight saturates at 1 / (1 − decay); short half-lives need a lower bar.
    this.#underdispersedAfter = Math.min(UNDERDISPERSED_AFTER, 0.5 / (1 - this.#varianceDecay));
    this.#tailDecay = Math.pow(0.5, 1 / (TAIL_HALF_LIFE_FACTOR * this.#varianceHalfLife));
    this.#kind = options.kind ?? 'auto';
    if (this.#kind !== 'auto' && this.#kind !== 'count' && this.#kind !== 'real') {
      throw new StatsInputError(
        `unknown kind "${String(this.#kind)}"; expected 'auto', 'count' or 'real'`,
      );
    }
    this.#isCount = this.#kind !== 'real';
    this.#direction = options.direction ?? 'both';
    if (this.#direction !== 'up' && this.#direction !== 'down' && this.#direction !== 'both') {
      throw new StatsInputError(
        `unknown direction "${String(this.#direction)}"; expected 'up', 'down' or 'both'`,
      );
    }
    this.#minSeasonSamples = options.minSeasonSamples ?? 3;
    requirePositive(this.#minSeasonSamples, 'AnomalyScorer minSeasonSamples');
    this.#regimeRun = options.regimeRun ?? 6;
    requireInteger(this.#regimeRun, 'AnomalyScorer regimeRun', 2);
    this.#clip = options.clip ?? 3;
    const trend = options.trend ?? true;
    if (typeof trend !== 'boolean') {
      throw new StatsInputError(`trend must be a boolean, got ${String(trend)}`);
    }
    this.#recentGain = 1 - Math.pow(0.5, 1 / this.#regimeRun);
    this.#trendDamping = trend ? TREND_DAMPING : 0;
    this.#trendGain = trend ? TREND_GAIN : 0;
    requirePositive(this.#clip, 'AnomalyScorer clip');
    this.#seasonality = options.seasonality ?? 'hour-weekday-weekend';
    this.#utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.#profile = this.#seasonality === 'none' ? null : this.#newProfile();
    if (options.prior !== undefined) {
      const prior = options.prior;
      validatePrior(prior, 'AnomalyScorer prior');
      if (this.#kind === 'count' && prior.mean < 0) {
        throw new StatsInputError('a count prior needs mean >= 0');
      }
      this.#level = prior.mean;
      this.#levelWeight = prior.weight;
      this.#levelWeight2 = prior.weight;
      this.#priorWeight = prior.weight;
      // Counts keep their spread as a dispersion (variance / mean).
      const spread = this.#isCount
        ? prior.variance / (prior.mean > 0 ? prior.mean : 1)
        : prior.variance;
      this.#plainVar = spread;
      this.#plainWeight = prior.weight;
      this.#plainWeight2 = prior.weight;
      this.#seasonVar = spread;
      this.#seasonWeight = prior.weight;
      this.#seasonWeight2 = prior.weight;
    }
  }

  /**
   * Restores a scorer saved with {@link AnomalyScorer.toJSON}. Continuing the restored scorer
   * gives exactly the scores the original would have given.
   *
   * @param json - Parsed JSON.
   * @returns The restored scorer.
   * @throws {@link StatsStateError} if `json` is not a valid saved state.
   *
   * @example
   * ```ts
   * import { AnomalyScorer } from 'soc-kit/patterns';
   *
   * const scorer = new AnomalyScorer();
   * for (let i = 0; i < 50; i++) scorer.update(i % 4, i);
   * const saved = JSON.stringify(scorer);
   * const restored = AnomalyScorer.fromJSON(JSON.parse(saved));
   * console.log(restored.update(3, 50).confidence === scorer.update(3, 50).confidence); // true
   * ```
   */
  static fromJSON(json: unknown): AnomalyScorer {
    const parsed = parseState('AnomalyScorer', scorerSchema, json);
    const { options: o, state: s } = parsed;
    let scorer: AnomalyScorer;
    try {
      scorer = new AnomalyScorer({
        budget: o.alpha,
        threshold: o.threshold,
        halfLife: o.halfLife,
        varianceHalfLife: o.varianceHalfLife,
        kind: o.kind,
        direction: o.direction,
        seasonality: o.seasonality,
        utcOffsetMinutes: o.utcOffsetMinutes,
        minSeasonSamples: o.minSeasonSamples,
        regimeRun: o.regimeRun,
        clip: o.clip,
        trend: o.trend,
      });
    } catch (error) {
      throw new StatsStateError('AnomalyScorer', (error as Error).message, { cause: error });
    }
    // States the scorer can never write: restoring them would break its invariants (a prior
    // share above 1, a count model on reals, a run that should already have been accepted).
    const inconsistency =
      s.priorWeight > s.levelWeight * (1 + 1e-9)
        ? 'priorWeight must not exceed levelWeight'
        : (o.kind === 'real' && s.isCount) || (o.kind === 'count' && !s.isCount)
          ? `isCount ${String(s.isCount)} contradicts kind '${o.kind}'`
          : s.runLength >= o.regimeRun
            ? 'runLength must be below regimeRun'
            : (s.runLength === 0) !== (s.runSide === 0)
              ? 'runSide must be 0 exactly when runLength is 0'
              : undefined;
    if (inconsistency !== undefined) throw new StatsStateError('AnomalyScorer', inconsistency);
    if ((o.seasonality === 'none') !== (s.profile === null)) {
      throw new StatsStateError(
        'AnomalyScorer',
        'profile must be present exactly when seasonality is on',
      );
    }
    if (s.profile !== null) {
      const fresh = scorer.#newProfile().toJSON();
      if (
        s.profile.weights.length !== fresh.weights.length ||
        s.profile.means.length !== fresh.means.length
      ) {
        throw new StatsStateError('AnomalyScorer', 'profile does not match the seasonal cycle');
      }
      scorer.#profile = SeasonalProfile.fromJSON({
        ...fresh,
        weights: s.profile.weights,
        means: s.profile.means,
      });
    }
    scorer.#count = s.count;
    scorer.#isCount = s.isCount;
    scorer.#level = s.level;
    scorer.#trend = s.trend;
    scorer.#levelWeight = s.levelWeight;
    scorer.#levelWeight2 = s.levelWeight2;
    scorer.#priorWeight = s.priorWeight;
    scorer.#plainVar = s.plainVar;
    scorer.#plainWeight = s.plainWeight;
    scorer.#plainWeight2 = s.plainWeight2;
    scorer.#seasonVar = s.seasonVar;
    scorer.#seasonWeight = s.seasonWeight;
    scorer.#seasonWeight2 = s.seasonWeight2;
    scorer.#runLength = s.runLength;
    scorer.#runSide = s.runSide;
    scorer.#runSum = s.runSum;
    scorer.#recentRate = s.recentRate;
    scorer.#recentSide = s.recentSide;
    scorer.#recentSpread = s.recentSpread;
    scorer.#absZ = s.absZ;
    scorer.#absWeight = s.absWeight;
    scorer.#tailStart = s.tailStart;
    scorer.#seasonBase = s.seasonBase ?? s.level;
    scorer.#seasonBaseWeight = s.seasonBaseWeight ?? s.levelWeight;
    return scorer;
  }

  /** Per-point false-alert probability α in use. */
  get alpha(): number {
    return this.#alpha;
  }

  /** Confidence at which `anomalous` becomes true. */
  get threshold(): number {
    return this.#threshold;
  }

  /** Scored direction. */
  get direction(): AnomalyDirection {
    return this.#direction;
  }

  /** Number of updates so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Scores `value`, then learns from it. O(1).
   *
   * @param value - The observation: a count or any finite real.
   * @param timestamp - Epoch ms of the observation (used for the seasonal slot only).
   * @returns The score and its factors.
   * @throws {@link StatsInputError} if `value` or `timestamp` is not finite, or `kind` is
   *   `'count'` and `value` is not an integer in [0, 1e9]. The scorer is unchanged.
   *
   * @example
   * ```ts
   * import { AnomalyScorer } from 'soc-kit/patterns';
   *
   * const scorer = new AnomalyScorer({ kind: 'real' });
   * for (let i = 0; i < 100; i++) scorer.update(20 + Math.sin(i), i * 60_000);
   * console.log(scorer.update(35, 100 * 60_000).anomalous); // true
   * ```
   */
  update(value: number, timestamp: number): AnomalyScore {
    if (value - value !== 0 || timestamp - timestamp !== 0) {
      throw new StatsInputError(
        `AnomalyScorer.update needs finite value and timestamp, got ${String(value)} at ${String(timestamp)}`,
      );
    }
    if (this.#isCount && !(value >= 0 && value <= MAX_COUNT && Math.floor(value) === value)) {
      if (this.#kind === 'count') {
        throw new StatsInputError(
          `kind 'count' needs integer values in [0, 1e9], got ${String(value)}`,
        );
      }
      this.#switchToReal();
    } else if (
      this.#isCount &&
      this.#kind === 'auto' &&
      this.#plainWeight >= this.#underdispersedAfter &&
      this.#level >= UNDERDISPERSED_MEAN &&
      (this.#plainVar < UNDERDISPERSED_BELOW || this.#plainVar > OVERDISPERSED_ABOVE)
    ) {
      // Integers far less spread than Poisson (temperatures, sizes, levels) are measurements,
      // not event counts: a Poisson floor would hide their anomalies. Far more spread than
      // Poisson, they are bursty, and the real model's learned tail fits them better.
      this.#switchToReal();
    }

    // --- predict -------------------------------------------------------------------------------
    // Counts use a multiplicative season on (level + ½) and a quasi-Poisson dispersion (variance
    // / mean); real values use an additive season and a residual variance.
    const isCount = this.#isCount;
    const identity = isCount ? 1 : 0;
    const profile = this.#profile;
    let slot = -1;
    let slotValue = identity;
    let seasonActive = false;
    if (profile !== null) {
      slot = profile.slotOfUnchecked(timestamp);
      const slotWeight = profile.weightAt(slot);
      if (slotWeight > 0) slotValue = profile.meanAt(slot);
      seasonActive =
        slotWeight >= this.#minSeasonSamples && this.#seasonVar < SEASON_GAIN * this.#plainVar;
    }
    // A count factor is kept away from 0 so deseasonalising never divides by zero.
    const seasonal = seasonActive
      ? isCount && slotValue < MIN_COUNT_FACTOR
        ? MIN_COUNT_FACTOR
        : slotValue
      : identity;
    const hasLevel = this.#levelWeight > 0;
    // One-step prediction of the level: Holt's damped trend.
    const level = bounded(this.#level + this.#trendDamping * this.#trend);
    const residualVar = seasonActive ? this.#seasonVar : this.#plainVar;
    const residualWeight = seasonActive ? this.#seasonWeight : this.#plainWeight;
    const residualWeight2 = seasonActive ? this.#seasonWeight2 : this.#plainWeight2;
    const countFloor = 0.5 / (this.#levelWeight + 1);

    const expected = isCount
      ? predictCount(level, seasonal, countFloor)
      : bounded(level + seasonal);
    let variance: number;
    let pValue = 1;
    let warmingUp = false;
    if (!hasLevel || (!isCount && residualWeight === 0)) {
      warmingUp = true;
      variance = 0;
    } else if (isCount) {
      // Dispersion shrunk toward the over-dispersed μ + μ² (dispersion 1 + μ) while evidence is
      // thin; never below Poisson inflated by the uncertainty of the rate itself.
      // The dispersion prior fades like an observation made before the first one.
      const fade = 1 - residualWeight * (1 - this.#varianceDecay);
      const priorWeight = fade > 0 ? DISPERSION_PRIOR_WEIGHT * fade : 0;
      const dispersion =
        (residualWeight * residualVar + priorWeight * (1 + expected)) /
        (residualWeight + priorWeight);
      const minimum = 1 + 1 / this.#levelWeight;
      variance = (dispersion > minimum ? dispersion : minimum) * expected;
    } else {
      variance = residualVar;
    }
    if (!isCount) {
      // A floor against zero spread on constant streams: any change from a constant is news, but
      // the score must stay finite.
      const floor = 1e-18 * (1 + level * level);
      if (variance < floor) variance = floor;
    }
    if (variance > VARIANCE_CAP) variance = VARIANCE_CAP;
    const scale = Math.sqrt(variance);
    let deviation = value - expected;
    if (deviation > 1e300) deviation = 1e300;
    else if (deviation < -1e300) deviation = -1e300;
    const zScore = warmingUp ? 0 : deviation / scale;
    const side = deviation >= 0 ? 1 : -1;

    if (!warmingUp && (this.#direction === 'both' || (this.#direction === 'up') === side > 0)) {
      const upper = side > 0;
      if (isCount) {
        // Near the baseline (p > 0.1, confidence well below any threshold) and for large means
        // the continuity-corrected normal tail is enough; the exact tail costs ~10× more.
        const corrected = (Math.abs(deviation) - 0.5) / scale;
        pValue =
          corrected < COUNT_EXACT_FROM_Z || expected > COUNT_NORMAL_ABOVE
            ? corrected > 0
              ? normalUpperTail(corrected)
              : 0.5
            : countMidP(value, expected, variance, upper);
      } else {
        const kish = (residualWeight * residualWeight) / residualWeight2;
        const shape = tailDof(this.#absZ + TAIL_MARGIN);
        const dof = kish < shape ? kish : shape;
        pValue = studentUpperTail(zScore * side, dof > 1 ? dof : 1);
      }
      if (this.#direction === 'both') pValue *= 2;
      if (pValue > 1) pValue = 1;
      else if (!(pValue >= MIN_PROBABILITY)) pValue = MIN_PROBABILITY;
    }
    const confidence = confidenceFromTail(pValue, this.#logAlpha, this.#logMiss);
    const anomalous = confidence >= this.#threshold;

    // --- learn ---------------------------------------------------------------------------------
    const priorShare = hasLevel ? this.#priorWeight / this.#levelWeight : 0;
    const evidence = this.#levelWeight;
    let regimeShift = false;
    this.#count++;
    if (!hasLevel) {
      this.#level = value;
      this.#levelWeight = 1;
      this.#levelWeight2 = 1;
    } else {
      const deseasonalised = isCount
        ? (value + COUNT_SMOOTHING) / seasonal - COUNT_SMOOTHING
        : bounded(value - seasonal);
      if (profile !== null && !warmingUp) {
        // The slots are learned against a slow base, not the level: the level follows regime
        // shifts, and a daily pattern much larger than the noise would otherwise be taken for
        // two level shifts a day and never reach the season.
        if (this.#seasonBaseWeight === 0) this.#seasonBase = level;
        let input = value;
        if (seasonActive) {
          const limit = this.#clip * scale;
          input =
            deviation > limit ? expected + limit : deviation < -limit ? expected - limit : value;
        }
        const known = profile.weightAt(slot) > 0;
        const x = isCount
          ? (input + COUNT_SMOOTHING) /
              (known && slotValue > MIN_COUNT_FACTOR ? slotValue : known ? MIN_COUNT_FACTOR : 1) -
            COUNT_SMOOTHING
          : bounded(input - (known ? slotValue : 0));
        const bw = this.#seasonBaseWeight * this.#varianceDecay + 1;
        this.#seasonBase = bounded(this.#seasonBase + (x - this.#seasonBase) / bw);
        this.#seasonBaseWeight = bw;
      }
      if (anomalous && side === this.#runSide) {
        this.#runLength++;
        this.#runSum = bounded(this.#runSum + deseasonalised);
      } else if (anomalous) {
        this.#runSide = side;
        this.#runLength = 1;
        this.#runSum = deseasonalised;
      } else {
        this.#runLength = 0;
        this.#runSide = 0;
        this.#runSum = 0;
      }
      // Mostly-anomalous recent points on both sides mean a change of spread (e.g. a flat line
      // that starts to move): it is accepted like a level shift, or clipped updates would take
      // hundreds of points to widen. Both trackers have a half-life of `regimeRun` points.
      const squared = isCount ? (deviation * deviation) / expected : deviation * deviation;
      const r = this.#recentGain;
      this.#recentRate += r * ((anomalous ? 1 : 0) - this.#recentRate);
      this.#recentSide += r * ((anomalous ? side : 0) - this.#recentSide);
      this.#recentSpread +=
        r * ((squared < VARIANCE_CAP ? squared : VARIANCE_CAP) - this.#recentSpread);
      if (this.#runLength >= this.#regimeRun) {
        // Accept the new regime: re-centre on the run and give it the weight of its points.
        regimeShift = true;
        this.#recentRate = 0;
        this.#level = this.#runSum / this.#runLength;
        this.#trend = 0;
        this.#levelWeight = this.#runLength;
        this.#levelWeight2 = this.#runLength;
        this.#priorWeight = 0;
        this.#runLength = 0;
        this.#runSide = 0;
        this.#runSum = 0;
      } else if (
        this.#recentRate > SPREAD_SHIFT_RATE &&
        Math.abs(this.#recentSide) < 0.5 * this.#recentRate &&
        this.#recentSpread > this.#plainVar
      ) {
        regimeShift = true;
        const spread = this.#recentSpread;
        const weight = Math.min(this.#plainWeight, this.#regimeRun);
        this.#plainVar = this.#seasonVar = spread;
        this.#plainWeight = this.#seasonWeight = weight;
        this.#plainWeight2 = this.#seasonWeight2 = weight;
        this.#runLength = 0;
        this.#runSide = 0;
        this.#runSum = 0;
        this.#recentRate = 0;
      } else {
        const limit = warmingUp ? Infinity : this.#clip * scale;
        const clipped = deviation > limit ? limit : deviation < -limit ? -limit : deviation;
        // The value as the baseline learns it (a count cannot be learned below 0).
        const kept = isCount && expected + clipped < 0 ? 0 : bounded(expected + clipped);
        const target = isCount
          ? (kept + COUNT_SMOOTHING) / seasonal - COUNT_SMOOTHING
          : bounded(kept - seasonal);
        const d = this.#levelDecay;
        const weight = this.#levelWeight * d + 1;
        const frozen =
          profile !== null &&
          !seasonActive &&
          profile.weightAt(slot) < this.#minSeasonSamples &&
          this.#seasonVar < SEASON_STRONG * this.#plainVar;
        const correction = frozen ? 0 : (target - level) / weight;
        this.#level = bounded(level + correction);
        this.#trend = bounded(this.#trendDamping * this.#trend + this.#trendGain * correction);
        this.#levelWeight = weight;
        this.#levelWeight2 = this.#levelWeight2 * d * d + 1;
        this.#priorWeight *= d;
        if (!warmingUp && !isCount && this.#count > this.#tailStart) {
          const absZ = Math.abs(zScore);
          this.#absWeight = this.#absWeight * this.#tailDecay + 1;
          this.#absZ += ((absZ < this.#clip ? absZ : this.#clip) - this.#absZ) / this.#absWeight;
        }
        // Residual spreads without and with the slot's seasonal estimate (used or not), so the
        // seasonal model is switched on only while it actually predicts better.
        const plainExpected = isCount ? predictCount(level, identity, countFloor) : level;
        this.#plainVar = this.#spread(
          this.#plainVar,
          value - plainExpected,
          plainExpected,
          warmingUp,
          this.#varianceDecay,
          false,
        );
        this.#plainWeight2 = this.#plainWeight2 * this.#varianceDecay ** 2 + 1;
        this.#plainWeight = this.#plainWeight * this.#varianceDecay + 1;
        if (profile !== null) {
          // Real values: the season model is the slow base plus the slot (counts keep the level).
          const base = isCount ? level : this.#seasonBase;
          const slotExpected = isCount
            ? predictCount(base, slotValue, countFloor)
            : base + slotValue;
          this.#seasonVar = this.#spread(
            this.#seasonVar,
            value - slotExpected,
            slotExpected,
            warmingUp,
            this.#varianceDecay,
            true,
          );
          this.#seasonWeight2 = this.#seasonWeight2 * this.#varianceDecay ** 2 + 1;
          this.#seasonWeight = this.#seasonWeight * this.#varianceDecay + 1;
          const wasMature = profile.weightAt(slot) >= this.#minSeasonSamples;
          // A slot with too few samples learns the value unclipped (it has no spread to clip
          // with yet); a mature one clips at `clip` seasonal scales.
          let learned = value;
          if (wasMature && isCount) learned = kept;
          else if (wasMature && this.#seasonVar > 0) {
            const limit = this.#clip * Math.sqrt(this.#seasonVar);
            const dev = value - slotExpected;
            learned =
              dev > limit ? slotExpected + limit : dev < -limit ? slotExpected - limit : value;
          }
          profile.updateSlot(
            slot,
            isCount
              ? (learned + COUNT_SMOOTHING) / (level + COUNT_SMOOTHING)
              : bounded(learned - base),
          );
          if (
            !wasMature &&
            profile.weightAt(slot) >= this.#minSeasonSamples &&
            this.#seasonVar < SEASON_GAIN * this.#plainVar
          ) {
            // A slot of a season in use just started to count: the residuals are in transition,
            // and their shape says nothing about the tails yet. Restart the tail estimate after
            // it settles. An unused season changes nothing, and restarting anyway kept
            // heavy-tailed streams on Gaussian tails for their first ~900 points.
            this.#absZ = GAUSSIAN_ABS_Z;
            this.#absWeight = TAIL_PRIOR_WEIGHT;
            this.#tailStart = this.#count + 4 * this.#varianceHalfLife;
          }
        }
      }
    }

    return {
      confidence,
      anomalous,
      pValue,
      value,
      timestamp,
      expected,
      scale: warmingUp ? 0 : scale,
      zScore,
      side: side > 0 ? 'up' : 'down',
      model: isCount ? 'count' : 'real',
      seasonalOffset: seasonActive
        ? bounded(expected - (isCount ? predictCount(level, identity, countFloor) : level))
        : 0,
      evidence,
      priorShare,
      warmingUp,
      regimeShift,
    };
  }

  #profileJSON(profile: SeasonalProfile): { weights: number[]; means: number[] } {
    const { weights, means } = profile.toJSON();
    return { weights, means };
  }

  // 'auto' met a non-count: move the spreads from dispersion to variance units and restart the
  // (multiplicative) season as an additive one.
  #switchToReal(): void {
    this.#isCount = false;
    const mean = this.#level > 1e-9 ? this.#level : 1e-9;
    this.#plainVar *= mean;
    this.#seasonVar = this.#plainVar;
    this.#seasonWeight = this.#plainWeight;
    this.#seasonWeight2 = this.#plainWeight2;
    if (this.#profile !== null) this.#profile = this.#newProfile();
  }

  #newProfile(): SeasonalProfile {
    return new SeasonalProfile({
      cycle: this.#seasonality as SeasonalCycle,
      utcOffsetMinutes: this.#utcOffsetMinutes,
      halfLife: 4 * this.#minSeasonSamples,
    });
  }

  // One EW step of a residual spread: squared residual (counts: squared residual / mean, the
  // dispersion), clipped at clip × the current spread so spikes cannot inflate it.
  #spread(
    current: number,
    residual: number,
    mean: number,
    warmingUp: boolean,
    decay: number,
    season: boolean,
  ): number {
    const isCount = this.#isCount;
    let squared = residual * residual;
    if (isCount) squared /= mean;
    if (!warmingUp && current > 0) {
      // Skewed counts need a looser clip, or the dispersion (and so the tail) is underestimated.
      const clip = isCount ? this.#clip + COUNT_SPREAD_CLIP_EXTRA : this.#clip;
      const limit = clip * clip * current;
      if (squared > limit) squared = limit;
    }
    if (squared > VARIANCE_CAP) squared = VARIANCE_CAP;
    const weight = (season ? this.#seasonWeight : this.#plainWeight) * decay + 1;
    return current + (squared - current) / weight;
  }

  /**
   * Plain-JSON state; {@link AnomalyScorer.fromJSON} restores it exactly. Its size does not grow
   * with the number of updates.
   *
   * @returns The state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { AnomalyScorer } from 'soc-kit/patterns';
   *
   * const hour = 3_600_000;
   * const compact = new AnomalyScorer({ seasonality: 'none' });
   * const seasonal = new AnomalyScorer(); // default: 48 weekday/weekend hour slots
   * for (let i = 0; i < 10_000; i++) {
   *   compact.update(i % 7, i * hour);
   *   seasonal.update(i % 7, i * hour);
   * }
   * console.log(JSON.stringify(compact).length, JSON.stringify(seasonal).length); // ≈ 700 ≈ 2600
   * ```
   */
  toJSON(): AnomalyScorerJSON {
    return {
      version: 1,
      options: {
        alpha: this.#alpha,
        threshold: this.#threshold,
        halfLife: this.#halfLife,
        varianceHalfLife: this.#varianceHalfLife,
        kind: this.#kind,
        direction: this.#direction,
        seasonality: this.#seasonality,
        utcOffsetMinutes: this.#utcOffsetMinutes,
        minSeasonSamples: this.#minSeasonSamples,
        regimeRun: this.#regimeRun,
        clip: this.#clip,
        trend: this.#trendDamping > 0,
      },
      state: {
        count: this.#count,
        isCount: this.#isCount,
        level: this.#level,
        trend: this.#trend,
        levelWeight: this.#levelWeight,
        levelWeight2: this.#levelWeight2,
        priorWeight: this.#priorWeight,
        plainVar: this.#plainVar,
        plainWeight: this.#plainWeight,
        plainWeight2: this.#plainWeight2,
        seasonVar: this.#seasonVar,
        seasonWeight: this.#seasonWeight,
        seasonWeight2: this.#seasonWeight2,
        runLength: this.#runLength,
        runSide: this.#runSide,
        runSum: this.#runSum,
        recentRate: this.#recentRate,
        recentSide: this.#recentSide,
        recentSpread: this.#recentSpread,
        absZ: this.#absZ,
        absWeight: this.#absWeight,
        tailStart: this.#tailStart,
        seasonBase: this.#seasonBase,
        seasonBaseWeight: this.#seasonBaseWeight,
        profile: this.#profile === null ? null : this.#profileJSON(this.#profile),
      },
    };
  }
}

// Sums and differences of values near ±Number.MAX_VALUE overflow to ±Infinity, and Infinity −
// Infinity is NaN: every learned or predicted quantity is kept finite, so the scorer stays usable
// (and its JSON restorable) on any finite input.
function bounded(x: number): number {
  return x > Number.MAX_VALUE ? Number.MAX_VALUE : x < -Number.MAX_VALUE ? -Number.MAX_VALUE : x;
}

function predictCount(level: number, seasonal: number, floor: number): number {
  const mean = seasonal * (level + COUNT_SMOOTHING) - COUNT_SMOOTHING;
  return mean > floor ? mean : floor;
}

// E[min(|z|, 3)] of unit-variance Student t residuals, by degrees of freedom (simulated through
// the scorer's own clipped spread estimate). Inverted to read tail heaviness from the residuals.
const TAIL_TABLE: ReadonlyArray<readonly [number, number]> = TAIL_SHAPE;

/** Degrees of freedom matching the observed mean clipped |z|; Infinity for Gaussian-like tails. */
function tailDof(absZ: number): number {
  let previous: readonly [number, number] | undefined;
  for (const entry of TAIL_TABLE) {
    const [dof, at] = entry;
    if (absZ <= at) {
      if (previous === undefined) return dof;
      const [dof0, at0] = previous;
      return dof0 + ((dof - dof0) * (absZ - at0)) / (at - at0);
    }
    previous = entry;
  }
  return Infinity;
}

/**
 * One-line, human-readable explanation of an {@link AnomalyScore}, for alert embeds and logs.
 *
 * @param score - A score from {@link AnomalyScorer.update}.
 * @returns e.g. `"40 vs expected 6.0 ± 2.4 (z 14.1, p 3.2e-9, count model, 180 obs)"`.
 * @throws Never.
 *
 * @example
 * ```ts
 * import { AnomalyScorer, describeAnomaly } from 'soc-kit/patterns';
 *
 * const scorer = new AnomalyScorer({ prior: { mean: 5, variance: 5, weight: 30 } });
 * console.log(describeAnomaly(scorer.update(40, Date.now())));
 * ```
 */
export function describeAnomaly(score: AnomalyScore): string {
  if (score.warmingUp) return `${fmt(score.value)}: no baseline yet`;
  const parts = [
    `z ${score.zScore.toFixed(1)}`,
    `p ${score.pValue.toExponential(1)}`,
    `${score.model} model`,
    `${score.evidence.toFixed(0)} obs`,
  ];
  if (score.seasonalOffset !== 0)
    parts.push(`seasonal ${score.seasonalOffset >= 0 ? '+' : ''}${fmt(score.seasonalOffset)}`);
  if (score.priorShare >= 0.05) parts.push(`${(score.priorShare * 100).toFixed(0)}% prior`);
  if (score.regimeShift) parts.push('new normal accepted');
  return `${fmt(score.value)} vs expected ${fmt(score.expected)} ± ${fmt(score.scale)} (${parts.join(', ')})`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e6 || (Math.abs(x) < 0.01 && x !== 0)
    ? x.toExponential(2)
    : x.toFixed(Number.isInteger(x) ? 0 : 1);
}
