import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingSeries, StatsInputError, StatsStateError } from '../../src/patterns/index.js';

const DAY = 86_400_000;

describe('RollingSeries', () => {
  it('sums values per bucket and zero-fills skipped buckets', () => {
    const series = new RollingSeries({ bucketMs: DAY, size: 90 });
    series.add(3, 0);
    series.add(2, DAY - 1);
    series.add(7, 3 * DAY + 5);
    expect(series.values()).toEqual([5, 0, 0, 7]);
    expect(series.length).toBe(4);
    expect(series.total).toBe(12);
    expect(series.latestBucketStart).toBe(3 * DAY);
  });

  it('expires the oldest buckets as time moves on', () => {
    const series = new RollingSeries({ bucketMs: 1000, size: 3 });
    for (let t = 0; t < 6; t++) series.add(t + 1, t * 1000);
    expect(series.values()).toEqual([4, 5, 6]);
    series.add(10, 7000); // skips bucket 6
    expect(series.values()).toEqual([6, 0, 10]);
  });

  it('clears everything on a jump of a whole window or more', () => {
    const series = new RollingSeries({ bucketMs: 1000, size: 3 });
    series.add(1, 0);
    series.add(1, 1000);
    series.add(9, 1_000_000);
    expect(series.values()).toEqual([0, 0, 9]);
    series.add(4, 1_003_000); // exactly `size` buckets later
    expect(series.values()).toEqual([0, 0, 4]);
  });

  it('accepts late data inside the window and rejects older data', () => {
    const series = new RollingSeries({ bucketMs: 1000, size: 3 });
    series.add(1, 5000);
    series.add(1, 6000);
    expect(series.add(2, 5500)).toBe(true);
    expect(series.values()).toEqual([3, 1]);
    expect(series.add(4, 4000)).toBe(true); // before the first observation, still in the window
    expect(series.values()).toEqual([4, 3, 1]);
    expect(series.add(9, 3999)).toBe(false);
    expect(series.droppedLate).toBe(1);
    expect(series.values()).toEqual([4, 3, 1]);
  });

  it('advance() closes quiet buckets up to now', () => {
    const series = new RollingSeries({ bucketMs: 1000, size: 4 });
    expect(series.advance(5000).values()).toEqual([]);
    series.add(2, 0);
    series.advance(2500);
    expect(series.values()).toEqual([2, 0, 0]);
    series.advance(1000); // not newer: nothing happens
    expect(series.length).toBe(3);
    expect(series.last(2)).toEqual([0, 0]);
    expect(series.last(10)).toEqual([2, 0, 0]);
  });

  it('aligns buckets on originMs and handles negative times', () => {
    const series = new RollingSeries({ bucketMs: DAY, size: 5, originMs: 5 * 3_600_000 });
    series.add(1, Date.UTC(2025, 0, 2, 4)); // 23:00 on Jan 1 at UTC−5
    series.add(1, Date.UTC(2025, 0, 2, 6)); // 01:00 on Jan 2 at UTC−5
    expect(series.values()).toEqual([1, 1]);
    const negative = new RollingSeries({ bucketMs: 10, size: 3 });
    negative.add(1, -25);
    negative.add(1, -5);
    expect(negative.values()).toEqual([1, 0, 1]);
  });

  it('matches a naive model under random, out-of-order timestamps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 })), {
          maxLength: 60,
        }),
        (events) => {
          const size = 6;
          const series = new RollingSeries({ bucketMs: 1, size });
          const kept = new Map<number, number>();
          let latest = -Infinity;
          let first = Infinity;
          for (const [t, v] of events) {
            const accepted = series.add(v, t);
            expect(accepted).toBe(t > latest - size);
            if (!accepted) continue;
            latest = Math.max(latest, t);
            first = Math.min(first, t);
            kept.set(t, (kept.get(t) ?? 0) + v);
          }
          if (events.length === 0) return;
          const from = Math.max(first, latest - size + 1);
          const expected: number[] = [];
          for (let b = from; b <= latest; b++) expected.push(kept.get(b) ?? 0);
          expect(series.values()).toEqual(expected);
        },
      ),
    );
  });

  it('round-trips through JSON, storing only covered buckets', () => {
    const series = new RollingSeries({ bucketMs: DAY, size: 90 });
    for (let d = 0; d < 200; d += 3) series.add(d % 7, d * DAY);
    series.add(1, 0); // dropped
    const json = JSON.parse(JSON.stringify(series)) as unknown;
    const copy = RollingSeries.fromJSON(json);
    expect(copy.values()).toEqual(series.values());
    expect(copy.toJSON()).toEqual(series.toJSON());
    expect(series.toJSON().values).toHaveLength(90);
    copy.add(5, 201 * DAY);
    series.add(5, 201 * DAY);
    expect(copy.values()).toEqual(series.values());
    expect(
      RollingSeries.fromJSON(new RollingSeries({ bucketMs: 5, size: 2 }).toJSON()).length,
    ).toBe(0);
  });

  it('rejects a bucket sum that would overflow, and bucket numbers beyond 2^53, changing nothing', () => {
    const series = new RollingSeries({ bucketMs: 1000, size: 3 });
    series.add(1e308, 0);
    expect(() => series.add(1e308, 1)).toThrow(/overflow/);
    expect(series.values()).toEqual([1e308]);
    expect(RollingSeries.fromJSON(JSON.parse(JSON.stringify(series))).values()).toEqual([1e308]);
    // 2^60 ms at 1 ms buckets: bucket numbers no longer tell neighbours apart, and late-data
    // checks would silently drop values.
    const fine = new RollingSeries({ bucketMs: 1, size: 3 });
    expect(() => fine.add(1, 2 ** 60)).toThrow(StatsInputError);
    expect(fine.length).toBe(0);
    fine.add(7, 2);
    expect(() => fine.advance(2 ** 60)).toThrow(StatsInputError);
    expect(() => fine.add(1, 2 ** 60)).toThrow(StatsInputError);
    expect(fine.values()).toEqual([7]);
    expect(() => new RollingSeries({ bucketMs: 1e-300, size: 3 }).add(5, 1)).toThrow(
      StatsInputError,
    );
    expect(fine.droppedLate).toBe(0);
  });

  it('rejects bad options, values and states', () => {
    expect(() => new RollingSeries({ bucketMs: 0, size: 3 })).toThrow(StatsInputError);
    expect(() => new RollingSeries({ bucketMs: 10, size: 1.5 })).toThrow(StatsInputError);
    expect(() => new RollingSeries({ bucketMs: 10, size: 2_000_000 })).toThrow(StatsInputError);
    expect(() => new RollingSeries({ bucketMs: 10, size: 3, originMs: Number.NaN })).toThrow(
      StatsInputError,
    );
    const series = new RollingSeries({ bucketMs: 10, size: 3 });
    expect(() => series.add(Number.NaN, 0)).toThrow(StatsInputError);
    expect(() => series.add(1, Infinity)).toThrow(StatsInputError);
    expect(() => series.advance(Number.NaN)).toThrow(StatsInputError);
    expect(() => series.last(-1)).toThrow(StatsInputError);
    expect(series.length).toBe(0);
    const good = {
      bucketMs: 10,
      size: 3,
      originMs: 0,
      latestBucket: 4,
      values: [1, 2],
      droppedLate: 0,
    };
    expect(RollingSeries.fromJSON(good).values()).toEqual([1, 2]);
    for (const bad of [
      { ...good, values: [1, 2, 3, 4] },
      { ...good, latestBucket: null },
      { ...good, values: [], latestBucket: 3 },
      { ...good, size: 0 },
      { ...good, size: 2_000_000 },
      { ...good, values: [1, 'x'] },
      { ...good, droppedLate: -1 },
      'garbage',
    ]) {
      expect(() => RollingSeries.fromJSON(bad)).toThrow(StatsStateError);
    }
  });
});
