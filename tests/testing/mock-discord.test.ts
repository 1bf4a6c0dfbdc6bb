import {
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { MockDiscordError, createMockDiscord } from '../../src/testing/index.js';
import type { MockDiscord } from '../../src/testing/index.js';

const open: MockDiscord[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function sim(): Promise<MockDiscord> {
  const discord = await createMockDiscord({
    token: 'fixed-token',
    botName: 'sentinel',
    guildName: 'Lab',
  });
  open.push(discord);
  return discord;
}

async function register(discord: MockDiscord, commands: unknown[]): Promise<void> {
  const response = await fetch(
    `${discord.clientOptions.rest.api}/v10/applications/${discord.fixtures.application.id}/commands`,
    {
      method: 'PUT',
      headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(commands),
    },
  );
  expect(response.status).toBe(200);
}

describe('createMockDiscord', () => {
  it('listens on 127.0.0.1 with the given token and names, and seeds the fixtures', async () => {
    const discord = await sim();
    expect(discord.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(discord.gatewayUrl).toBe(`${discord.url.replace('http', 'ws')}/gateway`);
    expect(discord.clientOptions).toEqual({ rest: { api: `${discord.url}/api`, offset: 0 } });
    expect(discord.token).toBe('fixed-token');
    const { fixtures } = discord;
    expect(fixtures.bot).toMatchObject({ username: 'sentinel', bot: true });
    expect(fixtures.guild).toMatchObject({ name: 'Lab', owner_id: fixtures.users.owner.id });
    expect(fixtures.roles.everyone.id).toBe(fixtures.guild.id);
    expect(fixtures.roles.bot.position).toBeGreaterThan(fixtures.roles.admin.position);
    expect(BigInt(fixtures.roles.admin.permissions)).toBe(PermissionFlagsBits.Administrator);
    expect(discord.member(fixtures.users.alice)?.roles).toEqual([fixtures.roles.moderator.id]);
    expect(discord.member(discord.addUser())).toBeUndefined();
  });
});

describe('builders', () => {
  it('adds users, guilds, channels, roles, members and DMs', async () => {
    const discord = await sim();
    const carol = discord.addUser({
      username: 'carol',
      globalName: 'Carol',
      id: '123456789012345678',
    });
    expect(carol).toMatchObject({ id: '123456789012345678', global_name: 'Carol' });
    expect(() => discord.addUser({ id: carol.id })).toThrow(/already exists/);
    const guild = discord.addGuild({ owner: carol, everyonePermissions: '0' });
    const category = discord.addChannel({ guild, name: 'Staff', type: ChannelType.GuildCategory });
    const text = discord.addChannel({ guild, parent: category, topic: 'staff only' });
    const news = discord.addChannel({ guild, type: ChannelType.GuildAnnouncement });
    const voice = discord.addChannel({ guild, type: ChannelType.GuildVoice });
    expect([text.type, news.type, voice.type]).toEqual([
      ChannelType.GuildText,
      ChannelType.GuildAnnouncement,
      ChannelType.GuildVoice,
    ]);
    expect(text).toMatchObject({ parent_id: category.id, topic: 'staff only', guild_id: guild.id });
    expect(() => discord.addChannel({ guild, parent: text })).toThrow(/not a category/);
    expect(() => discord.addChannel({ guild, type: ChannelType.GuildForum as never })).toThrow(
      /unsupported channel type/,
    );
    const role = discord.addRole({ guild, permissions: ['BanMembers'], color: 0xff0000 });
    expect(role).toMatchObject({
      color: 0xff0000,
      permissions: PermissionFlagsBits.BanMembers.toString(),
    });
    expect(
      discord.addMember({ guild, user: discord.fixtures.users.bob, roles: [role], nick: 'b' }),
    ).toMatchObject({ nick: 'b', roles: [role.id] });
    expect(() =>
      discord.addMember({ guild, user: discord.fixtures.users.bob, roles: ['1'] }),
    ).toThrow(MockDiscordError);
    expect(() => discord.addMember({ guild: '1', user: carol })).toThrow(/unknown guild 1/);
    const dm = discord.createDm(carol);
    expect(discord.createDm(carol)).toBe(dm);
    expect(() => discord.createDm('1')).toThrow(/unknown user/);
    expect(() => discord.messages('1')).toThrow(/unknown channel/);
  });

  it('rejects impossible events with clear errors', async () => {
    const discord = await sim();
    const { users, channels, guild } = discord.fixtures;
    const stranger = discord.addUser();
    expect(() =>
      discord.sendMessage({ author: stranger, channel: channels.general, content: 'x' }),
    ).toThrow(/not a member/);
    const category = discord.addChannel({ guild, type: ChannelType.GuildCategory });
    expect(() =>
      discord.sendMessage({ author: users.bob, channel: category, content: 'x' }),
    ).toThrow(/category/);
    expect(() =>
      discord.sendMessage({
        author: users.bob,
        channel: channels.general,
        content: 'x',
        replyTo: '1',
      }),
    ).toThrow(/not in channel/);
    expect(() => discord.memberJoin({ user: users.bob })).toThrow(/already a member/);
    expect(() => discord.memberLeave({ user: stranger })).toThrow(/unknown member/);
    try {
      discord.memberLeave({ user: stranger });
    } catch (error) {
      expect(error).toMatchObject({
        code: 'MOCK_DISCORD_UNKNOWN_ENTITY',
        name: 'MockDiscordError',
      });
    }
  });

  it('fills mention fields and replies from sendMessage', async () => {
    const discord = await sim();
    const { users, channels, roles } = discord.fixtures;
    const first = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'hello',
    });
    const reply = discord.sendMessage({
      author: users.alice,
      channel: channels.general,
      content: `<@!${users.bob.id}> <@${users.bob.id}> <@&${roles.moderator.id}> @here`,
      replyTo: first,
      embeds: [{ title: 'note' }],
    });
    expect(reply.mentions.map((u) => u.id)).toEqual([users.bob.id]);
    expect(reply.mention_roles).toEqual([roles.moderator.id]);
    expect(reply.mention_everyone).toBe(true);
    expect(reply.referenced_message?.id).toBe(first.id);
    expect(reply.type).toBe(19);
    expect(reply.embeds).toEqual([{ type: 'rich', title: 'note' }]);
    expect(reply.channel_type).toBe(ChannelType.GuildText);
  });

  it('fails login with a clear timeout when the client never gets ready', async () => {
    const discord = await sim();
    const stuck = {
      login: () => Promise.resolve('ok'),
      once: () => undefined,
      off: () => undefined,
    };
    await expect(discord.login(stuck, { timeoutMs: 20 })).rejects.toThrow(
      /not ready within 20 ms; gateway log: \(nothing\)/,
    );
    discord.clearRequests();
    expect(discord.requests).toEqual([]);
  });
});

describe('invokeSlash', () => {
  it('types options from the registered command, through subcommand groups', async () => {
    const discord = await sim();
    const { users, roles, channels } = discord.fixtures;
    await register(discord, [
      {
        name: 'admin',
        description: 'Admin tools',
        options: [
          {
            type: ApplicationCommandOptionType.SubcommandGroup,
            name: 'roles',
            description: 'Roles',
            options: [
              {
                type: ApplicationCommandOptionType.Subcommand,
                name: 'grant',
                description: 'Grant',
                options: [
                  {
                    type: ApplicationCommandOptionType.Mentionable,
                    name: 'who',
                    description: 'Who',
                    required: true,
                  },
                  { type: ApplicationCommandOptionType.Role, name: 'role', description: 'Role' },
                  { type: ApplicationCommandOptionType.Channel, name: 'log', description: 'Log' },
                  {
                    type: ApplicationCommandOptionType.Number,
                    name: 'weight',
                    description: 'Weight',
                  },
                  {
                    type: ApplicationCommandOptionType.Boolean,
                    name: 'silent',
                    description: 'Silent',
                  },
                  {
                    type: ApplicationCommandOptionType.Attachment,
                    name: 'file',
                    description: 'File',
                  },
                ],
              },
            ],
          },
        ],
      },
    ]);
    const interaction = discord.invokeSlash({
      user: users.owner,
      name: 'admin roles grant',
      options: {
        who: users.bob.id,
        role: roles.moderator,
        log: channels.modLog,
        weight: 1.5,
        silent: true,
      },
    });
    const group = interaction.data.options?.[0];
    expect(group).toMatchObject({
      name: 'roles',
      type: ApplicationCommandOptionType.SubcommandGroup,
    });
    const sub = group !== undefined && 'options' in group ? group.options?.[0] : undefined;
    expect(sub).toMatchObject({
      name: 'grant',
      options: [
        { name: 'who', type: 9, value: users.bob.id },
        { name: 'role', type: 8, value: roles.moderator.id },
        { name: 'log', type: 7, value: channels.modLog.id },
        { name: 'weight', type: 10, value: 1.5 },
        { name: 'silent', type: 5, value: true },
      ],
    });
    expect(Object.keys(interaction.data.resolved?.users ?? {})).toEqual([users.bob.id]);
    expect(interaction.data.resolved?.roles?.[roles.moderator.id]?.name).toBe('Moderator');
    expect(interaction.data.resolved?.channels?.[channels.modLog.id]).toMatchObject({
      name: 'mod-log',
      type: 0,
    });
    expect(interaction.member?.permissions).toBe(
      (await import('../../src/testing/permissions.js')).ALL_PERMISSIONS.toString(),
    );
    expect(interaction).toMatchObject({
      entitlements: [],
      authorizing_integration_owners: { 0: discord.fixtures.guild.id },
      guild_id: discord.fixtures.guild.id,
    });

    const mentionRole = discord.invokeSlash({
      user: users.owner,
      name: 'admin roles grant',
      options: { who: roles.admin },
    });
    expect(mentionRole.data.resolved?.roles?.[roles.admin.id]).toBeDefined();
    expect(() =>
      discord.invokeSlash({ user: users.owner, name: 'admin users grant', options: {} }),
    ).toThrow(/no subcommand group "users"/);
    expect(() =>
      discord.invokeSlash({ user: users.owner, name: 'admin roles revoke', options: {} }),
    ).toThrow(/no subcommand "revoke"/);
    expect(() =>
      discord.invokeSlash({
        user: users.owner,
        name: 'admin roles grant',
        options: { who: users.bob, file: 'x' },
      }),
    ).toThrow(/does not support/);
    expect(() =>
      discord.invokeSlash({
        user: users.owner,
        name: 'admin roles grant',
        options: { who: 'bob' },
      }),
    ).toThrow(/fixture object or an id/);
    expect(() =>
      discord.invokeSlash({
        user: users.owner,
        name: 'admin roles grant',
        options: { who: users.bob, weight: 'x' },
      }),
    ).toThrow(/a number/);
    expect(() =>
      discord.invokeSlash({
        user: users.owner,
        name: 'admin roles grant',
        options: { who: users.bob, silent: 1 },
      }),
    ).toThrow(/a boolean/);
  });

  it('infers option types for unregistered commands and runs in DMs', async () => {
    const discord = await sim();
    const { users, roles, channels } = discord.fixtures;
    const inferred = discord.invokeSlash({
      user: users.bob,
      name: 'probe',
      channel: channels.modLog,
      options: {
        text: 'x',
        count: 2,
        ratio: 0.5,
        flag: false,
        who: users.alice,
        role: roles.admin,
        where: channels.general,
      },
    });
    expect(inferred.channel_id).toBe(channels.modLog.id);
    expect(inferred.data.options?.map((o) => o.type)).toEqual([3, 4, 10, 5, 6, 8, 7]);
    expect(() =>
      discord.invokeSlash({ user: users.bob, name: 'probe', options: { what: { id: '1' } } }),
    ).toThrow(/not a known user, role or channel/);

    const dm = discord.invokeSlash({
      user: users.bob,
      name: 'help',
      guild: null,
      options: { who: users.alice },
    });
    expect(dm).toMatchObject({ user: { id: users.bob.id }, context: 1, app_permissions: '0' });
    expect(dm.member).toBeUndefined();
    expect(dm.data.resolved?.members).toBeUndefined();
    expect(() =>
      discord.invokeSlash({
        user: users.bob,
        name: 'help',
        guild: null,
        options: { r: roles.admin.id },
      }),
    ).not.toThrow();
    expect(() =>
      discord.invokeSlash({
        user: users.bob,
        name: 'help',
        guild: null,
        options: { r: roles.admin },
      }),
    ).toThrow(/not a known/);

    expect(() => discord.invokeSlash({ user: users.bob, name: '' })).toThrow(/invokeSlash name/);
    expect(() => discord.invokeSlash({ user: users.bob, name: 'a b c d' })).toThrow(
      /invokeSlash name/,
    );
    const other = discord.addGuild();
    const otherChannel = discord.addChannel({ guild: other });
    expect(() =>
      discord.invokeSlash({ user: users.bob, name: 'x', channel: otherChannel }),
    ).toThrow(/is not in guild/);
    expect(() => discord.invokeSlash({ user: users.bob, name: 'x', guild: other })).toThrow(
      /not a member/,
    );
    const empty = discord.addGuild({ owner: users.bob });
    expect(() => discord.invokeSlash({ user: users.bob, name: 'x', guild: empty })).toThrow(
      /no text channel/,
    );
  });

  it('rejects role options in DMs when the command says they are roles', async () => {
    const discord = await sim();
    await register(discord, [
      {
        name: 'r',
        description: 'r',
        options: [{ type: ApplicationCommandOptionType.Role, name: 'role', description: 'r' }],
      },
      {
        name: 'i',
        description: 'i',
        options: [{ type: ApplicationCommandOptionType.Integer, name: 'n', description: 'n' }],
      },
      {
        name: 's',
        description: 's',
        options: [{ type: ApplicationCommandOptionType.String, name: 't', description: 't' }],
      },
    ]);
    const { users, roles } = discord.fixtures;
    expect(() =>
      discord.invokeSlash({
        user: users.bob,
        name: 'r',
        guild: null,
        options: { role: roles.admin.id },
      }),
    ).toThrow(/needs a guild/);
    expect(() => discord.invokeSlash({ user: users.bob, name: 'i', options: { n: 1.5 } })).toThrow(
      /an integer/,
    );
    expect(() => discord.invokeSlash({ user: users.bob, name: 's', options: { t: 3 } })).toThrow(
      /a string/,
    );
  });
});

describe('clickComponent', () => {
  it('builds button and select interactions and rejects what Discord could not send', async () => {
    const discord = await sim();
    const { users, channels } = discord.fixtures;
    const response = await fetch(
      `${discord.clientOptions.rest.api}/v10/channels/${channels.general.id}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          content: 'pick',
          components: [
            { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'go' }] },
            { type: 1, components: [{ type: 5, custom_id: 'who' }] },
            {
              type: 1,
              components: [{ type: 2, style: 5, label: 'Docs', url: 'https://example.invalid' }],
            },
          ],
        }),
      },
    );
    const message = (await response.json()) as { id: string; channel_id: string };
    const click = discord.clickComponent({ user: users.bob, message, customId: 'go' });
    expect(click).toMatchObject({
      type: 3,
      data: { custom_id: 'go', component_type: 2 },
      message: { id: message.id },
      member: { user: { id: users.bob.id } },
    });
    expect(() =>
      discord.clickComponent({ user: users.bob, message, customId: 'go', values: ['x'] }),
    ).toThrow(/is a Button/);
    expect(() => discord.clickComponent({ user: users.bob, message, customId: 'who' })).toThrow(
      /is a UserSelect/,
    );
    expect(() =>
      discord.clickComponent({ user: discord.addUser(), message, customId: 'go' }),
    ).toThrow(/not a member/);
    expect(() =>
      discord.clickComponent({
        user: users.bob,
        message: { id: '1', channel_id: message.channel_id },
        customId: 'go',
      }),
    ).toThrow(/unknown message/);
    const plain = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'no buttons',
    });
    expect(() =>
      discord.clickComponent({ user: users.bob, message: plain, customId: 'go' }),
    ).toThrow(/it has: \(none\)/);
  });
});
