import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'eventemitter3';
import { safeParse, type z } from 'zod';
import { noopLogger, SocKitError, systemClock, type Clock, type Logger } from '../core/index.js';
import { errorText, guardLogger } from '../core/internal.js';
import type {
  SignalCatalog,
  SignalInput,
  SignalSchema,
  SignalSchemas,
  SignalType,
} from './catalog.js';
import { HistoryRing } from './history-ring.js';
import { InvalidSeverityError, rankOf, type Severity } from './severity.js';
import type {
  AnySignalOf,
  EmitMeta,
  EmitReport,
  HandlerFailure,
  Signal,
  SignalOf,
} from './signal.js';
import { SignalBusClosedError } from './signal-bus-closed-error.js';
import type { SignalEmitter } from './signal-emitter.js';
import { SignalIds } from './signal-ids.js';
import { SignalLoopError } from './signal-loop-error.js';
import { SignalValidationError, type SignalIssue } from './signal-validation-error.js';
import { UnknownSignalError } from './unknown-signal-error.js';

/**
 * Options of {@link SignalBus}.
 *
 * @typeParam S - The catalog's schema record.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { createConsoleLogger } from 'soc-kit';
 * import { defineSignals, SignalBus, type SignalBusOptions } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ PING: z.object({}) });
 * const options: SignalBusOptions<typeof catalog.schemas> = {
 *   catalog,
 *   logger: createConsoleLogger({ component: 'Bus' }),
 *   historySize: 500,
 * };
 * const bus = new SignalBus(options);
 * console.log(bus.catalog.types); // [ 'PING' ]
 * await bus.close();
 * ```
 */
export interface SignalBusOptions<S extends SignalSchemas> {
  /** The signals this bus carries, from {@link defineSignals}. */
  catalog: SignalCatalog<S>;
  /** Where handler failures and refused loops are logged. Default: {@link noopLogger}. */
  logger?: Logger;
  /**
   * Validate each payload against its schema before delivery. Default `true`. Turn it off only
   * on hot paths whose emitters are trusted and typed; payloads are then delivered as given, so
   * schema defaults and transforms are not applied.
   */
  validate?: boolean;
  /** How many recent signals {@link SignalBus.history} keeps. Default 100; `0` disables it. */
  historySize?: number;
  /** Source of `timestamp` and of handler timing. Default: {@link systemClock}. */
  clock?: Clock;
  /**
   * The deepest allowed nesting of emits from handlers. A signal emitted by the root caller has
   * depth 0; one emitted while a handler of a depth-`d` signal runs synchronously (or with
   * `meta.cause` set to that signal) has depth `d + 1`. Deeper emits reject with
   * {@link SignalLoopError}. Default 32.
   */
  maxEmitDepth?: number;
  /**
   * Track emit depth through `await`s automatically with `AsyncLocalStorage`, so loops of async
   * handlers are cut off even when they do not pass `meta.cause`. Off by default: it costs time on
   * every emit and, before Node 24, slows every promise in the process.
   */
  trackAsyncDepth?: boolean;
  /**
   * Measure the time handlers take (sync and async) for {@link SignalBusStats.handlerTimeMs}.
   * Off by default because reading the clock twice per emit is a measurable cost on the hot path.
   * It uses the bus's clock, so each emit is timed in whole milliseconds; over many emits the
   * rounding evens out and the total stays accurate.
   */
  measureHandlerTime?: boolean;
}

/**
 * A signal handler. It may be sync or async: if it returns a promise (any thenable), `emit` waits
 * for it; other return values are ignored. Throwing or rejecting is isolated: other handlers
 * still run, `emit` still resolves, and the failure is logged and reported.
 *
 * @typeParam Sig - The envelope type it receives.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, type Signal, type SignalHandler } from 'soc-kit/bus';
 *
 * const log: SignalHandler<Signal> = (signal) => {
 *   console.log(signal.type, signal.severity);
 * };
 * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }) });
 * bus.subscribe('*', log);
 * await bus.emit('PING', {}, { severity: 'low', source: 'demo' }); // PING low
 * await bus.close();
 * ```
 */
export type SignalHandler<Sig extends Signal> = (signal: Sig) => unknown;

/**
 * The envelope a subscription to `T` receives: one signal type's envelope, or the union of all
 * for `'*'`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type SubscribedSignal } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ A: z.object({ a: z.number() }) });
 * type Every = SubscribedSignal<typeof catalog.schemas, '*'>;
 * const example: Every['type'] = 'A';
 * console.log(example);
 * ```
 */
