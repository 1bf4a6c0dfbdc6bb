import { Correlator } from '../src/patterns/correlation/correlator.js';
import type { BenchSuite, ThroughputSuite } from './harness.js';

// Correlator.push with one count rule, beside two linear-scan baselines:
// - Zeppelin style: one array of recent events, filtered by key and time on every event (the shape
//   of Zeppelin's spam plugin `recentActions`), pruned of expired entries on every event too;
// - per-key scan: a recent-events array per key, filtered by time on every event.
// The stream is 10 events per ms of event time (10k events/s of traffic) with keys drawn at
// random, and a 10 s window (100k events held in all). The main suite has 10k keys (about 10 events
// held per key) and a threshold of 25, so matches are rare, as for a real spam rule. The second
// suite has 1k busier keys (about 100 events per key), where per-key scans pay for their length.
const WINDOW_MS = 10_000;
const EVENTS_PER_MS = 10;
const STREAM = 1 << 20;
const BATCH = 1_000;

interface BenchEvent {
  userId: number;
  timestamp: number;
}

function userIds(keys: number): Int32Array {
  let seed = 42;
  const random = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  return Int32Array.from({ length: STREAM }, () => Math.floor(random() * keys));
}

function streamOf(ids: Int32Array): () => BenchEvent {
  let index = 0;
  return () => {
    const event = { userId: ids[index & (STREAM - 1)]!, timestamp: index / EVENTS_PER_MS };
    index += 1;
    return event;
  };
}

class ZeppelinScan {
  recent: BenchEvent[] = [];
  matches = 0;
  constructor(private readonly atLeast: number) {}
  push(event: BenchEvent): void {
    const since = event.timestamp - WINDOW_MS;
    this.recent = this.recent.filter((action) => action.timestamp >= since);
    this.recent.push(event);
    const mine = this.recent.filter((action) => action.userId === event.userId);
    if (mine.length >= this.atLeast) {
      this.matches += 1;
      this.recent = this.recent.filter((action) => action.userId !== event.userId);
    }
  }
}

class PerKeyScan {
  byKey = new Map<number, BenchEvent[]>();
  matches = 0;
  constructor(private readonly atLeast: number) {}
  push(event: BenchEvent): void {
    const since = event.timestamp - WINDOW_MS;
    const recent = (this.byKey.get(event.userId) ?? []).filter((e) => e.timestamp >= since);
    recent.push(event);
    if (recent.length >= this.atLeast) {
      this.matches += 1;
      this.byKey.set(event.userId, []);
    } else {
      this.byKey.set(event.userId, recent);
    }
  }
}

function suite(keys: number, atLeast: number, withZeppelin: boolean): ThroughputSuite {
  const ids = userIds(keys);
  const correlator = new Correlator<BenchEvent>({
    rules: [
      {
        name: 'burst',
        groupBy: 'userId',
        windowMs: WINDOW_MS,
        condition: { type: 'count', atLeast },
        maxKeys: 2 * keys,
      },
    ],
  });
  const next = streamOf(ids);
  const perKey = new PerKeyScan(atLeast);
  const perKeyNext = streamOf(ids);
  // Fill two windows' worth so every structure is in steady state before measuring.
  for (let index = 0; index < 2 * WINDOW_MS * EVENTS_PER_MS; index += 1) {
    correlator.push(next());
    perKey.push(perKeyNext());
  }
  const cases: ThroughputSuite['cases'] = [
    {
      name: 'Correlator.push',
      unitsPerCall: BATCH,
      fn: () => {
        for (let index = 0; index < BATCH; index += 1) correlator.push(next());
      },
      afterAll: () => {
        const stats = correlator.stats();
        console.log(
          `Correlator (${keys} keys): ${stats.keys} keys, ${stats.events} events held, ${stats.matches} matches`,
        );
      },
    },
    {
      name: 'per-key array filter',
      unitsPerCall: BATCH,
      fn: () => {
        for (let index = 0; index < BATCH; index += 1) perKey.push(perKeyNext());
      },
    },
  ];
  if (withZeppelin) {
    const zeppelin = new ZeppelinScan(atLeast);
    const zeppelinNext = streamOf(ids);
    // Filling its window by pushing would take minutes (that is the point), so seed it directly.
    for (let index = 0; index < WINDOW_MS * EVENTS_PER_MS; index += 1) {
      zeppelin.recent.push(zeppelinNext());
    }
    cases.push({
      name: 'Zeppelin-style recent-events scan',
      unitsPerCall: 2,
      fn: () => {
        for (let index = 0; index < 2; index += 1) zeppelin.push(zeppelinNext());
      },
    });
  }
  return {
    kind: 'throughput',
    name: `Correlator.push, count rule, ${keys.toLocaleString('en-US')} active keys`,
    reference: 'Correlator.push',
    unit: 'event',
    timeMs: 2000,
    cases,
  };
}

export const suites: BenchSuite[] = [suite(10_000, 25, true), suite(1_000, 150, false)];
