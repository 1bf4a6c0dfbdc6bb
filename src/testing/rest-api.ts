import {
  ApplicationCommandType,
  EmbedType,
  ChannelType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIEmbed,
  APIInteraction,
  APIMessage,
  APIUser,
  RESTGetAPIGatewayBotResult,
  RESTPostAPIInteractionCallbackWithResponseResult,
} from 'discord-api-types/v10';
import type { EventDispatcher } from './events.js';
import type { HttpMethod, RecordedFile } from './request-log.js';
import { contentTypeOf } from './state.js';
import type { ChannelRecord, GuildRecord, MessageRecord, MockState } from './state.js';

/** A moderation action the bot took through REST, kept so tests can assert on it. */
export interface ModerationAction {
  /** What the bot did. */
  type: 'kick' | 'ban' | 'unban' | 'timeout' | 'timeout-removed' | 'role-add' | 'role-remove';
  /** Guild it happened in. */
  guildId: string;
  /** The member or user acted on. */
  userId: string;
  /** Audit-log reason the bot gave (`X-Audit-Log-Reason`), if any. */
  reason: string | undefined;
  /** For timeouts: the ISO time the timeout ends. */
  until?: string;
  /** For bans: seconds of message history the bot asked to delete. */
  deleteMessageSeconds?: number;
  /** For role changes: the role added or removed. */
  roleId?: string;
  /** When it happened (simulator clock, epoch ms). */
  time: number;
}

/** What the simulator knows about one interaction and the bot's answers to it. */
export interface InteractionRecord {
  payload: APIInteraction;
  createdAt: number;
  response: InteractionResponseType | null;
  ephemeral: boolean;
  originalMessageId: string | null;
  followUpIds: string[];
}

/** One parsed REST call, as the route handlers see it. */
export interface RestCall {
  method: HttpMethod;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string>>;
  body: unknown;
  files: readonly RecordedFile[];
  auditLogReason: string | undefined;
}

/** A route handler's answer: JSON unless `body` is bytes with a `contentType`. */
export interface RestResult {
  status: number;
  body?: unknown;
  contentType?: string;
}

interface RouteDefinition {
  method: HttpMethod;
  template: string;
  segments: string[];
  auth: boolean;
  handle: (call: RestCall) => RestResult;
}

/** Dependencies and settings of {@link RestApi}. */
export interface RestApiOptions {
  state: MockState;
  events: EventDispatcher;
  enforcePermissions: boolean;
  interactionDeadlineMs: number;
  interactionTokenLifetimeMs: number;
  gatewayUrl: () => string;
}

const INTERACTION_PATH_AUTH = false;

/** Discord's REST API, as far as bots usually need it, over the simulated state. */
export class RestApi {
  readonly moderation: ModerationAction[] = [];
  readonly interactions = new Map<string, InteractionRecord>();
  readonly #byToken = new Map<string, InteractionRecord>();
  readonly #routes: RouteDefinition[] = [];
  readonly #options: RestApiOptions;

  constructor(options: RestApiOptions) {
    this.#options = options;
    this.#defineRoutes();
  }

  registerInteraction(payload: APIInteraction): InteractionRecord {
    const record: InteractionRecord = {
      payload,
      createdAt: this.#state.clock.now(),
      response: null,
      ephemeral: false,
      originalMessageId: null,
      followUpIds: [],
    };
    this.interactions.set(payload.id, record);
    this.#byToken.set(payload.token, record);
    return record;
  }

