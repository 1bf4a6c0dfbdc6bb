import { ComponentType, InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMockDiscord } from '../../src/testing/index.js';
import type { MockDiscord } from '../../src/testing/index.js';

// Malformed input from a buggy bot or a buggy test must surface as a clear, Discord-style error,
// never as a crash, a hung request or an unhandled rejection.
const open: MockDiscord[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function sim(): Promise<MockDiscord> {
  const discord = await createMockDiscord();
  open.push(discord);
  return discord;
}

async function post(discord: MockDiscord, path: string, body: unknown, auth = true) {
  const response = await fetch(`${discord.clientOptions.rest.api}/v10${path}`, {
    method: 'POST',
    headers: {
      ...(auth ? { authorization: `Bot ${discord.token}` } : {}),
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('Invalid Form Body errors', () => {
  it('nest error paths the way Discord does (embeds.0.title), so discord.js prints embeds[0].title', async () => {
    const discord = await sim();
    const path = `/channels/${discord.fixtures.channels.general.id}/messages`;
    const result = await post(discord, path, {
      embeds: [
        { title: 'ok' },
        { title: 't'.repeat(257), fields: [{ name: 'n', value: 'v'.repeat(1025) }] },
      ],
    });
    expect(result).toEqual({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          embeds: {
            '1': {
              title: {
                _errors: [
                  { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' },
                ],
              },
              fields: {
                '0': {
                  value: {
                    _errors: [
                      { code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 1024 or fewer in length.' },
                    ],
                  },
                },
              },
            },
          },
        },
      },
    });
  });

  it('requires embed field names and values, footer text and author name, as strings', async () => {
    const discord = await sim();
    const path = `/channels/${discord.fixtures.channels.general.id}/messages`;
    const result = await post(discord, path, {
      embeds: [
        {
          title: 42,
          fields: [
            { name: 'Nickname', value: null },
            { name: '', value: 'x' },
            { name: 'ok', value: 'ok' },
          ],
          footer: {},
          author: { name: 'fine' },
        },
      ],
    });
    const required = {
      _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }],
    };
    expect(result).toEqual({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          embeds: {
            '0': {
              title: { _errors: [{ code: 'BASE_TYPE_STRING', message: 'Must be a string.' }] },
              fields: { '0': { value: required }, '1': { name: required } },
              footer: { text: required },
            },
          },
        },
      },
    });
    // Optional text may be absent or null.
    const fine = await post(discord, path, {
      embeds: [
        { title: null, description: 'd', footer: null, fields: [{ name: 'a', value: 'b' }] },
      ],
    });
    expect(fine.status).toBe(200);
  });

  it('rejects an invalid UPDATE_MESSAGE (type 7) and leaves the message as it was', async () => {
    const discord = await sim();
    const { channels, users } = discord.fixtures;
    const sent = await post(discord, `/channels/${channels.general.id}/messages`, {
      content: 'confirm?',
      components: [
        {
          type: ComponentType.ActionRow,
          components: [{ type: ComponentType.Button, style: 1, custom_id: 'yes', label: 'Yes' }],
        },
      ],
    });
    const message = sent.body as { id: string; channel_id: string };
    const click = discord.clickComponent({ user: users.alice, message, customId: 'yes' });
    const result = await post(
      discord,
      `/interactions/${click.id}/${click.token}/callback`,
      { type: InteractionResponseType.UpdateMessage, data: { content: 'x'.repeat(2001) } },
      false,
    );
    expect(result).toMatchObject({
      status: 400,
      body: { code: 50035, errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } },
    });
    expect(discord.messages(channels.general).map((m) => m.content)).toEqual(['confirm?']);
    expect(discord.interaction(click).responseType).toBeNull();
  });
});

describe('gateway payloads that are not objects', () => {
  it.each([['null'], ['5'], ['"hi"'], ['{"op":2,"d":null}'], ['{"op":2,"d":{}}'], ['{"op":6}']])(
    'closes with 4002 on %s instead of throwing',
    async (frame) => {
      const discord = await sim();
      const socket = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve) => socket.once('message', () => resolve()));
      socket.send(frame);
      expect(await closed).toBe(4002);
    },
  );
});

describe('request matchers', () => {
  it('a throwing waitForRequest predicate rejects that wait; the request is still answered', async () => {
    const discord = await sim();
    const waiting = discord.waitForRequest((r) => (r.body as { content: string }).content === 'x');
    const failed = expect(waiting).rejects.toMatchObject({
      code: 'MOCK_DISCORD_INVALID_INPUT',
      cause: expect.any(TypeError),
    });
    const response = await fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${discord.token}` },
    });
    expect(response.status).toBe(200);
    await failed;
    // A predicate that already throws on a recorded request rejects, not throws.
    await expect(
      discord.waitForRequest(() => {
        throw new Error('boom');
      }),
    ).rejects.toMatchObject({ code: 'MOCK_DISCORD_INVALID_INPUT' });
  });

  it('a throwing fault matcher answers 500 with the reason instead of hanging the bot', async () => {
    const discord = await sim();
    discord.faults.rateLimit(() => {
      throw new Error('bad matcher');
    });
    const response = await fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${discord.token}` },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(/bad matcher/) });
  });

  it('a global RegExp path matches every time (no lastIndex state)', async () => {
    const discord = await sim();
    for (let i = 0; i < 3; i += 1) {
      await fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
        headers: { authorization: `Bot ${discord.token}` },
      });
    }
    const pattern = /gateway/g;
    const found = await Promise.all(
      [0, 1, 2].map((i) => discord.waitForRequest({ path: pattern }, { after: i })),
    );
    expect(found.map((r) => r.index)).toEqual([0, 1, 2]);
  });
});

