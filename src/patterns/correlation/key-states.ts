import type {
  AggregateCondition,
  AllOfCondition,
  CorrelationComparison,
  CorrelationField,
  CorrelationRule,
  SequenceCondition,
} from './correlation-rule.js';

// Per-key state of each condition kind. Internal to the correlator; one instance per active key.
// Each state keeps `held` (events it holds) exact, so the engine can report memory without scans.

/** A completed condition, before the engine adds rule name and key. */
export interface RawMatch<E> {
  events: E[];
  firstTime: number;
  lastTime: number;
  value: number;
}

/** What every key state offers the engine. */
export interface KeyState<E> {
  /** Events held now. */
  held: number;
  /** Newest event time seen by this key (events are rejected when older than this - window). */
  newest: number;
  /** Watermark of the rule when the key was last touched, for idle expiry. */
  touchedAt: number;
  /** The key this state belongs to (lets the idle sweep iterate values only). */
  key: string | number;
  /** Event time before which this key may not fire (suppression). */
  suppressedUntil: number;
  /** Adds one event (time already checked against the window); returns a match or undefined. */
  add(event: E, time: number): RawMatch<E> | undefined;
  /** Forgets every event held (after-match reset). */
  clear(): void;
  /** Events evicted by the per-key cap since the last read; the engine drains it. */
  dropped: number;
}

export function readField<E>(field: CorrelationField<E>): (event: E) => unknown {
  if (typeof field === 'function') return field;
  return (event: E) => event[field];
}

function compare(op: CorrelationComparison, left: number, right: number): boolean {
  switch (op) {
    case '>=':
      return left >= right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '<':
      return left < right;
    case '==':
      return left === right;
  }
}

/** What the window condition measures, computed incrementally. */
interface WindowMeasure<E> {
  /** Returns false to ignore the event (e.g. missing field); called before it is stored. */
  accepts(event: E): boolean;
  onAdd(event: E, seq: number): void;
  onRemove(event: E, seq: number): void;
  reset(): void;
  /** Current figure (count, distinct count, aggregate), NaN when undefined. */
  value(count: number): number;
  met(count: number): boolean;
}

