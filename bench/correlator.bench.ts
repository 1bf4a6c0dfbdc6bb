import { Correlator } from '../src/patterns/correlation/correlator.js';
import type { BenchSuite } from './harness.js';

// Correlator.push with one count rule over 10k active keys, beside two linear-scan baselines:
// - Zeppelin style: one array of recent events, filtered by key and time on every event (the shape
//   of Zeppelin's spam plugin `recentActions`), pruned of expired entries on every event too;
// - per-key scan: a recent-events array per key, filtered by time on every event.
// The stream is 10 events per ms of event time (10k events/s of traffic), keys drawn at random
// from 10k users, a 10 s window (about 10 events held per key, 100k in all) and a threshold of 25,
// so matches are rare, as for a real spam rule.
const KEYS = 10_000;
const WINDOW_MS = 10_000;
const AT_LEAST = 25;
const EVENTS_PER_MS = 10;
const STREAM = 1 << 20;

interface BenchEvent {
  userId: number;
  timestamp: number;
}

let seed = 42;
function random(): number {
  seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
  return seed / 0x80000000;
}
const userIds = Int32Array.from({ length: STREAM }, () => Math.floor(random() * KEYS));

function streamFrom(): () => BenchEvent {
  let index = 0;
  return () => {
    const event = { userId: userIds[index & (STREAM - 1)]!, timestamp: index / EVENTS_PER_MS };
    index += 1;
    return event;
  };
}

function warmCorrelator(): { correlator: Correlator<BenchEvent>; next: () => BenchEvent } {
  const correlator = new Correlator<BenchEvent>({
    rules: [
      {
        name: 'burst',
        groupBy: 'userId',
        windowMs: WINDOW_MS,
        condition: { type: 'count', atLeast: AT_LEAST },
        maxKeys: 20_000,
      },
    ],
  });
  const next = streamFrom();
  for (let index = 0; index < 200_000; index += 1) correlator.push(next());
  return { correlator, next };
}

class ZeppelinScan {
  recent: BenchEvent[] = [];
  matches = 0;
  push(event: BenchEvent): void {
    const since = event.timestamp - WINDOW_MS;
    this.recent = this.recent.filter((action) => action.timestamp >= since);
    this.recent.push(event);
    const mine = this.recent.filter((action) => action.userId === event.userId);
    if (mine.length >= AT_LEAST) {
      this.matches += 1;
      this.recent = this.recent.filter((action) => action.userId !== event.userId);
    }
  }
}

class PerKeyScan {
  byKey = new Map<number, BenchEvent[]>();
  matches = 0;
  push(event: BenchEvent): void {
    const since = event.timestamp - WINDOW_MS;
    const recent = (this.byKey.get(event.userId) ?? []).filter((e) => e.timestamp >= since);
    recent.push(event);
    if (recent.length >= AT_LEAST) {
      this.matches += 1;
      this.byKey.set(event.userId, []);
    } else {
      this.byKey.set(event.userId, recent);
    }
  }
}

const ours = warmCorrelator();
const zeppelin = new ZeppelinScan();
const zeppelinNext = streamFrom();
// Filling its window by pushing would take minutes (that is the point), so seed it directly.
for (let index = 0; index < WINDOW_MS * EVENTS_PER_MS; index += 1) {
  zeppelin.recent.push(zeppelinNext());
}
const perKey = new PerKeyScan();
const perKeyNext = streamFrom();
for (let index = 0; index < 200_000; index += 1) perKey.push(perKeyNext());

const BATCH = 1_000;

export const suites: BenchSuite[] = [
  {
    kind: 'throughput',
    name: 'Correlator.push, count rule, 10k active keys',
    reference: 'Correlator.push',
    unit: 'event',
    cases: [
      {
        name: 'Correlator.push',
        unitsPerCall: BATCH,
        fn: () => {
          for (let index = 0; index < BATCH; index += 1) ours.correlator.push(ours.next());
        },
        afterAll: () => {
          const stats = ours.correlator.stats();
          console.log(
            `Correlator: ${stats.keys} keys, ${stats.events} events held, ${stats.matches} matches`,
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
      {
        name: 'Zeppelin-style recent-events scan',
        unitsPerCall: 2,
        fn: () => {
          for (let index = 0; index < 2; index += 1) zeppelin.push(zeppelinNext());
        },
      },
    ],
  },
];
