import dns, { lookup as namedLookup } from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { REST } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback, takeNetworkViolations } from '../setup/network-guard.js';

// Documentation-reserved addresses (RFC 5737) and the reserved .invalid TLD: never routable.
const REMOTE = '203.0.113.7';

afterEach(() => {
  // Each test consumes its own expected violations; anything left would fail it in the guard.
  expect(takeNetworkViolations()).toEqual([]);
});

function expectViolation(fragment: string): void {
  const found = takeNetworkViolations();
  expect(found.length).toBeGreaterThan(0);
  expect(found.join('\n')).toContain(fragment);
}

describe('network guard', () => {
  it('classifies loopback hosts', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopback(host)).toBe(true);
    }
    for (const host of ['10.0.0.1', '0.0.0.0', 'discord.com', '::ffff:8.8.8.8', '128.0.0.1']) {
      expect(isLoopback(host)).toBe(false);
    }
  });

  it('blocks net.connect in every call form', () => {
    expect(() => net.connect({ host: REMOTE, port: 80 })).toThrow(/network-guard/);
    expect(() => net.connect(80, REMOTE)).toThrow(/network-guard/);
    expect(() => net.createConnection({ host: 'discord.com', port: 443 })).toThrow(/discord\.com/);
    expect(() => new net.Socket().connect(443, REMOTE)).toThrow(/network-guard/);
    expectViolation(REMOTE);
  });

  it('blocks TLS and http', () => {
    expect(() => tls.connect({ host: 'discord.com', port: 443 })).toThrow(/network-guard/);
    let failed = false;
    try {
      const request = http.get(`http://${REMOTE}/`);
      request.on('error', () => undefined);
    } catch {
      failed = true;
    }
    const found = takeNetworkViolations();
    expect(found.some((v) => v.includes('discord.com'))).toBe(true);
    expect(found.some((v) => v.includes(REMOTE))).toBe(true);
    expect(failed).toBe(true);
  });

  it('blocks fetch and records the violation although fetch wraps the error', async () => {
    await expect(fetch(`http://${REMOTE}/api`)).rejects.toThrow();
    expectViolation(REMOTE);
  });

  it("blocks discord.js's REST client (undici from npm)", async () => {
    const rest = new REST({
      api: 'https://discord.com/api',
      retries: 0,
      hashSweepInterval: 0,
      handlerSweepInterval: 0,
    }).setToken('not-a-token');
    await expect(rest.get('/gateway/bot')).rejects.toThrow();
    expectViolation('discord.com');
  });

  it('blocks DNS lookups of remote names, callback, promise and named-import forms', async () => {
    expect(() => dns.lookup('discord.com', () => undefined)).toThrow(/dns\.lookup/);
    expect(() => namedLookup('gateway.discord.gg', () => undefined)).toThrow(
      /gateway\.discord\.gg/,
    );
    expect(() => dns.promises.lookup('discord.com')).toThrow(/promises\.lookup/);
    expect(() => dns.resolve4('discord.com', () => undefined)).toThrow(/resolve4/);
    expectViolation('discord.com');
  });

  it('lets loopback traffic through', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(await response.text()).toBe('ok');
    const address = await dns.promises.lookup('localhost');
    expect(isLoopback(address.address)).toBe(true);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
