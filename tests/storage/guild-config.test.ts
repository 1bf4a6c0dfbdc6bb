import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  ConfigSchemaError,
  GuildConfig,
  JsonStore,
  MemoryStorageAdapter,
  configSignals,
  durationSetting,
  guildConfigStoreSchema,
  isSnowflake,
  type ConfigChangedData,
  type GuildConfigData,
} from '../../src/storage/index.js';
import { defineSignals, SignalBus } from '../../src/bus/index.js';
import { recordingLogger, useTempDir } from './helpers.js';

const tempDir = useTempDir();
const GUILD = '123456789012345678';
const OTHER = '876543210987654321';

const schema = z.object({
  alerts: z.boolean().default(true).describe('Post anomaly alerts'),
  threshold: z.number().min(0).max(1).default(0.85).describe('Alert confidence threshold'),
  maxWarnings: z.number().int().min(1).max(10).default(3),
  muteFor: durationSetting({ min: '1m', max: '28d' }).default(3_600_000).describe('Mute length'),
  mode: z.enum(['strict', 'lenient']).default('lenient'),
  trustedRoles: z.array(z.string().min(1).max(32)).max(5).default([]),
  cooldowns: z.array(durationSetting()).default([]),
  prefix: z.string().min(1).max(5).default('!'),
  welcome: z.string().max(200).optional(),
});

