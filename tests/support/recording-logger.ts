import type { LogBindings, Logger } from '../../src/core/index.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: LogBindings;
  message: string | undefined;
}

/** A logger that records every call, for assertions on what was logged. */
export function recordingLogger(): Logger & { entries: LogEntry[]; messages(): string[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (bindings: LogBindings, message?: string): void => {
      entries.push({ level, bindings, message });
    };
  return {
    entries,
    messages: () => entries.map((entry) => entry.message ?? ''),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}
