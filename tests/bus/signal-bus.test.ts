import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  defineSignals,
  InvalidSeverityError,
  type Signal,
  SignalBus,
  SignalBusArgumentError,
  SignalValidationError,
  SocKitError,
  UnknownSignalError,
} from '../../src/bus/index.js';
import { catalog, deferred, flush, manualClock, recordingLogger } from './helpers.js';

const high = { severity: 'high', source: 'Test' } as const;
const raid = { joins: 12, windowMs: 10_000 };

describe('SignalBus.emit', () => {
  it('builds the envelope from the payload, meta and clock', async () => {
    const clock = manualClock(1_000);
    const bus = new SignalBus({ catalog, clock });
    const seen: Signal[] = [];
    bus.subscribe('RAID_DETECTED', (signal) => {
      seen.push(signal);
    });
    const report = await bus.emit('RAID_DETECTED', raid, {
      severity: 'critical',
      source: 'RaidDetector',
      guildId: 'g1',
      correlationId: 'inc-1',
    });
    expect(report.delivered).toBe(1);
    expect(report.failed).toEqual([]);
    expect(seen).toEqual([report.signal]);
    expect(report.signal).toMatchObject({
      type: 'RAID_DETECTED',
      severity: 'critical',
      source: 'RaidDetector',
      data: raid,
      timestamp: 1_000,
      guildId: 'g1',
      correlationId: 'inc-1',
    });
    expect(typeof report.signal.id).toBe('string');
    await bus.close();
  });

  it('leaves optional envelope fields absent when not given', async () => {
    const bus = new SignalBus({ catalog });
    const { signal } = await bus.emit('PING', { n: 1 }, high);
    expect(Object.keys(signal).sort()).toEqual(
      ['data', 'id', 'severity', 'source', 'timestamp', 'type'].sort(),
    );
    await bus.close();
  });

  it('gives every signal a unique id, also across buses', async () => {
    const a = new SignalBus({ catalog });
    const b = new SignalBus({ catalog });
    const ids = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      ids.add((await a.emit('PING', { n: i }, high)).signal.id);
      ids.add((await b.emit('PING', { n: i }, high)).signal.id);
    }
    expect(ids.size).toBe(400);
    await Promise.all([a.close(), b.close()]);
  });

  it('resolves with zero deliveries when nobody listens', async () => {
    const bus = new SignalBus({ catalog });
    const report = await bus.emit('PING', { n: 1 }, high);
    expect(report.delivered).toBe(0);
    expect(report.failed).toEqual([]);
    await bus.close();
  });

  it('delivers the parsed payload, with schema defaults applied', async () => {
    const bus = new SignalBus({
      catalog: defineSignals({ SET: z.object({ value: z.number().default(7) }) }),
    });
    const { signal } = await bus.emit('SET', {}, high);
    expect(signal.data).toEqual({ value: 7 });
    await bus.close();
  });
});

