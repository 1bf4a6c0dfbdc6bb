/**
 * `soc-kit/testing`: A local Discord simulator (REST and gateway) so real discord.js clients run offline in tests.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
