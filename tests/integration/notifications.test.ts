import { createHmac, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { faults, notificationChannels, notifications } from '../../server/db/schema/index.ts';
import type { FaultView, LiveEvent } from '../../server/live-events.ts';
import {
  sendDue,
  startDispatcher,
  type Dispatcher,
} from '../../server/modules/notifications/dispatcher.ts';
import { enqueue, type FaultMessage } from '../../server/modules/notifications/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { waitFor } from '../helpers/http-server.ts';
import { aiosmtpd, startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.ts';
import { describeWith } from '../helpers/system.ts';
import {
  freePort,
  startSilentServer,
  startWebhookSink,
  type WebhookSink,
} from '../helpers/webhook-sink.ts';

const mask = '********';
const token = 'T0AAA/B0BBB/xoxTokenInThePath42';
const hmacSecret = 'a-shared-hmac-secret';
const smtpPassword = 'smtp-relay-password-7';
const publicUrl = 'https://suitewatch.example.com';
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Verified here with node:crypto directly, not with the server's own helper. */
const signatureOf = (body: string, secret = hmacSecret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

for (const { store, needs } of stores) {
  describeWith(needs, `notifications on ${store}`, () => {
    let t: TestApp;
    let sink: WebhookSink;
    let siteA: string;
    let siteB: string;
    let deviceId: string;
    const events: LiveEvent[] = [];
    let conditions = 0;

    beforeAll(async () => {
      t = await createTestApp(store, {
        SUITEWATCH_NOTIFY_MAX_ATTEMPTS: '3',
        SUITEWATCH_NOTIFY_POLL_MS: '100',
        SUITEWATCH_PUBLIC_URL: publicUrl,
      });
      t.ctx.bus.subscribe((event) => events.push(event));
      sink = await startWebhookSink();
      siteA = (await api('POST', '/api/sites', { name: 'Soho' })).json().id;
      siteB = (await api('POST', '/api/sites', { name: 'Leeds' })).json().id;
      deviceId = (await api('POST', '/api/devices', { name: 'NAS-01', kind: 'raid' })).json().id;
    });
    afterAll(async () => {
      await sink?.close();
      await t?.close();
    });

    const api = (
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
      url: string,
      payload?: object,
      cookie = t.admin,
    ) => t.app.inject({ method, url, payload, headers: { cookie } });

    /** Each test that sends starts from an empty outbox and no channels. */
    async function reset() {
      await t.ctx.db.delete(notifications);
      await t.ctx.db.delete(notificationChannels);
      sink.requests.length = 0;
      sink.failNext(0);
    }

    async function channel(body: Record<string, unknown>) {
      const response = await api('POST', '/api/notification-channels', {
        type: 'webhook',
        ...body,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string; name: string }>();
    }

    const webhook = (name: string, extra: Record<string, unknown> = {}, url = sink.url) =>
      channel({ name, config: { url: `${url}/hooks/${token}`, format: 'generic' }, ...extra });

    /** A real faults row (the outbox's foreign key wants one) and the view the engine would pass. */
    async function fault(overrides: Partial<FaultView> = {}): Promise<FaultView> {
      const openedAt = new Date(Date.now() - 12 * 60_000);
      conditions += 1;
      const condition = overrides.condition ?? `raid.status[${conditions}]`;
      const severity = overrides.severity ?? 'critical';
      const [row] = await t.ctx.db
        .insert(faults)
        .values({
          deviceId,
          // One open fault per device and condition: the row's is made unique, the view's kept.
          condition: `${condition} #${conditions}`,
          source: 'check',
          severity,
          peakSeverity: overrides.peakSeverity ?? severity,
          openedAt,
          lastBadAt: openedAt,
          lastObservedAt: openedAt,
          holdDownS: 60,
          rootSince: openedAt,
        })
        .returning();
      return {
        id: row!.id,
        deviceId,
        deviceName: 'NAS-01',
        deviceKind: 'raid',
        checkId: null,
        condition,
        source: 'check',
        severity,
        peakSeverity: severity,
        state: 'open',
        console: 'current',
        message: 'RAID 0 degraded',
        openedAt: openedAt.toISOString(),
        restoredAt: null,
        clearedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        ackComment: null,
        owner: null,
        shelvedUntil: null,
        shelveReason: null,
        shelvedBy: null,
        dismissedAt: null,
        suppressedBy: null,
        consequences: 0,
        flapping: false,
        inMaintenance: false,
        notifiedAt: null,
        suiteIds: [],
        roomIds: [],
        siteIds: [siteA],
        ...overrides,
      };
    }

    const queue = (message: FaultMessage, now = new Date()) =>
      t.ctx.db.transaction((tx) => enqueue(tx, message, now));

    const outbox = (channelId: string) =>
      t.ctx.db
        .select()
        .from(notifications)
        .where(eq(notifications.channelId, channelId))
        .orderBy(notifications.id);

    it('stores webhook URLs, HMAC secrets and SMTP passwords sealed and never shows them', async () => {
      events.length = 0;
      const hook = await webhook('Ops Slack', {
        minSeverity: 'major',
        siteIds: [siteA],
        config: { url: `${sink.url}/hooks/${token}`, format: 'chat', secret: hmacSecret },
      });
      expect(hook).toMatchObject({
        name: 'Ops Slack',
        type: 'webhook',
        enabled: true,
        minSeverity: 'major',
        siteIds: [siteA],
        deviceKinds: [],
        sendResolved: true,
        config: { url: mask, format: 'chat', secret: mask },
        destination: `http://127.0.0.1:${sink.port}/…`,
        lastSentAt: null,
        lastError: null,
      });
      expect(events).toContainEqual({
        type: 'changed',
        entity: 'notification-channel',
        id: hook.id,
      });
      const mail = await channel({
        name: 'Engineering mail',
        type: 'email',
        config: {
          to: ['eng@example.com'],
          from: 'Suitewatch <suitewatch@example.com>',
          smtp: {
            host: '127.0.0.1',
            port: 2525,
            secure: false,
            username: 'relay',
            password: smtpPassword,
          },
        },
      });
      expect(mail).toMatchObject({
        destination: 'eng@example.com',
        config: { smtp: { username: 'relay', password: mask } },
      });

      // A mask sent back keeps the stored secret; other fields change.
      const patched = await api('PATCH', `/api/notification-channels/${hook.id}`, {
        name: 'Ops Slack #alarms',
        config: { url: mask, format: 'chat', secret: mask },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const [row] = await t.ctx.db
        .select()
        .from(notificationChannels)
        .where(eq(notificationChannels.id, hook.id));
      expect(row!.config.url).toHaveProperty('$sealed');
      expect(row!.config.secret).toHaveProperty('$sealed');
      expect(JSON.stringify(row!.config)).not.toContain('xoxToken');

      const seen = [
        await api('GET', '/api/notification-channels'),
        await api('GET', `/api/notification-channels/${hook.id}`),
        await api('GET', `/api/notification-channels/${mail.id}`),
        patched,
        await api('GET', '/api/audit?entity=notification-channel'),
      ];
      const audit = seen[4]!.json<Array<{ action: string; entityId: string }>>();
      expect(audit.map((e) => [e.action, e.entityId])).toEqual([
        ['update', hook.id],
        ['create', mail.id],
        ['create', hook.id],
      ]);
      for (const response of seen) {
        expect(response.statusCode).toBe(200);
        for (const secret of ['xoxToken', token, '/hooks/', hmacSecret, smtpPassword])
          expect(response.body).not.toContain(secret);
      }
      expect(seen[0]!.json().map((c: { name: string }) => c.name)).toEqual([
        'Engineering mail',
        'Ops Slack #alarms',
      ]);

      const deleted = await api('DELETE', `/api/notification-channels/${mail.id}`);
      expect(deleted.json()).toEqual({ ok: true });
      expect((await api('GET', `/api/notification-channels/${mail.id}`)).statusCode).toBe(404);
      const [last] = (await api('GET', '/api/audit?entity=notification-channel')).json();
      expect(last).toMatchObject({ action: 'delete', entityId: mail.id });
    });

    it('refuses bad channels with a 400 naming the field, and a duplicate name with a 409', async () => {
      const post = (body: Record<string, unknown>) =>
        api('POST', '/api/notification-channels', { name: 'Bad', type: 'webhook', ...body });
      const email = (config: Record<string, unknown>) =>
        post({
          type: 'email',
          config: {
            to: ['ops@example.com'],
            from: 'suitewatch@example.com',
            smtp: { host: 'mail.example.com', port: 25, secure: false },
            ...config,
          },
        });
      const cases: Array<[Promise<{ statusCode: number; json(): unknown }>, string | RegExp]> = [
        [
          post({ config: { url: 'ftp://x', format: 'generic' } }),
          "body.config.url: 'ftp://x' is not an http or https URL",
        ],
        [
          post({ config: { url: 'not a url', format: 'chat' } }),
          "body.config.url: 'not a url' is not an http or https URL",
        ],
        [post({ config: { format: 'chat' } }), 'body.config.url is required'],
        [
          post({ config: { url: 'https://hooks.example.com/x', format: 'xml' } }),
          'body.config.format must be one of: generic, chat',
        ],
        [
          post({ config: { url: mask, format: 'chat' } }),
          /body\.config\.url: send the secret itself/,
        ],
        [
          email({ to: ['ops@example.com', 'bob@'] }),
          "body.config.to.1: 'bob@' is not an e-mail address",
        ],
        [email({ from: 'Suitewatch' }), "body.config.from: 'Suitewatch' is not an e-mail address"],
        [email({ to: [] }), /^body\.config\.to must NOT have fewer than 1 items/],
        [
          email({ smtp: { host: 'mail.example.com', port: 0, secure: false } }),
          /^body\.config\.smtp\.port must be >= 1/,
        ],
        [
          post({
            minSeverity: 'fatal',
            config: { url: 'https://hooks.example.com/x', format: 'chat' },
          }),
          'body.minSeverity must be one of: critical, major, minor, warning',
        ],
        [
          post({
            deviceKinds: ['toaster'],
            config: { url: 'https://hooks.example.com/x', format: 'chat' },
          }),
          /^body\.deviceKinds\.0 must be one of: workstation/,
        ],
      ];
      const unknownSite = randomUUID();
      cases.push([
        post({
          siteIds: [siteA, unknownSite],
          config: { url: 'https://hooks.example.com/x', format: 'chat' },
        }),
        `body.siteIds.1: no site with id ${unknownSite}`,
      ]);
      for (const [pending, message] of cases) {
        const response = await pending;
        expect(response.statusCode, JSON.stringify(response.json())).toBe(400);
        expect((response.json() as { message: string }).message).toMatch(
          typeof message === 'string' ? exactly(message) : message,
        );
      }

      const first = await webhook('Night shift');
      const again = await post({
        name: 'NIGHT SHIFT',
        config: { url: 'https://hooks.example.com/x', format: 'chat' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().message).toBe(
        "name: a notification channel called 'NIGHT SHIFT' already exists",
      );
      const retype = await api('PATCH', `/api/notification-channels/${first.id}`, {
        type: 'email',
      });
      expect(retype.statusCode).toBe(400);
      expect(retype.json().message).toBe('body.config is required when the type changes to email');
    });

    it('lets only engineers and admins change or test channels', async () => {
      const junior = await t.userWithRole('junior');
      const manager = await t.userWithRole('manager');
      const engineer = await t.userWithRole('engineer');
      const body = {
        name: 'Roles',
        type: 'webhook',
        config: { url: 'https://hooks.example.com/x', format: 'chat' },
      };
      for (const cookie of [junior, manager])
        expect((await api('POST', '/api/notification-channels', body, cookie)).statusCode).toBe(
          403,
        );
      const created = await api('POST', '/api/notification-channels', body, engineer);
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      expect((await api('GET', '/api/notification-channels', undefined, junior)).statusCode).toBe(
        200,
      );
      expect((await api('GET', '/api/notifications', undefined, junior)).statusCode).toBe(200);
      for (const [method, url, payload] of [
        ['PATCH', `/api/notification-channels/${id}`, { enabled: false }],
        ['POST', `/api/notification-channels/${id}/test`, undefined],
        ['DELETE', `/api/notification-channels/${id}`, undefined],
      ] as const)
        expect((await api(method, url, payload, junior)).statusCode).toBe(403);
      expect(
        (await api('DELETE', `/api/notification-channels/${id}`, undefined, engineer)).statusCode,
      ).toBe(200);
    });

    it('sends a test message: generic JSON signed with HMAC-SHA256, chat as a bare {text}', async () => {
      await reset();
      const generic = await webhook('Generic', {
        config: { url: `${sink.url}/hooks/${token}`, format: 'generic', secret: hmacSecret },
      });
      const tested = await api('POST', `/api/notification-channels/${generic.id}/test`);
      expect(tested.statusCode).toBe(200);
      expect(tested.json()).toMatchObject({ delivered: true });
      expect(sink.requests).toHaveLength(1);
      const [request] = sink.requests;
      expect(request).toMatchObject({ method: 'POST', path: `/hooks/${token}` });
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['x-suitewatch-signature']).toBe(signatureOf(request!.body));
      expect(request!.headers['x-suitewatch-signature']).not.toBe(
        signatureOf(request!.body, 'another secret'),
      );
      expect(request!.json).toMatchObject({
        version: 1,
        kind: 'test',
        title: "TEST: Suitewatch channel 'Generic'",
        severity: null,
        root: null,
        consequences: [],
        url: null,
      });
      expect(Date.parse((request!.json as { sentAt: string }).sentAt)).toBeGreaterThan(
        Date.now() - 60_000,
      );

      // The mask keeps the secret: the next test is signed with the same one.
      await api('PATCH', `/api/notification-channels/${generic.id}`, {
        config: { url: mask, format: 'generic', secret: mask },
      });
      await api('POST', `/api/notification-channels/${generic.id}/test`);
      expect(sink.requests[1]!.headers['x-suitewatch-signature']).toBe(
        signatureOf(sink.requests[1]!.body),
      );

      const chat = await webhook('Teams', { config: { url: sink.url, format: 'chat' } });
      expect(
        (await api('POST', `/api/notification-channels/${chat.id}/test`)).json(),
      ).toMatchObject({ delivered: true });
      const chatRequest = sink.requests[2]!;
      expect(Object.keys(chatRequest.json as object)).toEqual(['text']);
      expect((chatRequest.json as { text: string }).text).toMatch(
        /^TEST: Suitewatch channel 'Teams'\n/,
      );
      expect(chatRequest.headers['x-suitewatch-signature']).toBeUndefined();

      // A refusal is the answer, not an error of the request; it shows on the channel and outbox.
      sink.failNext(1);
      const refused = await api('POST', `/api/notification-channels/${chat.id}/test`);
      expect(refused.statusCode).toBe(200);
      expect(refused.json()).toMatchObject({
        delivered: false,
        error: 'HTTP 500 Internal Server Error: sink told to fail',
      });
      const shown = (await api('GET', `/api/notification-channels/${chat.id}`)).json();
      expect(shown.lastError).toBe('HTTP 500 Internal Server Error: sink told to fail');
      expect(shown.lastSentAt).not.toBeNull();
      const tests = (await api('GET', `/api/notifications?channelId=${chat.id}`)).json();
      expect(tests.map((n: { state: string; kind: string }) => [n.kind, n.state])).toEqual([
        ['test', 'failed'],
        ['test', 'sent'],
      ]);
      const [audited] = (
        await api('GET', `/api/audit?entity=notification-channel&entityId=${chat.id}`)
      ).json();
      expect(audited).toMatchObject({ action: 'test', after: { delivered: false } });
    });

    it('queues a message for each enabled channel whose rule matches the root fault', async () => {
      await reset();
      const every = await webhook('Everything');
      const critical = await webhook('Critical only', { minSeverity: 'critical' });
      const leeds = await webhook('Leeds only', { siteIds: [siteB] });
      const storage = await webhook('Storage only', { deviceKinds: ['storage', 'raid'] });
      const switches = await webhook('Switches only', { deviceKinds: ['switch'] });
      const quiet = await webhook('No resolved', { sendResolved: false });
      const off = await webhook('Switched off', { enabled: false });
      const routed = async () => {
        const counts: Record<string, number> = {};
        for (const c of [every, critical, leeds, storage, switches, quiet, off])
          counts[c.name] = (await outbox(c.id)).length;
        return counts;
      };

      const major = await fault({ severity: 'major', peakSeverity: 'major' });
      expect(await queue({ kind: 'alarm', root: major, consequences: [] })).toBe(3);
      expect(await routed()).toMatchObject({
        Everything: 1,
        'Critical only': 0,
        'Leeds only': 0,
        'Storage only': 1,
        'Switches only': 0,
        'No resolved': 1,
        'Switched off': 0,
      });

      // Resolved goes by the worst severity the fault reached, and not where sendResolved is off.
      const cleared = { ...major, severity: 'warning' as const, peakSeverity: 'critical' as const };
      expect(await queue({ kind: 'resolved', root: cleared, consequences: [] })).toBe(3);
      expect(await routed()).toMatchObject({
        Everything: 2,
        'Critical only': 1,
        'Storage only': 2,
        'No resolved': 1,
      });

      const both = await fault({ severity: 'warning', siteIds: [siteA, siteB] });
      expect(await queue({ kind: 'flapping', root: both, consequences: [] })).toBe(4);
      expect(await routed()).toMatchObject({ 'Leeds only': 1, 'Critical only': 1 });
      const [row] = await outbox(leeds.id);
      expect(row).toMatchObject({
        kind: 'flapping',
        faultId: both.id,
        severity: 'warning',
        state: 'pending',
        attempts: 0,
      });
    });

    it('renders titles an engineer can act on from a lock screen', async () => {
      await reset();
      const hook = await webhook('Titles');
      const root = await fault({ condition: 'raid.status[0]' });
      const consequences = await Promise.all([1, 2, 3].map(() => fault({ severity: 'major' })));
      const now = new Date();
      await queue({ kind: 'alarm', root, consequences }, now);
      const restoredAt = new Date(Date.parse(root.openedAt) + 12 * 60_000 + 20_000).toISOString();
      await queue({
        kind: 'resolved',
        root: { ...root, state: 'cleared', restoredAt, clearedAt: now.toISOString() },
        consequences: [],
      });
      const [alarm, resolved] = await outbox(hook.id);
      expect(alarm!.payload).toMatchObject({
        version: 1,
        kind: 'alarm',
        title: 'CRITICAL: NAS-01 raid.status[0] — RAID 0 degraded (+3 consequences)',
        severity: 'critical',
        root: { id: root.id, deviceName: 'NAS-01', siteIds: [siteA] },
        consequenceCount: 3,
      });
      expect((alarm!.payload as { text: string }).text).toContain('Caused by this (3):');
      expect(resolved!.payload.title).toBe(
        'RESOLVED: NAS-01 raid.status[0] — RAID 0 degraded, down 12 min',
      );
    });

    it('retries a refused delivery with backoff, then sends it', async () => {
      await reset();
      const hook = await webhook('Flaky receiver');
      const root = await fault();
      const t0 = new Date();
      await queue({ kind: 'alarm', root, consequences: [] }, t0);
      const at = (ms: number) => new Date(t0.getTime() + ms);
      sink.failNext(2);

      expect(await sendDue(t.ctx, t0)).toEqual({ claimed: 1, sent: 0, retrying: 1, failed: 0 });
      let [row] = await outbox(hook.id);
      expect(row).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: 'HTTP 500 Internal Server Error: sink told to fail',
      });
      expect(row!.nextAttemptAt.getTime()).toBe(at(5_000).getTime());

      expect((await sendDue(t.ctx, at(4_999))).claimed).toBe(0);
      expect(await sendDue(t.ctx, at(5_000))).toMatchObject({ retrying: 1 });
      [row] = await outbox(hook.id);
      expect(row!.nextAttemptAt.getTime()).toBe(at(15_000).getTime());
      expect((await sendDue(t.ctx, at(14_000))).claimed).toBe(0);
      expect(await sendDue(t.ctx, at(15_000))).toMatchObject({ sent: 1 });

      [row] = await outbox(hook.id);
      expect(row).toMatchObject({ state: 'sent', attempts: 3 });
      expect(row!.sentAt!.getTime()).toBe(at(15_000).getTime());
      expect(sink.requests).toHaveLength(3);
      const bodies = sink.requests.map((r) => r.json as { title: string; url: string });
      expect(new Set(bodies.map((b) => b.title)).size).toBe(1);
      expect(bodies[2]).toMatchObject({
        kind: 'alarm',
        severity: 'critical',
        url: `${publicUrl}/#/alarms/${root.id}`,
      });
      const shown = (await api('GET', `/api/notification-channels/${hook.id}`)).json();
      expect(shown.lastSentAt).toBe(at(15_000).toISOString());
      expect((await api('GET', '/api/notifications?state=sent')).json()).toMatchObject([
        { channelName: 'Flaky receiver', kind: 'alarm', attempts: 3, faultId: root.id },
      ]);
    });

    it('gives up after the last attempt, and says so in the outbox and on the channel', async () => {
      await reset();
      const port = await freePort();
      const dead = await webhook('Nobody home', {}, `http://127.0.0.1:${port}`);
      const root = await fault();
      const t0 = new Date();
      await queue({ kind: 'alarm', root, consequences: [] }, t0);
      const hour = 3_600_000;
      const warnings: string[] = [];
      const log = { warn: (_details: object, message: string) => warnings.push(message) };
      expect(await sendDue(t.ctx, t0, { log })).toMatchObject({ retrying: 1 });
      expect(warnings).toEqual([
        expect.stringMatching(
          /^notification to channel 'Nobody home' failed \(attempt 1\), retrying at .*ECONNREFUSED/,
        ),
      ]);
      expect(await sendDue(t.ctx, new Date(t0.getTime() + hour))).toMatchObject({ retrying: 1 });
      expect(await sendDue(t.ctx, new Date(t0.getTime() + 2 * hour))).toMatchObject({
        failed: 1,
      });
      expect((await sendDue(t.ctx, new Date(t0.getTime() + 3 * hour))).claimed).toBe(0);

      const failed = await api('GET', `/api/notifications?state=failed&channelId=${dead.id}`);
      expect(failed.json()).toMatchObject([
        {
          kind: 'alarm',
          state: 'failed',
          attempts: 3,
          title: expect.stringMatching(/^CRITICAL: /),
        },
      ]);
      expect(failed.json()[0].lastError).toMatch(/ECONNREFUSED/);
      expect((await api('GET', '/api/notifications?state=pending')).json()).toEqual([]);
      const shown = await api('GET', `/api/notification-channels/${dead.id}`);
      expect(shown.json().lastError).toMatch(/ECONNREFUSED/);
      expect(shown.json().lastErrorAt).toBe(new Date(t0.getTime() + 2 * hour).toISOString());
      for (const response of [failed, shown]) expect(response.body).not.toContain(token);
    });

    it('does not let a dead or hung receiver hold up another channel, nor reorder its own messages', async () => {
      await reset();
      const silent = await startSilentServer();
      try {
        const dead = await webhook('Refused', {}, `http://127.0.0.1:${await freePort()}`);
        const hung = await webhook('Hung', {}, silent.url);
        const good = await webhook('Healthy');
        const root = await fault();
        const t0 = new Date();
        await queue({ kind: 'alarm', root, consequences: [] }, t0);

        const started = Date.now();
        const run = sendDue(t.ctx, t0, { timeoutMs: 3_000 });
        const [delivered] = await sink.waitForRequests(1, 2_500);
        // Delivered while the hung receiver still has most of its 3 s.
        expect(delivered!.at - started).toBeLessThan(1_500);
        expect(await run).toEqual({ claimed: 3, sent: 1, retrying: 2, failed: 0 });
        const [hungRow] = await outbox(hung.id);
        expect(hungRow!.lastError).toBe('no answer within 3 s');
        expect((await outbox(dead.id))[0]!.lastError).toMatch(/ECONNREFUSED/);

        // The resolved message waits behind the refused alarm; the healthy channel gets it now.
        const later = new Date(t0.getTime() + 1_000);
        await queue({ kind: 'resolved', root, consequences: [] }, later);
        expect(await sendDue(t.ctx, later, { timeoutMs: 3_000 })).toMatchObject({
          claimed: 1,
          sent: 1,
        });
        expect((await outbox(good.id)).map((r) => r.state)).toEqual(['sent', 'sent']);
        expect((await outbox(dead.id)).map((r) => [r.kind, r.attempts])).toEqual([
          ['alarm', 1],
          ['resolved', 0],
        ]);
      } finally {
        await silent.close();
      }
    });

    it('runs on its own once started, and stop() waits for the run under way', async () => {
      await reset();
      await webhook('Dispatched');
      const dispatcher = startDispatcher(t.ctx, { backstopMs: 500 });
      try {
        await queue({ kind: 'alarm', root: await fault(), consequences: [] });
        dispatcher.kick();
        await sink.waitForRequests(1);
        // No kick (as when another server queued it): the backstop timer finds it.
        await queue({ kind: 'alarm', root: await fault(), consequences: [] });
        await sink.waitForRequests(2);
      } finally {
        await dispatcher.stop();
      }
      expect((await api('GET', '/api/notifications?state=pending')).json()).toEqual([]);

      // Stopped while a send hangs: stop() returns only once that attempt is recorded.
      await reset();
      const silent = await startSilentServer();
      try {
        const hung = await webhook('Hung at shutdown', {}, silent.url);
        const slow = startDispatcher(t.ctx, { timeoutMs: 1_000 });
        await queue({ kind: 'alarm', root: await fault(), consequences: [] });
        slow.kick();
        await waitFor(() => silent.connections() > 0, { what: 'the send to start' });
        await slow.stop();
        expect(await outbox(hung.id)).toMatchObject([
          { state: 'pending', attempts: 1, lastError: 'no answer within 1 s' },
        ]);
      } finally {
        await silent.close();
      }
    });

    /** Resolves once the dispatcher's run is over and its timer set: when it will look next. */
    const asleep = (dispatcher: Dispatcher) =>
      waitFor(() => dispatcher.nextRunAt, { what: 'the dispatcher to set its timer' });

    it('does not look in an idle outbox every pollMs, only on a kick or its backstop', async () => {
      await reset();
      await webhook('Idle');
      const notify = { ...t.ctx.config.notify, pollMs: 50 };
      const dispatcher = startDispatcher(
        { ...t.ctx, config: { ...t.ctx.config, notify } },
        { backstopMs: 1_500 },
      );
      try {
        await queue({ kind: 'alarm', root: await fault(), consequences: [] });
        dispatcher.kick();
        await sink.waitForRequests(1);
        // Sent, and nothing else pending: the only timer left is the backstop.
        const wake = await waitFor(
          () => (dispatcher.nextRunAt?.getTime() ?? 0) - Date.now() > 1_000 && dispatcher.nextRunAt,
          { what: 'the dispatcher to sleep until its backstop' },
        );
        const runs = dispatcher.runs;
        await queue({ kind: 'alarm', root: await fault(), consequences: [] });
        const [, found] = await sink.waitForRequests(2);
        expect(found!.at).toBeGreaterThanOrEqual(wake.getTime());
        await asleep(dispatcher);
        // One look in over a second; polling every 50 ms would have been twenty or more.
        expect(dispatcher.runs - runs).toBe(1);
      } finally {
        await dispatcher.stop();
      }
      expect(dispatcher.nextRunAt).toBeNull();
    });

    it('wakes for a retry when its backoff ends, with the messages held behind it', async () => {
      await reset();
      const hook = await webhook('Back in five');
      sink.failNext(1);
      const dispatcher = startDispatcher(t.ctx);
      try {
        const root = await fault();
        await queue({ kind: 'alarm', root, consequences: [] });
        await queue({ kind: 'resolved', root, consequences: [] });
        dispatcher.kick();
        const [failed, held] = await waitFor(async () => {
          const rows = await outbox(hook.id);
          return rows[0]?.attempts === 1 && rows;
        });
        const wake = await asleep(dispatcher);
        expect(failed!.state).toBe('pending');
        expect(held).toMatchObject({ state: 'pending', attempts: 0 });
        // Its timer is for the retry: not the next poll (the resolved message is due, but waits
        // behind the alarm), nor the 30 s backstop.
        const retryAt = failed!.nextAttemptAt.getTime();
        expect(Math.abs(wake.getTime() - retryAt)).toBeLessThan(100);
        const runs = dispatcher.runs;

        const requests = await sink.waitForRequests(3, 10_000);
        expect(requests[1]!.at).toBeGreaterThanOrEqual(retryAt);
        expect(requests[1]!.at - retryAt).toBeLessThan(2_000);
        expect(requests.map((r) => (r.json as { kind: string }).kind)).toEqual([
          'alarm',
          'alarm',
          'resolved',
        ]);
        await asleep(dispatcher);
        expect(dispatcher.runs - runs).toBe(1);
        expect((await outbox(hook.id)).map((r) => r.state)).toEqual(['sent', 'sent']);
      } finally {
        await dispatcher.stop();
      }
    });

    describeWith([aiosmtpd], 'e-mail channels', () => {
      let smtp: SmtpSink;
      beforeAll(async () => {
        smtp = await startSmtpSink();
      });
      afterAll(async () => smtp?.close());

      const mailChannel = (name: string, port: number) =>
        channel({
          name,
          type: 'email',
          config: {
            to: ['ops@example.com', 'Night Engineer <eng@example.com>'],
            from: 'Suitewatch <suitewatch@example.com>',
            smtp: { host: '127.0.0.1', port, secure: false },
          },
        });

      it('delivers a test and an alarm to a real SMTP server', async () => {
        await reset();
        const before = smtp.messages().length;
        const mail = await mailChannel('Ops mail', smtp.port);
        const tested = await api('POST', `/api/notification-channels/${mail.id}/test`);
        expect(tested.json()).toMatchObject({ delivered: true });
        const [test] = (await smtp.waitForMessages(before + 1)).slice(before);
        expect(test!.subject).toBe("TEST: Suitewatch channel 'Ops mail'");
        expect(test!.to).toBe('ops@example.com, Night Engineer <eng@example.com>');
        expect(test!.from).toBe('Suitewatch <suitewatch@example.com>');
        expect(test!.envelopeTo).toEqual(['ops@example.com', 'eng@example.com']);

        const root = await fault({ condition: 'raid.status[0]' });
        await queue({ kind: 'alarm', root, consequences: [] });
        expect(await sendDue(t.ctx)).toMatchObject({ sent: 1 });
        const [alarm] = (await smtp.waitForMessages(before + 2)).slice(before + 1);
        expect(alarm!.subject).toBe('CRITICAL: NAS-01 raid.status[0] — RAID 0 degraded');
        expect(alarm!.headers['x-suitewatch-kind']).toBe('alarm');
        expect(alarm!.text).toContain(`Open in Suitewatch: ${publicUrl}/#/alarms/${root.id}`);
      });

      it('reports a relay that is not there', async () => {
        const mail = await mailChannel('Gone relay', await freePort());
        const tested = await api('POST', `/api/notification-channels/${mail.id}/test`);
        expect(tested.statusCode).toBe(200);
        expect(tested.json().delivered).toBe(false);
        expect(tested.json().error).toMatch(/ECONNREFUSED/);
      });
    });
  });
}
