import { api } from '../api.ts';
import type { LiveEvent, Probe } from '../types.ts';
import { ListState } from './list.svelte.ts';

type ProbeStateEvent = Extract<LiveEvent, { type: 'probe.state' }>;

/** Probes and their heartbeat state; loaded once a page needs them, then kept live. */
export class ProbesState extends ListState<Probe> {
  wanted = false;

  constructor() {
    super(() => api.probes());
  }

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  /** Up and down arrive as events; the counters come with the next reload. */
  setState(event: ProbeStateEvent): void {
    this.change(event.probeId, (probe) => {
      if (Date.parse(event.at) < Date.parse(probe.stateChangedAt)) return;
      probe.state = event.state;
      probe.stateChangedAt = event.at;
      if (event.state === 'up') probe.lastSeenAt = event.at;
    });
  }

  remove(id: string): void {
    this.apply((items) => {
      const index = items.findIndex((p) => p.id === id);
      if (index !== -1) items.splice(index, 1);
    });
  }

  override reset(): void {
    super.reset();
    this.wanted = false;
  }
}

export const probes = new ProbesState();
