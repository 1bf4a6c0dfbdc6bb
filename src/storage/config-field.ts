// Reads a GuildConfig field schema once (kind, bounds, default, description) and coerces raw
// command input by it. Internal to soc-kit/storage.
import { z } from 'zod';
import { ConfigSchemaError } from './config-schema-error.js';
import { DURATION_FORMAT, formatDuration, parseDuration } from './duration.js';

/** The value kinds GuildConfig can coerce a typed string into. */
export type SettingKind =
  'boolean' | 'number' | 'integer' | 'duration' | 'enum' | 'string' | 'list';

type ScalarKind = Exclude<SettingKind, 'list'>;

interface ScalarSpec {
  kind: ScalarKind;
  min: number | undefined;
  max: number | undefined;
  options: readonly string[];
}

export interface FieldSpec extends Omit<ScalarSpec, 'kind'> {
  key: string;
  kind: SettingKind;
  schema: z.ZodType;
  description: string | undefined;
  defaultValue: unknown;
  element: ScalarSpec | undefined;
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);
const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

function finiteOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' &&
    Number.isFinite(value) &&
    Math.abs(value) < Number.MAX_SAFE_INTEGER
    ? value
    : undefined;
}

function lengthBound(schema: z.ZodType, check: 'min_length' | 'max_length'): number | undefined {
  for (const entry of schema.def.checks ?? []) {
    const def = entry._zod.def as { check: string; minimum?: number; maximum?: number };
    if (def.check === check) return check === 'min_length' ? def.minimum : def.maximum;
  }
  return undefined;
}

function scalar(key: string, schema: z.ZodType, isDuration: boolean): ScalarSpec {
  const none = { min: undefined, max: undefined, options: [] };
  switch (schema.def.type) {
    case 'boolean':
      return { kind: 'boolean', ...none };
    case 'number': {
      const number = schema as z.ZodNumber;
      return {
        kind: isDuration ? 'duration' : number.isInt ? 'integer' : 'number',
        min: finiteOrUndefined(number.minValue),
        max: finiteOrUndefined(number.maxValue),
        options: [],
      };
    }
    case 'enum': {
      const options = (schema as z.ZodEnum).options;
      if (!options.every((option) => typeof option === 'string')) {
        throw new ConfigSchemaError(`GuildConfig: setting "${key}" must be an enum of strings.`);
      }
      return { kind: 'enum', ...none, options: options as string[] };
    }
    case 'string': {
      const text = schema as z.ZodString;
      return {
        kind: 'string',
        min: text.minLength ?? undefined,
        max: text.maxLength ?? undefined,
        options: [],
      };
    }
    default:
      throw new ConfigSchemaError(
        `GuildConfig: setting "${key}" has type ${schema.def.type}; supported are boolean, number, duration, enum, string and arrays of those.`,
      );
  }
}

function metaOf(schema: z.ZodType): Record<string, unknown> | undefined {
  return z.globalRegistry.get(schema) as Record<string, unknown> | undefined;
}

/** Reads one field of a GuildConfig object schema. */
export function analyzeField(key: string, schema: z.ZodType): FieldSpec {
  let description: string | undefined;
  let isDuration = false;
  let core = schema;
  for (;;) {
    const meta = metaOf(core);
    description ??= typeof meta?.['description'] === 'string' ? meta['description'] : undefined;
    if (meta?.['format'] === DURATION_FORMAT) isDuration = true;
    if (!WRAPPERS.has(core.def.type)) break;
    core = (core.def as unknown as { innerType: z.ZodType }).innerType;
  }
  const probe = schema.safeParse(undefined);
  const defaultValue = probe.success ? probe.data : undefined;
  if (!probe.success) {
    throw new ConfigSchemaError(
      `GuildConfig: setting "${key}" needs a default (.default(...)) or must be optional.`,
    );
  }
  if (core.def.type === 'array') {
    const elementSchema = (core as z.ZodArray).element as z.ZodType;
    let elementDuration = false;
    for (
      let inner = elementSchema;
      ;
      inner = (inner.def as unknown as { innerType: z.ZodType }).innerType
    ) {
      if (metaOf(inner)?.['format'] === DURATION_FORMAT) elementDuration = true;
      if (!WRAPPERS.has(inner.def.type)) {
        return {
          key,
          kind: 'list',
          schema,
          description,
          defaultValue,
          element: scalar(key, inner, elementDuration),
          min: lengthBound(core, 'min_length'),
          max: lengthBound(core, 'max_length'),
          options: [],
        };
      }
    }
  }
  return {
    key,
    schema,
    description,
    defaultValue,
    element: undefined,
    ...scalar(key, core, isDuration),
  };
}

