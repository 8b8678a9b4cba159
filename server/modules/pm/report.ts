import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../../db/client.ts';
import {
  workOrderStatuses,
  type DeviceKind,
  type Severity,
  type WorkOrderStatus,
  type WorkOrderType,
} from '../../db/schema/index.ts';
import { Invalid } from '../../errors.ts';
import { period as reportPeriod } from '../reports/service.ts';
import {
  backlogByAge,
  combineReliability,
  monthsOf,
  mtta,
  mttr,
  passRate,
  pmCompliance,
  type Outcome,
  type Reliability,
  type Span,
} from './formulas.ts';
import { orNull, packed, readPacked, SpanList, time, union, whole, type Pairs } from './packed.ts';
import { outcome } from './schedule.ts';
import { loadConfig } from './settings.ts';

/**
 * The manager's maintenance report: PM compliance, overdue backlog, MTTR, labour, MTTA,
 * reliability over booked hours and calibration pass rate for a period, with a monthly trend.
 *
 * One set-based query per figure fetches the rows behind it once; the formulas in formulas.ts and
 * schedule.ts then do the arithmetic, per period and per month, in memory. Nothing is queried per
 * suite or per month. A year of a 5,000-device facility is a few hundred thousand rows (bookings,
 * downtimes, faults, work orders), and on 2 cores the database and this process share, four
 * things keep it near a quarter of a second (measured on PostgreSQL 15):
 * - the queries run side by side on the pool rather than one after another;
 * - big lists come packed as binary cells in one bytea (packed.ts), per suite for bookings and
 *   per device for downtimes: as rows, 146,000 bookings took 450 ms; as decimal text, turning
 *   times into digits and back cost more than the rest of the report;
 * - spans stay flat in Float64Arrays, merged by sorting starts and ends apart (packed.ts union);
 * - reliability is counted in one pass per suite (see tallies), not with suiteReliability, which
 *   is quadratic.
 */

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const maxYears = 3;

/** Severities that count as a failure: minor and warning faults do not stop a session. */
const failureSeverities: readonly Severity[] = ['critical', 'major'];

export interface ReportQuery {
  from?: string;
  to?: string;
  siteId?: string;
  suiteId?: string;
  deviceKind?: DeviceKind;
  assigneeId?: string;
}

/** A checked query: the period [from, to), the instant the report is judged at, the filters. */
export interface Scope {
  from: Date;
  to: Date;
  now: Date;
  siteId?: string;
  suiteId?: string;
  deviceKind?: DeviceKind;
  assigneeId?: string;
}

// ---------------------------------------------------------------------------------------------
// Scope

/**
 * The period (default: the 30 days up to now; at most 3 years) and filters, with every id
 * checked: an id that names nothing is a mistake, not a filter that matches nothing.
 */
export async function scopeOf(db: Db, q: ReportQuery, now: Date): Promise<Scope> {
  const { from, to } = reportPeriod(q, now);
  const earliest = new Date(to.getTime());
  earliest.setUTCFullYear(earliest.getUTCFullYear() - maxYears);
  if (from.getTime() < earliest.getTime())
    throw new Invalid(
      `querystring.from: the period may be at most ${maxYears} years; ${from.toISOString()} is ` +
        `more than ${maxYears} years before to (${to.toISOString()})`,
    );
  const known = (table: SQL, id: string | undefined) =>
    id === undefined ? sql`true` : sql`exists (select 1 from ${table} where id = ${id})`;
  const [row] = await query<{ site: boolean; suite: boolean; assignee: boolean }>(
    db,
    sql`select ${known(sql`sites`, q.siteId)} as site, ${known(sql`suites`, q.suiteId)} as suite,
          ${known(sql`users`, q.assigneeId)} as assignee`,
  );
  if (!row?.site) throw new Invalid(`querystring.siteId: no site with id ${q.siteId}`);
  if (!row.suite) throw new Invalid(`querystring.suiteId: no suite with id ${q.suiteId}`);
  if (!row.assignee) throw new Invalid(`querystring.assigneeId: no user with id ${q.assigneeId}`);
  return {
    from,
    to,
    now,
    siteId: q.siteId,
    suiteId: q.suiteId,
    deviceKind: q.deviceKind,
    assigneeId: q.assigneeId,
  };
}

// ---------------------------------------------------------------------------------------------
// Filters as SQL

const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
const and = (parts: SQL[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));

const narrowsSuites = (s: Scope) => s.siteId !== undefined || s.suiteId !== undefined;

