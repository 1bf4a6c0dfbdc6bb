import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineSignals, SignalBus } from '../../src/bus/index.js';
import type { Logger } from '../../src/core/index.js';
import { recordingLogger } from '../support/recording-logger.js';
import {
  defineWorkflow,
  runWorkflow,
  WorkflowCancelledError,
  WorkflowDefinitionError,
  WorkflowTimeoutError,
  workflowSignals,
} from '../../src/patterns/index.js';
import type { WorkflowOptions, WorkflowStep } from '../../src/patterns/index.js';
import { backoffDelay } from '../../src/patterns/workflow.js';

/** A step that never settles unless its signal aborts. */
const hang =
  (): WorkflowStep<unknown>['run'] =>
  (_input, _previous, { signal }) =>
    new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error));
    });

describe('runWorkflow', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  it('runs steps in order, passing input and previous values', async () => {
    const flow = defineWorkflow<number>()
      .step('double', (n) => n * 2)
      .step('plusOne', async (_n, { double }) => double + 1);
    const result = await runWorkflow(flow, 20);
    expect(result.status).toBe('succeeded');
    expect(result.values).toEqual({ double: 40, plusOne: 41 });
    expect(result.steps.map((step) => [step.name, step.status, step.attempts])).toEqual([
      ['double', 'succeeded', 1],
      ['plusOne', 'succeeded', 1],
    ]);
    expect(result.error).toBeUndefined();
  });

  it('stops on a required failure and skips the rest', async () => {
    const later = vi.fn();
    const result = await runWorkflow(
      [
        { name: 'a', run: () => 1 },
        { name: 'b', run: () => Promise.reject(new Error('boom')) },
        { name: 'c', run: later },
      ],
      undefined,
    );
    expect(result.status).toBe('failed');
    expect((result.error as Error).message).toBe('boom');
    expect(result.values).toEqual({ a: 1 });
    expect(result.steps.map((step) => step.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(later).not.toHaveBeenCalled();
  });

  it('treats a step that throws or rejects with undefined as failed', async () => {
    const later = vi.fn();
    const result = await runWorkflow(
      [
        {
          name: 'a',
          run: () => {
            throw undefined;
          },
        },
        { name: 'b', run: later },
      ],
      undefined,
    );
    expect(result.status).toBe('failed');
    expect(result.steps.map((step) => step.status)).toEqual(['failed', 'skipped']);
    expect(later).not.toHaveBeenCalled();
    const rejected = await runWorkflow(
      [
        { name: 'a', run: () => Promise.reject(undefined as unknown as Error) },
        { name: 'b', run: later },
      ],
      undefined,
    );
    expect(rejected.status).toBe('failed');
    expect(later).not.toHaveBeenCalled();
  });

  it('records an optional failure and goes on (degraded)', async () => {
    const flow = defineWorkflow<undefined>()
      .step(
        'enrich',
        () => {
          throw new Error('api down');
        },
        { optional: true },
      )
      .step('decide', (_input, { enrich }) => (enrich === undefined ? 'fallback' : 'full'));
    const result = await runWorkflow(flow, undefined);
    expect(result.status).toBe('degraded');
    expect(result.values).toEqual({ decide: 'fallback' });
    expect(result.steps[0]).toMatchObject({ status: 'failed', optional: true, attempts: 1 });
  });

  it('retries with exponential backoff and jitter from the injected random source', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const when: number[] = [];
    const start = Date.now();
    const promise = runWorkflow(
      [
        {
          name: 'flaky',
          retries: 3,
          backoff: { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.5 },
          run: () => {
            when.push(Date.now() - start);
            calls += 1;
            if (calls < 4) throw new Error(`fail ${calls}`);
            return 'ok';
          },
        },
      ],
      undefined,
      { random: () => 0.5, logger },
    );
    await vi.runAllTimersAsync();
    const result = await promise;
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]).toMatchObject({ attempts: 4, value: 'ok', durationMs: 525 });
    // base 100, 200, 400 with 50% jitter at random 0.5: 75, 150, 300.
    expect(when).toEqual([0, 75, 225, 525]);
    expect(logger.messages().filter((line) => line.includes('retrying'))).toHaveLength(3);
  });

  it('gives up after the last retry, or when shouldRetry says no', async () => {
    const failing = vi.fn(() => {
      throw new Error('nope');
    });
    const promise = runWorkflow(
      [{ name: 'a', retries: 2, backoff: { initialMs: 10 }, run: failing }],
      undefined,
      { random: () => 1 },
    );
    await vi.runAllTimersAsync();
    expect((await promise).steps[0]).toMatchObject({ status: 'failed', attempts: 3 });
    const permanent = await runWorkflow(
      [{ name: 'a', retries: 5, shouldRetry: () => false, run: failing }],
      undefined,
    );
    expect(permanent.steps[0]?.attempts).toBe(1);
    const throwing = await runWorkflow(
      [
        {
          name: 'a',
          retries: 5,
          shouldRetry: () => {
            throw new Error('bad predicate');
          },
          run: failing,
        },
      ],
      undefined,
    );
    expect(throwing.steps[0]?.attempts).toBe(1);
  });

  it('times out a hanging attempt, aborts its signal, and retries it', async () => {
    let aborted = 0;
    let calls = 0;
    const promise = runWorkflow(
      [
        {
          name: 'slow',
          timeoutMs: 50,
          retries: 1,
          backoff: { initialMs: 10, jitter: 0 },
          run: (_input, _previous, { signal, attempt }) => {
            calls += 1;
            signal.addEventListener('abort', () => (aborted += 1));
            return attempt === 1 ? new Promise(() => undefined) : 'second try';
          },
        },
      ],
      undefined,
    );
    await vi.advanceTimersByTimeAsync(60);
    const result = await promise;
    expect(result.status).toBe('succeeded');
    expect(result.steps[0]).toMatchObject({ attempts: 2, value: 'second try' });
    expect(aborted).toBe(1);
    expect(calls).toBe(2);
  });

  it('reports a step timeout error when retries run out', async () => {
    const promise = runWorkflow([{ name: 'slow', timeoutMs: 20, run: hang() }], undefined);
    await vi.advanceTimersByTimeAsync(20);
    const result = await promise;
    expect(result.status).toBe('failed');
    expect(result.error).toBeInstanceOf(WorkflowTimeoutError);
    expect((result.error as WorkflowTimeoutError).code).toBe('WORKFLOW_STEP_TIMEOUT');
  });

  it('enforces the overall timeout, including backoff waits', async () => {
    const promise = runWorkflow(
      [
        {
          name: 'flaky',
          retries: 10,
          backoff: { initialMs: 400, jitter: 0 },
          run: () => {
            throw new Error('x');
          },
        },
        { name: 'after', run: () => 1 },
      ],
      undefined,
      { timeoutMs: 1000 },
    );
    await vi.advanceTimersByTimeAsync(1000);
    const result = await promise;
    expect(result.status).toBe('timedOut');
    expect((result.error as WorkflowTimeoutError).code).toBe('WORKFLOW_TIMEOUT');
    expect(result.steps.map((step) => step.status)).toEqual(['cancelled', 'skipped']);
    expect(result.durationMs).toBe(1000);
  });

  it('cancels through an AbortSignal: aborts the running step and skips the rest', async () => {
    const controller = new AbortController();
    const promise = runWorkflow(
      [
        { name: 'wait', run: hang() },
        { name: 'next', run: () => 1 },
      ],
      undefined,
      { signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(5);
    controller.abort('shutdown');
    const result = await promise;
    expect(result.status).toBe('cancelled');
    expect(result.error).toBeInstanceOf(WorkflowCancelledError);
    expect((result.error as WorkflowCancelledError).cause).toBe('shutdown');
    expect(result.steps.map((step) => step.status)).toEqual(['cancelled', 'skipped']);
  });

  it('does not start when the signal is already aborted', async () => {
    const run = vi.fn();
    const result = await runWorkflow([{ name: 'a', run }], undefined, {
      signal: AbortSignal.abort(),
    });
    expect(result.status).toBe('cancelled');
    expect(run).not.toHaveBeenCalled();
  });

  it('cancels during a backoff wait and clears its timer', async () => {
    const controller = new AbortController();
    const promise = runWorkflow(
      [
        {
          name: 'a',
          retries: 3,
          backoff: { initialMs: 10_000 },
          run: () => {
            throw new Error('x');
          },
        },
      ],
      undefined,
      { signal: controller.signal },
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    const result = await promise;
    expect(result.status).toBe('cancelled');
    expect(result.steps[0]).toMatchObject({ status: 'cancelled', attempts: 1 });
  });

  it('resolves with a result even when the logger throws and an error cannot be stringified', async () => {
    const throwing = (): void => {
      throw new Error('log sink down');
    };
    const logger: Logger = { debug: throwing, info: throwing, warn: throwing, error: throwing };
    const emitted: unknown[] = [];
    const bus = {
      emit: (type: string, data: unknown) => {
        emitted.push([type, data]);
        return Promise.resolve();
      },
    } as unknown as NonNullable<WorkflowOptions['bus']>;
    const opaque = Object.create(null) as object;
    const pending = runWorkflow(
      [
        { name: 'a', retries: 1, backoff: { initialMs: 1 }, run: () => Promise.reject(opaque) },
        { name: 'b', run: () => 1 },
      ],
      undefined,
      { logger, bus },
    );
    await vi.advanceTimersByTimeAsync(10);
    const result = await pending;
    expect(result.status).toBe('failed');
    expect(result.error).toBe(opaque);
    expect(result.steps.map((step) => [step.status, step.attempts])).toEqual([
      ['failed', 2],
      ['skipped', 0],
    ]);
    expect(emitted[0]).toEqual([
      'WORKFLOW_STEP',
      expect.objectContaining({ step: 'a', status: 'failed', error: expect.any(String) }),
    ]);
  });

  it('emits step and completion signals on a bus', async () => {
    vi.useRealTimers();
    const bus = new SignalBus({
      catalog: defineSignals({ ...workflowSignals, OTHER: z.object({ x: z.number() }) }),
    });
    const seen: string[] = [];
    bus.subscribe('WORKFLOW_STEP', (signal) => {
      seen.push(`${signal.data.step}:${signal.data.status}:${signal.severity}`);
    });
    bus.subscribe('WORKFLOW_COMPLETED', (signal) => {
      seen.push(`done:${signal.data.status}:${signal.data.failedSteps.join(',')}`);
      expect(signal.correlationId).toBe('incident-1');
    });
    await runWorkflow(
      [
        { name: 'a', run: () => 1 },
        {
          name: 'b',
          optional: true,
          run: () => {
            throw new Error('x');
          },
        },
        {
          name: 'c',
          run: () => {
            throw new Error('y');
          },
        },
        { name: 'd', run: () => 1 },
      ],
      undefined,
      { bus, name: 'triage', correlationId: 'incident-1', guildId: 'g' },
    );
    await bus.close();
    expect(seen).toEqual([
      'a:succeeded:info',
      'b:failed:low',
      'c:failed:medium',
      'd:skipped:info',
      'done:failed:b,c',
    ]);
    vi.useFakeTimers();
  });

  it('logs, never throws, when the bus refuses a signal', async () => {
    const logger = recordingLogger();
    const bus = {
      emit: vi.fn(() => Promise.reject(new Error('closed'))),
    };
    const throwingBus = {
      emit: vi.fn(() => {
        throw new Error('sync');
      }),
    };
    await runWorkflow([{ name: 'a', run: () => 1 }], undefined, { bus, logger });
    await runWorkflow([{ name: 'a', run: () => 1 }], undefined, { bus: throwingBus, logger });
    await vi.runAllTimersAsync();
    expect(logger.messages().filter((line) => line === 'workflow signal emit failed')).toHaveLength(
      4,
    );
  });

  it('rejects malformed workflows before running anything', async () => {
    const run = vi.fn();
    await expect(runWorkflow([{ name: '', run }], undefined)).rejects.toBeInstanceOf(
      WorkflowDefinitionError,
    );
    await expect(
      runWorkflow(
        [
          { name: 'a', run },
          { name: 'a', run },
        ],
        undefined,
      ),
    ).rejects.toThrow(/two workflow steps/);
    await expect(
      runWorkflow([{ name: 'a', run: 'nope' as unknown as () => void }], undefined),
    ).rejects.toThrow(/run must be a function/);
    await expect(runWorkflow([{ name: 'a', retries: -1, run }], undefined)).rejects.toThrow(
      /retries/,
    );
    await expect(runWorkflow([{ name: 'a', timeoutMs: 0, run }], undefined)).rejects.toThrow(
      /timeoutMs/,
    );
    await expect(runWorkflow([{ name: 'a', run }], undefined, { timeoutMs: -5 })).rejects.toThrow(
      /options\.timeoutMs must be a positive/,
    );
    // Timers cannot wait longer than 2^31-1 ms: a longer timeout would fire after 1 ms.
    await expect(
      runWorkflow([{ name: 'a', run }], undefined, { timeoutMs: 30 * 86_400_000 }),
    ).rejects.toThrow(/up to 2147483647/);
    await expect(runWorkflow([{ name: 'a', timeoutMs: 2 ** 31, run }], undefined)).rejects.toThrow(
      /up to 2147483647/,
    );
    for (const backoff of [
      { initialMs: -1 },
      { initialMs: Number.NaN },
      { factor: 0 },
      { maxMs: Number.POSITIVE_INFINITY },
      { maxMs: 2 ** 31 },
      { jitter: Number.NaN },
      { jitter: 2 },
    ]) {
      await expect(
        runWorkflow([{ name: 'a', retries: 1, backoff, run }], undefined),
      ).rejects.toThrow(/step "a": backoff\./);
    }
    await expect(
      runWorkflow('steps' as unknown as WorkflowStep<undefined>[], undefined),
    ).rejects.toThrow(/array/);
    expect(() => defineWorkflow().step('x', run).step('x', run)).toThrow(WorkflowDefinitionError);
    expect(run).not.toHaveBeenCalled();
  });

  it('computes capped exponential backoff', () => {
    expect(backoffDelay({ jitter: 0 }, 1, () => 0)).toBe(100);
    expect(backoffDelay({ jitter: 0 }, 3, () => 0)).toBe(400);
    expect(backoffDelay({ jitter: 0, maxMs: 300 }, 3, () => 0)).toBe(300);
    expect(backoffDelay({}, 2, () => 0.25)).toBe(50);
  });
});
