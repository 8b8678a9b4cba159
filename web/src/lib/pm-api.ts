// The planned-maintenance endpoints the schedule, work-order and plan pages share: kept beside
// api.ts, like helpdesk-api.ts, so the pure helpers stay free of the browser.
import { ApiError, api, request } from './api.ts';
import type {
  NewWorkOrder,
  PhotoStored,
  StepInput,
  StepRecorded,
  TransitionInput,
  WorkOrder,
  WorkOrderDetail,
  WorkOrderFilter,
} from './work-orders.ts';

// The shapes live with the pure helpers (unit-tested in Node); the pages import them from here.
export type {
  WorkOrderStatus,
  WorkOrderType,
  DueState,
  StepKind,
  WorkOrderStep,
  WorkOrder,
  WorkOrderEventKind,
  WorkOrderEvent,
  LinkedTicket,
  WorkOrderDetail,
  StepRecorded,
  PhotoStored,
  NewStep,
  NewWorkOrder,
  StepInput,
  TransitionInput,
  WorkOrderFilter,
  MoveClash,
} from './work-orders.ts';

const orderAt = (id: string) => `/api/work-orders/${encodeURIComponent(id)}`;

function search(params: object): string {
  const defined = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]): [string, string] => [k, String(v)]);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
}

/** The photo goes up as the raw body with its own type, so JSON `request` does not fit. */
async function upload<T>(path: string, file: File): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        'content-type': file.type || 'application/octet-stream',
      },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'cannot reach the Suitewatch server; check the network');
  }
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    // A proxy's HTML page: the status line below says enough.
  }
  if (!response.ok) {
    const message =
      data && typeof data === 'object' && 'message' in data && typeof data.message === 'string'
        ? data.message
        : `${response.status} ${response.statusText || 'request failed'}`;
    // Asking who we are hears the 401 too, and the session layer shows the login page as usual.
    if (response.status === 401) void api.me().catch(() => undefined);
    throw new ApiError(response.status, message, data);
  }
  return data as T;
}

export const pmApi = {
  workOrders: (filter: WorkOrderFilter = {}) =>
    request<WorkOrder[]>('GET', `/api/work-orders${search(filter)}`),
  /**
   * Moves the work to start at `start`. Onto a booking the server answers 409 with
   * `data.bookings` (MoveClash[]) unless `confirm` is set with a reason.
   */
  move: (id: string, body: { start: string; confirm?: boolean; reason?: string }) =>
    request<WorkOrder>('POST', `${orderAt(id)}/move`, body),
  workOrder: (id: string) => request<WorkOrderDetail>('GET', orderAt(id)),
  createWorkOrder: (body: NewWorkOrder) => request<WorkOrder>('POST', '/api/work-orders', body),
  /** A failed check or a number out of tolerance answers with the corrective ticket it opened. */
  recordStep: (id: string, stepId: string, body: StepInput) =>
    request<StepRecorded>('POST', `${orderAt(id)}/steps/${encodeURIComponent(stepId)}`, body),
  /** A photo step: the image (JPEG, PNG or WebP) is stored and the step recorded with it. */
  photo: (id: string, stepId: string, file: File) =>
    upload<PhotoStored>(
      `${orderAt(id)}/steps/${encodeURIComponent(stepId)}/photo?${new URLSearchParams({ filename: file.name }).toString()}`,
      file,
    ),
  attachmentUrl: (id: string, attachmentId: string) =>
    `${orderAt(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  transition: (id: string, body: TransitionInput) =>
    request<WorkOrder>('POST', `${orderAt(id)}/transition`, body),
  /** Approve (done) or return (in progress, with the feedback as reason) many at once. */
  review: (body: { ids: string[]; approve: boolean; reason?: string }) =>
    request<WorkOrder[]>('POST', '/api/work-orders/review', body),
};
