// Crash-safety test of JsonStore: `npx tsx tests/storage/crash/run-crash.ts [--kills N]`.
// Exits non-zero when any kill left a torn, invalid or stale file, or debris after reopening.
import { runCrashTest } from './crash-harness.js';

const flag = process.argv.indexOf('--kills');
const kills = flag === -1 ? 200 : Number(process.argv[flag + 1]);
if (!Number.isInteger(kills) || kills < 1) throw new Error('--kills needs a positive integer');

const summary = await runCrashTest({ kills, log: (line) => console.log(line) });
console.log(
  [
    `crash test: ${summary.kills} SIGKILLs, ${summary.failures.length} failures`,
    `  kills after the child's first acknowledged flush: ${summary.killsDuringWrites}; earlier (start-up, lock, load): ${summary.kills - summary.killsDuringWrites}`,
    `  file one ahead of the last ack (killed between rename and ack): ${summary.aheadOfAck}`,
    `  acknowledged flushes: ${summary.totalAcks}, final counter: ${summary.finalCounter}`,
    `  child launcher: ${summary.launcher}, elapsed: ${(summary.elapsedMs / 1000).toFixed(1)} s`,
  ].join('\n'),
);
for (const failure of summary.failures.slice(0, 20)) console.error(`FAIL ${failure}`);
if (summary.failures.length > 0) process.exitCode = 1;
