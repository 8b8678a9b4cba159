import type { Api } from './api.ts';
import { rooms, routerName, siteName, suites, type DemoDevice } from './facility.ts';

interface Named {
  id: string;
  name: string;
}
interface Suite extends Named {
  deviceIds: string[];
}
interface Check {
  id: string;
  kind: string;
}

export const checkIntervalS = 10;

/** Finds a record by name, or creates it: a second run of the demo reuses what the first made. */
async function ensure<T extends Named>(
  existing: T[],
  name: string,
  create: () => Promise<T>,
): Promise<{ record: T; created: boolean }> {
  const found = existing.find((r) => r.name === name);
  return found ? { record: found, created: false } : { record: await create(), created: true };
}

export interface Seeded {
  devices: number;
  suites: number;
  /** Found from an earlier run and reused. */
  reusedDevices: number;
  reusedSuites: number;
  /** Ids by name, for what is seeded on top (maintenance). */
  ids: { site: string; devices: Map<string, string>; suites: Map<string, string> };
}

/**
 * Puts the facility into Suitewatch through its HTTP API, as an engineer would: site, rooms,
 * devices with one check each, suites. What exists is reused and its check pointed at this
 * run's simulator ports.
 */
export async function seed(
  api: Api,
  devices: DemoDevice[],
  progress: (done: number, total: number) => void,
): Promise<Seeded> {
  let reusedDevices = 0;
  let reusedSuites = 0;
  const site = await ensure(await api.get<Named[]>('/api/sites'), siteName, () =>
    api.post<Named>('/api/sites', { name: siteName, timezone: 'Europe/London' }),
  );
  const roomIds = new Map<string, string>();
  const knownRooms = await api.get<Named[]>(`/api/rooms?siteId=${site.record.id}`);
  for (const room of rooms) {
    const { record } = await ensure(knownRooms, room, () =>
      api.post<Named>('/api/rooms', { name: room, siteId: site.record.id }),
    );
    roomIds.set(room, record.id);
  }

  const knownDevices = await api.get<Named[]>('/api/devices');
  const deviceIds = new Map<string, string>();
  for (const [i, device] of devices.entries()) {
    const { record, created } = await ensure(knownDevices, device.name, () =>
      api.post<Named>('/api/devices', {
        name: device.name,
        kind: device.kind,
        host: '127.0.0.1',
        location: device.room,
        notes: device.notes,
      }),
    );
    if (!created) reusedDevices += 1;
    deviceIds.set(device.name, record.id);
    const checks = await api.get<Check[]>(`/api/checks?deviceId=${record.id}`);
    const body = { intervalS: checkIntervalS, config: device.check.config, enabled: true };
    const check = checks.find((c) => c.kind === device.check.kind);
    // The simulators listen on new ports each run, so a reused check is always updated.
    if (check) await api.patch(`/api/checks/${check.id}`, body);
    else await api.post('/api/checks', { deviceId: record.id, kind: device.check.kind, ...body });
    progress(i + 1, devices.length);
  }

  const knownSuites = await api.get<Suite[]>('/api/suites');
  const suiteIds = new Map<string, string>();
  for (const suite of suites) {
    const members = devices
      .filter((d) => d.suites.includes(suite.name))
      .map((d) => deviceIds.get(d.name)!);
    const { record, created } = await ensure(knownSuites, suite.name, () =>
      api.post<Suite>('/api/suites', {
        name: suite.name,
        kind: suite.kind,
        roomId: roomIds.get(suite.room),
        deviceIds: members,
      }),
    );
    if (!created) reusedSuites += 1;
    suiteIds.set(suite.name, record.id);
    // Devices someone added to a demo suite by hand stay in it.
    const missing = members.filter((id) => !record.deviceIds.includes(id));
    if (missing.length > 0)
      await api.patch(`/api/suites/${record.id}`, { deviceIds: [...record.deviceIds, ...missing] });
    const routerId = deviceIds.get(routerName);
    if (routerId) {
      await api.put(`/api/suites/${record.id}/routes`, {
        routes: Object.entries(suite.routes).map(([output, input]) => ({
          routerId,
          output: Number(output),
          input,
          label: `${suite.name} monitor`,
        })),
      });
    }
  }
  return {
    devices: devices.length,
    suites: suites.length,
    reusedDevices,
    reusedSuites,
    ids: { site: site.record.id, devices: deviceIds, suites: suiteIds },
  };
}