/** The suites in scope (alias su): siteId is the suites in rooms of that site. */
function suiteCondition(s: Scope): SQL {
  const parts: SQL[] = [];
  if (s.siteId)
    parts.push(sql`su.room_id in (select r.id from rooms r where r.site_id = ${s.siteId})`);
  if (s.suiteId) parts.push(sql`su.id = ${s.suiteId}`);
  return and(parts);
}

/** Devices that are in a suite in scope (suite_devices). */
const memberDevices = (s: Scope) =>
  sql`select sd.device_id from suite_devices sd join suites su on su.id = sd.suite_id
      where ${suiteCondition(s)}`;

const ofKind = (kind: DeviceKind) => sql`select d.id from devices d where d.kind = ${kind}`;

/** Downtimes and faults: devices in the suites in scope, of the kind asked for. */
function deviceCondition(s: Scope, column: SQL): SQL {
  const parts: SQL[] = [];
  if (narrowsSuites(s)) parts.push(sql`${column} in (${memberDevices(s)})`);
  if (s.deviceKind) parts.push(sql`${column} in (${ofKind(s.deviceKind)})`);
  return and(parts);
}

/**
 * Work orders (alias w): on a suite in scope, on a device in one, or (for a site) on one of its
 * rooms; of a device of the kind; assigned to the assignee.
 */
function workOrderCondition(s: Scope): SQL {
  const parts: SQL[] = [];
  if (s.siteId)
    parts.push(
      sql`(w.room_id in (select r.id from rooms r where r.site_id = ${s.siteId})
        or w.suite_id in (select su.id from suites su join rooms r on r.id = su.room_id
                          where r.site_id = ${s.siteId})
        or w.device_id in (${memberDevices({ ...s, suiteId: undefined })}))`,
    );
  if (s.suiteId)
    parts.push(
      sql`(w.suite_id = ${s.suiteId}
        or w.device_id in (select sd.device_id from suite_devices sd where sd.suite_id = ${s.suiteId}))`,
    );
  if (s.deviceKind) parts.push(sql`w.device_id in (${ofKind(s.deviceKind)})`);
  if (s.assigneeId) parts.push(sql`w.assignee_id = ${s.assigneeId}`);
  return and(parts);
}

/**
 * What each suite in scope depends on: its own devices (direct), what they depend on
 * (device_dependencies, one level), and the parent chain of both (the switch a workstation hangs
 * off, that switch's core). `union` drops repeats, so a loop in the parents still ends.
 */
function reachOf(s: Scope): SQL {
  return sql`with recursive members as (
      select sd.suite_id, sd.device_id from suite_devices sd join suites su on su.id = sd.suite_id
      where ${suiteCondition(s)}
    ), reach(suite_id, device_id, direct) as (
      select m.suite_id, m.device_id, true from members m
      union
      select m.suite_id, dd.depends_on_id, false
      from members m join device_dependencies dd on dd.device_id = m.device_id
      union
      select r.suite_id, d.parent_id, false
      from reach r join devices d on d.id = r.device_id
      where d.parent_id is not null
    )
    select suite_id, device_id, bool_or(direct) as direct from reach group by suite_id, device_id`;
}

const failing = (alias: 'dt' | 'f', severity: 'severity' | 'peak_severity') =>
  sql`${sql.raw(`${alias}.${severity}`)} in (${sql.join(
    failureSeverities.map((v) => sql`${v}`),
    sql`, `,
  )}) and not ${sql.raw(alias)}.in_maintenance`;

// ---------------------------------------------------------------------------------------------
// Transport

/** Epoch milliseconds as float8 (whole ms), null for null: for lists read as rows. */
const ms = (column: SQL) => sql`round(date_part('epoch', ${column}) * 1000)`;

// ---------------------------------------------------------------------------------------------
// Queries

type PmRow = {
  due_ms: number;
  grace_min: number;
  status: WorkOrderStatus;
  completed_ms: number | null;
};

const preventiveDue = (s: Scope) =>
  sql`w.type = 'preventive' and w.status <> 'cancelled'
      and w.due_at >= ${at(s.from)} and w.due_at < ${at(s.to)} and ${workOrderCondition(s)}`;

