import { api } from '../api.ts';
import type { MaintenanceWindow, MaintenanceWindowDetail, Occurrence } from '../types.ts';
import { ListState } from './list.svelte.ts';

/** Whether a window can still have an occurrence running now or later. */
function mayRecur(w: MaintenanceWindow, now: number): boolean {
  if (Date.parse(w.endsAt) > now) return true;
  if (w.recurrence === 'none') return false;
  return w.until === null || Date.parse(w.until) > now - 31 * 24 * 3600_000;
}

/**
 * Maintenance windows, loaded once a page needs them and reloaded on `changed` events. The
 * list does not carry the coming occurrences (the server works them out per window, in the
 * window's own time zone), so each window that may still run has its detail fetched too.
 */
export class MaintenanceState extends ListState<MaintenanceWindow> {
  wanted = false;
  /** Window id → its running occurrence, if any, then the next ones. */
  next = $state<Record<string, Occurrence[]>>({});

  constructor() {
    super(() => api.maintenanceWindows());
  }

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  protected override replaced(_before: MaintenanceWindow[] | null, after: MaintenanceWindow[]) {
    const now = Date.now();
    const ids = after.map((w) => w.id);
    for (const id of Object.keys(this.next)) if (!ids.includes(id)) delete this.next[id];
    void Promise.all(
      after
        .filter((w) => mayRecur(w, now))
        .map(async (w) => {
          try {
            const detail = await api.maintenanceWindow(w.id);
            this.next[w.id] = detail.nextOccurrences;
          } catch {
            // Deleted meanwhile, or the server is away: the row shows no next occurrence.
            delete this.next[w.id];
          }
        }),
    );
  }

  /** What we just created, shown before the `changed` event's reload arrives. */
  created(detail: MaintenanceWindowDetail): void {
    const { nextOccurrences, ...window } = detail;
    this.add(window);
    this.next[window.id] = nextOccurrences;
  }

  remove(id: string): void {
    this.apply((items) => {
      const index = items.findIndex((w) => w.id === id);
      if (index !== -1) items.splice(index, 1);
    });
  }

  override reset(): void {
    super.reset();
    this.wanted = false;
    this.next = {};
  }
}

export const maintenance = new MaintenanceState();