  /** Finds the route for a method and path (without the `/api/vN` prefix). */
  match(
    method: string,
    path: string,
  ):
    | {
        template: string;
        params: Record<string, string>;
        auth: boolean;
        handle: (call: RestCall) => RestResult;
      }
    | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    for (const route of this.#routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (const [i, segment] of route.segments.entries()) {
        const part = parts[i] as string;
        if (segment.startsWith(':')) {
          params[segment.slice(1)] = safeDecode(part);
        } else if (segment !== part) {
          ok = false;
          break;
        }
      }
      if (ok) return { template: route.template, params, auth: route.auth, handle: route.handle };
    }
    return undefined;
  }

  get #state(): MockState {
    return this.#options.state;
  }

  get #events(): EventDispatcher {
    return this.#options.events;
  }

  #route(
    method: HttpMethod,
    template: string,
    handle: (call: RestCall) => RestResult,
    auth = true,
  ): void {
    this.#routes.push({
      method,
      template,
      segments: template.split('/').filter((p) => p !== ''),
      auth,
      handle,
    });
  }

  #defineRoutes(): void {
    const state = this.#state;
    // Literal routes first, so `/users/@me` wins over `/users/:userId`.
    this.#route('GET', '/gateway', () => ok({ url: this.#options.gatewayUrl() }), false);
    this.#route('GET', '/gateway/bot', () => {
      const body: RESTGetAPIGatewayBotResult = {
        url: this.#options.gatewayUrl(),
        shards: 1,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 86_400_000,
          max_concurrency: 1,
        },
      };
      return ok(body);
    });
    this.#route('GET', '/users/@me', () => ok(state.bot));
    this.#route(
      'GET',
      '/attachments/:channelId/:attachmentId/:filename',
      (call) => {
        const file = state.attachments.get(call.params.attachmentId ?? '');
        return file === undefined
          ? error(404, 0, '404: Not Found')
          : { status: 200, body: file.data, contentType: contentTypeOf(file) };
      },
      false,
    );
    this.#route('GET', '/applications/@me', () => ok(this.#application()));
    this.#route('GET', '/oauth2/applications/@me', () => ok(this.#application()));
    this.#route('POST', '/users/@me/channels', (call) => {
      const recipient = field(call.body, 'recipient_id');
      if (typeof recipient !== 'string' || !state.users.has(recipient))
        return unknownEntity('User');
      return ok(state.dmChannel(recipient).channel);
    });
    this.#route('GET', '/users/:userId', (call) => {
      const user = state.users.get(call.params.userId ?? '');
      return user === undefined ? unknownEntity('User') : ok(user);
    });

    // Application commands.
    this.#route('GET', '/applications/:appId/commands', () => ok(state.globalCommands));
    this.#route('PUT', '/applications/:appId/commands', (call) =>
      this.#putCommands(call, undefined),
    );
    this.#route('POST', '/applications/:appId/commands', (call) =>
      this.#upsertCommand(call, undefined),
    );
    this.#route('DELETE', '/applications/:appId/commands/:commandId', (call) =>
      this.#deleteCommand(state.globalCommands, call.params.commandId ?? ''),
    );
    this.#route('GET', '/applications/:appId/guilds/:guildId/commands', (call) =>
      this.#withGuild(call, (guild) => ok(guild.commands)),
    );
    this.#route('PUT', '/applications/:appId/guilds/:guildId/commands', (call) =>
      this.#withGuild(call, (guild) => this.#putCommands(call, guild)),
    );
    this.#route('POST', '/applications/:appId/guilds/:guildId/commands', (call) =>
      this.#withGuild(call, (guild) => this.#upsertCommand(call, guild)),
    );
    this.#route('DELETE', '/applications/:appId/guilds/:guildId/commands/:commandId', (call) =>
      this.#withGuild(call, (guild) =>
        this.#deleteCommand(guild.commands, call.params.commandId ?? ''),
      ),
    );

    // Channels and messages.
    this.#route('GET', '/channels/:channelId', (call) =>
      this.#withChannel(call, (c) => ok(c.channel)),
    );
    this.#route('GET', '/channels/:channelId/messages', (call) =>
      this.#withChannel(call, (channel) => {
        const limit = clampInt(call.query.limit, 50, 1, 100);
        // Oldest first here; Discord answers newest first, whichever of before/after/around is given.
        const list = [...channel.messages.values()]
          .filter((m) => ((m.message.flags ?? 0) & MessageFlags.Ephemeral) === 0)
          .sort((a, b) => compareIds(a.message.id, b.message.id));
        const { before, after, around } = call.query;
        let page: MessageRecord[];
        if (isSnowflake(around)) {
          const at = list.findIndex((m) => compareIds(m.message.id, around) >= 0);
          const centre = at === -1 ? list.length : at;
          const start = Math.max(0, centre - Math.floor(limit / 2));
          page = list.slice(start, start + limit);
        } else if (isSnowflake(after)) {
          page = list.filter((m) => compareIds(m.message.id, after) > 0).slice(0, limit);
        } else {
          const older = isSnowflake(before)
            ? list.filter((m) => compareIds(m.message.id, before) < 0)
            : list;
          page = older.slice(-limit);
        }
        return ok(page.reverse().map((m) => state.apiMessage(m)));
      }),
    );
    this.#route('GET', '/channels/:channelId/messages/:messageId', (call) =>
      this.#withMessage(call, (_channel, record) => ok(state.apiMessage(record))),
    );
    this.#route('POST', '/channels/:channelId/messages', (call) =>
      this.#withChannel(call, (channel) => this.#createChannelMessage(call, channel)),
    );
    this.#route('PATCH', '/channels/:channelId/messages/:messageId', (call) =>
      this.#withMessage(call, (channel, record) => {
        if (record.message.author.id !== state.bot.id) {
          return error(
            403,
            RESTJSONErrorCodes.CannotEditMessageAuthoredByAnotherUser,
            'Cannot edit a message authored by another user',
          );
        }
        return this.#editMessage(call, channel, record);
      }),
    );
    this.#route('DELETE', '/channels/:channelId/messages/:messageId', (call) =>
      this.#withMessage(call, (channel, record) => {
        if (record.message.author.id !== state.bot.id) {
          const denied = this.#requirePermission(channel, PermissionFlagsBits.ManageMessages);
          if (denied !== undefined) return denied;
        }
        channel.messages.delete(record.message.id);
        this.#events.messageDelete(channel, record.message.id);
        return noContent();
      }),
    );
    this.#route('POST', '/channels/:channelId/messages/bulk-delete', (call) =>
      this.#withChannel(call, (channel) => this.#bulkDelete(call, channel)),
    );
    this.#route('POST', '/channels/:channelId/typing', (call) =>
      this.#withChannel(call, () => noContent()),
    );
    this.#route('PUT', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (call) =>
      this.#withMessage(call, (channel, record) => this.#react(call, channel, record, true)),
    );
    this.#route('DELETE', '/channels/:channelId/messages/:messageId/reactions/:emoji/@me', (call) =>
      this.#withMessage(call, (channel, record) => this.#react(call, channel, record, false)),
    );
    this.#route(
      'DELETE',
      '/channels/:channelId/messages/:messageId/reactions/:emoji/:userId',
      (call) =>
        this.#withMessage(call, (channel, record) => {
          const denied = this.#requirePermission(channel, PermissionFlagsBits.ManageMessages);
          return denied ?? this.#react(call, channel, record, false, call.params.userId);
        }),
    );
    this.#route('GET', '/channels/:channelId/messages/:messageId/reactions/:emoji', (call) =>
      this.#withMessage(call, (_channel, record) => {
        const reaction = record.reactions.get(emojiKey(call.params.emoji ?? ''));
        const users = [...(reaction?.users ?? [])].map((id) => state.user(id));
        return ok(users);
      }),
    );
    this.#route('DELETE', '/channels/:channelId/messages/:messageId/reactions', (call) =>
      this.#withMessage(call, (channel, record) => {
        const denied = this.#requirePermission(channel, PermissionFlagsBits.ManageMessages);
        if (denied !== undefined) return denied;
        record.reactions.clear();
        this.#events.reactionRemoveAll(channel, record);
        return noContent();
      }),
    );

    // Interactions and their webhooks (no bot auth: the token is the credential).
    this.#route(
      'POST',
      '/interactions/:interactionId/:token/callback',
      (call) => this.#callback(call),
      INTERACTION_PATH_AUTH,
    );
    this.#route(
      'POST',
      '/webhooks/:appId/:token',
      (call) => this.#followUp(call),
      INTERACTION_PATH_AUTH,
    );
    this.#route(
      'GET',
      '/webhooks/:appId/:token/messages/:messageId',
      (call) => this.#withWebhookMessage(call, (_c, record) => ok(state.apiMessage(record))),
      INTERACTION_PATH_AUTH,
    );
    this.#route(
      'PATCH',
      '/webhooks/:appId/:token/messages/:messageId',
      (call) =>
        this.#withWebhookMessage(call, (channel, record, interaction) => {
          const result = this.#editMessage(call, channel, record, interaction.ephemeral);
          if (
            result.status < 300 &&
            record.message.id === interaction.originalMessageId &&
            (record.message.flags ?? 0) & MessageFlags.Loading
          ) {
            record.message = {
              ...record.message,
              flags: (record.message.flags ?? 0) & ~MessageFlags.Loading,
            };
          }
          return result.status < 300 ? ok(state.apiMessage(record)) : result;
        }),
      INTERACTION_PATH_AUTH,
    );
    this.#route(
      'DELETE',
      '/webhooks/:appId/:token/messages/:messageId',
      (call) =>
        this.#withWebhookMessage(call, (channel, record) => {
          channel.messages.delete(record.message.id);
          if (((record.message.flags ?? 0) & MessageFlags.Ephemeral) === 0)
            this.#events.messageDelete(channel, record.message.id);
          return noContent();
        }),
      INTERACTION_PATH_AUTH,
    );

    // Guilds, members, roles, moderation.
    this.#route('GET', '/guilds/:guildId', (call) =>
      this.#withGuild(call, (guild) => ok(state.apiGuild(guild))),
    );
    this.#route('GET', '/guilds/:guildId/channels', (call) =>
      this.#withGuild(call, (guild) => ok(guild.channelIds.map((id) => state.channel(id).channel))),
    );
    this.#route('GET', '/guilds/:guildId/roles', (call) =>
      this.#withGuild(call, (guild) => ok([...guild.roles.values()])),
    );
    this.#route('GET', '/guilds/:guildId/members/search', (call) =>
      this.#withGuild(call, (guild) => {
        const query = (call.query.query ?? '').toLowerCase();
        const limit = clampInt(call.query.limit, 1, 1, 1000);
        const found = [...guild.members.values()]
          .filter((m) => {
            const user = state.user(m.userId);
            return (
              user.username.toLowerCase().startsWith(query) ||
              (m.nick ?? '').toLowerCase().startsWith(query)
            );
          })
          .slice(0, limit)
          .map((m) => state.apiMember(guild, m));
        return ok(found);
      }),
    );
    this.#route('GET', '/guilds/:guildId/members', (call) =>
      this.#withGuild(call, (guild) => {
        const limit = clampInt(call.query.limit, 1, 1, 1000);
        const after = BigInt(
          /^\d+$/.test(call.query.after ?? '') ? (call.query.after as string) : '0',
        );
        const members = [...guild.members.values()]
          .filter((m) => BigInt(m.userId) > after)
          .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
          .slice(0, limit)
          .map((m) => state.apiMember(guild, m));
        return ok(members);
      }),
    );
    this.#route('GET', '/guilds/:guildId/members/:userId', (call) =>
      this.#withGuild(call, (guild) => {
        const member = guild.members.get(call.params.userId ?? '');
        return member === undefined ? unknownEntity('Member') : ok(state.apiMember(guild, member));
      }),
    );
    this.#route('PATCH', '/guilds/:guildId/members/:userId', (call) =>
      this.#withGuild(call, (guild) => this.#patchMember(call, guild)),
    );
    this.#route('DELETE', '/guilds/:guildId/members/:userId', (call) =>
      this.#withGuild(call, (guild) => {
        const userId = call.params.userId ?? '';
        const member = guild.members.get(userId);
        if (member === undefined) return unknownEntity('Member');
        const denied = this.#canModerate(guild, userId, PermissionFlagsBits.KickMembers);
        if (denied !== undefined) return denied;
        guild.members.delete(userId);
        this.#log({ type: 'kick', guildId: guild.id, userId, reason: call.auditLogReason });
        this.#events.memberRemove(guild, state.user(userId));
        return noContent();
      }),
    );
    this.#route('PUT', '/guilds/:guildId/members/:userId/roles/:roleId', (call) =>
      this.#withGuild(call, (guild) => this.#changeRole(call, guild, true)),
    );
    this.#route('DELETE', '/guilds/:guildId/members/:userId/roles/:roleId', (call) =>
      this.#withGuild(call, (guild) => this.#changeRole(call, guild, false)),
    );
    this.#route('GET', '/guilds/:guildId/bans', (call) =>
      this.#withGuild(call, (guild) =>
        ok([...guild.bans.values()].map((b) => ({ reason: b.reason, user: state.user(b.userId) }))),
      ),
    );
    this.#route('GET', '/guilds/:guildId/bans/:userId', (call) =>
      this.#withGuild(call, (guild) => {
        const ban = guild.bans.get(call.params.userId ?? '');
        return ban === undefined
          ? error(404, RESTJSONErrorCodes.UnknownBan, 'Unknown Ban')
          : ok({ reason: ban.reason, user: state.user(ban.userId) });
      }),
    );
    this.#route('PUT', '/guilds/:guildId/bans/:userId', (call) =>
      this.#withGuild(call, (guild) => {
        const userId = call.params.userId ?? '';
        const user = state.users.get(userId);
        if (user === undefined) return unknownEntity('User');
        const denied = this.#canModerate(guild, userId, PermissionFlagsBits.BanMembers);
        if (denied !== undefined) return denied;
        const seconds = field(call.body, 'delete_message_seconds');
        guild.bans.set(userId, { userId, reason: call.auditLogReason ?? null });
        this.#log({
          type: 'ban',
          guildId: guild.id,
          userId,
          reason: call.auditLogReason,
          ...(typeof seconds === 'number' ? { deleteMessageSeconds: seconds } : {}),
        });
        if (guild.members.delete(userId)) this.#events.memberRemove(guild, user);
        this.#events.banAdd(guild, user);
        return noContent();
      }),
    );
    this.#route('DELETE', '/guilds/:guildId/bans/:userId', (call) =>
      this.#withGuild(call, (guild) => {
        const userId = call.params.userId ?? '';
        const denied = this.#requireGuildPermission(guild, PermissionFlagsBits.BanMembers);
        if (denied !== undefined) return denied;
        if (!guild.bans.delete(userId))
          return error(404, RESTJSONErrorCodes.UnknownBan, 'Unknown Ban');
        this.#log({ type: 'unban', guildId: guild.id, userId, reason: call.auditLogReason });
        this.#events.banRemove(guild, state.user(userId));
        return noContent();
      }),
    );
  }

  // ---- helpers -------------------------------------------------------------------------------

  #application(): Record<string, unknown> {
    const bot = this.#state.bot;
    return {
      id: this.#state.applicationId,
      name: bot.username,
      icon: null,
      description: 'soc-kit mock application',
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      team: null,
      summary: '',
      owner: bot,
      bot,
    };
  }

  #log(action: Omit<ModerationAction, 'time'>): void {
    this.moderation.push({ ...action, time: this.#state.clock.now() });
  }

  #withGuild(call: RestCall, fn: (guild: GuildRecord) => RestResult): RestResult {
    const guild = this.#state.guilds.get(call.params.guildId ?? '');
    return guild === undefined ? unknownEntity('Guild') : fn(guild);
  }

  #withChannel(call: RestCall, fn: (channel: ChannelRecord) => RestResult): RestResult {
    const channel = this.#state.channels.get(call.params.channelId ?? '');
    return channel === undefined ? unknownEntity('Channel') : fn(channel);
  }

  #withMessage(
    call: RestCall,
    fn: (channel: ChannelRecord, record: MessageRecord) => RestResult,
  ): RestResult {
    return this.#withChannel(call, (channel) => {
      const record = channel.messages.get(call.params.messageId ?? '');
      return record === undefined ? unknownEntity('Message') : fn(channel, record);
    });
  }

  #interactionFor(call: RestCall): InteractionRecord | RestResult {
    const record = this.#byToken.get(call.params.token ?? '');
    if (record === undefined || record.payload.application_id !== call.params.appId) {
      return error(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    if (this.#state.clock.now() - record.createdAt > this.#options.interactionTokenLifetimeMs) {
      return error(401, RESTJSONErrorCodes.InvalidWebhookToken, 'Invalid Webhook Token');
    }
    return record;
  }

  #withWebhookMessage(
    call: RestCall,
    fn: (
      channel: ChannelRecord,
      record: MessageRecord,
      interaction: InteractionRecord,
    ) => RestResult,
  ): RestResult {
    const interaction = this.#interactionFor(call);
    if ('status' in interaction) return interaction;
    const messageId =
      call.params.messageId === '@original'
        ? interaction.originalMessageId
        : (call.params.messageId ?? null);
    const channelId = interaction.payload.channel?.id ?? '';
    const channel = this.#state.channels.get(channelId);
    const record = messageId === null ? undefined : channel?.messages.get(messageId);
    if (channel === undefined || record === undefined) return unknownEntity('Message');
    if (
      messageId !== interaction.originalMessageId &&
      !interaction.followUpIds.includes(messageId ?? '')
    ) {
      return unknownEntity('Message');
    }
    return fn(channel, record, interaction);
  }

  #botPermissions(channel: ChannelRecord): bigint | undefined {
    if (channel.guildId === null) return undefined;
    return this.#state.permissionsOf(
      this.#state.guild(channel.guildId),
      this.#state.bot.id,
      channel.channel.id,
    );
  }

  #requirePermission(channel: ChannelRecord, ...bits: bigint[]): RestResult | undefined {
    if (!this.#options.enforcePermissions) return undefined;
    const perms = this.#botPermissions(channel);
    if (perms === undefined) return undefined;
    for (const bit of bits) if ((perms & bit) !== bit) return missingPermissions();
    return undefined;
  }

  #requireGuildPermission(guild: GuildRecord, bit: bigint): RestResult | undefined {
    if (!this.#options.enforcePermissions) return undefined;
    const perms = this.#state.permissionsOf(guild, this.#state.bot.id);
    return (perms & bit) === bit ? undefined : missingPermissions();
  }

  /** Permission plus hierarchy: nobody moderates the owner or a member whose top role is not below the bot's. */
  #canModerate(guild: GuildRecord, userId: string, bit: bigint): RestResult | undefined {
    const denied = this.#requireGuildPermission(guild, bit);
    if (denied !== undefined || !this.#options.enforcePermissions) return denied;
    if (userId === guild.ownerId) return missingPermissions();
    // Discord refuses to time out a member with Administrator, whatever the role order.
    if (
      bit === PermissionFlagsBits.ModerateMembers &&
      (this.#state.permissionsOf(guild, userId) & PermissionFlagsBits.Administrator) !== 0n
    ) {
      return missingPermissions();
    }
    const top = (id: string): number =>
      Math.max(
        0,
        ...(guild.members.get(id)?.roles ?? []).map((r) => guild.roles.get(r)?.position ?? 0),
      );
    if (
      guild.ownerId !== this.#state.bot.id &&
      guild.members.has(userId) &&
      top(userId) >= top(this.#state.bot.id)
    ) {
      return missingPermissions();
    }
    return undefined;
  }

  #createChannelMessage(call: RestCall, channel: ChannelRecord): RestResult {
    if (channel.channel.type === ChannelType.GuildCategory) {
      return error(
        400,
        RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
        'Cannot send messages in a non-text channel',
      );
    }
    const denied = this.#requirePermission(
      channel,
      PermissionFlagsBits.ViewChannel,
      PermissionFlagsBits.SendMessages,
    );
    if (denied !== undefined) return denied;
    const invalid = validateMessageBody(call.body, call.files, true);
    if (invalid !== undefined) return invalid;
    const reference = field(call.body, 'message_reference');
    const referenceId = field(reference, 'message_id');
    if (
      typeof referenceId === 'string' &&
      !channel.messages.has(referenceId) &&
      field(reference, 'fail_if_not_exists') !== false
    ) {
      return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
        message_reference: {
          _errors: [{ code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }],
        },
      });
    }
    const record = this.#state.createMessage({
      channel,
      author: this.#state.bot,
      ...messageFields(call),
      reference: typeof referenceId === 'string' ? { message_id: referenceId } : undefined,
    });
    this.#events.messageCreate(channel, record);
    return ok(this.#state.apiMessage(record));
  }

  /** Discord's rules: ManageMessages, 2 to 100 distinct ids, none older than 14 days. */
  #bulkDelete(call: RestCall, channel: ChannelRecord): RestResult {
    const denied = this.#requirePermission(channel, PermissionFlagsBits.ManageMessages);
    if (denied !== undefined) return denied;
    const ids = field(call.body, 'messages');
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || !isSnowflake(id))) {
      return invalidField('messages', 'Must be an array of message ids.');
    }
    if (ids.length < 2 || ids.length > 100) {
      return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
        messages: {
          _errors: [
            {
              code: ids.length < 2 ? 'BASE_TYPE_MIN_LENGTH' : 'BASE_TYPE_MAX_LENGTH',
              message: 'Must be between 2 and 100 in length.',
            },
          ],
        },
      });
    }
    const unique = [...new Set(ids as string[])];
    if (unique.length !== ids.length) {
      return invalidField('messages', 'Duplicate message ids.');
    }
    const oldest = this.#state.clock.now() - 14 * 24 * 3_600_000;
    if (unique.some((id) => snowflakeTime(id) < oldest)) {
      return error(
        400,
        RESTJSONErrorCodes.OneOfTheMessagesProvidedWasTooOldForBulkDelete,
        'You can only bulk delete messages that are under 14 days old.',
      );
    }
    // Ids of messages that do not exist are skipped, as on Discord.
    const deleted = unique.filter((id) => channel.messages.delete(id));
    if (deleted.length > 0) this.#events.messageDeleteBulk(channel, deleted);
    return noContent();
  }

  #editMessage(
    call: RestCall,
    channel: ChannelRecord,
    record: MessageRecord,
    silent = false,
  ): RestResult {
    const invalid = validateMessageBody(call.body, call.files, false);
    if (invalid !== undefined) return invalid;
    const fields = messageFields(call);
    const body = call.body;
    record.message = {
      ...record.message,
      ...(field(body, 'content') === undefined ? {} : { content: fields.content }),
      ...(field(body, 'embeds') === undefined ? {} : { embeds: fields.embeds ?? [] }),
      ...(field(body, 'components') === undefined ? {} : { components: fields.components ?? [] }),
      edited_timestamp: this.#state.isoNow(),
    };
    if (!silent) this.#events.messageUpdate(channel, record);
    return ok(this.#state.apiMessage(record));
  }

  #react(
    call: RestCall,
    channel: ChannelRecord,
    record: MessageRecord,
    add: boolean,
    userId = this.#state.bot.id,
  ): RestResult {
    const raw = call.params.emoji ?? '';
    const key = emojiKey(raw);
    if (add) {
      const denied = this.#requirePermission(
        channel,
        PermissionFlagsBits.AddReactions,
        PermissionFlagsBits.ReadMessageHistory,
      );
      if (denied !== undefined) return denied;
      const reaction = record.reactions.get(key) ?? {
        emoji: parseEmoji(raw),
        users: new Set<string>(),
      };
      record.reactions.set(key, reaction);
      if (!reaction.users.has(userId)) {
        reaction.users.add(userId);
        this.#events.reactionAdd(channel, record, userId, reaction.emoji);
      }
    } else {
      const reaction = record.reactions.get(key);
      if (reaction?.users.delete(userId) === true) {
        if (reaction.users.size === 0) record.reactions.delete(key);
        this.#events.reactionRemove(channel, record, userId, reaction.emoji);
      }
    }
    return noContent();
  }

  #callback(call: RestCall): RestResult {
    const interaction = this.interactions.get(call.params.interactionId ?? '');
    if (interaction === undefined || interaction.payload.token !== call.params.token) {
      return error(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
    }
    if (this.#state.clock.now() - interaction.createdAt > this.#options.interactionDeadlineMs) {
      return error(404, RESTJSONErrorCodes.UnknownInteraction, 'Unknown interaction');
    }
    if (interaction.response !== null) {
      return error(
        400,
        RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged,
        'Interaction has already been acknowledged.',
      );
    }
    const type = field(call.body, 'type');
    const data = field(call.body, 'data');
    const flags = numberField(data, 'flags');
    const channel = this.#state.channels.get(interaction.payload.channel?.id ?? '');
    if (channel === undefined) return unknownEntity('Channel');
    let message: MessageRecord | undefined;
    switch (type) {
      case InteractionResponseType.ChannelMessageWithSource: {
        const invalid = validateMessageBody(data, call.files, true);
        if (invalid !== undefined) return invalid;
        interaction.ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
        message = this.#interactionMessage(
          interaction,
          channel,
          { ...call, body: data },
          MessageType.ChatInputCommand,
        );
        interaction.originalMessageId = message.message.id;
        break;
      }
      case InteractionResponseType.DeferredChannelMessageWithSource: {
        interaction.ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
        message = this.#interactionMessage(
          interaction,
          channel,
          { ...call, body: { content: '', flags: flags | MessageFlags.Loading } },
          MessageType.ChatInputCommand,
        );
        interaction.originalMessageId = message.message.id;
        break;
      }
      case InteractionResponseType.DeferredMessageUpdate:
      case InteractionResponseType.UpdateMessage: {
        if (
          interaction.payload.type !== InteractionType.MessageComponent &&
          interaction.payload.type !== InteractionType.ModalSubmit
        ) {
          return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
            type: {
              _errors: [
                {
                  code: 'INTERACTION_RESPONSE_TYPE_INVALID',
                  message: 'This response type is only valid for component interactions',
                },
              ],
            },
          });
        }
        const source = interaction.payload.message;
        const record = source === undefined ? undefined : channel.messages.get(source.id);
        if (type === InteractionResponseType.UpdateMessage && record !== undefined) {
          // An invalid update is refused before anything changes, and leaves the interaction
          // unanswered, as on Discord.
          const edited = this.#editMessage({ ...call, body: data }, channel, record);
          if (edited.status >= 300) return edited;
        }
        interaction.originalMessageId = source?.id ?? null;
        message = record;
        break;
      }
      case InteractionResponseType.Modal: {
        // A modal answers a command or a component; it creates no message. Discord checks the
        // parts a bot most often gets wrong: custom_id and title present, 1 to 5 rows.
        if (interaction.payload.type === InteractionType.ModalSubmit) {
          return invalidField('type', 'A modal cannot answer a modal submit.');
        }
        const customId = field(data, 'custom_id');
        const title = field(data, 'title');
        const rows = field(data, 'components');
        if (typeof customId !== 'string' || customId.length < 1 || customId.length > 100) {
          return invalidField('data.custom_id', 'Must be between 1 and 100 in length.');
        }
        if (typeof title !== 'string' || title.length < 1 || [...title].length > 45) {
          return invalidField('data.title', 'Must be between 1 and 45 in length.');
        }
        if (!Array.isArray(rows) || rows.length < 1 || rows.length > 5) {
          return invalidField('data.components', 'Must be between 1 and 5 in length.');
        }
        break;
      }
      default:
        return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
          type: {
            _errors: [
              {
                code: 'BASE_TYPE_CHOICES',
                message: `Value must be one of (4, 5, 6, 7, 9); got ${String(type)}`,
              },
            ],
          },
        });
    }
    interaction.response = type;
    if (call.query.with_response !== 'true') return noContent();
    const result: RESTPostAPIInteractionCallbackWithResponseResult = {
      interaction: {
        id: interaction.payload.id,
        type: interaction.payload.type,
        ...(message === undefined
          ? {}
          : {
              response_message_id: message.message.id,
              response_message_loading:
                type === InteractionResponseType.DeferredChannelMessageWithSource,
              response_message_ephemeral: interaction.ephemeral,
            }),
      },
      ...(message === undefined ||
      type === InteractionResponseType.DeferredMessageUpdate ||
      type === InteractionResponseType.DeferredChannelMessageWithSource
        ? {}
        : { resource: { type, message: this.#state.apiMessage(message) } }),
    };
    return ok(result);
  }

  #followUp(call: RestCall): RestResult {
    const interaction = this.#interactionFor(call);
    if ('status' in interaction) return interaction;
    if (interaction.response === null) {
      return error(404, RESTJSONErrorCodes.UnknownWebhook, 'Unknown Webhook');
    }
    const channel = this.#state.channels.get(interaction.payload.channel?.id ?? '');
    if (channel === undefined) return unknownEntity('Channel');
    const invalid = validateMessageBody(call.body, call.files, true);
    if (invalid !== undefined) return invalid;
    const message = this.#interactionMessage(interaction, channel, call, MessageType.Default);
    interaction.followUpIds.push(message.message.id);
    return call.query.wait === 'false' ? noContent() : ok(this.#state.apiMessage(message));
  }

  #interactionMessage(
    interaction: InteractionRecord,
    channel: ChannelRecord,
    call: RestCall,
    type: MessageType,
  ): MessageRecord {
    const fields = messageFields(call);
    const user: APIUser | undefined = interaction.payload.member?.user ?? interaction.payload.user;
    const record = this.#state.createMessage({
      channel,
      author: this.#state.bot,
      ...fields,
      type,
      webhookId: this.#state.applicationId,
      interaction:
        user === undefined
          ? undefined
          : interaction.payload.type === InteractionType.MessageComponent
            ? {
                id: interaction.payload.id,
                type: InteractionType.MessageComponent,
                user,
                authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
                interacted_message_id: interaction.payload.message.id,
              }
            : {
                id: interaction.payload.id,
                type: InteractionType.ApplicationCommand,
                user,
                authorizing_integration_owners: interaction.payload.authorizing_integration_owners,
              },
    });
    if (((record.message.flags ?? 0) & MessageFlags.Ephemeral) === 0)
      this.#events.messageCreate(channel, record);
    return record;
  }

  #putCommands(call: RestCall, guild: GuildRecord | undefined): RestResult {
    if (!Array.isArray(call.body)) {
      return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', {
        _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array of commands.' }],
      });
    }
    const target = guild?.commands ?? this.#state.globalCommands;
    const built: APIApplicationCommand[] = [];
    for (const [index, item] of (call.body as unknown[]).entries()) {
      const command = this.#buildCommand(item, target, guild);
      if ('status' in command) return withIndex(command, index);
      built.push(command);
    }
    target.splice(0, target.length, ...built);
    return ok(built);
  }

  #upsertCommand(call: RestCall, guild: GuildRecord | undefined): RestResult {
    const target = guild?.commands ?? this.#state.globalCommands;
    const command = this.#buildCommand(call.body, target, guild);
    if ('status' in command) return command;
    const existing = target.findIndex((c) => c.id === command.id);
    if (existing === -1) target.push(command);
    else target[existing] = command;
    return { status: existing === -1 ? 201 : 200, body: command };
  }

  #deleteCommand(target: APIApplicationCommand[], id: string): RestResult {
    const index = target.findIndex((c) => c.id === id);
    if (index === -1)
      return error(
        404,
        RESTJSONErrorCodes.UnknownApplicationCommand,
        'Unknown application command',
      );
    target.splice(index, 1);
    return noContent();
  }

  #buildCommand(
    input: unknown,
    existing: readonly APIApplicationCommand[],
    guild: GuildRecord | undefined,
  ): APIApplicationCommand | RestResult {
    const name = field(input, 'name');
    const type = field(input, 'type') ?? ApplicationCommandType.ChatInput;
    const description = field(input, 'description') ?? '';
    if (typeof name !== 'string' || !/^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u.test(name)) {
      return invalidField(
        'name',
        'Command name must be 1-32 characters of letters, numbers, - or _.',
      );
    }
    if (type === ApplicationCommandType.ChatInput && name !== name.toLowerCase()) {
      return invalidField('name', 'Command name must be lower case.');
    }
    if (
      typeof description !== 'string' ||
      (type === ApplicationCommandType.ChatInput &&
        (description.length < 1 || description.length > 100))
    ) {
      return invalidField('description', 'Must be between 1 and 100 in length.');
    }
    const previous = existing.find((c) => c.name === name && c.type === type);
    const permissions = field(input, 'default_member_permissions');
    // The body was checked field by field above; the rest (options, localizations) is stored as sent.
    return {
      ...(input as object),
      id: previous?.id ?? this.#state.ids.next(),
      application_id: this.#state.applicationId,
      version: this.#state.ids.next(),
      type: type as ApplicationCommandType,
      name,
      description,
      default_member_permissions: typeof permissions === 'string' ? permissions : null,
      ...(guild === undefined ? {} : { guild_id: guild.id }),
    } as APIApplicationCommand;
  }

  #patchMember(call: RestCall, guild: GuildRecord): RestResult {
    const userId = call.params.userId ?? '';
    const member = guild.members.get(userId);
    if (member === undefined) return unknownEntity('Member');
    const body = call.body;
    const until = field(body, 'communication_disabled_until');
    if (until !== undefined) {
      const denied = this.#canModerate(guild, userId, PermissionFlagsBits.ModerateMembers);
      if (denied !== undefined) return denied;
      if (until === null) {
        member.communicationDisabledUntil = null;
        this.#log({
          type: 'timeout-removed',
          guildId: guild.id,
          userId,
          reason: call.auditLogReason,
        });
      } else {
        const end = typeof until === 'string' ? Date.parse(until) : Number.NaN;
        const now = this.#state.clock.now();
        if (Number.isNaN(end) || end - now > 28 * 24 * 3_600_000) {
          return invalidField(
            'communication_disabled_until',
            'Timeouts must be an ISO8601 time at most 28 days in the future.',
          );
        }
        member.communicationDisabledUntil = new Date(end).toISOString();
        this.#log({
          type: 'timeout',
          guildId: guild.id,
          userId,
          reason: call.auditLogReason,
          until: member.communicationDisabledUntil,
        });
      }
    }
    const nick = field(body, 'nick');
    if (nick === null || typeof nick === 'string') member.nick = nick === '' ? null : nick;
    const roles = field(body, 'roles');
    if (Array.isArray(roles)) {
      const denied = this.#requireGuildPermission(guild, PermissionFlagsBits.ManageRoles);
      if (denied !== undefined) return denied;
      const ids = roles.filter((r): r is string => typeof r === 'string');
      const unknownRole = ids.find((id) => !guild.roles.has(id));
      if (unknownRole !== undefined)
        return error(404, RESTJSONErrorCodes.UnknownRole, 'Unknown Role');
      member.roles = ids;
    }
    this.#events.memberUpdate(guild, member);
    return ok(this.#state.apiMember(guild, member));
  }

  #changeRole(call: RestCall, guild: GuildRecord, add: boolean): RestResult {
    const userId = call.params.userId ?? '';
    const roleId = call.params.roleId ?? '';
    const member = guild.members.get(userId);
    if (member === undefined) return unknownEntity('Member');
    const role = guild.roles.get(roleId);
    if (role === undefined) return error(404, RESTJSONErrorCodes.UnknownRole, 'Unknown Role');
    const denied = this.#requireGuildPermission(guild, PermissionFlagsBits.ManageRoles);
    if (denied !== undefined) return denied;
    const has = member.roles.includes(roleId);
    if (add && !has) member.roles.push(roleId);
    if (!add && has) member.roles = member.roles.filter((r) => r !== roleId);
    this.#log({
      type: add ? 'role-add' : 'role-remove',
      guildId: guild.id,
      userId,
      reason: call.auditLogReason,
      roleId,
    });
    this.#events.memberUpdate(guild, member);
    return noContent();
  }
}

