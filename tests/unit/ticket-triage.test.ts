import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../server/modules/tickets/settings.ts';
import {
  derive,
  deriveImpact,
  deriveUrgency,
  effective,
  type BookingFact,
  type Scope,
} from '../../server/modules/tickets/triage.ts';
import { allowedMoves, landing, moveNeeds } from '../../server/modules/tickets/workflow.ts';

const names = new Map([
  ['g1', 'Grade 1'],
  ['g2', 'Grade 2'],
  ['d1', 'Dub 1'],
]);
const scope = (devices: Scope['devices'], suiteIds: string[] = []): Scope => ({
  devices,
  suiteIds,
  suiteNames: names,
});
const now = new Date('2026-11-23T14:00:00Z');
const booking = (suiteId: string, client: string, from: number, to: number): BookingFact => ({
  suiteId,
  client,
  startsAt: new Date(now.getTime() + from * 3_600_000),
  endsAt: new Date(now.getTime() + to * 3_600_000),
  timezone: 'Europe/London',
});

describe('impact from dependency scope', () => {
  it('is high for shared infrastructure that several suites depend on', () => {
    const nexis = { id: 'n', name: 'NEXIS', suiteIds: [], servedSuiteIds: ['g2', 'g1', 'd1'] };
    expect(deriveImpact(scope([nexis]), 2)).toEqual({
      level: 'high',
      reason: 'shared infrastructure: 3 suites depend on NEXIS (Dub 1, Grade 1, Grade 2)',
    });
    // With a higher threshold the same device is "several suites".
    expect(deriveImpact(scope([nexis]), 4).level).toBe('medium');
  });

  it('is medium for a whole suite or for several suites', () => {
    const switchG1 = { id: 's', name: 'G1 switch', suiteIds: ['g1'], servedSuiteIds: ['g1'] };
    expect(deriveImpact(scope([switchG1]), 2)).toEqual({
      level: 'medium',
      reason: 'a whole suite: Grade 1 depends on G1 switch',
    });
    const a = { id: 'a', name: 'A', suiteIds: ['g1'], servedSuiteIds: [] };
    const b = { id: 'b', name: 'B', suiteIds: ['g2'], servedSuiteIds: [] };
    expect(deriveImpact(scope([a, b]), 2)).toEqual({
      level: 'medium',
      reason: 'several suites: Grade 1, Grade 2',
    });
    expect(deriveImpact(scope([], ['g1', 'd1']), 2).level).toBe('medium');
  });

  it('is low for one device, or a suite named without a device', () => {
    const monitor = { id: 'm', name: 'X310', suiteIds: ['g1'], servedSuiteIds: [] };
    expect(deriveImpact(scope([monitor]), 2)).toEqual({
      level: 'low',
      reason: 'one device: X310 in Grade 1',
    });
    expect(deriveImpact(scope([], ['d1']), 2)).toEqual({
      level: 'low',
      reason: 'Dub 1, no device named',
    });
    expect(deriveImpact(scope([]), 2).reason).toBe('no suite or device named');
  });
});

describe('urgency from bookings', () => {
  it('is high while a client session runs in an affected suite, naming its end in local time', () => {
    const result = deriveUrgency([booking('g1', 'Netflix', -1, 4)], ['g1'], names, now, 4);
    // 18:00 UTC is 18:00 in London in November.
    expect(result).toEqual({ level: 'high', reason: 'in session: Netflix in Grade 1 until 18:00' });
  });

  it('is medium when a session starts within the window, low beyond it or elsewhere', () => {
    const soon = [booking('g2', 'Acme', 2, 6)];
    expect(deriveUrgency(soon, ['g2'], names, now, 4)).toEqual({
      level: 'medium',
      reason: 'Acme in Grade 2 starts at 16:00 (in 2.0 h)',
    });
    expect(deriveUrgency(soon, ['g2'], names, now, 1).level).toBe('low');
    expect(deriveUrgency(soon, ['g1'], names, now, 4)).toEqual({
      level: 'low',
      reason: 'no session booked in the next 4 h',
    });
    // A session that has ended says nothing.
    expect(deriveUrgency([booking('g1', 'Old', -5, -1)], ['g1'], names, now, 4).level).toBe('low');
  });
});

