import { api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { TrapEvent } from '../types.ts';

const pageSize = 100;

/**
 * The trap log, newest first. A live `trap` event reloads the newest page (coalesced, so a trap
 * storm costs two requests, not one per trap); older pages are loaded on request.
 */
export class TrapsState {
  items = $state<TrapEvent[]>([]);
  loaded = $state(false);
  error = $state('');
  /** False once an older page came back short: nothing older is stored. */
  more = $state(true);
  loadingOlder = $state(false);
  wanted = false;
  private generation = 0;

  readonly reload = coalesce(async () => {
    const generation = this.generation;
    try {
      const newest = await api.traps({ limit: pageSize });
      if (generation !== this.generation) return;
      this.merge(newest);
      if (!this.loaded) this.more = newest.length === pageSize;
      this.loaded = true;
      this.error = '';
    } catch (error) {
      if (generation === this.generation) this.error = errorText(error);
    }
  });

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  async loadOlder(): Promise<void> {
    const oldest = this.items.at(-1);
    if (!oldest || this.loadingOlder) return;
    const generation = this.generation;
    this.loadingOlder = true;
    try {
      const older = await api.traps({ beforeId: oldest.id, limit: pageSize });
      if (generation !== this.generation) return;
      this.merge(older);
      this.more = older.length === pageSize;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.loadingOlder = false;
    }
  }

  private merge(incoming: TrapEvent[]): void {
    const byId: Record<number, TrapEvent> = {};
    for (const trap of this.items) byId[trap.id] = trap;
    for (const trap of incoming) byId[trap.id] = trap;
    this.items = Object.values(byId).sort((a, b) => b.id - a.id);
  }

  reset(): void {
    this.generation += 1;
    this.items = [];
    this.loaded = false;
    this.more = true;
    this.wanted = false;
    this.error = '';
  }
}

export const traps = new TrapsState();
