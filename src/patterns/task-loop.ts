import { Cron } from 'croner';
import { noopLogger, SocKitError, systemClock } from '../core/index.js';
import type { Clock, Logger } from '../core/index.js';
import { guardLogger, isPositiveNumber, MAX_TIMER_DELAY_MS } from '../core/internal.js';

/**
 * Thrown by {@link createLoop} and {@link TaskLoop.changeInterval} for invalid options: neither or
 * both of `intervalMs` and `cron`, a non-positive number, or a cron pattern croner rejects.
 * Code: `LOOP_INVALID_OPTION`.
 *
 * @example
 * ```ts
 * import { createLoop, LoopOptionError } from 'soc-kit/patterns';
 *
 * try {
 *   createLoop(() => undefined, { intervalMs: -1 });
 * } catch (error) {
 *   console.log(error instanceof LoopOptionError, (error as LoopOptionError).code);
 * }
 * ```
 */
export class LoopOptionError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   * @param options - `cause` keeps croner's parse error.
   */
  constructor(message: string, options?: ErrorOptions) {
    super('LOOP_INVALID_OPTION', message, options);
  }
}

/**
 * Reason given to a run's `AbortSignal`, and the error recorded, when a run exceeds `timeoutMs`
 * (code `LOOP_RUN_TIMEOUT`) or is aborted by {@link TaskLoop.stop} (code `LOOP_STOPPED`). Also the
 * rejection of {@link TaskLoop.runNow} while the loop is stopping.
 *
 * @example
 * ```ts
 * import { createLoop, LoopAbortError } from 'soc-kit/patterns';
 *
 * const loop = createLoop(
 *   ({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)),
 *   { intervalMs: 60_000, timeoutMs: 10 },
 * );
 * const outcome = await loop.runNow();
 * console.log(outcome.error instanceof LoopAbortError, (outcome.error as LoopAbortError).code);
 * await loop.stop();
 * ```
 */
export class LoopAbortError extends SocKitError {
  /**
   * @param reason - `'timeout'` (code `LOOP_RUN_TIMEOUT`) or `'stopped'` (code `LOOP_STOPPED`).
   * @param message - Which loop and why.
   */
  constructor(reason: 'timeout' | 'stopped', message: string) {
    super(reason === 'timeout' ? 'LOOP_RUN_TIMEOUT' : 'LOOP_STOPPED', message);
  }
}

/** What the task receives on each run. */
export interface LoopRunContext {
  /** Aborted when the run exceeds `timeoutMs` or the loop is stopped. */
  signal: AbortSignal;
  /** 1 for the first run, then 2, 3, ... */
  run: number;
}

/** The work a loop repeats. May be async; a throw or rejection counts as a failed run. */
export type LoopTask = (context: LoopRunContext) => unknown;

/** Growth of the delay after consecutive failed runs. */
export interface LoopBackoffOptions {
  /** Delay after the first failure, in ms (default 1,000). */
  initialMs?: number;
  /** Growth per further consecutive failure (default 2). */
  factor?: number;
  /** Upper bound, in ms (default 300,000). */
  maxMs?: number;
}

/** Options of {@link createLoop}. Give exactly one of `intervalMs` and `cron`. */
export interface LoopOptions {
  /** Name used in logs (default `'loop'`). */
  name?: string;
  /** Time between the starts of two runs, in ms. */
  intervalMs?: number;
  /** A croner pattern (5 or 6 fields, e.g. `'0 *\/5 * * * *'`); runs at each matching time. */
  cron?: string;
  /** IANA time zone for `cron` (default: the process's). */
  timezone?: string;
  /** The loop does not schedule anything until this settles (e.g. "client ready"). */
  waitFor?: PromiseLike<unknown>;
  /** Run once as soon as the loop starts (after `waitFor`), instead of after the first interval. */
  runOnStart?: boolean;
  /** Adds a random delay in [0, jitterMs) to every scheduled run (default 0). */
  jitterMs?: number;
  /**
   * Per-run limit in ms (at most 2^31-1, the longest a timer can wait): the run's signal is
   * aborted and the run counts as failed.
   */
  timeoutMs?: number;
  /** Extra delay after consecutive failures. */
  backoff?: LoopBackoffOptions;
  /** Time source and timers (default {@link systemClock}). */
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter (default `Math.random`). */
  random?: () => number;
  /** Receives an error line per failed run (default: silent). */
  logger?: Logger;
}

