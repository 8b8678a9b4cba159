import { DateTime } from 'luxon';

/**
 * Maintenance-report formulas (docs: helpdesk-and-maintenance.md, "Maintenance metrics").
 *
 * Pure functions, no I/O. Every figure comes back with the counts behind it and a formula string
 * a manager can check by hand. Numbers are never rounded; only the strings are, to one decimal.
 */

/** [start, end) in epoch ms, end > start. */
export interface Span {
  start: number;
  end: number;
}

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

const one = (value: number) => value.toFixed(1);
const counted = (count: number, singular: string, plural = `${singular}s`) =>
  `${count} ${count === 1 ? singular : plural}`;

function checkSpan(name: string, span: Span): void {
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end))
    throw new RangeError(`${name} has a start or end that is not a finite time`);
  if (span.end < span.start)
    throw new RangeError(`${name} ends (${span.end}) before it starts (${span.start})`);
}

// ---------------------------------------------------------------------------------------------
// Span arithmetic

/**
 * The spans' union as sorted, disjoint spans. Spans that touch (one ends where the next starts)
 * merge, so a booking 09-12 followed by one 12-18 is a single 09-18 block. Zero-length spans cover
 * nothing and are dropped. Throws a RangeError for a span that ends before it starts.
 */
export function union(spans: ReadonlyArray<Span>): Span[] {
  for (const span of spans) checkSpan('span', span);
  // Copies, so that merging never edits the caller's objects.
  const sorted = spans
    .filter((span) => span.end > span.start)
    .map((span) => ({ start: span.start, end: span.end }))
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push(span);
  }
  return merged;
}

/** Time covered by both a and b, as sorted, disjoint spans. Either side may overlap itself. */
export function intersect(a: ReadonlyArray<Span>, b: ReadonlyArray<Span>): Span[] {
  const left = union(a);
  const right = union(b);
  const result: Span[] = [];
  let i = 0;
  let j = 0;
  // Both sides are sorted and disjoint, so one walk through them finds every overlap.
  while (i < left.length && j < right.length) {
    const x = left[i] as Span;
    const y = right[j] as Span;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) result.push({ start, end });
    if (x.end <= y.end) i += 1;
    else j += 1;
  }
  return union(result);
}

/** Total ms covered, counting overlapping time once. */
export function measure(spans: ReadonlyArray<Span>): number {
  return union(spans).reduce((total, span) => total + (span.end - span.start), 0);
}

/** The part of the spans' union inside period, as sorted, disjoint spans. */
export function clip(spans: ReadonlyArray<Span>, period: Span): Span[] {
  checkSpan('period', period);
  return intersect(spans, [period]);
}

// ---------------------------------------------------------------------------------------------
// PM compliance

export type Outcome = 'on_time' | 'late_in_grace' | 'missed' | 'skipped' | 'pending';

export interface PmCompliance {
  pct: number | null;
  onTime: number;
  lateInGrace: number;
  missed: number;
  skipped: number;
  pending: number;
  due: number;
  formula: string;
}

/**
 * PM compliance over preventive work orders that FELL DUE in the period (dueAt in [from, to));
 * the caller has already classified each (outcome) and dropped corrective and undated work.
 *
 * compliant = on_time + late_in_grace; due = on_time + late_in_grace + missed + skipped;
 * pct = compliant / due * 100, null when due = 0. The denominator is what fell due, not what was
 * done, so a skipped PM counts against compliance exactly like a missed one. Pending work (still
 * inside its grace at report time) is reported but left out of the denominator: it is not decided
 * yet, and counting it either way would make this month's figure move after the fact.
 */
