import { z } from 'zod';
import { requireFinite, StatsInputError } from './stats-input-error.js';
import { parseState } from './stats-state-error.js';

/**
 * Plain-JSON form of a {@link RunningStats}.
 *
 * @example
 * ```ts
 * import { RunningStats, type RunningStatsJSON } from 'soc-kit/patterns';
 *
 * const json: RunningStatsJSON = RunningStats.from([1, 2, 3]).toJSON();
 * console.log(json); // { count: 3, mean: 2, m2: 2, min: 1, max: 3 }
 * ```
 */
export interface RunningStatsJSON {
  /** Number of values. */
  count: number;
  /** Mean (0 when empty). */
  mean: number;
  /** Sum of squared deviations from the mean. */
  m2: number;
  /** Smallest value, `null` when empty. */
  min: number | null;
  /** Largest value, `null` when empty. */
  max: number | null;
}

const runningStatsSchema = z
  .object({
    count: z.int().min(0),
    mean: z.number(),
    m2: z.number().min(0),
    min: z.number().nullable(),
    max: z.number().nullable(),
  })
  .refine((s) => (s.count === 0) === (s.min === null) && (s.count === 0) === (s.max === null), {
    message: 'min and max must be null exactly when count is 0',
  })
  .refine((s) => s.min === null || s.max === null || s.min <= s.max, {
    message: 'min must not exceed max',
  })
  .refine((s) => s.count !== 1 || s.m2 === 0, { message: 'm2 must be 0 with a single value' })
  .refine(
    (s) => {
      if (s.min === null || s.max === null) return true;
      const slack = 1e-9 * (Math.abs(s.min) + Math.abs(s.max));
      return s.mean >= s.min - slack && s.mean <= s.max + slack;
    },
    { message: 'mean must lie between min and max' },
  );

function overflow(value: number, mean: number): StatsInputError {
  return new StatsInputError(
    `RunningStats value ${String(value)} is too far from the mean ${String(mean)}: the sum of squared deviations would overflow (keep values within about ±1e150, or rescale them)`,
  );
}

/**
 * Count, mean, variance, min and max of a stream in O(1) memory, by Welford's update. Two
 * instances merge exactly (Chan et al.), so per-shard or per-day stats combine without the raw
 * values.
 *
 * Welford's update avoids the catastrophic cancellation of the naive Σx² − n·mean² formula: it
 * stays accurate for values like 1e9 + small noise.
 *
 * @example
 * ```ts
 * import { RunningStats } from 'soc-kit/patterns';
 *
 * const stats = new RunningStats();
 * for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) stats.push(x);
 * console.log(stats.mean, stats.variance, stats.standardDeviation); // 5 4 2
 * ```
 */
export class RunningStats {
  #count = 0;
  #mean = 0;
  #m2 = 0;
  #min = Infinity;
  #max = -Infinity;

  /**
   * Builds stats from an iterable of values.
   *
   * @param values - Finite numbers.
   * @returns A new instance holding all of them.
   * @throws {@link StatsInputError} on a non-finite value.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * console.log(RunningStats.from([1, 2, 3, 4]).sampleVariance); // 1.6666666666666667
   * ```
   */
  static from(values: Iterable<number>): RunningStats {
    const stats = new RunningStats();
    for (const value of values) stats.push(value);
    return stats;
  }

  /**
   * Restores stats saved with {@link RunningStats.toJSON}.
   *
   * @param json - Parsed JSON.
   * @returns The restored instance.
   * @throws {@link StatsStateError} if `json` is not a valid saved state.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * const copy = RunningStats.fromJSON(JSON.parse(JSON.stringify(RunningStats.from([1, 5]))));
   * console.log(copy.mean); // 3
   * ```
   */
  static fromJSON(json: unknown): RunningStats {
    const state = parseState('RunningStats', runningStatsSchema, json);
    const stats = new RunningStats();
    stats.#count = state.count;
    stats.#mean = state.mean;
    stats.#m2 = state.m2;
    stats.#min = state.min ?? Infinity;
    stats.#max = state.max ?? -Infinity;
    return stats;
  }

  /** Number of values pushed (or merged in). */
  get count(): number {
    return this.#count;
  }

