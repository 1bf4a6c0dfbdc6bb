import { z } from 'zod';
import {
  requireFinite,
  requireInteger,
  requirePositive,
  StatsInputError,
} from './stats-input-error.js';
import { parseState, StatsStateError } from './stats-state-error.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * How a {@link SeasonalProfile} splits time into slots.
 *
 * - `'hour-of-day'`: 24 slots.
 * - `'hour-of-week'`: 168 slots, Sunday 00:00 first.
 * - `'hour-weekday-weekend'`: 48 slots: 24 weekday hours, then 24 weekend hours. Learns 3.5× faster
 *   than hour-of-week when weekdays look alike.
 * - `'day-of-week'`: 7 slots, Sunday first.
 * - `{ slots, slotMs }`: a custom cycle: slot = ⌊t / slotMs⌋ mod slots. With integer indices as
 *   timestamps, `{ slots: 24, slotMs: 1 }` is a period-24 season.
 *
 * @example
 * ```ts
 * import { SeasonalProfile, type SeasonalCycle } from 'soc-kit/patterns';
 *
 * const cycle: SeasonalCycle = 'hour-weekday-weekend';
 * console.log(new SeasonalProfile({ cycle }).slots); // 48
 * ```
 */
export type SeasonalCycle =
  | 'hour-of-day'
  | 'hour-of-week'
  | 'hour-weekday-weekend'
  | 'day-of-week'
  | {
      /** Number of slots in the cycle. */
      slots: number;
      /** Width of one slot in ms. */
      slotMs: number;
    };

/**
 * Options of {@link SeasonalProfile}.
 *
 * @example
 * ```ts
 * import { SeasonalProfile, type SeasonalProfileOptions } from 'soc-kit/patterns';
 *
 * const options: SeasonalProfileOptions = { cycle: 'hour-of-week', utcOffsetMinutes: 60, halfLife: 4 };
 * console.log(new SeasonalProfile(options).slots); // 168
 * ```
 */
export interface SeasonalProfileOptions {
  /** Slot layout. Default `'hour-of-week'`. */
  cycle?: SeasonalCycle;
  /** Local time zone offset for named cycles, in minutes east of UTC. Default 0. */
  utcOffsetMinutes?: number;
  /**
   * Half-life of each slot's mean, in observations *of that slot* (so 4 = about four weeks for
   * hour-of-week with one value per hour). Default `Infinity`: a plain running mean.
   */
  halfLife?: number;
}

/**
 * One slot's estimate.
 *
 * @example
 * ```ts
 * import { SeasonalProfile, type SlotEstimate } from 'soc-kit/patterns';
 *
 * const profile = new SeasonalProfile({ cycle: 'hour-of-day' });
 * profile.update(4, Date.UTC(2025, 0, 6, 9));
 * const nineAm: SlotEstimate = profile.expected(Date.UTC(2025, 0, 7, 9));
 * console.log(nineAm.mean, nineAm.samples); // 4 1
 * ```
 */
export interface SlotEstimate {
  /** Slot index. */
  slot: number;
  /** Mean of the slot; `NaN` when the slot has no data. */
  mean: number;
  /** Population variance of the slot; `NaN` with no data. */
  variance: number;
  /** Decayed number of observations behind the estimate (0 when empty). */
  samples: number;
}

/**
 * Plain-JSON form of a {@link SeasonalProfile}.
 *
 * @example
 * ```ts
 * import { SeasonalProfile, type SeasonalProfileJSON } from 'soc-kit/patterns';
 *
 * const json: SeasonalProfileJSON = new SeasonalProfile({ cycle: 'day-of-week' }).toJSON();
 * console.log(json.means.length); // 7
 * ```
 */
export interface SeasonalProfileJSON {
  /** Slot layout. */
  cycle: SeasonalCycle;
  /** Time zone offset in minutes. */
  utcOffsetMinutes: number;
  /** Half-life per slot, `null` for a plain running mean. */
  halfLife: number | null;
  /** Decayed observation weight of each slot. */
  weights: number[];
  /** Mean of each slot. */
  means: number[];
  /** Weighted sum of squared deviations of each slot. */
  m2s: number[];
}

