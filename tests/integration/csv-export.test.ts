import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { registerErrorHandler, Invalid } from '../../server/errors.ts';
import { csvPlugin } from '../../server/plugins/csv.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

const csv = 'text/csv';
const today = () => new Date().toISOString().slice(0, 10);

/** RFC 4180 reader for the assertions: rows of fields, quotes undone. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the last row has no CRLF');
  return rows;
}

/** The rows as objects keyed by the header row. */
function records(text: string): Array<Record<string, string>> {
  const [header = [], ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

describe('csv plugin on a bare Fastify app', () => {
  const app = Fastify();
  beforeAll(async () => {
    registerErrorHandler(app);
    await app.register(csvPlugin);
    const Row = Type.Object({ id: Type.Integer(), name: Type.String(), at: Type.String() });
    // The handler returns more than the schema declares and a Date where it says string.
    app.get('/things', { schema: { response: { 200: Type.Array(Row) } } }, async () => [
      { id: 1, name: 'Grade 1', at: new Date('2030-05-01T09:00:00Z'), secret: 'hash' },
      { id: 2, name: 'has "quotes", commas', at: new Date('2030-05-02T09:00:00Z'), secret: 'x' },
    ]);
    app.get('/loose', async () => [
      { a: 1, when: new Date('2030-05-01T00:00:00Z') },
      { b: [1, 2] },
    ]);
    app.get('/one', async () => ({ id: 1 }));
    app.get('/empty', { schema: { response: { 200: Type.Array(Row) } } }, async () => []);
    app.get('/scalars', async () => [1, 2, 3]);
    app.get('/bad', async () => {
      throw new Invalid('querystring.x: wrong');
    });
    app.get('/created', async (_request, reply) => reply.status(201).send([{ a: 1 }]));
    app.post('/things', async () => [{ a: 1 }]);
    await app.ready();
  });
  afterAll(() => app.close());

  const get = (url: string, accept = csv) =>
    app.inject({ method: 'GET', url, headers: { accept } });

  it('sends an array of objects as CSV, only the fields the response schema declares', async () => {
    const response = await get('/things?x=1');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="things-${today()}.csv"`,
    );
    expect(response.headers.vary).toBe('Accept');
    expect(response.body).toBe(
      'id,name,at\r\n' +
        '1,Grade 1,2030-05-01T09:00:00.000Z\r\n' +
        '2,"has ""quotes"", commas",2030-05-02T09:00:00.000Z\r\n',
    );
  });

  it('leaves the JSON answer as it was when CSV is not preferred', async () => {
    for (const accept of ['application/json', '*/*', 'application/json, text/csv', '']) {
      const response = await get('/things', accept);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.json()).toEqual([
        { id: 1, name: 'Grade 1', at: '2030-05-01T09:00:00.000Z' },
        { id: 2, name: 'has "quotes", commas', at: '2030-05-02T09:00:00.000Z' },
      ]);
      expect(response.headers.vary).toBe('Accept');
    }
  });

  it('works without a response schema: union of keys, dates as ISO', async () => {
    const response = await get('/loose');
    expect(response.body).toBe('a,when,b\r\n1,2030-05-01T00:00:00.000Z,\r\n,,1; 2\r\n');
  });

  it('sends an empty list as an empty CSV file', async () => {
    const response = await get('/empty');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toBe('');
  });

  it('keeps objects, lists of scalars, errors, other statuses and other methods in JSON', async () => {
    const one = await get('/one');
    expect(one.headers['content-type']).toMatch(/^application\/json/);
    expect(one.json()).toEqual({ id: 1 });
    expect(one.headers.vary).toBeUndefined();

    expect((await get('/scalars')).json()).toEqual([1, 2, 3]);

    const bad = await get('/bad');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect(bad.json().message).toBe('querystring.x: wrong');

    const created = await get('/created');
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual([{ a: 1 }]);

    const posted = await app.inject({ method: 'POST', url: '/things', headers: { accept: csv } });
    expect(posted.json()).toEqual([{ a: 1 }]);

    const missing = await get('/nowhere');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers HEAD with the CSV headers', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/things', headers: { accept: csv } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body).toBe('');
  });
});

for (const { store, needs } of stores) {
  describeWith(needs, `CSV export of list endpoints on ${store}`, () => {
    let t: TestApp;
    const ids = { suite1: '', suite2: '', device: '' };
    const get = (url: string, accept = csv, cookie?: string) =>
      t.app.inject({ method: 'GET', url, headers: { accept, cookie: cookie ?? t.admin } });
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

    beforeAll(async () => {
      t = await createTestApp(store);
      ids.suite1 = await created('/api/suites', { name: 'Grade 1' });
      ids.suite2 = await created('/api/suites', { name: 'Grade 2' });
      ids.device = await created('/api/devices', {
        name: '=HYPERLINK("http://x","click")',
        kind: 'workstation',
        notes: 'line one\nline two, with "quotes"',
        suiteIds: [ids.suite1, ids.suite2],
      });
      await created('/api/bookings', {
        suiteId: ids.suite1,
        client: 'Acme, Films',
        startsAt: new Date(Date.now() + 3600_000).toISOString(),
        endsAt: new Date(Date.now() + 7200_000).toISOString(),
      });
    });
    afterAll(async () => t?.close());

    it('exports /api/devices with arrays joined, text quoted and formulas defused', async () => {
      const response = await get('/api/devices');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="devices-${today()}.csv"`,
      );
      const json = (await get('/api/devices', 'application/json')).json<
        Array<Record<string, unknown>>
      >();
      const [header] = parseCsv(response.body);
      expect(header).toEqual(Object.keys(json[0]!));
      const [device] = records(response.body);
      const suiteIds = [ids.suite1, ids.suite2].sort();
      expect(device).toMatchObject({
        id: ids.device,
        name: `'=HYPERLINK("http://x","click")`,
        kind: 'workstation',
        notes: 'line one\nline two, with "quotes"',
        parentId: '',
        status: 'unknown',
        createdAt: json[0]!.createdAt,
      });
      expect(device!.suiteIds!.split('; ').sort()).toEqual(suiteIds);
    });

    it('exports /api/bookings with its query string', async () => {
      const from = new Date(Date.now() - 3600_000).toISOString();
      const response = await get(`/api/bookings?suiteId=${ids.suite1}&from=${from}`);
      expect(response.headers['content-disposition']).toBe(
        `attachment; filename="bookings-${today()}.csv"`,
      );
      const rows = records(response.body);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        client: 'Acme, Films',
        suiteId: ids.suite1,
        source: 'manual',
      });
      expect(response.body).toContain('"Acme, Films"');
    });

    it('exports /api/audit with nested documents as JSON', async () => {
      const response = await get('/api/audit?entity=device');
      const rows = records(response.body);
      const create = rows.find((r) => r.action === 'create' && r.entityId === ids.device);
      expect(create).toBeDefined();
      expect(create!.before).toBe('');
      const after = JSON.parse(create!.after!);
      expect(after).toMatchObject({ id: ids.device, name: '=HYPERLINK("http://x","click")' });
    });

    it('keeps single objects, */* and errors in JSON', async () => {
      const one = await get(`/api/devices/${ids.device}`);
      expect(one.headers['content-type']).toMatch(/^application\/json/);
      expect(one.json().id).toBe(ids.device);

      const any = await get('/api/devices', '*/*');
      expect(any.headers['content-type']).toMatch(/^application\/json/);
      expect(Array.isArray(any.json())).toBe(true);

      const anonymous = await t.app.inject({
        method: 'GET',
        url: '/api/devices',
        headers: { accept: csv },
      });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.headers['content-type']).toMatch(/^application\/json/);

      const bad = await get('/api/bookings?from=yesterday');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/^querystring\.from /);

      const junior = await t.userWithRole('junior');
      const forbidden = await get('/api/audit', csv, junior);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.headers['content-type']).toMatch(/^application\/json/);
    });
  });
}
