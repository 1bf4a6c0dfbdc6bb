import { z } from 'zod';
import { requireFinite, requirePositive, StatsInputError } from './stats-input-error.js';
import { parseState } from './stats-state-error.js';

/**
 * Prior belief that seeds a baseline before data arrives: "a new user looks like the cohort".
 * `weight` is how many observations the prior is worth; it fades like any other observation.
 *
 * @example
 * ```ts
 * import { Ewma, type BaselinePrior } from 'soc-kit/patterns';
 *
 * const cohort: BaselinePrior = { mean: 12, variance: 16, weight: 5 };
 * console.log(new Ewma({ halfLife: 10, prior: cohort }).mean); // 12
 * ```
 */
export interface BaselinePrior {
  /** Prior mean. */
  mean: number;
  /** Prior variance (>= 0). */
  variance: number;
  /** Pseudo-observations the prior counts for (> 0). */
  weight: number;
}

/**
 * Options of {@link Ewma}. Give exactly one of `halfLife` (in updates) or `halfLifeMs` (in time).
 *
 * @example
 * ```ts
 * import { Ewma, type EwmaOptions } from 'soc-kit/patterns';
 *
 * const options: EwmaOptions = { halfLifeMs: 3_600_000 };
 * console.log(new Ewma(options).halfLifeMs);
 * ```
 */
export interface EwmaOptions {
  /** Updates after which an observation's weight has halved. */
  halfLife?: number;
  /** Milliseconds after which an observation's weight has halved; `update` then needs timestamps. */
  halfLifeMs?: number;
  /** Optional prior that the first observations are shrunk toward. */
  prior?: BaselinePrior;
}

/**
 * Plain-JSON form of an {@link Ewma}.
 *
 * @example
 * ```ts
 * import { Ewma, type EwmaJSON } from 'soc-kit/patterns';
 *
 * const json: EwmaJSON = new Ewma({ halfLife: 5 }).update(3).toJSON();
 * console.log(json.mean, json.weight); // 3 1
 * ```
 */
export interface EwmaJSON {
  /** Half-life in updates, or `null` in time mode. */
  halfLife: number | null;
  /** Half-life in ms, or `null` in update mode. */
  halfLifeMs: number | null;
  /** Sum of decayed weights W. */
  weight: number;
  /** Sum of squared decayed weights (for the effective sample size). */
  weight2: number;
  /** Weighted mean. */
  mean: number;
  /** Weighted sum of squared deviations. */
  m2: number;
  /** Observations seen. */
  count: number;
  /** Timestamp of the latest observation in time mode, else `null`. */
  lastTimestamp: number | null;
}

const ewmaSchema = z
  .object({
    halfLife: z.number().positive().nullable(),
    halfLifeMs: z.number().positive().nullable(),
    weight: z.number().min(0),
    weight2: z.number().min(0),
    mean: z.number(),
    m2: z.number().min(0),
    count: z.int().min(0),
    lastTimestamp: z.number().nullable(),
  })
  .refine((s) => (s.halfLife === null) !== (s.halfLifeMs === null), {
    message: 'exactly one of halfLife and halfLifeMs must be set',
  });

/**
 * Exponentially weighted mean and variance, parameterised by half-life, in O(1) time and memory.
 *
 * Each observation's weight halves every `halfLife` updates (or `halfLifeMs` of time). Weights
 * are normalised by their running sum, so the estimate is unbiased from the first observation: no
 * warm-up artefact pulling early means toward 0. With a `prior`, the estimate starts at the prior
 * and moves toward the data as evidence accumulates (precision-weighted shrinkage).
 *
 * In time mode an update older than the latest one is applied without decay (it is treated as
 * simultaneous); nothing is reordered or dropped.
 *
 * @example
 * ```ts
 * import { Ewma } from 'soc-kit/patterns';
 *
 * const ewma = new Ewma({ halfLife: 10 });
 * for (let i = 0; i < 100; i++) ewma.update(i % 2 === 0 ? 9 : 11);
 * console.log(ewma.mean.toFixed(1), ewma.standardDeviation.toFixed(2)); // 10.0 1.02
 * ```
 */
