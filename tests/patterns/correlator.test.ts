import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Correlator,
  CorrelationEventError,
  CorrelationRuleError,
  correlateEvents,
} from '../../src/patterns/index.js';
import type { CorrelationMatch, CorrelationRule } from '../../src/patterns/index.js';

interface Ev {
  id: number;
  user: string;
  type: string;
  timestamp: number;
  amount?: number;
  content?: string;
  guild?: string;
}

let nextId = 0;
function ev(timestamp: number, fields: Partial<Ev> = {}): Ev {
  nextId += 1;
  return { id: nextId, user: 'u', type: 'msg', timestamp, ...fields };
}

function run<E>(correlator: Correlator<E>, events: E[]): CorrelationMatch<E>[] {
  return events.flatMap((event) => [...correlator.push(event)]);
}

const count = (atLeast: number, extra: Partial<CorrelationRule<Ev>> = {}): CorrelationRule<Ev> => ({
  name: 'count',
  groupBy: 'user',
  windowMs: 1000,
  condition: { type: 'count', atLeast },
  ...extra,
});

describe('Correlator: count rule', () => {
  it('fires when the window holds n events and reports members, key and times', () => {
    const correlator = new Correlator<Ev>({ rules: [count(3)] });
    const events = [ev(0), ev(100), ev(200)];
    expect(correlator.push(events[0]!)).toEqual([]);
    expect(correlator.push(events[1]!)).toEqual([]);
    const [match] = correlator.push(events[2]!);
    expect(match).toEqual({
      rule: 'count',
      key: 'u',
      events,
      firstTime: 0,
      lastTime: 200,
      value: 3,
    });
  });

  it('treats both window edges as inclusive', () => {
    const edge = new Correlator<Ev>({ rules: [count(2)] });
    expect(run(edge, [ev(0), ev(1000)])).toHaveLength(1);
    const outside = new Correlator<Ev>({ rules: [count(2)] });
    expect(run(outside, [ev(0), ev(1001)])).toHaveLength(0);
  });

  it('keeps keys apart and skips events without a group value or failing where', () => {
    const correlator = new Correlator<Ev>({
      rules: [count(2, { where: (event) => event.type === 'msg' })],
    });
    const matches = run(correlator, [
      ev(0, { user: 'a' }),
      ev(1, { user: 'b' }),
      ev(2, { user: 'a', type: 'join' }),
      ev(3, { user: undefined as unknown as string }),
      ev(4, { user: 'b' }),
    ]);
    expect(matches.map((match) => match.key)).toEqual(['b']);
  });

  it('groups by several fields or a function', () => {
    const byFields = new Correlator<Ev>({
      rules: [count(2, { groupBy: ['guild', 'user'] })],
    });
    const fieldMatches = run(byFields, [
      ev(0, { guild: 'g1', user: 'a' }),
      ev(1, { guild: 'g2', user: 'a' }),
      ev(2, { guild: 'g1', user: 'a' }),
    ]);
    expect(fieldMatches.map((match) => match.key)).toEqual(['g1|a']);
    const byFunction = new Correlator<Ev>({
      rules: [count(2, { groupBy: (event) => event.id % 2 })],
    });
    const ids = [ev(0), ev(1), ev(2)];
    expect(run(byFunction, ids)[0]?.key).toBe(String(ids[2]!.id % 2));
  });

  it('resets after firing by default, or keeps the window with afterMatch keep', () => {
    const reset = new Correlator<Ev>({ rules: [count(2)] });
    expect(run(reset, [ev(0), ev(1), ev(2), ev(3)]).map((m) => m.lastTime)).toEqual([1, 3]);
    const keep = new Correlator<Ev>({ rules: [count(2, { afterMatch: 'keep' })] });
    const matches = run(keep, [ev(0), ev(1), ev(2)]);
    expect(matches.map((m) => m.value)).toEqual([2, 3]);
  });

  it('suppresses matches for suppressMs of event time after firing and counts them', () => {
    const correlator = new Correlator<Ev>({
      rules: [count(1, { suppressMs: 500 })],
    });
    const matches = run(correlator, [ev(0), ev(100), ev(499), ev(500), ev(600)]);
    expect(matches.map((m) => m.lastTime)).toEqual([0, 500]);
    expect(correlator.stats().suppressed).toBe(3);
  });

  it('with keep, a match after the suppression still reports the whole window', () => {
    const correlator = new Correlator<Ev>({
      rules: [count(2, { afterMatch: 'keep', suppressMs: 500, windowMs: 1000 })],
    });
    const events = [ev(0), ev(1), ev(2), ev(300), ev(501)];
    const matches = run(correlator, events);
    expect(matches.map((m) => [m.firstTime, m.lastTime, m.value])).toEqual([
      [0, 1, 2],
      [0, 501, 5],
    ]);
    expect(matches[1]?.events).toEqual(events);
    expect(correlator.stats()).toMatchObject({ matches: 2, suppressed: 2, events: 5 });
  });

  it('inserts a late event inside the window in time order and drops older ones as late', () => {
    const correlator = new Correlator<Ev>({ rules: [count(3, { windowMs: 100 })] });
    const a = ev(100);
    const b = ev(200);
    const late = ev(150);
    const tooLate = ev(99);
    expect(correlator.push(a)).toEqual([]);
    expect(correlator.push(b)).toEqual([]);
    expect(correlator.push(tooLate)).toEqual([]);
    const [match] = correlator.push(late);
    expect(match?.events).toEqual([a, late, b]);
    expect(match?.firstTime).toBe(100);
    expect(match?.lastTime).toBe(200);
    expect(correlator.stats().late).toBe(1);
  });

  it('caps events per key, dropping the oldest and counting drops', () => {
    const correlator = new Correlator<Ev>({
      rules: [count(3, { maxEventsPerKey: 3, windowMs: 10_000, afterMatch: 'keep' })],
    });
    const events = [ev(0), ev(1), ev(2), ev(3), ev(4)];
    const matches = run(correlator, events);
    expect(correlator.stats()).toMatchObject({ events: 3, droppedEvents: 2 });
    expect(matches.at(-1)?.events).toEqual(events.slice(2));
    const capped = new Correlator<Ev>({ rules: [count(3, { maxEventsPerKey: 3 })] });
    expect(run(capped, [ev(0), ev(1), ev(2)])[0]?.events).toHaveLength(3);
  });

  it('caps keys, evicting the least recently touched and counting evictions', () => {
    const correlator = new Correlator<Ev>({
      rules: [count(2, { maxKeys: 2, windowMs: 10_000 })],
    });
    run(correlator, [ev(0, { user: 'a' }), ev(1, { user: 'b' }), ev(2, { user: 'a' })]);
    // 'a' fired and reset; its state is still held. Touch 'b', then a third key evicts 'a'.
    run(correlator, [ev(3, { user: 'b' })]);
    correlator.push(ev(4, { user: 'c' }));
    expect(correlator.stats()).toMatchObject({ keys: 2, evictedKeys: 1 });
  });

  it('forgets idle keys after keyTtlMs without timers, by sweep or on access', () => {
    const correlator = new Correlator<Ev>({ rules: [count(2, { keyTtlMs: 100 })] });
    correlator.push(ev(0, { user: 'idle' }));
    correlator.push(ev(50, { user: 'other' }));
    correlator.push(ev(120, { user: 'other' }));
    correlator.push(ev(130, { user: 'x' }));
    expect(correlator.stats()).toMatchObject({ keys: 2, expiredKeys: 1 });
    // An expired key seen again starts from scratch.
    const lazy = new Correlator<Ev>({ rules: [count(2, { keyTtlMs: 100, windowMs: 1000 })] });
    lazy.push(ev(0, { user: 'k' }));
    expect(lazy.push(ev(150, { user: 'k' }))).toEqual([]);
    expect(lazy.stats().expiredKeys).toBe(1);
  });

  it('rejects events without a finite time and leaves state untouched', () => {
    const correlator = new Correlator<Ev>({ rules: [count(1)] });
    expect(() => correlator.push(ev(Number.NaN))).toThrow(CorrelationEventError);
    expect(correlator.stats().keys).toBe(0);
  });

  it('reads time through the time option and exposes rules, stats and reset', () => {
    const correlator = new Correlator<{ at: number }>({
      time: (event) => event.at,
      rules: [{ name: 'r', windowMs: 10, condition: { type: 'count', atLeast: 5 } }],
    });
    correlator.push({ at: 1 });
    correlator.push({ at: 2 });
    expect(correlator.rules.map((rule) => rule.name)).toEqual(['r']);
    expect(correlator.stats()).toMatchObject({ keys: 1, events: 2 });
    correlator.reset();
    expect(correlator.stats()).toMatchObject({ keys: 0, events: 0 });
  });
});

