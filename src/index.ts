/**
 * `soc-kit`: the Discord-agnostic parts of the library (signal bus, patterns, storage) from one
 * import. Discord-specific code lives under `soc-kit/commands` and `soc-kit/testing`, which need
 * discord.js.
 *
 * @packageDocumentation
 */
export * from './bus/index.js';
export * from './patterns/index.js';
export * from './storage/index.js';
