import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type AnySignalOf,
  defineSignals,
  type EmitReport,
  type Severity,
  type Signal,
  SignalBus,
  type SignalData,
  type SignalEmitter,
  type SignalInput,
  type SignalOf,
  type SignalType,
} from '../../src/bus/index.js';

const configChanged = z.object({ guildId: z.string(), key: z.string() });
const catalog = defineSignals({
  RAID_DETECTED: z.object({ joins: z.number(), windowMs: z.number() }),
  ANOMALY_DETECTED: z.object({ userId: z.string(), confidence: z.number() }),
  CONFIG_CHANGED: configChanged,
  WITH_DEFAULT: z.object({ retries: z.number().default(3) }),
});
type Schemas = typeof catalog.schemas;
const bus = new SignalBus({ catalog });
const meta = { severity: 'high', source: 'Test' } as const;

describe('catalog inference', () => {
  it('infers the type names and payloads', () => {
    expectTypeOf<SignalType<Schemas>>().toEqualTypeOf<
      'RAID_DETECTED' | 'ANOMALY_DETECTED' | 'CONFIG_CHANGED' | 'WITH_DEFAULT'
    >();
    expectTypeOf<SignalData<Schemas, 'RAID_DETECTED'>>().toEqualTypeOf<{
      joins: number;
      windowMs: number;
    }>();
    expectTypeOf<SignalInput<Schemas, 'WITH_DEFAULT'>>().toEqualTypeOf<{
      retries?: number | undefined;
    }>();
    expectTypeOf<SignalData<Schemas, 'WITH_DEFAULT'>>().toEqualTypeOf<{ retries: number }>();
    expectTypeOf(catalog.types).toEqualTypeOf<readonly SignalType<Schemas>[]>();
  });
});

describe('catalog.extend', () => {
  it('infers the combined names and payloads', () => {
    const extended = catalog.extend({ BAN_ISSUED: z.object({ userId: z.string() }) });
    type Extended = typeof extended.schemas;
    expectTypeOf<SignalType<Extended>>().toEqualTypeOf<SignalType<Schemas> | 'BAN_ISSUED'>();
    const bigger = new SignalBus({ catalog: extended });
    void bigger.emit('BAN_ISSUED', { userId: 'u' }, meta);
    void bigger.emit('RAID_DETECTED', { joins: 1, windowMs: 2 }, meta);
    // @ts-expect-error wrong payload for the added signal
    void bigger.emit('BAN_ISSUED', { userId: 1 }, meta);
    expectTypeOf(bigger).toExtend<SignalEmitter<Schemas>>();
  });
});

describe('emit', () => {
  it('accepts only catalog names and matching payloads', () => {
    expectTypeOf(bus.emit('RAID_DETECTED', { joins: 1, windowMs: 2 }, meta)).toEqualTypeOf<
      Promise<EmitReport<SignalOf<Schemas, 'RAID_DETECTED'>>>
    >();
    void bus.emit('WITH_DEFAULT', {}, meta);
    // @ts-expect-error unknown signal type
    void bus.emit('RAID', { joins: 1, windowMs: 2 }, meta);
    // @ts-expect-error wrong payload field type
    void bus.emit('RAID_DETECTED', { joins: '1', windowMs: 2 }, meta);
    // @ts-expect-error missing payload field
    void bus.emit('ANOMALY_DETECTED', { userId: 'u' }, meta);
    // @ts-expect-error payload of another signal
    void bus.emit('RAID_DETECTED', { userId: 'u', confidence: 1 }, meta);
    // @ts-expect-error unknown severity
    void bus.emit('RAID_DETECTED', { joins: 1, windowMs: 2 }, { severity: 'urgent', source: 'x' });
    // @ts-expect-error source is required
    void bus.emit('RAID_DETECTED', { joins: 1, windowMs: 2 }, { severity: 'high' });
  });
});

describe('subscribe', () => {
  it('types the handler argument from the signal type', () => {
    bus.subscribe('ANOMALY_DETECTED', (signal) => {
      expectTypeOf(signal.type).toEqualTypeOf<'ANOMALY_DETECTED'>();
      expectTypeOf(signal.data).toEqualTypeOf<{ userId: string; confidence: number }>();
      expectTypeOf(signal.severity).toEqualTypeOf<Severity>();
      expectTypeOf(signal.guildId).toEqualTypeOf<string | undefined>();
    });
    bus.subscribe('RAID_DETECTED', async (signal) => {
      await Promise.resolve(signal.data.joins);
    });
    bus.subscribe('RAID_DETECTED', () => undefined, {
      filter: (signal) => signal.data.joins > 3,
      minSeverity: 'medium',
    });
    // @ts-expect-error unknown signal type
    bus.subscribe('NOPE', () => undefined);
    // @ts-expect-error field of another signal
    bus.subscribe('RAID_DETECTED', (signal) => signal.data.userId);
    // @ts-expect-error unknown severity
    bus.subscribe('RAID_DETECTED', () => undefined, { minSeverity: 'urgent' });
  });

  it('gives wildcard handlers a union discriminated by type', () => {
    bus.subscribe('*', (signal) => {
      expectTypeOf(signal).toEqualTypeOf<AnySignalOf<Schemas>>();
      if (signal.type === 'RAID_DETECTED') {
        expectTypeOf(signal.data.joins).toEqualTypeOf<number>();
      }
    });
  });

  it('types once and history by signal type', () => {
    expectTypeOf(bus.once('CONFIG_CHANGED')).resolves.toEqualTypeOf<
      SignalOf<Schemas, 'CONFIG_CHANGED'>
    >();
    expectTypeOf(bus.once('*')).resolves.toEqualTypeOf<AnySignalOf<Schemas>>();
    expectTypeOf(bus.history({ type: 'RAID_DETECTED' })).toEqualTypeOf<
      SignalOf<Schemas, 'RAID_DETECTED'>[]
    >();
    expectTypeOf(bus.history()).toEqualTypeOf<AnySignalOf<Schemas>[]>();
    // @ts-expect-error unknown signal type
    bus.history({ type: 'NOPE' });
  });
});

describe('SignalEmitter', () => {
  type ConfigEmitter = SignalEmitter<{ CONFIG_CHANGED: typeof configChanged }>;

  it('accepts a bus whose catalog includes the signals', () => {
    expectTypeOf(bus).toExtend<ConfigEmitter>();
    const emitter: ConfigEmitter = bus;
    void emitter.emit('CONFIG_CHANGED', { guildId: '1', key: 'k' }, meta);
    // @ts-expect-error the view only knows CONFIG_CHANGED
    void emitter.emit('RAID_DETECTED', { joins: 1, windowMs: 2 }, meta);
  });

  it('refuses a bus without the signal or with a different schema', () => {
    const other = new SignalBus({ catalog: defineSignals({ RAID: z.object({}) }) });
    const clash = new SignalBus({
      catalog: defineSignals({ CONFIG_CHANGED: z.object({ key: z.number() }) }),
    });
    expectTypeOf(other).not.toExtend<ConfigEmitter>();
    expectTypeOf(clash).not.toExtend<ConfigEmitter>();
  });

  it('keeps the generic envelope assignable to Signal', () => {
    expectTypeOf<SignalOf<Schemas, 'RAID_DETECTED'>>().toExtend<Signal>();
  });
});
