import { describe, expectTypeOf, it } from 'vitest';
import {
  AnomalyScorer,
  analyzeTrend,
  scoreConfidence,
  type AnomalyScore,
  type ConfidenceResult,
  type TrendAnalysis,
} from '../../src/patterns/index.js';

describe('patterns statistics types', () => {
  it('scoreConfidence takes named factors and returns an explainable result', () => {
    expectTypeOf(scoreConfidence([{ name: 'a', value: 0.5 }])).toEqualTypeOf<ConfidenceResult>();
    // @ts-expect-error a factor needs a name
    scoreConfidence([{ value: 0.5 }]);
    // @ts-expect-error unknown rule
    scoreConfidence([], { rule: 'max' });
  });

  it('AnomalyScorer.update(value, timestamp) returns a typed score', () => {
    const score = new AnomalyScorer().update(1, 0);
    expectTypeOf(score).toEqualTypeOf<AnomalyScore>();
    expectTypeOf(score.confidence).toBeNumber();
    expectTypeOf(score.model).toEqualTypeOf<'count' | 'real'>();
    // @ts-expect-error the timestamp is required
    new AnomalyScorer().update(1);
    // @ts-expect-error unknown direction
    new AnomalyScorer({ direction: 'sideways' });
  });

  it('analyzeTrend narrows on `sufficient`', () => {
    const result = analyzeTrend([1, 2, 3]);
    expectTypeOf(result).toEqualTypeOf<TrendAnalysis>();
    if (result.sufficient) {
      expectTypeOf(result.direction).toEqualTypeOf<'rising' | 'falling' | 'flat'>();
      expectTypeOf(result.slope).toBeNumber();
    } else {
      expectTypeOf(result.direction).toEqualTypeOf<'insufficient-data'>();
      // @ts-expect-error no slope without data
      void result.slope;
    }
  });
});
