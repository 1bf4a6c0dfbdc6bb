import type { SignalInput, SignalSchemas, SignalType } from './catalog.js';
import type { EmitMeta, EmitReport, SignalOf } from './signal.js';

/**
 * The emit-only view of a bus. Accept it where a module only needs to emit a few signals: any
 * {@link SignalBus} whose catalog includes those signals (with the same schemas) is assignable,
 * however many other signals it carries.
 *
 * @typeParam S - The schemas of the signals needed.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, type SignalEmitter } from 'soc-kit/bus';
 *
 * const configChanged = z.object({ guildId: z.string(), key: z.string() });
 * async function saveSetting(bus: SignalEmitter<{ CONFIG_CHANGED: typeof configChanged }>) {
 *   await bus.emit('CONFIG_CHANGED', { guildId: '1', key: 'threshold' }, { severity: 'info', source: 'Config' });
 * }
 *
 * const bus = new SignalBus({
 *   catalog: defineSignals({ CONFIG_CHANGED: configChanged, RAID: z.object({ joins: z.number() }) }),
 * });
 * bus.subscribe('CONFIG_CHANGED', (signal) => console.log('changed', signal.data.key));
 * await saveSetting(bus);
 * await bus.close();
 * ```
 */
export interface SignalEmitter<S extends SignalSchemas> {
  /**
   * Emits a signal; see {@link SignalBus.emit} for the guarantees.
   *
   * @param type - A signal type name of `S`.
   * @param data - Its payload.
   * @param meta - Severity, source and optional envelope fields.
   * @returns A promise of the emit report, resolved once every handler has settled.
   */
  emit<T extends SignalType<S>>(
    type: T,
    data: SignalInput<S, T>,
    meta: EmitMeta,
  ): Promise<EmitReport<SignalOf<S, T>>>;
}
