import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignalBus, type Unsubscribe } from '../../src/bus/index.js';
import { catalog } from './helpers.js';

type Op =
  | { kind: 'subscribe'; target: 'PING' | 'RAID_DETECTED' | '*'; handler: number }
  | { kind: 'unsubscribe'; pick: number }
  | { kind: 'emit'; type: 'PING' | 'RAID_DETECTED' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('subscribe' as const),
    target: fc.constantFrom('PING' as const, 'RAID_DETECTED' as const, '*' as const),
    // A small pool, so the same function is often subscribed more than once.
    handler: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({ kind: fc.constant('unsubscribe' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constantFrom('emit' as const),
    type: fc.constantFrom('PING' as const, 'RAID_DETECTED' as const),
  }),
);

describe('subscription order', () => {
  it('matches a model: typed subscriptions in order, then wildcards in order, minus removed ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const bus = new SignalBus({ catalog, validate: false });
        const calls: number[] = [];
        const handlers = [0, 1, 2, 3].map((id) => () => {
          calls.push(id);
        });
        const live: Array<{ target: string; handler: number; off: Unsubscribe }> = [];
        for (const step of ops) {
          if (step.kind === 'subscribe') {
            const off = bus.subscribe(step.target, handlers[step.handler]!);
            live.push({ target: step.target, handler: step.handler, off });
          } else if (step.kind === 'unsubscribe') {
            if (live.length === 0) continue;
            const [removed] = live.splice(step.pick % live.length, 1);
            removed!.off();
          } else {
            calls.length = 0;
            const report = await bus.emit(step.type, {} as never, {
              severity: 'info',
              source: 'model',
            });
            const expected = [
              ...live.filter((entry) => entry.target === step.type),
              ...live.filter((entry) => entry.target === '*'),
            ].map((entry) => entry.handler);
            expect(calls).toEqual(expected);
            expect(report.delivered).toBe(expected.length);
          }
        }
        expect(bus.stats().subscriptions).toBe(live.length);
        await bus.close();
      }),
    );
  });
});