export function pmCompliance(outcomes: ReadonlyArray<Outcome>): PmCompliance {
  const tally: Record<Outcome, number> = {
    on_time: 0,
    late_in_grace: 0,
    missed: 0,
    skipped: 0,
    pending: 0,
  };
  for (const outcome of outcomes) {
    if (!Object.hasOwn(tally, outcome)) throw new RangeError(`Unknown PM outcome '${outcome}'`);
    tally[outcome] += 1;
  }
  const compliant = tally.on_time + tally.late_in_grace;
  const due = compliant + tally.missed + tally.skipped;
  const pct = due === 0 ? null : (compliant / due) * 100;
  const pendingNote = tally.pending > 0 ? `; ${tally.pending} pending not counted` : '';
  const formula =
    pct === null
      ? `no preventive work fell due${pendingNote}`
      : `compliant ${compliant} / due ${due} = ${one(pct)} % (on time ${tally.on_time}, ` +
        `late in grace ${tally.late_in_grace}, missed ${tally.missed}, ` +
        `skipped ${tally.skipped}${pendingNote})`;
  return {
    pct,
    onTime: tally.on_time,
    lateInGrace: tally.late_in_grace,
    missed: tally.missed,
    skipped: tally.skipped,
    pending: tally.pending,
    due,
    formula,
  };
}

// ---------------------------------------------------------------------------------------------
// MTTR and MTTA

/**
 * MTTR in the restore sense: mean of (restoredAt - startedAt) over failures restored, in wall
 * minutes. It is what the room lost, so labour time on the work order is NOT this: one engineer
 * for 20 minutes after a 3-hour wait for a part is a 200-minute restore. Downtimes still open are
 * counted apart, not in the mean: putting them in at "so far" would pull the mean down just when
 * the longest outage is still running.
 */
export function mttr(downtimes: ReadonlyArray<{ startedAt: number; endedAt: number | null }>): {
  minutes: number | null;
  failures: number;
  totalMin: number;
  stillDown: number;
  formula: string;
} {
  let failures = 0;
  let totalMs = 0;
  let stillDown = 0;
  for (const downtime of downtimes) {
    if (downtime.endedAt === null) {
      stillDown += 1;
      continue;
    }
    checkSpan('downtime', { start: downtime.startedAt, end: downtime.endedAt });
    failures += 1;
    totalMs += downtime.endedAt - downtime.startedAt;
  }
  const totalMin = totalMs / minuteMs;
  const minutes = failures === 0 ? null : totalMin / failures;
  const openNote = stillDown > 0 ? `; ${stillDown} still down, not counted` : '';
  const formula =
    minutes === null
      ? `no failure restored${openNote}`
      : `restore time ${one(totalMin)} min / ${counted(failures, 'failure')} = ` +
        `${one(minutes)} min${openNote}`;
  return { minutes, failures, totalMin, stillDown, formula };
}

/**
 * MTTA: mean of (acknowledgedAt - openedAt) over faults acknowledged, in wall minutes. Faults not
 * acknowledged yet are counted apart, for the same reason as still-open downtimes in MTTR.
 */
export function mtta(faults: ReadonlyArray<{ openedAt: number; acknowledgedAt: number | null }>): {
  minutes: number | null;
  acknowledged: number;
  unacknowledged: number;
  totalMin: number;
  formula: string;
} {
  let acknowledged = 0;
  let unacknowledged = 0;
  let totalMs = 0;
  for (const fault of faults) {
    if (fault.acknowledgedAt === null) {
      unacknowledged += 1;
      continue;
    }
    checkSpan('fault', { start: fault.openedAt, end: fault.acknowledgedAt });
    acknowledged += 1;
    totalMs += fault.acknowledgedAt - fault.openedAt;
  }
  const totalMin = totalMs / minuteMs;
  const minutes = acknowledged === 0 ? null : totalMin / acknowledged;
  const openNote = unacknowledged > 0 ? `; ${unacknowledged} unacknowledged, not counted` : '';
  const formula =
    minutes === null
      ? `no fault acknowledged${openNote}`
      : `time to acknowledge ${one(totalMin)} min / ${acknowledged} acknowledged = ` +
        `${one(minutes)} min${openNote}`;
  return { minutes, acknowledged, unacknowledged, totalMin, formula };
}

// ---------------------------------------------------------------------------------------------
// Reliability: MTBF and availability over booked hours

export interface Reliability {
  bookedH: number;
  downInBookedH: number;
  failures: number;
  mtbfH: number | null;
  availabilityPct: number | null;
  formula: string;
}