class DistinctMeasure<E> implements WindowMeasure<E> {
  readonly #counts = new Map<unknown, number>();
  constructor(
    private readonly read: (event: E) => unknown,
    private readonly atLeast: number,
  ) {}
  accepts(event: E): boolean {
    const value = this.read(event);
    return value !== undefined && value !== null;
  }
  onAdd(event: E): void {
    const value = this.read(event);
    this.#counts.set(value, (this.#counts.get(value) ?? 0) + 1);
  }
  onRemove(event: E): void {
    const value = this.read(event);
    const left = (this.#counts.get(value) ?? 1) - 1;
    if (left === 0) this.#counts.delete(value);
    else this.#counts.set(value, left);
  }
  reset(): void {
    this.#counts.clear();
  }
  value(): number {
    return this.#counts.size;
  }
  met(): boolean {
    return this.#counts.size >= this.atLeast;
  }
}

/** Monotonic deque of (seq, value): the front is the window's extreme. */
class ExtremeDeque {
  seqs: number[] = [];
  values: number[] = [];
  head = 0;
  constructor(private readonly keepsMax: boolean) {}
  push(seq: number, value: number): void {
    const { seqs, values } = this;
    while (values.length > this.head) {
      const last = values[values.length - 1] as number;
      if (this.keepsMax ? last > value : last < value) break;
      values.pop();
      seqs.pop();
    }
    seqs.push(seq);
    values.push(value);
  }
  remove(seq: number): void {
    if (this.head < this.seqs.length && this.seqs[this.head] === seq) {
      this.head += 1;
      if (this.head > 64 && this.head * 2 > this.seqs.length) {
        this.seqs = this.seqs.slice(this.head);
        this.values = this.values.slice(this.head);
        this.head = 0;
      }
    }
  }
  front(): number {
    return this.head < this.values.length ? (this.values[this.head] as number) : Number.NaN;
  }
  reset(): void {
    this.seqs = [];
    this.values = [];
    this.head = 0;
  }
}

class AggregateMeasure<E> implements WindowMeasure<E> {
  #sum = 0;
  #n = 0;
  readonly #extreme: ExtremeDeque | undefined;
  constructor(
    private readonly read: (event: E) => unknown,
    private readonly condition: AggregateCondition<E>,
  ) {
    this.#extreme =
      condition.fn === 'max' || condition.fn === 'min'
        ? new ExtremeDeque(condition.fn === 'max')
        : undefined;
  }
  accepts(event: E): boolean {
    const value = this.read(event);
    return typeof value === 'number' && Number.isFinite(value);
  }
  onAdd(event: E, seq: number): void {
    const value = this.read(event) as number;
    this.#sum += value;
    this.#n += 1;
    this.#extreme?.push(seq, value);
  }
  onRemove(event: E, seq: number): void {
    this.#sum -= this.read(event) as number;
    this.#n -= 1;
    this.#extreme?.remove(seq);
  }
  reset(): void {
    this.#sum = 0;
    this.#n = 0;
    this.#extreme?.reset();
  }
  value(): number {
    if (this.#n === 0) return Number.NaN;
    switch (this.condition.fn) {
      case 'sum':
        return this.#sum;
      case 'avg':
        return this.#sum / this.#n;
      default:
        return (this.#extreme as ExtremeDeque).front();
    }
  }
  met(): boolean {
    const value = this.value();
    return !Number.isNaN(value) && compare(this.condition.op, value, this.condition.value);
  }
}

/**
 * Events of one key inside the window, oldest first, in a growable ring buffer (no allocation in
 * steady state), with the incremental measure of the rule's condition. O(1) amortised per event.
 * A count rule has no measure: the count is `held`.
 */
export class WindowState<E> implements KeyState<E> {
  held = 0;
  newest = Number.NEGATIVE_INFINITY;
  touchedAt = 0;
  key: string | number = '';
  suppressedUntil = Number.NEGATIVE_INFINITY;
  dropped = 0;
  #events: (E | undefined)[] = new Array<E | undefined>(4).fill(undefined);
  #times = new Float64Array(4);
  #mask = 3;
  #head = 0;
  /** Sequence number of the oldest held event; the i-th held event has #seq + i. */
  #seq = 0;
  /** Removals since the measure was last rebuilt (bounds floating-point drift of sums). */
  #removals = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxEvents: number,
    private readonly atLeast: number,
    private readonly measure: WindowMeasure<E> | undefined,
  ) {}

  add(event: E, time: number): RawMatch<E> | undefined {
    const measure = this.measure;
    if (measure !== undefined && !measure.accepts(event)) return undefined;
    if (time >= this.newest) {
      this.newest = time;
      if (this.held > this.#mask) this.#resize((this.#mask + 1) * 2);
      const index = (this.#head + this.held) & this.#mask;
      this.#events[index] = event;
      this.#times[index] = time;
      measure?.onAdd(event, this.#seq + this.held);
      this.held += 1;
      const limit = time - this.windowMs;
      while ((this.#times[this.#head] as number) < limit) this.#removeHead();
    } else {
      this.#insertLate(event, time);
    }
    if (this.held > this.maxEvents) {
      this.#removeHead();
      this.dropped += 1;
    }
    if (measure === undefined ? this.held < this.atLeast : !measure.met(this.held)) {
      return undefined;
    }
    const value = measure === undefined ? this.held : measure.value(this.held);
    if (this.newest < this.suppressedUntil) {
      // The engine will withhold this match: skip copying the window (O(held)), so a busy key
      // under suppression with afterMatch 'keep' still costs O(1) per event.
      return {
        events: [],
        firstTime: this.#times[this.#head] as number,
        lastTime: this.newest,
        value,
      };
    }
    return this.#match(value);
  }

  clear(): void {
    this.#events = new Array<E | undefined>(4).fill(undefined);
    this.#times = new Float64Array(4);
    this.#mask = 3;
    this.#seq += this.held;
    this.#head = 0;
    this.held = 0;
    this.measure?.reset();
  }

  #match(value: number): RawMatch<E> {
    const events = new Array<E>(this.held);
    for (let offset = 0; offset < this.held; offset += 1) {
      events[offset] = this.#events[(this.#head + offset) & this.#mask] as E;
    }
    return {
      events,
      firstTime: this.#times[this.#head] as number,
      lastTime: this.newest,
      value,
    };
  }

  #removeHead(): void {
    const head = this.#head;
    if (this.measure !== undefined) {
      this.measure.onRemove(this.#events[head] as E, this.#seq);
      this.#removals += 1;
      if (this.#removals >= 64 && this.#removals >= this.held) this.#rebuild();
    }
    this.#events[head] = undefined;
    this.#head = (head + 1) & this.#mask;
    this.#seq += 1;
    this.held -= 1;
    if (this.held === 0) return;
    const capacity = this.#mask + 1;
    if (capacity > 16 && this.held * 4 < capacity) this.#resize(capacity / 2);
  }

  #resize(capacity: number): void {
    const events = new Array<E | undefined>(capacity).fill(undefined);
    const times = new Float64Array(capacity);
    for (let offset = 0; offset < this.held; offset += 1) {
      const index = (this.#head + offset) & this.#mask;
      events[offset] = this.#events[index];
      times[offset] = this.#times[index] as number;
    }
    this.#events = events;
    this.#times = times;
    this.#mask = capacity - 1;
    this.#head = 0;
  }

  #rebuild(): void {
    const measure = this.measure as WindowMeasure<E>;
    this.#removals = 0;
    measure.reset();
    // Called from #removeHead before the head moves: skip the event being removed.
    for (let offset = 1; offset < this.held; offset += 1) {
      measure.onAdd(this.#events[(this.#head + offset) & this.#mask] as E, this.#seq + offset);
    }
  }

  /** A late event inside the window goes to its place in time order; the measure is rebuilt. */
  #insertLate(event: E, time: number): void {
    if (this.held > this.#mask) this.#resize((this.#mask + 1) * 2);
    const mask = this.#mask;
    let offset = this.held;
    while (offset > 0) {
      const before = (this.#head + offset - 1) & mask;
      if ((this.#times[before] as number) <= time) break;
      const to = (this.#head + offset) & mask;
      this.#events[to] = this.#events[before];
      this.#times[to] = this.#times[before] as number;
      offset -= 1;
    }
    const index = (this.#head + offset) & mask;
    this.#events[index] = event;
    this.#times[index] = time;
    this.held += 1;
    const measure = this.measure;
    if (measure !== undefined) {
      this.#removals = 0;
      measure.reset();
      for (let at = 0; at < this.held; at += 1) {
        measure.onAdd(this.#events[(this.#head + at) & mask] as E, this.#seq + at);
      }
    }
  }
}

export function createWindowState<E>(rule: CorrelationRule<E>, maxEvents: number): WindowState<E> {
  const condition = rule.condition;
  let measure: WindowMeasure<E> | undefined;
  let atLeast = 0;
  if (condition.type === 'count') {
    measure = undefined;
    atLeast = condition.atLeast;
  } else if (condition.type === 'distinct') {
    measure = new DistinctMeasure<E>(readField(condition.field), condition.atLeast);
  } else {
    measure = new AggregateMeasure<E>(
      readField((condition as AggregateCondition<E>).field),
      condition as AggregateCondition<E>,
    );
  }
  return new WindowState<E>(rule.windowMs, maxEvents, atLeast, measure);
}

interface Partial<E> {
  events: E[];
  first: number;
  last: number;
}

/**
 * EQL-style sequence state: `partials[i]` is the newest partial sequence that has completed steps
 * 0..i. An event is used by at most one step: the furthest partial it can advance, otherwise it
 * may start a new partial at step 0.
 */
export class SequenceState<E> implements KeyState<E> {
  held = 0;
  newest = Number.NEGATIVE_INFINITY;
  touchedAt = 0;
  key: string | number = '';
  suppressedUntil = Number.NEGATIVE_INFINITY;
  dropped = 0;
  readonly #partials: (Partial<E> | undefined)[];

  constructor(
    private readonly windowMs: number,
    private readonly condition: SequenceCondition<E>,
  ) {
    this.#partials = new Array<Partial<E> | undefined>(condition.steps.length).fill(undefined);
  }

  add(event: E, time: number): RawMatch<E> | undefined {
    if (time > this.newest) this.newest = time;
    if (this.condition.until?.(event) === true) {
      this.#interrupt(time);
      return undefined;
    }
    const steps = this.condition.steps;
    const partials = this.#partials;
    for (let index = steps.length - 2; index >= 0; index -= 1) {
      const partial = partials[index];
      if (partial === undefined) continue;
      if (this.newest - partial.first > this.windowMs) {
        // Too old to ever complete within the span: forget it.
        partials[index] = undefined;
        this.held -= partial.events.length;
        continue;
      }
      // Steps are ordered in event time: a late event older than the partial's last step cannot
      // extend it. The span check then reduces to time - first.
      if (
        time < partial.last ||
        time - partial.first > this.windowMs ||
        !(steps[index + 1] as { where(e: E): boolean }).where(event)
      ) {
        continue;
      }
      partials[index] = undefined;
      const first = partial.first;
      const advanced: Partial<E> = { events: [...partial.events, event], first, last: time };
      if (index + 1 === steps.length - 1) {
        this.held -= partial.events.length;
        return { events: advanced.events, firstTime: first, lastTime: time, value: steps.length };
      }
      const replaced = partials[index + 1];
      this.held += 1 - (replaced?.events.length ?? 0);
      partials[index + 1] = advanced;
      return undefined;
    }
    if ((steps[0] as { where(e: E): boolean }).where(event)) {
      if (steps.length === 1) return { events: [event], firstTime: time, lastTime: time, value: 1 };
      const replaced = partials[0];
      this.held += 1 - (replaced?.events.length ?? 0);
      partials[0] = { events: [event], first: time, last: time };
    }
    return undefined;
  }

  clear(): void {
    this.#partials.fill(undefined);
    this.held = 0;
  }

  /**
   * `until` at `time` ends every partial that had started by then. In order that is all of them; a
   * late `until` leaves alone the partials that began after it happened.
   */
  #interrupt(time: number): void {
    const partials = this.#partials;
    for (let index = 0; index < partials.length; index += 1) {
      const partial = partials[index];
      if (partial !== undefined && partial.first <= time) {
        partials[index] = undefined;
        this.held -= partial.events.length;
      }
    }
  }
}

/** Sigma `temporal`: the latest event of each part; fires when all are within the window. */
export class AllOfState<E> implements KeyState<E> {
  held = 0;
  newest = Number.NEGATIVE_INFINITY;
  touchedAt = 0;
  key: string | number = '';
  suppressedUntil = Number.NEGATIVE_INFINITY;
  dropped = 0;
  readonly #latest: (E | undefined)[];
  readonly #times: number[];

  constructor(
    private readonly windowMs: number,
    private readonly condition: AllOfCondition<E>,
  ) {
    this.#latest = new Array<E | undefined>(condition.parts.length).fill(undefined);
    this.#times = new Array<number>(condition.parts.length).fill(Number.NEGATIVE_INFINITY);
  }

  add(event: E, time: number): RawMatch<E> | undefined {
    if (time > this.newest) this.newest = time;
    const parts = this.condition.parts;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    let complete = true;
    for (let index = 0; index < parts.length; index += 1) {
      if ((parts[index] as { where(e: E): boolean }).where(event)) {
        if (this.#latest[index] === undefined) this.held += 1;
        if (this.#latest[index] === undefined || time >= (this.#times[index] as number)) {
          this.#latest[index] = event;
          this.#times[index] = time;
        }
      }
      const partTime = this.#times[index] as number;
      if (this.#latest[index] === undefined || this.newest - partTime > this.windowMs) {
        complete = false;
      } else {
        if (partTime < first) first = partTime;
        if (partTime > last) last = partTime;
      }
    }
    if (!complete || last - first > this.windowMs) return undefined;
    return {
      events: this.#latest.slice() as E[],
      firstTime: first,
      lastTime: last,
      value: parts.length,
    };
  }

  clear(): void {
    this.#latest.fill(undefined);
    this.#times.fill(Number.NEGATIVE_INFINITY);
    this.held = 0;
  }
}
