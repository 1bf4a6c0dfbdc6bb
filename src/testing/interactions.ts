import { randomBytes } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  Locale,
} from 'discord-api-types/v10';
import type {
  APIApplicationCommandInteractionDataBasicOption,
  APIApplicationCommandInteractionDataOption,
  APIApplicationCommandOption,
  APIChatInputApplicationCommandInteraction,
  APIInteractionDataResolved,
  APIInteractionDataResolvedChannel,
  APIMessageComponentInteraction,
  APIUser,
  InteractionType as InteractionTypeEnum,
} from 'discord-api-types/v10';
import { MockDiscordError } from './mock-discord-error.js';
import { idOf } from './state.js';
import type { EntityRef, GuildRecord, HasId, MessageRef, MockState } from './state.js';

/** A value for one slash-command option: a primitive, or a fixture (user, role, channel) or its id. */
export type SlashOptionValue = string | number | boolean | HasId;

/** What {@link MockDiscord.invokeSlash} needs to build a ChatInput interaction. */
export interface InvokeSlashOptions {
  /** The user who runs the command. */
  user: EntityRef;
  /**
   * Command name; add the subcommand (and group) after a space, e.g. `'config set'` or
   * `'admin roles add'`.
   */
  name: string;
  /**
   * Option values by name. When the command was registered (PUT commands), option types come
   * from its definition; otherwise they are inferred: boolean, integer or number, string, and
   * fixture objects as user, role or channel.
   */
  options?: Readonly<Record<string, SlashOptionValue>>;
  /** Guild to run in; default the fixture guild. `null` runs the command in the user's DM. */
  guild?: EntityRef | null;
  /** Channel to run in; default the guild's first text channel (or the DM channel). */
  channel?: EntityRef;
  /** The user's locale. Default `en-US`. */
  locale?: Locale;
}

type DataOption =
  APIApplicationCommandInteractionDataOption<InteractionTypeEnum.ApplicationCommand>;
type BasicOption =
  APIApplicationCommandInteractionDataBasicOption<InteractionTypeEnum.ApplicationCommand>;

interface BuildContext {
  state: MockState;
  guild: GuildRecord | undefined;
  channelId: string;
  resolved: APIInteractionDataResolved;
}

