import { maintenanceSettings } from '../../server/db/schema/index.ts';
import { defaultConfig } from '../../server/modules/pm/settings.ts';
import type { TestApp } from './app.ts';

/** What the maintenance report's tests share: its address, UTC fixtures, and reading it. */
export const reportBase = '/api/reports/maintenance';

/** A fixture's wall time, read as UTC. */
export const utc = (text: string) => new Date(`${text}Z`);

/** The maintenance hours' zone, which the report's periods and buckets are cut in. */
export const setMaintenanceTimezone = (t: TestApp, timezone: string) =>
  t.ctx.db
    .insert(maintenanceSettings)
    .values({ id: 1, config: { hours: { ...defaultConfig().hours, timezone } } })
    .onConflictDoUpdate({
      target: maintenanceSettings.id,
      set: { config: { hours: { ...defaultConfig().hours, timezone } } },
    });

export const getAs = (t: TestApp, url: string, cookie: string, accept = 'application/json') =>
  t.app.inject({ method: 'GET', url, headers: { cookie, accept } });

/** The body as JSON, loosely typed (the assertions are the type check); anything but 200 throws. */
export async function okAs(t: TestApp, url: string, cookie: string) {
  const response = await getAs(t, url, cookie);
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
  return response.json();
}
