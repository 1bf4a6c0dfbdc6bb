import { Client, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { useE2E } from './harness.js';

const e2e = useE2E();

describe('login', () => {
  it('reaches ready with the bot user, application, guild, channels, roles and members', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, [GatewayIntentBits.Guilds]);
    const { fixtures } = discord;

    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fixtures.bot.id);
    expect(client.application?.id).toBe(fixtures.application.id);
    const guild = client.guilds.cache.get(fixtures.guild.id);
    expect(guild?.name).toBe('soc-kit test guild');
    expect(guild?.channels.cache.get(fixtures.channels.general.id)?.name).toBe('general');
    expect(
      guild?.roles.cache
        .get(fixtures.roles.moderator.id)
        ?.permissions.has(PermissionFlagsBits.KickMembers),
    ).toBe(true);
    expect(
      guild?.members.cache
        .get(fixtures.users.alice.id)
        ?.roles.cache.has(fixtures.roles.moderator.id),
    ).toBe(true);
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.BanMembers)).toBe(true);
    expect(guild?.ownerId).toBe(fixtures.users.owner.id);

    const identify = discord.gatewayLog.find((entry) => entry.type === 'identify');
    expect(identify).toMatchObject({ type: 'identify', intents: GatewayIntentBits.Guilds });
    const dispatched = discord.gatewayLog
      .filter((entry) => entry.type === 'dispatch')
      .map((entry) => [entry.event, entry.seq]);
    expect(dispatched).toEqual([
      ['READY', 1],
      ['GUILD_CREATE', 2],
    ]);
    expect(discord.requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'GET /gateway/bot 200',
    ]);
  });

  it('answers heartbeats with ACKs, which discord.js turns into a ping', async () => {
    const discord = await e2e.simulator({ heartbeatIntervalMs: 30 });
    const client = await e2e.client(discord, [GatewayIntentBits.Guilds]);
    await vi.waitFor(() => expect(client.ws.ping).toBeGreaterThanOrEqual(0), {
      timeout: 2000,
      interval: 5,
    });
    expect(discord.gatewayLog.some((entry) => entry.type === 'heartbeat')).toBe(true);
  });

  it('rejects a wrong token on REST with 401, so login fails with TokenInvalid', async () => {
    const discord = await e2e.simulator();
    const client = e2e.track(
      new Client({ ...discord.clientOptions, intents: [GatewayIntentBits.Guilds] }),
    );
    await expect(client.login('wrong-token')).rejects.toThrow(/invalid token/i);
    expect(discord.requests[0]).toMatchObject({ route: '/gateway/bot', status: 401 });
  });
});
