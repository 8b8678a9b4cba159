/** A counting semaphore: at most `size` holders at once, the rest wait in order. */
export class Limit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** One limit per key (a device address), made on first use and forgotten when idle. */
export class KeyedLimit {
  private readonly limits = new Map<string, { limit: Limit; users: number }>();

  constructor(readonly size: number) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let entry = this.limits.get(key);
    if (!entry) {
      entry = { limit: new Limit(this.size), users: 0 };
      this.limits.set(key, entry);
    }
    entry.users += 1;
    try {
      return await entry.limit.run(work);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) this.limits.delete(key);
    }
  }
}
