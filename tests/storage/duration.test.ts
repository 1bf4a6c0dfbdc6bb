import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConfigSchemaError,
  durationSetting,
  formatDuration,
  parseDuration,
} from '../../src/storage/index.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['6h', 21_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1 hour 30 minutes', 5_400_000],
    ['90 seconds', 90_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    [' 10S ', 10_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '30',
    'm',
    '5 fortnights',
    '-5m',
    '1e3s',
    'NaN',
    'Infinity',
    '5m and 3s',
    'x'.repeat(200),
    '9'.repeat(30) + 'w',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('round-trips with formatDuration (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('uses the largest units first', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(604_800_000 + 3_600_000 + 5)).toBe('1w1h5ms');
    expect(formatDuration(-60_000)).toBe('-1m');
    expect(formatDuration(Number.NaN)).toBe('NaN');
  });
});

describe('durationSetting', () => {
  it('builds an integer ms schema with bounds', () => {
    const schema = durationSetting({ min: '1m', max: 3_600_000 });
    expect(schema.safeParse(60_000).success).toBe(true);
    expect(schema.safeParse(59_999).success).toBe(false);
    expect(schema.safeParse(3_600_001).success).toBe(false);
    expect(schema.safeParse(60_000.5).success).toBe(false);
    expect(durationSetting().safeParse(-1).success).toBe(false);
  });

  it('rejects bounds that are not durations', () => {
    expect(() => durationSetting({ min: 'soon' })).toThrow(ConfigSchemaError);
    expect(() => durationSetting({ max: Number.POSITIVE_INFINITY })).toThrow(
      /max must be a duration/,
    );
  });
});