export type SubscribedSignal<S extends SignalSchemas, T extends SignalType<S> | '*'> = T extends '*'
  ? AnySignalOf<S>
  : T extends SignalType<S>
    ? SignalOf<S, T>
    : never;

/**
 * Options of {@link SignalBus.subscribe}.
 *
 * @typeParam Sig - The envelope type the handler receives.
 *
 * @example
 * ```ts
 * import type { Signal, SubscribeOptions } from 'soc-kit/bus';
 *
 * const options: SubscribeOptions<Signal> = {
 *   minSeverity: 'high',
 *   filter: (signal) => signal.guildId === '123',
 *   name: 'alertMods',
 * };
 * console.log(options.minSeverity);
 * ```
 */
export interface SubscribeOptions<Sig extends Signal> {
  /** Only receive signals at least this severe. */
  minSeverity?: Severity;
  /**
   * Only receive signals for which this returns `true`. It runs just before the handler; if it
   * throws, that counts as a handler failure.
   */
  filter?: (signal: Sig) => boolean;
  /** Name used in logs and {@link HandlerFailure.handler}. Default: the function's name. */
  name?: string;
}

/**
 * Options of {@link SignalBus.once}.
 *
 * @typeParam Sig - The envelope type awaited.
 *
 * @example
 * ```ts
 * import type { OnceOptions, Signal } from 'soc-kit/bus';
 *
 * const options: OnceOptions<Signal> = { minSeverity: 'critical', signal: AbortSignal.timeout(5000) };
 * console.log(options.minSeverity);
 * ```
 */
export interface OnceOptions<Sig extends Signal> {
  /** Only settle on a signal at least this severe. */
  minSeverity?: Severity;
  /**
   * Only settle on a signal for which this returns `true`. If it throws, the wait rejects with
   * that error.
   */
  filter?: (signal: Sig) => boolean;
  /** Stop waiting when aborted; the promise rejects with the abort reason. */
  signal?: AbortSignal;
}

/**
 * Options of {@link SignalBus.history}.
 *
 * @typeParam T - The signal type to keep, if any.
 *
 * @example
 * ```ts
 * import type { HistoryOptions } from 'soc-kit/bus';
 *
 * const options: HistoryOptions<'RAID_DETECTED'> = { type: 'RAID_DETECTED', limit: 10 };
 * console.log(options.limit);
 * ```
 */
export interface HistoryOptions<T extends string> {
  /** Only signals of this type. */
  type?: T;
  /** Only signals at least this severe. */
  minSeverity?: Severity;
  /** At most this many, the newest ones: a non-negative integer or `Infinity`. Default: all kept. */
  limit?: number;
}

/**
 * Counters of one signal type in {@link SignalBusStats}.
 *
 * @example
 * ```ts
 * import type { SignalTypeStats } from 'soc-kit/bus';
 *
 * const empty: SignalTypeStats = { emitted: 0, delivered: 0, failed: 0, rejected: 0 };
 * console.log(empty);
 * ```
 */
export interface SignalTypeStats {
  /** Signals of this type accepted and dispatched. */
  emitted: number;
  /** Handler runs that completed without error, once settled. */
  delivered: number;
  /** Handler runs (or filters) that threw or rejected. */
  failed: number;
  /** Emits refused: invalid payload or meta, or the loop guard. */
  rejected: number;
}

/**
 * A snapshot of a bus's counters, from {@link SignalBus.stats}.
 *
 * @example
 * ```ts
 * import type { SignalBusStats } from 'soc-kit/bus';
 *
 * function failureRate(stats: SignalBusStats): number {
 *   const runs = stats.delivered + stats.failed;
 *   return runs === 0 ? 0 : stats.failed / runs;
 * }
 * const stats: SignalBusStats = {
 *   emitted: 2,
 *   delivered: 3,
 *   failed: 1,
 *   rejected: 0,
 *   inFlight: 0,
 *   subscriptions: 2,
 *   handlerTimeMs: undefined,
 *   byType: {},
 * };
 * console.log(failureRate(stats)); // 0.25
 * ```
 */
export interface SignalBusStats {
  /** Total signals dispatched. */
  emitted: number;
  /** Total handler runs completed without error. */
  delivered: number;
  /** Total handler failures. */
  failed: number;
  /** Total emits refused. */
  rejected: number;
  /** Emits whose async handlers have not settled yet. */
  inFlight: number;
  /** Active subscriptions, wildcard and `once` included. */
  subscriptions: number;
  /**
   * Total wall time spent in handlers, in ms: the synchronous dispatch plus, for emits with async
   * handlers, the time until they all settled. `undefined` unless `measureHandlerTime` is on.
   */
  handlerTimeMs: number | undefined;
  /** Counters per signal type; every catalog type is present. */
  byType: Record<string, SignalTypeStats>;
}

