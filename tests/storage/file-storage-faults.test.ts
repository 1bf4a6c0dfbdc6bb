import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { JsonStore, StoreWriteError } from '../../src/storage/index.js';
import { useTempDir } from './helpers.js';

// Disk full and permission errors in the middle of a write, injected into node:fs/promises:
// writing a temp file stores half of the text and then fails, as a full disk does.
const fault = vi.hoisted(() => ({
  code: undefined as string | undefined,
  lockToo: false,
}));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      const code = fault.code;
      const name = String(args[0]);
      if (code === undefined || !name.endsWith('.tmp')) return handle;
      if (name.includes('.lock.') && !fault.lockToo) return handle;
      const writeFile = async (text: string): Promise<void> => {
        await handle.write(text.slice(0, Math.floor(text.length / 2)));
        throw Object.assign(new Error(`${code}: injected`), { code });
      };
      return Object.assign(Object.create(handle) as FsPromises.FileHandle, { writeFile });
    },
  };
});

const tempDir = useTempDir();
const schema = z.object({ n: z.number() });

afterEach(() => {
  fault.code = undefined;
  fault.lockToo = false;
});

describe('FileStorageAdapter when the disk fails during a write', () => {
  for (const code of ['ENOSPC', 'EACCES', 'EIO']) {
    it(`${code}: keeps the file and its backup intact, leaves no debris, and retries`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'data.json');
      const store = await JsonStore.open({ path: file, schema, defaults: { n: 0 } });
      store.update(() => ({ n: 1 }));
      await store.flush();
      store.update(() => ({ n: 2 }));
      await store.flush();
      const before = readFileSync(file, 'utf8');
      const backupBefore = readFileSync(`${file}.bak`, 'utf8');

      fault.code = code;
      store.update(() => ({ n: 3 }));
      const error = await store.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreWriteError);
      expect((error as Error).message).toContain(code);
      expect(((error as Error).cause as { code?: string }).code).toBe(code);
      expect(readFileSync(file, 'utf8')).toBe(before);
      expect(readFileSync(`${file}.bak`, 'utf8')).toBe(backupBefore);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      expect(store.stats().dirty).toBe(true);

      fault.code = undefined;
      await store.close();
      expect(JSON.parse(readFileSync(file, 'utf8')).data.n).toBe(3);
      expect(readFileSync(`${file}.bak`, 'utf8')).toBe(before);
    });
  }

  it('a failed write never touches a file that could not be read at open', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, '{"version":0,"data":{"n":"not a number"}}');
    fault.code = 'ENOSPC';
    // Recovery quarantines the bad file, then cannot write the defaults back: open fails and
    // the quarantined copy is all there is, untouched.
    await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toBeInstanceOf(
      StoreWriteError,
    );
    const names = readdirSync(dir);
    const moved = names.find((name) => name.startsWith('data.json.corrupt-'));
    expect(moved).toBeDefined();
    expect(readFileSync(path.join(dir, moved!), 'utf8')).toBe(
      '{"version":0,"data":{"n":"not a number"}}',
    );
    expect(names.filter((name) => name.endsWith('.tmp') || name.endsWith('.lock'))).toEqual([]);
  });

  it('a lock that cannot be written fails the open and leaves no debris', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, '{"version":0,"data":{"n":5}}');
    fault.code = 'ENOSPC';
    fault.lockToo = true;
    await expect(JsonStore.open({ path: file, schema, defaults: { n: 0 } })).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(readdirSync(dir)).toEqual(['data.json']);
    expect(readFileSync(file, 'utf8')).toBe('{"version":0,"data":{"n":5}}');
  });
});
