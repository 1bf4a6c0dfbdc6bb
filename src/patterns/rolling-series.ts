import { z } from 'zod';
import {
  requireFinite,
  requireInteger,
  requirePositive,
  StatsInputError,
} from './stats-input-error.js';
import { parseState, StatsStateError } from './stats-state-error.js';

/**
 * Options of {@link RollingSeries}.
 *
 * @example
 * ```ts
 * import { RollingSeries, type RollingSeriesOptions } from 'soc-kit/patterns';
 *
 * const daily: RollingSeriesOptions = { bucketMs: 86_400_000, size: 90 };
 * console.log(new RollingSeries(daily).size); // 90
 * ```
 */
export interface RollingSeriesOptions {
  /** Width of one bucket in ms, e.g. 3_600_000 for hourly. */
  bucketMs: number;
  /** Number of buckets kept, e.g. 90 daily or 168 hourly. Integer >= 1. */
  size: number;
  /**
   * Where bucket boundaries fall, in epoch ms (default 0: UTC midnight for daily buckets). Use
   * e.g. `5 * 3_600_000` so daily buckets start at midnight UTC−5 (05:00 UTC).
   */
  originMs?: number;
}

/**
 * Plain-JSON form of a {@link RollingSeries}: only the covered buckets are stored.
 *
 * @example
 * ```ts
 * import { RollingSeries, type RollingSeriesJSON } from 'soc-kit/patterns';
 *
 * const series = new RollingSeries({ bucketMs: 1000, size: 3 });
 * series.add(5, 0);
 * const json: RollingSeriesJSON = series.toJSON();
 * console.log(json.values); // [ 5 ]
 * ```
 */
export interface RollingSeriesJSON {
  /** Bucket width in ms. */
  bucketMs: number;
  /** Buckets kept. */
  size: number;
  /** Alignment of bucket boundaries. */
  originMs: number;
  /** Index (time / bucketMs) of the newest bucket, `null` when empty. */
  latestBucket: number | null;
  /** Totals of the covered buckets, oldest first (at most `size`). */
  values: number[];
  /** Values rejected because their bucket had already left the window. */
  droppedLate: number;
}

const rollingSeriesSchema = z
  .object({
    bucketMs: z.number().positive(),
    size: z.int().min(1),
    originMs: z.number(),
    latestBucket: z.int().nullable(),
    values: z.array(z.number()),
    droppedLate: z.int().min(0),
  })
  .refine((s) => s.values.length <= s.size, { message: 'more values than buckets' })
  .refine((s) => (s.latestBucket === null) === (s.values.length === 0), {
    message: 'latestBucket must be null exactly when there are no values',
  });

/**
 * A fixed ring of time buckets (e.g. 90 daily or 168 hourly totals) that stays correct across
 * gaps in time. Memory is O(size), every operation except reading all values is O(1) amortised.
 *
 * Rules, all tested:
 * - `add(value, t)` adds `value` to the bucket containing `t`.
 * - Moving forward by k buckets zero-fills the k − 1 skipped ones (a quiet day is a 0, not a
 *   missing day) and expires the oldest. A jump of `size` buckets or more clears the ring.
 * - Late data whose bucket is still in the window is added to that bucket. Data older than the
 *   window is rejected (`add` returns `false`, `droppedLate` counts it); it never overwrites a
 *   newer bucket.
 * - {@link RollingSeries.values} covers only buckets since the first observation, so a series
 *   started yesterday has 2 values, not 88 made-up zeros plus 2. Call
 *   {@link RollingSeries.advance} with "now" to close quiet buckets up to the present.
 *
 * @example
 * ```ts
 * import { RollingSeries } from 'soc-kit/patterns';
 *
 * const day = 86_400_000;
 * const series = new RollingSeries({ bucketMs: day, size: 90 });
 * series.add(3, 0 * day);
 * series.add(2, 0 * day + 5000);
 * series.add(7, 3 * day); // days 1 and 2 were quiet
 * console.log(series.values()); // [ 5, 0, 0, 7 ]
 * ```
 */
export class RollingSeries {
  readonly #bucketMs: number;
  readonly #size: number;
  readonly #originMs: number;
  readonly #buckets: Float64Array;
  #latest: number | null = null;
  #covered = 0;
  #droppedLate = 0;