/** A function that ends a subscription. Calling it again does nothing. */
export type Unsubscribe = () => void;

interface Subscription {
  active: boolean;
  // Sequence number of the first signal this subscription may receive. ee3 already skips
  // listeners added during an emit of their own event, but a '*' subscription made by a typed
  // handler would otherwise get the signal being dispatched.
  readonly since: number;
  readonly handler: (signal: Signal) => unknown;
  readonly minRank: number;
  readonly filter: ((signal: Signal) => boolean) | undefined;
  readonly name: string;
  readonly logger: Logger;
}

interface TypeEntry extends SignalTypeStats {
  readonly schema: SignalSchema;
}

// State of one emit while its handlers run. The ee3 listeners receive it as their only argument.
// (Reusing one Dispatch across emits was measured: no gain above noise, so each emit gets its own.)
class Dispatch {
  delivered = 0;
  failed: HandlerFailure[] | undefined = undefined;
  pending: Promise<unknown>[] | undefined = undefined;
  constructor(
    readonly signal: Signal,
    readonly rank: number,
    readonly seq: number,
  ) {}
}

type MutableSignal = { -readonly [K in keyof Signal]: Signal[K] };

const NO_FAILURES: readonly HandlerFailure[] = Object.freeze([]);
const WILDCARD = '*';
const DEFAULT_HISTORY_SIZE = 100;
const DEFAULT_MAX_EMIT_DEPTH = 32;

/**
 * Thrown by the {@link SignalBus} constructor and `subscribe`/`once` for arguments that cannot
 * work: a missing catalog, a negative `historySize`, a handler that is not a function. Code
 * `SIGNAL_BUS_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, SignalBusArgumentError } from 'soc-kit/bus';
 *
 * try {
 *   new SignalBus({ catalog: defineSignals({ PING: z.object({}) }), historySize: -1 });
 * } catch (error) {
 *   if (error instanceof SignalBusArgumentError) console.log(error.code); // SIGNAL_BUS_ARGUMENT
 * }
 * ```
 */
