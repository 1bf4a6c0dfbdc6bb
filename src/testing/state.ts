import {
  ChannelType,
  EmbedType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildMemberFlags,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIAttachment,
  APIChannel,
  APIDMChannel,
  APIGuild,
  APIGuildCategoryChannel,
  APIGuildMember,
  APIMessage,
  APINewsChannel,
  APIOverwrite,
  APIReaction,
  APIRole,
  APITextChannel,
  APIUser,
  APIGuildVoiceChannel,
  GatewayGuildCreateDispatchData,
  RoleFlags,
} from 'discord-api-types/v10';
import type { Clock } from '../core/index.js';
import { MockDiscordError } from './mock-discord-error.js';
import type { RecordedFile } from './request-log.js';
import { computePermissions, resolvePermissions } from './permissions.js';
import type { PermissionInput } from './permissions.js';
import { SnowflakeGenerator } from './snowflake.js';

/** Any object with a snowflake id, e.g. a fixture the simulator returned. */
export interface HasId {
  /** The snowflake id. */
  readonly id: string;
}

/** A message reference: its id and the channel it is in. */
export interface MessageRef {
  /** Message id. */
  readonly id: string;
  /** Channel id. */
  readonly channel_id: string;
}

/** Anything with an id (a fixture object returned by the simulator) or the id itself. */
export type EntityRef = string | HasId;

/** Returns the id of an {@link EntityRef}. */
export function idOf(ref: EntityRef): string {
  return typeof ref === 'string' ? ref : ref.id;
}

/** Channel types the simulator can create in a guild. */
export type GuildChannelKind =
  | ChannelType.GuildText
  | ChannelType.GuildVoice
  | ChannelType.GuildCategory
  | ChannelType.GuildAnnouncement;

/** A guild channel the simulator created. */
export type MockGuildChannel = (
  APITextChannel | APINewsChannel | APIGuildVoiceChannel | APIGuildCategoryChannel
) &
  Required<Pick<APITextChannel, 'guild_id'>>;

/** Any channel the simulator created, including DMs. */
export type MockChannel = MockGuildChannel | APIDMChannel;

/** Options of {@link MockDiscord.addUser}. */
export interface AddUserOptions {
  /** Username; default `user-<n>`. */
  username?: string;
  /** Display name; default `null`. */
  globalName?: string | null;
  /** Whether the user is a bot account. Default `false`. */
  bot?: boolean;
  /** Fixed id; default a fresh snowflake. */
  id?: string;
}

/** Options of {@link MockDiscord.addGuild}. */
export interface AddGuildOptions {
  /** Guild name; default `Guild <n>`. */
  name?: string;
  /** Owner; default a fresh user named `owner`. The owner becomes a member. */
  owner?: EntityRef;
  /** Permissions of @everyone; default view, send, read history, react, embed, attach, use commands. */
  everyonePermissions?: PermissionInput;
  /** Permissions of the bot's managed role; default {@link DEFAULT_BOT_PERMISSIONS}. */
  botPermissions?: PermissionInput;
}

/** Options of {@link MockDiscord.addChannel}. */
export interface AddChannelOptions {
  /** The guild to create the channel in. */
  guild: EntityRef;
  /** Channel name; default `channel-<n>`. */
  name?: string;
  /** Channel type; default a text channel. */
  type?: GuildChannelKind;
  /** Category to nest the channel in. */
  parent?: EntityRef;
  /** Channel topic (text and announcement channels). */
  topic?: string;
  /** Permission overwrites, used when computing members' permissions in this channel. */
  permissionOverwrites?: readonly APIOverwrite[];
}

/** Options of {@link MockDiscord.addRole}. */
export interface AddRoleOptions {
  /** The guild to create the role in. */
  guild: EntityRef;
  /** Role name; default `role-<n>`. */
  name?: string;
  /** The role's permissions; default none. */
  permissions?: PermissionInput;
  /** Role colour as an RGB integer; default 0. */
  color?: number;
}

/** Options of {@link MockDiscord.addMember}. */
export interface AddMemberOptions {
  /** The guild to add the member to. */
  guild: EntityRef;
  /** The user who becomes a member. */
  user: EntityRef;
  /** Role ids (or roles) of the member, besides @everyone. */
  roles?: readonly EntityRef[];
  /** Guild nickname; default none. */
  nick?: string | null;
}

