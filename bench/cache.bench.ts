import { LRUCache } from 'lru-cache';
import { TtlCache } from '../src/patterns/ttl-cache.js';
import type { BenchSuite } from './harness.js';

// TtlCache.get/set against the raw lru-cache it wraps, configured the way a user would write it
// (`{ max, ttl }`, lru-cache defaults otherwise). Keys cycle through a working set twice the size
// of the cache for `set` (so evictions happen) and within the cache for `get` (so reads hit).
const MAX = 10_000;
const TTL_MS = 60_000;
const BATCH = 1_000;
const keys = Array.from({ length: MAX * 2 }, (_, index) => `user:${index}`);

function makeRaw(): LRUCache<string, number> {
  return new LRUCache<string, number>({ max: MAX, ttl: TTL_MS });
}
// Like-for-like baseline: lru-cache with its clock-caching timer off, as TtlCache runs it.
function makeRawNoTimer(): LRUCache<string, number> {
  return new LRUCache<string, number>({ max: MAX, ttl: TTL_MS, ttlResolution: 0 });
}
function makeOurs(): TtlCache<string, number> {
  return new TtlCache<string, number>({ max: MAX, ttlMs: TTL_MS });
}

const raw = makeRaw();
const ours = makeOurs();
const rawNoTimer = makeRawNoTimer();
const rawRead = makeRaw();
const rawNoTimerRead = makeRawNoTimer();
const oursRead = makeOurs();
for (let index = 0; index < MAX; index += 1) {
  rawRead.set(keys[index]!, index);
  rawNoTimerRead.set(keys[index]!, index);
  oursRead.set(keys[index]!, index);
}
let cursor = 0;
let sink = 0;

export const suites: BenchSuite[] = [
  {
    kind: 'throughput',
    name: 'TtlCache.set vs raw lru-cache',
    reference: 'lru-cache set',
    unit: 'set',
    cases: [
      {
        name: 'lru-cache set',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            raw.set(keys[cursor]!, index);
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
      },
      {
        name: 'lru-cache set, ttlResolution 0',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            rawNoTimer.set(keys[cursor]!, index);
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
      },
      {
        name: 'TtlCache set',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            ours.set(keys[cursor]!, index);
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
      },
    ],
  },
  {
    kind: 'throughput',
    name: 'TtlCache.get vs raw lru-cache',
    reference: 'lru-cache get',
    unit: 'get',
    cases: [
      {
        name: 'lru-cache get',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            sink += rawRead.get(keys[cursor % MAX]!) ?? 0;
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
      },
      {
        name: 'lru-cache get, ttlResolution 0',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            sink += rawNoTimerRead.get(keys[cursor % MAX]!) ?? 0;
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
      },
      {
        name: 'TtlCache get',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) {
            sink += oursRead.get(keys[cursor % MAX]!) ?? 0;
            cursor = cursor + 1 === keys.length ? 0 : cursor + 1;
          }
        },
        afterAll: () => {
          if (sink < 0) console.log(sink);
        },
      },
    ],
  },
];