function rangeText(spec: ScalarSpec | FieldSpec, show: (value: number) => string): string {
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return ` from ${show(min)} to ${show(max)}`;
  if (min !== undefined) return ` of at least ${show(min)}`;
  if (max !== undefined) return ` of at most ${show(max)}`;
  return '';
}

function scalarExpectation(spec: ScalarSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false (yes/no, on/off and 1/0 work too)';
    case 'number':
      return `a number${rangeText(spec, String)}`;
    case 'integer':
      return `a whole number${rangeText(spec, String)}`;
    case 'duration':
      return `a duration like 30m, 6h or 7d${rangeText(spec, formatDuration)}`;
    case 'enum':
      return `one of: ${spec.options.join(', ')}`;
    case 'string': {
      const { min, max } = spec;
      if (min !== undefined && min > 0 && max !== undefined)
        return `text of ${min} to ${max} characters`;
      if (max !== undefined) return `text of at most ${max} characters`;
      if (min !== undefined && min > 0) return `text of at least ${min} characters`;
      return 'text';
    }
  }
}

/** What a setting accepts, phrased for users: "a whole number from 1 to 10". */
export function expectation(spec: FieldSpec): string {
  if (spec.element === undefined) return scalarExpectation(spec as ScalarSpec);
  const count =
    spec.max !== undefined
      ? ` (at most ${spec.max} items)`
      : spec.min !== undefined && spec.min > 0
        ? ` (at least ${spec.min} items)`
        : '';
  return `a comma-separated list${count}, each ${scalarExpectation(spec.element)}`;
}

/** A short type label for help embeds: "integer", "list of enum". */
export function typeLabel(spec: FieldSpec): string {
  return spec.element === undefined ? spec.kind : `list of ${spec.element.kind}`;
}

function coerceScalar(spec: ScalarSpec, text: string): { value: unknown } | undefined {
  switch (spec.kind) {
    case 'boolean': {
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { value: true };
      if (FALSE_WORDS.has(word)) return { value: false };
      return undefined;
    }
    case 'number':
    case 'integer': {
      if (!NUMBER_TEXT.test(text)) return undefined;
      const value = Number(text);
      if (!Number.isFinite(value)) return undefined;
      return { value };
    }
    case 'duration': {
      const value = parseDuration(text);
      return value === undefined ? undefined : { value };
    }
    case 'enum': {
      const exact = spec.options.find((option) => option === text);
      const folded = spec.options.filter((option) => option.toLowerCase() === text.toLowerCase());
      if (exact !== undefined) return { value: exact };
      return folded.length === 1 ? { value: folded[0] } : undefined;
    }
    case 'string':
      return { value: text };
  }
}

/** Turns the typed text into a value of the field's kind, or `undefined` when it is not one. */
export function coerce(spec: FieldSpec, raw: string): { value: unknown } | undefined {
  const text = raw.trim();
  if (spec.element === undefined) return coerceScalar(spec as ScalarSpec, text);
  const values: unknown[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const result = coerceScalar(spec.element, item);
    if (result === undefined) return undefined;
    values.push(result.value);
  }
  return { value: values };
}

function formatScalar(kind: SettingKind, value: unknown): string {
  if (kind === 'duration' && typeof value === 'number') return formatDuration(value);
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'not set');
}

/** Shows a value the way a user would type it: durations as `30m`, lists comma-separated. */
export function formatValue(spec: FieldSpec, value: unknown): string {
  if (value === undefined || value === null) return 'not set';
  if (spec.element !== undefined && Array.isArray(value)) {
    const kind = spec.element.kind;
    return value.length === 0
      ? '(empty)'
      : value.map((item) => formatScalar(kind, item)).join(', ');
  }
  return formatScalar(spec.kind, value);
}
