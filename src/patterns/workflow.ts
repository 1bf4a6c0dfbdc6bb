import { z } from 'zod';
import type { SignalEmitter } from '../bus/signal-emitter.js';
import { noopLogger, SocKitError, systemClock } from '../core/index.js';
import type { Clock, Logger } from '../core/index.js';
import { errorText, guardLogger, isPositiveNumber, MAX_TIMER_DELAY_MS } from '../core/internal.js';

/**
 * Thrown (as a rejection of {@link runWorkflow}, or synchronously by {@link WorkflowBuilder.step})
 * when a workflow is malformed: an empty or duplicate step name, a missing `run`, a negative retry
 * count or a non-positive timeout. Nothing has run when it is thrown. Code: `WORKFLOW_INVALID`.
 *
 * @example
 * ```ts
 * import { defineWorkflow, WorkflowDefinitionError } from 'soc-kit/patterns';
 *
 * try {
 *   defineWorkflow<string>().step('a', () => 1).step('a', () => 2);
 * } catch (error) {
 *   console.log(error instanceof WorkflowDefinitionError, (error as WorkflowDefinitionError).code);
 * }
 * ```
 */
export class WorkflowDefinitionError extends SocKitError {
  /**
   * @param message - What was wrong and what was expected.
   */
  constructor(message: string) {
    super('WORKFLOW_INVALID', message);
  }
}

/**
 * The error recorded for a step attempt that ran past its `timeoutMs`, or for the workflow when it
 * ran past the overall `timeoutMs`. Code: `WORKFLOW_STEP_TIMEOUT` or `WORKFLOW_TIMEOUT`.
 *
 * @example
 * ```ts
 * import { runWorkflow, WorkflowTimeoutError } from 'soc-kit/patterns';
 *
 * const result = await runWorkflow(
 *   [{ name: 'slow', timeoutMs: 10, run: (_input, _prev, { signal }) =>
 *     new Promise((resolve) => signal.addEventListener('abort', resolve)) }],
 *   undefined,
 * );
 * console.log(result.steps[0]?.error instanceof WorkflowTimeoutError);
 * ```
 */
export class WorkflowTimeoutError extends SocKitError {
  /**
   * @param scope - `'step'` for an attempt (code `WORKFLOW_STEP_TIMEOUT`), `'workflow'` for the
   * whole run (code `WORKFLOW_TIMEOUT`).
   * @param message - Which step or workflow, and its limit.
   */
  constructor(scope: 'step' | 'workflow', message: string) {
    super(scope === 'step' ? 'WORKFLOW_STEP_TIMEOUT' : 'WORKFLOW_TIMEOUT', message);
  }
}

/**
 * The error recorded when the caller's `AbortSignal` cancelled the workflow; the signal's reason is
 * its `cause`. Code: `WORKFLOW_CANCELLED`.
 *
 * @example
 * ```ts
 * import { runWorkflow, WorkflowCancelledError } from 'soc-kit/patterns';
 *
 * const result = await runWorkflow([{ name: 'a', run: () => 1 }], undefined, {
 *   signal: AbortSignal.abort('shutting down'),
 * });
 * console.log(result.status, result.error instanceof WorkflowCancelledError);
 * ```
 */
export class WorkflowCancelledError extends SocKitError {
  /**
   * @param message - What was cancelled.
   * @param reason - The abort reason of the caller's signal.
   */
  constructor(message: string, reason: unknown) {
    super('WORKFLOW_CANCELLED', message, { cause: reason });
  }
}

/**
 * Signal schemas of the workflow runner. Spread them into your catalog
 * (`defineSignals({ ...workflowSignals, ...yours })`) and pass the bus as the `bus` option.
 *
 * - `WORKFLOW_STEP`: one per finished step (succeeded, failed, cancelled or skipped).
 * - `WORKFLOW_COMPLETED`: one per run, after its last step.
 *
 * @example
 * ```ts
 * import { defineSignals, SignalBus } from 'soc-kit/bus';
 * import { runWorkflow, workflowSignals } from 'soc-kit/patterns';
 *
 * const bus = new SignalBus({ catalog: defineSignals({ ...workflowSignals }) });
 * bus.subscribe('WORKFLOW_STEP', (signal) => console.log(signal.data.step, signal.data.status));
 * await runWorkflow([{ name: 'lookup', run: () => 42 }], undefined, { bus, name: 'demo' });
 * await bus.close();
 * ```
 */
