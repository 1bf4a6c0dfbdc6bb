import { Client, EmbedBuilder, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import type { Interaction, Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMockDiscord, watchUnhandledRejections } from '../../src/testing/index.js';
import type { MockDiscord, UnhandledRejectionWatch } from '../../src/testing/index.js';

// ---- the bot under test (normally imported from your own source) ----
function attachBot(client: Client): void {
  client.on(Events.MessageCreate, async (message: Message) => {
    if (message.author.bot || !message.content.startsWith('!report ')) return;
    const target = message.mentions.users.first();
    const embed = new EmbedBuilder()
      .setTitle('Report received')
      .addFields({ name: 'Member', value: target ? `<@${target.id}>` : 'unknown' });
    await message.reply({ embeds: [embed], allowedMentions: { parse: [] } });
  });

  client.on(Events.InteractionCreate, async (interaction: Interaction) => {
    if (!interaction.isChatInputCommand() || interaction.commandName !== 'audit') return;
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const member = interaction.options.getUser('member', true);
    await interaction.editReply(`No findings for ${member.username}.`);
  });

  client.on(Events.GuildMemberAdd, async (member) => {
    const channel = member.guild.systemChannel;
    if (channel) await channel.send(`Welcome, ${member.user.username}!`);
  });
}

// ---- the tests ----
describe('my bot', () => {
  let discord: MockDiscord;
  let client: Client;
  let rejections: UnhandledRejectionWatch;

  beforeEach(async () => {
    rejections = watchUnhandledRejections();
    discord = await createMockDiscord();
    client = new Client({
      ...discord.clientOptions,
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMembers,
        GatewayIntentBits.GuildMessages,
        GatewayIntentBits.MessageContent,
      ],
    });
    attachBot(client);
    await discord.login(client);
  });

  afterEach(async () => {
    await client.destroy();
    await discord.close();
    rejections.stop();
    rejections.assertNone();
  });

  it('answers !report with an embed', async () => {
    const { users, channels } = discord.fixtures;
    discord.sendMessage({
      author: users.alice,
      channel: channels.general,
      content: `!report <@${users.bob.id}>`,
    });

    const request = await discord.waitForRequest({
      method: 'POST',
      route: '/channels/:channelId/messages',
    });
    expect(request.body).toMatchObject({
      embeds: [
        { title: 'Report received', fields: [{ name: 'Member', value: `<@${users.bob.id}>` }] },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('runs /audit: defers ephemerally, then edits the reply', async () => {
    const { users } = discord.fixtures;
    const interaction = discord.invokeSlash({
      user: users.alice,
      name: 'audit',
      options: { member: users.bob },
    });

    await discord.waitForRequest({
      method: 'PATCH',
      route: '/webhooks/:appId/:token/messages/:messageId',
    });
    const state = discord.interaction(interaction);
    expect(state.ephemeral).toBe(true);
    expect(state.original?.content).toBe('No findings for bob.');
  });

  it('welcomes new members in the system channel', async () => {
    const carol = discord.addUser({ username: 'carol' });
    discord.memberJoin({ user: carol });

    const request = await discord.waitForRequest({
      method: 'POST',
      route: '/channels/:channelId/messages',
    });
    expect(request.params.channelId).toBe(discord.fixtures.channels.general.id);
    expect(request.body).toMatchObject({ content: 'Welcome, carol!' });
  });

  it('survives a rate limit on the reply', async () => {
    discord.faults.rateLimit(
      { method: 'POST', route: '/channels/:channelId/messages' },
      { retryAfterMs: 50 },
    );
    discord.memberJoin({ user: discord.addUser({ username: 'dave' }) });

    const sent = await discord.waitForRequest({ method: 'POST', status: 200 });
    expect(sent.body).toMatchObject({ content: 'Welcome, dave!' });
    expect(discord.requests.filter((r) => r.status === 429)).toHaveLength(1);
  });
});
