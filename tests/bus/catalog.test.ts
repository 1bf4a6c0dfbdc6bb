import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { defineSignals, SignalBus, SignalCatalogError } from '../../src/bus/index.js';

describe('defineSignals', () => {
  it('lists the types in definition order and freezes the catalog', () => {
    const catalog = defineSignals({ B: z.object({}), A: z.object({}) });
    expect(catalog.types).toEqual(['B', 'A']);
    expect(catalog.has('A')).toBe(true);
    expect(catalog.has('C')).toBe(false);
    expect(catalog.has('toString')).toBe(false);
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog.schemas)).toBe(true);
    expect(Object.isFrozen(catalog.types)).toBe(true);
  });

  it('refuses reserved, empty and duplicate names and non-schema values', () => {
    expect(() => defineSignals({ '*': z.object({}) })).toThrow(SignalCatalogError);
    expect(() => defineSignals({ '': z.object({}) })).toThrow(/non-empty/);
    expect(() => defineSignals({ A: 'string' as never })).toThrow(
      /must map to a zod schema, got string/,
    );
    expect(() => defineSignals({ A: null as never })).toThrow(/got null/);
    expect(() => defineSignals(null as never)).toThrow(/must be an object/);
    expect(() => defineSignals([] as never)).toThrow(/must be an object/);
    try {
      defineSignals({ '*': z.object({}) });
    } catch (error) {
      expect((error as SignalCatalogError).code).toBe('SIGNAL_CATALOG');
    }
  });

  it('extends into a new catalog and refuses redefinitions', () => {
    const base = defineSignals({ A: z.object({}) });
    const more = base.extend({ B: z.object({ b: z.number() }) });
    expect(more.types).toEqual(['A', 'B']);
    expect(base.types).toEqual(['A']);
    expect(() => more.extend({ A: z.object({}) })).toThrow(/already defined/);
  });

  it('accepts zod/mini schemas and validates with them', async () => {
    const catalog = defineSignals({ MINI: zm.object({ n: zm.number() }) });
    const bus = new SignalBus({ catalog });
    await expect(
      bus.emit('MINI', { n: 1 }, { severity: 'info', source: 't' }),
    ).resolves.toMatchObject({
      signal: { data: { n: 1 } },
    });
    await expect(
      bus.emit('MINI', { n: 'x' } as never, { severity: 'info', source: 't' }),
    ).rejects.toMatchObject({ code: 'SIGNAL_VALIDATION' });
    await bus.close();
  });
});
