import type { z } from 'zod';
import {
  noopLogger,
  SocKitError,
  systemClock,
  type Clock,
  type Logger,
  type TimerHandle,
} from '../core/index.js';
import { errorText, MAX_TIMER_DELAY_MS } from '../core/internal.js';
import { FileStorageAdapter } from './file-storage-adapter.js';
import type { StorageAdapter, StorageLock } from './storage-adapter.js';

/**
 * A deeply read-only view of JSON data. {@link JsonStore.get} returns it because the state is
 * frozen: change it through {@link JsonStore.update}, which persists the change.
 *
 * @example
 * ```ts
 * import type { ReadonlyDeep } from 'soc-kit/storage';
 *
 * const state: ReadonlyDeep<{ users: string[] }> = { users: ['a'] };
 * // state.users.push('b'); would not compile: the array is readonly
 * console.log(state.users.length); // 1
 * ```
 */
export type ReadonlyDeep<T> = T extends (infer U)[]
  ? readonly ReadonlyDeep<U>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T;

/**
 * One step of a schema upgrade. Migration `n` turns data stored at version `n - 1` into
 * version `n`.
 *
 * @example
 * ```ts
 * import type { Migration } from 'soc-kit/storage';
 *
 * const renameWarns: Migration = {
 *   version: 1,
 *   description: 'rename warns to warnings',
 *   migrate: (old) => ({ warnings: (old as { warns: number }).warns }),
 * };
 * console.log(renameWarns.migrate({ warns: 2 })); // { warnings: 2 }
 * ```
 */
export interface Migration {
  /** The version this step produces: 1 for the first migration, then 2, 3... with no gaps. */
  version: number;
  /** What changed, for log lines. */
  description?: string;
  /**
   * Turns the previous version's data into this version's. It receives a private copy and may
   * mutate and return it. Throwing aborts the open with {@link StoreMigrationError}.
   */
  migrate(data: unknown): unknown;
}

/**
 * How {@link JsonStore.open} treats a document that cannot be parsed or fails the schema.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreCorruptError, type CorruptPolicy } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const onCorrupt: CorruptPolicy = 'refuse';
 * const adapter = new MemoryStorageAdapter({ text: '{"version":0,' });
 * const error = await JsonStore.open({ adapter, schema: z.object({}), defaults: {}, onCorrupt }).catch((e: unknown) => e);
 * console.log(error instanceof StoreCorruptError, adapter.text); // true {"version":0,
 * ```
 */
export type CorruptPolicy = 'recover' | 'refuse';

interface JsonStoreBaseOptions<S extends z.ZodType> {
  /**
   * The zod schema every state must satisfy: checked on load and after every update. Its output
   * is what gets stored and checked again, so it must accept its own output unchanged (no
   * transforms that change values, such as dollars to cents); `open` refuses one that does not.
   */
  schema: S;
  /** The state of a new store, and the fallback when neither the file nor its backup is usable. */
  defaults: z.input<S>;
  /** How long updates are gathered into one write, in ms, from 0 to 2^31 - 1. Default 100. */
  debounceMs?: number;
  /**
   * Ordered upgrades of stored data, versions 1..N. The store writes version N (0 without
   * migrations) and runs the steps after the stored version on load.
   */
  migrations?: readonly Migration[];
  /**
   * `'recover'` (default): move an unreadable file aside as `<name>.corrupt-<timestamp>`, load
   * the `.bak` backup or else the defaults, and log an error naming the quarantined file.
   * `'refuse'`: touch nothing and reject with {@link StoreCorruptError}.
   */
  onCorrupt?: CorruptPolicy;
  /** Where load problems and background write failures are reported. Default: silent. */
  logger?: Logger;
  /** Time source for the debounce timer and quarantine names. Default {@link systemClock}. */
  clock?: Clock;
}

/**
 * {@link JsonStore.open} options for a JSON file on disk (the default adapter).
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import path from 'node:path';
 * import { JsonStore, type JsonStoreFileOptions } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const schema = z.object({ n: z.number() });
 * const options: JsonStoreFileOptions<typeof schema> = {
 *   path: path.join(mkdtempSync(path.join(tmpdir(), 'sockit-')), 'n.json'),
 *   schema,
 *   defaults: { n: 0 },
 *   debounceMs: 250,
 * };
 * const store = await JsonStore.open(options);
 * await store.close();
 * ```
 */
