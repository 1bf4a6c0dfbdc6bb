/**
 * `soc-kit/commands`: Define-once dual slash/prefix commands for discord.js v14. Not implemented yet: this subpath currently exports only the shared core (errors, logger, clock) so that the package layout is stable.
 *
 * @packageDocumentation
 */
export * from '../core/index.js';
