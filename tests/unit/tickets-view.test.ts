import { describe, expect, it } from 'vitest';
import {
  bytesText,
  countdown,
  csvFilename,
  describeEvent,
  draftSource,
  durationText,
  filterFromQuery,
  foldTimeline,
  isPrimaryMove,
  listQuery,
  moveLabel,
  moveNeed,
  needPrompt,
  orderedMoves,
  ownerText,
  parseTags,
  permissions,
  pickMatches,
  previewLine,
  slaCell,
  statusLabel,
  timerText,
  triageForm,
  triageRequest,
  valueText,
  type SlaTimer,
  type TicketEvent,
  type TriageRecord,
} from '../../web/src/lib/tickets.ts';

const minute = 60_000;
const now = Date.parse('2025-03-04T12:00:00Z');
const at = (minutes: number) => new Date(now + minutes * minute).toISOString();
const uuid = '7f3c1a52-2f7e-4c1b-9d7a-0a1b2c3d4e5f';

describe('durations and countdowns', () => {
  it('says spans in minutes, hours and days', () => {
    expect(durationText(0)).toBe('0 min');
    expect(durationText(45)).toBe('45 min');
    expect(durationText(60)).toBe('1 h');
    expect(durationText(80)).toBe('1 h 20 min');
    expect(durationText(24 * 60)).toBe('1 d');
    expect(durationText(2 * 24 * 60 + 4 * 60 + 59)).toBe('2 d 4 h');
    expect(durationText(-5)).toBe('0 min');
  });

  it('counts down to a due time, then up from a breach, never "0 min"', () => {
    expect(countdown(at(80), now)).toBe('1 h 20 min left');
    expect(countdown(at(80.9), now)).toBe('1 h 20 min left');
    expect(countdown(at(-12), now)).toBe('breached 12 min ago');
    expect(countdown(at(0.5), now)).toBe('due now');
    expect(countdown(at(-0.5), now)).toBe('due now');
    expect(countdown(at(1.5), now)).toBe('1 min left');
  });
});

describe('the SLA cell of a list', () => {
  const open = { status: 'in_progress' as const, paused: false, resolvedAt: null };

  it('counts down, warns in the last hour, and turns red once breached', () => {
    expect(slaCell({ ...open, resolutionDueAt: at(200) }, now)).toEqual({
      text: '3 h 20 min left',
      tone: 'ok',
    });
    expect(slaCell({ ...open, resolutionDueAt: at(30) }, now)).toEqual({
      text: '30 min left',
      tone: 'warning',
    });
    expect(slaCell({ ...open, resolutionDueAt: at(-12) }, now)).toEqual({
      text: 'breached 12 min ago',
      tone: 'breached',
    });
  });

  it('says paused while waiting, and "no target" where the priority has none', () => {
    expect(
      slaCell({ ...open, status: 'waiting_client', paused: true, resolutionDueAt: at(-30) }, now),
    ).toEqual({ text: 'paused', tone: 'paused' });
    expect(slaCell({ ...open, resolutionDueAt: null }, now)).toEqual({
      text: 'no target',
      tone: 'none',
    });
  });

  it('says whether a stopped clock met its target', () => {
    const done = { status: 'pending_review' as const, paused: false };
    expect(slaCell({ ...done, resolvedAt: at(-60), resolutionDueAt: at(-30) }, now)).toEqual({
      text: 'met',
      tone: 'met',
    });
    expect(slaCell({ ...done, resolvedAt: at(-10), resolutionDueAt: at(-70) }, now)).toEqual({
      text: 'missed by 1 h',
      tone: 'breached',
    });
    expect(
      slaCell({ status: 'closed', paused: false, resolvedAt: at(-5), resolutionDueAt: null }, now),
    ).toEqual({ text: '—', tone: 'none' });
  });
});