export interface JsonStoreFileOptions<S extends z.ZodType> extends JsonStoreBaseOptions<S> {
  /** The JSON file. A {@link FileStorageAdapter} is created for it. */
  path: string;
  /** Not allowed together with `path`. */
  adapter?: never;
}

/**
 * {@link JsonStore.open} options for a custom {@link StorageAdapter}.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
 * import { z } from 'zod';
 * import type { JsonStoreAdapterOptions } from 'soc-kit/storage';
 *
 * const schema = z.object({ n: z.number() });
 * const options: JsonStoreAdapterOptions<typeof schema> = { adapter: new MemoryStorageAdapter(), schema, defaults: { n: 0 } };
 * const store = await JsonStore.open(options);
 * console.log(store.location); // memory
 * await store.close();
 * ```
 */
export interface JsonStoreAdapterOptions<S extends z.ZodType> extends JsonStoreBaseOptions<S> {
  /** Where the document is stored, e.g. a {@link MemoryStorageAdapter}. */
  adapter: StorageAdapter;
  /** Not allowed together with `adapter`. */
  path?: never;
}

/**
 * Options of {@link JsonStore.open}: give either `path` or `adapter`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, type JsonStoreOptions } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const schema = z.object({ on: z.boolean() });
 * const options: JsonStoreOptions<typeof schema> = { adapter: new MemoryStorageAdapter(), schema, defaults: { on: true } };
 * const store = await JsonStore.open(options);
 * console.log(store.get().on); // true
 * await store.close();
 * ```
 */
export type JsonStoreOptions<S extends z.ZodType> =
  JsonStoreFileOptions<S> | JsonStoreAdapterOptions<S>;

/**
 * Where the state of an opened store came from.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const adapter = new MemoryStorageAdapter({ text: 'garbage', backup: '{"version":0,"data":{"n":4}}' });
 * const store = await JsonStore.open({ adapter, schema: z.object({ n: z.number() }), defaults: { n: 0 }, clock: { now: () => 1, setTimeout, clearTimeout } });
 * console.log(store.loadReport); // { source: 'backup', quarantined: [ 'memory.corrupt-1' ] }
 * await store.close();
 * ```
 */
export interface JsonStoreLoadReport {
  /** `'file'`: the stored document; `'backup'`: the `.bak`; `'defaults'`: neither existed or was usable. */
  source: 'file' | 'backup' | 'defaults';
  /** Unreadable documents moved aside during this open, oldest first. */
  quarantined: readonly string[];
  /** The stored version before migrations ran, when any ran. */
  migratedFrom?: number;
}

/**
 * Counters of a store, for monitoring and benchmarks.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, type JsonStoreStats } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number() }), defaults: { n: 0 } });
 * store.update(() => ({ n: 1 }));
 * const stats: JsonStoreStats = store.stats();
 * console.log(stats.dirty, stats.updates); // true 1
 * await store.close();
 * ```
 */
export interface JsonStoreStats {
  /** Accepted updates since open. */
  updates: number;
  /** Completed writes since open. */
  writes: number;
  /** Failed write attempts since open. */
  failedWrites: number;
  /** Whether the in-memory state has changes not yet durable. */
  dirty: boolean;
}

/**
 * Thrown when {@link JsonStore.open} is given contradictory options. Code `STORE_OPTIONS`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreOptionsError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const error = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number().min(1) }), defaults: { n: 0 } }).catch((e: unknown) => e);
 * console.log(error instanceof StoreOptionsError, (error as StoreOptionsError).code); // true STORE_OPTIONS
 * ```
 */
export class StoreOptionsError extends SocKitError {
  /**
   * @param message - What is wrong with the options.
   * @param options - Standard error options.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('STORE_OPTIONS', message, options);
  }
}

/**
 * Thrown by {@link JsonStore.open} with `onCorrupt: 'refuse'` when the stored document cannot be
 * parsed or fails the schema. Nothing was moved or written. Code `STORE_CORRUPT`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreCorruptError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const adapter = new MemoryStorageAdapter({ text: '{"version":0,"data":{"n":"five"}}' });
 * const error = await JsonStore.open({ adapter, schema: z.object({ n: z.number() }), defaults: { n: 0 }, onCorrupt: 'refuse' }).catch((e: unknown) => e);
 * if (error instanceof StoreCorruptError) console.log(error.code, error.location); // STORE_CORRUPT memory
 * ```
 */
export class StoreCorruptError extends SocKitError {
  /** The unreadable location. */
  readonly location: string;