export class Ewma {
  readonly #halfLife: number | null;
  readonly #halfLifeMs: number | null;
  readonly #decay: number;
  #weight = 0;
  #weight2 = 0;
  #mean = 0;
  #m2 = 0;
  #count = 0;
  #lastTimestamp: number | null = null;

  /**
   * @param options - `halfLife` or `halfLifeMs`, and an optional `prior`.
   * @throws {@link StatsInputError} if neither or both half-lives are given, one is not a finite
   *   number > 0, or the prior has a non-finite field, a negative variance or a weight <= 0.
   */
  constructor(options: EwmaOptions) {
    const { halfLife, halfLifeMs, prior } = options;
    if ((halfLife === undefined) === (halfLifeMs === undefined)) {
      throw new StatsInputError('Ewma needs exactly one of halfLife (updates) or halfLifeMs');
    }
    if (halfLife !== undefined) requirePositive(halfLife, 'Ewma halfLife');
    if (halfLifeMs !== undefined) requirePositive(halfLifeMs, 'Ewma halfLifeMs');
    this.#halfLife = halfLife ?? null;
    this.#halfLifeMs = halfLifeMs ?? null;
    this.#decay = halfLife === undefined ? 1 : Math.pow(0.5, 1 / halfLife);
    if (prior !== undefined) {
      validatePrior(prior, 'Ewma prior');
      // The prior counts as `weight` unit observations with the prior's mean and variance; a
      // prior worth one observation or less carries a mean but no variance.
      this.#weight = prior.weight;
      this.#weight2 = prior.weight;
      this.#mean = prior.mean;
      this.#m2 = prior.variance * Math.max(0, prior.weight - 1);
    }
  }

  /**
   * Restores an instance saved with {@link Ewma.toJSON}.
   *
   * @param json - Parsed JSON.
   * @returns The restored instance.
   * @throws {@link StatsStateError} if `json` is not a valid saved state.
   *
   * @example
   * ```ts
   * import { Ewma } from 'soc-kit/patterns';
   *
   * const saved = JSON.stringify(new Ewma({ halfLife: 4 }).update(2).update(4));
   * console.log(Ewma.fromJSON(JSON.parse(saved)).mean);
   * ```
   */
  static fromJSON(json: unknown): Ewma {
    const state = parseState('Ewma', ewmaSchema, json);
    const ewma =
      state.halfLife === null
        ? new Ewma({ halfLifeMs: state.halfLifeMs ?? 1 })
        : new Ewma({ halfLife: state.halfLife });
    ewma.#weight = state.weight;
    ewma.#weight2 = state.weight2;
    ewma.#mean = state.mean;
    ewma.#m2 = state.m2;
    ewma.#count = state.count;
    ewma.#lastTimestamp = state.lastTimestamp;
    return ewma;
  }

  /** Half-life in updates, or `undefined` in time mode. */
  get halfLife(): number | undefined {
    return this.#halfLife ?? undefined;
  }

  /** Half-life in milliseconds, or `undefined` in update mode. */
  get halfLifeMs(): number | undefined {
    return this.#halfLifeMs ?? undefined;
  }

  /** Observations seen (the prior does not count). */
  get count(): number {
    return this.#count;
  }

  /** Weighted mean; `NaN` before any observation or prior. */
  get mean(): number {
    return this.#weight === 0 ? Number.NaN : this.#mean;
  }

  /**
   * Weighted variance with the reliability-weights correction (M2 / (W − ΣW²/W)), which reduces to
   * the sample variance when all weights are equal; `NaN` until the effective sample size exceeds 1.
   */
  get variance(): number {
    const denominator = this.#weight - this.#weight2 / this.#weight;
    return denominator > 1e-12 ? this.#m2 / denominator : Number.NaN;
  }