describe('the SLA timers of a ticket', () => {
  const timer = (t: Partial<SlaTimer>): SlaTimer => ({
    targetMinutes: 120,
    dueAt: at(80),
    warnAt: at(-10),
    elapsedMinutes: 40,
    remainingMinutes: 80,
    paused: false,
    breached: false,
    met: null,
    state: 'running',
    ...t,
  });

  it('counts down live while running, amber once the warning is passed', () => {
    expect(timerText(timer({}), now)).toEqual({ text: '1 h 20 min left', tone: 'ok' });
    expect(timerText(timer({ state: 'warning' }), now)).toEqual({
      text: '1 h 20 min left',
      tone: 'warning',
    });
    // The page was loaded a while ago: the clock has run past the due time since.
    expect(timerText(timer({ dueAt: at(-3) }), now)).toEqual({
      text: 'breached 3 min ago',
      tone: 'breached',
    });
  });

  it('words the stopped and idle states', () => {
    expect(timerText(timer({ state: 'paused', paused: true }), now).text).toBe('paused');
    expect(timerText(timer({ state: 'met', met: true }), now)).toEqual({
      text: 'met',
      tone: 'met',
    });
    expect(timerText(timer({ state: 'breached', met: false, elapsedMinutes: 150 }), now)).toEqual({
      text: 'missed by 30 min',
      tone: 'breached',
    });
    expect(timerText(timer({ state: 'breached', breached: true, dueAt: at(-12) }), now).text).toBe(
      'breached 12 min ago',
    );
    expect(timerText(timer({ state: 'none', targetMinutes: null, dueAt: null }), now).text).toBe(
      'no target',
    );
  });
});

describe('workflow moves', () => {
  it('labels each move as the person thinks of it', () => {
    expect(moveLabel('new', 'triaged')).toBe('Triage');
    expect(moveLabel('triaged', 'in_progress')).toBe('Start');
    expect(moveLabel('in_progress', 'waiting_client')).toBe('Wait on client');
    expect(moveLabel('in_progress', 'waiting_vendor')).toBe('Wait on vendor');
    expect(moveLabel('waiting_vendor', 'in_progress')).toBe('Resume');
    expect(moveLabel('in_progress', 'resolved')).toBe('Resolve');
    expect(moveLabel('pending_review', 'closed')).toBe('Approve');
    expect(moveLabel('pending_review', 'in_progress')).toBe('Return');
    expect(moveLabel('closed', 'in_progress')).toBe('Reopen');
    expect(moveLabel('resolved', 'closed')).toBe('Close');
    expect(statusLabel('waiting_client')).toBe('Waiting on client');
  });

  it('asks for what the server insists on', () => {
    expect(moveNeed('in_progress', 'resolved', 'junior')).toBe('resolution');
    expect(moveNeed('in_progress', 'resolved', 'engineer')).toBe('resolution');
    expect(moveNeed('new', 'closed', 'engineer')).toBe('resolution');
    expect(moveNeed('pending_review', 'closed', 'engineer')).toBeNull();
    expect(moveNeed('pending_review', 'in_progress', 'engineer')).toBe('note');
    expect(moveNeed('closed', 'in_progress', 'engineer')).toBe('note');
    expect(moveNeed('triaged', 'in_progress', 'junior')).toBeNull();
    expect(needPrompt('pending_review', 'in_progress', 'engineer')).toMatch(/feedback/);
    expect(needPrompt('new', 'closed', 'engineer')).toMatch(/close/i);
  });

  it('puts the likely next move first', () => {
    expect(orderedMoves('new', ['triaged', 'in_progress', 'closed'])).toEqual([
      'triaged',
      'in_progress',
      'closed',
    ]);
    expect(orderedMoves('pending_review', ['in_progress', 'closed'])).toEqual([
      'closed',
      'in_progress',
    ]);
    expect(orderedMoves('in_progress', ['waiting_client', 'waiting_vendor', 'resolved'])[0]).toBe(
      'resolved',
    );
    expect(isPrimaryMove('waiting_client', 'in_progress')).toBe(true);
    expect(isPrimaryMove('in_progress', 'waiting_client')).toBe(false);
  });

  it("mirrors the server's roles", () => {
    const ticket = { assigneeId: 'a', reporterId: 'r' };
    expect(permissions(ticket, { id: 'x', role: 'engineer' })).toMatchObject({
      triage: true,
      edit: true,
      logWork: true,
    });
    expect(permissions(ticket, { id: 'a', role: 'junior' })).toMatchObject({
      triage: false,
      edit: true,
      logWork: true,
      escalate: true,
    });
    expect(permissions(ticket, { id: 'r', role: 'junior' })).toMatchObject({
      edit: true,
      logWork: false,
      escalate: true,
    });
    expect(permissions(ticket, { id: 'x', role: 'junior' })).toMatchObject({
      edit: false,
      comment: true,
      escalate: false,
    });
    expect(Object.values(permissions(ticket, { id: 'm', role: 'manager' }))).not.toContain(true);
  });
});

