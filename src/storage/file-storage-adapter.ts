import { randomBytes } from 'node:crypto';
import {
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import {
  StoreLockedError,
  type LockOwner,
  type StorageAdapter,
  type StorageLock,
} from './storage-adapter.js';

/**
 * Options of {@link FileStorageAdapter}.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import path from 'node:path';
 * import { FileStorageAdapter, type FileStorageAdapterOptions } from 'soc-kit/storage';
 *
 * const options: FileStorageAdapterOptions = { path: path.join(mkdtempSync(path.join(tmpdir(), 'sockit-')), 'shared.json'), mode: 0o640 };
 * console.log(new FileStorageAdapter(options).location.endsWith('shared.json')); // true
 * ```
 */
export interface FileStorageAdapterOptions {
  /** The JSON file. Its folder is created if missing. */
  path: string;
  /**
   * File mode for a file created from scratch. An existing file keeps its mode. Default `0o600`
   * (owner only), since bot data often names users.
   */
  mode?: number;
}

interface LockRecord extends LockOwner {
  /** When the holding process started, epoch ms; tells a restarted process with a reused pid apart. */
  processStartedAt: number;
  /** Random id, so a holder only ever removes its own lock. */
  token: string;
}

// Errors from fsync on a directory that mean "not supported here" rather than "failed".
const DIR_FSYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL', 'ENOTSUP', 'EBADF', 'EACCES']);
// Errors from link() that mean "hard links are not supported on this file system".
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS']);

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
}

function processStartedAt(): number {
  return Math.round(Date.now() - process.uptime() * 1000);
}

function parseLock(text: string): LockRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockRecord> | null;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof value.pid === 'number' &&
      Number.isSafeInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.hostname === 'string' &&
      typeof value.acquiredAt === 'number' &&
      typeof value.processStartedAt === 'number' &&
      typeof value.token === 'string'
    ) {
      return value as LockRecord;
    }
  } catch {
    // fall through: unreadable
  }
  return undefined;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch {
    // already gone, or not ours to remove
  }
}

/**
 * The default {@link StorageAdapter}: one JSON file on the local disk.
 *
 * Files it uses next to `data.json`:
 * - `data.json.<pid>-<hex>.tmp`: a write in progress. It is fsynced, then renamed over
 *   `data.json`, then the folder is fsynced, so after a crash at any instant `data.json` is
 *   either the old or the new complete document.
 * - `data.json.bak`: the document as it was before the latest write. Just before the new file is
 *   renamed in, the current file is hard-linked to `data.json.bak` (a metadata operation, no copy;
 *   a copy is made only where hard links are unsupported). The backup is therefore always a
 *   complete document that was once the current one.
 * - `data.json.lock`: who holds the file (pid, host name, start times). It is created with an
 *   atomic link, so it never exists half-written. A lock whose process is dead on this host is
 *   stale and is taken over.
 * - `data.json.corrupt-<timestamp>` (and `data.json.bak.corrupt-<timestamp>`): unreadable data
 *   moved aside, never deleted or overwritten.
 *
 * Leftover `.tmp` files of interrupted writes are removed when the lock is taken.
 *
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import path from 'node:path';
 * import { FileStorageAdapter } from 'soc-kit/storage';
 *
 * const file = path.join(mkdtempSync(path.join(tmpdir(), 'sockit-')), 'data.json');
 * const adapter = new FileStorageAdapter({ path: file });
 * const lock = await adapter.lock();
 * await adapter.write('{"version":0,"data":{}}');
 * console.log(await adapter.read());
 * await lock.release();
 * ```
 */
export class FileStorageAdapter implements StorageAdapter {
  /** @inheritDoc */
  readonly location: string;
  private readonly dir: string;
  private readonly base: string;
  private readonly mode: number;

  /**
   * @param options - The file path and creation mode.
   */
  constructor(options: FileStorageAdapterOptions) {
    this.location = path.resolve(options.path);
    this.dir = path.dirname(this.location);
    this.base = path.basename(this.location);
    this.mode = options.mode ?? 0o600;
  }

  private get lockPath(): string {
    return `${this.location}.lock`;
  }

  private get backupPath(): string {
    return `${this.location}.bak`;
  }