/**
 * Permissions the bot's managed role gets by default: what a moderation bot is usually granted.
 * Pass `botPermissions` to {@link MockDiscord.addGuild} to test a bot with fewer.
 *
 * @example
 * ```ts
 * import { DEFAULT_BOT_PERMISSIONS, createMockDiscord } from 'soc-kit/testing';
 *
 * console.log(DEFAULT_BOT_PERMISSIONS.includes('BanMembers')); // true
 * const discord = await createMockDiscord();
 * const readOnly = discord.addGuild({ name: 'read-only', botPermissions: ['ViewChannel'] });
 * console.log(readOnly.name); // read-only
 * await discord.close();
 * ```
 */
export const DEFAULT_BOT_PERMISSIONS: readonly (keyof typeof PermissionFlagsBits)[] = [
  'ViewChannel',
  'SendMessages',
  'EmbedLinks',
  'AttachFiles',
  'ReadMessageHistory',
  'AddReactions',
  'UseApplicationCommands',
  'ManageMessages',
  'ManageRoles',
  'KickMembers',
  'BanMembers',
  'ModerateMembers',
  'ViewAuditLog',
];

const DEFAULT_EVERYONE_PERMISSIONS: readonly (keyof typeof PermissionFlagsBits)[] = [
  'ViewChannel',
  'SendMessages',
  'ReadMessageHistory',
  'AddReactions',
  'EmbedLinks',
  'AttachFiles',
  'UseApplicationCommands',
  'CreateInstantInvite',
  'ChangeNickname',
  'Connect',
  'Speak',
];

/** Internal member state; serialised to APIGuildMember on demand. */
export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  communicationDisabledUntil: string | null;
}

/** Internal reaction state of one emoji on one message. */
export interface ReactionRecord {
  emoji: { id: string | null; name: string | null };
  users: Set<string>;
}

/** Internal message state. */
export interface MessageRecord {
  message: APIMessage;
  reactions: Map<string, ReactionRecord>;
}

/** Internal channel state. */
export interface ChannelRecord {
  channel: MockChannel;
  guildId: string | null;
  messages: Map<string, MessageRecord>;
}

/** Internal ban state. */
export interface BanRecord {
  userId: string;
  reason: string | null;
}

/** Internal guild state. */
export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  roles: Map<string, APIRole>;
  channelIds: string[];
  members: Map<string, MemberRecord>;
  bans: Map<string, BanRecord>;
  commands: APIApplicationCommand[];
  botRoleId: string;
}

/**
 * The simulated Discord world: users, guilds, channels, roles, members, messages, commands.
 * Everything is plain data; REST routes and gateway events read and change it.
 */
export class MockState {
  readonly ids: SnowflakeGenerator;
  readonly clock: Clock;
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildRecord>();
  readonly channels = new Map<string, ChannelRecord>();
  readonly dmChannelByUser = new Map<string, string>();
  readonly globalCommands: APIApplicationCommand[] = [];
  /** Uploaded files by attachment id, served under `/attachments/...`. */
  readonly attachments = new Map<string, RecordedFile>();
  /** `http://127.0.0.1:PORT`, set once the server listens; used in attachment URLs. */
  baseUrl = 'http://127.0.0.1';
  readonly bot: APIUser;
  readonly applicationId: string;
  #userCount = 0;
  #guildCount = 0;
  #channelCount = 0;
  #roleCount = 0;

  constructor(clock: Clock, botName: string) {
    this.clock = clock;
    this.ids = new SnowflakeGenerator(clock);
    this.bot = this.addUser({ username: botName, bot: true });
    this.applicationId = this.bot.id;
  }

  isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  // ---- lookups -------------------------------------------------------------------------------

  user(ref: EntityRef): APIUser {
    const user = this.users.get(idOf(ref));
    if (user === undefined) throw unknown('user', idOf(ref));
    return user;
  }

  guild(ref: EntityRef): GuildRecord {
    const guild = this.guilds.get(idOf(ref));
    if (guild === undefined) throw unknown('guild', idOf(ref));
    return guild;
  }

  channel(ref: EntityRef): ChannelRecord {
    const channel = this.channels.get(idOf(ref));
    if (channel === undefined) throw unknown('channel', idOf(ref));
    return channel;
  }

  member(guild: GuildRecord, user: EntityRef): MemberRecord {
    const member = guild.members.get(idOf(user));
    if (member === undefined) {
      throw unknown('member', `${idOf(user)} in guild ${guild.id}`);
    }
    return member;
  }