export const workflowSignals: WorkflowSignalSchemas = {
  WORKFLOW_STEP: z.object({
    workflow: z.string(),
    step: z.string(),
    status: z.enum(['succeeded', 'failed', 'cancelled', 'skipped']),
    optional: z.boolean(),
    attempts: z.number().int().nonnegative(),
    durationMs: z.number().nonnegative(),
    error: z.string().optional(),
  }),
  WORKFLOW_COMPLETED: z.object({
    workflow: z.string(),
    status: z.enum(['succeeded', 'degraded', 'failed', 'cancelled', 'timedOut']),
    durationMs: z.number().nonnegative(),
    failedSteps: z.array(z.string()),
  }),
};

/** Payload of the `WORKFLOW_STEP` signal. */
export interface WorkflowStepSignal {
  /** Workflow name. */
  workflow: string;
  /** Step name. */
  step: string;
  /** The step's final status. */
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  /** Whether the step was optional. */
  optional: boolean;
  /** Attempts made. */
  attempts: number;
  /** Step duration in ms, backoff included. */
  durationMs: number;
  /** `Name: message` of the last error, when it did not succeed. */
  error?: string | undefined;
}

/** Payload of the `WORKFLOW_COMPLETED` signal. */
export interface WorkflowCompletedSignal {
  /** Workflow name. */
  workflow: string;
  /** The workflow's final status. */
  status: 'succeeded' | 'degraded' | 'failed' | 'cancelled' | 'timedOut';
  /** Run time in ms. */
  durationMs: number;
  /** Names of the steps that failed (optional ones included). */
  failedSteps: string[];
}

/** Type of {@link workflowSignals}: the zod schema of each workflow signal. */
// A type alias, not an interface, so it satisfies the bus's `Record<string, SignalSchema>`.
export type WorkflowSignalSchemas = {
  /** Schema of {@link WorkflowStepSignal}. */
  WORKFLOW_STEP: z.ZodType<WorkflowStepSignal, WorkflowStepSignal>;
  /** Schema of {@link WorkflowCompletedSignal}. */
  WORKFLOW_COMPLETED: z.ZodType<WorkflowCompletedSignal, WorkflowCompletedSignal>;
};

/** Exponential backoff between attempts of a step. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 100). */
  initialMs?: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** Upper bound of a delay, in ms (default 10,000; at most 2^31-1, the longest timer). */
  maxMs?: number;
  /**
   * Share of each delay that is random, 0..1 (default 1, "full jitter"): the delay is
   * `base * (1 - jitter + jitter * random())`.
   */
  jitter?: number;
}

/** What a step's `run` receives besides the input and previous results. */
export interface StepContext {
  /** Aborted when the attempt times out, the workflow times out or the caller cancels. */
  signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  attempt: number;
  /** The step's name. */
  step: string;
}

