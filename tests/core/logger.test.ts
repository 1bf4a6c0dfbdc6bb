import { describe, expect, it } from 'vitest';
import { createConsoleLogger, noopLogger } from '../../src/core/index.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error' | 'silent') {
  const lines: Array<[string, string]> = [];
  const logger = createConsoleLogger({
    component: 'Test',
    ...(level === undefined ? {} : { level }),
    write: (lvl, line) => lines.push([lvl, line]),
  });
  return { logger, lines };
}

describe('createConsoleLogger', () => {
  it('prefixes the component and appends bindings as key=value', () => {
    const { logger, lines } = capture();
    logger.info({ guildId: '1', count: 3, ok: true }, 'hello');
    expect(lines).toEqual([['info', '[Test] hello guildId=1 count=3 ok=true']]);
  });

  it('filters below the configured level and writes nothing when silent', () => {
    const { logger, lines } = capture('warn');
    logger.debug({}, 'd');
    logger.info({}, 'i');
    logger.warn({}, 'w');
    logger.error({}, 'e');
    expect(lines.map(([lvl]) => lvl)).toEqual(['warn', 'error']);
    const silent = capture('silent');
    silent.logger.error({}, 'x');
    expect(silent.lines).toEqual([]);
  });

  it('formats errors, objects, circular values and skips undefined', () => {
    const { logger, lines } = capture();
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    logger.error({ err: new TypeError('bad'), obj: { a: 1 }, loop: circular, gone: undefined });
    expect(lines[0]?.[1]).toBe('[Test] err=TypeError: bad obj={"a":1} loop=[unserializable]');
  });

  it('prints bigint and symbol bindings instead of calling them unserializable', () => {
    const { logger, lines } = capture();
    logger.warn({ userId: 123456789012345678n, tag: Symbol('raid') }, 'w');
    expect(lines[0]?.[1]).toBe('[Test] w userId=123456789012345678 tag=Symbol(raid)');
  });

  it('child loggers merge bindings, call bindings win', () => {
    const { logger, lines } = capture();
    logger.child?.({ guildId: 'g', userId: 'u' }).info({ userId: 'v' }, 'm');
    expect(lines[0]?.[1]).toBe('[Test] m guildId=g userId=v');
  });

  it('never throws when the sink throws', () => {
    const logger = createConsoleLogger({
      write: () => {
        throw new Error('sink down');
      },
    });
    expect(() => logger.error({}, 'x')).not.toThrow();
  });

  it('noopLogger discards and returns itself as child', () => {
    expect(() => noopLogger.info({ a: 1 }, 'x')).not.toThrow();
    expect(noopLogger.child?.({})).toBe(noopLogger);
  });
});