const cycleSchema = z.union([
  z.enum(['hour-of-day', 'hour-of-week', 'hour-weekday-weekend', 'day-of-week']),
  z.object({ slots: z.int().min(1).max(100_000), slotMs: z.number().positive() }),
]);

const profileSchema = z.object({
  cycle: cycleSchema,
  utcOffsetMinutes: z.number().min(-1440).max(1440),
  halfLife: z.number().positive().nullable(),
  weights: z.array(z.number().min(0)),
  means: z.array(z.number()),
  m2s: z.array(z.number().min(0)),
});

function slotCount(cycle: SeasonalCycle): number {
  switch (cycle) {
    case 'hour-of-day':
      return 24;
    case 'hour-of-week':
      return 168;
    case 'hour-weekday-weekend':
      return 48;
    case 'day-of-week':
      return 7;
    default:
      return cycle.slots;
  }
}

function floorMod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/**
 * Per-slot mean and variance over a repeating cycle (hour of day, hour of week, weekday/weekend
 * hours, or a custom period), for "is 40 messages normal for Saturday 3 am?" questions.
 *
 * Memory is 3 numbers per slot; `update` and `expected` are O(1). Slots are computed from the
 * timestamp alone, so gaps and out-of-order data need no special handling.
 *
 * @example
 * ```ts
 * import { SeasonalProfile } from 'soc-kit/patterns';
 *
 * const profile = new SeasonalProfile({ cycle: 'hour-of-day' });
 * for (let day = 0; day < 14; day++) {
 *   for (let hour = 0; hour < 24; hour++) {
 *     profile.update(hour >= 9 && hour < 17 ? 50 : 5, Date.UTC(2025, 0, 1 + day, hour));
 *   }
 * }
 * console.log(profile.expected(Date.UTC(2025, 1, 1, 10)).mean); // 50
 * console.log(profile.expected(Date.UTC(2025, 1, 1, 3)).mean); // 5
 * ```
 */
export class SeasonalProfile {
  readonly #cycle: SeasonalCycle;
  readonly #slots: number;
  readonly #offsetMs: number;
  readonly #utcOffsetMinutes: number;
  readonly #halfLife: number | null;
  readonly #decay: number;
  readonly #weights: Float64Array;
  readonly #means: Float64Array;
  readonly #m2s: Float64Array;

  /**
   * @param options - Cycle, time zone offset and per-slot half-life.
   * @throws {@link StatsInputError} on an unknown cycle, a custom cycle without an integer
   *   `slots` in [1, 100000] or a positive `slotMs`, an offset outside ±1440 minutes, or a
   *   half-life that is not > 0.
   */
  constructor(options: SeasonalProfileOptions = {}) {
    const cycle = options.cycle ?? 'hour-of-week';
    if (typeof cycle === 'string') {
      if (!['hour-of-day', 'hour-of-week', 'hour-weekday-weekend', 'day-of-week'].includes(cycle)) {
        throw new StatsInputError(
          `unknown seasonal cycle "${cycle}"; expected 'hour-of-day', 'hour-of-week', 'hour-weekday-weekend', 'day-of-week' or { slots, slotMs }`,
        );
      }
    } else {
      if (cycle === null || typeof cycle !== 'object') {
        throw new StatsInputError('seasonal cycle must be a name or { slots, slotMs }');
      }
      requireInteger(cycle.slots, 'seasonal cycle slots', 1);
      if (cycle.slots > 100_000) {
        throw new StatsInputError(
          `seasonal cycle slots must be <= 100000, got ${String(cycle.slots)}`,
        );
      }
      requirePositive(cycle.slotMs, 'seasonal cycle slotMs');
    }
    const utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    requireFinite(utcOffsetMinutes, 'utcOffsetMinutes');
    if (Math.abs(utcOffsetMinutes) > 1440) {
      throw new StatsInputError(
        `utcOffsetMinutes must be within ±1440, got ${String(utcOffsetMinutes)}`,
      );
    }
    const halfLife = options.halfLife ?? Infinity;
    if (!(halfLife > 0)) {
      throw new StatsInputError(`SeasonalProfile halfLife must be > 0, got ${String(halfLife)}`);
    }
    this.#cycle = typeof cycle === 'string' ? cycle : { slots: cycle.slots, slotMs: cycle.slotMs };
    this.#slots = slotCount(cycle);
    this.#utcOffsetMinutes = utcOffsetMinutes;
    this.#offsetMs = utcOffsetMinutes * 60_000;
    this.#halfLife = Number.isFinite(halfLife) ? halfLife : null;
    this.#decay = Number.isFinite(halfLife) ? Math.pow(0.5, 1 / halfLife) : 1;
    this.#weights = new Float64Array(this.#slots);
    this.#means = new Float64Array(this.#slots);
    this.#m2s = new Float64Array(this.#slots);
  }