describe('the triage form', () => {
  const triage: TriageRecord = {
    derived: { impact: 'low', urgency: 'high', priority: 3 },
    reasons: { impact: 'one device', urgency: 'in session' },
    proposedUrgency: null,
    overrides: { priority: { value: 2, reason: 'dub tonight', by: 'eng', at: at(-5) } },
  };
  const ticket = { triage, assigneeId: null, team: 'Storage' };

  it('starts from the overrides in force', () => {
    expect(triageForm(ticket)).toEqual({
      impact: '',
      urgency: '',
      priority: '2',
      reason: '',
      assigneeId: '',
      team: 'Storage',
    });
  });

  it('sends only what changed, and wants a reason for a new override', () => {
    const form = triageForm(ticket);
    expect(triageRequest(ticket, form)).toEqual({ body: {}, needsReason: false });
    expect(triageRequest(ticket, { ...form, assigneeId: uuid })).toEqual({
      body: { assigneeId: uuid },
      needsReason: false,
    });
    expect(triageRequest(ticket, { ...form, impact: 'high', reason: ' NEXIS ' })).toEqual({
      body: { impact: 'high', reason: 'NEXIS' },
      needsReason: true,
    });
    // Emptying an override clears it: no reason needed.
    expect(triageRequest(ticket, { ...form, priority: '', team: '' })).toEqual({
      body: { priority: null, team: null },
      needsReason: false,
    });
  });
});

describe('the create form', () => {
  it('reads the priority and its reasons in one line', () => {
    expect(
      previewLine({
        priority: 1,
        reasons: {
          impact: 'shared infrastructure: 6 suites depend on NEXIS',
          urgency: 'in session: Netflix in Grade 1 until 18:00',
        },
      }),
    ).toBe(
      'P1 · shared infrastructure: 6 suites depend on NEXIS · in session: Netflix in Grade 1 until 18:00',
    );
  });

  it('takes only well-formed ids from the address', () => {
    expect(draftSource({ suiteId: uuid, deviceId: 'nope', other: uuid })).toEqual({
      suiteId: uuid,
    });
    expect(draftSource({})).toEqual({});
  });

  it('cleans tags as the server stores them', () => {
    expect(parseTags('NEXIS, sdi  ,, Grade 1, nexis')).toEqual(['nexis', 'sdi', 'grade 1']);
  });

  it('suggests names that start with the query first, then word starts, then any match', () => {
    const items = [
      { id: '1', name: 'Grade 10' },
      { id: '2', name: 'Edit 2' },
      { id: '3', name: 'Grade 2' },
      { id: '4', name: 'Colour grade bay' },
      { id: '5', name: 'Upgrade lab' },
    ];
    expect(pickMatches(items, 'grade').map((i) => i.name)).toEqual([
      'Grade 2',
      'Grade 10',
      'Colour grade bay',
      'Upgrade lab',
    ]);
    expect(pickMatches(items, 'GRADE', ['3'], 2).map((i) => i.id)).toEqual(['1', '4']);
    expect(pickMatches(items, 'zzz')).toEqual([]);
    expect(pickMatches(items, '')).toHaveLength(5);
  });
});