describe('validation', () => {
  it('rejects an invalid payload naming every path and reason, and delivers it to no one', async () => {
    const bus = new SignalBus({ catalog });
    const handler = vi.fn();
    bus.subscribe('ANOMALY_DETECTED', handler);
    bus.subscribe('*', handler);
    const error: unknown = await bus
      .emit(
        'ANOMALY_DETECTED',
        { userId: 42, confidence: 1.5, detail: { metric: 3 } } as never,
        high,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalValidationError);
    const validation = error as SignalValidationError;
    expect(validation).toBeInstanceOf(SocKitError);
    expect(validation.code).toBe('SIGNAL_VALIDATION');
    expect(validation.signalType).toBe('ANOMALY_DETECTED');
    expect(validation.issues.map((issue) => issue.path)).toEqual([
      'data.userId',
      'data.confidence',
      'data.detail.metric',
    ]);
    expect(validation.issues[0]?.message).toMatch(/expected string, received number/);
    expect(validation.issues[1]?.message).toMatch(/<=1/);
    expect(validation.message).toContain('data.userId:');
    expect(validation.message).toContain('ANOMALY_DETECTED');
    expect(validation.cause).toBeInstanceOf(z.ZodError);
    expect(handler).not.toHaveBeenCalled();
    expect(bus.history()).toEqual([]);
    expect(bus.stats().byType['ANOMALY_DETECTED']).toMatchObject({ emitted: 0, rejected: 1 });
    await bus.close();
  });

  it('names the root when the payload is not an object', async () => {
    const bus = new SignalBus({ catalog });
    await expect(bus.emit('PING', null as never, high)).rejects.toMatchObject({
      issues: [{ path: 'data', message: expect.stringMatching(/expected object/) as string }],
    });
    await bus.close();
  });

  it('skips schema checks with validate off and delivers the payload as given', async () => {
    const bus = new SignalBus({ catalog, validate: false });
    const bad = { joins: 'many' } as never;
    const { signal } = await bus.emit('RAID_DETECTED', bad, high);
    expect(signal.data).toBe(bad);
    await bus.close();
  });

  it('always checks severity and source, even with validate off', async () => {
    const bus = new SignalBus({ catalog, validate: false });
    const error = (await bus
      .emit('PING', { n: 1 }, { severity: 'urgent', source: '' } as never)
      .catch((e: unknown) => e)) as SignalValidationError;
    expect(error).toBeInstanceOf(SignalValidationError);
    expect(error.issues.map((issue) => issue.path)).toEqual(['meta.severity', 'meta.source']);
    expect(error.issues[0]?.message).toContain('"urgent"');
    await expect(
      bus.emit('PING', { n: 1 }, { severity: 'toString', source: 'x' } as never),
    ).rejects.toBeInstanceOf(SignalValidationError);
    await bus.close();
  });

  it('rejects, never throws, when a schema refinement throws or is async', async () => {
    const bus = new SignalBus({
      catalog: defineSignals({
        THROWS: z.object({ n: z.number() }).refine(() => {
          throw new Error('refinement bug');
        }),
        ASYNC: z.object({ n: z.number() }).refine(async () => Promise.resolve(true)),
      }),
    });
    const handler = vi.fn();
    bus.subscribe('THROWS', handler);
    const thrown = bus.emit('THROWS', { n: 1 }, high);
    await expect(thrown).rejects.toMatchObject({
      code: 'SIGNAL_VALIDATION',
      issues: [{ path: 'data', message: expect.stringContaining('refinement bug') as string }],
    });
    await expect(bus.emit('ASYNC', { n: 1 }, high)).rejects.toBeInstanceOf(SignalValidationError);
    expect(handler).not.toHaveBeenCalled();
    await bus.close();
  });

  it('rejects, never throws, when a refinement throws a value without toString', async () => {
    const bare: unknown = Object.create(null);
    const bus = new SignalBus({
      catalog: defineSignals({
        BARE: z.object({ n: z.number() }).refine(() => {
          throw bare;
        }),
      }),
    });
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = bus.emit('BARE', { n: 1 }, high);
    }).not.toThrow();
    await expect(pending).rejects.toMatchObject({
      code: 'SIGNAL_VALIDATION',
      issues: [{ path: 'data', message: expect.stringContaining('[object Object]') as string }],
    });
    await bus.close();
  });

  it('rejects a cause that is not a signal envelope, never throwing synchronously', async () => {
    const bus = new SignalBus({ catalog, validate: false });
    const handler = vi.fn();
    bus.subscribe('PING', handler);
    for (const cause of [null, 'sig-1', { id: 7 }]) {
      let pending: Promise<unknown> | undefined;
      expect(() => {
        pending = bus.emit('PING', { n: 1 }, { ...high, cause: cause as never });
      }).not.toThrow();
      await expect(pending).rejects.toMatchObject({
        code: 'SIGNAL_VALIDATION',
        issues: [{ path: 'meta.cause' }],
      });
    }
    expect(handler).not.toHaveBeenCalled();
    expect(bus.stats().byType['PING']).toMatchObject({ emitted: 0, rejected: 3 });
    await bus.close();
  });

  it('rejects a missing meta instead of throwing synchronously', async () => {
    const bus = new SignalBus({ catalog });
    const pending = bus.emit('PING', { n: 1 }, undefined as never);
    await expect(pending).rejects.toMatchObject({
      code: 'SIGNAL_VALIDATION',
      issues: [{ path: 'meta' }],
    });
    await bus.close();
  });

  it('rejects an unknown type from untyped callers', async () => {
    const bus = new SignalBus({ catalog });
    const error = (await bus
      .emit('NOPE' as 'PING', { n: 1 }, high)
      .catch((e: unknown) => e)) as UnknownSignalError;
    expect(error).toBeInstanceOf(UnknownSignalError);
    expect(error.code).toBe('SIGNAL_UNKNOWN_TYPE');
    expect(error.signalType).toBe('NOPE');
    expect(error.message).toContain('RAID_DETECTED, ANOMALY_DETECTED, PING');
    await bus.close();
  });
});

