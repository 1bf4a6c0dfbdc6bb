import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChannelType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  RESTJSONErrorCodes,
} from 'discord-api-types/v10';
import type {
  APIChatInputApplicationCommandInteraction,
  APIDMChannel,
  APIEmbed,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIMessageComponentInteraction,
  APIApplicationCommand,
  APIRole,
  APIUser,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
  InteractionResponseType,
} from 'discord-api-types/v10';
import { noopLogger, systemClock } from '../core/index.js';
import { errorText } from '../core/internal.js';
import type { Clock, Logger, TimerHandle } from '../core/index.js';
import { EventDispatcher } from './events.js';
import { FaultInjector } from './faults.js';
import type { MockDiscordFaults } from './faults.js';
import { GatewayServer } from './gateway.js';
import type { DispatchData, GatewayLogEntry } from './gateway.js';
import { buildChatInputInteraction, buildComponentInteraction } from './interactions.js';
import type { ClickComponentOptions, InvokeSlashOptions } from './interactions.js';
import { MockDiscordError } from './mock-discord-error.js';
import { RestApi, error as restError } from './rest-api.js';
import type { ModerationAction, RestResult } from './rest-api.js';
import { RequestLog } from './request-log.js';
import type {
  HttpMethod,
  RecordedFile,
  RecordedRequest,
  RequestMatcher,
  WaitForRequestOptions,
} from './request-log.js';
import { MockState, idOf } from './state.js';
import type {
  AddChannelOptions,
  AddGuildOptions,
  AddMemberOptions,
  AddRoleOptions,
  AddUserOptions,
  EntityRef,
  GuildRecord,
  MessageRef,
  MockGuildChannel,
} from './state.js';

/** Options of {@link createMockDiscord}. Every option has a default; most tests pass none. */
export interface MockDiscordOptions {
  /** Bot token the simulator accepts; default a random `mock-…` string (see {@link MockDiscord.token}). */
  token?: string;
  /** Username of the bot user. Default `'soc-kit-bot'`. */
  botName?: string;
  /** Name of the fixture guild. Default `'soc-kit test guild'`. */
  guildName?: string;
  /** Delay added to every REST response, in ms. Default 0. See also {@link MockDiscordFaults.latency}. */
  latencyMs?: number;
  /** `heartbeat_interval` announced in HELLO. Default 41 250 ms, as Discord. */
  heartbeatIntervalMs?: number;
  /**
   * Deliver events only to sessions with the intent Discord requires, and blank message content
   * for sessions without MessageContent. Default `true`, so a missing intent fails in tests as it
   * would in production.
   */
  enforceIntents?: boolean;
  /**
   * Answer 403 Missing Permissions when the bot lacks a permission (send, kick, ban, timeout,
   * manage roles/messages) or targets the owner or a member ranked at or above it. Default `true`.
   */
  enforcePermissions?: boolean;
  /** Time allowed to answer an interaction before it becomes unknown (10062). Default 3000 ms. */
  interactionDeadlineMs?: number;
  /** Lifetime of an interaction token for edits and follow-ups. Default 15 minutes. */
  interactionTokenLifetimeMs?: number;
  /** Clock for timestamps, ids and waits. Default {@link systemClock}. */
  clock?: Clock;
  /** Logger for gateway and server diagnostics. Default {@link noopLogger}. */
  logger?: Logger;
}

/** Options to spread into `new Client({...})` so discord.js talks to the simulator. */
export interface MockClientOptions {
  /** discord.js REST options: the simulator's API base and no extra rate-limit offset. */
  rest: {
    /** `http://127.0.0.1:PORT/api`. */
    api: string;
    /** Extra ms discord.js adds to every rate-limit wait; 0 keeps 429 tests fast. */
    offset: number;
  };
}

/** The simulated bot application. */
export interface MockApplication {
  /** Application id (equal to the bot user's id, as for most bots). */
  id: string;
  /** Application name (the bot's username). */
  name: string;
}

/** The fixtures every simulator starts with. */
export interface MockFixtures {
  /** The bot's user. */
  bot: APIUser;
  /** The bot's application (its id equals the bot user's id). */
  application: MockApplication;
  /** A guild the bot is in. */
  guild: APIGuild;
  /** Text channels of the fixture guild. */
  channels: {
    /** `#general`. */
    general: MockGuildChannel;
    /** `#mod-log`. */
    modLog: MockGuildChannel;
  };
  /** Roles of the fixture guild. */
  roles: {
    /** `@everyone` (its id is the guild id). */
    everyone: APIRole;
    /** The bot's managed role, ranked above every other role. */
    bot: APIRole;
    /** `Moderator`: KickMembers, BanMembers, ModerateMembers, ManageMessages. */
    moderator: APIRole;
    /** `Admin`: Administrator. */
    admin: APIRole;
  };
  /** Users of the fixture guild (all are members). */
  users: {
    /** The guild owner. */
    owner: APIUser;
    /** A member with the Moderator role. */
    alice: APIUser;
    /** A member without roles. */
    bob: APIUser;
  };
}

