// The booking endpoints, kept beside api.ts rather than in it so bookings.ts stays free of the
// browser (its helpers are unit-tested in Node).
import { request } from './api.ts';
import type { Booking, BookingPatch, ImportRequest, ImportResult, NewBooking } from './bookings.ts';

const at = (id: string) => `/api/bookings/${encodeURIComponent(id)}`;

export const bookingsApi = {
  /** Bookings overlapping from..to, earliest first; every suite's when `suiteId` is left out. */
  list: (filter: { suiteId?: string; from: string; to: string }) => {
    const params = new URLSearchParams({ from: filter.from, to: filter.to });
    if (filter.suiteId) params.set('suiteId', filter.suiteId);
    return request<Booking[]>('GET', `/api/bookings?${params.toString()}`);
  },
  create: (body: NewBooking) => request<Booking>('POST', '/api/bookings', body),
  update: (id: string, body: BookingPatch) => request<Booking>('PATCH', at(id), body),
  remove: (id: string) => request<{ ok: true }>('DELETE', at(id)),
  import: (body: ImportRequest) => request<ImportResult>('POST', '/api/bookings/import', body),
};