/**
 * MTBF = booked / failures; availability = (booked - down in booked) / booked * 100.
 *
 * Availability uses the scheduled-time form, not MTBF / (MTBF + MTTR): MTTR is wall-clock restore
 * time (a fault at 17:00 fixed at 10:00 next day is 17 hours) while MTBF here is booked hours, and
 * mixing the two would make an overnight fix look like a day's loss of service.
 */
function reliabilityOf(bookedH: number, downInBookedH: number, failures: number): Reliability {
  const mtbfH = failures === 0 ? null : bookedH / failures;
  const availabilityPct = bookedH === 0 ? null : ((bookedH - downInBookedH) / bookedH) * 100;
  const mtbfText =
    mtbfH === null
      ? `MTBF: no failure in ${one(bookedH)} booked hours`
      : `MTBF = booked ${one(bookedH)} h / ${counted(failures, 'failure')} = ${one(mtbfH)} h`;
  const availabilityText =
    availabilityPct === null
      ? 'availability: nothing booked'
      : `availability = (booked ${one(bookedH)} h - down ${one(downInBookedH)} h) / ` +
        `booked ${one(bookedH)} h = ${one(availabilityPct)} %`;
  return {
    bookedH,
    downInBookedH,
    failures,
    mtbfH,
    availabilityPct,
    formula: `${mtbfText}; ${availabilityText}`,
  };
}

/**
 * Reliability of one suite over BOOKED hours within the period, never wall-clock: a suite idle all
 * weekend has not been "reliable" for those 48 hours.
 *
 * booked = union of bookings clipped to the period; down = union of downtime spans (ongoing ones
 * end at `now`) clipped to the period; down in booked = intersect(down, booked). failures = number
 * of merged downtime intervals that overlap booked time, so overlapping or touching downtimes are
 * one failure, one outage across two bookings (overnight) is one failure, and an outage wholly
 * outside bookings is none.
 *
 * The period is also cut at `now`: booked hours that have not happened yet were not operated, and
 * counting them as up time would flatter this month's figures until the month is over. A period
 * that ended before `now` is unaffected.
 */
export function suiteReliability(i: {
  period: Span;
  now: number;
  bookings: ReadonlyArray<Span>;
  downtimes: ReadonlyArray<{ start: number; end: number | null }>;
}): Reliability {
  checkSpan('period', i.period);
  if (!Number.isFinite(i.now)) throw new RangeError('now is not a finite time');
  const upTo = Math.max(i.period.start, Math.min(i.period.end, i.now));
  const period: Span = { start: i.period.start, end: upTo };

  const booked = clip(i.bookings, period);
  const down = clip(
    i.downtimes.map((d) => {
      if (d.end !== null) return { start: d.start, end: d.end };
      // An ongoing downtime that starts after `now` (clock skew) has lasted nothing yet.
      return { start: d.start, end: Math.max(d.start, i.now) };
    }),
    period,
  );
  const downInBooked = intersect(down, booked);
  // Both are sorted and disjoint, so one walk finds the outages that touch booked time; testing
  // each outage against all booked time made a suite-year quadratic.
  let failures = 0;
  let next = 0;
  for (const outage of down) {
    while (next < booked.length && (booked[next] as Span).end <= outage.start) next += 1;
    const block = booked[next];
    if (block && block.start < outage.end) failures += 1;
  }
  return reliabilityOf(measure(booked) / hourMs, measure(downInBooked) / hourMs, failures);
}

/**
 * Fleet figure: sums booked hours, down-in-booked hours and failures over suites, then applies the
 * same formulas. Not a mean of per-suite percentages: a suite booked 2 hours must not weigh as much
 * as one booked 200.
 */
