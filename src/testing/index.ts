/**
 * `soc-kit/testing`: A local Discord simulator (REST and gateway) so real discord.js clients run offline in tests.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
export { createMockDiscord, MockDiscord } from './mock-discord.js';
export type {
  LoginClient,
  MockApplication,
  MemberJoinOptions,
  MemberLeaveOptions,
  MockClientOptions,
  MockDiscordOptions,
  MockFixtures,
  MockInteractionState,
  ReactionAddOptions,
  SendMessageOptions,
} from './mock-discord.js';
export { MockDiscordError } from './mock-discord-error.js';
export type { MockDiscordErrorCode } from './mock-discord-error.js';
export type {
  DropGatewayOptions,
  MockDiscordFaults,
  RateLimitFaultOptions,
  ServerErrorFaultOptions,
} from './faults.js';
export type {
  DispatchData,
  DispatchKey,
  GatewayCloseEntry,
  GatewayConnectEntry,
  GatewayDispatchEntry,
  GatewayHeartbeatEntry,
  GatewayIdentifyEntry,
  GatewayInvalidSessionEntry,
  GatewayLogBase,
  GatewayLogEntry,
  GatewayResumeEntry,
} from './gateway.js';
export type {
  ClickComponentOptions,
  InvokeSlashOptions,
  SlashOptionValue,
} from './interactions.js';
export type { PermissionInput, PermissionName } from './permissions.js';
export type { ModerationAction } from './rest-api.js';
export type {
  HttpMethod,
  RecordedFile,
  RecordedRequest,
  RequestMatcher,
  WaitForRequestOptions,
} from './request-log.js';
export { DEFAULT_BOT_PERMISSIONS } from './state.js';
export type {
  AddChannelOptions,
  AddGuildOptions,
  AddMemberOptions,
  AddRoleOptions,
  AddUserOptions,
  EntityRef,
  GuildChannelKind,
  HasId,
  MessageRef,
  MockChannel,
  MockGuildChannel,
} from './state.js';
export { UnhandledRejectionError, watchUnhandledRejections } from './unhandled-rejections.js';
export type { UnhandledRejectionWatch } from './unhandled-rejections.js';