// ---- pure helpers ------------------------------------------------------------------------------

function ok(body: unknown): RestResult {
  return { status: 200, body };
}

function noContent(): RestResult {
  return { status: 204 };
}

/** A Discord-style JSON error: `{ message, code, errors? }`. */
export function error(status: number, code: number, message: string, errors?: unknown): RestResult {
  return { status, body: { message, code, ...(errors === undefined ? {} : { errors }) } };
}

function missingPermissions(): RestResult {
  return error(403, RESTJSONErrorCodes.MissingPermissions, 'Missing Permissions');
}

const UNKNOWN_CODES: Record<string, number> = {
  Channel: RESTJSONErrorCodes.UnknownChannel,
  Guild: RESTJSONErrorCodes.UnknownGuild,
  Member: RESTJSONErrorCodes.UnknownMember,
  Message: RESTJSONErrorCodes.UnknownMessage,
  User: RESTJSONErrorCodes.UnknownUser,
};

function unknownEntity(kind: 'Channel' | 'Guild' | 'Member' | 'Message' | 'User'): RestResult {
  return error(404, UNKNOWN_CODES[kind] ?? 0, `Unknown ${kind}`);
}

/** A 50035 for one field; a dotted `path` nests as Discord does (`data.title` → `{ data: { title } }`). */
function invalidField(path: string, message: string): RestResult {
  const tree = path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), {
    _errors: [{ code: 'BASE_TYPE_INVALID', message }],
  });
  return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', tree);
}

