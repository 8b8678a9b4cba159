import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ticketEvents, tickets, type Triage } from '../../server/db/schema/index.ts';
import type { TicketStatus } from '../../server/domain.ts';
import type { LiveEvent } from '../../server/live-events.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const missing = '00000000-0000-4000-8000-000000000000';
const triage: Triage = {
  derived: { impact: 'low', urgency: 'low', priority: 5 },
  reasons: { impact: '', urgency: '' },
  proposedUrgency: null,
  overrides: {},
};

interface Incident {
  id: string;
  number: number;
  title: string;
  status: string;
  priority: number;
  createdAt: string;
}
interface Problem {
  id: string;
  number: number;
  title: string;
  description: string;
  status: string;
  rootCause: string;
  workaround: string;
  permanentFix: string;
  ownerId: string | null;
  owner: string | null;
  closedAt: string | null;
  incidentCount: number;
  openIncidents: number;
  incidents: Incident[];
}

for (const { store, needs } of stores) {
  describeWith(needs, `problems on ${store}`, () => {
    let t: TestApp;
    let junior: string;
    let manager: string;
    let engineer: string;
    const events: LiveEvent[] = [];

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      cookie?: string,
    ) => t.app.inject({ method, url, payload, headers: { cookie: cookie ?? t.admin } });
    const create = async (payload: object, cookie?: string) => {
      const response = await api('POST', '/api/problems', payload, cookie);
      if (response.statusCode !== 201) throw new Error(`create: ${response.body}`);
      return response.json<Problem>();
    };
    // The tickets API is another module's; these tests make their rows directly.
    const ticket = async (title: string, status: TicketStatus = 'new') => {
      const [row] = await t.ctx.db
        .insert(tickets)
        .values({ title, status, impact: 'low', urgency: 'low', priority: 5, triage })
        .returning();
      if (!row) throw new Error('no ticket');
      return row;
    };
    const timeline = (ticketId: string) =>
      t.ctx.db
        .select({ kind: ticketEvents.kind, actor: ticketEvents.actor, body: ticketEvents.body })
        .from(ticketEvents)
        .where(eq(ticketEvents.ticketId, ticketId))
        .orderBy(asc(ticketEvents.id));
    const statusesOf = async (ids: string[]) =>
      Object.fromEntries(
        (
          await t.ctx.db
            .select({ id: tickets.id, status: tickets.status, closedAt: tickets.closedAt })
            .from(tickets)
            .where(inArray(tickets.id, ids))
        ).map((row) => [row.id, [row.status, row.closedAt]]),
      );
    const auditOf = async (id: string) =>
      (await api('GET', `/api/audit?entity=problem&entityId=${id}`))
        .json<Array<{ action: string; actor: string }>>()
        .map((e) => e.action);

    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((event) => events.push(event));
      junior = await t.userWithRole('junior');
      manager = await t.userWithRole('manager');
      engineer = await t.userWithRole('engineer');
    });
    afterAll(async () => t?.close());

    it('creates, reads, lists, filters and changes a problem, auditing and announcing each write', async () => {
      events.length = 0;
      const problem = await create({
        title: '  NEXIS workspace drops  ',
        description: 'Edit suites lose the workspace mid-session',
        workaround: 'Remount from the client',
      });
      expect(problem).toMatchObject({
        title: 'NEXIS workspace drops',
        description: 'Edit suites lose the workspace mid-session',
        status: 'open',
        rootCause: '',
        workaround: 'Remount from the client',
        permanentFix: '',
        ownerId: null,
        owner: null,
        createdBy: 'admin',
        closedAt: null,
        incidentCount: 0,
        openIncidents: 0,
        incidents: [],
      });
      expect(problem.number).toBeGreaterThan(0);
      expect((await api('GET', `/api/problems/${problem.id}`)).json()).toEqual(problem);

      const other = await create({ title: 'Colour pipeline banding' }, engineer);
      const admins = (await api('GET', '/api/users')).json<
        Array<{ id: string; username: string }>
      >();
      const adminId = admins.find((u) => u.username === 'admin')?.id;

      const changed = await api('PATCH', `/api/problems/${problem.id}`, {
        status: 'known_error',
        rootCause: 'Switch firmware drops jumbo frames under load',
        ownerId: adminId,
      });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({
        status: 'known_error',
        rootCause: 'Switch firmware drops jumbo frames under load',
        ownerId: adminId,
        owner: 'admin',
        closedAt: null,
      });

      const list = async (query: string) =>
        (await api('GET', `/api/problems${query}`)).json<Problem[]>().map((p) => p.title);
      // Newest first.
      expect(await list('')).toEqual(['Colour pipeline banding', 'NEXIS workspace drops']);
      expect(await list('?status=known_error')).toEqual(['NEXIS workspace drops']);
      expect(await list('?q=nexis')).toEqual(['NEXIS workspace drops']);
      expect(await list('?q=%25')).toEqual([]);
      expect(await list('?status=open&q=colour')).toEqual(['Colour pipeline banding']);

      expect(await auditOf(problem.id)).toEqual(['update', 'create']);
      expect(events.filter((e) => e.type === 'changed')).toEqual([
        { type: 'changed', entity: 'problem', id: problem.id },
        { type: 'changed', entity: 'problem', id: other.id },
        { type: 'changed', entity: 'problem', id: problem.id },
      ]);
    });

    it('lets everyone read and only engineers and admins write', async () => {
      const problem = await create({ title: 'Dailies render queue stalls' });
      const [incident] = [await ticket('Render stuck')];
      for (const cookie of [junior, manager]) {
        expect((await api('GET', '/api/problems', undefined, cookie)).statusCode).toBe(200);
        expect(
          (await api('GET', `/api/problems/${problem.id}`, undefined, cookie)).statusCode,
        ).toBe(200);
        for (const [method, url, payload] of [
          ['POST', '/api/problems', { title: 'Mine' }],
          ['PATCH', `/api/problems/${problem.id}`, { status: 'closed' }],
          ['POST', `/api/problems/${problem.id}/incidents`, { ticketId: incident?.id }],
          ['DELETE', `/api/problems/${problem.id}/incidents/${incident?.id}`, undefined],
        ] as const) {
          const response = await api(method, url, payload, cookie);
          expect(response.statusCode, `${method} ${url}`).toBe(403);
        }
      }
      const byEngineer = await api(
        'PATCH',
        `/api/problems/${problem.id}`,
        { workaround: 'Restart the queue' },
        engineer,
      );
      expect(byEngineer.statusCode).toBe(200);
      expect((await api('GET', `/api/problems/${problem.id}`)).json()).toMatchObject({
        status: 'open',
        workaround: 'Restart the queue',
        incidentCount: 0,
      });
    });

    it('links and unlinks incidents, noting each on the ticket', async () => {
      const problem = await create({ title: 'NEXIS workspace drops again' });
      const a = await ticket('Suite 3 lost media', 'in_progress');
      const b = await ticket('Suite 5 offline', 'new');

      const linked = await api('POST', `/api/problems/${problem.id}/incidents`, { ticketId: a.id });
      expect(linked.statusCode).toBe(200);
      await api('POST', `/api/problems/${problem.id}/incidents`, { ticketId: b.id }, engineer);
      const detail = (await api('GET', `/api/problems/${problem.id}`)).json<Problem>();
      expect(detail).toMatchObject({ incidentCount: 2, openIncidents: 2 });
      expect(detail.incidents).toEqual([
        {
          id: a.id,
          number: a.number,
          title: 'Suite 3 lost media',
          status: 'in_progress',
          priority: 5,
          createdAt: a.createdAt.toISOString(),
        },
        {
          id: b.id,
          number: b.number,
          title: 'Suite 5 offline',
          status: 'new',
          priority: 5,
          createdAt: b.createdAt.toISOString(),
        },
      ]);
      const linkedBody = `Linked to problem #${problem.number}: NEXIS workspace drops again`;
      expect(await timeline(a.id)).toEqual([{ kind: 'problem', actor: 'admin', body: linkedBody }]);
      expect((await timeline(b.id))[0]?.actor).toMatch(/^engineer/);

      // Again: nothing changes, nothing more is written.
      const again = await api('POST', `/api/problems/${problem.id}/incidents`, { ticketId: a.id });
      expect(again.statusCode).toBe(200);
      expect(await timeline(a.id)).toHaveLength(1);

      const unlinked = await api('DELETE', `/api/problems/${problem.id}/incidents/${a.id}`);
      expect(unlinked.statusCode).toBe(200);
      expect(unlinked.json<Problem>().incidents.map((i) => i.id)).toEqual([b.id]);
      expect(await timeline(a.id)).toEqual([
        { kind: 'problem', actor: 'admin', body: linkedBody },
        {
          kind: 'problem',
          actor: 'admin',
          body: `Unlinked from problem #${problem.number}: NEXIS workspace drops again`,
        },
      ]);
      const unlinkedAgain = await api('DELETE', `/api/problems/${problem.id}/incidents/${a.id}`);
      expect(unlinkedAgain.statusCode).toBe(404);
      expect(unlinkedAgain.json().message).toBe(
        `ticket ${a.id} is not linked to problem #${problem.number}`,
      );
      expect(await auditOf(problem.id)).toEqual([
        'unlink-incident',
        'link-incident',
        'link-incident',
        'create',
      ]);
    });

    it('refuses a link to an unknown ticket, a ticket on another problem and an unknown problem, writing nothing', async () => {
      const first = await create({ title: 'Router crosspoint resets' });
      const second = await create({ title: 'Another problem' });
      const held = await ticket('MCR output 4 black');
      await api('POST', `/api/problems/${first.id}/incidents`, { ticketId: held.id });
      const before = await timeline(held.id);

      const unknown = await api('POST', `/api/problems/${second.id}/incidents`, {
        ticketId: missing,
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toBe(`body.ticketId: no ticket with id ${missing}`);

      const taken = await api('POST', `/api/problems/${second.id}/incidents`, {
        ticketId: held.id,
      });
      expect(taken.statusCode).toBe(409);
      expect(taken.json()).toMatchObject({
        message: `ticket #${held.number} is already linked to problem #${first.number}: Router crosspoint resets; unlink it there first`,
        problemId: first.id,
        problemNumber: first.number,
      });

      const badId = await api('POST', `/api/problems/${second.id}/incidents`, { ticketId: 'x' });
      expect(badId.statusCode).toBe(400);
      expect(badId.json().message).toMatch(/^body\.ticketId must match format "uuid"/);
      const noBody = await api('POST', `/api/problems/${second.id}/incidents`, {});
      expect(noBody.json().message).toBe('body.ticketId is required');

      const noProblem = await api('POST', `/api/problems/${missing}/incidents`, {
        ticketId: held.id,
      });
      expect(noProblem.statusCode).toBe(404);
      expect(noProblem.json().message).toBe(`problem ${missing} does not exist`);
      expect(
        (await api('DELETE', `/api/problems/${second.id}/incidents/${held.id}`)).statusCode,
      ).toBe(404);

      expect(await timeline(held.id)).toEqual(before);
      expect((await api('GET', `/api/problems/${second.id}`)).json<Problem>().incidents).toEqual(
        [],
      );
      expect(await auditOf(second.id)).toEqual(['create']);
    });

    it('lets only one of two simultaneous links of a ticket win', async () => {
      const [x, y] = [await create({ title: 'Race X' }), await create({ title: 'Race Y' })];
      const contested = await ticket('Contested');
      const responses = await Promise.all(
        [x, y].map((p) =>
          api('POST', `/api/problems/${p.id}/incidents`, { ticketId: contested.id }),
        ),
      );
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const winner = responses[0]?.statusCode === 200 ? x : y;
      const [row] = await t.ctx.db
        .select({ problemId: tickets.problemId })
        .from(tickets)
        .where(eq(tickets.id, contested.id));
      expect(row?.problemId).toBe(winner.id);
      expect(await timeline(contested.id)).toHaveLength(1);
    });

    it('closes a problem without touching its incidents, telling each one, and reopens it', async () => {
      events.length = 0;
      const problem = await create({ title: 'Audio sync drift on playout' });
      const open = await ticket('Mix 2 lip sync', 'in_progress');
      const waiting = await ticket('Dub 1 drift', 'waiting_vendor');
      const resolved = await ticket('Grade 1 drift', 'resolved');
      for (const incident of [open, waiting, resolved])
        await api('POST', `/api/problems/${problem.id}/incidents`, { ticketId: incident.id });
      const ids = [open.id, waiting.id, resolved.id];
      const before = await statusesOf(ids);

      const closed = await api('PATCH', `/api/problems/${problem.id}`, {
        status: 'closed',
        permanentFix: 'Genlock the playout server to house reference',
      });
      expect(closed.statusCode).toBe(200);
      const body = closed.json<Problem>();
      expect(body).toMatchObject({ status: 'closed', incidentCount: 3, openIncidents: 2 });
      expect(Date.now() - Date.parse(body.closedAt ?? '')).toBeLessThan(60_000);
      // The point of the whole module: the incidents keep their own status.
      expect(await statusesOf(ids)).toEqual(before);
      expect(body.incidents.map((i) => i.status)).toEqual([
        'in_progress',
        'waiting_vendor',
        'resolved',
      ]);

      const stays = `Problem #${problem.number} closed; this ticket stays open: close it on its own when service is restored`;
      expect((await timeline(open.id)).map((e) => e.body)).toEqual([
        `Linked to problem #${problem.number}: Audio sync drift on playout`,
        stays,
      ]);
      expect((await timeline(waiting.id)).at(-1)?.body).toBe(stays);
      expect((await timeline(resolved.id)).at(-1)).toEqual({
        kind: 'problem',
        actor: 'admin',
        body: `Problem #${problem.number} closed: Audio sync drift on playout`,
      });

      // Closing twice, or editing a closed problem, is not a second close.
      const edited = await api('PATCH', `/api/problems/${problem.id}`, {
        status: 'closed',
        rootCause: 'Playout server free-running',
      });
      expect(edited.json<Problem>().closedAt).toBe(body.closedAt);
      expect(await timeline(open.id)).toHaveLength(2);

      // A closed problem takes no new incidents.
      const late = await ticket('Mix 3 drift');
      const refused = await api('POST', `/api/problems/${problem.id}/incidents`, {
        ticketId: late.id,
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().message).toBe(
        `problem #${problem.number}: Audio sync drift on playout is closed; reopen it before linking ticket #${late.number} to it`,
      );
      expect(await timeline(late.id)).toEqual([]);

      const reopened = await api('PATCH', `/api/problems/${problem.id}`, { status: 'open' });
      expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null, openIncidents: 2 });
      expect((await timeline(resolved.id)).at(-1)?.body).toBe(
        `Problem #${problem.number} reopened: Audio sync drift on playout`,
      );
      expect(await statusesOf(ids)).toEqual(before);
      expect(await auditOf(problem.id)).toEqual([
        'reopen',
        'update',
        'close',
        'link-incident',
        'link-incident',
        'link-incident',
        'create',
      ]);
      expect(events.filter((e) => e.type === 'changed' && e.entity === 'problem').length).toBe(7);
    });

    it('answers 400 naming the field for bad input, and changes nothing', async () => {
      const problem = await create({ title: 'Stable title' });
      const cases: Array<[string, string, object, RegExp | string]> = [
        ['POST', '/api/problems', {}, 'body.title is required'],
        ['POST', '/api/problems', { title: '   ' }, /^body\.title: .*must not be blank/],
        [
          'POST',
          '/api/problems',
          { title: 'x', status: 'open' },
          /^body has an unknown field 'status'/,
        ],
        ['POST', '/api/problems', { title: 'x', rootCause: 42 }, 'body.rootCause must be string'],
        ['PATCH', `/api/problems/${problem.id}`, {}, /^body must NOT have fewer than 1/],
        [
          'PATCH',
          `/api/problems/${problem.id}`,
          { status: 'done' },
          /^body\.status must be one of: open, known_error, resolved, closed/,
        ],
        [
          'PATCH',
          `/api/problems/${problem.id}`,
          { title: '' },
          /^body\.title must NOT have fewer than 1/,
        ],
        [
          'PATCH',
          `/api/problems/${problem.id}`,
          { ownerId: missing },
          `body.ownerId: no user with id ${missing}`,
        ],
        [
          'PATCH',
          `/api/problems/${problem.id}`,
          { title: 'New', ownerId: missing },
          `body.ownerId: no user with id ${missing}`,
        ],
      ];
      for (const [method, url, payload, message] of cases) {
        const response = await api(method as 'POST', url, payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().message).toMatch(message);
      }
      expect((await api('GET', '/api/problems?status=done')).json().message).toMatch(
        /^querystring\.status must be one of/,
      );
      expect((await api('GET', '/api/problems/nope')).json().message).toMatch(
        /^params\.id must match format "uuid"/,
      );
      const notThere = await api('PATCH', `/api/problems/${missing}`, { title: 'x' });
      expect(notThere.statusCode).toBe(404);
      expect((await api('GET', `/api/problems/${problem.id}`)).json()).toMatchObject({
        title: 'Stable title',
        ownerId: null,
      });
      expect(await auditOf(problem.id)).toEqual(['create']);
    });
  });
}
