// The maintenance report endpoints: the report itself and its lists as CSV downloads.
import { ApiError, request } from './api.ts';
import { downloadName } from './helpdesk.ts';
import {
  reportLists,
  type MaintenanceReport,
  type ReportList,
  type TrendRow,
} from './maintenance-report.ts';
import { session } from './state/session.svelte.ts';
import { download } from './tickets-api.ts';

const base = '/api/reports/maintenance';

export const maintenanceReportApi = {
  /** `query` from reportQuery(). */
  report: (query: string) => request<MaintenanceReport>('GET', `${base}?${query}`),

  /** The figures per calendar month of a period alone. */
  trend: (query: string) => request<TrendRow[]>('GET', `${base}/trend?${query}`),

  /** The facility's time zone, which the report's months and the period's days are read in. */
  timezone: async () =>
    (await request<{ hours: { timezone: string } }>('GET', '/api/maintenance/settings')).hours
      .timezone,

  /** One list behind a figure, as the server's CSV export (same filters), saved as a download. */
  downloadCsv: async (list: ReportList, query: string): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(`${base}/${reportLists[list]}?${query}`, {
        credentials: 'same-origin',
        headers: { accept: 'text/csv' },
      });
    } catch {
      throw new ApiError(0, 'cannot reach the Suitewatch server; check the network');
    }
    if (!response.ok) {
      let message = `${response.status} ${response.statusText || 'request failed'}`;
      try {
        const data = (await response.json()) as { message?: unknown };
        if (typeof data.message === 'string') message = data.message;
      } catch {
        // Not JSON: the status line says enough.
      }
      if (response.status === 401) void session.refresh();
      throw new ApiError(response.status, message);
    }
    const name = downloadName(
      response.headers.get('content-disposition'),
      `maintenance-${reportLists[list]}`,
      new Date(),
    );
    download(await response.blob(), name);
  },
};
