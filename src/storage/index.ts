/**
 * `soc-kit/storage`: Crash-safe JSON persistence and validated per-guild configuration.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
