// Shared e2e plumbing: every test gets fresh simulators and clients that are destroyed and closed
// in afterEach, and fails if anything produced an unhandled rejection meanwhile.
import { Client } from 'discord.js';
import type { ClientOptions, GatewayIntentBits } from 'discord.js';
import { afterEach, beforeEach } from 'vitest';
import { createMockDiscord, watchUnhandledRejections } from '../../src/testing/index.js';
import type {
  MockDiscord,
  MockDiscordOptions,
  UnhandledRejectionWatch,
} from '../../src/testing/index.js';

export interface E2E {
  simulator(options?: MockDiscordOptions): Promise<MockDiscord>;
  /** Registers a client built by the test itself, so afterEach destroys it too. */
  track(client: Client): Client;
  /** A logged-in, ready client; `setup` runs before login so listeners see every event. */
  client(
    discord: MockDiscord,
    intents: GatewayIntentBits[] | ClientOptions,
    setup?: (client: Client) => void,
  ): Promise<Client>;
}

export function useE2E(): E2E {
  const clients: Client[] = [];
  const simulators: MockDiscord[] = [];
  let watch: UnhandledRejectionWatch | undefined;

  beforeEach(() => {
    watch = watchUnhandledRejections();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
    await Promise.all(simulators.splice(0).map((discord) => discord.close()));
    // Let late promise jobs settle so their rejections land in this test, not the next one.
    await new Promise((resolve) => setImmediate(resolve));
    watch?.stop();
    watch?.assertNone();
  });

  return {
    async simulator(options) {
      const discord = await createMockDiscord(options);
      simulators.push(discord);
      return discord;
    },
    track(client) {
      clients.push(client);
      return client;
    },
    async client(discord, intents, setup) {
      const options = Array.isArray(intents) ? { intents } : intents;
      const client = new Client({ ...discord.clientOptions, ...options });
      clients.push(client);
      setup?.(client);
      await discord.login(client);
      return client;
    },
  };
}

/** Resolves with the arguments of the next `event` the client emits. */
export function nextEvent<T extends unknown[]>(
  client: Client,
  event: string,
  timeoutMs = 2000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    client.once(event, listener);
  });
}
