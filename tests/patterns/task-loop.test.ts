import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/core/index.js';
import { recordingLogger } from '../support/recording-logger.js';
import { createLoop, LoopAbortError, LoopOptionError } from '../../src/patterns/index.js';
import type { LoopRunContext } from '../../src/patterns/index.js';

const START = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('createLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => {
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });

  it('runs on the interval after start, and reports status', async () => {
    const task = vi.fn();
    const loop = createLoop(task, { intervalMs: 1000 });
    expect(loop.status()).toMatchObject({ state: 'idle', runs: 0, running: false });
    loop.start();
    loop.start();
    expect(loop.status()).toMatchObject({ state: 'scheduled', nextRun: START + 1000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(task).toHaveBeenCalledTimes(3);
    expect(loop.status()).toMatchObject({
      runs: 3,
      failures: 0,
      lastRun: START + 3000,
      lastDurationMs: 0,
      nextRun: START + 4000,
      intervalMs: 1000,
    });
    await loop.stop();
    expect(loop.status().state).toBe('stopped');
  });

  it('waits for waitFor, then runs at once with runOnStart', async () => {
    let ready!: () => void;
    const task = vi.fn();
    const loop = createLoop(task, {
      intervalMs: 1000,
      runOnStart: true,
      waitFor: new Promise<void>((resolve) => (ready = resolve)),
    });
    loop.start();
    expect(loop.status().state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(5000);
    expect(task).not.toHaveBeenCalled();
    ready();
    await vi.advanceTimersByTimeAsync(0);
    expect(task).toHaveBeenCalledTimes(1);
    expect(loop.status().nextRun).toBe(START + 6000);
    await loop.stop();
  });

  it('does not start when waitFor rejects, and logs it', async () => {
    const logger = recordingLogger();
    const task = vi.fn();
    const loop = createLoop(task, {
      intervalMs: 10,
      waitFor: Promise.reject(new Error('login failed')),
      logger,
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).not.toHaveBeenCalled();
    expect(loop.status()).toMatchObject({ state: 'stopped' });
    expect((loop.status().lastError as Error).message).toBe('login failed');
    expect(logger.messages()).toContain('loop waitFor rejected; loop not started');
  });

  it('ignores a waitFor that settles after stop()', async () => {
    let ready!: () => void;
    const task = vi.fn();
    const loop = createLoop(task, {
      intervalMs: 10,
      runOnStart: true,
      waitFor: new Promise<void>((resolve) => (ready = resolve)),
    });
    loop.start();
    await loop.stop();
    ready();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).not.toHaveBeenCalled();
  });

  it('never overlaps runs and does not replay missed ticks in a burst', async () => {
    let active = 0;
    let maxActive = 0;
    const starts: number[] = [];
    const loop = createLoop(
      async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        starts.push(Date.now() - START);
        await new Promise((resolve) => setTimeout(resolve, 250));
        active -= 1;
      },
      { intervalMs: 100, runOnStart: true },
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(maxActive).toBe(1);
    // Each run starts when the previous one ends (250 ms, plus the 1 ms minimum timer delay),
    // not every 100 ms, and the missed ticks are not replayed.
    expect(starts).toEqual([0, 251, 502, 753]);
    // The run in flight ignores the abort and finishes on its own timer.
    const stopping = loop.stop();
    await vi.advanceTimersByTimeAsync(250);
    await stopping;
  });

  it('logs and counts a failed run, backs off, and keeps going', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const starts: number[] = [];
    const loop = createLoop(
      () => {
        calls += 1;
        starts.push(Date.now() - START);
        if (calls <= 3) throw new Error(`failure ${calls}`);
      },
      { intervalMs: 100, backoff: { initialMs: 500, factor: 2, maxMs: 1500 }, logger },
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(5000);
    // 100: fail -> +500; 600: fail -> +1000; 1600: fail -> +1500 (capped); 3100 ok -> +100 ...
    expect(starts.slice(0, 5)).toEqual([100, 600, 1600, 3100, 3200]);
    expect(loop.status()).toMatchObject({ failures: 3, consecutiveFailures: 0 });
    expect((loop.status().lastError as Error).message).toBe('failure 3');
    expect(
      logger.messages().filter((line) => line === 'loop run failed; the loop continues'),
    ).toHaveLength(3);
    await loop.stop();
  });

  it('aborts a run past timeoutMs, counts it as failed, and waits for it to settle', async () => {
    const logger = recordingLogger();
    const contexts: LoopRunContext[] = [];
    const loop = createLoop(
      (context) => {
        contexts.push(context);
        // Ignores the abort for 100 ms more: the loop must not start another run meanwhile.
        return new Promise((resolve) => {
          context.signal.addEventListener('abort', () => setTimeout(resolve, 100));
        });
      },
      { intervalMs: 1000, timeoutMs: 50, logger, backoff: { initialMs: 1 } },
    );
    const outcome = loop.runNow();
    await vi.advanceTimersByTimeAsync(50);
    expect(contexts[0]?.signal.aborted).toBe(true);
    expect(loop.status().running).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    const result = await outcome;
    expect(result.ok).toBe(false);
    expect(result.error).toBeInstanceOf(LoopAbortError);
    expect((result.error as LoopAbortError).code).toBe('LOOP_RUN_TIMEOUT');
    expect(result.durationMs).toBe(150);
    expect(logger.messages()).toContain(
      'loop run timed out; aborting it and waiting for it to settle',
    );
    expect(loop.status()).toMatchObject({ state: 'idle', failures: 1 });
  });

  it('stop() cancels the timer, aborts the running task and resolves when it finished', async () => {
    let finished = false;
    let reason: unknown;
    const loop = createLoop(
      ({ signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            setTimeout(() => {
              finished = true;
              resolve();
            }, 30);
          });
        }),
      { intervalMs: 100 },
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(loop.status().state).toBe('running');
    const stopping = loop.stop();
    expect(loop.stop()).toBe(stopping);
    expect(loop.status().state).toBe('stopping');
    expect(() => loop.start()).toThrow(LoopAbortError);
    await expect(loop.runNow()).rejects.toMatchObject({ code: 'LOOP_STOPPED' });
    expect((reason as LoopAbortError).code).toBe('LOOP_STOPPED');
    expect(finished).toBe(false);
    await vi.advanceTimersByTimeAsync(30);
    await stopping;
    expect(finished).toBe(true);
    expect(loop.status()).toMatchObject({ state: 'stopped', running: false });
    expect(loop.status().nextRun).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() on a scheduled loop leaves no timer, and the loop can start again', async () => {
    const task = vi.fn();
    const loop = createLoop(task, { intervalMs: 100 });
    await loop.stop();
    expect(loop.status().state).toBe('idle');
    loop.start();
    expect(vi.getTimerCount()).toBe(1);
    await loop.stop();
    expect(vi.getTimerCount()).toBe(0);
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(task).toHaveBeenCalledTimes(1);
    await loop.stop();
  });

  it('runNow runs at once, joins a run in flight, and reschedules a started loop', async () => {
    let release!: () => void;
    const task = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const loop = createLoop(task, { intervalMs: 1000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(300);
    const first = loop.runNow();
    const second = loop.runNow();
    expect(second).toBe(first);
    expect(task).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    release();
    expect(await first).toEqual({ ok: true, durationMs: 0 });
    expect(loop.status().nextRun).toBe(START + 1300);
    await loop.stop();
  });

  it('runNow on an idle loop runs once without scheduling; start() meanwhile does not overlap', async () => {
    let release!: () => void;
    let active = 0;
    let maxActive = 0;
    const loop = createLoop(
      () =>
        new Promise<void>((resolve) => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          release = () => {
            active -= 1;
            resolve();
          };
        }),
      { intervalMs: 100, runOnStart: true },
    );
    const outcome = loop.runNow();
    loop.start();
    expect(vi.getTimerCount()).toBe(0);
    release();
    await outcome;
    await vi.advanceTimersByTimeAsync(0);
    expect(maxActive).toBe(1);
    expect(loop.status().state).toBe('scheduled');
    await loop.stop();
    const lone = createLoop(() => undefined, { intervalMs: 100 });
    await lone.runNow();
    expect(lone.status()).toMatchObject({ state: 'idle', runs: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('changeInterval reschedules from the last run', async () => {
    const task = vi.fn();
    const loop = createLoop(task, { intervalMs: 10_000, runOnStart: true });
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    loop.changeInterval(2000);
    expect(loop.status()).toMatchObject({ nextRun: START + 2000, intervalMs: 2000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(task).toHaveBeenCalledTimes(2);
    expect(() => loop.changeInterval(0)).toThrow(LoopOptionError);
    await loop.stop();
  });

  it('follows a cron pattern through croner, with jitter from the injected source', async () => {
    const starts: number[] = [];
    const loop = createLoop(() => void starts.push(Date.now() - START), {
      cron: '*/10 * * * * *',
      timezone: 'UTC',
      jitterMs: 1000,
      random: () => 0.5,
    });
    vi.setSystemTime(START + 3000);
    loop.start();
    expect(loop.status().nextRun).toBe(START + 10_500);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(starts).toEqual([10_500, 20_500]);
    loop.changeInterval(1000);
    expect(loop.status().intervalMs).toBe(1000);
    await loop.stop();
  });

  it('waits out delays longer than the 24.8-day timer limit instead of firing at once', async () => {
    const task = vi.fn();
    // Node (and fake timers) fire any setTimeout above 2^31-1 ms after 1 ms.
    const yearly = createLoop(task, { cron: '0 0 1 1 *', timezone: 'UTC' });
    vi.setSystemTime(START + 1000);
    yearly.start();
    const due = Date.UTC(2027, 0, 1);
    expect(yearly.status().nextRun).toBe(due);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(due - Date.now() - 1);
    expect(task).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(task).toHaveBeenCalledTimes(1);
    await yearly.stop();

    const slow = vi.fn();
    const monthly = createLoop(slow, { intervalMs: 40 * 86_400_000 });
    monthly.start();
    await vi.advanceTimersByTimeAsync(30 * 86_400_000);
    expect(slow).not.toHaveBeenCalled();
    expect(monthly.status().state).toBe('scheduled');
    await vi.advanceTimersByTimeAsync(10 * 86_400_000);
    expect(slow).toHaveBeenCalledTimes(1);
    await monthly.stop();
  });

  it('a task that calls runNow() or stop() on its own loop before its first await neither overlaps nor escapes stop()', async () => {
    let active = 0;
    let most = 0;
    let calls = 0;
    const loop = createLoop(
      async () => {
        calls += 1;
        active += 1;
        most = Math.max(most, active);
        const joined = loop.runNow();
        await vi.advanceTimersByTimeAsync(0);
        active -= 1;
        void joined;
      },
      { intervalMs: 1000 },
    );
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(1);
    expect(most).toBe(1);
    await loop.stop();

    let finished = false;
    let release!: () => void;
    let stopped: Promise<void> | undefined;
    const selfStopping = createLoop(
      async ({ signal }) => {
        stopped = selfStopping.stop();
        expect(signal.aborted).toBe(true);
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
      },
      { intervalMs: 1000 },
    );
    selfStopping.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(selfStopping.status()).toMatchObject({ state: 'stopping', running: true });
    let stopResolved = false;
    void stopped?.then(() => (stopResolved = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopResolved).toBe(false);
    release();
    await stopped;
    expect(finished).toBe(true);
    expect(selfStopping.status().state).toBe('stopped');
  });

  it('keeps going when the logger itself throws', async () => {
    const broken: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: () => {
        throw new Error('log sink down');
      },
      error: () => {
        throw new Error('log sink down');
      },
    };
    const task = vi.fn(() => Promise.reject(new Error('task failed')));
    const loop = createLoop(task, {
      intervalMs: 1000,
      timeoutMs: 500,
      backoff: { initialMs: 1000 },
      logger: broken,
    });
    loop.start();
    // Runs at 1000, 2000 (backoff 1 s) and 4000 (backoff 2 s).
    await vi.advanceTimersByTimeAsync(4000);
    expect(task).toHaveBeenCalledTimes(3);
    expect(loop.status()).toMatchObject({ failures: 3, running: false, state: 'scheduled' });
    await loop.stop();
  });

  it('rejects invalid options', () => {
    const task = (): void => undefined;
    expect(() => createLoop(task, {})).toThrow(/exactly one of intervalMs and cron/);
    expect(() => createLoop(task, { intervalMs: 1, cron: '* * * * *' })).toThrow(LoopOptionError);
    expect(() => createLoop(task, { intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => createLoop(task, { cron: 'not a cron' })).toThrow(/cron pattern/);
    expect(() => createLoop(task, { intervalMs: 1, jitterMs: -1 })).toThrow(/jitterMs/);
    expect(() => createLoop(task, { intervalMs: 1, timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
    expect(() => createLoop(task, { intervalMs: 1, timeoutMs: 2 ** 31 })).toThrow(/at most/);
    expect(() => createLoop(task, { intervalMs: 1, backoff: { factor: 0 } })).toThrow(/factor/);
    expect(() => createLoop('task' as unknown as () => void, { intervalMs: 1 })).toThrow(
      /function/,
    );
  });
});
