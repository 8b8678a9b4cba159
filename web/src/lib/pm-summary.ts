// What the suite wall and the suite page say about maintenance: the next planned work, how much
// is overdue, and client sign-offs whose calibration is not current. Pure (no DOM, no runes), so
// the words are unit-testable in Node.
import { signoffLabels, timeFrom, type Booking } from './bookings.ts';
import type { SignoffRisk, SuiteMaintenance } from '../../../server/modules/pm/api-types.ts';

export type { SignoffRisk, SuiteMaintenance };

/** "working now: Filter clean" or "next work: Filter clean Tue 03:00", in parts like a booking line. */
export interface WorkLine {
  href: string;
  lead: string;
  title: string;
  tail: string;
  text: string;
  detail: string;
}

export function workLine(
  summary: SuiteMaintenance | undefined,
  now: number,
  zone: string,
): WorkLine | null {
  const work = summary?.nextWork;
  if (!work) return null;
  const href = `#/work/${encodeURIComponent(work.id)}`;
  if (work.status === 'in_progress') {
    const lead = 'working now: ';
    return {
      href,
      lead,
      title: work.title,
      tail: '',
      text: `${lead}${work.title}`,
      detail: `Work order ${work.number} in progress: ${work.title}`,
    };
  }
  const lead = 'next work: ';
  const tail = work.start ? ` ${timeFrom(work.start, now, zone)}` : '';
  return {
    href,
    lead,
    title: work.title,
    tail,
    text: `${lead}${work.title}${tail}`,
    detail: `Work order ${work.number}: ${work.title}${work.start ? `, ${Date.parse(work.start) < now ? 'was due' : 'planned for'}${tail}` : ', not yet scheduled'}`,
  };
}

/** `what + when`, so a narrow tile cuts the words short and keeps the time. */
export interface SignoffLine {
  what: string;
  when: string;
  text: string;
  detail: string;
  count: number;
}

/**
 * "sign-off at risk Tue 10:00" for the earliest risky sign-off (with "+1" when there are
 * more), and the clients and reasons for a tooltip and screen readers.
 */
export function signoffLine(
  summary: SuiteMaintenance | undefined,
  bookings: Booking[],
  now: number,
  zone: string,
): SignoffLine | null {
  const risks = summary?.signoffRisks ?? [];
  if (risks.length === 0) return null;
  const dated = risks
    .map((risk) => ({ risk, booking: bookings.find((b) => b.id === risk.bookingId) }))
    .sort(
      (a, b) =>
        Date.parse(a.booking?.startsAt ?? '9999') - Date.parse(b.booking?.startsAt ?? '9999'),
    );
  const first = dated[0]!;
  // Short enough for a kiosk tile; the kind and the reasons are in the detail.
  const what = 'sign-off at risk';
  const more = risks.length > 1 ? ` +${risks.length - 1}` : '';
  const when = `${first.booking ? ` ${timeFrom(first.booking.startsAt, now, zone)}` : ''}${more}`;
  const detail = dated
    .map(
      ({ risk, booking }) =>
        `${booking ? `${booking.client}, ${timeFrom(booking.startsAt, now, zone)}, ` : ''}${signoffLabels[risk.kind]}: ${risk.reason}`,
    )
    .join('. ');
  return {
    what,
    when,
    text: `${what}${when}`,
    detail: `Client sign-off at risk. ${detail}`,
    count: risks.length,
  };
}

/** "2 overdue" */
export function overdueText(count: number): string {
  return `${count} overdue`;
}