export class SignalBusArgumentError extends SocKitError {
  /**
   * @param message - Which argument is wrong and what was expected.
   */
  constructor(message: string) {
    super('SIGNAL_BUS_ARGUMENT', message);
  }
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SignalBusArgumentError(
      `${name} must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) text += `.${typeof key === 'symbol' ? key.toString() : String(key)}`;
  return text;
}

// Enough of an envelope to serve as `meta.cause`: reading its id and correlation id is safe.
function isSignalLike(value: unknown): value is Signal {
  return typeof value === 'object' && value !== null && typeof (value as Signal).id === 'string';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

// The one ee3 listener function of every subscription; ee3 calls it with the subscription as
// `this`. Sharing one function keeps the call site monomorphic, and it never throws.
function deliver(this: Subscription, dispatch: Dispatch): void {
  if (!this.active || dispatch.rank < this.minRank || dispatch.seq < this.since) return;
  const signal = dispatch.signal;
  try {
    if (this.filter !== undefined && !this.filter(signal)) return;
    const result = this.handler(signal);
    if (isThenable(result)) {
      // Promise.resolve adopts any thenable as a real promise: one whose `then` returns nothing
      // or settles twice is still awaited once, and a `then` that throws becomes a rejection.
      (dispatch.pending ??= []).push(
        Promise.resolve(result).then(
          () => {
            dispatch.delivered += 1;
          },
          (error: unknown) => {
            fail(this, dispatch, error);
          },
        ),
      );
      return;
    }
  } catch (error) {
    fail(this, dispatch, error);
    return;
  }
  dispatch.delivered += 1;
}

function fail(subscription: Subscription, dispatch: Dispatch, error: unknown): void {
  (dispatch.failed ??= []).push({ handler: subscription.name, error });
  const signal = dispatch.signal;
  subscription.logger.error(
    {
      signalType: signal.type,
      signalId: signal.id,
      source: signal.source,
      handler: subscription.name,
      err: error,
    },
    'Signal handler failed; the other handlers were not affected',
  );
}

/**
 * A typed, validated, failure-isolated signal bus, built on eventemitter3.
 *
 * Guarantees:
 * - **Typing**: emit and subscribe accept only the catalog's type names and payloads.
 * - **Validation**: with `validate` on (default), an invalid payload rejects `emit` with
 *   {@link SignalValidationError} and reaches no handler.
 * - **Isolation**: a handler that throws or rejects never stops the others and never rejects
 *   `emit`; it is logged (type, id, source, handler name), counted, and listed in the report.
 * - **Ordering**: for one signal, handlers of its type run first, in subscription order, then `'*'`
 *   handlers, in subscription order. All handlers start synchronously inside `emit`; async ones
 *   then run concurrently, and `emit` resolves when all have settled.
 * - **Unsubscribing** takes effect at once: a handler removed during an emit, even by an earlier
 *   handler of the same signal, is not called for it. Subscriptions made during an emit start
 *   with the next signal.
 * - **Re-entrancy**: handlers may emit; nesting deeper than `maxEmitDepth` rejects with
 *   {@link SignalLoopError} instead of overflowing the stack.
 *
 * @typeParam S - The catalog's schema record.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({
 *   RAID_DETECTED: z.object({ joins: z.number().int(), windowMs: z.number() }),
 * });
 * const bus = new SignalBus({ catalog });
 * const off = bus.subscribe('RAID_DETECTED', (signal) => {
 *   console.log(`${signal.data.joins} joins in ${signal.data.windowMs} ms from ${signal.source}`);
 * });
 * const report = await bus.emit(
 *   'RAID_DETECTED',
 *   { joins: 40, windowMs: 10_000 },
 *   { severity: 'high', source: 'RaidDetector', guildId: '123' },
 * );
 * console.log(report.delivered, report.failed.length); // 1 0
 * off();
 * await bus.close();
 * ```
 */
export class SignalBus<S extends SignalSchemas> implements SignalEmitter<S> {
  /** The catalog this bus was built over. */
  readonly catalog: SignalCatalog<S>;

  readonly #emitter = new EventEmitter();
  readonly #entries = new Map<string, TypeEntry>();
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #validate: boolean;
  readonly #maxDepth: number;
  readonly #history: HistoryRing<Signal> | undefined;
  readonly #asyncDepth: AsyncLocalStorage<number> | undefined;
  readonly #measure: boolean;
  readonly #ids = new SignalIds();
  readonly #depthOf = new WeakMap<Signal, number>();
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #pendingOnces = new Set<(error: Error) => void>();
  #activeDepth = -1;
  #subscriptions = 0;
  #anonymous = 0;
  #wildcards = 0;
  #handlerTimeMs = 0;
  #seq = 0;
  #closed = false;
  #drained = false;
  #closing: Promise<void> | undefined = undefined;

  /**
   * @param options - The catalog plus optional logger, clock, validation, history and loop
   * settings; see {@link SignalBusOptions}.
   * @throws {@link SignalBusArgumentError} if the catalog is missing or `historySize` /
   * `maxEmitDepth` is not a non-negative integer.
   */
  constructor(options: SignalBusOptions<S>) {
    const catalog = options.catalog as SignalCatalog<S> | undefined;
    if (catalog === undefined || typeof catalog.has !== 'function') {
      throw new SignalBusArgumentError(
        'SignalBus needs a catalog made by defineSignals({...}) in options.catalog',
      );
    }
    this.catalog = catalog;
    for (const type of catalog.types) {
      this.#entries.set(type, {
        schema: catalog.schemas[type] as SignalSchema,
        emitted: 0,
        delivered: 0,
        failed: 0,
        rejected: 0,
      });
    }
    // Guarded: a throwing logger must not keep an emit from settling or close() from finishing.
    this.#logger = options.logger === undefined ? noopLogger : guardLogger(options.logger);
    this.#clock = options.clock ?? systemClock;
    this.#validate = options.validate ?? true;
    this.#maxDepth = checkCount('maxEmitDepth', options.maxEmitDepth, DEFAULT_MAX_EMIT_DEPTH);
    const historySize = checkCount('historySize', options.historySize, DEFAULT_HISTORY_SIZE);
    this.#history = historySize > 0 ? new HistoryRing(historySize) : undefined;
    this.#asyncDepth = options.trackAsyncDepth === true ? new AsyncLocalStorage() : undefined;
    this.#measure = options.measureHandlerTime === true;
  }

