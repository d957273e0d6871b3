/**
 * Runs tasks one at a time per key (a record id), in the order they were queued; different keys run
 * concurrently. The relay reads a record, checks a write against it and appends it as one step: two
 * writers of the same record must not both check against the same `current`.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(options: { key: string; task: () => Promise<T> }): Promise<T> {
    const { key, task } = options;
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing else queued behind this task, so the map holds only busy records.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
