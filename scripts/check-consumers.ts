// Packs the library, installs the tarball into a fresh temp project without discord.js, and checks
// that ESM and CJS consumers can load every Discord-agnostic subpath and see the same exports.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
const work = mkdtempSync(path.join(tmpdir(), 'soc-kit-consumer-'));

// Exports each subpath must have; checked from both module systems.
const required: Record<string, string[]> = {
  'soc-kit': ['SocKitError', 'createConsoleLogger', 'SignalBus', 'defineSignals'],
  'soc-kit/bus': ['SignalBus', 'defineSignals', 'SignalValidationError'],
  'soc-kit/patterns': [
    'AnomalyScorer',
    'scoreConfidence',
    'analyzeTrend',
    'TtlCache',
    'Correlator',
    'correlateEvents',
    'runWorkflow',
    'createLoop',
  ],
  'soc-kit/testing': ['createMockDiscord', 'MockDiscordError', 'watchUnhandledRejections'],
  'soc-kit/storage': [
    'JsonStore',
    'GuildConfig',
    'ConfigError',
    'configSignals',
    'FileStorageAdapter',
  ],
};

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

try {
  run('npm', ['pack', '--pack-destination', work, '--silent'], root);
  const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack produced no tarball');
  writeFileSync(
    path.join(work, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true }),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(work, tarball)],
    work,
  );

  const spec = JSON.stringify(required);
  writeFileSync(
    path.join(work, 'check.mjs'),
    `const required = ${spec};
const out = {};
for (const [id, names] of Object.entries(required)) {
  const mod = await import(id);
  for (const name of names) if (mod[name] === undefined) throw new Error(id + ' (ESM) lacks ' + name);
  out[id] = Object.keys(mod).sort();
}
let discord = true;
try { await import('discord.js'); } catch { discord = false; }
if (discord) throw new Error('discord.js is installed in the consumer; the check would prove nothing');
console.log(JSON.stringify(out));
`,
  );
  writeFileSync(
    path.join(work, 'check.cjs'),
    `const required = ${spec};
const out = {};
for (const [id, names] of Object.entries(required)) {
  const mod = require(id);
  for (const name of names) if (mod[name] === undefined) throw new Error(id + ' (CJS) lacks ' + name);
  out[id] = Object.keys(mod).filter((k) => k !== '__esModule').sort();
}
console.log(JSON.stringify(out));
`,
  );
  const esm = run('node', ['check.mjs'], work).trim();
  const cjs = run('node', ['check.cjs'], work).trim();
  if (esm !== cjs) throw new Error(`ESM and CJS export different names:\nESM ${esm}\nCJS ${cjs}`);
  const counts = Object.entries(JSON.parse(esm) as Record<string, string[]>)
    .map(([id, names]) => `${id}: ${names.length}`)
    .join(', ');
  console.log(`consumers ok (ESM and CJS, no discord.js installed): ${counts}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
