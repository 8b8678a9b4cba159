import type {
  ChannelTestResult,
  Check,
  Delivery,
  DeliveryState,
  Device,
  DeviceDetail,
  FaultAction,
  FaultDetail,
  FaultView,
  History,
  MaintenanceWindow,
  MaintenanceWindowDetail,
  LoginResult,
  Me,
  NewDevice,
  NewHttpCheck,
  NewMaintenanceWindow,
  NewNotificationChannel,
  NewProbe,
  NewSnmpCheck,
  NewSuite,
  NotificationChannel,
  Probe,
  Room,
  RouterReference,
  Site,
  Suite,
  SuiteRoute,
  TrapEvent,
} from './types.ts';

/** A failed API call, carrying the server's own words for the user. */
export class ApiError extends Error {
  readonly statusCode: number;
  /** The error body, for the fields some refusals carry (a 409's `allowed`, a `ticketId`). */
  readonly data: unknown;

  constructor(statusCode: number, message: string, data?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.data = data;
  }
}

/** What to show a person for any error thrown by the API layer. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

let unauthorized: () => void = () => {
  location.replace('#/login');
};

/** The session layer decides what a 401 means (forget the user, show the login page). */
export function onUnauthorized(handler: () => void): void {
  unauthorized = handler;
}

interface Options {
  /** The login call answers 401 for a wrong password; that is not a lost session. */
  expect401?: boolean;
}

function serverMessage(data: unknown): string | null {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') {
    return data.message;
  }
  return null;
}

export async function request<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  options: Options = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Fastify refuses a JSON content type with an empty body, so only say JSON when sending some.
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'cannot reach the Suitewatch server; check the network');
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      // A proxy's HTML error page: fall back to the status line below.
    }
  }
  if (!response.ok) {
    const message =
      serverMessage(data) ?? `${response.status} ${response.statusText || 'request failed'}`;
    if (response.status === 401 && !options.expect401) unauthorized();
    throw new ApiError(response.status, message, data);
  }
  return data as T;
}

const get = <T>(path: string) => request<T>('GET', path);
const query = (params: Record<string, string | undefined>) => {
  const defined = Object.entries(params).filter((e): e is [string, string] => !!e[1]);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
};
const at = (base: string, id: string) => `${base}/${encodeURIComponent(id)}`;

export const api = {
  login: (username: string, password: string) =>
    request<LoginResult>('POST', '/api/auth/login', { username, password }, { expect401: true }),
  logout: () => request<{ ok: true }>('POST', '/api/auth/logout'),
  me: () => get<Me>('/api/auth/me'),

  suites: () => get<Suite[]>('/api/suites'),
  suite: (id: string) => get<Suite>(at('/api/suites', id)),
  createSuite: (body: NewSuite) => request<Suite>('POST', '/api/suites', body),

  devices: (filter: { suiteId?: string; kind?: string; status?: string; q?: string } = {}) =>
    get<Device[]>(`/api/devices${query(filter)}`),
  device: (id: string) => get<DeviceDetail>(at('/api/devices', id)),
  createDevice: (body: NewDevice) => request<Device>('POST', '/api/devices', body),
  deleteDevice: (id: string) => request<{ ok: true }>('DELETE', at('/api/devices', id)),

  checks: (deviceId: string) => get<Check[]>(`/api/checks${query({ deviceId })}`),
  history: (id: string, names: string[], hours: number) =>
    get<History>(
      `${at('/api/devices', id)}/history${query({ names: names.join(','), hours: String(hours) })}`,
    ),

  createCheck: (body: NewHttpCheck | NewSnmpCheck) => request<Check>('POST', '/api/checks', body),
  setCheckEnabled: (id: string, enabled: boolean) =>
    request<Check>('PATCH', at('/api/checks', id), { enabled }),
  deleteCheck: (id: string) => request<{ ok: true }>('DELETE', at('/api/checks', id)),

  suiteRoutes: (suiteId: string) => get<SuiteRoute[]>(`${at('/api/suites', suiteId)}/routes`),
  /** Every suite's reference routing on one router. */
  referenceRouting: (routerId: string) =>
    get<RouterReference[]>(`/api/suites/reference-routing${query({ routerId })}`),

  probes: () => get<Probe[]>('/api/probes'),
  createProbe: (body: NewProbe) =>
    request<{ probe: Probe; token: string }>('POST', '/api/probes', body),
  rotateProbeToken: (id: string) =>
    request<{ token: string }>('POST', `${at('/api/probes', id)}/token`),
  deleteProbe: (id: string) => request<{ ok: true }>('DELETE', at('/api/probes', id)),

  traps: (filter: { deviceId?: string; beforeId?: number; limit?: number } = {}) =>
    get<TrapEvent[]>(
      `/api/traps${query({
        deviceId: filter.deviceId,
        beforeId: filter.beforeId?.toString(),
        limit: filter.limit?.toString(),
      })}`,
    ),

  sites: () => get<Site[]>('/api/sites'),
  rooms: () => get<Room[]>('/api/rooms'),

  /** The console: open faults and latched ones, worst first. Filters are applied here, live. */
  activeFaults: () => get<FaultView[]>('/api/faults?state=active&limit=2000'),
  fault: (id: string) => get<FaultDetail>(at('/api/faults', id)),
  actOnFault: (id: string, action: FaultAction) => {
    const path = `${at('/api/faults', id)}/${action.kind}`;
    switch (action.kind) {
      // The comment is optional, but the route has a body schema: always send an object.
      case 'ack':
        return request<FaultDetail>(
          'POST',
          path,
          action.comment ? { comment: action.comment } : {},
        );
      case 'shelve':
        return request<FaultDetail>('POST', path, {
          reason: action.reason,
          minutes: action.minutes,
        });
      case 'take':
      case 'unshelve':
      case 'dismiss':
        return request<FaultDetail>('POST', path);
    }
  },

  maintenanceWindows: () => get<MaintenanceWindow[]>('/api/maintenance-windows'),
  maintenanceWindow: (id: string) =>
    get<MaintenanceWindowDetail>(at('/api/maintenance-windows', id)),
  createMaintenanceWindow: (body: NewMaintenanceWindow) =>
    request<MaintenanceWindowDetail>('POST', '/api/maintenance-windows', body),
  deleteMaintenanceWindow: (id: string) =>
    request<{ ok: true }>('DELETE', at('/api/maintenance-windows', id)),

  channels: () => get<NotificationChannel[]>('/api/notification-channels'),
  createChannel: (body: NewNotificationChannel) =>
    request<NotificationChannel>('POST', '/api/notification-channels', body),
  deleteChannel: (id: string) =>
    request<{ ok: true }>('DELETE', at('/api/notification-channels', id)),
  testChannel: (id: string) =>
    request<ChannelTestResult>('POST', `${at('/api/notification-channels', id)}/test`),
  deliveries: (filter: { state?: DeliveryState; limit?: number } = {}) =>
    get<Delivery[]>(
      `/api/notifications${query({ state: filter.state, limit: filter.limit?.toString() })}`,
    ),
};
