import { Correlator } from './correlator.js';
import type { CorrelationMatch } from './correlator.js';
import type { CorrelationRule } from './correlation-rule.js';

/**
 * Options of {@link correlateEvents}.
 *
 * @typeParam E - Event type.
 */
export interface CorrelateEventsOptions<E> {
  /** Reads an event's time in ms. Default: the event's `timestamp` property. */
  time?: (event: E) => number;
}

/**
 * Runs a recorded batch of events through one or more rules and returns every match, on the same
 * streaming engine as {@link Correlator} (so it costs O(n log n) for the sort plus O(1) amortised
 * per event per rule, and memory stays within the rules' caps).
 *
 * The events are first sorted by time (stable, so ties keep their input order); the input array is
 * not modified. A batch therefore never has late events.
 *
 * @param events - The recorded events, in any order.
 * @param rules - One rule or several.
 * @param options - Event-time accessor.
 * @returns Every match, in the order the stream completed them.
 * @throws {@link CorrelationRuleError} for a malformed rule, {@link CorrelationEventError} for an
 * event without a finite time (nothing is returned then).
 *
 * @example
 * ```ts
 * import { correlateEvents } from 'soc-kit/patterns';
 *
 * const joins = [
 *   { userId: '1', timestamp: 3_000 },
 *   { userId: '2', timestamp: 1_000 },
 *   { userId: '3', timestamp: 2_000 },
 * ];
 * const matches = correlateEvents(joins, {
 *   name: 'join-wave',
 *   windowMs: 5_000,
 *   condition: { type: 'count', atLeast: 3 },
 * });
 * console.log(matches.length, matches[0]?.firstTime, matches[0]?.lastTime);
 * ```
 */
export function correlateEvents<E>(
  events: readonly E[],
  rules: CorrelationRule<E> | readonly CorrelationRule<E>[],
  options: CorrelateEventsOptions<E> = {},
): CorrelationMatch<E>[] {
  const list: readonly CorrelationRule<E>[] = Array.isArray(rules)
    ? (rules as readonly CorrelationRule<E>[])
    : [rules as CorrelationRule<E>];
  const correlator = new Correlator<E>({
    rules: list,
    ...(options.time === undefined ? {} : { time: options.time }),
  });
  const time = options.time ?? ((event: E) => (event as { timestamp: number }).timestamp);
  const ordered = events.map((event, index) => ({ event, index, time: time(event) }));
  ordered.sort((a, b) => a.time - b.time || a.index - b.index);
  const matches: CorrelationMatch<E>[] = [];
  for (const item of ordered) {
    for (const match of correlator.push(item.event)) matches.push(match);
  }
  return matches;
}
