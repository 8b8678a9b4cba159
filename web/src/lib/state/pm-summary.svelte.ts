import { errorText, request } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { SuiteMaintenance } from '../pm-summary.ts';
import { bookings } from './bookings.svelte.ts';
import { pmChanges } from './pm.svelte.ts';

/**
 * Every suite's maintenance line (next work, overdue count, sign-offs at risk) from
 * `GET /api/maintenance/summary`. A page that shows it reloads it when work orders, bookings or
 * the maintenance settings change (pmChanges, bookings.revision), and now and then, because work
 * turns overdue and a sign-off comes into the week with no event at all.
 */
export class PmSummaryState {
  bySuite = $state<Record<string, SuiteMaintenance>>({});
  loaded = $state(false);
  error = $state('');
  private generation = 0;

  readonly reload = coalesce(async () => {
    const generation = this.generation;
    try {
      const rows = await request<SuiteMaintenance[]>('GET', '/api/maintenance/summary');
      if (generation !== this.generation) return;
      this.bySuite = Object.fromEntries(rows.map((row) => [row.suiteId, row]));
      this.loaded = true;
      this.error = '';
    } catch (error) {
      if (generation === this.generation) this.error = errorText(error);
    }
  });

  get(suiteId: string): SuiteMaintenance | undefined {
    return this.bySuite[suiteId];
  }

  reset(): void {
    this.generation += 1;
    this.bySuite = {};
    this.loaded = false;
    this.error = '';
  }
}

export const pmSummary = new PmSummaryState();

/** How often a page showing the summary reloads it with no event. */
export const summaryRefreshMs = 5 * 60_000;

/**
 * Loads the summary and keeps it current while the calling component is mounted: call it from
 * a component's script. A finished calibration is a work-order change; the sign-off window is
 * a maintenance setting.
 */
export function followPmSummary(): void {
  $effect(() => {
    void pmChanges.workOrders;
    void pmChanges.settings;
    void pmChanges.templates;
    void bookings.revision;
    void pmSummary.reload();
  });
  $effect(() => {
    const timer = setInterval(() => void pmSummary.reload(), summaryRefreshMs);
    return () => clearInterval(timer);
  });
}