  /**
   * @param location - The unreadable location.
   * @param reason - What failed: the parse error or the schema issues.
   */
  constructor(location: string, reason: string) {
    super(
      'STORE_CORRUPT',
      `${location} is unreadable (${reason}); it was left untouched. Fix or remove it, or open with onCorrupt: 'recover' to quarantine it and fall back to the backup.`,
    );
    this.location = location;
  }
}

/**
 * Thrown by {@link JsonStore.open} when stored data cannot be brought to the current version: a
 * migration threw, its result failed the schema, or the data is from a newer version. The
 * stored document is left untouched. Code `STORE_MIGRATION`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreMigrationError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const adapter = new MemoryStorageAdapter({ text: '{"version":0,"data":{}}' });
 * const migrations = [{ version: 1, migrate: () => { throw new Error('cannot convert'); } }];
 * const error = await JsonStore.open({ adapter, schema: z.object({}), defaults: {}, migrations }).catch((e: unknown) => e);
 * if (error instanceof StoreMigrationError) console.log(error.storedVersion, error.targetVersion, adapter.text); // 0 1 {"version":0,"data":{}}
 * ```
 */
export class StoreMigrationError extends SocKitError {
  /** The version found in storage. */
  readonly storedVersion: number;
  /** The version this code writes. */
  readonly targetVersion: number;

  /**
   * @param message - What failed.
   * @param storedVersion - The version found in storage.
   * @param targetVersion - The version this code writes.
   * @param options - Standard error options; `cause` holds the migration's error.
   */
  constructor(
    message: string,
    storedVersion: number,
    targetVersion: number,
    options?: ErrorOptions,
  ) {
    super('STORE_MIGRATION', message, options);
    this.storedVersion = storedVersion;
    this.targetVersion = targetVersion;
  }
}

/**
 * Thrown by {@link JsonStore.update} when the new state fails the schema (or does not survive a
 * JSON round trip). The state is unchanged. Code `STORE_VALIDATION`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreValidationError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number().max(10) }), defaults: { n: 0 } });
 * try {
 *   store.update(() => ({ n: 11 }));
 * } catch (error) {
 *   if (error instanceof StoreValidationError) console.log(error.issues[0]?.path); // [ 'n' ]
 * }
 * await store.close();
 * ```
 */
export class StoreValidationError extends SocKitError {
  /** The zod issues, when the schema rejected the state. */
  readonly issues: readonly z.core.$ZodIssue[];

  /**
   * @param message - What failed.
   * @param issues - The zod issues.
   */
  constructor(message: string, issues: readonly z.core.$ZodIssue[] = []) {
    super('STORE_VALIDATION', message);
    this.issues = issues;
  }
}

/**
 * Thrown by {@link JsonStore.update} when it is misused: an async updater, or an update started
 * from inside another update's function. The state is unchanged. Code `STORE_USAGE`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreUsageError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number() }), defaults: { n: 0 } });
 * try {
 *   store.update((draft) => store.update(() => draft));
 * } catch (error) {
 *   console.log(error instanceof StoreUsageError); // true
 * }
 * await store.close();
 * ```
 */
export class StoreUsageError extends SocKitError {
  /**
   * @param message - What was misused.
   */
  constructor(message: string) {
    super('STORE_USAGE', message);
  }
}

/**
 * Thrown by every {@link JsonStore} method once `close()` was called. Code `STORE_CLOSED`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreClosedError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number() }), defaults: { n: 0 } });
 * await store.close();
 * try {
 *   store.get();
 * } catch (error) {
 *   console.log(error instanceof StoreClosedError); // true
 * }
 * ```
 */
export class StoreClosedError extends SocKitError {
  /**
   * @param location - The store's location.
   * @param method - The method that was called.
   */
  constructor(location: string, method: string) {
    super(
      'STORE_CLOSED',
      `JsonStore.${method}() called after close() on ${location}; open it again.`,
    );
  }
}

/**
 * Thrown by {@link JsonStore.flush} and {@link JsonStore.close} when the write failed (disk full,
 * permissions). The file holds a complete document, the previous one or (when only the final folder
 * fsync failed) the new one, never a torn mix. The unsaved state stays in memory and a later
 * `flush` or `close` retries. Code `STORE_WRITE`.
 *
 * @example
 * ```ts
 * import { JsonStore, MemoryStorageAdapter, StoreWriteError } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * class FullDisk extends MemoryStorageAdapter {
 *   override write(): Promise<void> {
 *     return Promise.reject(new Error('ENOSPC'));
 *   }
 * }
 * const store = await JsonStore.open({ adapter: new FullDisk(), schema: z.object({ n: z.number() }), defaults: { n: 0 } });
 * store.update(() => ({ n: 1 }));
 * const error = await store.flush().catch((e: unknown) => e);
 * console.log(error instanceof StoreWriteError); // true
 * await store.close().catch(() => undefined); // the lock is released even so
 * ```
 */
export class StoreWriteError extends SocKitError {
  /**
   * @param location - The store's location.
   * @param options - Standard error options; `cause` holds the I/O error.
   */
  constructor(location: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'STORE_WRITE',
      `could not write ${location}${cause}; the file still holds a complete document, never a torn one.`,
      options,
    );
  }
}

