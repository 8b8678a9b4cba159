import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db/client.ts';
import { openWorkOrderStatuses, type WorkOrderStatus } from '../../domain.ts';
import type { SuiteMaintenance } from './api-types.ts';
import { signoffRisks } from './signoff.ts';

export type { SuiteMaintenance };

const dayMs = 86_400_000;
/** How far ahead the wall warns about a sign-off. */
export const signoffLookAheadDays = 7;

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * A suite's work: on the suite itself, on a device it holds, or on its room (room work disturbs
 * every suite of the room).
 */
const suiteWork = sql`
  select s.id as suite_id, w.id, w.number, w.title, w.status, w.scheduled_start, w.due_at,
    w.grace_min
  from suites s
  join work_orders w on w.suite_id = s.id
    or w.device_id in (select sd.device_id from suite_devices sd where sd.suite_id = s.id)
    or (w.device_id is null and w.suite_id is null and w.room_id = s.room_id)`;

/**
 * Every suite's next planned work, its overdue count and its sign-off risks in the next week.
 * Overdue follows the work-order list: open work past its due date and grace.
 */
export async function maintenanceSummary(db: Db, now = new Date()): Promise<SuiteMaintenance[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const [suites, next, overdue, risks] = await Promise.all([
    query<{ id: string }>(db, sql`select id from suites order by name`),
    // In progress first, then the earliest slot (or due date for work without one).
    query<{
      suite_id: string;
      id: string;
      number: number;
      title: string;
      start: string | Date | null;
      status: WorkOrderStatus;
    }>(
      db,
      sql`select distinct on (x.suite_id) x.suite_id, x.id, x.number, x.title, x.status,
            coalesce(x.scheduled_start, x.due_at) as start
          from (${suiteWork}) x
          where x.status in ('scheduled', 'in_progress')
          order by x.suite_id, (x.status = 'in_progress') desc,
            coalesce(x.scheduled_start, x.due_at) asc nulls last, x.number`,
    ),
    query<{ suite_id: string; n: number | string }>(
      db,
      sql`select x.suite_id, count(distinct x.id) as n
          from (${suiteWork}) x
          where x.status in (${list(openWorkOrderStatuses)})
            and x.due_at + make_interval(mins => x.grace_min) < ${at}
          group by x.suite_id`,
    ),
    signoffRisks(
      db,
      { from: now, to: new Date(now.getTime() + signoffLookAheadDays * dayMs) },
      now,
    ),
  ]);
  const nextBy = new Map(next.map((r) => [r.suite_id, r]));
  const overdueBy = new Map(overdue.map((r) => [r.suite_id, Number(r.n)]));
  return suites.map(({ id }) => {
    const work = nextBy.get(id);
    return {
      suiteId: id,
      nextWork: work
        ? {
            id: work.id,
            number: Number(work.number),
            title: work.title,
            start: work.start === null ? null : new Date(work.start).toISOString(),
            status: work.status,
          }
        : null,
      overdue: overdueBy.get(id) ?? 0,
      signoffRisks: risks.filter((r) => r.suiteId === id),
    };
  });
}
