import type { EventBus } from '../../events.ts';

/** Entities whose changes can alter a ticket list: its rows, names, suites or priorities. */
const affecting = new Set(['ticket', 'problem', 'user', 'suite', 'device', 'helpdesk-settings']);

/**
 * Serialized ticket lists, kept for a moment. A wall of dashboards polling the queue, or a
 * refresh storm after a change event, then costs one query instead of one per screen. Any change
 * that could alter a list empties the cache, and no entry outlives `ttlMs`, so the breached and
 * paused flags (which move with the clock) are never older than that.
 */
export class ListCache {
  private entries = new Map<string, { body: string; at: number }>();
  private bytes = 0;
  /** Bumped by every emptying: a list read before a change is not stored after it. */
  generation = 0;

  constructor(
    bus: EventBus,
    private readonly ttlMs = 2000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {
    bus.subscribe((event) => {
      if (event.type === 'changed' && affecting.has(event.entity)) this.clear();
    });
  }

  private clear(): void {
    this.entries.clear();
    this.bytes = 0;
    this.generation += 1;
  }

  get(key: string, now = Date.now()): string | null {
    if (this.ttlMs === 0) return null;
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now - entry.at > this.ttlMs) {
      this.entries.delete(key);
      this.bytes -= entry.body.length;
      return null;
    }
    return entry.body;
  }

  /** Keeps `body` if nothing changed since `generation` was read and it fits. */
  set(key: string, body: string, generation: number, now = Date.now()): void {
    if (this.ttlMs === 0 || generation !== this.generation || body.length > this.maxBytes / 16)
      return;
    if (this.bytes + body.length > this.maxBytes) {
      for (const [k, entry] of this.entries)
        if (now - entry.at > this.ttlMs) {
          this.entries.delete(k);
          this.bytes -= entry.body.length;
        }
      if (this.bytes + body.length > this.maxBytes) this.clear();
    }
    const previous = this.entries.get(key);
    if (previous) this.bytes -= previous.body.length;
    this.entries.set(key, { body, at: now });
    this.bytes += body.length;
  }
}
