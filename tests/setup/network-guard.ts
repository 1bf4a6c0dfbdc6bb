// Tests must never reach beyond this machine. Every outgoing TCP connection (net, tls, http, and
// fetch/undici, which all end in net.Socket#connect), every DNS lookup and every UDP send to a
// non-loopback address throws at once AND fails the running test in afterEach, so a library that
// swallows the error (discord.js retries, fetch wraps it in "fetch failed") cannot hide it.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterEach } from 'vitest';

const LOOPBACK =
  /^(localhost|127(?:\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1|::ffff:127(?:\.\d{1,3}){3})$/i;

interface GuardState {
  installed: boolean;
  violations: string[];
}

// Shared through globalThis so a test importing this module sees the same state as the setup run,
// and a second evaluation of the setup file in one process does not wrap the functions twice.
const STATE_KEY = Symbol.for('soc-kit.network-guard');
const globalState = globalThis as unknown as Record<symbol, GuardState | undefined>;
const state: GuardState = (globalState[STATE_KEY] ??= { installed: false, violations: [] });

/** Whether `host` names this machine's loopback interface. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host.replace(/^\[|\]$/g, ''));
}

/** Returns the violations recorded so far and forgets them (for the guard's own tests). */
export function takeNetworkViolations(): string[] {
  return state.violations.splice(0, state.violations.length);
}

function violation(what: string): Error {
  const message = `network-guard: tests may only use loopback (127.0.0.1, ::1, localhost); blocked ${what}`;
  state.violations.push(message);
  return new Error(message);
}

/** The host a `Socket#connect` call targets, or undefined for IPC (a local path). */
function connectHost(args: unknown[]): string | undefined {
  // net.connect() passes its already-normalised arguments as one array: [options, callback].
  const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return undefined;
    return typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const second = Array.isArray(args[0]) ? undefined : args[1];
    return typeof second === 'string' && second !== '' ? second : 'localhost';
  }
  return undefined; // a path string: IPC
}

function install(): void {
  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = connectHost(args);
    if (host !== undefined && !isLoopback(host)) throw violation(`a TCP connection to ${host}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const guardHost = (name: string, host: unknown): void => {
    if (typeof host === 'string' && !isLoopback(host)) throw violation(`dns.${name}(${host})`);
  };
  const wrap = <F extends (...args: never[]) => unknown>(name: string, fn: F): F =>
    function guardedDns(this: unknown, ...args: Parameters<F>) {
      guardHost(name, args[0]);
      return fn.apply(this, args);
    } as F;
  const dnsCallbacks = [
    'lookup',
    'resolve',
    'resolve4',
    'resolve6',
    'resolveAny',
    'resolveCname',
    'resolveMx',
    'resolveNs',
    'resolveSrv',
    'resolveTxt',
  ] as const;
  const dnsTable = dns as unknown as Record<string, (...args: never[]) => unknown>;
  const promisesTable = dns.promises as unknown as Record<string, (...args: never[]) => unknown>;
  for (const name of dnsCallbacks) {
    const original = dnsTable[name];
    if (original !== undefined) dnsTable[name] = wrap(name, original);
    const originalPromise = promisesTable[name];
    if (originalPromise !== undefined)
      promisesTable[name] = wrap(`promises.${name}`, originalPromise);
  }

  const originalSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
    const address = args.find((a, i) => i > 0 && typeof a === 'string' && !/^\d+$/.test(a));
    if (typeof address === 'string' && !isLoopback(address))
      throw violation(`a UDP datagram to ${address}`);
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;

  // Make `import { lookup } from 'node:dns'` see the guarded functions too.
  syncBuiltinESMExports();
  state.installed = true;
}

if (!state.installed) install();

afterEach(() => {
  const found = takeNetworkViolations();
  if (found.length > 0) {
    throw new Error(
      `${found.length} network-guard violation(s) during this test:\n${found.join('\n')}`,
    );
  }
});
