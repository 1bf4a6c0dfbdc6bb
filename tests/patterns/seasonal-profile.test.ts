import { describe, expect, it } from 'vitest';
import { SeasonalProfile, StatsInputError, StatsStateError } from '../../src/patterns/index.js';

const monday = Date.UTC(2025, 0, 6); // a Monday

describe('SeasonalProfile', () => {
  it('computes slots for every named cycle', () => {
    const at = (day: number, hour: number): number => monday + day * 86_400_000 + hour * 3_600_000;
    expect(new SeasonalProfile({ cycle: 'hour-of-day' }).slotOf(at(0, 13))).toBe(13);
    expect(new SeasonalProfile({ cycle: 'hour-of-week' }).slotOf(at(0, 13))).toBe(24 + 13);
    expect(new SeasonalProfile({ cycle: 'hour-of-week' }).slotOf(at(6, 0))).toBe(0); // Sunday 00:00
    expect(new SeasonalProfile({ cycle: 'day-of-week' }).slotOf(at(4, 12))).toBe(5); // Friday
    const split = new SeasonalProfile({ cycle: 'hour-weekday-weekend' });
    expect(split.slotOf(at(2, 7))).toBe(7);
    expect(split.slotOf(at(5, 7))).toBe(31);
    expect(split.slots).toBe(48);
    expect(new SeasonalProfile({ cycle: { slots: 24, slotMs: 1 } }).slotOf(50)).toBe(2);
    expect(new SeasonalProfile({ cycle: { slots: 7, slotMs: 10 } }).slotOf(-5)).toBe(6);
    expect(new SeasonalProfile().slots).toBe(168);
  });

  it('applies the UTC offset', () => {
    const profile = new SeasonalProfile({ cycle: 'hour-of-day', utcOffsetMinutes: -300 });
    expect(profile.slotOf(Date.UTC(2025, 0, 6, 3))).toBe(22);
    const weekly = new SeasonalProfile({ cycle: 'day-of-week', utcOffsetMinutes: 600 });
    expect(weekly.slotOf(Date.UTC(2025, 0, 5, 20))).toBe(1); // Sunday 20:00 UTC is Monday in UTC+10
  });

  it('learns per-slot means and variances', () => {
    const profile = new SeasonalProfile({ cycle: 'hour-of-day' });
    for (let day = 0; day < 10; day++) {
      profile.update(day % 2 === 0 ? 8 : 12, monday + day * 86_400_000 + 9 * 3_600_000);
      profile.update(1, monday + day * 86_400_000 + 3 * 3_600_000);
    }
    const nine = profile.expected(monday + 9 * 3_600_000);
    expect(nine).toEqual({ slot: 9, mean: 10, variance: expect.closeTo(4, 12), samples: 10 });
    expect(profile.expected(monday + 3 * 3_600_000).mean).toBe(1);
    const empty = profile.expected(monday);
    expect(empty.mean).toBeNaN();
    expect(empty.samples).toBe(0);
    const means = profile.means();
    expect(means[9]).toBe(10);
    expect(means[0]).toBeNaN();
  });

  it('rejects a value whose squared deviation overflows; the unchecked path saturates', () => {
    const profile = new SeasonalProfile({ cycle: 'hour-of-day' });
    profile.update(1e308, monday);
    expect(() => profile.update(-1e308, monday + 86_400_000)).toThrow(/overflow/);
    expect(profile.expected(monday).samples).toBe(1);
    // The scorer's hot path cannot throw mid-update: its state stays finite and restorable.
    profile.updateSlot(0, -1.7976931348623157e308);
    profile.updateSlot(0, 1.7976931348623157e308);
    const restored = SeasonalProfile.fromJSON(JSON.parse(JSON.stringify(profile)));
    expect(Number.isFinite(restored.meanAt(0))).toBe(true);
  });

  it('forgets old data with a half-life', () => {
    const profile = new SeasonalProfile({ cycle: 'day-of-week', halfLife: 1 });
    profile.update(0, monday);
    profile.update(10, monday + 7 * 86_400_000);
    // Weights 0.5 and 1.
    expect(profile.expected(monday).mean).toBeCloseTo(10 / 1.5, 12);
  });

  it('round-trips through JSON', () => {
    const profile = new SeasonalProfile({ cycle: { slots: 5, slotMs: 2 }, halfLife: 3 });
    for (let t = 0; t < 40; t++) profile.update(t % 3, t);
    const copy = SeasonalProfile.fromJSON(JSON.parse(JSON.stringify(profile)));
    expect(copy.toJSON()).toEqual(profile.toJSON());
    expect(copy.cycle).toEqual({ slots: 5, slotMs: 2 });
  });

  it('rejects bad options, values and states', () => {
    expect(() => new SeasonalProfile({ cycle: 'hour-of-month' as never })).toThrow(StatsInputError);
    expect(() => new SeasonalProfile({ cycle: { slots: 0, slotMs: 1 } })).toThrow(StatsInputError);
    expect(() => new SeasonalProfile({ cycle: { slots: 200_000, slotMs: 1 } })).toThrow(
      StatsInputError,
    );
    expect(() => new SeasonalProfile({ cycle: { slots: 3, slotMs: 0 } })).toThrow(StatsInputError);
    expect(() => new SeasonalProfile({ cycle: 5 as never })).toThrow(StatsInputError);
    expect(() => new SeasonalProfile({ utcOffsetMinutes: 2000 })).toThrow(StatsInputError);
    expect(() => new SeasonalProfile({ halfLife: 0 })).toThrow(StatsInputError);
    const profile = new SeasonalProfile({ cycle: 'day-of-week' });
    expect(() => profile.update(Number.NaN, 0)).toThrow(StatsInputError);
    expect(() => profile.slotOf(Infinity)).toThrow(StatsInputError);
    const good = profile.toJSON();
    for (const bad of [
      { ...good, means: [1, 2] },
      { ...good, cycle: 'yearly' },
      { ...good, weights: good.weights.map(() => -1) },
      { ...good, utcOffsetMinutes: 5000 },
      42,
    ]) {
      expect(() => SeasonalProfile.fromJSON(bad)).toThrow(StatsStateError);
    }
  });
});
