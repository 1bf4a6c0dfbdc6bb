/**
 * Fixed-capacity ring buffer: pushing past capacity overwrites the oldest item. Internal to the
 * bus (not exported from the package).
 */
export class HistoryRing<T> {
  readonly #items: (T | undefined)[];
  readonly #capacity: number;
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
    this.#items = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Number of items held, at most the capacity. */
  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = this.#next + 1 === this.#capacity ? 0 : this.#next + 1;
    if (this.#size < this.#capacity) this.#size += 1;
  }

  /**
   * The newest `limit` items that pass `keep`, oldest first. Walks from the newest item back and
   * stops as soon as `limit` items are found.
   */
  newest(limit: number, keep?: (item: T) => boolean): T[] {
    const found: T[] = [];
    let index = this.#next;
    for (let seen = 0; seen < this.#size && found.length < limit; seen += 1) {
      index = index === 0 ? this.#capacity - 1 : index - 1;
      const item = this.#items[index] as T;
      if (keep === undefined || keep(item)) found.push(item);
    }
    return found.reverse();
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
