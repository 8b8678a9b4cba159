import { describe, expect, it } from 'vitest';
import {
  adHocBody,
  adHocProblems,
  allowed,
  describeEvent,
  dueStateAt,
  dueText,
  emptyAdHoc,
  emptyRequired,
  inTab,
  measuredText,
  paperTimes,
  parseReading,
  progressText,
  slotText,
  spanText,
  stepVerdict,
  tabCounts,
  tabOrder,
  toleranceText,
  type WorkOrder,
  type WorkOrderEvent,
  type WorkOrderStep,
} from '../../web/src/lib/work-orders.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const now = Date.parse('2030-03-05T12:00:00Z');
const at = (ms: number) => new Date(now + ms).toISOString();

function order(patch: Partial<WorkOrder> = {}): WorkOrder {
  return {
    id: 'wo',
    number: 1,
    planId: null,
    type: 'preventive',
    title: 'Monitor calibration',
    description: '',
    deviceId: null,
    suiteId: null,
    roomId: null,
    status: 'scheduled',
    dueAt: at(10 * day),
    graceMin: 3 * 24 * 60, // 3 days
    leadDays: 7,
    dueBy: 'time',
    durationMin: 60,
    scheduledStart: null,
    scheduledEnd: null,
    slotNote: '',
    proposedStart: null,
    proposedEnd: null,
    overrideReason: null,
    assigneeId: null,
    team: null,
    required: false,
    calibrationTemplateId: null,
    steps: [],
    passed: null,
    startedAt: null,
    completedAt: null,
    completedById: null,
    completedBy: null,
    enteredAt: null,
    reviewedById: null,
    reviewedBy: null,
    reviewedAt: null,
    reason: null,
    createdBy: 'priya',
    createdAt: at(-day),
    updatedAt: at(-day),
    dueState: null,
    overdue: false,
    ...patch,
  };
}

function step(patch: Partial<WorkOrderStep> = {}): WorkOrderStep {
  return {
    id: 's1',
    label: 'Peak white luminance',
    kind: 'number',
    nominal: 100,
    tolerance: 3,
    unit: 'cd/m²',
    required: true,
    result: null,
    value: null,
    note: '',
    attachmentId: null,
    ok: null,
    by: null,
    at: null,
    ...patch,
  };
}

describe('due state and words', () => {
  it('follows the server: due soon inside the lead days, due in grace, overdue after', () => {
    // Due in 10 days, lead 7: upcoming. 7 days to the minute: due soon.
    expect(dueStateAt(order(), now)).toBe('upcoming');
    expect(dueStateAt(order({ dueAt: at(7 * day) }), now)).toBe('due_soon');
    expect(dueStateAt(order({ dueAt: at(7 * day + minute) }), now)).toBe('upcoming');
    expect(dueStateAt(order({ dueAt: at(0) }), now)).toBe('due');
    expect(dueStateAt(order({ dueAt: at(-3 * day + minute) }), now)).toBe('due');
    expect(dueStateAt(order({ dueAt: at(-3 * day) }), now)).toBe('overdue');
    // A plan with a 2-day lead: 3 days out is still upcoming.
    expect(dueStateAt(order({ dueAt: at(3 * day), leadDays: 2 }), now)).toBe('upcoming');
    // No lead sent (an older server): 7 days, as the server's default.
    expect(dueStateAt(order({ dueAt: at(6 * day), leadDays: undefined }), now)).toBe('due_soon');
    expect(dueStateAt(order({ dueAt: null }), now)).toBeNull();
    expect(dueStateAt(order({ status: 'done', dueAt: at(-9 * day) }), now)).toBeNull();
  });

  it('says it in words a planner reads at a glance', () => {
    expect(dueText(order(), now)).toEqual({ state: 'upcoming', text: 'due in 10 d' });
    expect(dueText(order({ dueAt: at(3 * day) }), now)).toEqual({
      state: 'due_soon',
      text: 'due soon · in 3 d',
    });
    expect(dueText(order({ dueAt: at(5 * hour) }), now)?.text).toBe('due soon · in 5 h');
    expect(dueText(order({ dueAt: at(-5 * hour) }), now)).toEqual({
      state: 'due',
      text: 'due 5 h ago',
    });
    expect(dueText(order({ dueAt: at(-4 * day) }), now)).toEqual({
      state: 'overdue',
      text: 'overdue by 4 d',
    });
    expect(dueText(order({ dueAt: null }), now)).toEqual({ state: null, text: 'no due date' });
    // Done work and work waiting for review are not "due": their status says where they are.
    expect(dueText(order({ status: 'pending_review', dueAt: at(-4 * day) }), now)).toBeNull();
    expect(dueText(order({ status: 'done' }), now)).toBeNull();
  });
});

