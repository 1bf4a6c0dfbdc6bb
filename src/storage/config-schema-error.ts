import { SocKitError } from '../core/index.js';

/**
 * Thrown when a {@link GuildConfig} schema (or a {@link durationSetting} bound) cannot be used:
 * a key without a default, an unsupported field type, or a reserved key name. This is a
 * programming error, raised at construction, never while handling user input.
 * Code `CONFIG_SCHEMA`.
 *
 * @example
 * ```ts
 * import { ConfigSchemaError, durationSetting } from 'soc-kit/storage';
 *
 * try {
 *   durationSetting({ max: 'forever' });
 * } catch (error) {
 *   console.log(error instanceof ConfigSchemaError, (error as ConfigSchemaError).code); // true CONFIG_SCHEMA
 * }
 * ```
 */
export class ConfigSchemaError extends SocKitError {
  /**
   * @param message - What is wrong with the schema.
   */
  constructor(message: string) {
    super('CONFIG_SCHEMA', message);
  }
}