  /**
   * Restores a profile saved with {@link SeasonalProfile.toJSON}.
   *
   * @param json - Parsed JSON.
   * @returns The restored profile.
   * @throws {@link StatsStateError} if `json` is not a valid saved state (including arrays whose
   *   length does not match the cycle).
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * const profile = new SeasonalProfile({ cycle: 'day-of-week' });
   * profile.update(3, Date.UTC(2025, 0, 5));
   * const copy = SeasonalProfile.fromJSON(JSON.parse(JSON.stringify(profile)));
   * console.log(copy.expected(Date.UTC(2025, 0, 12)).mean); // 3
   * ```
   */
  static fromJSON(json: unknown): SeasonalProfile {
    const state = parseState('SeasonalProfile', profileSchema, json);
    const profile = new SeasonalProfile({
      cycle: state.cycle,
      utcOffsetMinutes: state.utcOffsetMinutes,
      halfLife: state.halfLife ?? Infinity,
    });
    const n = profile.#slots;
    if (state.weights.length !== n || state.means.length !== n || state.m2s.length !== n) {
      throw new StatsStateError('SeasonalProfile', `expected ${String(n)} values per array`);
    }
    profile.#weights.set(state.weights);
    profile.#means.set(state.means);
    profile.#m2s.set(state.m2s);
    return profile;
  }

  /** Number of slots in the cycle. */
  get slots(): number {
    return this.#slots;
  }

  /** The cycle in use. */
  get cycle(): SeasonalCycle {
    return typeof this.#cycle === 'string' ? this.#cycle : { ...this.#cycle };
  }

  /**
   * Slot index of a timestamp.
   *
   * @param timestamp - Epoch ms.
   * @returns Integer in [0, slots).
   * @throws {@link StatsInputError} if `timestamp` is not finite.
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * const profile = new SeasonalProfile({ cycle: 'hour-of-week' });
   * console.log(profile.slotOf(Date.UTC(2025, 0, 6, 13))); // Monday 13:00 → 37
   * ```
   */
  slotOf(timestamp: number): number {
    requireFinite(timestamp, 'SeasonalProfile timestamp');
    return this.slotOfUnchecked(timestamp);
  }

