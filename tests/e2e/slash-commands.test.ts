import {
  ActionRowBuilder,
  GatewayIntentBits,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import type { ChatInputCommandInteraction, Interaction } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { useE2E } from './harness.js';

const e2e = useE2E();
const INTENTS = [GatewayIntentBits.Guilds];
const CALLBACK = '/interactions/:interactionId/:token/callback';

const commands = [
  new SlashCommandBuilder()
    .setName('scan')
    .setDescription('Scan a member')
    .addUserOption((o) => o.setName('member').setDescription('Who').setRequired(true))
    .addIntegerOption((o) => o.setName('days').setDescription('How far back')),
  new SlashCommandBuilder()
    .setName('config')
    .setDescription('Configure')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s
        .setName('set')
        .setDescription('Set a key')
        .addStringOption((o) => o.setName('key').setDescription('Key').setRequired(true))
        .addRoleOption((o) => o.setName('role').setDescription('Role')),
    ),
];

function onCommand(
  client: { on(event: 'interactionCreate', fn: (i: Interaction) => void): unknown },
  fn: (i: ChatInputCommandInteraction) => Promise<void>,
): void {
  client.on('interactionCreate', (interaction) => {
    if (interaction.isChatInputCommand()) void fn(interaction);
  });
}

describe('slash commands', () => {
  it('registers global and guild commands', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const guildId = discord.fixtures.guild.id;

    const global = await client.application!.commands.set(commands.map((c) => c.toJSON()));
    expect(global.map((c) => c.name).sort()).toEqual(['config', 'scan']);
    const put = await discord.waitForRequest({
      method: 'PUT',
      route: '/applications/:appId/commands',
    });
    expect(put.params.appId).toBe(discord.fixtures.application.id);
    expect(put.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'scan', type: 1 })]),
    );
    expect(discord.commands().find((c) => c.name === 'config')?.default_member_permissions).toBe(
      PermissionFlagsBits.ManageGuild.toString(),
    );

    const guildCommands = await client.application!.commands.set([commands[0]!.toJSON()], guildId);
    expect(guildCommands.first()?.guildId).toBe(guildId);
    expect(discord.commands(guildId).map((c) => c.name)).toEqual(['scan']);
    // Re-registering keeps ids stable, as Discord does for an unchanged name.
    const again = await client.application!.commands.set(commands.map((c) => c.toJSON()));
    expect(again.map((c) => c.id).sort()).toEqual(global.map((c) => c.id).sort());
  });

  it('defers, edits @original and follows up', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS, (c) =>
      onCommand(c, async (interaction) => {
        await interaction.deferReply();
        const member = interaction.options.getUser('member', true);
        await interaction.editReply(
          `scanned ${member.username} over ${interaction.options.getInteger('days') ?? 7} days`,
        );
        await interaction.followUp({
          content: 'details in #mod-log',
          flags: MessageFlags.Ephemeral,
        });
      }),
    );
    await client.application!.commands.set(commands.map((c) => c.toJSON()));
    const { users } = discord.fixtures;

    const interaction = discord.invokeSlash({
      user: users.alice,
      name: 'scan',
      options: { member: users.bob, days: 30 },
    });
    expect(interaction.data.options).toEqual([
      { name: 'member', type: 6, value: users.bob.id },
      { name: 'days', type: 4, value: 30 },
    ]);
    expect(interaction.data.resolved?.users?.[users.bob.id]?.username).toBe('bob');
    // Resolved members carry their channel permissions and, as on Discord, no nested user.
    const resolvedBob = interaction.data.resolved?.members?.[users.bob.id];
    expect(resolvedBob).toMatchObject({ roles: [], permissions: expect.stringMatching(/^\d+$/) });
    expect(resolvedBob).not.toHaveProperty('user');

    const followUp = await discord.waitForRequest({
      method: 'POST',
      route: '/webhooks/:appId/:token',
    });
    const [callback, edit] = [
      discord.requests.find((r) => r.route === '/interactions/:interactionId/:token/callback'),
      discord.requests.find(
        (r) => r.method === 'PATCH' && r.route === '/webhooks/:appId/:token/messages/:messageId',
      ),
    ];
    expect(callback).toMatchObject({
      body: { type: 5 },
      authorized: false,
      query: { with_response: 'false' },
    });
    expect(edit).toMatchObject({
      params: { messageId: '@original' },
      body: { content: 'scanned bob over 30 days' },
    });
    expect(followUp.body).toMatchObject({
      content: 'details in #mod-log',
      flags: MessageFlags.Ephemeral,
    });

    const state = discord.interaction(interaction);
    expect(state.responseType).toBe(5);
    expect(state.original?.content).toBe('scanned bob over 30 days');
    expect(state.original?.flags ?? 0).toBe(0);
    expect(state.followUps.map((m) => [m.content, m.flags])).toEqual([
      ['details in #mod-log', MessageFlags.Ephemeral],
    ]);
  });

  it('replies ephemerally, and with_response returns the message', async () => {
    const discord = await e2e.simulator();
    const replies: string[] = [];
    await e2e.client(discord, INTENTS, (c) =>
      onCommand(c, async (interaction) => {
        const response = await interaction.reply({
          content: 'only you can see this',
          flags: MessageFlags.Ephemeral,
          withResponse: true,
        });
        replies.push(response.resource?.message?.content ?? '(none)');
        await interaction.fetchReply();
      }),
    );
    const interaction = discord.invokeSlash({ user: discord.fixtures.users.bob, name: 'status' });
    await discord.waitForRequest({
      method: 'GET',
      route: '/webhooks/:appId/:token/messages/:messageId',
    });

    const callback = discord.requests.find(
      (r) => r.route === '/interactions/:interactionId/:token/callback',
    );
    expect(callback).toMatchObject({
      query: { with_response: 'true' },
      body: { type: 4, data: { flags: MessageFlags.Ephemeral } },
    });
    expect(replies).toEqual(['only you can see this']);
    expect(discord.interaction(interaction)).toMatchObject({ responseType: 4, ephemeral: true });
  });

  it('shows a modal (type 9); a modal without a title is refused with 50035', async () => {
    const discord = await e2e.simulator();
    const errors: unknown[] = [];
    await e2e.client(discord, INTENTS, (c) =>
      onCommand(c, async (interaction) => {
        const input = new TextInputBuilder()
          .setCustomId('reason')
          .setLabel('Reason')
          .setStyle(TextInputStyle.Short);
        const row = new ActionRowBuilder<TextInputBuilder>().addComponents(input);
        const title = interaction.options.getString('title');
        // Without a title, skip the builder (it would refuse) to see what Discord answers.
        const modal =
          title === null
            ? ({ custom_id: 'report', components: [row.toJSON()] } as never)
            : new ModalBuilder().setCustomId('report').setTitle(title).addComponents(row);
        await interaction.showModal(modal).catch((e: unknown) => {
          errors.push(e);
        });
      }),
    );
    const { users } = discord.fixtures;
    const shown = discord.invokeSlash({
      user: users.bob,
      name: 'report',
      options: { title: 'Report' },
    });
    const callback = await discord.waitForRequest({ route: CALLBACK, status: 204 });
    expect(callback.body).toMatchObject({
      type: 9,
      data: { custom_id: 'report', title: 'Report' },
    });
    expect(discord.interaction(shown)).toMatchObject({ responseType: 9, original: null });

    const untitled = discord.invokeSlash({ user: users.bob, name: 'report' });
    await discord.waitForRequest({ route: CALLBACK, status: 400 });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({
      code: 50035,
      message: expect.stringContaining('data.title[BASE_TYPE_INVALID]'),
    });
    expect(discord.interaction(untitled).responseType).toBeNull();
  });

  it('computes member.permissions from roles, and resolves subcommand and role options', async () => {
    const discord = await e2e.simulator();
    const seen: { admin: boolean; kick: boolean; sub: string; role: string | undefined }[] = [];
    const client = await e2e.client(discord, INTENTS, (c) =>
      onCommand(c, async (interaction) => {
        seen.push({
          admin: interaction.memberPermissions?.has(PermissionFlagsBits.Administrator) ?? false,
          kick: interaction.memberPermissions?.has(PermissionFlagsBits.KickMembers) ?? false,
          sub: interaction.options.getSubcommand(),
          role: interaction.options.getRole('role')?.name,
        });
        await interaction.reply({ content: 'ok', flags: MessageFlags.Ephemeral });
      }),
    );
    await client.application!.commands.set(commands.map((c) => c.toJSON()));
    const { users, roles } = discord.fixtures;

    const byAlice = discord.invokeSlash({
      user: users.alice,
      name: 'config set',
      options: { key: 'threshold', role: roles.moderator },
    });
    expect(BigInt(byAlice.member!.permissions) & PermissionFlagsBits.KickMembers).toBe(
      PermissionFlagsBits.KickMembers,
    );
    const first = await discord.waitForRequest({ route: CALLBACK });
    const byBob = discord.invokeSlash({
      user: users.bob,
      name: 'config set',
      options: { key: 'threshold' },
    });
    await discord.waitForRequest({ route: CALLBACK }, { after: first });
    expect(BigInt(byBob.member!.permissions) & PermissionFlagsBits.KickMembers).toBe(0n);

    expect(seen).toEqual([
      { admin: false, kick: true, sub: 'set', role: 'Moderator' },
      { admin: false, kick: false, sub: 'set', role: undefined },
    ]);
    expect(() =>
      discord.invokeSlash({ user: users.bob, name: 'config set', options: { key: 'k', nope: 1 } }),
    ).toThrow(/no option "nope"/);
    expect(() => discord.invokeSlash({ user: users.bob, name: 'scan', options: {} })).toThrow(
      /needs option "member"/,
    );
  });

  it('answers a second acknowledgement with 40060', async () => {
    const discord = await e2e.simulator();
    const errors: unknown[] = [];
    await e2e.client(discord, INTENTS, (c) =>
      onCommand(c, async (interaction) => {
        await interaction.deferReply();
        // Bypass discord.js's own guard to reach the API twice, as a buggy bot with two handlers would.
        await c.rest
          .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
            body: { type: 5 },
            auth: false,
          })
          .catch((error: unknown) => errors.push(error));
      }),
    );
    discord.invokeSlash({ user: discord.fixtures.users.bob, name: 'ping' });
    await discord.waitForRequest((r) => r.status === 400);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 40060 });
  });
});