/** Builds a ChatInput interaction exactly as Discord would send it in INTERACTION_CREATE. */
export function buildChatInputInteraction(
  state: MockState,
  input: InvokeSlashOptions,
  defaultGuild: GuildRecord | undefined,
): APIChatInputApplicationCommandInteraction {
  const user = state.user(input.user);
  const guild =
    input.guild === null
      ? undefined
      : input.guild === undefined
        ? defaultGuild
        : state.guild(input.guild);
  const [commandName, ...path] = input.name.trim().split(/\s+/);
  if (commandName === undefined || commandName === '' || path.length > 2) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `invokeSlash name must be "command", "command sub" or "command group sub", got "${input.name}"`,
    );
  }
  let channelId: string;
  if (input.channel !== undefined) {
    channelId = idOf(input.channel);
    const channel = state.channel(channelId);
    if (channel.guildId !== (guild?.id ?? null)) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `channel ${channelId} is not in ${guild === undefined ? 'a DM' : `guild ${guild.id}`}`,
      );
    }
  } else if (guild !== undefined) {
    const first = guild.channelIds.find(
      (id) => state.channel(id).channel.type === ChannelType.GuildText,
    );
    if (first === undefined) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `guild ${guild.id} has no text channel to run the command in`,
      );
    }
    channelId = first;
  } else {
    channelId = state.dmChannel(user).channel.id;
  }
  if (guild !== undefined && !guild.members.has(user.id)) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `user ${user.id} is not a member of guild ${guild.id}`,
    );
  }

  const registered =
    guild?.commands.find((c) => c.name === commandName) ??
    state.globalCommands.find((c) => c.name === commandName);
  const context: BuildContext = { state, guild, channelId, resolved: {} };
  const values = input.options ?? {};
  let definitions: readonly APIApplicationCommandOption[] | undefined = registered?.options ?? [];
  if (registered === undefined) definitions = undefined;

  // Wrap the leaf options in subcommand / group options, following the registered definition.
  let leafDefinitions = definitions;
  const wrappers: {
    name: string;
    type: ApplicationCommandOptionType.Subcommand | ApplicationCommandOptionType.SubcommandGroup;
  }[] = [];
  for (const [depth, part] of path.entries()) {
    const type =
      depth === 0 && path.length === 2
        ? ApplicationCommandOptionType.SubcommandGroup
        : ApplicationCommandOptionType.Subcommand;
    if (leafDefinitions !== undefined) {
      const found = leafDefinitions.find((d) => d.name === part && d.type === type);
      if (found === undefined || !('options' in found)) {
        throw new MockDiscordError(
          'MOCK_DISCORD_INVALID_INPUT',
          `command "${commandName}" has no ${type === ApplicationCommandOptionType.Subcommand ? 'subcommand' : 'subcommand group'} "${part}"`,
        );
      }
      leafDefinitions = (found.options ?? []) as readonly APIApplicationCommandOption[];
    }
    wrappers.push({ name: part, type });
  }

  let options: DataOption[] = buildLeafOptions(context, values, leafDefinitions, input.name);
  for (const wrapper of wrappers.reverse()) {
    if (wrapper.type === ApplicationCommandOptionType.Subcommand) {
      options = [{ name: wrapper.name, type: wrapper.type, options: options as BasicOption[] }];
    } else {
      options = [
        {
          name: wrapper.name,
          type: wrapper.type,
          options: options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand),
        },
      ];
    }
  }

  const hasResolved = Object.keys(context.resolved).length > 0;
  return {
    ...interactionContext(state, user, guild, channelId, input.locale),
    type: InteractionType.ApplicationCommand,
    data: {
      id: registered?.id ?? state.ids.next(),
      name: commandName,
      type: ApplicationCommandType.ChatInput,
      ...(options.length > 0 ? { options } : {}),
      ...(hasResolved ? { resolved: context.resolved } : {}),
      ...(registered?.guild_id === undefined ? {} : { guild_id: registered.guild_id }),
    },
  };
}

/** What {@link MockDiscord.clickComponent} needs to build a message-component interaction. */
export interface ClickComponentOptions {
  /** The user who clicks. */
  user: EntityRef;
  /** The message that carries the component (as returned by the simulator or discord.js). */
  message: MessageRef;
  /** The component's `custom_id`. */
  customId: string;
  /** For a string select menu: the chosen values. */
  values?: readonly string[];
  /** The user's locale. Default `en-US`. */
  locale?: Locale;
}

/** Builds a button or string-select interaction for a component on a stored message. */
export function buildComponentInteraction(
  state: MockState,
  input: ClickComponentOptions,
): APIMessageComponentInteraction {
  const user = state.user(input.user);
  const channel = state.channel(input.message.channel_id);
  const record = channel.messages.get(input.message.id);
  if (record === undefined) {
    throw new MockDiscordError(
      'MOCK_DISCORD_UNKNOWN_ENTITY',
      `unknown message ${input.message.id} in channel ${channel.channel.id}`,
    );
  }
  const components = collectComponents(record.message.components ?? []);
  const component = components.find((c) => c.custom_id === input.customId);
  if (component === undefined) {
    const known = components.map((c) => c.custom_id).join(', ') || '(none)';
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `message ${record.message.id} has no component with custom_id "${input.customId}"; it has: ${known}`,
    );
  }
  const guild = channel.guildId === null ? undefined : state.guild(channel.guildId);
  if (guild !== undefined && !guild.members.has(user.id)) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `user ${user.id} is not a member of guild ${guild.id}`,
    );
  }
  const base = {
    ...interactionContext(state, user, guild, channel.channel.id, input.locale),
    type: InteractionType.MessageComponent as const,
    message: state.apiMessage(record),
  };
  if (component.type === ComponentType.StringSelect) {
    return {
      ...base,
      data: {
        custom_id: input.customId,
        component_type: ComponentType.StringSelect,
        values: [...(input.values ?? [])],
      },
    };
  }
  if (component.type !== ComponentType.Button || input.values !== undefined) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `component "${input.customId}" is a ${ComponentType[component.type]}; clickComponent supports buttons, and string selects with values`,
    );
  }
  return { ...base, data: { custom_id: input.customId, component_type: ComponentType.Button } };
}

