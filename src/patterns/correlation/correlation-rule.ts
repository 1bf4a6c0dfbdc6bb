import { SocKitError } from '../../core/index.js';
import { isPositiveNumber } from '../../core/internal.js';

/**
 * Thrown by the {@link Correlator} constructor (and {@link correlateEvents}) when a rule is
 * malformed: a missing name, a duplicate name, a non-positive window, an empty sequence and so on.
 * Code: `CORRELATION_RULE_INVALID`.
 *
 * @example
 * ```ts
 * import { Correlator, CorrelationRuleError } from 'soc-kit/patterns';
 *
 * try {
 *   new Correlator({ rules: [{ name: 'bad', windowMs: 0, condition: { type: 'count', atLeast: 3 } }] });
 * } catch (error) {
 *   console.log(error instanceof CorrelationRuleError, (error as CorrelationRuleError).code);
 * }
 * ```
 */
export class CorrelationRuleError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('CORRELATION_RULE_INVALID', message);
  }
}

/**
 * A value read from an event: the name of one of its properties, or a function of the event.
 *
 * @typeParam E - Event type.
 */
export type CorrelationField<E> = (keyof E & string) | ((event: E) => unknown);

/**
 * How events are split into independent groups ("keys"), each with its own window: one property,
 * several properties (the key is their values joined), or a function returning a string or number.
 * An event whose group value is `null`/`undefined` is ignored by the rule.
 *
 * @typeParam E - Event type.
 */
export type CorrelationGroupBy<E> =
  (keyof E & string) | readonly (keyof E & string)[] | ((event: E) => string | number | undefined);

/** Comparison of an aggregate with a threshold, read as `aggregate <op> value`. */
export type CorrelationComparison = '>=' | '>' | '<=' | '<' | '==';

/** Fires when a key's window holds at least `atLeast` events (Sigma `event_count`). */
export interface CountCondition {
  /** Discriminator. */
  type: 'count';
  /** Threshold, a positive integer. */
  atLeast: number;
}

/**
 * Fires when a key's window holds events with at least `atLeast` distinct values of `field`
 * (Sigma `value_count`), e.g. the same message from N distinct users. Events without the field are
 * ignored.
 *
 * @typeParam E - Event type.
 */
export interface DistinctCondition<E> {
  /** Discriminator. */
  type: 'distinct';
  /** Field whose distinct values are counted. */
  field: CorrelationField<E>;
  /** Threshold, a positive integer. */
  atLeast: number;
}

/**
 * Fires when an aggregate of a numeric field over a key's window compares true with `value`.
 * Events whose field is not a finite number are ignored.
 *
 * @typeParam E - Event type.
 */
export interface AggregateCondition<E> {
  /** Discriminator. */
  type: 'aggregate';
  /** Aggregate function over the window. */
  fn: 'sum' | 'min' | 'max' | 'avg';
  /** Numeric field aggregated. */
  field: CorrelationField<E>;
  /** Comparison applied as `aggregate <op> value`. */
  op: CorrelationComparison;
  /** Threshold compared with. */
  value: number;
}

/**
 * A named predicate: one step of a sequence, or one part of an `allOf` condition.
 *
 * @typeParam E - Event type.
 */
export interface CorrelationStep<E> {
  /** Name shown in documentation and debugging; unique within its condition. */
  name: string;
  /** Whether an event satisfies this step. */
  where: (event: E) => boolean;
}

/**
 * Fires when a key sees events matching `steps` in order, all within the rule's `windowMs` (the
 * EQL `maxspan`: last time minus first time at most `windowMs`). Order is event-time order: a late
 * event never extends a partial sequence whose last step is newer than it. An event matching `until` clears
 * every partial sequence of its key that had started by its time (EQL `until`). Sigma's
 * `temporal_ordered` is this condition.
 *
 * @typeParam E - Event type.
 */
export interface SequenceCondition<E> {
  /** Discriminator. */
  type: 'sequence';
  /** Ordered steps, at least one. */
  steps: readonly CorrelationStep<E>[];
  /**
   * Optional reset predicate, checked before the steps: a matching event ends the key's partial
   * sequences that began at or before its time.
   */
  until?: (event: E) => boolean;
}

/**
 * Fires when every part has matched at least one event of a key, in any order, with the latest
 * match of each part within `windowMs` of each other (Sigma `temporal`).
 *
 * @typeParam E - Event type.
 */
export interface AllOfCondition<E> {
  /** Discriminator. */
  type: 'allOf';
  /** Parts, at least one. */
  parts: readonly CorrelationStep<E>[];
}

/**
 * The one condition a rule tests.
 *
 * @typeParam E - Event type.
 */
export type CorrelationCondition<E> =
  | CountCondition
  | DistinctCondition<E>
  | AggregateCondition<E>
  | SequenceCondition<E>
  | AllOfCondition<E>;

/**
 * One correlation rule. See docs/correlation.md for the exact semantics.
 *
 * @typeParam E - Event type.
 */
