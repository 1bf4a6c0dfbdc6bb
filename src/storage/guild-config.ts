import { z } from 'zod';
import type { SignalEmitter } from '../bus/signal-emitter.js';
import { noopLogger, SocKitError, type Logger } from '../core/index.js';
import { errorText } from '../core/internal.js';
import {
  analyzeField,
  coerce,
  expectation,
  formatValue,
  typeLabel,
  type FieldSpec,
} from './config-field.js';
import { ConfigSchemaError } from './config-schema-error.js';
import { closest } from './edit-distance.js';
import type { JsonStore } from './json-store.js';

const SNOWFLAKE = /^\d{17,20}$/;
const MAX_SNOWFLAKE = 0xffff_ffff_ffff_ffffn;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Longest raw value accepted, in characters: a full Discord message. */
const MAX_RAW_LENGTH = 2000;

/**
 * Whether `id` is a Discord snowflake: 17 to 20 decimal digits that fit in 64 bits.
 *
 * @param id - The candidate id.
 * @returns `true` for a well-formed snowflake. Never throws.
 *
 * @example
 * ```ts
 * import { isSnowflake } from 'soc-kit/storage';
 *
 * console.log(isSnowflake('123456789012345678'), isSnowflake('__proto__')); // true false
 * ```
 */
export function isSnowflake(id: unknown): id is string {
  return typeof id === 'string' && SNOWFLAKE.test(id) && BigInt(id) <= MAX_SNOWFLAKE;
}

/**
 * The schema of the document a {@link GuildConfig} keeps in its {@link JsonStore}: per guild, the
 * settings that differ from the defaults. Open the store with it and `defaults: { guilds: {} }`.
 * Stored values are checked against the config schema again when read, so a bad hand edit
 * falls back to the default instead of breaking the bot.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import path from 'node:path';
 * import { JsonStore, guildConfigStoreSchema } from 'soc-kit/storage';
 *
 * const file = path.join(mkdtempSync(path.join(tmpdir(), 'sockit-')), 'config.json');
 * const store = await JsonStore.open({ path: file, schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * console.log(store.get()); // { guilds: {} }
 * await store.close();
 * ```
 */
export const guildConfigStoreSchema = z.object({
  /** Per guild id, the settings that guild overrides. */
  guilds: z.record(
    z.string().regex(SNOWFLAKE, 'guild ids must be snowflakes'),
    z.record(z.string(), z.unknown()),
  ),
});

/**
 * The document type of a {@link GuildConfig} store (see {@link guildConfigStoreSchema}).
 *
 * @example
 * ```ts
 * import type { GuildConfigData } from 'soc-kit/storage';
 *
 * const data: GuildConfigData = { guilds: { '123456789012345678': { alerts: false } } };
 * console.log(Object.keys(data.guilds)); // [ '123456789012345678' ]
 * ```
 */
export interface GuildConfigData {
  /** Per guild id, the settings that guild overrides. */
  guilds: Record<string, Record<string, unknown>>;
}

/**
 * Signal catalog fragment for `CONFIG_CHANGED`, which {@link GuildConfig} emits after every
 * change. Spread it into your `defineSignals` catalog; a bus built over that catalog can then be
 * passed as `GuildConfig`'s `bus`.
 *
 * @example
 * ```ts
 * import { defineSignals, SignalBus } from 'soc-kit/bus';
 * import { GuildConfig, JsonStore, MemoryStorageAdapter, configSignals, guildConfigStoreSchema } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ ...configSignals, RAID: z.object({ joins: z.number() }) }) });
 * bus.subscribe('CONFIG_CHANGED', (signal) => console.log(signal.data.key, signal.data.previous, '->', signal.data.value));
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * const config = new GuildConfig({ schema: z.object({ alerts: z.boolean().default(true) }), store, bus });
 * await config.set('123456789012345678', 'alerts', 'off'); // alerts true -> false
 * await store.close();
 * await bus.close();
 * ```
 */
export const configSignals = {
  /** Emitted after a setting of a guild is set or reset, once the change is durable. */
  CONFIG_CHANGED: z.object({
    /** The guild whose setting changed. */
    guildId: z.string().regex(SNOWFLAKE),
    /** The setting's key. */
    key: z.string(),
    /** The new effective value (the default after a reset). */
    value: z.unknown(),
    /** The effective value before the change. */
    previous: z.unknown(),
    /** Whether the change was a reset to the default. */
    reset: z.boolean(),
  }),
};

