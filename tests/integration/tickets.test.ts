import { afterAll, beforeAll, expect, it } from 'vitest';
import { tickets } from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const missing = '00000000-0000-4000-8000-000000000000';
const hour = 3_600_000;

interface Ticket {
  id: string;
  number: number;
  status: string;
  impact: string;
  urgency: string;
  priority: number;
  assigneeId: string | null;
  triage: { reasons: { impact: string; urgency: string }; overrides: Record<string, unknown> };
  sla: {
    response: { state: string; dueAt: string | null };
    resolution: { state: string; dueAt: string | null; paused: boolean };
    paused: boolean;
  };
  allowedMoves: string[];
  attachments: Array<{ id: string; filename: string; size: number; sha256: string }>;
  timeSpentMinutes: number;
  pauses: Array<{ from: string; to: string | null }>;
  resolution: string;
}
interface TimelineEvent {
  kind: string;
  actor: string;
  body: string;
  data: Record<string, unknown>;
}

for (const { store, needs } of stores) {
  describeWith(needs, `tickets on ${store}`, () => {
    let t: TestApp;
    const ids = { grade1: '', grade2: '', grade3: '', nexis: '', ws1: '', ws2: '', monitor1: '' };
    const who = { junior: '', junior2: '', engineer: '', manager: '', juniorId: '' };

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      cookie: string,
      payload?: object,
    ) => t.app.inject({ method, url, payload, headers: { cookie } });
    const created = async (url: string, payload: object) => {
      const response = await api('POST', url, t.admin, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const logTicket = async (cookie: string, payload: object) => {
      const response = await api('POST', '/api/tickets', cookie, payload);
      if (response.statusCode !== 201) throw new Error(`create ticket: ${response.body}`);
      return response.json<Ticket>();
    };
    const move = (id: string, cookie: string, body: object) =>
      api('POST', `/api/tickets/${id}/transition`, cookie, body);
    const timeline = async (id: string) =>
      (await api('GET', `/api/tickets/${id}/timeline`, t.admin)).json<TimelineEvent[]>();
    const ticketCount = async () => (await t.ctx.db.select().from(tickets)).length;

    beforeAll(async () => {
      t = await createTestApp(store);
      const site = await created('/api/sites', { name: 'Soho', timezone: 'Europe/London' });
      const room = await created('/api/rooms', { name: 'Floor 2', siteId: site });
      ids.grade1 = await created('/api/suites', { name: 'Grade 1', roomId: room, kind: 'grading' });
      ids.grade2 = await created('/api/suites', { name: 'Grade 2', roomId: room, kind: 'grading' });
      ids.grade3 = await created('/api/suites', { name: 'Grade 3', roomId: room, kind: 'grading' });
      ids.nexis = await created('/api/devices', { name: 'NEXIS E4', kind: 'storage' });
      ids.ws1 = await created('/api/devices', {
        name: 'Resolve G1',
        kind: 'workstation',
        suiteIds: [ids.grade1],
      });
      ids.ws2 = await created('/api/devices', {
        name: 'Resolve G2',
        kind: 'workstation',
        suiteIds: [ids.grade2],
      });
      ids.monitor1 = await created('/api/devices', {
        name: 'X310 G1',
        kind: 'display',
        parentId: ids.ws1,
        suiteIds: [ids.grade1],
      });
      for (const ws of [ids.ws1, ids.ws2]) {
        const put = await t.app.inject({
          method: 'PUT',
          url: `/api/devices/${ws}/dependencies`,
          headers: { cookie: t.admin },
          payload: { dependsOn: [ids.nexis] },
        });
        expect(put.statusCode).toBe(200);
      }
      // A client in Grade 1 now; one due in Grade 2 in two hours; Grade 3 empty.
      const now = Date.now();
      await created('/api/bookings', {
        suiteId: ids.grade1,
        client: 'Northern Light',
        startsAt: new Date(now - hour).toISOString(),
        endsAt: new Date(now + 3 * hour).toISOString(),
      });
      await created('/api/bookings', {
        suiteId: ids.grade2,
        client: 'Acme Films',
        startsAt: new Date(now + 2 * hour).toISOString(),
        endsAt: new Date(now + 6 * hour).toISOString(),
      });
      who.junior = await t.userWithRole('junior');
      who.junior2 = await t.userWithRole('junior');
      who.engineer = await t.userWithRole('engineer');
      who.manager = await t.userWithRole('manager');
      const me = await api('GET', '/api/auth/me', who.junior);
      who.juniorId = me.json<{ id: string }>().id;
    });
    afterAll(async () => t?.close());

    it('derives impact from dependency scope and urgency from bookings, then priority from the matrix', async () => {
      const storage = await logTicket(who.junior, {
        title: 'Workspaces offline',
        deviceIds: [ids.nexis],
      });
      expect(storage).toMatchObject({ impact: 'high', urgency: 'high', priority: 1 });
      expect(storage.triage.reasons.impact).toBe(
        'shared infrastructure: 2 suites depend on NEXIS E4 (Grade 1, Grade 2)',
      );
      expect(storage.triage.reasons.urgency).toMatch(
        /^in session: Northern Light in Grade 1 until \d\d:\d\d$/,
      );

      const workstation = await logTicket(who.junior, {
        title: 'No video out',
        deviceIds: [ids.ws1],
      });
      expect(workstation).toMatchObject({ impact: 'medium', urgency: 'high', priority: 2 });
      expect(workstation.triage.reasons.impact).toBe(
        'a whole suite: Grade 1 depends on Resolve G1',
      );

      const monitor = await logTicket(who.junior, { title: 'Flicker', deviceIds: [ids.monitor1] });
      expect(monitor).toMatchObject({ impact: 'low', urgency: 'high', priority: 3 });

      const soon = await logTicket(who.junior, { title: 'Fan noise', suiteIds: [ids.grade2] });
      expect(soon).toMatchObject({ impact: 'low', urgency: 'medium', priority: 4 });
      expect(soon.triage.reasons.urgency).toMatch(/^Acme Films in Grade 2 starts at \d\d:\d\d/);

      const quiet = await logTicket(who.junior, { title: 'Label printer', suiteIds: [ids.grade3] });
      expect(quiet).toMatchObject({ impact: 'low', urgency: 'low', priority: 5 });
      // P5 has no targets.
      expect(quiet.sla.resolution.state).toBe('none');

      // The reporter's proposal can raise urgency, never lower it.
      const raised = await logTicket(who.junior, {
        title: 'Client arriving unbooked',
        suiteIds: [ids.grade3],
        urgency: 'high',
      });
      expect(raised).toMatchObject({ urgency: 'high', priority: 3 });
      const lowered = await logTicket(who.junior, {
        title: 'Not urgent, honest',
        deviceIds: [ids.nexis],
        urgency: 'low',
      });
      expect(lowered).toMatchObject({ urgency: 'high', priority: 1 });
    });

    it('runs the junior → engineer review loop, with every step on the timeline', async () => {
      const ticket = await logTicket(who.junior, {
        title: 'Grade 1 scopes frozen',
        deviceIds: [ids.ws1],
        reproductionSteps: 'Play any timeline; scopes stop after 10 s',
      });
      expect(ticket.status).toBe('new');
      // The junior cannot triage, and the engineer cannot resolve an untriaged ticket.
      expect(
        (await api('POST', `/api/tickets/${ticket.id}/triage`, who.junior, {})).statusCode,
      ).toBe(403);
      const early = await move(ticket.id, who.engineer, { to: 'resolved', resolution: 'x' });
      expect(early.statusCode).toBe(409);
      expect(early.json()).toMatchObject({ allowed: ['triaged', 'in_progress', 'closed'] });
      expect(early.json().message).toContain('Allowed: triaged, in_progress, closed');

      const triaged = await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        assigneeId: who.juniorId,
      });
      expect(triaged.statusCode).toBe(200);
      expect(triaged.json<Ticket>()).toMatchObject({ status: 'triaged', assigneeId: who.juniorId });

      // Someone else's junior cannot work it.
      expect((await move(ticket.id, who.junior2, { to: 'in_progress' })).statusCode).toBe(403);
      expect((await move(ticket.id, who.junior, { to: 'in_progress' })).json<Ticket>().status).toBe(
        'in_progress',
      );
      const noFix = await move(ticket.id, who.junior, { to: 'resolved' });
      expect(noFix.statusCode).toBe(400);
      expect(noFix.json().message).toMatch(/^body\.resolution: /);

      const resolved = await move(ticket.id, who.junior, {
        to: 'resolved',
        resolution: 'Restarted the scopes service',
      });
      expect(resolved.json<Ticket>().status).toBe('pending_review');

      // Returning needs feedback.
      expect((await move(ticket.id, who.engineer, { to: 'in_progress' })).statusCode).toBe(400);
      const returned = await move(ticket.id, who.engineer, {
        to: 'in_progress',
        note: 'A restart is a workaround; find why it hangs',
      });
      expect(returned.json<Ticket>()).toMatchObject({ status: 'in_progress' });
      expect(
        (
          await move(ticket.id, who.junior, {
            to: 'resolved',
            resolution: 'Updated the video driver to 550.54; scopes ran 2 h without a hang',
          })
        ).json<Ticket>().status,
      ).toBe('pending_review');
      const review = await api('GET', '/api/tickets?view=review', who.engineer);
      expect(review.json<Array<{ id: string }>>().map((r) => r.id)).toContain(ticket.id);
      const approved = await move(ticket.id, who.engineer, { to: 'closed' });
      expect(approved.json<Ticket>()).toMatchObject({
        status: 'closed',
        resolution: 'Updated the video driver to 550.54; scopes ran 2 h without a hang',
      });

      const events = await timeline(ticket.id);
      expect(events.map((e) => e.kind)).toEqual([
        'created',
        'triage',
        'status',
        'assign',
        'status',
        'status',
        'field',
        'status',
        'review_returned',
        'status',
        'field',
        'status',
        'review_approved',
      ]);
      const returnedEvent = events.find((e) => e.kind === 'review_returned');
      expect(returnedEvent).toMatchObject({
        actor: 'engineer3',
        body: 'A restart is a workaround; find why it hangs',
      });
    });

    it('logs overrides with their reason, and refuses one without', async () => {
      const ticket = await logTicket(who.junior, {
        title: 'Hum on the left speaker',
        suiteIds: [ids.grade3],
      });
      const before = (await timeline(ticket.id)).length;
      const bare = await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        priority: 2,
      });
      expect(bare.statusCode).toBe(400);
      expect(bare.json().message).toBe('body.reason: say why; an override needs a reason');
      expect(
        (await api('GET', `/api/tickets/${ticket.id}`, who.engineer)).json<Ticket>().priority,
      ).toBe(5);
      expect(await timeline(ticket.id)).toHaveLength(before);

      const overridden = await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        impact: 'medium',
        priority: 2,
        reason: 'Dub stage needs Grade 3 as overflow tonight',
      });
      expect(overridden.json<Ticket>()).toMatchObject({
        impact: 'medium',
        priority: 2,
        status: 'triaged',
      });
      const overrides = (await timeline(ticket.id)).filter((e) => e.kind === 'override');
      expect(overrides.map((e) => [e.data.field, e.data.to, e.body])).toEqual([
        ['impact', 'medium', 'Dub stage needs Grade 3 as overflow tonight'],
        ['priority', 2, 'Dub stage needs Grade 3 as overflow tonight'],
      ]);
      // Clearing goes back to the matrix: medium impact × low urgency is P4.
      const cleared = await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        priority: null,
      });
      expect(cleared.json<Ticket>().priority).toBe(4);
    });

    it('keeps roles to their work', async () => {
      const ticket = await logTicket(who.junior, { title: 'Dropped frames', deviceIds: [ids.ws2] });
      // Managers read everything but work nothing.
      expect((await api('GET', `/api/tickets/${ticket.id}`, who.manager)).statusCode).toBe(200);
      expect((await api('GET', '/api/tickets', who.manager)).statusCode).toBe(200);
      expect((await api('POST', '/api/tickets', who.manager, { title: 'x' })).statusCode).toBe(403);
      expect(
        (await api('POST', `/api/tickets/${ticket.id}/comments`, who.manager, { body: 'hi' }))
          .statusCode,
      ).toBe(403);
      // A junior cannot assign, or take work for someone else.
      const assign = await api('PATCH', `/api/tickets/${ticket.id}`, who.junior, {
        assigneeId: who.juniorId,
      });
      expect(assign.statusCode).toBe(403);
      expect(assign.json().message).toMatch(/^body\.assigneeId: /);
      // Only the assignee (or an engineer) logs work.
      expect(
        (await api('POST', `/api/tickets/${ticket.id}/worklog`, who.junior, { minutes: 30 }))
          .statusCode,
      ).toBe(403);
      await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        assigneeId: who.juniorId,
      });
      const logged = await api('POST', `/api/tickets/${ticket.id}/worklog`, who.junior, {
        minutes: 30,
        note: 'Swapped SDI cable',
      });
      expect(logged.statusCode).toBe(201);
      expect(logged.json()).toEqual({ timeSpentMinutes: 30 });
      // The junior escalates to a specialist group with a briefing.
      const escalated = await api('POST', `/api/tickets/${ticket.id}/escalate`, who.junior, {
        team: 'storage',
        briefing: 'Drops only when NEXIS is busy; cable swap did not help',
      });
      expect(escalated.statusCode).toBe(200);
      expect(escalated.json()).toMatchObject({ team: 'Storage' });
      const bad = await api('POST', `/api/tickets/${ticket.id}/escalate`, who.junior, {
        team: 'Astrology',
        briefing: 'x',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/^body\.team: 'Astrology' is not a team/);
      // Settings are the admin's.
      expect(
        (await api('PATCH', '/api/helpdesk/settings', who.engineer, { urgencyWindowHours: 2 }))
          .statusCode,
      ).toBe(403);
    });

    it('holds every role to its rules on the workflow', async () => {
      const ticket = await logTicket(who.junior, {
        title: 'Jog wheel sticks',
        suiteIds: [ids.grade3],
      });
      // A reporter starting on their own ticket is not a response from anyone.
      const own = await logTicket(who.junior, {
        title: 'Mouse battery',
        suiteIds: [ids.grade3],
        assigneeId: who.juniorId,
      });
      const started = (await move(own.id, who.junior, { to: 'in_progress' })).json<
        Ticket & { respondedAt: string | null }
      >();
      expect(started.status).toBe('in_progress');
      expect(started.respondedAt).toBeNull();
      // A junior cannot hand a ticket to someone else when logging it.
      const forOthers = await api('POST', '/api/tickets', who.junior, {
        title: 'x',
        assigneeId: (await api('GET', '/api/auth/me', who.engineer)).json<{ id: string }>().id,
      });
      expect(forOthers.statusCode).toBe(403);

      await api('POST', `/api/tickets/${ticket.id}/triage`, who.engineer, {
        assigneeId: who.juniorId,
      });
      // Managers work nothing.
      expect((await move(ticket.id, who.manager, { to: 'in_progress' })).statusCode).toBe(403);
      expect(
        (await api('POST', `/api/tickets/${ticket.id}/worklog`, who.manager, { minutes: 5 }))
          .statusCode,
      ).toBe(403);
      expect(
        (await api('PATCH', `/api/tickets/${ticket.id}`, who.manager, { title: 'x' })).statusCode,
      ).toBe(403);
      // Escalating is handing on, not taking it or dropping it.
      const self = await api('POST', `/api/tickets/${ticket.id}/escalate`, who.junior, {
        assigneeId: who.juniorId,
        briefing: 'mine now',
      });
      expect(self.statusCode).toBe(403);
      const nobody = await api('POST', `/api/tickets/${ticket.id}/escalate`, who.junior, {
        assigneeId: null,
        briefing: 'not mine',
      });
      expect(nobody.statusCode).toBe(403);

      await move(ticket.id, who.junior, { to: 'in_progress' });
      await move(ticket.id, who.junior, { to: 'resolved', resolution: 'Cleaned the encoder' });
      // The assignee junior cannot approve their own work, nor rewrite it under review.
      const approve = await move(ticket.id, who.junior, { to: 'closed' });
      expect(approve.statusCode).toBe(409);
      expect(approve.json()).toMatchObject({ allowed: [] });
      const rewrite = await api('PATCH', `/api/tickets/${ticket.id}`, who.junior, {
        resolution: 'Replaced the jog wheel',
      });
      expect(rewrite.statusCode).toBe(403);
      expect(rewrite.json().message).toMatch(/^body\.resolution: /);
      // Comments are still everyone's (but a manager's).
      expect(
        (
          await api('POST', `/api/tickets/${ticket.id}/comments`, who.junior2, {
            body: 'Seen it too',
          })
        ).statusCode,
      ).toBe(201);

      // An engineer resolves directly; the reporter may reopen what is still broken.
      const direct = await logTicket(who.junior, {
        title: 'Talkback dead',
        suiteIds: [ids.grade3],
      });
      await move(direct.id, who.engineer, { to: 'in_progress' });
      const done = await move(direct.id, who.engineer, { to: 'resolved', resolution: 'Fader up' });
      expect(done.json<Ticket>().status).toBe('resolved');
      expect(
        (await move(direct.id, who.junior2, { to: 'in_progress', note: 'x' })).statusCode,
      ).toBe(403);
      const reopened = await move(direct.id, who.junior, {
        to: 'in_progress',
        note: 'Still dead on the producer desk',
      });
      expect(reopened.json<Ticket>().status).toBe('in_progress');
    });

    it('pauses the SLA clock while waiting on the client', async () => {
      const ticket = await logTicket(who.engineer, {
        title: 'Need client drive',
        deviceIds: [ids.ws1],
      });
      await move(ticket.id, who.engineer, { to: 'in_progress' });
      const waiting = (
        await move(ticket.id, who.engineer, { to: 'waiting_client' })
      ).json<Ticket>();
      expect(waiting.sla.paused).toBe(true);
      expect(waiting.sla.resolution.state).toBe('paused');
      expect(waiting.pauses).toHaveLength(1);
      expect(waiting.pauses[0]?.to).toBeNull();
      const list = (await api('GET', '/api/tickets', who.engineer)).json<
        Array<{ id: string; paused: boolean }>
      >();
      expect(list.find((r) => r.id === ticket.id)?.paused).toBe(true);
      const back = (await move(ticket.id, who.engineer, { to: 'in_progress' })).json<Ticket>();
      expect(back.sla.paused).toBe(false);
      expect(back.pauses[0]?.to).not.toBeNull();
    });

    it('sorts the triage queue by priority, then resolution due', async () => {
      const queue = (await api('GET', '/api/tickets?view=queue&limit=1000', who.engineer)).json<
        Array<{ priority: number; resolutionDueAt: string | null }>
      >();
      expect(queue.length).toBeGreaterThan(3);
      for (let i = 1; i < queue.length; i++) {
        const [a, b] = [queue[i - 1]!, queue[i]!];
        expect(a.priority).toBeLessThanOrEqual(b.priority);
        if (a.priority === b.priority && a.resolutionDueAt && b.resolutionDueAt)
          expect(a.resolutionDueAt <= b.resolutionDueAt).toBe(true);
      }
    });

    it('finds tickets with full-text search', async () => {
      const hit = await logTicket(who.junior, {
        title: 'Avid bin locked',
        description: 'The workspace shows as offline after the NEXIS firmware update',
        suiteIds: [ids.grade3],
      });
      await logTicket(who.junior, { title: 'Keyboard sticky', suiteIds: [ids.grade3] });
      const found = (
        await api(
          'GET',
          `/api/tickets?view=all&q=${encodeURIComponent('workspaces offline firmware')}`,
          who.junior,
        )
      ).json<Array<{ id: string }>>();
      expect(found.map((r) => r.id)).toEqual([hit.id]);
      const none = (await api('GET', '/api/tickets?view=all&q=unicorn', who.junior)).json<
        unknown[]
      >();
      expect(none).toEqual([]);
    });

    it('stores attachments within the limit and refuses larger ones whole', async () => {
      const ticket = await logTicket(who.junior, {
        title: 'Waveform glitch',
        suiteIds: [ids.grade3],
      });
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      const upload = await t.app.inject({
        method: 'POST',
        url: `/api/tickets/${ticket.id}/attachments?filename=${encodeURIComponent('../scope shot.png')}`,
        headers: { cookie: who.junior, 'content-type': 'image/png' },
        payload: bytes,
      });
      expect(upload.statusCode).toBe(201);
      const meta = upload.json<{ id: string; filename: string; size: number }>();
      expect(meta).toMatchObject({ filename: '.._scope shot.png', size: 8 });
      const download = await t.app.inject({
        method: 'GET',
        url: `/api/tickets/${ticket.id}/attachments/${meta.id}`,
        headers: { cookie: who.manager },
      });
      expect(download.rawPayload.equals(bytes)).toBe(true);
      expect(download.headers['content-disposition']).toMatch(/^attachment; /);

      const big = await t.app.inject({
        method: 'POST',
        url: `/api/tickets/${ticket.id}/attachments?filename=big.mov`,
        headers: { cookie: who.junior, 'content-type': 'video/quicktime' },
        payload: Buffer.alloc(t.ctx.config.attachmentMaxBytes + 1),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().message).toMatch(/^body is larger than the \d+ KiB limit$/);
      const after = (await api('GET', `/api/tickets/${ticket.id}`, who.junior)).json<Ticket>();
      expect(after.attachments.map((a) => a.filename)).toEqual(['.._scope shot.png']);
    });

    it('refuses unknown suites and devices without writing anything', async () => {
      const before = await ticketCount();
      const device = await api('POST', '/api/tickets', who.junior, {
        title: 'Ghost',
        deviceIds: [ids.ws1, missing],
      });
      expect(device.statusCode).toBe(400);
      expect(device.json().message).toBe(`body.deviceIds[1]: no device with id ${missing}`);
      const suite = await api('POST', '/api/tickets', who.junior, {
        title: 'Ghost',
        suiteIds: [missing],
      });
      expect(suite.json().message).toBe(`body.suiteIds[0]: no suite with id ${missing}`);
      const blank = await api('POST', '/api/tickets', who.junior, { title: '   ' });
      expect(blank.statusCode).toBe(400);
      expect(await ticketCount()).toBe(before);
    });

    it('lets the admin edit the matrix and SLA, validating the calendar', async () => {
      const bad = await api('PATCH', '/api/helpdesk/settings', t.admin, {
        calendar: { timezone: 'Mars/Olympus', week: [[], [], [], [], [], [], []], holidays: [] },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/^body\.calendar\.timezone/);
      const settings = (await api('GET', '/api/helpdesk/settings', who.junior)).json<{
        matrix: Record<string, Record<string, number>>;
      }>();
      const ok = await api('PATCH', '/api/helpdesk/settings', t.admin, {
        matrix: { ...settings.matrix, low: { high: 3, medium: 4, low: 4 } },
      });
      expect(ok.statusCode).toBe(200);
      const ticket = await logTicket(who.junior, {
        title: 'Chair squeaks',
        suiteIds: [ids.grade3],
      });
      expect(ticket.priority).toBe(4);
      expect(ticket.sla.resolution.dueAt).not.toBeNull();
    });
  });
}
