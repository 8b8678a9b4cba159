import type { Db } from '../../db/client.ts';
import type { Triage } from '../../db/schema/index.ts';
import { Invalid } from '../../errors.ts';
import * as repo from './repository.ts';
import type { HelpdeskConfig } from './settings.ts';
import { derive, suitesInScope, type Scope } from './triage.ts';

export interface Named {
  suiteIds: string[];
  deviceIds: string[];
  devices: Array<{ id: string; name: string; kind: string }>;
  suites: Array<{ id: string; name: string }>;
}

const unique = (ids: string[]) => [...new Set(ids.map((id) => id.toLowerCase()))];

/**
 * Checks that every named suite and device exists, naming the first that does not. With no
 * suite named, the devices' own suites are the affected ones.
 */
export async function resolveNamed(
  db: Db,
  input: { suiteIds?: string[]; deviceIds?: string[] },
  field = 'body',
): Promise<Named> {
  const deviceIds = unique(input.deviceIds ?? []);
  const devices = await repo.devicesNamed(db, deviceIds);
  deviceIds.forEach((id) => {
    if (!devices.some((d) => d.id === id))
      throw new Invalid(
        `${field}.deviceIds[${(input.deviceIds ?? []).findIndex((x) => x.toLowerCase() === id)}]: no device with id ${id}`,
      );
  });
  let suiteIds = unique(input.suiteIds ?? []);
  let suites = await repo.suitesNamed(db, suiteIds);
  suiteIds.forEach((id) => {
    if (!suites.some((s) => s.id === id))
      throw new Invalid(
        `${field}.suiteIds[${(input.suiteIds ?? []).findIndex((x) => x.toLowerCase() === id)}]: no suite with id ${id}`,
      );
  });
  if (input.suiteIds === undefined && deviceIds.length > 0) {
    const scopes = await repo.deviceScopes(db, devices);
    suiteIds = unique(scopes.flatMap((s) => s.suiteIds));
    suites = await repo.suitesNamed(db, suiteIds);
  }
  return { suiteIds, deviceIds, devices, suites };
}

/** Derives impact and urgency for what the ticket names, now. */
export async function triageFor(
  db: Db,
  config: HelpdeskConfig,
  named: Named,
  now: Date,
  previous?: Pick<Triage, 'overrides' | 'proposedUrgency'>,
): Promise<Triage> {
  const devices = await repo.deviceScopes(db, named.devices);
  const partial: Scope = { devices, suiteIds: named.suiteIds, suiteNames: new Map() };
  const all = suitesInScope(partial);
  const scope: Scope = { ...partial, suiteNames: await repo.suiteNames(db, all) };
  const horizon = new Date(now.getTime() + config.urgencyWindowHours * 3_600_000);
  const bookings = await repo.bookingsBetween(db, all, now, horizon);
  return derive(config, scope, bookings, now, previous);
}
