// The helpdesk endpoints, kept beside api.ts rather than in it so tickets.ts stays free of the
// browser (its helpers are unit-tested in Node).
import { ApiError, request } from './api.ts';
import { session } from './state/session.svelte.ts';
import type {
  Assignees,
  MoveInput,
  NewTicket,
  Ticket,
  TicketAttachment,
  TicketCategory,
  TicketDraft,
  TicketEvent,
  TicketItem,
  TicketPatch,
  TicketPreview,
  TriageInput,
} from './tickets.ts';
import type { DeviceKind } from './types.ts';

const at = (id: string) => `/api/tickets/${encodeURIComponent(id)}`;

export interface RunbookSuggestion {
  id: string;
  title: string;
}

/** A refusal from a raw (non-JSON) request, in the server's words where it gave some. */
async function refusal(response: Response): Promise<ApiError> {
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    // An HTML error page from a proxy: the status line below says enough.
  }
  const message =
    data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
      ? data.message
      : `${response.status} ${response.statusText || 'request failed'}`;
  // Asking who we are again lets the session layer handle a lost session as everywhere else.
  if (response.status === 401) void session.refresh();
  return new ApiError(response.status, message, data);
}

async function raw(path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'cannot reach the Suitewatch server; check the network');
  }
  if (!response.ok) throw await refusal(response);
  return response;
}

export const ticketsApi = {
  /** `query` from `listQuery()`. */
  list: (query: string) => request<TicketItem[]>('GET', `/api/tickets?${query}`),
  /** The same list as CSV, through the server's `Accept: text/csv` export. */
  exportCsv: async (query: string): Promise<Blob> =>
    (await raw(`/api/tickets?${query}`, { headers: { accept: 'text/csv' } })).blob(),
  get: (id: string) => request<Ticket>('GET', at(id)),
  timeline: (id: string) => request<TicketEvent[]>('GET', `${at(id)}/timeline`),
  draft: (source: { faultId?: string; deviceId?: string; suiteId?: string }) => {
    const params = new URLSearchParams(source);
    return request<TicketDraft>('GET', `/api/tickets/draft?${params.toString()}`);
  },
  preview: (body: { suiteIds: string[]; deviceIds: string[]; urgency?: string }) =>
    request<TicketPreview>('POST', '/api/tickets/preview', body),
  assignees: () => request<Assignees>('GET', '/api/tickets/assignees'),
  create: (body: NewTicket) => request<Ticket>('POST', '/api/tickets', body),
  update: (id: string, body: TicketPatch) => request<Ticket>('PATCH', at(id), body),
  move: (id: string, body: MoveInput) => request<Ticket>('POST', `${at(id)}/transition`, body),
  triage: (id: string, body: TriageInput) => request<Ticket>('POST', `${at(id)}/triage`, body),
  escalate: (
    id: string,
    body: { assigneeId?: string | null; team?: string | null; briefing: string },
  ) => request<Ticket>('POST', `${at(id)}/escalate`, body),
  comment: (id: string, body: { body: string; internal: boolean }) =>
    request<TicketEvent>('POST', `${at(id)}/comments`, body),
  logWork: (id: string, body: { minutes: number; note?: string }) =>
    request<{ timeSpentMinutes: number }>('POST', `${at(id)}/worklog`, body),
  /** The file goes up as the raw body, with its own type; the server keeps the name. */
  attach: async (id: string, file: File): Promise<TicketAttachment> => {
    const response = await raw(
      `${at(id)}/attachments?${new URLSearchParams({ filename: file.name }).toString()}`,
      {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': file.type || 'application/octet-stream',
        },
        body: file,
      },
    );
    return (await response.json()) as TicketAttachment;
  },
  attachmentUrl: (id: string, attachmentId: string) =>
    `${at(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  /** Runbooks for what the ticket is about, when the ticket itself suggests none. */
  suggestRunbooks: (facets: {
    categories: TicketCategory[];
    deviceKinds: DeviceKind[];
    conditions: string[];
  }) => {
    const params = new URLSearchParams();
    for (const c of facets.categories) params.append('category', c);
    for (const k of new Set(facets.deviceKinds)) params.append('deviceKind', k);
    for (const c of new Set(facets.conditions)) params.append('condition', c);
    params.set('limit', '5');
    return request<RunbookSuggestion[]>('GET', `/api/runbooks/suggest?${params.toString()}`);
  },
};

/** Saves a blob under a name, as a browser download. */
export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