export function combineReliability(
  parts: ReadonlyArray<{ bookedH: number; downInBookedH: number; failures: number }>,
): Reliability {
  let bookedH = 0;
  let downInBookedH = 0;
  let failures = 0;
  for (const part of parts) {
    if (!(part.bookedH >= 0 && part.downInBookedH >= 0 && Number.isFinite(part.bookedH)))
      throw new RangeError('booked and down hours must be finite numbers of 0 or more');
    if (part.downInBookedH > part.bookedH)
      throw new RangeError(
        `down in booked ${part.downInBookedH} h is more than booked ${part.bookedH} h`,
      );
    if (!Number.isInteger(part.failures) || part.failures < 0)
      throw new RangeError(`failures must be a whole number of 0 or more, not ${part.failures}`);
    bookedH += part.bookedH;
    downInBookedH += part.downInBookedH;
    failures += part.failures;
  }
  return reliabilityOf(bookedH, downInBookedH, failures);
}

// ---------------------------------------------------------------------------------------------
// Calibration

/** Calibration pass rate = passed runs / finished runs * 100; null when no run finished. */
export function passRate(runs: ReadonlyArray<{ passed: boolean }>): {
  pct: number | null;
  passed: number;
  runs: number;
  formula: string;
} {
  const passed = runs.filter((run) => run.passed).length;
  const pct = runs.length === 0 ? null : (passed / runs.length) * 100;
  const formula =
    pct === null
      ? 'no finished calibration runs'
      : `passed ${passed} / runs ${runs.length} = ${one(pct)} %`;
  return { pct, passed, runs: runs.length, formula };
}

// ---------------------------------------------------------------------------------------------
// Overdue backlog

/** Whole days overdue each bucket holds, inclusive; the last is open-ended. */
const backlogBuckets: ReadonlyArray<{ bucket: string; minDays: number; maxDays: number }> = [
  { bucket: '0-7', minDays: 0, maxDays: 7 },
  { bucket: '8-30', minDays: 8, maxDays: 30 },
  { bucket: '31-90', minDays: 31, maxDays: 90 },
  { bucket: '90+', minDays: 91, maxDays: Number.POSITIVE_INFINITY },
];

/**
 * Overdue backlog by age: open work orders whose due time plus grace is past (strictly before
 * `now`), bucketed by whole days overdue counted from dueAt, not from the end of grace, so the age
 * is the same whatever grace a facility allows. Days are rounded down: 7 days 23 hours is '0-7'.
 * '90+' holds 91 days or more, since 90 itself is in '31-90'. Every bucket is returned, in order,
 * even when empty, so a chart's axis does not jump about.
 */
export function backlogByAge(
  open: ReadonlyArray<{ dueAt: number; graceMs: number }>,
  now: number,
): Array<{ bucket: string; count: number }> {
  const counts = backlogBuckets.map(({ bucket }) => ({ bucket, count: 0 }));
  for (const order of open) {
    if (!Number.isFinite(order.dueAt)) throw new RangeError('dueAt is not a finite time');
    if (!(order.graceMs >= 0)) throw new RangeError(`graceMs must be 0 or more`);
    if (order.dueAt + order.graceMs >= now) continue;
    const days = Math.floor((now - order.dueAt) / dayMs);
    const index = backlogBuckets.findIndex((b) => days >= b.minDays && days <= b.maxDays);
    const entry = counts[index];
    if (entry) entry.count += 1;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Trend months

/**
 * Calendar months in `timezone` (an IANA name, e.g. 'Europe/London'; 'UTC' for UTC months)
 * covering [period.start, period.end), clipped to the period, for trend charts. A month starts at
 * local midnight on the 1st, so in London July starts at 23:00 UTC on 30 June. Empty period: [].
 */
export function monthsOf(
  period: Span,
  timezone: string,
): Array<{ key: string; start: number; end: number }> {
  checkSpan('period', period);
  let month = DateTime.fromMillis(period.start, { zone: timezone });
  if (!month.isValid) throw new RangeError(`'${timezone}' is not a known IANA time zone`);
  month = month.startOf('month');
  const months: Array<{ key: string; start: number; end: number }> = [];
  // Without this an empty period inside a month would still list that month, with no time in it.
  if (period.end === period.start) return months;
  while (month.toMillis() < period.end) {
    const next = month.plus({ months: 1 });
    months.push({
      key: month.toFormat('yyyy-MM'),
      start: Math.max(month.toMillis(), period.start),
      end: Math.min(next.toMillis(), period.end),
    });
    month = next;
  }
  return months;
}