  /** {@link SeasonalProfile.slotOf} without validation, for hot paths. @internal */
  slotOfUnchecked(timestamp: number): number {
    const cycle = this.#cycle;
    if (typeof cycle !== 'string')
      return floorMod(Math.floor(timestamp / cycle.slotMs), this.#slots);
    const local = timestamp + this.#offsetMs;
    const hour = floorMod(Math.floor(local / HOUR_MS), 24);
    // 1970-01-01 was a Thursday (day 4 when Sunday is 0).
    const weekday = floorMod(Math.floor(local / DAY_MS) + 4, 7);
    switch (cycle) {
      case 'hour-of-day':
        return hour;
      case 'hour-of-week':
        return weekday * 24 + hour;
      case 'hour-weekday-weekend':
        return (weekday === 0 || weekday === 6 ? 24 : 0) + hour;
      default:
        return weekday;
    }
  }

  /**
   * Adds an observation to the slot of `timestamp`.
   *
   * @param value - A finite number.
   * @param timestamp - Epoch ms.
   * @returns This profile.
   * @throws {@link StatsInputError} if `value` or `timestamp` is not finite, or `value` is so far
   *   from the slot's mean (beyond about 1e154) that its squared deviation would overflow; nothing
   *   changes.
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * const profile = new SeasonalProfile({ cycle: 'hour-of-day' });
   * profile.update(10, Date.UTC(2025, 0, 1, 8)).update(20, Date.UTC(2025, 0, 2, 8));
   * console.log(profile.expected(Date.UTC(2025, 0, 3, 8)).mean); // 15
   * ```
   */
  update(value: number, timestamp: number): this {
    requireFinite(value, 'SeasonalProfile value');
    const slot = this.slotOf(timestamp);
    const previous = (this.#weights[slot] ?? 0) * this.#decay;
    const delta = value - (this.#means[slot] ?? 0);
    if (!Number.isFinite(delta * (delta * (previous / (previous + 1))))) {
      throw new StatsInputError(
        `SeasonalProfile value ${String(value)} is too far from the slot mean ${String(this.#means[slot] ?? 0)}: its squared deviation would overflow (keep values within about ±1e150, or rescale them)`,
      );
    }
    this.updateSlot(slot, value);
    return this;
  }

  /** Adds `value` to slot `slot` without validation, for hot paths. @internal */
  updateSlot(slot: number, value: number): void {
    const previous = (this.#weights[slot] ?? 0) * this.#decay;
    const weight = previous + 1;
    const mean = this.#means[slot] ?? 0;
    const delta = value - mean;
    // Unchecked callers (the scorer) may pass values near ±MAX_VALUE: the mean is then taken as a
    // weighted average, which cannot overflow, and the spread saturates instead of reaching
    // Infinity (which JSON cannot hold).
    const next = mean + delta / weight;
    this.#means[slot] = Number.isFinite(next) ? next : mean * (previous / weight) + value / weight;
    const m2 = (this.#m2s[slot] ?? 0) * this.#decay + delta * (delta * (previous / weight));
    this.#m2s[slot] = m2 < Number.MAX_VALUE ? m2 : Number.MAX_VALUE;
    this.#weights[slot] = weight;
  }

  /** Mean of `slot` (0 when empty), unchecked. @internal */
  meanAt(slot: number): number {
    return this.#means[slot] ?? 0;
  }

  /** Decayed weight of `slot`, unchecked. @internal */
  weightAt(slot: number): number {
    return this.#weights[slot] ?? 0;
  }

  /**
   * The estimate for the slot of `timestamp`.
   *
   * @param timestamp - Epoch ms.
   * @returns The slot's mean, variance and sample weight (`NaN` mean when empty).
   * @throws {@link StatsInputError} if `timestamp` is not finite.
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * const profile = new SeasonalProfile({ cycle: 'day-of-week' });
   * console.log(profile.expected(Date.now()).samples); // 0
   * ```
   */
  expected(timestamp: number): SlotEstimate {
    const slot = this.slotOf(timestamp);
    const weight = this.#weights[slot] ?? 0;
    return {
      slot,
      mean: weight === 0 ? Number.NaN : (this.#means[slot] ?? 0),
      variance: weight === 0 ? Number.NaN : (this.#m2s[slot] ?? 0) / weight,
      samples: weight,
    };
  }

  /**
   * Every slot's mean in slot order (`NaN` for empty slots), e.g. to draw a 7 × 24 heatmap.
   *
   * @returns A new array of length {@link SeasonalProfile.slots}.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * console.log(new SeasonalProfile({ cycle: 'day-of-week' }).means().length); // 7
   * ```
   */
  means(): number[] {
    return Array.from(this.#means, (mean, slot) => (this.#weights[slot] === 0 ? Number.NaN : mean));
  }

  /**
   * Plain-JSON state; {@link SeasonalProfile.fromJSON} restores it exactly.
   *
   * @returns The state.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { SeasonalProfile } from 'soc-kit/patterns';
   *
   * console.log(Object.keys(new SeasonalProfile().toJSON()).join(','));
   * ```
   */
  toJSON(): SeasonalProfileJSON {
    return {
      cycle: this.cycle,
      utcOffsetMinutes: this.#utcOffsetMinutes,
      halfLife: this.#halfLife,
      weights: Array.from(this.#weights),
      means: Array.from(this.#means),
      m2s: Array.from(this.#m2s),
    };
  }
}