/** Input of {@link MockDiscord.sendMessage}. */
export interface SendMessageOptions {
  /** Who writes the message (must be a member when the channel is in a guild). */
  author: EntityRef;
  /** Where: a guild text channel, or a DM channel from {@link MockDiscord.createDm}. */
  channel: EntityRef;
  /** Message text; `<@id>`, `<@&id>` and `@everyone` fill the mention fields. */
  content: string;
  /** Embeds, if the message has any. */
  embeds?: APIEmbed[];
  /** A message in the same channel this one replies to. */
  replyTo?: EntityRef;
  /**
   * Whether a reply pings the author of `replyTo`, putting them in `mentions` (so discord.js sets
   * `message.mentions.repliedUser`). Default `true`, as in Discord's client; replying to yourself
   * never pings.
   */
  mentionRepliedUser?: boolean;
}

/** Input of {@link MockDiscord.memberJoin}. */
export interface MemberJoinOptions {
  /** The joining user. */
  user: EntityRef;
  /** Guild joined; default the fixture guild. */
  guild?: EntityRef;
  /** Roles the member starts with. Default none. */
  roles?: readonly EntityRef[];
}

/** Input of {@link MockDiscord.memberLeave}. */
export interface MemberLeaveOptions {
  /** The leaving member's user. */
  user: EntityRef;
  /** Guild left; default the fixture guild. */
  guild?: EntityRef;
}

/** Input of {@link MockDiscord.reactionAdd}. */
export interface ReactionAddOptions {
  /** Who reacts. */
  user: EntityRef;
  /** The message reacted to (as returned by `sendMessage`, or any object with `id` and `channel_id`). */
  message: MessageRef;
  /** A unicode emoji (`'👍'`) or a custom one as `name:id`. */
  emoji: string;
}

/** What the bot did with one interaction, from {@link MockDiscord.interaction}. */
export interface MockInteractionState {
  /** Interaction id. */
  id: string;
  /** The callback type the bot answered with (4, 5, 6, 7 or 9 for a modal), or `null` when it has not answered. */
  responseType: InteractionResponseType | null;
  /** Whether the response is ephemeral. */
  ephemeral: boolean;
  /** The original response message (after edits), or `null`. */
  original: APIMessage | null;
  /** Follow-up messages in the order they were sent. */
  followUps: APIMessage[];
}

/**
 * The part of a discord.js `Client` that {@link MockDiscord.login} uses; any discord.js v14
 * `Client` fits.
 */
export interface LoginClient {
  /** Logs in with a token. */
  login(token: string): Promise<unknown>;
  /** Registers a one-time listener. */
  once(event: 'clientReady', listener: () => void): unknown;
  /** Removes a listener. */
  off(event: 'clientReady', listener: () => void): unknown;
}

/**
 * A local Discord: an HTTP REST API and a WebSocket gateway on 127.0.0.1 that an unmodified
 * discord.js v14 `Client` logs in to. Create it with {@link createMockDiscord}.
 *
 * Guarantees: every REST request is recorded before its response is sent; gateway dispatches
 * carry strictly increasing sequence numbers per session; events injected while a client is
 * disconnected are replayed when it resumes; after `close()` resolves no socket, server or timer
 * of the simulator is left.
 *
 * @example
 * ```ts
 * import { createMockDiscord } from 'soc-kit/testing';
 *
 * // In a test, a discord.js Client logs in with `new Client({ ...discord.clientOptions, intents })`
 * // and `await discord.login(client)`; see the "Testing your bot" guide.
 * const discord = await createMockDiscord();
 * const { users, channels } = discord.fixtures;
 * discord.sendMessage({ author: users.alice, channel: channels.general, content: 'hello' });
 * console.log(discord.messages(channels.general).map((m) => m.content)); // [ 'hello' ]
 * await discord.close();
 * ```
 */
export class MockDiscord {
  /** Options to spread into the discord.js `Client` constructor. */
  readonly clientOptions: MockClientOptions;
  /** The bot token the simulator accepts; pass it to `client.login`. */
  readonly token: string;
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Gateway URL announced by `GET /gateway/bot`. */
  readonly gatewayUrl: string;
  /** Fault injection: 429s, 5xx, latency, gateway drops. */
  readonly faults: MockDiscordFaults;
  /** The starting fixtures. */
  readonly fixtures: MockFixtures;

  readonly #server: Server;
  readonly #state: MockState;
  readonly #gateway: GatewayServer;
  readonly #events: EventDispatcher;
  readonly #rest: RestApi;
  readonly #log: RequestLog;
  readonly #faults: FaultInjector;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #latencyMs: number;
  readonly #delays = new Map<TimerHandle, () => void>();
  /** Rejecters of `login()` calls in flight, so `close()` ends them at once. */
  readonly #logins = new Set<(error: MockDiscordError) => void>();
  #closing: Promise<void> | undefined;

