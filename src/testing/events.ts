import { GatewayDispatchEvents, GatewayIntentBits } from 'discord-api-types/v10';
import type {
  APIGuildMemberNoUser,
  APIInteraction,
  APIMessage,
  APIUser,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
  GatewayMessageUpdateDispatchData,
  TextChannelType,
} from 'discord-api-types/v10';
import type { GatewayServer } from './gateway.js';
import type {
  ChannelRecord,
  GuildRecord,
  MemberRecord,
  MessageRecord,
  MockGuildChannel,
  MockState,
} from './state.js';

/** The intent a session needs to receive message events of `channel`. */
function messageIntent(channel: ChannelRecord): GatewayIntentBits {
  return channel.guildId === null
    ? GatewayIntentBits.DirectMessages
    : GatewayIntentBits.GuildMessages;
}

/**
 * Turns state changes into gateway dispatches with the intents Discord requires for each, and
 * strips message content for sessions without the MessageContent intent (as Discord does, except
 * in DMs, for the bot's own messages and for messages that mention the bot).
 */
export class EventDispatcher {
  readonly #state: MockState;
  readonly #gateway: GatewayServer;

  constructor(state: MockState, gateway: GatewayServer) {
    this.#state = state;
    this.#gateway = gateway;
  }

  get gateway(): GatewayServer {
    return this.#gateway;
  }