describe('handler isolation', () => {
  it('keeps running other handlers when one throws or rejects, and reports and logs each failure', async () => {
    const logger = recordingLogger();
    const bus = new SignalBus({ catalog, logger });
    const calls: string[] = [];
    const boom = new Error('boom');
    const late = new Error('late');
    bus.subscribe('PING', function throwsSync() {
      calls.push('sync-throw');
      throw boom;
    });
    bus.subscribe('PING', async function rejectsLater() {
      calls.push('async-reject');
      await flush(1);
      throw late;
    });
    bus.subscribe('PING', () => {
      calls.push('ok');
    });
    bus.subscribe('*', async () => {
      await flush(2);
      calls.push('wildcard-ok');
    });
    const report = await bus.emit('PING', { n: 1 }, { severity: 'low', source: 'Pinger' });
    expect(calls).toEqual(['sync-throw', 'async-reject', 'ok', 'wildcard-ok']);
    expect(report.delivered).toBe(2);
    expect(report.failed).toEqual([
      { handler: 'throwsSync', error: boom },
      { handler: 'rejectsLater', error: late },
    ]);
    expect(logger.entries).toHaveLength(2);
    expect(logger.entries[0]).toMatchObject({
      level: 'error',
      bindings: {
        signalType: 'PING',
        signalId: report.signal.id,
        source: 'Pinger',
        handler: 'throwsSync',
        err: boom,
      },
    });
    expect(logger.entries[1]?.bindings['handler']).toBe('rejectsLater');
    const stats = bus.stats();
    expect(stats.failed).toBe(2);
    expect(stats.delivered).toBe(2);
    await bus.close();
  });

  it('names anonymous handlers by subscription and honours the name option', async () => {
    const bus = new SignalBus({ catalog });
    bus.subscribe('PING', () => {
      throw new Error('x');
    });
    bus.subscribe(
      'PING',
      () => {
        throw new Error('y');
      },
      { name: 'notifyMods' },
    );
    const report = await bus.emit('PING', { n: 1 }, high);
    expect(report.failed.map((failure) => failure.handler)).toEqual(['handler#1', 'notifyMods']);
    await bus.close();
  });

  it('waits once for a thenable whose then returns nothing and calls back twice', async () => {
    const bus = new SignalBus({ catalog });
    const gate = deferred();
    bus.subscribe('PING', () => ({
      then(ok: () => void) {
        void gate.promise.then(() => {
          ok();
          ok();
        });
      },
    }));
    let resolved = false;
    const emitted = bus.emit('PING', { n: 1 }, high).then((report) => {
      resolved = true;
      return report;
    });
    await flush();
    expect(resolved).toBe(false);
    expect(bus.stats().inFlight).toBe(1);
    gate.resolve();
    const report = await emitted;
    expect(report.delivered).toBe(1);
    expect(bus.stats()).toMatchObject({ delivered: 1, inFlight: 0 });
    await bus.close();
  });

  it('treats a non-Error throw, a thenable rejection and a throwing then as failures', async () => {
    const bus = new SignalBus({ catalog });
    bus.subscribe('PING', () => {
      throw 'plain string' as unknown as Error;
    });
    const thenable = {
      then: (_ok: () => void, fail: (error: unknown) => void) => {
        fail('thenable');
      },
    };
    bus.subscribe('PING', () => thenable as unknown as PromiseLike<unknown>);
    const hostile = {
      get then() {
        return () => {
          throw new Error('then exploded');
        };
      },
    };
    bus.subscribe('PING', () => hostile as unknown as PromiseLike<unknown>);
    const report = await bus.emit('PING', { n: 1 }, high);
    expect(report.failed.map((failure) => String(failure.error))).toEqual([
      'plain string',
      'thenable',
      'Error: then exploded',
    ]);
    await bus.close();
  });
});

