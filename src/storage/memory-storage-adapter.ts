import { hostname } from 'node:os';
import { StoreLockedError, type StorageAdapter, type StorageLock } from './storage-adapter.js';

/**
 * Options of {@link MemoryStorageAdapter}.
 *
 * @example
 * ```ts
 * import { MemoryStorageAdapter, type MemoryStorageAdapterOptions } from 'soc-kit/storage';
 *
 * const options: MemoryStorageAdapterOptions = { text: '{"version":0,"data":{}}', location: 'test-fixture' };
 * console.log(await new MemoryStorageAdapter(options).read()); // {"version":0,"data":{}}
 * ```
 */
export interface MemoryStorageAdapterOptions {
  /** Initial document text, as if a previous run had written it. */
  text?: string;
  /** Initial backup text. */
  backup?: string;
  /** Name used in messages. Default `'memory'`. */
  location?: string;
}

/**
 * A {@link StorageAdapter} that keeps everything in memory: for tests, and for bots that want
 * the validation and coalescing of {@link JsonStore} without a file.
 *
 * Its fields are public so tests can inspect or tamper with the "disk". Writes are counted.
 * Nothing survives the process.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const adapter = new MemoryStorageAdapter();
 * const store = await JsonStore.open({ adapter, schema: z.object({ hits: z.number() }), defaults: { hits: 0 } });
 * for (let i = 0; i < 100; i += 1) store.update((draft) => { draft.hits += 1; });
 * await store.close();
 * console.log(adapter.writes, JSON.parse(adapter.text ?? '')); // 1 { version: 0, data: { hits: 100 } }
 * ```
 */
export class MemoryStorageAdapter implements StorageAdapter {
  /** @inheritDoc */
  readonly location: string;
  /** The current document, or `undefined` when none was written. */
  text: string | undefined;
  /** The backup document, or `undefined`. */
  backup: string | undefined;
  /** Quarantined documents by name, in the order they were moved aside. */
  readonly quarantined = new Map<string, string>();
  /** Number of completed writes. */
  writes = 0;
  /** Whether a lock is currently held. */
  locked = false;

  /**
   * @param options - Initial contents and name.
   */
  constructor(options: MemoryStorageAdapterOptions = {}) {
    this.location = options.location ?? 'memory';
    this.text = options.text;
    this.backup = options.backup;
  }

  /**
   * Takes the in-memory lock.
   *
   * @returns The lock.
   * @throws {@link StoreLockedError} when a store already holds this adapter.
   */
  lock(): Promise<StorageLock> {
    if (this.locked) {
      return Promise.reject(
        new StoreLockedError(this.location, {
          pid: process.pid,
          hostname: hostname(),
          acquiredAt: Date.now(),
        }),
      );
    }
    this.locked = true;
    let held = true;
    return Promise.resolve({
      release: () => {
        if (held) {
          held = false;
          this.locked = false;
        }
        return Promise.resolve();
      },
    });
  }

  /**
   * @returns The current document. Never rejects.
   */
  read(): Promise<string | undefined> {
    return Promise.resolve(this.text);
  }

  /**
   * @returns The backup document. Never rejects.
   */
  readBackup(): Promise<string | undefined> {
    return Promise.resolve(this.backup);
  }

  /**
   * Replaces the document; the old one becomes the backup.
   *
   * @param text - The new document.
   * @returns Resolves at once. Never rejects.
   */
  write(text: string): Promise<void> {
    if (this.text !== undefined) this.backup = this.text;
    this.text = text;
    this.writes += 1;
    return Promise.resolve();
  }

  /**
   * Moves the document or backup into {@link MemoryStorageAdapter.quarantined}.
   *
   * @param which - `'current'` or `'backup'`.
   * @param timestamp - Used in the quarantine name.
   * @returns The quarantine name, or `undefined` when there was nothing to move. Never rejects.
   */
  quarantine(which: 'current' | 'backup', timestamp: number): Promise<string | undefined> {
    const text = which === 'current' ? this.text : this.backup;
    if (text === undefined) return Promise.resolve(undefined);
    const base = which === 'current' ? this.location : `${this.location}.bak`;
    let name = `${base}.corrupt-${timestamp}`;
    for (let n = 1; this.quarantined.has(name); n += 1) name = `${base}.corrupt-${timestamp}-${n}`;
    this.quarantined.set(name, text);
    if (which === 'current') this.text = undefined;
    else this.backup = undefined;
    return Promise.resolve(name);
  }
}