/** Preventive work orders that fell due in the period, cancelled ones aside. */
async function pmDue(db: Db, s: Scope): Promise<PmRow[]> {
  const statuses = sql.join(
    workOrderStatuses.map((status) => sql`${status}`),
    sql`, `,
  );
  const [row] = await query<{ rows: Uint8Array | null }>(
    db,
    sql`select ${packed([
      time(sql`w.due_at`),
      whole(sql`w.grace_min`),
      whole(sql`array_position(array[${statuses}], w.status) - 1`),
      time(sql`w.completed_at`),
    ])} as rows
        from work_orders w where ${preventiveDue(s)}`,
  );
  const cells = readPacked(row?.rows, ['time', 'whole', 'whole', 'time']);
  const rows: PmRow[] = [];
  for (let i = 0; i + 3 < cells.length; i += 4)
    rows.push({
      due_ms: cells[i] as number,
      grace_min: cells[i + 1] as number,
      status: workOrderStatuses[cells[i + 2] as number] as WorkOrderStatus,
      completed_ms: orNull(cells[i + 3]),
    });
  return rows;
}

/** Open work not yet done whose due time has passed: the candidates for the overdue backlog. */
function openPastDue(db: Db, s: Scope) {
  return query<{ due_ms: number; grace_min: number }>(
    db,
    sql`select ${ms(sql`w.due_at`)} as due_ms, w.grace_min
        from work_orders w
        where w.status in ('scheduled', 'in_progress') and w.due_at < ${at(s.now)}
          and ${workOrderCondition(s)}`,
  );
}

const doneInPeriod = (s: Scope) =>
  sql`w.status = 'done' and w.completed_at >= ${at(s.from)} and w.completed_at < ${at(s.to)}
      and ${workOrderCondition(s)}`;

/** Labour summed over done work orders completed in the period; those without a start apart. */
async function labourTotals(db: Db, s: Scope) {
  const [row] = await query<{ work_orders: number; without_start: number; total_ms: number }>(
    db,
    sql`select count(w.started_at)::int as work_orders,
          (count(*) - count(w.started_at))::int as without_start,
          coalesce(sum(greatest(0, date_part('epoch', w.completed_at - w.started_at))), 0) * 1000
            as total_ms
        from work_orders w where ${doneInPeriod(s)}`,
  );
  return row ?? { work_orders: 0, without_start: 0, total_ms: 0 };
}

/** Calibration runs done (approved) in the period that recorded pass or fail. */
function calibrationRuns(db: Db, s: Scope) {
  return query<{ completed_ms: number; passed: boolean }>(
    db,
    sql`select ${ms(sql`w.completed_at`)} as completed_ms, w.passed
        from work_orders w
        where w.calibration_template_id is not null and w.passed is not null and ${doneInPeriod(s)}`,
  );
}

/**
 * Failure downtimes that started in the period (MTTR) or overlap it (reliability), of the kind
 * asked for, packed per device as (started, ended). With a site or suite filter, only of devices
 * the suites in scope reach. A row per device rather than per downtime: each device's id is then
 * read once, not 30,000 times.
 */
function failureDowntimes(db: Db, s: Scope) {
  const parts = [
    failing('dt', 'severity'),
    sql`dt.started_at < ${at(s.to)} and (dt.ended_at is null or dt.ended_at > ${at(s.from)})`,
  ];
  if (s.deviceKind) parts.push(sql`dt.device_id in (${ofKind(s.deviceKind)})`);
  if (narrowsSuites(s)) parts.push(sql`dt.device_id in (select device_id from (${reachOf(s)}) x)`);
  return query<{ device_id: string; spans: Uint8Array }>(
    db,
    sql`select dt.device_id, ${packed([time(sql`dt.started_at`), time(sql`dt.ended_at`)])} as spans
        from downtimes dt where ${and(parts)}
        group by dt.device_id`,
  );
}

/**
 * Failure faults opened in the period as (opened, acknowledged). Severity is the fault's peak, as
 * on its downtime.
 */
async function failureFaults(db: Db, s: Scope) {
  const [row] = await query<{ spans: Uint8Array | null }>(
    db,
    sql`select ${packed([time(sql`f.opened_at`), time(sql`f.acknowledged_at`)])} as spans
        from faults f
        where ${failing('f', 'peak_severity')}
          and f.opened_at >= ${at(s.from)} and f.opened_at < ${at(s.to)}
          and ${deviceCondition(s, sql`f.device_id`)}`,
  );
  const cells = readPacked(row?.spans, ['time', 'time']);
  const faults: Array<{ openedAt: number; acknowledgedAt: number | null }> = [];
  for (let i = 0; i + 1 < cells.length; i += 2) {
    const openedAt = cells[i] as number;
    faults.push({ openedAt, acknowledgedAt: notBefore(openedAt, orNull(cells[i + 1])) });
  }
  return faults;
}

