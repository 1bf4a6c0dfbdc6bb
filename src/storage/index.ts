/**
 * `soc-kit/storage`: Crash-safe JSON persistence and validated per-guild configuration.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
export { StoreLockedError } from './storage-adapter.js';
export type { LockOwner, StorageAdapter, StorageLock } from './storage-adapter.js';
export { FileStorageAdapter } from './file-storage-adapter.js';
export type { FileStorageAdapterOptions } from './file-storage-adapter.js';
export { MemoryStorageAdapter } from './memory-storage-adapter.js';
export type { MemoryStorageAdapterOptions } from './memory-storage-adapter.js';
export {
  JsonStore,
  StoreClosedError,
  StoreCorruptError,
  StoreMigrationError,
  StoreOptionsError,
  StoreUsageError,
  StoreValidationError,
  StoreWriteError,
} from './json-store.js';
export type {
  CorruptPolicy,
  JsonStoreAdapterOptions,
  JsonStoreFileOptions,
  JsonStoreLoadReport,
  JsonStoreOptions,
  JsonStoreStats,
  Migration,
  ReadonlyDeep,
} from './json-store.js';
export { DURATION_FORMAT, durationSetting, formatDuration, parseDuration } from './duration.js';
export type { DurationSettingOptions } from './duration.js';
export { ConfigSchemaError } from './config-schema-error.js';
export {
  ConfigError,
  GuildConfig,
  configSignals,
  guildConfigStoreSchema,
  isSnowflake,
} from './guild-config.js';
export type {
  ConfigChangedData,
  ConfigSignals,
  GuildConfigData,
  GuildConfigOptions,
  SettingDescription,
} from './guild-config.js';
