import { describe, expect, it } from 'vitest';
import { SignalIds } from '../../src/bus/signal-ids.js';

describe('SignalIds', () => {
  it('spells the counter exactly like String(n), across thousand boundaries', () => {
    const ids = new SignalIds();
    const first = ids.next();
    const prefix = first.slice(0, -1);
    expect(first).toBe(`${prefix}0`);
    expect(prefix).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-$/);
    for (let n = 1; n < 2_100; n += 1) expect(ids.next()).toBe(`${prefix}${n}`);
  });

  it('uses a different random prefix per instance', () => {
    const prefixes = new Set(Array.from({ length: 50 }, () => new SignalIds().next()));
    expect(prefixes.size).toBe(50);
  });
});
