import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  type Signal,
  SignalBus,
  SignalBusArgumentError,
  SignalBusClosedError,
  SignalLoopError,
  InvalidSeverityError,
} from '../../src/bus/index.js';
import { catalog, deferred, flush, manualClock, recordingLogger } from './helpers.js';

const info = { severity: 'info', source: 'Test' } as const;

describe('re-entrancy', () => {
  it('delivers signals emitted from inside a handler, nested before the outer emit resolves', async () => {
    const bus = new SignalBus({ catalog });
    const order: string[] = [];
    bus.subscribe('RAID_DETECTED', async (signal) => {
      order.push('raid');
      const inner = await bus.emit(
        'ANOMALY_DETECTED',
        { userId: 'u1', confidence: 0.9 },
        { severity: 'high', source: 'Chain', cause: signal },
      );
      order.push(`inner delivered ${inner.delivered}`);
    });
    bus.subscribe('ANOMALY_DETECTED', (signal) => {
      order.push(`anomaly caused by ${signal.causationId ?? '-'}`);
    });
    const outer = await bus.emit(
      'RAID_DETECTED',
      { joins: 1, windowMs: 1 },
      { severity: 'high', source: 'T', correlationId: 'inc-9' },
    );
    expect(order).toEqual(['raid', `anomaly caused by ${outer.signal.id}`, 'inner delivered 1']);
    const [, anomaly] = bus.history();
    expect(anomaly).toMatchObject({ causationId: outer.signal.id, correlationId: 'inc-9' });
    await bus.close();
  });

  it('cuts off a synchronous runaway loop at maxEmitDepth without overflowing the stack', async () => {
    const logger = recordingLogger();
    const bus = new SignalBus({ catalog, logger, maxEmitDepth: 50 });
    const depths: number[] = [];
    const refused: unknown[] = [];
    bus.subscribe('PING', (signal) => {
      depths.push(signal.data.n);
      // Fire-and-forget, as a careless handler would; the refusal arrives as a rejection.
      bus.emit('PING', { n: signal.data.n + 1 }, info).catch((error: unknown) => {
        refused.push(error);
      });
    });
    await bus.emit('PING', { n: 0 }, info);
    await flush();
    expect(depths).toHaveLength(51);
    expect(depths.at(-1)).toBe(50);
    expect(refused).toHaveLength(1);
    const error = refused[0] as SignalLoopError;
    expect(error).toBeInstanceOf(SignalLoopError);
    expect(error.code).toBe('SIGNAL_LOOP');
    expect(error.depth).toBe(51);
    expect(error.message).toMatch(/maxEmitDepth 50/);
    expect(logger.entries.some((entry) => entry.bindings['err'] === error)).toBe(true);
    expect(bus.stats().byType['PING']).toMatchObject({ emitted: 51, rejected: 1 });
    await bus.close();
  });

  it('turns a refused nested emit into a failure of the handler that awaited it', async () => {
    const bus = new SignalBus({ catalog, maxEmitDepth: 1 });
    bus.subscribe('PING', async (signal) => {
      await bus.emit('PING', { n: signal.data.n + 1 }, { ...info, cause: signal });
    });
    const report = await bus.emit('PING', { n: 0 }, info);
    // depth 0 delivered, depth 1 delivered but its handler's emit (depth 2) was refused
    expect(report.failed).toEqual([]);
    expect(bus.stats().failed).toBe(1);
    expect(bus.stats().byType['PING']?.rejected).toBe(1);
    await bus.close();
  });

  it('cuts off an async ping-pong loop when handlers pass the cause', async () => {
    const bus = new SignalBus({ catalog, maxEmitDepth: 10 });
    const refused: unknown[] = [];
    const bounce = async (signal: Signal<string, unknown>, next: 'PING' | 'RAID_DETECTED') => {
      await flush(1);
      const data = next === 'PING' ? { n: 1 } : { joins: 1, windowMs: 1 };
      await bus.emit(next, data as never, { ...info, cause: signal }).catch((error: unknown) => {
        refused.push(error);
      });
    };
    bus.subscribe('PING', (signal) => bounce(signal, 'RAID_DETECTED'));
    bus.subscribe('RAID_DETECTED', (signal) => bounce(signal, 'PING'));
    await bus.emit('PING', { n: 0 }, info);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(SignalLoopError);
    expect(bus.stats().emitted).toBe(11);
    await bus.close();
  });

  it('with trackAsyncDepth, cuts off an async loop even without the cause', async () => {
    const bus = new SignalBus({ catalog, maxEmitDepth: 8, trackAsyncDepth: true });
    const refused: unknown[] = [];
    bus.subscribe('PING', async (signal) => {
      await flush(1);
      await new Promise((resolve) => setImmediate(resolve));
      await bus.emit('PING', { n: signal.data.n + 1 }, info).catch((error: unknown) => {
        refused.push(error);
      });
    });
    await bus.emit('PING', { n: 0 }, info);
    expect(refused).toHaveLength(1);
    expect((refused[0] as SignalLoopError).depth).toBe(9);
    expect(bus.stats().emitted).toBe(9);
    // Independent emits from outside handlers start again at depth 0.
    await expect(bus.emit('PING', { n: 100 }, info)).resolves.toMatchObject({ delivered: 1 });
    await bus.close();
  });

  it('refuses a depth-limit of a negative or fractional number', () => {
    expect(() => new SignalBus({ catalog, maxEmitDepth: -1 })).toThrow(SignalBusArgumentError);
    expect(() => new SignalBus({ catalog, historySize: 1.5 })).toThrow(/historySize/);
    expect(() => new SignalBus({} as never)).toThrow(/catalog/);
  });
});

