import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineSignals, SignalBus } from '../../src/bus/index.js';
import {
  GuildConfig,
  JsonStore,
  configSignals,
  MemoryStorageAdapter,
  guildConfigStoreSchema,
  type ReadonlyDeep,
} from '../../src/storage/index.js';

describe('storage types', () => {
  it('JsonStore infers its state from the schema and exposes it read-only', async () => {
    const store = await JsonStore.open({
      adapter: new MemoryStorageAdapter(),
      schema: z.object({ n: z.number(), tags: z.array(z.string()) }),
      defaults: { n: 0, tags: [] },
    });
    expectTypeOf(store.get()).toEqualTypeOf<ReadonlyDeep<{ n: number; tags: string[] }>>();
    // @ts-expect-error the state is read-only
    store.get().n = 1;
    store.update((draft) => {
      expectTypeOf(draft).toEqualTypeOf<{ n: number; tags: string[] }>();
      draft.tags.push('ok');
    });
    // @ts-expect-error the next state must match the schema's type
    store.update(() => ({ n: 'one', tags: [] }));
  });

  it('JsonStore.open takes either a path or an adapter', () => {
    const schema = z.object({ n: z.number() });
    // @ts-expect-error both given
    void JsonStore.open({
      path: 'a.json',
      adapter: new MemoryStorageAdapter(),
      schema,
      defaults: { n: 0 },
    });
    // @ts-expect-error defaults must fit the schema
    void JsonStore.open({ path: 'a.json', schema, defaults: { n: 'zero' } });
  });

  it('GuildConfig types get and set from the schema', async () => {
    const store = await JsonStore.open({
      adapter: new MemoryStorageAdapter(),
      schema: guildConfigStoreSchema,
      defaults: { guilds: {} },
    });
    const config = new GuildConfig({
      schema: z.object({ alerts: z.boolean().default(true), prefix: z.string().default('!') }),
      store,
    });
    expectTypeOf(config.get('123456789012345678')).toEqualTypeOf<
      Readonly<{ alerts: boolean; prefix: string }>
    >();
    expectTypeOf(config.set('123456789012345678', 'alerts', 'on')).toEqualTypeOf<
      Promise<boolean>
    >();
    expectTypeOf(config.set('123456789012345678', 'typed by a user' as string, 'on')).toEqualTypeOf<
      Promise<unknown>
    >();
  });

  it('GuildConfig takes a bus only if its catalog has CONFIG_CHANGED', async () => {
    const store = await JsonStore.open({
      adapter: new MemoryStorageAdapter(),
      schema: guildConfigStoreSchema,
      defaults: { guilds: {} },
    });
    const schema = z.object({ alerts: z.boolean().default(true) });
    const good = new SignalBus({
      catalog: defineSignals({ ...configSignals, RAID: z.object({ n: z.number() }) }),
    });
    new GuildConfig({ schema, store, bus: good });
    const bad = new SignalBus({ catalog: defineSignals({ RAID: z.object({ n: z.number() }) }) });
    // @ts-expect-error no CONFIG_CHANGED in the catalog
    new GuildConfig({ schema, store, bus: bad });
  });
});