  /**
   * @param options - Bucket width, bucket count and alignment.
   * @throws {@link StatsInputError} if `bucketMs` is not a finite number > 0, `size` is not an
   *   integer >= 1 (or above 1,000,000), or `originMs` is not finite.
   */
  constructor(options: RollingSeriesOptions) {
    requirePositive(options.bucketMs, 'RollingSeries bucketMs');
    requireInteger(options.size, 'RollingSeries size', 1);
    if (options.size > 1_000_000) {
      throw new StatsInputError(
        `RollingSeries size must be <= 1000000, got ${String(options.size)}`,
      );
    }
    const originMs = options.originMs ?? 0;
    requireFinite(originMs, 'RollingSeries originMs');
    this.#bucketMs = options.bucketMs;
    this.#size = options.size;
    this.#originMs = originMs;
    this.#buckets = new Float64Array(options.size);
  }

  /**
   * Restores a series saved with {@link RollingSeries.toJSON}.
   *
   * @param json - Parsed JSON.
   * @returns The restored series.
   * @throws {@link StatsStateError} if `json` is not a valid saved state.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 1000, size: 5 });
   * series.add(1, 0);
   * series.add(4, 2500);
   * console.log(RollingSeries.fromJSON(JSON.parse(JSON.stringify(series))).values()); // [ 1, 0, 4 ]
   * ```
   */
  static fromJSON(json: unknown): RollingSeries {
    const state = parseState('RollingSeries', rollingSeriesSchema, json);
    if (state.size > 1_000_000) {
      throw new StatsStateError('RollingSeries', 'size above 1000000');
    }
    const series = new RollingSeries(state);
    series.#droppedLate = state.droppedLate;
    if (state.latestBucket !== null) {
      series.#latest = state.latestBucket;
      series.#covered = state.values.length;
      const start = state.latestBucket - state.values.length + 1;
      state.values.forEach((value, i) => {
        series.#buckets[series.#slot(start + i)] = value;
      });
    }
    return series;
  }

  /** Bucket width in ms. */
  get bucketMs(): number {
    return this.#bucketMs;
  }

  /** Number of buckets kept. */
  get size(): number {
    return this.#size;
  }

  /** Buckets covered since the first observation, at most {@link RollingSeries.size}. */
  get length(): number {
    return this.#covered;
  }

  /** Values rejected because they were older than the window. */
  get droppedLate(): number {
    return this.#droppedLate;
  }

  /** Start time (epoch ms) of the newest bucket, or `undefined` when empty. */
  get latestBucketStart(): number | undefined {
    return this.#latest === null ? undefined : this.#latest * this.#bucketMs + this.#originMs;
  }

  /** Sum of all covered buckets. */
  get total(): number {
    let sum = 0;
    for (const value of this.values()) sum += value;
    return sum;
  }