describe('Correlator: distinct and aggregate', () => {
  it('fires on N distinct values of a field (same content from N users)', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'copypasta',
          groupBy: 'content',
          windowMs: 1000,
          condition: { type: 'distinct', field: 'user', atLeast: 3 },
        },
      ],
    });
    const matches = run(correlator, [
      ev(0, { user: 'a', content: 'spam' }),
      ev(1, { user: 'a', content: 'spam' }),
      ev(2, { user: 'b', content: 'spam' }),
      ev(3, { user: 'c', content: 'other' }),
      ev(1001, { user: 'c', content: 'spam' }),
      ev(1002, { user: 'd', content: 'spam' }),
    ]);
    // At 1001 the window is [1, 1001]: users a, b, c. The first event fell out.
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ key: 'spam', value: 3, firstTime: 1, lastTime: 1001 });
  });

  it('ignores events without the distinct field', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'd',
          windowMs: 1000,
          condition: { type: 'distinct', field: (event) => event.content, atLeast: 2 },
        },
      ],
    });
    expect(run(correlator, [ev(0, { content: 'x' }), ev(1), ev(2)])).toHaveLength(0);
    expect(correlator.stats().events).toBe(1);
  });

  it.each([
    ['sum', '>=', 10, [4, 3, 3], 10],
    ['avg', '>', 4, [2, 6, 6], 14 / 3],
    ['max', '>=', 9, [1, 9], 9],
    ['min', '<', 2, [5, 1], 1],
    ['sum', '==', 6, [1, 2, 3], 6],
    ['sum', '<=', 3, [3], 3],
  ] as const)('aggregate %s %s %d', (fn, op, value, amounts, expected) => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'agg',
          windowMs: 1000,
          condition: { type: 'aggregate', fn, field: 'amount', op, value },
        },
      ],
    });
    const matches = run(
      correlator,
      amounts.map((amount, index) => ev(index, { amount })),
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]?.value).toBeCloseTo(expected);
  });

  it('tracks sliding max and min as old events leave the window', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'max',
          windowMs: 10,
          afterMatch: 'keep',
          condition: { type: 'aggregate', fn: 'max', field: 'amount', op: '>=', value: 0 },
        },
        {
          name: 'min',
          windowMs: 10,
          afterMatch: 'keep',
          condition: { type: 'aggregate', fn: 'min', field: 'amount', op: '>=', value: 0 },
        },
      ],
    });
    const amounts = [5, 3, 4, 1, 2];
    const maxes: number[] = [];
    const mins: number[] = [];
    amounts.forEach((amount, index) => {
      for (const match of correlator.push(ev(index * 6, { amount }))) {
        (match.rule === 'max' ? maxes : mins).push(match.value);
      }
    });
    // Window of 10 ms with events 6 ms apart holds the current and the previous event.
    expect(maxes).toEqual([5, 5, 4, 4, 2]);
    expect(mins).toEqual([5, 3, 3, 1, 1]);
  });

  it('ignores non-numeric amounts and rebuilds after a late event', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'sum',
          windowMs: 100,
          condition: { type: 'aggregate', fn: 'sum', field: 'amount', op: '>=', value: 10 },
        },
      ],
    });
    expect(
      run(correlator, [ev(50, { amount: 4 }), ev(60), ev(70, { amount: Number.NaN })]),
    ).toEqual([]);
    expect(correlator.push(ev(55, { amount: 6 }))[0]?.value).toBe(10);
  });

  it('keeps a running sum exact enough over long streams', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'avg',
          windowMs: 50,
          afterMatch: 'keep',
          condition: { type: 'aggregate', fn: 'avg', field: 'amount', op: '>=', value: 0 },
        },
      ],
    });
    let last = 0;
    for (let index = 0; index < 5000; index += 1) {
      const [match] = correlator.push(ev(index, { amount: 0.1 }));
      last = match?.value ?? last;
    }
    expect(last).toBeCloseTo(0.1, 12);
  });
});

