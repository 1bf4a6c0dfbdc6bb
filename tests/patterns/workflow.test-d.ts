import { describe, expectTypeOf, it } from 'vitest';
import { defineWorkflow, runWorkflow } from '../../src/patterns/index.js';
import type { WorkflowResult } from '../../src/patterns/index.js';

describe('workflow typing', () => {
  it('accumulates step values in order, optional steps as possibly missing', async () => {
    const flow = defineWorkflow<{ userId: string }>()
      .step('profile', async ({ userId }) => ({ id: userId, ageDays: 3 }))
      .step(
        'enrich',
        (_input, previous) => {
          expectTypeOf(previous.profile).toEqualTypeOf<{ id: string; ageDays: number }>();
          return 1 as const;
        },
        { optional: true },
      )
      .step('score', (_input, previous) => {
        expectTypeOf(previous.enrich).toEqualTypeOf<1 | undefined>();
        // @ts-expect-error a later step's value is not available yet
        void previous.score;
        return previous.profile.ageDays * 2;
      });
    const result = await runWorkflow(flow, { userId: '1' });
    expectTypeOf(result).toMatchTypeOf<WorkflowResult<unknown>>();
    if (result.status === 'succeeded' || result.status === 'degraded') {
      expectTypeOf(result.values.score).toEqualTypeOf<number>();
      expectTypeOf(result.error).toEqualTypeOf<undefined>();
    } else {
      expectTypeOf(result.values.score).toEqualTypeOf<number | undefined>();
      expectTypeOf(result.error).toEqualTypeOf<unknown>();
    }
  });

  it('checks the input type', () => {
    const flow = defineWorkflow<number>().step('double', (n) => n * 2);
    // @ts-expect-error the input must be a number
    void runWorkflow(flow, 'two');
  });

  it('types plain arrays loosely', async () => {
    const result = await runWorkflow([{ name: 'a', run: () => 1 }], undefined);
    expectTypeOf(result.values).toMatchTypeOf<Partial<Record<string, unknown>>>();
  });
});
