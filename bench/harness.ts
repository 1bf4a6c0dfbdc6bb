import { Bench } from 'tinybench';

/** One measured function. Batch tiny operations inside `fn` and set `unitsPerCall`, so timer overhead does not dominate. */
export interface BenchCase {
  name: string;
  fn: () => unknown;
  /** How many logical operations one call of `fn` performs (default 1). */
  unitsPerCall?: number;
  /** Runs once before measuring this case (not timed). */
  beforeAll?: () => unknown;
  /** Runs once after measuring this case (not timed). */
  afterAll?: () => unknown;
}

/** A group of cases measured in one run; ratios are relative to `reference`. */
export interface ThroughputSuite {
  kind: 'throughput';
  name: string;
  /** Name of the case every ratio is relative to. */
  reference: string;
  /** Label of a logical operation, e.g. 'emit' or 'event'. */
  unit: string;
  cases: BenchCase[];
  /** Measuring time per case in ms (default 1000). */
  timeMs?: number;
}

/** A benchmark that measures something other than ops/s (write counts, latencies). */
export interface CustomSuite {
  kind: 'custom';
  name: string;
  run: () => Promise<Array<Record<string, string | number>>>;
}

export type BenchSuite = ThroughputSuite | CustomSuite;

export interface ThroughputRow {
  suite: string;
  case: string;
  unit: string;
  opsPerSec: number;
  /** Time per operation relative to the reference case (reference = 1). Lower is faster. */
  relativeTime: number;
  rme: number;
  samples: number;
}

export async function runThroughput(suite: ThroughputSuite): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const benchCase of suite.cases) {
    const bench = new Bench({ time: suite.timeMs ?? 1000, warmupTime: 200 });
    await benchCase.beforeAll?.();
    bench.add(benchCase.name, benchCase.fn);
    await bench.run();
    await benchCase.afterAll?.();
    const task = bench.tasks[0];
    const result = task?.result;
    if (result === undefined || !('latency' in result)) {
      throw new Error(
        `benchmark ${suite.name}/${benchCase.name} did not complete (${result?.state ?? 'no result'})`,
      );
    }
    const units = benchCase.unitsPerCall ?? 1;
    rows.push({
      suite: suite.name,
      case: benchCase.name,
      unit: suite.unit,
      opsPerSec: (1000 / result.latency.mean) * units,
      relativeTime: Number.NaN,
      rme: result.latency.rme,
      samples: result.latency.samplesCount,
    });
  }
  const reference = rows.find((row) => row.case === suite.reference);
  if (reference === undefined)
    throw new Error(`suite ${suite.name} has no reference case ${suite.reference}`);
  for (const row of rows) row.relativeTime = reference.opsPerSec / row.opsPerSec;
  return rows;
}
