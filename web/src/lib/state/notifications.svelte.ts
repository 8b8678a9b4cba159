import { api, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import type { Delivery, DeliveryState, NotificationChannel } from '../types.ts';
import { ListState } from './list.svelte.ts';

/** Notification channels, loaded once a page needs them, reloaded on `changed` events. */
export class ChannelsState extends ListState<NotificationChannel> {
  wanted = false;

  constructor() {
    super(() => api.channels());
  }

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  remove(id: string): void {
    this.apply((items) => {
      const index = items.findIndex((c) => c.id === id);
      if (index !== -1) items.splice(index, 1);
    });
  }

  override reset(): void {
    super.reset();
    this.wanted = false;
  }
}

export const channels = new ChannelsState();

const shownDeliveries = 100;

/**
 * The newest deliveries in the outbox. No event names a delivery; the dispatcher announces the
 * channels it sent on, so a channel change reloads this page (coalesced).
 */
export class DeliveriesState {
  items = $state<Delivery[]>([]);
  state = $state<DeliveryState | ''>('');
  loaded = $state(false);
  error = $state('');
  wanted = false;
  private generation = 0;

  readonly reload = coalesce(async () => {
    const generation = this.generation;
    const state = this.state;
    try {
      const items = await api.deliveries({ state: state || undefined, limit: shownDeliveries });
      if (generation !== this.generation || state !== this.state) return;
      this.items = items;
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

  show(state: DeliveryState | ''): void {
    this.state = state;
    void this.reload();
  }

  reset(): void {
    this.generation += 1;
    this.items = [];
    this.state = '';
    this.loaded = false;
    this.wanted = false;
    this.error = '';
  }
}

export const deliveries = new DeliveriesState();
