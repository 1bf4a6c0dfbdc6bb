/**
 * `soc-kit/patterns`: Security-operations patterns: caching, confidence scoring, anomaly scoring, trends, correlation, workflows and background loops.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
export { TtlCache, TtlCacheOptionError } from './ttl-cache.js';
export type { TtlCacheOptions, TtlCacheStats } from './ttl-cache.js';
