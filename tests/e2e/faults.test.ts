import { GatewayIntentBits, RESTEvents } from 'discord.js';
import type { Client, Message, RateLimitData } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { nextEvent, useE2E } from './harness.js';

const e2e = useE2E();
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];
const CREATE_MESSAGE = { method: 'POST', route: '/channels/:channelId/messages' } as const;

async function sendable(client: Client, id: string) {
  const channel = client.channels.cache.get(id);
  if (channel === undefined || !channel.isSendable())
    throw new Error(`channel ${id} is not sendable`);
  return channel;
}

describe('fault injection', () => {
  it('a 429 with retry_after: discord.js waits, then retries and succeeds', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    // discord.js reports an unexpected 429 on its debug channel, then, having learnt from the
    // X-RateLimit headers that the bucket is exhausted, waits for the reset with a RateLimited event.
    const debug: string[] = [];
    client.rest.on(RESTEvents.Debug, (line) => debug.push(line));
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (data) => limited.push(data));
    // Long enough that a loaded machine cannot pass the reset before discord.js checks its bucket.
    discord.faults.rateLimit(CREATE_MESSAGE, { retryAfterMs: 400 });

    const channel = await sendable(client, discord.fixtures.channels.general.id);
    const message = await channel.send('after the limit');
    expect(message.content).toBe('after the limit');

    const attempts = discord.requests.filter((r) => r.method === 'POST');
    expect(attempts.map((r) => r.status)).toEqual([429, 200]);
    expect(attempts[1]!.time - attempts[0]!.time).toBeGreaterThanOrEqual(390);
    const report = debug.find((line) => line.includes('Encountered unexpected 429 rate limit'));
    expect(report).toMatch(/Retry After\s+: 400ms/);
    expect(report).toMatch(/Scope\s+: user/);
    // discord.js emits RateLimited each time it finds the bucket still exhausted, so a slow
    // timer can make it wait (and report) twice; every report must describe this bucket.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const report of limited) {
      expect(report).toMatchObject({
        method: 'POST',
        route: '/channels/:id/messages',
        limit: 5,
        scope: 'user',
        global: false,
      });
      expect(report.timeToReset).toBeGreaterThan(0);
      expect(report.timeToReset).toBeLessThanOrEqual(400);
    }
  });

  it('a 500 is retried by discord.js; persistent 5xx surface as an error', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const channel = await sendable(client, discord.fixtures.channels.general.id);

    discord.faults.serverError(CREATE_MESSAGE);
    await channel.send('second try');
    expect(discord.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([
      500, 200,
    ]);

    discord.faults.serverError(CREATE_MESSAGE, { status: 503, times: 10 });
    await expect(channel.send('never')).rejects.toMatchObject({ status: 503 });
    discord.faults.clear();
    await channel.send('recovered');
    expect(discord.messages(discord.fixtures.channels.general).map((m) => m.content)).toEqual([
      'second try',
      'recovered',
    ]);
  });

  it('a dropped gateway connection: the client resumes and gets the events it missed', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const { users, channels } = discord.fixtures;

    const resumed = nextEvent(client, 'shardResume', 5000);
    expect(discord.faults.dropGateway()).toBe(1);
    // Sent while the client is away: replayed on RESUME.
    const missed = discord.sendMessage({
      author: users.bob,
      channel: channels.general,
      content: 'while you were out',
    });
    const delivered = nextEvent<[Message]>(client, 'messageCreate', 5000);
    await resumed;
    expect((await delivered)[0].id).toBe(missed.id);

    const resume = discord.gatewayLog.find((e) => e.type === 'resume');
    expect(resume).toMatchObject({ type: 'resume', replayed: 1 });
    expect(discord.gatewayLog.filter((e) => e.type === 'identify')).toHaveLength(1);
    const seqs = discord.gatewayLog.flatMap((e) => (e.type === 'dispatch' ? [e.seq] : []));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const after = nextEvent<[Message]>(client, 'messageCreate');
    discord.sendMessage({ author: users.bob, channel: channels.general, content: 'back online' });
    expect((await after)[0].content).toBe('back online');
  });

  it('an abrupt TCP drop and an op 7 reconnect request are resumed too', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    let resumed = nextEvent(client, 'shardResume', 5000);
    discord.faults.dropGateway({ abrupt: true });
    await resumed;
    resumed = nextEvent(client, 'shardResume', 5000);
    discord.faults.requestReconnect();
    await resumed;
    expect(discord.gatewayLog.filter((e) => e.type === 'resume')).toHaveLength(2);
    expect(discord.gatewayLog.filter((e) => e.type === 'identify')).toHaveLength(1);
  });

  it('latency delays responses by the injected amount', async () => {
    const discord = await e2e.simulator();
    const client = await e2e.client(discord, INTENTS);
    const channel = await sendable(client, discord.fixtures.channels.general.id);
    discord.faults.latency(120, CREATE_MESSAGE);
    const started = Date.now();
    await channel.send('slow');
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    discord.faults.clear();
    await channel.send('fast');
    // No upper bound on the second send: a loaded CI machine may be slow on its own.
    expect(discord.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});
