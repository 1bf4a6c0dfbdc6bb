import { SocKitError } from '../core/index.js';

/**
 * Proof that a {@link StorageAdapter} holds its location exclusively. Returned by
 * {@link StorageAdapter.lock}.
 *
 * @example
 * ```ts
 * import { MemoryStorageAdapter } from 'soc-kit/storage';
 *
 * const adapter = new MemoryStorageAdapter();
 * const lock = await adapter.lock();
 * await lock.release();
 * console.log(adapter.locked); // false
 * ```
 */
export interface StorageLock {
  /**
   * Gives the location up so another store can open it. Idempotent.
   *
   * @returns Resolves once the lock is gone. Rejects only on an I/O error.
   */
  release(): Promise<void>;
}

/**
 * The narrow, async persistence interface behind {@link JsonStore}.
 *
 * The store keeps the live state in memory and only asks the adapter to load and save whole
 * serialized documents, so a shared backend (a database row, a key in a key-value store) fits
 * the same five methods as the default JSON file. An implementation must guarantee:
 *
 * - `write` is atomic and durable: once it resolves, a crash at any later instant leaves the new
 *   text readable; if it rejects or the process dies during it, the previous text is still intact.
 * - `write` keeps the text it replaces as the backup returned by `readBackup`.
 * - `quarantine` moves unreadable data somewhere it is never overwritten, and says where.
 * - `lock` fails with {@link StoreLockedError} while another live owner holds the location.
 *
 * {@link JsonStore} calls `lock` first, never calls two methods at once, and stops using the
 * adapter after releasing the lock.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, type StorageAdapter } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const adapter: StorageAdapter = new MemoryStorageAdapter();
 * const store = await JsonStore.open({ adapter, schema: z.object({ n: z.number() }), defaults: { n: 0 } });
 * store.update((draft) => { draft.n += 1; });
 * await store.close();
 * console.log(JSON.parse((await adapter.read()) ?? '')); // { version: 0, data: { n: 1 } }
 * ```
 */
export interface StorageAdapter {
  /** Where the data lives, for log lines and error messages (a file path, a key). */
  readonly location: string;
  /**
   * Takes exclusive ownership of the location and clears debris from interrupted writes.
   *
   * @returns A lock to release on close.
   * @throws {@link StoreLockedError} when another live owner holds the location.
   */
  lock(): Promise<StorageLock>;
  /**
   * Reads the current document.
   *
   * @returns The stored text, or `undefined` when nothing has been stored yet.
   * @throws The underlying I/O error (never for a missing document).
   */
  read(): Promise<string | undefined>;
  /**
   * Reads the backup: the document as it was before the most recent successful write.
   *
   * @returns The backup text, or `undefined` when there is none.
   * @throws The underlying I/O error (never for a missing backup).
   */
  readBackup(): Promise<string | undefined>;
  /**
   * Replaces the document atomically and durably, keeping the replaced text as the backup.
   *
   * @param text - The complete new document.
   * @returns Resolves when the new text survives a crash.
   * @throws The underlying I/O error; the previous document is then unchanged.
   */
  write(text: string): Promise<void>;
  /**
   * Moves unreadable data aside so it is never overwritten.
   *
   * @param which - `'current'` for the document, `'backup'` for the backup.
   * @param timestamp - Epoch milliseconds used to name the quarantined copy.
   * @returns Where the data went (e.g. `data.json.corrupt-1700000000000`), or `undefined` when
   * there was nothing to move.
   * @throws The underlying I/O error; the data is then still in place.
   */
  quarantine(which: 'current' | 'backup', timestamp: number): Promise<string | undefined>;
}

/**
 * Who holds a lock, as recorded in the lock.
 *
 * @example
 * ```ts
 * import { MemoryStorageAdapter, StoreLockedError, type LockOwner } from 'soc-kit/storage';
 *
 * const adapter = new MemoryStorageAdapter();
 * const lock = await adapter.lock();
 * const error = await adapter.lock().catch((e: unknown) => e);
 * const owner: LockOwner | undefined = error instanceof StoreLockedError ? error.owner : undefined;
 * console.log(owner?.pid === process.pid); // true
 * await lock.release();
 * ```
 */
export interface LockOwner {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder's machine. */
  hostname: string;
  /** When the holder took the lock, epoch milliseconds. */
  acquiredAt: number;
}

/**
 * Thrown when a store's location is already held by another live owner (another process, or
 * another store in this process). Code `STORE_LOCKED`.
 *
 * @example
 * ```ts
 * import { MemoryStorageAdapter, StoreLockedError } from 'soc-kit/storage';
 *
 * const adapter = new MemoryStorageAdapter();
 * const lock = await adapter.lock();
 * try {
 *   await adapter.lock();
 * } catch (error) {
 *   console.log(error instanceof StoreLockedError, (error as StoreLockedError).code);
 * }
 * await lock.release();
 * ```
 */
export class StoreLockedError extends SocKitError {
  /** The location that is held. */
  readonly location: string;
  /** The recorded holder, when known. */
  readonly owner: LockOwner | undefined;

  /**
   * @param location - The location that is held.
   * @param owner - The recorded holder, when known.
   * @param hint - Extra advice appended to the message.
   */
  constructor(location: string, owner: LockOwner | undefined, hint = '') {
    const who =
      owner === undefined
        ? 'another owner'
        : `process ${owner.pid} on ${owner.hostname} (since ${new Date(owner.acquiredAt).toISOString()})`;
    super(
      'STORE_LOCKED',
      `${location} is locked by ${who}; close that store first, or run only one process per data file.${hint}`,
    );
    this.location = location;
    this.owner = owner;
  }
}
