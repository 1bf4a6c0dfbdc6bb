import { SocKitError } from '../core/index.js';

/**
 * Rejected by `emit` (and thrown by `subscribe`/`once`) when the signal type is not in the bus's
 * catalog. TypeScript callers get a compile error instead; this guards JavaScript callers and
 * casts. Code `SIGNAL_UNKNOWN_TYPE`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, UnknownSignalError } from 'soc-kit/bus';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }) });
 * const outcome = await bus
 *   .emit('PONG' as 'PING', {}, { severity: 'info', source: 'demo' })
 *   .catch((e: unknown) => e);
 * console.log(outcome instanceof UnknownSignalError); // true
 * await bus.close();
 * ```
 */
export class UnknownSignalError extends SocKitError {
  /** The type name that was not found. */
  readonly signalType: string;

  /**
   * @param signalType - The type name that was not found.
   * @param known - The catalog's type names, listed in the message.
   */
  constructor(signalType: string, known: readonly string[]) {
    const shown = known.length > 20 ? `${known.slice(0, 20).join(', ')}, ...` : known.join(', ');
    super(
      'SIGNAL_UNKNOWN_TYPE',
      `Unknown signal type ${JSON.stringify(signalType)}; this bus's catalog defines: ${shown}`,
    );
    this.signalType = signalType;
  }
}
