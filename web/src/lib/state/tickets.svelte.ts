import { ApiError, errorText } from '../api.ts';
import { coalesce } from '../coalesce.ts';
import { ticketsApi } from '../tickets-api.ts';
import type { Ticket, TicketEvent } from '../tickets.ts';

/**
 * Ticket lists (the queue, a suite's open tickets) load their own filtered rows; this counter
 * tells them to load again. It is bumped on every ticket `changed` event and after a reconnect,
 * and each list coalesces its reloads, so a burst of events costs two requests, not one each.
 */
export class TicketChanges {
  revision = $state(0);

  changed(): void {
    this.revision += 1;
  }

  reset(): void {
    this.revision = 0;
  }
}

export const ticketChanges = new TicketChanges();

/** The ticket page's ticket and its timeline, reloaded when a `changed` event names it. */
export class OpenTicketState {
  id = $state<string | null>(null);
  ticket = $state<Ticket | null>(null);
  events = $state<TicketEvent[]>([]);
  notFound = $state(false);
  error = $state('');

  readonly reload = coalesce(async () => {
    const id = this.id;
    if (!id) return;
    try {
      const [ticket, events] = await Promise.all([ticketsApi.get(id), ticketsApi.timeline(id)]);
      if (this.id !== id) return;
      this.ticket = ticket;
      this.events = events;
      this.notFound = false;
      this.error = '';
    } catch (error) {
      if (this.id !== id) return;
      if (error instanceof ApiError && error.statusCode === 404) this.notFound = true;
      else this.error = errorText(error);
    }
  });

  open(id: string): void {
    if (this.id === id) return;
    this.id = id;
    this.ticket = null;
    this.events = [];
    this.notFound = false;
    this.error = '';
    void this.reload();
  }

  close(): void {
    this.id = null;
  }

  /** An action answers with the ticket as it now is; the timeline follows with a reload. */
  set(ticket: Ticket): void {
    if (ticket.id !== this.id) return;
    this.ticket = ticket;
    void this.reload();
  }

  changed(id: string): void {
    if (id === this.id) void this.reload();
  }
}

export const openTicket = new OpenTicketState();