  /** `true` once {@link SignalBus.close} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Emits a signal: validates the payload, builds the envelope, records it in the history, and
   * calls every matching handler (see the class guarantees for order).
   *
   * @param type - A signal type name from the catalog.
   * @param data - The payload; checked against the type's schema when `validate` is on.
   * @param meta - Severity and source (required), plus optional guild, correlation id and cause.
   * @returns A promise of the {@link EmitReport}, resolved once every handler, sync or async, has
   * settled. It never rejects because of a handler.
   * @throws Never synchronously. The promise rejects with {@link SignalValidationError} for an
   * invalid payload or meta (unknown severity, empty source, a `cause` that is not a signal
   * envelope), {@link UnknownSignalError} for a type not in the catalog,
   * {@link SignalLoopError} past `maxEmitDepth`, and {@link SignalBusClosedError} after `close()`.
   * In all these cases no handler runs.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ KICKED: z.object({ userId: z.string() }) }) });
   * bus.subscribe('KICKED', () => {
   *   throw new Error('mod-log channel missing');
   * });
   * bus.subscribe('KICKED', async (signal) => {
   *   await Promise.resolve();
   *   console.log('audited', signal.data.userId);
   * });
   * const report = await bus.emit('KICKED', { userId: '42' }, { severity: 'medium', source: 'Mod' });
   * console.log(report.delivered, report.failed[0]?.handler); // 1 handler#1
   * await bus.close();
   * ```
   */
  emit<T extends SignalType<S>>(
    type: T,
    data: SignalInput<S, T>,
    meta: EmitMeta,
  ): Promise<EmitReport<SignalOf<S, T>>> {
    if (this.#closed) return Promise.reject(new SignalBusClosedError(`emit("${type}")`));
    const entry = this.#entries.get(type);
    if (entry === undefined) {
      return Promise.reject(new UnknownSignalError(type, this.catalog.types));
    }
    const rank = rankOf(meta?.severity);
    const cause = meta?.cause;
    if (
      rank === undefined ||
      typeof meta.source !== 'string' ||
      meta.source === '' ||
      (cause !== undefined && !isSignalLike(cause))
    ) {
      entry.rejected += 1;
      return Promise.reject(this.#metaError(type, meta));
    }
    let payload: unknown = data;
    if (this.#validate) {
      let parsed: z.ZodSafeParseResult<unknown>;
      try {
        parsed = safeParse(entry.schema, data);
      } catch (error) {
        // A refinement that throws, or an async one, is a schema bug; report it, never throw.
        entry.rejected += 1;
        return Promise.reject(this.#schemaThrew(type, error));
      }
      if (!parsed.success) {
        entry.rejected += 1;
        return Promise.reject(this.#payloadError(type, parsed.error));
      }
      payload = parsed.data;
    }

    let depth = this.#activeDepth + 1;
    if (cause !== undefined) depth = Math.max(depth, (this.#depthOf.get(cause) ?? 0) + 1);
    const asyncDepth = this.#asyncDepth?.getStore();
    if (asyncDepth !== undefined) depth = Math.max(depth, asyncDepth + 1);
    if (depth > this.#maxDepth) {
      entry.rejected += 1;
      const error = new SignalLoopError(type, depth, this.#maxDepth);
      this.#logger.error(
        { signalType: type, source: meta.source, causationId: cause?.id, depth, err: error },
        'Signal emit refused: nesting exceeded maxEmitDepth',
      );
      return Promise.reject(error);
    }

    const id = this.#ids.next();
    const timestamp = this.#clock.now();
    // Two literal shapes instead of adding guildId afterwards: one hidden-class transition less.
    const signal: MutableSignal =
      meta.guildId === undefined
        ? { id, type, severity: meta.severity, source: meta.source, data: payload, timestamp }
        : {
            id,
            type,
            severity: meta.severity,
            source: meta.source,
            data: payload,
            timestamp,
            guildId: meta.guildId,
          };
    const correlationId = meta.correlationId ?? cause?.correlationId;
    if (correlationId !== undefined) signal.correlationId = correlationId;
    if (cause !== undefined) signal.causationId = cause.id;
    if (depth > 0) this.#depthOf.set(signal, depth);
    entry.emitted += 1;
    this.#history?.push(signal);

    const seq = ++this.#seq;
    const dispatch = new Dispatch(signal, rank, seq);
    const startedAt = this.#measure ? this.#clock.now() : 0;
    const outerDepth = this.#activeDepth;
    this.#activeDepth = depth;
    try {
      if (this.#asyncDepth === undefined) {
        this.#emitter.emit(type, dispatch);
        if (this.#wildcards > 0) this.#emitter.emit(WILDCARD, dispatch);
      } else {
        this.#asyncDepth.run(depth, () => {
          this.#emitter.emit(type, dispatch);
          if (this.#wildcards > 0) this.#emitter.emit(WILDCARD, dispatch);
        });
      }
    } finally {
      this.#activeDepth = outerDepth;
    }

    const pending = dispatch.pending;
    if (pending === undefined) {
      const report = this.#settle(entry, dispatch, startedAt);
      return Promise.resolve(report) as Promise<EmitReport<SignalOf<S, T>>>;
    }
    const settled = Promise.all(pending).then(() => {
      this.#inFlight.delete(settled);
      return this.#settle(entry, dispatch, startedAt);
    });
    this.#inFlight.add(settled);
    return settled as Promise<EmitReport<SignalOf<S, T>>>;
  }

  /**
   * Subscribes a handler to one signal type, or to every type with `'*'`.
   *
   * Handlers of a type run in subscription order, before `'*'` handlers (also in subscription
   * order). A handler subscribed twice runs twice. The returned function unsubscribes; it takes
   * effect immediately, even in the middle of an emit, and calling it again does nothing.
   *
   * @param type - A signal type name from the catalog, or `'*'` for all.
   * @param handler - Called with each matching envelope; may return a promise.
   * @param options - `minSeverity`, `filter` and a `name` for logs.
   * @returns A function that ends the subscription.
   * @throws {@link UnknownSignalError} for a type not in the catalog,
   * {@link SignalBusArgumentError} if `handler` or `filter` is not a function,
   * {@link InvalidSeverityError} for an invalid `minSeverity`, and {@link SignalBusClosedError}
   * after `close()`.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ ALERT: z.object({ text: z.string() }) }) });
   * const off = bus.subscribe('ALERT', (signal) => console.log('urgent:', signal.data.text), {
   *   minSeverity: 'high',
   *   filter: (signal) => signal.guildId === 'g1',
   * });
   * await bus.emit('ALERT', { text: 'ignored' }, { severity: 'low', source: 'demo', guildId: 'g1' });
   * await bus.emit('ALERT', { text: 'raid' }, { severity: 'critical', source: 'demo', guildId: 'g1' });
   * off();
   * await bus.close();
   * ```
   */
  subscribe<T extends SignalType<S> | '*'>(
    type: T,
    handler: SignalHandler<SubscribedSignal<S, T>>,
    options: SubscribeOptions<SubscribedSignal<S, T>> = {},
  ): Unsubscribe {
    if (this.#closed) throw new SignalBusClosedError(`subscribe("${type}")`);
    if (type !== WILDCARD && !this.#entries.has(type)) {
      throw new UnknownSignalError(type, this.catalog.types);
    }
    if (typeof handler !== 'function') {
      throw new SignalBusArgumentError(
        `subscribe("${type}") needs a handler function, got ${typeof handler}`,
      );
    }
    const { filter, minSeverity, name } = options;
    if (filter !== undefined && typeof filter !== 'function') {
      throw new SignalBusArgumentError(
        `subscribe("${type}"): filter must be a function, got ${typeof filter}`,
      );
    }
    let minRank = 0;
    if (minSeverity !== undefined) {
      const rank = rankOf(minSeverity);
      if (rank === undefined) throw new InvalidSeverityError(minSeverity, 'minSeverity');
      minRank = rank;
    }
    this.#subscriptions += 1;
    const subscription: Subscription = {
      active: true,
      since: this.#seq + 1,
      handler: handler as (signal: Signal) => unknown,
      minRank,
      filter: filter as ((signal: Signal) => boolean) | undefined,
      name: name ?? (handler.name === '' ? `handler#${++this.#anonymous}` : handler.name),
      logger: this.#logger,
    };
    if (type === WILDCARD) this.#wildcards += 1;
    this.#emitter.on(type, deliver, subscription);
    return () => {
      if (!subscription.active) return;
      subscription.active = false;
      // After the drain, close() has removed every listener and reset the counters.
      if (this.#drained) return;
      this.#subscriptions -= 1;
      if (type === WILDCARD) this.#wildcards -= 1;
      this.#emitter.off(type, deliver, subscription);
    };
  }

  /**
   * Waits for the next matching signal of a type (or of any type with `'*'`). The wait is a normal
   * subscription while it lasts: it takes its place in the handler order and counts as delivered.
   *
   * @param type - A signal type name from the catalog, or `'*'`.
   * @param options - `minSeverity` and `filter` to pick the signal, `signal` to give up.
   * @returns A promise of the first matching envelope.
   * @throws Never synchronously. The promise rejects with the abort reason if `options.signal`
   * aborts, with the error of `options.filter` if it throws (also reported as a handler failure), with {@link SignalBusClosedError} if the bus closes first (or already was), with
   * {@link UnknownSignalError} for a type not in the catalog, and with
   * {@link SignalBusArgumentError} or {@link InvalidSeverityError} for invalid options.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ READY: z.object({ shard: z.number() }) }) });
   * const next = bus.once('READY', { filter: (signal) => signal.data.shard === 1 });
   * await bus.emit('READY', { shard: 0 }, { severity: 'info', source: 'demo' });
   * await bus.emit('READY', { shard: 1 }, { severity: 'info', source: 'demo' });
   * console.log((await next).data.shard); // 1
   * await bus.close();
   * ```
   */
  once<T extends SignalType<S> | '*'>(
    type: T,
    options: OnceOptions<SubscribedSignal<S, T>> = {},
  ): Promise<SubscribedSignal<S, T>> {
    const abortSignal = options.signal;
    if (abortSignal?.aborted === true) return Promise.reject(abortSignal.reason as Error);
    return new Promise<SubscribedSignal<S, T>>((resolve, reject) => {
      const stop = (error: Error): void => {
        finish();
        reject(error);
      };
      const onAbort = (): void => {
        stop(abortSignal?.reason as Error);
      };
      const finish = (): void => {
        off();
        this.#pendingOnces.delete(stop);
        abortSignal?.removeEventListener('abort', onAbort);
      };
      const subscribeOptions: SubscribeOptions<SubscribedSignal<S, T>> = { name: `once(${type})` };
      const filter = options.filter;
      if (filter !== undefined) {
        // A throwing filter would otherwise leave the wait pending forever. Rethrown, it also
        // counts as a failure of this subscription in the emit's report, like any filter.
        subscribeOptions.filter = (signal) => {
          try {
            return filter(signal);
          } catch (error) {
            stop(error as Error);
            throw error;
          }
        };
      }
      if (options.minSeverity !== undefined) subscribeOptions.minSeverity = options.minSeverity;
      const off = this.subscribe(
        type,
        (signal) => {
          finish();
          resolve(signal);
        },
        subscribeOptions,
      );
      this.#pendingOnces.add(stop);
      abortSignal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Recent signals from the bounded history, oldest first (newest last). The history keeps the
   * last `historySize` accepted signals of all types; refused emits are not recorded.
   *
   * @param options - Filter by `type` or `minSeverity`, and `limit` to the newest N.
   * @returns A new array of envelopes; empty if the history is disabled.
   * @throws {@link SignalBusArgumentError} if `limit` is not a non-negative integer (or
   * `Infinity`), and {@link InvalidSeverityError} for an invalid `minSeverity`.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ A: z.object({}), B: z.object({}) }), historySize: 3 });
   * for (const type of ['A', 'B', 'A', 'B'] as const) await bus.emit(type, {}, { severity: 'info', source: 'demo' });
   * console.log(bus.history().map((s) => s.type)); // [ 'B', 'A', 'B' ]
   * console.log(bus.history({ type: 'A' }).length); // 1
   * await bus.close();
   * ```
   */
  history<T extends SignalType<S> = SignalType<S>>(
    options: HistoryOptions<T> = {},
  ): SubscribedSignal<S, T>[] {
    const { type, minSeverity, limit } = options;
    if (limit !== undefined && limit !== Number.POSITIVE_INFINITY) {
      checkCount('history(): limit', limit, 0);
    }
    let minRank = 0;
    if (minSeverity !== undefined) {
      const rank = rankOf(minSeverity);
      if (rank === undefined) throw new InvalidSeverityError(minSeverity, 'minSeverity');
      minRank = rank;
    }
    const keep =
      type === undefined && minRank === 0
        ? undefined
        : (signal: Signal): boolean =>
            (type === undefined || signal.type === type) &&
            (rankOf(signal.severity) ?? 0) >= minRank;
    const ring = this.#history;
    if (ring === undefined) return [];
    return ring.newest(limit ?? ring.size, keep) as SubscribedSignal<S, T>[];
  }

  /**
   * A snapshot of the bus's counters: per type and in total, plus in-flight emits and
   * subscriptions.
   *
   * @returns A new {@link SignalBusStats} object; later emits do not change it.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }) });
   * bus.subscribe('PING', () => undefined);
   * await bus.emit('PING', {}, { severity: 'info', source: 'demo' });
   * const stats = bus.stats();
   * console.log(stats.emitted, stats.delivered, stats.byType['PING']?.failed); // 1 1 0
   * await bus.close();
   * ```
   */
  stats(): SignalBusStats {
    const byType: Record<string, SignalTypeStats> = {};
    let emitted = 0;
    let delivered = 0;
    let failed = 0;
    let rejected = 0;
    for (const [type, entry] of this.#entries) {
      byType[type] = {
        emitted: entry.emitted,
        delivered: entry.delivered,
        failed: entry.failed,
        rejected: entry.rejected,
      };
      emitted += entry.emitted;
      delivered += entry.delivered;
      failed += entry.failed;
      rejected += entry.rejected;
    }
    return {
      emitted,
      delivered,
      failed,
      rejected,
      inFlight: this.#inFlight.size,
      subscriptions: this.#subscriptions,
      handlerTimeMs: this.#measure ? this.#handlerTimeMs : undefined,
      byType,
    };
  }

  /**
   * Closes the bus: from now on `emit` and `once` reject and `subscribe` throws
   * {@link SignalBusClosedError}, including calls from handlers still running. Pending `once`
   * waits reject. The returned promise resolves once every in-flight async handler has settled;
   * then all subscriptions are removed. Calling it again returns the same promise. A handler that
   * never settles keeps `close()` waiting, so give slow handlers their own timeouts.
   *
   * @returns A promise that resolves when the bus is drained.
   * @throws Never; handler failures during the drain are reported as usual, not rethrown.
   *
   * @example
   * ```ts
   * import { z } from 'zod';
   * import { defineSignals, SignalBus } from 'soc-kit/bus';
   *
   * const bus = new SignalBus({ catalog: defineSignals({ SAVE: z.object({}) }) });
   * bus.subscribe('SAVE', async () => {
   *   await new Promise((resolve) => setTimeout(resolve, 10));
   *   console.log('saved');
   * });
   * void bus.emit('SAVE', {}, { severity: 'info', source: 'demo' });
   * await bus.close(); // prints "saved" first
   * console.log('closed', bus.closed);
   * ```
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      const error = new SignalBusClosedError('keep waiting in once()');
      for (const stop of [...this.#pendingOnces]) stop(error);
      this.#closing = this.#drain();
    }
    return this.#closing;
  }

  async #drain(): Promise<void> {
    // Yield once first: if close() was called from a handler, the emit running it registers its
    // pending handlers only when its dispatch returns. Settled emits remove themselves from the
    // set; loop in case one settling was waiting on another.
    await Promise.resolve();
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    this.#emitter.removeAllListeners();
    this.#drained = true;
    this.#subscriptions = 0;
    this.#wildcards = 0;
  }

  #settle(entry: TypeEntry, dispatch: Dispatch, startedAt: number): EmitReport {
    if (this.#measure) this.#handlerTimeMs += this.#clock.now() - startedAt;
    const failed = dispatch.failed ?? NO_FAILURES;
    entry.delivered += dispatch.delivered;
    entry.failed += failed.length;
    return { signal: dispatch.signal, delivered: dispatch.delivered, failed };
  }

  #metaError(type: string, meta: EmitMeta | undefined): SignalValidationError {
    if (typeof meta !== 'object' || meta === null) {
      return new SignalValidationError(type, [
        { path: 'meta', message: 'expected an object with severity and source' },
      ]);
    }
    const issues: SignalIssue[] = [];
    if (rankOf(meta.severity) === undefined) {
      issues.push({
        path: 'meta.severity',
        message: `expected one of info, low, medium, high, critical, got ${JSON.stringify(meta.severity) ?? 'undefined'}`,
      });
    }
    if (typeof meta.source !== 'string' || meta.source === '') {
      issues.push({
        path: 'meta.source',
        message: 'expected a non-empty string naming the emitter',
      });
    }
    if (meta.cause !== undefined && !isSignalLike(meta.cause)) {
      issues.push({
        path: 'meta.cause',
        message: 'expected the signal envelope being handled (an object with a string id)',
      });
    }
    return new SignalValidationError(type, issues);
  }

  #schemaThrew(type: string, error: unknown): SignalValidationError {
    const reason = errorText(error);
    return new SignalValidationError(
      type,
      [{ path: 'data', message: `the schema threw instead of validating: ${reason}` }],
      { cause: error },
    );
  }

  #payloadError(type: string, error: z.core.$ZodError): SignalValidationError {
    const issues = error.issues.map((issue) => ({
      path: issuePath('data', issue.path),
      message: issue.message,
    }));
    return new SignalValidationError(type, issues, { cause: error });
  }
}
