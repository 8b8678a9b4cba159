import { sql, type SQL } from 'drizzle-orm';
import { query, sqlArray, type Db } from '../../db/client.ts';
import type { CalibrationKind, SignoffKind } from '../../domain.ts';
import type { SignoffRisk } from './api-types.ts';
import { loadConfig } from './settings.ts';

export type { SignoffRisk };

export interface SignoffFilter {
  suiteIds?: string[];
  bookingIds?: string[];
  /** Sign-off bookings overlapping [from, to). */
  from: Date;
  to: Date;
}

const displayKinds: CalibrationKind[] = ['sdr_display', 'hdr_display'];
const audioKinds: CalibrationKind[] = ['audio_lineup', 'loudness'];
const dayMs = 86_400_000;

interface Row extends Record<string, unknown> {
  booking_id: string;
  suite_id: string;
  signoff: SignoffKind;
  starts_at: string | Date;
  subject: string | null;
  last_at: string | Date | null;
  last_passed: boolean | null;
  pass_at: string | Date | null;
}

/**
 * One row per sign-off booking and subject that must be calibrated for it, with the subject's last
 * finished calibration before the session and its last passing one.
 *
 * Grade: each reference display of the suite. A display device of the suite is a reference
 * display when it has calibration work of a display kind (any state) or an active plan with a
 * display template; when none of the suite's displays has, all of them are, so an uncalibrated
 * grading suite is flagged rather than passed. A display calibration on the suite itself (no
 * device) counts for each of its displays. A suite with no display device gives one row with no
 * subject.
 *
 * Mix: one subject, the room line-up: audio calibration (line-up or loudness) on any device of
 * the suite, on the suite itself, or on the suite's room. The subject is null when the suite has
 * no audio device and no line-up was ever recorded for it.
 */
function riskRows(filter: SignoffFilter, asOf: Date): SQL {
  const where: SQL[] = [
    sql`b.signoff is not null`,
    sql`b.starts_at < ${filter.to.toISOString()}::timestamptz`,
    sql`b.ends_at > ${filter.from.toISOString()}::timestamptz`,
  ];
  if (filter.suiteIds) where.push(sql`b.suite_id = any(${sqlArray(filter.suiteIds, 'uuid')})`);
  if (filter.bookingIds) where.push(sql`b.id = any(${sqlArray(filter.bookingIds, 'uuid')})`);
  const now = sql`${asOf.toISOString()}::timestamptz`;
  // A run counts only when it was finished before the session started (and by now).
  const finishedBefore = sql`w.status = 'done' and w.completed_at is not null
    and w.completed_at <= least(b.starts_at, ${now})`;
  return sql`
    with b as (
      select b.id, b.suite_id, b.signoff, b.starts_at, s.room_id
      from bookings b join suites s on s.id = b.suite_id
      where ${sql.join(where, sql` and `)}
    ),
    displays as (
      select distinct b.suite_id, d.id, d.name,
        (exists (
          select 1 from work_orders w join calibration_templates t on t.id = w.calibration_template_id
          where w.device_id = d.id and t.kind = any(${sqlArray(displayKinds, 'text')})
        ) or exists (
          select 1 from pm_plans p join calibration_templates t on t.id = p.calibration_template_id
          where p.device_id = d.id and p.active and t.kind = any(${sqlArray(displayKinds, 'text')})
        )) as calibrated
      from b join suite_devices sd on sd.suite_id = b.suite_id
      join devices d on d.id = sd.device_id and d.kind = 'display'
      where b.signoff = 'grade'
    ),
    reference as (
      select x.suite_id, x.id, x.name from displays x
      where x.calibrated or not exists (
        select 1 from displays y where y.suite_id = x.suite_id and y.calibrated
      )
    ),
    grade as (
      select b.id as booking_id, b.suite_id, b.signoff, b.starts_at, r.name as subject,
        last.completed_at as last_at, last.passed as last_passed, pass.completed_at as pass_at
      from b left join reference r on r.suite_id = b.suite_id
      left join lateral (
        select w.completed_at, w.passed from work_orders w
        join calibration_templates t on t.id = w.calibration_template_id
        where ${finishedBefore} and t.kind = any(${sqlArray(displayKinds, 'text')})
          and (w.device_id = r.id or (w.device_id is null and w.suite_id = b.suite_id))
        order by w.completed_at desc limit 1
      ) last on r.id is not null
      left join lateral (
        select w.completed_at from work_orders w
        join calibration_templates t on t.id = w.calibration_template_id
        where ${finishedBefore} and w.passed is true and t.kind = any(${sqlArray(displayKinds, 'text')})
          and (w.device_id = r.id or (w.device_id is null and w.suite_id = b.suite_id))
        order by w.completed_at desc limit 1
      ) pass on r.id is not null
      where b.signoff = 'grade'
    ),
    lineup as (
      select w.completed_at, w.passed, b.id as booking_id
      from b join work_orders w on (
          w.device_id in (select sd.device_id from suite_devices sd where sd.suite_id = b.suite_id)
          or (w.device_id is null and w.suite_id = b.suite_id)
          or (w.device_id is null and w.suite_id is null and w.room_id = b.room_id)
        )
      join calibration_templates t on t.id = w.calibration_template_id
      where b.signoff = 'mix' and t.kind = any(${sqlArray(audioKinds, 'text')}) and ${finishedBefore}
    ),
    mix as (
      select b.id as booking_id, b.suite_id, b.signoff, b.starts_at,
        case when exists (
          select 1 from suite_devices sd join devices d on d.id = sd.device_id
          where sd.suite_id = b.suite_id and d.kind = 'audio'
        ) or exists (select 1 from lineup l where l.booking_id = b.id)
        then 'room line-up' end as subject,
        (select l.completed_at from lineup l where l.booking_id = b.id
          order by l.completed_at desc limit 1) as last_at,
        (select l.passed from lineup l where l.booking_id = b.id
          order by l.completed_at desc limit 1) as last_passed,
        (select max(l.completed_at) from lineup l where l.booking_id = b.id and l.passed is true)
          as pass_at
      from b where b.signoff = 'mix'
    )
    select * from grade union all select * from mix
    order by starts_at, booking_id`;
}

