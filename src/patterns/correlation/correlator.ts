import { SocKitError } from '../../core/index.js';
import {
  CorrelationRuleError,
  DEFAULT_MAX_EVENTS_PER_KEY,
  DEFAULT_MAX_KEYS,
  validateRule,
} from './correlation-rule.js';
import type { CorrelationGroupBy, CorrelationRule } from './correlation-rule.js';
import { AllOfState, createWindowState, SequenceState } from './key-states.js';
import type { KeyState, RawMatch } from './key-states.js';

/**
 * Thrown by {@link Correlator.push} when an event's time is not a finite number. The event is not
 * applied to any rule. Code: `CORRELATION_BAD_EVENT_TIME`.
 *
 * @example
 * ```ts
 * import { Correlator, CorrelationEventError } from 'soc-kit/patterns';
 *
 * const correlator = new Correlator<{ timestamp: number }>({
 *   rules: [{ name: 'any', windowMs: 1000, condition: { type: 'count', atLeast: 1 } }],
 * });
 * try {
 *   correlator.push({ timestamp: Number.NaN });
 * } catch (error) {
 *   console.log(error instanceof CorrelationEventError);
 * }
 * ```
 */
export class CorrelationEventError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('CORRELATION_BAD_EVENT_TIME', message);
  }
}

/**
 * One completed correlation.
 *
 * @typeParam E - Event type.
 */
export interface CorrelationMatch<E> {
  /** Name of the rule that fired. */
  rule: string;
  /** Group key: the group value as a string (several fields joined by `|`), `''` without groupBy. */
  key: string;
  /** Member events, oldest first for window rules, in step order for sequences and allOf. */
  events: readonly E[];
  /** Time of the earliest member event. */
  firstTime: number;
  /** Time of the latest member event. */
  lastTime: number;
  /**
   * The measured figure: event count, distinct count, aggregate value, or the number of steps or
   * parts for sequence and allOf rules.
   */
  value: number;
}

/** Counters of one rule, returned by {@link Correlator.stats}. */
export interface CorrelationRuleStats {
  /** Rule name. */
  rule: string;
  /** Keys held now. */
  keys: number;
  /** Events held now across all keys. */
  events: number;
  /** Matches returned. */
  matches: number;
  /** Matches withheld by `suppressMs`. */
  suppressed: number;
  /** Events dropped because they were older than the key's window when they arrived. */
  late: number;
  /** Events dropped by the `maxEventsPerKey` cap. */
  droppedEvents: number;
  /** Keys evicted by the `maxKeys` cap. */
  evictedKeys: number;
  /** Keys forgotten after `keyTtlMs` without events. */
  expiredKeys: number;
}

/** Totals over all rules plus the per-rule figures, returned by {@link Correlator.stats}. */
export interface CorrelatorStats extends Omit<CorrelationRuleStats, 'rule'> {
  /** Per-rule figures, in rule order. */
  rules: CorrelationRuleStats[];
}

/**
 * Options of {@link Correlator}.
 *
 * @typeParam E - Event type.
 */
export interface CorrelatorOptions<E> {
  /** Rules evaluated on every event, in this order. Names must be unique. */
  rules: readonly CorrelationRule<E>[];
  /**
   * Reads an event's time in ms. Default: the event's `timestamp` property (the soc-kit signal
   * envelope field). Time always comes from the event, never from a clock, so replaying a recorded
   * stream gives the same matches.
   */
  time?: (event: E) => number;
}

const NO_MATCHES: readonly never[] = Object.freeze([]);
const KEY_SEPARATOR = '|';

type KeyValue = string | number;

function keyReader<E>(
  groupBy: CorrelationGroupBy<E> | undefined,
): (event: E) => KeyValue | undefined {
  if (groupBy === undefined) return () => '';
  if (typeof groupBy === 'function') return groupBy;
  if (typeof groupBy === 'string') {
    const field = groupBy;
    return (event: E) => {
      const value = event[field];
      if (value === undefined || value === null) return undefined;
      return typeof value === 'string' || typeof value === 'number' ? value : String(value);
    };
  }
  const fields = groupBy as readonly (keyof E & string)[];
  return (event: E) => {
    let key = '';
    for (let index = 0; index < fields.length; index += 1) {
      const value = event[fields[index] as keyof E & string];
      if (value === undefined || value === null) return undefined;
      key = index === 0 ? String(value) : `${key}${KEY_SEPARATOR}${String(value)}`;
    }
    return key;
  };
}

