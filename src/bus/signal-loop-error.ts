import { SocKitError } from '../core/index.js';

/**
 * Rejected by `emit` when a signal would be nested deeper than the bus's `maxEmitDepth`: handlers
 * emitting signals whose handlers emit signals, and so on. It stops runaway loops before they
 * overflow the stack or spin forever. The signal is delivered to no one. Code `SIGNAL_LOOP`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, SignalLoopError } from 'soc-kit/bus';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ PING: z.object({}) }), maxEmitDepth: 5 });
 * let loopError: unknown;
 * bus.subscribe('PING', (signal) =>
 *   bus.emit('PING', {}, { severity: 'info', source: 'echo', cause: signal }).catch((e: unknown) => {
 *     loopError ??= e;
 *   }),
 * );
 * await bus.emit('PING', {}, { severity: 'info', source: 'demo' });
 * console.log(loopError instanceof SignalLoopError); // true
 * await bus.close();
 * ```
 */
export class SignalLoopError extends SocKitError {
  /** The signal type whose emit was refused. */
  readonly signalType: string;
  /** The nesting depth the refused emit would have had (the root emit has depth 0). */
  readonly depth: number;

  /**
   * @param signalType - The signal type whose emit was refused.
   * @param depth - The depth it would have had.
   * @param maxDepth - The bus's limit.
   */
  constructor(signalType: string, depth: number, maxDepth: number) {
    super(
      'SIGNAL_LOOP',
      `Refused emit of signal "${signalType}" at nesting depth ${depth}: handlers emitting from handlers exceeded maxEmitDepth ${maxDepth}. This is usually a loop of signals triggering each other.`,
    );
    this.signalType = signalType;
    this.depth = depth;
  }
}
