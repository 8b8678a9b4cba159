import type { Db } from '../../db/client.ts';
import { Invalid } from '../../errors.ts';
import * as repo from './repository.ts';

const dayMs = 24 * 60 * 60 * 1000;
export const defaultPeriodDays = 30;

/** Age bands of the backlog: each from its start (inclusive) to the next one's (exclusive). */
const ageBands = [
  { age: 'under 1 day', minDays: 0 },
  { age: '1-3 days', minDays: 1 },
  { age: '3-7 days', minDays: 3 },
  { age: '7-30 days', minDays: 7 },
  { age: '30+ days', minDays: 30 },
] as const;
const priorities = [1, 2, 3, 4, 5] as const;

function instant(value: string, field: string): Date {
  const date = new Date(value);
  // The date-time format admits a leap second (23:59:60) and year 0, neither of which a Date or
  // PostgreSQL takes.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1)
    throw new Invalid(`querystring.${field}: '${value}' is not a time this server can use`);
  return date;
}

/** [from, to): to defaults to now, from to 30 days before to. */
export function period(query: { from?: string; to?: string }, now = new Date()): repo.Range {
  const to = query.to === undefined ? now : instant(query.to, 'to');
  const from =
    query.from === undefined
      ? new Date(to.getTime() - defaultPeriodDays * dayMs)
      : instant(query.from, 'from');
  if (to.getTime() <= from.getTime()) {
    throw new Invalid(
      `querystring.to: must be after from (${from.toISOString()})${query.to === undefined ? '; it defaults to now' : ''}`,
    );
  }
  return { from, to };
}

const round = (value: number, places: number) => {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
};
const minutes = (seconds: number | null) => (seconds === null ? null : round(seconds / 60, 2));

type ByPriority = Record<'p1' | 'p2' | 'p3' | 'p4' | 'p5' | 'total', number>;
const zeros = (): ByPriority => ({ p1: 0, p2: 0, p3: 0, p4: 0, p5: 0, total: 0 });
const key = (priority: number) => `p${priority}` as Exclude<keyof ByPriority, 'total'>;

export async function backlog(db: Db, now = new Date()) {
  const counts = await repo.backlog(
    db,
    now,
    ageBands.map((b) => b.minDays),
  );
  const buckets = ageBands.map((band, i) => ({
    age: band.age,
    minDays: band.minDays,
    maxDays: ageBands[i + 1]?.minDays ?? null,
    ...zeros(),
  }));
  const totals = zeros();
  for (const { bucket, priority, count } of counts) {
    const row = buckets[Number(bucket)];
    if (!row) continue;
    row[key(priority)] += count;
    row.total += count;
    totals[key(priority)] += count;
    totals.total += count;
  }
  return { asOf: now.toISOString(), buckets, totals };
}

export async function mtta(db: Db, range: repo.Range) {
  const { count, seconds } = await repo.meanTimeToRespond(db, range);
  return { minutes: minutes(seconds), count };
}

export async function mttr(db: Db, range: repo.Range) {
  const { count, seconds } = await repo.meanTimeToRestore(db, range);
  return { minutes: minutes(seconds), count, meaning: 'restore' as const };
}

/** Response rows then resolution rows, P1 to P5, every priority present. */
export async function sla(db: Db, range: repo.Range) {
  const counts = await repo.slaCounts(db, range);
  return (['response', 'resolution'] as const).flatMap((measure) =>
    priorities.map((priority) => {
      const found = counts.find((c) => c.priority === priority);
      const withTarget = found?.[`${measure}_with_target`] ?? 0;
      const met = found?.[`${measure}_met`] ?? 0;
      return {
        measure,
        priority,
        withTarget,
        met,
        breached: withTarget - met,
        attainment: withTarget === 0 ? null : round(met / withTarget, 4),
      };
    }),
  );
}

export async function perSuite(db: Db, range: repo.Range) {
  return (await repo.perSuite(db, range)).map((r) => ({
    suiteId: r.suite_id,
    suiteName: r.suite_name,
    count: r.count,
    open: r.open,
  }));
}

export async function perDeviceKind(db: Db, range: repo.Range) {
  return (await repo.perDeviceKind(db, range)).map((r) => ({
    kind: r.kind,
    count: r.count,
    open: r.open,
  }));
}

/** Every part of the report, read from one snapshot so that the figures agree with each other. */
export async function helpdeskReport(db: Db, range: repo.Range, now = new Date()) {
  return db.transaction(
    async (tx) => ({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      backlog: await backlog(tx, now),
      mtta: await mtta(tx, range),
      mttr: await mttr(tx, range),
      sla: await sla(tx, range),
      perSuite: await perSuite(tx, range),
      perDeviceKind: await perDeviceKind(tx, range),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