/** Keys, their states, caps and counters of one rule. */
class RuleEngine<E> {
  readonly name: string;
  readonly #rule: CorrelationRule<E>;
  readonly #where: ((event: E) => boolean) | undefined;
  readonly #keyOf: (event: E) => KeyValue | undefined;
  readonly #newState: () => KeyState<E>;
  readonly #windowMs: number;
  readonly #keyTtlMs: number;
  readonly #maxKeys: number;
  readonly #suppressMs: number;
  readonly #reset: boolean;
  /** Keys in creation order; idle ones are found by the sweep hand, not by reordering. */
  #keys = new Map<KeyValue, KeyState<E>>();
  /** The idle sweep's position: a live Map iterator advanced one key per push. */
  #hand: Iterator<KeyState<E>> | undefined;
  /** Newest event time this rule has seen: the rule's notion of "now" for idle expiry. */
  #watermark = Number.NEGATIVE_INFINITY;
  #events = 0;
  #matches = 0;
  #suppressed = 0;
  #late = 0;
  #droppedEvents = 0;
  #evictedKeys = 0;
  #expiredKeys = 0;

  constructor(rule: CorrelationRule<E>) {
    this.name = rule.name;
    this.#rule = rule;
    this.#where = rule.where;
    this.#keyOf = keyReader(rule.groupBy);
    this.#windowMs = rule.windowMs;
    this.#suppressMs = rule.suppressMs ?? 0;
    this.#keyTtlMs = rule.keyTtlMs ?? Math.max(rule.windowMs, this.#suppressMs);
    this.#maxKeys = rule.maxKeys ?? DEFAULT_MAX_KEYS;
    this.#reset = (rule.afterMatch ?? 'reset') === 'reset';
    const condition = rule.condition;
    const maxEvents = rule.maxEventsPerKey ?? DEFAULT_MAX_EVENTS_PER_KEY;
    if (condition.type === 'sequence') {
      this.#newState = () => new SequenceState<E>(rule.windowMs, condition);
    } else if (condition.type === 'allOf') {
      this.#newState = () => new AllOfState<E>(rule.windowMs, condition);
    } else {
      this.#newState = () => createWindowState<E>(rule, maxEvents);
    }
  }

