import { SocKitError } from '../core/index.js';

/**
 * One problem found while validating an emit: where it is and what is wrong.
 *
 * @example
 * ```ts
 * import type { SignalIssue } from 'soc-kit/bus';
 *
 * const issue: SignalIssue = { path: 'data.joins', message: 'Invalid input: expected number, received string' };
 * console.log(`${issue.path}: ${issue.message}`);
 * ```
 */
export interface SignalIssue {
  /** Dotted path from the emit arguments: `data.user.id`, `data` for the root, or `meta.severity`. */
  readonly path: string;
  /** Why the value was refused, as the schema reports it. */
  readonly message: string;
}

/**
 * Rejected by `emit` when the payload fails its catalog schema (with validation on) or the meta is
 * invalid (unknown severity, empty source). The signal is delivered to no one. Code
 * `SIGNAL_VALIDATION`. The zod error, if any, is kept as `cause`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, SignalBus, SignalValidationError } from 'soc-kit/bus';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ RAID: z.object({ joins: z.number() }) }) });
 * try {
 *   await bus.emit('RAID', { joins: 'many' as never }, { severity: 'high', source: 'demo' });
 * } catch (error) {
 *   if (error instanceof SignalValidationError) console.log(error.issues[0]?.path); // data.joins
 * }
 * await bus.close();
 * ```
 */
export class SignalValidationError extends SocKitError {
  /** The signal type whose emit was refused. */
  readonly signalType: string;
  /** Every problem found, in schema order. Never empty. */
  readonly issues: readonly SignalIssue[];

  /**
   * @param signalType - The signal type whose emit was refused.
   * @param issues - The problems found; at least one.
   * @param options - Standard error options; `cause` keeps the zod error.
   */
  constructor(signalType: string, issues: readonly SignalIssue[], options?: ErrorOptions) {
    const listed = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    super('SIGNAL_VALIDATION', `Invalid emit of signal "${signalType}": ${listed}`, options);
    this.signalType = signalType;
    this.issues = Object.freeze([...issues]);
  }
}