  private tempName(kind: '' | '.bak' | '.lock'): string {
    return `${this.location}${kind}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  }

  /**
   * Takes the lock file, recovering a stale one, then removes debris of interrupted writes.
   *
   * @returns The lock; releasing it deletes the lock file if it is still ours.
   * @throws {@link StoreLockedError} when a live process (or another store in this process)
   * holds the file, or when the holder is on another host and cannot be checked.
   * @throws The underlying I/O error, e.g. when the folder is not writable.
   */
  async lock(): Promise<StorageLock> {
    await mkdir(this.dir, { recursive: true });
    const record: LockRecord = {
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: Date.now(),
      processStartedAt: processStartedAt(),
      token: randomBytes(12).toString('hex'),
    };
    const text = `${JSON.stringify(record)}\n`;
    for (let attempt = 0; ; attempt += 1) {
      if (await this.tryCreateLock(text)) break;
      const existingText = await readOptional(this.lockPath);
      if (existingText === undefined) continue; // released meanwhile: try again
      const existing = parseLock(existingText);
      const staleReason = await this.staleReason(existing);
      if (staleReason === undefined || attempt >= 5) {
        throw new StoreLockedError(
          this.location,
          existing,
          existing === undefined
            ? ` The lock file ${this.lockPath} is unreadable and recent.`
            : ` If that process is gone, delete ${this.lockPath}.`,
        );
      }
      await this.takeOver(existingText);
    }
    await this.removeDebris();
    let held = true;
    return {
      release: async () => {
        if (!held) return;
        held = false;
        const current = await readOptional(this.lockPath);
        if (current === text) await unlink(this.lockPath);
      },
    };
  }

  private async tryCreateLock(text: string): Promise<boolean> {
    const temp = this.tempName('.lock');
    try {
      await writeDurably(temp, text, 0o644);
    } catch (error) {
      await unlinkQuietly(temp); // half written (disk full): do not leave it behind
      throw error;
    }
    try {
      await link(temp, this.lockPath);
      await fsyncDir(this.dir);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return false;
      if (code !== undefined && LINK_UNSUPPORTED.has(code)) {
        // No hard links: exclusive create instead. A reader may briefly see it empty.
        try {
          const handle = await open(this.lockPath, 'wx', 0o644);
          try {
            await handle.writeFile(text);
            await handle.sync();
          } finally {
            await handle.close();
          }
          return true;
        } catch (fallbackError) {
          if (errorCode(fallbackError) === 'EEXIST') return false;
          throw fallbackError;
        }
      }
      throw error;
    } finally {
      await unlinkQuietly(temp);
    }
  }

  private async staleReason(existing: LockRecord | undefined): Promise<string | undefined> {
    if (existing === undefined) {
      // Unreadable lock: only the non-link fallback can leave one briefly; old means abandoned.
      try {
        const info = await stat(this.lockPath);
        return Date.now() - info.mtimeMs > 10_000 ? 'unreadable and old' : undefined;
      } catch {
        return 'vanished';
      }
    }
    if (existing.hostname !== hostname()) return undefined;
    if (existing.pid === process.pid) {
      // Same pid: another store in this process, or a previous run that got the same pid
      // (common in containers, where the bot is often pid 1).
      return Math.abs(existing.processStartedAt - processStartedAt()) > 2000
        ? 'previous process with the same pid'
        : undefined;
    }
    return isProcessAlive(existing.pid) ? undefined : 'holder is dead';
  }

  // Removes a stale lock without ever removing a fresh lock another process just took: move it
  // aside, check it is still the stale one, and put it back if it is not.
  private async takeOver(staleText: string): Promise<void> {
    const aside = this.tempName('.lock');
    try {
      await rename(this.lockPath, aside);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    const moved = await readOptional(aside);
    if (moved !== staleText) {
      try {
        await link(aside, this.lockPath);
      } catch {
        // someone else holds it now; their lock stands
      }
    }
    await unlinkQuietly(aside);
  }

  private async removeDebris(): Promise<void> {
    const ours = new RegExp(
      `^${escapeRegExp(this.base)}(\\.bak|\\.lock)?\\.(\\d+)-[0-9a-f]+\\.tmp$`,
    );
    for (const name of await readdir(this.dir)) {
      const match = ours.exec(name);
      if (match === null) continue;
      // Lock temp files may belong to a live process racing for the lock; the rest are ours.
      if (match[1] === '.lock' && isProcessAlive(Number(match[2]))) continue;
      await unlinkQuietly(path.join(this.dir, name));
    }
  }

  /**
   * @returns The file's text, or `undefined` when the file does not exist.
   * @throws The underlying I/O error, other than "not found".
   */
  read(): Promise<string | undefined> {
    return readOptional(this.location);
  }

  /**
   * @returns The `.bak` file's text, or `undefined` when it does not exist.
   * @throws The underlying I/O error, other than "not found".
   */
  readBackup(): Promise<string | undefined> {
    return readOptional(this.backupPath);
  }

  /**
   * Writes a temp file, fsyncs it, refreshes `.bak` from the current file, renames the temp file
   * over the target and fsyncs the folder.
   *
   * @param text - The new document.
   * @returns Resolves when the new document is durable.
   * @throws The underlying I/O error (disk full, permissions); the target is then unchanged and
   * the temp file removed.
   */
  async write(text: string): Promise<void> {
    const temp = this.tempName('');
    try {
      let mode = this.mode;
      try {
        mode = (await stat(this.location)).mode & 0o777;
      } catch {
        // new file
      }
      await writeDurably(temp, text, mode);
      await this.refreshBackup();
      await rename(temp, this.location);
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
    await fsyncDir(this.dir);
  }

  private async refreshBackup(): Promise<void> {
    const temp = this.tempName('.bak');
    try {
      await link(this.location, temp);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return; // nothing to back up yet
      if (code === undefined || !LINK_UNSUPPORTED.has(code)) throw error;
      try {
        await copyFile(this.location, temp);
        const handle = await open(temp, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (copyError) {
        await unlinkQuietly(temp);
        if (errorCode(copyError) === 'ENOENT') return;
        throw copyError;
      }
    }
    try {
      await rename(temp, this.backupPath);
    } catch (error) {
      await unlinkQuietly(temp);
      throw error;
    }
  }

  /**
   * Renames the file (or `.bak`) to `<name>.corrupt-<timestamp>`, adding `-1`, `-2`... if that
   * name is taken, then fsyncs the folder.
   *
   * @param which - `'current'` or `'backup'`.
   * @param timestamp - Epoch milliseconds for the name.
   * @returns The quarantine path, or `undefined` when the file did not exist.
   * @throws The underlying I/O error; the file is then still in place.
   */
  async quarantine(which: 'current' | 'backup', timestamp: number): Promise<string | undefined> {
    const source = which === 'current' ? this.location : this.backupPath;
    for (let n = 0; ; n += 1) {
      const target = `${source}.corrupt-${timestamp}${n === 0 ? '' : `-${n}`}`;
      try {
        // link + unlink instead of rename: rename would silently replace an existing target.
        await link(source, target);
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT') return undefined;
        if (code === 'EEXIST') continue;
        if (code !== undefined && LINK_UNSUPPORTED.has(code)) {
          const moved = await this.renameToFreshName(source, target);
          if (moved === 'taken') continue;
          if (moved === 'gone') return undefined;
          await fsyncDir(this.dir);
          return target;
        }
        throw error;
      }
      await unlink(source);
      await fsyncDir(this.dir);
      return target;
    }
  }

  // Without hard links: reserve the name with an exclusive create, then rename over the
  // placeholder, since a plain rename would silently replace an earlier quarantined file.
  private async renameToFreshName(
    source: string,
    target: string,
  ): Promise<'moved' | 'taken' | 'gone'> {
    try {
      await (await open(target, 'wx', 0o600)).close();
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return 'taken';
      throw error;
    }
    try {
      await rename(source, target);
      return 'moved';
    } catch (error) {
      await unlinkQuietly(target);
      if (errorCode(error) === 'ENOENT') return 'gone';
      throw error;
    }
  }
}

async function writeDurably(file: string, text: string, mode: number): Promise<void> {
  const handle = await open(file, 'w', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    // Windows and some network file systems cannot fsync a folder; the rename is still atomic.
    if (code === undefined || !DIR_FSYNC_UNSUPPORTED.has(code)) throw error;
  } finally {
    await handle?.close();
  }
}
