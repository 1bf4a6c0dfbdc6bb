import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareSeverity,
  InvalidSeverityError,
  isAtLeast,
  isSeverity,
  SEVERITY_LEVELS,
  severityRank,
} from '../../src/bus/index.js';

describe('severity', () => {
  it('orders the levels from info to critical', () => {
    expect(SEVERITY_LEVELS).toEqual(['info', 'low', 'medium', 'high', 'critical']);
    expect(Object.isFrozen(SEVERITY_LEVELS)).toBe(true);
    expect(SEVERITY_LEVELS.map(severityRank)).toEqual([0, 1, 2, 3, 4]);
  });

  it('sorts with compareSeverity and agrees with isAtLeast', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEVERITY_LEVELS),
        fc.constantFrom(...SEVERITY_LEVELS),
        (a, b) => {
          expect(Math.sign(compareSeverity(a, b))).toBe(
            Math.sign(SEVERITY_LEVELS.indexOf(a) - SEVERITY_LEVELS.indexOf(b)),
          );
          expect(isAtLeast(a, b)).toBe(compareSeverity(a, b) >= 0);
        },
      ),
    );
    expect(['critical', 'info', 'medium'].sort(compareSeverity as never)).toEqual([
      'info',
      'medium',
      'critical',
    ]);
  });

  it('recognises only the five names', () => {
    expect(SEVERITY_LEVELS.every(isSeverity)).toBe(true);
    for (const value of ['urgent', 'toString', '__proto__', 3, null, undefined, 'HIGH']) {
      expect(isSeverity(value)).toBe(false);
    }
  });

  it('throws a typed error for an unknown severity', () => {
    expect(() => severityRank('urgent' as never)).toThrow(InvalidSeverityError);
    expect(() => compareSeverity('high', 5 as never)).toThrow(
      /Invalid severity 5; expected one of/,
    );
    try {
      isAtLeast('toString' as never, 'info');
    } catch (error) {
      expect((error as InvalidSeverityError).code).toBe('INVALID_SEVERITY');
      expect((error as Error).message).toContain('"toString"');
    }
  });
});
