import { GatewayDispatchEvents } from 'discord.js';
import type { ClientOptions, Client } from 'discord.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { LoginClient, MockDiscord, RecordedRequest } from '../../src/testing/index.js';

declare const discord: MockDiscord;

describe('soc-kit/testing types', () => {
  it('clientOptions spread into a discord.js Client, and a Client fits login()', () => {
    expectTypeOf({ ...discord.clientOptions, intents: [] }).toExtend<ClientOptions>();
    expectTypeOf<Client>().toExtend<LoginClient>();
  });

  it('types dispatch payloads by event name', () => {
    discord.dispatch(GatewayDispatchEvents.TypingStart, {
      channel_id: '1',
      user_id: '2',
      timestamp: 0,
    });
    // @ts-expect-error: MESSAGE_DELETE needs id and channel_id, not a user id
    discord.dispatch(GatewayDispatchEvents.MessageDelete, { user_id: '2' });
  });

  it('types invokeSlash results as ChatInput interactions and requests as records', () => {
    const interaction = discord.invokeSlash({ user: '1', name: 'x' });
    expectTypeOf(interaction.data.name).toEqualTypeOf<string>();
    expectTypeOf(interaction.app_permissions).toEqualTypeOf<string>();
    expectTypeOf(discord.requests).toEqualTypeOf<readonly RecordedRequest[]>();
    // @ts-expect-error: option values are primitives or fixtures, not arrays
    discord.invokeSlash({ user: '1', name: 'x', options: { list: [1, 2] } });
    // @ts-expect-error: the waitForRequest method filter takes HTTP verbs
    void discord.waitForRequest({ method: 'FETCH' });
  });
});