  /** Square root of {@link Ewma.variance}. */
  get standardDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** Sum of the decayed weights; tends to 1 / (1 − decay) ≈ 1.44 · halfLife in update mode. */
  get weight(): number {
    return this.#weight;
  }

  /** Kish's effective sample size W² / ΣW²: how many equal-weight observations this is worth. */
  get effectiveCount(): number {
    return this.#weight2 === 0 ? 0 : (this.#weight * this.#weight) / this.#weight2;
  }

  /**
   * Adds one observation in O(1).
   *
   * @param value - A finite number.
   * @param timestamp - Epoch ms; required in time mode, ignored in update mode.
   * @returns This instance, for chaining.
   * @throws {@link StatsInputError} if `value` is not finite, so far from the mean (beyond about
   *   1e154) that the squared deviations would overflow, or in time mode `timestamp` is missing or
   *   not finite. The state is unchanged.
   *
   * @example
   * ```ts
   * import { Ewma } from 'soc-kit/patterns';
   *
   * const hourly = new Ewma({ halfLifeMs: 3_600_000 });
   * hourly.update(10, 0).update(20, 3_600_000); // the first value has half the weight now
   * console.log(hourly.mean.toFixed(2)); // 16.67
   * ```
   */
  update(value: number, timestamp?: number): this {
    requireFinite(value, 'Ewma value');
    let decay = this.#decay;
    let lastTimestamp = this.#lastTimestamp;
    if (this.#halfLifeMs !== null) {
      requireFinite(timestamp, 'Ewma timestamp (time mode)');
      const elapsed = this.#lastTimestamp === null ? 0 : timestamp - this.#lastTimestamp;
      decay = elapsed > 0 ? Math.pow(0.5, elapsed / this.#halfLifeMs) : 1;
      if (this.#lastTimestamp === null || timestamp > this.#lastTimestamp) {
        lastTimestamp = timestamp;
      }
    }
    const previous = this.#weight * decay;
    const weight = previous + 1;
    const delta = value - this.#mean;
    const m2 = this.#m2 * decay + delta * (delta * (previous / weight));
    if (!Number.isFinite(m2)) {
      throw new StatsInputError(
        `Ewma value ${String(value)} is too far from the mean ${String(this.#mean)}: the sum of squared deviations would overflow (keep values within about ±1e150, or rescale them)`,
      );
    }
    this.#lastTimestamp = lastTimestamp;
    this.#mean += delta / weight;
    this.#m2 = m2;
    this.#weight = weight;
    this.#weight2 = this.#weight2 * decay * decay + 1;
    this.#count++;
    return this;
  }

  /**
   * Plain-JSON state; {@link Ewma.fromJSON} restores it exactly.
   *
   * @returns The state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { Ewma } from 'soc-kit/patterns';
   *
   * console.log(JSON.stringify(new Ewma({ halfLife: 2 }).update(1)));
   * ```
   */
  toJSON(): EwmaJSON {
    return {
      halfLife: this.#halfLife,
      halfLifeMs: this.#halfLifeMs,
      weight: this.#weight,
      weight2: this.#weight2,
      mean: this.#mean,
      m2: this.#m2,
      count: this.#count,
      lastTimestamp: this.#lastTimestamp,
    };
  }
}

/** Validates a {@link BaselinePrior}; shared with the anomaly scorer. */
export function validatePrior(prior: BaselinePrior, what: string): void {
  if (prior === null || typeof prior !== 'object') {
    throw new StatsInputError(`${what} must be an object { mean, variance, weight }`);
  }
  requireFinite(prior.mean, `${what}.mean`);
  requireFinite(prior.variance, `${what}.variance`);
  if (prior.variance < 0) {
    throw new StatsInputError(`${what}.variance must be >= 0, got ${String(prior.variance)}`);
  }
  requirePositive(prior.weight, `${what}.weight`);
}
