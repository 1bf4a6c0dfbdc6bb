/**
 * Base class of every error soc-kit throws on purpose.
 *
 * Each subclass carries a stable, machine-readable {@link SocKitError.code}, so callers can branch
 * on `error.code` instead of parsing messages. Codes never change meaning between releases.
 *
 * @example
 * ```ts
 * import { SocKitError } from 'soc-kit';
 *
 * try {
 *   // ... a soc-kit call
 * } catch (error) {
 *   if (error instanceof SocKitError && error.code === 'SIGNAL_VALIDATION') {
 *     // handle the bad payload
 *   }
 * }
 * ```
 */
export class SocKitError extends Error {
  /** Stable identifier of the failure, e.g. `'SIGNAL_VALIDATION'`. */
  readonly code: string;

  /**
   * @param code - Stable identifier of the failure.
   * @param message - Human-readable explanation, fit to log.
   * @param options - Standard error options; `cause` keeps the underlying error.
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
