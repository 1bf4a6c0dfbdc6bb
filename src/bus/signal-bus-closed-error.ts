import { SocKitError } from '../core/index.js';

/**
 * Rejected by `emit` and `once`, and thrown by `subscribe`, once `close()` has been called on the
 * bus. Code `SIGNAL_BUS_CLOSED`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, SignalBusClosedError } from 'soc-kit/bus';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }) });
 * await bus.close();
 * const outcome = await bus.emit('PING', {}, { severity: 'info', source: 'demo' }).catch((e: unknown) => e);
 * console.log(outcome instanceof SignalBusClosedError); // true
 * ```
 */
export class SignalBusClosedError extends SocKitError {
  /**
   * @param operation - What was attempted, e.g. `emit("PING")`.
   */
  constructor(operation: string) {
    super(
      'SIGNAL_BUS_CLOSED',
      `Cannot ${operation}: the signal bus is closed. Create a new SignalBus to keep signalling.`,
    );
  }
}
