/** Structured context attached to a log line, e.g. `{ guildId, userId }`. */
export type LogBindings = Record<string, unknown>;

/**
 * A structured logger. The call shape matches pino (`logger.info({ guildId }, 'message')`), so a
 * pino logger can be passed anywhere soc-kit accepts a `Logger`.
 *
 * Implementations must not throw: soc-kit logs from error paths and relies on logging being safe.
 *
 * @example
 * ```ts
 * import { createConsoleLogger } from 'soc-kit';
 *
 * const logger = createConsoleLogger({ component: 'AnomalyDetector' });
 * logger.info({ guildId: '123456789012345678' }, 'baseline updated');
 * ```
 */
export interface Logger {
  /** Verbose diagnostics, off by default in the console logger. */
  debug(bindings: LogBindings, message?: string): void;
  /** Significant, expected events: start-up, a finished job. */
  info(bindings: LogBindings, message?: string): void;
  /** Something went wrong but the operation continued. */
  warn(bindings: LogBindings, message?: string): void;
  /** An operation failed. Put the error under the `err` key, as pino does. */
  error(bindings: LogBindings, message?: string): void;
  /** Optional: a logger that adds `bindings` to every line (pino's `child`). */
  child?(bindings: LogBindings): Logger;
}

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVEL_RANK: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
  silent: 99,
};

/** Options of {@link createConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Name printed as `[Component]` at the start of each line. */
  component?: string;
  /** Lowest level written. Default `'info'`. */
  level?: LogLevel;
  /** Line sink. Default writes to `console.log` / `console.error` by level. */
  write?: (level: Exclude<LogLevel, 'silent'>, line: string) => void;
}

function formatBindings(bindings: LogBindings): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(bindings)) {
    if (value === undefined) continue;
    if (value instanceof Error) {
      parts.push(`${key}=${value.name}: ${value.message}`);
    } else if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      typeof value === 'bigint' ||
      typeof value === 'symbol'
    ) {
      parts.push(`${key}=${String(value)}`);
    } else {
      let text: string;
      try {
        text = JSON.stringify(value);
      } catch {
        text = '[unserializable]';
      }
      parts.push(`${key}=${text}`);
    }
  }
  return parts.join(' ');
}

function defaultWrite(level: Exclude<LogLevel, 'silent'>, line: string): void {
  if (level === 'error' || level === 'warn') console.error(line);
  else console.log(line);
}

/**
 * Creates the default logger: one human-readable line per call, `[Component] message key=value`.
 *
 * The line format follows the seed's `[CogName] message` convention. Bindings of child loggers are
 * merged with per-call bindings; per-call keys win. Never throws, even on circular bindings.
 *
 * @param options - Component name, minimum level and output sink.
 * @returns A {@link Logger} with `child` support.
 *
 * @example
 * ```ts
 * import { createConsoleLogger } from 'soc-kit';
 *
 * const lines: string[] = [];
 * const logger = createConsoleLogger({ component: 'Demo', write: (_level, line) => lines.push(line) });
 * logger.warn({ userId: '42' }, 'rate limited');
 * // lines[0] === '[Demo] rate limited userId=42'
 * ```
 */
export function createConsoleLogger(options: ConsoleLoggerOptions = {}): Logger {
  return build(options, {});
}

function build(options: ConsoleLoggerOptions, base: LogBindings): Logger {
  const threshold = LEVEL_RANK[options.level ?? 'info'];
  const write = options.write ?? defaultWrite;
  const prefix = options.component === undefined ? '' : `[${options.component}] `;
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (bindings: LogBindings, message?: string): void => {
      if (LEVEL_RANK[level] < threshold) return;
      const context = formatBindings({ ...base, ...bindings });
      const text = [message, context].filter((part) => part !== undefined && part !== '').join(' ');
      try {
        write(level, `${prefix}${text}`);
      } catch {
        // A failing sink must never break the caller; there is nowhere left to report it.
      }
    };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (bindings) => build(options, { ...base, ...bindings }),
  };
}

/**
 * A logger that discards everything. The default wherever a logger is optional.
 *
 * @example
 * ```ts
 * import { noopLogger } from 'soc-kit';
 *
 * noopLogger.error({ err: new Error('ignored') }, 'nothing is written');
 * ```
 */
export const noopLogger: Logger = Object.freeze({
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => noopLogger,
});