interface FoundComponent {
  type: ComponentType;
  custom_id: string;
}

function collectComponents(components: readonly unknown[]): FoundComponent[] {
  const found: FoundComponent[] = [];
  for (const component of components) {
    if (typeof component !== 'object' || component === null) continue;
    const {
      type,
      custom_id: customId,
      components: children,
    } = component as {
      type?: unknown;
      custom_id?: unknown;
      components?: unknown;
    };
    if (typeof customId === 'string' && typeof type === 'number')
      found.push({ type, custom_id: customId });
    if (Array.isArray(children)) found.push(...collectComponents(children));
  }
  return found;
}

/** The fields every interaction shares: ids, token, channel, user or member, permissions. */
function interactionContext(
  state: MockState,
  user: APIUser,
  guild: GuildRecord | undefined,
  channelId: string,
  locale: Locale | undefined,
) {
  const channel = state.channel(channelId).channel;
  const appPermissions =
    guild === undefined ? 0n : state.permissionsOf(guild, state.bot.id, channelId);
  const base = {
    id: state.ids.next(),
    application_id: state.applicationId,
    channel,
    channel_id: channel.id,
    token: randomBytes(32).toString('base64url'),
    version: 1 as const,
    app_permissions: appPermissions.toString(),
    locale: locale ?? Locale.EnglishUS,
    entitlements: [],
    attachment_size_limit: 8 * 1024 * 1024,
  };
  if (guild === undefined) {
    return {
      ...base,
      user,
      context: InteractionContextType.BotDM,
      authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: '0' },
    };
  }
  const member = state.member(guild, user.id);
  return {
    ...base,
    guild_id: guild.id,
    guild: { id: guild.id, locale: Locale.EnglishUS, features: [] },
    guild_locale: Locale.EnglishUS,
    member: {
      ...state.apiMember(guild, member),
      user,
      permissions: state.permissionsOf(guild, user.id, channelId).toString(),
    },
    context: InteractionContextType.Guild,
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: guild.id },
  };
}

function buildLeafOptions(
  context: BuildContext,
  values: Readonly<Record<string, SlashOptionValue>>,
  definitions: readonly APIApplicationCommandOption[] | undefined,
  commandLabel: string,
): DataOption[] {
  const options: DataOption[] = [];
  if (definitions !== undefined) {
    for (const definition of definitions) {
      if (
        'required' in definition &&
        definition.required === true &&
        !(definition.name in values)
      ) {
        throw new MockDiscordError(
          'MOCK_DISCORD_INVALID_INPUT',
          `"/${commandLabel}" needs option "${definition.name}"; Discord's client would not send it without one`,
        );
      }
    }
  }
  for (const [name, value] of Object.entries(values)) {
    const definition = definitions?.find((d) => d.name === name);
    if (definitions !== undefined && definition === undefined) {
      const known = definitions.map((d) => d.name).join(', ') || '(none)';
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `"/${commandLabel}" has no option "${name}"; registered options: ${known}`,
      );
    }
    const type = definition?.type ?? inferType(context, value);
    options.push(buildOption(context, name, type, value));
  }
  return options;
}