interface Envelope {
  version: number;
  data: unknown;
}

type Decoded<T> = { ok: true; state: T; storedVersion: number } | { ok: false; reason: string };

const MAX_RETRY_MS = 30_000;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function isThenable(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map(
      (issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')}: ${issue.message}`,
    )
    .join('; ');
}

/**
 * A crash-safe, validated JSON document held in memory and persisted through a
 * {@link StorageAdapter} (a local file by default).
 *
 * Guarantees:
 * - **Validation.** Every state satisfies the schema, on load and after each update. The state
 *   is JSON data: it survives a JSON round trip unchanged.
 * - **Atomic, durable writes.** With the file adapter a write goes to a temp file that is
 *   fsynced and renamed over the target, then the folder is fsynced. A crash at any instant
 *   leaves the old or the new complete document.
 * - **Coalescing.** Updates mark the state dirty; one write happens per `debounceMs` window at
 *   most (the timer starts at the first update after a write and is not pushed back by later
 *   ones). Writes are serialized: never two at once.
 * - **No data loss on load.** A document that fails to parse or validate is never overwritten:
 *   it is quarantined (or the open is refused), see `onCorrupt`.
 * - **Single writer.** The adapter's lock stops a second store, in this or another process,
 *   from opening the same data.
 *
 * On disk the document is an envelope `{ "version": N, "data": <state> }`, pretty-printed. A file
 * without the envelope (plain JSON, e.g. from an older bot) is read as version 0 data, so
 * migrations can import it.
 *
 * Call {@link JsonStore.close} before the process exits, or updates of the last window are lost.
 *
 * @typeParam T - The state type, the output of the schema.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import path from 'node:path';
 * import { JsonStore } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const file = path.join(mkdtempSync(path.join(tmpdir(), 'sockit-')), 'warnings.json');
 * const schema = z.object({ warnings: z.record(z.string(), z.number().int().min(0)) });
 * const store = await JsonStore.open({ path: file, schema, defaults: { warnings: {} } });
 * store.update((draft) => {
 *   draft.warnings['123456789012345678'] = (draft.warnings['123456789012345678'] ?? 0) + 1;
 * });
 * await store.flush(); // durable now
 * console.log(store.get().warnings);
 * await store.close();
 * ```
 */
export class JsonStore<T> {
  /** Where the document lives, as reported by the adapter. */
  readonly location: string;
  /** Where the state came from when the store was opened. */
  readonly loadReport: JsonStoreLoadReport;

  private state: ReadonlyDeep<T>;
  private readonly schema: z.ZodType<T>;
  private readonly adapter: StorageAdapter;
  private readonly storageLock: StorageLock;
  private readonly version: number;
  private readonly debounceMs: number;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private changeSeq = 0;
  private durableSeq = 0;
  private timer: TimerHandle | undefined;
  private inFlight: Promise<void> | undefined;
  private updating = false;
  private closing: Promise<void> | undefined;
  private consecutiveFailures = 0;
  private readonly counters = { updates: 0, writes: 0, failedWrites: 0 };

  private constructor(init: {
    state: T;
    schema: z.ZodType<T>;
    adapter: StorageAdapter;
    lock: StorageLock;
    version: number;
    debounceMs: number;
    logger: Logger;
    clock: Clock;
    loadReport: JsonStoreLoadReport;
  }) {
    this.state = deepFreeze(init.state) as ReadonlyDeep<T>;
    this.schema = init.schema;
    this.adapter = init.adapter;
    this.storageLock = init.lock;
    this.version = init.version;
    this.debounceMs = init.debounceMs;
    this.logger = init.logger;
    this.clock = init.clock;
    this.location = init.adapter.location;
    this.loadReport = init.loadReport;
  }

  /**
   * Opens a store: takes the lock, loads and validates the document, runs migrations, and
   * recovers from corruption according to `onCorrupt`.
   *
   * Load order: the document; if it is unreadable, it is quarantined and the `.bak` backup is
   * tried (quarantined too if unreadable); then the defaults. When the document is missing but
   * a backup exists (a crash during an earlier recovery), the backup is used. Whenever the state
   * did not come straight from the document (recovered or migrated), it is written back before
   * `open` resolves, so the recovery itself is durable.
   *
   * @param options - Path or adapter, schema, defaults, debounce, migrations, policy, logger, clock.
   * @returns The open store.
   * @throws {@link StoreOptionsError} for contradictory options, invalid defaults, misnumbered
   * migrations, or a schema whose transforms change its own output (nothing is written then).
   * @throws {@link StoreLockedError} when another live store holds the data.
   * @throws {@link StoreCorruptError} with `onCorrupt: 'refuse'` and an unreadable document.
   * @throws {@link StoreMigrationError} when stored data cannot be migrated; it is left untouched.
   * @throws {@link StoreWriteError} when writing back a recovered or migrated state fails; the
   * store is abandoned (no retry writes later) and the stored data stays where it was.
   * @throws The adapter's I/O error when locking, reading or quarantining fails.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * // Version 0 stored a bare number of strikes; version 1 wraps it in an object.
   * const adapter = new MemoryStorageAdapter({ text: '{"version":0,"data":3}' });
   * const store = await JsonStore.open({
   *   adapter,
   *   schema: z.object({ strikes: z.number() }),
   *   defaults: { strikes: 0 },
   *   migrations: [{ version: 1, migrate: (old) => ({ strikes: old }) }],
   * });
   * console.log(store.get(), store.loadReport.migratedFrom); // { strikes: 3 } 0
   * await store.close();
   * ```
   */
  static async open<S extends z.ZodType>(
    options: JsonStoreOptions<S>,
  ): Promise<JsonStore<z.output<S>>> {
    type T = z.output<S>;
    const { schema } = options;
    if ((options.path === undefined) === (options.adapter === undefined)) {
      throw new StoreOptionsError('JsonStore.open needs exactly one of `path` or `adapter`.');
    }
    const debounceMs = options.debounceMs ?? 100;
    // Node's timers take at most 2^31 - 1 ms; beyond that they fire after 1 ms.
    if (!Number.isFinite(debounceMs) || debounceMs < 0 || debounceMs > MAX_TIMER_DELAY_MS) {
      throw new StoreOptionsError(
        `debounceMs must be a number of ms from 0 to ${MAX_TIMER_DELAY_MS}, got ${String(debounceMs)}.`,
      );
    }
    const migrations = [...(options.migrations ?? [])];
    migrations.forEach((migration, index) => {
      if (migration.version !== index + 1) {
        throw new StoreOptionsError(
          `migrations must be numbered 1, 2, 3... in order; position ${index} has version ${String(migration.version)}, expected ${index + 1}.`,
        );
      }
    });
    let plainDefaults: unknown;
    try {
      plainDefaults = JSON.parse(JSON.stringify(options.defaults) ?? 'undefined');
    } catch (error) {
      throw new StoreOptionsError(`defaults must be JSON data: ${errorText(error)}`);
    }
    const defaultsResult = schema.safeParse(plainDefaults);
    if (!defaultsResult.success) {
      throw new StoreOptionsError(
        `defaults do not satisfy the schema: ${describeIssues(defaultsResult.error.issues)}`,
      );
    }
    const defaults = defaultsResult.data as T;
    checkStable(schema, defaults, 'the defaults');
    const adapter = options.adapter ?? new FileStorageAdapter({ path: options.path });
    const logger = options.logger ?? noopLogger;
    const clock = options.clock ?? systemClock;
    const version = migrations.length;
    const policy = options.onCorrupt ?? 'recover';

    const lock = await adapter.lock();
    try {
      const decode = async (text: string, which: string): Promise<Decoded<T>> => {
        let parsed: unknown;
        try {
          // Editors on Windows often save UTF-8 with a byte order mark, which JSON.parse rejects.
          parsed = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
        } catch (error) {
          return { ok: false, reason: `not valid JSON: ${errorText(error)}` };
        }
        const envelope = isEnvelope(parsed) ? parsed : { version: 0, data: parsed };
        if (envelope.version > version) {
          throw new StoreMigrationError(
            `${which} holds data version ${envelope.version}, newer than this code's version ${version}; it was left untouched. Upgrade the bot, or restore an older file.`,
            envelope.version,
            version,
          );
        }
        let data = envelope.data;
        for (const migration of migrations.slice(envelope.version)) {
          try {
            data = await migration.migrate(data);
          } catch (error) {
            throw new StoreMigrationError(
              `migration to version ${migration.version}${migration.description === undefined ? '' : ` (${migration.description})`} failed on ${which}: ${errorText(error)}; the data was left untouched.`,
              envelope.version,
              version,
              { cause: error },
            );
          }
        }
        const result = schema.safeParse(data);
        if (result.success)
          return { ok: true, state: result.data as T, storedVersion: envelope.version };
        if (envelope.version < version) {
          throw new StoreMigrationError(
            `data migrated from version ${envelope.version} to ${version} fails the schema (${describeIssues(result.error.issues)}); ${which} was left untouched.`,
            envelope.version,
            version,
          );
        }
        return { ok: false, reason: `fails the schema: ${describeIssues(result.error.issues)}` };
      };

      const quarantined: string[] = [];
      const fromBackup = async (): Promise<{ state: T; storedVersion: number } | undefined> => {
        const text = await adapter.readBackup();
        if (text === undefined) return undefined;
        const decoded = await decode(text, `${adapter.location}.bak`);
        if (decoded.ok) return decoded;
        if (policy === 'refuse') {
          throw new StoreCorruptError(`${adapter.location}.bak`, decoded.reason);
        }
        const moved = await adapter.quarantine('backup', clock.now());
        if (moved !== undefined) quarantined.push(moved);
        logger.error(
          { location: adapter.location, quarantined: moved, reason: decoded.reason },
          `JsonStore: backup of ${adapter.location} is unreadable; moved it to ${String(moved)}`,
        );
        return undefined;
      };

      let state: T;
      let source: JsonStoreLoadReport['source'];
      let storedVersion = version;
      let writeBack = false;
      const text = await adapter.read();
      const decoded = text === undefined ? undefined : await decode(text, adapter.location);
      if (decoded?.ok === true) {
        state = decoded.state;
        source = 'file';
        storedVersion = decoded.storedVersion;
      } else {
        if (decoded !== undefined) {
          if (policy === 'refuse') throw new StoreCorruptError(adapter.location, decoded.reason);
          const moved = await adapter.quarantine('current', clock.now());
          if (moved !== undefined) quarantined.push(moved);
          logger.error(
            { location: adapter.location, quarantined: moved, reason: decoded.reason },
            `JsonStore: ${adapter.location} is unreadable (${decoded.reason}); moved it to ${String(moved)} and will not overwrite it`,
          );
        }
        const backup = await fromBackup();
        if (backup !== undefined) {
          state = backup.state;
          source = 'backup';
          storedVersion = backup.storedVersion;
          writeBack = true;
          logger.warn(
            { location: adapter.location },
            `JsonStore: restored ${adapter.location} from its backup`,
          );
        } else {
          state = defaults;
          source = 'defaults';
          writeBack = decoded !== undefined || quarantined.length > 0;
          if (writeBack) {
            logger.error(
              { location: adapter.location, quarantined },
              `JsonStore: no usable data or backup for ${adapter.location}; starting from defaults`,
            );
          }
        }
      }
      if (source !== 'defaults') checkStable(schema, state, `the data of ${adapter.location}`);
      const loadReport: JsonStoreLoadReport =
        storedVersion < version
          ? { source, quarantined, migratedFrom: storedVersion }
          : { source, quarantined };
      if (storedVersion < version) {
        writeBack = true;
        logger.info(
          { location: adapter.location, from: storedVersion, to: version },
          `JsonStore: migrated ${adapter.location} from version ${storedVersion} to ${version}`,
        );
      }
      const store = new JsonStore<T>({
        state: roundTrip(state),
        schema: schema as z.ZodType<T>,
        adapter,
        lock,
        version,
        debounceMs,
        logger,
        clock,
        loadReport,
      });
      if (writeBack) {
        store.changeSeq = 1;
        try {
          await store.persistUntil(1);
        } catch (error) {
          // The store is abandoned and the lock released below: its retry timer must never
          // write to a file that another store may own by then.
          store.closing = Promise.resolve();
          store.cancelTimer();
          throw error;
        }
      }
      return store;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * The current state. It is frozen: mutating it throws in strict mode.
   *
   * @returns The latest accepted state, including changes not yet written.
   * @throws {@link StoreClosedError} after `close()`.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ on: z.boolean() }), defaults: { on: false } });
   * console.log(store.get().on); // false
   * await store.close();
   * ```
   */
  get(): ReadonlyDeep<T> {
    if (this.closing !== undefined) throw new StoreClosedError(this.location, 'get');
    return this.state;
  }

  /**
   * Changes the state. `fn` receives a mutable deep copy (a draft): mutate it and return nothing,
   * or return a whole new state. The result must satisfy the schema; it is then frozen, becomes
   * the state at once, and is written within `debounceMs`.
   *
   * If `fn` throws, or its result is rejected, the state is unchanged. `fn` must be synchronous
   * and must not call `update` itself. Cost: a copy, a JSON round trip and a schema check of the
   * whole state, so keep per-store data small or batch changes in one call.
   *
   * @param fn - Mutates the draft, or returns the next state.
   * @returns The new state.
   * @throws {@link StoreValidationError} when the result fails the schema or is not JSON data.
   * @throws {@link StoreUsageError} when `fn` returns a promise or calls `update`.
   * @throws {@link StoreClosedError} after `close()`.
   * @throws Whatever `fn` throws.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ count: z.number().max(2) }), defaults: { count: 0 } });
   * store.update((draft) => { draft.count += 1; }); // mutate the draft
   * store.update((current) => ({ count: current.count + 1 })); // or return the next state
   * try {
   *   store.update((draft) => { draft.count = 99; });
   * } catch (error) {
   *   console.log((error as Error).name, store.get().count); // StoreValidationError 2
   * }
   * await store.close();
   * ```
   */
  // `void` lets a mutating arrow function (which returns nothing) be passed without a cast.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  update(fn: (draft: T) => T | void): ReadonlyDeep<T> {
    if (this.closing !== undefined) throw new StoreClosedError(this.location, 'update');
    if (this.updating) {
      throw new StoreUsageError(
        'JsonStore.update() was called from inside an update function; make one update instead.',
      );
    }
    let candidate: unknown;
    this.updating = true;
    try {
      const draft = structuredClone(this.state) as T;
      const result = fn(draft);
      candidate = result === undefined ? draft : result;
    } finally {
      this.updating = false;
    }
    if (isThenable(candidate)) {
      throw new StoreUsageError(
        'JsonStore.update() needs a synchronous function; await your data first, then update.',
      );
    }
    let plain: unknown;
    try {
      plain = JSON.parse(JSON.stringify(candidate) ?? 'null');
    } catch (error) {
      throw new StoreValidationError(`the new state is not JSON data: ${errorText(error)}`);
    }
    const result = this.schema.safeParse(plain);
    if (!result.success) {
      throw new StoreValidationError(
        `the new state fails the schema: ${describeIssues(result.error.issues)}; the state is unchanged.`,
        result.error.issues,
      );
    }
    this.state = deepFreeze(result.data) as ReadonlyDeep<T>;
    this.changeSeq += 1;
    this.counters.updates += 1;
    this.schedule(this.debounceMs);
    return this.state;
  }

  /**
   * Writes pending changes now instead of at the end of the debounce window.
   *
   * @returns Resolves when every update made before the call is durable (at once when there is
   * nothing to write).
   * @throws {@link StoreWriteError} when the write fails; the changes stay pending and are retried.
   * @throws {@link StoreClosedError} after `close()`.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const adapter = new MemoryStorageAdapter();
   * const store = await JsonStore.open({ adapter, schema: z.object({ n: z.number() }), defaults: { n: 0 }, debounceMs: 60_000 });
   * store.update((draft) => { draft.n = 5; });
   * await store.flush();
   * console.log(adapter.writes); // 1
   * await store.close();
   * ```
   */
  async flush(): Promise<void> {
    if (this.closing !== undefined) throw new StoreClosedError(this.location, 'flush');
    await this.persistUntil(this.changeSeq);
  }

  /**
   * Writes pending changes, releases the lock and ends the store. Idempotent: later calls return
   * the same promise. Once called, every other method throws {@link StoreClosedError}. No timer
   * is left behind, even when the final write fails.
   *
   * @returns Resolves when the final state is durable and the lock is released.
   * @throws {@link StoreWriteError} when the final write failed; the lock is released anyway
   * and the file holds the last successfully written state.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const adapter = new MemoryStorageAdapter();
   * const store = await JsonStore.open({ adapter, schema: z.object({ n: z.number() }), defaults: { n: 0 } });
   * store.update(() => ({ n: 1 }));
   * await store.close();
   * await store.close(); // no-op
   * console.log(JSON.parse(adapter.text ?? '').data, adapter.locked); // { n: 1 } false
   * ```
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.cancelTimer();
      try {
        await this.persistUntil(this.changeSeq);
      } finally {
        this.cancelTimer();
        await this.storageLock.release();
      }
    })();
    return this.closing;
  }

  /**
   * Counters since open.
   *
   * @returns Updates, writes, failed writes and whether changes are pending. Never throws.
   *
   * @example
   * ```ts
   * import { JsonStore, MemoryStorageAdapter } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: z.object({ n: z.number() }), defaults: { n: 0 } });
   * for (let i = 0; i < 1000; i += 1) store.update((draft) => { draft.n = i; });
   * await store.flush();
   * console.log(store.stats()); // { updates: 1000, writes: 1, failedWrites: 0, dirty: false }
   * await store.close();
   * ```
   */
  stats(): JsonStoreStats {
    return { ...this.counters, dirty: this.changeSeq > this.durableSeq };
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined || this.closing !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.persistUntil(this.changeSeq).catch(() => {
        // Already logged in writeOnce; the retry is scheduled there.
      });
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  // Writes until everything up to `target` is durable. Only one write runs at a time: callers
  // that arrive during a write wait for it and then check whether their changes are covered.
  private async persistUntil(target: number): Promise<void> {
    while (this.durableSeq < target) {
      if (this.inFlight !== undefined) {
        await this.inFlight.catch(() => undefined);
        continue;
      }
      this.cancelTimer();
      this.inFlight = this.writeOnce();
      try {
        await this.inFlight;
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  private async writeOnce(): Promise<void> {
    const seq = this.changeSeq;
    const text = `${JSON.stringify({ version: this.version, data: this.state } satisfies Envelope, null, 2)}\n`;
    try {
      await this.adapter.write(text);
    } catch (error) {
      this.counters.failedWrites += 1;
      this.consecutiveFailures += 1;
      const retryMs = Math.min(this.debounceMs * 2 ** this.consecutiveFailures, MAX_RETRY_MS);
      this.logger.error(
        { location: this.location, err: error, retryMs },
        `JsonStore: write to ${this.location} failed; will retry (the file holds a complete document)`,
      );
      this.schedule(Math.max(retryMs, 1));
      throw new StoreWriteError(this.location, { cause: error });
    }
    this.consecutiveFailures = 0;
    this.counters.writes += 1;
    if (seq > this.durableSeq) this.durableSeq = seq;
  }
}

function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const { version } = value as { version?: unknown };
  return (
    keys.length === 2 &&
    keys.includes('data') &&
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= 0
  );
}

// The state is stored as the schema's output and validated again as input on every update and
// load, so a transform that changes values (say, dollars to cents) would apply again each time.
// Catch that at open, before anything is written.
function checkStable(schema: z.ZodType, output: unknown, what: string): void {
  const text = JSON.stringify(output);
  const again = schema.safeParse(JSON.parse(text ?? 'null'));
  if (!again.success || JSON.stringify(again.data) !== text) {
    throw new StoreOptionsError(
      `the schema must accept its own output unchanged, but parsing ${what} a second time ${again.success ? 'gives a different result' : `fails (${describeIssues(again.error.issues)})`}; avoid transforms that change values, since the state is validated again after every update and load.`,
    );
  }
}

function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
