import { LRUCache } from 'lru-cache';
import { SocKitError, systemClock } from '../core/index.js';
import type { Clock } from '../core/index.js';
import { isPositiveNumber } from '../core/internal.js';

/**
 * Thrown by the {@link TtlCache} constructor and by {@link TtlCache.set} when an option or a TTL is
 * not a valid number. Code: `TTL_CACHE_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { TtlCache, TtlCacheOptionError } from 'soc-kit/patterns';
 *
 * try {
 *   new TtlCache({ max: 0, ttlMs: 1000 });
 * } catch (error) {
 *   console.log(error instanceof TtlCacheOptionError, (error as TtlCacheOptionError).code);
 * }
 * ```
 */
export class TtlCacheOptionError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('TTL_CACHE_INVALID_OPTION', message);
  }
}

/** Options of {@link TtlCache}. */
export interface TtlCacheOptions<K, V> {
  /** Most entries held at once (positive integer). The least recently used entry is evicted first. */
  max: number;
  /**
   * Default time to live of an entry, in ms (a positive integer). {@link TtlCache.set} can
   * override it per entry.
   */
  ttlMs: number;
  /**
   * Optional bound on the summed size of all entries, as measured by `sizeCalculation`. Both
   * bounds apply; whichever is hit first evicts.
   */
  maxSize?: number;
  /** Size of one entry (positive integer). Required when `maxSize` is set. */
  sizeCalculation?: (value: V, key: K) => number;
  /**
   * How often, at most, writes sweep every expired entry out (default: `ttlMs`). The sweep runs
   * inside `set` (the clock is looked at every 32nd write), never on a timer, so an idle cache
   * holds at most `max` entries until it is written to again or {@link TtlCache.purgeStale} is
   * called.
   */
  purgeIntervalMs?: number;
  /** Time source for expiry, in ms (default {@link systemClock}). */
  clock?: Clock;
}

/** Counters returned by {@link TtlCache.stats}. */
export interface TtlCacheStats {
  /** Lookups (`get`, `getOrLoad`) that found a live entry. */
  hits: number;
  /** Lookups that found nothing or an expired entry. */
  misses: number;
  /** Entries pushed out because `max` or `maxSize` was reached. */
  evictions: number;
  /** Expired entries removed, on access or by a sweep. */
  expirations: number;
  /** Loader calls started by {@link TtlCache.getOrLoad}. */
  loads: number;
  /** Loader calls that threw or rejected. */
  loadFailures: number;
  /** Loads in flight now. */
  pendingLoads: number;
  /** Entries held now; may include expired entries not yet swept. */
  size: number;
  /** Summed entry size when `maxSize` is set, otherwise 0. */
  calculatedSize: number;
  /** The configured `max`. */
  max: number;
}

interface PendingLoad<V> {
  readonly promise: Promise<V>;
}

function assertPositive(name: string, value: unknown, integer: boolean): void {
  if (!isPositiveNumber(value, { integer })) {
    throw new TtlCacheOptionError(
      `TtlCache: ${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${String(value)}`,
    );
  }
}

/**
 * A bounded LRU cache whose entries expire after a time to live, built on `lru-cache`.
 *
 * Guarantees:
 * - It never holds more than `max` entries (nor more than `maxSize`, when set); the least recently
 *   used entry goes first.
 * - An expired entry is never returned by `get`, `has` or `getOrLoad`. An entry written at time
 *   `t` with TTL `ttl` is live up to and including `t + ttl` and expired after it.
 * - Expired entries do not pile up: besides the `max` bound, writes sweep them out at most once per
 *   `purgeIntervalMs`. No timer is ever created (lru-cache's `ttlAutopurge` and its `ttlResolution`
 *   timers are both disabled), so the cache never keeps a process alive and needs no `close`.
 * - `getOrLoad` runs at most one loader per key at a time; concurrent callers share its promise.
 *   A failed load is not cached. A load that finishes after the key was deleted or the cache
 *   cleared resolves its callers but is not stored, so stale data cannot come back.
 *
 * Keys and values must not be `null` or `undefined` (as in lru-cache).
 *
 * @typeParam K - Key type.
 * @typeParam V - Value type.
 *
 * @example
 * ```ts
 * import { TtlCache } from 'soc-kit/patterns';
 *
 * const cache = new TtlCache<string, number>({ max: 1000, ttlMs: 60_000 });
 * cache.set('guild-1', 42);
 * const score = await cache.getOrLoad('guild-2', async () => 7);
 * console.log(cache.get('guild-1'), score, cache.stats().hits);
 * ```
 */
