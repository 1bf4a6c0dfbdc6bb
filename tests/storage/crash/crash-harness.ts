// Crash-safety harness: a child process loops update + flush on a JsonStore while this process
// SIGKILLs it at random moments. After every kill the file must parse and validate, hold the
// last acknowledged counter or the one after, and a reopen must leave no .tmp debris.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { JsonStore } from '../../../src/storage/index.js';
import { crashDefaults, crashSchema } from './crash-schema.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface CrashOptions {
  /** How many times to kill the child. */
  kills: number;
  /** Longest random delay before a kill, ms. Default 40. */
  maxDelayMs?: number;
  /**
   * Share of kills at a random moment after spawn (often during start-up: lock, load). The rest
   * wait for the child's first acknowledged flush, then a random delay. Default 0.1.
   */
  startupShare?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Random source (tests may seed it). Default Math.random. */
  random?: () => number;
}

export interface CrashSummary {
  kills: number;
  failures: string[];
  /** Kills that landed after at least one acknowledged write of that child. */
  killsDuringWrites: number;
  /** Times the file held the acknowledged counter + 1 (killed after the rename, before the ack). */
  aheadOfAck: number;
  /** Highest counter reached. */
  finalCounter: number;
  totalAcks: number;
  elapsedMs: number;
  launcher: string;
}

interface Launcher {
  command: string;
  args: (file: string) => string[];
  name: string;
}

// The child is bundled once with esbuild: each start is then ~3x faster than through the tsx
// loader, which matters over hundreds of kills.
async function prepareLauncher(work: string): Promise<Launcher> {
  const outfile = path.join(work, 'child.mjs');
  await build({
    entryPoints: [path.join(here, 'child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return { command: process.execPath, args: (file) => [outfile, file], name: 'esbuild bundle' };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface ChildRun {
  child: ChildProcess;
  /** Resolves at the first acknowledged flush (or exit), so a kill lands in the write loop. */
  firstAck: Promise<void>;
  exited: Promise<void>;
  lastAck: () => number | undefined;
  acks: () => number;
  stderr: () => string;
}

function startChild(launcher: Launcher, file: string): ChildRun {
  const child = spawn(launcher.command, launcher.args(file), {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: here,
  });
  let buffer = '';
  let lastAck: number | undefined;
  let acks = 0;
  let stderr = '';
  let markAcked: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => {
    markAcked = resolve;
  });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.startsWith('ack ')) {
        lastAck = Number(line.slice(4));
        acks += 1;
        markAcked();
      }
      newline = buffer.indexOf('\n');
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.on('close', () => {
      markAcked();
      resolve();
    });
  });
  return {
    child,
    firstAck,
    exited,
    lastAck: () => lastAck,
    acks: () => acks,
    stderr: () => stderr,
  };
}

export async function runCrashTest(options: CrashOptions): Promise<CrashSummary> {
  const started = Date.now();
  const random = options.random ?? Math.random;
  const maxDelayMs = options.maxDelayMs ?? 40;
  const startupShare = options.startupShare ?? 0.1;
  const log = options.log ?? (() => undefined);
  const work = mkdtempSync(path.join(tmpdir(), 'soc-kit-crash-'));
  const dataDir = path.join(work, 'data');
  const file = path.join(dataDir, 'state.json');
  const failures: string[] = [];
  const launcher = await prepareLauncher(work);
  let acknowledged = 0; // last counter a child reported durable
  let killsDuringWrites = 0;
  let aheadOfAck = 0;
  let totalAcks = 0;
  let finalCounter = 0;

  try {
    for (let kill = 1; kill <= options.kills; kill += 1) {
      const run = startChild(launcher, file);
      const atStartup = random() < startupShare;
      if (!atStartup) await run.firstAck;
      await sleep(random() * maxDelayMs);
      if (run.child.exitCode !== null) {
        failures.push(
          `kill ${kill}: child exited by itself (${run.child.exitCode}): ${run.stderr().slice(0, 500)}`,
        );
        continue;
      }
      run.child.kill('SIGKILL');
      await run.exited;
      const ack = run.lastAck();
      if (ack !== undefined) {
        acknowledged = ack;
        killsDuringWrites += 1;
      }
      totalAcks += run.acks();

      // 1. The file parses and validates, and holds the acknowledged counter or the next one.
      let text: string | undefined;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = undefined;
      }
      if (text === undefined) {
        if (acknowledged !== 0)
          failures.push(`kill ${kill}: file missing after ack ${acknowledged}`);
      } else {
        try {
          const envelope = JSON.parse(text) as { version: number; data: unknown };
          const parsed = crashSchema.safeParse(envelope.data);
          if (!parsed.success) {
            failures.push(
              `kill ${kill}: file fails the schema: ${parsed.error.issues[0]?.message ?? ''}`,
            );
          } else {
            const { counter } = parsed.data;
            if (counter === acknowledged + 1) aheadOfAck += 1;
            else if (counter !== acknowledged) {
              failures.push(`kill ${kill}: counter ${counter}, last acknowledged ${acknowledged}`);
            }
            acknowledged = counter;
            finalCounter = counter;
          }
        } catch (error) {
          failures.push(`kill ${kill}: file does not parse: ${(error as Error).message}`);
        }
      }

      // 2. Reopening recovers the stale lock, loads the file itself and removes debris.
      try {
        const store = await JsonStore.open({
          path: file,
          schema: crashSchema,
          defaults: crashDefaults,
        });
        const debris = readdirSync(dataDir).filter((name) => name.endsWith('.tmp'));
        if (debris.length > 0)
          failures.push(`kill ${kill}: .tmp debris after reopen: ${debris.join(', ')}`);
        if (store.loadReport.source !== 'file' && text !== undefined) {
          failures.push(
            `kill ${kill}: reopen loaded from ${store.loadReport.source}, not the file`,
          );
        }
        if (store.get().counter !== acknowledged && text !== undefined) {
          failures.push(`kill ${kill}: reopened counter ${store.get().counter} != ${acknowledged}`);
        }
        await store.close();
      } catch (error) {
        failures.push(`kill ${kill}: reopen failed: ${(error as Error).message}`);
      }
      if (kill % 25 === 0 || kill === options.kills) {
        log(`${kill}/${options.kills} kills, counter ${finalCounter}, failures ${failures.length}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    kills: options.kills,
    failures,
    killsDuringWrites,
    aheadOfAck,
    finalCounter,
    totalAcks,
    elapsedMs: Date.now() - started,
    launcher: launcher.name,
  };
}