function inferType(context: BuildContext, value: SlashOptionValue): ApplicationCommandOptionType {
  if (typeof value === 'boolean') return ApplicationCommandOptionType.Boolean;
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  }
  if (typeof value === 'string') return ApplicationCommandOptionType.String;
  const id = value.id;
  if (context.state.users.has(id)) return ApplicationCommandOptionType.User;
  if (context.guild?.roles.has(id) === true) return ApplicationCommandOptionType.Role;
  if (context.state.channels.has(id)) return ApplicationCommandOptionType.Channel;
  throw new MockDiscordError(
    'MOCK_DISCORD_INVALID_INPUT',
    `option value with id ${id} is not a known user, role or channel; register the command to give its type`,
  );
}

function buildOption(
  context: BuildContext,
  name: string,
  type: ApplicationCommandOptionType,
  value: SlashOptionValue,
): BasicOption {
  const wrongType = (expected: string): MockDiscordError =>
    new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `option "${name}" expects ${expected}, got ${typeof value === 'object' ? `object ${value.id}` : JSON.stringify(value)}`,
    );
  switch (type) {
    case ApplicationCommandOptionType.String:
      if (typeof value !== 'string') throw wrongType('a string');
      return { name, type, value };
    case ApplicationCommandOptionType.Integer:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw wrongType('an integer');
      return { name, type, value };
    case ApplicationCommandOptionType.Number:
      if (typeof value !== 'number') throw wrongType('a number');
      return { name, type, value };
    case ApplicationCommandOptionType.Boolean:
      if (typeof value !== 'boolean') throw wrongType('a boolean');
      return { name, type, value };
    case ApplicationCommandOptionType.User: {
      const id = refValue(value, wrongType);
      resolveUser(context, id);
      return { name, type, value: id };
    }
    case ApplicationCommandOptionType.Role: {
      const id = refValue(value, wrongType);
      resolveRole(context, id);
      return { name, type, value: id };
    }
    case ApplicationCommandOptionType.Mentionable: {
      const id = refValue(value, wrongType);
      if (context.state.users.has(id)) resolveUser(context, id);
      else resolveRole(context, id);
      return { name, type, value: id };
    }
    case ApplicationCommandOptionType.Channel: {
      const id = refValue(value, wrongType);
      resolveChannel(context, id);
      return { name, type, value: id };
    }
    default:
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `option "${name}" has type ${ApplicationCommandOptionType[type]}, which invokeSlash does not support`,
      );
  }
}

function refValue(
  value: SlashOptionValue,
  wrongType: (expected: string) => MockDiscordError,
): string {
  if (typeof value === 'object') return value.id;
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  throw wrongType('a fixture object or an id');
}

function resolveUser(context: BuildContext, id: string): void {
  const { state, guild, resolved } = context;
  const user = state.user(id);
  resolved.users = { ...resolved.users, [id]: user };
  const member = guild?.members.get(id);
  if (guild !== undefined && member !== undefined) {
    const { user: _user, ...rest } = state.apiMember(guild, member);
    resolved.members = {
      ...resolved.members,
      [id]: { ...rest, permissions: state.permissionsOf(guild, id, context.channelId).toString() },
    };
  }
}

function resolveRole(context: BuildContext, id: string): void {
  const { state, guild, resolved } = context;
  if (guild === undefined) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `role option ${id} needs a guild; the command runs in a DM`,
    );
  }
  resolved.roles = { ...resolved.roles, [id]: state.role(guild, id) };
}

function resolveChannel(context: BuildContext, id: string): void {
  const { state, guild, resolved } = context;
  const channel = state.channel(id).channel;
  const entry = {
    id: channel.id,
    type: channel.type,
    name: 'name' in channel && channel.name !== null ? channel.name : '',
    permissions: (guild === undefined
      ? 0n
      : state.permissionsOf(guild, state.bot.id, id)
    ).toString(),
  } as APIInteractionDataResolvedChannel;
  resolved.channels = { ...resolved.channels, [id]: entry };
}
