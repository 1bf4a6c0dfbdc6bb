import type { z } from 'zod';
import { SocKitError } from '../core/index.js';

/**
 * A zod schema describing one signal's payload. Any zod 4 schema works, classic or `zod/mini`.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { SignalSchema } from 'soc-kit/bus';
 *
 * const raid: SignalSchema = z.object({ joins: z.number().int() });
 * console.log(typeof raid);
 * ```
 */
export type SignalSchema = z.core.$ZodType;

/**
 * The schemas of a catalog, keyed by signal type name.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import type { SignalSchemas } from 'soc-kit/bus';
 *
 * const schemas = { RAID_DETECTED: z.object({ joins: z.number() }) } satisfies SignalSchemas;
 * console.log(Object.keys(schemas));
 * ```
 */
export type SignalSchemas = Record<string, SignalSchema>;

/**
 * The signal type names of a schema record, as a string union.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type SignalType } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ A: z.object({}), B: z.object({}) });
 * const name: SignalType<typeof catalog.schemas> = 'A'; // 'A' | 'B'
 * console.log(name);
 * ```
 */
export type SignalType<S extends SignalSchemas> = Extract<keyof S, string>;

/**
 * The payload handlers receive for signal type `T`: the schema's output type.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type SignalData } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ RAID: z.object({ joins: z.number() }) });
 * const data: SignalData<typeof catalog.schemas, 'RAID'> = { joins: 12 };
 * console.log(data.joins);
 * ```
 */
export type SignalData<S extends SignalSchemas, T extends SignalType<S>> = z.output<S[T]>;

/**
 * The payload `emit` accepts for signal type `T`: the schema's input type. It equals
 * {@link SignalData} unless the schema has defaults or transforms.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals, type SignalInput } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ RAID: z.object({ joins: z.number().default(0) }) });
 * const input: SignalInput<typeof catalog.schemas, 'RAID'> = {}; // joins may be omitted
 * console.log(input);
 * ```
 */
export type SignalInput<S extends SignalSchemas, T extends SignalType<S>> = z.input<S[T]>;

/**
 * A frozen set of named signal schemas, made by {@link defineSignals}. A {@link SignalBus} is built
 * over one catalog and accepts exactly its signal types.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({ RAID_DETECTED: z.object({ joins: z.number() }) });
 * console.log(catalog.types, catalog.has('RAID_DETECTED')); // [ 'RAID_DETECTED' ] true
 * ```
 */
export interface SignalCatalog<S extends SignalSchemas> {
  /** The schemas by signal type name. Frozen. */
  readonly schemas: Readonly<S>;
  /** Every signal type name, in definition order. Frozen. */
  readonly types: readonly SignalType<S>[];
  /**
   * Tells whether the catalog defines a signal type; narrows a string to the type union.
   *
   * @param type - Any string, e.g. from an untyped caller.
   * @returns `true` if `type` is one of {@link SignalCatalog.types}.
   */
  has(type: string): type is SignalType<S>;
  /**
   * Makes a new catalog with this one's signals plus `more`. This catalog is unchanged.
   *
   * @param more - Additional schemas; names must not already exist here.
   * @returns The combined catalog.
   * @throws {@link SignalCatalogError} if a name is duplicated or invalid, or a value is not a
   * zod schema.
   */
  extend<M extends SignalSchemas>(more: M): SignalCatalog<S & M>;
}

/**
 * Thrown by {@link defineSignals} and {@link SignalCatalog.extend} when a catalog definition is
 * invalid: an empty or reserved (`'*'`) name, a duplicated name, or a value that is not a zod
 * schema. Code `SIGNAL_CATALOG`.
 *
 * @example
 * ```ts
 * import { defineSignals, SignalCatalogError } from 'soc-kit/bus';
 *
 * try {
 *   defineSignals({ BROKEN: 'not a schema' as never });
 * } catch (error) {
 *   if (error instanceof SignalCatalogError) console.log(error.code); // SIGNAL_CATALOG
 * }
 * ```
 */
export class SignalCatalogError extends SocKitError {
  /**
   * @param message - What is wrong with the definition.
   */
  constructor(message: string) {
    super('SIGNAL_CATALOG', message);
  }
}

function isZodSchema(value: unknown): value is SignalSchema {
  // Every zod 4 schema (classic and mini) carries its internals under `_zod`.
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function checkSchemas(schemas: unknown, existing: ReadonlySet<string>): void {
  if (typeof schemas !== 'object' || schemas === null || Array.isArray(schemas)) {
    throw new SignalCatalogError(
      'A signal catalog must be an object mapping signal type names to zod schemas',
    );
  }
  for (const [name, schema] of Object.entries(schemas)) {
    if (name === '' || name === '*') {
      throw new SignalCatalogError(
        `Invalid signal type name ${JSON.stringify(name)}: names must be non-empty and '*' is reserved for wildcard subscriptions`,
      );
    }
    if (existing.has(name)) {
      throw new SignalCatalogError(`Signal type "${name}" is already defined in this catalog`);
    }
    if (!isZodSchema(schema)) {
      throw new SignalCatalogError(
        `Signal type "${name}" must map to a zod schema, got ${schema === null ? 'null' : typeof schema}`,
      );
    }
  }
}

function buildCatalog<S extends SignalSchemas>(schemas: S): SignalCatalog<S> {
  const frozen = Object.freeze({ ...schemas });
  const types = Object.freeze(Object.keys(frozen) as SignalType<S>[]);
  const names = new Set<string>(types);
  const catalog: SignalCatalog<S> = {
    schemas: frozen,
    types,
    has: (type: string): type is SignalType<S> => names.has(type),
    extend: <M extends SignalSchemas>(more: M): SignalCatalog<S & M> => {
      checkSchemas(more, names);
      return buildCatalog({ ...frozen, ...more } as S & M);
    },
  };
  return Object.freeze(catalog);
}

/**
 * Defines a signal catalog from zod schemas. The signal type names and each payload type are
 * inferred, so a bus built over the catalog rejects unknown names and wrong payloads at compile
 * time.
 *
 * @param schemas - One zod schema per signal type, keyed by its name (conventionally
 * `UPPER_SNAKE`). `'*'` is reserved.
 * @returns A frozen {@link SignalCatalog}.
 * @throws {@link SignalCatalogError} if a name is empty or `'*'`, or a value is not a zod schema.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { defineSignals } from 'soc-kit/bus';
 *
 * const catalog = defineSignals({
 *   RAID_DETECTED: z.object({ guildId: z.string(), joins: z.number().int() }),
 *   ANOMALY_DETECTED: z.object({ userId: z.string(), confidence: z.number().min(0).max(1) }),
 * });
 * console.log(catalog.types); // [ 'RAID_DETECTED', 'ANOMALY_DETECTED' ]
 * ```
 */
export function defineSignals<S extends SignalSchemas>(schemas: S): SignalCatalog<S> {
  checkSchemas(schemas, new Set());
  return buildCatalog(schemas);
}