/** Per-step behaviour. */
export interface StepOptions {
  /**
   * An optional step's failure is recorded and the workflow goes on (its value is then missing
   * from the results); a required step's failure stops the workflow. Default `false`.
   */
  optional?: boolean;
  /** Retries after a failed attempt (default 0). */
  retries?: number;
  /**
   * Limit of each attempt, in ms (at most 2^31-1, the longest a timer can wait). The attempt's
   * signal is aborted and the attempt fails.
   */
  timeoutMs?: number;
  /** Delays between attempts. */
  backoff?: BackoffOptions;
  /** Decides whether a failed attempt is retried (default: always, while retries remain). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
}

/**
 * One step of a workflow given as a plain array. (Use {@link defineWorkflow} to get typed
 * previous results.)
 *
 * @typeParam In - Workflow input type.
 */
export interface WorkflowStep<In> extends StepOptions {
  /** Unique, non-empty name; the key of its value in the results. */
  name: string;
  /**
   * The step's work. May be async. Receives the workflow input, the values of the steps that
   * succeeded before it, and the attempt context.
   */
  run: (input: In, previous: Readonly<Record<string, unknown>>, context: StepContext) => unknown;
}

/** Outcome of one step in a {@link WorkflowResult}. */
export interface StepResult {
  /** Step name. */
  name: string;
  /** `skipped` means it never ran because the workflow had already stopped. */
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  /** Whether the step was optional. */
  optional: boolean;
  /** The value, when it succeeded. */
  value?: unknown;
  /** The last attempt's error, when it failed or was cancelled. */
  error?: unknown;
  /** Attempts made (0 when skipped). */
  attempts: number;
  /** Time from the first attempt to the end of the last, backoff included, in ms. */
  durationMs: number;
}

/** Fields shared by every {@link WorkflowResult}. */
export interface WorkflowResultBase {
  /** The workflow's name (`options.name`, default `'workflow'`). */
  name: string;
  /** One entry per step, in definition order. */
  steps: StepResult[];
  /** Total run time in ms. */
  durationMs: number;
}

/**
 * The result of {@link runWorkflow}. When the status is `succeeded` (every step succeeded) or
 * `degraded` (every required step succeeded, some optional step failed), `values` holds every
 * required step's value. Otherwise `values` holds what finished and `error` is why it stopped.
 *
 * @typeParam Values - Accumulated step values, by step name.
 */
export type WorkflowResult<Values> =
  | (WorkflowResultBase & {
      /** Every required step succeeded. */
      status: 'succeeded' | 'degraded';
      /** Values of the steps that succeeded. */
      values: Values;
      /** Never set on success. */
      error?: undefined;
    })
  | (WorkflowResultBase & {
      /** A required step failed, the caller cancelled, or the overall timeout fired. */
      status: 'failed' | 'cancelled' | 'timedOut';
      /** Values of the steps that succeeded before it stopped. */
      values: Partial<Values>;
      /** The error that stopped the workflow. */
      error: unknown;
    });

/** Options of {@link runWorkflow}. */
export interface WorkflowOptions {
  /** Name used in logs, signals and the result (default `'workflow'`). */
  name?: string;
  /** Cancels the workflow: the running attempt's signal is aborted and no further step starts. */
  signal?: AbortSignal;
  /** Limit of the whole run in ms, backoff included (at most 2^31-1, the longest timer). */
  timeoutMs?: number;
  /** Time source and timers (default {@link systemClock}). */
  clock?: Clock;
  /** Random numbers in [0, 1) for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Receives a warning per failed attempt (default: silent). */
  logger?: Logger;
  /** Receives `WORKFLOW_STEP` and `WORKFLOW_COMPLETED` signals (see {@link workflowSignals}). */
  bus?: SignalEmitter<WorkflowSignalSchemas>;
  /** Copied onto emitted signals. */
  guildId?: string;
  /** Copied onto emitted signals. */
  correlationId?: string;
}

/**
 * The work of a typed step: receives the workflow input, the values of the earlier steps and the
 * attempt context.
 *
 * @typeParam In - Workflow input type.
 * @typeParam Prev - Values of the earlier steps.
 * @typeParam Out - The step's value (or a promise of it).
 */
export type WorkflowStepRun<In, Prev, Out> = (
  input: In,
  previous: Prev,
  context: StepContext,
) => Out | Promise<Out>;

/**
 * An immutable list of typed steps; each {@link WorkflowBuilder.step} returns a new builder whose
 * results type includes the new step. Create one with {@link defineWorkflow}.
 *
 * @typeParam In - Workflow input type.
 * @typeParam Values - Accumulated values of the steps so far, by name.
 *
 * @example
 * ```ts
 * import { defineWorkflow, runWorkflow } from 'soc-kit/patterns';
 *
 * const flow = defineWorkflow<{ userId: string }>()
 *   .step('profile', ({ userId }) => ({ id: userId, ageDays: 3 }))
 *   .step('risk', (_input, { profile }) => (profile.ageDays < 7 ? 0.8 : 0.1));
 * const result = await runWorkflow(flow, { userId: '42' });
 * if (result.status === 'succeeded') console.log(result.values.risk);
 * ```
 */
export class WorkflowBuilder<In, Values extends Record<string, unknown>> {
  /** The steps, in order. */
  readonly steps: readonly WorkflowStep<In>[];

