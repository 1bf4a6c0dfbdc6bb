import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FileStorageAdapter, JsonStore, StoreLockedError } from '../../src/storage/index.js';
import { useTempDir } from './helpers.js';

const tempDir = useTempDir();
const schema = z.object({ n: z.number() });

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

function lockRecord(overrides: Record<string, unknown>): string {
  return JSON.stringify({
    pid: process.pid,
    hostname: hostname(),
    acquiredAt: Date.now(),
    processStartedAt: Math.round(Date.now() - process.uptime() * 1000),
    token: 'abc',
    ...overrides,
  });
}

describe('FileStorageAdapter writes', () => {
  it('refreshes .bak with the previous document on every write', async () => {
    const file = path.join(tempDir(), 'data.json');
    const adapter = new FileStorageAdapter({ path: file });
    const lock = await adapter.lock();
    await adapter.write('one');
    expect(existsSync(`${file}.bak`)).toBe(false);
    await adapter.write('two');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('one');
    await adapter.write('three');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe('two');
    expect(await adapter.read()).toBe('three');
    expect(await adapter.readBackup()).toBe('two');
    // The backup is a separate file, not a second name of the current one.
    expect(statSync(`${file}.bak`).ino).not.toBe(statSync(file).ino);
    await lock.release();
    await lock.release();
    expect(readdirSync(path.dirname(file)).sort()).toEqual(['data.json', 'data.json.bak']);
  });

  it('creates new files owner-only and keeps the mode of an existing file', async () => {
    const dir = tempDir();
    const fresh = new FileStorageAdapter({ path: path.join(dir, 'a.json') });
    await fresh.write('{}');
    expect(statSync(path.join(dir, 'a.json')).mode & 0o777).toBe(0o600);
    const existing = path.join(dir, 'b.json');
    writeFileSync(existing, '{}');
    chmodSync(existing, 0o640);
    await new FileStorageAdapter({ path: existing }).write('{"n":1}');
    expect(statSync(existing).mode & 0o777).toBe(0o640);
  });

  it('removes its temp file when the rename fails', async () => {
    const dir = tempDir();
    const target = path.join(dir, 'data.json');
    mkdirSync(target); // a folder where the file should be: every write fails
    const adapter = new FileStorageAdapter({ path: target });
    await expect(adapter.write('new')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['data.json']);
  });

  it('removes debris of interrupted writes when the lock is taken', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, '{"version":0,"data":{"n":1}}');
    const dead = deadPid();
    writeFileSync(`${file}.${dead}-abcdef.tmp`, 'half a wri');
    writeFileSync(`${file}.bak.${dead}-012345.tmp`, 'x');
    writeFileSync(`${file}.lock.${dead}-0a0b0c.tmp`, 'x');
    writeFileSync(`${file}.lock.${process.pid}-0a0b0d.tmp`, 'live racer');
    writeFileSync(path.join(dir, 'other.json.1-ab.tmp'), 'not ours');
    const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
    expect(readdirSync(dir).sort()).toEqual([
      'data.json',
      'data.json.lock',
      `data.json.lock.${process.pid}-0a0b0d.tmp`,
      'other.json.1-ab.tmp',
    ]);
    expect(store.get().n).toBe(1);
    await store.close();
  });

  it('quarantine returns undefined when there is nothing to move', async () => {
    const adapter = new FileStorageAdapter({ path: path.join(tempDir(), 'none.json') });
    expect(await adapter.quarantine('current', 1)).toBeUndefined();
    expect(await adapter.quarantine('backup', 1)).toBeUndefined();
    expect(await adapter.read()).toBeUndefined();
    expect(await adapter.readBackup()).toBeUndefined();
  });
});

describe('FileStorageAdapter lock', () => {
  it('takes over a lock whose process is dead', async () => {
    const file = path.join(tempDir(), 'data.json');
    writeFileSync(`${file}.lock`, lockRecord({ pid: deadPid() }));
    const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
    const record = JSON.parse(readFileSync(`${file}.lock`, 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(typeof record.processStartedAt).toBe('number');
    await store.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock of an earlier process that had the same pid', async () => {
    const file = path.join(tempDir(), 'data.json');
    writeFileSync(`${file}.lock`, lockRecord({ processStartedAt: 1000 }));
    const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
    await store.close();
  });

  it('respects a lock held by a live process', async () => {
    const file = path.join(tempDir(), 'data.json');
    const liveParent = process.ppid;
    writeFileSync(`${file}.lock`, lockRecord({ pid: liveParent }));
    const error = await JsonStore.open({ path: file, schema, defaults: { n: 0 } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).owner?.pid).toBe(liveParent);
    expect((error as Error).message).toMatch(new RegExp(`process ${liveParent} on `));
  });

  it('respects a lock held on another host, since it cannot be checked', async () => {
    const file = path.join(tempDir(), 'data.json');
    writeFileSync(`${file}.lock`, lockRecord({ pid: deadPid(), hostname: 'elsewhere.example' }));
    await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toThrow(
      /on elsewhere\.example/,
    );
  });

  it('treats an unreadable lock as held while recent and stale when old', async () => {
    const file = path.join(tempDir(), 'data.json');
    writeFileSync(`${file}.lock`, '');
    await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toThrow(
      /unreadable and recent/,
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
    await store.close();
  });

  it('never probes pid 0 or negative pids from a tampered lock', async () => {
    const file = path.join(tempDir(), 'data.json');
    for (const pid of [0, -1]) {
      writeFileSync(`${file}.lock`, lockRecord({ pid }));
      await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toThrow(
        /unreadable and recent/,
      );
    }
  });

  it('does not remove a lock that is no longer its own', async () => {
    const file = path.join(tempDir(), 'data.json');
    const adapter = new FileStorageAdapter({ path: file });
    const lock = await adapter.lock();
    writeFileSync(`${file}.lock`, lockRecord({ token: 'someone-else' }));
    await lock.release();
    expect(existsSync(`${file}.lock`)).toBe(true);
  });
});
