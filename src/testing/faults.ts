import { GatewayCloseCodes } from 'discord-api-types/v10';
import { MockDiscordError } from './mock-discord-error.js';
import { matchesRequest } from './request-log.js';
import type { RecordedRequest, RequestMatcher } from './request-log.js';

/** Options of {@link MockDiscordFaults.rateLimit}. */
export interface RateLimitFaultOptions {
  /** The `retry_after` to announce, in milliseconds. Default 100. */
  retryAfterMs?: number;
  /** How many matching requests get a 429 before requests pass again. Default 1. */
  times?: number;
  /** Announce a global rate limit (`X-RateLimit-Global`, `global: true`). Default false. */
  global?: boolean;
}

/** Options of {@link MockDiscordFaults.serverError}. */
export interface ServerErrorFaultOptions {
  /** HTTP status to answer with, 500–599. Default 500. */
  status?: number;
  /** How many matching requests fail before requests pass again. Default 1. */
  times?: number;
}

/** Options of {@link MockDiscordFaults.dropGateway}. */
export interface DropGatewayOptions {
  /**
   * Close code to send. Default 4000 (unknown error), which discord.js answers by resuming.
   * Ignored when `abrupt` is set.
   */
  code?: number;
  /** Destroy the TCP connection without a close frame (the client sees 1006). Default false. */
  abrupt?: boolean;
}

/**
 * Fault injection: make chosen REST requests fail or slow down, and drop gateway connections.
 * Faults apply to requests received after they are set; each request consumes at most one
 * 429/5xx fault (the first one set that matches), and latencies of all matching rules add up.
 */
export interface MockDiscordFaults {
  /**
   * Answers the next `times` matching requests with a 429 and a `retry_after`, as Discord does
   * (body `retry_after` in seconds, `Retry-After` header, `X-RateLimit-Scope`).
   *
   * @param matcher - Which requests to limit.
   * @param options - Retry delay, count and scope.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` for a negative delay or count.
   */
  rateLimit(matcher: RequestMatcher, options?: RateLimitFaultOptions): void;
  /**
   * Answers the next `times` matching requests with a 5xx status.
   *
   * @param matcher - Which requests fail.
   * @param options - Status and count.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` for a status outside 500–599.
   */
  serverError(matcher: RequestMatcher, options?: ServerErrorFaultOptions): void;
  /**
   * Delays the responses to matching requests (all requests when `matcher` is omitted) by `ms`
   * until {@link MockDiscordFaults.clear} is called.
   *
   * @param ms - Added delay in milliseconds.
   * @param matcher - Which requests are slow; default all.
   * @throws {@link MockDiscordError} `MOCK_DISCORD_INVALID_INPUT` for a negative delay.
   */
  latency(ms: number, matcher?: RequestMatcher): void;
  /**
   * Closes every open gateway connection now. Sessions stay resumable, so discord.js reconnects
   * and resumes, and events dispatched meanwhile are replayed.
   *
   * @param options - Close code, or an abrupt TCP drop.
   * @returns The number of connections dropped.
   * @throws Never.
   */
  dropGateway(options?: DropGatewayOptions): number;
  /**
   * Sends op 7 (Reconnect) on every open connection; discord.js closes and resumes.
   *
   * @throws Never.
   */
  requestReconnect(): void;
  /**
   * Removes every pending REST fault and latency rule.
   *
   * @throws Never.
   */
  clear(): void;
}

/** A fault decision for one request. */
export interface FaultResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

interface CountedRule {
  matcher: RequestMatcher;
  remaining: number;
  respond: (request: RecordedRequest) => FaultResponse;
}

/** Holds the fault rules; the HTTP server asks it about each request. */
export class FaultInjector implements MockDiscordFaults {
  readonly #rules: CountedRule[] = [];
  readonly #latencies: { matcher: RequestMatcher | undefined; ms: number }[] = [];
  readonly #gateway: {
    drop: (code: number, abrupt: boolean) => number;
    requestReconnect: () => void;
  };

  constructor(gateway: {
    drop: (code: number, abrupt: boolean) => number;
    requestReconnect: () => void;
  }) {
    this.#gateway = gateway;
  }

  rateLimit(matcher: RequestMatcher, options: RateLimitFaultOptions = {}): void {
    const retryAfterMs = options.retryAfterMs ?? 100;
    const times = options.times ?? 1;
    assertNonNegative('retryAfterMs', retryAfterMs);
    assertCount(times);
    const global = options.global ?? false;
    this.#rules.push({
      matcher,
      remaining: times,
      respond: (request) => ({
        status: 429,
        body: {
          message: 'You are being rate limited.',
          retry_after: retryAfterMs / 1000,
          global,
          code: 0,
        },
        // Discord's full set for a route limit, so discord.js takes its real path: it learns the
        // bucket, marks it exhausted until the reset, and emits `rateLimited` before the retry.
        // (Discord rounds the Retry-After header up to whole seconds; it stays exact here so
        // tests wait only `retryAfterMs`.)
        headers: global
          ? {
              'retry-after': String(retryAfterMs / 1000),
              'x-ratelimit-scope': 'global',
              'x-ratelimit-global': 'true',
            }
          : {
              'retry-after': String(retryAfterMs / 1000),
              'x-ratelimit-scope': 'user',
              'x-ratelimit-limit': '5',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset-after': String(retryAfterMs / 1000),
              // One bucket per route, so a 429 on one route never holds up another.
              'x-ratelimit-bucket': `mock-${request.method}-${request.route}`,
            },
      }),
    });
  }

  serverError(matcher: RequestMatcher, options: ServerErrorFaultOptions = {}): void {
    const status = options.status ?? 500;
    const times = options.times ?? 1;
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new MockDiscordError(
        'MOCK_DISCORD_INVALID_INPUT',
        `serverError status must be an integer in 500–599, got ${status}`,
      );
    }
    assertCount(times);
    this.#rules.push({
      matcher,
      remaining: times,
      respond: () => ({
        status,
        body: { message: `${status}: Internal Server Error`, code: 0 },
        headers: {},
      }),
    });
  }

  latency(ms: number, matcher?: RequestMatcher): void {
    assertNonNegative('latency', ms);
    this.#latencies.push({ matcher, ms });
  }

  dropGateway(options: DropGatewayOptions = {}): number {
    return this.#gateway.drop(
      options.code ?? GatewayCloseCodes.UnknownError,
      options.abrupt ?? false,
    );
  }

  requestReconnect(): void {
    this.#gateway.requestReconnect();
  }

  clear(): void {
    this.#rules.length = 0;
    this.#latencies.length = 0;
  }

  /** Consumes and returns the first matching 429/5xx fault, or `undefined`. */
  take(request: RecordedRequest): FaultResponse | undefined {
    const index = this.#rules.findIndex(
      (rule) => rule.remaining > 0 && matchesRequest(rule.matcher, request),
    );
    if (index === -1) return undefined;
    const rule = this.#rules[index] as CountedRule;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.#rules.splice(index, 1);
    return rule.respond(request);
  }

  /** Total injected latency for `request`. */
  latencyFor(request: RecordedRequest): number {
    let total = 0;
    for (const rule of this.#latencies) {
      if (rule.matcher === undefined || matchesRequest(rule.matcher, request)) total += rule.ms;
    }
    return total;
  }
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `${name} must be a finite number >= 0, got ${value}`,
    );
  }
}

function assertCount(times: number): void {
  if (!Number.isInteger(times) || times < 1) {
    throw new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `times must be a positive integer, got ${times}`,
    );
  }
}
