import { describe, expect, it, vi } from 'vitest';
import { FaultInjector } from '../../src/testing/faults.js';
import type { RecordedRequest } from '../../src/testing/index.js';

const req = (method: RecordedRequest['method'], route: string): RecordedRequest => ({
  index: 0,
  method,
  route,
  path: route,
  params: {},
  query: {},
  body: undefined,
  files: [],
  auditLogReason: undefined,
  authorized: true,
  time: 0,
  status: 0,
  response: undefined,
});

function injector() {
  const drop = vi.fn(() => 2);
  const requestReconnect = vi.fn();
  return { faults: new FaultInjector({ drop, requestReconnect }), drop, requestReconnect };
}

describe('FaultInjector', () => {
  it('answers matching requests with a Discord-style 429 the given number of times', () => {
    const { faults } = injector();
    faults.rateLimit({ method: 'POST' }, { retryAfterMs: 250, times: 2 });
    expect(faults.take(req('GET', '/a'))).toBeUndefined();
    const first = faults.take(req('POST', '/a'));
    expect(first).toEqual({
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: 0.25, global: false, code: 0 },
      headers: {
        'retry-after': '0.25',
        'x-ratelimit-scope': 'user',
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': '0.25',
        'x-ratelimit-bucket': 'mock-POST-/a',
      },
    });
    expect(faults.take(req('POST', '/a'))?.status).toBe(429);
    expect(faults.take(req('POST', '/a'))).toBeUndefined();
  });

  it('marks global limits and server errors', () => {
    const { faults } = injector();
    faults.rateLimit(() => true, { global: true });
    expect(faults.take(req('GET', '/a'))?.headers).toMatchObject({
      'x-ratelimit-global': 'true',
      'x-ratelimit-scope': 'global',
    });
    faults.serverError({ route: '/a' }, { status: 502 });
    expect(faults.take(req('GET', '/a'))).toMatchObject({
      status: 502,
      body: { message: '502: Internal Server Error' },
    });
  });

  it('sums latencies of matching rules until cleared', () => {
    const { faults } = injector();
    faults.latency(10);
    faults.latency(5, { method: 'PUT' });
    expect(faults.latencyFor(req('GET', '/a'))).toBe(10);
    expect(faults.latencyFor(req('PUT', '/a'))).toBe(15);
    faults.serverError(() => true);
    faults.clear();
    expect(faults.latencyFor(req('PUT', '/a'))).toBe(0);
    expect(faults.take(req('PUT', '/a'))).toBeUndefined();
  });

  it('forwards gateway faults with Discord defaults', () => {
    const { faults, drop, requestReconnect } = injector();
    expect(faults.dropGateway()).toBe(2);
    faults.dropGateway({ code: 4009, abrupt: true });
    faults.requestReconnect();
    expect(drop.mock.calls).toEqual([
      [4000, false],
      [4009, true],
    ]);
    expect(requestReconnect).toHaveBeenCalledOnce();
  });

  it('rejects impossible settings', () => {
    const { faults } = injector();
    expect(() => faults.rateLimit(() => true, { retryAfterMs: -1 })).toThrow(
      /retryAfterMs must be/,
    );
    expect(() => faults.rateLimit(() => true, { times: 0 })).toThrow(
      /times must be a positive integer/,
    );
    expect(() => faults.serverError(() => true, { status: 404 })).toThrow(/500–599/);
    expect(() => faults.latency(Number.NaN)).toThrow(/latency must be/);
  });
});
