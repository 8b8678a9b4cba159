// The maintenance report endpoints: the report itself and its lists as CSV downloads.
import { request } from './api.ts';
import { downloadCsv } from './csv-download.ts';
import {
  reportLists,
  type MaintenanceReport,
  type ReportList,
  type TrendRow,
} from './maintenance-report.ts';

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
  downloadCsv: (list: ReportList, query: string): Promise<void> =>
    downloadCsv(`${base}/${reportLists[list]}?${query}`, `maintenance-${reportLists[list]}`),
};
