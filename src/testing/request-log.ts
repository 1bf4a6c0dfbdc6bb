import type { Clock, TimerHandle } from '../core/index.js';
import { errorText } from '../core/internal.js';
import { MockDiscordError } from './mock-discord-error.js';

/** HTTP methods the REST API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A file part of a multipart request (an attachment the bot uploaded). */
export interface RecordedFile {
  /** Form field name, e.g. `files[0]`. */
  field: string;
  /** File name the client gave. */
  name: string;
  /** MIME type the client gave (`application/octet-stream` when none). */
  contentType: string;
  /** The uploaded bytes. */
  data: Uint8Array;
}

/**
 * One REST request the bot made, as the simulator received it. Every request is recorded, also
 * those answered with an error (unknown route, injected 429/500, validation failure).
 */
export interface RecordedRequest {
  /** Position in {@link MockDiscord.requests}, starting at 0. */
  index: number;
  /** HTTP method. */
  method: HttpMethod;
  /**
   * The matched route template without the `/api/vN` prefix, e.g. `/channels/:channelId/messages`,
   * or the raw path when no route matched.
   */
  route: string;
  /** The concrete, URL-decoded path without the `/api/vN` prefix, e.g. `/channels/123/messages`. */
  path: string;
  /** Route parameters, URL-decoded (`messageId: '@original'`, `emoji: '👍'`). */
  params: Readonly<Record<string, string>>;
  /** Query string parameters. */
  query: Readonly<Record<string, string>>;
  /**
   * Parsed body: the JSON body, or the parsed `payload_json` field of a multipart body
   * (`undefined` when there was none).
   */
  body: unknown;
  /** Files of a multipart body, in field order. */
  files: readonly RecordedFile[];
  /** Decoded `X-Audit-Log-Reason` header, if the bot gave a reason. */
  auditLogReason: string | undefined;
  /** Whether an `Authorization` header was present. */
  authorized: boolean;
  /** Receive time, from the simulator's clock (epoch ms). */
  time: number;
  /** HTTP status the simulator answered with (recorded once the answer is decided). */
  status: number;
  /** The JSON body the simulator answered with (`undefined` for 204 No Content). */
  response: unknown;
}

/**
 * Selects recorded requests: a predicate, or a partial description where every given field must
 * match (`route` compares with the template, `path` with a string or RegExp, `status` with the
 * answer's HTTP status).
 */
export type RequestMatcher =
  | ((request: RecordedRequest) => boolean)
  | {
      /** HTTP method to match. */
      method?: HttpMethod;
      /** Route template to match, e.g. `/channels/:channelId/messages`. */
      route?: string;
      /** Concrete path to match exactly (string) or by pattern (RegExp). */
      path?: string | RegExp;
      /**
       * HTTP status the simulator answered with. Without it, refused attempts (a 429 before the
       * retry, a 403) match too.
       */
      status?: number;
    };

/** Options of {@link MockDiscord.waitForRequest}. */
export interface WaitForRequestOptions {
  /** How long to wait before rejecting. Default 2000 ms. */
  timeoutMs?: number;
  /**
   * Only consider requests from this index on (a number, or the request after a given one), so a
   * test can wait for the next matching request rather than an earlier one.
   */
  after?: number | RecordedRequest;
}

/** Returns whether `request` satisfies `matcher`. */
export function matchesRequest(matcher: RequestMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === 'function') return matcher(request);
  if (matcher.method !== undefined && matcher.method !== request.method) return false;
  if (matcher.route !== undefined && matcher.route !== request.route) return false;
  if (matcher.status !== undefined && matcher.status !== request.status) return false;
  if (matcher.path !== undefined) {
    if (
      typeof matcher.path === 'string'
        ? matcher.path !== request.path
        : // `search` ignores `lastIndex`, so a /g or /y pattern matches the same way every time.
          request.path.search(matcher.path) === -1
    ) {
      return false;
    }
  }
  return true;
}