describe('Correlator: sequence', () => {
  const seq = (extra: Partial<CorrelationRule<Ev>> = {}): CorrelationRule<Ev> => ({
    name: 'raid',
    groupBy: 'user',
    windowMs: 1000,
    condition: {
      type: 'sequence',
      steps: [
        { name: 'join', where: (event) => event.type === 'join' },
        { name: 'spam', where: (event) => event.type === 'msg' },
        { name: 'leave', where: (event) => event.type === 'leave' },
      ],
      until: (event) => event.type === 'ban',
    },
    ...extra,
  });

  it('fires when steps happen in order within the max span (inclusive)', () => {
    const correlator = new Correlator<Ev>({ rules: [seq()] });
    const join = ev(0, { type: 'join' });
    const noise = ev(10, { type: 'react' });
    const msg = ev(500, { type: 'msg' });
    const leave = ev(1000, { type: 'leave' });
    const matches = run(correlator, [join, noise, msg, leave]);
    expect(matches).toEqual([
      {
        rule: 'raid',
        key: 'u',
        events: [join, msg, leave],
        firstTime: 0,
        lastTime: 1000,
        value: 3,
      },
    ]);
  });

  it('does not fire out of order or beyond the span', () => {
    const outOfOrder = new Correlator<Ev>({ rules: [seq()] });
    expect(
      run(outOfOrder, [ev(0, { type: 'msg' }), ev(1, { type: 'join' }), ev(2, { type: 'leave' })]),
    ).toEqual([]);
    const tooSlow = new Correlator<Ev>({ rules: [seq()] });
    expect(
      run(tooSlow, [ev(0, { type: 'join' }), ev(10, { type: 'msg' }), ev(1001, { type: 'leave' })]),
    ).toEqual([]);
  });

  it('never completes a sequence with a late event that is older than the step before it', () => {
    const correlator = new Correlator<Ev>({ rules: [seq()] });
    const join = ev(100, { type: 'join' });
    // Late but inside the window: it happened before the join, so it cannot be the step after it.
    expect(run(correlator, [join, ev(50, { type: 'msg' }), ev(200, { type: 'leave' })])).toEqual(
      [],
    );
    const msg = ev(300, { type: 'msg' });
    const leave = ev(400, { type: 'leave' });
    const [match] = run(correlator, [msg, leave]);
    expect(match).toMatchObject({ events: [join, msg, leave], firstTime: 100, lastTime: 400 });
    for (let index = 1; index < (match?.events.length ?? 0); index += 1) {
      expect(match?.events[index]?.timestamp).toBeGreaterThanOrEqual(
        match?.events[index - 1]?.timestamp ?? Number.POSITIVE_INFINITY,
      );
    }
  });

  it('a late until only clears partial sequences that started before it', () => {
    const correlator = new Correlator<Ev>({ rules: [seq()] });
    const join = ev(100, { type: 'join' });
    const msg = ev(200, { type: 'msg' });
    // The ban happened before this join: it cannot interrupt a sequence that began after it.
    const matches = run(correlator, [
      join,
      msg,
      ev(50, { type: 'ban' }),
      ev(300, { type: 'leave' }),
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]?.events).toEqual([join, msg, matches[0]?.events[2]]);
    // A late ban that falls inside the sequence does break it.
    const broken = new Correlator<Ev>({ rules: [seq()] });
    expect(
      run(broken, [
        ev(100, { type: 'join' }),
        ev(200, { type: 'msg' }),
        ev(150, { type: 'ban' }),
        ev(300, { type: 'leave' }),
      ]),
    ).toEqual([]);
    expect(broken.stats().events).toBe(0);
  });

  it('keeps its held-events figure exact when a step predicate throws', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'r',
          groupBy: 'user',
          windowMs: 1000,
          keyTtlMs: 10_000,
          condition: {
            type: 'sequence',
            steps: [
              {
                name: 'a',
                where: (event) => {
                  if (event.type === 'boom') throw new Error('predicate failed');
                  return event.type === 'a';
                },
              },
              { name: 'b', where: (event) => event.type === 'b' },
              { name: 'c', where: (event) => event.type === 'c' },
            ],
          },
        },
      ],
    });
    correlator.push(ev(0, { type: 'a' }));
    expect(correlator.stats().events).toBe(1);
    // The partial from time 0 expires during this push, then the step predicate throws.
    expect(() => correlator.push(ev(2000, { type: 'boom' }))).toThrow('predicate failed');
    expect(correlator.stats().events).toBe(0);
  });

  it('resets every partial sequence of the key on until', () => {
    const correlator = new Correlator<Ev>({ rules: [seq()] });
    expect(
      run(correlator, [
        ev(0, { type: 'join' }),
        ev(1, { type: 'msg' }),
        ev(2, { type: 'ban' }),
        ev(3, { type: 'leave' }),
      ]),
    ).toEqual([]);
    expect(correlator.stats().events).toBe(0);
    // A fresh sequence after the reset still works.
    expect(
      run(correlator, [ev(4, { type: 'join' }), ev(5, { type: 'msg' }), ev(6, { type: 'leave' })]),
    ).toHaveLength(1);
  });

  it('uses each event for one step and keeps the newest partial per step', () => {
    const correlator = new Correlator<Ev>({
      rules: [
        {
          name: 'triple-fail',
          windowMs: 100,
          condition: {
            type: 'sequence',
            steps: [
              { name: 'f1', where: (event) => event.type === 'fail' },
              { name: 'f2', where: (event) => event.type === 'fail' },
              { name: 'ok', where: (event) => event.type === 'ok' },
            ],
          },
        },
      ],
    });
    const events = [
      ev(0, { type: 'fail' }),
      ev(1, { type: 'fail' }),
      ev(2, { type: 'fail' }),
      ev(3, { type: 'ok' }),
    ];
    const matches = run(correlator, events);
    expect(matches).toHaveLength(1);
    expect(matches[0]?.events.map((event) => event.timestamp)).toEqual([0, 1, 3]);
  });

  it('expires partials older than the span, fires single-step sequences and honours keep', () => {
    const single = new Correlator<Ev>({
      rules: [
        {
          name: 'one',
          windowMs: 10,
          condition: { type: 'sequence', steps: [{ name: 'x', where: () => true }] },
        },
      ],
    });
    expect(run(single, [ev(0), ev(1)])).toHaveLength(2);
    const correlator = new Correlator<Ev>({ rules: [seq({ afterMatch: 'keep' })] });
    run(correlator, [ev(0, { type: 'join' }), ev(2000, { type: 'msg' })]);
    expect(correlator.stats().events).toBe(0);
    const kept = run(correlator, [
      ev(3000, { type: 'join' }),
      ev(3001, { type: 'msg' }),
      ev(3002, { type: 'join' }),
      ev(3003, { type: 'leave' }),
    ]);
    expect(kept).toHaveLength(1);
    // keep: the partial started by the second join survives the match.
    expect(correlator.stats().events).toBe(1);
  });
});

