import { randomUUID } from 'node:crypto';

// Decimal spellings of 0..999, plain and zero-padded to three digits. Frozen, shared by all buses.
const PLAIN = Object.freeze(Array.from({ length: 1000 }, (_, n) => String(n)));
const PADDED = Object.freeze(PLAIN.map((digits) => digits.padStart(3, '0')));

/**
 * Issues signal ids `<random prefix>-<counter>`, e.g. `3f2a9c1e-7b4d-17`. Internal to the bus.
 *
 * The 48-bit random prefix (from `crypto.randomUUID`) keeps ids of different buses and processes
 * apart; the counter keeps them unique within a bus. Converting the counter to a string was a
 * tenth of the cost of an emit, so the thousands part is converted once per 1000 ids and the
 * rest comes from a lookup table. The result is exactly `${prefix}${counter}`.
 */
export class SignalIds {
  readonly #prefix = `${randomUUID().slice(0, 13)}-`;
  #thousands = 0;
  #block = this.#prefix;
  #units = 0;

  next(): string {
    if (this.#units === 1000) {
      this.#units = 0;
      this.#thousands += 1;
      this.#block = this.#prefix + String(this.#thousands);
    }
    const units = this.#units;
    this.#units = units + 1;
    return this.#block + ((this.#thousands === 0 ? PLAIN : PADDED)[units] as string);
  }
}