  /** Arithmetic mean; `NaN` when empty, like an empty average. */
  get mean(): number {
    return this.#count === 0 ? Number.NaN : this.#mean;
  }

  /** Population variance (divides by n); `NaN` when empty. */
  get variance(): number {
    return this.#count === 0 ? Number.NaN : this.#m2 / this.#count;
  }

  /** Sample variance (divides by n − 1); `NaN` with fewer than 2 values. */
  get sampleVariance(): number {
    return this.#count < 2 ? Number.NaN : this.#m2 / (this.#count - 1);
  }

  /** Population standard deviation; `NaN` when empty. */
  get standardDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** Sample standard deviation; `NaN` with fewer than 2 values. */
  get sampleStandardDeviation(): number {
    return Math.sqrt(this.sampleVariance);
  }

  /** Smallest value; `NaN` when empty. */
  get min(): number {
    return this.#count === 0 ? Number.NaN : this.#min;
  }

  /** Largest value; `NaN` when empty. */
  get max(): number {
    return this.#count === 0 ? Number.NaN : this.#max;
  }

  /**
   * Adds one value in O(1).
   *
   * @param value - A finite number.
   * @returns This instance, for chaining.
   * @throws {@link StatsInputError} if `value` is NaN or infinite, or so far from the mean (beyond
   *   about 1e154) that the sum of squared deviations would overflow; the stats are unchanged.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * console.log(new RunningStats().push(1).push(3).mean); // 2
   * ```
   */
  push(value: number): this {
    requireFinite(value, 'RunningStats value');
    const count = this.#count + 1;
    const delta = value - this.#mean;
    const mean = this.#mean + delta / count;
    const m2 = this.#m2 + delta * (value - mean);
    if (!Number.isFinite(m2)) throw overflow(value, this.#mean);
    this.#mean = mean;
    this.#m2 = m2;
    this.#count = count;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    return this;
  }

  /**
   * Folds another instance into this one, as if its values had been pushed here (Chan et al.'s
   * pairwise update). `other` is not changed.
   *
   * @param other - Stats to absorb.
   * @returns This instance, for chaining.
   * @throws {@link StatsInputError} if the two means are so far apart (beyond about 1e154) that
   *   the merged sum of squared deviations would overflow; this instance is unchanged.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * const monday = RunningStats.from([3, 5]);
   * const tuesday = RunningStats.from([7, 9]);
   * console.log(monday.merge(tuesday).mean, monday.count); // 6 4
   * ```
   */
  merge(other: RunningStats): this {
    const n = other.#count;
    if (n === 0) return this;
    if (this.#count === 0) {
      this.#count = n;
      this.#mean = other.#mean;
      this.#m2 = other.#m2;
      this.#min = other.#min;
      this.#max = other.#max;
      return this;
    }
    const total = this.#count + n;
    const delta = other.#mean - this.#mean;
    const m2 = this.#m2 + other.#m2 + delta * delta * (this.#count / total) * n;
    if (!Number.isFinite(m2)) throw overflow(other.#mean, this.#mean);
    this.#mean += delta * (n / total);
    this.#m2 = m2;
    this.#count = total;
    this.#min = Math.min(this.#min, other.#min);
    this.#max = Math.max(this.#max, other.#max);
    return this;
  }

  /**
   * Independent copy.
   *
   * @returns A new instance with the same state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * const a = RunningStats.from([1]);
   * const b = a.clone().push(3);
   * console.log(a.count, b.count); // 1 2
   * ```
   */
  clone(): RunningStats {
    return new RunningStats().merge(this);
  }

  /**
   * Plain-JSON state for persistence; {@link RunningStats.fromJSON} restores it exactly.
   *
   * @returns The state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { RunningStats } from 'soc-kit/patterns';
   *
   * console.log(JSON.stringify(RunningStats.from([1, 2]))); // {"count":2,"mean":1.5,"m2":0.5,"min":1,"max":2}
   * ```
   */
  toJSON(): RunningStatsJSON {
    const empty = this.#count === 0;
    // `+ 0` turns −0 into 0, which is what JSON would make of it anyway.
    return {
      count: this.#count,
      mean: this.#mean + 0,
      m2: this.#m2 + 0,
      min: empty ? null : this.#min + 0,
      max: empty ? null : this.#max + 0,
    };
  }
}