describe('Correlator: allOf', () => {
  const rule: CorrelationRule<Ev> = {
    name: 'combo',
    groupBy: 'user',
    windowMs: 100,
    condition: {
      type: 'allOf',
      parts: [
        { name: 'mention', where: (event) => event.type === 'mention' },
        { name: 'link', where: (event) => event.type === 'link' },
      ],
    },
  };

  it('fires when every part matched within the window, in any order', () => {
    const correlator = new Correlator<Ev>({ rules: [rule] });
    const link = ev(0, { type: 'link' });
    const mention = ev(100, { type: 'mention' });
    const [match] = run(correlator, [link, ev(50, { type: 'msg' }), mention]);
    expect(match).toMatchObject({ events: [mention, link], firstTime: 0, lastTime: 100, value: 2 });
  });

  it('does not fire when the parts are further apart than the window', () => {
    const correlator = new Correlator<Ev>({ rules: [rule] });
    expect(run(correlator, [ev(0, { type: 'link' }), ev(101, { type: 'mention' })])).toEqual([]);
    expect(run(correlator, [ev(150, { type: 'link' })])).toHaveLength(1);
  });
});

describe('Correlator: validation', () => {
  it.each([
    [{ name: '', windowMs: 1, condition: { type: 'count', atLeast: 1 } }, /non-empty string name/],
    [{ name: 'r', windowMs: -1, condition: { type: 'count', atLeast: 1 } }, /windowMs/],
    [{ name: 'r', windowMs: 1, condition: { type: 'count', atLeast: 1.5 } }, /atLeast/],
    [
      { name: 'r', windowMs: 1, condition: { type: 'distinct', field: 'x', atLeast: 0 } },
      /atLeast/,
    ],
    [{ name: 'r', windowMs: 1, condition: { type: 'nope' } }, /condition.type/],
    [{ name: 'r', windowMs: 1, condition: { type: 'sequence', steps: [] } }, /non-empty/],
    [{ name: 'r', windowMs: 1, condition: { type: 'allOf', parts: [{ name: 'p' }] } }, /where/],
    [
      {
        name: 'r',
        windowMs: 1,
        condition: { type: 'aggregate', fn: 'median', field: 'a', op: '>', value: 1 },
      },
      /fn/,
    ],
    [
      {
        name: 'r',
        windowMs: 1,
        condition: { type: 'aggregate', fn: 'sum', field: 'a', op: '!=', value: 1 },
      },
      /op/,
    ],
    [
      {
        name: 'r',
        windowMs: 1,
        condition: { type: 'aggregate', fn: 'sum', field: 'a', op: '>', value: Number.NaN },
      },
      /value/,
    ],
    [
      { name: 'r', windowMs: 1, suppressMs: -5, condition: { type: 'count', atLeast: 1 } },
      /suppressMs/,
    ],
    [{ name: 'r', windowMs: 1, keyTtlMs: 0, condition: { type: 'count', atLeast: 1 } }, /keyTtlMs/],
    [{ name: 'r', windowMs: 1, maxKeys: 0, condition: { type: 'count', atLeast: 1 } }, /maxKeys/],
    [
      { name: 'r', windowMs: 1, maxEventsPerKey: 0, condition: { type: 'count', atLeast: 1 } },
      /maxEventsPerKey/,
    ],
    [
      { name: 'r', windowMs: 1, afterMatch: 'later', condition: { type: 'count', atLeast: 1 } },
      /afterMatch/,
    ],
  ])('rejects a malformed rule (%#)', (rule, message) => {
    expect(() => new Correlator({ rules: [rule as unknown as CorrelationRule<Ev>] })).toThrow(
      message,
    );
  });

  it('rejects a count or distinct threshold that the per-key event cap makes unreachable', () => {
    expect(() => new Correlator<Ev>({ rules: [count(5, { maxEventsPerKey: 4 })] })).toThrow(
      /atLeast \(5\) exceeds maxEventsPerKey \(4\)/,
    );
    expect(() => new Correlator<Ev>({ rules: [count(1001)] })).toThrow(CorrelationRuleError);
    expect(
      () =>
        new Correlator<Ev>({
          rules: [
            {
              name: 'd',
              windowMs: 1,
              maxEventsPerKey: 2,
              condition: { type: 'distinct', field: 'user', atLeast: 3 },
            },
          ],
        }),
    ).toThrow(/maxEventsPerKey/);
    expect(() => new Correlator<Ev>({ rules: [count(4, { maxEventsPerKey: 4 })] })).not.toThrow();
  });

  it('rejects duplicate names and a missing rules array', () => {
    expect(() => new Correlator<Ev>({ rules: [count(1), count(2)] })).toThrow(CorrelationRuleError);
    expect(
      () => new Correlator<Ev>({ rules: undefined as unknown as CorrelationRule<Ev>[] }),
    ).toThrow(/rules must be an array/);
  });
});