  push(
    event: E,
    time: number,
    out: CorrelationMatch<E>[] | undefined,
  ): CorrelationMatch<E>[] | undefined {
    if (this.#where !== undefined && !this.#where(event)) return out;
    const key = this.#keyOf(event);
    if (key === undefined) return out;
    if (time > this.#watermark) this.#watermark = time;
    const now = this.#watermark;
    const keys = this.#keys;
    let state = keys.get(key);
    if (state === undefined) {
      if (keys.size >= this.#maxKeys) this.#evictIdlest();
      state = this.#newState();
      state.key = key;
      keys.set(key, state);
    } else if (state.touchedAt < now - this.#keyTtlMs) {
      // Idle past its TTL but not swept yet: start afresh, exactly as if it had been swept.
      this.#expiredKeys += 1;
      this.#events -= state.held;
      state = this.#newState();
      state.key = key;
      keys.set(key, state);
    }
    this.#sweepOne(key);
    state.touchedAt = now;
    if (time < state.newest - this.#windowMs) {
      this.#late += 1;
      return out;
    }
    const before = state.held;
    let raw: RawMatch<E> | undefined;
    try {
      raw = state.add(event, time);
    } finally {
      // A throwing predicate may have released events before it threw: keep the figures exact.
      this.#events += state.held - before;
      if (state.dropped !== 0) {
        this.#droppedEvents += state.dropped;
        state.dropped = 0;
      }
    }
    if (raw !== undefined) {
      if (raw.lastTime < state.suppressedUntil) {
        this.#suppressed += 1;
      } else {
        this.#matches += 1;
        if (this.#suppressMs > 0) state.suppressedUntil = raw.lastTime + this.#suppressMs;
        const match: CorrelationMatch<E> = {
          rule: this.name,
          key: typeof key === 'string' ? key : String(key),
          events: raw.events,
          firstTime: raw.firstTime,
          lastTime: raw.lastTime,
          value: raw.value,
        };
        if (out === undefined) out = [match];
        else out.push(match);
      }
      if (this.#reset) {
        this.#events -= state.held;
        state.clear();
      }
    }
    return out;
  }

  /**
   * Looks at the next key of the sweep hand and forgets it if idle past its TTL. One key per push,
   * at most one key is created per push, so every key is visited within one pass of `keys.size`
   * pushes: O(1) per event and idle keys are released within one pass.
   */
  #sweepOne(current: KeyValue): void {
    let next = this.#hand?.next();
    if (next === undefined || next.done === true) {
      this.#hand = this.#keys.values();
      next = this.#hand.next();
      if (next.done === true) return;
    }
    const state = next.value;
    if (state.key !== current && state.touchedAt < this.#watermark - this.#keyTtlMs) {
      this.#keys.delete(state.key);
      this.#events -= state.held;
      this.#expiredKeys += 1;
    }
  }

  /**
   * At the key cap: evicts the least recently touched of the 8 oldest keys (sampled LRU, as Redis
   * does), so eviction stays O(1) while preferring keys that have gone quiet.
   */
  #evictIdlest(): void {
    let victim: KeyValue | undefined;
    let victimState: KeyState<E> | undefined;
    let seen = 0;
    for (const [key, state] of this.#keys) {
      if (victimState === undefined || state.touchedAt < victimState.touchedAt) {
        victim = key;
        victimState = state;
      }
      seen += 1;
      if (seen === 8) break;
    }
    if (victimState === undefined) return;
    this.#keys.delete(victim as KeyValue);
    this.#events -= victimState.held;
    this.#evictedKeys += 1;
  }

  reset(): void {
    this.#keys = new Map();
    this.#hand = undefined;
    this.#watermark = Number.NEGATIVE_INFINITY;
    this.#events = 0;
  }

  stats(): CorrelationRuleStats {
    return {
      rule: this.name,
      keys: this.#keys.size,
      events: this.#events,
      matches: this.#matches,
      suppressed: this.#suppressed,
      late: this.#late,
      droppedEvents: this.#droppedEvents,
      evictedKeys: this.#evictedKeys,
      expiredKeys: this.#expiredKeys,
    };
  }

  get rule(): CorrelationRule<E> {
    return this.#rule;
  }
}

function defaultTime(event: unknown): number {
  return (event as { timestamp?: unknown } | null | undefined)?.timestamp as number;
}

/**
 * Streaming event correlation with SIEM semantics: the Sigma correlation types (`event_count`,
 * `value_count`, `temporal`, `temporal_ordered`), aggregates, and EQL-style sequences with a
 * maximum span and `until`.
 *
 * Each rule splits events into keys (`groupBy`) and keeps, per key, only what its condition needs
 * inside a sliding window. {@link Correlator.push} applies one event to every rule and returns the
 * matches it completes.
 *
 * Guarantees:
 * - Time is read from the event, never from a clock: the same stream gives the same matches.
 *   Window edges are inclusive: an event exactly `windowMs` older than the key's newest event is
 *   still in the window.
 * - Out-of-order events: an event up to `windowMs` older than its key's newest event joins the
 *   window at its place in time order; an older one is dropped and counted as `late`. Windows
 *   always end at the key's newest event time.
 * - Memory is bounded: at most `maxKeys` keys per rule and `maxEventsPerKey` events per key (oldest
 *   evicted first, counted), and idle keys are forgotten after `keyTtlMs` of event time: on their
 *   next event, or by a sweep inside `push` that visits one key per event, so an idle key is
 *   released within one pass over the keys. There are no timers and nothing to close.
 * - Cost is O(1) amortised per event per rule for count, distinct, sum, avg, min and max
 *   conditions, O(steps) for sequences and O(parts) for allOf, plus the size of the matches
 *   returned (suppressed matches are not built). A late event costs O(events held by its key).
 * - `push` throws only for an event without a finite time; rule predicates that throw propagate to
 *   the caller, after the rules before them have seen the event.
 *
 * @typeParam E - Event type.
 *
 * @example
 * ```ts
 * import { Correlator } from 'soc-kit/patterns';
 *
 * interface Msg { userId: string; content: string; timestamp: number }
 * const correlator = new Correlator<Msg>({
 *   rules: [
 *     { name: 'burst', groupBy: 'userId', windowMs: 10_000, condition: { type: 'count', atLeast: 3 } },
 *     { name: 'copypasta', groupBy: 'content', windowMs: 60_000,
 *       condition: { type: 'distinct', field: 'userId', atLeast: 2 } },
 *   ],
 * });
 * const stream: Msg[] = [
 *   { userId: 'a', content: 'hi', timestamp: 0 },
 *   { userId: 'a', content: 'buy now', timestamp: 1_000 },
 *   { userId: 'b', content: 'buy now', timestamp: 1_500 },
 *   { userId: 'a', content: 'spam', timestamp: 2_000 },
 * ];
 * for (const message of stream) {
 *   for (const match of correlator.push(message)) console.log(match.rule, match.key, match.value);
 * }
 * ```
 */
export class Correlator<E> {
  readonly #engines: RuleEngine<E>[];
  readonly #time: (event: E) => number;

  /**
   * @param options - Rules and the event-time accessor.
   * @throws {@link CorrelationRuleError} when a rule is malformed or two rules share a name.
   */
  constructor(options: CorrelatorOptions<E>) {
    if (!Array.isArray(options?.rules)) {
      throw new CorrelationRuleError('Correlator: options.rules must be an array of rules');
    }
    const names = new Set<string>();
    this.#engines = options.rules.map((rule) => {
      validateRule(rule);
      if (names.has(rule.name)) {
        throw new CorrelationRuleError(
          `Correlator: two rules are named "${rule.name}"; names must be unique`,
        );
      }
      names.add(rule.name);
      return new RuleEngine<E>(rule);
    });
    this.#time = options.time ?? defaultTime;
  }

