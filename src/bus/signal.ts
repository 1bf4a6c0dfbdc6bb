import type { SignalData, SignalSchemas, SignalType } from './catalog.js';
import type { Severity } from './severity.js';

/**
 * The envelope every handler receives: the validated payload plus who sent it, when, and how
 * urgent it is. Envelopes are built by the bus; treat them as read-only, since the same object
 * goes to every handler and into the history.
 *
 * @typeParam Type - The signal type name.
 * @typeParam Data - The payload type.
 *
 * @example
 * ```ts
 * import type { Signal } from 'soc-kit/bus';
 *
 * const signal: Signal<'RAID_DETECTED', { joins: number }> = {
 *   id: 'a1b2c3d4-1',
 *   type: 'RAID_DETECTED',
 *   severity: 'high',
 *   source: 'RaidDetector',
 *   data: { joins: 40 },
 *   timestamp: Date.now(),
 * };
 * console.log(signal.type, signal.data.joins);
 * ```
 */
export interface Signal<Type extends string = string, Data = unknown> {
  /** Unique per bus and practically unique across buses: a random per-bus prefix plus a counter. */
  readonly id: string;
  /** The signal type name from the catalog. */
  readonly type: Type;
  /** How urgent the signal is. */
  readonly severity: Severity;
  /** The component that emitted it, e.g. `'AnomalyDetector'`. */
  readonly source: string;
  /** The payload; validated against the catalog schema when the bus validates. */
  readonly data: Data;
  /** When it was emitted, in epoch milliseconds from the bus's clock. */
  readonly timestamp: number;
  /** The Discord guild it concerns, if any. */
  readonly guildId?: string;
  /** Groups signals that belong to one incident; inherited from `cause` when not given. */
  readonly correlationId?: string;
  /** The `id` of the signal whose handling caused this one, when the emitter passed `cause`. */
  readonly causationId?: string;
}

/**
 * The envelope of signal type `T` in schema record `S`, with its payload type inferred.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type SignalOf } from 'soc-kit/bus';
 *
 * import { SignalBus } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ RAID: z.object({ joins: z.number() }) });
 * function describe(signal: SignalOf<typeof catalog.schemas, 'RAID'>): string {
 *   return `${signal.data.joins} joins`;
 * }
 * const bus = new SignalBus({ catalog });
 * const { signal } = await bus.emit('RAID', { joins: 30 }, { severity: 'high', source: 'demo' });
 * console.log(describe(signal)); // 30 joins
 * await bus.close();
 * ```
 */
export type SignalOf<S extends SignalSchemas, T extends SignalType<S>> = Signal<
  T,
  SignalData<S, T>
>;

/**
 * Any signal of schema record `S`: a union discriminated by `type`, so `switch (signal.type)`
 * narrows `signal.data`. Wildcard (`'*'`) handlers receive this.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type AnySignalOf } from 'soc-kit/bus';
 *
 * import { SignalBus } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ A: z.object({ a: z.number() }), B: z.object({ b: z.string() }) });
 * function show(signal: AnySignalOf<typeof catalog.schemas>): string {
 *   return signal.type === 'A' ? String(signal.data.a) : signal.data.b;
 * }
 * const bus = new SignalBus({ catalog });
 * bus.subscribe('*', (signal) => console.log(show(signal)));
 * await bus.emit('A', { a: 1 }, { severity: 'info', source: 'demo' }); // 1
 * await bus.emit('B', { b: 'two' }, { severity: 'info', source: 'demo' }); // two
 * await bus.close();
 * ```
 */
export type AnySignalOf<S extends SignalSchemas> = {
  [T in SignalType<S>]: SignalOf<S, T>;
}[SignalType<S>];

/**
 * The envelope fields the emitter supplies alongside the payload.
 *
 * @example
 * ```ts
 * import type { EmitMeta } from 'soc-kit/bus';
 *
 * const meta: EmitMeta = { severity: 'high', source: 'RaidDetector', guildId: '123' };
 * console.log(meta.severity);
 * ```
 */
export interface EmitMeta {
  /** How urgent the signal is; subscribers can filter on it with `minSeverity`. */
  severity: Severity;
  /** Name of the emitting component, used in logs and history. Must be a non-empty string. */
  source: string;
  /** The guild the signal concerns. */
  guildId?: string;
  /** Incident id grouping related signals. Defaults to `cause.correlationId` when `cause` is given. */
  correlationId?: string;
  /**
   * The signal being handled when this one is emitted. Sets `causationId`, inherits the
   * correlation id, and counts towards the emit-depth limit even across `await`s, so loops of
   * async handlers are cut off (see {@link SignalBusOptions.maxEmitDepth}).
   */
  cause?: Signal;
}

/**
 * One handler failure in an {@link EmitReport}.
 *
 * @example
 * ```ts
 * import type { HandlerFailure } from 'soc-kit/bus';
 *
 * const failure: HandlerFailure = { handler: 'notifyMods', error: new Error('timeout') };
 * console.log(failure.handler);
 * ```
 */
export interface HandlerFailure {
  /**
   * The handler's name: the subscription's `name` option, else the function's name, else
   * `handler#<n>` where n counts the bus's anonymous subscriptions.
   */
  readonly handler: string;
  /** What the handler (or its filter) threw or rejected with. */
  readonly error: unknown;
}

/**
 * What `emit` resolves to once every handler has settled.
 *
 * @typeParam Sig - The envelope type of the emitted signal.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, type EmitReport } from 'soc-kit/bus';
 *
 * function summarize(report: EmitReport): string {
 *   return `${report.signal.type}: ${report.delivered} ok, ${report.failed.length} failed`;
 * }
 * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }) });
 * bus.subscribe('PING', () => undefined);
 * console.log(summarize(await bus.emit('PING', {}, { severity: 'info', source: 'demo' }))); // PING: 1 ok, 0 failed
 * await bus.close();
 * ```
 */
export interface EmitReport<Sig extends Signal = Signal> {
  /** The envelope that was delivered. */
  readonly signal: Sig;
  /** How many handlers ran and completed (returned, or resolved) without error. */
  readonly delivered: number;
  /** The handlers that threw or rejected, in the order they failed. */
  readonly failed: readonly HandlerFailure[];
}
