import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Logger, LogBindings } from '../../src/storage/index.js';

/** A fresh temp folder per test, removed after it. */
export function useTempDir(): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'soc-kit-storage-'));
    dirs.push(dir);
    return dir;
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: LogBindings;
  message: string | undefined;
}

/** A logger that records every line. */
export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (bindings: LogBindings, message?: string): void => {
      lines.push({ level, bindings, message });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