  /**
   * Applies one event to every rule and returns the matches it completes, in rule order. The
   * returned array is empty (and shared, frozen) when nothing matched.
   *
   * @param event - The event; its time comes from the `time` option.
   * @returns Completed matches, possibly empty.
   * @throws {@link CorrelationEventError} when the event's time is not a finite number (no rule is
   * touched). Whatever a rule's predicate throws.
   *
   * @example
   * ```ts
   * import { Correlator } from 'soc-kit/patterns';
   *
   * const correlator = new Correlator<{ user: string; at: number }>({
   *   time: (event) => event.at,
   *   rules: [{ name: 'three', groupBy: 'user', windowMs: 1000, condition: { type: 'count', atLeast: 3 } }],
   * });
   * correlator.push({ user: 'u', at: 0 });
   * correlator.push({ user: 'u', at: 10 });
   * console.log(correlator.push({ user: 'u', at: 20 }).length);
   * ```
   */
  push(event: E): readonly CorrelationMatch<E>[] {
    const time = this.#time(event);
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      throw new CorrelationEventError(
        `Correlator.push: event time must be a finite number of ms, got ${String(time)}; set the time option if events keep it elsewhere than "timestamp"`,
      );
    }
    const engines = this.#engines;
    let out: CorrelationMatch<E>[] | undefined;
    for (let index = 0; index < engines.length; index += 1) {
      out = (engines[index] as RuleEngine<E>).push(event, time, out);
    }
    return out ?? NO_MATCHES;
  }

  /**
   * Forgets all keys and events of every rule. Counters of past matches and drops are kept.
   *
   * @throws Never.
   *
   * @example
   * ```ts
   * import { Correlator } from 'soc-kit/patterns';
   *
   * const correlator = new Correlator({ rules: [{ name: 'r', windowMs: 1000, condition: { type: 'count', atLeast: 2 } }] });
   * correlator.push({ timestamp: 1 });
   * correlator.reset();
   * console.log(correlator.stats().events);
   * ```
   */
  reset(): void {
    for (const engine of this.#engines) engine.reset();
  }

  /**
   * The rules, in evaluation order.
   *
   * @example
   * ```ts
   * import { Correlator } from 'soc-kit/patterns';
   *
   * const correlator = new Correlator({ rules: [{ name: 'r', windowMs: 1000, condition: { type: 'count', atLeast: 2 } }] });
   * console.log(correlator.rules.map((rule) => rule.name));
   * ```
   */
  get rules(): readonly CorrelationRule<E>[] {
    return this.#engines.map((engine) => engine.rule);
  }

  /**
   * Returns what is held now (keys, events) and what happened so far (matches, suppressed, late,
   * dropped events, evicted and expired keys), totalled and per rule.
   *
   * @returns A snapshot of the counters.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { Correlator } from 'soc-kit/patterns';
   *
   * const correlator = new Correlator({ rules: [{ name: 'r', windowMs: 1000, condition: { type: 'count', atLeast: 2 } }] });
   * correlator.push({ timestamp: 1 });
   * console.log(correlator.stats().keys, correlator.stats().rules[0]?.events);
   * ```
   */
  stats(): CorrelatorStats {
    const rules = this.#engines.map((engine) => engine.stats());
    const total: CorrelatorStats = {
      keys: 0,
      events: 0,
      matches: 0,
      suppressed: 0,
      late: 0,
      droppedEvents: 0,
      evictedKeys: 0,
      expiredKeys: 0,
      rules,
    };
    for (const rule of rules) {
      total.keys += rule.keys;
      total.events += rule.events;
      total.matches += rule.matches;
      total.suppressed += rule.suppressed;
      total.late += rule.late;
      total.droppedEvents += rule.droppedEvents;
      total.evictedKeys += rule.evictedKeys;
      total.expiredKeys += rule.expiredKeys;
    }
    return total;
  }
}
