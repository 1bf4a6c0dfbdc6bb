import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  GatewayIntentBits,
  StringSelectMenuBuilder,
} from 'discord.js';
import type { Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { useE2E } from './harness.js';

const e2e = useE2E();
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

describe('message components', () => {
  it('a button click answered with update (type 7) edits the message', async () => {
    const discord = await e2e.simulator();
    await e2e.client(discord, INTENTS, (client) => {
      client.on('messageCreate', (message: Message) => {
        if (message.content !== '!confirm') return;
        const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
          new ButtonBuilder()
            .setCustomId('confirm:yes')
            .setLabel('Yes')
            .setStyle(ButtonStyle.Danger),
        );
        if (message.channel.isSendable())
          void message.channel.send({ content: 'Sure?', components: [row] });
      });
      client.on('interactionCreate', (interaction) => {
        if (interaction.isButton())
          void interaction.update({
            content: `Confirmed by ${interaction.user.username}`,
            components: [],
          });
      });
    });
    const { users, channels } = discord.fixtures;
    discord.sendMessage({ author: users.alice, channel: channels.general, content: '!confirm' });
    const posted = await discord.waitForRequest({
      method: 'POST',
      route: '/channels/:channelId/messages',
    });
    const prompt = posted.response as { id: string; channel_id: string };

    expect(() =>
      discord.clickComponent({ user: users.alice, message: prompt, customId: 'nope' }),
    ).toThrow(/it has: confirm:yes/);
    const click = discord.clickComponent({
      user: users.alice,
      message: prompt,
      customId: 'confirm:yes',
    });
    expect(click.message.id).toBe(prompt.id);
    const callback = await discord.waitForRequest({
      route: '/interactions/:interactionId/:token/callback',
    });
    expect(callback.body).toMatchObject({
      type: 7,
      data: { content: 'Confirmed by alice', components: [] },
    });
    expect(discord.messages(channels.general).find((m) => m.id === prompt.id)).toMatchObject({
      content: 'Confirmed by alice',
      components: [],
    });
    expect(discord.interaction(click).responseType).toBe(7);
  });

  it('a select menu answered with deferUpdate (type 6), then editReply', async () => {
    const discord = await e2e.simulator();
    const picked: string[][] = [];
    const client = await e2e.client(discord, INTENTS, (c) => {
      c.on('interactionCreate', async (interaction) => {
        if (!interaction.isStringSelectMenu()) return;
        picked.push(interaction.values);
        await interaction.deferUpdate();
        await interaction.editReply({
          content: `Severity set to ${interaction.values.join(', ')}`,
          components: [],
        });
      });
    });
    const channel = client.channels.cache.get(discord.fixtures.channels.general.id);
    if (channel?.isSendable() !== true) throw new Error('fixture channel missing');
    const menu = new StringSelectMenuBuilder()
      .setCustomId('severity')
      .addOptions({ label: 'High', value: 'high' }, { label: 'Low', value: 'low' });
    const prompt = await channel.send({
      content: 'Pick one',
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
    });

    const click = discord.clickComponent({
      user: discord.fixtures.users.bob,
      message: { id: prompt.id, channel_id: prompt.channelId },
      customId: 'severity',
      values: ['high'],
    });
    await discord.waitForRequest({
      method: 'PATCH',
      route: '/webhooks/:appId/:token/messages/:messageId',
    });
    expect(picked).toEqual([['high']]);
    expect(discord.interaction(click)).toMatchObject({
      responseType: 6,
      original: { id: prompt.id, content: 'Severity set to high' },
    });
    expect(() =>
      discord.clickComponent({
        user: discord.fixtures.users.bob,
        message: { id: prompt.id, channel_id: prompt.channelId },
        customId: 'x',
        values: [],
      }),
    ).toThrow(/no component/);
  });
});
