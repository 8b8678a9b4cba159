import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Context } from '../../context.ts';
import {
  calibrationKinds,
  deviceKinds,
  intervalUnits,
  meterSources,
  planSchedules,
  stepKinds,
  workOrderStatuses,
  workOrderTypes,
  type Role,
} from '../../domain.ts';
import { Forbidden } from '../../errors.ts';
import { actor, principalOf } from '../../plugins/auth.ts';
import {
  errorResponses,
  IdParams,
  Nullable,
  Ok,
  StringEnum,
  Timestamp,
  Uuid,
} from '../../schemas.ts';
import { editors } from '../roles.ts';
import type { Who } from '../tickets/service.ts';
import { generate } from './generator.ts';
import * as calibration from './calibration.ts';
import * as meters from './meters.ts';
import * as plans from './plans.ts';
import { loadConfig, saveConfig } from './settings.ts';
import * as orders from './work-orders.ts';

// Bodies are documented by their request schemas; answers are the rows as the services shape them.
const answers = { 200: Type.Any(), 201: Type.Any(), ...errorResponses };

const workers: readonly Role[] = ['junior', 'engineer', 'admin'];

/** The person doing maintenance work: a probe's token cannot. */
export function whoOf(request: FastifyRequest): Who {
  const principal = principalOf(request);
  if (principal.kind !== 'user') throw new Forbidden('work orders are for people, not probes');
  return { actor: actor(request), role: principal.role };
}

const Step = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    kind: StringEnum(stepKinds),
    nominal: Type.Optional(Nullable(Type.Number())),
    tolerance: Type.Optional(
      Nullable(Type.Number({ minimum: 0, description: '± around nominal; never negative' })),
    ),
    unit: Type.Optional(Type.String({ maxLength: 30 })),
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const planFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  deviceId: Uuid,
  suiteId: Uuid,
  roomId: Uuid,
  deviceKind: StringEnum(deviceKinds),
  siteId: Uuid,
  every: Nullable(
    Type.Object(
      {
        count: Type.Integer({ minimum: 1, description: 'Every N units; 1 or more' }),
        unit: StringEnum(intervalUnits),
      },
      { additionalProperties: false },
    ),
  ),
  schedule: StringEnum(planSchedules, {
    description: 'fixed: from the last due date; floating: from the last completion',
  }),
  meter: Nullable(
    Type.Object(
      {
        reading: Type.String({ minLength: 1, maxLength: 100 }),
        every: Type.Number({ exclusiveMinimum: 0, description: 'Every N units of the meter' }),
      },
      { additionalProperties: false },
    ),
  ),
  afterRepair: Type.Boolean({ description: 'Due when a repair ticket on the target closes' }),
  startsOn: Type.String({ format: 'date-time' }),
  timezone: Type.String({ maxLength: 64 }),
  leadDays: Type.Integer({ minimum: 0, maximum: 365 }),
  graceFraction: Type.Number({ minimum: 0, maximum: 1 }),
  durationMin: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
  assigneeId: Nullable(Uuid),
  team: Nullable(Type.String({ maxLength: 100 })),
  required: Type.Boolean({ description: 'Sign-off work: gates client approvals' }),
  calibrationTemplateId: Nullable(Uuid),
  steps: Type.Array(Step, { maxItems: 100 }),
  active: Type.Boolean(),
};
const { title, startsOn, durationMin, ...optional } = planFields;
const CreatePlan = Type.Object(
  {
    title,
    startsOn,
    durationMin,
    ...Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
);
const UpdatePlan = Type.Partial(Type.Object(planFields), {
  additionalProperties: false,
  minProperties: 1,
});

const WorkOrderQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(workOrderStatuses)),
    open: Type.Optional(Type.Boolean()),
    overdue: Type.Optional(Type.Boolean()),
    dueBefore: Type.Optional(Timestamp),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    deviceId: Type.Optional(Uuid),
    suiteId: Type.Optional(Uuid),
    assigneeId: Type.Optional(Uuid),
    planId: Type.Optional(Uuid),
    type: Type.Optional(StringEnum(workOrderTypes)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })),
  },
  { additionalProperties: false },
);

