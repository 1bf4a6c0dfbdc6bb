import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainConfidence,
  InvalidConfidenceInputError,
  scoreConfidence,
  SocKitError,
  type CombinationRule,
  type ConfidenceFactor,
} from '../../src/patterns/index.js';

const RULES: CombinationRule[] = ['noisy-or', 'log-odds', 'weighted-mean'];

const factorsArb = fc
  .array(
    fc.record({
      value: fc.double({ min: 0, max: 1, noNaN: true }),
      weight: fc.double({ min: 0, max: 10, noNaN: true }),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((items) => items.map((f, i): ConfidenceFactor => ({ name: `f${String(i)}`, ...f })));

describe('scoreConfidence known answers', () => {
  it('noisy-or: 1 − Π(1 − v)^w', () => {
    const result = scoreConfidence([
      { name: 'a', value: 0.5 },
      { name: 'b', value: 0.5 },
    ]);
    expect(result.confidence).toBeCloseTo(0.75, 12);
    expect(result.rule).toBe('noisy-or');
    expect(result.baseline).toBe(0);
    const weighted = scoreConfidence([{ name: 'a', value: 0.5, weight: 2 }]);
    expect(weighted.confidence).toBeCloseTo(0.75, 12);
  });

  it('weighted mean: Σwv / Σw with contributions w·v/Σw', () => {
    const result = scoreConfidence(
      [
        { name: 'a', value: 0.9, weight: 3 },
        { name: 'b', value: 0.1, weight: 1 },
      ],
      { rule: 'weighted-mean' },
    );
    expect(result.confidence).toBeCloseTo(0.7, 12);
    expect(result.contributions.map((c) => [c.name, c.contribution])).toEqual([
      ['a', expect.closeTo(0.675, 12)],
      ['b', expect.closeTo(0.025, 12)],
    ]);
  });

  it('log-odds: logit(c) = logit(prior) + Σ w(logit v − logit prior)', () => {
    const result = scoreConfidence(
      [
        { name: 'a', value: 0.8 },
        { name: 'b', value: 0.8 },
      ],
      { rule: 'log-odds' },
    );
    // logit(0.8) = ln 4; two of them: odds 16 → 16/17.
    expect(result.confidence).toBeCloseTo(16 / 17, 12);
    const against = scoreConfidence(
      [
        { name: 'strong', value: 0.9 },
        { name: 'clean', value: 0.1 },
      ],
      { rule: 'log-odds' },
    );
    expect(against.confidence).toBeCloseTo(0.5, 12);
    const withPrior = scoreConfidence([{ name: 'a', value: 0.01 }], {
      rule: 'log-odds',
      prior: 0.01,
    });
    expect(withPrior.confidence).toBeCloseTo(0.01, 12);
    expect(withPrior.baseline).toBe(0.01);
  });

  it('log-odds lowers the confidence for evidence below the prior, with a negative contribution', () => {
    const result = scoreConfidence(
      [
        { name: 'burst', value: 0.9 },
        { name: 'verified', value: 0.2 },
      ],
      { rule: 'log-odds' },
    );
    const verified = result.contributions.find((c) => c.name === 'verified');
    expect(verified?.contribution).toBeLessThan(0);
    expect(result.confidence).toBeLessThan(0.9);
  });

  it('value 1 makes noisy-or certain and shares the credit among the certain factors', () => {
    const result = scoreConfidence([
      { name: 'a', value: 1 },
      { name: 'b', value: 1 },
      { name: 'c', value: 0.3 },
    ]);
    expect(result.confidence).toBe(1);
    expect(result.contributions.map((c) => c.contribution)).toEqual([0.5, 0.5, 0]);
  });

  it('no factors means no evidence: the baseline, not an error', () => {
    expect(scoreConfidence([]).confidence).toBe(0);
    expect(scoreConfidence([], { rule: 'weighted-mean' }).confidence).toBe(0);
    expect(scoreConfidence([], { rule: 'log-odds', prior: 0.2 }).confidence).toBe(0.2);
    expect(
      scoreConfidence([{ name: 'a', value: 0.7, weight: 0 }], { rule: 'weighted-mean' }).confidence,
    ).toBe(0);
  });

  it('sorts contributions by size and explains the top ones', () => {
    const result = scoreConfidence([
      { name: 'small', value: 0.1 },
      { name: 'rate 9x baseline', value: 0.8 },
      { name: 'new account', value: 0.4 },
    ]);
    expect(result.contributions.map((c) => c.name)).toEqual([
      'rate 9x baseline',
      'new account',
      'small',
    ]);
    expect(explainConfidence(result, 2)).toMatch(
      /^rate 9x baseline: 0\.\d\d, new account: 0\.\d\d$/,
    );
    expect(explainConfidence(scoreConfidence([]))).toBe('');
  });
});

describe('scoreConfidence input errors', () => {
  const bad: Array<[string, unknown, unknown?]> = [
    ['NaN value', [{ name: 'a', value: Number.NaN }]],
    ['value above 1', [{ name: 'a', value: 1.2 }]],
    ['negative value', [{ name: 'a', value: -0.1 }]],
    ['string value', [{ name: 'a', value: '0.5' }]],
    ['negative weight', [{ name: 'a', value: 0.5, weight: -1 }]],
    ['NaN weight', [{ name: 'a', value: 0.5, weight: Number.NaN }]],
    ['infinite weight', [{ name: 'a', value: 0.5, weight: Infinity }]],
    ['empty name', [{ name: '', value: 0.5 }]],
    [
      'duplicate name',
      [
        { name: 'a', value: 0.5 },
        { name: 'a', value: 0.2 },
      ],
    ],
    ['null factor', [null]],
    ['not an array', 'nope'],
    ['unknown rule', [{ name: 'a', value: 0.5 }], { rule: 'max' }],
    ['prior 0', [{ name: 'a', value: 0.5 }], { rule: 'log-odds', prior: 0 }],
  ];
  it.each(bad)('rejects %s with a typed error', (_label, factors, options) => {
    let caught: unknown;
    try {
      scoreConfidence(factors as ConfidenceFactor[], options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidConfidenceInputError);
    expect(caught).toBeInstanceOf(SocKitError);
    expect((caught as InvalidConfidenceInputError).code).toBe('INVALID_CONFIDENCE_INPUT');
  });

  it('names the offending factor', () => {
    expect(() =>
      scoreConfidence([
        { name: 'ok', value: 0.2 },
        { name: 'bad', value: 2 },
      ]),
    ).toThrow(
      expect.objectContaining({ factor: 'bad', message: expect.stringContaining('[0, 1]') }),
    );
  });
});

// Any finite weight >= 0 is accepted, so the properties must also hold at the extremes, where a
// weighted sum can overflow to Infinity (Infinity − Infinity = NaN).
const extremeFactorsArb = fc
  .array(
    fc.record({
      value: fc.double({ min: 0, max: 1, noNaN: true }),
      weight: fc.oneof(
        fc.double({ min: 0, max: Number.MAX_VALUE, noNaN: true }),
        fc.constantFrom(0, 5e-324, 1e300, Number.MAX_VALUE),
      ),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((items) => items.map((f, i): ConfidenceFactor => ({ name: `f${String(i)}`, ...f })));

describe('scoreConfidence properties', () => {
  it.each(RULES)(
    '%s: huge weights give a confidence in [0, 1] and finite contributions',
    (rule) => {
      fc.assert(
        fc.property(extremeFactorsArb, (factors) => {
          const result = scoreConfidence(factors, { rule });
          expect(result.confidence).toBeGreaterThanOrEqual(0);
          expect(result.confidence).toBeLessThanOrEqual(1);
          for (const c of result.contributions) expect(Number.isFinite(c.contribution)).toBe(true);
          // When huge opposing evidence nearly cancels, single contributions are large and their
          // sum carries rounding relative to their size.
          const sum = result.contributions.reduce((s, c) => s + c.contribution, result.baseline);
          const size = result.contributions.reduce((s, c) => s + Math.abs(c.contribution), 1);
          expect(Math.abs(sum - result.confidence)).toBeLessThanOrEqual(1e-9 * size);
        }),
      );
    },
  );

  it('weighted mean is unchanged when every weight is scaled, even to the largest doubles', () => {
    const small = scoreConfidence(
      [
        { name: 'a', value: 0.5, weight: 1 },
        { name: 'b', value: 0.6, weight: 1 },
      ],
      { rule: 'weighted-mean' },
    );
    const huge = scoreConfidence(
      [
        { name: 'a', value: 0.5, weight: Number.MAX_VALUE },
        { name: 'b', value: 0.6, weight: Number.MAX_VALUE },
      ],
      { rule: 'weighted-mean' },
    );
    expect(small.confidence).toBeCloseTo(0.55, 12);
    expect(huge.confidence).toBeCloseTo(0.55, 12);
  });

  it('log-odds with huge opposing weights: the stronger evidence wins, no NaN', () => {
    const result = scoreConfidence(
      [
        { name: 'for', value: 0.99, weight: 1e308 },
        { name: 'against', value: 0.1, weight: 1e308 },
      ],
      { rule: 'log-odds' },
    );
    // logit(0.99) = 4.6 outweighs logit(0.1) = −2.2 at equal weight: odds overflow to certainty.
    expect(result.confidence).toBe(1);
    expect(result.contributions.map((c) => c.name)).toEqual(['for', 'against']);
  });
  it.each(RULES)('%s: confidence in [0, 1] and contributions add up', (rule) => {
    fc.assert(
      fc.property(factorsArb, (factors) => {
        const result = scoreConfidence(factors, { rule });
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
        const sum = result.contributions.reduce((s, c) => s + c.contribution, result.baseline);
        expect(sum).toBeCloseTo(result.confidence, 9);
      }),
    );
  });

  it.each(
    RULES.flatMap((rule) => [
      [rule, 'weights up to 10', factorsArb] as const,
      [rule, 'any finite weights', extremeFactorsArb] as const,
    ]),
  )('%s: monotone non-decreasing in every factor value (%s)', (rule, _label, arb) => {
    fc.assert(
      fc.property(
        arb,
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (factors, pick, raised) => {
          const index = pick % factors.length;
          const original = factors[index]!;
          if (raised < original.value) return;
          const bumped = factors.map((f, i) => (i === index ? { ...f, value: raised } : f));
          const before = scoreConfidence(factors, { rule }).confidence;
          const after = scoreConfidence(bumped, { rule }).confidence;
          expect(after).toBeGreaterThanOrEqual(before - 1e-12);
        },
      ),
    );
  });

  it.each(RULES)('%s: order of factors does not matter', (rule) => {
    fc.assert(
      fc.property(factorsArb, (factors) => {
        const forward = scoreConfidence(factors, { rule }).confidence;
        const backward = scoreConfidence([...factors].reverse(), { rule }).confidence;
        expect(backward).toBeCloseTo(forward, 12);
      }),
    );
  });
});