describe('close', () => {
  it('waits for in-flight async handlers, then refuses emits, subscriptions and waits', async () => {
    const bus = new SignalBus({ catalog });
    const gate = deferred();
    const finished = vi.fn();
    bus.subscribe('PING', async () => {
      await gate.promise;
      finished();
    });
    const emitted = bus.emit('PING', { n: 1 }, info);
    let closed = false;
    const closing = bus.close().then(() => {
      closed = true;
    });
    expect(bus.closed).toBe(true);
    await expect(bus.emit('PING', { n: 2 }, info)).rejects.toBeInstanceOf(SignalBusClosedError);
    await flush();
    expect(closed).toBe(false);
    gate.resolve();
    await closing;
    expect(finished).toHaveBeenCalledOnce();
    expect((await emitted).delivered).toBe(1);
    expect(() => bus.subscribe('PING', () => undefined)).toThrow(SignalBusClosedError);
    await expect(bus.once('PING')).rejects.toMatchObject({ code: 'SIGNAL_BUS_CLOSED' });
    expect(bus.stats()).toMatchObject({ inFlight: 0, subscriptions: 0 });
  });

  it('is idempotent and returns the same promise', async () => {
    const bus = new SignalBus({ catalog });
    const first = bus.close();
    expect(bus.close()).toBe(first);
    await first;
    await expect(bus.close()).resolves.toBeUndefined();
  });

  it('refuses emits from handlers that are still draining', async () => {
    const bus = new SignalBus({ catalog });
    const gate = deferred();
    const outcome: unknown[] = [];
    bus.subscribe('PING', async () => {
      await gate.promise;
      outcome.push(await bus.emit('PING', { n: 2 }, info).catch((error: unknown) => error));
    });
    void bus.emit('PING', { n: 1 }, info);
    const closing = bus.close();
    gate.resolve();
    await closing;
    expect(outcome[0]).toBeInstanceOf(SignalBusClosedError);
    expect((outcome[0] as Error).message).toMatch(/closed/);
  });

  it('waits for the running emit when a handler itself calls close', async () => {
    const bus = new SignalBus({ catalog });
    const gate = deferred();
    const finished = vi.fn();
    let closing: Promise<void> | undefined;
    bus.subscribe('PING', () => {
      closing = bus.close();
    });
    bus.subscribe('PING', async () => {
      await gate.promise;
      finished();
    });
    const emitted = bus.emit('PING', { n: 1 }, info);
    let closed = false;
    void closing?.then(() => {
      closed = true;
    });
    await flush();
    expect(closed).toBe(false);
    gate.resolve();
    await closing;
    expect(finished).toHaveBeenCalledOnce();
    expect((await emitted).delivered).toBe(2);
  });

  it('still settles and closes when the logger throws', async () => {
    const logger = recordingLogger();
    logger.error = () => {
      throw new Error('logger down');
    };
    const bus = new SignalBus({ catalog, logger });
    bus.subscribe('PING', async () => {
      await flush(1);
      throw new Error('handler down');
    });
    const report = await bus.emit('PING', { n: 1 }, info);
    expect(report.failed).toHaveLength(1);
    await bus.close();
  });

  it('ignores unsubscribes called after the drain removed every subscription', async () => {
    const bus = new SignalBus({ catalog });
    const off = bus.subscribe('PING', () => undefined);
    const offAll = bus.subscribe('*', () => undefined);
    await bus.close();
    off();
    offAll();
    off();
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('counts unsubscribes made while draining', async () => {
    const bus = new SignalBus({ catalog });
    const gate = deferred();
    const off = bus.subscribe('PING', async () => {
      await gate.promise;
    });
    bus.subscribe('PING', () => undefined);
    void bus.emit('PING', { n: 1 }, info);
    const closing = bus.close();
    off();
    expect(bus.stats().subscriptions).toBe(1);
    gate.resolve();
    await closing;
    expect(bus.stats().subscriptions).toBe(0);
  });

  it('leaves the error message naming the operation', async () => {
    const bus = new SignalBus({ catalog });
    await bus.close();
    await expect(bus.emit('PING', { n: 1 }, info)).rejects.toThrow(/emit\("PING"\)/);
  });
});

describe('once', () => {
  it('resolves with the next matching signal and then unsubscribes', async () => {
    const bus = new SignalBus({ catalog });
    const next = bus.once('RAID_DETECTED', {
      minSeverity: 'high',
      filter: (signal) => signal.data.joins > 10,
    });
    await bus.emit('RAID_DETECTED', { joins: 50, windowMs: 1 }, info);
    await bus.emit('RAID_DETECTED', { joins: 5, windowMs: 1 }, { ...info, severity: 'high' });
    expect(bus.stats().subscriptions).toBe(1);
    const report = await bus.emit(
      'RAID_DETECTED',
      { joins: 20, windowMs: 1 },
      { ...info, severity: 'critical' },
    );
    await expect(next).resolves.toBe(report.signal);
    expect(report.delivered).toBe(1);
    expect(bus.stats().subscriptions).toBe(0);
    await bus.close();
  });

  it('waits for any type with a wildcard', async () => {
    const bus = new SignalBus({ catalog });
    const next = bus.once('*');
    await bus.emit('PING', { n: 3 }, info);
    expect((await next).type).toBe('PING');
    await bus.close();
  });

  it('rejects with the abort reason and leaves no subscription behind', async () => {
    const bus = new SignalBus({ catalog });
    const controller = new AbortController();
    const next = bus.once('PING', { signal: controller.signal });
    controller.abort(new Error('gave up'));
    await expect(next).rejects.toThrow('gave up');
    expect(bus.stats().subscriptions).toBe(0);
    await expect(bus.once('PING', { signal: AbortSignal.abort('already') })).rejects.toBe(
      'already',
    );
    await bus.close();
  });

  it('rejects pending waits when the bus closes', async () => {
    const bus = new SignalBus({ catalog });
    const controller = new AbortController();
    const next = bus.once('PING', { signal: controller.signal });
    await bus.close();
    await expect(next).rejects.toBeInstanceOf(SignalBusClosedError);
    controller.abort();
  });

  it('rejects with the error of a throwing filter instead of waiting forever', async () => {
    const bus = new SignalBus({ catalog });
    const bug = new Error('filter bug');
    const next = bus.once('PING', {
      filter: () => {
        throw bug;
      },
    });
    const report = await bus.emit('PING', { n: 1 }, info);
    await expect(next).rejects.toBe(bug);
    expect(report.failed).toEqual([{ handler: 'once(PING)', error: bug }]);
    expect(bus.stats().subscriptions).toBe(0);
    await bus.close();
  });

  it('rejects an unknown type', async () => {
    const bus = new SignalBus({ catalog });
    await expect(bus.once('NOPE' as 'PING')).rejects.toMatchObject({
      code: 'SIGNAL_UNKNOWN_TYPE',
    });
    await bus.close();
  });
});

describe('history', () => {
  it('keeps the newest historySize signals, oldest first', async () => {
    const bus = new SignalBus({ catalog, historySize: 3 });
    for (let n = 0; n < 5; n += 1) await bus.emit('PING', { n }, info);
    expect(bus.history().map((signal) => signal.data)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(bus.history({ limit: 2 }).map((signal) => signal.data)).toEqual([{ n: 3 }, { n: 4 }]);
    expect(bus.history({ limit: 0 })).toEqual([]);
    await bus.close();
  });

  it('filters by type and severity', async () => {
    const bus = new SignalBus({ catalog });
    await bus.emit('PING', { n: 1 }, info);
    await bus.emit('RAID_DETECTED', { joins: 1, windowMs: 1 }, { ...info, severity: 'high' });
    await bus.emit('PING', { n: 2 }, { ...info, severity: 'critical' });
    const pings = bus.history({ type: 'PING' });
    expect(pings.map((signal) => signal.data.n)).toEqual([1, 2]);
    expect(bus.history({ minSeverity: 'high' }).map((signal) => signal.type)).toEqual([
      'RAID_DETECTED',
      'PING',
    ]);
    expect(bus.history({ type: 'PING', minSeverity: 'high', limit: 5 })).toHaveLength(1);
    await bus.close();
  });

  it('refuses a limit that is not a non-negative integer and an unknown minSeverity', async () => {
    const bus = new SignalBus({ catalog });
    for (let n = 0; n < 4; n += 1) await bus.emit('PING', { n }, info);
    expect(() => bus.history({ limit: 2.5 })).toThrow(SignalBusArgumentError);
    expect(() => bus.history({ limit: -1 })).toThrow(/limit must be a non-negative integer/);
    expect(() => bus.history({ limit: Number.NaN })).toThrow(SignalBusArgumentError);
    expect(() => bus.history({ minSeverity: 'urgent' as never })).toThrow(InvalidSeverityError);
    expect(bus.history({ limit: Number.POSITIVE_INFINITY })).toHaveLength(4);
    await bus.close();
  });

  it('records nothing when disabled', async () => {
    const bus = new SignalBus({ catalog, historySize: 0 });
    await bus.emit('PING', { n: 1 }, info);
    expect(bus.history()).toEqual([]);
    await bus.close();
  });

  it('matches a simple model for any sequence of emits and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.constantFrom('PING', 'RAID_DETECTED'), { maxLength: 30 }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        async (size, types, limit) => {
          const bus = new SignalBus({ catalog, historySize: size, validate: false });
          const model: string[] = [];
          for (const [index, type] of types.entries()) {
            const report = await bus.emit(type, { n: index } as never, info);
            model.push(report.signal.id);
          }
          const kept = model.slice(-size);
          const expected =
            limit === undefined ? kept : kept.slice(kept.length - Math.min(limit, kept.length));
          const options = limit === undefined ? {} : { limit };
          expect(bus.history(options).map((signal) => signal.id)).toEqual(expected);
          await bus.close();
        },
      ),
    );
  });
});