function suitesInScope(db: Db, s: Scope) {
  return query<{ id: string; name: string }>(
    db,
    sql`select su.id, su.name from suites su where ${suiteCondition(s)}
        order by lower(su.name), su.id`,
  );
}

function reach(db: Db, s: Scope) {
  return query<{ suite_id: string; device_id: string; direct: boolean }>(db, reachOf(s));
}

/** Bookings of suites in scope that overlap the period up to now (later ones were not worked). */
function bookingsBySuite(db: Db, s: Scope, upTo: Date) {
  if (upTo.getTime() <= s.from.getTime()) return Promise.resolve([]);
  const inScope = narrowsSuites(s)
    ? sql`b.suite_id in (select su.id from suites su where ${suiteCondition(s)})`
    : sql`true`;
  return query<{ suite_id: string; starts: Uint8Array; ends: Uint8Array }>(
    db,
    sql`select b.suite_id, ${packed([time(sql`b.starts_at`)])} as starts,
          ${packed([time(sql`b.ends_at`)])} as ends
        from bookings b
        where ${inScope} and b.starts_at < ${at(upTo)} and b.ends_at > ${at(s.from)}
        group by b.suite_id`,
  );
}

// ---------------------------------------------------------------------------------------------
// Months

type Month = { key: string; start: number; end: number };

/** Index of the month holding ms, or -1. Months are sorted and contiguous. */
function monthIndex(months: readonly Month[], ms: number): number {
  let low = 0;
  let high = months.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const month = months[mid] as Month;
    if (ms < month.start) high = mid - 1;
    else if (ms >= month.end) low = mid + 1;
    else return mid;
  }
  return -1;
}

/** Items grouped by the month their instant falls in; instants outside every month are dropped. */
function byMonth<T>(months: readonly Month[], items: readonly T[], msOf: (item: T) => number) {
  const buckets = months.map((): T[] => []);
  for (const item of items) buckets[monthIndex(months, msOf(item))]?.push(item);
  return buckets;
}

// ---------------------------------------------------------------------------------------------
// Figures

/**
 * Completed work waiting for a senior's review was still done when it was done: judging it missed
 * until someone signs it off would move last month's figure after the fact.
 */
function outcomeOf(row: PmRow, now: Date): Outcome {
  const done = row.status === 'done' || row.status === 'pending_review';
  return outcome(
    {
      dueAt: new Date(row.due_ms),
      graceMs: row.grace_min * minuteMs,
      completedAt: done && row.completed_ms !== null ? new Date(row.completed_ms) : null,
      skipped: row.status === 'skipped',
    },
    now,
  );
}

// An end before the start (a probe's clock ahead of the server's) would make a negative time;
// such a record counts as an instant restore or acknowledgement rather than failing the report.
const notBefore = (start: number, end: number | null) =>
  end === null ? null : Math.max(start, end);

const one = (value: number) => value.toFixed(1);

function labourOf(totals: Awaited<ReturnType<typeof labourTotals>>) {
  const minutes = totals.total_ms / minuteMs;
  const workOrders = totals.work_orders;
  const withoutStart = totals.without_start;
  const note = withoutStart > 0 ? `; ${withoutStart} without a start time, not counted` : '';
  const formula =
    workOrders === 0
      ? `no done work order with a start time${note}`
      : `sum of (completed - started) over ${workOrders} done work order${workOrders === 1 ? '' : 's'} = ` +
        `${one(minutes)} min${note}`;
  return { minutes, workOrders, withoutStart, formula };
}

/** A suite's booked time and failure downtime, each merged (sorted, disjoint pairs) once. */
interface SuiteSpans {
  id: string;
  name: string;
  booked: Pairs;
  down: Pairs;
}

interface Tally {
  bookedMs: number;
  lostMs: number;
  failures: number;
}

const tally = (): Tally => ({ bookedMs: 0, lostMs: 0, failures: 0 });

/**
 * A suite's booked time, the part of it lost to failure downtime, and failures, for the period
 * and for each of its months, in one pass over the suite's merged spans. These are the three
 * numbers formulas.ts suiteReliability defines, over each window cut at now: a failure is a merged
 * outage that overlaps booked time in the window, however many bookings it cuts into.
 * suiteReliability itself tests every outage against all booked time (a suite-year takes 70 ms
 * there, 200 suites 14 s), so the report counts here and leaves MTBF, availability and the formula
 * to combineReliability.
 */
