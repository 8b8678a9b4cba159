import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { notifications } from '../../server/db/schema/index.ts';
import { startDispatcher } from '../../server/modules/notifications/dispatcher.ts';
import {
  engineWho,
  syncFaultTimelines,
  ticketsFromFaults,
} from '../../server/modules/tickets/from-faults.ts';
import { triage } from '../../server/modules/tickets/actions.ts';
import { createTicket } from '../../server/modules/tickets/service.ts';
import { loadConfig } from '../../server/modules/tickets/settings.ts';
import { slaAlerts } from '../../server/modules/tickets/sla-alerts.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink.ts';

interface Ticket {
  id: string;
  number: number;
  status: string;
  source: string;
  category: string;
  title: string;
  priority: number;
  faults: Array<{ id: string; state: string }>;
}
interface Item {
  id: string;
  source: string;
}

const minute = 60_000;

for (const { store, needs } of stores) {
  describeWith(needs, `faults and SLA on tickets on ${store}`, () => {
    let t: TestApp;
    let sink: WebhookSink;
    const base = Date.now() - 3_600_000;
    const at = (step: number) => new Date(base + step * 30_000).toISOString();

    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });

    async function device(name: string, kind: string) {
      const created = await api('POST', '/api/devices', { name, kind });
      const id = created.json<{ id: string }>().id;
      const check = await api('POST', '/api/checks', {
        deviceId: id,
        kind: 'tcp',
        intervalS: 30,
        config: { port: 22 },
      });
      return { id, checkId: check.json<{ id: string }>().id };
    }

    async function post(checkId: string, step: number, status: 'ok' | 'critical' | 'warning') {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/probe/results',
        headers: { authorization: `Bearer ${t.ctx.embeddedProbeSecret}` },
        payload: {
          results: [
            {
              checkId,
              status,
              message: status === 'ok' ? 'ok' : 'RAID md0 is degraded',
              durationMs: 3,
              at: at(step),
              readings: [
                {
                  name: 'raid.status[md0]',
                  value: status === 'ok' ? 0 : 1,
                  unit: '',
                  status,
                  ...(status === 'ok' ? {} : { note: 'RAID md0 is degraded' }),
                },
              ],
            },
          ],
        },
      });
      expect(response.statusCode, response.body).toBe(200);
    }

    const run = async () => {
      const config = await loadConfig(t.ctx.db);
      const opened = await ticketsFromFaults(t.ctx.db, config, 0, new Date());
      await syncFaultTimelines(t.ctx.db, new Date());
      return opened;
    };
    const timeline = async (id: string) =>
      (await api('GET', `/api/tickets/${id}/timeline`)).json<
        Array<{ kind: string; body: string }>
      >();

    beforeAll(async () => {
      t = await createTestApp(store, { SUITEWATCH_NOTIFY_GROUP_WAIT_S: '0' });
      sink = await startWebhookSink();
    });
    afterAll(async () => {
      await sink?.close();
      await t?.close();
    });

    it('opens a ticket for a root fault, notes its clear without closing, and reattaches a recurrence', async () => {
      const nas = await device('Archive NAS', 'storage');
      await post(nas.checkId, 0, 'critical');
      const opened = await run();
      expect(opened).toHaveLength(1);
      const ticket = (await api('GET', `/api/tickets/${opened[0]}`)).json<Ticket>();
      expect(ticket).toMatchObject({
        source: 'fault',
        category: 'storage',
        title: 'Archive NAS: RAID md0 is degraded',
        status: 'new',
      });
      expect(ticket.faults).toHaveLength(1);
      // Running again finds nothing new.
      expect(await run()).toEqual([]);

      for (const step of [1, 2, 3]) await post(nas.checkId, step, 'ok');
      await run();
      const after = (await api('GET', `/api/tickets/${ticket.id}`)).json<Ticket>();
      expect(after.status).toBe('new');
      expect(after.faults[0]?.state).toBe('cleared');
      const lines = (await timeline(ticket.id))
        .filter((e) => e.kind === 'fault')
        .map((e) => e.body);
      expect(lines[0]).toBe('Linked fault on Archive NAS: RAID md0 is degraded');
      expect(
        lines.some((l) => l.startsWith('Fault opened on Archive NAS: raid.status[md0] (critical)')),
      ).toBe(true);
      expect(
        lines.some((l) => l.startsWith('Fault cleared on Archive NAS: raid.status[md0]')),
      ).toBe(true);

      // The same condition breaks again: the open ticket takes the new fault.
      await post(nas.checkId, 4, 'critical');
      expect(await run()).toEqual([ticket.id]);
      const again = (await api('GET', `/api/tickets/${ticket.id}`)).json<Ticket>();
      expect(again.faults).toHaveLength(2);
      const fromFaults = (await api('GET', '/api/tickets?view=all&limit=1000'))
        .json<Item[]>()
        .filter((i) => i.source === 'fault');
      expect(fromFaults).toHaveLength(1);
    });

    it('leaves faults below the configured severity to the console', async () => {
      const nas = await device('Scratch NAS', 'storage');
      await post(nas.checkId, 0, 'warning');
      expect(await run()).toEqual([]);
      const patched = await api('PATCH', '/api/helpdesk/settings', {
        faultTicketSeverity: 'warning',
      });
      expect(patched.statusCode).toBe(200);
      expect(await run()).toHaveLength(1);
      await api('PATCH', '/api/helpdesk/settings', { faultTicketSeverity: 'major' });
    });

    it('pre-fills a ticket from a fault on the console, once', async () => {
      await api('PATCH', '/api/helpdesk/settings', { faultTicketSeverity: null });
      const nas = await device('Render NAS', 'raid');
      await post(nas.checkId, 0, 'critical');
      const [fault] = (await api('GET', `/api/faults?deviceId=${nas.id}&state=all`)).json<
        Array<{ id: string }>
      >();
      const draft = await api('GET', `/api/tickets/draft?faultId=${fault!.id}`);
      expect(draft.statusCode).toBe(200);
      expect(draft.json()).toMatchObject({
        title: 'Render NAS: RAID md0 is degraded',
        category: 'storage',
        deviceIds: [nas.id],
        faultIds: [fault!.id],
      });
      const { triage: _triage, ...fields } = draft.json<Record<string, unknown>>();
      const created = await api('POST', '/api/tickets', fields);
      expect(created.statusCode, created.body).toBe(201);
      expect((await api('GET', `/api/tickets/draft?faultId=${fault!.id}`)).statusCode).toBe(409);
      const twice = await api('POST', '/api/tickets', { title: 'again', faultIds: [fault!.id] });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().message).toMatch(
        /^body\.faultIds\[0\]: the fault is already on ticket \d+$/,
      );
      await api('PATCH', '/api/helpdesk/settings', { faultTicketSeverity: 'major' });
    });

    it('warns before a breach and announces the breach once, through the channels', async () => {
      const channel = await api('POST', '/api/notification-channels', {
        type: 'webhook',
        name: 'Engineering chat',
        config: { url: `${sink.url}/hooks/sla`, format: 'generic' },
      });
      expect(channel.statusCode, channel.body).toBe(201);
      const now = new Date();
      // P1 (shared storage would be; here the override path is not needed: the matrix is edited).
      await api('PATCH', '/api/helpdesk/settings', {
        matrix: {
          high: { high: 1, medium: 2, low: 3 },
          medium: { high: 2, medium: 3, low: 4 },
          low: { high: 3, medium: 4, low: 1 },
        },
      });
      const late = await createTicket(
        t.ctx.db,
        engineWho,
        { title: 'Grade 1 no picture' },
        new Date(now.getTime() - 125 * minute),
      );
      const nearly = await createTicket(
        t.ctx.db,
        engineWho,
        { title: 'Dub 2 hum' },
        new Date(now.getTime() - 100 * minute),
      );
      const fine = await createTicket(
        t.ctx.db,
        engineWho,
        { title: 'Spare keyboard' },
        new Date(now.getTime() - 5 * minute),
      );
      expect([late.priority, nearly.priority, fine.priority]).toEqual([1, 1, 1]);
      // Answered five minutes in: the resolution clock is the one that matters.
      await triage(t.ctx.db, engineWho, late.id, {}, new Date(now.getTime() - 120 * minute));
      await triage(t.ctx.db, engineWho, nearly.id, {}, new Date(now.getTime() - 95 * minute));

      const config = await loadConfig(t.ctx.db);
      const first = await t.ctx.db.transaction((tx) => slaAlerts(tx, config, now));
      expect(first.queued).toBe(2);
      const queued = await t.ctx.db.select().from(notifications);
      const byTicket = new Map(queued.map((n) => [n.ticketId, n]));
      expect(byTicket.get(late.id)?.kind).toBe('sla_breach');
      expect(byTicket.get(nearly.id)?.kind).toBe('sla_warning');
      expect(byTicket.has(fine.id)).toBe(false);
      expect((await t.ctx.db.transaction((tx) => slaAlerts(tx, config, now))).queued).toBe(0);

      const dispatcher = startDispatcher(t.ctx);
      dispatcher.kick();
      const received = await sink.waitForRequests(2, 10_000);
      await dispatcher.stop();
      const titles = received.map((r) => (r.json as { title: string }).title).sort();
      expect(titles[0]).toMatch(
        new RegExp(`^SLA BREACHED: ticket ${late.number} \\(P1\\) resolution breached`),
      );
      expect(titles[1]).toMatch(
        new RegExp(`^SLA warning: ticket ${nearly.number} \\(P1\\) resolution due in 20 min`),
      );
      expect((received[0]?.json as { ticket?: { id: string } }).ticket).toBeDefined();
      const sent = await t.ctx.db
        .select()
        .from(notifications)
        .where(eq(notifications.ticketId, late.id));
      expect(sent[0]?.state).toBe('sent');
    });

    it('sends each timer its warning and breach once, however the ticket is edited between', async () => {
      const config = await loadConfig(t.ctx.db);
      const t0 = Date.now() - 200 * minute;
      const at = (minutes: number) => new Date(t0 + minutes * minute);
      // Nobody answers it: P1, 15 min to respond, 2 h to resolve, warnings with a quarter left.
      const ticket = await createTicket(
        t.ctx.db,
        engineWho,
        { title: 'Machine room too hot' },
        at(0),
      );
      expect(ticket.priority).toBe(1);
      const run = async (minutes: number) =>
        (await t.ctx.db.transaction((tx) => slaAlerts(tx, config, at(minutes)))).queued;
      expect(await run(11)).toBe(0);
      expect(await run(12)).toBe(1);
      expect(await run(16)).toBe(1);
      expect(await run(16)).toBe(0);
      // An edit recomputes the due times; what was sent for them stays sent.
      const edit = await api('PATCH', `/api/tickets/${ticket.id}`, {
        description: 'Aircon 2 tripped',
      });
      expect(edit.statusCode).toBe(200);
      expect(await run(17)).toBe(0);
      expect(await run(91)).toBe(1);
      expect(await run(121)).toBe(1);
      // (The other tickets here fall due around now; this one owes nothing more.)
      expect(await run(199)).toBe(0);
      const sent = await t.ctx.db
        .select()
        .from(notifications)
        .where(eq(notifications.ticketId, ticket.id))
        .orderBy(notifications.id);
      expect(
        sent.map((n) => [n.kind, (n.payload as { ticket: { timer: string } }).ticket.timer]),
      ).toEqual([
        ['sla_warning', 'response'],
        ['sla_breach', 'response'],
        ['sla_warning', 'resolution'],
        ['sla_breach', 'resolution'],
      ]);
    });
  });
}