/**
 * The signal schemas {@link GuildConfig} emits: `typeof configSignals`.
 *
 * @example
 * ```ts
 * import { defineSignals } from 'soc-kit/bus';
 * import { configSignals, type ConfigSignals } from 'soc-kit/storage';
 *
 * const schemas: ConfigSignals = configSignals;
 * console.log(defineSignals({ ...schemas }).types); // [ 'CONFIG_CHANGED' ]
 * ```
 */
export type ConfigSignals = typeof configSignals;

/**
 * The payload of a `CONFIG_CHANGED` signal.
 *
 * @example
 * ```ts
 * import type { ConfigChangedData } from 'soc-kit/storage';
 *
 * const change: ConfigChangedData = { guildId: '123456789012345678', key: 'alerts', value: false, previous: true, reset: false };
 * console.log(`${change.key}: ${String(change.previous)} -> ${String(change.value)}`); // alerts: true -> false
 * ```
 */
export type ConfigChangedData = z.output<ConfigSignals['CONFIG_CHANGED']>;

/**
 * Options of {@link GuildConfig}.
 *
 * @example
 * ```ts
 * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema, type GuildConfigOptions } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const schema = z.object({ alerts: z.boolean().default(true) });
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * const options: GuildConfigOptions<typeof schema> = { schema, store };
 * console.log(new GuildConfig(options).keys()); // [ 'alerts' ]
 * await store.close();
 * ```
 */
export interface GuildConfigOptions<S extends z.ZodObject> {
  /**
   * One zod object: each key a setting with a `.default()` (or `.optional()`) and, ideally, a
   * `.describe()` text for help. Supported: `z.boolean()`, `z.number()` (with `.int()`, `.min()`,
   * `.max()`), {@link durationSetting}, `z.enum([...])`, `z.string()` (with length limits) and
   * `z.array()` of those.
   */
  schema: S;
  /** Where overrides persist; open it with {@link guildConfigStoreSchema}. */
  store: JsonStore<GuildConfigData>;
  /**
   * When given, every change emits `CONFIG_CHANGED` (severity `info`, source `GuildConfig`).
   * Any `SignalBus` whose catalog includes {@link configSignals} fits.
   */
  bus?: SignalEmitter<ConfigSignals>;
  /** Receives warnings about unusable stored values and failed signals. Default: silent. */
  logger?: Logger;
}

/**
 * One row of {@link GuildConfig.describe}, for help embeds.
 *
 * @example
 * ```ts
 * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema, type SettingDescription } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * const config = new GuildConfig({ schema: z.object({ level: z.number().int().min(1).max(5).default(2).describe('Strictness') }), store });
 * const [row]: SettingDescription[] = config.describe();
 * console.log(`${row?.key}: ${row?.expected}`); // level: a whole number from 1 to 5
 * await store.close();
 * ```
 */
export interface SettingDescription {
  /** The setting's key, as typed in commands. */
  key: string;
  /** Short type label: `boolean`, `integer`, `duration`, `list of string`... */
  type: string;
  /** What the setting accepts, for users: "a whole number from 1 to 10". */
  expected: string;
  /** The schema's `.describe()` text, or `''`. */
  description: string;
  /** The default value. */
  default: unknown;
  /** The default, formatted the way a user types it (`30m`, `a, b`). */
  defaultText: string;
  /** The guild's effective value, when `describe` got a guild id. */
  current?: unknown;
  /** The current value, formatted. */
  currentText?: string;
  /** Whether the guild overrides the default. */
  overridden?: boolean;
}

/**
 * Thrown by {@link GuildConfig} for bad input. The message is written for the person who typed
 * the command and can be shown to them as is (send it with `allowedMentions: { parse: [] }`).
 * Echoed input is shortened and made inert.
 *
 * Codes: `CONFIG_UNKNOWN_KEY` (the message lists valid keys and a "did you mean"),
 * `CONFIG_INVALID_VALUE` (states the expected type and range), `CONFIG_INVALID_GUILD` (not a
 * snowflake).
 *
 * @example
 * ```ts
 * import { ConfigError, GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * const config = new GuildConfig({ schema: z.object({ threshold: z.number().min(0).max(1).default(0.85) }), store });
 * try {
 *   await config.set('123456789012345678', 'treshold', '0.9');
 * } catch (error) {
 *   if (error instanceof ConfigError) console.log(error.code, error.message);
 *   // CONFIG_UNKNOWN_KEY Unknown setting "treshold". Did you mean "threshold"? Valid settings: threshold.
 * }
 * await store.close();
 * ```
 */