describe('bulk delete', () => {
  it('enforces Discord rules: 2 to 100 distinct ids, under 14 days old; unknown ids are skipped', async () => {
    const discord = await sim();
    const { channels, users } = discord.fixtures;
    const path = `/channels/${channels.general.id}/messages/bulk-delete`;
    const ids = ['a', 'b', 'c'].map(
      (content) =>
        discord.sendMessage({ author: users.bob, channel: channels.general, content }).id,
    );
    const code = (result: { body: unknown }) => (result.body as { code: number }).code;
    expect(code(await post(discord, path, { messages: [ids[0]] }))).toBe(50035);
    expect(code(await post(discord, path, { messages: Array(101).fill(ids[0]) }))).toBe(50035);
    expect(code(await post(discord, path, { messages: [ids[0], ids[0]] }))).toBe(50035);
    expect(code(await post(discord, path, { messages: 'all' }))).toBe(50035);
    const old = ((BigInt(Date.now() - 15 * 86_400_000) - 1_420_070_400_000n) << 22n).toString();
    expect(code(await post(discord, path, { messages: [ids[0], old] }))).toBe(50034);
    expect(discord.messages(channels.general)).toHaveLength(3);

    const result = await post(discord, path, {
      messages: [ids[0], ids[1], discord.addUser().id /* a fresh id, no message */],
    });
    expect(result.status).toBe(204);
    expect(discord.messages(channels.general).map((m) => m.content)).toEqual(['c']);
    const bulk = discord.gatewayLog.filter(
      (e) => e.type === 'dispatch' && e.event === 'MESSAGE_DELETE_BULK',
    );
    expect(bulk).toHaveLength(0); // no client connected: nothing to dispatch to
  });

  it('needs ManageMessages in the channel', async () => {
    const discord = await sim();
    const { guild, roles } = discord.fixtures;
    const channel = discord.addChannel({
      guild,
      name: 'locked',
      permissionOverwrites: [
        { id: roles.bot.id, type: 0, allow: '0', deny: String(PermissionFlagsBits.ManageMessages) },
      ],
    });
    const result = await post(discord, `/channels/${channel.id}/messages/bulk-delete`, {
      messages: ['1', '2'],
    });
    expect(result).toMatchObject({ status: 403, body: { code: 50013 } });
  });
});

describe('timeouts and permissions', () => {
  it('a timed-out member keeps only ViewChannel and ReadMessageHistory in member.permissions', async () => {
    const discord = await sim();
    const { guild, users } = discord.fixtures;
    const before = discord.invokeSlash({ user: users.alice, name: 'ping' });
    expect(BigInt(before.member!.permissions) & PermissionFlagsBits.KickMembers).toBe(
      PermissionFlagsBits.KickMembers,
    );
    const until = new Date(Date.now() + 60_000).toISOString();
    const response = await fetch(
      `${discord.clientOptions.rest.api}/v10/guilds/${guild.id}/members/${users.alice.id}`,
      {
        method: 'PATCH',
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ communication_disabled_until: until }),
      },
    );
    expect(response.status).toBe(200);
    const during = discord.invokeSlash({ user: users.alice, name: 'ping' });
    expect(BigInt(during.member!.permissions)).toBe(
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory,
    );
    expect(during.member!.communication_disabled_until).toBe(until);
    // The owner is never limited.
    const owner = discord.invokeSlash({ user: users.owner, name: 'ping' });
    expect(BigInt(owner.member!.permissions) & PermissionFlagsBits.Administrator).toBe(
      PermissionFlagsBits.Administrator,
    );
  });
});

describe('moderation rules', () => {
  it('refuses to time out a member with Administrator even below the bot, but may kick them', async () => {
    const discord = await sim();
    const { guild, roles } = discord.fixtures;
    const admin = discord.addUser({ username: 'carol' });
    discord.addMember({ guild, user: admin, roles: [roles.admin] });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${discord.clientOptions.rest.api}/v10${path}`, {
        method,
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const until = new Date(Date.now() + 60_000).toISOString();
    const timeout = await call('PATCH', `/guilds/${guild.id}/members/${admin.id}`, {
      communication_disabled_until: until,
    });
    expect(timeout.status).toBe(403);
    expect(await timeout.json()).toMatchObject({ code: 50013 });
    expect(discord.member(admin)?.communication_disabled_until).toBeNull();
    expect((await call('DELETE', `/guilds/${guild.id}/members/${admin.id}`)).status).toBe(204);
  });
});

describe('injected reactions', () => {
  it('refuse a second identical reaction, which Discord would never dispatch', async () => {
    const discord = await sim();
    const { users, channels } = discord.fixtures;
    const message = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'x',
    });
    discord.reactionAdd({ user: users.alice, message, emoji: '👍' });
    expect(() => discord.reactionAdd({ user: users.alice, message, emoji: '👍' })).toThrow(
      /already reacted/,
    );
    discord.reactionAdd({ user: users.bob, message, emoji: '👍' });
    expect(discord.messages(channels.general)[0]?.reactions).toMatchObject([{ count: 2 }]);
  });
});