function tallies(suite: SuiteSpans, period: Span, months: readonly Month[], now: number) {
  const upTo = Math.max(period.start, Math.min(period.end, now));
  const total = tally();
  const perMonth = months.map(tally);
  const { booked, down } = suite;
  for (let b = 0; b < booked.length; b += 2) {
    const start = Math.max(booked[b] as number, period.start);
    const end = Math.min(booked[b + 1] as number, upTo);
    if (end <= start) continue;
    total.bookedMs += end - start;
    // The months [start, end) crosses; start is inside the period, so inside a month.
    for (let m = monthIndex(months, start); m >= 0 && m < months.length; m += 1) {
      const month = months[m] as Month;
      if (month.start >= end) break;
      (perMonth[m] as Tally).bookedMs += Math.min(end, month.end) - Math.max(start, month.start);
    }
  }
  let next = 0;
  for (let o = 0; o < down.length; o += 2) {
    const from = Math.max(down[o] as number, period.start);
    const to = Math.min(down[o + 1] as number, upTo);
    if (to <= from) continue;
    // Outages come in order, so booked time that ended before this one ends before the rest.
    while (next < booked.length && (booked[next + 1] as number) <= from) next += 2;
    let hit = false;
    let lastMonth = -1;
    for (let b = next; b < booked.length && (booked[b] as number) < to; b += 2) {
      const start = Math.max(from, booked[b] as number);
      const end = Math.min(to, booked[b + 1] as number);
      if (end <= start) continue;
      hit = true;
      total.lostMs += end - start;
      for (let m = monthIndex(months, start); m >= 0 && m < months.length; m += 1) {
        const month = months[m] as Month;
        if (month.start >= end) break;
        const inMonth = perMonth[m] as Tally;
        inMonth.lostMs += Math.min(end, month.end) - Math.max(start, month.start);
        // Pieces come in time order: a month counts an outage once.
        if (m !== lastMonth) inMonth.failures += 1;
        lastMonth = m;
      }
    }
    if (hit) total.failures += 1;
  }
  return { total, perMonth };
}

/**
 * The fleet's tally: the suites' whole ms summed, then turned into hours once (combineReliability
 * sums hours, which drifts in the last digits), and one formula rather than one per suite-month.
 */
function summed(tallies: readonly Tally[]): Tally {
  const sum = tally();
  for (const t of tallies) {
    sum.bookedMs += t.bookedMs;
    sum.lostMs += t.lostMs;
    sum.failures += t.failures;
  }
  return sum;
}

const reliabilityOf = (t: Tally): Reliability =>
  combineReliability([
    { bookedH: t.bookedMs / hourMs, downInBookedH: t.lostMs / hourMs, failures: t.failures },
  ]);

interface Loaded {
  scope: Scope;
  timezone: string;
  /** Each preventive work order due in the period, judged once. */
  pm: Array<{ dueMs: number; outcome: Outcome }>;
  open: Array<{ due_ms: number; grace_min: number }>;
  labour: Awaited<ReturnType<typeof labourTotals>>;
  runs: Array<{ completed_ms: number; passed: boolean }>;
  /** Downtimes that started in the period, of devices in scope: the failures behind MTTR. */
  restores: Array<{ startedAt: number; endedAt: number | null }>;
  faults: Array<{ openedAt: number; acknowledgedAt: number | null }>;
  suites: SuiteSpans[];
}

/**
 * Suites in scope with their merged booked and down time, and the restores behind MTTR. A suite
 * is down while a failure downtime runs on anything it reaches (reachOf); an ongoing one has
 * lasted until now.
 */
