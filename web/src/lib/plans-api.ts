// The plan, meter, calibration and maintenance-hours endpoints, kept beside api.ts so that
// plans.ts stays free of the browser.
import type { MeterInput } from '../../../server/modules/pm/api-types.ts';
import { request } from './api.ts';
import type {
  CalibrationRun,
  CalibrationTemplate,
  ForecastItem,
  MaintenanceConfig,
  Meter,
  MeterSample,
  Plan,
  PlanBody,
  PlanPatch,
  PreviewRow,
  TemplateBody,
} from './plans.ts';

const planAt = (id: string) => `/api/pm-plans/${encodeURIComponent(id)}`;
const meterAt = (id: string) => `/api/meters/${encodeURIComponent(id)}`;
const templateAt = (id: string) => `/api/calibration-templates/${encodeURIComponent(id)}`;

function search(params: Record<string, string | number | boolean | undefined>): string {
  const defined = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => [k, String(v)]);
  return defined.length ? `?${new URLSearchParams(defined).toString()}` : '';
}

export const plansApi = {
  plans: (filter: { deviceId?: string; suiteId?: string; active?: boolean } = {}) =>
    request<Plan[]>('GET', `/api/pm-plans${search(filter)}`),
  plan: (id: string) => request<Plan>('GET', planAt(id)),
  create: (body: PlanBody) => request<Plan>('POST', '/api/pm-plans', body),
  update: (id: string, patch: PlanPatch) => request<Plan>('PATCH', planAt(id), patch),
  remove: (id: string) => request<{ ok: true }>('DELETE', planAt(id)),
  /** Each target's next due dates now and after the change; nothing is saved. */
  preview: (id: string, patch: PlanPatch) =>
    request<PreviewRow[]>('POST', `${planAt(id)}/preview`, patch),
  forecast: (id: string, days = 90) =>
    request<ForecastItem[]>('GET', `${planAt(id)}/forecast${search({ days })}`),

  meters: (filter: { deviceId?: string; suiteId?: string }) =>
    request<Meter[]>('GET', `/api/meters${search(filter)}`),
  meterHistory: (id: string, since?: string) =>
    request<MeterSample[]>('GET', `${meterAt(id)}/readings${search({ since })}`),
  createMeter: (body: MeterInput) => request<Meter>('POST', '/api/meters', body),
  /** A value read off the device by hand; `at` may be earlier, never in the future. */
  enterReading: (id: string, body: { value: number; at?: string }) =>
    request<Meter>('POST', `${meterAt(id)}/readings`, body),

  templates: () => request<CalibrationTemplate[]>('GET', '/api/calibration-templates'),
  createTemplate: (body: TemplateBody) =>
    request<CalibrationTemplate>('POST', '/api/calibration-templates', body),
  updateTemplate: (id: string, patch: Partial<TemplateBody>) =>
    request<CalibrationTemplate>('PATCH', templateAt(id), patch),
  calibrations: (deviceId: string) =>
    request<CalibrationRun[]>('GET', `/api/devices/${encodeURIComponent(deviceId)}/calibrations`),

  settings: () => request<MaintenanceConfig>('GET', '/api/maintenance/settings'),
  saveSettings: (patch: Partial<MaintenanceConfig>) =>
    request<MaintenanceConfig>('PATCH', '/api/maintenance/settings', patch),
};
