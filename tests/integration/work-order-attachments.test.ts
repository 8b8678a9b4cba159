import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { workOrderAttachments } from '../../server/db/schema/index.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { stores } from '../helpers/db.ts';
import { describeWith } from '../helpers/system.ts';

// A real 1×1 PNG and the first bytes of a JPEG: the server checks the bytes, not only the type.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);

interface Step {
  id: string;
  kind: string;
  result: string | null;
  attachmentId: string | null;
  by: string | null;
}
interface WorkOrder {
  id: string;
  status: string;
  steps: Step[];
  attachment?: { id: string; filename: string; size: number; contentType: string };
  events?: Array<{ kind: string; text: string; detail: Record<string, unknown> }>;
}

for (const { store, needs } of stores) {
  describeWith(needs, `work order photo steps on ${store}`, () => {
    let t: TestApp;
    const who = { junior: '', otherJunior: '', engineer: '', manager: '', juniorId: '' };
    let order = '';
    let other = '';

    const json = (method: 'GET' | 'POST', url: string, cookie: string, payload?: object) =>
      t.app.inject({ method, url, payload, headers: { cookie } });
    const upload = (
      cookie: string,
      stepId: string,
      body: Buffer,
      contentType: string,
      id = order,
      query = '',
    ) =>
      t.app.inject({
        method: 'POST',
        url: `/api/work-orders/${id}/steps/${stepId}/photo${query}`,
        headers: { cookie, 'content-type': contentType },
        payload: body,
      });
    const stored = async () =>
      t.ctx.db
        .select({ id: workOrderAttachments.id })
        .from(workOrderAttachments)
        .where(eq(workOrderAttachments.workOrderId, order));
    const adHoc = async (title: string, assigneeId: string | null) => {
      const response = await json('POST', '/api/work-orders', who.engineer, {
        type: 'preventive',
        title,
        durationMin: 30,
        assigneeId,
        steps: [
          { label: 'Photo of the rack label', kind: 'photo', required: true },
          { label: 'Fans spin freely', kind: 'check', required: true },
        ],
      });
      if (response.statusCode !== 201) throw new Error(response.body);
      return response.json<WorkOrder>().id;
    };

    beforeAll(async () => {
      t = await createTestApp(store);
      who.junior = await t.userWithRole('junior');
      who.otherJunior = await t.userWithRole('junior');
      who.engineer = await t.userWithRole('engineer');
      who.manager = await t.userWithRole('manager');
      who.juniorId = (await json('GET', '/api/auth/me', who.junior)).json<{ id: string }>().id;
      order = await adHoc('Machine room rack check', who.juniorId);
      other = await adHoc('Another rack', null);
    });
    afterAll(async () => t?.close());

    it('stores a photo on a photo step, records the step and serves the bytes back', async () => {
      const response = await upload(
        who.junior,
        's1',
        png,
        'image/png',
        order,
        '?filename=rack.png',
      );
      expect(response.statusCode, response.body).toBe(201);
      const body = response.json<WorkOrder>();
      expect(body.attachment).toMatchObject({
        filename: 'rack.png',
        size: png.length,
        contentType: 'image/png',
      });
      expect(body.status).toBe('in_progress');
      const step = body.steps.find((s) => s.id === 's1')!;
      expect(step).toMatchObject({ result: 'pass', attachmentId: body.attachment!.id });
      expect(step.by).not.toBeNull();

      // Anyone who reads work orders can see it; a manager does.
      const download = await json(
        'GET',
        `/api/work-orders/${order}/attachments/${body.attachment!.id}`,
        who.manager,
      );
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(png)).toBe(true);
      expect(download.headers['content-type']).toBe('image/png');
      expect(download.headers['x-content-type-options']).toBe('nosniff');
      expect(download.headers['content-disposition']).toMatch(/^inline; filename="rack.png"/);

      const detail = (await json('GET', `/api/work-orders/${order}`, who.junior)).json<WorkOrder>();
      const event = detail.events!.find((e) => e.kind === 'attachment');
      expect(event?.text).toBe(`Photo of the rack label: photo rack.png (${png.length} bytes)`);
      expect(event?.detail).toMatchObject({ stepId: 's1', attachmentId: body.attachment!.id });

      // A second photo replaces the step's; a name is made up when none is given.
      const again = await upload(who.engineer, 's1', jpeg, 'image/jpeg');
      expect(again.statusCode, again.body).toBe(201);
      const second = again.json<WorkOrder>();
      expect(second.attachment!.filename).toMatch(/^s1-\d{4}-\d\d-\d\d\.jpg$/);
      expect(second.steps[0]!.attachmentId).toBe(second.attachment!.id);
      expect(await stored()).toHaveLength(2);
    });

    it('refuses wrong types, forged images, other steps and big files, keeping nothing', async () => {
      const before = (await json('GET', `/api/work-orders/${order}`, who.junior)).json<WorkOrder>();
      const cases: Array<[Awaited<ReturnType<typeof upload>>, number, RegExp]> = [
        [
          await upload(who.junior, 's1', Buffer.from('hello'), 'text/plain'),
          415,
          /^body: a photo must be image\/jpeg, image\/png, image\/webp; this file is text\/plain$/,
        ],
        [
          await upload(who.junior, 's1', Buffer.from('<svg/>'), 'image/svg+xml'),
          415,
          /image\/svg\+xml/,
        ],
        [
          await upload(who.junior, 's1', jpeg, 'image/png'),
          400,
          /^body: the file is not a PNG image \(it is image\/jpeg\)$/,
        ],
        [await upload(who.junior, 's1', Buffer.alloc(0), 'image/png'), 400, /empty/],
        [
          await upload(who.junior, 's2', png, 'image/png'),
          400,
          /^params\.stepId: step s2 \(Fans spin freely\) is a check step; photos go on photo steps$/,
        ],
        [await upload(who.junior, 's9', png, 'image/png'), 404, /has no step s9; steps are s1, s2/],
        [
          await upload(
            who.junior,
            's1',
            Buffer.concat([png, Buffer.alloc(t.ctx.config.attachmentMaxBytes)]),
            'image/png',
          ),
          413,
          /^body is larger than the \d+ KiB limit$/,
        ],
        [
          await upload(who.manager, 's1', png, 'image/png'),
          403,
          /needs the junior or engineer or admin role/,
        ],
        [await upload(who.otherJunior, 's1', png, 'image/png'), 403, /assigned to someone else/],
      ];
      for (const [response, status, message] of cases) {
        expect(response.statusCode, response.body).toBe(status);
        expect(response.json<{ message: string }>().message).toMatch(message);
      }
      expect(await stored()).toHaveLength(2);
      const after = (await json('GET', `/api/work-orders/${order}`, who.junior)).json<WorkOrder>();
      expect(after.steps).toEqual(before.steps);
    });

    it('downloads only what belongs to the work order named', async () => {
      const [first] = await stored();
      const elsewhere = await json(
        'GET',
        `/api/work-orders/${other}/attachments/${first!.id}`,
        who.engineer,
      );
      expect(elsewhere.statusCode).toBe(404);
      expect(elsewhere.json<{ message: string }>().message).toMatch(/has no attachment/);
      const anonymous = await t.app.inject({
        method: 'GET',
        url: `/api/work-orders/${order}/attachments/${first!.id}`,
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('closes photo steps once the work waits for review', async () => {
      const pass = await json('POST', `/api/work-orders/${order}/steps/s2`, who.junior, {
        result: 'pass',
      });
      expect(pass.statusCode, pass.body).toBe(200);
      const done = await json('POST', `/api/work-orders/${order}/transition`, who.junior, {
        to: 'done',
      });
      expect(done.json<WorkOrder>().status).toBe('pending_review');
      const late = await upload(who.junior, 's1', png, 'image/png');
      expect(late.statusCode).toBe(409);
      expect(late.json<{ message: string }>().message).toMatch(
        /pending review; its steps are closed/,
      );
      expect(await stored()).toHaveLength(2);
    });
  });
}
