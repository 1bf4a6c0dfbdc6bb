import { Client, GatewayIntentBits } from 'discord.js';
import { expect, it } from 'vitest';
import { createMockDiscord } from '../../src/testing/index.js';

it('logs in', async () => {
  const discord = await createMockDiscord();
  const client = new Client({ ...discord.clientOptions, intents: [GatewayIntentBits.Guilds] });
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    client.once('clientReady', () => resolve());
    void client.login(discord.token);
  });
  console.log('ready in', Date.now() - t0);
  expect(client.guilds.cache.size).toBe(1);
  await client.destroy();
  await discord.close();
});
