import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { helpdeskSettings } from '../../db/schema/index.ts';
import {
  levels,
  priorities,
  severities,
  type Level,
  type Priority,
  type Severity,
} from '../../domain.ts';
import { Invalid } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { calendarProblems, type BusinessCalendar, type SlaClockKind } from './sla.ts';

export interface SlaTargets {
  responseMinutes: number | null;
  resolutionMinutes: number | null;
  clock: SlaClockKind;
}

/** What an admin configures: the matrix, the targets, the calendar and the triage thresholds. */
export interface HelpdeskConfig {
  /** impact → urgency → priority. */
  matrix: Record<Level, Record<Level, Priority>>;
  /** Targets per priority, keyed '1'..'5'. */
  sla: Record<`${Priority}`, SlaTargets>;
  calendar: BusinessCalendar;
  /** A booking starting within this many hours makes the urgency medium. */
  urgencyWindowHours: number;
  /** A device that devices in this many suites depend on is shared infrastructure. */
  sharedSuites: number;
  /** Root faults at or above this severity open a ticket; null: faults never do. */
  faultTicketSeverity: Severity | null;
  /** Specialist groups a ticket can be escalated to. */
  teams: string[];
  /** The warning goes out when this fraction of a target remains. */
  warnFraction: number;
}

const weekdays = (spans: Array<[string, string]>, days = 5) =>
  Array.from({ length: 7 }, (_, i) => (i < days ? spans : []));

function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The reference practice: the classic 3×3 grid, and targets a facility then edits. */
export function defaultConfig(): HelpdeskConfig {
  return {
    matrix: {
      high: { high: 1, medium: 2, low: 3 },
      medium: { high: 2, medium: 3, low: 4 },
      low: { high: 3, medium: 4, low: 5 },
    },
    sla: {
      '1': { responseMinutes: 15, resolutionMinutes: 120, clock: 'continuous' },
      '2': { responseMinutes: 30, resolutionMinutes: 240, clock: 'continuous' },
      // One business day and three, at the default nine-hour day.
      '3': { responseMinutes: 120, resolutionMinutes: 540, clock: 'business' },
      '4': { responseMinutes: 240, resolutionMinutes: 1620, clock: 'business' },
      '5': { responseMinutes: null, resolutionMinutes: null, clock: 'business' },
    },
    calendar: { timezone: localZone(), week: weekdays([['09:00', '18:00']]), holidays: [] },
    urgencyWindowHours: 4,
    sharedSuites: 2,
    faultTicketSeverity: 'major',
    teams: ['Engineering', 'Storage', 'Network', 'Picture', 'Sound', 'IT'],
    warnFraction: 0.25,
  };
}

/** Problems with a whole or partial config, each naming its field. */
export function configProblems(config: HelpdeskConfig): string[] {
  const problems: string[] = [];
  for (const impact of levels)
    for (const urgency of levels) {
      const p = config.matrix[impact][urgency];
      if (!priorities.includes(p))
        problems.push(`matrix.${impact}.${urgency}: ${String(p)} is not a priority 1..5`);
    }
  for (const p of priorities) {
    const row = config.sla[`${p}`];
    if (
      row.responseMinutes !== null &&
      row.resolutionMinutes !== null &&
      row.resolutionMinutes < row.responseMinutes
    )
      problems.push(`sla.${p}.resolutionMinutes: it is shorter than the response target`);
  }
  problems.push(...calendarProblems(config.calendar).map((p) => `calendar.${p}`));
  if (config.faultTicketSeverity !== null && !severities.includes(config.faultTicketSeverity))
    problems.push(`faultTicketSeverity: must be one of ${severities.join(', ')} or null`);
  const teams = config.teams.map((t) => t.trim().toLowerCase());
  teams.forEach((t, i) => {
    if (t === '') problems.push(`teams[${i}]: a team needs a name`);
    else if (teams.indexOf(t) !== i)
      problems.push(`teams[${i}]: '${config.teams[i]}' is listed twice`);
  });
  return problems;
}

export async function loadConfig(db: Db): Promise<HelpdeskConfig> {
  const [row] = await db
    .select({ config: helpdeskSettings.config })
    .from(helpdeskSettings)
    .where(eq(helpdeskSettings.id, 1));
  // Stored settings lay over the defaults, so a key added in a later version has its default.
  return { ...defaultConfig(), ...(row?.config as Partial<HelpdeskConfig> | undefined) };
}

export async function saveConfig(
  db: Db,
  actor: Actor,
  patch: Partial<HelpdeskConfig>,
): Promise<HelpdeskConfig> {
  return db.transaction(async (tx) => {
    const before = await loadConfig(tx);
    const config: HelpdeskConfig = {
      ...before,
      ...patch,
      teams: (patch.teams ?? before.teams).map((t) => t.trim()),
    };
    const problems = configProblems(config);
    if (problems.length > 0) throw new Invalid(`body.${problems[0]}`, { problems });
    await tx
      .insert(helpdeskSettings)
      .values({ id: 1, config: { ...config }, updatedBy: actor.label })
      .onConflictDoUpdate({
        target: helpdeskSettings.id,
        set: { config: { ...config }, updatedBy: actor.label, updatedAt: new Date() },
      });
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'helpdesk-settings',
      entityId: null,
      before,
      after: config,
    });
    return config;
  });
}