async function loadSuites(db: Db, s: Scope) {
  const now = s.now.getTime();
  const upTo = new Date(Math.min(s.to.getTime(), now));
  const [suites, reached, downtimes, bookings] = await Promise.all([
    suitesInScope(db, s),
    reach(db, s),
    failureDowntimes(db, s),
    bookingsBySuite(db, s, upTo),
  ]);
  const direct = new Set(reached.filter((r) => r.direct).map((r) => r.device_id));
  const index = new Map(suites.map((su, i) => [su.id, i]));
  const suitesOf = new Map<string, number[]>();
  for (const r of reached) {
    const i = index.get(r.suite_id);
    if (i === undefined) continue;
    const list = suitesOf.get(r.device_id);
    if (list) list.push(i);
    else suitesOf.set(r.device_id, [i]);
  }
  const fromMs = s.from.getTime();
  const toMs = s.to.getTime();
  const restores: Loaded['restores'] = [];
  // Every downtime once, as a closed span (an ongoing one runs to now), dealt out to the suites
  // that reach its device: a shared switch or store is reached by many.
  const down = suites.map(() => new SpanList());
  for (const device of downtimes) {
    const cells = readPacked(device.spans, ['time', 'time']);
    const restored = !narrowsSuites(s) || direct.has(device.device_id);
    const reachedBy = suitesOf.get(device.device_id) ?? [];
    for (let c = 0; c + 1 < cells.length; c += 2) {
      const start = cells[c] as number;
      const endedAt = notBefore(start, orNull(cells[c + 1]));
      if (restored && start >= fromMs && start < toMs) restores.push({ startedAt: start, endedAt });
      const end = endedAt ?? Math.max(start, now);
      for (const i of reachedBy) down[i]?.push(start, end);
    }
  }
  // Each booking ends after it starts (a check on the table), as union asks.
  const booked = new Map(
    bookings.map((b) => [
      b.suite_id,
      union(readPacked(b.starts, ['time']), readPacked(b.ends, ['time'])),
    ]),
  );
  return {
    restores,
    suites: suites.map((su, i): SuiteSpans => ({
      id: su.id,
      name: su.name,
      booked: booked.get(su.id) ?? new Float64Array(0),
      down: (down[i] as SpanList).union(),
    })),
  };
}

/**
 * The rows behind every figure. The queries run side by side on the pool, not in one snapshot:
 * on 2 cores that halves the time, and the period is history, so a fault that opens while the
 * report is read shows in the next one.
 */
async function load(db: Db, q: ReportQuery, now: Date): Promise<Loaded> {
  const scope = await scopeOf(db, q, now);
  const [config, pm, open, labour, runs, faults, spans] = await Promise.all([
    loadConfig(db),
    pmDue(db, scope),
    openPastDue(db, scope),
    labourTotals(db, scope),
    calibrationRuns(db, scope),
    failureFaults(db, scope),
    loadSuites(db, scope),
  ]);
  return {
    scope,
    timezone: config.hours.timezone,
    pm: pm.map((r) => ({ dueMs: r.due_ms, outcome: outcomeOf(r, now) })),
    open,
    labour,
    runs,
    restores: spans.restores,
    faults,
    suites: spans.suites,
  };
}

const suiteRow = (suite: SuiteSpans, reliability: Reliability) => ({
  suiteId: suite.id,
  name: suite.name,
  bookedH: reliability.bookedH,
  downInBookedH: reliability.downInBookedH,
  failures: reliability.failures,
  mtbfH: reliability.mtbfH,
  availabilityPct: reliability.availabilityPct,
  formula: reliability.formula,
});

const periodSpan = (s: Scope): Span => ({ start: s.from.getTime(), end: s.to.getTime() });

/** Every figure for the period and each month of it. */
function figures(data: Loaded) {
  const { scope } = data;
  const now = scope.now;
  const period = periodSpan(scope);
  const months = monthsOf(period, data.timezone);
  const suites = data.suites.map((suite) => ({
    suite,
    ...tallies(suite, period, months, now.getTime()),
  }));
  const suiteReliability = suites.map((s) => reliabilityOf(s.total));
  const pm = byMonth(months, data.pm, (r) => r.dueMs);
  const restores = byMonth(months, data.restores, (r) => r.startedAt);
  const faults = byMonth(months, data.faults, (f) => f.openedAt);
  const runs = byMonth(months, data.runs, (r) => r.completed_ms);
  const trend = months.map((month, i) => {
    const reliability = reliabilityOf(summed(suites.map((s) => s.perMonth[i] as Tally)));
    return {
      month: month.key,
      pmCompliancePct: pmCompliance((pm[i] ?? []).map((r) => r.outcome)).pct,
      mttrMin: mttr(restores[i] ?? []).minutes,
      mttaMin: mtta(faults[i] ?? []).minutes,
      mtbfH: reliability.mtbfH,
      availabilityPct: reliability.availabilityPct,
      calibrationPct: passRate(runs[i] ?? []).pct,
    };
  });
  return {
    suites: suites.map((s, i) => suiteRow(s.suite, suiteReliability[i] as Reliability)),
    fleet: reliabilityOf(summed(suites.map((s) => s.total))),
    trend,
  };
}

