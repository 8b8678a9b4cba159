// The maintenance calendar endpoint, kept beside api.ts so schedule.ts stays free of the browser
// (its layout helpers are unit-tested in Node).
import { request } from './api.ts';
import { scopeParams, type CalendarData, type CalendarScope } from './schedule.ts';

export const scheduleApi = {
  /** Bookings, work orders, window occurrences and maintenance hours of a place in [from, to). */
  calendar: (period: { from: string; to: string }, scope: CalendarScope) =>
    request<CalendarData>(
      'GET',
      `/api/maintenance/calendar?${new URLSearchParams({ ...period, ...scopeParams(scope) }).toString()}`,
    ),
};
