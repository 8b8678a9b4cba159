import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  faults,
  ticketDevices,
  ticketFaults,
  tickets,
  ticketSuites,
} from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
// A closed month in the past: only tickets placed in it on purpose count.
const from = '2024-03-01T00:00:00.000Z';
const to = '2024-04-01T00:00:00.000Z';
const period = `from=${from}&to=${to}`;
const inPeriod = (offsetMs: number) => new Date(Date.parse('2024-03-10T10:00:00Z') + offsetMs);

type TicketInsert = typeof tickets.$inferInsert;

const nulls = (measure: string): Array<Record<string, unknown>> =>
  [1, 2, 3, 4, 5].map((priority) => ({
    measure,
    priority,
    withTarget: 0,
    met: 0,
    breached: 0,
    attainment: null,
  }));

for (const { store, needs } of stores) {
  describeWith(needs, `helpdesk reports on ${store}`, () => {
    let t: TestApp;
    let engineer: string;
    let manager: string;
    let junior: string;
    const ids = { grade1: '', grade2: '', mix1: '', ws1: '', ws2: '', store1: '' };

    const get = (url: string, cookie?: string, accept = 'application/json') =>
      t.app.inject({ method: 'GET', url, headers: { cookie: cookie ?? t.admin, accept } });
    const ok = async <T = unknown>(url: string, cookie?: string) => {
      const response = await get(url, cookie);
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.body}`);
      return response.json<T>();
    };
    const created = async (url: string, payload: object) => {
      const response = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { cookie: t.admin },
      });
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };

    /** Inserts a ticket as the tickets module would store it; times are the test's to set. */
    const ticket = async (values: Partial<TicketInsert> & { createdAt: Date }) => {
      const priority = values.priority ?? 5;
      const [row] = await t.ctx.db
        .insert(tickets)
        .values({
          title: 'Grade monitor flickers',
          impact: 'low',
          urgency: 'low',
          priority,
          triage: {
            derived: { impact: 'low', urgency: 'low', priority },
            reasons: { impact: '', urgency: '' },
            proposedUrgency: null,
            overrides: {},
          },
          ...values,
        })
        .returning({ id: tickets.id });
      return row!.id;
    };
    let conditions = 0;
    const fault = async (openedAt: Date) => {
      conditions += 1;
      const [row] = await t.ctx.db
        .insert(faults)
        .values({
          deviceId: ids.ws2,
          condition: `check.http.${conditions}`,
          source: 'check',
          severity: 'critical',
          peakSeverity: 'critical',
          state: 'cleared',
          openedAt,
          lastBadAt: openedAt,
          lastObservedAt: openedAt,
          clearedAt: new Date(openedAt.getTime() + hour),
          holdDownS: 0,
          rootSince: openedAt,
        })
        .returning({ id: faults.id });
      return row!.id;
    };

    beforeAll(async () => {
      t = await createTestApp(store);
      engineer = await t.userWithRole('engineer');
      manager = await t.userWithRole('manager');
      junior = await t.userWithRole('junior');
      ids.grade1 = await created('/api/suites', { name: 'Grade 1' });
      ids.grade2 = await created('/api/suites', { name: 'Grade 2' });
      ids.mix1 = await created('/api/suites', { name: 'Mix 1' });
      ids.ws1 = await created('/api/devices', {
        name: 'Grade1-WS',
        kind: 'workstation',
        suiteIds: [ids.grade1],
      });
      ids.ws2 = await created('/api/devices', { name: 'Spare-WS', kind: 'workstation' });
      ids.store1 = await created('/api/devices', {
        name: 'SAN-A',
        kind: 'storage',
        suiteIds: [ids.grade1, ids.grade2],
      });
    });
    afterAll(async () => t?.close());
    // Each test builds the whole ticket population it reasons about.
    beforeEach(async () => {
      await t.ctx.db.delete(tickets);
    });

    it('counts open tickets now by age band and priority', async () => {
      const now = Date.now();
      const ago = (ms: number) => new Date(now - ms);
      await ticket({ createdAt: ago(2 * hour), priority: 1 });
      await ticket({ createdAt: ago(2 * day), priority: 1, status: 'in_progress' });
      await ticket({ createdAt: ago(2 * day + hour), priority: 2, status: 'waiting_vendor' });
      await ticket({ createdAt: ago(5 * day), priority: 3 });
      await ticket({ createdAt: ago(10 * day), priority: 3, status: 'waiting_client' });
      await ticket({ createdAt: ago(40 * day), priority: 5 });
      // Waiting for an engineer's review is not done yet.
      await ticket({ createdAt: ago(400 * day), priority: 2, status: 'pending_review' });
      await ticket({ createdAt: ago(hour), priority: 1, status: 'resolved', resolvedAt: ago(1) });
      await ticket({ createdAt: ago(40 * day), priority: 5, status: 'closed' });

      const buckets = await ok('/api/reports/helpdesk/backlog', engineer);
      const row = (age: string, minDays: number, maxDays: number | null, p: number[]) => ({
        age,
        minDays,
        maxDays,
        p1: p[0],
        p2: p[1],
        p3: p[2],
        p4: p[3],
        p5: p[4],
        total: p.reduce((a, b) => a + b, 0),
      });
      expect(buckets).toEqual([
        row('under 1 day', 0, 1, [1, 0, 0, 0, 0]),
        row('1-3 days', 1, 3, [1, 1, 0, 0, 0]),
        row('3-7 days', 3, 7, [0, 0, 1, 0, 0]),
        row('7-30 days', 7, 30, [0, 0, 1, 0, 0]),
        row('30+ days', 30, null, [0, 1, 0, 0, 1]),
      ]);
      const report = await ok<{ backlog: Record<string, unknown> }>(
        `/api/reports/helpdesk?${period}`,
        manager,
      );
      expect(report.backlog.buckets).toEqual(buckets);
      expect(report.backlog.totals).toEqual({ p1: 2, p2: 2, p3: 2, p4: 0, p5: 1, total: 7 });
      expect(Math.abs(Date.parse(report.backlog.asOf as string) - Date.now())).toBeLessThan(60_000);
    });

    it('averages time to acknowledge over tickets created in the period', async () => {
      for (const m of [10, 20, 30]) {
        const createdAt = inPeriod(m * hour);
        await ticket({ createdAt, respondedAt: new Date(createdAt.getTime() + m * minute) });
      }
      // Not yet responded: not in the mean.
      await ticket({ createdAt: inPeriod(0) });
      // Created before the period, though responded inside it.
      await ticket({
        createdAt: new Date('2024-02-29T23:00:00Z'),
        respondedAt: new Date('2024-03-01T07:00:00Z'),
      });
      // Created in the last minute of the period: in.
      await ticket({
        createdAt: new Date('2024-03-31T23:59:00Z'),
        respondedAt: new Date('2024-04-01T00:19:00Z'),
      });
      // Created at the very end: the period is [from, to).
      await ticket({
        createdAt: new Date(to),
        respondedAt: new Date(Date.parse(to) + 500 * minute),
      });

      const report = await ok<Record<string, unknown>>(`/api/reports/helpdesk?${period}`);
      expect(report.mtta).toEqual({ minutes: 20, count: 4 });
      expect(report.from).toBe(from);
      expect(report.to).toBe(to);
    });

    it('averages time to restore from the earliest of creation and linked fault', async () => {
      // Plain: 120 minutes from creation.
      await ticket({ createdAt: inPeriod(0), resolvedAt: inPeriod(2 * hour), status: 'resolved' });
      // Service went down an hour before anyone logged it: 120 minutes from the earlier fault.
      const early = await ticket({
        createdAt: inPeriod(day),
        resolvedAt: inPeriod(day + hour),
        status: 'closed',
        closedAt: inPeriod(day + 2 * hour),
      });
      await t.ctx.db.insert(ticketFaults).values([
        { ticketId: early, faultId: await fault(inPeriod(day - 30 * minute)) },
        { ticketId: early, faultId: await fault(inPeriod(day - hour)) },
      ]);
      // A fault linked later than the ticket was created does not move the start: 30 minutes.
      const late = await ticket({
        createdAt: inPeriod(2 * day),
        resolvedAt: inPeriod(2 * day + 30 * minute),
        status: 'resolved',
      });
      await t.ctx.db
        .insert(ticketFaults)
        .values({ ticketId: late, faultId: await fault(inPeriod(2 * day + 10 * minute)) });
      // Resolved after the period, created in it: not counted.
      await ticket({
        createdAt: new Date('2024-03-31T20:00:00Z'),
        resolvedAt: new Date('2024-04-01T02:00:00Z'),
        status: 'resolved',
      });
      // Created before the period, resolved in it: counted, 1 day = 1440 minutes.
      await ticket({
        createdAt: new Date('2024-02-29T12:00:00Z'),
        resolvedAt: new Date('2024-03-01T12:00:00Z'),
        status: 'resolved',
      });
      // Open: not counted.
      await ticket({ createdAt: inPeriod(0) });

      const report = await ok<Record<string, unknown>>(`/api/reports/helpdesk?${period}`);
      expect(report.mttr).toEqual({
        minutes: (120 + 120 + 30 + 1440) / 4,
        count: 4,
        meaning: 'restore',
      });

      const empty = await ok<Record<string, unknown>>(
        '/api/reports/helpdesk?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z',
      );
      expect(empty.mtta).toEqual({ minutes: null, count: 0 });
      expect(empty.mttr).toEqual({ minutes: null, count: 0, meaning: 'restore' });
    });

    it('rounds a mean to hundredths of a minute', async () => {
      for (const seconds of [10, 10, 11]) {
        const createdAt = inPeriod(seconds * hour);
        await ticket({ createdAt, respondedAt: new Date(createdAt.getTime() + seconds * 1000) });
      }
      const report = await ok<Record<string, unknown>>(`/api/reports/helpdesk?${period}`);
      // 31 s / 3 = 10.333 s = 0.17222 min.
      expect(report.mtta).toEqual({ minutes: 0.17, count: 3 });
    });

    it('measures SLA attainment per priority for response and resolution', async () => {
      const base = { createdAt: inPeriod(0), status: 'resolved' as const };
      const due = inPeriod(4 * hour);
      // P1 resolution: met early, met exactly on the due time, breached.
      await ticket({ ...base, priority: 1, resolutionDueAt: due, resolvedAt: inPeriod(hour) });
      await ticket({ ...base, priority: 1, resolutionDueAt: due, resolvedAt: due });
      await ticket({ ...base, priority: 1, resolutionDueAt: due, resolvedAt: inPeriod(5 * hour) });
      // P5 has no target: not counted.
      await ticket({ ...base, priority: 5, resolvedAt: inPeriod(hour) });
      // Resolved after the period: not counted, though it breached.
      await ticket({
        ...base,
        priority: 1,
        resolutionDueAt: due,
        resolvedAt: new Date('2024-04-02T00:00:00Z'),
      });
      // P2 response: one met, one breached; one still unanswered is not counted.
      const respond = {
        createdAt: inPeriod(0),
        priority: 2 as const,
        responseDueAt: inPeriod(hour),
      };
      await ticket({ ...respond, respondedAt: inPeriod(30 * minute) });
      await ticket({ ...respond, respondedAt: inPeriod(90 * minute) });
      await ticket({ ...respond });
      // P3 both: responded in time, resolved late.
      await ticket({
        createdAt: inPeriod(0),
        priority: 3,
        status: 'closed',
        responseDueAt: inPeriod(2 * hour),
        respondedAt: inPeriod(hour),
        resolutionDueAt: inPeriod(day),
        resolvedAt: inPeriod(2 * day),
      });

      const sla = await ok<Array<Record<string, unknown>>>(
        `/api/reports/helpdesk/sla?${period}`,
        engineer,
      );
      const expected = [...nulls('response'), ...nulls('resolution')];
      expected[1] = { ...expected[1]!, withTarget: 2, met: 1, breached: 1, attainment: 0.5 };
      expected[2] = { ...expected[2]!, withTarget: 1, met: 1, breached: 0, attainment: 1 };
      expected[5] = { ...expected[5]!, withTarget: 3, met: 2, breached: 1, attainment: 0.6667 };
      expected[7] = { ...expected[7]!, withTarget: 1, met: 0, breached: 1, attainment: 0 };
      expect(sla).toEqual(expected);
      expect((await ok<Record<string, unknown>>(`/api/reports/helpdesk?${period}`)).sla).toEqual(
        expected,
      );
    });

    it('counts tickets per suite and per device kind, each ticket once', async () => {
      // Grade 1 both directly and through its workstation.
      const t1 = await ticket({ createdAt: inPeriod(0) });
      await t.ctx.db.insert(ticketSuites).values({ ticketId: t1, suiteId: ids.grade1 });
      await t.ctx.db.insert(ticketDevices).values({ ticketId: t1, deviceId: ids.ws1 });
      // Shared storage reaches Grade 1 and Grade 2; resolved, so not open.
      const t2 = await ticket({ createdAt: inPeriod(hour), status: 'resolved' });
      await t.ctx.db.insert(ticketDevices).values({ ticketId: t2, deviceId: ids.store1 });
      // Mix 1 directly, Grade 1 through a device; two workstations are one kind.
      const t3 = await ticket({ createdAt: inPeriod(2 * hour), status: 'waiting_client' });
      await t.ctx.db.insert(ticketSuites).values({ ticketId: t3, suiteId: ids.mix1 });
      await t.ctx.db.insert(ticketDevices).values([
        { ticketId: t3, deviceId: ids.ws1 },
        { ticketId: t3, deviceId: ids.ws2 },
      ]);
      // Created before the period: not counted anywhere.
      const t4 = await ticket({ createdAt: new Date('2024-02-01T00:00:00Z') });
      await t.ctx.db.insert(ticketSuites).values({ ticketId: t4, suiteId: ids.grade2 });
      await t.ctx.db.insert(ticketDevices).values({ ticketId: t4, deviceId: ids.store1 });
      // Neither suite nor device.
      await ticket({ createdAt: inPeriod(0) });

      const perSuite = await ok(`/api/reports/helpdesk/per-suite?${period}`, manager);
      expect(perSuite).toEqual([
        { suiteId: ids.grade1, suiteName: 'Grade 1', count: 3, open: 2 },
        { suiteId: ids.grade2, suiteName: 'Grade 2', count: 1, open: 0 },
        { suiteId: ids.mix1, suiteName: 'Mix 1', count: 1, open: 1 },
      ]);
      const perKind = await ok(`/api/reports/helpdesk/per-device-kind?${period}`, manager);
      expect(perKind).toEqual([
        { kind: 'workstation', count: 2, open: 2 },
        { kind: 'storage', count: 1, open: 0 },
      ]);
      const report = await ok<Record<string, unknown>>(`/api/reports/helpdesk?${period}`);
      expect(report.perSuite).toEqual(perSuite);
      expect(report.perDeviceKind).toEqual(perKind);
    });

    it('defaults to the 30 days up to now, or before to', async () => {
      const before = Date.now();
      const report = await ok<Record<string, string>>('/api/reports/helpdesk');
      const end = Date.parse(report.to!);
      expect(end).toBeGreaterThanOrEqual(before - 1000);
      expect(end).toBeLessThanOrEqual(Date.now() + 1000);
      expect(end - Date.parse(report.from!)).toBe(30 * day);

      const only = await ok<Record<string, string>>(`/api/reports/helpdesk?to=${to}`);
      expect(only.from).toBe('2024-03-02T00:00:00.000Z');
      const since = await ok<Record<string, string>>(`/api/reports/helpdesk?from=${from}`);
      expect(since.from).toBe(from);
    });

    it('is for engineers, managers and admins, not juniors', async () => {
      const urls = [
        '/api/reports/helpdesk',
        '/api/reports/helpdesk/backlog',
        '/api/reports/helpdesk/sla',
        '/api/reports/helpdesk/per-suite',
        '/api/reports/helpdesk/per-device-kind',
      ];
      for (const url of urls) {
        const refused = await get(url, junior);
        expect(refused.statusCode).toBe(403);
        expect(refused.json().message).toMatch(/needs the engineer or manager or admin role/);
        for (const cookie of [engineer, manager, t.admin])
          expect((await get(url, cookie)).statusCode).toBe(200);
        const anonymous = await t.app.inject({ method: 'GET', url });
        expect(anonymous.statusCode).toBe(401);
      }
    });

    it.each([
      ['to before from', `from=${to}&to=${from}`, /^querystring\.to: must be after from/],
      ['to equal to from', `from=${from}&to=${from}`, /^querystring\.to: must be after from/],
      [
        'from in the future with no to',
        'from=2999-01-01T00:00:00Z',
        /^querystring\.to: must be after from .*defaults to now/,
      ],
      ['a date without a time', 'from=2024-03-01', /^querystring\.from must match format/],
      ['nonsense', 'to=yesterday', /^querystring\.to must match format/],
      ['a leap second', 'to=2016-12-31T23:59:60Z', /^querystring\.to(:| must)/],
      ['year zero', 'from=0000-01-01T00:00:00Z', /^querystring\.from(:| must)/],
      ['an unknown parameter', 'format=csv', /^querystring has an unknown field 'format'/],
    ])('refuses %s with a 400 naming the field', async (_name, query, message) => {
      for (const path of ['', '/sla', '/per-suite', '/per-device-kind']) {
        const response = await get(`/api/reports/helpdesk${path}?${query}`);
        expect(response.statusCode).toBe(400);
        expect(response.json().message).toMatch(message);
      }
    });

    it('takes no period for the backlog, which is about now', async () => {
      const response = await get(`/api/reports/helpdesk/backlog?${period}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("querystring has an unknown field 'from'");
    });

    it('exports each list-shaped part as CSV', async () => {
      const t1 = await ticket({
        createdAt: inPeriod(0),
        priority: 1,
        status: 'resolved',
        resolutionDueAt: inPeriod(hour),
        resolvedAt: inPeriod(2 * hour),
      });
      await t.ctx.db.insert(ticketSuites).values({ ticketId: t1, suiteId: ids.grade1 });
      await t.ctx.db.insert(ticketDevices).values({ ticketId: t1, deviceId: ids.ws1 });
      await ticket({ createdAt: new Date(Date.now() - 2 * day), priority: 4 });
      const date = new Date().toISOString().slice(0, 10);
      const csv = async (path: string, query = period) => {
        const response = await get(`/api/reports/helpdesk/${path}?${query}`, engineer, 'text/csv');
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(response.headers['content-disposition']).toBe(
          `attachment; filename="${path}-${date}.csv"`,
        );
        return response.body;
      };
      const lines = (...rows: string[]) => rows.map((r) => `${r}\r\n`).join('');

      expect(await csv('backlog', '')).toBe(
        lines(
          'age,minDays,maxDays,p1,p2,p3,p4,p5,total',
          'under 1 day,0,1,0,0,0,0,0,0',
          '1-3 days,1,3,0,0,0,1,0,1',
          '3-7 days,3,7,0,0,0,0,0,0',
          '7-30 days,7,30,0,0,0,0,0,0',
          '30+ days,30,,0,0,0,0,0,0',
        ),
      );
      expect(await csv('sla')).toBe(
        lines(
          'measure,priority,withTarget,met,breached,attainment',
          ...[1, 2, 3, 4, 5].map((p) => `response,${p},0,0,0,`),
          'resolution,1,1,0,1,0',
          ...[2, 3, 4, 5].map((p) => `resolution,${p},0,0,0,`),
        ),
      );
      expect(await csv('per-suite')).toBe(
        lines('suiteId,suiteName,count,open', `${ids.grade1},Grade 1,1,0`),
      );
      expect(await csv('per-device-kind')).toBe(lines('kind,count,open', 'workstation,1,0'));
      // The whole report is an object: it stays JSON whatever the client asks for.
      const whole = await get(`/api/reports/helpdesk?${period}`, engineer, 'text/csv');
      expect(whole.headers['content-type']).toMatch(/^application\/json/);
    });
  });
}