export const pmRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const { db } = ctx;
  const changed = (
    entity: 'meter' | 'pm-plan' | 'work-order' | 'maintenance-settings' | 'calibration-template',
    id: string,
  ) => ctx.bus.publish({ type: 'changed', entity, id });

  // Meters ------------------------------------------------------------------------------------
  app.get(
    '/meters',
    {
      schema: {
        tags: ['meters'],
        querystring: Type.Object(
          { deviceId: Type.Optional(Uuid), suiteId: Type.Optional(Uuid) },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => (await meters.listMeters(db, request.query)).map(meters.meterView),
  );
  app.post(
    '/meters',
    {
      config: { roles: editors },
      schema: {
        tags: ['meters'],
        body: Type.Object(
          {
            source: StringEnum(meterSources),
            deviceId: Type.Optional(Uuid),
            suiteId: Type.Optional(Uuid),
            reading: Type.Optional(Type.String({ maxLength: 100 })),
            label: Type.Optional(Type.String({ maxLength: 200 })),
            unit: Type.Optional(Type.String({ maxLength: 30 })),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request, reply) => {
      const row = await meters.createMeter(db, request.body, actor(request));
      changed('meter', row.id);
      return reply.status(201).send(meters.meterView(row));
    },
  );
  app.get(
    '/meters/:id',
    { schema: { tags: ['meters'], params: IdParams, response: answers } },
    async (request) => meters.meterView(await meters.getMeter(db, request.params.id)),
  );
  app.get(
    '/meters/:id/readings',
    {
      schema: {
        tags: ['meters'],
        params: IdParams,
        querystring: Type.Object(
          { since: Type.Optional(Timestamp) },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) =>
      meters.meterHistory(
        db,
        request.params.id,
        request.query.since ? new Date(request.query.since) : null,
      ),
  );
  app.post(
    '/meters/:id/readings',
    {
      config: { roles: workers },
      schema: {
        tags: ['meters'],
        summary: 'Enter a value by hand; `at` may be earlier, never in the future',
        params: IdParams,
        body: Type.Object(
          { value: Type.Number(), at: Type.Optional(Timestamp) },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request, reply) => {
      const row = await meters.enterReading(db, actor(request), request.params.id, request.body);
      if (row.deviceId) await generate(db, new Date(), { deviceIds: [row.deviceId] });
      changed('meter', row.id);
      return reply.status(201).send(meters.meterView(row));
    },
  );

  // Plans ---------------------------------------------------------------------------------------
  app.get(
    '/pm-plans',
    {
      schema: {
        tags: ['pm-plans'],
        querystring: Type.Object(
          {
            deviceId: Type.Optional(Uuid),
            suiteId: Type.Optional(Uuid),
            active: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => {
      return plans.planViews(db, await plans.listPlans(db, request.query));
    },
  );
  app.post(
    '/pm-plans',
    {
      config: { roles: editors },
      schema: { tags: ['pm-plans'], body: CreatePlan, response: answers },
    },
    async (request, reply) => {
      const row = await plans.createPlan(db, actor(request), request.body);
      await generate(db, new Date(), { planIds: [row.id] });
      changed('pm-plan', row.id);
      return reply.status(201).send(await plans.planView(db, row));
    },
  );
  app.get(
    '/pm-plans/:id',
    { schema: { tags: ['pm-plans'], params: IdParams, response: answers } },
    async (request) => plans.planView(db, await plans.getPlan(db, request.params.id)),
  );
  app.patch(
    '/pm-plans/:id',
    {
      config: { roles: editors },
      schema: { tags: ['pm-plans'], params: IdParams, body: UpdatePlan, response: answers },
    },
    async (request) => {
      const row = await plans.updatePlan(
        db,
        actor(request),
        request.params.id,
        request.body as Partial<plans.PlanInput>,
      );
      await generate(db, new Date(), { planIds: [row.id] });
      changed('pm-plan', row.id);
      return plans.planView(db, row);
    },
  );
  app.post(
    '/pm-plans/:id/preview',
    {
      config: { roles: editors },
      schema: {
        tags: ['pm-plans'],
        summary: 'The due dates a change would move, per target; nothing is saved',
        params: IdParams,
        body: UpdatePlan,
        response: answers,
      },
    },
    async (request) =>
      plans.previewChange(db, request.params.id, request.body as Partial<plans.PlanInput>),
  );
  app.delete(
    '/pm-plans/:id',
    {
      config: { roles: editors },
      schema: { tags: ['pm-plans'], params: IdParams, response: { 200: Ok, ...errorResponses } },
    },
    async (request) => {
      await plans.deletePlan(db, actor(request), request.params.id);
      changed('pm-plan', request.params.id);
      return { ok: true };
    },
  );
  app.get(
    '/pm-plans/:id/forecast',
    {
      schema: {
        tags: ['pm-plans'],
        summary: 'The work orders the plan will create over the coming days (90 by default)',
        params: IdParams,
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })) },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => plans.forecast(db, request.params.id, request.query.days ?? 90),
  );

  // Work orders ---------------------------------------------------------------------------------
  app.get(
    '/work-orders',
    {
      schema: {
        tags: ['work-orders'],
        summary: 'Work orders, soonest due first; Accept: text/csv exports',
        querystring: WorkOrderQuery,
        response: answers,
      },
    },
    async (request) => orders.listWorkOrders(db, request.query),
  );
  app.post(
    '/work-orders',
    {
      config: { roles: editors },
      schema: {
        tags: ['work-orders'],
        summary: 'Ad-hoc work outside any plan, placed like planned work',
        body: Type.Object(
          {
            type: StringEnum(workOrderTypes),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            description: Type.Optional(Type.String({ maxLength: 5000 })),
            deviceId: Type.Optional(Uuid),
            suiteId: Type.Optional(Uuid),
            roomId: Type.Optional(Uuid),
            dueAt: Type.Optional(Nullable(Timestamp)),
            durationMin: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
            assigneeId: Type.Optional(Nullable(Uuid)),
            team: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
            calibrationTemplateId: Type.Optional(Nullable(Uuid)),
            steps: Type.Optional(Type.Array(Step, { maxItems: 100 })),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request, reply) => {
      const row = await orders.createAdHoc(db, whoOf(request), request.body as orders.AdHocInput);
      changed('work-order', row.id);
      return reply.status(201).send(orders.view(row));
    },
  );
  app.get(
    '/work-orders/:id',
    { schema: { tags: ['work-orders'], params: IdParams, response: answers } },
    async (request) => orders.detail(db, request.params.id),
  );
  app.post(
    '/work-orders/:id/steps/:stepId',
    {
      config: { roles: workers },
      schema: {
        tags: ['work-orders'],
        summary: 'Record a step; a failure opens a corrective ticket',
        params: Type.Object(
          { id: Uuid, stepId: Type.String({ maxLength: 20 }) },
          { additionalProperties: false },
        ),
        body: Type.Object(
          {
            result: Type.Optional(StringEnum(['pass', 'fail', 'na'] as const)),
            value: Type.Optional(Type.Number()),
            note: Type.Optional(Type.String({ maxLength: 5000 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: answers,
      },
    },
    async (request) => {
      const { order, ticket } = await orders.recordStep(
        db,
        whoOf(request),
        request.params.id,
        request.params.stepId,
        request.body,
      );
      changed('work-order', order.id);
      if (ticket) ctx.bus.publish({ type: 'changed', entity: 'ticket', id: ticket.id });
      return {
        ...orders.view(order),
        ticket: ticket ? { id: ticket.id, number: ticket.number, title: ticket.title } : null,
      };
    },
  );
  app.post(
    '/work-orders/:id/transition',
    {
      config: { roles: workers },
      schema: {
        tags: ['work-orders'],
        params: IdParams,
        body: Type.Object(
          {
            to: StringEnum(workOrderStatuses),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
            completedAt: Type.Optional(Timestamp),
            startedAt: Type.Optional(Timestamp),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => {
      const row = await orders.transition(db, whoOf(request), request.params.id, request.body);
      changed('work-order', row.id);
      // Finishing may make the next work due at once (a meter long past its threshold).
      if (row.planId && ['done', 'skipped', 'cancelled'].includes(row.status))
        await generate(db, new Date(), { planIds: [row.planId] });
      return orders.view(row);
    },
  );
  app.post(
    '/work-orders/:id/move',
    {
      config: { roles: editors },
      schema: {
        tags: ['work-orders'],
        summary: 'Move the slot; onto a booking needs confirm and a reason',
        params: IdParams,
        body: Type.Object(
          {
            start: Timestamp,
            confirm: Type.Optional(Type.Boolean()),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => {
      const row = await orders.move(db, whoOf(request), request.params.id, request.body);
      changed('work-order', row.id);
      return orders.view(row);
    },
  );
  app.post(
    '/work-orders/review',
    {
      config: { roles: editors },
      schema: {
        tags: ['work-orders'],
        summary: 'Approve or return many reviewed work orders at once',
        body: Type.Object(
          {
            ids: Type.Array(Uuid, { minItems: 1, maxItems: 200, uniqueItems: true }),
            approve: Type.Boolean(),
            reason: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request) => {
      const rows = await orders.review(db, whoOf(request), request.body);
      for (const row of rows) changed('work-order', row.id);
      return rows.map((r) => orders.view(r));
    },
  );

  // Calibration ----------------------------------------------------------------------------------
  const Reading = Type.Object(
    {
      key: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60 }),
      label: Type.String({ maxLength: 200 }),
      nominal: Type.Number(),
      tolerance: Type.Number({ minimum: 0, description: '± around nominal; never negative' }),
      unit: Type.String({ maxLength: 30 }),
    },
    { additionalProperties: false },
  );
  const templateFields = {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: StringEnum(calibrationKinds),
    description: Type.String({ maxLength: 5000 }),
    readings: Type.Array(Reading, { minItems: 1, maxItems: 60 }),
  };
  app.get(
    '/calibration-templates',
    { schema: { tags: ['calibration'], response: answers } },
    async () => calibration.listTemplates(db),
  );
  app.get(
    '/calibration-templates/:id',
    { schema: { tags: ['calibration'], params: IdParams, response: answers } },
    async (request) => calibration.getTemplate(db, request.params.id),
  );
  app.post(
    '/calibration-templates',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['calibration'],
        body: Type.Object(
          { ...templateFields, description: Type.Optional(templateFields.description) },
          { additionalProperties: false },
        ),
        response: answers,
      },
    },
    async (request, reply) => {
      const template = await calibration.createTemplate(db, actor(request), request.body);
      changed('calibration-template', template.id);
      return reply.status(201).send(template);
    },
  );
  app.patch(
    '/calibration-templates/:id',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['calibration'],
        params: IdParams,
        body: Type.Partial(Type.Object(templateFields), {
          additionalProperties: false,
          minProperties: 1,
        }),
        response: answers,
      },
    },
    async (request) => {
      const template = await calibration.updateTemplate(
        db,
        actor(request),
        request.params.id,
        request.body,
      );
      changed('calibration-template', template.id);
      return template;
    },
  );
  app.get(
    '/devices/:id/calibrations',
    {
      schema: {
        tags: ['calibration'],
        summary: "A device's calibration runs, oldest first, for the drift chart",
        params: IdParams,
        response: answers,
      },
    },
    async (request) => calibration.deviceHistory(db, request.params.id),
  );

  // Settings -------------------------------------------------------------------------------------
  app.get(
    '/maintenance/settings',
    { schema: { tags: ['maintenance'], response: answers } },
    async () => loadConfig(db),
  );
  app.patch(
    '/maintenance/settings',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['maintenance'],
        summary: 'Maintenance hours (24/7, weekends off, blackout dates) and sign-off validity',
        body: Type.Object(
          {
            hours: Type.Optional(
              Type.Object(
                {
                  timezone: Type.String(),
                  week: Type.Array(
                    Type.Array(Type.Array(Type.String(), { minItems: 2, maxItems: 2 })),
                  ),
                  holidays: Type.Array(Type.String()),
                },
                { additionalProperties: false },
              ),
            ),
            signoffValidDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
            repairDueHours: Type.Optional(Type.Number({ minimum: 0, maximum: 24 * 60 })),
            digestHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: answers,
      },
    },
    async (request) => {
      const config = await saveConfig(
        db,
        actor(request),
        request.body as Parameters<typeof saveConfig>[2],
      );
      changed('maintenance-settings', 'maintenance');
      return config;
    },
  );
};