describe('stats', () => {
  it('counts emits, deliveries, failures and refusals per type and in total', async () => {
    const bus = new SignalBus({ catalog });
    bus.subscribe('PING', () => undefined);
    bus.subscribe('PING', async () => {
      await flush(1);
      throw new Error('nope');
    });
    bus.subscribe('*', () => undefined);
    await bus.emit('PING', { n: 1 }, info);
    await bus.emit('PING', { n: 2 }, info);
    await bus.emit('RAID_DETECTED', { joins: 1, windowMs: 1 }, info);
    await bus.emit('RAID_DETECTED', { joins: -1, windowMs: 1 }, info).catch(() => undefined);
    const stats = bus.stats();
    expect(stats.byType).toEqual({
      RAID_DETECTED: { emitted: 1, delivered: 1, failed: 0, rejected: 1 },
      ANOMALY_DETECTED: { emitted: 0, delivered: 0, failed: 0, rejected: 0 },
      PING: { emitted: 2, delivered: 4, failed: 2, rejected: 0 },
    });
    expect(stats).toMatchObject({
      emitted: 3,
      delivered: 5,
      failed: 2,
      rejected: 1,
      inFlight: 0,
      subscriptions: 3,
      handlerTimeMs: undefined,
    });
    stats.byType['PING']!.emitted = 99;
    expect(bus.stats().byType['PING']?.emitted).toBe(2);
    await bus.close();
  });

  it('measures handler time with the injected clock when asked', async () => {
    const clock = manualClock();
    const bus = new SignalBus({ catalog, clock, measureHandlerTime: true });
    const gate = deferred();
    bus.subscribe('PING', () => {
      clock.advance(5);
    });
    bus.subscribe('RAID_DETECTED', async () => {
      await gate.promise;
      clock.advance(20);
    });
    await bus.emit('PING', { n: 1 }, info);
    const pending = bus.emit('RAID_DETECTED', { joins: 1, windowMs: 1 }, info);
    clock.advance(10);
    gate.resolve();
    await pending;
    expect(bus.stats().handlerTimeMs).toBe(35);
    await bus.close();
  });
});
