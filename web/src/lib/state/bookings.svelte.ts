import { bookingsApi } from '../bookings-api.ts';
import { wallRange, type Booking } from '../bookings.ts';
import { ListState } from './list.svelte.ts';

/**
 * Every suite's bookings from a day ago to a week ahead, for the wall's "in session" and "next"
 * lines; loaded once a page wants them and reloaded on booking `changed` events. The range moves
 * with each reload, which the wall triggers at every session start and end and at midnight.
 */
export class BookingsState extends ListState<Booking> {
  wanted = false;
  /**
   * Bumped on every booking change and after a reconnect, so a view that loads its own range
   * (the bookings page's week) knows to load it again.
   */
  revision = $state(0);

  constructor() {
    super(() => bookingsApi.list(wallRange(Date.now())));
  }

  want(): void {
    if (this.wanted) return;
    this.wanted = true;
    void this.reload();
  }

  /** A booking was created, edited, imported or deleted, here or by anyone else. */
  changed(): void {
    this.revision += 1;
    if (this.wanted) void this.reload();
  }

  override reset(): void {
    super.reset();
    this.wanted = false;
  }
}

export const bookings = new BookingsState();
