import { AttachmentBuilder, EmbedBuilder, GatewayIntentBits, Partials } from 'discord.js';
import type { Message } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { nextEvent, useE2E } from './harness.js';

const e2e = useE2E();
const MESSAGE_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

/** A tiny prefix-command bot: `!warn @user reason` answers with an embed. */
function warnBot(message: Message): void {
  if (message.author.bot || !message.content.startsWith('!warn ')) return;
  const target = message.mentions.users.first();
  if (target === undefined) {
    void message.reply({ content: 'Usage: !warn @user reason', allowedMentions: { parse: [] } });
    return;
  }
  const reason = message.content.split(/\s+/).slice(2).join(' ');
  const embed = new EmbedBuilder()
    .setTitle('Member warned')
    .setColor(0xffaa00)
    .addFields(
      { name: 'Member', value: `<@${target.id}>`, inline: true },
      { name: 'Reason', value: reason, inline: true },
    );
  void message.reply({ embeds: [embed], allowedMentions: { parse: [] } });
}

describe('prefix commands', () => {
  it('replies with an embed; the test asserts on the recorded JSON', async () => {
    const discord = await e2e.simulator();
    await e2e.client(discord, MESSAGE_INTENTS, (client) => client.on('messageCreate', warnBot));
    const { users, channels } = discord.fixtures;

    const sent = discord.sendMessage({
      author: users.alice,
      channel: channels.general,
      content: `!warn <@${users.bob.id}> spamming links`,
    });
    expect(sent.mentions.map((u) => u.id)).toEqual([users.bob.id]);
    expect(sent.member?.roles).toEqual([discord.fixtures.roles.moderator.id]);

    const request = await discord.waitForRequest({
      method: 'POST',
      route: '/channels/:channelId/messages',
    });
    expect(request.params).toEqual({ channelId: channels.general.id });
    expect(request.authorized).toBe(true);
    expect(request.body).toMatchObject({
      embeds: [
        {
          title: 'Member warned',
          color: 0xffaa00,
          fields: [
            { name: 'Member', value: `<@${users.bob.id}>`, inline: true },
            { name: 'Reason', value: 'spamming links', inline: true },
          ],
        },
      ],
      allowed_mentions: { parse: [] },
      message_reference: { message_id: sent.id },
    });
    const stored = discord.messages(channels.general);
    expect(stored.map((m) => m.author.username)).toEqual(['alice', 'soc-kit-bot']);
    expect(stored[1]?.referenced_message?.id).toBe(sent.id);
  });

  it('hides content from a bot without the MessageContent intent, unless it is mentioned', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
    ]);
    const { users, channels, bot } = discord.fixtures;

    const plain = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({ author: users.bob, channel: channels.general, content: '!warn someone' });
    expect((await plain)[0].content).toBe('');

    const mention = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: `<@${bot.id}> help`,
    });
    expect((await mention)[0].content).toBe(`<@${bot.id}> help`);
  });

  it('delivers DMs, edits, deletes and reactions', async () => {
    const discord = await e2e.simulator();
    // discord.js only emits DMs for uncached channels with the Channel partial, as in production.
    const client = await e2e.client(discord, {
      intents: [
        ...MESSAGE_INTENTS,
        GatewayIntentBits.DirectMessages,
        GatewayIntentBits.GuildMessageReactions,
      ],
      partials: [Partials.Channel],
    });
    const { users, channels } = discord.fixtures;

    const dm = discord.createDm(users.bob);
    const dmEvent = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({ author: users.bob, channel: dm, content: 'hello bot' });
    const [dmMessage] = await dmEvent;
    expect(dmMessage.channel.isDMBased()).toBe(true);
    expect(dmMessage.content).toBe('hello bot');
    await dmMessage.reply('hi bob');

    const guildEvent = nextEvent<[Message]>(client, 'messageCreate');
    const original = discord.sendMessage({
      author: users.alice,
      channel: channels.general,
      content: 'react to me',
    });
    const [message] = await guildEvent;
    await message.react('👍');
    const reactPut = await discord.waitForRequest({
      method: 'PUT',
      route: '/channels/:channelId/messages/:messageId/reactions/:emoji/@me',
    });
    expect(reactPut.params.emoji).toBe('👍');

    const reaction = nextEvent<[{ emoji: { name: string } }, { id: string }]>(
      client,
      'messageReactionAdd',
    );
    const dispatched = discord.reactionAdd({ user: users.bob, message: original, emoji: '🔥' });
    expect(dispatched.user_id).toBe(users.bob.id);
    const [added, reactor] = await reaction;
    expect(added.emoji.name).toBe('🔥');
    expect(reactor.id).toBe(users.bob.id);

    const own = await (message.channel as { send(content: string): Promise<Message> }).send(
      'draft',
    );
    await own.edit('final');
    await own.delete();
    expect(discord.requests.map((r) => `${r.method} ${r.route}`)).toEqual(
      expect.arrayContaining([
        'PATCH /channels/:channelId/messages/:messageId',
        'DELETE /channels/:channelId/messages/:messageId',
      ]),
    );
    expect(discord.messages(channels.general).map((m) => m.content)).toEqual(['react to me']);
    expect(discord.messages(dm).map((m) => m.content)).toEqual(['hello bot', 'hi bob']);
    expect(
      discord.messages(channels.general)[0]?.reactions?.map((r) => [r.emoji.name, r.count, r.me]),
    ).toEqual([
      ['👍', 1, true],
      ['🔥', 1, false],
    ]);
  });

  it('rejects a message over Discord limits with 50035, which discord.js throws', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, MESSAGE_INTENTS);
    const channel = client.channels.cache.get(discord.fixtures.channels.general.id);
    if (channel === undefined || !channel.isSendable()) throw new Error('fixture channel missing');
    await expect(channel.send('x'.repeat(2001))).rejects.toMatchObject({
      code: 50035,
      status: 400,
    });
    // discord.js flattens Discord's nested error tree into the message the bot author reads.
    await expect(
      channel.send({ embeds: [{ description: 'y'.repeat(4097) }] }),
    ).rejects.toMatchObject({
      code: 50035,
      message:
        'Invalid Form Body\nembeds[0].description[BASE_TYPE_MAX_LENGTH]: Must be 4096 or fewer in length.',
    });
    expect(discord.requests.filter((r) => r.status === 400)).toHaveLength(2);
  });

  it('a reply pings the replied-to author (mentions.has), so content reaches a bot without MessageContent', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
    ]);
    const { users, channels } = discord.fixtures;
    const channel = client.channels.cache.get(channels.general.id);
    if (channel === undefined || !channel.isSendable()) throw new Error('fixture channel missing');
    const mine = await channel.send('pick a number');

    let got = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: '7',
      replyTo: mine,
    });
    let [reply] = await got;
    expect(reply.mentions.repliedUser?.id).toBe(client.user?.id);
    // A mention-prefix check sees the ping, as it would on Discord; ignoreRepliedUser filters it.
    expect(reply.mentions.has(client.user!)).toBe(true);
    expect(reply.mentions.has(client.user!, { ignoreRepliedUser: true })).toBe(false);
    expect(reply.content).toBe('7');

    got = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: '8',
      replyTo: mine,
      mentionRepliedUser: false,
    });
    [reply] = await got;
    expect(reply.mentions.has(client.user!)).toBe(false);
    expect(reply.content).toBe(''); // no ping, no MessageContent intent: Discord blanks it
  });

  it('pages history with before/after/around and bulk-deletes like a purge command', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, MESSAGE_INTENTS);
    const { users, channels } = discord.fixtures;
    const channel = client.channels.cache.get(channels.general.id);
    if (channel === undefined || !channel.isTextBased() || channel.isDMBased())
      throw new Error('fixture channel missing');
    const sent = ['m0', 'm1', 'm2', 'm3', 'm4'].map(
      (content) =>
        discord.sendMessage({ author: users.bob, channel: channels.general, content }).id,
    );
    const contents = (page: Map<string, Message>): string[] =>
      [...page.values()].map((m) => m.content);

    expect(contents(await channel.messages.fetch({ limit: 2 }))).toEqual(['m4', 'm3']);
    expect(contents(await channel.messages.fetch({ limit: 2, before: sent[3]! }))).toEqual([
      'm2',
      'm1',
    ]);
    expect(contents(await channel.messages.fetch({ limit: 2, after: sent[1]! }))).toEqual([
      'm3',
      'm2',
    ]);
    expect(contents(await channel.messages.fetch({ limit: 3, around: sent[2]! }))).toEqual([
      'm3',
      'm2',
      'm1',
    ]);

    const bulk = nextEvent<[Map<string, Message>]>(client, 'messageDeleteBulk');
    const deleted = await channel.bulkDelete(3);
    expect([...deleted.keys()].sort()).toEqual(sent.slice(2).sort());
    expect([...(await bulk)[0].keys()].sort()).toEqual(sent.slice(2).sort());
    expect(discord.messages(channels.general).map((m) => m.content)).toEqual(['m0', 'm1']);
    const request = await discord.waitForRequest({
      route: '/channels/:channelId/messages/bulk-delete',
    });
    expect(request.status).toBe(204);
  });

  it('uploads attachments: files are recorded and served back from the simulator', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, MESSAGE_INTENTS);
    const channel = client.channels.cache.get(discord.fixtures.channels.modLog.id);
    if (channel === undefined || !channel.isSendable()) throw new Error('fixture channel missing');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const sent = await channel.send({
      content: 'weekly chart',
      files: [new AttachmentBuilder(png, { name: 'chart.png' })],
    });

    const request = await discord.waitForRequest({
      method: 'POST',
      route: '/channels/:channelId/messages',
    });
    expect(request.body).toMatchObject({
      content: 'weekly chart',
      attachments: [{ id: '0' }],
    });
    // discord.js sends a generic type for these bytes; the attachment gets one from the name.
    expect(request.files.map((f) => [f.name, f.contentType, [...f.data]])).toEqual([
      ['chart.png', 'application/octet-stream', [...png]],
    ]);
    const attachment = sent.attachments.first();
    expect(attachment).toMatchObject({ name: 'chart.png', size: 4, contentType: 'image/png' });
    const served = await fetch(attachment!.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
  });
});