export async function maintenanceReport(db: Db, q: ReportQuery, now = new Date()) {
  const data = await load(db, q, now);
  const { scope } = data;
  const restore = mttr(data.restores);
  const acknowledge = mtta(data.faults);
  const labour = labourOf(data.labour);
  const { suites, fleet, trend } = figures(data);
  return {
    period: { from: scope.from.toISOString(), to: scope.to.toISOString() },
    asOf: now.toISOString(),
    timezone: data.timezone,
    pmCompliance: pmCompliance(data.pm.map((r) => r.outcome)),
    backlog: backlogByAge(
      data.open.map((r) => ({ dueAt: r.due_ms, graceMs: r.grace_min * minuteMs })),
      now.getTime(),
    ),
    mttrMin: restore.minutes,
    mttr: restore,
    labourMin: labour.minutes,
    labour,
    mttaMin: acknowledge.minutes,
    mtta: acknowledge,
    mtbfH: fleet.mtbfH,
    availabilityPct: fleet.availabilityPct,
    reliability: fleet,
    calibration: passRate(data.runs),
    suites,
    trend,
  };
}

export async function trend(db: Db, q: ReportQuery, now = new Date()) {
  return figures(await load(db, q, now)).trend;
}

export async function suites(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const { suites } = await loadSuites(db, scope);
  return suites.map((suite) =>
    suiteRow(suite, reliabilityOf(tallies(suite, periodSpan(scope), [], now.getTime()).total)),
  );
}

// ---------------------------------------------------------------------------------------------
// The rows behind a figure

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

type WorkOrderRow = {
  number: number;
  title: string;
  type: WorkOrderType;
  status: WorkOrderStatus;
  due_ms: number | null;
  grace_min: number;
  started_ms: number | null;
  completed_ms: number | null;
  passed: boolean | null;
  template: string | null;
  assignee: string | null;
  device: string | null;
  suite: string | null;
  room: string | null;
};

/**
 * Work orders (alias w) with the names a reader needs: assignee, device, suite (the work order's
 * own, or its device's suites) and room. The lists behind compliance, backlog, labour and
 * calibration all read this one shape.
 */
function workOrderRows(db: Db, where: SQL, orderBy: SQL) {
  return query<WorkOrderRow>(
    db,
    sql`select w.number, w.title, w.type, w.status, ${ms(sql`w.due_at`)} as due_ms,
          w.grace_min, ${ms(sql`w.started_at`)} as started_ms,
          ${ms(sql`w.completed_at`)} as completed_ms, w.passed, ct.name as template,
          coalesce(nullif(u.display_name, ''), u.username) as assignee, d.name as device,
          coalesce(su.name, (
            select string_agg(s2.name, '; ' order by lower(s2.name))
            from suite_devices sd join suites s2 on s2.id = sd.suite_id
            where sd.device_id = w.device_id)) as suite,
          r.name as room
        from work_orders w
        left join users u on u.id = w.assignee_id
        left join devices d on d.id = w.device_id
        left join suites su on su.id = w.suite_id
        left join rooms r on r.id = w.room_id
        left join calibration_templates ct on ct.id = w.calibration_template_id
        where ${where}
        order by ${orderBy}`,
  );
}

const named = (row: WorkOrderRow) => ({
  assignee: row.assignee,
  device: row.device,
  suite: row.suite,
  room: row.room,
});

/** The work orders behind PM compliance, in due order, each with its outcome. */
export async function complianceRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await workOrderRows(db, preventiveDue(scope), sql`w.due_at, w.number`);
  return rows.map((row) => ({
    number: row.number,
    title: row.title,
    type: row.type,
    status: row.status,
    // preventiveDue keeps only work with a due date in the period.
    dueAt: new Date(row.due_ms as number).toISOString(),
    graceMin: row.grace_min,
    completedAt: iso(row.completed_ms),
    outcome: outcomeOf({ ...row, due_ms: row.due_ms as number }, now),
    ...named(row),
  }));
}

/**
 * The work behind the overdue backlog: open work orders past due and grace now, oldest first,
 * each with its whole days overdue and the backlog bucket it counts in. About now, not the period.
 */
export async function backlogRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await workOrderRows(
    db,
    sql`w.status in ('scheduled', 'in_progress') and w.due_at < ${at(now)}
        and ${workOrderCondition(scope)}`,
    sql`w.due_at, w.number`,
  );
  return rows.flatMap((row) => {
    const dueMs = row.due_ms as number;
    // The bucket exactly as the figure counts it; work still inside its grace is not overdue.
    const bucket = backlogByAge(
      [{ dueAt: dueMs, graceMs: row.grace_min * minuteMs }],
      now.getTime(),
    ).find((b) => b.count > 0)?.bucket;
    if (bucket === undefined) return [];
    return [
      {
        number: row.number,
        title: row.title,
        type: row.type,
        status: row.status,
        dueAt: new Date(dueMs).toISOString(),
        graceMin: row.grace_min,
        daysOverdue: Math.floor((now.getTime() - dueMs) / (24 * hourMs)),
        bucket,
        ...named(row),
      },
    ];
  });
}

