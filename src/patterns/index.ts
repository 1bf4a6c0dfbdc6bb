/**
 * `soc-kit/patterns`: Security-operations patterns: caching, confidence scoring, anomaly scoring, trends, correlation, workflows and background loops.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