const stores: Array<JsonStore<GuildConfigData>> = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function makeConfig(
  options: {
    adapter?: MemoryStorageAdapter;
    bus?: ConstructorParameters<typeof GuildConfig>[0]['bus'];
  } = {},
) {
  const store = await JsonStore.open({
    adapter: options.adapter ?? new MemoryStorageAdapter(),
    schema: guildConfigStoreSchema,
    defaults: { guilds: {} },
  });
  stores.push(store);
  const logger = recordingLogger();
  const config = new GuildConfig({
    schema,
    store,
    logger,
    ...(options.bus === undefined ? {} : { bus: options.bus }),
  });
  return { config, store, logger };
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('GuildConfig.get', () => {
  it('returns the defaults for an unknown guild, typed and frozen', async () => {
    const { config } = await makeConfig();
    const settings = config.get(GUILD);
    expect(settings).toEqual({
      alerts: true,
      threshold: 0.85,
      maxWarnings: 3,
      muteFor: 3_600_000,
      mode: 'lenient',
      trustedRoles: [],
      cooldowns: [],
      prefix: '!',
    });
    expect(Object.isFrozen(settings)).toBe(true);
    const alerts: boolean = settings.alerts;
    expect(alerts).toBe(true);
  });

  it('applies overrides per guild', async () => {
    const { config } = await makeConfig();
    await config.set(GUILD, 'alerts', 'off');
    expect(config.get(GUILD).alerts).toBe(false);
    expect(config.get(OTHER).alerts).toBe(true);
    expect(config.get(GUILD)).toBe(config.get(GUILD)); // cached until the next change
  });

  it('rejects guild ids that are not snowflakes', async () => {
    const { config } = await makeConfig();
    for (const bad of [
      '123',
      '__proto__',
      'constructor',
      '12345678901234567890123',
      '99999999999999999999',
      '',
    ]) {
      expect(() => config.get(bad)).toThrow(ConfigError);
    }
    expect((await configError(config.set('abc', 'alerts', 'on'))).code).toBe(
      'CONFIG_INVALID_GUILD',
    );
    expect(() => config.describe('1')).toThrow(/not a server id/);
  });

  it('ignores a stored override that no longer fits the schema, with a warning', async () => {
    const adapter = new MemoryStorageAdapter({
      text: JSON.stringify({
        version: 0,
        data: { guilds: { [GUILD]: { maxWarnings: 99, prefix: '?', removedKey: 1 } } },
      }),
    });
    const { config, logger } = await makeConfig({ adapter });
    expect(config.get(GUILD)).toMatchObject({ maxWarnings: 3, prefix: '?' });
    expect(
      logger.entries.some((line) => line.level === 'warn' && line.message?.includes('maxWarnings')),
    ).toBe(true);
  });

  it('still lets other keys be set while a stale override is stored', async () => {
    const adapter = new MemoryStorageAdapter({
      text: JSON.stringify({
        version: 0,
        data: { guilds: { [GUILD]: { maxWarnings: 99, prefix: '?' } } },
      }),
    });
    const { config, store } = await makeConfig({ adapter });
    expect(await config.set(GUILD, 'alerts', 'off')).toBe(false);
    expect(config.get(GUILD)).toMatchObject({ alerts: false, maxWarnings: 3, prefix: '?' });
    // The stale value is left as stored (never silently deleted) until it is set or reset.
    expect(store.get().guilds[GUILD]).toEqual({ maxWarnings: 99, prefix: '?', alerts: false });
    expect(await config.set(GUILD, 'maxWarnings', '5')).toBe(5);
    expect(config.get(GUILD).maxWarnings).toBe(5);
  });
});

describe('GuildConfig.set coercion', () => {
  const cases: Array<[string, string, unknown]> = [
    ['alerts', 'true', true],
    ['alerts', 'YES', true],
    ['alerts', 'on', true],
    ['alerts', '1', true],
    ['alerts', 'false', false],
    ['alerts', 'no', false],
    ['alerts', ' Off ', false],
    ['alerts', '0', false],
    ['threshold', '0.5', 0.5],
    ['threshold', '1', 1],
    ['threshold', '.25', 0.25],
    ['threshold', '5e-1', 0.5],
    ['maxWarnings', '7', 7],
    ['muteFor', '30m', 1_800_000],
    ['muteFor', '6h', 21_600_000],
    ['muteFor', '7d', 604_800_000],
    ['muteFor', '1h 30m', 5_400_000],
    ['mode', 'strict', 'strict'],
    ['mode', 'STRICT', 'strict'],
    ['trustedRoles', 'mods, admins ,,helpers', ['mods', 'admins', 'helpers']],
    ['trustedRoles', '', []],
    ['cooldowns', '10s, 1m', [10_000, 60_000]],
    ['prefix', '?', '?'],
    ['prefix', '🛡️', '🛡️'],
    ['welcome', 'Willkommen, schön dass du da bist ✨', 'Willkommen, schön dass du da bist ✨'],
  ];
  for (const [key, raw, expected] of cases) {
    it(`${key} = ${JSON.stringify(raw)} → ${JSON.stringify(expected)}`, async () => {
      const { config } = await makeConfig();
      expect(await config.set(GUILD, key, raw)).toEqual(expected);
      expect((config.get(GUILD) as Record<string, unknown>)[key]).toEqual(expected);
    });
  }

  it('returns a typed value for a literal key', async () => {
    const { config } = await makeConfig();
    const value: number = await config.set(GUILD, 'maxWarnings', '4');
    expect(value).toBe(4);
  });

  it('matches keys case-insensitively', async () => {
    const { config } = await makeConfig();
    await config.set(GUILD, 'MAXWARNINGS', '2');
    expect(config.get(GUILD).maxWarnings).toBe(2);
  });

  const invalid: Array<[string, string, RegExp]> = [
    ['alerts', 'maybe', /expected true or false/],
    ['threshold', 'abc', /expected a number from 0 to 1/],
    ['threshold', '1.5', /expected a number from 0 to 1/],
    ['threshold', '-0.1', /from 0 to 1/],
    ['maxWarnings', '2.5', /expected a whole number from 1 to 10/],
    ['maxWarnings', '11', /from 1 to 10/],
    ['maxWarnings', '0x10', /whole number/],
    ['maxWarnings', '', /whole number/],
    ['muteFor', '30', /expected a duration like 30m, 6h or 7d from 1m to 4w/],
    ['muteFor', '30s', /from 1m to 4w/],
    ['muteFor', '29d', /from 1m to 4w/],
    ['muteFor', '5 fortnights', /duration/],
    ['mode', 'chaotic', /expected one of: strict, lenient/],
    ['trustedRoles', 'a,b,c,d,e,f', /at most 5 items/],
    ['trustedRoles', `ok, ${'x'.repeat(33)}`, /each text of 1 to 32 characters/],
    ['cooldowns', '10s, soon', /each a duration/],
    ['prefix', 'toolong', /text of 1 to 5 characters/],
    ['prefix', '   ', /text of 1 to 5 characters/],
  ];
  for (const [key, raw, message] of invalid) {
    it(`rejects ${key} = ${JSON.stringify(raw.slice(0, 20))} with the expected type`, async () => {
      const { config, store } = await makeConfig();
      const before = store.get();
      const error = await configError(config.set(GUILD, key, raw));
      expect(error.code).toBe('CONFIG_INVALID_VALUE');
      expect(error.key).toBe(key);
      expect(error.message).toMatch(message);
      expect(store.get()).toBe(before);
    });
  }
});

describe('GuildConfig unknown keys', () => {
  it('suggests the closest key and lists the valid ones', async () => {
    const { config } = await makeConfig();
    const error = await configError(config.set(GUILD, 'treshold', '0.5'));
    expect(error.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(error.suggestion).toBe('threshold');
    expect(error.message).toBe(
      'Unknown setting "treshold". Did you mean "threshold"? Valid settings: alerts, threshold, maxWarnings, muteFor, mode, trustedRoles, cooldowns, prefix, welcome.',
    );
  });

  it('offers no suggestion when nothing is close', async () => {
    const { config } = await makeConfig();
    const error = await configError(config.set(GUILD, 'zzzzzzzzzz', '1'));
    expect(error.suggestion).toBeUndefined();
    expect(error.message).not.toContain('Did you mean');
  });
});

describe('GuildConfig hostile input', () => {
  const prototypeNames = (): string[] => Object.getOwnPropertyNames(Object.prototype).sort();

  it('never reaches an object prototype', async () => {
    const before = prototypeNames();
    const { config, store } = await makeConfig();
    const keys = [
      '__proto__',
      'constructor',
      'prototype',
      'constructor.prototype',
      '__proto__.polluted',
      'hasOwnProperty',
      'toString',
      'valueOf',
      '__defineGetter__',
    ];
    for (const key of keys) {
      const error = await configError(config.set(GUILD, key, '{"polluted": true}'));
      expect(error.code).toBe('CONFIG_UNKNOWN_KEY');
    }
    for (const guild of ['__proto__', 'constructor', 'prototype']) {
      expect((await configError(config.set(guild, 'alerts', 'on'))).code).toBe(
        'CONFIG_INVALID_GUILD',
      );
    }
    expect(prototypeNames()).toEqual(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.keys(store.get().guilds)).toEqual([]);
  });

  it('caps very long input without echoing it back', async () => {
    const { config } = await makeConfig();
    const long = 'A'.repeat(100_000);
    const value = await configError(config.set(GUILD, 'welcome', long));
    expect(value.message).toMatch(
      /too long \(100000 characters\); expected text of at most 200 characters/,
    );
    expect(value.message.length).toBeLessThan(200);
    const key = await configError(config.set(GUILD, long, 'x'));
    expect(key.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(key.message.length).toBeLessThan(300);
    const within = await configError(config.set(GUILD, 'welcome', 'B'.repeat(1500)));
    expect(within.message).toContain('…');
    expect(within.message.length).toBeLessThan(200);
  });

  it('handles unicode, control characters and mentions safely', async () => {
    const { config } = await makeConfig();
    const unicodeKey = await configError(config.set(GUILD, 'ålërts', 'on'));
    expect(unicodeKey.code).toBe('CONFIG_UNKNOWN_KEY');
    expect(unicodeKey.suggestion).toBe('alerts');
    const rtl = await configError(config.set(GUILD, 'maxWarnings', '\u202e5\u0000`'));
    for (const unsafe of ['\u202e', '\u0000', '`']) expect(rtl.message).not.toContain(unsafe);
    const ping = await configError(config.set(GUILD, 'prefix', '@everyone'));
    expect(ping.message).toContain('@\u200beveryone');
    expect((await configError(config.set(GUILD, 'maxWarnings', '５'))).code).toBe(
      'CONFIG_INVALID_VALUE',
    );
  });

  it('rejects NaN, Infinity and out-of-range numbers', async () => {
    const { config } = await makeConfig();
    for (const raw of ['NaN', 'nan', 'Infinity', '-Infinity', '1e309', '-1e309', '1e400']) {
      const error = await configError(config.set(GUILD, 'threshold', raw));
      expect(error.message).toContain('expected a number from 0 to 1');
    }
    for (const raw of ['1e16', '9007199254740993', '-1']) {
      expect((await configError(config.set(GUILD, 'maxWarnings', raw))).message).toContain(
        'from 1 to 10',
      );
    }
    expect((await configError(config.set(GUILD, 'muteFor', '99999999999999999999w'))).code).toBe(
      'CONFIG_INVALID_VALUE',
    );
  });

  it('rejects non-string arguments from untyped callers', async () => {
    const { config } = await makeConfig();
    expect(
      (await configError(config.set(GUILD, 'alerts', 1 as unknown as string))).message,
    ).toMatch(/text/);
    expect((await configError(config.set(GUILD, {} as unknown as string, 'on'))).code).toBe(
      'CONFIG_UNKNOWN_KEY',
    );
    expect(() => config.get(123 as unknown as string)).toThrow(/number is not a server id/);
  });

  it('only ever throws ConfigError and never pollutes, for arbitrary input (property)', async () => {
    const { config } = await makeConfig();
    const before = prototypeNames();
    const keyArb = fc.oneof(
      fc.constantFrom(...config.keys(), '__proto__', 'constructor', 'prototype'),
      fc.string({ maxLength: 40 }),
    );
    const rawArb = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.double().map(String),
      fc.constantFrom('on', '5m', 'a,b'),
    );
    await fc.assert(
      fc.asyncProperty(keyArb, rawArb, async (key, raw) => {
        try {
          await config.set(GUILD, key, raw);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
        }
        expect(schema.safeParse(config.get(GUILD)).success).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(prototypeNames()).toEqual(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('GuildConfig.reset and describe', () => {
  it('resets one key, then all keys, and drops empty guilds from storage', async () => {
    const { config, store } = await makeConfig();
    await config.set(GUILD, 'alerts', 'off');
    await config.set(GUILD, 'prefix', '?');
    await config.set(OTHER, 'prefix', '$');
    await config.reset(GUILD, 'alerts');
    expect(config.get(GUILD)).toMatchObject({ alerts: true, prefix: '?' });
    await config.reset(GUILD);
    expect(config.get(GUILD).prefix).toBe('!');
    expect(Object.keys(store.get().guilds)).toEqual([OTHER]);
    await config.reset(GUILD); // nothing to do
    expect((await configError(config.reset(GUILD, 'nope'))).code).toBe('CONFIG_UNKNOWN_KEY');
  });

  it('describes every key with type, default, description and the current value', async () => {
    const { config } = await makeConfig();
    await config.set(GUILD, 'muteFor', '90m');
    await config.set(GUILD, 'trustedRoles', 'mods,admins');
    const rows = config.describe(GUILD);
    expect(rows.map((row) => row.key)).toEqual(config.keys());
    expect(rows.find((row) => row.key === 'muteFor')).toEqual({
      key: 'muteFor',
      type: 'duration',
      expected: 'a duration like 30m, 6h or 7d from 1m to 4w',
      description: 'Mute length',
      default: 3_600_000,
      defaultText: '1h',
      current: 5_400_000,
      currentText: '1h30m',
      overridden: true,
    });
    expect(rows.find((row) => row.key === 'trustedRoles')).toMatchObject({
      type: 'list of string',
      defaultText: '(empty)',
      currentText: 'mods, admins',
    });
    expect(rows.find((row) => row.key === 'welcome')).toMatchObject({
      type: 'string',
      defaultText: 'not set',
      overridden: false,
    });
    expect(rows.find((row) => row.key === 'maxWarnings')?.type).toBe('integer');
    expect(config.describe()[0]).toEqual({
      key: 'alerts',
      type: 'boolean',
      expected: 'true or false (yes/no, on/off and 1/0 work too)',
      description: 'Post anomaly alerts',
      default: true,
      defaultText: 'true',
    });
  });
});

describe('GuildConfig persistence and signals', () => {
  it('persists through a file JsonStore and survives a reopen', async () => {
    const file = path.join(tempDir(), 'config.json');
    const open = () =>
      JsonStore.open({ path: file, schema: guildConfigStoreSchema, defaults: { guilds: {} } });
    const store = await open();
    const config = new GuildConfig({ schema, store });
    await config.set(GUILD, 'mode', 'strict');
    // set resolves only once the change is durable.
    expect(JSON.parse(readFileSync(file, 'utf8')).data.guilds[GUILD]).toEqual({ mode: 'strict' });
    await store.close();
    const reopened = await open();
    stores.push(reopened);
    expect(new GuildConfig({ schema, store: reopened }).get(GUILD).mode).toBe('strict');
  });

  it('emits CONFIG_CHANGED on a SignalBus whose catalog includes configSignals', async () => {
    const bus = new SignalBus({
      catalog: defineSignals({ ...configSignals, RAID: z.object({ joins: z.number() }) }),
    });
    const seen: Array<{
      data: ConfigChangedData;
      severity: string;
      source: string;
      guildId?: string;
    }> = [];
    bus.subscribe('CONFIG_CHANGED', (signal) => {
      seen.push({
        data: signal.data,
        severity: signal.severity,
        source: signal.source,
        ...(signal.guildId === undefined ? {} : { guildId: signal.guildId }),
      });
    });
    const { config } = await makeConfig({ bus });
    await config.set(GUILD, 'threshold', '0.9');
    await config.reset(GUILD, 'threshold');
    expect(seen).toEqual([
      {
        data: { guildId: GUILD, key: 'threshold', value: 0.9, previous: 0.85, reset: false },
        severity: 'info',
        source: 'GuildConfig',
        guildId: GUILD,
      },
      {
        data: { guildId: GUILD, key: 'threshold', value: 0.85, previous: 0.9, reset: true },
        severity: 'info',
        source: 'GuildConfig',
        guildId: GUILD,
      },
    ]);
    await bus.close();
  });

  it('logs a failing bus instead of failing the change', async () => {
    const bus = new SignalBus({ catalog: defineSignals({ ...configSignals }) });
    await bus.close();
    const { config, logger } = await makeConfig({ bus });
    await expect(config.set(GUILD, 'alerts', 'no')).resolves.toBe(false);
    expect(config.get(GUILD).alerts).toBe(false);
    expect(
      logger.entries.some(
        (line) => line.level === 'warn' && line.message?.includes('CONFIG_CHANGED'),
      ),
    ).toBe(true);
  });
});

describe('GuildConfig schema checks', () => {
  it('rejects keys without defaults, unsupported types and reserved names', async () => {
    const { store } = await makeConfig();
    expect(() => new GuildConfig({ schema: z.object({ a: z.string() }), store })).toThrow(
      ConfigSchemaError,
    );
    expect(
      () => new GuildConfig({ schema: z.object({ a: z.object({}).default({}) }), store }),
    ).toThrow(/supported are/);
    expect(
      () =>
        new GuildConfig({
          schema: z.object({ a: z.enum({ one: 1 } as never).default(1 as never) }),
          store,
        }),
    ).toThrow(/enum of strings/);
    expect(
      () =>
        new GuildConfig({
          schema: z.object({ ['constructor']: z.boolean().default(true) }),
          store,
        }),
    ).toThrow(/cannot be a setting name/);
    const refined = z
      .object({ a: z.number().default(1) })
      .refine((value) => value.a > 5, 'a must exceed 5');
    expect(() => new GuildConfig({ schema: refined as never, store })).toThrow(ConfigSchemaError);
  });

  it('applies whole-object refinements on set', async () => {
    const { store } = await makeConfig();
    const ranged = z
      .object({ low: z.number().default(1), high: z.number().default(10) })
      .refine((value) => value.low < value.high, 'low must stay below high');
    const config = new GuildConfig({ schema: ranged, store });
    const error = await configError(config.set(GUILD, 'low', '20'));
    expect(error.message).toContain('low must stay below high');
    expect(config.get(GUILD).low).toBe(1);
  });
});

describe('isSnowflake', () => {
  it('accepts 17 to 20 digit ids within 64 bits', () => {
    expect(isSnowflake('12345678901234567')).toBe(true);
    expect(isSnowflake('18446744073709551615')).toBe(true);
    expect(isSnowflake('18446744073709551616')).toBe(false);
    expect(isSnowflake('1234567890123456')).toBe(false);
    expect(isSnowflake(1234567890123456)).toBe(false);
  });
});
