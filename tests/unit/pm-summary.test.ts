import { describe, expect, it } from 'vitest';
import type { Booking } from '../../web/src/lib/bookings.ts';
import { signoffLine, workLine, type SuiteMaintenance } from '../../web/src/lib/pm-summary.ts';

const london = 'Europe/London';
// Tuesday 1 July 2025, 10:00 in London (BST).
const now = Date.parse('2025-07-01T09:00:00Z');

const summary = (more: Partial<SuiteMaintenance> = {}): SuiteMaintenance => ({
  suiteId: 's1',
  nextWork: null,
  overdue: 0,
  signoffRisks: [],
  ...more,
});

const booking = (id: string, client: string, startsAt: string): Booking => ({
  id,
  suiteId: 's1',
  client,
  project: '',
  operator: '',
  startsAt,
  endsAt: new Date(Date.parse(startsAt) + 8 * 3600_000).toISOString(),
  source: 'manual',
  sourceUid: null,
  createdById: null,
  createdBy: 'admin',
  createdAt: startsAt,
  updatedAt: startsAt,
});

describe('the wall tile maintenance line', () => {
  it('says nothing without planned work', () => {
    expect(workLine(undefined, now, london)).toBeNull();
    expect(workLine(summary(), now, london)).toBeNull();
  });

  it('names the next work and when, on the suite clock, linking the work order', () => {
    const work = { id: 'w1', number: 12, title: 'Filter clean', status: 'scheduled' as const };
    const today = workLine(
      summary({ nextWork: { ...work, start: '2025-07-01T18:00:00Z' } }),
      now,
      london,
    );
    expect(today).toMatchObject({ href: '#/work/w1', text: 'next work: Filter clean 19:00' });
    expect(today?.detail).toBe('Work order 12: Filter clean, planned for 19:00');
    const thursday = workLine(
      summary({ nextWork: { ...work, start: '2025-07-03T02:00:00Z' } }),
      now,
      london,
    );
    expect(thursday?.text).toBe('next work: Filter clean Thu 03:00');
    const unplaced = workLine(summary({ nextWork: { ...work, start: null } }), now, london);
    expect(unplaced?.text).toBe('next work: Filter clean');
    expect(unplaced?.detail).toMatch(/not yet scheduled/);
    const running = workLine(
      summary({
        nextWork: { ...work, status: 'in_progress', start: '2025-06-30T18:00:00Z' },
      }),
      now,
      london,
    );
    expect(running?.text).toBe('working now: Filter clean');
  });

  it('warns of the earliest sign-off at risk, counting the rest, with every reason', () => {
    const risks = [
      {
        bookingId: 'b2',
        suiteId: 's1',
        kind: 'mix' as const,
        reason: 'no passing room line-up before the session',
        lastPassAt: null,
      },
      {
        bookingId: 'b1',
        suiteId: 's1',
        kind: 'grade' as const,
        reason: 'X310 has no passing calibration before the session',
        lastPassAt: null,
      },
    ];
    const list = [
      booking('b1', 'Northlight', '2025-07-02T09:00:00Z'),
      booking('b2', 'Acme', '2025-07-04T09:00:00Z'),
    ];
    expect(signoffLine(summary(), list, now, london)).toBeNull();
    const line = signoffLine(summary({ signoffRisks: risks }), list, now, london);
    expect(line).toMatchObject({
      text: 'sign-off at risk Wed 10:00 +1',
      what: 'sign-off at risk',
      when: ' Wed 10:00 +1',
      count: 2,
    });
    expect(line?.detail).toBe(
      'Client sign-off at risk. Northlight, Wed 10:00, grade approval: X310 has no passing calibration before the session. Acme, Fri 10:00, mix approval: no passing room line-up before the session',
    );
    // A booking not loaded yet: the warning still shows, without a time.
    expect(signoffLine(summary({ signoffRisks: [risks[0]!] }), [], now, london)?.text).toBe(
      'sign-off at risk',
    );
  });
});
