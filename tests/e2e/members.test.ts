import { GatewayIntentBits } from 'discord.js';
import type { GuildMember, PartialGuildMember } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { nextEvent, useE2E } from './harness.js';

const e2e = useE2E();
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMembers,
  GatewayIntentBits.GuildModeration,
];

describe('members and moderation', () => {
  it('delivers a member join to guildMemberAdd and a leave to guildMemberRemove', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const carol = discord.addUser({ username: 'carol' });

    const joined = nextEvent<[GuildMember]>(client, 'guildMemberAdd');
    const payload = discord.memberJoin({ user: carol, roles: [discord.fixtures.roles.moderator] });
    expect(payload).toMatchObject({
      guild_id: discord.fixtures.guild.id,
      user: { id: carol.id },
      roles: [discord.fixtures.roles.moderator.id],
    });
    const [member] = await joined;
    expect(member.user.username).toBe('carol');
    expect(member.guild.id).toBe(discord.fixtures.guild.id);
    expect(member.roles.cache.has(discord.fixtures.roles.moderator.id)).toBe(true);
    expect(member.guild.memberCount).toBe(5); // owner, bot, alice, bob + carol

    const left = nextEvent<[GuildMember | PartialGuildMember]>(client, 'guildMemberRemove');
    discord.memberLeave({ user: carol });
    expect((await left)[0].id).toBe(carol.id);
    expect(discord.member(carol)).toBeUndefined();
  });

  it('does not deliver member events to a bot without the GuildMembers intent', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, [GatewayIntentBits.Guilds]);
    let joins = 0;
    client.on('guildMemberAdd', () => joins++);
    discord.memberJoin({ user: discord.addUser() });
    const log = discord.gatewayLog.filter(
      (e) => e.type === 'dispatch' && e.event === 'GUILD_MEMBER_ADD',
    );
    expect(log).toEqual([]);
    expect(joins).toBe(0);
  });

  it('records timeouts, kicks and bans with their reasons', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const { users, guild: guildFixture } = discord.fixtures;
    const guild = client.guilds.cache.get(guildFixture.id)!;
    const bob = await guild.members.fetch(users.bob.id);
    const extra = discord.addUser({ username: 'spammer' });
    discord.addMember({ guild: guildFixture, user: extra });

    await bob.timeout(10 * 60_000, 'cool down');
    const victim = await guild.members.fetch(extra.id);
    await victim.kick('spam');
    await guild.members.ban(users.bob.id, { reason: 'raid', deleteMessageSeconds: 3600 });

    expect(
      discord.moderationActions.map(({ type, userId, reason }) => ({ type, userId, reason })),
    ).toEqual([
      { type: 'timeout', userId: users.bob.id, reason: 'cool down' },
      { type: 'kick', userId: extra.id, reason: 'spam' },
      { type: 'ban', userId: users.bob.id, reason: 'raid' },
    ]);
    // discord.js turns the 10-minute duration into an ISO end time; it was sent a moment earlier.
    const timeout = discord.moderationActions[0]!;
    const remaining = Date.parse(timeout.until!) - timeout.time;
    expect(remaining).toBeGreaterThan(9 * 60_000);
    expect(remaining).toBeLessThanOrEqual(10 * 60_000);
    expect(discord.moderationActions[2]?.deleteMessageSeconds).toBe(3600);
    expect(discord.bans()).toEqual([users.bob.id]);
    expect(discord.requests.find((r) => r.method === 'PATCH')?.auditLogReason).toBe('cool down');
    expect(() => discord.memberJoin({ user: users.bob })).toThrow(/banned/);
  });

  it('refuses to moderate the owner: 403 Missing Permissions reaches the bot', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const guild = client.guilds.cache.get(discord.fixtures.guild.id)!;
    await expect(guild.members.kick(discord.fixtures.users.owner.id)).rejects.toMatchObject({
      code: 50013,
      status: 403,
    });
    expect(discord.moderationActions).toEqual([]);
  });

  it('fetches members, users, channels and roles over REST', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const { users, guild: guildFixture, channels } = discord.fixtures;
    const guild = client.guilds.cache.get(guildFixture.id)!;

    const all = await guild.members.list({ limit: 100 });
    expect(all.size).toBe(4); // owner, bot, alice, bob
    const user = await client.users.fetch(users.alice.id, { force: true });
    expect(user.username).toBe('alice');
    const roles = await guild.roles.fetch(undefined, { force: true });
    expect(roles.map((r) => r.name).sort()).toEqual([
      '@everyone',
      'Admin',
      'Moderator',
      'soc-kit-bot',
    ]);
    const fetched = await guild.channels.fetch(undefined, { force: true });
    expect(fetched.map((c) => c?.name).sort()).toEqual(['general', 'mod-log']);
    const channel = await client.channels.fetch(channels.modLog.id, { force: true });
    expect(channel?.id).toBe(channels.modLog.id);
    // Gateway member chunk (op 8), which guild.members.fetch() without ids uses.
    const chunked = await guild.members.fetch();
    expect(chunked.size).toBe(4);
    await expect(client.users.fetch('1', { force: true })).rejects.toMatchObject({ code: 10013 });
  });
});
