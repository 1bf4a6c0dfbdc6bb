/**
 * `soc-kit/bus`: Typed, validated, failure-isolated signal bus.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
