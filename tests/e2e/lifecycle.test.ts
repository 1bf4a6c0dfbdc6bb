import { Client, GatewayIntentBits } from 'discord.js';
import type { Message } from 'discord.js';
import type { Clock } from '../../src/testing/index.js';
import { describe, expect, it, vi } from 'vitest';
import { createMockDiscord } from '../../src/testing/index.js';
import { nextEvent, useE2E } from './harness.js';

const e2e = useE2E();
const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
];

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
}

/** A real clock that counts the timers it has pending, so the test sees exactly the simulator's. */
function countingClock(): Clock & { pending: Set<unknown> } {
  const pending = new Set<unknown>();
  return {
    pending,
    now: () => Date.now(),
    setTimeout: (callback, ms) => {
      const handle = setTimeout(() => {
        pending.delete(handle);
        callback();
      }, ms);
      pending.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      pending.delete(handle);
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
}

describe('parallel simulators', () => {
  it('two simulators serve two clients side by side without crosstalk', async () => {
    const [one, two] = await Promise.all([
      e2e.simulator(),
      e2e.simulator({ botName: 'second-bot' }),
    ]);
    expect(one.url).not.toBe(two.url);
    expect(one.token).not.toBe(two.token);
    const [clientOne, clientTwo] = await Promise.all([
      e2e.client(one, INTENTS),
      e2e.client(two, INTENTS),
    ]);
    expect(clientOne.user?.username).toBe('soc-kit-bot');
    expect(clientTwo.user?.username).toBe('second-bot');

    const seen: string[] = [];
    clientOne.on('messageCreate', (m: Message) => seen.push(`one:${m.content}`));
    clientTwo.on('messageCreate', (m: Message) => seen.push(`two:${m.content}`));
    const gotOne = nextEvent(clientOne, 'messageCreate');
    const gotTwo = nextEvent(clientTwo, 'messageCreate');
    one.sendMessage({
      author: one.fixtures.users.bob,
      channel: one.fixtures.channels.general,
      content: 'for one',
    });
    two.sendMessage({
      author: two.fixtures.users.bob,
      channel: two.fixtures.channels.general,
      content: 'for two',
    });
    await Promise.all([gotOne, gotTwo]);
    expect(seen.sort()).toEqual(['one:for one', 'two:for two']);
    expect(one.fixtures.guild.id).not.toBe(two.fixtures.guild.id);
  });
});

describe('close()', () => {
  it('leaves no TCP handle behind after a full client session', async () => {
    const discord = await createMockDiscord();
    const client = e2e.track(new Client({ ...discord.clientOptions, intents: INTENTS }));
    try {
      await discord.login(client);
      const channel = client.channels.cache.get(discord.fixtures.channels.general.id);
      if (channel?.isSendable() !== true) throw new Error('fixture channel missing');
      await channel.send('keep-alive connection in the pool');
      expect(tcpHandles()).toBeGreaterThan(0);
    } finally {
      await client.destroy();
      await discord.close();
    }
    // Client-side sockets see the server's FIN a moment later; every TCP handle must then be gone
    // (vitest talks to its workers over pipes, so nothing else in this process uses TCP).
    await vi.waitFor(() => expect(tcpHandles()).toBe(0), { timeout: 5000, interval: 10 });
  });

  it('ends a login() in flight at once with MOCK_DISCORD_CLOSED, not after its 5 s timeout', async () => {
    const discord = await createMockDiscord();
    const client = e2e.track(new Client({ ...discord.clientOptions, intents: INTENTS }));
    const login = discord.login(client, { timeoutMs: 60_000 });
    const outcome = login.then(
      () => 'ready',
      (error: unknown) => error,
    );
    // The client has its gateway URL and is opening the WebSocket: the middle of the handshake.
    await discord.waitForRequest({ route: '/gateway/bot' });
    await discord.close();
    // With a 60 s login timeout, only close() can settle this within the test's 15 s budget.
    expect(await outcome).toMatchObject({ code: 'MOCK_DISCORD_CLOSED' });
  });

  it('cancels pending latency timers and waiters, and is idempotent', async () => {
    const clock = countingClock();
    const discord = await createMockDiscord({ latencyMs: 10_000, clock });
    const pending = fetch(`${discord.clientOptions.rest.api}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${discord.token}` },
    });
    const recorded = await discord.waitForRequest({ route: '/gateway/bot' });
    expect(recorded.status).toBe(200);
    const waiting = discord.waitForRequest({ route: '/never' }, { timeoutMs: 60_000 });
    expect(clock.pending.size).toBe(2); // the delayed response and the waiter's timeout

    // Attach the expectations first: both promises reject while close() runs.
    const fetchFails = expect(pending).rejects.toThrow();
    const waitFails = expect(waiting).rejects.toMatchObject({ code: 'MOCK_DISCORD_CLOSED' });
    await Promise.all([discord.close(), discord.close()]);
    await fetchFails;
    await waitFails;
    await expect(discord.waitForRequest({ route: '/x' })).rejects.toMatchObject({
      code: 'MOCK_DISCORD_CLOSED',
    });
    expect(() =>
      discord.sendMessage({
        author: discord.fixtures.users.bob,
        channel: discord.fixtures.channels.general,
        content: 'x',
      }),
    ).toThrow(/closed/);
    expect(clock.pending.size).toBe(0);
  });
});