describe('lists', () => {
  it('keeps filters in the address and asks the API for them', () => {
    const filter = filterFromQuery({ view: 'review', q: ' nexis ', priority: '2', suite: uuid });
    expect(filter).toEqual({
      view: 'review',
      q: ' nexis ',
      priority: '2',
      category: '',
      suiteId: uuid,
    });
    expect(listQuery(filter, 200)).toBe(`view=review&q=nexis&priority=2&suiteId=${uuid}&limit=200`);
    expect(filterFromQuery({ view: 'bogus', priority: '9', category: 'astrology' })).toEqual({
      view: 'queue',
      q: '',
      priority: '',
      category: '',
      suiteId: '',
    });
  });

  it('names exports and sizes', () => {
    expect(csvFilename('queue', new Date(2025, 2, 4, 23, 30))).toBe('tickets-queue-2025-03-04.csv');
    expect(bytesText(812)).toBe('812 B');
    expect(bytesText(14 * 1024)).toBe('14 KB');
    expect(bytesText(3.2 * 1024 * 1024)).toBe('3.2 MB');
    expect(ownerText({ assignee: 'sam', team: 'Storage' })).toBe('sam · Storage');
    expect(ownerText({ assignee: null, team: null })).toBe('—');
  });
});

describe('the timeline in words', () => {
  let id = 0;
  const event = (e: Partial<TicketEvent>): TicketEvent => ({
    id: ++id,
    ticketId: uuid,
    at: at(0),
    kind: 'comment',
    actorId: null,
    actor: 'eng',
    body: '',
    data: {},
    minutes: null,
    ...e,
  });

  it('says moves, with a junior resolve landing in review', () => {
    expect(
      describeEvent(
        event({
          kind: 'status',
          data: { from: 'in_progress', to: 'pending_review', requested: 'resolved' },
        }),
      ),
    ).toMatchObject({
      headline: 'resolved it; it goes to an engineer for review',
      statusFrom: 'in_progress',
      statusTo: 'pending_review',
    });
    expect(
      describeEvent(event({ kind: 'status', data: { from: 'new', to: 'triaged' } })).headline,
    ).toBe('moved it to Triaged');
  });

  it('shows field changes from → to, overrides with their reason, and flags feedback', () => {
    expect(
      describeEvent(event({ kind: 'field', data: { field: 'tags', from: [], to: ['sdi'] } })),
    ).toMatchObject({ headline: 'changed the tags', from: '—', to: 'sdi' });
    expect(
      describeEvent(
        event({ kind: 'field', data: { field: 'resolution', from: '', to: 'Reseated SDI' } }),
      ),
    ).toMatchObject({ headline: 'wrote the resolution', to: 'Reseated SDI' });
    expect(
      describeEvent(
        event({
          kind: 'override',
          body: 'dub tonight',
          data: { field: 'priority', from: null, to: 2 },
        }),
      ),
    ).toMatchObject({
      headline: 'overrode the priority',
      from: 'matrix',
      to: 'P2',
      body: 'dub tonight',
      tone: 'override',
    });
    expect(
      describeEvent(event({ kind: 'review_returned', body: 'check the cable' })),
    ).toMatchObject({
      headline: 'returned it for rework',
      body: 'check the cable',
      tone: 'returned',
    });
    expect(describeEvent(event({ kind: 'note', body: 'vendor case 123' })).tone).toBe('internal');
    expect(describeEvent(event({ kind: 'worklog', minutes: 90 })).headline).toBe(
      'logged 1 h 30 min of work',
    );
    expect(
      describeEvent(
        event({
          kind: 'assign',
          data: { from: {}, to: { assigneeId: uuid, assignee: 'junior1', team: null } },
        }),
      ).headline,
    ).toBe('assigned it to junior1');
    expect(
      describeEvent(event({ kind: 'escalate', body: 'brief', data: { to: { team: 'Storage' } } })),
    ).toMatchObject({ headline: 'escalated it to Storage', body: 'brief' });
    expect(valueText('picture', 'category')).toBe('Picture');
  });

  it('shows feedback once, on the review event rather than the move beside it', () => {
    const move = event({
      kind: 'status',
      body: 'check the cable',
      data: { from: 'pending_review', to: 'in_progress' },
    });
    const returned = event({ kind: 'review_returned', body: 'check the cable' });
    const later = event({ kind: 'status', at: at(5), body: 'why reopened', data: {} });
    const folded = foldTimeline([move, returned, later]);
    expect(folded.map((e) => e.body)).toEqual(['', 'check the cable', 'why reopened']);
  });
});