  #slot(bucket: number): number {
    const slot = bucket % this.#size;
    return slot < 0 ? slot + this.#size : slot;
  }

  #bucketOf(timestamp: number): number {
    const bucket = Math.floor((timestamp - this.#originMs) / this.#bucketMs);
    // Beyond 2^53 neighbouring bucket numbers are the same double: the ring would mix buckets up
    // and drop fresh data as late.
    if (!Number.isSafeInteger(bucket)) {
      throw new StatsInputError(
        `RollingSeries timestamp ${String(timestamp)} is ${String(bucket)} buckets of ${String(this.#bucketMs)} ms from originMs ${String(this.#originMs)}; bucket numbers must stay within ±2^53 (use a larger bucketMs or an originMs near the data)`,
      );
    }
    return bucket;
  }

  #moveTo(bucket: number): void {
    if (this.#latest === null) {
      this.#latest = bucket;
      this.#covered = 1;
      this.#buckets[this.#slot(bucket)] = 0;
      return;
    }
    const steps = bucket - this.#latest;
    if (steps <= 0) return;
    if (steps >= this.#size) {
      this.#buckets.fill(0);
    } else {
      for (let i = 1; i <= steps; i++) this.#buckets[this.#slot(this.#latest + i)] = 0;
    }
    this.#latest = bucket;
    this.#covered = Math.min(this.#size, this.#covered + steps);
  }

  /**
   * Adds `value` to the bucket containing `timestamp`, rolling the window forward if needed.
   *
   * @param value - A finite number (counts, sums, durations...).
   * @param timestamp - Epoch ms of the observation.
   * @returns `true` if recorded; `false` if the bucket had already left the window (counted in
   *   {@link RollingSeries.droppedLate}).
   * @throws {@link StatsInputError} if `value` or `timestamp` is not finite, the timestamp is more
   *   than 2^53 buckets from `originMs`, or the bucket's sum would overflow; nothing changes.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 1000, size: 2 });
   * series.add(1, 5000);
   * console.log(series.add(1, 1000)); // false: 4 buckets before the newest, window is 2
   * ```
   */
  add(value: number, timestamp: number): boolean {
    requireFinite(value, 'RollingSeries value');
    requireFinite(timestamp, 'RollingSeries timestamp');
    const bucket = this.#bucketOf(timestamp);
    if (this.#latest !== null && bucket <= this.#latest && bucket > this.#latest - this.#covered) {
      // Only a covered bucket already holds a sum; every other path starts the bucket at 0.
      const sum = (this.#buckets[this.#slot(bucket)] ?? 0) + value;
      if (!Number.isFinite(sum)) {
        throw new StatsInputError(
          `RollingSeries bucket sum would overflow: adding ${String(value)} to ${String(sum - value)}`,
        );
      }
    }
    if (this.#latest === null || bucket > this.#latest) {
      this.#moveTo(bucket);
    } else if (bucket <= this.#latest - this.#size) {
      this.#droppedLate++;
      return false;
    } else if (bucket <= this.#latest - this.#covered) {
      // Late data from before the first observation, still inside the window: the quiet buckets
      // in between become covered zeros.
      for (let b = bucket; b <= this.#latest - this.#covered; b++) this.#buckets[this.#slot(b)] = 0;
      this.#covered = this.#latest - bucket + 1;
    }
    const slot = this.#slot(bucket);
    this.#buckets[slot] = (this.#buckets[slot] ?? 0) + value;
    return true;
  }

  /**
   * Rolls the window forward to the bucket containing `timestamp` without adding anything, so
   * quiet buckets up to now count as zeros. Does nothing on an empty series or for a time that is
   * not newer than the latest bucket.
   *
   * @param timestamp - Epoch ms, usually "now".
   * @returns This series.
   * @throws {@link StatsInputError} if `timestamp` is not finite or more than 2^53 buckets from
   *   `originMs`.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 1000, size: 10 });
   * series.add(4, 0);
   * console.log(series.advance(3000).values()); // [ 4, 0, 0, 0 ]
   * ```
   */
  advance(timestamp: number): this {
    requireFinite(timestamp, 'RollingSeries timestamp');
    if (this.#latest !== null) this.#moveTo(this.#bucketOf(timestamp));
    return this;
  }

  /**
   * Covered bucket totals, oldest first; at most `size` of them.
   *
   * @returns A new array (safe to mutate).
   * @throws Never.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 1000, size: 2 });
   * for (let t = 0; t < 5000; t += 1000) series.add(t / 1000, t);
   * console.log(series.values()); // [ 3, 4 ]
   * ```
   */
  values(): number[] {
    return this.last(this.#covered);
  }

  /**
   * The newest `n` covered buckets, oldest first (fewer if fewer are covered).
   *
   * @param n - How many buckets.
   * @returns A new array.
   * @throws {@link StatsInputError} if `n` is not an integer >= 0.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 1000, size: 5 });
   * for (let t = 0; t < 5000; t += 1000) series.add(1, t);
   * console.log(series.last(2)); // [ 1, 1 ]
   * ```
   */
  last(n: number): number[] {
    requireInteger(n, 'RollingSeries.last n', 0);
    const count = Math.min(n, this.#covered);
    const out = new Array<number>(count);
    if (this.#latest === null) return out;
    const start = this.#latest - count + 1;
    for (let i = 0; i < count; i++) out[i] = this.#buckets[this.#slot(start + i)] ?? 0;
    return out;
  }

  /**
   * Plain-JSON state; {@link RollingSeries.fromJSON} restores it exactly. Only covered buckets are
   * written, so a young series is small.
   *
   * @returns The state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { RollingSeries } from 'soc-kit/patterns';
   *
   * const series = new RollingSeries({ bucketMs: 86_400_000, size: 90 });
   * series.add(2, Date.UTC(2025, 0, 1));
   * console.log(JSON.stringify(series).length < 200); // true
   * ```
   */
  toJSON(): RollingSeriesJSON {
    return {
      bucketMs: this.#bucketMs,
      size: this.#size,
      originMs: this.#originMs,
      latestBucket: this.#latest,
      values: this.values(),
      droppedLate: this.#droppedLate,
    };
  }
}
