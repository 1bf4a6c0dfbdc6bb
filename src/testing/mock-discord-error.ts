import { SocKitError } from '../core/index.js';

/**
 * Stable codes of {@link MockDiscordError}:
 * - `MOCK_DISCORD_INVALID_INPUT`: a fixture or event was described wrongly (bad permission name,
 *   option of the wrong type, ...).
 * - `MOCK_DISCORD_UNKNOWN_ENTITY`: a user, guild, channel, role, member or message id that the
 *   simulator does not know.
 * - `MOCK_DISCORD_CLOSED`: the simulator was used after `close()`.
 * - `MOCK_DISCORD_WAIT_TIMEOUT`: `waitForRequest` saw no matching request in time.
 */
export type MockDiscordErrorCode =
  | 'MOCK_DISCORD_INVALID_INPUT'
  | 'MOCK_DISCORD_UNKNOWN_ENTITY'
  | 'MOCK_DISCORD_CLOSED'
  | 'MOCK_DISCORD_WAIT_TIMEOUT';

/**
 * Thrown by the simulator's test-side API (fixtures, event injection, waiting) when a test asks
 * for something impossible. Requests from the bot never throw: they get Discord-style HTTP errors.
 *
 * @example
 * ```ts
 * import { createMockDiscord, MockDiscordError } from 'soc-kit/testing';
 *
 * const discord = await createMockDiscord();
 * try {
 *   discord.addRole({ guild: discord.fixtures.guild, name: 'Bad', permissions: ['NotAPermission' as never] });
 * } catch (error) {
 *   if (error instanceof MockDiscordError) console.log(error.code); // MOCK_DISCORD_INVALID_INPUT
 * }
 * await discord.close();
 * ```
 */
export class MockDiscordError extends SocKitError {
  /** Which kind of mistake this is; see {@link MockDiscordErrorCode}. */
  declare readonly code: MockDiscordErrorCode;

  /**
   * @param code - Stable identifier of the failure.
   * @param message - What was wrong and what was expected.
   * @param options - Standard error options; `cause` keeps the underlying error.
   */
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor -- narrows `code` to the known codes
  constructor(code: MockDiscordErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