  /**
   * @param steps - Steps so far (use {@link defineWorkflow} instead of calling this).
   */
  constructor(steps: readonly WorkflowStep<In>[] = []) {
    this.steps = steps;
  }

  /**
   * Returns a new builder with one more required step, whose value is typed in later steps.
   *
   * @param name - Unique step name.
   * @param run - The step's work; receives the input, the previous values and the context.
   * @param options - Retries, timeout, backoff; `optional: false` or absent.
   * @returns A builder whose values include `name`.
   * @throws {@link WorkflowDefinitionError} for an empty or duplicate name or invalid options.
   */
  step<N extends string, Out>(
    name: N,
    run: WorkflowStepRun<In, Values, Out>,
    options?: StepOptions & { optional?: false },
  ): WorkflowBuilder<In, Values & { readonly [K in N]: Awaited<Out> }>;
  /**
   * Returns a new builder with one more optional step; later steps see its value as possibly
   * missing.
   *
   * @param name - Unique step name.
   * @param run - The step's work.
   * @param options - Must include `optional: true`.
   * @returns A builder whose values may include `name`.
   * @throws {@link WorkflowDefinitionError} for an empty or duplicate name or invalid options.
   */
  step<N extends string, Out>(
    name: N,
    run: WorkflowStepRun<In, Values, Out>,
    options: StepOptions & { optional: true },
  ): WorkflowBuilder<In, Values & { readonly [K in N]?: Awaited<Out> }>;
  step(
    name: string,
    run: WorkflowStepRun<In, Values, unknown>,
    options: StepOptions = {},
  ): WorkflowBuilder<In, Record<string, unknown>> {
    const step = { ...options, name, run } as WorkflowStep<In>;
    const steps = [...this.steps, step];
    validateSteps(steps);
    return new WorkflowBuilder<In, Record<string, unknown>>(steps);
  }
}

/**
 * Starts a typed workflow definition: chain {@link WorkflowBuilder.step} calls, then pass the
 * builder to {@link runWorkflow}.
 *
 * @typeParam In - Workflow input type.
 * @returns An empty builder.
 * @throws Never.
 *
 * @example
 * ```ts
 * import { defineWorkflow, runWorkflow } from 'soc-kit/patterns';
 *
 * const flow = defineWorkflow<number>()
 *   .step('double', (n) => n * 2)
 *   .step('enrich', async () => { throw new Error('API down'); }, { optional: true })
 *   .step('label', (_n, { double, enrich }) => `${double}${enrich === undefined ? '' : '+'}`);
 * const result = await runWorkflow(flow, 21);
 * console.log(result.status, result.values.label);
 * ```
 */
export function defineWorkflow<In>(): WorkflowBuilder<In, Record<never, never>> {
  return new WorkflowBuilder<In, Record<never, never>>();
}

function checkPositive(step: string, name: string, value: unknown, timer = false): void {
  if (!isPositiveNumber(value, timer ? { max: MAX_TIMER_DELAY_MS } : {})) {
    throw new WorkflowDefinitionError(
      `step "${step}": ${name} must be a positive finite number${timer ? ` of ms up to ${MAX_TIMER_DELAY_MS}` : ''}, got ${String(value)}`,
    );
  }
}

function validateSteps<In>(steps: readonly WorkflowStep<In>[]): void {
  if (!Array.isArray(steps)) {
    throw new WorkflowDefinitionError('runWorkflow: steps must be an array or a WorkflowBuilder');
  }
  const names = new Set<string>();
  for (const step of steps) {
    if (typeof step?.name !== 'string' || step.name === '') {
      throw new WorkflowDefinitionError('every workflow step needs a non-empty string name');
    }
    if (names.has(step.name)) {
      throw new WorkflowDefinitionError(`two workflow steps are named "${step.name}"`);
    }
    names.add(step.name);
    if (typeof step.run !== 'function') {
      throw new WorkflowDefinitionError(`step "${step.name}": run must be a function`);
    }
    const retries = step.retries ?? 0;
    if (!Number.isInteger(retries) || retries < 0) {
      throw new WorkflowDefinitionError(
        `step "${step.name}": retries must be a non-negative integer, got ${String(retries)}`,
      );
    }
    if (step.timeoutMs !== undefined) checkPositive(step.name, 'timeoutMs', step.timeoutMs, true);
    const backoff = step.backoff;
    if (backoff !== undefined) {
      // Checked here: a NaN or negative delay would otherwise become a 1 ms timer.
      if (backoff.initialMs !== undefined) {
        checkPositive(step.name, 'backoff.initialMs', backoff.initialMs);
      }
      if (backoff.factor !== undefined) checkPositive(step.name, 'backoff.factor', backoff.factor);
      if (backoff.maxMs !== undefined) {
        checkPositive(step.name, 'backoff.maxMs', backoff.maxMs, true);
      }
      const jitter = backoff.jitter;
      if (jitter !== undefined && !(typeof jitter === 'number' && jitter >= 0 && jitter <= 1)) {
        throw new WorkflowDefinitionError(
          `step "${step.name}": backoff.jitter must be a number from 0 to 1, got ${String(jitter)}`,
        );
      }
    }
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Runs `work`, settling early with the abort reason if `signal` aborts first. */
function settleOrAbort(work: () => unknown, signal: AbortSignal): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const onAbort = (): void => resolve({ ok: false, error: signal.reason });
    signal.addEventListener('abort', onAbort, { once: true });
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(work());
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ ok: true, value });
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ ok: false, error });
      },
    );
  });
}