function withIndex(result: RestResult, index: number): RestResult {
  const body = result.body as { message: string; code: number; errors?: unknown };
  return { status: result.status, body: { ...body, errors: { [index]: body.errors } } };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function numberField(value: unknown, key: string): number {
  const found = field(value, key);
  return typeof found === 'number' ? found : 0;
}

/** Creation time (epoch ms) encoded in a snowflake. */
function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + 1_420_070_400_000;
}

function isSnowflake(value: string | undefined): value is string {
  return value !== undefined && /^\d{1,20}$/.test(value);
}

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function clampInt(raw: string | undefined, fallback: number, min: number, max: number): number {
  const n = raw === undefined ? fallback : Number.parseInt(raw, 10);
  return Number.isNaN(n) ? fallback : Math.min(max, Math.max(min, n));
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function parseEmoji(raw: string): { id: string | null; name: string | null } {
  const custom = /^(?:<a?:)?([\w-]+):(\d+)>?$/.exec(raw);
  return custom === null
    ? { id: null, name: raw }
    : { id: custom[2] as string, name: custom[1] as string };
}

function emojiKey(raw: string): string {
  const emoji = parseEmoji(raw);
  return emoji.id ?? emoji.name ?? raw;
}

function messageFields(call: RestCall): {
  content: string;
  embeds: APIMessage['embeds'] | undefined;
  components: APIMessage['components'] | undefined;
  flags: number | undefined;
  files: readonly RecordedFile[];
} {
  const body = call.body;
  const content = field(body, 'content');
  const embeds = field(body, 'embeds');
  const components = field(body, 'components');
  const flags = field(body, 'flags');
  return {
    content: typeof content === 'string' ? content : '',
    // Embeds and components were validated by validateMessageBody; stored as sent.
    embeds: Array.isArray(embeds)
      ? (embeds as APIEmbed[]).map((e) => ({ type: EmbedType.Rich, ...e }))
      : undefined,
    components: Array.isArray(components) ? (components as APIMessage['components']) : undefined,
    flags: typeof flags === 'number' ? flags : undefined,
    files: call.files,
  };
}

/** Message limits: content 2000, 10 embeds, per-field embed limits and 6000 characters in total. */
export function validateMessageBody(
  body: unknown,
  files: readonly RecordedFile[],
  requireSomething: boolean,
): RestResult | undefined {
  // Discord nests error paths (`{ embeds: { 0: { title: { _errors } } } }`); discord.js flattens
  // them into `embeds[0].title[CODE]: message` for the DiscordAPIError the bot author sees.
  const errors: Record<string, unknown> = {};
  const fail = (path: string, code: string, message: string): void => {
    let node = errors;
    for (const key of path.split('.')) node = (node[key] ??= {}) as Record<string, unknown>;
    ((node._errors ??= []) as unknown[]).push({ code, message });
  };
  const content = field(body, 'content');
  if (content !== undefined && content !== null && typeof content !== 'string') {
    fail('content', 'BASE_TYPE_STRING', 'Must be a string.');
  } else if (typeof content === 'string' && [...content].length > 2000) {
    fail('content', 'BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const embeds = field(body, 'embeds');
  let total = 0;
  if (embeds !== undefined && embeds !== null) {
    if (!Array.isArray(embeds)) fail('embeds', 'BASE_TYPE_ARRAY', 'Must be an array.');
    else {
      if (embeds.length > 10)
        fail('embeds', 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
      for (const [i, embed] of (embeds as unknown[]).entries()) {
        // `required` marks text Discord refuses to leave out or empty (a field's name and value,
        // a footer's text, an author's name): `value: member.nickname` with no nickname is a
        // classic bot bug that Discord answers with BASE_TYPE_REQUIRED.
        const check = (path: string, value: unknown, max: number, required = false): void => {
          if (value === undefined || value === null || value === '') {
            if (required)
              fail(`embeds.${i}.${path}`, 'BASE_TYPE_REQUIRED', 'This field is required');
            return;
          }
          if (typeof value !== 'string') {
            fail(`embeds.${i}.${path}`, 'BASE_TYPE_STRING', 'Must be a string.');
            return;
          }
          const length = [...value].length;
          total += length;
          if (length > max)
            fail(
              `embeds.${i}.${path}`,
              'BASE_TYPE_MAX_LENGTH',
              `Must be ${max} or fewer in length.`,
            );
        };
        check('title', field(embed, 'title'), 256);
        check('description', field(embed, 'description'), 4096);
        const footer = field(embed, 'footer');
        if (footer !== undefined && footer !== null)
          check('footer.text', field(footer, 'text'), 2048, true);
        const author = field(embed, 'author');
        if (author !== undefined && author !== null)
          check('author.name', field(author, 'name'), 256, true);
        const fields = field(embed, 'fields');
        if (Array.isArray(fields)) {
          if (fields.length > 25)
            fail(`embeds.${i}.fields`, 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
          for (const [j, f] of (fields as unknown[]).entries()) {
            check(`fields.${j}.name`, field(f, 'name'), 256, true);
            check(`fields.${j}.value`, field(f, 'value'), 1024, true);
          }
        }
      }
      if (total > 6000)
        fail('embeds', 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
    }
  }
  if (Object.keys(errors).length > 0) {
    return error(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, 'Invalid Form Body', errors);
  }
  if (requireSomething) {
    const components = field(body, 'components');
    const empty =
      (typeof content !== 'string' || content.length === 0) &&
      (!Array.isArray(embeds) || embeds.length === 0) &&
      (!Array.isArray(components) || components.length === 0) &&
      files.length === 0 &&
      field(body, 'sticker_ids') === undefined &&
      field(body, 'poll') === undefined;
    if (empty)
      return error(
        400,
        RESTJSONErrorCodes.CannotSendAnEmptyMessage,
        'Cannot send an empty message',
      );
  }
  return undefined;
}
