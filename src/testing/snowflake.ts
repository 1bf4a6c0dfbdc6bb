import type { Clock } from '../core/index.js';

/** Discord's epoch (2015-01-01T00:00:00Z) in Unix milliseconds. */
const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Makes real-looking snowflakes from the clock, so discord.js's `createdTimestamp` is sensible.
 * The low 22 bits are a per-simulator counter: ids are unique and strictly increasing within one
 * simulator even when the clock stands still (fake timers).
 */
export class SnowflakeGenerator {
  readonly #clock: Clock;
  #counter = 0n;
  #last = 0n;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  next(): string {
    const elapsed = BigInt(Math.max(0, Math.floor(this.#clock.now()))) - DISCORD_EPOCH;
    this.#counter += 1n;
    let id = ((elapsed > 0n ? elapsed : 0n) << 22n) | (this.#counter & 0x3fffffn);
    if (id <= this.#last) id = this.#last + 1n;
    this.#last = id;
    return id.toString();
  }
}