  /** @internal Use {@link createMockDiscord}. */
  constructor(internals: {
    server: Server;
    state: MockState;
    gateway: GatewayServer;
    events: EventDispatcher;
    rest: RestApi;
    log: RequestLog;
    faults: FaultInjector;
    fixtures: MockFixtures;
    token: string;
    url: string;
    clock: Clock;
    logger: Logger;
    latencyMs: number;
  }) {
    this.#server = internals.server;
    this.#state = internals.state;
    this.#gateway = internals.gateway;
    this.#events = internals.events;
    this.#rest = internals.rest;
    this.#log = internals.log;
    this.#faults = internals.faults;
    this.faults = internals.faults;
    this.fixtures = internals.fixtures;
    this.token = internals.token;
    this.url = internals.url;
    this.gatewayUrl = `${internals.url.replace(/^http/, 'ws')}/gateway`;
    this.clientOptions = { rest: { api: `${internals.url}/api`, offset: 0 } };
    this.#clock = internals.clock;
    this.#logger = internals.logger;
    this.#latencyMs = internals.latencyMs;
    this.#server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      // #handle answers every error it expects; anything else is a simulator bug, which must not
      // become an unhandled rejection blamed on the test or leave the bot waiting for an answer.
      this.#handle(req, res).catch((error: unknown) => {
        this.#logger.error({ component: 'MockDiscord', err: error }, 'request handling failed');
        res.destroy();
      });
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/gateway') {
        this.#gateway.handleUpgrade(req, socket, head);
      } else {
        socket.destroy();
      }
    });
  }

  // ---- recording ----------------------------------------------------------------------------

  /** Every REST request received so far, oldest first (a live, read-only view). */
  get requests(): readonly RecordedRequest[] {
    return this.#log.all;
  }

  /**
   * Resolves with the first recorded request that matches, waiting for it if needed.
   * Requests recorded before the call count too, unless `options.after` excludes them.
   *
   * @param matcher - A predicate or `{ method, route, path }` description.
   * @param options - Timeout (default 2000 ms) and the index to start from.
   * @returns The matching request.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_WAIT_TIMEOUT` (as a rejection) after the
   * timeout, with every request received listed in the message; `MOCK_DISCORD_CLOSED` when the
   * simulator closes first.
   *
   * @example
   * ```ts
   * import { createMockDiscord } from 'soc-kit/testing';
   *
   * const discord = await createMockDiscord();
   * const pending = discord.waitForRequest({ method: 'GET', route: '/gateway/bot' });
   * await fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
   *   headers: { authorization: `Bot ${discord.token}` },
   * });
   * console.log((await pending).status); // 200
   * await discord.close();
   * ```
   */
  waitForRequest(
    matcher: RequestMatcher,
    options?: WaitForRequestOptions,
  ): Promise<RecordedRequest> {
    return this.#log.waitFor(matcher, options);
  }

  /**
   * Forgets every recorded request (indices restart at 0).
   *
   * @throws Never.
   */
  clearRequests(): void {
    this.#log.clear();
  }

  /** Gateway connections, identifies, resumes, heartbeats, dispatches and closes, in order. */
  get gatewayLog(): readonly GatewayLogEntry[] {
    return this.#gateway.log;
  }

  /** Kicks, bans, unbans, timeouts and role changes the bot made, in order. */
  get moderationActions(): readonly ModerationAction[] {
    return this.#rest.moderation;
  }

  // ---- builders -------------------------------------------------------------------------------

  /**
   * Creates a user (not a member of any guild).
   *
   * @param options - Username, display name, bot flag, fixed id.
   * @returns The user.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` when the id is taken.
   */
  addUser(options?: AddUserOptions): APIUser {
    this.#assertOpen();
    return this.#state.addUser(options);
  }

  /**
   * Creates a guild with @everyone, the bot's managed role, the owner and the bot as members.
   * Connected clients get a GUILD_CREATE.
   *
   * @param options - Name, owner and role permissions.
   * @returns The guild.
   * @throws {@link MockDiscordError} for an unknown owner or invalid permissions.
   */
  addGuild(options?: AddGuildOptions): APIGuild {
    this.#assertOpen();
    const guild = this.#state.addGuild(options);
    this.#events.guildCreate(guild);
    return this.#state.apiGuild(guild);
  }

  /**
   * Creates a guild channel; connected clients get a CHANNEL_CREATE.
   *
   * @param options - Guild, name, type, parent, topic, permission overwrites.
   * @returns The channel.
   * @throws {@link MockDiscordError} for an unknown guild or a parent that is not a category.
   */
  addChannel(options: AddChannelOptions): MockGuildChannel {
    this.#assertOpen();
    const channel = this.#state.addChannel(options);
    this.#events.channelCreate(channel);
    return channel;
  }

  /**
   * Creates a role, ranked below the bot's role; connected clients get a GUILD_ROLE_CREATE.
   *
   * @param options - Guild, name, permissions (bitfield or flag names), colour.
   * @returns The role.
   * @throws {@link MockDiscordError} for an unknown guild or permission name.
   *
   * @example
   * ```ts
   * import { createMockDiscord } from 'soc-kit/testing';
   *
   * const discord = await createMockDiscord();
   * const helper = discord.addRole({ guild: discord.fixtures.guild, name: 'Helper', permissions: ['ManageMessages'] });
   * const carol = discord.addUser({ username: 'carol' });
   * discord.addMember({ guild: discord.fixtures.guild, user: carol, roles: [helper] });
   * console.log(helper.permissions); // '8192'
   * await discord.close();
   * ```
   */
  addRole(options: AddRoleOptions): APIRole {
    this.#assertOpen();
    const guild = this.#state.guild(options.guild);
    const role = this.#state.addRole(options);
    this.#gateway.dispatch(
      GatewayDispatchEvents.GuildRoleCreate,
      { guild_id: guild.id, role },
      { intent: GatewayIntentBits.Guilds },
    );
    return role;
  }

  /**
   * Makes a user a member silently (no event), e.g. to set up a test. Use
   * {@link MockDiscord.memberJoin} to deliver `guildMemberAdd`.
   *
   * @param options - Guild, user, roles, nickname.
   * @returns The member.
   * @throws {@link MockDiscordError} for an unknown guild, user or role.
   */
  addMember(options: AddMemberOptions): APIGuildMember {
    this.#assertOpen();
    const guild = this.#state.guild(options.guild);
    return this.#state.apiMember(guild, this.#state.addMember(options));
  }

  /**
   * Returns the DM channel between the bot and a user, creating it on first use.
   *
   * @param user - The user.
   * @returns The DM channel.
   * @throws {@link MockDiscordError} for an unknown user.
   */
  createDm(user: EntityRef): APIDMChannel {
    this.#assertOpen();
    return this.#state.dmChannel(user).channel;
  }

  // ---- events ---------------------------------------------------------------------------------

  /**
   * A user posts a message; clients with the needed intents get MESSAGE_CREATE.
   *
   * @param options - Author, channel, content, embeds, the message replied to.
   * @returns The message as dispatched (with `guild_id` and `member` in guilds, full content).
   * @throws {@link MockDiscordError} for unknown entities, a non-member author or a closed simulator.
   *
   * @example
   * ```ts
   * import { createMockDiscord } from 'soc-kit/testing';
   *
   * const discord = await createMockDiscord();
   * const { users, channels } = discord.fixtures;
   * const message = discord.sendMessage({ author: users.alice, channel: channels.general, content: `hi <@${users.bob.id}>` });
   * console.log(message.mentions.map((u) => u.username)); // [ 'bob' ]
   * await discord.close();
   * ```
   */
  sendMessage(options: SendMessageOptions): GatewayMessageCreateDispatchData {
    this.#assertOpen();
    const channel = this.#state.channel(options.channel);
    const author = this.#state.user(options.author);
    if (channel.guildId !== null && !this.#state.guild(channel.guildId).members.has(author.id)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `author ${author.id} is not a member of guild ${channel.guildId}`,
      );
    }
    if (channel.channel.type === ChannelType.GuildCategory) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `channel ${channel.channel.id} is a category; messages need a text channel`,
      );
    }
    const replyTo = options.replyTo === undefined ? undefined : idOf(options.replyTo);
    if (replyTo !== undefined && !channel.messages.has(replyTo)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_UNKNOWN_ENTITY',
        `message ${replyTo} is not in channel ${channel.channel.id}`,
      );
    }
    const record = this.#state.createMessage({
      channel,
      author,
      content: options.content,
      embeds: options.embeds,
      reference: replyTo === undefined ? undefined : { message_id: replyTo },
      mentionRepliedUser: options.mentionRepliedUser ?? true,
    });
    return this.#events.messageCreate(channel, record);
  }

  /**
   * A user runs a slash command: the simulator builds a ChatInput interaction with `data.options`
   * (typed from the registered command when there is one), `resolved` users/members/roles/channels,
   * and `member.permissions` computed from the member's roles and the channel's overwrites, then
   * dispatches INTERACTION_CREATE.
   *
   * @param options - User, command name (with subcommand), option values, guild, channel.
   * @returns The interaction payload (its `id` works with {@link MockDiscord.interaction}).
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` for unknown options, missing
   * required options or values of the wrong type; `MOCK_DISCORD_UNKNOWN_ENTITY` for unknown ids.
   *
   * @example
   * ```ts
   * import { createMockDiscord } from 'soc-kit/testing';
   *
   * const discord = await createMockDiscord();
   * const { users } = discord.fixtures;
   * const interaction = discord.invokeSlash({ user: users.alice, name: 'warn', options: { target: users.bob, reason: 'spam' } });
   * console.log(interaction.data.options?.map((o) => o.type)); // [ 6, 3 ]: user, string
   * await discord.close();
   * ```
   */
  invokeSlash(options: InvokeSlashOptions): APIChatInputApplicationCommandInteraction {
    this.#assertOpen();
    const payload = buildChatInputInteraction(this.#state, options, this.#fixtureGuild());
    this.#rest.registerInteraction(payload);
    this.#events.interactionCreate(payload);
    return payload;
  }

  /**
   * A user clicks a button (or picks values in a string select) on a message; the simulator
   * builds the MessageComponent interaction and dispatches INTERACTION_CREATE. The bot may answer
   * with any callback type, including 6 (deferred update) and 7 (update the message).
   *
   * @param options - User, message, the component's `custom_id`, select values.
   * @returns The interaction payload (its `id` works with {@link MockDiscord.interaction}).
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` when the message has no
   * component with that `custom_id` (the error lists the ones it has) or the user is not a member;
   * `MOCK_DISCORD_UNKNOWN_ENTITY` for an unknown message.
   *
   * @example
   * ```ts
   * import { createMockDiscord } from 'soc-kit/testing';
   *
   * const discord = await createMockDiscord();
   * const { users, channels } = discord.fixtures;
   * const response = await fetch(`${discord.clientOptions.rest.api}/v10/channels/${channels.general.id}/messages`, {
   *   method: 'POST',
   *   headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
   *   body: JSON.stringify({
   *     content: 'Ban bob?',
   *     components: [{ type: 1, components: [{ type: 2, style: 4, label: 'Ban', custom_id: 'ban:confirm' }] }],
   *   }),
   * });
   * const prompt = (await response.json()) as { id: string; channel_id: string };
   * const click = discord.clickComponent({ user: users.alice, message: prompt, customId: 'ban:confirm' });
   * console.log(click.data.custom_id); // ban:confirm
   * await discord.close();
   * ```
   */
  clickComponent(options: ClickComponentOptions): APIMessageComponentInteraction {
    this.#assertOpen();
    const payload = buildComponentInteraction(this.#state, options);
    this.#rest.registerInteraction(payload);
    this.#events.interactionCreate(payload);
    return payload;
  }

  /**
   * A user joins a guild; clients with GuildMembers get GUILD_MEMBER_ADD.
   *
   * @param options - User, guild (default the fixture guild), starting roles.
   * @returns The member as dispatched (with `guild_id`).
   * @throws {@link MockDiscordError} when the user is banned, already a member, or unknown.
   */
  memberJoin(options: MemberJoinOptions): GatewayGuildMemberAddDispatchData {
    this.#assertOpen();
    const guild = this.#guildOrFixture(options.guild);
    const userId = idOf(options.user);
    if (guild.bans.has(userId)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `user ${userId} is banned from guild ${guild.id} and cannot join`,
      );
    }
    if (guild.members.has(userId)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `user ${userId} is already a member of guild ${guild.id}`,
      );
    }
    const member = this.#state.addMember({
      guild: guild.id,
      user: userId,
      roles: options.roles ?? [],
    });
    return this.#events.memberAdd(guild, member);
  }

  /**
   * A member leaves a guild; clients with GuildMembers get GUILD_MEMBER_REMOVE.
   *
   * @param options - User and guild (default the fixture guild).
   * @returns The dispatched payload.
   * @throws {@link MockDiscordError} when the user is not a member.
   */
  memberLeave(options: MemberLeaveOptions): GatewayGuildMemberRemoveDispatchData {
    this.#assertOpen();
    const guild = this.#guildOrFixture(options.guild);
    const user = this.#state.user(options.user);
    this.#state.member(guild, user.id);
    guild.members.delete(user.id);
    return this.#events.memberRemove(guild, user);
  }

  /**
   * A user reacts to a message; clients with the reactions intent get MESSAGE_REACTION_ADD.
   *
   * @param options - User, message, emoji.
   * @returns The dispatched payload.
   * @throws {@link MockDiscordError} for an unknown user, channel or message, or when the user already
   * reacted with that emoji (Discord sends no second event).
   */
  reactionAdd(options: ReactionAddOptions): GatewayMessageReactionAddDispatchData {
    this.#assertOpen();
    const channel = this.#state.channel(options.message.channel_id);
    const record = channel.messages.get(options.message.id);
    if (record === undefined) {
      throw new MockDiscordError(
        'MOCK_DISCORD_UNKNOWN_ENTITY',
        `unknown message ${options.message.id} in channel ${channel.channel.id}`,
      );
    }
    const user = this.#state.user(options.user);
    const custom = /^([\w-]+):(\d+)$/.exec(options.emoji);
    const emoji =
      custom === null
        ? { id: null, name: options.emoji }
        : { id: custom[2] as string, name: custom[1] as string };
    const key = emoji.id ?? emoji.name;
    const reaction = record.reactions.get(key) ?? { emoji, users: new Set<string>() };
    if (reaction.users.has(user.id)) {
      // Discord sends no second MESSAGE_REACTION_ADD for the same user and emoji.
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `user ${user.id} already reacted with ${options.emoji} to message ${record.message.id}`,
      );
    }
    record.reactions.set(key, reaction);
    reaction.users.add(user.id);
    return this.#events.reactionAdd(channel, record, user.id, emoji);
  }

  /**
   * Sends any dispatch to every identified session, unfiltered: the escape hatch for events
   * without a helper. The payload type follows the event name, so shape mistakes do not compile.
   *
   * @param event - Gateway event name, e.g. `GatewayDispatchEvents.TypingStart`.
   * @param data - The event's `d`.
   * @returns The number of sessions that received it now (others get it on resume).
   * @throws {@link MockDiscordError} `MOCK_DISCORD_CLOSED` after close.
   */
  dispatch<E extends GatewayDispatchEvents>(event: E, data: DispatchData<E>): number {
    this.#assertOpen();
    return this.#gateway.dispatch(event, data, { intent: null });
  }

  // ---- inspection -----------------------------------------------------------------------------

  /**
   * Messages of a channel, oldest first, including ephemeral interaction replies.
   *
   * @param channel - The channel.
   * @returns Current message objects (after edits; deleted ones are gone).
   * @throws {@link MockDiscordError} for an unknown channel.
   */
  messages(channel: EntityRef): APIMessage[] {
    const record = this.#state.channel(channel);
    return [...record.messages.values()].map((m) => this.#state.apiMessage(m));
  }

  /**
   * A guild member as it is now (roles, nick, timeout), or `undefined` when not a member.
   *
   * @param user - The user.
   * @param guild - The guild; default the fixture guild.
   * @returns The member or `undefined`.
   * @throws {@link MockDiscordError} for an unknown guild.
   */
  member(user: EntityRef, guild?: EntityRef): APIGuildMember | undefined {
    const record = this.#guildOrFixture(guild);
    const member = record.members.get(idOf(user));
    return member === undefined ? undefined : this.#state.apiMember(record, member);
  }

  /**
   * Ids of users banned from a guild.
   *
   * @param guild - The guild; default the fixture guild.
   * @returns Banned user ids in ban order.
   * @throws {@link MockDiscordError} for an unknown guild.
   */
  bans(guild?: EntityRef): string[] {
    return [...this.#guildOrFixture(guild).bans.keys()];
  }

  /**
   * Commands the bot registered: global ones, or those of a guild.
   *
   * @param guild - A guild for guild commands; omit for global commands.
   * @returns The stored commands, with ids.
   * @throws {@link MockDiscordError} for an unknown guild.
   */
  commands(guild?: EntityRef): APIApplicationCommand[] {
    return [
      ...(guild === undefined ? this.#state.globalCommands : this.#state.guild(guild).commands),
    ];
  }

  /**
   * How the bot answered an interaction: response type, ephemeral flag, original and follow-ups.
   *
   * @param interaction - The interaction (as returned by `invokeSlash`) or its id.
   * @returns The current state.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_UNKNOWN_ENTITY` for an unknown interaction.
   */
  interaction(interaction: EntityRef): MockInteractionState {
    const record = this.#rest.interactions.get(idOf(interaction));
    if (record === undefined) {
      throw new MockDiscordError(
        'MOCK_DISCORD_UNKNOWN_ENTITY',
        `unknown interaction ${idOf(interaction)}`,
      );
    }
    const channel = this.#state.channels.get(record.payload.channel?.id ?? '');
    const find = (id: string | null): APIMessage | null => {
      const message = id === null ? undefined : channel?.messages.get(id);
      return message === undefined ? null : this.#state.apiMessage(message);
    };
    return {
      id: record.payload.id,
      responseType: record.response,
      ephemeral: record.ephemeral,
      original: find(record.originalMessageId),
      followUps: record.followUpIds
        .map((id) => find(id))
        .filter((m): m is APIMessage => m !== null),
    };
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Logs a discord.js client in to this simulator and resolves once it is ready (all guilds
   * received), so tests need no event plumbing of their own.
   *
   * @param client - A client built with {@link MockDiscord.clientOptions}.
   * @param options - `timeoutMs` before giving up (default 5000).
   * @returns Resolves when the client emitted `clientReady`.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_WAIT_TIMEOUT` (as a rejection) when the client
   * is not ready in time, with the gateway log in the message; `MOCK_DISCORD_CLOSED` at once when
   * `close()` is called first (the client keeps retrying until you `destroy()` it); rejects with
   * the login error if `client.login` fails.
   */
  async login(client: LoginClient, options: { timeoutMs?: number } = {}): Promise<void> {
    this.#assertOpen();
    const timeoutMs = options.timeoutMs ?? 5000;
    let timer: TimerHandle | undefined;
    let onReady: (() => void) | undefined;
    let abort: ((error: MockDiscordError) => void) | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      abort = reject;
      this.#logins.add(abort);
      client.once('clientReady', onReady);
      timer = systemClock.setTimeout(() => {
        const log = this.#gateway.log
          .map((e) => e.type + ('event' in e ? ` ${e.event}` : ''))
          .join(', ');
        reject(
          new MockDiscordError(
            'MOCK_DISCORD_WAIT_TIMEOUT',
            `the client was not ready within ${timeoutMs} ms; gateway log: ${log || '(nothing)'}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      await Promise.all([client.login(this.token), ready]);
    } finally {
      systemClock.clearTimeout(timer);
      if (abort !== undefined) this.#logins.delete(abort);
      if (onReady !== undefined) client.off('clientReady', onReady);
    }
  }

  /**
   * Closes every gateway connection, every HTTP connection and the server, cancels pending
   * latency timers, and rejects pending `waitForRequest` and `login` calls with
   * `MOCK_DISCORD_CLOSED`. Idempotent.
   *
   * @returns Resolves once nothing of the simulator is left running.
   * @throws Never.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#log.close();
    for (const abort of this.#logins) {
      abort(
        new MockDiscordError(
          'MOCK_DISCORD_CLOSED',
          'the simulator closed while login() was waiting for the client to be ready',
        ),
      );
    }
    this.#logins.clear();
    for (const [timer, abort] of this.#delays) {
      this.#clock.clearTimeout(timer);
      abort();
    }
    this.#delays.clear();
    await this.#gateway.close();
    const closed = new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
    this.#server.closeAllConnections();
    await closed;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) {
      throw new MockDiscordError(
        'MOCK_DISCORD_CLOSED',
        'the simulator is closed; create a new one with createMockDiscord()',
      );
    }
  }

  #fixtureGuild(): GuildRecord | undefined {
    return this.#state.guilds.get(this.fixtures.guild.id);
  }

  #guildOrFixture(guild: EntityRef | undefined): GuildRecord {
    return this.#state.guild(guild ?? this.fixtures.guild.id);
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = this.#clock.now();
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/api(\/v\d+)?(?=\/|$)/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
    const query = Object.fromEntries(url.searchParams);
    const match = this.#rest.match(method, path);
    const reasonHeader = req.headers['x-audit-log-reason'];
    const authorization = req.headers.authorization;

    let result: RestResult | undefined;
    let body: unknown;
    let files: RecordedFile[] = [];
    try {
      ({ body, files } = await parseBody(raw, req.headers['content-type']));
    } catch {
      result = restError(
        400,
        RESTJSONErrorCodes.RequestBodyContainsInvalidJSON,
        'The request body contains invalid JSON.',
      );
    }
    const request: RecordedRequest = {
      index: this.#log.nextIndex,
      method,
      route: match?.template ?? path,
      path: safeDecodePath(path),
      params: match?.params ?? {},
      query,
      body,
      files,
      auditLogReason:
        typeof reasonHeader === 'string' ? safeDecodeComponent(reasonHeader) : undefined,
      authorized: authorization !== undefined,
      time,
      status: 0,
      response: undefined,
    };

    try {
      result ??= this.#faults.take(request);
    } catch (error) {
      // A fault matcher predicate threw: answer, so the bot is not left hanging, and say why.
      result = restError(
        500,
        0,
        `mock-discord: a fault matcher threw on ${method} ${path}: ${errorText(error)}`,
      );
    }
    if (result === undefined && match?.auth === true && authorization !== `Bot ${this.token}`) {
      result = restError(401, 0, '401: Unauthorized');
    }
    if (result === undefined && match === undefined) {
      result = restError(404, 0, '404: Not Found');
    }
    if (result === undefined && match !== undefined) {
      try {
        result = match.handle({
          method,
          params: match.params,
          query,
          body,
          files,
          auditLogReason: request.auditLogReason,
        });
      } catch (error) {
        this.#logger.error(
          { component: 'MockDiscord', err: error, method, path },
          'route handler failed',
        );
        result = restError(500, 0, `mock-discord internal error: ${errorText(error)}`);
      }
    }
    const final = result ?? restError(500, 0, 'mock-discord produced no response');
    request.status = final.status;
    request.response = final.body;
    this.#log.add(request);

    const delay = this.#latencyMs + this.#faults.latencyFor(request);
    if (delay > 0) {
      const waited = await this.#sleep(delay);
      if (!waited) {
        res.destroy();
        return;
      }
    }
    const bytes = final.body instanceof Uint8Array ? final.body : undefined;
    const headers: Record<string, string> = {
      ...('headers' in final ? (final.headers as Record<string, string>) : {}),
      ...(final.body === undefined
        ? {}
        : {
            'content-type':
              bytes === undefined
                ? 'application/json'
                : (final.contentType ?? 'application/octet-stream'),
          }),
    };
    res.writeHead(final.status, headers);
    res.end(bytes ?? (final.body === undefined ? undefined : JSON.stringify(final.body)));
  }

  /** Resolves `true` after `ms`, or `false` if the simulator closed first. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#delays.delete(timer);
        resolve(true);
      }, ms);
      this.#delays.set(timer, () => {
        resolve(false);
      });
    });
  }
}

/**
 * Starts a simulator on an ephemeral port of 127.0.0.1 with the default fixtures: a bot user and
 * application, a guild with `#general` and `#mod-log`, the roles @everyone, the bot's role,
 * Moderator and Admin, and the members owner, alice (Moderator) and bob.
 *
 * Many simulators run side by side; each has its own port, token and state.
 *
 * @param options - Token, names, latency, intent and permission enforcement, clock, logger.
 * @returns A running {@link MockDiscord}; call `close()` when done.
 * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` for a negative latency; rejects
 * with the listen error if no port can be bound.
 *
 * @example
 * ```ts
 * import { createMockDiscord } from 'soc-kit/testing';
 *
 * const discord = await createMockDiscord();
 * // A discord.js Client would be built with `{ ...discord.clientOptions, intents }`:
 * console.log(discord.clientOptions.rest.api); // http://127.0.0.1:<port>/api
 *
 * // What discord.js does first on login: fetch the gateway URL with the bot token.
 * const response = await fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
 *   headers: { authorization: `Bot ${discord.token}` },
 * });
 * const gateway = (await response.json()) as { url: string };
 * console.log(gateway.url === discord.gatewayUrl); // true
 * console.log(discord.requests.map((r) => `${r.method} ${r.route} ${r.status}`)); // [ 'GET /gateway/bot 200' ]
 * await discord.close();
 * ```
 */
export async function createMockDiscord(options: MockDiscordOptions = {}): Promise<MockDiscord> {
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `latencyMs must be a finite number >= 0, got ${latencyMs}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const token = options.token ?? `mock-${randomBytes(18).toString('base64url')}`;
  const state = new MockState(clock, options.botName ?? 'soc-kit-bot');
  const fixtures = seedFixtures(state, options.guildName ?? 'soc-kit test guild');

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  state.baseUrl = url;
  const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
  const gateway = new GatewayServer({
    state,
    token,
    clock,
    logger,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
    enforceIntents: options.enforceIntents ?? true,
    url: () => gatewayUrl,
  });
  const events = new EventDispatcher(state, gateway);
  const rest = new RestApi({
    state,
    events,
    enforcePermissions: options.enforcePermissions ?? true,
    interactionDeadlineMs: options.interactionDeadlineMs ?? 3000,
    interactionTokenLifetimeMs: options.interactionTokenLifetimeMs ?? 15 * 60_000,
    gatewayUrl: () => gatewayUrl,
  });
  const faults = new FaultInjector({
    drop: (code, abrupt) => gateway.drop(code, abrupt),
    requestReconnect: () => {
      gateway.requestReconnect();
    },
  });
  return new MockDiscord({
    server,
    state,
    gateway,
    events,
    rest,
    log: new RequestLog(clock),
    faults,
    fixtures,
    token,
    url,
    clock,
    logger,
    latencyMs,
  });
}

function seedFixtures(state: MockState, guildName: string): MockFixtures {
  const owner = state.addUser({ username: 'owner' });
  const alice = state.addUser({ username: 'alice' });
  const bob = state.addUser({ username: 'bob' });
  const guild = state.addGuild({ name: guildName, owner: owner.id });
  const general = state.addChannel({ guild: guild.id, name: 'general' });
  const modLog = state.addChannel({ guild: guild.id, name: 'mod-log' });
  const moderator = state.addRole({
    guild: guild.id,
    name: 'Moderator',
    permissions: ['KickMembers', 'BanMembers', 'ModerateMembers', 'ManageMessages'],
  });
  const admin = state.addRole({ guild: guild.id, name: 'Admin', permissions: ['Administrator'] });
  state.addMember({ guild: guild.id, user: alice.id, roles: [moderator.id] });
  state.addMember({ guild: guild.id, user: bob.id });
  return {
    bot: state.bot,
    application: { id: state.applicationId, name: state.bot.username },
    guild: state.apiGuild(guild),
    channels: { general, modLog },
    roles: {
      everyone: state.role(guild, guild.id),
      bot: state.role(guild, guild.botRoleId),
      moderator,
      admin,
    },
    users: { owner, alice, bob },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

async function parseBody(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, {
      headers: { 'content-type': contentType ?? '' },
    }).formData();
    let body: unknown;
    const files: RecordedFile[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        if (name === 'payload_json') body = JSON.parse(value) as unknown;
      } else {
        files.push({
          field: name,
          name: value.name,
          contentType: value.type || 'application/octet-stream',
          data: new Uint8Array(await value.arrayBuffer()),
        });
      }
    }
    return { body, files };
  }
  if (type.startsWith('application/json') || type === '') {
    return { body: JSON.parse(raw.toString('utf8')) as unknown, files: [] };
  }
  return { body: raw.toString('utf8'), files: [] };
}

function safeDecodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function safeDecodePath(path: string): string {
  return path
    .split('/')
    .map((part) => safeDecodeComponent(part))
    .join('/');
}