describe('tabs', () => {
  const me = 'sam';
  const orders = {
    overdue: order({ number: 1, dueAt: at(-4 * day), assigneeId: me }),
    inGrace: order({ number: 2, dueAt: at(-hour), status: 'in_progress' }),
    soon: order({ number: 3, dueAt: at(2 * day), assigneeId: me }),
    later: order({ number: 4, dueAt: at(30 * day) }),
    undated: order({ number: 5, dueAt: null }),
    review: order({ number: 6, status: 'pending_review', dueAt: at(-9 * day), assigneeId: me }),
    done: order({ number: 7, status: 'done', dueAt: at(-9 * day), assigneeId: me }),
    skipped: order({ number: 8, status: 'skipped' }),
  };
  const all = Object.values(orders);
  const members = (tab: Parameters<typeof inTab>[1]) =>
    all.filter((o) => inTab(o, tab, me, now)).map((o) => o.number);

  it('puts each work order where a planner looks for it', () => {
    expect(members('overdue')).toEqual([1]);
    // This week: not overdue, due within 7 days, including work in its grace.
    expect(members('week')).toEqual([2, 3]);
    expect(members('review')).toEqual([6]);
    expect(members('mine')).toEqual([1, 3, 6]);
    expect(members('open')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(members('done')).toEqual([7, 8]);
    expect(all.filter((o) => inTab(o, 'mine', null, now))).toEqual([]);
  });

  it('counts every tab from one list', () => {
    expect(tabCounts(all, me, now)).toEqual({
      overdue: 1,
      week: 2,
      review: 1,
      mine: 3,
      open: 6,
      done: 2,
    });
  });

  it('orders open work soonest due first, and finished work latest first', () => {
    const open = [orders.later, orders.undated, orders.soon, orders.overdue];
    expect([...open].sort(tabOrder('open')).map((o) => o.number)).toEqual([1, 3, 4, 5]);
    const finished = [
      order({ number: 10, completedAt: at(-3 * day) }),
      order({ number: 11, completedAt: null, updatedAt: at(-hour) }),
      order({ number: 12, completedAt: at(-day) }),
    ];
    expect(finished.sort(tabOrder('done')).map((o) => o.number)).toEqual([11, 12, 10]);
  });
});

describe('slots', () => {
  it('shows the placed slot, or why there is none and the offer', () => {
    expect(spanText('2030-03-05T19:00:00Z', '2030-03-05T20:30:00Z', 'UTC')).toBe(
      'Tue 5 Mar, 19:00–20:30',
    );
    // Across midnight both ends are dated.
    expect(spanText('2030-03-05T23:00:00Z', '2030-03-06T01:00:00Z', 'UTC')).toBe(
      'Tue 5 Mar, 23:00–Wed 6 Mar, 01:00',
    );
    // Wall clock in the facility's zone: 18:00 UTC in July is 19:00 BST in London.
    expect(spanText('2030-07-05T18:00:00Z', '2030-07-05T19:00:00Z', 'Europe/London')).toBe(
      'Fri 5 Jul, 19:00–20:00',
    );
    const placed = order({
      scheduledStart: '2030-03-05T19:00:00Z',
      scheduledEnd: '2030-03-05T20:00:00Z',
    });
    expect(slotText(placed, 'UTC')).toEqual({
      slot: 'Tue 5 Mar, 19:00–20:00',
      note: '',
      proposed: null,
    });
    const unplaced = order({
      slotNote: 'no free slot before due: Grade 1 is booked every night until the 9th',
      proposedStart: '2030-03-09T19:00:00Z',
      proposedEnd: '2030-03-09T20:00:00Z',
    });
    expect(slotText(unplaced, 'UTC')).toEqual({
      slot: null,
      note: 'no free slot before due: Grade 1 is booked every night until the 9th',
      proposed: 'Sat 9 Mar, 19:00–20:00',
    });
  });
});

describe('steps', () => {
  it('shows tolerance as nominal ± tolerance and unit', () => {
    expect(toleranceText(step())).toBe('100 ± 3 cd/m²');
    expect(toleranceText(step({ nominal: 0.3127, tolerance: 0.003, unit: '' }))).toBe(
      '0.3127 ± 0.003',
    );
    expect(toleranceText(step({ nominal: 2.4, tolerance: null, unit: '' }))).toBe('2.4');
    expect(toleranceText(step({ kind: 'check', nominal: null, tolerance: null }))).toBe('');
    expect(measuredText(step({ value: 112 }))).toBe('112 cd/m²');
    expect(measuredText(step({ value: 2.41, unit: '' }))).toBe('2.41');
    expect(measuredText(step())).toBe('');
  });

  it("words the server's verdict on each kind of step", () => {
    expect(stepVerdict(step())).toBeNull();
    expect(stepVerdict(step({ value: 101, ok: true }))).toEqual({
      text: 'in tolerance',
      tone: 'ok',
    });
    expect(stepVerdict(step({ value: 112, ok: false }))).toEqual({
      text: 'out of tolerance',
      tone: 'bad',
    });
    expect(stepVerdict(step({ result: 'na', ok: true }))).toEqual({ text: 'n/a', tone: 'na' });
    expect(stepVerdict(step({ kind: 'check', result: 'pass', ok: true }))?.text).toBe('pass');
    expect(stepVerdict(step({ kind: 'check', result: 'fail', ok: false }))).toEqual({
      text: 'fail',
      tone: 'bad',
    });
    expect(stepVerdict(step({ kind: 'text', note: '  ' }))).toBeNull();
    expect(stepVerdict(step({ kind: 'text', note: 'Fans replaced' }))?.text).toBe('noted');
    expect(stepVerdict(step({ kind: 'photo', attachmentId: 'a1' }))?.text).toBe('photo taken');
  });

  it('lists the required steps still empty, as the server counts them', () => {
    const steps = [
      step({ id: 's1', value: 99 }),
      step({ id: 's2' }),
      step({ id: 's3', required: false }),
      step({ id: 's4', kind: 'photo', attachmentId: 'a' }),
      step({ id: 's5', kind: 'text', note: ' ' }),
      step({ id: 's6', result: 'na' }),
    ];
    expect(emptyRequired(steps).map((s) => s.id)).toEqual(['s2', 's5']);
    expect(progressText(steps)).toBe('3 of 6 steps recorded');
    expect(progressText([step({ value: 1 })])).toBe('1 of 1 step recorded');
  });

  it('reads typed numbers, commas as decimal points', () => {
    expect(parseReading('112')).toBe(112);
    expect(parseReading(' 0,3127 ')).toBe(0.3127);
    expect(parseReading('-18.5')).toBe(-18.5);
    expect(parseReading('')).toBeNull();
    expect(parseReading('about 100')).toBeNull();
  });
});

describe('who may do what', () => {
  const mine = order({ assigneeId: 'sam' });
  it('lets a junior work what is theirs or nobody’s, never skip, cancel, review or move', () => {
    expect(allowed(mine, { id: 'sam', role: 'junior' })).toEqual({
      record: true,
      start: true,
      complete: true,
      skip: false,
      cancel: false,
      review: false,
      move: false,
    });
    expect(allowed(order(), { id: 'sam', role: 'junior' }).record).toBe(true);
    expect(allowed(mine, { id: 'ana', role: 'junior' }).record).toBe(false);
    expect(allowed({ ...mine, status: 'in_progress' }, { id: 'sam', role: 'junior' }).start).toBe(
      false,
    );
    expect(allowed({ ...mine, status: 'pending_review' }, { id: 'sam', role: 'junior' })).toEqual(
      expect.objectContaining({ record: false, complete: false, review: false }),
    );
  });

  it('lets engineers do it all, and managers only read', () => {
    expect(allowed(mine, { id: 'priya', role: 'engineer' })).toEqual({
      record: true,
      start: true,
      complete: true,
      skip: true,
      cancel: true,
      review: false,
      move: true,
    });
    expect(allowed({ ...mine, status: 'pending_review' }, { id: 'x', role: 'admin' })).toEqual(
      expect.objectContaining({ review: true, move: false, record: false }),
    );
    expect(Object.values(allowed(mine, { id: 'm', role: 'manager' })).some(Boolean)).toBe(false);
    expect(
      Object.values(allowed({ ...mine, status: 'done' }, { id: 'p', role: 'engineer' })).some(
        Boolean,
      ),
    ).toBe(false);
  });
});

describe('timeline', () => {
  const event = (patch: Partial<WorkOrderEvent>): WorkOrderEvent => ({
    id: 1,
    workOrderId: 'wo',
    kind: 'status',
    at: at(0),
    enteredAt: at(0),
    actorId: null,
    actor: 'sam',
    text: '',
    detail: {},
    ...patch,
  });

  it('describes each kind in words', () => {
    expect(
      describeEvent(
        event({
          text: 'Completed; waiting for review',
          detail: { from: 'in_progress', to: 'pending_review', enteredAt: at(0) },
        }),
      ),
    ).toEqual({ headline: 'completed it', body: 'Completed; waiting for review', tone: null });
    expect(
      describeEvent(event({ text: 'Completed', detail: { to: 'done', enteredAt: at(0) } })),
    ).toEqual({ headline: 'completed it', body: '', tone: null });
    expect(describeEvent(event({ text: 'Lamp ordered', detail: { to: 'skipped' } }))).toEqual({
      headline: 'moved it to Skipped',
      body: 'Lamp ordered',
      tone: null,
    });
    expect(describeEvent(event({ kind: 'review_approved', text: 'Approved' }))).toEqual({
      headline: 'approved it',
      body: '',
      tone: 'approved',
    });
    expect(describeEvent(event({ kind: 'review_returned', text: 'Redo white' })).tone).toBe(
      'returned',
    );
    expect(
      describeEvent(
        event({ kind: 'moved', text: 'Moved onto X: client', detail: { bookings: ['b'] } }),
      ),
    ).toEqual({
      headline: 'moved it onto a booking',
      body: 'Moved onto X: client',
      tone: 'override',
    });
    expect(describeEvent(event({ kind: 'moved', detail: { bookings: [] } })).tone).toBeNull();
    expect(describeEvent(event({ kind: 'step', detail: { ok: false } })).tone).toBe('bad');
    expect(describeEvent(event({ kind: 'ticket' })).headline).toBe('opened a corrective ticket');
  });

  it('shows both times for work entered later from paper', () => {
    expect(paperTimes({ at: at(-2 * hour), enteredAt: at(0) })).toEqual({
      doneAt: at(-2 * hour),
      enteredAt: at(0),
    });
    // Recorded as it happened: the few milliseconds between the two stamps are not "paper".
    expect(paperTimes({ at: at(0), enteredAt: at(40) })).toBeNull();
  });
});

describe('the ad-hoc form', () => {
  it('names each problem under the field the server would name', () => {
    const blank = emptyAdHoc();
    expect(adHocProblems(blank, 'UTC').map((p) => p.field)).toEqual(['title', 'deviceId']);
    const bad = {
      ...blank,
      title: 'Swap filters',
      target: 'suite' as const,
      due: 'soon',
      durationMin: 0,
      steps: [
        {
          label: '',
          kind: 'number' as const,
          nominal: null,
          tolerance: -1,
          unit: '',
          required: true,
        },
      ],
    };
    expect(adHocProblems(bad, 'UTC').map((p) => p.field)).toEqual([
      'suiteId',
      'dueAt',
      'durationMin',
      'steps[0].label',
      'steps[0].nominal',
      'steps[0].tolerance',
    ]);
  });

  it('sends one target, the due time from the wall clock, and clean steps', () => {
    const draft = {
      ...emptyAdHoc(),
      title: ' Swap filters ',
      type: 'corrective' as const,
      deviceId: 'd1',
      suiteId: 'ignored',
      due: '2030-07-05T19:00',
      durationMin: 90,
      assigneeId: 'sam',
      steps: [
        {
          label: ' Filter ',
          kind: 'check' as const,
          nominal: 5,
          tolerance: 1,
          unit: 'x',
          required: true,
        },
      ],
    };
    expect(adHocProblems(draft, 'Europe/London')).toEqual([]);
    expect(adHocBody(draft, 'Europe/London')).toEqual({
      type: 'corrective',
      title: 'Swap filters',
      deviceId: 'd1',
      dueAt: '2030-07-05T18:00:00.000Z',
      durationMin: 90,
      assigneeId: 'sam',
      calibrationTemplateId: null,
      steps: [
        {
          label: 'Filter',
          kind: 'check',
          nominal: null,
          tolerance: null,
          unit: '',
          required: true,
        },
      ],
    });
    expect(adHocBody({ ...draft, due: '', assigneeId: '' }, 'UTC')).toMatchObject({
      dueAt: null,
      assigneeId: null,
    });
  });
});
