// The helpdesk administration endpoints (settings, problems, runbooks, reports), kept beside
// api.ts rather than in it so helpdesk.ts stays free of the browser (its helpers are unit-tested
// in Node).
import { request } from './api.ts';
import { downloadCsv } from './csv-download.ts';
import {
  suggestQuery,
  type HelpdeskReport,
  type HelpdeskSettings,
  type Problem,
  type ProblemDetail,
  type ProblemInput,
  type ProblemPatch,
  type ProblemStatus,
  type Runbook,
  type RunbookInput,
  type RunbookSuggestion,
  type TicketRef,
} from './helpdesk.ts';

const problemAt = (id: string) => `/api/problems/${encodeURIComponent(id)}`;
const runbookAt = (id: string) => `/api/runbooks/${encodeURIComponent(id)}`;

function search(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
}

/** The report's list-shaped parts, each its own URL so it can be fetched as CSV. */
export const reportLists = {
  backlog: '/api/reports/helpdesk/backlog',
  sla: '/api/reports/helpdesk/sla',
  perSuite: '/api/reports/helpdesk/per-suite',
  perDeviceKind: '/api/reports/helpdesk/per-device-kind',
} as const;
export type ReportList = keyof typeof reportLists;

/** How far the number search pages through the newest-first ticket list before giving up. */
const ticketPage = 100;
const maxPages = 20;

export const helpdeskApi = {
  settings: () => request<HelpdeskSettings>('GET', '/api/helpdesk/settings'),
  saveSettings: (body: Partial<HelpdeskSettings>) =>
    request<HelpdeskSettings>('PATCH', '/api/helpdesk/settings', body),

  problems: (filter: { status?: ProblemStatus; q?: string } = {}) =>
    request<Problem[]>('GET', `/api/problems${search(filter)}`),
  problem: (id: string) => request<ProblemDetail>('GET', problemAt(id)),
  createProblem: (body: Partial<ProblemInput> & { title: string }) =>
    request<ProblemDetail>('POST', '/api/problems', body),
  updateProblem: (id: string, body: ProblemPatch) =>
    request<ProblemDetail>('PATCH', problemAt(id), body),
  linkIncident: (id: string, ticketId: string) =>
    request<ProblemDetail>('POST', `${problemAt(id)}/incidents`, { ticketId }),
  unlinkIncident: (id: string, ticketId: string) =>
    request<ProblemDetail>('DELETE', `${problemAt(id)}/incidents/${encodeURIComponent(ticketId)}`),
  /** People who can own a problem: the ticket assignees. */
  owners: () =>
    request<{ users: Array<{ id: string; name: string; role: string }> }>(
      'GET',
      '/api/tickets/assignees',
    ),

  /** Tickets whose text matches, newest first, for the "link a ticket" field. */
  searchTickets: (q: string, limit = 8) =>
    request<TicketRef[]>(
      'GET',
      `/api/tickets?${new URLSearchParams({ view: 'all', q, limit: String(limit) }).toString()}`,
    ),
  /**
   * The ticket with a number. The API finds tickets by id or by text, not by number, so this
   * pages through the newest-first list: numbers only grow, so ticket N sits at most
   * (newest - N) rows down, and one or two pages find it.
   */
  ticketByNumber: async (n: number): Promise<TicketRef | null> => {
    const page = (offset: number, limit = ticketPage) =>
      request<TicketRef[]>(
        'GET',
        `/api/tickets?${new URLSearchParams({
          view: 'all',
          limit: String(limit),
          offset: String(offset),
        }).toString()}`,
      );
    const [newest] = await page(0, 1);
    if (!newest || n > newest.number) return null;
    let offset = Math.max(0, newest.number - n - ticketPage + 1);
    for (let i = 0; i < maxPages; i += 1) {
      const rows = await page(offset);
      const found = rows.find((t) => t.number === n);
      if (found) return found;
      const first = rows[0];
      const last = rows.at(-1);
      if (!first || !last) return null;
      // Numbers fall down the list: above this page if n is larger, below if smaller.
      if (n > first.number && offset > 0) offset = Math.max(0, offset - ticketPage);
      else if (n < last.number && rows.length === ticketPage) offset += ticketPage;
      else return null;
    }
    return null;
  },

  runbooks: (q?: string) => request<Runbook[]>('GET', `/api/runbooks${search({ q })}`),
  runbook: (id: string) => request<Runbook>('GET', runbookAt(id)),
  createRunbook: (body: RunbookInput) => request<Runbook>('POST', '/api/runbooks', body),
  updateRunbook: (id: string, body: Partial<RunbookInput>) =>
    request<Runbook>('PATCH', runbookAt(id), body),
  deleteRunbook: (id: string) => request<{ ok: true }>('DELETE', runbookAt(id)),
  suggestRunbooks: (facets: Parameters<typeof suggestQuery>[0]) =>
    request<RunbookSuggestion[]>('GET', `/api/runbooks/suggest?${suggestQuery(facets)}`),

  report: (period: { from: string; to: string }) =>
    request<HelpdeskReport>('GET', `/api/reports/helpdesk${search(period)}`),

  /** One list of the report as the server's CSV export, saved as a download. */
  downloadCsv: (list: ReportList, period: { from: string; to: string }): Promise<void> =>
    // The backlog is about now: its route takes no period and refuses one.
    downloadCsv(
      `${reportLists[list]}${list === 'backlog' ? '' : search(period)}`,
      reportLists[list].split('/').at(-1) ?? 'report',
    ),
};