/** Waits `ms` on the clock; resolves `false` at once if `signal` aborts. Clears its timer either way. */
function sleep(ms: number, signal: AbortSignal, clock: Clock): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Computes the delay before retry number `retry` (1-based).
 *
 * @internal
 */
export function backoffDelay(options: BackoffOptions, retry: number, random: () => number): number {
  const initial = options.initialMs ?? 100;
  const factor = options.factor ?? 2;
  const max = options.maxMs ?? 10_000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 1));
  const base = Math.min(max, initial * factor ** (retry - 1));
  return base * (1 - jitter + jitter * random());
}

/**
 * Runs steps one after another and returns a structured result per step; never rejects because a
 * step failed.
 *
 * Guarantees:
 * - Steps run in order; each receives the input and the values of the steps that succeeded before.
 * - A failed required step stops the workflow (later steps are `skipped`, status `failed`); a
 *   failed optional step is recorded and the run goes on (status `degraded`).
 * - A failed attempt is retried up to `retries` times after an exponential, jittered backoff.
 *   Each attempt's `signal` is aborted on its `timeoutMs`, on the overall `timeoutMs`, and when the
 *   caller's `signal` aborts; the runner then moves on without waiting for the step to notice.
 * - Every timer it starts is cleared before it resolves, and its abort listeners are removed.
 * - With a `bus`, it emits `WORKFLOW_STEP` after each step and `WORKFLOW_COMPLETED` at the end,
 *   without awaiting handlers; a failed emit is logged, never thrown.
 *
 * @param steps - A {@link WorkflowBuilder} (typed values) or an array of {@link WorkflowStep}.
 * @param input - Passed to every step.
 * @param options - Name, cancellation, overall timeout, clock, randomness, logger and bus.
 * @returns The per-step results, the values and the overall status.
 * @throws {@link WorkflowDefinitionError} (as a rejection) when the steps are malformed (names,
 * `run`, `retries`, `timeoutMs`, `backoff`) or `options.timeoutMs` is invalid; nothing runs then.
 *
 * @example
 * ```ts
 * import { runWorkflow } from 'soc-kit/patterns';
 *
 * let calls = 0;
 * const result = await runWorkflow(
 *   [
 *     { name: 'fetch', retries: 2, backoff: { initialMs: 1 }, run: () => {
 *       calls += 1;
 *       if (calls < 2) throw new Error('flaky');
 *       return 'data';
 *     } },
 *     { name: 'notify', optional: true, run: () => { throw new Error('webhook down'); } },
 *   ],
 *   undefined,
 * );
 * console.log(result.status, result.steps.map((step) => `${step.name}:${step.status}:${step.attempts}`));
 * ```
 */
