import { describe, expect, it } from 'vitest';
import { nextDue, type MeterNow } from '../../server/modules/pm/due.ts';
import { dueOf } from '../../server/modules/pm/generator.ts';
import type { PlanRow, TargetRow } from '../../server/modules/pm/plans.ts';

// The generator remembers the calendar part of nextDue and works the meter part out afresh; the
// answer must be nextDue's own, for every kind of trigger, state and meter, asked once or again.

const utc = (iso: string) => new Date(`${iso}Z`);

const plan = (id: string, timing: Partial<PlanRow>): PlanRow =>
  ({
    id,
    everyCount: null,
    everyUnit: null,
    schedule: 'fixed',
    startsOn: utc('2024-01-31T09:00'),
    timezone: 'Europe/London',
    meterEvery: null,
    afterRepair: false,
    graceFraction: 0.1,
    leadDays: 7,
    ...timing,
  }) as PlanRow;

const plans = [
  plan('monthly', { everyCount: 1, everyUnit: 'month' }),
  plan('floating', { everyCount: 6, everyUnit: 'week', schedule: 'floating' }),
  plan('meter', { meterEvery: 100 }),
  plan('either', { everyCount: 3, everyUnit: 'month', meterEvery: 500 }),
  plan('either-floating', {
    everyCount: 10,
    everyUnit: 'day',
    schedule: 'floating',
    meterEvery: 50,
  }),
  plan('repair', { afterRepair: true }),
  plan('all', { everyCount: 1, everyUnit: 'week', meterEvery: 200, afterRepair: true }),
];

const states: Array<Partial<TargetRow>> = [
  {},
  { lastIndex: 0, lastCompletedAt: utc('2024-02-01T10:00') },
  { lastIndex: 5, lastCompletedAt: utc('2024-07-15T16:30'), meterThreshold: 1_000 },
  { meterThreshold: 1_200, repairAt: utc('2024-03-10T12:00') },
  { lastIndex: 2, meterThreshold: 950 },
];

const readings: Array<MeterNow | null> = [
  null,
  { value: 900, at: utc('2024-03-01T00:00'), ratePerDay: 10 },
  { value: 1_300, at: utc('2024-03-01T00:00'), ratePerDay: 5 },
  { value: 1_000, at: utc('2024-03-01T00:00'), ratePerDay: null },
  { value: 1_150, at: utc('2024-04-01T00:00'), ratePerDay: 0 },
  { value: 990, at: utc('2024-01-31T00:00'), ratePerDay: 200 },
];

describe('the generator due date', () => {
  it('is nextDue for every trigger, target state and meter, remembered or not', () => {
    let cases = 0;
    for (const p of plans)
      for (const [s, state] of states.entries())
        for (const meter of readings) {
          const target = {
            id: `${p.id}-${s}`,
            planId: p.id,
            lastIndex: null,
            lastCompletedAt: null,
            meterThreshold: null,
            repairAt: null,
            ...state,
          } as TargetRow;
          const expected = nextDue(p, target, meter, 24);
          expect(dueOf(p, target, meter, 24), `${target.id} ${JSON.stringify(meter)}`).toEqual(
            expected,
          );
          // Asked again, the remembered calendar part gives the same answer.
          expect(dueOf(p, target, meter, 24)).toEqual(expected);
          cases += 1;
        }
    expect(cases).toBe(plans.length * states.length * readings.length);
  });

  it('follows a change to the plan or the target, not a stale memory', () => {
    const p = plans[0]!;
    const target = {
      id: 'moving',
      planId: p.id,
      lastIndex: 0,
      lastCompletedAt: null,
      meterThreshold: null,
      repairAt: null,
    } as TargetRow;
    const first = dueOf(p, target, null, 24);
    expect(first?.dueAt).toEqual(utc('2024-02-29T09:00'));
    // The next occurrence after the work is done, then the plan's interval edited.
    expect(dueOf(p, { ...target, lastIndex: 1 }, null, 24)?.dueAt).toEqual(utc('2024-03-31T08:00'));
    expect(dueOf({ ...p, everyCount: 2 }, { ...target, lastIndex: 1 }, null, 24)?.dueAt).toEqual(
      utc('2024-05-31T08:00'),
    );
    expect(dueOf(p, { ...target, repairAt: utc('2024-02-10T00:00') }, null, 24)).toEqual(
      nextDue(p, { ...target, repairAt: utc('2024-02-10T00:00') }, null, 24),
    );
  });
});