const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
const daysBefore = (start: Date, at: Date, round: (n: number) => number) =>
  round((start.getTime() - at.getTime()) / dayMs);
const plural = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** What is wrong with one subject for a session at `start`, or null when it is calibrated. */
function problemOf(row: Row, start: Date, validDays: number): string | null {
  const name = row.signoff === 'grade' ? (row.subject ?? '') : 'the room line-up';
  const what = row.signoff === 'grade' ? `the calibration of ${name}` : name;
  const passAt = row.pass_at === null ? null : toDate(row.pass_at);
  const lastAt = row.last_at === null ? null : toDate(row.last_at);
  if (lastAt && row.last_passed !== true) {
    const ago = plural(daysBefore(start, lastAt, Math.floor));
    return `${what} failed ${ago} before the session, and has not passed since`;
  }
  if (!passAt)
    return row.signoff === 'grade'
      ? `${name} has no passing calibration before the session`
      : 'no passing room line-up before the session';
  if (start.getTime() - passAt.getTime() > validDays * dayMs) {
    const age = daysBefore(start, passAt, Math.ceil);
    return `${what} last passed ${plural(age)} before the session (a sign-off needs one within ${plural(validDays)})`;
  }
  return null;
}

/**
 * Client sign-off bookings in the filter whose suite has no passing calibration within the
 * configured days before the session starts: the reference display for a grade, the room
 * line-up for a mix. Bookings that are fine are left out.
 */
export async function signoffRisks(
  db: Db,
  filter: SignoffFilter,
  now = new Date(),
  /** The configured validity, when the caller has the settings already. */
  validDays?: number,
): Promise<SignoffRisk[]> {
  if (filter.suiteIds?.length === 0 || filter.bookingIds?.length === 0) return [];
  const [signoffValidDays, rows] = await Promise.all([
    validDays ?? loadConfig(db).then((c) => c.signoffValidDays),
    query<Row>(db, riskRows(filter, now)),
  ]);
  const byBooking = new Map<string, Row[]>();
  for (const row of rows) {
    const list = byBooking.get(row.booking_id) ?? [];
    list.push(row);
    byBooking.set(row.booking_id, list);
  }
  const risks: SignoffRisk[] = [];
  for (const [bookingId, subjects] of byBooking) {
    const first = subjects[0]!;
    const kind = first.signoff;
    const start = toDate(first.starts_at);
    const base = { bookingId, suiteId: first.suite_id, kind };
    if (subjects.every((s) => s.subject === null)) {
      risks.push({
        ...base,
        reason:
          kind === 'grade'
            ? 'no reference display in this suite'
            : 'no audio device or room line-up in this suite',
        lastPassAt: null,
      });
      continue;
    }
    const problems = subjects
      .map((s) => problemOf(s, start, signoffValidDays))
      .filter((p): p is string => p !== null);
    if (problems.length === 0) continue;
    // With several reference displays the weakest one decides: the oldest last pass, or none.
    const passes = subjects.map((s) => (s.pass_at === null ? null : toDate(s.pass_at)));
    const oldest = passes.includes(null)
      ? null
      : new Date(Math.min(...passes.map((p) => p!.getTime())));
    risks.push({
      ...base,
      reason: problems.join('; '),
      lastPassAt: oldest?.toISOString() ?? null,
    });
  }
  return risks;
}
