import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonStore, StoreMigrationError, type Migration } from '../../src/storage/index.js';
import { recordingLogger, useTempDir } from './helpers.js';

const tempDir = useTempDir();

// v0: { warns: number }  v1: { warnings: number }  v2: { warnings: number, notes: string[] }
const schema = z.object({ warnings: z.number().int(), notes: z.array(z.string()) });
const defaults = { warnings: 0, notes: [] };
const order: number[] = [];
const migrations: Migration[] = [
  {
    version: 1,
    description: 'rename warns to warnings',
    migrate: (data) => {
      order.push(1);
      const { warns } = data as { warns: number };
      return { warnings: warns };
    },
  },
  {
    version: 2,
    description: 'add notes',
    migrate: (data) => {
      order.push(2);
      return { ...(data as object), notes: [] };
    },
  },
];

function fileWith(text: string): string {
  const file = path.join(tempDir(), 'data.json');
  writeFileSync(file, text);
  return file;
}

describe('JsonStore migrations', () => {
  it('runs the steps after the stored version, in order, and writes the new version', async () => {
    order.length = 0;
    const original = '{"version":0,"data":{"warns":4}}';
    const file = fileWith(original);
    const logger = recordingLogger();
    const store = await JsonStore.open({ path: file, schema, defaults, migrations, logger });
    expect(order).toEqual([1, 2]);
    expect(store.get()).toEqual({ warnings: 4, notes: [] });
    expect(store.loadReport).toEqual({ source: 'file', quarantined: [], migratedFrom: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 2,
      data: { warnings: 4, notes: [] },
    });
    // The pre-migration document stays available as the backup.
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(original);
    expect(logger.entries.some((line) => line.message?.includes('from version 0 to 2'))).toBe(true);
    await store.close();
  });

  it('starts from the stored version', async () => {
    order.length = 0;
    const file = fileWith('{"version":1,"data":{"warnings":2}}');
    const store = await JsonStore.open({ path: file, schema, defaults, migrations });
    expect(order).toEqual([2]);
    expect(store.get()).toEqual({ warnings: 2, notes: [] });
    await store.close();
  });

  it('does not migrate or rewrite current data', async () => {
    order.length = 0;
    const text = '{"version":2,"data":{"warnings":1,"notes":["x"]}}';
    const file = fileWith(text);
    const store = await JsonStore.open({ path: file, schema, defaults, migrations });
    expect(order).toEqual([]);
    expect(store.loadReport.migratedFrom).toBeUndefined();
    await store.close();
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a throwing migration leaves the file untouched and names the step', async () => {
    const original = '{"version":0,"data":{"warns":4}}';
    const file = fileWith(original);
    const broken: Migration[] = [
      migrations[0]!,
      {
        version: 2,
        description: 'add notes',
        migrate: () => {
          throw new Error('no notes today');
        },
      },
    ];
    const error = await JsonStore.open({ path: file, schema, defaults, migrations: broken }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreMigrationError);
    expect(error).toMatchObject({ code: 'STORE_MIGRATION', storedVersion: 0, targetVersion: 2 });
    expect((error as Error).message).toMatch(/version 2 \(add notes\).*no notes today/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(readFileSync(file, 'utf8')).toBe(original);
    // The lock was released: a fixed build can open it.
    const store = await JsonStore.open({ path: file, schema, defaults, migrations });
    expect(store.get().warnings).toBe(4);
    await store.close();
  });

  it('a migration whose result fails the schema leaves the file untouched', async () => {
    const original = '{"version":1,"data":{"warnings":2}}';
    const file = fileWith(original);
    const sloppy: Migration[] = [migrations[0]!, { version: 2, migrate: (data) => data }];
    await expect(
      JsonStore.open({ path: file, schema, defaults, migrations: sloppy }),
    ).rejects.toThrow(/fails the schema.*left untouched/);
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('refuses data from a newer version', async () => {
    const original = '{"version":3,"data":{"warnings":2,"notes":[]}}';
    const file = fileWith(original);
    await expect(
      JsonStore.open({ path: file, schema, defaults, migrations }),
    ).rejects.toMatchObject({
      code: 'STORE_MIGRATION',
      storedVersion: 3,
      targetVersion: 2,
    });
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it('reports a migration that throws a non-Error value', async () => {
    const file = fileWith('{"version":0,"data":{"warns":1}}');
    const throwsString: Migration[] = [
      {
        version: 1,
        migrate: () => {
          throw 'field missing';
        },
      },
    ];
    await expect(
      JsonStore.open({ path: file, schema, defaults, migrations: throwsString }),
    ).rejects.toThrow(/field missing/);
  });

  it('supports async migrations', async () => {
    const file = fileWith('{"version":0,"data":{"warns":1}}');
    const asyncSteps: Migration[] = [
      { version: 1, migrate: async (data) => ({ warnings: (data as { warns: number }).warns }) },
      { version: 2, migrate: (data) => ({ ...(data as object), notes: ['migrated'] }) },
    ];
    const store = await JsonStore.open({ path: file, schema, defaults, migrations: asyncSteps });
    expect(store.get()).toEqual({ warnings: 1, notes: ['migrated'] });
    await store.close();
  });

  it('imports a plain seed file through a version 1 migration', async () => {
    const file = fileWith('{"123456789012345678": 3}');
    const importSeed: Migration[] = [
      { version: 1, migrate: (data) => ({ warnings: Object.values(data as object).length }) },
      migrations[1]!,
    ];
    const store = await JsonStore.open({ path: file, schema, defaults, migrations: importSeed });
    expect(store.get()).toEqual({ warnings: 1, notes: [] });
    await store.close();
  });
});
