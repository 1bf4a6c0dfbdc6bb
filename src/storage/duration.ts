import { z } from 'zod';
import { ConfigSchemaError } from './config-schema-error.js';

const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const UNIT_ALIASES: ReadonlyMap<string, keyof typeof UNIT_MS> = new Map([
  ...(['ms'] as const).map((alias) => [alias, 'ms'] as const),
  ...(['s', 'sec', 'secs', 'second', 'seconds'] as const).map((alias) => [alias, 's'] as const),
  ...(['m', 'min', 'mins', 'minute', 'minutes'] as const).map((alias) => [alias, 'm'] as const),
  ...(['h', 'hr', 'hrs', 'hour', 'hours'] as const).map((alias) => [alias, 'h'] as const),
  ...(['d', 'day', 'days'] as const).map((alias) => [alias, 'd'] as const),
  ...(['w', 'week', 'weeks'] as const).map((alias) => [alias, 'w'] as const),
]);

const PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/;

/**
 * Parses a human duration such as `30m`, `6h`, `7d`, `1h30m` or `90 seconds` into milliseconds.
 *
 * Units: `ms`, `s`/`sec`/`seconds`, `m`/`min`/`minutes`, `h`/`hr`/`hours`, `d`/`days`,
 * `w`/`weeks`; case-insensitive, parts may be separated by spaces. A bare `0` means zero. Bare
 * numbers are rejected because their unit would be a guess.
 *
 * @param text - The duration as typed.
 * @returns Whole milliseconds, or `undefined` when the text is not a duration or overflows.
 * Never throws.
 *
 * @example
 * ```ts
 * import { parseDuration } from 'soc-kit/storage';
 *
 * console.log(parseDuration('1h30m'), parseDuration('7d'), parseDuration('soon')); // 5400000 604800000 undefined
 * ```
 */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  if (input === '0') return 0;
  if (input.length > 100 || !WHOLE.test(input)) return undefined;
  let total = 0;
  for (const match of input.matchAll(PART)) {
    const unit = UNIT_ALIASES.get(match[2] ?? '');
    if (unit === undefined) return undefined;
    total += Number(match[1]) * UNIT_MS[unit];
  }
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * Formats milliseconds as a compact duration, largest units first: `5400000` → `1h30m`.
 *
 * @param ms - Milliseconds; negative values are formatted with a leading `-`.
 * @returns The text, `0s` for zero. Never throws (non-finite input gives `String(ms)`).
 *
 * @example
 * ```ts
 * import { formatDuration } from 'soc-kit/storage';
 *
 * console.log(formatDuration(90_000), formatDuration(604_800_000)); // 1m30s 1w
 * ```
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  let rest = Math.abs(Math.round(ms));
  const parts: string[] = [];
  for (const unit of ['w', 'd', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return `${ms < 0 ? '-' : ''}${parts.join('')}`;
}

/**
 * Bounds of {@link durationSetting}, as durations (`'1m'`) or milliseconds.
 *
 * @example
 * ```ts
 * import { durationSetting, type DurationSettingOptions } from 'soc-kit/storage';
 *
 * const bounds: DurationSettingOptions = { min: '5m', max: '1d' };
 * console.log(durationSetting(bounds).safeParse(60_000).success); // false: below 5m
 * ```
 */
export interface DurationSettingOptions {
  /** Shortest allowed duration. Default 0. */
  min?: string | number;
  /** Longest allowed duration. Default unbounded. */
  max?: string | number;
}

/**
 * The metadata key {@link durationSetting} registers, read by {@link GuildConfig}.
 *
 * @example
 * ```ts
 * import { DURATION_FORMAT, durationSetting } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * console.log(z.globalRegistry.get(durationSetting())?.format === DURATION_FORMAT); // true
 * ```
 */
export const DURATION_FORMAT = 'soc-kit:duration';

function toMs(value: string | number, name: string): number {
  const ms = typeof value === 'number' ? value : parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new ConfigSchemaError(
      `durationSetting: ${name} must be a duration like '30m' or milliseconds`,
    );
  }
  return ms;
}

/**
 * A zod schema for a duration setting, stored as whole milliseconds. {@link GuildConfig} accepts
 * `30m`, `6h`, `7d` for it and shows values in the same form.
 *
 * @param options - Optional bounds.
 * @returns `z.number().int()` with the bounds, marked as a duration (zod metadata
 * `{ format: 'soc-kit:duration' }`). Chain `.default()` and `.describe()` as usual.
 * @throws {@link ConfigSchemaError} when a bound is not a duration.
 *
 * @example
 * ```ts
 * import { durationSetting } from 'soc-kit/storage';
 *
 * const muteFor = durationSetting({ min: '1m', max: '28d' }).default(3_600_000);
 * console.log(muteFor.parse(undefined), muteFor.safeParse(1000).success); // 3600000 false
 * ```
 */
export function durationSetting(options: DurationSettingOptions = {}): z.ZodNumber {
  let schema = z
    .number()
    .int()
    .min(toMs(options.min ?? 0, 'min'));
  if (options.max !== undefined) schema = schema.max(toMs(options.max, 'max'));
  return schema.meta({ format: DURATION_FORMAT });
}
