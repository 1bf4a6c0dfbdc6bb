import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import type { GatewayReceivePayload } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMockDiscord } from '../../src/testing/index.js';
import type { MockDiscord, MockDiscordOptions } from '../../src/testing/index.js';

// Speaks the gateway protocol by hand with `ws`, to pin down what the simulator does on each op.
const open: MockDiscord[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function sim(options?: MockDiscordOptions): Promise<MockDiscord> {
  const discord = await createMockDiscord(options);
  open.push(discord);
  return discord;
}

interface Conn {
  socket: WebSocket;
  next(): Promise<GatewayReceivePayload>;
  send(payload: unknown): void;
  closed: Promise<number>;
}

async function connect(discord: MockDiscord, path = '/gateway'): Promise<Conn> {
  const socket = new WebSocket(
    `${discord.gatewayUrl.replace('/gateway', path)}?v=10&encoding=json`,
  );
  sockets.push(socket);
  const queue: GatewayReceivePayload[] = [];
  const waiters: ((p: GatewayReceivePayload) => void)[] = [];
  socket.on('message', (data) => {
    const payload = JSON.parse(String(data)) as GatewayReceivePayload;
    const waiter = waiters.shift();
    if (waiter === undefined) queue.push(payload);
    else waiter(payload);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    next: () => {
      const queued = queue.shift();
      return queued === undefined
        ? new Promise((resolve) => waiters.push(resolve))
        : Promise.resolve(queued);
    },
    send: (payload) => socket.send(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    closed,
  };
}

const identify = (token: string, intents: number = GatewayIntentBits.Guilds) => ({
  op: GatewayOpcodes.Identify,
  d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } },
});

describe('gateway protocol', () => {
  it('sends HELLO, ACKs heartbeats, and READY then GUILD_CREATE with sequence numbers', async () => {
    const discord = await sim({ heartbeatIntervalMs: 1234 });
    const conn = await connect(discord);
    expect(await conn.next()).toEqual({
      op: GatewayOpcodes.Hello,
      d: { heartbeat_interval: 1234 },
      s: null,
      t: null,
    });
    conn.send({ op: GatewayOpcodes.Heartbeat, d: null });
    expect(await conn.next()).toMatchObject({ op: GatewayOpcodes.HeartbeatAck });
    conn.send(identify(discord.token));
    const ready = await conn.next();
    expect(ready).toMatchObject({
      op: 0,
      t: 'READY',
      s: 1,
      d: { application: { id: discord.fixtures.application.id, flags: 0 } },
    });
    expect(await conn.next()).toMatchObject({
      t: 'GUILD_CREATE',
      s: 2,
      d: { id: discord.fixtures.guild.id },
    });
    conn.send(identify(discord.token));
    expect(await conn.closed).toBe(4005);
  });

  it('closes on a bad token (4004), unknown op (4001), undecodable frames (4002) and ops before identify (4003)', async () => {
    const discord = await sim();
    const bad = await connect(discord);
    bad.send(identify('wrong'));
    expect(await bad.closed).toBe(4004);
    const unknownOp = await connect(discord);
    unknownOp.send({ op: 99, d: null });
    expect(await unknownOp.closed).toBe(4001);
    const garbage = await connect(discord);
    garbage.send('{not json');
    expect(await garbage.closed).toBe(4002);
    const binary = await connect(discord);
    binary.socket.send(Buffer.from([1, 2, 3]));
    expect(await binary.closed).toBe(4002);
    const early = await connect(discord);
    early.send({
      op: GatewayOpcodes.PresenceUpdate,
      d: { since: null, activities: [], status: 'online', afk: false },
    });
    expect(await early.closed).toBe(4003);
    const earlyMembers = await connect(discord);
    earlyMembers.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: '1', query: '', limit: 0 },
    });
    expect(await earlyMembers.closed).toBe(4003);
    expect(discord.gatewayLog.filter((e) => e.type === 'identify')).toHaveLength(0);
  });

  it('refuses upgrades on other paths', async () => {
    const discord = await sim();
    await expect(connect(discord, '/elsewhere')).rejects.toThrow();
  });

  it('answers RESUME of an unknown session with op 9, and replays missed events on a real resume', async () => {
    const discord = await sim();
    const stranger = await connect(discord);
    await stranger.next();
    stranger.send({
      op: GatewayOpcodes.Resume,
      d: { token: discord.token, session_id: 'nope', seq: 0 },
    });
    expect(await stranger.next()).toMatchObject({ op: GatewayOpcodes.InvalidSession, d: false });

    const first = await connect(discord);
    await first.next();
    first.send(identify(discord.token, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers));
    const ready = (await first.next()) as { d: { session_id: string } };
    await first.next();
    expect(discord.faults.dropGateway({ code: 4000 })).toBe(2);
    expect(await first.closed).toBe(4000);
    discord.memberJoin({ user: discord.addUser() });
    expect(discord.gatewayLog.at(-1)).toMatchObject({
      type: 'dispatch',
      event: 'GUILD_MEMBER_ADD',
      seq: 3,
      delivered: false,
    });

    const second = await connect(discord);
    await second.next();
    second.send({
      op: GatewayOpcodes.Resume,
      d: { token: discord.token, session_id: ready.d.session_id, seq: 2 },
    });
    expect(await second.next()).toMatchObject({ t: 'GUILD_MEMBER_ADD', s: 3 });
    expect(await second.next()).toMatchObject({ t: 'RESUMED', s: 4 });

    // A second resume of the same session takes it over and drops the older connection.
    const third = await connect(discord);
    await third.next();
    third.send({
      op: GatewayOpcodes.Resume,
      d: { token: discord.token, session_id: ready.d.session_id, seq: 4 },
    });
    expect(await third.next()).toMatchObject({ t: 'RESUMED', s: 5 });
    expect(await second.closed).toBe(1006);
  });

  it('refuses a RESUME whose missed events fell out of the 1000-event backlog, instead of losing them', async () => {
    const discord = await sim();
    const conn = await connect(discord);
    await conn.next();
    conn.send(identify(discord.token, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers));
    const ready = (await conn.next()) as { d: { session_id: string } };
    await conn.next(); // GUILD_CREATE, seq 2
    discord.faults.dropGateway({ code: 4000 });
    await conn.closed;
    // Seqs 3..1003 while away; the backlog keeps the last 1000 (4..1003), so seq 3 is gone.
    for (let i = 0; i < 1001; i += 1) discord.memberJoin({ user: discord.addUser() });

    const late = await connect(discord);
    await late.next();
    late.send({
      op: GatewayOpcodes.Resume,
      d: { token: discord.token, session_id: ready.d.session_id, seq: 2 },
    });
    expect(await late.next()).toMatchObject({ op: GatewayOpcodes.InvalidSession, d: false });
    expect(discord.gatewayLog.at(-1)).toMatchObject({
      type: 'invalid-session',
      reason: expect.stringMatching(/older than the replay backlog/),
    });
    // Had it seen one more event, everything it missed would still be there.
    late.send({
      op: GatewayOpcodes.Resume,
      d: { token: discord.token, session_id: ready.d.session_id, seq: 3 },
    });
    expect(await late.next()).toMatchObject({ t: 'GUILD_MEMBER_ADD', s: 4 });
  });

  it('answers member requests (op 8) by query and by ids', async () => {
    const discord = await sim();
    const conn = await connect(discord);
    await conn.next();
    conn.send(identify(discord.token));
    await conn.next();
    await conn.next();
    const guildId = discord.fixtures.guild.id;
    conn.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: guildId, query: 'b', limit: 1, nonce: 'n1' },
    });
    const byQuery = (await conn.next()) as {
      d: { members: { user: { username: string } }[]; nonce: string };
    };
    expect(byQuery).toMatchObject({ t: 'GUILD_MEMBERS_CHUNK', d: { nonce: 'n1', chunk_count: 1 } });
    expect(byQuery.d.members.map((m) => m.user.username)).toEqual(['bob']);
    conn.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: guildId, user_ids: [discord.fixtures.users.alice.id, '1'] },
    });
    expect(await conn.next()).toMatchObject({
      d: { members: [{ user: { username: 'alice' } }], not_found: ['1'] },
    });
    conn.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: guildId, user_ids: discord.fixtures.users.bob.id },
    });
    expect(await conn.next()).toMatchObject({ d: { members: [{ user: { username: 'bob' } }] } });
    conn.send({
      op: GatewayOpcodes.RequestGuildMembers,
      d: { guild_id: '1', query: '', limit: 0 },
    });
    conn.send({ op: GatewayOpcodes.Heartbeat, d: 3 });
    expect(await conn.next()).toMatchObject({ op: GatewayOpcodes.HeartbeatAck }); // unknown guild: no chunk
    conn.send({
      op: GatewayOpcodes.PresenceUpdate,
      d: { since: null, activities: [], status: 'online', afk: false },
    });
    conn.send({ op: GatewayOpcodes.Heartbeat, d: 3 });
    expect(await conn.next()).toMatchObject({ op: GatewayOpcodes.HeartbeatAck });
  });

  it('filters dispatches by intent unless enforcement is off, and dispatch() bypasses filters', async () => {
    const strict = await sim();
    const lax = await sim({ enforceIntents: false });
    for (const discord of [strict, lax]) {
      const conn = await connect(discord);
      await conn.next();
      conn.send(identify(discord.token, 0));
      await conn.next(); // READY; no GUILD_CREATE without the Guilds intent (unless not enforced)
      discord.memberJoin({ user: discord.addUser() });
      const sent = discord.dispatch(GatewayDispatchEvents.TypingStart, {
        channel_id: discord.fixtures.channels.general.id,
        user_id: discord.fixtures.users.bob.id,
        timestamp: 1,
      });
      expect(sent).toBe(1);
      const events: string[] = [];
      for (;;) {
        const payload = await conn.next();
        if (payload.op === GatewayOpcodes.Dispatch) events.push(payload.t);
        if (
          payload.op === GatewayOpcodes.Dispatch &&
          payload.t === GatewayDispatchEvents.TypingStart
        )
          break;
      }
      expect(events).toEqual(
        discord === strict
          ? ['TYPING_START']
          : ['GUILD_CREATE', 'GUILD_MEMBER_ADD', 'TYPING_START'],
      );
    }
  });

  it('tells clients about guilds, channels and roles added after ready', async () => {
    const discord = await sim();
    const conn = await connect(discord);
    await conn.next();
    conn.send(identify(discord.token));
    await conn.next();
    await conn.next();
    const guild = discord.addGuild({ name: 'second' });
    expect(await conn.next()).toMatchObject({
      t: 'GUILD_CREATE',
      d: { id: guild.id, name: 'second' },
    });
    const channel = discord.addChannel({ guild, name: 'alerts' });
    expect(await conn.next()).toMatchObject({
      t: 'CHANNEL_CREATE',
      d: { id: channel.id, guild_id: guild.id },
    });
    const role = discord.addRole({ guild, name: 'Trusted' });
    expect(await conn.next()).toMatchObject({
      t: 'GUILD_ROLE_CREATE',
      d: { guild_id: guild.id, role: { id: role.id } },
    });
    expect(discord.gatewayLog.some((e) => e.type === 'connect')).toBe(true);
  });
});

describe('session lifetime', () => {
  it('ends a session on a normal client close (1000) but keeps it after other codes', async () => {
    const discord = await sim();
    const start = async (): Promise<{ conn: Conn; sessionId: string }> => {
      const conn = await connect(discord);
      await conn.next();
      conn.send(identify(discord.token));
      const ready = (await conn.next()) as { d: { session_id: string } };
      await conn.next();
      return { conn, sessionId: ready.d.session_id };
    };
    const resume = async (sessionId: string): Promise<GatewayReceivePayload> => {
      const conn = await connect(discord);
      await conn.next();
      conn.send({
        op: GatewayOpcodes.Resume,
        d: { token: discord.token, session_id: sessionId, seq: 2 },
      });
      return conn.next();
    };

    const normal = await start();
    normal.conn.socket.close(1000);
    await normal.conn.closed;
    expect(await resume(normal.sessionId)).toMatchObject({ op: GatewayOpcodes.InvalidSession });

    const resumable = await start();
    resumable.conn.socket.close(4200);
    await resumable.conn.closed;
    expect(await resume(resumable.sessionId)).toMatchObject({ t: 'RESUMED' });
  });
});