describe('ordering', () => {
  it('runs typed handlers in subscription order, then wildcard handlers in subscription order', async () => {
    const bus = new SignalBus({ catalog });
    const order: string[] = [];
    bus.subscribe('*', () => {
      order.push('wildcard-1');
    });
    bus.subscribe('PING', () => {
      order.push('typed-1');
    });
    bus.subscribe('*', () => {
      order.push('wildcard-2');
    });
    bus.subscribe('PING', () => {
      order.push('typed-2');
    });
    await bus.emit('PING', { n: 1 }, high);
    expect(order).toEqual(['typed-1', 'typed-2', 'wildcard-1', 'wildcard-2']);
    await bus.close();
  });

  it('starts every handler synchronously, lets async ones overlap, and resolves after the slowest', async () => {
    const bus = new SignalBus({ catalog });
    const events: string[] = [];
    const slow = deferred();
    const fast = deferred();
    bus.subscribe('PING', async () => {
      events.push('slow:start');
      await slow.promise;
      events.push('slow:end');
    });
    bus.subscribe('PING', async () => {
      events.push('fast:start');
      await fast.promise;
      events.push('fast:end');
    });
    bus.subscribe('PING', () => {
      events.push('sync');
    });
    let resolved = false;
    const emitted = bus.emit('PING', { n: 1 }, high).then((report) => {
      resolved = true;
      return report;
    });
    expect(events).toEqual(['slow:start', 'fast:start', 'sync']);
    fast.resolve();
    await flush();
    expect(events).toEqual(['slow:start', 'fast:start', 'sync', 'fast:end']);
    expect(resolved).toBe(false);
    expect(bus.stats().inFlight).toBe(1);
    slow.resolve();
    const report = await emitted;
    expect(events.at(-1)).toBe('slow:end');
    expect(report.delivered).toBe(3);
    expect(bus.stats().inFlight).toBe(0);
    await bus.close();
  });

  it('resolves successive emits in emit order for sync handlers', async () => {
    const bus = new SignalBus({ catalog });
    bus.subscribe('PING', () => undefined);
    const done: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bus.emit('PING', { n }, high).then(() => done.push(n))));
    expect(done).toEqual([1, 2, 3]);
    await bus.close();
  });
});

describe('subscribe and unsubscribe', () => {
  it('returns an idempotent unsubscribe function', async () => {
    const bus = new SignalBus({ catalog });
    const handler = vi.fn();
    const other = vi.fn();
    const off = bus.subscribe('PING', handler);
    bus.subscribe('PING', other);
    off();
    off();
    expect(bus.stats().subscriptions).toBe(1);
    await bus.emit('PING', { n: 1 }, high);
    expect(handler).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledOnce();
    await bus.close();
  });

  it('lets a handler unsubscribe itself during an emit: it ran once and never again', async () => {
    const bus = new SignalBus({ catalog });
    const calls: string[] = [];
    const off = bus.subscribe('PING', () => {
      calls.push('self');
      off();
    });
    bus.subscribe('PING', () => {
      calls.push('next');
    });
    await bus.emit('PING', { n: 1 }, high);
    await bus.emit('PING', { n: 2 }, high);
    expect(calls).toEqual(['self', 'next', 'next']);
    await bus.close();
  });

  it('does not call a later handler that an earlier one removed during the same emit', async () => {
    const bus = new SignalBus({ catalog });
    const calls: string[] = [];
    let offVictim = (): void => undefined;
    let offWildcard = (): void => undefined;
    bus.subscribe('PING', () => {
      calls.push('remover');
      offVictim();
      offWildcard();
    });
    offVictim = bus.subscribe('PING', () => {
      calls.push('victim');
    });
    bus.subscribe('PING', () => {
      calls.push('bystander');
    });
    offWildcard = bus.subscribe('*', () => {
      calls.push('wildcard');
    });
    const report = await bus.emit('PING', { n: 1 }, high);
    expect(calls).toEqual(['remover', 'bystander']);
    expect(report.delivered).toBe(2);
    await bus.close();
  });

  it('starts a subscription made during an emit with the next signal', async () => {
    const bus = new SignalBus({ catalog });
    const late = vi.fn();
    bus.subscribe('PING', () => {
      if (late.mock.calls.length === 0) bus.subscribe('PING', late);
    });
    await bus.emit('PING', { n: 1 }, high);
    expect(late).not.toHaveBeenCalled();
    await bus.emit('PING', { n: 2 }, high);
    expect(late).toHaveBeenCalledOnce();
    await bus.close();
  });

  it('starts a wildcard subscription made by a typed handler with the next signal', async () => {
    const bus = new SignalBus({ catalog });
    const late = vi.fn();
    bus.subscribe('PING', () => {
      if (bus.stats().subscriptions === 1) bus.subscribe('*', late);
    });
    const first = await bus.emit('PING', { n: 1 }, high);
    expect(late).not.toHaveBeenCalled();
    expect(first.delivered).toBe(1);
    const second = await bus.emit('PING', { n: 2 }, high);
    expect(late).toHaveBeenCalledExactlyOnceWith(second.signal);
    await bus.close();
  });

  it('delivers to a subscription made in a handler the signals that handler emits next', async () => {
    const bus = new SignalBus({ catalog });
    const seen: number[] = [];
    bus.subscribe('PING', (signal) => {
      if (signal.data.n !== 1) return;
      bus.subscribe('*', (nested) => {
        seen.push((nested.data as { n: number }).n);
      });
      void bus.emit('PING', { n: 2 }, high);
    });
    await bus.emit('PING', { n: 1 }, high);
    expect(seen).toEqual([2]);
    await bus.close();
  });

  it('runs a handler subscribed twice twice', async () => {
    const bus = new SignalBus({ catalog });
    const handler = vi.fn();
    bus.subscribe('PING', handler);
    bus.subscribe('PING', handler);
    expect((await bus.emit('PING', { n: 1 }, high)).delivered).toBe(2);
    await bus.close();
  });

  it('refuses unknown types, non-function handlers and filters, and bad severities', async () => {
    const bus = new SignalBus({ catalog });
    expect(() => bus.subscribe('NOPE' as 'PING', () => undefined)).toThrow(UnknownSignalError);
    expect(() => bus.subscribe('PING', 'nope' as never)).toThrow(SignalBusArgumentError);
    expect(() => bus.subscribe('PING', () => undefined, { filter: 1 as never })).toThrow(
      /filter must be a function/,
    );
    expect(() =>
      bus.subscribe('PING', () => undefined, { minSeverity: 'urgent' as never }),
    ).toThrow(InvalidSeverityError);
    expect(bus.stats().subscriptions).toBe(0);
    await bus.close();
  });
});

