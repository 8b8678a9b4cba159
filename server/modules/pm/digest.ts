import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Context } from '../../context.ts';
import { query, type Db } from '../../db/client.ts';
import { maintenanceSettings } from '../../db/schema/index.ts';
import type { DeviceKind } from '../../domain.ts';
import { enqueueDigest, type DigestWork } from '../notifications/service.ts';
import type { DigestState } from '../notifications/render.ts';
import { dueState } from './schedule.ts';
import { digestSentOnKey, loadSettings, type Settings } from './settings.ts';

const minuteMs = 60_000;

interface DueRow extends Record<string, unknown> {
  id: string;
  number: number;
  title: string;
  status: string;
  due_at: string | Date;
  grace_min: number;
  lead_days: number;
  scheduled_start: string | Date | null;
  device_name: string | null;
  device_kind: DeviceKind | null;
  suite_name: string | null;
  room_name: string | null;
  assignee: string | null;
  team: string | null;
  site_ids: string[] | null;
}

const iso = (value: string | Date) => new Date(value).toISOString();

/**
 * Open work whose due window has opened: due soon (within its lead days), due, or overdue.
 * Work awaiting review is left out: it has been done, and waits in the review queue instead.
 */
async function dueWork(db: Db, now: Date, publicUrl: string): Promise<DigestWork[]> {
  const at = now.toISOString();
  const rows = await query<DueRow>(
    db,
    sql`
    select w.id, w.number, w.title, w.status, w.due_at, w.grace_min, w.lead_days,
      w.scheduled_start, d.name as device_name, d.kind as device_kind,
      coalesce(s.name, (
        select string_agg(ds.name, ', ' order by ds.name) from suite_devices sd
          join suites ds on ds.id = sd.suite_id where sd.device_id = w.device_id
      )) as suite_name,
      r.name as room_name, coalesce(nullif(u.display_name, ''), u.username) as assignee, w.team,
      array(
        select distinct site_id::text from (
          select rr.site_id from suite_devices sd join suites ss on ss.id = sd.suite_id
            join rooms rr on rr.id = ss.room_id where sd.device_id = w.device_id
          union all select rs.site_id from rooms rs where rs.id = s.room_id
          union all select r.site_id
        ) places where site_id is not null
      ) as site_ids
    from work_orders w
    left join devices d on d.id = w.device_id
    left join suites s on s.id = w.suite_id
    left join rooms r on r.id = w.room_id
    left join users u on u.id = w.assignee_id
    where w.status in ('scheduled', 'in_progress')
      and w.due_at is not null
      and w.due_at - make_interval(days => w.lead_days) <= ${at}::timestamptz
    order by w.due_at, w.number`,
  );
  return rows.flatMap((row) => {
    const state = dueState(new Date(row.due_at), now, {
      leadDays: row.lead_days,
      graceMs: row.grace_min * minuteMs,
    });
    if (state === 'upcoming') return [];
    const where = [row.device_name, row.suite_name ?? row.room_name].filter(Boolean).join(', ');
    return [
      {
        id: row.id,
        number: row.number,
        title: row.title,
        state: state satisfies DigestState,
        dueAt: iso(row.due_at),
        where,
        assignee: row.assignee ?? (row.team ? `team ${row.team}` : null),
        scheduledStart: row.scheduled_start ? iso(row.scheduled_start) : null,
        link: publicUrl ? `${publicUrl}/#/work/${row.id}` : null,
        siteIds: row.site_ids ?? [],
        deviceKind: row.device_kind,
      },
    ];
  });
}

/**
 * Takes the day for this server: marks it sent, unless it already is. One statement, so two
 * servers on one database never both send it. False when the day was already taken.
 */
async function takeDay(db: Db, day: string): Promise<boolean> {
  const mark = JSON.stringify({ [digestSentOnKey]: day });
  const rows = await query(
    db,
    sql`
    insert into ${maintenanceSettings} (id, config) values (1, ${mark}::jsonb)
    on conflict (id) do update set config = ${maintenanceSettings.config} || excluded.config
      where ${maintenanceSettings.config} ->> ${digestSentOnKey} is distinct from ${day}
    returning id`,
  );
  return rows.length > 0;
}

export interface DigestRun {
  /** The facility's local day it ran for. */
  day: string;
  /** Work orders due, due soon or overdue. */
  work: number;
  /** Messages put in the outbox, one per channel that hears the digest and has work to hear of. */
  queued: number;
}

/**
 * Once a local day, at or after the digest hour in the facility's zone, queues the digest of due
 * and overdue work for every channel that takes it. Nothing due, nothing sent; the day is marked
 * either way, so it is not looked at again every minute. A server that was down at the digest
 * hour sends that day's digest when it comes back. Returns null when it is not time.
 */
export async function runDigest(
  ctx: Pick<Context, 'db' | 'config'>,
  now = new Date(),
  settings?: Settings,
): Promise<DigestRun | null> {
  // The settings and the day already sent come from the same row, read once a minute.
  const { config, digestSentOn } = settings ?? (await loadSettings(ctx.db));
  const zone = config.hours.timezone;
  const local = DateTime.fromJSDate(now, { zone });
  const day = local.toISODate();
  if (!day || local.hour < config.digestHour) return null;
  // The cheap look first: on every other minute of the day this is all it costs.
  if (digestSentOn === day) return null;
  return ctx.db.transaction(async (tx) => {
    if (!(await takeDay(tx, day))) return null;
    const work = await dueWork(tx, now, ctx.config.publicUrl);
    const queued =
      work.length > 0 ? await enqueueDigest(tx, { day, timezone: zone, work }, now) : 0;
    return { day, work: work.length, queued };
  });
}