export interface CorrelationRule<E> {
  /** Unique name, reported in every match. */
  name: string;
  /** Only events for which this returns `true` reach the rule (default: all). */
  where?: (event: E) => boolean;
  /** Grouping of events into keys (default: one global key). */
  groupBy?: CorrelationGroupBy<E>;
  /**
   * Sliding window in ms (positive). Events at most `windowMs` older than the newest event of the
   * key are in the window: both edges are inclusive.
   */
  windowMs: number;
  /** What must hold for the rule to fire. */
  condition: CorrelationCondition<E>;
  /**
   * After a match whose last event is at time `T`, the key cannot fire again for events before
   * `T + suppressMs` (event time). Suppressed matches are counted in the stats. Default 0.
   */
  suppressMs?: number;
  /**
   * What a key keeps after it fires (or would have fired but was suppressed): `'reset'` (default)
   * empties its window or partial sequences, `'keep'` leaves them, so the next event can fire again.
   */
  afterMatch?: 'reset' | 'keep';
  /**
   * A key not touched for this long (in event time, against the newest event the rule has seen) is
   * forgotten. Default: the larger of `windowMs` and `suppressMs`. A key forgotten (or evicted by
   * `maxKeys`) loses its suppression with it, so a value below `suppressMs` shortens the cooldown
   * of keys that go quiet.
   */
  keyTtlMs?: number;
  /**
   * Most keys held at once. At the cap, a new key evicts the least recently touched of the 8
   * oldest keys (a sampled LRU, as Redis does, so eviction stays O(1)); evictions are counted.
   * Default 10,000.
   */
  maxKeys?: number;
  /**
   * Most events held per key for count, distinct and aggregate rules; the oldest is dropped first.
   * A count or distinct `atLeast` above it is rejected, since the rule could never fire.
   * Default 1,000. An allOf rule holds at most one event per part; a sequence of `n` steps at most
   * `n(n-1)/2` events per key (one partial per step before the last).
   */
  maxEventsPerKey?: number;
}

/** Default of {@link CorrelationRule.maxKeys}. */
export const DEFAULT_MAX_KEYS = 10_000;
/** Default of {@link CorrelationRule.maxEventsPerKey}. */
export const DEFAULT_MAX_EVENTS_PER_KEY = 1_000;

function positive(rule: string, name: string, value: unknown, integer: boolean): void {
  if (!isPositiveNumber(value, { integer })) {
    throw new CorrelationRuleError(
      `rule "${rule}": ${name} must be a positive ${integer ? 'integer' : 'finite number'}, got ${String(value)}`,
    );
  }
}

function steps<E>(rule: string, what: string, list: unknown): void {
  if (!Array.isArray(list) || list.length === 0) {
    throw new CorrelationRuleError(`rule "${rule}": ${what} must be a non-empty array`);
  }
  for (const step of list as CorrelationStep<E>[]) {
    if (typeof step?.where !== 'function' || typeof step.name !== 'string') {
      throw new CorrelationRuleError(
        `rule "${rule}": every entry of ${what} needs a string name and a where(event) function`,
      );
    }
  }
}

/**
 * Checks a rule's shape and numbers, so mistakes fail at construction instead of silently never
 * matching.
 *
 * @param rule - Rule to check.
 * @throws {@link CorrelationRuleError} describing the first problem found.
 * @internal
 */
export function validateRule<E>(rule: CorrelationRule<E>): void {
  if (typeof rule?.name !== 'string' || rule.name === '') {
    throw new CorrelationRuleError('every rule needs a non-empty string name');
  }
  const name = rule.name;
  positive(name, 'windowMs', rule.windowMs, false);
  if (rule.suppressMs !== undefined && rule.suppressMs !== 0) {
    positive(name, 'suppressMs', rule.suppressMs, false);
  }
  if (rule.keyTtlMs !== undefined) positive(name, 'keyTtlMs', rule.keyTtlMs, false);
  if (rule.maxKeys !== undefined) positive(name, 'maxKeys', rule.maxKeys, true);
  if (rule.maxEventsPerKey !== undefined) {
    positive(name, 'maxEventsPerKey', rule.maxEventsPerKey, true);
  }
  if (rule.afterMatch !== undefined && rule.afterMatch !== 'reset' && rule.afterMatch !== 'keep') {
    throw new CorrelationRuleError(
      `rule "${name}": afterMatch must be 'reset' or 'keep', got ${String(rule.afterMatch)}`,
    );
  }
  const condition = rule.condition as CorrelationCondition<E> | undefined;
  switch (condition?.type) {
    case 'count':
    case 'distinct': {
      positive(name, 'condition.atLeast', condition.atLeast, true);
      // A key never holds more than maxEventsPerKey events, so a higher threshold never fires.
      const cap = rule.maxEventsPerKey ?? DEFAULT_MAX_EVENTS_PER_KEY;
      if (condition.atLeast > cap) {
        throw new CorrelationRuleError(
          `rule "${name}": condition.atLeast (${condition.atLeast}) exceeds maxEventsPerKey (${cap}), so the rule could never fire; raise maxEventsPerKey or lower atLeast`,
        );
      }
      return;
    }
    case 'aggregate':
      if (!['sum', 'min', 'max', 'avg'].includes(condition.fn)) {
        throw new CorrelationRuleError(
          `rule "${name}": condition.fn must be sum, min, max or avg, got ${String(condition.fn)}`,
        );
      }
      if (!['>=', '>', '<=', '<', '=='].includes(condition.op)) {
        throw new CorrelationRuleError(
          `rule "${name}": condition.op must be >=, >, <=, < or ==, got ${String(condition.op)}`,
        );
      }
      if (typeof condition.value !== 'number' || Number.isNaN(condition.value)) {
        throw new CorrelationRuleError(`rule "${name}": condition.value must be a number`);
      }
      return;
    case 'sequence':
      steps(name, 'condition.steps', condition.steps);
      return;
    case 'allOf':
      steps(name, 'condition.parts', condition.parts);
      return;
    default:
      throw new CorrelationRuleError(
        `rule "${name}": condition.type must be count, distinct, aggregate, sequence or allOf`,
      );
  }
}
