/**
 * Group commit: writes that arrive while a batch is being written wait and go together as the next
 * batch, one statement for all of them. Nothing waits on a timer: when the writer is idle, a write
 * leaves at once, alone, so a single delivery costs what it did without batching; under load, N
 * concurrent writes cost one round trip and one commit instead of N.
 *
 * Items with the same key never share a batch (one `INSERT ... ON CONFLICT DO UPDATE` statement may
 * not touch a row twice): a second one waits for the next batch, where it meets the first one's row.
 * When a batch of several fails, each of its items is written alone, so one bad item fails only its
 * own caller.
 */
export class GroupCommit<Item, Result> {
  private queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = []
  private writing = false

  /**
   * `write` stores a batch and returns one result per item, in the items' order; `keyOf` names the
   * row an item writes; at most `maxBatch` items go in one batch.
   */
  constructor(
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly keyOf: (item: Item) => string,
    private readonly maxBatch = 64
  ) {}

  /** Resolves with the item's result once the batch that carried it is committed. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      if (!this.writing) {
        void this.drain()
      }
    })
  }

  private async drain(): Promise<void> {
    this.writing = true
    try {
      while (this.queue.length) {
        const batch = this.takeBatch()
        await this.writeBatch(batch)
      }
    } finally {
      this.writing = false
    }
  }

  /** The oldest waiting items, at most `maxBatch`, no two with the same key; the rest keep their order. */
  private takeBatch() {
    const keys = new Set<string>()
    const batch: typeof this.queue = []
    const later: typeof this.queue = []
    for (const entry of this.queue) {
      const key = this.keyOf(entry.item)
      if (batch.length < this.maxBatch && !keys.has(key)) {
        keys.add(key)
        batch.push(entry)
      } else {
        later.push(entry)
      }
    }
    this.queue = later
    return batch
  }

  private async writeBatch(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.write(batch.map((entry) => entry.item))
      batch.forEach((entry, index) => entry.resolve(results[index]))
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error)
        return
      }
      for (const entry of batch) {
        await this.writeBatch([entry])
      }
    }
  }
}
