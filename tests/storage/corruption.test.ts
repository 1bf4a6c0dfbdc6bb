import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonStore, MemoryStorageAdapter, StoreCorruptError } from '../../src/storage/index.js';
import { recordingLogger, useTempDir } from './helpers.js';

const schema = z.object({ owner: z.string(), strikes: z.number().int().min(0) });
const defaults = { owner: 'nobody', strikes: 0 };
const tempDir = useTempDir();

const envelope = (data: unknown, version = 0): string =>
  `${JSON.stringify({ version, data }, null, 2)}\n`;
const good = envelope({ owner: 'alice', strikes: 3 });
const older = envelope({ owner: 'alice', strikes: 2 });

const corruptions: Array<[string, Buffer]> = [
  ['truncated JSON', Buffer.from(good.slice(0, good.length / 2))],
  ['binary garbage', Buffer.from([0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81, 0x7b, 0x0a, 0xc3])],
  ['valid JSON that fails the schema', Buffer.from(envelope({ owner: 42, strikes: -1 }))],
  ['an empty file', Buffer.alloc(0)],
];

function quarantinedFiles(dir: string, base: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(`${base}.corrupt-`));
}

describe('JsonStore corruption handling (file adapter)', () => {
  for (const [name, bytes] of corruptions) {
    describe(name, () => {
      it('quarantines the file byte for byte and restores the backup', async () => {
        const dir = tempDir();
        const file = path.join(dir, 'data.json');
        writeFileSync(file, bytes);
        writeFileSync(`${file}.bak`, older);
        const logger = recordingLogger();
        const store = await JsonStore.open({
          path: file,
          schema,
          defaults,
          logger,
          clock: fixedClock(1234),
        });
        expect(store.get()).toEqual({ owner: 'alice', strikes: 2 });
        expect(store.loadReport.source).toBe('backup');
        expect(store.loadReport.quarantined).toEqual([`${file}.corrupt-1234`]);
        // The unreadable bytes are kept exactly, under the quarantine name.
        expect(readFileSync(`${file}.corrupt-1234`)).toEqual(bytes);
        // The recovery is durable at once: the file holds the backup's state.
        expect(JSON.parse(readFileSync(file, 'utf8')).data).toEqual({ owner: 'alice', strikes: 2 });
        const error = logger.entries.find((line) => line.level === 'error');
        expect(error?.message).toContain(`${file}.corrupt-1234`);
        expect(error?.bindings['quarantined']).toBe(`${file}.corrupt-1234`);
        store.update((draft) => {
          draft.strikes = 10;
        });
        await store.close();
        // Later writes never touch the quarantined copy.
        expect(readFileSync(`${file}.corrupt-1234`)).toEqual(bytes);
      });

      it('falls back to defaults without a backup, still keeping the bad file', async () => {
        const dir = tempDir();
        const file = path.join(dir, 'data.json');
        writeFileSync(file, bytes);
        const logger = recordingLogger();
        const store = await JsonStore.open({ path: file, schema, defaults, logger });
        expect(store.get()).toEqual(defaults);
        expect(store.loadReport.source).toBe('defaults');
        const [moved] = quarantinedFiles(dir, 'data.json');
        expect(moved).toBeDefined();
        expect(readFileSync(path.join(dir, moved!))).toEqual(bytes);
        expect(
          logger.entries
            .filter((line) => line.level === 'error')
            .map((l) => l.message)
            .join('\n'),
        ).toMatch(/starting from defaults/);
        await store.close();
        expect(readFileSync(path.join(dir, moved!))).toEqual(bytes);
      });

      it("refuses to start with onCorrupt: 'refuse' and touches nothing", async () => {
        const dir = tempDir();
        const file = path.join(dir, 'data.json');
        writeFileSync(file, bytes);
        const error = await JsonStore.open({
          path: file,
          schema,
          defaults,
          onCorrupt: 'refuse',
        }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreCorruptError);
        expect((error as StoreCorruptError).code).toBe('STORE_CORRUPT');
        expect((error as Error).message).toContain(file);
        expect(readFileSync(file)).toEqual(bytes);
        expect(readdirSync(dir).sort()).toEqual(['data.json']);
      });
    });
  }

  it('quarantines an unreadable backup as well and starts from defaults', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, '{"version":0,');
    writeFileSync(`${file}.bak`, 'garbage');
    const store = await JsonStore.open({ path: file, schema, defaults, clock: fixedClock(77) });
    expect(store.loadReport).toEqual({
      source: 'defaults',
      quarantined: [`${file}.corrupt-77`, `${file}.bak.corrupt-77`],
    });
    expect(readFileSync(`${file}.corrupt-77`, 'utf8')).toBe('{"version":0,');
    expect(readFileSync(`${file}.bak.corrupt-77`, 'utf8')).toBe('garbage');
    expect(existsSync(`${file}.bak`)).toBe(false);
    await store.close();
  });

  it("with onCorrupt: 'refuse', also leaves an unreadable backup untouched", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(`${file}.bak`, 'garbage');
    await expect(
      JsonStore.open({ path: file, schema, defaults, onCorrupt: 'refuse' }),
    ).rejects.toMatchObject({ code: 'STORE_CORRUPT', location: `${file}.bak` });
    expect(readdirSync(dir)).toEqual(['data.json.bak']);
  });

  it('uses the backup when the file itself is missing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(`${file}.bak`, good);
    const store = await JsonStore.open({ path: file, schema, defaults });
    expect(store.loadReport.source).toBe('backup');
    expect(store.get().strikes).toBe(3);
    expect(existsSync(file)).toBe(true);
    await store.close();
  });

  it('never overwrites an existing quarantine file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(`${file}.corrupt-5`, 'first');
    writeFileSync(file, 'second');
    const store = await JsonStore.open({ path: file, schema, defaults, clock: fixedClock(5) });
    expect(store.loadReport.quarantined).toEqual([`${file}.corrupt-5-1`]);
    expect(readFileSync(`${file}.corrupt-5`, 'utf8')).toBe('first');
    expect(readFileSync(`${file}.corrupt-5-1`, 'utf8')).toBe('second');
    await store.close();
  });

  it('reads a plain JSON file without the envelope as version 0 data', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, JSON.stringify({ owner: 'seed', strikes: 1 }));
    const store = await JsonStore.open({ path: file, schema, defaults });
    expect(store.get()).toEqual({ owner: 'seed', strikes: 1 });
    await store.close();
  });

  it('reads a hand-edited file saved with a UTF-8 byte order mark instead of quarantining it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'data.json');
    writeFileSync(file, `\uFEFF${good}`);
    const store = await JsonStore.open({ path: file, schema, defaults });
    expect(store.loadReport).toEqual({ source: 'file', quarantined: [] });
    expect(store.get()).toEqual({ owner: 'alice', strikes: 3 });
    await store.close();
    expect(quarantinedFiles(dir, 'data.json')).toEqual([]);
  });

  it('memory adapter: quarantines the same way', async () => {
    const adapter = new MemoryStorageAdapter({ text: 'nope', backup: good, location: 'mem' });
    const store = await JsonStore.open({ adapter, schema, defaults, clock: fixedClock(9) });
    expect(store.get().strikes).toBe(3);
    expect(adapter.quarantined.get('mem.corrupt-9')).toBe('nope');
    await store.close();
  });
});

function fixedClock(now: number) {
  return {
    now: () => now,
    setTimeout: (callback: () => void, ms: number) => setTimeout(callback, ms),
    clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
}
