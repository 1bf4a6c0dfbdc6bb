import { InteractionResponseType, MessageFlags, PermissionFlagsBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { createMockDiscord } from '../../src/testing/index.js';
import type { MockDiscord, MockDiscordOptions } from '../../src/testing/index.js';

// Drives the REST API with plain fetch (loopback only), without discord.js in between.
const open: MockDiscord[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function sim(options?: MockDiscordOptions): Promise<MockDiscord> {
  const discord = await createMockDiscord(options);
  open.push(discord);
  return discord;
}

interface Call {
  status: number;
  body: unknown;
}

async function api(
  discord: MockDiscord,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  auth = true,
): Promise<Call> {
  const response = await fetch(`${discord.clientOptions.rest.api}/v10${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bot ${discord.token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

describe('REST basics', () => {
  it('answers unknown routes with a Discord-style 404 and records them', async () => {
    const discord = await sim();
    const result = await api(discord, 'GET', '/guilds/1/audit-logs?limit=5');
    expect(result).toEqual({ status: 404, body: { message: '404: Not Found', code: 0 } });
    expect(discord.requests[0]).toMatchObject({
      method: 'GET',
      route: '/guilds/1/audit-logs',
      query: { limit: '5' },
      status: 404,
    });
  });

  it('requires the bot token where Discord does', async () => {
    const discord = await sim();
    expect((await api(discord, 'GET', '/users/@me', undefined, {}, false)).status).toBe(401);
    expect(
      (await api(discord, 'GET', '/users/@me', undefined, { authorization: 'Bot wrong' }, false))
        .status,
    ).toBe(401);
    expect(await api(discord, 'GET', '/users/@me')).toMatchObject({
      status: 200,
      body: { id: discord.fixtures.bot.id, bot: true },
    });
    expect(await api(discord, 'GET', '/gateway', undefined, {}, false)).toMatchObject({
      body: { url: discord.gatewayUrl },
    });
  });

  it('rejects invalid JSON with 50109', async () => {
    const discord = await sim();
    const result = await api(
      discord,
      'POST',
      `/channels/${discord.fixtures.channels.general.id}/messages`,
      '{nope',
    );
    expect(result).toMatchObject({ status: 400, body: { code: 50109 } });
  });

  it('records multipart payload_json and files', async () => {
    const discord = await sim();
    const form = new FormData();
    form.append('payload_json', JSON.stringify({ content: 'report attached' }));
    form.append(
      'files[0]',
      new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
      'chart.png',
    );
    const response = await fetch(
      `${discord.clientOptions.rest.api}/v10/channels/${discord.fixtures.channels.modLog.id}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bot ${discord.token}` },
        body: form,
      },
    );
    expect(response.status).toBe(200);
    const recorded = discord.requests[0]!;
    expect(recorded.body).toEqual({ content: 'report attached' });
    const message = (await response.clone().json()) as { attachments: { url: string }[] };
    const served = await fetch(message.attachments[0]!.url);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect((await fetch(`${discord.url}/attachments/1/2/x.png`)).status).toBe(404);
    expect(recorded.files).toEqual([
      {
        field: 'files[0]',
        name: 'chart.png',
        contentType: 'image/png',
        data: new Uint8Array([1, 2, 3]),
      },
    ]);
  });

  it('applies option-level latency and rejects a negative one', async () => {
    await expect(createMockDiscord({ latencyMs: -1 })).rejects.toMatchObject({
      code: 'MOCK_DISCORD_INVALID_INPUT',
    });
    const discord = await sim({ latencyMs: 30 });
    const started = Date.now();
    await api(discord, 'GET', '/users/@me');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('messages, reactions, users', () => {
  it('validates content, embeds and empty messages like Discord', async () => {
    const discord = await sim();
    const path = `/channels/${discord.fixtures.channels.general.id}/messages`;
    expect((await api(discord, 'POST', path, {})).body).toMatchObject({ code: 50006 });
    expect((await api(discord, 'POST', path, { content: 5 })).body).toMatchObject({
      code: 50035,
      errors: { content: {} },
    });
    expect((await api(discord, 'POST', path, { embeds: {} })).body).toMatchObject({
      errors: { embeds: {} },
    });
    const big = {
      title: 't'.repeat(256),
      description: 'd'.repeat(4096),
      fields: [
        { name: 'n', value: 'v'.repeat(1024) },
        { name: 'n', value: 'v'.repeat(1024) },
      ],
    };
    expect((await api(discord, 'POST', path, { embeds: [big] })).body).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
    const many = { embeds: Array.from({ length: 11 }, () => ({ title: 'x' })) };
    expect((await api(discord, 'POST', path, many)).status).toBe(400);
    const fields = {
      embeds: [
        {
          fields: Array.from({ length: 26 }, () => ({ name: 'a', value: 'b' })),
          footer: { text: 'f'.repeat(2049) },
          author: { name: 'a'.repeat(257) },
        },
      ],
    };
    const tooMany = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] };
    expect((await api(discord, 'POST', path, fields)).body).toMatchObject({
      code: 50035,
      errors: {
        embeds: {
          '0': { fields: tooMany, footer: { text: tooMany }, author: { name: tooMany } },
        },
      },
    });
    expect(
      (await api(discord, 'POST', path, { content: 'ok', message_reference: { message_id: '1' } }))
        .status,
    ).toBe(400);
    expect(
      (await api(discord, 'POST', '/channels/1/messages', { content: 'x' })).body,
    ).toMatchObject({ code: 10003 });
  });

  it('lists, fetches, edits and deletes messages with Discord permission rules', async () => {
    const discord = await sim();
    const { channels, users } = discord.fixtures;
    const base = `/channels/${channels.general.id}/messages`;
    const theirs = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'from bob',
    });
    const mine = (await api(discord, 'POST', base, { content: 'from bot' })).body as { id: string };
    expect(
      ((await api(discord, 'GET', `${base}?limit=1`)).body as { id: string }[]).map((m) => m.id),
    ).toEqual([mine.id]);
    expect((await api(discord, 'GET', `${base}/${theirs.id}`)).body).toMatchObject({
      content: 'from bob',
    });
    expect((await api(discord, 'GET', `${base}/404`)).body).toMatchObject({ code: 10008 });
    expect(
      (await api(discord, 'PATCH', `${base}/${theirs.id}`, { content: 'x' })).body,
    ).toMatchObject({ code: 50005 });
    expect(
      (
        await api(discord, 'PATCH', `${base}/${mine.id}`, {
          content: 'edited',
          embeds: [{ title: 'e' }],
          components: [],
        })
      ).body,
    ).toMatchObject({
      content: 'edited',
      embeds: [{ title: 'e', type: 'rich' }],
    });
    expect((await api(discord, 'POST', `/channels/${channels.general.id}/typing`)).status).toBe(
      204,
    );
    expect((await api(discord, 'DELETE', `${base}/${theirs.id}`)).status).toBe(204);
    expect(discord.messages(channels.general).map((m) => m.content)).toEqual(['edited']);
  });

  it('handles reactions: add, list, remove own, remove other, clear', async () => {
    const discord = await sim();
    const { channels, users } = discord.fixtures;
    const message = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'vote',
    });
    const base = `/channels/${channels.general.id}/messages/${message.id}/reactions`;
    discord.reactionAdd({ user: users.alice, message, emoji: 'party:123456789012345678' });
    expect((await api(discord, 'PUT', `${base}/${encodeURIComponent('✅')}/@me`)).status).toBe(204);
    expect((await api(discord, 'PUT', `${base}/${encodeURIComponent('✅')}/@me`)).status).toBe(204);
    const users1 = (await api(discord, 'GET', `${base}/${encodeURIComponent('✅')}`)).body as {
      id: string;
    }[];
    expect(users1.map((u) => u.id)).toEqual([discord.fixtures.bot.id]);
    expect(
      discord
        .messages(channels.general)[0]
        ?.reactions?.map((r) => [r.emoji.name, r.emoji.id, r.count]),
    ).toEqual([
      ['party', '123456789012345678', 1],
      ['✅', null, 1],
    ]);
    expect(
      (
        await api(
          discord,
          'DELETE',
          `${base}/${encodeURIComponent('party:123456789012345678')}/${users.alice.id}`,
        )
      ).status,
    ).toBe(204);
    expect((await api(discord, 'DELETE', `${base}/${encodeURIComponent('✅')}/@me`)).status).toBe(
      204,
    );
    expect(discord.messages(channels.general)[0]?.reactions).toBeUndefined();
    discord.reactionAdd({ user: users.alice, message, emoji: '👍' });
    expect((await api(discord, 'DELETE', base)).status).toBe(204);
    expect(discord.messages(channels.general)[0]?.reactions).toBeUndefined();
    expect(() =>
      discord.reactionAdd({
        user: users.alice,
        message: { id: '1', channel_id: channels.general.id },
        emoji: 'x',
      }),
    ).toThrow(/unknown message/);
  });

  it('opens DMs and fetches users, channels, guilds', async () => {
    const discord = await sim();
    const { users, guild } = discord.fixtures;
    const dm = await api(discord, 'POST', '/users/@me/channels', { recipient_id: users.bob.id });
    expect(dm.body).toMatchObject({ type: 1, recipients: [{ id: users.bob.id }] });
    expect(
      (await api(discord, 'POST', '/users/@me/channels', { recipient_id: '1' })).body,
    ).toMatchObject({ code: 10013 });
    expect((await api(discord, 'GET', `/users/${users.alice.id}`)).body).toMatchObject({
      username: 'alice',
    });
    expect((await api(discord, 'GET', `/guilds/${guild.id}`)).body).toMatchObject({
      name: 'soc-kit test guild',
      owner_id: users.owner.id,
    });
    expect((await api(discord, 'GET', '/guilds/1')).body).toMatchObject({ code: 10004 });
    expect((await api(discord, 'GET', '/applications/@me')).body).toMatchObject({
      id: discord.fixtures.application.id,
    });
    expect((await api(discord, 'GET', '/oauth2/applications/@me')).status).toBe(200);
    const search = (
      await api(discord, 'GET', `/guilds/${guild.id}/members/search?query=al&limit=5`)
    ).body as { user: { username: string } }[];
    expect(search.map((m) => m.user.username)).toEqual(['alice']);
    const page = (
      await api(discord, 'GET', `/guilds/${guild.id}/members?limit=2&after=${users.owner.id}`)
    ).body as unknown[];
    expect(page).toHaveLength(2);
    expect((await api(discord, 'GET', `/guilds/${guild.id}/members/1`)).body).toMatchObject({
      code: 10007,
    });
  });

  it('refuses to post in a category', async () => {
    const discord = await sim();
    const category = discord.addChannel({ guild: discord.fixtures.guild, name: 'Staff', type: 4 });
    expect(
      (await api(discord, 'POST', `/channels/${category.id}/messages`, { content: 'x' })).body,
    ).toMatchObject({ code: 50008 });
  });
});

describe('moderation routes', () => {
  it('changes roles, nick and bans, recording each action', async () => {
    const discord = await sim();
    const { guild, users, roles } = discord.fixtures;
    const member = `/guilds/${guild.id}/members/${users.bob.id}`;
    const reason = { 'x-audit-log-reason': encodeURIComponent('needs access ✓') };
    expect(
      (await api(discord, 'PUT', `${member}/roles/${roles.moderator.id}`, undefined, reason))
        .status,
    ).toBe(204);
    expect((await api(discord, 'DELETE', `${member}/roles/${roles.moderator.id}`)).status).toBe(
      204,
    );
    expect((await api(discord, 'PUT', `${member}/roles/1`)).body).toMatchObject({ code: 10011 });
    expect(
      (await api(discord, 'PUT', `/guilds/${guild.id}/members/1/roles/${roles.moderator.id}`)).body,
    ).toMatchObject({ code: 10007 });
    expect(
      (await api(discord, 'PATCH', member, { nick: 'bobby', roles: [roles.moderator.id] })).body,
    ).toMatchObject({ nick: 'bobby', roles: [roles.moderator.id] });
    expect((await api(discord, 'PATCH', member, { roles: ['1'] })).body).toMatchObject({
      code: 10011,
    });
    expect(
      (await api(discord, 'PATCH', member, { communication_disabled_until: 'soon' })).status,
    ).toBe(400);
    expect(
      (
        await api(discord, 'PATCH', member, {
          communication_disabled_until: new Date(Date.now() + 60_000).toISOString(),
        })
      ).status,
    ).toBe(200);
    expect(
      (await api(discord, 'PATCH', member, { communication_disabled_until: null })).status,
    ).toBe(200);
    expect((await api(discord, 'PATCH', `/guilds/${guild.id}/members/1`, {})).status).toBe(404);
    expect(discord.member(users.bob)?.nick).toBe('bobby');

    expect((await api(discord, 'PUT', `/guilds/${guild.id}/bans/${users.bob.id}`, {})).status).toBe(
      204,
    );
    expect((await api(discord, 'PUT', `/guilds/${guild.id}/bans/1`, {})).body).toMatchObject({
      code: 10013,
    });
    expect((await api(discord, 'GET', `/guilds/${guild.id}/bans`)).body).toMatchObject([
      { user: { id: users.bob.id }, reason: null },
    ]);
    expect((await api(discord, 'GET', `/guilds/${guild.id}/bans/${users.bob.id}`)).status).toBe(
      200,
    );
    expect((await api(discord, 'DELETE', `/guilds/${guild.id}/bans/${users.bob.id}`)).status).toBe(
      204,
    );
    expect(
      (await api(discord, 'DELETE', `/guilds/${guild.id}/bans/${users.bob.id}`)).body,
    ).toMatchObject({ code: 10026 });
    expect(
      (await api(discord, 'GET', `/guilds/${guild.id}/bans/${users.bob.id}`)).body,
    ).toMatchObject({ code: 10026 });
    expect((await api(discord, 'DELETE', `/guilds/${guild.id}/members/1`)).status).toBe(404);

    expect(discord.moderationActions.map((a) => a.type)).toEqual([
      'role-add',
      'role-remove',
      'timeout',
      'timeout-removed',
      'ban',
      'unban',
    ]);
    expect(discord.moderationActions[0]).toMatchObject({
      reason: 'needs access ✓',
      roleId: roles.moderator.id,
    });
  });

  it('enforces the bot permissions unless disabled', async () => {
    const strict = await sim();
    const weak = strict.addGuild({
      name: 'weak',
      botPermissions: ['ViewChannel'],
      everyonePermissions: [],
    });
    const target = strict.addUser();
    strict.addMember({ guild: weak, user: target });
    const channel = strict.addChannel({ guild: weak });
    expect(
      (await api(strict, 'PUT', `/guilds/${weak.id}/bans/${target.id}`, {})).body,
    ).toMatchObject({ code: 50013 });
    expect((await api(strict, 'DELETE', `/guilds/${weak.id}/members/${target.id}`)).status).toBe(
      403,
    );
    expect((await api(strict, 'DELETE', `/guilds/${weak.id}/bans/${target.id}`)).status).toBe(403);
    expect(
      (await api(strict, 'PUT', `/guilds/${weak.id}/members/${target.id}/roles/${weak.id}`)).status,
    ).toBe(403);
    expect(
      (await api(strict, 'PATCH', `/guilds/${weak.id}/members/${target.id}`, { roles: [] })).status,
    ).toBe(403);
    expect(
      (await api(strict, 'POST', `/channels/${channel.id}/messages`, { content: 'x' })).status,
    ).toBe(403);
    const theirs = strict.sendMessage({ author: target, channel, content: 'hi' });
    expect(
      (await api(strict, 'DELETE', `/channels/${channel.id}/messages/${theirs.id}`)).status,
    ).toBe(403);
    expect(
      (await api(strict, 'DELETE', `/channels/${channel.id}/messages/${theirs.id}/reactions`))
        .status,
    ).toBe(403);
    expect(
      (await api(strict, 'PUT', `/channels/${channel.id}/messages/${theirs.id}/reactions/x/@me`))
        .status,
    ).toBe(403);
    // Ranked at or above the bot: a role placed above the bot's cannot be moderated.
    const { guild, users } = strict.fixtures;
    expect(
      (await api(strict, 'DELETE', `/guilds/${guild.id}/members/${users.owner.id}`)).status,
    ).toBe(403);

    const lax = await sim({ enforcePermissions: false });
    expect(
      (
        await api(
          lax,
          'DELETE',
          `/guilds/${lax.fixtures.guild.id}/members/${lax.fixtures.users.owner.id}`,
        )
      ).status,
    ).toBe(204);
  });
});

describe('commands and interactions', () => {
  it('validates, upserts and deletes commands', async () => {
    const discord = await sim();
    const app = discord.fixtures.application.id;
    const guild = discord.fixtures.guild.id;
    expect((await api(discord, 'PUT', `/applications/${app}/commands`, { name: 'x' })).status).toBe(
      400,
    );
    expect(
      (
        await api(discord, 'PUT', `/applications/${app}/commands`, [
          { name: 'Bad', description: 'd' },
        ])
      ).body,
    ).toMatchObject({
      errors: { 0: { name: {} } },
    });
    expect(
      (await api(discord, 'POST', `/applications/${app}/commands`, { name: 'x', description: '' }))
        .status,
    ).toBe(400);
    expect(
      (
        await api(discord, 'POST', `/applications/${app}/commands`, {
          name: 'has space',
          description: 'd',
        })
      ).status,
    ).toBe(400);
    const created = await api(discord, 'POST', `/applications/${app}/commands`, {
      name: 'ping',
      description: 'Ping',
      default_member_permissions: '8',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'ping', default_member_permissions: '8', application_id: app },
    });
    const updated = await api(discord, 'POST', `/applications/${app}/commands`, {
      name: 'ping',
      description: 'Pong',
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { id: (created.body as { id: string }).id, description: 'Pong' },
    });
    expect(
      ((await api(discord, 'GET', `/applications/${app}/commands`)).body as unknown[]).length,
    ).toBe(1);
    expect(
      (
        await api(
          discord,
          'DELETE',
          `/applications/${app}/commands/${(created.body as { id: string }).id}`,
        )
      ).status,
    ).toBe(204);
    expect((await api(discord, 'DELETE', `/applications/${app}/commands/1`)).body).toMatchObject({
      code: 10063,
    });

    const guildCmd = await api(discord, 'POST', `/applications/${app}/guilds/${guild}/commands`, {
      name: 'audit',
      description: 'Audit',
      type: 1,
    });
    expect(guildCmd.body).toMatchObject({ guild_id: guild });
    expect(
      (
        (await api(discord, 'GET', `/applications/${app}/guilds/${guild}/commands`))
          .body as unknown[]
      ).length,
    ).toBe(1);
    expect(
      (
        await api(
          discord,
          'DELETE',
          `/applications/${app}/guilds/${guild}/commands/${(guildCmd.body as { id: string }).id}`,
        )
      ).status,
    ).toBe(204);
    expect(
      (await api(discord, 'GET', `/applications/${app}/guilds/1/commands`)).body,
    ).toMatchObject({ code: 10004 });
    expect(discord.commands(guild)).toEqual([]);
  });

  it('enforces the interaction protocol: deadline, single ack, valid types, tokens', async () => {
    let now = Date.now();
    const clock = {
      now: () => now,
      setTimeout,
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    const discord = await sim({ clock });
    const { users } = discord.fixtures;
    const app = discord.fixtures.application.id;
    const callback = (i: { id: string; token: string }, withResponse = false) =>
      `/interactions/${i.id}/${i.token}/callback${withResponse ? '?with_response=true' : ''}`;

    const late = discord.invokeSlash({ user: users.bob, name: 'x' });
    now += 3001;
    expect(
      (
        await api(
          discord,
          'POST',
          callback(late),
          { type: 4, data: { content: 'late' } },
          {},
          false,
        )
      ).body,
    ).toMatchObject({ code: 10062 });

    const i = discord.invokeSlash({ user: users.bob, name: 'x' });
    expect(
      (await api(discord, 'POST', `/interactions/${i.id}/wrong/callback`, { type: 4 }, {}, false))
        .body,
    ).toMatchObject({ code: 10062 });
    expect(
      (
        await api(
          discord,
          'POST',
          `/webhooks/${app}/${i.token}`,
          { content: 'too early' },
          {},
          false,
        )
      ).body,
    ).toMatchObject({ code: 10015 });
    expect((await api(discord, 'POST', callback(i), { type: 9 }, {}, false)).status).toBe(400);
    expect(
      (
        await api(
          discord,
          'POST',
          callback(i),
          { type: InteractionResponseType.UpdateMessage },
          {},
          false,
        )
      ).status,
    ).toBe(400);
    expect(
      (await api(discord, 'POST', callback(i), { type: 4, data: {} }, {}, false)).body,
    ).toMatchObject({ code: 50006 });
    const deferred = await api(
      discord,
      'POST',
      callback(i, true),
      { type: 5, data: { flags: MessageFlags.Ephemeral } },
      {},
      false,
    );
    expect(deferred.body).toMatchObject({
      interaction: { id: i.id, response_message_loading: true, response_message_ephemeral: true },
    });
    expect((deferred.body as { resource?: unknown }).resource).toBeUndefined();
    expect(
      (await api(discord, 'POST', callback(i), { type: 4, data: { content: 'again' } }, {}, false))
        .body,
    ).toMatchObject({ code: 40060 });

    const original = `/webhooks/${app}/${i.token}/messages/%40original`;
    expect((await api(discord, 'GET', original, undefined, {}, false)).body).toMatchObject({
      flags: MessageFlags.Ephemeral | MessageFlags.Loading,
    });
    expect(
      (await api(discord, 'PATCH', original, { content: 'done' }, {}, false)).body,
    ).toMatchObject({ content: 'done', flags: MessageFlags.Ephemeral });
    const followUp = (
      await api(
        discord,
        'POST',
        `/webhooks/${app}/${i.token}?wait=true`,
        { content: 'more' },
        {},
        false,
      )
    ).body as { id: string };
    expect(
      (
        await api(
          discord,
          'POST',
          `/webhooks/${app}/${i.token}?wait=false`,
          { content: 'quiet' },
          {},
          false,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await api(
          discord,
          'GET',
          `/webhooks/${app}/${i.token}/messages/${followUp.id}`,
          undefined,
          {},
          false,
        )
      ).body,
    ).toMatchObject({ content: 'more' });
    expect(
      (await api(discord, 'GET', `/webhooks/${app}/${i.token}/messages/1`, undefined, {}, false))
        .body,
    ).toMatchObject({ code: 10008 });
    expect(
      (
        await api(
          discord,
          'DELETE',
          `/webhooks/${app}/${i.token}/messages/${followUp.id}`,
          undefined,
          {},
          false,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await api(
          discord,
          'GET',
          `/webhooks/${app}/bad-token/messages/%40original`,
          undefined,
          {},
          false,
        )
      ).body,
    ).toMatchObject({ code: 50027 });
    expect(discord.interaction(i)).toMatchObject({
      responseType: 5,
      ephemeral: true,
      original: { content: 'done' },
      followUps: [{ content: 'quiet' }],
    });

    now += 15 * 60_000 + 1;
    expect(
      (await api(discord, 'PATCH', original, { content: 'expired' }, {}, false)).body,
    ).toMatchObject({ code: 50027 });
    expect(() => discord.interaction('1')).toThrow(/unknown interaction/);
    expect(PermissionFlagsBits.Administrator).toBe(8n);
  });
});
