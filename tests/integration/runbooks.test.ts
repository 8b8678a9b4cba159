import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LiveEvent } from '../../server/live-events.ts';
import { suggestRunbooks } from '../../server/modules/runbooks/service.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const missing = '00000000-0000-4000-8000-000000000000';

interface Runbook {
  id: string;
  title: string;
  body: string;
  html: string;
  deviceKinds: string[];
  profiles: string[];
  conditions: string[];
  categories: string[];
  createdBy: string;
  updatedBy: string;
}
interface Suggestion extends Runbook {
  score: number;
  matched: string[];
}

for (const { store, needs } of stores) {
  describeWith(needs, `runbooks on ${store}`, () => {
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
      const response = await api('POST', '/api/runbooks', payload, cookie);
      if (response.statusCode !== 201) throw new Error(`create: ${response.body}`);
      return response.json<Runbook>();
    };
    const titles = async (url: string) => {
      const response = await api('GET', url);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Runbook[]>().map((r) => r.title);
    };
    const auditOf = async (id: string) =>
      (await api('GET', `/api/audit?entity=runbook&entityId=${id}`))
        .json<Array<{ action: string }>>()
        .map((e) => e.action);

    beforeAll(async () => {
      t = await createTestApp(store);
      t.ctx.bus.subscribe((event) => events.push(event));
      junior = await t.userWithRole('junior');
      manager = await t.userWithRole('manager');
      engineer = await t.userWithRole('engineer');
    });
    afterAll(async () => t?.close());

    it('creates, reads, changes and deletes a runbook, auditing and announcing each write', async () => {
      events.length = 0;
      const runbook = await create({
        title: '  Degraded MegaRAID array ',
        body: '# Degraded array\n\nRun `storcli /c0 show` and **replace** the failed disk.',
        deviceKinds: ['raid', 'raid', 'storage'],
        profiles: ['megaraid'],
        conditions: ['raid.status', ' raid.disk_state* '],
        categories: ['storage'],
      });
      expect(runbook).toMatchObject({
        title: 'Degraded MegaRAID array',
        deviceKinds: ['raid', 'storage'],
        profiles: ['megaraid'],
        conditions: ['raid.status', 'raid.disk_state*'],
        categories: ['storage'],
        createdBy: 'admin',
        updatedBy: 'admin',
        html: '<h1>Degraded array</h1>\n<p>Run <code>storcli /c0 show</code> and <strong>replace</strong> the failed disk.</p>\n',
      });
      expect((await api('GET', `/api/runbooks/${runbook.id}`)).json()).toEqual(runbook);

      const changed = await api(
        'PATCH',
        `/api/runbooks/${runbook.id}`,
        { body: 'Call the vendor: <https://support.example.com>', profiles: [] },
        engineer,
      );
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toMatchObject({
        title: 'Degraded MegaRAID array',
        profiles: [],
        conditions: ['raid.status', 'raid.disk_state*'],
        createdBy: 'admin',
        html: '<p>Call the vendor: <a href="https://support.example.com" rel="noopener noreferrer nofollow">https://support.example.com</a></p>\n',
      });
      expect(changed.json().updatedBy).toMatch(/^engineer/);

      expect((await api('DELETE', `/api/runbooks/${runbook.id}`)).json()).toEqual({ ok: true });
      expect((await api('GET', `/api/runbooks/${runbook.id}`)).statusCode).toBe(404);
      expect((await api('DELETE', `/api/runbooks/${runbook.id}`)).statusCode).toBe(404);
      expect(await auditOf(runbook.id)).toEqual(['delete', 'update', 'create']);
      expect(events.filter((e) => e.type === 'changed')).toEqual(
        Array(3).fill({ type: 'changed', entity: 'runbook', id: runbook.id }),
      );
    });

    it('lets everyone read and only engineers and admins write', async () => {
      const runbook = await create({ title: 'Read me', body: 'Text' });
      for (const cookie of [junior, manager]) {
        expect(await titles('/api/runbooks')).toContain('Read me');
        for (const url of [
          '/api/runbooks',
          `/api/runbooks/${runbook.id}`,
          '/api/runbooks/suggest?category=other',
        ])
          expect((await api('GET', url, undefined, cookie)).statusCode, url).toBe(200);
        for (const [method, url, payload] of [
          ['POST', '/api/runbooks', { title: 'Mine' }],
          ['PATCH', `/api/runbooks/${runbook.id}`, { title: 'Changed' }],
          ['DELETE', `/api/runbooks/${runbook.id}`, undefined],
        ] as const) {
          const response = await api(method, url, payload, cookie);
          expect(response.statusCode, `${method} ${url}`).toBe(403);
        }
      }
      expect((await api('GET', `/api/runbooks/${runbook.id}`)).json()).toMatchObject({
        title: 'Read me',
      });
      await create({ title: 'By an engineer' }, engineer);
    });

    it('answers 400 naming the field for bad input, and writes nothing', async () => {
      const runbook = await create({ title: 'Untouched', deviceKinds: ['audio'] });
      const before = await titles('/api/runbooks');
      const cases: Array<['POST' | 'PATCH', string, object, RegExp | string]> = [
        ['POST', '/api/runbooks', {}, 'body.title is required'],
        ['POST', '/api/runbooks', { title: '  ' }, /^body\.title: .*must not be blank/],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', deviceKinds: ['raid', 'nas'] },
          /^body\.deviceKinds\.1 must be one of: workstation, storage, raid/,
        ],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', categories: ['storage', 'sound', 'catering'] },
          /^body\.categories\.2 must be one of: picture, sound/,
        ],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', profiles: ['synlogy'] },
          /^body\.profiles\.0 must be one of: .*synology/,
        ],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', conditions: ['raid.status', 'raid *'] },
          /^body\.conditions\.1: 'raid \*' is not a condition pattern/,
        ],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', conditions: ['*'] },
          /^body\.conditions\.0: '\*' is not a condition pattern/,
        ],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', conditions: [''] },
          /^body\.conditions\.0 must NOT have fewer than 1/,
        ],
        ['POST', '/api/runbooks', { title: 'x', conditions: ['  '] }, 'body.conditions.0 is blank'],
        [
          'POST',
          '/api/runbooks',
          { title: 'x', deviceKinds: 'raid' },
          'body.deviceKinds must be array',
        ],
        ['POST', '/api/runbooks', { title: 'x', html: '<b>' }, "body has an unknown field 'html'"],
        ['PATCH', `/api/runbooks/${runbook.id}`, {}, /^body must NOT have fewer than 1/],
        [
          'PATCH',
          `/api/runbooks/${runbook.id}`,
          { title: 'Renamed', deviceKinds: ['switch', 'toaster'] },
          /^body\.deviceKinds\.1 must be one of/,
        ],
        [
          'PATCH',
          `/api/runbooks/${runbook.id}`,
          { title: 'Renamed', conditions: ['trap.*.down'] },
          /^body\.conditions\.0: 'trap\.\*\.down' is not a condition pattern/,
        ],
      ];
      for (const [method, url, payload, message] of cases) {
        const response = await api(method, url, payload);
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        expect(response.json().message).toMatch(message);
      }
      for (const [url, message] of [
        ['/api/runbooks/suggest?deviceKind=nas', /^querystring\.deviceKind\.0 must be one of/],
        [
          '/api/runbooks/suggest?category=sound&category=bar',
          /^querystring\.category\.1 must be one of/,
        ],
        ['/api/runbooks/suggest?limit=0', /^querystring\.limit must be >= 1/],
        ['/api/runbooks/suggest?colour=red', "querystring has an unknown field 'colour'"],
        ['/api/runbooks/nope', /^params\.id must match format "uuid"/],
      ] as const) {
        const response = await api('GET', url);
        expect(response.statusCode, url).toBe(400);
        expect(response.json().message).toMatch(message);
      }
      expect((await api('GET', `/api/runbooks/${missing}`)).statusCode).toBe(404);
      expect((await api('PATCH', `/api/runbooks/${missing}`, { title: 'x' })).statusCode).toBe(404);
      expect(await titles('/api/runbooks')).toEqual(before);
      expect((await api('GET', `/api/runbooks/${runbook.id}`)).json()).toMatchObject({
        title: 'Untouched',
        deviceKinds: ['audio'],
      });
      expect(await auditOf(runbook.id)).toEqual(['create']);
    });

    it('renders hostile Markdown inert', async () => {
      const runbook = await create({
        title: 'Hostile',
        body: [
          '<script>alert(1)</script>',
          '',
          '<img src=x onerror=alert(2)>',
          '',
          '<a href="javascript:alert(3)" onclick="alert(4)">raw link</a>',
          '',
          '[md link](javascript:alert(5)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://kb.example.com)',
          '',
          '![pic](https://evil.example/beacon.png)',
        ].join('\n'),
      });
      const { html } = runbook;
      for (const dangerous of [
        '<script',
        '<img',
        '<a href="javascript:',
        'onerror=alert(2)>',
        '<a href="javascript:alert(3)" onclick="alert(4)">',
        '<img src=',
      ])
        expect(html).not.toContain(dangerous);
      // Text may say anything (a `<` in text is always `&lt;`); real tags carry no handler,
      // and each real link is http(s).
      expect(html).not.toMatch(/<[a-z]+\s[^>]*\bon[a-z]+=/i);
      const hrefs = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]);
      expect(hrefs).toEqual(['https://kb.example.com', 'https://evil.example/beacon.png']);
      expect(html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
      expect(html).toContain('<p>&lt;img src=x onerror=alert(2)&gt;</p>');
      expect(html).toContain('[md link](javascript:alert(5))');
      expect(html).toContain(
        '<a href="https://kb.example.com" rel="noopener noreferrer nofollow">ok</a>',
      );
      expect(html).toContain(
        '<a href="https://evil.example/beacon.png" rel="noopener noreferrer nofollow">pic</a>',
      );
      // The Markdown itself is kept as written, for editing.
      expect(runbook.body).toContain('<script>alert(1)</script>');
      expect((await api('GET', '/api/runbooks?q=hostile')).json<Runbook[]>()[0]?.html).toBe(html);
    });

    it('searches titles and bodies, with % and _ taken literally', async () => {
      await create({ title: 'Videohub crosspoint stuck', body: 'Reset the router at 100% load' });
      await create({ title: 'Grading display calibration', body: 'Probe the panel_a first' });
      expect(await titles('/api/runbooks?q=VIDEOHUB')).toEqual(['Videohub crosspoint stuck']);
      expect(await titles('/api/runbooks?q=calibration')).toEqual(['Grading display calibration']);
      expect(await titles('/api/runbooks?q=100%25')).toEqual(['Videohub crosspoint stuck']);
      expect(await titles('/api/runbooks?q=panel_a')).toEqual(['Grading display calibration']);
      expect(await titles('/api/runbooks?q=panelxa')).toEqual([]);
      expect(await titles('/api/runbooks?q=%25%25%25')).toEqual([]);
    });

    it('suggests runbooks by device kind, profile, condition and category, best first', async () => {
      const megaraid = await create({
        title: 'S: MegaRAID degraded array',
        deviceKinds: ['raid'],
        profiles: ['megaraid'],
        conditions: ['raid.status'],
        categories: ['storage'],
      });
      const synology = await create({
        title: 'S: Synology volume degraded',
        deviceKinds: ['storage'],
        profiles: ['synology'],
        conditions: ['raid.status'],
        categories: ['storage'],
      });
      const general = await create({
        title: 'S: Storage first steps',
        deviceKinds: ['raid', 'storage'],
        profiles: ['megaraid', 'synology', 'nexis'],
        categories: ['storage'],
      });
      const links = await create({
        title: 'S: Switch port down',
        deviceKinds: ['switch'],
        conditions: ['trap.link_down*'],
        categories: ['network'],
      });
      const suggest = async (query: string) => {
        const response = await api('GET', `/api/runbooks/suggest?${query}`, undefined, junior);
        expect(response.statusCode, response.body).toBe(200);
        return response.json<Suggestion[]>();
      };
      const ranked = (list: Suggestion[]) => list.map((s) => [s.title, s.score, s.matched]);

      expect(
        ranked(
          await suggest(
            'deviceKind=raid&profile=megaraid&condition=raid.status%5B0%5D&category=storage',
          ),
        ),
      ).toEqual([
        ['S: MegaRAID degraded array', 7, ['condition', 'profile', 'deviceKind', 'category']],
        ['S: Synology volume degraded', 5, ['condition', 'category']],
        ['S: Storage first steps', 3, ['profile', 'deviceKind', 'category']],
      ]);
      // Repeated parameters: one of several values is enough for a facet.
      expect(ranked(await suggest('profile=qnap&profile=synology&deviceKind=storage'))).toEqual([
        ['S: Storage first steps', 2, ['profile', 'deviceKind']],
        ['S: Synology volume degraded', 2, ['profile', 'deviceKind']],
      ]);
      const trap = await suggest('condition=trap.link_down%5B3%5D&deviceKind=switch');
      expect(ranked(trap)).toEqual([['S: Switch port down', 5, ['condition', 'deviceKind']]]);
      expect(trap[0]?.html).toBe('');
      expect(await suggest('condition=unreachable')).toEqual([]);
      expect(await suggest('')).toEqual([]);
      expect((await suggest('category=storage&limit=2')).map((s) => s.id)).toEqual([
        megaraid.id,
        general.id,
      ]);

      // The function the tickets and faults modules call gives the same.
      const direct = await suggestRunbooks(t.ctx.db, {
        deviceKinds: ['storage'],
        profiles: ['synology'],
        conditions: ['raid.status[1]', ' '],
        categories: [],
      });
      expect(direct.map((s) => [s.id, s.score])).toEqual([
        [synology.id, 6],
        [megaraid.id, 4],
        [general.id, 2],
      ]);
      expect(direct[0]).toMatchObject({ title: 'S: Synology volume degraded', html: '' });
      expect(
        (
          await suggestRunbooks(
            t.ctx.db,
            { deviceKinds: ['switch'], profiles: [], conditions: [], categories: ['network'] },
            1,
          )
        ).map((s) => s.id),
      ).toEqual([links.id]);
    });
  });
}
