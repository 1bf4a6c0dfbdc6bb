import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { MockDiscordError } from '../../src/testing/index.js';
import type { RecordedRequest } from '../../src/testing/index.js';
import { RequestLog, describeRequests, matchesRequest } from '../../src/testing/request-log.js';

afterEach(() => {
  vi.useRealTimers();
});

let next = 0;
function request(partial: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    index: next++,
    method: 'GET',
    route: '/users/:userId',
    path: '/users/1',
    params: { userId: '1' },
    query: {},
    body: undefined,
    files: [],
    auditLogReason: undefined,
    authorized: true,
    time: 0,
    status: 200,
    response: undefined,
    ...partial,
  };
}

describe('matchesRequest', () => {
  it('matches by predicate, method, route and path (string or RegExp)', () => {
    const r = request({
      method: 'POST',
      route: '/channels/:channelId/messages',
      path: '/channels/9/messages',
    });
    expect(matchesRequest((x) => x.method === 'POST', r)).toBe(true);
    expect(matchesRequest({ method: 'POST', route: '/channels/:channelId/messages' }, r)).toBe(
      true,
    );
    expect(matchesRequest({ method: 'GET' }, r)).toBe(false);
    expect(matchesRequest({ route: '/x' }, r)).toBe(false);
    expect(matchesRequest({ path: '/channels/9/messages' }, r)).toBe(true);
    expect(matchesRequest({ path: '/channels/8/messages' }, r)).toBe(false);
    expect(matchesRequest({ path: /\/channels\/\d+\// }, r)).toBe(true);
    expect(matchesRequest({ path: /nope/ }, r)).toBe(false);
    expect(matchesRequest({ method: 'POST', status: 200 }, r)).toBe(true);
    expect(matchesRequest({ method: 'POST', status: 429 }, r)).toBe(false);
  });

  it('describes requests one per line', () => {
    expect(describeRequests([])).toBe('(no requests)');
    expect(describeRequests([request({ index: 3, method: 'PUT', path: '/a', status: 429 })])).toBe(
      '  #3 PUT /a -> 429',
    );
  });
});

describe('RequestLog.waitFor', () => {
  it('resolves with an earlier match, or waits for a later one; `after` skips earlier ones', async () => {
    next = 0;
    const log = new RequestLog(systemClock);
    const first = request();
    log.add(first);
    await expect(log.waitFor({ method: 'GET' })).resolves.toBe(first);
    const later = log.waitFor({ method: 'GET' }, { after: first });
    const byIndex = log.waitFor({ method: 'GET' }, { after: 1 });
    const second = request();
    log.add(second);
    await expect(later).resolves.toBe(second);
    await expect(byIndex).resolves.toBe(second);
    expect(log.all).toHaveLength(2);
    expect(log.nextIndex).toBe(2);
    log.clear();
    expect(log.all).toHaveLength(0);
    log.close();
  });

  it('rejects after the timeout, listing what was received, and leaves no timer', async () => {
    vi.useFakeTimers();
    next = 0;
    const log = new RequestLog(systemClock);
    log.add(request({ method: 'POST', path: '/channels/1/messages', status: 400 }));
    const waiting = log.waitFor({ method: 'DELETE' }, { timeoutMs: 500 });
    const assertion = expect(waiting).rejects.toThrow(
      /within 500 ms; received 1:\n {2}#0 POST \/channels\/1\/messages -> 400/,
    );
    await vi.advanceTimersByTimeAsync(500);
    await assertion;
    await expect(waiting).rejects.toMatchObject({ code: 'MOCK_DISCORD_WAIT_TIMEOUT' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects pending and new waits once closed, clearing their timers', async () => {
    vi.useFakeTimers();
    const log = new RequestLog(systemClock);
    const waiting = log.waitFor({ method: 'GET' });
    const assertion = expect(waiting).rejects.toBeInstanceOf(MockDiscordError);
    log.close();
    await assertion;
    await expect(log.waitFor({ method: 'GET' })).rejects.toMatchObject({
      code: 'MOCK_DISCORD_CLOSED',
    });
    expect(vi.getTimerCount()).toBe(0);
  });
});
