import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  JsonStore,
  MemoryStorageAdapter,
  StoreClosedError,
  StoreLockedError,
  StoreOptionsError,
  StoreUsageError,
  StoreValidationError,
  StoreWriteError,
  type StorageAdapter,
  type StorageLock,
} from '../../src/storage/index.js';
import { recordingLogger, useTempDir } from './helpers.js';

const schema = z.object({ n: z.number().int().min(0).max(1_000_000), tags: z.array(z.string()) });
const defaults = { n: 0, tags: [] as string[] };
const tempDir = useTempDir();

afterEach(() => {
  vi.useRealTimers();
});

function openMemory(adapter = new MemoryStorageAdapter(), extra: { debounceMs?: number } = {}) {
  return JsonStore.open({ adapter, schema, defaults, ...extra });
}

// An adapter whose writes wait until the test releases them, to observe concurrency.
class GatedAdapter extends MemoryStorageAdapter {
  active = 0;
  maxActive = 0;
  pending: Array<() => void> = [];
  failNext = 0;

  override async write(text: string): Promise<void> {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise<void>((resolve) => this.pending.push(resolve));
    this.active -= 1;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('disk full');
    }
    await super.write(text);
  }

  release(): void {
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

describe('JsonStore basics', () => {
  it('starts from defaults without writing, and persists an envelope on flush', async () => {
    const file = path.join(tempDir(), 'nested', 'data.json');
    const store = await JsonStore.open({ path: file, schema, defaults });
    expect(store.get()).toEqual(defaults);
    expect(store.loadReport).toEqual({ source: 'defaults', quarantined: [] });
    expect(existsSync(file)).toBe(false);
    store.update((draft) => {
      draft.n = 5;
    });
    await store.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 0,
      data: { n: 5, tags: [] },
    });
    await store.close();
  });

  it('reloads what it wrote', async () => {
    const file = path.join(tempDir(), 'data.json');
    const first = await JsonStore.open({ path: file, schema, defaults });
    first.update(() => ({ n: 7, tags: ['a'] }));
    await first.close();
    const second = await JsonStore.open({ path: file, schema, defaults });
    expect(second.get()).toEqual({ n: 7, tags: ['a'] });
    expect(second.loadReport.source).toBe('file');
    await second.close();
  });

  it('returns a frozen state', async () => {
    const store = await openMemory();
    const state = store.get();
    expect(Object.isFrozen(state)).toBe(true);
    expect(Object.isFrozen(state.tags)).toBe(true);
    expect(() => {
      (state as { n: number }).n = 3;
    }).toThrow(TypeError);
    await store.close();
  });

  it('accepts a returned next state as well as a mutated draft', async () => {
    const store = await openMemory();
    expect(store.update((draft) => void draft.tags.push('x'))).toEqual({ n: 0, tags: ['x'] });
    expect(store.update((current) => ({ ...current, n: current.n + 2 }))).toEqual({
      n: 2,
      tags: ['x'],
    });
    await store.close();
  });

  it('leaves the state unchanged when fn throws', async () => {
    const adapter = new MemoryStorageAdapter();
    const store = await openMemory(adapter);
    expect(() =>
      store.update((draft) => {
        draft.n = 9;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.get().n).toBe(0);
    expect(store.stats()).toEqual({ updates: 0, writes: 0, failedWrites: 0, dirty: false });
    await store.close();
    expect(adapter.writes).toBe(0);
  });

  it('rejects a result that fails the schema, with the zod issues', async () => {
    const store = await openMemory();
    let caught: unknown;
    try {
      store.update((draft) => {
        draft.n = -1;
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreValidationError);
    expect((caught as StoreValidationError).code).toBe('STORE_VALIDATION');
    expect((caught as StoreValidationError).issues[0]?.path).toEqual(['n']);
    expect((caught as Error).message).toMatch(/n: .*state is unchanged/);
    expect(store.get().n).toBe(0);
    await store.close();
  });

  it('rejects data that is not JSON', async () => {
    const store = await openMemory();
    expect(() =>
      store.update((draft) => {
        (draft as unknown as { n: bigint }).n = 1n;
      }),
    ).toThrow(StoreValidationError);
    await store.close();
  });

  it('rejects async and re-entrant update functions', async () => {
    const store = await openMemory();
    expect(() => store.update((async () => ({ n: 1, tags: [] })) as never)).toThrow(
      StoreUsageError,
    );
    expect(() =>
      store.update((draft) => {
        store.update((inner) => inner);
        return draft;
      }),
    ).toThrow(StoreUsageError);
    expect(store.get().n).toBe(0);
    // The guard resets, so later updates work.
    store.update((draft) => {
      draft.n = 1;
    });
    expect(store.get().n).toBe(1);
    await store.close();
  });

  it('refuses a schema whose transform would apply again on every update and load', async () => {
    const cents = z.object({ price: z.number().transform((dollars) => Math.round(dollars * 100)) });
    await expect(
      JsonStore.open({
        adapter: new MemoryStorageAdapter(),
        schema: cents,
        defaults: { price: 1.5 },
      }),
    ).rejects.toThrow(
      /must accept its own output unchanged.*the defaults a second time gives a different result/,
    );
    // Defaults that happen to be stable (0 * 100 = 0) do not hide it: the stored data is checked.
    const stored = '{"version":0,"data":{"price":2}}';
    const adapter = new MemoryStorageAdapter({ text: stored });
    await expect(
      JsonStore.open({ adapter, schema: cents, defaults: { price: 0 } }),
    ).rejects.toBeInstanceOf(StoreOptionsError);
    expect(adapter.text).toBe(stored);
    expect(adapter.writes).toBe(0);
    expect(adapter.locked).toBe(false);
    // Output that fails as input is refused too.
    const length = z.object({ size: z.string().transform((text) => text.length) });
    await expect(
      JsonStore.open({
        adapter: new MemoryStorageAdapter(),
        schema: length,
        defaults: { size: 'abc' },
      }),
    ).rejects.toThrow(/second time fails \(size: /);
  });

  it('accepts transforms that are stable on their own output', async () => {
    const tidy = z.object({ name: z.string().trim().toLowerCase(), n: z.number().default(1) });
    const adapter = new MemoryStorageAdapter({
      text: '{"version":0,"data":{"name":"  Ada ","x":1}}',
    });
    const store = await JsonStore.open({ adapter, schema: tidy, defaults: { name: 'x' } });
    expect(store.get()).toEqual({ name: 'ada', n: 1 });
    store.update((draft) => {
      draft.name = ' Bob ';
    });
    expect(store.get().name).toBe('bob');
    await store.close();
  });

  it('validates its options', async () => {
    const adapter = new MemoryStorageAdapter();
    await expect(JsonStore.open({ schema, defaults } as never)).rejects.toBeInstanceOf(
      StoreOptionsError,
    );
    await expect(
      JsonStore.open({ path: 'x.json', adapter, schema, defaults } as never),
    ).rejects.toBeInstanceOf(StoreOptionsError);
    await expect(JsonStore.open({ adapter, schema, defaults, debounceMs: -1 })).rejects.toThrow(
      /debounceMs/,
    );
    // Beyond the timer limit Node fires after 1 ms instead, which would silently end coalescing.
    await expect(
      JsonStore.open({ adapter, schema, defaults, debounceMs: 2 ** 31 }),
    ).rejects.toThrow(/debounceMs must be a number of ms from 0 to 2147483647, got 2147483648/);
    expect(adapter.locked).toBe(false);
    await expect(
      JsonStore.open({ adapter, schema, defaults: undefined as unknown as typeof defaults }),
    ).rejects.toThrow(/defaults must be JSON data/);
    await expect(
      JsonStore.open({ adapter, schema, defaults: { n: -5, tags: [] } }),
    ).rejects.toThrow(/defaults do not satisfy/);
    await expect(
      JsonStore.open({
        adapter,
        schema,
        defaults,
        migrations: [{ version: 2, migrate: (d) => d }],
      }),
    ).rejects.toThrow(/numbered 1, 2, 3/);
    expect(adapter.locked).toBe(false);
  });
});

describe('JsonStore coalescing and serialization', () => {
  it('turns many updates within the debounce window into one write', async () => {
    vi.useFakeTimers();
    const adapter = new MemoryStorageAdapter();
    const store = await openMemory(adapter, { debounceMs: 100 });
    for (let i = 0; i < 1000; i += 1) {
      store.update((draft) => {
        draft.n += 1;
      });
    }
    expect(adapter.writes).toBe(0);
    await vi.advanceTimersByTimeAsync(99);
    expect(adapter.writes).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(adapter.writes).toBe(1);
    expect(JSON.parse(adapter.text ?? '')).toEqual({ version: 0, data: { n: 1000, tags: [] } });
    expect(vi.getTimerCount()).toBe(0);
    await store.close();
    expect(adapter.writes).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not push the deadline back while updates keep coming', async () => {
    vi.useFakeTimers();
    const adapter = new MemoryStorageAdapter();
    const store = await openMemory(adapter, { debounceMs: 100 });
    for (let ms = 0; ms < 1000; ms += 10) {
      store.update((draft) => {
        draft.n += 1;
      });
      await vi.advanceTimersByTimeAsync(10);
    }
    // One write per 100 ms window, never more.
    expect(adapter.writes).toBeGreaterThanOrEqual(9);
    expect(adapter.writes).toBeLessThanOrEqual(10);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never runs two writes at once, and flush covers updates made before it', async () => {
    const adapter = new GatedAdapter();
    const store = await openMemory(adapter, { debounceMs: 0 });
    store.update((draft) => {
      draft.n = 1;
    });
    const first = store.flush();
    await settle();
    expect(adapter.active).toBe(1);
    store.update((draft) => {
      draft.n = 2;
    });
    const second = store.flush();
    const third = store.flush();
    await settle();
    expect(adapter.active).toBe(1);
    adapter.release();
    await first;
    await settle();
    adapter.release();
    await Promise.all([second, third]);
    expect(adapter.maxActive).toBe(1);
    expect(JSON.parse(adapter.text ?? '').data.n).toBe(2);
    expect(store.stats().dirty).toBe(false);
    const closing = store.close();
    await settle();
    adapter.release();
    await closing;
    expect(adapter.maxActive).toBe(1);
  });

  it('flush with nothing pending resolves without writing', async () => {
    const adapter = new MemoryStorageAdapter();
    const store = await openMemory(adapter);
    await store.flush();
    expect(adapter.writes).toBe(0);
    await store.close();
  });
});

describe('JsonStore close', () => {
  it('flushes, releases the lock, is idempotent, and refuses later calls', async () => {
    vi.useFakeTimers();
    const adapter = new MemoryStorageAdapter();
    const store = await openMemory(adapter, { debounceMs: 60_000 });
    store.update((draft) => {
      draft.n = 3;
    });
    const closing = store.close();
    expect(store.close()).toBe(closing);
    await closing;
    expect(adapter.locked).toBe(false);
    expect(JSON.parse(adapter.text ?? '').data.n).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => store.get()).toThrow(StoreClosedError);
    expect(() => store.update((d) => d)).toThrow(StoreClosedError);
    await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});

describe('JsonStore close during a write', () => {
  it('waits for the write in flight, writes the changes made meanwhile, then releases the lock', async () => {
    const adapter = new GatedAdapter();
    const store = await openMemory(adapter, { debounceMs: 60_000 });
    store.update((draft) => {
      draft.n = 1;
    });
    const flushing = store.flush();
    await settle();
    expect(adapter.active).toBe(1);
    store.update((draft) => {
      draft.n = 2;
    });
    const closing = store.close();
    expect(() => store.update((draft) => draft)).toThrow(StoreClosedError);
    adapter.release(); // the first write (n = 1) lands
    await flushing;
    await settle();
    expect(adapter.locked).toBe(true); // still held: the change made during the write is pending
    expect(adapter.active).toBe(1);
    adapter.release();
    await closing;
    expect(adapter.maxActive).toBe(1);
    expect(adapter.writes).toBe(2);
    expect(JSON.parse(adapter.text ?? '').data.n).toBe(2);
    expect(adapter.locked).toBe(false);
  });
});

describe('JsonStore write failures', () => {
  it('rejects flush with StoreWriteError, keeps the change pending and retries', async () => {
    vi.useFakeTimers();
    const logger = recordingLogger();
    const adapter = new MemoryStorageAdapter();
    const failing: StorageAdapter = {
      location: 'flaky',
      lock: () => adapter.lock(),
      read: () => adapter.read(),
      readBackup: () => adapter.readBackup(),
      quarantine: (which, ts) => adapter.quarantine(which, ts),
      write: vi.fn<(text: string) => Promise<void>>().mockRejectedValueOnce(new Error('ENOSPC')),
    };
    (failing.write as ReturnType<typeof vi.fn>).mockImplementation((text: string) =>
      adapter.write(text),
    );
    const store = await JsonStore.open({
      adapter: failing,
      schema,
      defaults,
      debounceMs: 10,
      logger,
    });
    store.update((draft) => {
      draft.n = 1;
    });
    await expect(store.flush()).rejects.toBeInstanceOf(StoreWriteError);
    expect(store.stats()).toMatchObject({ failedWrites: 1, dirty: true, writes: 0 });
    expect(
      logger.entries.some((line) => line.level === 'error' && line.message?.includes('failed')),
    ).toBe(true);
    // The retry timer writes it without any further call.
    await vi.advanceTimersByTimeAsync(20);
    expect(store.stats()).toMatchObject({ writes: 1, dirty: false });
    expect(JSON.parse(adapter.text ?? '').data.n).toBe(1);
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('logs failed background writes and retries with backoff', async () => {
    vi.useFakeTimers();
    const adapter = new GatedAdapter();
    adapter.failNext = 2;
    const logger = recordingLogger();
    const store = await JsonStore.open({ adapter, schema, defaults, debounceMs: 10, logger });
    store.update((draft) => {
      draft.n = 1;
    });
    await vi.advanceTimersByTimeAsync(10);
    adapter.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.stats().failedWrites).toBe(1);
    await vi.advanceTimersByTimeAsync(20); // 10 * 2^1
    adapter.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.stats().failedWrites).toBe(2);
    await vi.advanceTimersByTimeAsync(40); // 10 * 2^2
    adapter.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.stats()).toMatchObject({ failedWrites: 2, writes: 1, dirty: false });
    expect(logger.entries.filter((line) => line.level === 'error')).toHaveLength(2);
    await store.close();
  });

  it('close rejects when the final write fails but still releases the lock and timers', async () => {
    vi.useFakeTimers();
    const adapter = new GatedAdapter();
    const store = await openMemory(adapter, { debounceMs: 60_000 });
    store.update((draft) => {
      draft.n = 1;
    });
    adapter.failNext = 1;
    const closing = store.close();
    await vi.advanceTimersByTimeAsync(0);
    adapter.release();
    await expect(closing).rejects.toBeInstanceOf(StoreWriteError);
    expect(adapter.locked).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('JsonStore locking', () => {
  it('refuses a second store on the same file until the first closes', async () => {
    const file = path.join(tempDir(), 'data.json');
    const first = await JsonStore.open({ path: file, schema, defaults });
    const error = await JsonStore.open({ path: file, schema, defaults }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as StoreLockedError).code).toBe('STORE_LOCKED');
    expect((error as StoreLockedError).owner?.pid).toBe(process.pid);
    expect((error as Error).message).toContain(`${file}.lock`);
    await first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    const second = await JsonStore.open({ path: file, schema, defaults });
    await second.close();
  });

  it('refuses a second store on the same memory adapter', async () => {
    const adapter = new MemoryStorageAdapter();
    const first = await openMemory(adapter);
    await expect(openMemory(adapter)).rejects.toBeInstanceOf(StoreLockedError);
    await first.close();
  });

  it('releases the lock when opening fails', async () => {
    const adapter = new MemoryStorageAdapter({ text: '{"version":9,"data":{}}' });
    await expect(openMemory(adapter)).rejects.toMatchObject({ code: 'STORE_MIGRATION' });
    expect(adapter.locked).toBe(false);
  });

  it('a failed write-back during open leaves no timer and never writes after releasing the lock', async () => {
    vi.useFakeTimers();
    class FullDisk extends MemoryStorageAdapter {
      full = true;
      override write(text: string): Promise<void> {
        return this.full ? Promise.reject(new Error('ENOSPC')) : super.write(text);
      }
    }
    const stored = '{"version":0,"data":{"n":1,"tags":[]}}';
    const adapter = new FullDisk({ text: stored });
    const migrations = [{ version: 1, migrate: (data: unknown) => data }];
    await expect(JsonStore.open({ adapter, schema, defaults, migrations })).rejects.toBeInstanceOf(
      StoreWriteError,
    );
    expect(adapter.locked).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    // Another process may own the file now: the abandoned store must not write to it later.
    adapter.full = false;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(adapter.writes).toBe(0);
    expect(adapter.text).toBe(stored);
  });
});

describe('MemoryStorageAdapter', () => {
  it('keeps the replaced text as backup and names quarantined copies uniquely', async () => {
    const adapter = new MemoryStorageAdapter({ location: 'mem' });
    await adapter.write('a');
    await adapter.write('b');
    expect(await adapter.readBackup()).toBe('a');
    expect(await adapter.quarantine('current', 5)).toBe('mem.corrupt-5');
    await adapter.write('c');
    expect(await adapter.quarantine('current', 5)).toBe('mem.corrupt-5-1');
    expect(await adapter.quarantine('backup', 5)).toBe('mem.bak.corrupt-5');
    expect(await adapter.quarantine('backup', 5)).toBeUndefined();
    expect([...adapter.quarantined.values()]).toEqual(['b', 'c', 'a']);
    const lock = await adapter.lock();
    await lock.release();
    await lock.release();
    expect(adapter.locked).toBe(false);
  });
});

describe('StorageAdapter contract', () => {
  it('a custom adapter only needs the five methods', async () => {
    const calls: string[] = [];
    let text: string | undefined;
    const adapter: StorageAdapter = {
      location: 'custom',
      lock: (): Promise<StorageLock> => {
        calls.push('lock');
        return Promise.resolve({ release: () => (calls.push('release'), Promise.resolve()) });
      },
      read: () => (calls.push('read'), Promise.resolve(text)),
      readBackup: () => (calls.push('readBackup'), Promise.resolve(undefined)),
      write: (next) => {
        calls.push('write');
        text = next;
        return Promise.resolve();
      },
      quarantine: () => Promise.resolve(undefined),
    };
    const store = await JsonStore.open({ adapter, schema, defaults });
    store.update((draft) => {
      draft.n = 1;
    });
    await store.close();
    expect(calls).toEqual(['lock', 'read', 'readBackup', 'write', 'release']);
  });
});