/** Outcome of one run, resolved by {@link TaskLoop.runNow}. */
export interface LoopRunOutcome {
  /** Whether the task finished without error and within its timeout. */
  ok: boolean;
  /** The error, when it failed. */
  error?: unknown;
  /** Run time in ms. */
  durationMs: number;
}

/** Lifecycle state of a {@link TaskLoop}. */
export type LoopState = 'idle' | 'waiting' | 'scheduled' | 'running' | 'stopping' | 'stopped';

/** Snapshot returned by {@link TaskLoop.status}. */
export interface LoopStatus {
  /** Lifecycle state. */
  state: LoopState;
  /** Whether a run is in progress. */
  running: boolean;
  /** Runs started. */
  runs: number;
  /** Runs that failed (threw, rejected or timed out). */
  failures: number;
  /** Failures since the last successful run. */
  consecutiveFailures: number;
  /** Start time (epoch ms) of the last run. */
  lastRun?: number;
  /** Duration of the last finished run. */
  lastDurationMs?: number;
  /** Error of the last failed run. */
  lastError?: unknown;
  /** When the next run is due (epoch ms), if one is scheduled. */
  nextRun?: number;
  /** The interval, in interval mode. */
  intervalMs?: number;
}

function positive(name: string, value: unknown): number {
  if (!isPositiveNumber(value)) {
    throw new LoopOptionError(
      `createLoop: ${name} must be a positive finite number, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * A background task repeated on an interval or a cron schedule; see {@link createLoop}.
 *
 * Guarantees:
 * - Runs never overlap. A run that takes longer than the interval delays the next one; missed
 *   ticks are not replayed in a burst.
 * - A failed run (throw, rejection, timeout) is logged and counted, and the loop goes on; after
 *   consecutive failures the next run waits at least the backoff delay.
 * - `stop()` cancels the pending timer, aborts the running task's signal and resolves once the task
 *   has settled. Afterwards the loop holds no timer.
 *
 * @example
 * ```ts
 * import { createLoop } from 'soc-kit/patterns';
 *
 * let sweeps = 0;
 * const loop = createLoop(() => { sweeps += 1; }, { name: 'sweep', intervalMs: 60_000 });
 * loop.start();
 * await loop.runNow();
 * console.log(sweeps, loop.status().state);
 * await loop.stop();
 * ```
 */
export class TaskLoop {
  readonly #task: LoopTask;
  readonly #name: string;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: Logger;
  readonly #jitterMs: number;
  readonly #timeoutMs: number | undefined;
  readonly #backoff: Required<LoopBackoffOptions>;
  readonly #waitFor: PromiseLike<unknown> | undefined;
  readonly #runOnStart: boolean;
  #intervalMs: number | undefined;
  #cron: Cron | undefined;
  /** Between start() and stop(). */
  #started = false;
  /** Started, but waitFor has not settled yet. */
  #waiting = false;
  /** stop() has completed at least once and the loop was not started again. */
  #stopped = false;
  /** Bumped by start() and stop(), so a late waitFor or run does not act on a newer lifecycle. */
  #generation = 0;
  #timer: unknown;
  #nextRun: number | undefined;
  #current: Promise<LoopRunOutcome> | undefined;
  #controller: AbortController | undefined;
  #stopping: Promise<void> | undefined;
  #runs = 0;
  #failures = 0;
  #consecutiveFailures = 0;
  #lastRun: number | undefined;
  #lastDurationMs: number | undefined;
  #lastError: unknown;

  /**
   * @param task - The work to repeat.
   * @param options - Schedule, start-up, timeout, backoff, clock and logger.
   * @throws {@link LoopOptionError} for invalid options.
   */
  constructor(task: LoopTask, options: LoopOptions) {
    if (typeof task !== 'function')
      throw new LoopOptionError('createLoop: task must be a function');
    const hasInterval = options.intervalMs !== undefined;
    const hasCron = options.cron !== undefined;
    if (hasInterval === hasCron) {
      throw new LoopOptionError('createLoop: give exactly one of intervalMs and cron');
    }
    if (hasInterval) this.#intervalMs = positive('intervalMs', options.intervalMs);
    if (hasCron) {
      try {
        this.#cron = new Cron(options.cron as string, {
          paused: true,
          ...(options.timezone === undefined ? {} : { timezone: options.timezone }),
        });
      } catch (error) {
        throw new LoopOptionError(
          `createLoop: cron pattern ${JSON.stringify(options.cron)} is invalid: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    if (options.jitterMs !== undefined && options.jitterMs !== 0)
      positive('jitterMs', options.jitterMs);
    if (options.timeoutMs !== undefined) {
      // The run timeout is a single timer, so it must fit one.
      if (positive('timeoutMs', options.timeoutMs) > MAX_TIMER_DELAY_MS) {
        throw new LoopOptionError(
          `createLoop: timeoutMs must be at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days), got ${options.timeoutMs}`,
        );
      }
    }
    const backoff = options.backoff ?? {};
    this.#backoff = {
      initialMs:
        backoff.initialMs === undefined ? 1000 : positive('backoff.initialMs', backoff.initialMs),
      factor: backoff.factor === undefined ? 2 : positive('backoff.factor', backoff.factor),
      maxMs: backoff.maxMs === undefined ? 300_000 : positive('backoff.maxMs', backoff.maxMs),
    };
    this.#task = task;
    this.#name = options.name ?? 'loop';
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    // Guarded: a failing logger must not stop the loop or leave a run unsettled.
    this.#logger = options.logger === undefined ? noopLogger : guardLogger(options.logger);
    this.#jitterMs = options.jitterMs ?? 0;
    this.#timeoutMs = options.timeoutMs;
    this.#waitFor = options.waitFor;
    this.#runOnStart = options.runOnStart === true;
  }

  /**
   * Starts the loop: waits for `waitFor`, then runs at once if `runOnStart`, then on schedule.
   * Does nothing if the loop is already started. A stopped loop can be started again.
   *
   * If `waitFor` rejects, the error is logged and kept in `status().lastError`, and the loop goes
   * to `stopped` without running.
   *
   * @throws {@link LoopAbortError} (code `LOOP_STOPPED`) while a `stop()` is still in progress.
   *
   * @example
   * ```ts
   * import { createLoop } from 'soc-kit/patterns';
   *
   * const ready = Promise.resolve();
   * const loop = createLoop(() => console.log('tick'), { intervalMs: 1000, waitFor: ready, runOnStart: true });
   * loop.start();
   * await ready;
   * await loop.stop();
   * ```
   */
  start(): void {
    if (this.#stopping !== undefined) {
      throw new LoopAbortError('stopped', `loop "${this.#name}" is stopping; await stop() first`);
    }
    if (this.#started) return;
    this.#started = true;
    this.#stopped = false;
    const generation = ++this.#generation;
    if (this.#waitFor === undefined) {
      this.#begin();
      return;
    }
    this.#waiting = true;
    Promise.resolve(this.#waitFor).then(
      () => {
        if (generation !== this.#generation) return;
        this.#waiting = false;
        this.#begin();
      },
      (error: unknown) => {
        if (generation !== this.#generation) return;
        this.#waiting = false;
        this.#started = false;
        this.#stopped = true;
        this.#lastError = error;
        this.#logger.error(
          { loop: this.#name, err: error },
          'loop waitFor rejected; loop not started',
        );
      },
    );
  }

  /**
   * Stops the loop: cancels the pending timer, aborts the running task's signal (reason: a
   * {@link LoopAbortError} with code `LOOP_STOPPED`) and resolves once that run has settled.
   * Calling it again returns the same promise; calling it on an idle loop resolves at once. The
   * task itself may call it (the run is then aborted), but must not await it: it would wait for
   * itself.
   *
   * @returns Resolves when nothing of the loop is running or scheduled.
   * @throws Never (the promise never rejects).
   *
   * @example
   * ```ts
   * import { createLoop } from 'soc-kit/patterns';
   *
   * const loop = createLoop(() => undefined, { intervalMs: 1000 });
   * loop.start();
   * await loop.stop();
   * console.log(loop.status().state);
   * ```
   */
  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    const wasActive = this.#started || this.#current !== undefined;
    this.#generation += 1;
    this.#started = false;
    this.#waiting = false;
    this.#clearTimer();
    if (this.#current === undefined) {
      if (wasActive) this.#stopped = true;
      return Promise.resolve();
    }
    this.#controller?.abort(new LoopAbortError('stopped', `loop "${this.#name}" was stopped`));
    this.#stopping = this.#current.then(() => {
      this.#stopping = undefined;
      this.#stopped = true;
    });
    return this.#stopping;
  }

  /**
   * Runs the task now. If a run is in progress, returns that run's outcome instead of starting
   * another (runs never overlap, even when the task calls this on its own loop; awaiting it from
   * inside the task would wait for itself). On a started loop the schedule continues from this run.
   *
   * @returns The run's outcome; never rejects because the task failed.
   * @throws {@link LoopAbortError} (as a rejection, code `LOOP_STOPPED`) while the loop is stopping.
   *
   * @example
   * ```ts
   * import { createLoop } from 'soc-kit/patterns';
   *
   * const loop = createLoop(() => { throw new Error('backend down'); }, { intervalMs: 60_000 });
   * const outcome = await loop.runNow();
   * console.log(outcome.ok, loop.status().failures);
   * ```
   */
  runNow(): Promise<LoopRunOutcome> {
    if (this.#stopping !== undefined) {
      return Promise.reject(
        new LoopAbortError('stopped', `loop "${this.#name}" is stopping; runNow() refused`),
      );
    }
    if (this.#current !== undefined) return this.#current;
    this.#clearTimer();
    return this.#runAndReschedule();
  }

  /**
   * Changes the interval (switching a cron loop to interval mode). A pending run is rescheduled to
   * the previous run's start plus the new interval (or now, if that has passed).
   *
   * @param intervalMs - New interval in ms.
   * @throws {@link LoopOptionError} when `intervalMs` is not a positive finite number.
   *
   * @example
   * ```ts
   * import { createLoop } from 'soc-kit/patterns';
   *
   * const loop = createLoop(() => undefined, { intervalMs: 60_000 });
   * loop.start();
   * loop.changeInterval(5_000);
   * console.log(loop.status().intervalMs);
   * await loop.stop();
   * ```
   */
  changeInterval(intervalMs: number): void {
    this.#intervalMs = positive('intervalMs', intervalMs);
    this.#cron = undefined;
    if (this.#timer !== undefined) {
      this.#clearTimer();
      this.#schedule();
    }
  }

  /**
   * Returns a snapshot of the loop's state and counters.
   *
   * @returns State, run and failure counts, last run and next run times.
   * @throws Never.
   *
   * @example
   * ```ts
   * import { createLoop } from 'soc-kit/patterns';
   *
   * const loop = createLoop(() => undefined, { intervalMs: 1000 });
   * console.log(loop.status());
   * ```
   */
  status(): LoopStatus {
    const status: LoopStatus = {
      state: this.#currentState(),
      running: this.#current !== undefined,
      runs: this.#runs,
      failures: this.#failures,
      consecutiveFailures: this.#consecutiveFailures,
    };
    if (this.#lastRun !== undefined) status.lastRun = this.#lastRun;
    if (this.#lastDurationMs !== undefined) status.lastDurationMs = this.#lastDurationMs;
    if (this.#lastError !== undefined) status.lastError = this.#lastError;
    if (this.#nextRun !== undefined) status.nextRun = this.#nextRun;
    if (this.#intervalMs !== undefined) status.intervalMs = this.#intervalMs;
    return status;
  }

  #currentState(): LoopState {
    if (this.#stopping !== undefined) return 'stopping';
    if (this.#current !== undefined) return 'running';
    if (this.#waiting) return 'waiting';
    if (this.#timer !== undefined) return 'scheduled';
    return this.#stopped ? 'stopped' : 'idle';
  }

  #begin(): void {
    if (this.#runOnStart) void this.#runAndReschedule();
    else this.#schedule();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#nextRun = undefined;
  }

  #schedule(): void {
    // While a run is in flight, its completion schedules the next one.
    if (this.#current !== undefined) return;
    const now = this.#clock.now();
    let due: number;
    if (this.#intervalMs !== undefined) {
      due = this.#lastRun === undefined ? now + this.#intervalMs : this.#lastRun + this.#intervalMs;
    } else {
      due = now;
    }
    if (this.#consecutiveFailures > 0) {
      const { initialMs, factor, maxMs } = this.#backoff;
      const backoff = Math.min(maxMs, initialMs * factor ** (this.#consecutiveFailures - 1));
      due = Math.max(due, now + backoff);
    }
    due = Math.max(due, now);
    if (this.#cron !== undefined) {
      const next = this.#cron.nextRun(new Date(due));
      if (next === null) {
        // The pattern has no future occurrence: nothing left to schedule.
        this.#logger.warn({ loop: this.#name }, 'cron pattern has no future run; loop idle');
        return;
      }
      due = next.getTime();
    }
    if (this.#jitterMs > 0) due += this.#random() * this.#jitterMs;
    this.#nextRun = due;
    this.#arm(due, now);
  }

  /**
   * Sets the timer for `due`. Timers cannot wait longer than 2^31-1 ms (about 24.8 days; longer
   * delays fire after 1 ms), so a far-off run (a yearly cron, a 40-day interval) is reached in
   * chunks of at most that length.
   */
  #arm(due: number, now: number): void {
    const delay = due - now;
    const chunked = delay > MAX_TIMER_DELAY_MS;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        if (chunked) {
          this.#arm(due, this.#clock.now());
          return;
        }
        this.#nextRun = undefined;
        void this.#runAndReschedule();
      },
      chunked ? MAX_TIMER_DELAY_MS : delay,
    );
  }

  /**
   * Runs once (or joins the run in flight); afterwards, if the loop is started and nothing else is
   * pending, schedules the next run. Every path that ends a run goes through here, so the schedule
   * can never hold two runs.
   */
  #runAndReschedule(): Promise<LoopRunOutcome> {
    if (this.#current !== undefined) return this.#current;
    const outcome = this.#runOnce();
    void outcome.then(() => {
      if (this.#started && !this.#waiting && this.#timer === undefined) this.#schedule();
    });
    return outcome;
  }

  #runOnce(): Promise<LoopRunOutcome> {
    const controller = new AbortController();
    this.#controller = controller;
    this.#runs += 1;
    const run = this.#runs;
    const started = this.#clock.now();
    this.#lastRun = started;
    let timeoutError: LoopAbortError | undefined;
    let timer: unknown;
    if (this.#timeoutMs !== undefined) {
      const limit = this.#timeoutMs;
      timer = this.#clock.setTimeout(() => {
        timer = undefined;
        timeoutError = new LoopAbortError(
          'timeout',
          `loop "${this.#name}" run ${run} ran past ${limit} ms`,
        );
        this.#logger.warn(
          { loop: this.#name, run, timeoutMs: limit },
          'loop run timed out; aborting it and waiting for it to settle',
        );
        controller.abort(timeoutError);
      }, limit);
    }
    // Register the run before calling the task: a task that calls runNow() or stop() on its own
    // loop before its first await must see this run in flight (no nested run, stop() waits).
    let settle!: (outcome: LoopRunOutcome) => void;
    const current = new Promise<LoopRunOutcome>((resolve) => {
      settle = resolve;
    });
    this.#current = current;
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(this.#task({ signal: controller.signal, run }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    const finish = (error: unknown, failed: boolean): LoopRunOutcome => {
      if (timer !== undefined) this.#clock.clearTimeout(timer);
      const durationMs = this.#clock.now() - started;
      this.#lastDurationMs = durationMs;
      this.#current = undefined;
      this.#controller = undefined;
      const failure = timeoutError ?? (failed ? error : undefined);
      if (timeoutError !== undefined || failed) {
        this.#failures += 1;
        this.#consecutiveFailures += 1;
        this.#lastError = failure;
        this.#logger.error(
          { loop: this.#name, run, failures: this.#consecutiveFailures, err: failure },
          'loop run failed; the loop continues',
        );
        return { ok: false, error: failure, durationMs };
      }
      this.#consecutiveFailures = 0;
      return { ok: true, durationMs };
    };
    pending.then(
      () => settle(finish(undefined, false)),
      (error: unknown) => settle(finish(error, true)),
    );
    return current;
  }
}

/**
 * Creates a background task loop, the replacement for discord.py's `tasks.loop`, whose loops die
 * for good on an unexpected error. Nothing runs until {@link TaskLoop.start} (or
 * {@link TaskLoop.runNow}).
 *
 * @param task - The work to repeat; receives an `AbortSignal` and the run number.
 * @param options - Exactly one of `intervalMs` and `cron`, plus start-up, jitter, timeout, backoff,
 * clock and logger.
 * @returns A stopped-until-started {@link TaskLoop}.
 * @throws {@link LoopOptionError} for invalid options.
 *
 * @example
 * ```ts
 * import { createLoop } from 'soc-kit/patterns';
 *
 * const loop = createLoop(
 *   async ({ signal, run }) => {
 *     if (signal.aborted) return;
 *     console.log('purging expired warnings, run', run);
 *   },
 *   { name: 'purge', cron: '0 0 * * * *', runOnStart: true, timeoutMs: 30_000 },
 * );
 * loop.start();
 * await loop.stop();
 * ```
 */
export function createLoop(task: LoopTask, options: LoopOptions): TaskLoop {
  return new TaskLoop(task, options);
}