export class TtlCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  readonly #lru: LRUCache<K, V>;
  readonly #clock: Clock;
  readonly #pending = new Map<K, PendingLoad<V>>();
  readonly #purgeIntervalMs: number;
  readonly #max: number;
  #lastPurge: number;
  #writesSinceCheck = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;
  #expirations = 0;
  #loads = 0;
  #loadFailures = 0;

  /**
   * @param options - Bounds, default TTL, sweep interval and clock.
   * @throws {@link TtlCacheOptionError} when `max`, `ttlMs` or `maxSize` is not a positive integer,
   * `purgeIntervalMs` is not a positive number, or `maxSize` is set without `sizeCalculation`.
   */
  constructor(options: TtlCacheOptions<K, V>) {
    assertPositive('max', options.max, true);
    // lru-cache needs an integer default TTL (it throws a bare TypeError otherwise).
    assertPositive('ttlMs', options.ttlMs, true);
    if (options.purgeIntervalMs !== undefined) {
      assertPositive('purgeIntervalMs', options.purgeIntervalMs, false);
    }
    if (options.maxSize !== undefined) {
      assertPositive('maxSize', options.maxSize, true);
      if (options.sizeCalculation === undefined) {
        throw new TtlCacheOptionError(
          'TtlCache: maxSize needs a sizeCalculation(value, key) function to measure entries',
        );
      }
    }
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#max = options.max;
    this.#purgeIntervalMs = options.purgeIntervalMs ?? options.ttlMs;
    this.#lastPurge = clock.now();
    this.#lru = new LRUCache<K, V>({
      max: options.max,
      ttl: options.ttlMs,
      // 0 disables lru-cache's clock-caching timer, which would otherwise run on every read.
      ttlResolution: 0,
      ttlAutopurge: false,
      // lru-cache takes a start time of 0 to mean "no TTL", so an entry written when the clock
      // reads exactly 0 (a test clock, fake timers at the epoch) would never expire.
      // The system clock is read directly (still at call time, so fake timers apply): one call
      // less on every get, whose cost is dominated by this read.
      perf:
        clock === systemClock
          ? {
              now: () => {
                const now = Date.now();
                return now === 0 ? Number.MIN_VALUE : now;
              },
            }
          : {
              now: () => {
                const now = clock.now();
                return now === 0 ? Number.MIN_VALUE : now;
              },
            },
      ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
      ...(options.sizeCalculation === undefined
        ? {}
        : { sizeCalculation: options.sizeCalculation }),
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') this.#evictions += 1;
        else if (reason === 'expire') this.#expirations += 1;
      },
    });
  }

  /**
   * Returns the live value of `key`, or `undefined` if it is absent or expired (an expired entry
   * is removed on the spot). Marks the entry as recently used; does not extend its TTL.
   *
   * @param key - Key to look up.
   * @returns The value, or `undefined`.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, string>({ max: 10, ttlMs: 1000 });
   * cache.set('a', 'alpha');
   * console.log(cache.get('a'), cache.get('b'));
   * ```
   */
  get(key: K): V | undefined {
    const value = this.#lru.get(key);
    if (value === undefined) this.#misses += 1;
    else this.#hits += 1;
    return value;
  }

  /**
   * Stores `value` under `key`, replacing any earlier value and restarting its TTL. May evict the
   * least recently used entries to respect `max`/`maxSize`.
   *
   * @param key - Key to store under.
   * @param value - Value to store (not `null`/`undefined`).
   * @param ttlMs - TTL of this entry in ms; defaults to the cache's `ttlMs`.
   * @returns This cache, for chaining.
   * @throws {@link TtlCacheOptionError} when `ttlMs` is given and is not a positive finite number.
   * Whatever `sizeCalculation` throws (the entry is then not stored).
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 60_000 });
   * cache.set('short-lived', 1, 500).set('default', 2);
   * console.log(cache.stats().size);
   * ```
   */
  set(key: K, value: V, ttlMs?: number): this {
    this.#maybePurge();
    if (ttlMs === undefined) {
      this.#lru.set(key, value);
    } else {
      assertPositive('ttlMs', ttlMs, false);
      this.#lru.set(key, value, { ttl: ttlMs });
    }
    return this;
  }

  /**
   * Tells whether `key` holds a live entry, without counting a hit or miss and without marking it
   * as recently used.
   *
   * @param key - Key to test.
   * @returns `true` if present and not expired.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
   * cache.set('a', 1);
   * console.log(cache.has('a'), cache.has('b'));
   * ```
   */
  has(key: K): boolean {
    return this.#lru.has(key);
  }

  /**
   * Removes `key`. A `getOrLoad` of this key still in flight resolves its callers but will not
   * store its result.
   *
   * @param key - Key to remove.
   * @returns `true` if an entry (live or expired) or a pending load was removed.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
   * cache.set('a', 1);
   * console.log(cache.delete('a'), cache.get('a'));
   * ```
   */
  delete(key: K): boolean {
    const hadPending = this.#pending.delete(key);
    return this.#lru.delete(key) || hadPending;
  }

  /**
   * Removes every entry and detaches every pending load (their callers still get their values,
   * which are not stored). Counters are kept.
   *
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
   * cache.set('a', 1);
   * cache.clear();
   * console.log(cache.stats().size);
   * ```
   */
  clear(): void {
    this.#pending.clear();
    this.#lru.clear();
  }

  /**
   * Returns the live value of `key`, or calls `loader(key)` once, stores its result and returns it.
   *
   * Concurrent calls for the same key while a load is in flight share that load's promise; the
   * loader is not called again. If the loader throws or rejects, every waiting caller gets that
   * error, nothing is cached and the next call loads again. If the key is deleted (or the cache
   * cleared) while loading, the result is handed to the waiting callers but not stored.
   *
   * @param key - Key to look up.
   * @param loader - Produces the value on a miss (sync or async; must not return null/undefined).
   * @param ttlMs - TTL of the loaded entry; defaults to the cache's `ttlMs`.
   * @returns The cached or freshly loaded value.
   * @throws Whatever `loader` throws (as a rejection), or what storing the value throws (a
   * throwing `sizeCalculation`). {@link TtlCacheOptionError} (as a rejection) when the loader
   * returns `null`/`undefined` or `ttlMs` is invalid.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, string>({ max: 100, ttlMs: 60_000 });
   * let calls = 0;
   * const load = async (id: string) => { calls += 1; return `user:${id}`; };
   * const [a, b] = await Promise.all([cache.getOrLoad('1', load), cache.getOrLoad('1', load)]);
   * console.log(a, b, calls);
   * ```
   */
  getOrLoad(key: K, loader: (key: K) => V | Promise<V>, ttlMs?: number): Promise<V> {
    const cached = this.#lru.get(key);
    if (cached !== undefined) {
      this.#hits += 1;
      return Promise.resolve(cached);
    }
    this.#misses += 1;
    const inFlight = this.#pending.get(key);
    if (inFlight !== undefined) return inFlight.promise;
    if (ttlMs !== undefined) {
      try {
        assertPositive('ttlMs', ttlMs, false);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    this.#loads += 1;
    // Storing is part of the promise callers get: if it throws (a sizeCalculation that throws),
    // they get that error, nothing is cached, and no rejection goes unhandled.
    const promise = this.#load(key, loader).then((value) => {
      if (this.#pending.get(key) === entry) this.set(key, value, ttlMs);
      return value;
    });
    const entry: PendingLoad<V> = { promise };
    this.#pending.set(key, entry);
    const settle = (): void => {
      // Only the load that is still registered may unregister itself: a delete followed by a new
      // load must not be undone by the older load finishing.
      if (this.#pending.get(key) === entry) this.#pending.delete(key);
    };
    promise.then(settle, () => {
      this.#loadFailures += 1;
      settle();
    });
    return promise;
  }

  async #load(key: K, loader: (key: K) => V | Promise<V>): Promise<V> {
    const value = await loader(key);
    if (value === undefined || value === null) {
      throw new TtlCacheOptionError(
        `TtlCache: the loader for key ${String(key)} returned ${String(value)}; it must return a value to cache`,
      );
    }
    return value;
  }

  /**
   * Removes every expired entry now. Writes already do this at most once per `purgeIntervalMs`;
   * call it to release memory in a cache that has gone quiet.
   *
   * @returns `true` if anything was removed.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
   * console.log(cache.purgeStale());
   * ```
   */
  purgeStale(): boolean {
    this.#lastPurge = this.#clock.now();
    return this.#lru.purgeStale();
  }

  /**
   * Milliseconds until `key` expires, `0` if it is absent or expired.
   *
   * @param key - Key to inspect.
   * @returns Remaining TTL in ms.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 5000 });
   * cache.set('a', 1);
   * console.log(cache.remainingTtl('a') > 0, cache.remainingTtl('missing'));
   * ```
   */
  remainingTtl(key: K): number {
    if (!this.#lru.has(key)) return 0;
    return Math.max(0, this.#lru.getRemainingTTL(key));
  }

  /**
   * Entries held now, possibly including expired ones not yet swept.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 10, ttlMs: 1000 });
   * cache.set('a', 1);
   * console.log(cache.size);
   * ```
   */
  get size(): number {
    return this.#lru.size;
  }

  /**
   * Returns a snapshot of the counters and the current size.
   *
   * @returns Hits, misses, evictions, expirations, load counts and size.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { TtlCache } from 'soc-kit/patterns';
   *
   * const cache = new TtlCache<string, number>({ max: 1, ttlMs: 1000 });
   * cache.set('a', 1).set('b', 2);
   * cache.get('a');
   * console.log(cache.stats());
   * ```
   */
  stats(): TtlCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      expirations: this.#expirations,
      loads: this.#loads,
      loadFailures: this.#loadFailures,
      pendingLoads: this.#pending.size,
      size: this.#lru.size,
      calculatedSize: this.#lru.calculatedSize,
      max: this.#max,
    };
  }

  #maybePurge(): void {
    // Reading the clock costs as much as an lru-cache write, so look at it every 32nd write only.
    this.#writesSinceCheck += 1;
    if (this.#writesSinceCheck < 32) return;
    this.#writesSinceCheck = 0;
    const now = this.#clock.now();
    if (now - this.#lastPurge >= this.#purgeIntervalMs) {
      this.#lastPurge = now;
      this.#lru.purgeStale();
    }
  }
}