/** One line per request, for error messages: `POST /channels/1/messages -> 200`. */
export function describeRequests(requests: readonly RecordedRequest[]): string {
  if (requests.length === 0) return '(no requests)';
  return requests
    .map((r) => {
      const error = r.status >= 400 ? errorSummary(r.response) : '';
      return `  #${r.index} ${r.method} ${r.path} -> ${r.status}${error}`;
    })
    .join('\n');
}

function errorSummary(response: unknown): string {
  if (typeof response !== 'object' || response === null) return '';
  const { code, message } = response as { code?: unknown; message?: unknown };
  return typeof message === 'string'
    ? ` (${typeof code === 'number' ? `${code} ` : ''}${message})`
    : '';
}

/**
 * Runs a matcher; a predicate that throws (e.g. reads `body.content` of a bodiless GET) yields an
 * error for the waiter instead of escaping into the HTTP handler, which would leave the bot's
 * request unanswered.
 */
function tryMatch(matcher: RequestMatcher, request: RecordedRequest): boolean | MockDiscordError {
  try {
    return matchesRequest(matcher, request);
  } catch (error) {
    return new MockDiscordError(
      'MOCK_DISCORD_INVALID_INPUT',
      `the waitForRequest predicate threw on request #${request.index} ${request.method} ${request.path}: ${errorText(error)}`,
      { cause: error },
    );
  }
}

interface Waiter {
  matcher: RequestMatcher;
  from: number;
  resolve: (request: RecordedRequest) => void;
  reject: (error: Error) => void;
  timer: TimerHandle;
}

/** Stores every request and wakes up waiters; owns the waiters' timers. */
export class RequestLog {
  readonly #clock: Clock;
  readonly #requests: RecordedRequest[] = [];
  readonly #waiters = new Set<Waiter>();
  #closed = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get all(): readonly RecordedRequest[] {
    return this.#requests;
  }

  get nextIndex(): number {
    return this.#requests.length;
  }

  /** Records a request and settles the waiters it matches. Never throws, even if a predicate does. */
  add(request: RecordedRequest): void {
    this.#requests.push(request);
    for (const waiter of [...this.#waiters]) {
      if (request.index < waiter.from) continue;
      const matched = tryMatch(waiter.matcher, request);
      if (matched === false) continue;
      this.#waiters.delete(waiter);
      this.#clock.clearTimeout(waiter.timer);
      if (matched === true) waiter.resolve(request);
      else waiter.reject(matched);
    }
  }

  clear(): void {
    this.#requests.length = 0;
  }

  waitFor(matcher: RequestMatcher, options: WaitForRequestOptions = {}): Promise<RecordedRequest> {
    if (this.#closed) {
      return Promise.reject(
        new MockDiscordError('MOCK_DISCORD_CLOSED', 'waitForRequest called after close()'),
      );
    }
    const after = options.after;
    const from = after === undefined ? 0 : typeof after === 'number' ? after : after.index + 1;
    for (const request of this.#requests) {
      if (request.index < from) continue;
      const matched = tryMatch(matcher, request);
      if (matched === true) return Promise.resolve(request);
      if (matched !== false) return Promise.reject(matched);
    }
    const timeoutMs = options.timeoutMs ?? 2000;
    return new Promise<RecordedRequest>((resolve, reject) => {
      const waiter: Waiter = {
        matcher,
        from,
        resolve,
        reject,
        timer: this.#clock.setTimeout(() => {
          this.#waiters.delete(waiter);
          const seen = this.#requests.filter((r) => r.index >= from);
          reject(
            new MockDiscordError(
              'MOCK_DISCORD_WAIT_TIMEOUT',
              `waitForRequest: no matching request within ${timeoutMs} ms; received ${seen.length}:\n${describeRequests(seen)}`,
            ),
          );
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters) {
      this.#clock.clearTimeout(waiter.timer);
      waiter.reject(
        new MockDiscordError(
          'MOCK_DISCORD_CLOSED',
          `the simulator closed while waitForRequest was waiting; received:\n${describeRequests(this.#requests)}`,
        ),
      );
    }
    this.#waiters.clear();
  }
}
