import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { maintenanceSettings } from '../../db/schema/index.ts';
import { Invalid } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { calendarProblems, type BusinessCalendar } from '../tickets/sla.ts';

/** What an admin configures for planned work. */
export interface MaintenanceConfig {
  /**
   * When planned work may run, in the facility's zone. `holidays` are blackout dates with no
   * maintenance at all. 24/7 is every day 00:00–24:00; weekends off is Saturday and Sunday [].
   */
  hours: BusinessCalendar;
  /** A sign-off booking needs a passing calibration at most this many days before it starts. */
  signoffValidDays: number;
  /** Work a closed repair makes due falls due this many hours after the repair. */
  repairDueHours: number;
  /** The local hour (in hours.timezone) the daily digest of due and overdue work goes out. */
  digestHour: number;
}

function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Evenings and nights on weekdays, all weekend: when post houses do planned work. */
export function defaultConfig(): MaintenanceConfig {
  const nights: Array<[string, string]> = [
    ['00:00', '08:00'],
    ['19:00', '24:00'],
  ];
  const allDay: Array<[string, string]> = [['00:00', '24:00']];
  return {
    hours: {
      timezone: localZone(),
      week: [nights, nights, nights, nights, nights, allDay, allDay],
      holidays: [],
    },
    signoffValidDays: 30,
    repairDueHours: 24,
    digestHour: 7,
  };
}

export function configProblems(config: MaintenanceConfig): string[] {
  const problems = calendarProblems(config.hours).map((p) => `hours.${p}`);
  if (!Number.isInteger(config.signoffValidDays) || config.signoffValidDays < 1)
    problems.push('signoffValidDays: a whole number of days, at least 1');
  if (!Number.isFinite(config.repairDueHours) || config.repairDueHours < 0)
    problems.push('repairDueHours: hours after the repair, 0 or more');
  if (!Number.isInteger(config.digestHour) || config.digestHour < 0 || config.digestHour > 23)
    problems.push('digestHour: a local hour 0..23');
  return problems;
}

/**
 * The day the digest last went out is kept in the same row (see digest.ts), so no table is
 * needed. It is the server's own bookkeeping: never shown through the API, never saved over.
 */
export const digestSentOnKey = 'digestSentOn';

async function storedConfig(db: Db): Promise<Record<string, unknown>> {
  const [row] = await db
    .select({ config: maintenanceSettings.config })
    .from(maintenanceSettings)
    .where(eq(maintenanceSettings.id, 1));
  return row?.config ?? {};
}

/** The settings an admin edits, and the day the digest last went out (or null). */
export interface Settings {
  config: MaintenanceConfig;
  digestSentOn: string | null;
}

/** Both parts of the settings row in one read. */
export async function loadSettings(db: Db): Promise<Settings> {
  const { [digestSentOnKey]: sentOn, ...stored } = await storedConfig(db);
  return {
    // Stored settings lay over the defaults, so a key added in a later version has its default.
    config: { ...defaultConfig(), ...(stored as Partial<MaintenanceConfig>) },
    digestSentOn: typeof sentOn === 'string' ? sentOn : null,
  };
}

export async function loadConfig(db: Db): Promise<MaintenanceConfig> {
  return (await loadSettings(db)).config;
}

export async function saveConfig(
  db: Db,
  actor: Actor,
  patch: Partial<MaintenanceConfig>,
): Promise<MaintenanceConfig> {
  return db.transaction(async (tx) => {
    const before = await loadConfig(tx);
    const config: MaintenanceConfig = { ...before, ...patch };
    const problems = configProblems(config);
    if (problems.length > 0) throw new Invalid(`body.${problems[0]}`, { problems });
    await tx
      .insert(maintenanceSettings)
      .values({ id: 1, config: { ...config }, updatedBy: actor.label })
      .onConflictDoUpdate({
        target: maintenanceSettings.id,
        // Merged, not replaced: the digest's sent day lives in the same row.
        set: {
          config: sql`${maintenanceSettings.config} || excluded.config`,
          updatedBy: actor.label,
          updatedAt: new Date(),
        },
      });
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'maintenance-settings',
      entityId: null,
      before,
      after: config,
    });
    return config;
  });
}