  role(guild: GuildRecord, ref: EntityRef): APIRole {
    const role = guild.roles.get(idOf(ref));
    if (role === undefined) throw unknown('role', `${idOf(ref)} in guild ${guild.id}`);
    return role;
  }

  // ---- builders ------------------------------------------------------------------------------

  addUser(options: AddUserOptions = {}): APIUser {
    this.#userCount += 1;
    const id = options.id ?? this.ids.next();
    if (this.users.has(id)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `a user with id ${id} already exists`,
      );
    }
    const user: APIUser = {
      id,
      username: options.username ?? `user-${this.#userCount}`,
      discriminator: '0',
      global_name: options.globalName ?? null,
      avatar: null,
      ...(options.bot === true ? { bot: true } : {}),
    };
    this.users.set(id, user);
    return user;
  }

  addGuild(options: AddGuildOptions = {}): GuildRecord {
    this.#guildCount += 1;
    const id = this.ids.next();
    const owner =
      options.owner === undefined ? this.addUser({ username: 'owner' }) : this.user(options.owner);
    const everyone: APIRole = makeRole(
      id,
      '@everyone',
      resolvePermissions(options.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
      0,
      0,
    );
    const botRoleId = this.ids.next();
    const botRole: APIRole = {
      ...makeRole(
        botRoleId,
        this.bot.username,
        resolvePermissions(options.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
        1,
        0,
      ),
      managed: true,
      tags: { bot_id: this.bot.id },
    };
    const record: GuildRecord = {
      id,
      name: options.name ?? `Guild ${this.#guildCount}`,
      ownerId: owner.id,
      joinedAt: this.isoNow(),
      roles: new Map([
        [everyone.id, everyone],
        [botRole.id, botRole],
      ]),
      channelIds: [],
      members: new Map(),
      bans: new Map(),
      commands: [],
      botRoleId,
    };
    this.guilds.set(id, record);
    this.addMember({ guild: id, user: owner.id });
    this.addMember({ guild: id, user: this.bot.id, roles: [botRoleId] });
    return record;
  }

  addChannel(options: AddChannelOptions): MockGuildChannel {
    const guild = this.guild(options.guild);
    this.#channelCount += 1;
    const id = this.ids.next();
    const type = options.type ?? ChannelType.GuildText;
    const parentId = options.parent === undefined ? null : idOf(options.parent);
    if (
      parentId !== null &&
      this.channels.get(parentId)?.channel.type !== ChannelType.GuildCategory
    ) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `parent ${parentId} is not a category channel of guild ${guild.id}`,
      );
    }
    const base = {
      id,
      guild_id: guild.id,
      name: options.name ?? `channel-${this.#channelCount}`,
      position: guild.channelIds.length,
      permission_overwrites: [...(options.permissionOverwrites ?? [])],
      nsfw: false,
      flags: 0,
    };
    let channel: MockGuildChannel;
    switch (type) {
      case ChannelType.GuildText:
        channel = {
          ...base,
          type,
          parent_id: parentId,
          topic: options.topic ?? null,
          last_message_id: null,
          rate_limit_per_user: 0,
          last_pin_timestamp: null,
        };
        break;
      case ChannelType.GuildAnnouncement:
        channel = {
          ...base,
          type,
          parent_id: parentId,
          topic: options.topic ?? null,
          last_message_id: null,
          last_pin_timestamp: null,
        };
        break;
      case ChannelType.GuildVoice:
        channel = {
          ...base,
          type,
          parent_id: parentId,
          bitrate: 64_000,
          user_limit: 0,
          rtc_region: null,
          last_message_id: null,
          rate_limit_per_user: 0,
        };
        break;
      case ChannelType.GuildCategory:
        channel = { ...base, type };
        break;
      default:
        throw new MockDiscordError(
          'MOCK_DISCORD_INVALID_INPUT',
          `unsupported channel type ${String(type)}`,
        );
    }
    guild.channelIds.push(id);
    this.channels.set(id, { channel, guildId: guild.id, messages: new Map() });
    return channel;
  }

  addRole(options: AddRoleOptions): APIRole {
    const guild = this.guild(options.guild);
    this.#roleCount += 1;
    // New roles go just below the bot's role, which stays on top so the bot can manage them.
    const botRole = this.role(guild, guild.botRoleId);
    const role = makeRole(
      this.ids.next(),
      options.name ?? `role-${this.#roleCount}`,
      resolvePermissions(options.permissions ?? 0n),
      botRole.position,
      options.color ?? 0,
    );
    botRole.position += 1;
    guild.roles.set(role.id, role);
    return role;
  }

  addMember(options: AddMemberOptions): MemberRecord {
    const guild = this.guild(options.guild);
    const user = this.user(options.user);
    const roles = (options.roles ?? []).map((ref) => this.role(guild, ref).id);
    const member: MemberRecord = {
      userId: user.id,
      roles,
      nick: options.nick ?? null,
      joinedAt: this.isoNow(),
      communicationDisabledUntil: null,
    };
    guild.members.set(user.id, member);
    return member;
  }

  dmChannel(userRef: EntityRef): { channel: APIDMChannel; created: boolean } {
    const user = this.user(userRef);
    const existing = this.dmChannelByUser.get(user.id);
    if (existing !== undefined) {
      return { channel: this.channel(existing).channel as APIDMChannel, created: false };
    }
    const channel: APIDMChannel = {
      id: this.ids.next(),
      type: ChannelType.DM,
      name: null,
      recipients: [user],
      last_message_id: null,
    };
    this.channels.set(channel.id, { channel, guildId: null, messages: new Map() });
    this.dmChannelByUser.set(user.id, channel.id);
    return { channel, created: true };
  }

  // ---- serialisation ------------------------------------------------------------------------

  apiMember(guild: GuildRecord, member: MemberRecord): APIGuildMember {
    return {
      user: this.user(member.userId),
      nick: member.nick,
      avatar: null,
      banner: null,
      roles: [...member.roles],
      joined_at: member.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: GuildMemberFlags.CompletedOnboarding,
      pending: false,
      communication_disabled_until: member.communicationDisabledUntil,
    };
  }

  apiGuild(guild: GuildRecord): APIGuild {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: GuildVerificationLevel.None,
      default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
      explicit_content_filter: GuildExplicitContentFilter.Disabled,
      roles: [...guild.roles.values()],
      emojis: [],
      features: [],
      mfa_level: GuildMFALevel.None,
      application_id: null,
      system_channel_id: guild.channelIds[0] ?? null,
      system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: GuildPremiumTier.None,
      preferred_locale: Locale.EnglishUS,
      public_updates_channel_id: null,
      nsfw_level: GuildNSFWLevel.Default,
      premium_progress_bar_enabled: false,
      hub_type: null,
      safety_alerts_channel_id: null,
      incidents_data: null,
      stickers: [],
    };
  }

  guildCreate(guild: GuildRecord): GatewayGuildCreateDispatchData {
    const channels = guild.channelIds.map((id) => this.channel(id).channel as MockGuildChannel);
    return {
      ...this.apiGuild(guild),
      joined_at: guild.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      members: [...guild.members.values()].map((m) => this.apiMember(guild, m)),
      channels,
      threads: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  apiMessage(record: MessageRecord): APIMessage {
    if (record.reactions.size === 0) return record.message;
    const reactions: APIReaction[] = [...record.reactions.values()]
      .filter((r) => r.users.size > 0)
      .map((r) => ({
        count: r.users.size,
        count_details: { burst: 0, normal: r.users.size },
        me: r.users.has(this.bot.id),
        me_burst: false,
        emoji: r.emoji,
        burst_colors: [],
      }));
    return { ...record.message, reactions };
  }

  #storeAttachment(channel: ChannelRecord, file: RecordedFile): APIAttachment {
    const id = this.ids.next();
    const url = `${this.baseUrl}/attachments/${channel.channel.id}/${id}/${encodeURIComponent(file.name)}`;
    this.attachments.set(id, file);
    return {
      id,
      filename: file.name,
      size: file.data.byteLength,
      url,
      proxy_url: url,
      content_type: contentTypeOf(file),
    };
  }

  permissionsOf(guild: GuildRecord, userId: string, channelId?: string): bigint {
    const member = guild.members.get(userId);
    const channel = channelId === undefined ? undefined : this.channels.get(channelId)?.channel;
    const permissions = computePermissions({
      guildId: guild.id,
      ownerId: guild.ownerId,
      userId,
      memberRoleIds: member?.roles ?? [],
      roles: guild.roles,
      overwrites:
        channel !== undefined && 'permission_overwrites' in channel
          ? channel.permission_overwrites
          : undefined,
    });
    // A timed-out member keeps only ViewChannel and ReadMessageHistory, unless owner or admin.
    const until = member?.communicationDisabledUntil;
    if (
      until !== null &&
      until !== undefined &&
      Date.parse(until) > this.clock.now() &&
      (permissions & PermissionFlagsBits.Administrator) === 0n
    ) {
      return (
        permissions & (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory)
      );
    }
    return permissions;
  }

  /** Builds and stores a message; `mentions` come from `<@id>` tokens in the content. */
  createMessage(input: {
    channel: ChannelRecord;
    author: APIUser;
    content: string;
    embeds?: APIMessage['embeds'] | undefined;
    components?: APIMessage['components'] | undefined;
    flags?: number | undefined;
    reference?: { message_id?: string | undefined } | undefined;
    /** For a reply: add the replied-to author to `mentions` (unless it is the author). */
    mentionRepliedUser?: boolean | undefined;
    webhookId?: string | undefined;
    interaction?: APIMessage['interaction_metadata'] | undefined;
    type?: MessageType | undefined;
    files?: readonly RecordedFile[] | undefined;
  }): MessageRecord {
    const { channel, author, content } = input;
    const referenced =
      input.reference?.message_id === undefined
        ? undefined
        : channel.messages.get(input.reference.message_id)?.message;
    const mentionIds = [...content.matchAll(/<@!?(\d{15,25})>/g)].map((m) => m[1] as string);
    if (
      input.mentionRepliedUser === true &&
      referenced !== undefined &&
      referenced.author.id !== author.id
    ) {
      mentionIds.push(referenced.author.id);
    }
    const mentions = [...new Set(mentionIds)]
      .map((id) => this.users.get(id))
      .filter((u): u is APIUser => u !== undefined);
    const roleMentions = [
      ...new Set([...content.matchAll(/<@&(\d{15,25})>/g)].map((m) => m[1] as string)),
    ];
    const message: APIMessage = {
      id: this.ids.next(),
      channel_id: channel.channel.id,
      author,
      content,
      timestamp: this.isoNow(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: /@(everyone|here)\b/.test(content),
      mentions,
      mention_roles: roleMentions,
      attachments: (input.files ?? []).map((file) => this.#storeAttachment(channel, file)),
      embeds: (input.embeds ?? []).map((e) => ({ type: EmbedType.Rich, ...e })),
      pinned: false,
      type: input.type ?? (referenced === undefined ? MessageType.Default : MessageType.Reply),
      flags: input.flags ?? 0,
      components: input.components ?? [],
      ...(input.webhookId === undefined ? {} : { webhook_id: input.webhookId }),
      ...(input.interaction === undefined ? {} : { interaction_metadata: input.interaction }),
      ...(referenced === undefined
        ? {}
        : {
            message_reference: {
              type: 0,
              message_id: referenced.id,
              channel_id: channel.channel.id,
              ...(channel.guildId === null ? {} : { guild_id: channel.guildId }),
            },
            referenced_message: referenced,
          }),
    };
    const record: MessageRecord = { message, reactions: new Map() };
    channel.messages.set(message.id, record);
    if ('last_message_id' in channel.channel) channel.channel.last_message_id = message.id;
    return record;
  }
}

function makeRole(
  id: string,
  name: string,
  permissions: bigint,
  position: number,
  color: number,
): APIRole {
  return {
    id,
    name,
    color,
    colors: { primary_color: color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    // No role flags set; the enum has no zero member, hence the cast.
    flags: 0 as RoleFlags,
  };
}

function unknown(kind: string, id: string): MockDiscordError {
  return new MockDiscordError(
    'MOCK_DISCORD_UNKNOWN_ENTITY',
    `unknown ${kind} ${id}; create it with the simulator's builder API first`,
  );
}

/** Every guild text-capable channel type. */
export function isTextChannel(channel: APIChannel): boolean {
  return (
    channel.type === ChannelType.GuildText ||
    channel.type === ChannelType.GuildAnnouncement ||
    channel.type === ChannelType.GuildVoice ||
    channel.type === ChannelType.DM
  );
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Discord derives a type from the file name when the client sent a generic one. */
export function contentTypeOf(file: RecordedFile): string {
  if (file.contentType !== 'application/octet-stream') return file.contentType;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return TYPES_BY_EXTENSION[extension] ?? file.contentType;
}
