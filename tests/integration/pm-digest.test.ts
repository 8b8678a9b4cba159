import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { notifications, workOrders } from '../../server/db/schema/index.ts';
import { sendDue, startDispatcher } from '../../server/modules/notifications/dispatcher.ts';
import type { Rendered } from '../../server/modules/notifications/render.ts';
import { startPlannerClock } from '../../server/modules/pm/clock-runner.ts';
import { runDigest } from '../../server/modules/pm/digest.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { waitFor } from '../helpers/http-server.ts';
import { aiosmtpd, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { describeWith } from '../helpers/system.ts';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink.ts';

const publicUrl = 'https://suitewatch.example.com';
const zone = 'Europe/London';
const hour = 3_600_000;
const day = 24 * hour;

interface GenericBody {
  kind: string;
  title: string;
  text: string;
  url: string | null;
  severity: string | null;
}

for (const { store, needs } of stores) {
  describeWith([...needs, aiosmtpd], `the due-work digest on ${store}`, () => {
    let t: TestApp;
    let sink: WebhookSink;
    let smtp: SmtpSink;
    const ids = { siteA: '', siteB: '', suite: '', monitor: '' };
    // Tomorrow 07:30 on the facility's wall clock: a day the real clock has not reached.
    const digestAt = DateTime.now()
      .setZone(zone)
      .plus({ days: 1 })
      .set({ hour: 7, minute: 30, second: 0, millisecond: 0 })
      .toJSDate();
    const work = { overdue: '', due: '', soon: '', later: '', done: '', undated: '' };

    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie: t.admin } });
    const created = async (url: string, payload: object) => {
      const response = await api('POST', url, payload);
      if (response.statusCode !== 201) throw new Error(`${url}: ${response.body}`);
      return response.json<{ id: string }>().id;
    };
    const adHoc = (title: string, dueAt: Date | null) =>
      created('/api/work-orders', {
        type: 'preventive',
        title,
        deviceId: ids.monitor,
        dueAt: dueAt?.toISOString() ?? null,
        durationMin: 30,
      });
    const hook = (name: string, path: string, extra: object = {}, format = 'generic') =>
      created('/api/notification-channels', {
        name,
        type: 'webhook',
        config: { url: `${sink.url}/${path}`, format, ...extra },
      });
    const at = (path: string) => sink.requests.filter((r) => r.path === `/${path}`);
    const link = (id: string) => `${publicUrl}/#/work/${id}`;
    const outbox = () =>
      t.ctx.db.select().from(notifications).where(eq(notifications.kind, 'pm_digest'));

    beforeAll(async () => {
      t = await createTestApp(store, {
        SUITEWATCH_PUBLIC_URL: publicUrl,
        SUITEWATCH_NOTIFY_POLL_MS: '100',
      });
      sink = await startWebhookSink();
      smtp = await startSmtpSink();
      ids.siteA = await created('/api/sites', { name: 'Soho', timezone: zone });
      ids.siteB = await created('/api/sites', { name: 'Leeds', timezone: zone });
      const room = await created('/api/rooms', { name: 'Grading', siteId: ids.siteA });
      ids.suite = await created('/api/suites', { name: 'Grade 1', roomId: room, kind: 'grading' });
      ids.monitor = await created('/api/devices', {
        name: 'X310 G1',
        kind: 'display',
        suiteIds: [ids.suite],
      });
      const settings = await api('PATCH', '/api/maintenance/settings', {
        hours: {
          timezone: zone,
          week: Array.from({ length: 7 }, () => [['00:00', '24:00']]),
          holidays: [],
        },
        digestHour: 0,
      });
      expect(settings.statusCode, settings.body).toBe(200);

      // A title with markup in it, to see the HTML body escape it.
      work.overdue = await adHoc(
        'Recalibrate <X310> & "probe"',
        new Date(digestAt.getTime() - 3 * day),
      );
      work.due = await adHoc('Clean the filters', new Date(digestAt.getTime() - hour));
      // Ad-hoc work has no grace; this one has two days of it, so it is due, not yet overdue.
      await t.ctx.db
        .update(workOrders)
        .set({ graceMin: 2 * 24 * 60 })
        .where(eq(workOrders.id, work.due));
      work.soon = await adHoc('Line up the audio', new Date(digestAt.getTime() + 2 * day));
      work.later = await adHoc('Replace the lamp', new Date(digestAt.getTime() + 30 * day));
      work.undated = await adHoc('Tidy the cables', null);
      work.done = await adHoc('Already done', new Date(digestAt.getTime() - 2 * day));
      const done = await api('POST', `/api/work-orders/${work.done}/transition`, {
        to: 'done',
        completedAt: new Date(Date.now() - hour).toISOString(),
      });
      expect(done.statusCode, done.body).toBe(200);
    });
    afterAll(async () => {
      await smtp?.close();
      await sink?.close();
      await t?.close();
    });

    it('refuses a digest flag that is not true or false, naming the field', async () => {
      const response = await api('POST', '/api/notification-channels', {
        name: 'Odd',
        type: 'webhook',
        config: { url: `${sink.url}/odd`, format: 'generic', digest: 'yes' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/^body\.config\.digest: true or false/);
    });

    it('goes out from the planner clock at the digest hour and wakes the dispatcher', async () => {
      await hook('Ops digest', 'ops', { digest: true });
      const channel = (await api('GET', '/api/notification-channels')).json<
        Array<{ name: string; config: Record<string, unknown> }>
      >();
      expect(channel.find((c) => c.name === 'Ops digest')?.config.digest).toBe(true);

      const dispatcher = startDispatcher(t.ctx, { backstopMs: 60_000 });
      const clock = startPlannerClock(t.ctx, { onNotified: () => dispatcher.kick() });
      try {
        const [request] = await waitFor(() => at('ops').length > 0 && at('ops'), {
          timeoutMs: 20_000,
          what: 'the digest at the webhook',
        });
        const body = request!.json as GenericBody;
        expect(body.kind).toBe('pm_digest');
        expect(body.text).toContain(link(work.overdue));
        expect(body.url).toBe(`${publicUrl}/#/work`);
      } finally {
        await clock.stop();
        await dispatcher.stop();
      }
      // The rest of today is marked: another minute's run sends nothing.
      expect(await runDigest(t.ctx)).toBeNull();
    });

    it('sends each subscribed channel one digest with every due work order linked, overdue first; nothing else gets one', async () => {
      const patched = await api('PATCH', '/api/maintenance/settings', { digestHour: 7 });
      expect(patched.statusCode).toBe(200);
      await hook('Slack digest', 'slack', { digest: true }, 'chat');
      await hook('Alarms only', 'alarms');
      await created('/api/notification-channels', {
        name: 'Leeds digest',
        type: 'webhook',
        siteIds: [ids.siteB],
        config: { url: `${sink.url}/leeds`, format: 'generic', digest: true },
      });
      await created('/api/notification-channels', {
        name: 'Mail digest',
        type: 'email',
        config: {
          to: ['engineers@example.com'],
          from: 'Suitewatch <suitewatch@example.com>',
          smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
          digest: true,
        },
      });
      sink.requests.length = 0;
      const mailsBefore = smtp.messages().length;
      const queuedBefore = (await outbox()).length;

      // Before the digest hour on the facility's clock: not yet.
      expect(await runDigest(t.ctx, new Date(digestAt.getTime() - hour))).toBeNull();
      const run = await runDigest(t.ctx, digestAt);
      expect(run).toMatchObject({ work: 3, queued: 3 });
      expect(await sendDue(t.ctx, digestAt)).toMatchObject({ sent: 3, retrying: 0 });

      const order = [work.overdue, work.due, work.soon].map(link);
      const inOrder = (text: string) => {
        const positions = order.map((l) => text.indexOf(l));
        expect(
          positions.every((p) => p >= 0),
          text,
        ).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        for (const id of [work.later, work.done, work.undated])
          expect(text).not.toContain(link(id));
      };

      const [generic] = await sink.waitForRequests(2).then(() => at('ops'));
      const body = generic!.json as GenericBody;
      expect(body.kind).toBe('pm_digest');
      expect(body.title).toBe(
        `Maintenance digest for ${DateTime.fromJSDate(digestAt, { zone }).toISODate()}: 1 overdue, 1 due now, 1 due soon`,
      );
      inOrder(body.text);
      expect(body.text).toMatch(
        /Overdue \(1\):\n- WO-\d+ Recalibrate <X310> & "probe" \(X310 G1, Grade 1; due .+, 3 d overdue;/,
      );

      const [slack] = at('slack');
      const slackText = (slack!.json as { text: string }).text;
      inOrder(slackText);
      // Slack mrkdwn: each work order is a link, and the markup in the title is escaped.
      expect(slackText).toContain(`<${link(work.overdue)}|WO-`);
      expect(slackText).toContain('Recalibrate &lt;X310&gt; &amp;');

      const [mail] = (await smtp.waitForMessages(mailsBefore + 1)).slice(mailsBefore);
      expect(mail!.subject).toBe(body.title);
      expect(mail!.headers['x-suitewatch-kind']).toBe('pm_digest');
      expect(mail!.envelopeTo).toEqual(['engineers@example.com']);
      inOrder(mail!.text);
      expect(mail!.text).toContain(`Open in Suitewatch: ${publicUrl}/#/work`);
      // The HTML part links each work order, with the typed title escaped.
      expect(mail!.html).toContain(`<a href="${link(work.overdue)}">`);
      expect(mail!.html).toContain('Recalibrate &lt;X310&gt;');

      // Not subscribed, or subscribed for a site with no due work: nothing.
      expect(at('alarms')).toHaveLength(0);
      expect(at('leeds')).toHaveLength(0);

      // Each stored message carries the Slack and HTML renderings, the HTML escaped.
      const stored = (await outbox()).slice(queuedBefore).map((n) => n.payload as Rendered);
      expect(stored).toHaveLength(3);
      for (const payload of stored) {
        expect(payload.digest?.items.map((i) => i.id)).toEqual([work.overdue, work.due, work.soon]);
        expect(payload.html).toContain('Recalibrate &lt;X310&gt; &amp; &quot;probe&quot;');
        expect(payload.html).not.toContain('<X310>');
        expect(payload.html).toContain(`<a href="${link(work.overdue)}">`);
        expect(payload.chatText).toContain(`<${link(work.overdue)}|WO-`);
        expect(payload.chatText).toContain('Recalibrate &lt;X310&gt; &amp;');
      }
      const listed = await api('GET', '/api/notifications?state=sent');
      expect(
        listed.json<Array<{ kind: string }>>().filter((n) => n.kind === 'pm_digest').length,
      ).toBeGreaterThanOrEqual(3);

      // The same day again, later on: nothing more.
      expect(await runDigest(t.ctx, new Date(digestAt.getTime() + 5 * hour))).toBeNull();
      expect(await outbox()).toHaveLength(queuedBefore + 3);

      // An admin saving the settings keeps the sent day, which the API never shows.
      const saved = await api('PATCH', '/api/maintenance/settings', { signoffValidDays: 21 });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(Object.keys(saved.json<object>())).not.toContain('digestSentOn');
      const read = await api('GET', '/api/maintenance/settings');
      expect(read.json<{ signoffValidDays: number }>().signoffValidDays).toBe(21);
      expect(Object.keys(read.json<object>())).not.toContain('digestSentOn');
      expect(await runDigest(t.ctx, new Date(digestAt.getTime() + 6 * hour))).toBeNull();
      expect(await outbox()).toHaveLength(queuedBefore + 3);
    });

    it('sends nothing on a day with nothing due, and marks the day all the same', async () => {
      for (const id of [work.overdue, work.due, work.soon]) {
        const cancelled = await api('POST', `/api/work-orders/${id}/transition`, {
          to: 'cancelled',
          reason: 'the suite is being refitted',
        });
        expect(cancelled.statusCode, cancelled.body).toBe(200);
      }
      const before = (await outbox()).length;
      const requests = sink.requests.length;
      const nextDay = new Date(digestAt.getTime() + day);
      expect(await runDigest(t.ctx, nextDay)).toMatchObject({ work: 0, queued: 0 });
      expect(await runDigest(t.ctx, new Date(nextDay.getTime() + hour))).toBeNull();
      expect(await sendDue(t.ctx, nextDay)).toMatchObject({ claimed: 0 });
      expect(await outbox()).toHaveLength(before);
      expect(sink.requests).toHaveLength(requests);
    });
  });
}
