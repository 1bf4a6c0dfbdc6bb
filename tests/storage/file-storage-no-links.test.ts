import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FileStorageAdapter, JsonStore, StoreLockedError } from '../../src/storage/index.js';
import { useTempDir } from './helpers.js';

// File systems without hard links (FAT, some network shares): link() fails with EPERM, and the
// adapter falls back to exclusive create, copy and rename.
const mode = vi.hoisted(() => ({ linkError: undefined as string | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    link: async (existing: string, created: string) => {
      if (mode.linkError !== undefined) {
        throw Object.assign(new Error(`${mode.linkError}: link not supported`), {
          code: mode.linkError,
        });
      }
      return actual.link(existing, created);
    },
  };
});

const tempDir = useTempDir();
const schema = z.object({ n: z.number() });

afterEach(() => {
  mode.linkError = undefined;
});

describe('FileStorageAdapter without hard links', () => {
  it('locks, writes with a copied backup, and quarantines by rename', async () => {
    mode.linkError = 'EPERM';
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, 'not json');
    const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
    expect(store.loadReport.source).toBe('defaults');
    expect(store.loadReport.quarantined).toHaveLength(1);
    expect(readFileSync(store.loadReport.quarantined[0]!, 'utf8')).toBe('not json');
    await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toBeInstanceOf(
      StoreLockedError,
    );
    store.update(() => ({ n: 1 }));
    await store.flush();
    store.update(() => ({ n: 2 }));
    await store.close();
    expect(JSON.parse(readFileSync(`${file}.bak`, 'utf8')).data.n).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).data.n).toBe(2);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never overwrites an earlier quarantine file of the same timestamp', async () => {
    mode.linkError = 'EPERM';
    const file = path.join(tempDir(), 'data.json');
    const adapter = new FileStorageAdapter({ path: file });
    writeFileSync(file, 'first bad');
    expect(await adapter.quarantine('current', 7)).toBe(`${file}.corrupt-7`);
    writeFileSync(file, 'second bad');
    expect(await adapter.quarantine('current', 7)).toBe(`${file}.corrupt-7-1`);
    expect(readFileSync(`${file}.corrupt-7`, 'utf8')).toBe('first bad');
    expect(readFileSync(`${file}.corrupt-7-1`, 'utf8')).toBe('second bad');
    expect(existsSync(file)).toBe(false);
    // Nothing left to move: no result and no stray placeholder.
    expect(await adapter.quarantine('current', 7)).toBeUndefined();
    expect(existsSync(`${file}.corrupt-7-2`)).toBe(false);
  });

  it('passes other link errors through', async () => {
    const file = path.join(tempDir(), 'data.json');
    const adapter = new FileStorageAdapter({ path: file });
    await adapter.write('one');
    mode.linkError = 'EIO';
    await expect(adapter.write('two')).rejects.toThrow('EIO');
    await expect(adapter.quarantine('current', 1)).rejects.toThrow('EIO');
    await expect(adapter.lock()).rejects.toThrow('EIO');
    expect(readFileSync(file, 'utf8')).toBe('one');
  });
});