describe('minSeverity and filter', () => {
  it('delivers only signals at or above minSeverity', async () => {
    const bus = new SignalBus({ catalog });
    const seen: string[] = [];
    bus.subscribe(
      'PING',
      (signal) => {
        seen.push(signal.severity);
      },
      { minSeverity: 'high' },
    );
    for (const severity of ['info', 'low', 'medium', 'high', 'critical'] as const) {
      await bus.emit('PING', { n: 1 }, { severity, source: 'Test' });
    }
    expect(seen).toEqual(['high', 'critical']);
    await bus.close();
  });

  it('delivers only signals the filter accepts, with typed data', async () => {
    const bus = new SignalBus({ catalog });
    const seen: number[] = [];
    bus.subscribe(
      'RAID_DETECTED',
      (signal) => {
        seen.push(signal.data.joins);
      },
      { filter: (signal) => signal.data.joins >= 10 && signal.guildId === 'g1' },
    );
    await bus.emit('RAID_DETECTED', { joins: 5, windowMs: 1 }, { ...high, guildId: 'g1' });
    await bus.emit('RAID_DETECTED', { joins: 50, windowMs: 1 }, { ...high, guildId: 'g2' });
    const report = await bus.emit(
      'RAID_DETECTED',
      { joins: 20, windowMs: 1 },
      {
        ...high,
        guildId: 'g1',
      },
    );
    expect(seen).toEqual([20]);
    expect(report.delivered).toBe(1);
    await bus.close();
  });

  it('counts a throwing filter as a failure of that subscription only', async () => {
    const bus = new SignalBus({ catalog });
    const handler = vi.fn();
    const other = vi.fn();
    bus.subscribe('PING', handler, {
      name: 'picky',
      filter: () => {
        throw new Error('bad filter');
      },
    });
    bus.subscribe('PING', other);
    const report = await bus.emit('PING', { n: 1 }, high);
    expect(handler).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledOnce();
    expect(report.failed.map((failure) => failure.handler)).toEqual(['picky']);
    await bus.close();
  });

  it('applies minSeverity and filter to wildcard subscriptions', async () => {
    const bus = new SignalBus({ catalog });
    const seen: string[] = [];
    bus.subscribe(
      '*',
      (signal) => {
        seen.push(signal.type);
      },
      { minSeverity: 'medium', filter: (signal) => signal.type !== 'PING' },
    );
    await bus.emit('PING', { n: 1 }, high);
    await bus.emit('RAID_DETECTED', raid, { severity: 'low', source: 'T' });
    await bus.emit('RAID_DETECTED', raid, high);
    expect(seen).toEqual(['RAID_DETECTED']);
    await bus.close();
  });
});
