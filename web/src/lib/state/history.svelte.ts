import { SvelteMap } from 'svelte/reactivity';
import { api } from '../api.ts';
import { throttle } from '../throttle.ts';

/** The server answers at most this many names per request. */
const namesPerRequest = 20;
/** New readings refresh the visible sparklines at most this often. */
const refreshEveryMs = 15_000;

export type Points = [number, number][];

/**
 * Reading history for the open device's sparklines, fetched only for the sparklines on screen:
 * a switch with 48 ports has hundreds of readings, and most are scrolled out of sight. A
 * sparkline says when it is shown or hidden; names shown within one tick share requests.
 */
export class HistoryState {
  deviceId: string | null = null;
  hours = $state(24);
  /** Name → points; a sparkline reads only its own key, so one answer redraws only its lines. */
  readonly points = new SvelteMap<string, Points>();
  /* eslint-disable svelte/prefer-svelte-reactivity -- bookkeeping for requests, never rendered */
  private readonly visible = new Set<string>();
  /** Names fetched since the last change of data or period; others are fetched when shown. */
  private readonly fresh = new Set<string>();
  private readonly queued = new Set<string>();
  /* eslint-enable svelte/prefer-svelte-reactivity */
  private flushing = false;
  private generation = 0;
  private readonly refreshSoon = throttle(() => this.refreshVisible(), refreshEveryMs);

  open(deviceId: string): void {
    if (this.deviceId === deviceId) return;
    this.close();
    this.deviceId = deviceId;
  }

  close(): void {
    this.generation += 1;
    this.deviceId = null;
    this.points.clear();
    this.visible.clear();
    this.fresh.clear();
    this.queued.clear();
    this.refreshSoon.cancel();
  }

  setHours(hours: number): void {
    if (hours === this.hours) return;
    this.hours = hours;
    this.fresh.clear();
    this.refreshVisible();
  }

  show(name: string): void {
    this.visible.add(name);
    if (!this.fresh.has(name)) this.enqueue(name);
  }

  hide(name: string): void {
    this.visible.delete(name);
  }

  /** The device has new readings: refresh what is on screen (throttled); the rest goes stale. */
  readingsChanged(): void {
    if (this.deviceId) this.refreshSoon();
  }

  private refreshVisible(): void {
    this.fresh.clear();
    for (const name of this.visible) this.enqueue(name);
  }

  private enqueue(name: string): void {
    this.queued.add(name);
    if (this.flushing) return;
    this.flushing = true;
    // Sparklines appear together (a group scrolls into view): collect them for one tick.
    setTimeout(() => void this.flush(), 0);
  }

  private async flush(): Promise<void> {
    this.flushing = false;
    const deviceId = this.deviceId;
    if (!deviceId) return;
    const names = [...this.queued];
    this.queued.clear();
    const generation = this.generation;
    const hours = this.hours;
    for (const name of names) this.fresh.add(name);
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += namesPerRequest)
      batches.push(names.slice(i, i + namesPerRequest));
    await Promise.all(
      batches.map(async (batch) => {
        try {
          const { series } = await api.history(deviceId, batch, hours);
          if (generation !== this.generation || hours !== this.hours) return;
          for (const s of series) this.points.set(s.name, s.points);
        } catch {
          // A sparkline is decoration: it stays as it was and is asked for again next time.
          for (const name of batch) this.fresh.delete(name);
        }
      }),
    );
  }
}

export const history = new HistoryState();