export class ConfigError extends SocKitError {
  /** The setting involved, when the key was valid. */
  readonly key: string | undefined;
  /** For unknown keys: the closest valid key. */
  readonly suggestion: string | undefined;

  /**
   * @param code - `CONFIG_UNKNOWN_KEY`, `CONFIG_INVALID_VALUE` or `CONFIG_INVALID_GUILD`.
   * @param message - The user-facing explanation.
   * @param details - The valid key involved and the suggestion.
   */
  constructor(
    code: 'CONFIG_UNKNOWN_KEY' | 'CONFIG_INVALID_VALUE' | 'CONFIG_INVALID_GUILD',
    message: string,
    details: { key?: string; suggestion?: string } = {},
  ) {
    super(code, message);
    this.key = details.key;
    this.suggestion = details.suggestion;
  }
}

// Shortens and neutralises user text before echoing it: no pings, no formatting breakouts.
function inert(text: string): string {
  const chars = Array.from(text);
  const short = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
  return `"${short.replace(/[\p{Cc}\p{Cf}`"]/gu, '?').replace(/@/g, '@\u200b')}"`;
}

/**
 * Per-guild settings validated by one zod object schema, persisted through a {@link JsonStore}.
 *
 * Only the overrides are stored, so changing a default in code reaches every guild that did not
 * set the key. Guild ids must be snowflakes and keys must be the schema's own keys: user input
 * can never reach an object prototype (`__proto__`, `constructor`, `prototype` are unknown keys),
 * and resolved configs live in a `Map`.
 *
 * `set` and `reset` apply the change at once, then wait until it is durable, then emit
 * `CONFIG_CHANGED` on the bus when one is given (a failing bus is logged, not thrown).
 *
 * @typeParam S - The settings schema.
 *
 * @example
 * ```ts
 * import { GuildConfig, JsonStore, MemoryStorageAdapter, durationSetting, guildConfigStoreSchema } from 'soc-kit/storage';
 * import { z } from 'zod';
 *
 * const schema = z.object({
 *   alerts: z.boolean().default(true).describe('Post anomaly alerts'),
 *   threshold: z.number().min(0).max(1).default(0.85).describe('Alert confidence threshold'),
 *   muteFor: durationSetting({ min: '1m', max: '28d' }).default(3_600_000).describe('Default mute length'),
 *   mode: z.enum(['strict', 'lenient']).default('lenient'),
 *   trustedRoles: z.array(z.string().max(32)).max(10).default([]),
 * });
 * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
 * const config = new GuildConfig({ schema, store });
 * const guildId = '123456789012345678';
 * await config.set(guildId, 'alerts', 'off');
 * await config.set(guildId, 'muteFor', '6h');
 * console.log(config.get(guildId)); // { alerts: false, threshold: 0.85, muteFor: 21600000, mode: 'lenient', trustedRoles: [] }
 * await store.close();
 * ```
 */
export class GuildConfig<S extends z.ZodObject> {
  private readonly schema: S;
  private readonly store: JsonStore<GuildConfigData>;
  private readonly bus: SignalEmitter<ConfigSignals> | undefined;
  private readonly logger: Logger;
  private readonly fields = new Map<string, FieldSpec>();
  private readonly foldedKeys = new Map<string, string[]>();
  private readonly defaults: Readonly<z.output<S>>;
  private readonly resolved = new Map<string, { source: unknown; config: Readonly<z.output<S>> }>();

  /**
   * @param options - Schema, store, optional bus and logger.
   * @throws {@link ConfigSchemaError} when a key has no default, has an unsupported type, or is
   * named `__proto__`, `constructor` or `prototype`.
   */
  constructor(options: GuildConfigOptions<S>) {
    this.schema = options.schema;
    this.store = options.store;
    this.bus = options.bus;
    this.logger = options.logger ?? noopLogger;
    const shape = options.schema.shape as Record<string, z.ZodType>;
    for (const key of Object.keys(shape)) {
      if (RESERVED_KEYS.has(key)) {
        throw new ConfigSchemaError(`GuildConfig: "${key}" cannot be a setting name.`);
      }
      const field = shape[key];
      if (field === undefined) continue;
      this.fields.set(key, analyzeField(key, field));
      const folded = key.toLowerCase();
      this.foldedKeys.set(folded, [...(this.foldedKeys.get(folded) ?? []), key]);
    }
    const parsed = options.schema.safeParse({});
    if (!parsed.success) {
      throw new ConfigSchemaError(
        `GuildConfig: the schema's defaults do not validate: ${parsed.error.issues[0]?.message ?? 'unknown issue'}`,
      );
    }
    this.defaults = Object.freeze(parsed.data);
  }

  /**
   * The setting keys, in schema order.
   *
   * @returns The keys. Never throws.
   *
   * @example
   * ```ts
   * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
   * const config = new GuildConfig({ schema: z.object({ a: z.boolean().default(true), b: z.string().default('x') }), store });
   * console.log(config.keys()); // [ 'a', 'b' ]
   * await store.close();
   * ```
   */
  keys(): string[] {
    return [...this.fields.keys()];
  }

  /**
   * The guild's effective settings: its overrides on top of the defaults. A stored override that
   * no longer fits the schema (e.g. after a code change) is ignored with a warning.
   *
   * @param guildId - A snowflake.
   * @returns A frozen config object.
   * @throws {@link ConfigError} `CONFIG_INVALID_GUILD` when `guildId` is not a snowflake.
   * @throws {@link StoreClosedError} when the store is closed.
   *
   * @example
   * ```ts
   * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
   * const config = new GuildConfig({ schema: z.object({ prefix: z.string().min(1).max(3).default('!') }), store });
   * console.log(config.get('123456789012345678').prefix); // !
   * await store.close();
   * ```
   */
  get(guildId: string): Readonly<z.output<S>> {
    this.checkGuild(guildId);
    const overrides = this.overridesOf(guildId);
    const cached = this.resolved.get(guildId);
    if (cached !== undefined && cached.source === overrides) return cached.config;
    const config = this.resolve(guildId, overrides);
    this.resolved.set(guildId, { source: overrides, config });
    return config;
  }

  /**
   * Sets one setting from text as typed in a command, coercing it by the schema:
   * booleans `true/false/yes/no/on/off/1/0`, numbers (finite, within the schema's range),
   * enum values (case-insensitive), durations (`30m`, `6h`, `7d`, `1h30m`), comma-separated lists
   * and strings (within length limits). Keys match case-insensitively when unambiguous.
   *
   * @param guildId - A snowflake.
   * @param key - The setting, as typed.
   * @param raw - The value, as typed.
   * @returns The new value, once it is durable.
   * @throws {@link ConfigError} `CONFIG_UNKNOWN_KEY`, `CONFIG_INVALID_VALUE` or
   * `CONFIG_INVALID_GUILD`, with a message fit to show the user; nothing changed.
   * @throws {@link StoreWriteError} when the change was applied but could not be written yet
   * (it is retried).
   * @throws {@link StoreClosedError} when the store is closed.
   *
   * @example
   * ```ts
   * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
   * const config = new GuildConfig({ schema: z.object({ maxWarnings: z.number().int().min(1).max(10).default(3) }), store });
   * console.log(await config.set('123456789012345678', 'maxWarnings', '5')); // 5
   * await config.set('123456789012345678', 'maxWarnings', '50').catch((error: Error) => console.log(error.message));
   * // Invalid value "50" for "maxWarnings": expected a whole number from 1 to 10.
   * await store.close();
   * ```
   */
  async set<K extends string>(
    guildId: string,
    key: K,
    raw: string,
  ): Promise<K extends keyof z.output<S> ? z.output<S>[K] : unknown> {
    this.checkGuild(guildId);
    const spec = this.fieldFor(key);
    if (typeof raw !== 'string') {
      throw new ConfigError('CONFIG_INVALID_VALUE', `The value for "${spec.key}" must be text.`, {
        key: spec.key,
      });
    }
    if (raw.length > MAX_RAW_LENGTH) {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `The value for "${spec.key}" is too long (${raw.length} characters); expected ${expectation(spec)}.`,
        { key: spec.key },
      );
    }
    const invalid = (): ConfigError =>
      new ConfigError(
        'CONFIG_INVALID_VALUE',
        `Invalid value ${inert(raw.trim())} for "${spec.key}": expected ${expectation(spec)}.`,
        { key: spec.key },
      );
    const coerced = coerce(spec, raw);
    if (coerced === undefined) throw invalid();
    const checked = spec.schema.safeParse(coerced.value);
    if (!checked.success) throw invalid();
    const previous = this.get(guildId)[spec.key];
    // Check the config this change would give, as get() resolves it: a stored value that no
    // longer fits the schema is ignored there, so it must not block changes to other keys.
    const candidate = {
      ...this.usableOverrides(this.currentOverrides(guildId)),
      [spec.key]: checked.data,
    };
    const whole = this.schema.safeParse(candidate);
    if (!whole.success) {
      throw new ConfigError(
        'CONFIG_INVALID_VALUE',
        `Invalid value ${inert(raw.trim())} for "${spec.key}": ${whole.error.issues[0]?.message ?? 'rejected by the settings schema'}.`,
        { key: spec.key },
      );
    }
    this.store.update((draft) => {
      const overrides = draft.guilds[guildId] ?? {};
      overrides[spec.key] = checked.data;
      draft.guilds[guildId] = overrides;
    });
    await this.store.flush();
    await this.emit({ guildId, key: spec.key, value: checked.data, previous, reset: false });
    return checked.data as K extends keyof z.output<S> ? z.output<S>[K] : unknown;
  }

  /**
   * Returns one setting, or all of a guild's settings, to the default.
   *
   * @param guildId - A snowflake.
   * @param key - The setting to reset; omit to reset every setting of the guild.
   * @returns Resolves when the change is durable.
   * @throws {@link ConfigError} `CONFIG_UNKNOWN_KEY` or `CONFIG_INVALID_GUILD`; nothing changed.
   * @throws {@link StoreWriteError} when the change could not be written yet (it is retried).
   * @throws {@link StoreClosedError} when the store is closed.
   *
   * @example
   * ```ts
   * import { GuildConfig, JsonStore, MemoryStorageAdapter, guildConfigStoreSchema } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
   * const config = new GuildConfig({ schema: z.object({ alerts: z.boolean().default(true) }), store });
   * await config.set('123456789012345678', 'alerts', 'no');
   * await config.reset('123456789012345678', 'alerts');
   * console.log(config.get('123456789012345678').alerts); // true
   * await store.close();
   * ```
   */
  async reset(guildId: string, key?: string): Promise<void> {
    this.checkGuild(guildId);
    const keys = key === undefined ? this.keys() : [this.fieldFor(key).key];
    const overrides = this.currentOverrides(guildId);
    const changed = keys.filter((name) => Object.hasOwn(overrides, name));
    if (changed.length === 0) return;
    const before = this.get(guildId);
    const removed = new Set(changed);
    this.store.update((current) => {
      const guilds = Object.entries(current.guilds).flatMap(([id, values]) => {
        if (id !== guildId) return [[id, values] as const];
        const kept = Object.entries(values).filter(([name]) => !removed.has(name));
        return kept.length === 0 ? [] : [[id, Object.fromEntries(kept)] as const];
      });
      return { guilds: Object.fromEntries(guilds) };
    });
    await this.store.flush();
    const after = this.get(guildId);
    for (const name of changed) {
      await this.emit({
        guildId,
        key: name,
        value: after[name],
        previous: before[name],
        reset: true,
      });
    }
  }

  /**
   * Every setting with its type, what it accepts, default and description, plus the guild's
   * current value when a guild id is given. Meant for help embeds.
   *
   * @param guildId - Optional snowflake whose current values to include.
   * @returns One row per key, in schema order.
   * @throws {@link ConfigError} `CONFIG_INVALID_GUILD` when `guildId` is given and not a snowflake.
   *
   * @example
   * ```ts
   * import { GuildConfig, JsonStore, MemoryStorageAdapter, durationSetting, guildConfigStoreSchema } from 'soc-kit/storage';
   * import { z } from 'zod';
   *
   * const store = await JsonStore.open({ adapter: new MemoryStorageAdapter(), schema: guildConfigStoreSchema, defaults: { guilds: {} } });
   * const config = new GuildConfig({ schema: z.object({ muteFor: durationSetting().default(1_800_000).describe('Mute length') }), store });
   * for (const row of config.describe('123456789012345678')) {
   *   console.log(`${row.key} (${row.type}, default ${row.defaultText}): ${row.description}; now ${row.currentText}`);
   * } // muteFor (duration, default 30m): Mute length; now 30m
   * await store.close();
   * ```
   */
  describe(guildId?: string): SettingDescription[] {
    const config = guildId === undefined ? undefined : this.get(guildId);
    const overrides = guildId === undefined ? undefined : this.currentOverrides(guildId);
    return [...this.fields.values()].map((spec) => {
      const row: SettingDescription = {
        key: spec.key,
        type: typeLabel(spec),
        expected: expectation(spec),
        description: spec.description ?? '',
        default: spec.defaultValue,
        defaultText: formatValue(spec, spec.defaultValue),
      };
      if (config !== undefined && overrides !== undefined) {
        const current = config[spec.key];
        row.current = current;
        row.currentText = formatValue(spec, current);
        row.overridden = Object.hasOwn(overrides, spec.key);
      }
      return row;
    });
  }

  private checkGuild(guildId: string): void {
    if (!isSnowflake(guildId)) {
      const shown = typeof guildId === 'string' ? inert(guildId) : typeof guildId;
      throw new ConfigError(
        'CONFIG_INVALID_GUILD',
        `${shown} is not a server id; expected a Discord snowflake (17 to 20 digits).`,
      );
    }
  }

  private fieldFor(key: string): FieldSpec {
    if (typeof key === 'string' && key.length <= 100) {
      const exact = this.fields.get(key);
      if (exact !== undefined) return exact;
      const folded = this.foldedKeys.get(key.trim().toLowerCase());
      if (folded?.length === 1 && folded[0] !== undefined) {
        const spec = this.fields.get(folded[0]);
        if (spec !== undefined) return spec;
      }
    }
    const keys = this.keys();
    const suggestion = typeof key === 'string' ? closest(key.trim(), keys) : undefined;
    const shown = typeof key === 'string' ? inert(key) : typeof key;
    throw new ConfigError(
      'CONFIG_UNKNOWN_KEY',
      `Unknown setting ${shown}.${suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`} Valid settings: ${keys.join(', ')}.`,
      suggestion === undefined ? {} : { suggestion },
    );
  }

  private overridesOf(guildId: string): Readonly<Record<string, unknown>> | undefined {
    const guilds = this.store.get().guilds;
    return Object.hasOwn(guilds, guildId) ? guilds[guildId] : undefined;
  }

  private currentOverrides(guildId: string): Readonly<Record<string, unknown>> {
    return this.overridesOf(guildId) ?? {};
  }

  // The stored overrides of known keys that still fit their field's schema.
  private usableOverrides(
    overrides: Readonly<Record<string, unknown>>,
    onStale?: (key: string) => void,
  ): Record<string, unknown> {
    const usable: Record<string, unknown> = {};
    for (const [key, spec] of this.fields) {
      if (!Object.hasOwn(overrides, key)) continue;
      const result = spec.schema.safeParse(overrides[key]);
      if (result.success) usable[key] = result.data;
      else onStale?.(key);
    }
    return usable;
  }

  private resolve(
    guildId: string,
    overrides: Readonly<Record<string, unknown>> | undefined,
  ): Readonly<z.output<S>> {
    if (overrides === undefined) return this.defaults;
    const merged = this.usableOverrides(overrides, (key) => {
      this.logger.warn(
        { guildId, key },
        `GuildConfig: stored value of "${key}" for guild ${guildId} no longer fits the schema; using the default`,
      );
    });
    const whole = this.schema.safeParse(merged);
    if (!whole.success) {
      this.logger.warn(
        { guildId, issue: whole.error.issues[0]?.message },
        `GuildConfig: stored settings of guild ${guildId} fail the schema; using the defaults`,
      );
      return this.defaults;
    }
    return Object.freeze(whole.data);
  }

  private async emit(data: ConfigChangedData): Promise<void> {
    if (this.bus === undefined) return;
    try {
      await this.bus.emit('CONFIG_CHANGED', data, {
        severity: 'info',
        source: 'GuildConfig',
        guildId: data.guildId,
      });
    } catch (error) {
      this.logger.warn(
        { guildId: data.guildId, key: data.key, err: error },
        `GuildConfig: could not emit CONFIG_CHANGED: ${errorText(error)}`,
      );
    }
  }
}
