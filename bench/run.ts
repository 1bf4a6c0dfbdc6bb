import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runThroughput, type BenchSuite, type ThroughputRow } from './harness.js';

// Runs every bench/*.bench.ts (or only those whose file name contains an argument), prints a
// table per suite and writes bench/results.json.
const here = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

const results: Record<string, unknown> = {
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  date: new Date().toISOString(),
  suites: [] as unknown[],
};
const suites = results['suites'] as unknown[];

function formatOps(ops: number): string {
  return Math.round(ops).toLocaleString('en-US');
}

for (const file of files) {
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as {
    suites: BenchSuite[];
  };
  for (const suite of module.suites) {
    if (suite.kind === 'throughput') {
      const rows: ThroughputRow[] = await runThroughput(suite);
      console.log(`\n${suite.name} (${suite.unit}/s; relative time, ${suite.reference} = 1.00)`);
      console.table(
        rows.map((row) => ({
          case: row.case,
          [`${row.unit}/s`]: formatOps(row.opsPerSec),
          'relative time': row.relativeTime.toFixed(2),
          '±%': row.rme.toFixed(1),
        })),
      );
      suites.push({ file, name: suite.name, kind: suite.kind, reference: suite.reference, rows });
    } else {
      const rows = await suite.run();
      console.log(`\n${suite.name}`);
      console.table(rows);
      suites.push({ file, name: suite.name, kind: suite.kind, rows });
    }
  }
}

const out = path.join(here, 'results.json');
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