/** The work behind the labour figure: done work orders completed in the period. */
export async function labourRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await workOrderRows(db, doneInPeriod(scope), sql`w.completed_at, w.number`);
  return rows.map((row) => ({
    number: row.number,
    title: row.title,
    type: row.type,
    startedAt: iso(row.started_ms),
    completedAt: iso(row.completed_ms) as string,
    labourMin:
      row.started_ms === null || row.completed_ms === null
        ? null
        : Math.max(0, row.completed_ms - row.started_ms) / minuteMs,
    ...named(row),
  }));
}

/** The runs behind the calibration pass rate, in completion order. */
export async function calibrationRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await workOrderRows(
    db,
    sql`w.calibration_template_id is not null and w.passed is not null and ${doneInPeriod(scope)}`,
    sql`w.completed_at, w.number`,
  );
  return rows.map((row) => ({
    number: row.number,
    title: row.title,
    template: row.template ?? '',
    completedAt: iso(row.completed_ms) as string,
    passed: row.passed === true,
    ...named(row),
  }));
}

/** The failures behind MTTR: failure downtimes that started in the period, oldest first. */
export async function downtimeRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await query<{
    fault_id: string;
    device_id: string;
    device: string;
    device_kind: DeviceKind;
    condition: string;
    severity: Severity;
    started_ms: number;
    ended_ms: number | null;
  }>(
    db,
    sql`select dt.fault_id, dt.device_id, d.name as device, d.kind::text as device_kind,
          dt.condition, dt.severity::text as severity,
          ${ms(sql`dt.started_at`)} as started_ms, ${ms(sql`dt.ended_at`)} as ended_ms
        from downtimes dt join devices d on d.id = dt.device_id
        where ${failing('dt', 'severity')}
          and dt.started_at >= ${at(scope.from)} and dt.started_at < ${at(scope.to)}
          and ${deviceCondition(scope, sql`dt.device_id`)}
        order by dt.started_at, lower(d.name), dt.fault_id`,
  );
  return rows.map((row) => {
    const ended = notBefore(row.started_ms, row.ended_ms);
    return {
      faultId: row.fault_id,
      deviceId: row.device_id,
      device: row.device,
      deviceKind: row.device_kind,
      condition: row.condition,
      severity: row.severity,
      startedAt: new Date(row.started_ms).toISOString(),
      endedAt: iso(ended),
      restoreMin: ended === null ? null : (ended - row.started_ms) / minuteMs,
    };
  });
}

/** The faults behind MTTA: failure faults opened in the period, oldest first. */
export async function faultRows(db: Db, q: ReportQuery, now = new Date()) {
  const scope = await scopeOf(db, q, now);
  const rows = await query<{
    fault_id: string;
    device_id: string;
    device: string;
    device_kind: DeviceKind;
    condition: string;
    severity: Severity;
    opened_ms: number;
    acknowledged_ms: number | null;
  }>(
    db,
    sql`select f.id as fault_id, f.device_id, d.name as device, d.kind::text as device_kind,
          f.condition, f.peak_severity::text as severity,
          ${ms(sql`f.opened_at`)} as opened_ms, ${ms(sql`f.acknowledged_at`)} as acknowledged_ms
        from faults f join devices d on d.id = f.device_id
        where ${failing('f', 'peak_severity')}
          and f.opened_at >= ${at(scope.from)} and f.opened_at < ${at(scope.to)}
          and ${deviceCondition(scope, sql`f.device_id`)}
        order by f.opened_at, lower(d.name), f.id`,
  );
  return rows.map((row) => {
    const acknowledged = notBefore(row.opened_ms, row.acknowledged_ms);
    return {
      faultId: row.fault_id,
      deviceId: row.device_id,
      device: row.device,
      deviceKind: row.device_kind,
      condition: row.condition,
      severity: row.severity,
      openedAt: new Date(row.opened_ms).toISOString(),
      acknowledgedAt: iso(acknowledged),
      acknowledgeMin: acknowledged === null ? null : (acknowledged - row.opened_ms) / minuteMs,
    };
  });
}