describe('priority from the matrix', () => {
  const config = defaultConfig();

  it('follows the ITIL grid for every cell', () => {
    const grid = (['high', 'medium', 'low'] as const).map((impact) =>
      (['high', 'medium', 'low'] as const).map((urgency) => config.matrix[impact][urgency]),
    );
    expect(grid).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
  });

  it('derives from scope and bookings together, and keeps overrides and proposals', () => {
    const nexis = { id: 'n', name: 'NEXIS', suiteIds: [], servedSuiteIds: ['g1', 'g2'] };
    const triage = derive(config, scope([nexis]), [booking('g2', 'Acme', 1, 3)], now);
    expect(triage.derived).toEqual({ impact: 'high', urgency: 'medium', priority: 2 });
    expect(effective(triage, config)).toEqual({ impact: 'high', urgency: 'medium', priority: 2 });

    const proposed = { ...triage, proposedUrgency: 'high' as const };
    expect(effective(proposed, config).priority).toBe(1);
    const lower = { ...triage, proposedUrgency: 'low' as const };
    expect(effective(lower, config).urgency).toBe('medium');

    const overridden = {
      ...triage,
      overrides: {
        priority: { value: 4, reason: 'Spare suite booked instead', by: 'eng', at: '' },
      },
    };
    expect(effective(overridden, config).priority).toBe(4);
    const impactDown = {
      ...triage,
      overrides: { impact: { value: 'low', reason: 'Mirror took over', by: 'eng', at: '' } },
    };
    expect(effective(impactDown, config)).toEqual({
      impact: 'low',
      urgency: 'medium',
      priority: 4,
    });
  });

  it('uses an edited matrix', () => {
    const edited = {
      ...config,
      matrix: { ...config.matrix, low: { high: 2 as const, medium: 3 as const, low: 3 as const } },
    };
    const triage = derive(edited, scope([], ['d1']), [], now);
    expect(triage.derived.priority).toBe(3);
  });
});

describe('workflow rules', () => {
  const engineer = { role: 'engineer' as const, isAssignee: false, isReporter: false };
  const assignee = { role: 'junior' as const, isAssignee: true, isReporter: false };
  const bystander = { role: 'junior' as const, isAssignee: false, isReporter: false };
  const reporter = { role: 'junior' as const, isAssignee: false, isReporter: true };
  const manager = { role: 'manager' as const, isAssignee: true, isReporter: true };

  it('lets engineers triage, approve and return, and reopen', () => {
    expect(allowedMoves('new', engineer)).toEqual(['triaged', 'in_progress', 'closed']);
    expect(allowedMoves('pending_review', engineer)).toEqual(['closed', 'in_progress']);
    expect(allowedMoves('closed', engineer)).toEqual(['in_progress']);
  });

  it('lets a junior work only their own tickets, and sends their resolve to review', () => {
    expect(allowedMoves('triaged', assignee)).toEqual(['in_progress']);
    expect(allowedMoves('in_progress', assignee)).toEqual([
      'waiting_client',
      'waiting_vendor',
      'resolved',
    ]);
    expect(landing('resolved', assignee)).toBe('pending_review');
    expect(landing('resolved', engineer)).toBe('resolved');
    expect(allowedMoves('pending_review', assignee)).toEqual([]);
    expect(allowedMoves('in_progress', bystander)).toEqual([]);
    expect(allowedMoves('resolved', reporter)).toEqual(['in_progress']);
    expect(allowedMoves('in_progress', manager)).toEqual([]);
  });

  it('asks for a resolution to resolve and a note to return or reopen', () => {
    expect(moveNeeds('in_progress', 'pending_review')).toBe('resolution');
    expect(moveNeeds('new', 'closed')).toBe('resolution');
    expect(moveNeeds('pending_review', 'closed')).toBeNull();
    expect(moveNeeds('pending_review', 'in_progress')).toBe('note');
    expect(moveNeeds('closed', 'in_progress')).toBe('note');
    expect(moveNeeds('triaged', 'in_progress')).toBeNull();
  });
});
