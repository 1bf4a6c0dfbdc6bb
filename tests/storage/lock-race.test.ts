import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { useTempDir } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const tempDir = useTempDir();

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

// Several processes race to open one file whose lock is stale (its holder died): exactly one
// may win, whatever the interleaving of the takeover and the exclusive create.
describe('FileStorageAdapter lock across processes', () => {
  it('lets exactly one of several racing processes open the file', async () => {
    const dir = tempDir();
    const child = path.join(dir, 'lock-child.mjs');
    await build({
      entryPoints: [path.join(here, 'crash', 'lock-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: child,
      logLevel: 'silent',
    });
    const file = path.join(dir, 'data', 'state.json');
    mkdirSync(path.dirname(file));
    for (let round = 0; round < 3; round += 1) {
      const dead = { pid: deadPid(), hostname: hostname(), acquiredAt: 1, processStartedAt: 1 };
      writeFileSync(`${file}.lock`, JSON.stringify({ ...dead, token: 'stale' }), { flag: 'w' });
      const runs = Array.from({ length: 4 }, () => {
        const proc = spawn(process.execPath, [child, file], { stdio: ['pipe', 'pipe', 'pipe'] });
        const line = new Promise<string>((resolve) => {
          let out = '';
          proc.stdout.setEncoding('utf8');
          proc.stdout.on('data', (chunk: string) => {
            out += chunk;
            if (out.includes('\n')) resolve(out.trim());
          });
          proc.on('close', () => resolve(out.trim()));
        });
        const closed = new Promise<void>((resolve) => proc.on('close', () => resolve()));
        return { proc, line, closed };
      });
      const lines = await Promise.all(runs.map((run) => run.line));
      for (const run of runs) run.proc.stdin.end();
      await Promise.all(runs.map((run) => run.closed));
      expect(lines.filter((line) => line === 'locked')).toHaveLength(1);
      expect(lines.filter((line) => line === 'busy STORE_LOCKED')).toHaveLength(3);
      // Exactly one writer per round: the counter went up by one each time.
      expect(JSON.parse(readFileSync(file, 'utf8')).data.counter).toBe(round + 1);
    }
  }, 30_000);
});
