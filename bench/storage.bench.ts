// JsonStore benchmarks: update coalescing at 10k updates/s against a naive write-per-update
// baseline, flush latency, and the cost of one update by state size.
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { JsonStore, MemoryStorageAdapter } from '../src/storage/index.js';
import type { BenchSuite } from './harness.js';

const RATE_PER_SEC = 10_000;
const COALESCE_MS = 5_000;
const BASELINE_MS = 2_000;
const DEBOUNCE_MS = 100;
const FLUSH_SAMPLES = 200;

const schema = z.object({
  counter: z.number().int().min(0),
  lastUser: z.string(),
  recent: z.array(z.string()).max(20),
});
type State = z.output<typeof schema>;
const defaults: State = { counter: 0, lastUser: '', recent: [] };

function next(state: State): State {
  const user = String(100_000_000_000_000_000n + BigInt(state.counter % 5000));
  return {
    counter: state.counter + 1,
    lastUser: user,
    recent: [user, ...state.recent].slice(0, 20),
  };
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1));
}

// Issues updates at `rate` per second for `durationMs`, catching up after timer jitter.
async function paced(
  durationMs: number,
  rate: number,
  step: () => Promise<void> | void,
): Promise<{ updates: number; elapsedMs: number }> {
  const started = performance.now();
  let updates = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) break;
    const due = Math.floor((elapsed / 1000) * rate);
    while (updates < due && performance.now() - started < durationMs) {
      await step();
      updates += 1;
    }
    await tick();
  }
  return { updates, elapsedMs: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

async function coalescing(): Promise<Array<Record<string, string | number>>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'soc-kit-bench-storage-'));
  try {
    // JsonStore: updates are coalesced into one atomic, fsynced write per debounce window.
    const store = await JsonStore.open({
      path: path.join(dir, 'store.json'),
      schema,
      defaults,
      debounceMs: DEBOUNCE_MS,
    });
    const run = await paced(COALESCE_MS, RATE_PER_SEC, () => {
      store.update((current) => next(current));
    });
    await store.flush();
    const writes = store.stats().writes;
    const windows = Math.ceil(run.elapsedMs / DEBOUNCE_MS);

    const latencies: number[] = [];
    for (let i = 0; i < FLUSH_SAMPLES; i += 1) {
      store.update((current) => next(current));
      const started = performance.now();
      await store.flush();
      latencies.push(performance.now() - started);
    }
    await store.close();
    latencies.sort((a, b) => a - b);

    // Naive baseline (the seed's pattern): rewrite the file in place on every update, awaited.
    const naiveFile = path.join(dir, 'naive.json');
    let state = defaults;
    let naiveWrites = 0;
    const naive = await paced(BASELINE_MS, RATE_PER_SEC, async () => {
      state = next(state);
      await writeFile(naiveFile, JSON.stringify(state));
      naiveWrites += 1;
    });

    const seconds = run.elapsedMs / 1000;
    const naiveSeconds = naive.elapsedMs / 1000;
    return [
      {
        case: `JsonStore (debounce ${DEBOUNCE_MS} ms, atomic + fsync)`,
        'run s': round(seconds),
        updates: run.updates,
        'updates/s': Math.round(run.updates / seconds),
        writes,
        'writes/s': round(writes / seconds),
        'debounce windows': windows,
        'writes <= windows': writes <= windows + 1 ? 'yes' : 'NO',
        'updates per write': round(run.updates / Math.max(writes, 1)),
        'flush p50 ms': round(percentile(latencies, 50), 2),
        'flush p99 ms': round(percentile(latencies, 99), 2),
        'flush max ms': round(latencies.at(-1) ?? Number.NaN, 2),
      },
      {
        case: 'naive: writeFile in place per update (no fsync)',
        'run s': round(naiveSeconds),
        updates: naive.updates,
        'updates/s': Math.round(naive.updates / naiveSeconds),
        writes: naiveWrites,
        'writes/s': round(naiveWrites / naiveSeconds),
        'debounce windows': '-',
        'writes <= windows': '-',
        'updates per write': 1,
        'flush p50 ms': '-',
        'flush p99 ms': '-',
        'flush max ms': '-',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// update() copies, round-trips and validates the whole state, so its cost grows with the state.
async function updateCost(): Promise<Array<Record<string, string | number>>> {
  const rows: Array<Record<string, string | number>> = [];
  for (const entries of [10, 100, 1000]) {
    const mapSchema = z.object({ warnings: z.record(z.string(), z.number().int().min(0)) });
    const initial = Object.fromEntries(Array.from({ length: entries }, (_, i) => [`user${i}`, i]));
    const store = await JsonStore.open({
      adapter: new MemoryStorageAdapter(),
      schema: mapSchema,
      defaults: { warnings: initial },
      debounceMs: 60_000,
    });
    const calls = Math.max(200, Math.round(200_000 / entries));
    const started = performance.now();
    for (let i = 0; i < calls; i += 1) {
      store.update((draft) => {
        draft.warnings[`user${i % entries}`] = i;
      });
    }
    const elapsed = performance.now() - started;
    await store.close();
    rows.push({
      'state entries': entries,
      calls,
      'µs per update': round((elapsed * 1000) / calls, 2),
      'updates/s': Math.round(calls / (elapsed / 1000)),
    });
  }
  return rows;
}

export const suites: BenchSuite[] = [
  {
    kind: 'custom',
    name: `JsonStore coalescing: ${RATE_PER_SEC.toLocaleString('en-US')} updates/s for ${COALESCE_MS / 1000} s vs naive write per update`,
    run: coalescing,
  },
  {
    kind: 'custom',
    name: 'JsonStore.update cost by state size (memory adapter, no writes)',
    run: updateCost,
  },
];