  messageCreate(channel: ChannelRecord, record: MessageRecord): GatewayMessageCreateDispatchData {
    const data = this.#withGuildContext(channel, this.#state.apiMessage(record));
    this.#gateway.dispatch(GatewayDispatchEvents.MessageCreate, data, {
      intent: messageIntent(channel),
      withoutMessageContent: (d) => this.#redact(channel, d as APIMessage),
    });
    return data;
  }

  messageUpdate(channel: ChannelRecord, record: MessageRecord): void {
    const data: GatewayMessageUpdateDispatchData = this.#withGuildContext(
      channel,
      this.#state.apiMessage(record),
    );
    this.#gateway.dispatch(GatewayDispatchEvents.MessageUpdate, data, {
      intent: messageIntent(channel),
      withoutMessageContent: (d) => this.#redact(channel, d as APIMessage),
    });
  }

  messageDelete(channel: ChannelRecord, messageId: string): void {
    this.#gateway.dispatch(
      GatewayDispatchEvents.MessageDelete,
      {
        id: messageId,
        channel_id: channel.channel.id,
        ...(channel.guildId === null ? {} : { guild_id: channel.guildId }),
      },
      {
        intent: messageIntent(channel),
      },
    );
  }

  messageDeleteBulk(channel: ChannelRecord, ids: readonly string[]): void {
    this.#gateway.dispatch(
      GatewayDispatchEvents.MessageDeleteBulk,
      {
        ids: [...ids],
        channel_id: channel.channel.id,
        ...(channel.guildId === null ? {} : { guild_id: channel.guildId }),
      },
      {
        intent: messageIntent(channel),
      },
    );
  }

  reactionAdd(
    channel: ChannelRecord,
    record: MessageRecord,
    userId: string,
    emoji: { id: string | null; name: string | null },
  ): GatewayMessageReactionAddDispatchData {
    const guild = channel.guildId === null ? undefined : this.#state.guild(channel.guildId);
    const member = guild?.members.get(userId);
    const data: GatewayMessageReactionAddDispatchData = {
      user_id: userId,
      channel_id: channel.channel.id,
      message_id: record.message.id,
      emoji,
      message_author_id: record.message.author.id,
      burst: false,
      burst_colors: [],
      type: 0,
      ...(guild === undefined ? {} : { guild_id: guild.id }),
      ...(guild === undefined || member === undefined
        ? {}
        : { member: this.#state.apiMember(guild, member) }),
    };
    this.#gateway.dispatch(GatewayDispatchEvents.MessageReactionAdd, data, {
      intent:
        guild === undefined
          ? GatewayIntentBits.DirectMessageReactions
          : GatewayIntentBits.GuildMessageReactions,
    });
    return data;
  }

  reactionRemove(
    channel: ChannelRecord,
    record: MessageRecord,
    userId: string,
    emoji: { id: string | null; name: string | null },
  ): void {
    const data: GatewayMessageReactionRemoveDispatchData = {
      user_id: userId,
      channel_id: channel.channel.id,
      message_id: record.message.id,
      emoji,
      burst: false,
      type: 0,
      ...(channel.guildId === null ? {} : { guild_id: channel.guildId }),
    };
    this.#gateway.dispatch(GatewayDispatchEvents.MessageReactionRemove, data, {
      intent:
        channel.guildId === null
          ? GatewayIntentBits.DirectMessageReactions
          : GatewayIntentBits.GuildMessageReactions,
    });
  }

  reactionRemoveAll(channel: ChannelRecord, record: MessageRecord): void {
    this.#gateway.dispatch(
      GatewayDispatchEvents.MessageReactionRemoveAll,
      {
        channel_id: channel.channel.id,
        message_id: record.message.id,
        ...(channel.guildId === null ? {} : { guild_id: channel.guildId }),
      },
      {
        intent:
          channel.guildId === null
            ? GatewayIntentBits.DirectMessageReactions
            : GatewayIntentBits.GuildMessageReactions,
      },
    );
  }

  memberAdd(guild: GuildRecord, member: MemberRecord): GatewayGuildMemberAddDispatchData {
    const data: GatewayGuildMemberAddDispatchData = {
      ...this.#state.apiMember(guild, member),
      guild_id: guild.id,
    };
    this.#gateway.dispatch(GatewayDispatchEvents.GuildMemberAdd, data, {
      intent: GatewayIntentBits.GuildMembers,
    });
    return data;
  }

  memberRemove(guild: GuildRecord, user: APIUser): GatewayGuildMemberRemoveDispatchData {
    const data: GatewayGuildMemberRemoveDispatchData = { guild_id: guild.id, user };
    this.#gateway.dispatch(GatewayDispatchEvents.GuildMemberRemove, data, {
      intent: GatewayIntentBits.GuildMembers,
    });
    return data;
  }

  memberUpdate(guild: GuildRecord, member: MemberRecord): void {
    const { avatar, banner, ...rest } = this.#state.apiMember(guild, member);
    this.#gateway.dispatch(
      GatewayDispatchEvents.GuildMemberUpdate,
      { ...rest, avatar: avatar ?? null, banner: banner ?? null, guild_id: guild.id },
      { intent: GatewayIntentBits.GuildMembers },
    );
  }

  banAdd(guild: GuildRecord, user: APIUser): void {
    this.#gateway.dispatch(
      GatewayDispatchEvents.GuildBanAdd,
      { guild_id: guild.id, user },
      { intent: GatewayIntentBits.GuildModeration },
    );
  }

  banRemove(guild: GuildRecord, user: APIUser): void {
    this.#gateway.dispatch(
      GatewayDispatchEvents.GuildBanRemove,
      { guild_id: guild.id, user },
      { intent: GatewayIntentBits.GuildModeration },
    );
  }

  channelCreate(channel: MockGuildChannel): void {
    this.#gateway.dispatch(GatewayDispatchEvents.ChannelCreate, channel, {
      intent: GatewayIntentBits.Guilds,
    });
  }

  guildCreate(guild: GuildRecord): void {
    this.#gateway.dispatch(GatewayDispatchEvents.GuildCreate, this.#state.guildCreate(guild), {
      intent: GatewayIntentBits.Guilds,
    });
  }

  interactionCreate(interaction: APIInteraction): void {
    this.#gateway.dispatch(GatewayDispatchEvents.InteractionCreate, interaction, { intent: null });
  }

  #withGuildContext(channel: ChannelRecord, message: APIMessage): GatewayMessageCreateDispatchData {
    // TextChannelType excludes categories, which never carry messages.
    const channelType = channel.channel.type as TextChannelType;
    if (channel.guildId === null) return { ...message, channel_type: channelType };
    const guild = this.#state.guild(channel.guildId);
    const partialMember = (userId: string): APIGuildMemberNoUser | undefined => {
      const member = guild.members.get(userId);
      if (member === undefined) return undefined;
      const { user: _user, ...rest } = this.#state.apiMember(guild, member);
      return rest;
    };
    const mentions = message.mentions.map((user) => {
      const member = partialMember(user.id);
      return member === undefined ? user : { ...user, member };
    });
    const author = message.webhook_id === undefined ? partialMember(message.author.id) : undefined;
    return {
      ...message,
      mentions,
      guild_id: guild.id,
      channel_type: channelType,
      ...(author === undefined ? {} : { member: author }),
    };
  }

  #redact(channel: ChannelRecord, message: APIMessage): APIMessage {
    const botId = this.#state.bot.id;
    if (
      channel.guildId === null ||
      message.author.id === botId ||
      message.mentions.some((u) => u.id === botId)
    ) {
      return message;
    }
    return { ...message, content: '', embeds: [], attachments: [], components: [] };
  }
}