export function runWorkflow<In, Values extends Record<string, unknown>>(
  steps: WorkflowBuilder<In, Values>,
  input: In,
  options?: WorkflowOptions,
): Promise<WorkflowResult<Values>>;
/**
 * Runs an array of steps; values are untyped (`Record<string, unknown>`).
 *
 * @param steps - The steps.
 * @param input - Passed to every step.
 * @param options - See {@link WorkflowOptions}.
 * @returns The per-step results, the values and the overall status.
 * @throws {@link WorkflowDefinitionError} (as a rejection) when the steps are malformed.
 */
export function runWorkflow<In>(
  steps: readonly WorkflowStep<In>[],
  input: In,
  options?: WorkflowOptions,
): Promise<WorkflowResult<Record<string, unknown>>>;
export async function runWorkflow<In>(
  steps: WorkflowBuilder<In, Record<string, unknown>> | readonly WorkflowStep<In>[],
  input: In,
  options: WorkflowOptions = {},
): Promise<WorkflowResult<Record<string, unknown>>> {
  const list = steps instanceof WorkflowBuilder ? steps.steps : steps;
  validateSteps(list);
  const timeoutMs: unknown = options.timeoutMs;
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && timeoutMs <= MAX_TIMER_DELAY_MS)
  ) {
    throw new WorkflowDefinitionError(
      `runWorkflow: options.timeoutMs must be a positive number of ms up to ${MAX_TIMER_DELAY_MS}, got ${String(timeoutMs)}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const logger = options.logger === undefined ? noopLogger : guardLogger(options.logger);
  const name = options.name ?? 'workflow';
  const started = clock.now();
  const controller = new AbortController();
  const external = options.signal;
  const onExternalAbort = (): void => {
    controller.abort(
      new WorkflowCancelledError(`workflow "${name}" was cancelled`, external?.reason),
    );
  };
  if (external?.aborted === true) onExternalAbort();
  else external?.addEventListener('abort', onExternalAbort, { once: true });
  let overallTimer: unknown;
  if (options.timeoutMs !== undefined) {
    const limit = options.timeoutMs;
    overallTimer = clock.setTimeout(() => {
      controller.abort(
        new WorkflowTimeoutError('workflow', `workflow "${name}" ran past ${limit} ms`),
      );
    }, limit);
  }

  const meta = (severity: 'info' | 'low' | 'medium') => ({
    severity,
    source: 'runWorkflow',
    ...(options.guildId === undefined ? {} : { guildId: options.guildId }),
    ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
  });
  // Emits without awaiting handlers; a refused or throwing emit is logged, never thrown.
  const send = (
    type: string,
    emit: (bus: SignalEmitter<WorkflowSignalSchemas>) => Promise<unknown>,
  ) => {
    const bus = options.bus;
    if (bus === undefined) return;
    const warn = (error: unknown): void => {
      logger.warn({ workflow: name, signal: type, err: error }, 'workflow signal emit failed');
    };
    try {
      emit(bus).catch(warn);
    } catch (error) {
      warn(error);
    }
  };
  const emitStep = (data: WorkflowStepSignal, severity: 'info' | 'low' | 'medium'): void => {
    send('WORKFLOW_STEP', (bus) => bus.emit('WORKFLOW_STEP', data, meta(severity)));
  };

  const values: Record<string, unknown> = {};
  const results: StepResult[] = [];
  // A flag, not `stopError !== undefined`: a step may throw or reject with `undefined`.
  let stopped = false;
  let stopError: unknown;
  let degraded = false;
  try {
    for (const step of list) {
      const optional = step.optional === true;
      if (stopped || controller.signal.aborted) {
        if (!stopped) stopError = controller.signal.reason;
        stopped = true;
        results.push({ name: step.name, status: 'skipped', optional, attempts: 0, durationMs: 0 });
        emitStep(
          {
            workflow: name,
            step: step.name,
            status: 'skipped',
            optional,
            attempts: 0,
            durationMs: 0,
          },
          'info',
        );
        continue;
      }
      const result = await runStep(
        step,
        input,
        Object.freeze({ ...values }),
        controller.signal,
        clock,
        random,
        logger,
        name,
      );
      results.push(result);
      emitStep(
        {
          workflow: name,
          step: step.name,
          status: result.status as 'succeeded' | 'failed' | 'cancelled',
          optional,
          attempts: result.attempts,
          durationMs: result.durationMs,
          ...(result.status === 'succeeded' ? {} : { error: errorText(result.error, true) }),
        },
        result.status === 'succeeded' ? 'info' : optional ? 'low' : 'medium',
      );
      if (result.status === 'succeeded') {
        values[step.name] = result.value;
      } else if (result.status === 'cancelled' || !optional) {
        stopped = true;
        stopError = result.error;
      } else {
        degraded = true;
      }
    }
  } finally {
    if (overallTimer !== undefined) clock.clearTimeout(overallTimer);
    external?.removeEventListener('abort', onExternalAbort);
  }

  const durationMs = clock.now() - started;
  const base = { name, steps: results, durationMs };
  let result: WorkflowResult<Record<string, unknown>>;
  if (!stopped) {
    result = { ...base, status: degraded ? 'degraded' : 'succeeded', values };
  } else {
    const status =
      stopError instanceof WorkflowCancelledError
        ? 'cancelled'
        : stopError instanceof WorkflowTimeoutError && stopError.code === 'WORKFLOW_TIMEOUT'
          ? 'timedOut'
          : 'failed';
    result = { ...base, status, values, error: stopError };
  }
  const completed: WorkflowCompletedSignal = {
    workflow: name,
    status: result.status,
    durationMs,
    failedSteps: results.filter((step) => step.status === 'failed').map((step) => step.name),
  };
  const severity =
    result.status === 'succeeded' ? 'info' : result.status === 'degraded' ? 'low' : 'medium';
  send('WORKFLOW_COMPLETED', (bus) => bus.emit('WORKFLOW_COMPLETED', completed, meta(severity)));
  return result;
}

async function runStep<In>(
  step: WorkflowStep<In>,
  input: In,
  values: Readonly<Record<string, unknown>>,
  workflowSignal: AbortSignal,
  clock: Clock,
  random: () => number,
  logger: Logger,
  workflow: string,
): Promise<StepResult> {
  const optional = step.optional === true;
  const retries = step.retries ?? 0;
  const started = clock.now();
  let attempt = 0;
  for (;;) {
    attempt += 1;
    const attemptController = new AbortController();
    const forward = (): void => attemptController.abort(workflowSignal.reason);
    workflowSignal.addEventListener('abort', forward, { once: true });
    let timer: unknown;
    if (step.timeoutMs !== undefined) {
      const limit = step.timeoutMs;
      timer = clock.setTimeout(() => {
        attemptController.abort(
          new WorkflowTimeoutError(
            'step',
            `step "${step.name}" attempt ${attempt} ran past ${limit} ms`,
          ),
        );
      }, limit);
    }
    const context: StepContext = { signal: attemptController.signal, attempt, step: step.name };
    let outcome: Outcome;
    try {
      outcome = await settleOrAbort(
        () => step.run(input, values, context),
        attemptController.signal,
      );
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer);
      workflowSignal.removeEventListener('abort', forward);
    }
    if (outcome.ok) {
      return {
        name: step.name,
        status: 'succeeded',
        optional,
        value: outcome.value,
        attempts: attempt,
        durationMs: clock.now() - started,
      };
    }
    const error = outcome.error;
    const stopped = (): StepResult => ({
      name: step.name,
      status: 'cancelled',
      optional,
      error: workflowSignal.reason,
      attempts: attempt,
      durationMs: clock.now() - started,
    });
    if (workflowSignal.aborted) return stopped();
    logger.warn(
      { workflow, step: step.name, attempt, err: error },
      attempt <= retries ? 'workflow step failed; retrying' : 'workflow step failed',
    );
    let retry = attempt <= retries;
    if (retry && step.shouldRetry !== undefined) {
      try {
        retry = step.shouldRetry(error, attempt);
      } catch (predicateError) {
        logger.warn({ workflow, step: step.name, err: predicateError }, 'shouldRetry threw');
        retry = false;
      }
    }
    if (!retry) {
      return {
        name: step.name,
        status: 'failed',
        optional,
        error,
        attempts: attempt,
        durationMs: clock.now() - started,
      };
    }
    const waited = await sleep(
      backoffDelay(step.backoff ?? {}, attempt, random),
      workflowSignal,
      clock,
    );
    if (!waited) return stopped();
  }
}