describe('correlateEvents', () => {
  it('sorts a batch by time and matches like the streaming engine', () => {
    const events = [ev(300), ev(100), ev(200), ev(5000), ev(5100), ev(5050)];
    const matches = correlateEvents(events, count(3));
    expect(matches).toHaveLength(2);
    expect(matches.map((m) => [m.firstTime, m.lastTime])).toEqual([
      [100, 300],
      [5000, 5100],
    ]);
    expect(events[0]?.timestamp).toBe(300);
  });

  it('accepts several rules and a time accessor', () => {
    const matches = correlateEvents(
      [{ t: 2 }, { t: 1 }],
      [
        { name: 'a', windowMs: 5, condition: { type: 'count', atLeast: 1 } },
        { name: 'b', windowMs: 5, condition: { type: 'count', atLeast: 2 } },
      ],
      { time: (event) => event.t },
    );
    expect(matches.map((m) => m.rule)).toEqual(['a', 'a', 'b']);
  });
});

describe('Correlator properties', () => {
  const streamArb = fc.array(
    fc.record({ user: fc.constantFrom('a', 'b', 'c', 'd'), gap: fc.integer({ min: 0, max: 40 }) }),
    { maxLength: 300 },
  );

  it('count rule agrees with a brute-force reference on random streams', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 120 }),
        fc.boolean(),
        (steps, atLeast, windowMs, keep) => {
          let time = 0;
          const events = steps.map(({ user, gap }) => {
            time += gap;
            return ev(time, { user });
          });
          const correlator = new Correlator<Ev>({
            rules: [count(atLeast, { windowMs, afterMatch: keep ? 'keep' : 'reset' })],
          });
          const actual = events.map((event) => correlator.push(event).length);
          // Reference: per key, the events since the last reset with time >= t - windowMs.
          const resetAt = new Map<string, number>();
          const expected = events.map((event, index) => {
            const since = Math.max(event.timestamp - windowMs, -Infinity);
            const floor = resetAt.get(event.user) ?? -1;
            let n = 0;
            for (let j = floor + 1; j <= index; j += 1) {
              const other = events[j]!;
              if (other.user === event.user && other.timestamp >= since) n += 1;
            }
            if (n >= atLeast) {
              if (!keep) resetAt.set(event.user, index);
              return 1;
            }
            return 0;
          });
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with out-of-order events, a keep-mode count rule agrees with the documented semantics', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.constantFrom('a', 'b', 'c'),
            jump: fc.integer({ min: -60, max: 40 }),
          }),
          { maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 80 }),
        (items, atLeast, windowMs) => {
          let clock = 1000;
          const events = items.map(({ user, jump }) => {
            clock += jump;
            return ev(clock, { user });
          });
          const correlator = new Correlator<Ev>({
            rules: [count(atLeast, { windowMs, afterMatch: 'keep', keyTtlMs: 1e9 })],
          });
          const actual = events.map((event) => correlator.push(event)[0]?.value ?? 0);
          // Reference: an event more than windowMs older than its key's newest is dropped;
          // otherwise the window [newest - windowMs, newest] of accepted events is counted.
          const accepted = new Map<string, number[]>();
          const newest = new Map<string, number>();
          let late = 0;
          const expected = events.map((event) => {
            const previous = newest.get(event.user) ?? -Infinity;
            if (event.timestamp < previous - windowMs) {
              late += 1;
              return 0;
            }
            const top = Math.max(previous, event.timestamp);
            newest.set(event.user, top);
            const times = accepted.get(event.user) ?? [];
            times.push(event.timestamp);
            accepted.set(event.user, times);
            const n = times.filter((time) => time >= top - windowMs).length;
            return n >= atLeast ? n : 0;
          });
          expect(actual).toEqual(expected);
          expect(correlator.stats().late).toBe(late);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every sequence match is ordered, within its span and not interrupted by until', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.constantFrom('a', 'b'),
            jump: fc.integer({ min: -40, max: 40 }),
            kind: fc.constantFrom('join', 'msg', 'leave', 'ban', 'other'),
          }),
          { maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 100 }),
        fc.boolean(),
        (items, windowMs, keep) => {
          let clock = 1000;
          const events = items.map(({ user, jump, kind }) => {
            clock += jump;
            return ev(clock, { user, type: kind });
          });
          const order = ['join', 'msg', 'leave'];
          const correlator = new Correlator<Ev>({
            rules: [
              {
                name: 's',
                groupBy: 'user',
                windowMs,
                afterMatch: keep ? 'keep' : 'reset',
                condition: {
                  type: 'sequence',
                  steps: order.map((type) => ({ name: type, where: (e: Ev) => e.type === type })),
                  until: (e) => e.type === 'ban',
                },
              },
            ],
          });
          events.forEach((event, index) => {
            for (const match of correlator.push(event)) {
              const members = match.events;
              expect(members.map((member) => member.type)).toEqual(order);
              expect(members.every((member) => member.user === match.key)).toBe(true);
              expect(members.at(-1)).toBe(event);
              for (let at = 1; at < members.length; at += 1) {
                expect(members[at]!.timestamp).toBeGreaterThanOrEqual(members[at - 1]!.timestamp);
              }
              expect(match.firstTime).toBe(members[0]!.timestamp);
              expect(match.lastTime).toBe(event.timestamp);
              expect(match.lastTime - match.firstTime).toBeLessThanOrEqual(windowMs);
              // No ban of this key arrived after the first member at a time inside the sequence.
              const firstIndex = events.indexOf(members[0]!);
              for (let at = firstIndex + 1; at < index; at += 1) {
                const other = events[at]!;
                if (other.user === match.key && other.type === 'ban') {
                  expect(other.timestamp).toBeLessThan(match.firstTime);
                }
              }
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never holds more keys or events than its caps', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            user: fc.integer({ min: 0, max: 50 }),
            gap: fc.integer({ min: -30, max: 30 }),
            kind: fc.constantFrom('join', 'msg', 'leave'),
          }),
          { maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10 }),
        (items, maxKeys, maxEventsPerKey) => {
          // afterMatch 'keep' never empties a key, the worst case for memory.
          const caps = { maxKeys, maxEventsPerKey, windowMs: 200, afterMatch: 'keep' as const };
          const correlator = new Correlator<Ev>({
            rules: [
              {
                name: 'c',
                groupBy: 'user',
                condition: { type: 'count', atLeast: maxEventsPerKey },
                ...caps,
              },
              {
                name: 'd',
                groupBy: 'type',
                condition: { type: 'distinct', field: 'user', atLeast: maxEventsPerKey },
                ...caps,
              },
              {
                name: 's',
                groupBy: 'user',
                condition: {
                  type: 'sequence',
                  steps: [
                    { name: 'j', where: (e) => e.type === 'join' },
                    { name: 'm', where: (e) => e.type === 'msg' },
                    { name: 'l', where: (e) => e.type === 'leave' },
                  ],
                },
                ...caps,
              },
            ],
          });
          let time = 1000;
          for (const item of items) {
            time += item.gap;
            correlator.push(ev(time, { user: String(item.user), type: item.kind }));
            for (const rule of correlator.stats().rules) {
              expect(rule.keys).toBeLessThanOrEqual(maxKeys);
              const perKey = rule.rule === 's' ? 3 : maxEventsPerKey;
              expect(rule.events).toBeLessThanOrEqual(maxKeys * perKey);
              expect(rule.events).toBeGreaterThanOrEqual(0);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
